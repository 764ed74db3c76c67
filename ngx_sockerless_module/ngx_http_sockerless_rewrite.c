
/*
 * Copyright (C) ngx_sockerless developers
 */


/*
 * dockerd's answers rewritten as they stream, for a policy that redacts
 * ("redact env secrets;") or sees only some objects (an owner,
 * "visible"): the header and body filters that feed the answer to the
 * pure rewriter of ngx_sockerless_answer.c and pass on what it writes.
 *
 * Memory is bounded: dockerd's buffers are read as the client takes the
 * rewritten bytes (while less than NGX_HTTP_SOCKERLESS_REWRITE_BUSY waits
 * below, a buffer not read keeps the upstream module from reading more),
 * and the rewriter holds no more than its largest element or value
 * (sockerless_max_json_element).  An answer that cannot be rewritten once
 * its first bytes went out is cut, the connection closed, and the reason
 * logged: the client sees a broken answer, never a short one that looks
 * whole.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_sockerless_module.h"
#include "ngx_sockerless_answer.h"


/* the rewritten bytes waiting below, at most, before dockerd's are read */
#define NGX_HTTP_SOCKERLESS_REWRITE_BUSY  65536

#define NGX_HTTP_SOCKERLESS_REWRITE_BUF   16384


struct ngx_http_sockerless_rewrite_s {
    ngx_http_request_t            *request;
    ngx_sockerless_answer_t       *answer;

    ngx_chain_t                   *in;       /* dockerd's, not yet read */

    ngx_chain_t                   *out;      /* rewritten, to pass on */
    ngx_chain_t                  **last_out;
    ngx_buf_t                     *buf;      /* being written */
    ngx_chain_t                   *free;
    ngx_chain_t                   *busy;

    unsigned                       flush:1;
    unsigned                       done:1;   /* the answer ended */
    unsigned                       sent:1;   /* its last buffer went on */
};


static ngx_int_t ngx_http_sockerless_rewrite_header_filter(
    ngx_http_request_t *r);
static ngx_int_t ngx_http_sockerless_rewrite_body_filter(
    ngx_http_request_t *r, ngx_chain_t *in);
static ngx_int_t ngx_http_sockerless_rewrite_read(
    ngx_http_sockerless_rewrite_t *rw, ngx_chain_t *cl);
static ngx_int_t ngx_http_sockerless_rewrite_out(void *data, u_char *p,
    size_t len);
static ngx_int_t ngx_http_sockerless_rewrite_link(
    ngx_http_sockerless_rewrite_t *rw);
static void ngx_http_sockerless_rewrite_cleanup(void *data);


static ngx_http_output_header_filter_pt  ngx_http_next_header_filter;
static ngx_http_output_body_filter_pt    ngx_http_next_body_filter;


