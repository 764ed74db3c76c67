
/*
 * Copyright (C) ngx_sockerless developers
 */


/*
 * The judge reads a request as dockerd will execute it: the decoded path
 * and version (ngx_sockerless_route.c), the query as Go's FormValue()
 * reads it (ngx_sockerless_query.c) and the body as Go's decoder reads it,
 * or refuses it (ngx_sockerless_json.c).  Which judge reads an operation's
 * query and body is a field of the operation table.  Names that dockerd
 * resolves (networks) become references that the caller resolves through
 * dockerd; their answers come back to ngx_sockerless_judge_answer().
 */


#include <ngx_config.h>
#include <ngx_core.h>

#include "ngx_sockerless_judge.h"
#include "ngx_sockerless_query.h"
#include "ngx_sockerless_image.h"
#include "ngx_sockerless_path.h"


typedef ngx_int_t (*ngx_sockerless_judge_pt)(ngx_sockerless_judge_t *j,
    ngx_sockerless_jv_t *body);


typedef struct {
    ngx_sockerless_judge_pt      query;     /* the query, or NULL */
    ngx_sockerless_judge_pt      body;      /* the body, or NULL */
    const char                  *doc;       /* what it judges, for docs */
} ngx_sockerless_judges_t;


static ngx_int_t ngx_sockerless_judge_deny(ngx_sockerless_judge_t *j,
    ngx_uint_t status, const char *fmt, ...);
static ngx_int_t ngx_sockerless_judge_ref(ngx_sockerless_judge_t *j,
    ngx_uint_t kind, ngx_str_t *name, ngx_uint_t checks, const char *where,
    const char *field);
static ngx_int_t ngx_sockerless_judge_arg(ngx_sockerless_judge_t *j,
    const char *name, ngx_str_t *value);
static ngx_int_t ngx_sockerless_judge_strings(ngx_sockerless_judge_t *j,
    ngx_sockerless_jv_t *v, const char *where, const char *field);
static ngx_int_t ngx_sockerless_judge_create(ngx_sockerless_judge_t *j,
    ngx_sockerless_jv_t *body);
static ngx_int_t ngx_sockerless_judge_start_query(ngx_sockerless_judge_t *j,
    ngx_sockerless_jv_t *body);
static ngx_int_t ngx_sockerless_judge_start(ngx_sockerless_judge_t *j,
    ngx_sockerless_jv_t *body);
static ngx_int_t ngx_sockerless_judge_update(ngx_sockerless_judge_t *j,
    ngx_sockerless_jv_t *body);
static ngx_int_t ngx_sockerless_judge_exec(ngx_sockerless_judge_t *j,
    ngx_sockerless_jv_t *body);
static ngx_int_t ngx_sockerless_judge_pull(ngx_sockerless_judge_t *j,
    ngx_sockerless_jv_t *body);
static ngx_int_t ngx_sockerless_judge_build(ngx_sockerless_judge_t *j,
    ngx_sockerless_jv_t *body);
static ngx_int_t ngx_sockerless_judge_service(ngx_sockerless_judge_t *j,
    ngx_sockerless_jv_t *spec);
static ngx_int_t ngx_sockerless_judge_volume(ngx_sockerless_judge_t *j,
    ngx_sockerless_jv_t *body);
static ngx_int_t ngx_sockerless_judge_network(ngx_sockerless_judge_t *j,
    ngx_sockerless_jv_t *body);
static ngx_int_t ngx_sockerless_judge_connect(ngx_sockerless_judge_t *j,
    ngx_sockerless_jv_t *body);
static ngx_int_t ngx_sockerless_judge_swarm(ngx_sockerless_judge_t *j,
    ngx_sockerless_jv_t *body);
static ngx_int_t ngx_sockerless_judge_secret(ngx_sockerless_judge_t *j,
    ngx_sockerless_jv_t *body);
static ngx_int_t ngx_sockerless_judge_checkpoint_query(
    ngx_sockerless_judge_t *j, ngx_sockerless_jv_t *body);
static ngx_int_t ngx_sockerless_judge_checkpoint(ngx_sockerless_judge_t *j,
    ngx_sockerless_jv_t *body);
static ngx_int_t ngx_sockerless_judge_image(ngx_sockerless_judge_t *j,
    ngx_str_t *image);
static ngx_int_t ngx_sockerless_judge_host_config(ngx_sockerless_judge_t *j,
    ngx_sockerless_jv_t *hc, const char *where);
static ngx_int_t ngx_sockerless_judge_network_mode(ngx_sockerless_judge_t *j,
    ngx_str_t *mode, const char *where, const char *field);
static ngx_int_t ngx_sockerless_judge_security_opt(ngx_sockerless_judge_t *j,
    ngx_sockerless_jv_t *opts, const char *where);
static ngx_int_t ngx_sockerless_judge_log(ngx_sockerless_judge_t *j,
    ngx_sockerless_jv_t *driver, const char *where);
static ngx_int_t ngx_sockerless_judge_caps(ngx_sockerless_judge_t *j,
    ngx_sockerless_jv_t *caps, const char *where, const char *field);
static ngx_int_t ngx_sockerless_judge_bind(ngx_sockerless_judge_t *j,
    ngx_str_t *src, ngx_uint_t ro, const char *where);
static ngx_int_t ngx_sockerless_judge_binds(ngx_sockerless_judge_t *j,
    ngx_sockerless_jv_t *binds, const char *where);
static ngx_int_t ngx_sockerless_judge_mounts(ngx_sockerless_judge_t *j,
    ngx_sockerless_jv_t *mounts, const char *where);
static ngx_int_t ngx_sockerless_judge_volume_opts(ngx_sockerless_judge_t *j,
    ngx_sockerless_jv_t *driver, ngx_sockerless_jv_t *opts,
    const char *where);
static ngx_int_t ngx_sockerless_judge_endpoints(ngx_sockerless_judge_t *j,
    ngx_sockerless_jv_t *networking);
static ngx_int_t ngx_sockerless_judge_service_networks(
    ngx_sockerless_judge_t *j, ngx_sockerless_jv_t *networks,
    const char *where);
static u_char *ngx_sockerless_judge_format(u_char *p, u_char *last,
    const char *fmt, va_list args);
static ngx_uint_t ngx_sockerless_judge_caseeq(u_char *s, size_t len,
    const char *name);
static ngx_uint_t ngx_sockerless_judge_casestr(ngx_str_t *s,
    const char *part);
static ngx_uint_t ngx_sockerless_judge_parse_bool(ngx_str_t *s);
static ngx_uint_t ngx_sockerless_judge_shares(ngx_str_t *mode);


/* the judges of NGX_SOCKERLESS_JUDGE_*, in that order */

static ngx_sockerless_judges_t  ngx_sockerless_judges[] = {

    { NULL, NULL, NULL },

    { NULL, ngx_sockerless_judge_create,
      "`Image` against `image`; HostConfig at the top level and under "
      "`HostConfig` against `privileged off` and `bind`; networks named "
      "in `NetworkMode` and `EndpointsConfig` resolved: not the host's" },

    { ngx_sockerless_judge_start_query, ngx_sockerless_judge_start,
      "a body (API < 1.24) as a create's HostConfig, both shapes; "
      "`checkpoint`, `checkpoint-dir` refused by `privileged off`" },

    { NULL, ngx_sockerless_judge_update,
      "resources against `privileged off`" },

    { NULL, ngx_sockerless_judge_exec,
      "`Privileged` against `privileged off`" },

    { NULL, NULL, NULL },

    { ngx_sockerless_judge_pull, NULL,
      "`fromImage`/`repo` and `tag` against `image`; `fromSrc` other "
      "than `-` refused by `privileged off`" },

    { ngx_sockerless_judge_build, NULL,
      "`networkmode` (host, container, or a network resolved to the "
      "host's), `cgroupparent`, `remote` against `privileged off`" },

    { NULL, ngx_sockerless_judge_service,
      "ContainerSpec image, mounts, capabilities, sysctls, privileges; "
      "plugin, runtime, log driver; networks resolved: not the host's" },

    { NULL, ngx_sockerless_judge_volume,
      "driver and local driver options against `privileged off`" },

    { NULL, ngx_sockerless_judge_network,
      "driver, ingress, `ConfigFrom`, IPAM driver and options against "
      "`privileged off`" },

    { ngx_sockerless_judge_connect, NULL,
      "the network resolved: not the host's" },

    { NULL, ngx_sockerless_judge_swarm,
      "`CAConfig.ExternalCAs` and the default log driver against "
      "`privileged off`" },

    { NULL, ngx_sockerless_judge_secret,
      "a secret `Driver` (a plugin) refused by `privileged off`" },

    { ngx_sockerless_judge_checkpoint_query,
      ngx_sockerless_judge_checkpoint,
      "a checkpoint directory (`dir`, `CheckpointDir`) refused by "
      "`privileged off`" }
};


