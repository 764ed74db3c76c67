
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


/* what the policy sees is narrowed: to an owner's, to labelled objects */
#define ngx_sockerless_judge_scoped(j)                                        \
    ((j)->rules->owned || (j)->rules->visible)


typedef ngx_int_t (*ngx_sockerless_judge_pt)(ngx_sockerless_judge_t *j,
    ngx_sockerless_jv_t *body);


typedef struct {
    ngx_sockerless_judge_pt      query;     /* the query, or NULL */
    ngx_sockerless_judge_pt      body;      /* the body, or NULL */
    const char                  *doc;       /* what it judges, for docs */
} ngx_sockerless_judges_t;


static ngx_int_t ngx_sockerless_judge_deny(ngx_sockerless_judge_t *j,
    ngx_uint_t status, const char *fmt, ...);
static ngx_int_t ngx_sockerless_judge_joined(ngx_sockerless_judge_t *j,
    ngx_sockerless_jv_t *answer);
static ngx_int_t ngx_sockerless_judge_build_network(
    ngx_sockerless_judge_t *j, ngx_str_t *mode);
static ngx_int_t ngx_sockerless_judge_owned_mode(ngx_sockerless_judge_t *j,
    ngx_str_t *mode, ngx_uint_t network, ngx_uint_t checks, const char *where,
    const char *field);
static ngx_int_t ngx_sockerless_judge_volume_mounts(
    ngx_sockerless_judge_t *j, ngx_sockerless_jv_t *mounts,
    ngx_uint_t checks, const char *where);
static ngx_sockerless_ref_t *ngx_sockerless_judge_find_ref(
    ngx_sockerless_judge_t *j, ngx_uint_t kind, ngx_str_t *name);
static ngx_int_t ngx_sockerless_judge_task_refs(ngx_sockerless_judge_t *j,
    ngx_sockerless_jv_t *spec, ngx_sockerless_jv_t *tt,
    ngx_sockerless_jv_t *cs);
