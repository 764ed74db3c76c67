
/*
 * Copyright (C) ngx_sockerless developers
 */


/*
 * The access policy: which operations an identity may call, with which
 * settings.  A decision is made on the request as dockerd will execute it:
 * the decoded path and version prefix (ngx_sockerless_route.c) and the
 * JSON body read with Go's semantics, or refused (ngx_sockerless_json.c).
 * What is forwarded is exactly what was judged: the request target as
 * sent and the body as read.  See docs/policy.md.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_sockerless_module.h"
#include "ngx_sockerless_json.h"
#include "ngx_sockerless_image.h"


#define NGX_HTTP_SOCKERLESS_REASON_LEN  512


typedef struct {
    ngx_str_t                        path;      /* cleaned */
    ngx_uint_t                       ro;
} ngx_http_sockerless_bind_t;


typedef struct {
    ngx_http_request_t              *request;
    ngx_http_sockerless_policy_t    *policy;
    u_char                          *reason;
    u_char                          *last;
} ngx_http_sockerless_judge_t;


static char *ngx_http_sockerless_policy_line(ngx_conf_t *cf,
    ngx_command_t *dummy, void *conf);
static char *ngx_http_sockerless_policy_ops(ngx_conf_t *cf,
    ngx_http_sockerless_policy_t *pl, u_char *ops);
static ngx_http_sockerless_policy_t *ngx_http_sockerless_policy_find(
    ngx_http_request_t *r, ngx_str_t *name);
static ngx_int_t ngx_http_sockerless_deny(ngx_http_sockerless_judge_t *j,
    const char *fmt, ...);
static void *ngx_http_sockerless_policy_alloc(void *data, size_t size);
static ngx_int_t ngx_http_sockerless_judge_query(
    ngx_http_sockerless_judge_t *j, ngx_http_sockerless_ctx_t *ctx);
static ngx_int_t ngx_http_sockerless_query(ngx_http_request_t *r,
    const char *name, ngx_str_t *value);
static ngx_int_t ngx_http_sockerless_query_decode(ngx_http_request_t *r,
    u_char *p, u_char *last, ngx_str_t *out);
static ngx_int_t ngx_http_sockerless_judge_image(
    ngx_http_sockerless_judge_t *j, ngx_str_t *image);
static ngx_int_t ngx_http_sockerless_judge_host_config(
    ngx_http_sockerless_judge_t *j, ngx_sockerless_jv_t *hc,
    const char *where);
static ngx_int_t ngx_http_sockerless_judge_caps(
    ngx_http_sockerless_judge_t *j, ngx_sockerless_jv_t *caps,
    const char *where);
static ngx_int_t ngx_http_sockerless_judge_bind(
    ngx_http_sockerless_judge_t *j, ngx_str_t *src, ngx_uint_t ro,
    const char *where);
static ngx_int_t ngx_http_sockerless_judge_binds(
    ngx_http_sockerless_judge_t *j, ngx_sockerless_jv_t *binds,
    const char *where);
static ngx_int_t ngx_http_sockerless_judge_mounts(
    ngx_http_sockerless_judge_t *j, ngx_sockerless_jv_t *mounts,
    const char *where);
static ngx_int_t ngx_http_sockerless_judge_volume_opts(
    ngx_http_sockerless_judge_t *j, ngx_sockerless_jv_t *driver,
    ngx_sockerless_jv_t *opts, const char *where);
static ngx_int_t ngx_http_sockerless_judge_service(
    ngx_http_sockerless_judge_t *j, ngx_sockerless_jv_t *spec);
static ngx_int_t ngx_http_sockerless_judge_service_networks(
    ngx_http_sockerless_judge_t *j, ngx_sockerless_jv_t *networks);
static ngx_int_t ngx_http_sockerless_judge_network(
    ngx_http_sockerless_judge_t *j, ngx_sockerless_jv_t *body);
static ngx_uint_t ngx_http_sockerless_escaped_separator(
    ngx_http_request_t *r);
static ngx_uint_t ngx_http_sockerless_set(ngx_sockerless_jv_t *v);
static ngx_uint_t ngx_http_sockerless_is(ngx_sockerless_jv_t *v,
    const char *s);


/* what a default container has: adding one of these gives nothing more */

static const char  *ngx_http_sockerless_default_caps[] = {
    "CHOWN", "DAC_OVERRIDE", "FSETID", "FOWNER", "MKNOD", "NET_RAW",
    "SETGID", "SETUID", "SETFCAP", "SETPCAP", "NET_BIND_SERVICE",
    "SYS_CHROOT", "KILL", "AUDIT_WRITE", NULL
};


/* why a path is not canonical, by NGX_SOCKERLESS_CANON_* */

static const char  *ngx_http_sockerless_canon_reasons[] = {
    "canonical",
    "dot segment",
    "empty segment",
    "bad escape",
    "control character",
    "relative path"
};


/* HostConfig fields that give more than a default container, if set */

static const char  *ngx_http_sockerless_set_fields[] = {
    "Devices", "DeviceRequests", "DeviceCgroupRules", "Capabilities",
    "CgroupParent", "Sysctls", "VolumeDriver", "VolumesFrom",
    "MaskedPaths", "ReadonlyPaths", NULL
};


/* HostConfig namespace modes that share the host's or another's */

static const char  *ngx_http_sockerless_ns_fields[] = {
    "NetworkMode", "PidMode", "IpcMode", "UTSMode", "UsernsMode",
    "CgroupnsMode", NULL
};