/* what a default container has: adding one of these gives nothing more */

static const char  *ngx_sockerless_default_caps[] = {
    "CHOWN", "DAC_OVERRIDE", "FSETID", "FOWNER", "MKNOD", "NET_RAW",
    "SETGID", "SETUID", "SETFCAP", "SETPCAP", "NET_BIND_SERVICE",
    "SYS_CHROOT", "KILL", "AUDIT_WRITE", NULL
};


/* HostConfig fields that give more than a default container, if set */

static const char  *ngx_sockerless_set_fields[] = {
    "Devices", "DeviceRequests", "DeviceCgroupRules", "Capabilities",
    "CgroupParent", "Sysctls", "VolumeDriver", "VolumesFrom", NULL
};


/* HostConfig fields that count even when empty: [] unmasks everything */

static const char  *ngx_sockerless_present_fields[] = {
    "MaskedPaths", "ReadonlyPaths", NULL
};


/* HostConfig namespace modes that share the host's or another's */

static const char  *ngx_sockerless_ns_fields[] = {
    "NetworkMode", "PidMode", "IpcMode", "UTSMode", "UsernsMode",
    "CgroupnsMode", NULL
};


/* network modes that name no network: dockerd resolves none */

static const char  *ngx_sockerless_builtin_networks[] = {
    "", "default", "bridge", "none", NULL
};


/* log drivers that write where dockerd keeps logs, and connect nowhere */

static const char  *ngx_sockerless_local_logs[] = {
    "", "json-file", "local", "none", NULL
};


/* what makes a start restore a checkpoint */

static const char  *ngx_sockerless_checkpoint_args[] = {
    "checkpoint", "checkpoint-dir", NULL
};


/* the words of Go's strconv.ParseBool */

static const char  *ngx_sockerless_bool_words[] = {
    "1", "t", "T", "TRUE", "true", "True",
    "0", "f", "F", "FALSE", "false", "False", NULL
};


const char *
ngx_sockerless_judge_doc(ngx_uint_t judge)
{
    if (judge >= NGX_SOCKERLESS_JUDGE_N) {
        return NULL;
    }

    return ngx_sockerless_judges[judge].doc;
}


ngx_int_t
ngx_sockerless_judge_line(ngx_sockerless_judge_t *j)
{
    ngx_sockerless_route_t     *rt;
    const ngx_sockerless_op_t  *op;

    rt = j->route;
    op = j->op;

    j->status = NGX_SOCKERLESS_FORBIDDEN;
    j->body_needed = 0;

    /* the request as dockerd reads it, or nothing */

    if (rt->canon != NGX_SOCKERLESS_CANON_OK) {
        return ngx_sockerless_judge_deny(j, NGX_SOCKERLESS_BAD_REQUEST,
                                         "non-canonical: the path is not as "
                                         "dockerd routes it (%s)",
                                         ngx_sockerless_canon_reason(
                                             rt->canon));
    }

    if (rt->escaped) {
        return ngx_sockerless_judge_deny(j, NGX_SOCKERLESS_BAD_REQUEST,
                                         "non-canonical: an escaped \"/\" "
                                         "or \".\" in the path");
    }

    if (rt->versioned
        && (!rt->version_ok
            || ngx_sockerless_version_cmp(rt,
                                          NGX_SOCKERLESS_VERSION_MIN_MAJOR,
                                          NGX_SOCKERLESS_VERSION_MIN_MINOR)
               < 0))
    {
        return ngx_sockerless_judge_deny(j, NGX_SOCKERLESS_BAD_REQUEST,
                                         "version: the API version is not "
                                         "one dockerd serves");
    }

    if (op == NULL) {
        return ngx_sockerless_judge_deny(j, NGX_SOCKERLESS_FORBIDDEN,
                                         "unknown-operation: %V %V is no "
                                         "operation of the Engine API",
                                         &j->method, &rt->path);
    }

    if (!j->rules->allow[op->id]) {
        return ngx_sockerless_judge_deny(j, NGX_SOCKERLESS_FORBIDDEN,
                                         "operation: %V is not allowed",
                                         &op->name);
    }

    /* dockerd would read the values of a form body as query parameters */

    if (ngx_sockerless_judge_casestr(&j->content_type, "form"))
    {
        return ngx_sockerless_judge_deny(j, NGX_SOCKERLESS_BAD_REQUEST,
                                         "non-canonical: a form body (%V) "
                                         "adds to the query string",
                                         &j->content_type);
    }

    if (!j->rules->privileged && (op->flags & NGX_SOCKERLESS_OP_HOST)) {
        return ngx_sockerless_judge_deny(j, NGX_SOCKERLESS_FORBIDDEN,
                                         "privileged: %V needs the host's "
                                         "privileges (a plugin runs as "
                                         "root on the host, a swarm node "
                                         "serves the swarm)", &op->name);
    }

    j->body_needed = (op->flags & NGX_SOCKERLESS_OP_JSON) ? 1 : 0;

    if (ngx_sockerless_judges[op->judge].query == NULL) {
        return NGX_OK;
    }

    /* dockerd refuses a query Go cannot parse */

    if (ngx_sockerless_query_valid(&j->args) != NGX_OK) {
        return ngx_sockerless_judge_deny(j, NGX_SOCKERLESS_BAD_REQUEST,
                                         "non-canonical: the query string "
                                         "is malformed");
    }

    return ngx_sockerless_judges[op->judge].query(j, NULL);
}


ngx_int_t
ngx_sockerless_judge_body(ngx_sockerless_judge_t *j)
{
    const char  *err;

    if (j->json.len == 0) {
        /* no body: dockerd sees nothing more than the request line */
        return NGX_OK;
    }

    j->body = ngx_sockerless_json_parse(j->json.data, j->json.len, j->alloc,
                                        j->data, &err);

    if (j->body == NULL) {
        if (err == NULL) {
            return NGX_ERROR;
        }

        return ngx_sockerless_judge_deny(j, NGX_SOCKERLESS_BAD_REQUEST,
                                         "json: %s", err);
    }

    /* a body no judge reads may be any JSON (a plugin's settings: []) */

    if (ngx_sockerless_judges[j->op->judge].body == NULL) {
        return NGX_OK;
    }

    if (j->body->type != NGX_SOCKERLESS_JSON_OBJECT) {
        return ngx_sockerless_judge_deny(j, NGX_SOCKERLESS_BAD_REQUEST,
                                         "json: the body is not an object");
    }

    return ngx_sockerless_judges[j->op->judge].body(j, j->body);
}


