
/*
 * Copyright (C) ngx_sockerless developers
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_sockerless_module.h"


static ngx_int_t ngx_http_sockerless_create_request(ngx_http_request_t *r);
static ngx_int_t ngx_http_sockerless_reinit_request(ngx_http_request_t *r);
static ngx_int_t ngx_http_sockerless_process_status_line(
    ngx_http_request_t *r);
static void ngx_http_sockerless_abort_request(ngx_http_request_t *r);
static void ngx_http_sockerless_finalize_request(ngx_http_request_t *r,
    ngx_int_t rc);
static ngx_int_t ngx_http_sockerless_input_filter_init(void *data);
static ngx_int_t ngx_http_sockerless_input_filter(void *data, ssize_t bytes);
static ngx_uint_t ngx_http_sockerless_hop_by_hop(ngx_http_request_t *r,
    ngx_table_elt_t *h, ngx_uint_t connection);
static ngx_uint_t ngx_http_sockerless_connection_names(ngx_str_t *value,
    ngx_str_t *name);
static ngx_int_t ngx_http_sockerless_process_header(ngx_http_request_t *r);
static ngx_int_t ngx_http_sockerless_header_done(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx);
static ngx_int_t ngx_http_sockerless_is_raw_stream(ngx_http_request_t *r);
static ngx_int_t ngx_http_sockerless_chunked_filter(ngx_http_request_t *r,
    ssize_t bytes);
static ngx_int_t ngx_http_sockerless_body_output_filter(void *data,
    ngx_chain_t *in);
static ngx_chain_t *ngx_http_sockerless_chunk_buf(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx, u_char *data, size_t len);
static void ngx_http_sockerless_stream_init(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx, ngx_http_upstream_t *u);
static void ngx_http_sockerless_stream_upstream(ngx_http_request_t *r,
    ngx_http_upstream_t *u);
static void ngx_http_sockerless_stream_client(ngx_http_request_t *r);
static void ngx_http_sockerless_stream_release(ngx_http_request_t *r,
    ngx_http_upstream_t *u);


/* headers that belong to one connection, never forwarded as they are */

static ngx_str_t  ngx_http_sockerless_hop_headers[] = {
    ngx_string("connection"),
    ngx_string("keep-alive"),
    ngx_string("proxy-connection"),
    ngx_string("proxy-authorization"),
    ngx_string("te"),
    ngx_string("trailer"),
    ngx_string("transfer-encoding"),
    ngx_string("upgrade"),
    ngx_string("content-length"),
    ngx_string("expect"),
    ngx_null_string
};


/*
 * The last stage: the request goes to dockerd.  A body read whole is in
 * memory; a streamed one goes on as it arrives (ngx_http_upstream.c reads
 * the rest).
 */

