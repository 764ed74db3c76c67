
/*
 * Copyright (C) ngx_sockerless developers
 */


/*
 * Request bodies that a stage must read before dockerd sees anything (the
 * policy judges a JSON body, auto-pull reads the image a create names):
 * read whole, in memory, up to sockerless_max_json_body, whatever the
 * framing.  nginx's unbuffered reading is used so that nothing goes to a
 * temporary file.  Other bodies stream to dockerd as they arrive.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_sockerless_module.h"


static void ngx_http_sockerless_body_streamed(ngx_http_request_t *r);
static void ngx_http_sockerless_body_read(ngx_http_request_t *r);
static ngx_int_t ngx_http_sockerless_body_collect(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx);
static ngx_int_t ngx_http_sockerless_body_too_large(ngx_http_request_t *r);
static ngx_int_t ngx_http_sockerless_body_replace(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx);


ngx_int_t
ngx_http_sockerless_body(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx, ngx_http_sockerless_next_pt next)
{
    ngx_int_t                        rc;
    ngx_uint_t                       whole;
    ngx_http_sockerless_loc_conf_t  *slcf;

    slcf = ngx_http_get_module_loc_conf(r, ngx_http_sockerless_module);

    /*
     * what the policy judges, the image of a create to pull, and the
     * labels of a create, which the module writes
     */

    whole = (ctx->decision.judge && ctx->decision.judge->body_needed)
            || (ctx->op && (ctx->op->flags & NGX_SOCKERLESS_OP_PULL)
                && slcf->auto_pull)
            || (ctx->op && (ctx->op->flags & NGX_SOCKERLESS_OP_CREATE));

    ctx->body_next = next;

    /* bodies stream to dockerd: nothing is held whole or written to disk */

    r->request_body_no_buffering = 1;

    rc = ngx_http_read_client_request_body(r,
                                    whole ? ngx_http_sockerless_body_read
                                          : ngx_http_sockerless_body_streamed);

    if (rc >= NGX_HTTP_SPECIAL_RESPONSE) {
        return rc;
    }

    return NGX_DONE;
}


static void
ngx_http_sockerless_body_streamed(ngx_http_request_t *r)
{
    ngx_http_sockerless_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_sockerless_module);

    ctx->body_next(r, NGX_OK);
}


/* the post handler and the read handler of a body read whole */

static void
ngx_http_sockerless_body_read(ngx_http_request_t *r)
{
    ngx_int_t                   rc;
    ngx_http_sockerless_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_sockerless_module);

    rc = ngx_http_sockerless_body_collect(r, ctx);

    if (rc == NGX_AGAIN) {
        r->read_event_handler = ngx_http_sockerless_body_read;
        return;
    }

    r->read_event_handler = ngx_http_block_reading;

    if (rc == NGX_DECLINED) {
        rc = ngx_http_sockerless_body_too_large(r);

    } else if (rc == NGX_OK) {
        rc = ngx_http_sockerless_body_replace(r, ctx);

        if (rc != NGX_OK) {
            rc = NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
    }

    ctx->body_next(r, rc);
}