static ngx_int_t ngx_sockerless_judge_ref(ngx_sockerless_judge_t *j,
    ngx_uint_t kind, ngx_str_t *name, ngx_uint_t checks, const char *where,
    const char *field, ngx_sockerless_jv_t *node);
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
static ngx_int_t ngx_sockerless_judge_connect_body(ngx_sockerless_judge_t *j,
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
static u_char *ngx_sockerless_judge_sprintf(u_char *p, u_char *last,
    const char *fmt, ...);
static ngx_uint_t ngx_sockerless_judge_caseeq(u_char *s, size_t len,
    const char *name);
static ngx_uint_t ngx_sockerless_judge_casestr(ngx_str_t *s,
    const char *part);
static ngx_uint_t ngx_sockerless_judge_parse_bool(ngx_str_t *s);
static ngx_uint_t ngx_sockerless_judge_builtin(ngx_str_t *mode);
static ngx_uint_t ngx_sockerless_judge_shares(ngx_str_t *mode);
static void *ngx_sockerless_judge_push(ngx_sockerless_judge_t *j,
    ngx_array_t **a, size_t size);
static ngx_int_t ngx_sockerless_judge_edit(ngx_sockerless_judge_t *j,
    size_t off, size_t end, u_char *text, size_t len);
static ngx_int_t ngx_sockerless_judge_owner_line(ngx_sockerless_judge_t *j);
static ngx_sockerless_jv_t *ngx_sockerless_judge_labels(ngx_uint_t kind,
    ngx_sockerless_jv_t *answer);
static ngx_int_t ngx_sockerless_judge_owner_config(ngx_sockerless_judge_t *j,
    ngx_sockerless_jv_t *hc, const char *where);
static ngx_int_t ngx_sockerless_judge_owner_container(
    ngx_sockerless_judge_t *j, ngx_str_t *ref, const char *where,
    const char *field, ngx_uint_t checks);
static ngx_int_t ngx_sockerless_judge_label(ngx_sockerless_judge_t *j,
    ngx_sockerless_jv_t *obj, const char *where);
static ngx_int_t ngx_sockerless_judge_commit_query(ngx_sockerless_judge_t *j,
    ngx_sockerless_jv_t *body);
static ngx_uint_t ngx_sockerless_judge_has_key(ngx_sockerless_judge_t *j,
    ngx_str_t *json, ngx_str_t *key);
static ngx_uint_t ngx_sockerless_judge_owned_kind(ngx_uint_t kind);


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

    { ngx_sockerless_judge_commit_query, NULL,
      "with an owner: the container must be the owner's" },

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

    { ngx_sockerless_judge_connect, ngx_sockerless_judge_connect_body,
      "the network resolved: not the host's; with an owner: the network "
      "and the container must be the owner's" },

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


/* dockerd's words for a missing object, by NGX_SOCKERLESS_KIND_* */

static ngx_str_t  ngx_sockerless_missing[] = {
    ngx_string("No such object: %V"),
    ngx_string("No such container: %V"),
    ngx_string("No such exec instance: %V"),
    ngx_string("No such image: %V"),
    ngx_string("network %V not found"),
    ngx_string("get %V: no such volume"),
    ngx_string("service %V not found"),
    ngx_string("node %V not found"),
    ngx_string("task %V not found"),
    ngx_string("secret %V not found"),
    ngx_string("config %V not found"),
    ngx_string("plugin %V not found")
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
    ngx_int_t                   rc;
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

    if (ngx_sockerless_judge_scoped(j)) {
        rc = ngx_sockerless_judge_owner_line(j);
        if (rc != NGX_OK) {
            return rc;
        }
    }

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
    ngx_sockerless_ref_t *ref, ngx_sockerless_jv_t *answer, ngx_str_t *id)
{
    ngx_int_t             rc;
    ngx_str_t            *owner;
    ngx_sockerless_jv_t  *v;

    if (answer == NULL) {

        if (ref->checks & NGX_SOCKERLESS_REF_CREATE) {
            /* a volume dockerd would make: made owned instead */
            return NGX_DONE;
        }

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

    if (!(ref->checks & NGX_SOCKERLESS_REF_OWNED)) {
        return NGX_OK;
    }

    owner = ngx_sockerless_judge_owner_of(j, ref->kind, answer);

    /* the full ID it is checked as */

    if (ref->kind == NGX_SOCKERLESS_KIND_EXEC) {
        *id = ref->name;

    } else {
        v = ngx_sockerless_json_get(answer,
                                    ref->kind == NGX_SOCKERLESS_KIND_VOLUME
                                    ? "Name" : "Id");

        if (v == NULL || v->type != NGX_SOCKERLESS_JSON_STRING
            || v->str.len == 0)
        {
            return ngx_sockerless_judge_deny(j, NGX_SOCKERLESS_FORBIDDEN,
                                             "owner: %s %V has no ID",
                                             ngx_sockerless_kind_name(
                                                 ref->kind),
                                             &ref->name);
        }

        *id = v->str;
    }

    rc = ngx_sockerless_judge_owned(j, ref, owner,
                                    ngx_sockerless_judge_visible(j, ref->kind,
                                                                 answer),
                                    id);

    if (rc != NGX_OK || !(ref->checks & NGX_SOCKERLESS_REF_NETWORKS)) {
        return rc;
    }

    return ngx_sockerless_judge_joined(j, answer);
}


/* the networks a start joins a container to, each by the name it has */

static ngx_int_t
ngx_sockerless_judge_joined(ngx_sockerless_judge_t *j,
    ngx_sockerless_jv_t *answer)
{
    ngx_int_t             rc;
    ngx_sockerless_jv_t  *v;

    v = ngx_sockerless_json_get(ngx_sockerless_json_get(answer,
                                                        "NetworkSettings"),
                                "Networks");

    if (v == NULL || v->type != NGX_SOCKERLESS_JSON_OBJECT) {
        return NGX_OK;
    }

    for (v = v->child; v; v = v->next) {
        if (v->key.len == 0 || ngx_sockerless_judge_builtin(&v->key)) {
            continue;
        }

        rc = ngx_sockerless_judge_ref(j, NGX_SOCKERLESS_KIND_NETWORK, &v->key,
                                      NGX_SOCKERLESS_REF_OWNED
                                      |NGX_SOCKERLESS_REF_JOINED,
                                      "", "NetworkSettings.Networks", NULL);
        if (rc != NGX_OK) {
            return rc;
        }
    }

    return NGX_OK;
}


/* where each kind of object keeps its labels in its inspection */

static ngx_sockerless_jv_t *
ngx_sockerless_judge_labels(ngx_uint_t kind, ngx_sockerless_jv_t *answer)
{
    ngx_sockerless_jv_t  *labels;

    switch (kind) {

    case NGX_SOCKERLESS_KIND_CONTAINER:
    case NGX_SOCKERLESS_KIND_EXEC:
        labels = ngx_sockerless_json_get(ngx_sockerless_json_get(answer,
                                                                 "Config"),
                                         "Labels");
        break;

    case NGX_SOCKERLESS_KIND_SERVICE:
    case NGX_SOCKERLESS_KIND_SECRET:
    case NGX_SOCKERLESS_KIND_CONFIG:
        labels = ngx_sockerless_json_get(ngx_sockerless_json_get(answer,
                                                                 "Spec"),
                                         "Labels");
        break;

    default:
        labels = ngx_sockerless_json_get(answer, "Labels");
    }

    if (labels == NULL || labels->type != NGX_SOCKERLESS_JSON_OBJECT) {
        return NULL;
    }

    return labels;
}


ngx_str_t *
ngx_sockerless_judge_owner_of(ngx_sockerless_judge_t *j, ngx_uint_t kind,
    ngx_sockerless_jv_t *answer)
{
    ngx_sockerless_jv_t  *v, *labels;

    labels = ngx_sockerless_judge_labels(kind, answer);
    if (labels == NULL) {
        return NULL;
    }

    for (v = labels->child; v; v = v->next) {
        if (v->key.len == j->label.len
            && ngx_memcmp(v->key.data, j->label.data, j->label.len) == 0)
        {
            return (v->type == NGX_SOCKERLESS_JSON_STRING) ? &v->str : NULL;
        }
    }

    return NULL;
}


/*
 * Label filters as dockerd matches them: "K" is there, "K=V" has the
 * value V; a key is matched exactly, the value from the first "=" on.
 */

ngx_uint_t
ngx_sockerless_judge_visible(ngx_sockerless_judge_t *j, ngx_uint_t kind,
    ngx_sockerless_jv_t *answer)
{
    u_char               *eq;
    ngx_str_t            *want, key;
    ngx_uint_t            i, found;
    ngx_sockerless_jv_t  *labels, *v;

    if (j->rules->visible == NULL) {
        return 1;
    }

    labels = ngx_sockerless_judge_labels(kind, answer);
    if (labels == NULL) {
        return 0;
    }

    want = j->rules->visible->elts;

    for (i = 0; i < j->rules->visible->nelts; i++) {
        key = want[i];

        eq = ngx_strlchr(key.data, key.data + key.len, '=');
        if (eq) {
            key.len = eq - key.data;
        }

        found = 0;

        for (v = labels->child; v; v = v->next) {
            if (v->key.len != key.len
                || ngx_memcmp(v->key.data, key.data, key.len) != 0)
            {
                continue;
            }

            found = (eq == NULL)
                    || (v->type == NGX_SOCKERLESS_JSON_STRING
                        && v->str.len == (size_t) (want[i].data + want[i].len
                                                   - eq - 1)
                        && ngx_memcmp(v->str.data, eq + 1, v->str.len) == 0);
        }

        if (!found) {
            return 0;
        }
    }

    return 1;
}


ngx_int_t
ngx_sockerless_judge_owned(ngx_sockerless_judge_t *j,
    ngx_sockerless_ref_t *ref, ngx_str_t *owner, ngx_uint_t visible,
    ngx_str_t *id)
{
    char                 *fmt;
    u_char               *p;
    ngx_int_t             rc;
    ngx_str_t            *name, none = ngx_null_string;
    ngx_uint_t            mine, status;
    ngx_sockerless_jv_t  *said;

    /* the owner's, or no owner asked; and seen by the policy's labels */

    mine = visible
           && (!j->rules->owned
               || (owner && owner->len == j->owner.len
                   && ngx_memcmp(owner->data, j->owner.data, j->owner.len)
                      == 0));

    if ((ref->checks & NGX_SOCKERLESS_REF_CLAIM) && !mine) {
        /* a name another's object has: it cannot be this owner's too */

        p = ngx_sockerless_judge_sprintf(j->words,
                                  j->words + sizeof(j->words),
                                  "a %s named %V exists already",
                                  ngx_sockerless_kind_name(ref->kind),
                                  &ref->name);
        j->message.data = j->words;
        j->message.len = p - j->words;

        return ngx_sockerless_judge_deny(j, NGX_SOCKERLESS_CONFLICT,
                                         "%s: the %s name %V is "
                                         "another's",
                                         visible ? "owner" : "visible",
                                         ngx_sockerless_kind_name(ref->kind),
                                         &ref->name);
    }

    if (!mine) {
        /*
         * another's, or nobody's: to this owner, there is no such object;
         * a create's settings name objects dockerd's create refuses with
         * 400 when missing (or its start does: a 404 at create would make
         * the docker CLI pull the image and try again)
         */

        name = &ref->name;

        if (ref->checks & NGX_SOCKERLESS_REF_LINK) {
            fmt = "could not get container for %V: No such container: %V";

        } else if ((ref->checks & NGX_SOCKERLESS_REF_PATH) && j->op
                   && (j->op->flags & NGX_SOCKERLESS_OP_CANNOT_KILL))
        {
            fmt = "Cannot kill container: %V: No such container: %V";

        } else {
            fmt = (char *) ngx_sockerless_missing[ref->kind].data;
        }

        status = (ref->checks & NGX_SOCKERLESS_REF_SETTING)
                 ? NGX_SOCKERLESS_BAD_REQUEST : NGX_SOCKERLESS_NOT_FOUND;

        p = j->words;

        if (ref->checks & NGX_SOCKERLESS_REF_TASK) {
            /* as a service create or update refuses missing ones */

            if (ref->kind == NGX_SOCKERLESS_KIND_NETWORK) {
                status = NGX_SOCKERLESS_SERVER_ERROR;

            } else {
                status = NGX_SOCKERLESS_BAD_REQUEST;
                fmt = (ref->kind == NGX_SOCKERLESS_KIND_SECRET)
                      ? "rpc error: code = InvalidArgument desc = secret "
                        "not found: %V"
                      : "rpc error: code = InvalidArgument desc = config "
                        "not found: %V";
                said = ngx_sockerless_json_get(ref->node,
                                 ref->kind == NGX_SOCKERLESS_KIND_SECRET
                                 ? "SecretName" : "ConfigName");
                name = (said && said->type == NGX_SOCKERLESS_JSON_STRING)
                       ? &said->str : &none;
            }
        }

        if ((ref->checks & NGX_SOCKERLESS_REF_JOINED) && j->op
            && (j->op->flags & NGX_SOCKERLESS_OP_CANNOT_RESTART))
        {
            /* a restart that cannot start it again */
            status = NGX_SOCKERLESS_SERVER_ERROR;
            p = ngx_sockerless_judge_sprintf(p, j->words + sizeof(j->words),
                                             "Cannot restart container %V: ",
                                             &j->route->object);
        }

        p = ngx_sockerless_judge_sprintf(p, j->words + sizeof(j->words), fmt,
                                         name, name);
        j->message.data = j->words;
        j->message.len = p - j->words;

        if (!visible) {
            return ngx_sockerless_judge_deny(j, status,
                                             "visible: %s %V (%s) lacks "
                                             "the policy's labels",
                                             ngx_sockerless_kind_name(
                                                 ref->kind),
                                             &ref->name, ref->where);
        }

        return ngx_sockerless_judge_deny(j, status,
                                         "owner: %s %V (%s) is not the "
                                         "owner's",
                                         ngx_sockerless_kind_name(ref->kind),
                                         &ref->name, ref->where);
    }

    if (ref->checks & NGX_SOCKERLESS_REF_PATH) {
        j->object_id = *id;
    }

    if (ref->checks & NGX_SOCKERLESS_REF_BODY) {
        p = j->alloc(j->data, id->len + 2);
        if (p == NULL) {
            return NGX_ERROR;
        }

        p[0] = '"';
        ngx_memcpy(p + 1, id->data, id->len);
        p[id->len + 1] = '"';

        rc = ngx_sockerless_judge_edit(j, ref->node->off, ref->node->end, p,
                                       id->len + 2);
        if (rc != NGX_OK) {
            return rc;
        }
    }

    if (ref->checks & NGX_SOCKERLESS_REF_QUERY) {
        if (ngx_sockerless_query_set(j->args_out.len ? &j->args_out
                                                     : &j->args,
                                     "container", id, &j->args_out,
                                     j->alloc, j->data)
            != NGX_OK)
        {
            return NGX_ERROR;
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


/* a new element of a judge's array (refs, edits), made on first use */

static void *
ngx_sockerless_judge_push(ngx_sockerless_judge_t *j, ngx_array_t **a,
    size_t size)
{
    u_char  *p;

    if (*a == NULL) {
        *a = j->alloc(j->data, sizeof(ngx_array_t));
        if (*a == NULL) {
            return NULL;
        }

        (*a)->elts = j->alloc(j->data, 4 * size);
        if ((*a)->elts == NULL) {
            return NULL;
        }

        (*a)->nelts = 0;
        (*a)->size = size;
        (*a)->nalloc = 4;
        (*a)->pool = NULL;
    }

    if ((*a)->nelts == (*a)->nalloc) {
        p = j->alloc(j->data, 2 * (*a)->nalloc * size);
        if (p == NULL) {
            return NULL;
        }

        ngx_memcpy(p, (*a)->elts, (*a)->nelts * size);
        (*a)->elts = p;
        (*a)->nalloc *= 2;
    }

    return (u_char *) (*a)->elts + size * (*a)->nelts++;
}


/*
 * A name for dockerd to resolve; "where" and "field" name it in reasons.
 * The same name at no place of the body is resolved once, for all the
 * checks it needs.
 */

static ngx_int_t
ngx_sockerless_judge_ref(ngx_sockerless_judge_t *j, ngx_uint_t kind,
    ngx_str_t *name, ngx_uint_t checks, const char *where, const char *field,
    ngx_sockerless_jv_t *node)
{
    u_char                *p;
    size_t                 len;
    ngx_sockerless_ref_t  *ref;

    if (name->len == 0) {
        /* no name, no object: dockerd refuses it */
        return NGX_OK;
    }

    if (node == NULL) {
        ref = ngx_sockerless_judge_find_ref(j, kind, name);

        if (ref) {
            ref->checks |= checks;
            return NGX_OK;
        }
    }

    ref = ngx_sockerless_judge_push(j, &j->refs,
                                    sizeof(ngx_sockerless_ref_t));
    if (ref == NULL) {
        return NGX_ERROR;
    }

    len = ngx_strlen(where) + ngx_strlen(field) + 1;

    p = j->alloc(j->data, len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    ngx_memcpy(p, where, ngx_strlen(where));
    ngx_memcpy(p + ngx_strlen(where), field, ngx_strlen(field) + 1);

    ngx_memzero(ref, sizeof(ngx_sockerless_ref_t));

    ref->kind = kind;
    ref->name = *name;
    ref->checks = checks;
    ref->where = (const char *) p;
    ref->node = node;

    return NGX_OK;
}


/* the reference to "name" at no place of the body, if there is one */

static ngx_sockerless_ref_t *
ngx_sockerless_judge_find_ref(ngx_sockerless_judge_t *j, ngx_uint_t kind,
    ngx_str_t *name)
{
    ngx_uint_t             i;
    ngx_sockerless_ref_t  *ref;

    if (j->refs == NULL) {
        return NULL;
    }

    ref = j->refs->elts;

    for (i = 0; i < j->refs->nelts; i++) {
        if (ref[i].kind == kind && ref[i].node == NULL
            && ref[i].name.len == name->len
            && ngx_memcmp(ref[i].name.data, name->data, name->len) == 0)
        {
            return &ref[i];
        }
    }

    return NULL;
}


/* an edit of the body, [off, end) replaced by "text" */

static ngx_int_t
ngx_sockerless_judge_edit(ngx_sockerless_judge_t *j, size_t off, size_t end,
    u_char *text, size_t len)
{
    ngx_sockerless_edit_t  *e;

    e = ngx_sockerless_judge_push(j, &j->edits,
                                  sizeof(ngx_sockerless_edit_t));
    if (e == NULL) {
        return NGX_ERROR;
    }

    e->off = off;
    e->end = end;
    e->text.data = text;
    e->text.len = len;

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

    rc = ngx_sockerless_judge_label(j, body, "");
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

    if (j->rules->owned) {
        rc = ngx_sockerless_judge_arg(j, "labels", &v);

        if (rc == NGX_OK
            && ngx_sockerless_judge_has_key(j, &v, &j->label))
        {
            return ngx_sockerless_judge_deny(j, NGX_SOCKERLESS_FORBIDDEN,
                                             "owner: the label %V is the "
                                             "gateway's (build labels)",
                                             &j->label);
        }

        if (rc == NGX_ERROR) {
            return rc;
        }
    }

    rc = ngx_sockerless_judge_arg(j, "networkmode", &v);

    if (rc == NGX_OK) {
        rc = ngx_sockerless_judge_build_network(j, &v);
        if (rc != NGX_OK) {
            return rc;
        }

    } else if (rc != NGX_DECLINED) {
        return rc;
    }

    if (j->rules->privileged) {
        return NGX_OK;
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


/*
 * The network a build's steps run on: not the host's under "privileged
 * off"; with an owner, the owner's network, or the owner's container for
 * "container:<x>" (a step on another's network reaches what runs there)
 */

static ngx_int_t
ngx_sockerless_judge_build_network(ngx_sockerless_judge_t *j,
    ngx_str_t *mode)
{
    ngx_int_t  rc;

    if (!j->rules->privileged) {
        rc = ngx_sockerless_judge_network_mode(j, mode, "build ",
                                               "networkmode");
        if (rc != NGX_OK) {
            return rc;
        }
    }

    if (!ngx_sockerless_judge_scoped(j)) {
        return NGX_OK;
    }

    return ngx_sockerless_judge_owned_mode(j, mode, 1, 0, "build ",
                                           "networkmode");
}


/*
 * A mode that names a container ("container:<x>") or, for a network
 * mode, a network other than dockerd's own: the owner's
 */

static ngx_int_t
ngx_sockerless_judge_owned_mode(ngx_sockerless_judge_t *j, ngx_str_t *mode,
    ngx_uint_t network, ngx_uint_t checks, const char *where,
    const char *field)
{
    ngx_str_t  name;

    if (mode->len > 10
        && ngx_sockerless_judge_caseeq(mode->data, 10, "container:"))
    {
        name.data = mode->data + 10;
        name.len = mode->len - 10;

        return ngx_sockerless_judge_ref(j, NGX_SOCKERLESS_KIND_CONTAINER,
                                        &name,
                                        NGX_SOCKERLESS_REF_OWNED|checks,
                                        where, field, NULL);
    }

    if (!network || ngx_sockerless_judge_builtin(mode)
        || ngx_sockerless_judge_shares(mode))
    {
        return NGX_OK;
    }

    return ngx_sockerless_judge_ref(j, NGX_SOCKERLESS_KIND_NETWORK, mode,
                                    NGX_SOCKERLESS_REF_OWNED|checks, where,
                                    field, NULL);
}


/*
 * What a service's tasks use, each the owner's: its networks (in either
 * member), secrets and configs (by ID), named volumes (a task makes a
 * missing one; another's is a name taken)
 */

static ngx_int_t
ngx_sockerless_judge_task_refs(ngx_sockerless_judge_t *j,
    ngx_sockerless_jv_t *spec, ngx_sockerless_jv_t *tt,
    ngx_sockerless_jv_t *cs)
{
    ngx_int_t             rc;
    ngx_uint_t            i;
    ngx_sockerless_jv_t  *v, *e, *t;

    for (i = 0; i < 2; i++) {
        v = ngx_sockerless_json_get(i ? spec : tt, "Networks");

        if (v == NULL || v->type != NGX_SOCKERLESS_JSON_ARRAY) {
            continue;
        }

        for (e = v->child; e; e = e->next) {
            t = ngx_sockerless_json_get(e, "Target");

            if (t == NULL || t->type != NGX_SOCKERLESS_JSON_STRING
                || ngx_sockerless_judge_builtin(&t->str))
            {
                continue;
            }

            rc = ngx_sockerless_judge_ref(j, NGX_SOCKERLESS_KIND_NETWORK,
                                          &t->str,
                                          NGX_SOCKERLESS_REF_OWNED
                                          |NGX_SOCKERLESS_REF_TASK,
                                          i ? "" : "TaskTemplate.",
                                          "Networks.Target", NULL);
            if (rc != NGX_OK) {
                return rc;
            }
        }
    }

    if (cs == NULL || cs->type != NGX_SOCKERLESS_JSON_OBJECT) {
        return NGX_OK;
    }

    for (i = 0; i < 2; i++) {
        v = ngx_sockerless_json_get(cs, i ? "Configs" : "Secrets");

        if (v == NULL || v->type != NGX_SOCKERLESS_JSON_ARRAY) {
            continue;
        }

        for (e = v->child; e; e = e->next) {
            t = ngx_sockerless_json_get(e, i ? "ConfigID" : "SecretID");

            if (t == NULL || t->type != NGX_SOCKERLESS_JSON_STRING) {
                continue;
            }

            /* the element: dockerd's refusal names it by its name */

            rc = ngx_sockerless_judge_ref(j, i ? NGX_SOCKERLESS_KIND_CONFIG
                                               : NGX_SOCKERLESS_KIND_SECRET,
                                          &t->str,
                                          NGX_SOCKERLESS_REF_OWNED
                                          |NGX_SOCKERLESS_REF_TASK,
                                          "TaskTemplate.ContainerSpec.",
                                          i ? "Configs" : "Secrets", e);
            if (rc != NGX_OK) {
                return rc;
            }
        }
    }

    return ngx_sockerless_judge_volume_mounts(j,
                                      ngx_sockerless_json_get(cs, "Mounts"),
                                      0, "TaskTemplate.ContainerSpec.");
}


/*
 * The named volumes of "Mounts", each the owner's or a name no other has;
 * REF_CREATE in "checks": a missing one is made, owned, with the first
 * such mount's volume options
 */

static ngx_int_t
ngx_sockerless_judge_volume_mounts(ngx_sockerless_judge_t *j,
    ngx_sockerless_jv_t *mounts, ngx_uint_t checks, const char *where)
{
    ngx_int_t              rc;
    ngx_sockerless_jv_t   *e, *src;
    ngx_sockerless_ref_t  *ref;

    if (mounts == NULL || mounts->type != NGX_SOCKERLESS_JSON_ARRAY) {
        return NGX_OK;
    }

    for (e = mounts->child; e; e = e->next) {
        src = ngx_sockerless_json_get(e, "Source");

        if (!ngx_sockerless_json_caseeq(ngx_sockerless_json_get(e, "Type"),
                                        "volume")
            || src == NULL || src->type != NGX_SOCKERLESS_JSON_STRING
            || src->str.len == 0)
        {
            continue;
        }

        rc = ngx_sockerless_judge_ref(j, NGX_SOCKERLESS_KIND_VOLUME,
                                      &src->str,
                                      NGX_SOCKERLESS_REF_OWNED
                                      |NGX_SOCKERLESS_REF_CLAIM|checks,
                                      where, "Mounts", NULL);
        if (rc != NGX_OK) {
            return rc;
        }

        ref = ngx_sockerless_judge_find_ref(j, NGX_SOCKERLESS_KIND_VOLUME,
                                            &src->str);

        if ((checks & NGX_SOCKERLESS_REF_CREATE) && ref->create == NULL) {
            /* the mount's volume options make the volume, if it is made */
            ref->create = e;
        }
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

    rc = ngx_sockerless_judge_label(j, spec, "");
    if (rc != NGX_OK) {
        return rc;
    }

    if (cs && cs->type == NGX_SOCKERLESS_JSON_OBJECT) {
        rc = ngx_sockerless_judge_label(j, cs, "TaskTemplate.ContainerSpec.");
        if (rc != NGX_OK) {
            return rc;
        }
    }

    if (ngx_sockerless_judge_scoped(j)) {
        rc = ngx_sockerless_judge_task_refs(j, spec, tt, cs);
        if (rc != NGX_OK) {
            return rc;
        }
    }

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
    ngx_int_t             rc;
    ngx_sockerless_jv_t  *name;

    rc = ngx_sockerless_judge_label(j, body, "");
    if (rc != NGX_OK) {
        return rc;
    }

    /* dockerd answers a create of an existing volume with that volume */

    name = ngx_sockerless_json_get(body, "Name");

    if (ngx_sockerless_judge_scoped(j)
        && name && name->type == NGX_SOCKERLESS_JSON_STRING && name->str.len)
    {
        rc = ngx_sockerless_judge_ref(j, NGX_SOCKERLESS_KIND_VOLUME,
                                      &name->str,
                                      NGX_SOCKERLESS_REF_OWNED
                                      |NGX_SOCKERLESS_REF_CLAIM,
                                      "", "Name", NULL);
        if (rc != NGX_OK) {
            return rc;
        }
    }

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
    ngx_int_t             rc;
    ngx_sockerless_jv_t  *v, *o, *name;

    rc = ngx_sockerless_judge_label(j, body, "");
    if (rc != NGX_OK) {
        return rc;
    }

    /*
     * dockerd makes a second network of a name it has unless told not to,
     * and its answer gives the first one's ID: under an owner it is told
     */

    name = ngx_sockerless_json_get(body, "Name");
    v = ngx_sockerless_json_get(body, "CheckDuplicate");

    if (j->rules->owned && name && name->type == NGX_SOCKERLESS_JSON_STRING
        && name->str.len
        && (v == NULL || v->type == NGX_SOCKERLESS_JSON_FALSE
            || v->type == NGX_SOCKERLESS_JSON_NULL))
    {
        if (v) {
            rc = ngx_sockerless_judge_edit(j, v->off, v->end,
                                           (u_char *) "true", 4);

        } else {
            rc = ngx_sockerless_judge_edit(j, name->end, name->end,
                                           (u_char *) ",\"CheckDuplicate\""
                                           ":true", 22);
        }

        if (rc != NGX_OK) {
            return rc;
        }
    }

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


/* the container a network connect or disconnect names */

static ngx_int_t
ngx_sockerless_judge_connect_body(ngx_sockerless_judge_t *j,
    ngx_sockerless_jv_t *body)
{
    ngx_sockerless_jv_t  *v;

    if (!ngx_sockerless_judge_scoped(j)) {
        return NGX_OK;
    }

    v = ngx_sockerless_json_get(body, "Container");

    if (v == NULL || v->type != NGX_SOCKERLESS_JSON_STRING) {
        return NGX_OK;
    }

    return ngx_sockerless_judge_ref(j, NGX_SOCKERLESS_KIND_CONTAINER,
                                    &v->str,
                                    NGX_SOCKERLESS_REF_OWNED
                                    |NGX_SOCKERLESS_REF_BODY,
                                    "", "Container", v);
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
    ngx_int_t  rc;

    rc = ngx_sockerless_judge_label(j, body, "");
    if (rc != NGX_OK) {
        return rc;
    }

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

    if (ngx_sockerless_judge_scoped(j)) {
        rc = ngx_sockerless_judge_owner_config(j, hc, where);
        if (rc != NGX_OK) {
            return rc;
        }
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
    if (ngx_sockerless_judge_shares(mode)) {
        return ngx_sockerless_judge_deny(j, NGX_SOCKERLESS_FORBIDDEN,
                                         "privileged: %s%s %V", where, field,
                                         mode);
    }

    if (ngx_sockerless_judge_builtin(mode)) {
        return NGX_OK;
    }

    return ngx_sockerless_judge_ref(j, NGX_SOCKERLESS_KIND_NETWORK, mode,
                                    NGX_SOCKERLESS_REF_NOT_HOST, where, field,
                                    NULL);
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

    ep = ngx_sockerless_json_get(networking, "EndpointsConfig");

    if (ep == NULL || ep->type != NGX_SOCKERLESS_JSON_OBJECT) {
        return NGX_OK;
    }

    for (e = ep->child; e; e = e->next) {

        if (!j->rules->privileged) {
            rc = ngx_sockerless_judge_network_mode(j, &e->key,
                                                   "NetworkingConfig.",
                                                   "EndpointsConfig");
            if (rc != NGX_OK) {
                return rc;
            }
        }

        if (ngx_sockerless_judge_scoped(j)
            && !ngx_sockerless_judge_builtin(&e->key))
        {
            rc = ngx_sockerless_judge_ref(j, NGX_SOCKERLESS_KIND_NETWORK,
                                          &e->key,
                                          NGX_SOCKERLESS_REF_OWNED
                                          |NGX_SOCKERLESS_REF_SETTING,
                                          "NetworkingConfig.",
                                          "EndpointsConfig", NULL);
            if (rc != NGX_OK) {
                return rc;
            }
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
                                      where, ".Target", NULL);
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


static u_char *
ngx_sockerless_judge_sprintf(u_char *p, u_char *last, const char *fmt, ...)
{
    va_list  args;

    va_start(args, fmt);
    p = ngx_sockerless_judge_format(p, last, fmt, args);
    va_end(args);

    return p;
}


/*
 * Ownership and "visible", on the request line: what all tenants share is
 * not a tenant's to change, the object the path names must be one the
 * policy sees, and lists, prunes and events see those objects only.
 */

static ngx_int_t
ngx_sockerless_judge_owner_line(ngx_sockerless_judge_t *j)
{
    ngx_int_t                   rc;
    ngx_str_t                  *labels;
    ngx_uint_t                  n;
    const char                 *why;
    const ngx_sockerless_op_t  *op;

    op = j->op;

    if (j->rules->owned && j->owner.len == 0) {
        return ngx_sockerless_judge_deny(j, NGX_SOCKERLESS_FORBIDDEN,
                                         "owner: the identity has no "
                                         "owner");
    }

    if (j->rules->owned && (op->flags & NGX_SOCKERLESS_OP_SHARED)) {
        return ngx_sockerless_judge_deny(j, NGX_SOCKERLESS_FORBIDDEN,
                                         "owner: %V changes what every "
                                         "tenant shares (images, the build "
                                         "cache)", &op->name);
    }

    if (op->kind == NGX_SOCKERLESS_KIND_TASK) {
        if (j->rules->owned) {
            return ngx_sockerless_judge_deny(j, NGX_SOCKERLESS_FORBIDDEN,
                                             "owner: tasks have no owner "
                                             "(%V)", &op->name);
        }

        return ngx_sockerless_judge_deny(j, NGX_SOCKERLESS_FORBIDDEN,
                                         "visible: tasks are not told "
                                         "apart by labels (%V)", &op->name);
    }

    if ((op->flags & NGX_SOCKERLESS_OP_OBJECT)
        && ngx_sockerless_judge_owned_kind(op->kind))
    {
        if (j->route->object.len == 0) {
            return ngx_sockerless_judge_deny(j, NGX_SOCKERLESS_FORBIDDEN,
                                             "%s: %V names no object",
                                             j->rules->owned ? "owner"
                                                             : "visible",
                                             &op->name);
        }

        /*
         * a start joins the container to its networks again, by the names
         * it has: another's network made since under such a name is not
         * joined
         */

        rc = ngx_sockerless_judge_ref(j, op->kind, &j->route->object,
                                      NGX_SOCKERLESS_REF_OWNED
                                      |NGX_SOCKERLESS_REF_PATH
                                      |((op->flags & NGX_SOCKERLESS_OP_STARTS)
                                        ? NGX_SOCKERLESS_REF_NETWORKS : 0),
                                      "", "the path", NULL);
        if (rc != NGX_OK) {
            return rc;
        }
    }

    if (!(op->flags & NGX_SOCKERLESS_OP_LIST)) {
        return NGX_OK;
    }

    /* label filters are ANDed: the policy's only narrow the client's */

    if (ngx_sockerless_judge_scope(j, &labels, &n) != NGX_OK) {
        return NGX_ERROR;
    }

    rc = ngx_sockerless_query_filters(&j->args, labels, n, &j->args_out,
                                      &why, j->alloc, j->data);

    if (rc == NGX_DECLINED) {
        return ngx_sockerless_judge_deny(j, NGX_SOCKERLESS_BAD_REQUEST,
                                         "non-canonical: %s", why);
    }

    return rc;
}


ngx_int_t
ngx_sockerless_judge_scope(ngx_sockerless_judge_t *j, ngx_str_t **labels,
    ngx_uint_t *n)
{
    u_char      *p;
    ngx_str_t   *l;
    ngx_uint_t   i, nvisible;

    nvisible = j->rules->visible ? j->rules->visible->nelts : 0;

    *n = (j->rules->owned ? 1 : 0) + nvisible;
    *labels = NULL;

    if (*n == 0) {
        return NGX_OK;
    }

    l = j->alloc(j->data, *n * sizeof(ngx_str_t));
    if (l == NULL) {
        return NGX_ERROR;
    }

    *labels = l;

    if (j->rules->owned) {
        l->len = j->label.len + 1 + j->owner.len;
        l->data = j->alloc(j->data, l->len);
        if (l->data == NULL) {
            return NGX_ERROR;
        }

        p = ngx_cpymem(l->data, j->label.data, j->label.len);
        *p++ = '=';
        ngx_memcpy(p, j->owner.data, j->owner.len);

        l++;
    }

    for (i = 0; i < nvisible; i++) {
        *l++ = ((ngx_str_t *) j->rules->visible->elts)[i];
    }

    return NGX_OK;
}


/* a container's references to other objects, each must be the owner's */

static ngx_int_t
ngx_sockerless_judge_owner_config(ngx_sockerless_judge_t *j,
    ngx_sockerless_jv_t *hc, const char *where)
{
    u_char               *colon;
    ngx_int_t             rc;
    ngx_str_t             name;
    ngx_uint_t            i;
    ngx_sockerless_jv_t  *v, *e;

    /* a network, and the namespaces of a container, by any mode */

    for (i = 0; ngx_sockerless_ns_fields[i]; i++) {
        v = ngx_sockerless_json_get(hc, ngx_sockerless_ns_fields[i]);

        if (v == NULL || v->type != NGX_SOCKERLESS_JSON_STRING) {
            continue;
        }

        rc = ngx_sockerless_judge_owned_mode(j, &v->str, i == 0,
                                             NGX_SOCKERLESS_REF_SETTING,
                                             where,
                                             ngx_sockerless_ns_fields[i]);
        if (rc != NGX_OK) {
            return rc;
        }
    }

    /* "VolumesFrom": "name[:ro|rw]"; "Links": "name:alias" */

    for (i = 0; i < 2; i++) {
        v = ngx_sockerless_json_get(hc, i ? "Links" : "VolumesFrom");

        if (v == NULL || v->type != NGX_SOCKERLESS_JSON_ARRAY) {
            continue;
        }

        for (e = v->child; e; e = e->next) {
            if (e->type != NGX_SOCKERLESS_JSON_STRING) {
                continue;
            }

            name = e->str;

            colon = ngx_strlchr(name.data, name.data + name.len, ':');
            if (colon) {
                name.len = colon - name.data;
            }

            if (i && name.len && name.data[0] == '/') {
                /* "/name:/container/alias", as an inspection shows links */
                name.data++;
                name.len--;
            }

            rc = ngx_sockerless_judge_owner_container(j, &name, where,
                                             i ? "Links" : "VolumesFrom",
                                             i ? NGX_SOCKERLESS_REF_LINK : 0);
            if (rc != NGX_OK) {
                return rc;
            }
        }
    }

    /* named volumes: the owner's, or made for the owner */

    v = ngx_sockerless_json_get(hc, "Binds");

    if (v && v->type == NGX_SOCKERLESS_JSON_ARRAY) {
        for (e = v->child; e; e = e->next) {
            if (e->type != NGX_SOCKERLESS_JSON_STRING
                || e->str.len == 0 || e->str.data[0] == '/')
            {
                continue;
            }

            colon = ngx_strlchr(e->str.data, e->str.data + e->str.len, ':');
            if (colon == NULL) {
                /* "name" alone: an anonymous volume at that path */
                continue;
            }

            name.data = e->str.data;
            name.len = colon - name.data;

            rc = ngx_sockerless_judge_ref(j, NGX_SOCKERLESS_KIND_VOLUME,
                                          &name,
                                          NGX_SOCKERLESS_REF_OWNED
                                          |NGX_SOCKERLESS_REF_CREATE
                                          |NGX_SOCKERLESS_REF_CLAIM,
                                          where, "Binds", NULL);
            if (rc != NGX_OK) {
                return rc;
            }
        }
    }

    rc = ngx_sockerless_judge_volume_mounts(j,
                                    ngx_sockerless_json_get(hc, "Mounts"),
                                    NGX_SOCKERLESS_REF_CREATE, where);
    if (rc != NGX_OK) {
        return rc;
    }

    return NGX_OK;
}


static ngx_int_t
ngx_sockerless_judge_owner_container(ngx_sockerless_judge_t *j,
    ngx_str_t *ref, const char *where, const char *field, ngx_uint_t checks)
{
    if (ref->len == 0) {
        return NGX_OK;
    }

    return ngx_sockerless_judge_ref(j, NGX_SOCKERLESS_KIND_CONTAINER, ref,
                                    NGX_SOCKERLESS_REF_OWNED
                                    |NGX_SOCKERLESS_REF_SETTING|checks,
                                    where, field, NULL);
}


/*
 * The owner label and "visible"'s labels in the "Labels" of the object
 * "obj" (a container's config, a network, a volume, a secret, a service's
 * spec or its containers'): the client's own owner label is refused, and
 * a "visible" label with another value; the gateway's are added by an
 * edit of the body, nothing else of the labels changes.  Without an
 * owner, a create that makes containers gets an empty owner when the
 * client gave none (when some policy has an owner: j->stamp): no image's
 * labels make anyone the owner of what it runs.  What a policy with
 * "visible" makes has its labels ("K" as an
 * empty value), so that it sees what it made.
 */

static ngx_int_t
ngx_sockerless_judge_label(ngx_sockerless_judge_t *j,
    ngx_sockerless_jv_t *obj, const char *where)
{
    u_char               *p, *text, *eq, *first;
    size_t                len;
    ngx_str_t             key[NGX_SOCKERLESS_VISIBLE_MAX + 1];
    ngx_str_t             value[NGX_SOCKERLESS_VISIBLE_MAX + 1];
    ngx_str_t            *want;
    ngx_uint_t            i, k, n;
    ngx_sockerless_jv_t  *labels, *m;

    if (!(j->op->flags & NGX_SOCKERLESS_OP_CREATE)) {
        return NGX_OK;
    }

    if (!ngx_sockerless_judge_scoped(j)
        && (!j->stamp
            || (j->op->flags & NGX_SOCKERLESS_OP_OBJECT)
            || (j->op->judge != NGX_SOCKERLESS_JUDGE_CREATE
                && where[0] == '\0')))
    {
        /* no owners, an update, or what runs no image: as the client says */
        return NGX_OK;
    }

    labels = ngx_sockerless_json_get(obj, "Labels");

    if (labels && labels->type != NGX_SOCKERLESS_JSON_OBJECT
        && labels->type != NGX_SOCKERLESS_JSON_NULL)
    {
        return ngx_sockerless_judge_deny(j, NGX_SOCKERLESS_BAD_REQUEST,
                                         "json: %sLabels is not an object",
                                         where);
    }

    /* the labels the gateway writes: the owner's first */

    key[0] = j->label;

    if (j->rules->owned) {
        value[0] = j->owner;

    } else {
        ngx_str_set(&value[0], "");

        if (!j->stamp) {
            /* no policy has an owner: no owner label */
            key[0].len = 0;
        }
    }

    n = 1;

    if (j->rules->visible) {
        want = j->rules->visible->elts;

        for (i = 0; i < j->rules->visible->nelts; i++) {
            key[n] = want[i];
            ngx_str_set(&value[n], "");

            eq = ngx_strlchr(want[i].data, want[i].data + want[i].len, '=');
            if (eq) {
                key[n].len = eq - want[i].data;
                value[n].data = eq + 1;
                value[n].len = want[i].data + want[i].len - eq - 1;
            }

            n++;
        }
    }

    for (m = labels ? labels->child : NULL; m; m = m->next) {

        /* label keys are map keys: Go matches them exactly */

        for (k = 0; k < n; k++) {
            if (m->key.len == key[k].len
                && ngx_memcmp(m->key.data, key[k].data, key[k].len) == 0)
            {
                break;
            }
        }

        if (k == n) {
            continue;
        }

        if (k == 0) {
            if (!j->rules->owned
                || ((j->op->flags & NGX_SOCKERLESS_OP_OBJECT)
                    && m->type == NGX_SOCKERLESS_JSON_STRING
                    && m->str.len == j->owner.len
                    && ngx_memcmp(m->str.data, j->owner.data, j->owner.len)
                       == 0))
            {
                /*
                 * a policy without owner gives objects to whom it says;
                 * an update of the owner's object (a service's spec as
                 * inspected) may keep the owner it has
                 */
                key[0].len = 0;
                continue;
            }

            return ngx_sockerless_judge_deny(j, NGX_SOCKERLESS_FORBIDDEN,
                                             "owner: the label %V is the "
                                             "gateway's (%sLabels)",
                                             &j->label, where);
        }

        if (m->type == NGX_SOCKERLESS_JSON_STRING
            && (value[k].len == 0
                || (m->str.len == value[k].len
                    && ngx_memcmp(m->str.data, value[k].data, m->str.len)
                       == 0)))
        {
            /* the client gave it: its value stays */
            key[k].len = 0;
            continue;
        }

        return ngx_sockerless_judge_deny(j, NGX_SOCKERLESS_FORBIDDEN,
                                         "visible: the label %V must be "
                                         "\"%V\" (%sLabels)", &key[k],
                                         &value[k], where);
    }

    len = sizeof("\"Labels\":{},") - 1;

    for (k = 0; k < n; k++) {
        if (key[k].len) {
            len += sizeof("\"\":\"\",") - 1
                   + ngx_sockerless_json_escape(NULL, key[k].data,
                                                key[k].len)
                   + ngx_sockerless_json_escape(NULL, value[k].data,
                                                value[k].len);
        }
    }

    text = j->alloc(j->data, len);
    if (text == NULL) {
        return NGX_ERROR;
    }

    p = text;

    if (labels == NULL) {
        p = ngx_cpymem(p, "\"Labels\":", 9);
    }

    if (labels == NULL || labels->type == NGX_SOCKERLESS_JSON_NULL) {
        *p++ = '{';
    }

    first = p;

    for (k = 0; k < n; k++) {
        if (key[k].len == 0) {
            continue;
        }

        if (p != first) {
            *p++ = ',';
        }

        *p++ = '"';
        p += ngx_sockerless_json_escape(p, key[k].data, key[k].len);
        p = ngx_cpymem(p, "\":\"", 3);
        p += ngx_sockerless_json_escape(p, value[k].data, value[k].len);
        *p++ = '"';
    }

    if (p == first) {
        /* the client gave every label */
        return NGX_OK;
    }

    if (labels == NULL || labels->type == NGX_SOCKERLESS_JSON_NULL) {
        *p++ = '}';
    }

    if (labels == NULL) {
        /* a new member first in the object */

        if (obj->n) {
            *p++ = ',';
        }

        return ngx_sockerless_judge_edit(j, obj->off + 1, obj->off + 1, text,
                                         p - text);
    }

    if (labels->type == NGX_SOCKERLESS_JSON_NULL) {
        return ngx_sockerless_judge_edit(j, labels->off, labels->end, text,
                                         p - text);
    }

    if (labels->n) {
        *p++ = ',';
    }

    return ngx_sockerless_judge_edit(j, labels->off + 1, labels->off + 1,
                                     text, p - text);
}


/* the container a commit is of must be the owner's */

static ngx_int_t
ngx_sockerless_judge_commit_query(ngx_sockerless_judge_t *j,
    ngx_sockerless_jv_t *body)
{
    ngx_int_t  rc;
    ngx_str_t  v;

    if (!ngx_sockerless_judge_scoped(j)) {
        return NGX_OK;
    }

    rc = ngx_sockerless_judge_arg(j, "container", &v);

    if (rc == NGX_DECLINED || (rc == NGX_OK && v.len == 0)) {
        return ngx_sockerless_judge_deny(j, NGX_SOCKERLESS_FORBIDDEN,
                                         "owner: a commit names no "
                                         "container");
    }

    if (rc != NGX_OK) {
        return rc;
    }

    return ngx_sockerless_judge_ref(j, NGX_SOCKERLESS_KIND_CONTAINER, &v,
                                    NGX_SOCKERLESS_REF_OWNED
                                    |NGX_SOCKERLESS_REF_QUERY,
                                    "", "container", NULL);
}


/* a JSON object (a build's "labels") with the member "key" */

static ngx_uint_t
ngx_sockerless_judge_has_key(ngx_sockerless_judge_t *j, ngx_str_t *json,
    ngx_str_t *key)
{
    const char           *err;
    ngx_sockerless_jv_t  *root, *m;

    if (json->len == 0) {
        return 0;
    }

    root = ngx_sockerless_json_parse(json->data, json->len, j->alloc,
                                     j->data, &err);

    if (root == NULL) {
        /* what the gateway cannot read may hold the label: refused */
        return 1;
    }

    for (m = root->child; root->type == NGX_SOCKERLESS_JSON_OBJECT && m;
         m = m->next)
    {
        if (m->key.len == key->len
            && ngx_memcmp(m->key.data, key->data, key->len) == 0)
        {
            return 1;
        }
    }

    return 0;
}


/* the kinds of objects that carry an owner label */

static ngx_uint_t
ngx_sockerless_judge_owned_kind(ngx_uint_t kind)
{
    switch (kind) {

    case NGX_SOCKERLESS_KIND_CONTAINER:
    case NGX_SOCKERLESS_KIND_EXEC:
    case NGX_SOCKERLESS_KIND_NETWORK:
    case NGX_SOCKERLESS_KIND_VOLUME:
    case NGX_SOCKERLESS_KIND_SERVICE:
    case NGX_SOCKERLESS_KIND_SECRET:
    case NGX_SOCKERLESS_KIND_CONFIG:
        return 1;

    default:
        return 0;
    }
}


/* a network mode that names no network ("bridge", "none", ...) */

static ngx_uint_t
ngx_sockerless_judge_builtin(ngx_str_t *mode)
{
    ngx_uint_t  i;

    for (i = 0; ngx_sockerless_builtin_networks[i]; i++) {
        if (mode->len == ngx_strlen(ngx_sockerless_builtin_networks[i])
            && ngx_strncmp(mode->data, ngx_sockerless_builtin_networks[i],
                           mode->len)
               == 0)
        {
            return 1;
        }
    }

    return 0;
}


ngx_int_t
ngx_sockerless_judge_create_body(ngx_sockerless_judge_t *j,
    ngx_sockerless_ref_t *ref, ngx_str_t *body)
{
    u_char               *p, *eq;
    size_t                len;
    ngx_str_t            *want, owner;
    ngx_uint_t            i, n;
    ngx_sockerless_jv_t  *vo, *dc, *driver, *opts, *labels;

    /* the volume options a mount gives: driver, its options, labels */

    vo = ngx_sockerless_json_get(ref->create, "VolumeOptions");
    dc = ngx_sockerless_json_get(vo, "DriverConfig");
    driver = ngx_sockerless_json_get(dc, "Name");
    opts = ngx_sockerless_json_get(dc, "Options");
    labels = ngx_sockerless_json_get(vo, "Labels");

    len = sizeof("{\"Name\":\"\",\"Driver\":,\"DriverOpts\":,"
                 "\"Labels\":{\"\":\"\",}}") - 1
          + ngx_sockerless_json_escape(NULL, ref->name.data, ref->name.len)
          + ngx_sockerless_json_escape(NULL, j->label.data, j->label.len)
          + ngx_sockerless_json_escape(NULL, j->owner.data, j->owner.len)
          + (driver ? driver->end - driver->off : 0)
          + (opts ? opts->end - opts->off : 0)
          + (labels ? labels->end - labels->off : 0);

    n = j->rules->visible ? j->rules->visible->nelts : 0;
    want = n ? j->rules->visible->elts : NULL;

    for (i = 0; i < n; i++) {
        len += sizeof(",\"\":\"\"") - 1
               + ngx_sockerless_json_escape(NULL, want[i].data, want[i].len);
    }

    body->data = j->alloc(j->data, len);
    if (body->data == NULL) {
        return NGX_ERROR;
    }

    p = ngx_cpymem(body->data, "{\"Name\":\"", 9);
    p += ngx_sockerless_json_escape(p, ref->name.data, ref->name.len);
    *p++ = '"';

    if (driver && driver->type == NGX_SOCKERLESS_JSON_STRING) {
        p = ngx_cpymem(p, ",\"Driver\":", 10);
        p = ngx_cpymem(p, j->json.data + driver->off,
                       driver->end - driver->off);
    }

    if (opts && opts->type == NGX_SOCKERLESS_JSON_OBJECT) {
        p = ngx_cpymem(p, ",\"DriverOpts\":", 14);
        p = ngx_cpymem(p, j->json.data + opts->off, opts->end - opts->off);
    }

    p = ngx_cpymem(p, ",\"Labels\":{", 11);

    if (labels && labels->type == NGX_SOCKERLESS_JSON_OBJECT && labels->n) {
        /* the mount's own labels, before the gateway's: the last wins */
        p = ngx_cpymem(p, j->json.data + labels->off + 1,
                       labels->end - labels->off - 2);
        *p++ = ',';
    }

    owner = j->rules->owned ? j->owner : (ngx_str_t) ngx_null_string;

    *p++ = '"';
    p += ngx_sockerless_json_escape(p, j->label.data, j->label.len);
    p = ngx_cpymem(p, "\":\"", 3);
    p += ngx_sockerless_json_escape(p, owner.data, owner.len);
    *p++ = '"';

    for (i = 0; i < n; i++) {
        eq = ngx_strlchr(want[i].data, want[i].data + want[i].len, '=');

        *p++ = ',';
        *p++ = '"';
        p += ngx_sockerless_json_escape(p, want[i].data,
                                        (eq ? eq : want[i].data + want[i].len)
                                        - want[i].data);
        p = ngx_cpymem(p, "\":\"", 3);

        if (eq) {
            p += ngx_sockerless_json_escape(p, eq + 1,
                                            want[i].data + want[i].len
                                            - eq - 1);
        }

        *p++ = '"';
    }

    p = ngx_cpymem(p, "}}", 2);

    body->len = p - body->data;

    return NGX_OK;
}


ngx_int_t
ngx_sockerless_judge_stamp(ngx_sockerless_judge_t *j)
{
    const char           *err;
    ngx_sockerless_jv_t  *cs;

    if (j->op == NULL || !(j->op->flags & NGX_SOCKERLESS_OP_CREATE)
        || (j->op->judge != NGX_SOCKERLESS_JUDGE_CREATE
            && j->op->judge != NGX_SOCKERLESS_JUDGE_SERVICE))
    {
        return NGX_OK;
    }

    if (j->body == NULL) {
        if (j->json.len == 0) {
            return NGX_OK;
        }

        j->body = ngx_sockerless_json_parse(j->json.data, j->json.len,
                                            j->alloc, j->data, &err);
        if (j->body == NULL) {
            return err ? NGX_DECLINED : NGX_ERROR;
        }
    }

    if (j->body->type != NGX_SOCKERLESS_JSON_OBJECT) {
        return NGX_DECLINED;
    }

    if (j->op->judge == NGX_SOCKERLESS_JUDGE_CREATE) {
        return ngx_sockerless_judge_label(j, j->body, "");
    }

    cs = ngx_sockerless_json_get(ngx_sockerless_json_get(j->body,
                                                         "TaskTemplate"),
                                 "ContainerSpec");

    if (cs == NULL || cs->type != NGX_SOCKERLESS_JSON_OBJECT) {
        return NGX_OK;
    }

    return ngx_sockerless_judge_label(j, cs, "TaskTemplate.ContainerSpec.");
}


static int ngx_libc_cdecl
ngx_sockerless_judge_edit_cmp(const void *one, const void *two)
{
    const ngx_sockerless_edit_t  *a = one, *b = two;

    return (a->off > b->off) - (a->off < b->off);
}


ngx_int_t
ngx_sockerless_judge_rewritten(ngx_sockerless_judge_t *j, ngx_str_t *target,
    ngx_str_t *body)
{
    u_char     *p, *q, *last, *start;
    size_t      len;
    ngx_str_t  *args, *path, *object;

    if (j->edits && j->edits->nelts) {
        ngx_qsort(j->edits->elts, j->edits->nelts,
                  sizeof(ngx_sockerless_edit_t),
                  ngx_sockerless_judge_edit_cmp);

        if (ngx_sockerless_json_edit(&j->json, j->edits->elts,
                                     j->edits->nelts, body, j->alloc,
                                     j->data)
            != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    if (j->object_id.len == 0 && j->args_out.len == 0) {
        return NGX_OK;
    }

    /*
     * the version prefix as sent, the path with the object as its full
     * ID (the path is canonical: its other parts need no escaping), the
     * query
     */

    path = &j->route->path;
    object = &j->route->object;
    args = j->args_out.len ? &j->args_out : &j->args;

    last = j->target.data + j->target.len;
    q = ngx_strlchr(j->target.data, last, '?');
    start = j->target.data;

    if (j->route->versioned) {
        start = ngx_strlchr(j->target.data + 1, q ? q : last, '/');
    }

    len = (start - j->target.data) + path->len + j->object_id.len
          + 1 + args->len;

    target->data = j->alloc(j->data, len);
    if (target->data == NULL) {
        return NGX_ERROR;
    }

    p = ngx_cpymem(target->data, j->target.data, start - j->target.data);

    if (j->object_id.len) {
        p = ngx_cpymem(p, path->data, object->data - path->data);
        p = ngx_cpymem(p, j->object_id.data, j->object_id.len);
        p = ngx_cpymem(p, object->data + object->len,
                       path->data + path->len
                       - (object->data + object->len));

    } else {
        p = ngx_cpymem(p, path->data, path->len);
    }

    if (args->len) {
        *p++ = '?';
        p = ngx_cpymem(p, args->data, args->len);
    }

    target->len = p - target->data;

    return NGX_OK;
}
