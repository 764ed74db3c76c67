
/*
 * Copyright (C) ngx_sockerless developers
 */


/*
 * The stage that has dockerd resolve the names the judge could not decide
 * alone (a network by name, ID or ID prefix): one inspection each, through
 * the module's client, one after the other; each answer goes back to the
 * judge.  A name dockerd does not know passes: dockerd will refuse it.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_sockerless_module.h"
#include "ngx_http_sockerless_client.h"


#define NGX_HTTP_SOCKERLESS_RESOLVE_BUFFER  65536


typedef struct {
    ngx_http_request_t            *request;
    ngx_http_sockerless_client_t  *client;
    ngx_http_sockerless_next_pt    next;
    ngx_uint_t                     ref;       /* the one being resolved */
} ngx_http_sockerless_resolve_t;


static ngx_int_t ngx_http_sockerless_resolve_ref(
    ngx_http_sockerless_resolve_t *rs);
static ngx_int_t ngx_http_sockerless_resolve_handler(
    ngx_http_sockerless_client_t *c, ngx_int_t rc);
static ngx_int_t ngx_http_sockerless_resolve_answer(
    ngx_http_sockerless_resolve_t *rs, ngx_int_t rc);
static void ngx_http_sockerless_resolve_cleanup(void *data);
static void *ngx_http_sockerless_resolve_alloc(void *data, size_t size);


/* how dockerd's API inspects an object of each kind: before, after it */

typedef struct {
    ngx_str_t                      path;
    ngx_str_t                      tail;
} ngx_http_sockerless_resolve_path_t;


static ngx_http_sockerless_resolve_path_t  ngx_http_sockerless_paths[] = {
    { ngx_null_string, ngx_null_string },             /* none */
    { ngx_string("/containers/"), ngx_string("/json") },
    { ngx_string("/exec/"), ngx_string("/json") },
    { ngx_string("/images/"), ngx_string("/json") },
    { ngx_string("/networks/"), ngx_null_string },
    { ngx_string("/volumes/"), ngx_null_string },
    { ngx_string("/services/"), ngx_null_string },
    { ngx_string("/nodes/"), ngx_null_string },
    { ngx_string("/tasks/"), ngx_null_string },
    { ngx_string("/secrets/"), ngx_null_string },
    { ngx_string("/configs/"), ngx_null_string },
    { ngx_string("/plugins/"), ngx_string("/json") }
};