ngx_int_t
ngx_sockerless_judge_answer(ngx_sockerless_judge_t *j,
    ngx_sockerless_ref_t *ref, ngx_sockerless_jv_t *answer)
{
    ngx_sockerless_jv_t  *v;

    if (answer == NULL) {
        /* dockerd has no such object and will say so itself */
        return NGX_OK;
    }

    if (ref->checks & NGX_SOCKERLESS_REF_NOT_HOST) {
        v = ngx_sockerless_json_get(answer, "Driver");

        if (ngx_sockerless_json_eq(v, "host")) {
            return ngx_sockerless_judge_deny(j, NGX_SOCKERLESS_FORBIDDEN,
                                             "privileged: %s %V is the "
                                             "host's network", ref->where,
                                             &ref->name);
        }
    }

    return NGX_OK;
}


static ngx_int_t
ngx_sockerless_judge_deny(ngx_sockerless_judge_t *j, ngx_uint_t status,
    const char *fmt, ...)
{
    u_char   *p;
    va_list   args;

    va_start(args, fmt);
    p = ngx_sockerless_judge_format(j->text, j->text + sizeof(j->text), fmt,
                                    args);
    va_end(args);

    j->status = status;
    j->reason.data = j->text;
    j->reason.len = p - j->text;

    return NGX_DECLINED;
}


/* a name for dockerd to resolve; "where" and "field" name it in reasons */

