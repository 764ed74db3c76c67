
/*
 * Copyright (C) ngx_sockerless developers
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_sockerless_module.h"


/* what $sockerless_policy, $sockerless_decision, $sockerless_reason say */
#define NGX_HTTP_SOCKERLESS_VAR_POLICY    0
#define NGX_HTTP_SOCKERLESS_VAR_DECISION  1
#define NGX_HTTP_SOCKERLESS_VAR_REASON    2
#define NGX_HTTP_SOCKERLESS_VAR_OWNER     3


static ngx_int_t ngx_http_sockerless_op_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static ngx_int_t ngx_http_sockerless_api_version_variable(
    ngx_http_request_t *r, ngx_http_variable_value_t *v, uintptr_t data);
static ngx_int_t ngx_http_sockerless_object_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static ngx_int_t ngx_http_sockerless_pulled_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static ngx_int_t ngx_http_sockerless_decision_variable(
    ngx_http_request_t *r, ngx_http_variable_value_t *v, uintptr_t data);
static ngx_int_t ngx_http_sockerless_node_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static void ngx_http_sockerless_set_variable(ngx_http_variable_value_t *v,
    u_char *data, size_t len);


/* $sockerless_decision, by NGX_HTTP_SOCKERLESS_ALLOW ... */

static ngx_str_t  ngx_http_sockerless_decisions[] = {
    ngx_null_string,
    ngx_string("allow"),
    ngx_string("deny"),
    ngx_string("error"),
    ngx_string("would-deny")
};


static ngx_http_variable_t  ngx_http_sockerless_vars[] = {

    { ngx_string("sockerless_op"), NULL,
      ngx_http_sockerless_op_variable, 0, 0, 0 },

    { ngx_string("sockerless_api_version"), NULL,
      ngx_http_sockerless_api_version_variable, 0, 0, 0 },

    { ngx_string("sockerless_object"), NULL,
      ngx_http_sockerless_object_variable, 0, 0, 0 },

    { ngx_string("sockerless_pulled"), NULL,
      ngx_http_sockerless_pulled_variable, 0, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("sockerless_policy"), NULL,
      ngx_http_sockerless_decision_variable, NGX_HTTP_SOCKERLESS_VAR_POLICY,
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("sockerless_decision"), NULL,
      ngx_http_sockerless_decision_variable, NGX_HTTP_SOCKERLESS_VAR_DECISION,
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("sockerless_reason"), NULL,
      ngx_http_sockerless_decision_variable, NGX_HTTP_SOCKERLESS_VAR_REASON,
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("sockerless_owner"), NULL,
      ngx_http_sockerless_decision_variable, NGX_HTTP_SOCKERLESS_VAR_OWNER,
      NGX_HTTP_VAR_NOCACHEABLE, 0 },
    { ngx_string("sockerless_node"), NULL,
      ngx_http_sockerless_node_variable, 0, NGX_HTTP_VAR_NOCACHEABLE, 0 },

      ngx_http_null_variable
};


ngx_int_t
ngx_http_sockerless_add_variables(ngx_conf_t *cf)
{
    ngx_http_variable_t  *var, *v;

    for (v = ngx_http_sockerless_vars; v->name.len; v++) {
        var = ngx_http_add_variable(cf, &v->name, v->flags);
        if (var == NULL) {
            return NGX_ERROR;
        }

        var->get_handler = v->get_handler;
        var->data = v->data;
    }

    return NGX_OK;
}


/* the upstream{} or socket the request goes to (ngx_http_sockerless_node.c) */

static ngx_int_t
ngx_http_sockerless_node_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    ngx_int_t                   rc;
    ngx_http_sockerless_ctx_t  *ctx;

    ctx = ngx_http_sockerless_get_ctx(r);
    if (ctx == NULL) {
        return NGX_ERROR;
    }

    rc = ngx_http_sockerless_node_find(r, ctx);

    if (rc == NGX_ERROR) {
        return NGX_ERROR;
    }

    if (rc == NGX_DECLINED) {
        /* no node: what a client asked for is not a name to keep */
        v->not_found = 1;
        return NGX_OK;
    }

    ngx_http_sockerless_set_variable(v, ctx->node.data, ctx->node.len);

    return NGX_OK;
}