ngx_int_t
ngx_http_sockerless_forward(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx, ngx_http_sockerless_next_pt next)
{
    ngx_http_upstream_t             *u;
    ngx_http_sockerless_loc_conf_t  *slcf;

    slcf = ngx_http_get_module_loc_conf(r, ngx_http_sockerless_module);

    if (ngx_http_upstream_create(r) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    u = r->upstream;

    ngx_str_set(&u->schema, "http://");
    u->output.tag = (ngx_buf_tag_t) &ngx_http_sockerless_module;

    /* the request's node: an upstream{}, a socket, over TLS or not */

    if (ngx_http_sockerless_node_upstream(r, ctx, u) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (ctx->op && (ctx->op->flags & NGX_SOCKERLESS_OP_HIJACK)) {
        u->conf = slcf->upstream_hijack;

    } else {
        u->conf = &slcf->upstream;
    }

    u->create_request = ngx_http_sockerless_create_request;
    u->reinit_request = ngx_http_sockerless_reinit_request;
    u->process_header = ngx_http_sockerless_process_status_line;
    u->abort_request = ngx_http_sockerless_abort_request;
    u->finalize_request = ngx_http_sockerless_finalize_request;

    u->buffering = 0;

    u->input_filter_init = ngx_http_sockerless_input_filter_init;
    u->input_filter = ngx_http_sockerless_input_filter;
    u->input_filter_ctx = r;

    ngx_http_upstream_init(r);

    return NGX_AGAIN;
}


static ngx_int_t
ngx_http_sockerless_create_request(ngx_http_request_t *r)
{
    off_t                       body;
    size_t                      len;
    ngx_buf_t                  *b;
    ngx_uint_t                  i, chunked, upgrade, host, connection;
    ngx_chain_t                *cl, *in, **ll;
    ngx_list_part_t            *part;
    ngx_table_elt_t            *h;
    ngx_http_upstream_t        *u;
    ngx_http_sockerless_ctx_t  *ctx;

    u = r->upstream;
    ctx = ngx_http_sockerless_get_ctx(r);
    if (ctx == NULL) {
        return NGX_ERROR;
    }

    /*
     * the request line: the method and the target, exactly as sent
     * unless a stage rewrote it (ctx->target)
     */

    len = r->method_name.len + 1 + ctx->target.len
          + sizeof(" HTTP/1.1" CRLF) - 1;

    host = 0;
    connection = 0;
    part = &r->headers_in.headers.part;
    h = part->elts;

    for (i = 0; /* void */ ; i++) {

        if (i >= part->nelts) {
            if (part->next == NULL) {
                break;
            }

            part = part->next;
            h = part->elts;
            i = 0;
        }

        /* hop-by-hop headers counted too: at most a few bytes more */

        if (h[i].key.len == 4
            && ngx_strncasecmp(h[i].key.data, (u_char *) "host", 4) == 0)
        {
            host = 1;
        }

        if (h[i].key.len == 10
            && ngx_strncasecmp(h[i].key.data, (u_char *) "connection", 10)
               == 0)
        {
            connection = 1;
        }

        len += h[i].key.len + sizeof(": ") - 1 + h[i].value.len
               + sizeof(CRLF) - 1;
    }

    if (!host) {
        len += sizeof("Host: docker" CRLF) - 1;
    }

    /* a hijacking client asks dockerd for "101 UPGRADED" */

    upgrade = (ctx->op && (ctx->op->flags & NGX_SOCKERLESS_OP_HIJACK)
               && r->headers_in.upgrade);

    if (upgrade) {
        len += sizeof("Connection: Upgrade" CRLF "Upgrade: " CRLF) - 1
               + r->headers_in.upgrade->value.len;
    }

    chunked = 0;
    body = -1;

    if (r->headers_in.chunked && r->reading_body) {
        chunked = 1;
        len += sizeof("Transfer-Encoding: chunked" CRLF) - 1;

    } else if (r->headers_in.content_length_n >= 0) {
        body = r->headers_in.content_length_n;
        len += sizeof("Content-Length: " CRLF) - 1 + NGX_OFF_T_LEN;
    }

    len += sizeof(CRLF) - 1;

    b = ngx_create_temp_buf(r->pool, len);
    if (b == NULL) {
        return NGX_ERROR;
    }

    b->last = ngx_copy(b->last, r->method_name.data, r->method_name.len);
    *b->last++ = ' ';
    b->last = ngx_copy(b->last, ctx->target.data, ctx->target.len);
    b->last = ngx_cpymem(b->last, " HTTP/1.1" CRLF,
                         sizeof(" HTTP/1.1" CRLF) - 1);

    part = &r->headers_in.headers.part;
    h = part->elts;

    for (i = 0; /* void */ ; i++) {

        if (i >= part->nelts) {
            if (part->next == NULL) {
                break;
            }

            part = part->next;
            h = part->elts;
            i = 0;
        }

        if (ngx_http_sockerless_hop_by_hop(r, &h[i], connection)) {
            continue;
        }

        b->last = ngx_copy(b->last, h[i].key.data, h[i].key.len);
        *b->last++ = ':'; *b->last++ = ' ';
        b->last = ngx_copy(b->last, h[i].value.data, h[i].value.len);
        *b->last++ = CR; *b->last++ = LF;
    }

    if (!host) {
        b->last = ngx_cpymem(b->last, "Host: docker" CRLF,
                             sizeof("Host: docker" CRLF) - 1);
    }

    if (upgrade) {
        b->last = ngx_sprintf(b->last, "Connection: Upgrade" CRLF
                              "Upgrade: %V" CRLF,
                              &r->headers_in.upgrade->value);
    }

    if (chunked) {
        b->last = ngx_cpymem(b->last, "Transfer-Encoding: chunked" CRLF,
                             sizeof("Transfer-Encoding: chunked" CRLF) - 1);

    } else if (body >= 0) {
        b->last = ngx_sprintf(b->last, "Content-Length: %O" CRLF, body);
    }

    *b->last++ = CR; *b->last++ = LF;

    /* out at once, also through a TLS connection's buffer (a node) */

    b->flush = 1;

    cl = ngx_alloc_chain_link(r->pool);
    if (cl == NULL) {
        return NGX_ERROR;
    }

    cl->buf = b;
    cl->next = NULL;

    if (r->request_body_no_buffering) {

        /* the body follows as it arrives, see ngx_http_upstream.c */

        u->request_bufs = cl;

        if (chunked) {
            u->output.output_filter = ngx_http_sockerless_body_output_filter;
            u->output.filter_ctx = r;
        }

        return NGX_OK;
    }

    /* the whole body has been read already, in memory */

    in = u->request_bufs;
    u->request_bufs = cl;
    ll = &cl->next;

    while (in) {
        b = ngx_alloc_buf(r->pool);
        if (b == NULL) {
            return NGX_ERROR;
        }

        ngx_memcpy(b, in->buf, sizeof(ngx_buf_t));

        cl = ngx_alloc_chain_link(r->pool);
        if (cl == NULL) {
            return NGX_ERROR;
        }

        cl->buf = b;
        *ll = cl;
        ll = &cl->next;

        in = in->next;
    }

    *ll = NULL;

    return NGX_OK;
}


/*
 * A header of the hop-by-hop list, or one that a "Connection" header
 * names (RFC 9110, 7.6.1); "connection": the request has one.  nginx
 * before 1.23 keeps no pointer to "Connection" in headers_in, and a
 * request may have several: they are looked up here.
 */

static ngx_uint_t
ngx_http_sockerless_hop_by_hop(ngx_http_request_t *r, ngx_table_elt_t *h,
    ngx_uint_t connection)
{
    ngx_str_t         *name;
    ngx_uint_t         i;
    ngx_list_part_t   *part;
    ngx_table_elt_t   *c;

    for (name = ngx_http_sockerless_hop_headers; name->len; name++) {
        if (h->key.len == name->len
            && ngx_tolower(h->key.data[0]) == name->data[0]
            && ngx_strncasecmp(h->key.data, name->data, name->len) == 0)
        {
            return 1;
        }
    }

    if (!connection) {
        return 0;
    }

    part = &r->headers_in.headers.part;
    c = part->elts;

    for (i = 0; /* void */ ; i++) {

        if (i >= part->nelts) {
            if (part->next == NULL) {
                return 0;
            }

            part = part->next;
            c = part->elts;
            i = 0;
        }

        if (c[i].key.len == 10
            && ngx_strncasecmp(c[i].key.data, (u_char *) "connection", 10)
               == 0
            && ngx_http_sockerless_connection_names(&c[i].value, &h->key))
        {
            return 1;
        }
    }
}


/* the comma-separated list "value" has "name" */

static ngx_uint_t
ngx_http_sockerless_connection_names(ngx_str_t *value, ngx_str_t *name)
{
    u_char  *p, *last, *start;
    size_t   n;

    p = value->data;
    last = p + value->len;

    while (p < last) {

        while (p < last && (*p == ' ' || *p == '\t' || *p == ',')) {
            p++;
        }

        start = p;

        while (p < last && *p != ',' && *p != ' ' && *p != '\t') {
            p++;
        }

        n = p - start;

        if (n && n == name->len
            && ngx_strncasecmp(start, name->data, n) == 0)
        {
            return 1;
        }
    }

    return 0;
}


static ngx_int_t
ngx_http_sockerless_reinit_request(ngx_http_request_t *r)
{
    ngx_http_sockerless_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_sockerless_module);

    if (ctx == NULL) {
        return NGX_OK;
    }

    ngx_memzero(&ctx->answer.status, sizeof(ngx_http_status_t));
    ngx_memzero(&ctx->answer.chunked, sizeof(ngx_http_chunked_t));

    ctx->answer.body = ngx_http_sockerless_body_none;
    ctx->hijack = 0;
    ctx->raw_header = NULL;

    r->upstream->process_header = ngx_http_sockerless_process_status_line;
    r->state = 0;

    return NGX_OK;
}


static ngx_int_t
ngx_http_sockerless_process_status_line(ngx_http_request_t *r)
{
    ngx_int_t                   rc;
    ngx_http_status_t          *status;
    ngx_http_upstream_t        *u;
    ngx_http_sockerless_ctx_t  *ctx;

    u = r->upstream;

    ctx = ngx_http_get_module_ctx(r, ngx_http_sockerless_module);
    if (ctx == NULL) {
        return NGX_ERROR;
    }

    status = &ctx->answer.status;

    rc = ngx_http_parse_status_line(r, &u->buffer, status);

    if (rc == NGX_AGAIN) {
        return rc;
    }

    if (rc == NGX_ERROR) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "dockerd sent no valid HTTP/1.1 status line");

        return NGX_HTTP_UPSTREAM_INVALID_HEADER;
    }

    if (u->state && u->state->status == 0) {
        u->state->status = status->code;
    }

    u->headers_in.status_n = status->code;

    u->headers_in.status_line.len = status->end - status->start;
    u->headers_in.status_line.data = ngx_pnalloc(r->pool,
                                              u->headers_in.status_line.len);
    if (u->headers_in.status_line.data == NULL) {
        return NGX_ERROR;
    }

    ngx_memcpy(u->headers_in.status_line.data, status->start,
               u->headers_in.status_line.len);

    if (status->http_version < NGX_HTTP_VERSION_11) {
        u->headers_in.connection_close = 1;
    }

    ngx_log_debug2(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "sockerless status %ui \"%V\"",
                   u->headers_in.status_n, &u->headers_in.status_line);

    u->process_header = ngx_http_sockerless_process_header;

    return ngx_http_sockerless_process_header(r);
}


