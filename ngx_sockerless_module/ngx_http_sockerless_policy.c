
/*
 * Copyright (C) ngx_sockerless developers
 */


/*
 * The access policy, as nginx sees it: the "sockerless_policy" blocks,
 * and the two stages of the pipeline that ask the judge
 * (ngx_sockerless_judge.c) about a request, its line first and then its
 * body.  What is forwarded is exactly what was judged: the request target
 * as sent and the body as read.  See docs/policy.md.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_sockerless_module.h"
#include "ngx_sockerless_path.h"


/* at most this many path components are looked at for links */
#define NGX_HTTP_SOCKERLESS_LINK_DEPTH  64


static char *ngx_http_sockerless_policy_directive(ngx_conf_t *cf,
    ngx_command_t *dummy, void *conf);
static char *ngx_http_sockerless_policy_ops(ngx_conf_t *cf, u_char *ops);
static char *ngx_http_sockerless_policy_binds(ngx_conf_t *cf,
    ngx_http_sockerless_policy_t *pl);
static char *ngx_http_sockerless_policy_owner(ngx_conf_t *cf,
    ngx_http_sockerless_policy_t *pl);
static char *ngx_http_sockerless_policy_visible(ngx_conf_t *cf,
    ngx_http_sockerless_policy_t *pl);
static char *ngx_http_sockerless_policy_redact(ngx_conf_t *cf,
    ngx_http_sockerless_policy_t *pl);
static ngx_int_t ngx_http_sockerless_policy_stamp(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx);
static void ngx_http_sockerless_policy_shared(ngx_conf_t *cf,
    ngx_http_sockerless_main_conf_t *smcf, ngx_http_sockerless_policy_t *pl);
static ngx_http_sockerless_policy_t *ngx_http_sockerless_policy_find(
    ngx_http_request_t *r, ngx_str_t *name);
static ngx_uint_t ngx_http_sockerless_policy_symlink(void *data,
    ngx_str_t *path);


char *
ngx_http_sockerless_policy_block(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_sockerless_main_conf_t *smcf = conf;

    char                          *rv;
    u_char                        *deny;
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
    pl->rules.privileged = NGX_CONF_UNSET_UINT;

    pl->rules.allow = ngx_pcalloc(cf->pool, ngx_sockerless_nops());
    pl->deny = ngx_pcalloc(cf->pool, ngx_sockerless_nops());
    if (pl->rules.allow == NULL || pl->deny == NULL) {
        return NGX_CONF_ERROR;
    }

    save = *cf;
    cf->handler = ngx_http_sockerless_policy_directive;
    cf->handler_conf = (char *) pl;

    rv = ngx_conf_parse(cf, NULL);

    *cf = save;

    if (rv != NGX_CONF_OK) {
        return rv;
    }

    /* deny wins; anything not allowed is denied */

    deny = pl->deny;

    for (i = 0; i < ngx_sockerless_nops(); i++) {
        pl->rules.allow[i] = pl->rules.allow[i] && !deny[i];

        /* Podman's own API: no policy allows it (its bodies are unjudged) */

        if (ngx_sockerless_op(i)->flags & NGX_SOCKERLESS_OP_LIBPOD) {
            pl->rules.allow[i] = 0;
        }
    }

    if (pl->rules.privileged == NGX_CONF_UNSET_UINT) {
        pl->rules.privileged = 0;
    }

    ngx_http_sockerless_policy_shared(cf, smcf, pl);

    return NGX_CONF_OK;
}