static ngx_int_t
ngx_http_sockerless_op_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    ngx_http_sockerless_ctx_t  *ctx;

    ctx = ngx_http_sockerless_get_ctx(r);
    if (ctx == NULL) {
        return NGX_ERROR;
    }

    if (ctx->op == NULL) {
        ngx_http_sockerless_set_variable(v, (u_char *) "-", 1);
        return NGX_OK;
    }

    ngx_http_sockerless_set_variable(v, ctx->op->name.data,
                                     ctx->op->name.len);
    return NGX_OK;
}


static ngx_int_t
ngx_http_sockerless_api_version_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    u_char                     *p;
    ngx_http_sockerless_ctx_t  *ctx;

    ctx = ngx_http_sockerless_get_ctx(r);
    if (ctx == NULL) {
        return NGX_ERROR;
    }

    if (!ctx->route.versioned || !ctx->route.version_ok) {
        ngx_http_sockerless_set_variable(v, NULL, 0);
        return NGX_OK;
    }

    p = ngx_pnalloc(r->pool, 2 * NGX_INT_T_LEN + 1);
    if (p == NULL) {
        return NGX_ERROR;
    }

    ngx_http_sockerless_set_variable(v, p,
                              ngx_sprintf(p, "%ui.%ui", ctx->route.major,
                                          ctx->route.minor) - p);
    return NGX_OK;
}


static ngx_int_t
ngx_http_sockerless_object_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    ngx_http_sockerless_ctx_t  *ctx;

    ctx = ngx_http_sockerless_get_ctx(r);
    if (ctx == NULL) {
        return NGX_ERROR;
    }

    ngx_http_sockerless_set_variable(v, ctx->route.object.data,
                                     ctx->route.object.len);
    return NGX_OK;
}


static ngx_int_t
ngx_http_sockerless_pulled_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    ngx_http_sockerless_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r->main, ngx_http_sockerless_module);

    if (ctx == NULL) {
        ngx_http_sockerless_set_variable(v, NULL, 0);
        return NGX_OK;
    }

    ngx_http_sockerless_set_variable(v, ctx->pulled.data, ctx->pulled.len);
    return NGX_OK;
}


/* data: the policy's name, the decision, its reason, or the owner */

static ngx_int_t
ngx_http_sockerless_decision_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    ngx_http_sockerless_ctx_t       *ctx;
    ngx_http_sockerless_decision_t  *d;

    ctx = ngx_http_get_module_ctx(r->main, ngx_http_sockerless_module);

    if (ctx == NULL
        || ctx->decision.decision == NGX_HTTP_SOCKERLESS_UNDECIDED)
    {
        ngx_http_sockerless_set_variable(v, NULL, 0);
        return NGX_OK;
    }

    d = &ctx->decision;

    switch (data) {

    case NGX_HTTP_SOCKERLESS_VAR_POLICY:
        ngx_http_sockerless_set_variable(v, d->name.data, d->name.len);
        break;

    case NGX_HTTP_SOCKERLESS_VAR_OWNER:
        ngx_http_sockerless_set_variable(v, d->owner.data, d->owner.len);
        break;

    case NGX_HTTP_SOCKERLESS_VAR_DECISION:
        ngx_http_sockerless_set_variable(v,
                 ngx_http_sockerless_decisions[d->decision].data,
                 ngx_http_sockerless_decisions[d->decision].len);
        break;

    default: /* NGX_HTTP_SOCKERLESS_VAR_REASON */
        if (d->decision == NGX_HTTP_SOCKERLESS_DENY
            || d->decision == NGX_HTTP_SOCKERLESS_WOULD_DENY)
        {
            ngx_http_sockerless_set_variable(v, d->reason.data,
                                             d->reason.len);

        } else {
            ngx_http_sockerless_set_variable(v, NULL, 0);
        }
    }

    return NGX_OK;
}


static void
ngx_http_sockerless_set_variable(ngx_http_variable_value_t *v, u_char *data,
    size_t len)
{
    v->len = len;
    v->data = data;
    v->valid = 1;
    v->no_cacheable = 0;
    v->not_found = 0;
}