static ngx_int_t
ngx_http_sockerless_process_header(ngx_http_request_t *r)
{
    size_t                          len;
    ngx_int_t                       rc;
    ngx_table_elt_t                *h;
    ngx_http_upstream_t            *u;
    ngx_http_sockerless_ctx_t      *ctx;
    ngx_http_upstream_header_t     *hh;
    ngx_http_upstream_main_conf_t  *umcf;

    u = r->upstream;
    umcf = ngx_http_get_module_main_conf(r, ngx_http_upstream_module);

    for ( ;; ) {

        rc = ngx_http_parse_header_line(r, &u->buffer, 1);

        if (rc == NGX_HTTP_PARSE_HEADER_DONE) {
            ctx = ngx_http_get_module_ctx(r, ngx_http_sockerless_module);
            if (ctx == NULL) {
                return NGX_ERROR;
            }

            return ngx_http_sockerless_header_done(r, ctx);
        }

        if (rc == NGX_AGAIN) {
            return NGX_AGAIN;
        }

        if (rc != NGX_OK) {
            ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                          "dockerd sent invalid header: \"%*s\\x%02xd...\"",
                          r->header_end - r->header_name_start,
                          r->header_name_start, *r->header_end);

            return NGX_HTTP_UPSTREAM_INVALID_HEADER;
        }

        h = ngx_list_push(&u->headers_in.headers);
        if (h == NULL) {
            return NGX_ERROR;
        }

        h->hash = r->header_hash;
        h->key.len = r->header_name_end - r->header_name_start;
        h->value.len = r->header_end - r->header_start;

        len = h->key.len + 1 + h->value.len + 1 + h->key.len;

        h->key.data = ngx_pnalloc(r->pool, len);
        if (h->key.data == NULL) {
            h->hash = 0;
            return NGX_ERROR;
        }

        h->value.data = h->key.data + h->key.len + 1;
        h->lowcase_key = h->value.data + h->value.len + 1;

        ngx_memcpy(h->key.data, r->header_name_start, h->key.len);
        h->key.data[h->key.len] = '\0';
        ngx_memcpy(h->value.data, r->header_start, h->value.len);
        h->value.data[h->value.len] = '\0';

        if (h->key.len == r->lowcase_index) {
            ngx_memcpy(h->lowcase_key, r->lowcase_header, h->key.len);

        } else {
            ngx_strlow(h->lowcase_key, h->key.data, h->key.len);
        }

        hh = ngx_hash_find(&umcf->headers_in_hash, h->hash,
                           h->lowcase_key, h->key.len);

        if (hh && hh->handler(r, h, hh->offset) != NGX_OK) {
            return NGX_ERROR;
        }

        ngx_log_debug2(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                       "sockerless header: \"%V: %V\"", &h->key, &h->value);
    }
}