static char *
ngx_http_sockerless_policy_directive(ngx_conf_t *cf, ngx_command_t *dummy,
    void *conf)
{
    ngx_http_sockerless_policy_t  *pl;

    ngx_str_t   *value, *img;
    ngx_uint_t   i;

    pl = (ngx_http_sockerless_policy_t *) conf;
    value = cf->args->elts;

    if (ngx_strcmp(value[0].data, "allow") == 0 && cf->args->nelts > 1) {
        return ngx_http_sockerless_policy_ops(cf, pl->rules.allow);
    }

    if (ngx_strcmp(value[0].data, "deny") == 0 && cf->args->nelts > 1) {
        return ngx_http_sockerless_policy_ops(cf, pl->deny);
    }

    if (ngx_strcmp(value[0].data, "privileged") == 0
        && cf->args->nelts == 2)
    {
        if (ngx_strcmp(value[1].data, "on") == 0) {
            pl->rules.privileged = 1;

        } else if (ngx_strcmp(value[1].data, "off") == 0) {
            pl->rules.privileged = 0;

        } else {
            return "takes \"on\" or \"off\"";
        }

        return NGX_CONF_OK;
    }

    if (ngx_strcmp(value[0].data, "bind") == 0 && cf->args->nelts > 1) {
        return ngx_http_sockerless_policy_binds(cf, pl);
    }

    if (ngx_strcmp(value[0].data, "owner") == 0 && cf->args->nelts == 2) {
        return ngx_http_sockerless_policy_owner(cf, pl);
    }

    if (ngx_strcmp(value[0].data, "visible") == 0 && cf->args->nelts > 1) {
        return ngx_http_sockerless_policy_visible(cf, pl);
    }

    if (ngx_strcmp(value[0].data, "redact") == 0 && cf->args->nelts > 1) {
        return ngx_http_sockerless_policy_redact(cf, pl);
    }

    if (ngx_strcmp(value[0].data, "image") == 0 && cf->args->nelts > 1) {

        if (pl->rules.images == NULL) {
            pl->rules.images = ngx_array_create(cf->pool, 4,
                                                sizeof(ngx_str_t));
            if (pl->rules.images == NULL) {
                return NGX_CONF_ERROR;
            }
        }

        for (i = 1; i < cf->args->nelts; i++) {
            img = ngx_array_push(pl->rules.images);
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
ngx_http_sockerless_policy_ops(ngx_conf_t *cf, u_char *ops)
{
    ngx_str_t                  *value, name;
    ngx_uint_t                  i, k, group, found;
    const char                 *g;
    const ngx_sockerless_op_t  *op;

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
                if ((op->flags & NGX_SOCKERLESS_OP_LIBPOD)
                    && ngx_strcmp(value[0].data, "allow") == 0)
                {
                    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                       "\"%V\" is Podman's own API: no "
                                       "policy allows it, its bodies are not "
                                       "Docker-shaped", &value[i]);
                    return NGX_CONF_ERROR;
                }

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

    return NGX_CONF_OK;
}


static char *
ngx_http_sockerless_policy_binds(ngx_conf_t *cf,
    ngx_http_sockerless_policy_t *pl)
{
    size_t                  len;
    u_char                 *buf;
    ngx_str_t              *value;
    ngx_uint_t              i;
    ngx_sockerless_bind_t  *b;

    value = cf->args->elts;

    if (pl->rules.binds == NULL) {
        pl->rules.binds = ngx_array_create(cf->pool, 4,
                                           sizeof(ngx_sockerless_bind_t));
        if (pl->rules.binds == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    for (i = 1; i < cf->args->nelts; i++) {
        b = ngx_array_push(pl->rules.binds);
        if (b == NULL) {
            return NGX_CONF_ERROR;
        }

        len = value[i].len;
        b->ro = 0;

        if (len > 3 && ngx_strncmp(value[i].data + len - 3, ":ro", 3) == 0) {
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
                               "bind path \"%V\" is not absolute", &value[i]);
            return NGX_CONF_ERROR;
        }

        buf[b->path.len] = '\0';

        if (ngx_http_sockerless_policy_symlink(NULL, &b->path)) {
            ngx_conf_log_error(NGX_LOG_WARN, cf, 0,
                               "bind path \"%V\" goes through a symbolic "
                               "link: no bind under it will be allowed",
                               &b->path);
        }
    }

    return NGX_CONF_OK;
}


/* "owner VALUE": the owner of what the policy's identity makes and sees */

static char *
ngx_http_sockerless_policy_owner(ngx_conf_t *cf,
    ngx_http_sockerless_policy_t *pl)
{
    ngx_str_t                         *value;
    ngx_http_compile_complex_value_t   ccv;
    ngx_http_sockerless_main_conf_t   *smcf;

    if (pl->owner) {
        return "is duplicate";
    }

    value = cf->args->elts;

    pl->owner = ngx_palloc(cf->pool, sizeof(ngx_http_complex_value_t));
    if (pl->owner == NULL) {
        return NGX_CONF_ERROR;
    }

    ngx_memzero(&ccv, sizeof(ngx_http_compile_complex_value_t));

    ccv.cf = cf;
    ccv.value = &value[1];
    ccv.complex_value = pl->owner;

    if (ngx_http_compile_complex_value(&ccv) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    pl->rules.owned = 1;

    smcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_sockerless_module);
    smcf->owners = 1;

    return NGX_CONF_OK;
}


/*
 * "visible label=KEY[=VALUE] ...": the labels every object the policy
 * sees has, written as dockerd's label filters read them
 */

static char *
ngx_http_sockerless_policy_visible(ngx_conf_t *cf,
    ngx_http_sockerless_policy_t *pl)
{
    ngx_str_t   *value, *label;
    ngx_uint_t   i;

    value = cf->args->elts;

    if (pl->rules.visible == NULL) {
        pl->rules.visible = ngx_array_create(cf->pool, 2, sizeof(ngx_str_t));
        if (pl->rules.visible == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    for (i = 1; i < cf->args->nelts; i++) {

        if (value[i].len <= 6
            || ngx_strncmp(value[i].data, "label=", 6) != 0
            || value[i].data[6] == '=')
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid \"%V\" in \"visible\": "
                               "label=KEY or label=KEY=VALUE", &value[i]);
            return NGX_CONF_ERROR;
        }

        if (pl->rules.visible->nelts == NGX_SOCKERLESS_VISIBLE_MAX) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "\"visible\" names more than %d labels",
                               NGX_SOCKERLESS_VISIBLE_MAX);
            return NGX_CONF_ERROR;
        }

        label = ngx_array_push(pl->rules.visible);
        if (label == NULL) {
            return NGX_CONF_ERROR;
        }

        label->data = value[i].data + 6;
        label->len = value[i].len - 6;
    }

    return NGX_CONF_OK;
}


/* "redact env secrets;": what the policy's identity reads without */

static char *
ngx_http_sockerless_policy_redact(ngx_conf_t *cf,
    ngx_http_sockerless_policy_t *pl)
{
    ngx_str_t   *value;
    ngx_uint_t   i;

    value = cf->args->elts;

    for (i = 1; i < cf->args->nelts; i++) {

        if (ngx_strcmp(value[i].data, "env") == 0) {
            pl->rules.redact |= NGX_SOCKERLESS_REDACT_ENV;

        } else if (ngx_strcmp(value[i].data, "secrets") == 0) {
            pl->rules.redact |= NGX_SOCKERLESS_REDACT_SECRETS;

        } else {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid \"%V\" in \"redact\": env or "
                               "secrets", &value[i]);
            return NGX_CONF_ERROR;
        }
    }

    return NGX_CONF_OK;
}