static ngx_int_t
ngx_http_sockerless_rewrite_header_filter(ngx_http_request_t *r)
{
    ngx_str_t                       *labels;
    ngx_uint_t                       n, narrow;
    ngx_pool_cleanup_t              *cln;
    ngx_sockerless_rules_t          *rules;
    ngx_http_sockerless_ctx_t       *ctx;
    ngx_sockerless_answer_conf_t     conf;
    ngx_http_sockerless_rewrite_t   *rw;
    ngx_http_sockerless_loc_conf_t  *slcf;

    ctx = ngx_http_get_module_ctx(r, ngx_http_sockerless_module);

    if (ctx == NULL || ctx->op == NULL || ctx->decision.policy == NULL
        || ctx->op->answer == NGX_SOCKERLESS_ANSWER_NONE
        || ctx->hijack || ctx->answered || r != r->main
        || r->upstream == NULL || r->header_only
        || r->headers_out.status != NGX_HTTP_OK)
    {
        return ngx_http_next_header_filter(r);
    }

    rules = &ctx->decision.policy->rules;

    if (rules->redact == 0 && !rules->owned && rules->visible == NULL) {
        return ngx_http_next_header_filter(r);
    }

    if (ngx_sockerless_judge_scope(ctx->decision.judge, &labels, &n)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    narrow = (rules->owned ? NGX_SOCKERLESS_NARROW_OWNER : 0)
             | (rules->visible ? NGX_SOCKERLESS_NARROW_VISIBLE : 0);

    if (!ngx_sockerless_answer_needed(ctx->op->answer, rules->redact, narrow))
    {
        return ngx_http_next_header_filter(r);
    }

    slcf = ngx_http_get_module_loc_conf(r, ngx_http_sockerless_module);

    rw = ngx_pcalloc(r->pool, sizeof(ngx_http_sockerless_rewrite_t));
    if (rw == NULL) {
        return NGX_ERROR;
    }

    rw->request = r;
    rw->last_out = &rw->out;

    conf.shape = ctx->op->answer;
    conf.redact = rules->redact;
    conf.labels = labels;
    conf.nlabels = n;
    conf.narrow = narrow;
    conf.max_element = slcf->max_json_element;
    conf.alloc = ngx_http_sockerless_palloc;
    conf.data = r->pool;
    conf.out = ngx_http_sockerless_rewrite_out;
    conf.out_data = rw;

    cln = ngx_pool_cleanup_add(r->pool, 0);
    if (cln == NULL) {
        return NGX_ERROR;
    }

    rw->answer = ngx_sockerless_answer_create(&conf);

    cln->handler = ngx_http_sockerless_rewrite_cleanup;
    cln->data = rw->answer;

    if (rw->answer == NULL) {
        return NGX_ERROR;
    }

    ctx->rewrite = rw;

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "sockerless rewrite: %V", &ctx->op->name);

    /* the length changes; the answer goes chunked, or until the close */

    ngx_http_clear_content_length(r);
    ngx_http_clear_accept_ranges(r);
    ngx_http_weak_etag(r);

    return ngx_http_next_header_filter(r);
}


static ngx_int_t
ngx_http_sockerless_rewrite_body_filter(ngx_http_request_t *r,
    ngx_chain_t *in)
{
    off_t                           size;
    ngx_int_t                       rc;
    ngx_chain_t                    *cl;
    ngx_http_sockerless_ctx_t      *ctx;
    ngx_http_sockerless_rewrite_t  *rw;

    ctx = ngx_http_get_module_ctx(r, ngx_http_sockerless_module);

    if (ctx == NULL || ctx->rewrite == NULL) {
        return ngx_http_next_body_filter(r, in);
    }

    rw = ctx->rewrite;

    if (in && ngx_chain_add_copy(r->pool, &rw->in, in) != NGX_OK) {
        return NGX_ERROR;
    }

    for ( ;; ) {

        /* dockerd's bytes are read while little waits below */

        size = 0;

        for (cl = rw->busy; cl; cl = cl->next) {
            size += ngx_buf_size(cl->buf);
        }

        while (rw->in && size < NGX_HTTP_SOCKERLESS_REWRITE_BUSY) {
            cl = rw->in;
            rw->in = cl->next;

            rc = ngx_http_sockerless_rewrite_read(rw, cl);

            ngx_free_chain(r->pool, cl);

            if (rc != NGX_OK) {
                return NGX_ERROR;
            }
        }

        if (ngx_http_sockerless_rewrite_link(rw) != NGX_OK) {
            return NGX_ERROR;
        }

        rc = ngx_http_next_body_filter(r, rw->out);

        ngx_chain_update_chains(r->pool, &rw->free, &rw->busy, &rw->out,
                                (ngx_buf_tag_t)
                                    ngx_http_sockerless_rewrite_body_filter);
        rw->last_out = &rw->out;

        if (rc == NGX_ERROR) {
            return NGX_ERROR;
        }

        if (rw->in == NULL) {
            return rc;
        }

        size = 0;

        for (cl = rw->busy; cl; cl = cl->next) {
            size += ngx_buf_size(cl->buf);
        }

        if (size >= NGX_HTTP_SOCKERLESS_REWRITE_BUSY) {
            /* the client's write event calls again */
            return rc;
        }
    }
}


/* one buffer of dockerd's answer, to the rewriter */