static ngx_int_t
ngx_http_sockerless_header_done(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx)
{
    ngx_uint_t            status;
    ngx_http_upstream_t  *u;

    u = r->upstream;
    status = u->headers_in.status_n;

    if (u->headers_in.chunked) {
        u->headers_in.content_length_n = -1;
    }

    if (ctx->op && (ctx->op->flags & NGX_SOCKERLESS_OP_HIJACK)
        && ((status == NGX_HTTP_SWITCHING_PROTOCOLS && r->headers_in.upgrade)
            || (status == NGX_HTTP_OK
                && !u->headers_in.chunked
                && u->headers_in.content_length_n == -1
                && ngx_http_sockerless_is_raw_stream(r))))
    {
        /*
         * dockerd hijacked the connection: "101 UPGRADED", or "200 OK"
         * with a raw stream for a client that sent no "Upgrade"
         */

        return ngx_http_sockerless_hijack_response(r, ctx);
    }

    if (ctx->op && (ctx->op->flags & NGX_SOCKERLESS_OP_HIJACK)
        && status >= NGX_HTTP_BAD_REQUEST
        && ngx_http_sockerless_is_raw_stream(r))
    {
        /*
         * dockerd refused an attach in plain text on its raw stream
         * ("No such container: x"): the client gets it as Docker JSON
         */

        ctx->error.text = ngx_create_temp_buf(r->pool,
                                        NGX_HTTP_SOCKERLESS_ERROR_TEXT_LEN);
        if (ctx->error.text == NULL) {
            return NGX_ERROR;
        }

        ctx->error.raw = 1;
        ctx->answer.body = u->headers_in.content_length_n >= 0
                    ? ngx_http_sockerless_body_length
                    : ngx_http_sockerless_body_close;

        if (u->headers_in.content_length_n == 0) {
            ctx->answer.body = ngx_http_sockerless_body_none;
        }

        u->headers_in.connection_close = 1;

        return NGX_OK;
    }

    if (status == NGX_HTTP_NO_CONTENT
        || status == NGX_HTTP_NOT_MODIFIED
        || status < NGX_HTTP_OK
        || r->method == NGX_HTTP_HEAD)
    {
        ctx->answer.body = ngx_http_sockerless_body_none;

    } else if (u->headers_in.chunked) {
        ctx->answer.body = ngx_http_sockerless_body_chunked;

    } else if (u->headers_in.content_length_n == 0) {
        ctx->answer.body = ngx_http_sockerless_body_none;

    } else if (u->headers_in.content_length_n > 0) {
        ctx->answer.body = ngx_http_sockerless_body_length;

    } else {
        ctx->answer.body = ngx_http_sockerless_body_close;
    }

    if (status == NGX_HTTP_SWITCHING_PROTOCOLS) {
        /* not a hijack we asked for: nothing can follow on it */
        u->headers_in.connection_close = 1;
    }

    if (ctx->answer.body == ngx_http_sockerless_body_none) {
        u->keepalive = !u->headers_in.connection_close;
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_sockerless_is_raw_stream(ngx_http_request_t *r)
{
    ngx_table_elt_t  *ct;

    ct = r->upstream->headers_in.content_type;

    if (ct == NULL) {
        return 0;
    }

    return ngx_strlcasestrn(ct->value.data, ct->value.data + ct->value.len,
                            (u_char *) "application/vnd.docker.",
                            sizeof("application/vnd.docker.") - 2)
           != NULL;
}


static void
ngx_http_sockerless_abort_request(ngx_http_request_t *r)
{
    ngx_log_debug0(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "abort sockerless request");
}


static void
ngx_http_sockerless_finalize_request(ngx_http_request_t *r, ngx_int_t rc)
{
    ngx_http_upstream_t        *u;
    ngx_http_sockerless_ctx_t  *ctx;

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "finalize sockerless request: %i", rc);

    u = r->upstream;
    ctx = ngx_http_get_module_ctx(r, ngx_http_sockerless_module);

    ngx_http_sockerless_observe_upstream(r, ctx, rc);

    if (ctx && ctx->stream_alive) {
        /* the request ends inside nginx's handler of a stream */
        *ctx->stream_alive = 0;
        ctx->stream_alive = NULL;
    }

    if (ctx == NULL || u->header_sent || rc < NGX_HTTP_SPECIAL_RESPONSE) {
        return;
    }

    /* what the error response will name: the socket and the OS error */

    if (rc == NGX_HTTP_BAD_GATEWAY) {
        ctx->error.upstream_errno = ngx_socket_errno;
    }

    ctx->error.request_sent = u->request_sent;

    if (u->peer.name) {
        ctx->error.peer = *u->peer.name;

    } else if (ctx->node.len) {
        ctx->error.peer = ctx->node;

    } else if (u->conf->upstream) {
        ctx->error.peer = u->conf->upstream->host;
    }
}


static ngx_int_t
ngx_http_sockerless_input_filter_init(void *data)
{
    ngx_http_request_t  *r = data;

    ngx_http_upstream_t        *u;
    ngx_http_sockerless_ctx_t  *ctx;

    u = r->upstream;
    ctx = ngx_http_get_module_ctx(r, ngx_http_sockerless_module);

    if (ctx == NULL) {
        return NGX_ERROR;
    }

    ngx_log_debug3(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "sockerless filter init s:%ui b:%d h:%d",
                   u->headers_in.status_n, ctx->answer.body, ctx->hijack);

    if (ctx->hijack) {
        u->length = -1;

        if (ngx_http_sockerless_hijack_start(r, ctx) != NGX_OK) {
            return NGX_ERROR;
        }

        ngx_http_sockerless_stream_init(r, ctx, u);
        return NGX_OK;
    }

    switch (ctx->answer.body) {

    case ngx_http_sockerless_body_none:
        u->length = 0;
        break;

    case ngx_http_sockerless_body_chunked:
        u->length = 1;
        ngx_http_sockerless_stream_init(r, ctx, u);
        break;

    case ngx_http_sockerless_body_length:
        u->length = u->headers_in.content_length_n;
        break;

    default: /* ngx_http_sockerless_body_close */
        u->length = -1;
        ngx_http_sockerless_stream_init(r, ctx, u);
    }

    return NGX_OK;
}


/*
 * A body of unknown length (events, logs, stats, a hijacked session) may
 * stay open and quiet for hours: nginx's non-buffered path reads it into
 * u->buffer, which is held only while bytes flow.  It goes once what was
 * read is all out and dockerd has no more ready, and comes back with
 * dockerd's next read event.  nginx's handlers run as they are, in
 * between.
 */

static void
ngx_http_sockerless_stream_init(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx, ngx_http_upstream_t *u)
{
    ctx->upstream_read = u->read_event_handler;
    ctx->client_write = r->write_event_handler;

    u->read_event_handler = ngx_http_sockerless_stream_upstream;
    r->write_event_handler = ngx_http_sockerless_stream_client;

    /* the header alone arrived (the usual case): nothing to hold yet */

    if (u->buffer.pos == u->buffer.last) {
        ngx_http_sockerless_stream_release(r, u);
    }
}


static void
ngx_http_sockerless_stream_upstream(ngx_http_request_t *r,
    ngx_http_upstream_t *u)
{
    ngx_uint_t                  alive;
    ngx_buf_t                  *b;
    ngx_http_sockerless_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_sockerless_module);

    b = &u->buffer;

    if (b->start == NULL) {
        b->start = ngx_palloc(r->pool, u->conf->buffer_size);
        if (b->start == NULL) {
            ngx_http_finalize_request(r, NGX_ERROR);
            return;
        }

        b->pos = b->start;
        b->last = b->start;
        b->end = b->start + u->conf->buffer_size;
    }

    /* the request may end in nginx's handler: then "alive" is cleared */

    alive = 1;
    ctx->stream_alive = &alive;

    ctx->upstream_read(r, u);

    if (alive) {
        ctx->stream_alive = NULL;
        ngx_http_sockerless_stream_release(r, u);
    }
}