/*
 * A directory that two policies may bind read-write lets one plant a
 * link or a set-user-ID file for the other: said at "nginx -t".
 */

static void
ngx_http_sockerless_policy_shared(ngx_conf_t *cf,
    ngx_http_sockerless_main_conf_t *smcf, ngx_http_sockerless_policy_t *pl)
{
    ngx_uint_t                     i, k, n;
    ngx_sockerless_bind_t         *a, *b;
    ngx_http_sockerless_policy_t  *other;

    if (pl->rules.binds == NULL) {
        return;
    }

    other = smcf->policies->elts;
    a = pl->rules.binds->elts;

    for (n = 0; n < smcf->policies->nelts; n++) {

        if (&other[n] == pl || other[n].rules.binds == NULL) {
            continue;
        }

        b = other[n].rules.binds->elts;

        for (i = 0; i < pl->rules.binds->nelts; i++) {
            for (k = 0; k < other[n].rules.binds->nelts; k++) {

                if (a[i].ro || b[k].ro) {
                    continue;
                }

                if (ngx_sockerless_path_under(&a[i].path, &b[k].path)
                    || ngx_sockerless_path_under(&b[k].path, &a[i].path))
                {
                    ngx_conf_log_error(NGX_LOG_WARN, cf, 0,
                                       "bind \"%V\" of policy \"%V\" and "
                                       "\"%V\" of policy \"%V\" are both "
                                       "read-write: one may plant links "
                                       "for the other",
                                       &a[i].path, &pl->name, &b[k].path,
                                       &other[n].name);
                }
            }
        }
    }
}


/*
 * The stage that judges the request line and query.  Without
 * sockerless_enforce it has nothing to do.
 */

