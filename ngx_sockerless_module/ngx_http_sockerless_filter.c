
/*
 * Copyright (C) ngx_sockerless developers
 */


/*
 * The module's header and body filters, and its errors.
 *
 * Errors reach clients as the docker CLI and the SDKs read them:
 * {"message": "..."}.  The module's own errors are sent by
 * ngx_http_sockerless_send_error().  Errors nginx makes in a sockerless
 * location (dockerd unreachable, time outs, a body over
 * client_max_body_size, auth_basic's 401, ...) are nginx's special
 * responses: the filters replace their HTML with the JSON body.  dockerd's
 * plain text error of an attach becomes JSON too.  The header of a
 * hijacked stream goes out as dockerd wrote it, past every other filter.
 * Responses of dockerd pass untouched otherwise.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_sockerless_module.h"
#include "ngx_sockerless_query.h"


#define NGX_HTTP_SOCKERLESS_MESSAGE_LEN  512


static ngx_buf_t *ngx_http_sockerless_json_message(ngx_http_request_t *r,
    u_char *msg, size_t len);
static u_char *ngx_http_sockerless_special_message(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx, ngx_uint_t status, u_char *buf,
    u_char *last);
static u_char *ngx_http_sockerless_upstream_message(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx, ngx_uint_t status, ngx_str_t *peer,
    u_char *buf, u_char *last);
static ngx_int_t ngx_http_sockerless_header_filter(ngx_http_request_t *r);
static ngx_int_t ngx_http_sockerless_replace(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx, u_char *msg, u_char *last);
static u_char *ngx_http_sockerless_conflict_message(ngx_str_t *name,
    u_char *buf, u_char *last);
static ngx_int_t ngx_http_sockerless_body_filter(ngx_http_request_t *r,
    ngx_chain_t *in);
static ngx_int_t ngx_http_sockerless_text_filter(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx, ngx_chain_t *in);


static ngx_http_output_header_filter_pt  ngx_http_next_header_filter;
static ngx_http_output_body_filter_pt    ngx_http_next_body_filter;


ngx_int_t
ngx_http_sockerless_send_error(ngx_http_request_t *r, ngx_uint_t status,
    const char *fmt, ...)
{
    u_char                     *p;
    va_list                     args;
    ngx_buf_t                  *b;
    ngx_http_sockerless_ctx_t  *ctx;
    u_char                      msg[NGX_HTTP_SOCKERLESS_MESSAGE_LEN];

    ctx = ngx_http_get_module_ctx(r->main, ngx_http_sockerless_module);

    if (ctx) {
        ctx->answered = 1;
    }

    va_start(args, fmt);
    p = ngx_vslprintf(msg, msg + sizeof(msg), fmt, args);
    va_end(args);

    ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                  "sockerless: %ui %*s", status, p - msg, msg);

    if (ngx_http_discard_request_body(r) != NGX_OK) {
        r->keepalive = 0;
    }

    b = ngx_http_sockerless_json_message(r, msg, p - msg);
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_http_sockerless_send_json(r, status, b);
}


/* a JSON body the module made, the whole answer */

ngx_int_t
ngx_http_sockerless_send_json(ngx_http_request_t *r, ngx_uint_t status,
    ngx_buf_t *b)
{
    ngx_int_t    rc;
    ngx_chain_t  out;

    r->headers_out.status = status;
    r->headers_out.content_length_n = b->last - b->pos;
    ngx_str_set(&r->headers_out.content_type, "application/json");
    r->headers_out.content_type_len = r->headers_out.content_type.len;
    r->headers_out.content_type_lowcase = NULL;

    rc = ngx_http_send_header(r);

    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        return rc;
    }

    out.buf = b;
    out.next = NULL;

    return ngx_http_output_filter(r, &out);
}


static ngx_buf_t *
ngx_http_sockerless_json_message(ngx_http_request_t *r, u_char *msg,
    size_t len)
{
    size_t      escape;
    ngx_buf_t  *b;

    escape = ngx_escape_json(NULL, msg, len);

    b = ngx_create_temp_buf(r->pool, sizeof("{\"message\":\"\"}\n") - 1
                                     + len + escape);
    if (b == NULL) {
        return NULL;
    }

    b->last = ngx_cpymem(b->last, "{\"message\":\"",
                         sizeof("{\"message\":\"") - 1);
    b->last = (u_char *) ngx_escape_json(b->last, msg, len);
    b->last = ngx_cpymem(b->last, "\"}\n", sizeof("\"}\n") - 1);

    b->last_buf = (r == r->main) ? 1 : 0;
    b->last_in_chain = 1;

    return b;
}