ngx_int_t
ngx_http_sockerless_resolve(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx, ngx_http_sockerless_next_pt next)
{
    ngx_http_cleanup_t              *cln;
    ngx_http_sockerless_peer_t       addr;
    ngx_sockerless_judge_t          *j;
    ngx_http_sockerless_resolve_t   *rs;
    ngx_http_sockerless_loc_conf_t  *slcf;

    j = ctx->decision.judge;

    if (j == NULL || j->refs == NULL || j->refs->nelts == 0) {
        return NGX_OK;
    }

    slcf = ngx_http_get_module_loc_conf(r, ngx_http_sockerless_module);

    if (ngx_http_sockerless_client_addr(r, &addr) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    rs = ngx_pcalloc(r->pool, sizeof(ngx_http_sockerless_resolve_t));
    if (rs == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    rs->request = r;
    rs->next = next;

    rs->client = ngx_http_sockerless_client_create(r->pool,
                                         r->connection->log, &addr,
                                         NGX_HTTP_SOCKERLESS_RESOLVE_BUFFER,
                                         slcf->upstream.connect_timeout);
    if (rs->client == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    rs->client->handler = ngx_http_sockerless_resolve_handler;
    rs->client->data = rs;

    cln = ngx_http_cleanup_add(r, 0);
    if (cln == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    cln->handler = ngx_http_sockerless_resolve_cleanup;
    cln->data = rs->client;

    return ngx_http_sockerless_resolve_ref(rs);
}


/* the inspection of the current reference, or the next stage */

static ngx_int_t
ngx_http_sockerless_resolve_ref(ngx_http_sockerless_resolve_t *rs)
{
    u_char                              *p;
    size_t                               len;
    ngx_str_t                            target, none = ngx_null_string;
    ngx_http_request_t                  *r;
    ngx_sockerless_ref_t                *ref;
    ngx_sockerless_judge_t              *j;
    ngx_http_sockerless_ctx_t           *ctx;
    ngx_http_sockerless_resolve_path_t  *path;

    r = rs->request;
    ctx = ngx_http_get_module_ctx(r, ngx_http_sockerless_module);
    j = ctx->decision.judge;

    if (rs->ref == j->refs->nelts) {
        return NGX_OK;
    }

    ref = (ngx_sockerless_ref_t *) j->refs->elts + rs->ref;
    path = &ngx_http_sockerless_paths[ref->kind];

    len = path->path.len + ref->name.len + path->tail.len
          + 2 * ngx_escape_uri(NULL, ref->name.data, ref->name.len,
                               NGX_ESCAPE_URI_COMPONENT);

    target.data = ngx_pnalloc(r->pool, len);
    if (target.data == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    p = ngx_cpymem(target.data, path->path.data, path->path.len);
    p = (u_char *) ngx_escape_uri(p, ref->name.data, ref->name.len,
                                  NGX_ESCAPE_URI_COMPONENT);
    p = ngx_cpymem(p, path->tail.data, path->tail.len);

    target.len = p - target.data;

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "sockerless resolve: \"%V\"", &target);

    if (ngx_http_sockerless_client_request(rs->client, "GET", &target, &none)
        != NGX_OK)
    {
        return ngx_http_sockerless_send_error(r, NGX_HTTP_BAD_GATEWAY,
                                              "%V to resolve %s %V",
                                              &rs->client->message,
                                              ngx_sockerless_kind_name(
                                                  ref->kind),
                                              &ref->name);
    }

    return NGX_AGAIN;
}


static ngx_int_t
ngx_http_sockerless_resolve_handler(ngx_http_sockerless_client_t *c,
    ngx_int_t rc)
{
    ngx_http_sockerless_resolve_t  *rs = c->data;

    if (rc == NGX_AGAIN) {
        /* the answer is read whole */
        return NGX_OK;
    }

    rc = ngx_http_sockerless_resolve_answer(rs, rc);

    if (rc != NGX_AGAIN) {
        rs->next(rs->request, rc);
    }

    return NGX_DONE;
}


/* what the judge makes of dockerd's answer; NGX_AGAIN: the next one */

static ngx_int_t
ngx_http_sockerless_resolve_answer(ngx_http_sockerless_resolve_t *rs,
    ngx_int_t rc)
{
    const char                    *err;
    ngx_buf_t                     *b;
    ngx_http_request_t            *r;
    ngx_sockerless_jv_t           *answer;
    ngx_sockerless_ref_t          *ref;
    ngx_sockerless_judge_t        *j;
    ngx_http_sockerless_ctx_t     *ctx;
    ngx_http_sockerless_client_t  *c;

    r = rs->request;
    c = rs->client;
    ctx = ngx_http_get_module_ctx(r, ngx_http_sockerless_module);
    j = ctx->decision.judge;
    ref = (ngx_sockerless_ref_t *) j->refs->elts + rs->ref;
    b = c->in;

    if (rc != NGX_OK) {
        return ngx_http_sockerless_send_error(r, NGX_HTTP_BAD_GATEWAY,
                                              "%V to resolve %s %V",
                                              &c->message,
                                              ngx_sockerless_kind_name(
                                                  ref->kind),
                                              &ref->name);
    }

    answer = NULL;

    if (c->status == NGX_HTTP_OK && !c->truncated) {
        answer = ngx_sockerless_json_parse(b->pos, b->last - b->pos,
                                           ngx_http_sockerless_resolve_alloc,
                                           r->pool, &err);
        if (answer == NULL) {
            return ngx_http_sockerless_send_error(r, NGX_HTTP_BAD_GATEWAY,
                                              "the Docker daemon sent an "
                                              "answer that is no JSON "
                                              "object (%s) for %s %V",
                                              err ? err : "out of memory",
                                              ngx_sockerless_kind_name(
                                                  ref->kind),
                                              &ref->name);
        }

    } else if (c->status != NGX_HTTP_NOT_FOUND) {
        return ngx_http_sockerless_send_error(r, NGX_HTTP_BAD_GATEWAY,
                                              "the Docker daemon answered "
                                              "%ui%s to the inspection of "
                                              "%s %V", c->status,
                                              c->truncated ? " (too long)"
                                                           : "",
                                              ngx_sockerless_kind_name(
                                                  ref->kind),
                                              &ref->name);
    }

    rc = ngx_http_sockerless_policy_verdict(r, ctx,
                                   ngx_sockerless_judge_answer(j, ref, answer));
    if (rc != NGX_OK || ctx->answered) {
        return rc;
    }

    rs->ref++;

    rc = ngx_http_sockerless_resolve_ref(rs);

    if (rc == NGX_OK && !ctx->answered) {
        /* every reference is resolved */
        return NGX_OK;
    }

    return rc;
}


static void
ngx_http_sockerless_resolve_cleanup(void *data)
{
    ngx_http_sockerless_client_t  *c = data;

    c->handler = NULL;
    ngx_http_sockerless_client_close(c);
}


static void *
ngx_http_sockerless_resolve_alloc(void *data, size_t size)
{
    return ngx_palloc((ngx_pool_t *) data, size);
}