ngx_int_t
ngx_http_sockerless_policy_line(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx, ngx_http_sockerless_next_pt next)
{
    ngx_str_t                         name;
    ngx_sockerless_judge_t           *j;
    ngx_http_sockerless_loc_conf_t   *slcf;
    ngx_http_sockerless_main_conf_t  *smcf;

    slcf = ngx_http_get_module_loc_conf(r, ngx_http_sockerless_module);

    if (slcf->enforce == NULL) {
        return NGX_OK;
    }

    smcf = ngx_http_get_module_main_conf(r, ngx_http_sockerless_module);

    ctx->decision.decision = NGX_HTTP_SOCKERLESS_ERROR;

    if (ngx_http_complex_value(r, slcf->enforce, &name) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    j = ngx_pcalloc(r->pool, sizeof(ngx_sockerless_judge_t));
    if (j == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ctx->decision.judge = j;
    ctx->decision.policy = ngx_http_sockerless_policy_find(r, &name);

    if (ctx->decision.policy == NULL) {
        ngx_str_set(&ctx->decision.name, "");

        j->reason.len = ngx_sprintf(j->text, "no-policy: the identity has "
                                    "no policy (\"%*s\")",
                                    ngx_min(name.len, 256), name.data)
                        - j->text;
        j->reason.data = j->text;
        j->status = NGX_HTTP_FORBIDDEN;

        return ngx_http_sockerless_policy_verdict(r, ctx, NGX_DECLINED);
    }

    ctx->decision.name = ctx->decision.policy->name;

    /* the owner, evaluated per request; an empty one is refused */

    if (ctx->decision.policy->owner
        && ngx_http_complex_value(r, ctx->decision.policy->owner,
                                  &ctx->decision.owner)
           != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    j->owner = ctx->decision.owner;
    j->label = slcf->owner_label;
    j->stamp = smcf->owners;
    j->target = r->unparsed_uri;

    j->rules = &ctx->decision.policy->rules;
    j->route = &ctx->route;
    j->op = ctx->op;
    j->method = r->method_name;
    j->args = r->args;
    j->alloc = ngx_http_sockerless_palloc;
    j->data = r->pool;
    j->symlink = ngx_http_sockerless_policy_symlink;
    j->symlink_data = r->connection->log;

    if (r->headers_in.content_type) {
        j->content_type = r->headers_in.content_type->value;
    }

    return ngx_http_sockerless_policy_verdict(r, ctx,
                                              ngx_sockerless_judge_line(j));
}


/* the stage that judges a body read whole */

ngx_int_t
ngx_http_sockerless_policy_body(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx, ngx_http_sockerless_next_pt next)
{
    ngx_sockerless_judge_t  *j;

    j = ctx->decision.judge;

    if (j == NULL || !j->body_needed) {
        return NGX_OK;
    }

    if (ctx->json) {
        j->json.data = ctx->json->pos;
        j->json.len = ctx->json->last - ctx->json->pos;
    }

    return ngx_http_sockerless_policy_verdict(r, ctx,
                                              ngx_sockerless_judge_body(j));
}


/* what the judge said, as the stage's answer and the variables' values */

ngx_int_t
ngx_http_sockerless_policy_verdict(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx, ngx_int_t rc)
{
    ngx_str_t                        none = ngx_string("-");
    ngx_sockerless_judge_t          *j;
    ngx_http_sockerless_loc_conf_t  *slcf;
    ngx_http_sockerless_decision_t  *d;

    d = &ctx->decision;
    j = d->judge;

    if (d->decision == NGX_HTTP_SOCKERLESS_WOULD_DENY && rc != NGX_ERROR) {
        /* a dry run keeps the first reason it would have denied for */
        return NGX_OK;
    }

    if (rc == NGX_OK) {
        d->decision = NGX_HTTP_SOCKERLESS_ALLOW;
        return NGX_OK;
    }

    if (rc != NGX_DECLINED) {
        d->decision = NGX_HTTP_SOCKERLESS_ERROR;
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    slcf = ngx_http_get_module_loc_conf(r, ngx_http_sockerless_module);

    d->decision = slcf->enforce_dry_run ? NGX_HTTP_SOCKERLESS_WOULD_DENY
                                        : NGX_HTTP_SOCKERLESS_DENY;
    d->reason = j->reason;
    d->status = j->status;

    ngx_http_sockerless_observe_deny(r, ctx);

    if (d->decision == NGX_HTTP_SOCKERLESS_WOULD_DENY) {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "sockerless: %V would be denied by policy \"%V\" "
                      "(sockerless_enforce_dry_run): %V",
                      ctx->op ? &ctx->op->name : &none, &d->name, &d->reason);
        return NGX_OK;
    }

    if (j->message.len) {
        /* what another owns is, to this owner, what dockerd says of none */

        return ngx_http_sockerless_send_error(r, j->status, "%V",
                                              &j->message);
    }

    if (j->status == NGX_HTTP_BAD_REQUEST) {
        return ngx_http_sockerless_send_error(r, NGX_HTTP_BAD_REQUEST,
                                              "refused by policy \"%V\": %V",
                                              &d->name, &d->reason);
    }

    return ngx_http_sockerless_send_error(r, NGX_HTTP_FORBIDDEN,
                                          "%V denied by policy \"%V\": %V",
                                          ctx->op ? &ctx->op->name : &none,
                                          &d->name, &d->reason);
}


/*
 * The stage after the judge and dockerd's answers: what dockerd gets
 * instead of what the client sent, names as the full IDs they were
 * checked as, labels the module writes, filters it adds.
 */

ngx_int_t
ngx_http_sockerless_policy_rewrite(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx, ngx_http_sockerless_next_pt next)
{
    ngx_str_t                target, body;
    ngx_sockerless_judge_t  *j;

    j = ctx->decision.judge;

    if (j == NULL) {
        return ngx_http_sockerless_policy_stamp(r, ctx);
    }

    target.len = 0;
    body.len = 0;

    if (ngx_sockerless_judge_rewritten(j, &target, &body) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (target.len) {
        ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                       "sockerless target: \"%V\"", &target);

        ctx->target = target;
    }

    if (body.len && ngx_http_sockerless_body_set(r, ctx, &body) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return NGX_OK;
}


/*
 * Without a policy, when some policy has an owner: a create that makes
 * containers still gets an owner label, empty, unless the client wrote
 * one; no image's labels make anyone its owner.  A body the strict reader
 * refuses goes as it is.
 */

static ngx_int_t
ngx_http_sockerless_policy_stamp(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx)
{
    ngx_int_t                         rc;
    ngx_str_t                         body;
    ngx_sockerless_judge_t            j;
    ngx_sockerless_rules_t            rules;
    ngx_http_sockerless_loc_conf_t   *slcf;
    ngx_http_sockerless_main_conf_t  *smcf;

    smcf = ngx_http_get_module_main_conf(r, ngx_http_sockerless_module);

    if (!smcf->owners
        || ctx->op == NULL || !(ctx->op->flags & NGX_SOCKERLESS_OP_CREATE)
        || ctx->json == NULL || ctx->json->last == ctx->json->pos)
    {
        /* without owners, the body goes as the client sent it */
        return NGX_OK;
    }

    slcf = ngx_http_get_module_loc_conf(r, ngx_http_sockerless_module);

    ngx_memzero(&rules, sizeof(ngx_sockerless_rules_t));
    ngx_memzero(&j, sizeof(ngx_sockerless_judge_t));

    rules.privileged = 1;

    j.rules = &rules;
    j.route = &ctx->route;
    j.op = ctx->op;
    j.label = slcf->owner_label;
    j.stamp = 1;
    j.alloc = ngx_http_sockerless_palloc;
    j.data = r->pool;
    j.json.data = ctx->json->pos;
    j.json.len = ctx->json->last - ctx->json->pos;

    rc = ngx_sockerless_judge_stamp(&j);

    if (rc == NGX_DECLINED) {
        return NGX_OK;
    }

    if (rc != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    body.len = 0;

    if (ngx_sockerless_judge_rewritten(&j, &body, &body) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (body.len && ngx_http_sockerless_body_set(r, ctx, &body) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return NGX_OK;
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



/*
 * Whether an existing component of a cleaned absolute path is a symbolic
 * link: lstat() of each prefix, at most NGX_HTTP_SOCKERLESS_LINK_DEPTH of
 * them.  A component that does not exist ends the walk (dockerd creates
 * the rest as directories).  What changes between this check and
 * dockerd's mount is not seen: docs/policy.md says so.
 */

static ngx_uint_t
ngx_http_sockerless_policy_symlink(void *data, ngx_str_t *path)
{
    ngx_log_t  *log = data;

    u_char           *p, *last, save;
    ngx_err_t         err;
    ngx_uint_t        n;
    ngx_file_info_t   fi;

    last = path->data + path->len;
    n = 0;

    for (p = path->data + 1; p <= last; p++) {

        if (p < last && *p != '/') {
            continue;
        }

        if (++n > NGX_HTTP_SOCKERLESS_LINK_DEPTH) {
            return 1;
        }

        save = *p;
        *p = '\0';

        if (ngx_link_info(path->data, &fi) == NGX_FILE_ERROR) {
            err = ngx_errno;
            *p = save;

            if (log) {
                ngx_log_debug1(NGX_LOG_DEBUG_HTTP, log, err,
                               "sockerless bind: lstat \"%V\"", path);
            }

            /* what is not there is no link; what cannot be seen may be */

            return (err == NGX_ENOENT || err == NGX_ENOTDIR) ? 0 : 1;
        }

        *p = save;

        if (ngx_is_link(&fi)) {
            return 1;
        }
    }

    return 0;
}