static ngx_int_t
ngx_http_sockerless_body_collect(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx)
{
    size_t                           size;
    ngx_int_t                        rc;
    ngx_buf_t                       *b, *json;
    ngx_chain_t                     *cl;
    ngx_http_request_body_t         *rb;
    ngx_http_sockerless_loc_conf_t  *slcf;

    slcf = ngx_http_get_module_loc_conf(r, ngx_http_sockerless_module);

    rb = r->request_body;

    if (ctx->json == NULL) {
        size = slcf->max_json_body;

        if (r->headers_in.content_length_n >= 0) {
            if (r->headers_in.content_length_n > (off_t) slcf->max_json_body) {
                goto too_large;
            }

            size = (size_t) r->headers_in.content_length_n;

        } else {
            size = ngx_min(size, (size_t) 16384);
        }

        ctx->json = ngx_create_temp_buf(r->pool, size ? size : 1);
        if (ctx->json == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
    }

    json = ctx->json;

    for ( ;; ) {

        for (cl = rb ? rb->bufs : NULL; cl; cl = cl->next) {
            b = cl->buf;
            size = ngx_buf_size(b);

            if (size == 0 || !ngx_buf_in_memory(b)) {
                b->pos = b->last;
                continue;
            }

            if (size > (size_t) (json->end - json->last)) {

                /* a chunked body: grow, up to the limit */

                if ((size_t) (json->last - json->pos) + size
                    > slcf->max_json_body)
                {
                    goto too_large;
                }

                json = ngx_create_temp_buf(r->pool,
                           ngx_min(slcf->max_json_body,
                                   2 * (size_t) (json->end - json->start)
                                   + size));
                if (json == NULL) {
                    return NGX_HTTP_INTERNAL_SERVER_ERROR;
                }

                json->last = ngx_cpymem(json->pos, ctx->json->pos,
                                        ctx->json->last - ctx->json->pos);
                ctx->json = json;
            }

            json->last = ngx_cpymem(json->last, b->pos, size);
            b->pos = b->last;
        }

        if (rb) {
            rb->bufs = NULL;
        }

        if (rb == NULL || !r->reading_body) {
            return NGX_OK;
        }

        rc = ngx_http_read_unbuffered_request_body(r);

        if (rc >= NGX_HTTP_SPECIAL_RESPONSE) {
            return rc;
        }

        if (rb->bufs == NULL) {
            if (!r->reading_body) {
                return NGX_OK;
            }

            return NGX_AGAIN;
        }
    }

too_large:

    return NGX_DECLINED;
}


static ngx_int_t
ngx_http_sockerless_body_too_large(ngx_http_request_t *r)
{
    ngx_http_sockerless_ctx_t       *ctx;
    ngx_http_sockerless_loc_conf_t  *slcf;

    ctx = ngx_http_get_module_ctx(r, ngx_http_sockerless_module);
    slcf = ngx_http_get_module_loc_conf(r, ngx_http_sockerless_module);

    /* what is left of the body is not read: the connection closes */

    r->keepalive = 0;
    r->read_event_handler = ngx_http_block_reading;

    return ngx_http_sockerless_send_error(r,
                                  NGX_HTTP_REQUEST_ENTITY_TOO_LARGE,
                                  "request body too large: the limit for "
                                  "%V is %uz bytes (sockerless_max_json_body)",
                                  &ctx->op->name, slcf->max_json_body);
}


static ngx_int_t
ngx_http_sockerless_body_replace(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx)
{
    ngx_chain_t  *cl;

    /* the body that was read goes to dockerd as one buffer */

    if (r->request_body == NULL) {
        return NGX_OK;
    }

    if (ctx->json->last == ctx->json->pos) {
        /* an empty body: nothing to send, not even an empty buffer */
        cl = NULL;

    } else {
        cl = ngx_alloc_chain_link(r->pool);
        if (cl == NULL) {
            return NGX_ERROR;
        }

        ctx->json->last_buf = 1;

        cl->buf = ctx->json;
        cl->next = NULL;
    }

    r->request_body->bufs = cl;
    r->request_body_no_buffering = 0;
    r->reading_body = 0;

    r->headers_in.chunked = 0;
    r->headers_in.content_length_n = ctx->json->last - ctx->json->pos;

    return NGX_OK;
}


/* the body read whole, as a stage rewrote it, goes to dockerd instead */

ngx_int_t
ngx_http_sockerless_body_set(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx, ngx_str_t *json)
{
    ngx_buf_t  *b;

    b = ngx_calloc_buf(r->pool);
    if (b == NULL) {
        return NGX_ERROR;
    }

    b->start = json->data;
    b->pos = json->data;
    b->last = json->data + json->len;
    b->end = b->last;
    b->memory = 1;

    ctx->json = b;

    return ngx_http_sockerless_body_replace(r, ctx);
}