static void
ngx_http_sockerless_stream_client(ngx_http_request_t *r)
{
    ngx_uint_t                  alive;
    ngx_http_sockerless_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_sockerless_module);

    alive = 1;
    ctx->stream_alive = &alive;

    ctx->client_write(r);

    if (alive) {
        ctx->stream_alive = NULL;
        ngx_http_sockerless_stream_release(r, r->upstream);
    }
}


static void
ngx_http_sockerless_stream_release(ngx_http_request_t *r,
    ngx_http_upstream_t *u)
{
    ngx_buf_t         *b;
    ngx_connection_t  *pc;

    b = &u->buffer;
    pc = u->peer.connection;

    if (b->start == NULL
        || u->out_bufs
        || u->busy_bufs
        || pc == NULL
        || pc->read->ready)
    {
        return;
    }

    if (ngx_http_sockerless_free_buf(r->pool, b) == NGX_OK) {
        ngx_log_debug0(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                       "sockerless stream: idle, buffer freed");
    }
}


static ngx_int_t
ngx_http_sockerless_input_filter(void *data, ssize_t bytes)
{
    ngx_http_request_t  *r = data;

    ngx_buf_t                  *b;
    ngx_chain_t                *cl, **ll;
    ngx_http_upstream_t        *u;
    ngx_http_sockerless_ctx_t  *ctx;

    u = r->upstream;
    ctx = ngx_http_get_module_ctx(r, ngx_http_sockerless_module);

    if (ctx->answer.body == ngx_http_sockerless_body_chunked && !ctx->hijack) {
        return ngx_http_sockerless_chunked_filter(r, bytes);
    }

    if (ctx->error.raw) {
        /* kept, up to a limit, for the JSON body of the error filter */

        b = ctx->error.text;
        ngx_memcpy(b->last, u->buffer.last,
                   ngx_min((size_t) bytes, (size_t) (b->end - b->last)));
        b->last += ngx_min((size_t) bytes, (size_t) (b->end - b->last));

        u->buffer.last += bytes;

        if (u->length > 0) {
            u->length -= ngx_min(bytes, u->length);
        }

        return NGX_OK;
    }

    if (u->length == 0) {
        ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                      "dockerd sent more data than \"Content-Length\" said");
        u->keepalive = 0;
        return NGX_OK;
    }

    for (cl = u->out_bufs, ll = &u->out_bufs; cl; cl = cl->next) {
        ll = &cl->next;
    }

    cl = ngx_chain_get_free_buf(r->pool, &u->free_bufs);
    if (cl == NULL) {
        return NGX_ERROR;
    }

    *ll = cl;

    b = cl->buf;

    b->flush = 1;
    b->memory = 1;
    b->tag = u->output.tag;
    b->pos = u->buffer.last;

    u->buffer.last += bytes;
    b->last = u->buffer.last;

    if (u->length == -1) {
        return NGX_OK;
    }

    if (bytes > u->length) {
        ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                      "dockerd sent more data than \"Content-Length\" said");

        b->last = b->pos + u->length;
        u->length = 0;
        u->keepalive = 0;

        return NGX_OK;
    }

    u->length -= bytes;

    if (u->length == 0) {
        u->keepalive = !u->headers_in.connection_close;
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_sockerless_chunked_filter(ngx_http_request_t *r, ssize_t bytes)
{
    size_t                      size;
    ngx_int_t                   rc;
    ngx_buf_t                  *b, *buf;
    ngx_chain_t                *cl, **ll;
    ngx_http_upstream_t        *u;
    ngx_http_sockerless_ctx_t  *ctx;

    u = r->upstream;
    ctx = ngx_http_get_module_ctx(r, ngx_http_sockerless_module);

    buf = &u->buffer;
    buf->pos = buf->last;
    buf->last += bytes;

    for (cl = u->out_bufs, ll = &u->out_bufs; cl; cl = cl->next) {
        ll = &cl->next;
    }

    for ( ;; ) {

        rc = ngx_http_parse_chunked(r, buf, &ctx->answer.chunked);

        if (rc == NGX_AGAIN) {
            return NGX_OK;
        }

        if (rc == NGX_DONE) {

            /* the last chunk: the connection can serve another request */

            u->length = 0;
            u->keepalive = !u->headers_in.connection_close;

            if (buf->pos != buf->last) {
                ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                              "dockerd sent data after the last chunk");
                u->keepalive = 0;
            }

            return NGX_OK;
        }

        if (rc != NGX_OK) {
            ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                          "dockerd sent invalid chunked response");
            return NGX_ERROR;
        }

        /* a chunk's data, or the part of it in this read */

        cl = ngx_chain_get_free_buf(r->pool, &u->free_bufs);
        if (cl == NULL) {
            return NGX_ERROR;
        }

        *ll = cl;
        ll = &cl->next;

        b = cl->buf;

        b->flush = 1;
        b->memory = 1;
        b->tag = u->output.tag;
        b->pos = buf->pos;

        size = buf->last - buf->pos;

        if ((off_t) size > ctx->answer.chunked.size) {
            size = (size_t) ctx->answer.chunked.size;
        }

        buf->pos += size;
        b->last = buf->pos;
        ctx->answer.chunked.size -= size;
    }
}