static u_char *
ngx_http_sockerless_special_message(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx, ngx_uint_t status, u_char *buf,
    u_char *last)
{
    u_char                          *p;
    ngx_str_t                       *peer;
    ngx_str_t                        unknown = ngx_string("dockerd");
    ngx_http_core_loc_conf_t        *clcf;

    peer = (ctx && ctx->error.peer.len) ? &ctx->error.peer : &unknown;

    if (status == NGX_HTTP_BAD_GATEWAY
        || status == NGX_HTTP_GATEWAY_TIME_OUT)
    {
        p = ngx_http_sockerless_upstream_message(r, ctx, status, peer, buf,
                                                 last);

        /* the node too, in a fleet: "... (node n2)" */

        if (ctx && ctx->node.len
            && (ctx->node.len != peer->len
                || ngx_strncmp(ctx->node.data, peer->data, peer->len) != 0))
        {
            p = ngx_slprintf(p, last, " (node %V)", &ctx->node);
        }

        return p;
    }

    switch (status) {

    case NGX_HTTP_REQUEST_ENTITY_TOO_LARGE:
        clcf = ngx_http_get_module_loc_conf(r, ngx_http_core_module);

        return ngx_slprintf(buf, last, "request body too large: the limit "
                            "is %O bytes (client_max_body_size)",
                            clcf->client_max_body_size);

    case NGX_HTTP_BAD_REQUEST:
        return ngx_slprintf(buf, last, "bad request");

    case NGX_HTTP_UNAUTHORIZED:
        return ngx_slprintf(buf, last, "authentication required");

    case NGX_HTTP_FORBIDDEN:
        return ngx_slprintf(buf, last, "access forbidden");

    case NGX_HTTP_NOT_ALLOWED:
        return ngx_slprintf(buf, last, "method not allowed");

    case NGX_HTTP_REQUEST_TIME_OUT:
        return ngx_slprintf(buf, last, "request timed out");

    case NGX_HTTP_REQUEST_URI_TOO_LARGE:
        return ngx_slprintf(buf, last, "request URI too long");

    case NGX_HTTP_SERVICE_UNAVAILABLE:
        return ngx_slprintf(buf, last, "service unavailable, try again");

    case NGX_HTTP_INTERNAL_SERVER_ERROR:
        return ngx_slprintf(buf, last, "internal error in the Docker API "
                            "gateway, see its error log");

    default:
        return ngx_slprintf(buf, last, "request failed with status %ui",
                            status);
    }
}


static u_char *
ngx_http_sockerless_upstream_message(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx, ngx_uint_t status, ngx_str_t *peer,
    u_char *buf, u_char *last)
{
    u_char                          *p;
    ngx_http_sockerless_loc_conf_t  *slcf;

    if (status == NGX_HTTP_BAD_GATEWAY) {

        if (ctx && !ctx->error.request_sent && ctx->error.upstream_errno) {
            p = ngx_slprintf(buf, last,
                             "Cannot connect to the Docker daemon at %V",
                             peer);

            /*
             * a connect(2) that was in progress failed later: nginx logged
             * its error, errno is the one of the connect(2) call
             */

            if (ctx->error.upstream_errno == NGX_EINPROGRESS) {
                return p;
            }

            p = ngx_slprintf(p, last, ": ");
            return ngx_strerror(ctx->error.upstream_errno, p, last - p);
        }

        return ngx_slprintf(buf, last, "the Docker daemon at %V closed the "
                            "connection without a valid response", peer);
    }

    slcf = ngx_http_get_module_loc_conf(r, ngx_http_sockerless_module);

    if (ctx && !ctx->error.request_sent) {
        return ngx_slprintf(buf, last, "timed out connecting to the "
                            "Docker daemon at %V "
                            "(sockerless_connect_timeout %M ms)",
                            peer, slcf->upstream.connect_timeout);
    }

    return ngx_slprintf(buf, last, "timed out waiting for the Docker "
                        "daemon at %V", peer);
}


static ngx_int_t
ngx_http_sockerless_header_filter(ngx_http_request_t *r)
{
    u_char                          *p;
    ngx_str_t                        name;
    ngx_http_sockerless_ctx_t       *ctx;
    ngx_http_sockerless_loc_conf_t  *slcf;
    u_char                           msg[NGX_HTTP_SOCKERLESS_MESSAGE_LEN];

    ctx = ngx_http_get_module_ctx(r, ngx_http_sockerless_module);

    if (ctx && ctx->hijack) {
        return ngx_http_sockerless_hijack_send_header(r, ctx);
    }

    if (ctx && ctx->error.raw) {
        ngx_str_set(&r->headers_out.content_type, "application/json");
        r->headers_out.content_type_len = r->headers_out.content_type.len;
        r->headers_out.content_type_lowcase = NULL;
        ngx_http_clear_content_length(r);

        return ngx_http_next_header_filter(r);
    }

    /*
     * the container operations that give a name (create, rename) have it
     * in "name": dockerd's 409 names the container that has the name,
     * maybe another's
     */

    if (ctx && r->upstream && r == r->main
        && r->headers_out.status == NGX_HTTP_CONFLICT
        && ctx->op && ctx->op->kind == NGX_SOCKERLESS_KIND_CONTAINER
        && ctx->decision.policy && ctx->decision.policy->rules.owned
        && ngx_sockerless_query_get(&r->args, "name", &name,
                                    ngx_http_sockerless_palloc,
                                    r->pool)
           == NGX_OK)
    {
        p = ngx_http_sockerless_conflict_message(&name, msg,
                                                 msg + sizeof(msg));

        return ngx_http_sockerless_replace(r, ctx, msg, p);
    }

    if (r->err_status < NGX_HTTP_BAD_REQUEST || r != r->main) {
        return ngx_http_next_header_filter(r);
    }

    slcf = ngx_http_get_module_loc_conf(r, ngx_http_sockerless_module);

    if (slcf == NULL
        || (slcf->upstream.upstream == NULL && slcf->json_errors != 1))
    {
        return ngx_http_next_header_filter(r);
    }

    if (ctx == NULL) {
        /* the request may be no more than a bad request line: not routed */

        ctx = ngx_pcalloc(r->pool, sizeof(ngx_http_sockerless_ctx_t));
        if (ctx == NULL) {
            return NGX_ERROR;
        }

        ctx->route.op = NGX_SOCKERLESS_OP_NONE;
        ngx_http_set_ctx(r, ctx, ngx_http_sockerless_module);
    }

    p = ngx_http_sockerless_special_message(r, ctx, r->err_status, msg,
                                            msg + sizeof(msg));

    ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                  "sockerless: %ui %*s", r->err_status, p - msg, msg);

    return ngx_http_sockerless_replace(r, ctx, msg, p);
}