static ngx_int_t
ngx_http_sockerless_rewrite_read(ngx_http_sockerless_rewrite_t *rw,
    ngx_chain_t *cl)
{
    ngx_int_t                        rc;
    ngx_buf_t                       *b;
    const char                      *err;
    ngx_http_sockerless_ctx_t       *ctx;
    ngx_http_sockerless_loc_conf_t  *slcf;

    b = cl->buf;

    if (b->flush) {
        rw->flush = 1;
    }

    if (rw->done) {
        b->pos = b->last;
        return NGX_OK;
    }

    rc = ngx_sockerless_answer_feed(rw->answer, b->pos, b->last - b->pos,
                                    b->last_buf, &err);
    b->pos = b->last;

    if (b->last_buf) {
        rw->done = 1;
    }

    if (rc == NGX_OK) {
        return NGX_OK;
    }

    if (rc == NGX_DECLINED) {
        ctx = ngx_http_get_module_ctx(rw->request, ngx_http_sockerless_module);
        slcf = ngx_http_get_module_loc_conf(rw->request,
                                            ngx_http_sockerless_module);

        ngx_log_error(NGX_LOG_ERR, rw->request->connection->log, 0,
                      "sockerless: %s (sockerless_max_json_element %uz): "
                      "the answer to %V is cut", err,
                      slcf->max_json_element, &ctx->op->name);
    }

    return NGX_ERROR;
}


/* the rewriter's bytes, into buffers of the module's */

static ngx_int_t
ngx_http_sockerless_rewrite_out(void *data, u_char *p, size_t len)
{
    ngx_http_sockerless_rewrite_t *rw = data;

    size_t        n;
    ngx_buf_t    *b;
    ngx_chain_t  *cl;

    while (len) {

        if (rw->buf == NULL) {
            cl = ngx_chain_get_free_buf(rw->request->pool, &rw->free);
            if (cl == NULL) {
                return NGX_ERROR;
            }

            b = cl->buf;

            if (b->start == NULL) {
                b->start = ngx_palloc(rw->request->pool,
                                      NGX_HTTP_SOCKERLESS_REWRITE_BUF);
                if (b->start == NULL) {
                    return NGX_ERROR;
                }

                b->end = b->start + NGX_HTTP_SOCKERLESS_REWRITE_BUF;
            }

            b->pos = b->start;
            b->last = b->start;
            b->temporary = 1;
            b->tag = (ngx_buf_tag_t) ngx_http_sockerless_rewrite_body_filter;

            cl->next = NULL;
            *rw->last_out = cl;
            rw->last_out = &cl->next;

            rw->buf = b;
        }

        b = rw->buf;

        n = ngx_min(len, (size_t) (b->end - b->last));

        b->last = ngx_cpymem(b->last, p, n);
        p += n;
        len -= n;

        if (b->last == b->end) {
            rw->buf = NULL;
        }
    }

    return NGX_OK;
}


/* the end of what is passed on now: a flush, the answer's last buffer */

static ngx_int_t
ngx_http_sockerless_rewrite_link(ngx_http_sockerless_rewrite_t *rw)
{
    ngx_buf_t    *b;
    ngx_chain_t  *cl;

    rw->buf = NULL;

    if (!(rw->flush || (rw->done && !rw->sent))) {
        return NGX_OK;
    }

    if (rw->out == NULL) {
        b = ngx_calloc_buf(rw->request->pool);
        if (b == NULL) {
            return NGX_ERROR;
        }

        cl = ngx_alloc_chain_link(rw->request->pool);
        if (cl == NULL) {
            return NGX_ERROR;
        }

        cl->buf = b;
        cl->next = NULL;
        *rw->last_out = cl;
        rw->last_out = &cl->next;

    } else {
        for (cl = rw->out; cl->next; cl = cl->next) { /* void */ }
        b = cl->buf;
    }

    if (rw->flush) {
        b->flush = 1;
        rw->flush = 0;
    }

    if (rw->done && !rw->sent) {
        b->last_buf = 1;
        rw->sent = 1;
    }

    return NGX_OK;
}


static void
ngx_http_sockerless_rewrite_cleanup(void *data)
{
    ngx_sockerless_answer_free(data);
}



ngx_int_t
ngx_http_sockerless_rewrite_init(ngx_conf_t *cf)
{
    ngx_http_next_header_filter = ngx_http_top_header_filter;
    ngx_http_top_header_filter = ngx_http_sockerless_rewrite_header_filter;

    ngx_http_next_body_filter = ngx_http_top_body_filter;
    ngx_http_top_body_filter = ngx_http_sockerless_rewrite_body_filter;

    return NGX_OK;
}