static ngx_int_t
ngx_sockerless_judge_ref(ngx_sockerless_judge_t *j, ngx_uint_t kind,
    ngx_str_t *name, ngx_uint_t checks, const char *where, const char *field)
{
    u_char                *p;
    size_t                 len;
    ngx_sockerless_ref_t  *ref;

    if (j->refs == NULL) {
        j->refs = j->alloc(j->data, sizeof(ngx_array_t));
        if (j->refs == NULL) {
            return NGX_ERROR;
        }

        j->refs->elts = j->alloc(j->data, 4 * sizeof(ngx_sockerless_ref_t));
        if (j->refs->elts == NULL) {
            return NGX_ERROR;
        }

        j->refs->nelts = 0;
        j->refs->size = sizeof(ngx_sockerless_ref_t);
        j->refs->nalloc = 4;
        j->refs->pool = NULL;
    }

    if (j->refs->nelts == j->refs->nalloc) {
        p = j->alloc(j->data, 2 * j->refs->nalloc * j->refs->size);
        if (p == NULL) {
            return NGX_ERROR;
        }

        ngx_memcpy(p, j->refs->elts, j->refs->nelts * j->refs->size);
        j->refs->elts = p;
        j->refs->nalloc *= 2;
    }

    ref = (ngx_sockerless_ref_t *) j->refs->elts + j->refs->nelts++;

    len = ngx_strlen(where) + ngx_strlen(field) + 1;

    p = j->alloc(j->data, len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    ngx_memcpy(p, where, ngx_strlen(where));
    ngx_memcpy(p + ngx_strlen(where), field, ngx_strlen(field) + 1);

    ref->kind = kind;
    ref->name = *name;
    ref->checks = checks;
    ref->where = (const char *) p;

    return NGX_OK;
}


/* a query parameter: NGX_OK, NGX_DECLINED when absent, or NGX_ERROR */

static ngx_int_t
ngx_sockerless_judge_arg(ngx_sockerless_judge_t *j, const char *name,
    ngx_str_t *value)
{
    /* the query is valid: judge_line() refused it otherwise */

    return ngx_sockerless_query_get(&j->args, name, value, j->alloc,
                                    j->data);
}


/* null, or an array of strings */

static ngx_int_t
ngx_sockerless_judge_strings(ngx_sockerless_judge_t *j,
    ngx_sockerless_jv_t *v, const char *where, const char *field)
{
    ngx_sockerless_jv_t  *e;

    if (v == NULL || v->type == NGX_SOCKERLESS_JSON_NULL) {
        return NGX_OK;
    }

    if (v->type != NGX_SOCKERLESS_JSON_ARRAY) {
        return ngx_sockerless_judge_deny(j, NGX_SOCKERLESS_FORBIDDEN,
                                         "json: %s%s is not an array",
                                         where, field);
    }

    for (e = v->child; e; e = e->next) {
        if (e->type != NGX_SOCKERLESS_JSON_STRING) {
            return ngx_sockerless_judge_deny(j, NGX_SOCKERLESS_FORBIDDEN,
                                             "json: %s%s has a non-string",
                                             where, field);
        }
    }

    return NGX_OK;
}


static ngx_int_t
ngx_sockerless_judge_create(ngx_sockerless_judge_t *j,
    ngx_sockerless_jv_t *body)
{
    ngx_int_t             rc;
    ngx_sockerless_jv_t  *v;

    v = ngx_sockerless_json_get(body, "Image");

    if (v && v->type != NGX_SOCKERLESS_JSON_STRING
        && v->type != NGX_SOCKERLESS_JSON_NULL)
    {
        return ngx_sockerless_judge_deny(j, NGX_SOCKERLESS_BAD_REQUEST,
                                         "json: Image is not a string");
    }

    if (j->rules->images) {
        if (v == NULL || v->type != NGX_SOCKERLESS_JSON_STRING) {
            return ngx_sockerless_judge_deny(j, NGX_SOCKERLESS_FORBIDDEN,
                                             "image: the create names no "
                                             "image");
        }

        rc = ngx_sockerless_judge_image(j, &v->str);
        if (rc != NGX_OK) {
            return rc;
        }
    }

    rc = ngx_sockerless_judge_start(j, body);
    if (rc != NGX_OK) {
        return rc;
    }

    return ngx_sockerless_judge_endpoints(j,
                             ngx_sockerless_json_get(body, "NetworkingConfig"));
}


/* dockerd starts from a checkpoint (CRIU, in a directory it is given) */

static ngx_int_t
ngx_sockerless_judge_start_query(ngx_sockerless_judge_t *j,
    ngx_sockerless_jv_t *body)
{
    ngx_int_t   rc;
    ngx_str_t   v;
    ngx_uint_t  i;

    if (j->rules->privileged) {
        return NGX_OK;
    }

    for (i = 0; ngx_sockerless_checkpoint_args[i]; i++) {
        rc = ngx_sockerless_judge_arg(j, ngx_sockerless_checkpoint_args[i],
                                      &v);

        if (rc == NGX_OK && v.len) {
            return ngx_sockerless_judge_deny(j, NGX_SOCKERLESS_FORBIDDEN,
                                             "privileged: start %s=%V "
                                             "restores a process image",
                                             ngx_sockerless_checkpoint_args[i],
                                             &v);
        }

        if (rc != NGX_OK && rc != NGX_DECLINED) {
            return rc;
        }
    }

    return NGX_OK;
}


/*
 * A container's HostConfig as dockerd's ContainerConfigWrapper reads it,
 * at create and at start (API < 1.24): the fields may sit at the top
 * level and under "HostConfig", and the inner ones win; both are judged.
 */

static ngx_int_t
ngx_sockerless_judge_start(ngx_sockerless_judge_t *j,
    ngx_sockerless_jv_t *body)
{
    ngx_int_t  rc;

    rc = ngx_sockerless_judge_host_config(j, body, "");
    if (rc != NGX_OK) {
        return rc;
    }

    return ngx_sockerless_judge_host_config(j,
                                    ngx_sockerless_json_get(body, "HostConfig"),
                                    "HostConfig.");
}


/* resources and a restart policy, at the top level */

static ngx_int_t
ngx_sockerless_judge_update(ngx_sockerless_judge_t *j,
    ngx_sockerless_jv_t *body)
{
    return ngx_sockerless_judge_host_config(j, body, "");
}


static ngx_int_t
ngx_sockerless_judge_exec(ngx_sockerless_judge_t *j,
    ngx_sockerless_jv_t *body)
{
    if (!j->rules->privileged
        && ngx_sockerless_json_set(ngx_sockerless_json_get(body,
                                                           "Privileged")))
    {
        return ngx_sockerless_judge_deny(j, NGX_SOCKERLESS_FORBIDDEN,
                                         "privileged: Privileged exec");
    }

    return NGX_OK;
}


/* an image pull or import: its name, and where dockerd would fetch from */

static ngx_int_t
ngx_sockerless_judge_pull(ngx_sockerless_judge_t *j,
    ngx_sockerless_jv_t *body)
{
    u_char     *p;
    ngx_int_t   rc;
    ngx_str_t   v, tag, image;

    if (!j->rules->privileged) {
        rc = ngx_sockerless_judge_arg(j, "fromSrc", &v);

        if (rc == NGX_OK && v.len && !(v.len == 1 && v.data[0] == '-')) {
            return ngx_sockerless_judge_deny(j, NGX_SOCKERLESS_FORBIDDEN,
                                             "privileged: an import from "
                                             "%V makes dockerd fetch a URL",
                                             &v);
        }

        if (rc != NGX_OK && rc != NGX_DECLINED) {
            return rc;
        }
    }

    if (j->rules->images == NULL) {
        return NGX_OK;
    }

    /* dockerd: fromImage, or for an import, repo */

    rc = ngx_sockerless_judge_arg(j, "fromImage", &v);

    if (rc == NGX_OK && v.len == 0) {
        rc = NGX_DECLINED;
    }

    if (rc == NGX_DECLINED) {
        rc = ngx_sockerless_judge_arg(j, "repo", &v);
    }

    if (rc != NGX_OK && rc != NGX_DECLINED) {
        return rc;
    }

    if (rc != NGX_OK || v.len == 0) {
        return ngx_sockerless_judge_deny(j, NGX_SOCKERLESS_FORBIDDEN,
                                         "image: a pull or import names no "
                                         "image");
    }

    rc = ngx_sockerless_judge_arg(j, "tag", &tag);

    if (rc == NGX_DECLINED) {
        tag.len = 0;

    } else if (rc != NGX_OK) {
        return rc;
    }

    image.data = j->alloc(j->data, v.len + tag.len + 1);
    if (image.data == NULL) {
        return NGX_ERROR;
    }

    p = ngx_cpymem(image.data, v.data, v.len);

    if (tag.len) {
        /* the CLI sends a digest as the tag: "sha256:..." */
        *p++ = ngx_strlchr(tag.data, tag.data + tag.len, ':') ? '@' : ':';
        p = ngx_cpymem(p, tag.data, tag.len);
    }

    image.len = p - image.data;

    return ngx_sockerless_judge_image(j, &image);
}


/* a classic build: its containers' network, cgroup and context */

static ngx_int_t
ngx_sockerless_judge_build(ngx_sockerless_judge_t *j,
    ngx_sockerless_jv_t *body)
{
    ngx_int_t  rc;
    ngx_str_t  v;

    if (j->rules->privileged) {
        return NGX_OK;
    }

    rc = ngx_sockerless_judge_arg(j, "networkmode", &v);

    if (rc == NGX_OK) {
        rc = ngx_sockerless_judge_network_mode(j, &v, "build ",
                                               "networkmode");
        if (rc != NGX_OK) {
            return rc;
        }

    } else if (rc != NGX_DECLINED) {
        return rc;
    }

    rc = ngx_sockerless_judge_arg(j, "cgroupparent", &v);

    if (rc == NGX_OK && v.len) {
        return ngx_sockerless_judge_deny(j, NGX_SOCKERLESS_FORBIDDEN,
                                         "privileged: build cgroupparent");
    }

    if (rc != NGX_OK && rc != NGX_DECLINED) {
        return rc;
    }

    rc = ngx_sockerless_judge_arg(j, "remote", &v);

    if (rc == NGX_OK && v.len) {
        return ngx_sockerless_judge_deny(j, NGX_SOCKERLESS_FORBIDDEN,
                                         "privileged: build remote=%V makes "
                                         "dockerd fetch a URL", &v);
    }

    if (rc != NGX_OK && rc != NGX_DECLINED) {
        return rc;
    }

    return NGX_OK;
}


static ngx_int_t
ngx_sockerless_judge_service(ngx_sockerless_judge_t *j,
    ngx_sockerless_jv_t *spec)
{
    ngx_int_t             rc;
    ngx_sockerless_jv_t  *tt, *cs, *v, *pv;

    tt = ngx_sockerless_json_get(spec, "TaskTemplate");
    cs = ngx_sockerless_json_get(tt, "ContainerSpec");

    if (!j->rules->privileged) {

        if (ngx_sockerless_json_get(tt, "PluginSpec")) {
            return ngx_sockerless_judge_deny(j, NGX_SOCKERLESS_FORBIDDEN,
                                             "privileged: "
                                             "TaskTemplate.PluginSpec");
        }

        v = ngx_sockerless_json_get(tt, "Runtime");

        if (v && v->type != NGX_SOCKERLESS_JSON_NULL
            && !ngx_sockerless_json_eq(v, "")
            && !ngx_sockerless_json_eq(v, "container"))
        {
            return ngx_sockerless_judge_deny(j, NGX_SOCKERLESS_FORBIDDEN,
                                             "privileged: "
                                             "TaskTemplate.Runtime");
        }

        rc = ngx_sockerless_judge_log(j, ngx_sockerless_json_get(
                                               ngx_sockerless_json_get(tt,
                                                                "LogDriver"),
                                               "Name"),
                                      "TaskTemplate.LogDriver");
        if (rc != NGX_OK) {
            return rc;
        }

        /* a service on the host's network, as NetworkMode host */

        rc = ngx_sockerless_judge_service_networks(j,
                                       ngx_sockerless_json_get(tt, "Networks"),
                                       "TaskTemplate.Networks");
        if (rc != NGX_OK) {
            return rc;
        }

        rc = ngx_sockerless_judge_service_networks(j,
                                     ngx_sockerless_json_get(spec, "Networks"),
                                     "Networks");
        if (rc != NGX_OK) {
            return rc;
        }
    }

    if (cs == NULL) {
        return NGX_OK;
    }

    v = ngx_sockerless_json_get(cs, "Image");

    if (j->rules->images) {
        if (v == NULL || v->type != NGX_SOCKERLESS_JSON_STRING) {
            return ngx_sockerless_judge_deny(j, NGX_SOCKERLESS_FORBIDDEN,
                                             "image: the service names no "
                                             "image");
        }

        rc = ngx_sockerless_judge_image(j, &v->str);
        if (rc != NGX_OK) {
            return rc;
        }
    }

    rc = ngx_sockerless_judge_mounts(j, ngx_sockerless_json_get(cs, "Mounts"),
                                     "ContainerSpec.");
    if (rc != NGX_OK) {
        return rc;
    }

    if (j->rules->privileged) {
        return NGX_OK;
    }

    rc = ngx_sockerless_judge_caps(j,
                                   ngx_sockerless_json_get(cs,
                                                           "CapabilityAdd"),
                                   "ContainerSpec.", "CapabilityAdd");
    if (rc != NGX_OK) {
        return rc;
    }

    if (ngx_sockerless_json_set(ngx_sockerless_json_get(cs, "Sysctls"))) {
        return ngx_sockerless_judge_deny(j, NGX_SOCKERLESS_FORBIDDEN,
                                         "privileged: ContainerSpec.Sysctls");
    }

    pv = ngx_sockerless_json_get(cs, "Privileges");

    v = ngx_sockerless_json_get(ngx_sockerless_json_get(pv, "SELinuxContext"),
                                "Disable");

    if (v && v->type == NGX_SOCKERLESS_JSON_TRUE) {
        return ngx_sockerless_judge_deny(j, NGX_SOCKERLESS_FORBIDDEN,
                                         "privileged: SELinuxContext "
                                         "Disable");
    }

    v = ngx_sockerless_json_get(ngx_sockerless_json_get(pv, "Seccomp"),
                                "Mode");

    if (v && !ngx_sockerless_json_eq(v, "default")) {
        return ngx_sockerless_judge_deny(j, NGX_SOCKERLESS_FORBIDDEN,
                                         "privileged: Seccomp Mode");
    }

    v = ngx_sockerless_json_get(ngx_sockerless_json_get(pv, "AppArmor"),
                                "Mode");

    if (v && !ngx_sockerless_json_eq(v, "default")) {
        return ngx_sockerless_judge_deny(j, NGX_SOCKERLESS_FORBIDDEN,
                                         "privileged: AppArmor Mode");
    }

    return NGX_OK;
}


static ngx_int_t
ngx_sockerless_judge_volume(ngx_sockerless_judge_t *j,
    ngx_sockerless_jv_t *body)
{
    if (j->rules->privileged) {
        return NGX_OK;
    }

    return ngx_sockerless_judge_volume_opts(j,
                                   ngx_sockerless_json_get(body, "Driver"),
                                   ngx_sockerless_json_get(body, "DriverOpts"),
                                   "");
}


static ngx_int_t
ngx_sockerless_judge_network(ngx_sockerless_judge_t *j,
    ngx_sockerless_jv_t *body)
{
    ngx_sockerless_jv_t  *v, *o;

    if (j->rules->privileged) {
        return NGX_OK;
    }

    v = ngx_sockerless_json_get(body, "Driver");

    if (v && v->type != NGX_SOCKERLESS_JSON_NULL
        && !ngx_sockerless_json_eq(v, "")
        && !ngx_sockerless_json_eq(v, "bridge")
        && !ngx_sockerless_json_eq(v, "overlay"))
    {
        return ngx_sockerless_judge_deny(j, NGX_SOCKERLESS_FORBIDDEN,
                                         "privileged: network driver %V",
                                         &v->str);
    }

    v = ngx_sockerless_json_get(body, "Ingress");

    if (v && v->type == NGX_SOCKERLESS_JSON_TRUE) {
        return ngx_sockerless_judge_deny(j, NGX_SOCKERLESS_FORBIDDEN,
                                         "privileged: ingress network");
    }

    /* the options of a network an administrator made for others */

    if (ngx_sockerless_json_set(ngx_sockerless_json_get(body, "ConfigFrom")))
    {
        return ngx_sockerless_judge_deny(j, NGX_SOCKERLESS_FORBIDDEN,
                                         "privileged: network ConfigFrom");
    }

    v = ngx_sockerless_json_get(ngx_sockerless_json_get(body, "IPAM"),
                                "Driver");

    if (v && v->type != NGX_SOCKERLESS_JSON_NULL
        && !ngx_sockerless_json_eq(v, "")
        && !ngx_sockerless_json_eq(v, "default"))
    {
        return ngx_sockerless_judge_deny(j, NGX_SOCKERLESS_FORBIDDEN,
                                         "privileged: IPAM driver %V",
                                         &v->str);
    }

    v = ngx_sockerless_json_get(body, "Options");

    if (v == NULL || v->type == NGX_SOCKERLESS_JSON_NULL) {
        return NGX_OK;
    }

    if (v->type != NGX_SOCKERLESS_JSON_OBJECT) {
        return ngx_sockerless_judge_deny(j, NGX_SOCKERLESS_FORBIDDEN,
                                         "json: Options is not an object");
    }

    /* options that reach the host's interfaces */

    for (o = v->child; o; o = o->next) {
        if (!ngx_sockerless_judge_casestr(&o->key, "mtu")
            && !ngx_sockerless_judge_casestr(&o->key, "enable_icc"))
        {
            return ngx_sockerless_judge_deny(j, NGX_SOCKERLESS_FORBIDDEN,
                                             "privileged: network option %V",
                                             &o->key);
        }
    }

    return NGX_OK;
}


/* the network a container joins, by any name dockerd resolves */

static ngx_int_t
ngx_sockerless_judge_connect(ngx_sockerless_judge_t *j,
    ngx_sockerless_jv_t *body)
{
    if (j->rules->privileged) {
        return NGX_OK;
    }

    return ngx_sockerless_judge_network_mode(j, &j->route->object,
                                             "NetworkConnect ", "network");
}


static ngx_int_t
ngx_sockerless_judge_swarm(ngx_sockerless_judge_t *j,
    ngx_sockerless_jv_t *body)
{
    ngx_sockerless_jv_t  *v;

    if (j->rules->privileged) {
        return NGX_OK;
    }

    v = ngx_sockerless_json_get(ngx_sockerless_json_get(body, "CAConfig"),
                                "ExternalCAs");

    if (ngx_sockerless_json_set(v)) {
        return ngx_sockerless_judge_deny(j, NGX_SOCKERLESS_FORBIDDEN,
                                         "privileged: CAConfig.ExternalCAs "
                                         "makes the managers connect to a "
                                         "CA");
    }

    v = ngx_sockerless_json_get(ngx_sockerless_json_get(body, "TaskDefaults"),
                                "LogDriver");

    return ngx_sockerless_judge_log(j, ngx_sockerless_json_get(v, "Name"),
                                    "TaskDefaults.LogDriver");
}


/* a secret driver is a plugin */

static ngx_int_t
ngx_sockerless_judge_secret(ngx_sockerless_judge_t *j,
    ngx_sockerless_jv_t *body)
{
    if (!j->rules->privileged
        && ngx_sockerless_json_set(ngx_sockerless_json_get(body, "Driver")))
    {
        return ngx_sockerless_judge_deny(j, NGX_SOCKERLESS_FORBIDDEN,
                                         "privileged: a secret Driver is a "
                                         "plugin");
    }

    return NGX_OK;
}


/* checkpoints kept in a host directory the client names */

static ngx_int_t
ngx_sockerless_judge_checkpoint_query(ngx_sockerless_judge_t *j,
    ngx_sockerless_jv_t *body)
{
    ngx_int_t  rc;
    ngx_str_t  v;

    if (j->rules->privileged) {
        return NGX_OK;
    }

    rc = ngx_sockerless_judge_arg(j, "dir", &v);

    if (rc == NGX_OK && v.len) {
        return ngx_sockerless_judge_deny(j, NGX_SOCKERLESS_FORBIDDEN,
                                         "privileged: checkpoint dir=%V is "
                                         "a host directory", &v);
    }

    if (rc != NGX_OK && rc != NGX_DECLINED) {
        return rc;
    }

    return NGX_OK;
}


static ngx_int_t
ngx_sockerless_judge_checkpoint(ngx_sockerless_judge_t *j,
    ngx_sockerless_jv_t *body)
{
    if (!j->rules->privileged
        && ngx_sockerless_json_set(ngx_sockerless_json_get(body,
                                                           "CheckpointDir")))
    {
        return ngx_sockerless_judge_deny(j, NGX_SOCKERLESS_FORBIDDEN,
                                         "privileged: CheckpointDir is a "
                                         "host directory");
    }

    return NGX_OK;
}


static ngx_int_t
ngx_sockerless_judge_image(ngx_sockerless_judge_t *j, ngx_str_t *image)
{
    u_char      *buf;
    size_t       len;
    ngx_str_t   *pat;
    ngx_uint_t   i;

    if (j->rules->images == NULL) {
        return NGX_OK;
    }

    buf = j->alloc(j->data, image->len + 32);
    if (buf == NULL) {
        return NGX_ERROR;
    }

    len = ngx_sockerless_image_normalize(image->data, image->len, buf);

    if (len == 0) {
        return ngx_sockerless_judge_deny(j, NGX_SOCKERLESS_FORBIDDEN,
                                         "image: \"%V\" is not an image name "
                                         "(an ID cannot be matched to the "
                                         "allowed images)", image);
    }

    pat = j->rules->images->elts;

    for (i = 0; i < j->rules->images->nelts; i++) {
        if (ngx_sockerless_glob(pat[i].data, pat[i].len, buf, len)) {
            return NGX_OK;
        }
    }

    return ngx_sockerless_judge_deny(j, NGX_SOCKERLESS_FORBIDDEN,
                                     "image: %*s is not an allowed image",
                                     len, buf);
}


static ngx_int_t
ngx_sockerless_judge_host_config(ngx_sockerless_judge_t *j,
    ngx_sockerless_jv_t *hc, const char *where)
{
    u_char               *p, *last;
    ngx_int_t             rc;
    ngx_uint_t            i;
    ngx_sockerless_jv_t  *v;

    if (hc == NULL || hc->type == NGX_SOCKERLESS_JSON_NULL) {
        return NGX_OK;
    }

    if (hc->type != NGX_SOCKERLESS_JSON_OBJECT) {
        return ngx_sockerless_judge_deny(j, NGX_SOCKERLESS_FORBIDDEN,
                                         "json: %sHostConfig is not an "
                                         "object", where);
    }

    rc = ngx_sockerless_judge_binds(j, ngx_sockerless_json_get(hc, "Binds"),
                                    where);
    if (rc != NGX_OK) {
        return rc;
    }

    rc = ngx_sockerless_judge_mounts(j, ngx_sockerless_json_get(hc, "Mounts"),
                                     where);
    if (rc != NGX_OK) {
        return rc;
    }

    if (j->rules->privileged) {
        return NGX_OK;
    }

    v = ngx_sockerless_json_get(hc, "Privileged");

    if (v && v->type != NGX_SOCKERLESS_JSON_FALSE
        && v->type != NGX_SOCKERLESS_JSON_NULL)
    {
        return ngx_sockerless_judge_deny(j, NGX_SOCKERLESS_FORBIDDEN,
                                         "privileged: %sPrivileged", where);
    }

    rc = ngx_sockerless_judge_caps(j, ngx_sockerless_json_get(hc, "CapAdd"),
                                   where, "CapAdd");
    if (rc != NGX_OK) {
        return rc;
    }

    for (i = 0; ngx_sockerless_set_fields[i]; i++) {
        v = ngx_sockerless_json_get(hc, ngx_sockerless_set_fields[i]);

        if (ngx_sockerless_json_set(v)) {
            return ngx_sockerless_judge_deny(j, NGX_SOCKERLESS_FORBIDDEN,
                                             "privileged: %s%s", where,
                                             ngx_sockerless_set_fields[i]);
        }
    }

    for (i = 0; ngx_sockerless_present_fields[i]; i++) {
        v = ngx_sockerless_json_get(hc, ngx_sockerless_present_fields[i]);

        if (v && v->type != NGX_SOCKERLESS_JSON_NULL) {
            return ngx_sockerless_judge_deny(j, NGX_SOCKERLESS_FORBIDDEN,
                                             "privileged: %s%s", where,
                                             ngx_sockerless_present_fields[i]);
        }
    }

    for (i = 0; ngx_sockerless_ns_fields[i]; i++) {
        v = ngx_sockerless_json_get(hc, ngx_sockerless_ns_fields[i]);

        if (v == NULL || v->type == NGX_SOCKERLESS_JSON_NULL) {
            continue;
        }

        if (v->type != NGX_SOCKERLESS_JSON_STRING) {
            return ngx_sockerless_judge_deny(j, NGX_SOCKERLESS_FORBIDDEN,
                                             "json: %s%s is not a string",
                                             where,
                                             ngx_sockerless_ns_fields[i]);
        }

        if (ngx_sockerless_judge_shares(&v->str)) {
            return ngx_sockerless_judge_deny(j, NGX_SOCKERLESS_FORBIDDEN,
                                             "privileged: %s%s %V", where,
                                             ngx_sockerless_ns_fields[i],
                                             &v->str);
        }

        if (i == 0) {
            rc = ngx_sockerless_judge_network_mode(j, &v->str, where,
                                                   "NetworkMode");
            if (rc != NGX_OK) {
                return rc;
            }
        }
    }

    rc = ngx_sockerless_judge_security_opt(j,
                                       ngx_sockerless_json_get(hc,
                                                               "SecurityOpt"),
                                       where);
    if (rc != NGX_OK) {
        return rc;
    }

    /* runtimes are names dockerd looks up exactly */

    v = ngx_sockerless_json_get(hc, "Runtime");

    if (v && v->type != NGX_SOCKERLESS_JSON_NULL
        && !ngx_sockerless_json_eq(v, "")
        && !ngx_sockerless_json_eq(v, "runc"))
    {
        return ngx_sockerless_judge_deny(j, NGX_SOCKERLESS_FORBIDDEN,
                                         "privileged: %sRuntime", where);
    }

    rc = ngx_sockerless_judge_log(j, ngx_sockerless_json_get(
                                           ngx_sockerless_json_get(hc,
                                                                "LogConfig"),
                                           "Type"),
                                  where[0] ? "HostConfig.LogConfig"
                                           : "LogConfig");
    if (rc != NGX_OK) {
        return rc;
    }

    /* below the host's own processes for the OOM killer */

    v = ngx_sockerless_json_get(hc, "OomScoreAdj");

    if (v && v->type == NGX_SOCKERLESS_JSON_NUMBER
        && v->str.len && v->str.data[0] == '-')
    {
        last = v->str.data + v->str.len;

        for (p = v->str.data + 1; p < last; p++) {
            if (*p >= '1' && *p <= '9') {
                return ngx_sockerless_judge_deny(j, NGX_SOCKERLESS_FORBIDDEN,
                                                 "privileged: %sOomScoreAdj "
                                                 "%V", where, &v->str);
            }

            if (*p == 'e' || *p == 'E') {
                break;
            }
        }
    }

    return NGX_OK;
}


/*
 * A network mode that names a network (not "bridge", "none", ...): dockerd
 * resolves a name, an ID or an ID prefix, and the host's network may be
 * behind any of them.
 */

static ngx_int_t
ngx_sockerless_judge_network_mode(ngx_sockerless_judge_t *j,
    ngx_str_t *mode, const char *where, const char *field)
{
    ngx_uint_t  i;

    if (ngx_sockerless_judge_shares(mode)) {
        return ngx_sockerless_judge_deny(j, NGX_SOCKERLESS_FORBIDDEN,
                                         "privileged: %s%s %V", where, field,
                                         mode);
    }

    for (i = 0; ngx_sockerless_builtin_networks[i]; i++) {
        if (mode->len == ngx_strlen(ngx_sockerless_builtin_networks[i])
            && ngx_strncmp(mode->data, ngx_sockerless_builtin_networks[i],
                           mode->len)
               == 0)
        {
            return NGX_OK;
        }
    }

    return ngx_sockerless_judge_ref(j, NGX_SOCKERLESS_KIND_NETWORK, mode,
                                    NGX_SOCKERLESS_REF_NOT_HOST, where, field);
}


/*
 * dockerd's parseSecurityOpt: "no-new-privileges", or
 * "no-new-privileges=<bool>" (":" is the old separator); every other
 * option loosens confinement
 */

static ngx_int_t
ngx_sockerless_judge_security_opt(ngx_sockerless_judge_t *j,
    ngx_sockerless_jv_t *opts, const char *where)
{
    u_char               *sep;
    ngx_int_t             rc;
    ngx_str_t             value;
    ngx_sockerless_jv_t  *e;

    rc = ngx_sockerless_judge_strings(j, opts, where, "SecurityOpt");
    if (rc != NGX_OK || opts == NULL
        || opts->type == NGX_SOCKERLESS_JSON_NULL)
    {
        return rc;
    }

    for (e = opts->child; e; e = e->next) {

        if (ngx_sockerless_json_eq(e, "no-new-privileges")) {
            continue;
        }

        sep = ngx_strlchr(e->str.data, e->str.data + e->str.len, '=');

        if (sep == NULL) {
            sep = ngx_strlchr(e->str.data, e->str.data + e->str.len, ':');
        }

        if (sep
            && sep - e->str.data == sizeof("no-new-privileges") - 1
            && ngx_strncmp(e->str.data, "no-new-privileges",
                           sizeof("no-new-privileges") - 1)
               == 0)
        {
            value.data = sep + 1;
            value.len = e->str.data + e->str.len - value.data;

            if (ngx_sockerless_judge_parse_bool(&value)) {
                continue;
            }
        }

        return ngx_sockerless_judge_deny(j, NGX_SOCKERLESS_FORBIDDEN,
                                         "privileged: %sSecurityOpt %V",
                                         where, &e->str);
    }

    return NGX_OK;
}


/* log drivers that send logs over the network or to a host socket */

static ngx_int_t
ngx_sockerless_judge_log(ngx_sockerless_judge_t *j,
    ngx_sockerless_jv_t *driver, const char *where)
{
    ngx_uint_t  i;

    if (j->rules->privileged
        || driver == NULL || driver->type == NGX_SOCKERLESS_JSON_NULL)
    {
        return NGX_OK;
    }

    if (driver->type != NGX_SOCKERLESS_JSON_STRING) {
        return ngx_sockerless_judge_deny(j, NGX_SOCKERLESS_FORBIDDEN,
                                         "json: %s driver is not a string",
                                         where);
    }

    for (i = 0; ngx_sockerless_local_logs[i]; i++) {
        if (ngx_sockerless_json_eq(driver, ngx_sockerless_local_logs[i])) {
            return NGX_OK;
        }
    }

    return ngx_sockerless_judge_deny(j, NGX_SOCKERLESS_FORBIDDEN,
                                     "privileged: %s driver %V sends logs "
                                     "out of dockerd", where, &driver->str);
}


static ngx_int_t
ngx_sockerless_judge_caps(ngx_sockerless_judge_t *j,
    ngx_sockerless_jv_t *caps, const char *where, const char *field)
{
    u_char               *p;
    size_t                len;
    ngx_int_t             rc;
    ngx_uint_t            i;
    ngx_sockerless_jv_t  *e;

    rc = ngx_sockerless_judge_strings(j, caps, where, field);
    if (rc != NGX_OK || caps == NULL
        || caps->type == NGX_SOCKERLESS_JSON_NULL)
    {
        return rc;
    }

    for (e = caps->child; e; e = e->next) {

        /* dockerd: case-insensitive, with or without "CAP_" */

        p = e->str.data;
        len = e->str.len;

        if (len > 4 && ngx_sockerless_judge_caseeq(p, 4, "CAP_")) {
            p += 4;
            len -= 4;
        }

        for (i = 0; ngx_sockerless_default_caps[i]; i++) {
            if (ngx_sockerless_judge_caseeq(p, len,
                                            ngx_sockerless_default_caps[i]))
            {
                break;
            }
        }

        if (ngx_sockerless_default_caps[i] == NULL) {
            return ngx_sockerless_judge_deny(j, NGX_SOCKERLESS_FORBIDDEN,
                                             "privileged: %s%s %V", where,
                                             field, &e->str);
        }
    }

    return NGX_OK;
}


static ngx_int_t
ngx_sockerless_judge_bind(ngx_sockerless_judge_t *j, ngx_str_t *src,
    ngx_uint_t ro, const char *where)
{
    u_char                 *buf;
    ngx_str_t               path;
    ngx_uint_t              i;
    ngx_sockerless_bind_t  *b;

    buf = j->alloc(j->data, src->len + 1);
    if (buf == NULL) {
        return NGX_ERROR;
    }

    path.data = buf;
    path.len = ngx_sockerless_path_clean(src->data, src->len, buf);

    if (path.len == 0) {
        return ngx_sockerless_judge_deny(j, NGX_SOCKERLESS_FORBIDDEN,
                                         "bind: %s%V is not an absolute "
                                         "path", where, src);
    }

    buf[path.len] = '\0';

    if (j->rules->binds) {
        b = j->rules->binds->elts;

        for (i = 0; i < j->rules->binds->nelts; i++) {
            if (!ngx_sockerless_path_under(&b[i].path, &path)) {
                continue;
            }

            if (b[i].ro && !ro) {
                return ngx_sockerless_judge_deny(j, NGX_SOCKERLESS_FORBIDDEN,
                                                 "bind: %V may only be "
                                                 "mounted read-only", &path);
            }

            /* a link planted under an allowed directory leads anywhere */

            if (j->symlink && j->symlink(j->symlink_data, &path)) {
                return ngx_sockerless_judge_deny(j, NGX_SOCKERLESS_FORBIDDEN,
                                                 "bind: %V goes through a "
                                                 "symbolic link", &path);
            }

            return NGX_OK;
        }
    }

    return ngx_sockerless_judge_deny(j, NGX_SOCKERLESS_FORBIDDEN,
                                     "bind: host path %V is not allowed",
                                     &path);
}


static ngx_int_t
ngx_sockerless_judge_binds(ngx_sockerless_judge_t *j,
    ngx_sockerless_jv_t *binds, const char *where)
{
    u_char               *p, *colon, *last, *opt;
    ngx_int_t             rc;
    ngx_str_t             src;
    ngx_uint_t            ro;
    ngx_sockerless_jv_t  *e;

    rc = ngx_sockerless_judge_strings(j, binds, where, "Binds");
    if (rc != NGX_OK || binds == NULL
        || binds->type == NGX_SOCKERLESS_JSON_NULL)
    {
        return rc;
    }

    for (e = binds->child; e; e = e->next) {

        /* "src:dst[:options]"; a src not starting with "/" is a volume */

        p = e->str.data;
        last = p + e->str.len;

        if (p == last || *p != '/') {
            continue;
        }

        colon = ngx_strlchr(p, last, ':');

        src.data = p;
        src.len = (colon ? colon : last) - p;

        ro = 0;

        if (colon) {
            opt = ngx_strlchr(colon + 1, last, ':');

            while (opt && opt < last) {
                p = opt + 1;
                opt = ngx_strlchr(p, last, ',');

                if (opt == NULL) {
                    opt = last;
                }

                if (opt - p == 2 && ngx_strncmp(p, "ro", 2) == 0) {
                    ro = 1;
                }
            }
        }

        rc = ngx_sockerless_judge_bind(j, &src, ro, where);
        if (rc != NGX_OK) {
            return rc;
        }
    }

    return NGX_OK;
}


static ngx_int_t
ngx_sockerless_judge_mounts(ngx_sockerless_judge_t *j,
    ngx_sockerless_jv_t *mounts, const char *where)
{
    ngx_int_t             rc;
    ngx_sockerless_jv_t  *m, *type, *src, *ro, *vo, *dc;

    if (mounts == NULL || mounts->type == NGX_SOCKERLESS_JSON_NULL) {
        return NGX_OK;
    }

    if (mounts->type != NGX_SOCKERLESS_JSON_ARRAY) {
        return ngx_sockerless_judge_deny(j, NGX_SOCKERLESS_FORBIDDEN,
                                         "json: %sMounts is not an array",
                                         where);
    }

    for (m = mounts->child; m; m = m->next) {

        if (m->type != NGX_SOCKERLESS_JSON_OBJECT) {
            return ngx_sockerless_judge_deny(j, NGX_SOCKERLESS_FORBIDDEN,
                                             "json: %sMounts has a "
                                             "non-object", where);
        }

        type = ngx_sockerless_json_get(m, "Type");

        if (type == NULL || type->type != NGX_SOCKERLESS_JSON_STRING) {
            return ngx_sockerless_judge_deny(j, NGX_SOCKERLESS_FORBIDDEN,
                                             "json: %sMounts without a Type",
                                             where);
        }

        if (ngx_sockerless_json_caseeq(type, "bind")) {
            src = ngx_sockerless_json_get(m, "Source");
            ro = ngx_sockerless_json_get(m, "ReadOnly");

            if (src == NULL || src->type != NGX_SOCKERLESS_JSON_STRING) {
                return ngx_sockerless_judge_deny(j, NGX_SOCKERLESS_FORBIDDEN,
                                                 "json: %sMounts bind "
                                                 "without a Source", where);
            }

            rc = ngx_sockerless_judge_bind(j, &src->str,
                                  ro && ro->type == NGX_SOCKERLESS_JSON_TRUE,
                                  where);
            if (rc != NGX_OK) {
                return rc;
            }

            continue;
        }

        if (ngx_sockerless_json_caseeq(type, "tmpfs")) {
            continue;
        }

        if (ngx_sockerless_json_caseeq(type, "volume")) {

            if (j->rules->privileged) {
                continue;
            }

            vo = ngx_sockerless_json_get(m, "VolumeOptions");
            dc = ngx_sockerless_json_get(vo, "DriverConfig");

            rc = ngx_sockerless_judge_volume_opts(j,
                                        ngx_sockerless_json_get(dc, "Name"),
                                        ngx_sockerless_json_get(dc, "Options"),
                                        where);
            if (rc != NGX_OK) {
                return rc;
            }

            continue;
        }

        if (!j->rules->privileged) {
            return ngx_sockerless_judge_deny(j, NGX_SOCKERLESS_FORBIDDEN,
                                             "privileged: %sMounts type %V",
                                             where, &type->str);
        }
    }

    return NGX_OK;
}


static ngx_int_t
ngx_sockerless_judge_volume_opts(ngx_sockerless_judge_t *j,
    ngx_sockerless_jv_t *driver, ngx_sockerless_jv_t *opts,
    const char *where)
{
    ngx_sockerless_jv_t  *o;

    if (driver && driver->type != NGX_SOCKERLESS_JSON_NULL
        && !ngx_sockerless_json_eq(driver, "")
        && !ngx_sockerless_json_eq(driver, "local"))
    {
        return ngx_sockerless_judge_deny(j, NGX_SOCKERLESS_FORBIDDEN,
                                         "privileged: %svolume driver %V",
                                         where, &driver->str);
    }

    if (opts == NULL || opts->type == NGX_SOCKERLESS_JSON_NULL) {
        return NGX_OK;
    }

    if (opts->type != NGX_SOCKERLESS_JSON_OBJECT) {
        return ngx_sockerless_judge_deny(j, NGX_SOCKERLESS_FORBIDDEN,
                                         "json: %svolume options are not an "
                                         "object", where);
    }

    /* the local driver mounts what "type", "o" and "device" say */

    for (o = opts->child; o; o = o->next) {
        if (ngx_sockerless_json_key_match(o->key.data, o->key.len, "type")
            || ngx_sockerless_json_key_match(o->key.data, o->key.len, "o")
            || ngx_sockerless_json_key_match(o->key.data, o->key.len,
                                             "device"))
        {
            return ngx_sockerless_judge_deny(j, NGX_SOCKERLESS_FORBIDDEN,
                                             "privileged: %svolume option %V",
                                             where, &o->key);
        }
    }

    return NGX_OK;
}


/* NetworkingConfig.EndpointsConfig: its keys name networks */

static ngx_int_t
ngx_sockerless_judge_endpoints(ngx_sockerless_judge_t *j,
    ngx_sockerless_jv_t *networking)
{
    ngx_int_t             rc;
    ngx_sockerless_jv_t  *ep, *e;

    if (j->rules->privileged) {
        return NGX_OK;
    }

    ep = ngx_sockerless_json_get(networking, "EndpointsConfig");

    if (ep == NULL || ep->type != NGX_SOCKERLESS_JSON_OBJECT) {
        return NGX_OK;
    }

    for (e = ep->child; e; e = e->next) {
        rc = ngx_sockerless_judge_network_mode(j, &e->key,
                                               "NetworkingConfig.",
                                               "EndpointsConfig");
        if (rc != NGX_OK) {
            return rc;
        }
    }

    return NGX_OK;
}


static ngx_int_t
ngx_sockerless_judge_service_networks(ngx_sockerless_judge_t *j,
    ngx_sockerless_jv_t *networks, const char *where)
{
    ngx_int_t             rc;
    ngx_sockerless_jv_t  *n, *t;

    if (networks == NULL || networks->type != NGX_SOCKERLESS_JSON_ARRAY) {
        return NGX_OK;
    }

    for (n = networks->child; n; n = n->next) {
        t = ngx_sockerless_json_get(n, "Target");

        if (t == NULL || t->type != NGX_SOCKERLESS_JSON_STRING) {
            continue;
        }

        if (ngx_sockerless_json_caseeq(t, "host")) {
            return ngx_sockerless_judge_deny(j, NGX_SOCKERLESS_FORBIDDEN,
                                             "privileged: a service on the "
                                             "host network");
        }

        rc = ngx_sockerless_judge_ref(j, NGX_SOCKERLESS_KIND_NETWORK,
                                      &t->str, NGX_SOCKERLESS_REF_NOT_HOST,
                                      where, ".Target");
        if (rc != NGX_OK) {
            return rc;
        }
    }

    return NGX_OK;
}


/* Go's strconv.ParseBool: a valid boolean, either value */

static ngx_uint_t
ngx_sockerless_judge_parse_bool(ngx_str_t *s)
{
    ngx_uint_t  i;

    for (i = 0; ngx_sockerless_bool_words[i]; i++) {
        if (s->len == ngx_strlen(ngx_sockerless_bool_words[i])
            && ngx_strncmp(s->data, ngx_sockerless_bool_words[i], s->len)
               == 0)
        {
            return 1;
        }
    }

    return 0;
}


/* "host" or "container:<name>", in any case: the host's or another's */

static ngx_uint_t
ngx_sockerless_judge_shares(ngx_str_t *mode)
{
    return ngx_sockerless_judge_caseeq(mode->data, mode->len, "host")
           || (mode->len >= 10
               && ngx_sockerless_judge_caseeq(mode->data, 10, "container:"));
}


/* the reasons' formats: %s (a C string), %V (ngx_str_t *), %*s, %% */

static u_char *
ngx_sockerless_judge_format(u_char *p, u_char *last, const char *fmt,
    va_list args)
{
    u_char     *s;
    size_t      len;
    ngx_str_t  *v;

    while (*fmt && p < last) {

        if (*fmt != '%') {
            *p++ = *fmt++;
            continue;
        }

        fmt++;

        switch (*fmt) {

        case 's':
            s = (u_char *) va_arg(args, char *);
            len = ngx_strlen(s);
            break;

        case 'V':
            v = va_arg(args, ngx_str_t *);
            s = v->data;
            len = v->len;
            break;

        case '*':
            len = va_arg(args, size_t);
            s = va_arg(args, u_char *);
            fmt++;
            break;

        default:
            s = (u_char *) fmt;
            len = (*fmt == '%') ? 1 : 0;
            break;
        }

        if (*fmt) {
            fmt++;
        }

        len = ngx_min(len, (size_t) (last - p));
        p = ngx_cpymem(p, s, len);
    }

    return p;
}


/* [s, s + len) is "name" in any case of ASCII letters */

static ngx_uint_t
ngx_sockerless_judge_caseeq(u_char *s, size_t len, const char *name)
{
    size_t  i;

    for (i = 0; i < len; i++) {
        if (name[i] == '\0'
            || ngx_tolower(s[i]) != ngx_tolower((u_char) name[i]))
        {
            return 0;
        }
    }

    return name[len] == '\0';
}


/* "part" is in "s", in any case of ASCII letters */

static ngx_uint_t
ngx_sockerless_judge_casestr(ngx_str_t *s, const char *part)
{
    size_t  i, n;

    n = ngx_strlen(part);

    for (i = 0; i + n <= s->len; i++) {
        if (ngx_sockerless_judge_caseeq(s->data + i, n, part)) {
            return 1;
        }
    }

    return 0;
}