/* the answer's body replaced by {"message": [msg, last)} */

static ngx_int_t
ngx_http_sockerless_replace(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx, u_char *msg, u_char *last)
{
    ngx_buf_t  *b;

    b = ngx_http_sockerless_json_message(r, msg, last - msg);
    if (b == NULL) {
        return NGX_ERROR;
    }

    ctx->error.json = b;

    ngx_str_set(&r->headers_out.content_type, "application/json");
    r->headers_out.content_type_len = r->headers_out.content_type.len;
    r->headers_out.content_type_lowcase = NULL;
    r->headers_out.charset.len = 0;

    r->headers_out.content_length_n = b->last - b->pos;

    if (r->headers_out.content_length) {
        r->headers_out.content_length->hash = 0;
        r->headers_out.content_length = NULL;
    }

    return ngx_http_next_header_filter(r);
}


static ngx_int_t
ngx_http_sockerless_body_filter(ngx_http_request_t *r, ngx_chain_t *in)
{
    ngx_chain_t                 out, *cl;
    ngx_http_sockerless_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_sockerless_module);

    if (ctx && ctx->error.raw && ctx->error.json == NULL) {
        return ngx_http_sockerless_text_filter(r, ctx, in);
    }

    if (ctx == NULL || ctx->error.json == NULL) {
        return ngx_http_next_body_filter(r, in);
    }

    /* the HTML body of nginx's special response is replaced */

    for (cl = in; cl; cl = cl->next) {
        cl->buf->pos = cl->buf->last;
        cl->buf->file_pos = cl->buf->file_last;
    }

    if (ctx->error.sent) {
        return ngx_http_next_body_filter(r, NULL);
    }

    ctx->error.sent = 1;

    out.buf = ctx->error.json;
    out.next = NULL;

    return ngx_http_next_body_filter(r, &out);
}


/*
 * dockerd's plain text error of an attach: sent as {"message": "..."} when
 * the response ends (the input filter kept the text)
 */

static ngx_int_t
ngx_http_sockerless_text_filter(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx, ngx_chain_t *in)
{
    u_char       *p, *last;
    ngx_uint_t    done;
    ngx_chain_t  *cl, out;

    done = 0;

    for (cl = in; cl; cl = cl->next) {
        if (cl->buf->last_buf) {
            done = 1;
        }

        cl->buf->pos = cl->buf->last;
    }

    if (!done) {
        return ngx_http_next_body_filter(r, NULL);
    }

    p = ctx->error.text->pos;
    last = ctx->error.text->last;

    while (last > p && (last[-1] == LF || last[-1] == CR || last[-1] == ' ')) {
        last--;
    }

    ctx->error.json = ngx_http_sockerless_json_message(r, p, last - p);
    if (ctx->error.json == NULL) {
        return NGX_ERROR;
    }

    ctx->error.sent = 1;

    out.buf = ctx->error.json;
    out.next = NULL;

    return ngx_http_next_body_filter(r, &out);
}


/*
 * dockerd's words for a name conflict, without the ID of the container
 * that has the name: "Conflict. The container name "/web" is already in
 * use by container "<ID>". ..."
 */

static u_char *
ngx_http_sockerless_conflict_message(ngx_str_t *name, u_char *buf,
    u_char *last)
{
    return ngx_slprintf(buf, last, "Conflict. The container name \"/%V\" "
                        "is already in use by another container. You have "
                        "to choose another name.", name);
}



ngx_int_t
ngx_http_sockerless_filter_init(ngx_conf_t *cf)
{
    ngx_http_next_header_filter = ngx_http_top_header_filter;
    ngx_http_top_header_filter = ngx_http_sockerless_header_filter;

    ngx_http_next_body_filter = ngx_http_top_body_filter;
    ngx_http_top_body_filter = ngx_http_sockerless_body_filter;

    return NGX_OK;
}