/*
 * A body the client sent chunked goes to dockerd chunked as well: nginx
 * hands the module the data without its framing, as it arrives.
 */

static ngx_int_t
ngx_http_sockerless_body_output_filter(void *data, ngx_chain_t *in)
{
    ngx_http_request_t  *r = data;

    off_t                       size;
    ngx_int_t                   rc;
    ngx_chain_t                *out, *cl, **ll;
    ngx_http_sockerless_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_sockerless_module);

    out = NULL;
    ll = &out;

    if (in && !ctx->body_header_sent) {

        /* the first buffer is the request header */

        ctx->body_header_sent = 1;

        cl = ngx_alloc_chain_link(r->pool);
        if (cl == NULL) {
            return NGX_ERROR;
        }

        cl->buf = in->buf;
        *ll = cl;
        ll = &cl->next;

        in = in->next;
    }

    for ( /* void */ ; in; in = in->next) {

        size = ngx_buf_size(in->buf);

        if (size) {
            cl = ngx_http_sockerless_chunk_buf(r, ctx, NULL, (size_t) size);
            if (cl == NULL) {
                return NGX_ERROR;
            }

            *ll = cl;
            ll = &cl->next;
        }

        /* an empty last buffer is replaced by the last chunk below */

        if (size || (in->buf->flush && !in->buf->last_buf)) {
            cl = ngx_alloc_chain_link(r->pool);
            if (cl == NULL) {
                return NGX_ERROR;
            }

            cl->buf = in->buf;
            *ll = cl;
            ll = &cl->next;
        }

        if (size) {
            cl = ngx_http_sockerless_chunk_buf(r, ctx, (u_char *) CRLF, 2);
            if (cl == NULL) {
                return NGX_ERROR;
            }

            *ll = cl;
            ll = &cl->next;
        }

        if (in->buf->last_buf) {
            in->buf->last_buf = 0;

            cl = ngx_http_sockerless_chunk_buf(r, ctx,
                                               (u_char *) "0" CRLF CRLF, 5);
            if (cl == NULL) {
                return NGX_ERROR;
            }

            cl->buf->last_buf = 1;
            *ll = cl;
            ll = &cl->next;
        }
    }

    *ll = NULL;

    rc = ngx_chain_writer(&r->upstream->writer, out);

    ngx_chain_update_chains(r->pool, &ctx->body_free, &ctx->body_busy, &out,
                       (ngx_buf_tag_t) &ngx_http_sockerless_body_output_filter);

    return rc;
}


static ngx_chain_t *
ngx_http_sockerless_chunk_buf(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx, u_char *data, size_t len)
{
    ngx_buf_t    *b;
    ngx_chain_t  *cl;

    cl = ngx_chain_get_free_buf(r->pool, &ctx->body_free);
    if (cl == NULL) {
        return NULL;
    }

    b = cl->buf;

    b->tag = (ngx_buf_tag_t) &ngx_http_sockerless_body_output_filter;
    b->flush = 0;
    b->last_buf = 0;

    if (data) {
        /* static framing: CRLF or the last chunk */
        b->memory = 1;
        b->temporary = 0;
        b->pos = data;
        b->last = data + len;

        return cl;
    }

    /* a chunk size line: "len" is the size of the data that follows */

    if (b->start == NULL) {
        b->start = ngx_palloc(r->pool, sizeof("0000000000000000" CRLF) - 1);
        if (b->start == NULL) {
            return NULL;
        }

        b->end = b->start + sizeof("0000000000000000" CRLF) - 1;
    }

    b->memory = 0;
    b->temporary = 1;
    b->pos = b->start;
    b->last = ngx_sprintf(b->start, "%xz" CRLF, len);

    return cl;
}