char *
ngx_http_sockerless_policy_block(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_sockerless_main_conf_t *smcf = conf;

    char                          *rv;
    ngx_str_t                     *value;
    ngx_uint_t                     i;
    ngx_conf_t                     save;
    ngx_http_sockerless_policy_t  *pl;

    value = cf->args->elts;

    if (smcf->policies == NULL) {
        smcf->policies = ngx_array_create(cf->pool, 4,
                                       sizeof(ngx_http_sockerless_policy_t));
        if (smcf->policies == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    pl = smcf->policies->elts;

    for (i = 0; i < smcf->policies->nelts; i++) {
        if (pl[i].name.len == value[1].len
            && ngx_strncmp(pl[i].name.data, value[1].data, value[1].len) == 0)
        {
            return "is duplicate";
        }
    }

    pl = ngx_array_push(smcf->policies);
    if (pl == NULL) {
        return NGX_CONF_ERROR;
    }

    ngx_memzero(pl, sizeof(ngx_http_sockerless_policy_t));

    pl->name = value[1];
    pl->privileged = NGX_CONF_UNSET;

    pl->allow = ngx_pcalloc(cf->pool, ngx_sockerless_nops());
    pl->deny = ngx_pcalloc(cf->pool, ngx_sockerless_nops());
    if (pl->allow == NULL || pl->deny == NULL) {
        return NGX_CONF_ERROR;
    }

    save = *cf;
    cf->handler = ngx_http_sockerless_policy_line;
    cf->handler_conf = (char *) pl;

    rv = ngx_conf_parse(cf, NULL);

    *cf = save;

    if (rv != NGX_CONF_OK) {
        return rv;
    }

    /* deny wins; anything not allowed is denied */

    for (i = 0; i < ngx_sockerless_nops(); i++) {
        pl->allow[i] = pl->allow[i] && !pl->deny[i];
    }

    if (pl->privileged == NGX_CONF_UNSET) {
        pl->privileged = 0;
    }

    return NGX_CONF_OK;
}


static char *
ngx_http_sockerless_policy_line(ngx_conf_t *cf, ngx_command_t *dummy,
    void *conf)
{
    ngx_http_sockerless_policy_t  *pl = (ngx_http_sockerless_policy_t *)
                                        conf;

    size_t                       len;
    u_char                      *buf;
    ngx_str_t                   *value, *img;
    ngx_uint_t                   i;
    ngx_http_sockerless_bind_t  *b;

    value = cf->args->elts;

    if (ngx_strcmp(value[0].data, "allow") == 0 && cf->args->nelts > 1) {
        return ngx_http_sockerless_policy_ops(cf, pl, pl->allow);
    }

    if (ngx_strcmp(value[0].data, "deny") == 0 && cf->args->nelts > 1) {
        return ngx_http_sockerless_policy_ops(cf, pl, pl->deny);
    }

    if (ngx_strcmp(value[0].data, "privileged") == 0
        && cf->args->nelts == 2)
    {
        if (ngx_strcmp(value[1].data, "on") == 0) {
            pl->privileged = 1;

        } else if (ngx_strcmp(value[1].data, "off") == 0) {
            pl->privileged = 0;

        } else {
            return "takes \"on\" or \"off\"";
        }

        return NGX_CONF_OK;
    }

    if (ngx_strcmp(value[0].data, "bind") == 0 && cf->args->nelts > 1) {

        if (pl->binds == NULL) {
            pl->binds = ngx_array_create(cf->pool, 4,
                                         sizeof(ngx_http_sockerless_bind_t));
            if (pl->binds == NULL) {
                return NGX_CONF_ERROR;
            }
        }

        for (i = 1; i < cf->args->nelts; i++) {
            b = ngx_array_push(pl->binds);
            if (b == NULL) {
                return NGX_CONF_ERROR;
            }

            len = value[i].len;
            b->ro = 0;

            if (len > 3
                && ngx_strncmp(value[i].data + len - 3, ":ro", 3) == 0)
            {
                b->ro = 1;
                len -= 3;
            }

            buf = ngx_pnalloc(cf->pool, len + 1);
            if (buf == NULL) {
                return NGX_CONF_ERROR;
            }

            b->path.data = buf;
            b->path.len = ngx_sockerless_path_clean(value[i].data, len, buf);

            if (b->path.len == 0) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "bind path \"%V\" is not absolute",
                                   &value[i]);
                return NGX_CONF_ERROR;
            }
        }

        return NGX_CONF_OK;
    }

    if (ngx_strcmp(value[0].data, "image") == 0 && cf->args->nelts > 1) {

        if (pl->images == NULL) {
            pl->images = ngx_array_create(cf->pool, 4, sizeof(ngx_str_t));
            if (pl->images == NULL) {
                return NGX_CONF_ERROR;
            }
        }

        for (i = 1; i < cf->args->nelts; i++) {
            img = ngx_array_push(pl->images);
            if (img == NULL) {
                return NGX_CONF_ERROR;
            }

            *img = value[i];
        }

        return NGX_CONF_OK;
    }

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "unknown or invalid \"%V\" in sockerless_policy",
                       &value[0]);

    return NGX_CONF_ERROR;
}


static char *
ngx_http_sockerless_policy_ops(ngx_conf_t *cf,
    ngx_http_sockerless_policy_t *pl, u_char *ops)
{
    ngx_str_t            *value, name;
    ngx_uint_t            i, k, group, found;
    const char           *g;
    ngx_sockerless_op_t  *op;

    value = cf->args->elts;

    for (i = 1; i < cf->args->nelts; i++) {

        if (value[i].data[0] == '@') {
            name.data = value[i].data + 1;
            name.len = value[i].len - 1;

            group = 0;

            for (k = 1; k <= NGX_SOCKERLESS_GROUP_ALL; k <<= 1) {
                g = ngx_sockerless_group_name(k);

                if (g && ngx_strlen(g) == name.len
                    && ngx_strncmp(g, name.data, name.len) == 0)
                {
                    group = k;
                    break;
                }
            }

            if (name.len == 3 && ngx_strncmp(name.data, "all", 3) == 0) {
                group = NGX_SOCKERLESS_GROUP_ALL;
            }

            if (group == 0) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "unknown group \"%V\"", &value[i]);
                return NGX_CONF_ERROR;
            }

            for (k = 0; k < ngx_sockerless_nops(); k++) {
                op = ngx_sockerless_op(k);

                if (group == NGX_SOCKERLESS_GROUP_ALL
                    || (op->groups & group))
                {
                    ops[k] = 1;
                }
            }

            continue;
        }

        found = 0;

        for (k = 0; k < ngx_sockerless_nops(); k++) {
            op = ngx_sockerless_op(k);

            if (op->name.len == value[i].len
                && ngx_strncmp(op->name.data, value[i].data, value[i].len)
                   == 0)
            {
                ops[k] = 1;
                found = 1;
            }
        }

        if (!found) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "unknown operation \"%V\"", &value[i]);
            return NGX_CONF_ERROR;
        }
    }

    (void) pl;

    return NGX_CONF_OK;
}


/*
 * Decides on what the request line and headers say.  NGX_OK: allowed as
 * it is; NGX_AGAIN: the body decides (ngx_http_sockerless_policy_body());
 * NGX_DECLINED: refused, ctx->deny_status and ctx->reason say why.
 */

ngx_int_t
ngx_http_sockerless_policy_request(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx)
{
    ngx_str_t                        name;
    ngx_http_sockerless_judge_t      j;
    ngx_http_sockerless_loc_conf_t  *slcf;

    slcf = ngx_http_get_module_loc_conf(r, ngx_http_sockerless_module);

    ctx->reason.data = ngx_pnalloc(r->pool, NGX_HTTP_SOCKERLESS_REASON_LEN);
    if (ctx->reason.data == NULL) {
        return NGX_ERROR;
    }

    j.request = r;
    j.reason = ctx->reason.data;
    j.last = j.reason + NGX_HTTP_SOCKERLESS_REASON_LEN;
    j.policy = NULL;

    ctx->deny_status = NGX_HTTP_FORBIDDEN;
    ctx->decided = 1;

    if (ngx_http_complex_value(r, slcf->enforce, &name) != NGX_OK) {
        return NGX_ERROR;
    }

    ctx->policy = ngx_http_sockerless_policy_find(r, &name);

    if (ctx->policy == NULL) {
        ngx_str_set(&ctx->policy_name, "");
        return ngx_http_sockerless_deny(&j, "no-policy: the identity has "
                                        "no policy (\"%V\")", &name);
    }

    ctx->policy_name = ctx->policy->name;
    j.policy = ctx->policy;

    /* the request as dockerd reads it, or nothing */

    if (ctx->route.canon != NGX_SOCKERLESS_CANON_OK) {
        ctx->deny_status = NGX_HTTP_BAD_REQUEST;

        return ngx_http_sockerless_deny(&j, "non-canonical: the path is not "
                                        "as dockerd routes it (%s)",
                                        ngx_http_sockerless_canon_reasons[
                                            ctx->route.canon]);
    }

    if (ngx_http_sockerless_escaped_separator(r)) {
        ctx->deny_status = NGX_HTTP_BAD_REQUEST;

        return ngx_http_sockerless_deny(&j, "non-canonical: an escaped "
                                        "\"/\" or \".\" in the path");
    }

    if (ctx->route.versioned
        && (!ctx->route.version_ok
            || ngx_sockerless_version_cmp(&ctx->route, 1, 12) < 0))
    {
        ctx->deny_status = NGX_HTTP_BAD_REQUEST;

        return ngx_http_sockerless_deny(&j, "version: the API version is "
                                        "not one dockerd serves");
    }

    if (ctx->op == NULL) {
        return ngx_http_sockerless_deny(&j, "unknown-operation: %V %V is no "
                                        "operation of the Engine API",
                                        &r->method_name, &ctx->route.path);
    }

    if (!ctx->policy->allow[ctx->route.op]) {
        return ngx_http_sockerless_deny(&j, "operation: %V is not allowed",
                                        &ctx->op->name);
    }

    if (ngx_http_sockerless_judge_query(&j, ctx) != NGX_OK) {
        return NGX_DECLINED;
    }

    if ((ctx->op->flags & NGX_SOCKERLESS_OP_JSON)
        || ngx_strcmp(ctx->op->name.data, "ContainerStart") == 0)
    {
        return NGX_AGAIN;
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_sockerless_judge_query(ngx_http_sockerless_judge_t *j,
    ngx_http_sockerless_ctx_t *ctx)
{
    u_char              *p;
    ngx_int_t            rc;
    ngx_str_t            v, tag, image;
    ngx_http_request_t  *r;

    r = j->request;

    /* dockerd would read the values of a form body as query parameters */

    if (r->headers_in.content_type
        && ngx_strlcasestrn(r->headers_in.content_type->value.data,
                            r->headers_in.content_type->value.data
                            + r->headers_in.content_type->value.len,
                            (u_char *) "form", 3))
    {
        ctx->deny_status = NGX_HTTP_BAD_REQUEST;

        return ngx_http_sockerless_deny(j, "non-canonical: a form body "
                                        "(%V) adds to the query string",
                                        &r->headers_in.content_type->value);
    }

    if (!j->policy->privileged) {

        if (ctx->op->groups & NGX_SOCKERLESS_GROUP_PLUGINS
            && ngx_strcmp(ctx->op->name.data, "PluginList") != 0
            && ngx_strcmp(ctx->op->name.data, "PluginInspect") != 0
            && ngx_strcmp(ctx->op->name.data, "GetPluginPrivileges") != 0
            && ngx_strcmp(ctx->op->name.data, "PluginDisable") != 0
            && ngx_strcmp(ctx->op->name.data, "PluginDelete") != 0)
        {
            return ngx_http_sockerless_deny(j, "privileged: %V installs or "
                                            "configures a plugin, which "
                                            "runs with host privileges",
                                            &ctx->op->name);
        }

        if (ngx_strcmp(ctx->op->name.data, "SwarmInit") == 0
            || ngx_strcmp(ctx->op->name.data, "SwarmJoin") == 0)
        {
            return ngx_http_sockerless_deny(j, "privileged: %V makes the "
                                            "host a swarm node",
                                            &ctx->op->name);
        }

        if (ngx_strcmp(ctx->op->name.data, "ImageBuild") == 0) {

            rc = ngx_http_sockerless_query(r, "networkmode", &v);

            if (rc == NGX_OK
                && (ngx_strcasecmp(v.data, (u_char *) "host") == 0
                    || (v.len >= 10
                        && ngx_strncasecmp(v.data, (u_char *) "container:",
                                           10) == 0)))
            {
                return ngx_http_sockerless_deny(j, "privileged: build "
                                                "networkmode=%V", &v);
            }

            if (rc == NGX_ERROR) {
                goto malformed;
            }

            rc = ngx_http_sockerless_query(r, "cgroupparent", &v);

            if (rc == NGX_OK && v.len) {
                return ngx_http_sockerless_deny(j, "privileged: build "
                                                "cgroupparent");
            }

            if (rc == NGX_ERROR) {
                goto malformed;
            }
        }
    }

    if (ngx_strcmp(ctx->op->name.data, "ImageCreate") == 0
        && j->policy->images)
    {
        /* dockerd: fromImage, or for an import, repo */

        rc = ngx_http_sockerless_query(r, "fromImage", &v);

        if (rc == NGX_OK && v.len == 0) {
            rc = NGX_DECLINED;
        }

        if (rc == NGX_DECLINED) {
            rc = ngx_http_sockerless_query(r, "repo", &v);
        }

        if (rc == NGX_ERROR) {
            goto malformed;
        }

        if (rc != NGX_OK || v.len == 0) {
            return ngx_http_sockerless_deny(j, "image: a pull or import "
                                            "names no image");
        }

        rc = ngx_http_sockerless_query(r, "tag", &tag);

        if (rc == NGX_ERROR) {
            goto malformed;
        }

        if (rc != NGX_OK) {
            tag.len = 0;
        }

        image.data = ngx_pnalloc(r->pool, v.len + tag.len + 1);
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

        return ngx_http_sockerless_judge_image(j, &image);
    }

    return NGX_OK;

malformed:

    ctx->deny_status = NGX_HTTP_BAD_REQUEST;

    return ngx_http_sockerless_deny(j, "non-canonical: the query string is "
                                    "malformed");
}


/*
 * A query parameter as Go's net/url reads it for dockerd's FormValue():
 * names and values decoded ("+" is a space), the first exact match.
 * NGX_ERROR for what Go refuses (a bad escape, ";"), and dockerd with it.
 */

static ngx_int_t
ngx_http_sockerless_query(ngx_http_request_t *r, const char *name,
    ngx_str_t *value)
{
    u_char     *p, *last, *end, *eq;
    size_t      len;
    ngx_str_t   key;

    len = ngx_strlen(name);

    p = r->args.data;
    last = p + r->args.len;

    if (ngx_strlchr(p, last, ';')) {
        return NGX_ERROR;
    }

    while (p < last) {
        end = ngx_strlchr(p, last, '&');
        if (end == NULL) {
            end = last;
        }

        eq = ngx_strlchr(p, end, '=');

        if (ngx_http_sockerless_query_decode(r, p, eq ? eq : end, &key)
            != NGX_OK)
        {
            return NGX_ERROR;
        }

        if (key.len == len && ngx_strncmp(key.data, name, len) == 0) {

            if (eq == NULL) {
                ngx_str_set(value, "");
                return NGX_OK;
            }

            return ngx_http_sockerless_query_decode(r, eq + 1, end, value);
        }

        p = end + 1;
    }

    return NGX_DECLINED;
}


static ngx_int_t
ngx_http_sockerless_query_decode(ngx_http_request_t *r, u_char *p,
    u_char *last, ngx_str_t *out)
{
    u_char     *d;
    ngx_int_t   hi, lo;

    out->data = ngx_pnalloc(r->pool, (last - p) + 1);
    if (out->data == NULL) {
        return NGX_ERROR;
    }

    d = out->data;

    while (p < last) {

        if (*p == '+') {
            *d++ = ' ';
            p++;
            continue;
        }

        if (*p != '%') {
            *d++ = *p++;
            continue;
        }

        if (last - p < 3) {
            return NGX_ERROR;
        }

        hi = ngx_hextoi(p + 1, 1);
        lo = ngx_hextoi(p + 2, 1);

        if (hi == NGX_ERROR || lo == NGX_ERROR) {
            return NGX_ERROR;
        }

        *d++ = (u_char) (hi * 16 + lo);
        p += 3;
    }

    *d = '\0';
    out->len = d - out->data;

    return NGX_OK;
}


/*
 * Decides on the body, read whole: NGX_OK or NGX_DECLINED.
 */

ngx_int_t
ngx_http_sockerless_policy_body(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx)
{
    const char                   *err;
    ngx_sockerless_jv_t          *body, *v, *hc;
    ngx_http_sockerless_judge_t   j;

    j.request = r;
    j.policy = ctx->policy;
    j.reason = ctx->reason.data;
    j.last = j.reason + NGX_HTTP_SOCKERLESS_REASON_LEN;

    if (ctx->json == NULL || ctx->json->last == ctx->json->pos) {
        /* no body: dockerd sees nothing more than the request line */
        return NGX_OK;
    }

    body = ngx_sockerless_json_parse(ctx->json->pos,
                                     ctx->json->last - ctx->json->pos,
                                     ngx_http_sockerless_policy_alloc,
                                     r->pool, &err);

    if (body == NULL || body->type != NGX_SOCKERLESS_JSON_OBJECT) {
        ctx->deny_status = NGX_HTTP_BAD_REQUEST;
        return ngx_http_sockerless_deny(&j, "json: %s",
                                        body ? "the body is not an object"
                                             : err);
    }

    ctx->json_tree = body;

    if (ngx_strcmp(ctx->op->name.data, "ContainerCreate") == 0) {

        v = ngx_sockerless_json_get(body, "Image");

        if (v && v->type != NGX_SOCKERLESS_JSON_STRING
            && v->type != NGX_SOCKERLESS_JSON_NULL)
        {
            ctx->deny_status = NGX_HTTP_BAD_REQUEST;
            return ngx_http_sockerless_deny(&j, "json: Image is not a "
                                            "string");
        }

        if (j.policy->images) {
            if (v == NULL || v->type != NGX_SOCKERLESS_JSON_STRING) {
                return ngx_http_sockerless_deny(&j, "image: the create "
                                                "names no image");
            }

            if (ngx_http_sockerless_judge_image(&j, &v->str) != NGX_OK) {
                return NGX_DECLINED;
            }
        }

        /*
         * dockerd takes HostConfig fields from the top level too when
         * "HostConfig" is absent (old clients): both places are judged
         */

        if (ngx_http_sockerless_judge_host_config(&j, body, "") != NGX_OK)
        {
            return NGX_DECLINED;
        }

        hc = ngx_sockerless_json_get(body, "HostConfig");

        return ngx_http_sockerless_judge_host_config(&j, hc, "HostConfig.");
    }

    if (ngx_strcmp(ctx->op->name.data, "ContainerStart") == 0
        || ngx_strcmp(ctx->op->name.data, "ContainerUpdate") == 0)
    {
        /* a HostConfig at start (API < 1.24), resources at update */
        return ngx_http_sockerless_judge_host_config(&j, body, "");
    }

    if (ngx_strcmp(ctx->op->name.data, "ContainerExec") == 0) {
        v = ngx_sockerless_json_get(body, "Privileged");

        if (!j.policy->privileged && ngx_http_sockerless_set(v)) {
            return ngx_http_sockerless_deny(&j, "privileged: Privileged "
                                            "exec");
        }

        return NGX_OK;
    }

    if (ngx_strcmp(ctx->op->name.data, "ServiceCreate") == 0
        || ngx_strcmp(ctx->op->name.data, "ServiceUpdate") == 0)
    {
        return ngx_http_sockerless_judge_service(&j, body);
    }

    if (ngx_strcmp(ctx->op->name.data, "VolumeCreate") == 0
        && !j.policy->privileged)
    {
        return ngx_http_sockerless_judge_volume_opts(&j,
                                     ngx_sockerless_json_get(body, "Driver"),
                                     ngx_sockerless_json_get(body,
                                                             "DriverOpts"),
                                     "");
    }

    if (ngx_strcmp(ctx->op->name.data, "NetworkCreate") == 0
        && !j.policy->privileged)
    {
        return ngx_http_sockerless_judge_network(&j, body);
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_sockerless_judge_image(ngx_http_sockerless_judge_t *j,
    ngx_str_t *image)
{
    u_char      *buf;
    size_t       len;
    ngx_str_t   *pat;
    ngx_uint_t   i;

    if (j->policy->images == NULL) {
        return NGX_OK;
    }

    buf = ngx_pnalloc(j->request->pool, image->len + 32);
    if (buf == NULL) {
        return NGX_ERROR;
    }

    len = ngx_sockerless_image_normalize(image->data, image->len, buf);

    if (len == 0) {
        return ngx_http_sockerless_deny(j, "image: \"%V\" is not an image "
                                        "name (an ID cannot be matched to "
                                        "the allowed images)", image);
    }

    pat = j->policy->images->elts;

    for (i = 0; i < j->policy->images->nelts; i++) {
        if (ngx_sockerless_glob(pat[i].data, pat[i].len, buf, len)) {
            return NGX_OK;
        }
    }

    return ngx_http_sockerless_deny(j, "image: %*s is not an allowed image",
                                    len, buf);
}


static ngx_int_t
ngx_http_sockerless_judge_host_config(ngx_http_sockerless_judge_t *j,
    ngx_sockerless_jv_t *hc, const char *where)
{
    ngx_uint_t            i;
    ngx_sockerless_jv_t  *v, *e;

    if (hc == NULL || hc->type == NGX_SOCKERLESS_JSON_NULL) {
        return NGX_OK;
    }

    if (hc->type != NGX_SOCKERLESS_JSON_OBJECT) {
        return ngx_http_sockerless_deny(j, "json: %sHostConfig is not an "
                                        "object", where);
    }

    if (ngx_http_sockerless_judge_binds(j, ngx_sockerless_json_get(hc,
                                                                 "Binds"),
                                        where)
        != NGX_OK
        || ngx_http_sockerless_judge_mounts(j, ngx_sockerless_json_get(hc,
                                                                  "Mounts"),
                                            where)
           != NGX_OK)
    {
        return NGX_DECLINED;
    }

    if (j->policy->privileged) {
        return NGX_OK;
    }

    v = ngx_sockerless_json_get(hc, "Privileged");

    if (v && v->type != NGX_SOCKERLESS_JSON_FALSE
        && v->type != NGX_SOCKERLESS_JSON_NULL)
    {
        return ngx_http_sockerless_deny(j, "privileged: %sPrivileged", where);
    }

    if (ngx_http_sockerless_judge_caps(j, ngx_sockerless_json_get(hc,
                                                                  "CapAdd"),
                                       where)
        != NGX_OK)
    {
        return NGX_DECLINED;
    }

    for (i = 0; ngx_http_sockerless_set_fields[i]; i++) {
        v = ngx_sockerless_json_get(hc, ngx_http_sockerless_set_fields[i]);

        if (v == NULL || v->type == NGX_SOCKERLESS_JSON_NULL) {
            continue;
        }

        /* MaskedPaths: [] unmasks everything; the others count when set */

        if (ngx_http_sockerless_set(v)
            || ngx_strcmp(ngx_http_sockerless_set_fields[i], "MaskedPaths")
               == 0
            || ngx_strcmp(ngx_http_sockerless_set_fields[i], "ReadonlyPaths")
               == 0)
        {
            return ngx_http_sockerless_deny(j, "privileged: %s%s", where,
                                            ngx_http_sockerless_set_fields[i]);
        }
    }

    for (i = 0; ngx_http_sockerless_ns_fields[i]; i++) {
        v = ngx_sockerless_json_get(hc, ngx_http_sockerless_ns_fields[i]);

        if (v == NULL || v->type == NGX_SOCKERLESS_JSON_NULL) {
            continue;
        }

        if (v->type != NGX_SOCKERLESS_JSON_STRING) {
            return ngx_http_sockerless_deny(j, "json: %s%s is not a string",
                                            where,
                                            ngx_http_sockerless_ns_fields[i]);
        }

        if (ngx_http_sockerless_is(v, "host")
            || (v->str.len >= 10
                && ngx_strncasecmp(v->str.data, (u_char *) "container:", 10)
                   == 0))
        {
            return ngx_http_sockerless_deny(j, "privileged: %s%s %V", where,
                                            ngx_http_sockerless_ns_fields[i],
                                            &v->str);
        }
    }

    v = ngx_sockerless_json_get(hc, "SecurityOpt");

    if (v && v->type == NGX_SOCKERLESS_JSON_ARRAY) {
        for (e = v->child; e; e = e->next) {
            if (e->type != NGX_SOCKERLESS_JSON_STRING
                || !(ngx_http_sockerless_is(e, "no-new-privileges")
                     || ngx_http_sockerless_is(e, "no-new-privileges=true")
                     || ngx_http_sockerless_is(e, "no-new-privileges:true")))
            {
                return ngx_http_sockerless_deny(j, "privileged: "
                                                "%sSecurityOpt %V", where,
                                                &e->str);
            }
        }

    } else if (v && v->type != NGX_SOCKERLESS_JSON_NULL) {
        return ngx_http_sockerless_deny(j, "json: %sSecurityOpt is not an "
                                        "array", where);
    }

    v = ngx_sockerless_json_get(hc, "Runtime");

    if (v && v->type != NGX_SOCKERLESS_JSON_NULL
        && !(v->type == NGX_SOCKERLESS_JSON_STRING
             && (v->str.len == 0 || ngx_http_sockerless_is(v, "runc"))))
    {
        return ngx_http_sockerless_deny(j, "privileged: %sRuntime", where);
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_sockerless_judge_caps(ngx_http_sockerless_judge_t *j,
    ngx_sockerless_jv_t *caps, const char *where)
{
    u_char               *p;
    size_t                len;
    ngx_uint_t            i;
    ngx_sockerless_jv_t  *e;

    if (caps == NULL || caps->type == NGX_SOCKERLESS_JSON_NULL) {
        return NGX_OK;
    }

    if (caps->type != NGX_SOCKERLESS_JSON_ARRAY) {
        return ngx_http_sockerless_deny(j, "json: %sCapAdd is not an array",
                                        where);
    }

    for (e = caps->child; e; e = e->next) {

        if (e->type != NGX_SOCKERLESS_JSON_STRING) {
            return ngx_http_sockerless_deny(j, "json: %sCapAdd has a "
                                            "non-string", where);
        }

        /* dockerd: case-insensitive, with or without "CAP_" */

        p = e->str.data;
        len = e->str.len;

        if (len > 4 && ngx_strncasecmp(p, (u_char *) "CAP_", 4) == 0) {
            p += 4;
            len -= 4;
        }

        for (i = 0; ngx_http_sockerless_default_caps[i]; i++) {
            if (ngx_strlen(ngx_http_sockerless_default_caps[i]) == len
                && ngx_strncasecmp(p,
                           (u_char *) ngx_http_sockerless_default_caps[i],
                           len)
                   == 0)
            {
                break;
            }
        }

        if (ngx_http_sockerless_default_caps[i] == NULL) {
            return ngx_http_sockerless_deny(j, "privileged: %sCapAdd %V",
                                            where, &e->str);
        }
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_sockerless_judge_bind(ngx_http_sockerless_judge_t *j,
    ngx_str_t *src, ngx_uint_t ro, const char *where)
{
    u_char                      *buf;
    ngx_str_t                    path;
    ngx_uint_t                   i;
    ngx_http_sockerless_bind_t  *b;

    buf = ngx_pnalloc(j->request->pool, src->len + 1);
    if (buf == NULL) {
        return NGX_ERROR;
    }

    path.data = buf;
    path.len = ngx_sockerless_path_clean(src->data, src->len, buf);

    if (path.len == 0) {
        return ngx_http_sockerless_deny(j, "bind: %s%V is not an absolute "
                                        "path", where, src);
    }

    if (j->policy->binds) {
        b = j->policy->binds->elts;

        for (i = 0; i < j->policy->binds->nelts; i++) {
            if (!ngx_sockerless_path_under(&b[i].path, &path)) {
                continue;
            }

            if (b[i].ro && !ro) {
                return ngx_http_sockerless_deny(j, "bind: %V may only be "
                                                "mounted read-only", &path);
            }

            return NGX_OK;
        }
    }

    return ngx_http_sockerless_deny(j, "bind: host path %V is not allowed",
                                    &path);
}


static ngx_int_t
ngx_http_sockerless_judge_binds(ngx_http_sockerless_judge_t *j,
    ngx_sockerless_jv_t *binds, const char *where)
{
    u_char               *p, *colon, *last, *opt;
    ngx_str_t             src;
    ngx_uint_t            ro;
    ngx_sockerless_jv_t  *e;

    if (binds == NULL || binds->type == NGX_SOCKERLESS_JSON_NULL) {
        return NGX_OK;
    }

    if (binds->type != NGX_SOCKERLESS_JSON_ARRAY) {
        return ngx_http_sockerless_deny(j, "json: %sBinds is not an array",
                                        where);
    }

    for (e = binds->child; e; e = e->next) {

        if (e->type != NGX_SOCKERLESS_JSON_STRING) {
            return ngx_http_sockerless_deny(j, "json: %sBinds has a "
                                            "non-string", where);
        }

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

        if (ngx_http_sockerless_judge_bind(j, &src, ro, where) != NGX_OK) {
            return NGX_DECLINED;
        }
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_sockerless_judge_mounts(ngx_http_sockerless_judge_t *j,
    ngx_sockerless_jv_t *mounts, const char *where)
{
    ngx_sockerless_jv_t  *m, *type, *src, *ro, *vo, *dc;

    if (mounts == NULL || mounts->type == NGX_SOCKERLESS_JSON_NULL) {
        return NGX_OK;
    }

    if (mounts->type != NGX_SOCKERLESS_JSON_ARRAY) {
        return ngx_http_sockerless_deny(j, "json: %sMounts is not an array",
                                        where);
    }

    for (m = mounts->child; m; m = m->next) {

        if (m->type != NGX_SOCKERLESS_JSON_OBJECT) {
            return ngx_http_sockerless_deny(j, "json: %sMounts has a "
                                            "non-object", where);
        }

        type = ngx_sockerless_json_get(m, "Type");

        if (type == NULL || type->type != NGX_SOCKERLESS_JSON_STRING) {
            return ngx_http_sockerless_deny(j, "json: %sMounts without a "
                                            "Type", where);
        }

        if (ngx_http_sockerless_is(type, "bind")) {
            src = ngx_sockerless_json_get(m, "Source");
            ro = ngx_sockerless_json_get(m, "ReadOnly");

            if (src == NULL || src->type != NGX_SOCKERLESS_JSON_STRING) {
                return ngx_http_sockerless_deny(j, "json: %sMounts bind "
                                                "without a Source", where);
            }

            if (ngx_http_sockerless_judge_bind(j, &src->str,
                                   ro && ro->type == NGX_SOCKERLESS_JSON_TRUE,
                                   where)
                != NGX_OK)
            {
                return NGX_DECLINED;
            }

            continue;
        }

        if (ngx_http_sockerless_is(type, "tmpfs")) {
            continue;
        }

        if (ngx_http_sockerless_is(type, "volume")) {

            if (j->policy->privileged) {
                continue;
            }

            vo = ngx_sockerless_json_get(m, "VolumeOptions");
            dc = ngx_sockerless_json_get(vo, "DriverConfig");

            if (ngx_http_sockerless_judge_volume_opts(j,
                                       ngx_sockerless_json_get(dc, "Name"),
                                       ngx_sockerless_json_get(dc, "Options"),
                                       where)
                != NGX_OK)
            {
                return NGX_DECLINED;
            }

            continue;
        }

        if (!j->policy->privileged) {
            return ngx_http_sockerless_deny(j, "privileged: %sMounts type "
                                            "%V", where, &type->str);
        }
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_sockerless_judge_volume_opts(ngx_http_sockerless_judge_t *j,
    ngx_sockerless_jv_t *driver, ngx_sockerless_jv_t *opts,
    const char *where)
{
    ngx_sockerless_jv_t  *o;

    if (driver && driver->type != NGX_SOCKERLESS_JSON_NULL
        && !(driver->type == NGX_SOCKERLESS_JSON_STRING
             && (driver->str.len == 0
                 || ngx_http_sockerless_is(driver, "local"))))
    {
        return ngx_http_sockerless_deny(j, "privileged: %svolume driver %V",
                                        where, &driver->str);
    }

    if (opts == NULL || opts->type == NGX_SOCKERLESS_JSON_NULL) {
        return NGX_OK;
    }

    if (opts->type != NGX_SOCKERLESS_JSON_OBJECT) {
        return ngx_http_sockerless_deny(j, "json: %svolume options are not "
                                        "an object", where);
    }

    /* the local driver mounts what "type", "o" and "device" say */

    for (o = opts->child; o; o = o->next) {
        if (ngx_sockerless_json_key_match(o->key.data, o->key.len, "type")
            || ngx_sockerless_json_key_match(o->key.data, o->key.len, "o")
            || ngx_sockerless_json_key_match(o->key.data, o->key.len,
                                             "device"))
        {
            return ngx_http_sockerless_deny(j, "privileged: %svolume "
                                            "option %V", where, &o->key);
        }
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_sockerless_judge_service(ngx_http_sockerless_judge_t *j,
    ngx_sockerless_jv_t *spec)
{
    ngx_sockerless_jv_t  *tt, *cs, *v, *pv;

    tt = ngx_sockerless_json_get(spec, "TaskTemplate");
    cs = ngx_sockerless_json_get(tt, "ContainerSpec");

    if (!j->policy->privileged && ngx_sockerless_json_get(tt, "PluginSpec")) {
        return ngx_http_sockerless_deny(j, "privileged: "
                                        "TaskTemplate.PluginSpec");
    }

    if (cs == NULL) {
        return NGX_OK;
    }

    v = ngx_sockerless_json_get(cs, "Image");

    if (j->policy->images
        && (v == NULL || v->type != NGX_SOCKERLESS_JSON_STRING
            || ngx_http_sockerless_judge_image(j, &v->str) != NGX_OK))
    {
        if (v == NULL || v->type != NGX_SOCKERLESS_JSON_STRING) {
            return ngx_http_sockerless_deny(j, "image: the service names no "
                                            "image");
        }

        return NGX_DECLINED;
    }

    if (ngx_http_sockerless_judge_mounts(j, ngx_sockerless_json_get(cs,
                                                                  "Mounts"),
                                         "ContainerSpec.")
        != NGX_OK)
    {
        return NGX_DECLINED;
    }

    if (j->policy->privileged) {
        return NGX_OK;
    }

    if (ngx_http_sockerless_judge_caps(j, ngx_sockerless_json_get(cs,
                                                          "CapabilityAdd"),
                                       "ContainerSpec.")
        != NGX_OK)
    {
        return NGX_DECLINED;
    }

    /* a service on the host's network, as NetworkMode host */

    if (ngx_http_sockerless_judge_service_networks(j,
                                    ngx_sockerless_json_get(tt, "Networks"))
        != NGX_OK
        || ngx_http_sockerless_judge_service_networks(j,
                                  ngx_sockerless_json_get(spec, "Networks"))
           != NGX_OK)
    {
        return NGX_DECLINED;
    }

    if (ngx_http_sockerless_set(ngx_sockerless_json_get(cs, "Sysctls"))) {
        return ngx_http_sockerless_deny(j, "privileged: "
                                        "ContainerSpec.Sysctls");
    }

    pv = ngx_sockerless_json_get(cs, "Privileges");

    v = ngx_sockerless_json_get(ngx_sockerless_json_get(pv, "SELinuxContext"),
                                "Disable");

    if (v && v->type == NGX_SOCKERLESS_JSON_TRUE) {
        return ngx_http_sockerless_deny(j, "privileged: SELinuxContext "
                                        "Disable");
    }

    v = ngx_sockerless_json_get(ngx_sockerless_json_get(pv, "Seccomp"),
                                "Mode");

    if (v && !ngx_http_sockerless_is(v, "default")) {
        return ngx_http_sockerless_deny(j, "privileged: Seccomp Mode");
    }

    v = ngx_sockerless_json_get(ngx_sockerless_json_get(pv, "AppArmor"),
                                "Mode");

    if (v && !ngx_http_sockerless_is(v, "default")) {
        return ngx_http_sockerless_deny(j, "privileged: AppArmor Mode");
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_sockerless_judge_service_networks(ngx_http_sockerless_judge_t *j,
    ngx_sockerless_jv_t *networks)
{
    ngx_sockerless_jv_t  *n, *t;

    if (networks == NULL || networks->type != NGX_SOCKERLESS_JSON_ARRAY) {
        return NGX_OK;
    }

    for (n = networks->child; n; n = n->next) {
        t = ngx_sockerless_json_get(n, "Target");

        if (ngx_http_sockerless_is(t, "host")) {
            return ngx_http_sockerless_deny(j, "privileged: a service on "
                                            "the host network");
        }
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_sockerless_judge_network(ngx_http_sockerless_judge_t *j,
    ngx_sockerless_jv_t *body)
{
    ngx_sockerless_jv_t  *v, *o;

    v = ngx_sockerless_json_get(body, "Driver");

    if (v && v->type != NGX_SOCKERLESS_JSON_NULL
        && !(v->type == NGX_SOCKERLESS_JSON_STRING
             && (v->str.len == 0 || ngx_http_sockerless_is(v, "bridge")
                 || ngx_http_sockerless_is(v, "overlay"))))
    {
        return ngx_http_sockerless_deny(j, "privileged: network driver %V",
                                        &v->str);
    }

    v = ngx_sockerless_json_get(body, "Ingress");

    if (v && v->type == NGX_SOCKERLESS_JSON_TRUE) {
        return ngx_http_sockerless_deny(j, "privileged: ingress network");
    }

    v = ngx_sockerless_json_get(body, "Options");

    if (v == NULL || v->type == NGX_SOCKERLESS_JSON_NULL) {
        return NGX_OK;
    }

    if (v->type != NGX_SOCKERLESS_JSON_OBJECT) {
        return ngx_http_sockerless_deny(j, "json: Options is not an object");
    }

    /* options that reach the host's interfaces */

    for (o = v->child; o; o = o->next) {
        if (ngx_strlcasestrn(o->key.data, o->key.data + o->key.len,
                             (u_char *) "mtu", 2) == NULL
            && ngx_strlcasestrn(o->key.data, o->key.data + o->key.len,
                                (u_char *) "enable_icc", 9) == NULL)
        {
            return ngx_http_sockerless_deny(j, "privileged: network option "
                                            "%V", &o->key);
        }
    }

    return NGX_OK;
}


/*
 * "%2F" and "%2E" in the path: dockerd decodes them before routing, a
 * reader of the raw path (a log, a proxy in front) does not
 */

static ngx_uint_t
ngx_http_sockerless_escaped_separator(ngx_http_request_t *r)
{
    u_char  *p, *last;

    p = r->unparsed_uri.data;
    last = p + r->unparsed_uri.len;

    for ( /* void */ ; p + 2 < last && *p != '?'; p++) {
        if (p[0] == '%' && p[1] == '2'
            && (p[2] == 'f' || p[2] == 'F' || p[2] == 'e' || p[2] == 'E'))
        {
            return 1;
        }
    }

    return 0;
}


/* an array, object or string with something in it, or true */

static ngx_uint_t
ngx_http_sockerless_set(ngx_sockerless_jv_t *v)
{
    if (v == NULL) {
        return 0;
    }

    switch (v->type) {

    case NGX_SOCKERLESS_JSON_TRUE:
        return 1;

    case NGX_SOCKERLESS_JSON_STRING:
        return v->str.len != 0;

    case NGX_SOCKERLESS_JSON_ARRAY:
    case NGX_SOCKERLESS_JSON_OBJECT:
        return v->n != 0;

    case NGX_SOCKERLESS_JSON_NUMBER:
        return !(v->str.len == 1 && v->str.data[0] == '0');

    default:
        return 0;
    }
}


static ngx_uint_t
ngx_http_sockerless_is(ngx_sockerless_jv_t *v, const char *s)
{
    size_t  len;

    if (v == NULL || v->type != NGX_SOCKERLESS_JSON_STRING) {
        return 0;
    }

    len = ngx_strlen(s);

    return v->str.len == len
           && ngx_strncasecmp(v->str.data, (u_char *) s, len) == 0;
}


static ngx_http_sockerless_policy_t *
ngx_http_sockerless_policy_find(ngx_http_request_t *r, ngx_str_t *name)
{
    ngx_uint_t                        i;
    ngx_http_sockerless_policy_t     *pl;
    ngx_http_sockerless_main_conf_t  *smcf;

    smcf = ngx_http_get_module_main_conf(r, ngx_http_sockerless_module);

    if (smcf->policies == NULL || name->len == 0) {
        return NULL;
    }

    pl = smcf->policies->elts;

    for (i = 0; i < smcf->policies->nelts; i++) {
        if (pl[i].name.len == name->len
            && ngx_strncmp(pl[i].name.data, name->data, name->len) == 0)
        {
            return &pl[i];
        }
    }

    return NULL;
}


static ngx_int_t
ngx_http_sockerless_deny(ngx_http_sockerless_judge_t *j, const char *fmt,
    ...)
{
    u_char                     *p;
    va_list                     args;
    ngx_http_sockerless_ctx_t  *ctx;

    va_start(args, fmt);
    p = ngx_vslprintf(j->reason, j->last, fmt, args);
    va_end(args);

    ctx = ngx_http_get_module_ctx(j->request, ngx_http_sockerless_module);

    ctx->reason.len = p - j->reason;
    ctx->denied = 1;

    return NGX_DECLINED;
}


static void *
ngx_http_sockerless_policy_alloc(void *data, size_t size)
{
    return ngx_palloc((ngx_pool_t *) data, size);
}
