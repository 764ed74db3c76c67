
/*
 * Copyright (C) ngx_sockerless developers
 */


/*
 * The hijack relay: attach, exec start, session and grpc.
 *
 * After dockerd answers "101 UPGRADED" (or "200 OK" with a raw stream to a
 * client that sent no "Upgrade"), both directions carry raw bytes.  nginx's
 * own upgrade code ends everything at the client's FIN; Docker clients
 * half-close after stdin and then read the output to the end.  So:
 *
 *   dockerd -> client   nginx's non-buffered upstream path, which writes
 *                       what arrives at once and finishes when dockerd
 *                       closes and all output has reached the client;
 *   client -> dockerd   this file: forwards what the client sends, and at
 *                       the client's EOF shuts down only the write side of
 *                       the connection to dockerd.
 *
 * dockerd's response header goes to the client byte for byte, through no
 * header filter: it must not gain "Transfer-Encoding: chunked" or any
 * "Connection" header of nginx's.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_sockerless_module.h"


static void ngx_http_sockerless_hijack_client_read(ngx_http_request_t *r);
static void ngx_http_sockerless_hijack_upstream_write(ngx_http_request_t *r,
    ngx_http_upstream_t *u);
static void ngx_http_sockerless_hijack_pump(ngx_http_request_t *r);


ngx_int_t
ngx_http_sockerless_hijack_response(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx)
{
    size_t                len;
    ngx_buf_t            *b;
    ngx_http_upstream_t  *u;

    u = r->upstream;

    /* the header as dockerd wrote it, up to and including the empty line */

    len = u->buffer.pos - u->buffer.start;

    b = ngx_create_temp_buf(r->pool, len);
    if (b == NULL) {
        return NGX_ERROR;
    }

    b->last = ngx_cpymem(b->pos, u->buffer.start, len);
    b->flush = 1;

    ctx->raw_header = b;
    ctx->hijack = 1;

    u->keepalive = 0;
    r->keepalive = 0;

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "sockerless hijack: %ui", u->headers_in.status_n);

    return NGX_OK;
}


ngx_int_t
ngx_http_sockerless_hijack_send_header(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx)
{
    ngx_chain_t  out;

    r->header_sent = 1;
    r->header_size = ctx->raw_header->last - ctx->raw_header->pos;

    out.buf = ctx->raw_header;
    out.next = NULL;

    return ngx_http_write_filter(r, &out);
}


ngx_int_t
ngx_http_sockerless_hijack_start(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx)
{
    ngx_http_upstream_t  *u;

    u = r->upstream;

    /* the buffer toward dockerd comes with the client's first byte */

    r->connection->log->action = "relaying a hijacked Docker stream";

    r->read_event_handler = ngx_http_sockerless_hijack_client_read;
    u->write_event_handler = ngx_http_sockerless_hijack_upstream_write;

    /*
     * what the client sent after the request, and what it sends next,
     * go to dockerd from the event loop, once the header is out
     */

    ngx_post_event(r->connection->read, &ngx_posted_events);

    return NGX_OK;
}


static void
ngx_http_sockerless_hijack_client_read(ngx_http_request_t *r)
{
    ngx_http_sockerless_hijack_pump(r);
}


static void
ngx_http_sockerless_hijack_upstream_write(ngx_http_request_t *r,
    ngx_http_upstream_t *u)
{
    ngx_http_sockerless_hijack_pump(r);
}


static void
ngx_http_sockerless_hijack_pump(ngx_http_request_t *r)
{
    u_char                      peek;
    size_t                      size;
    ssize_t                     n;
    ngx_buf_t                  *b, *hb;
    ngx_uint_t                  moved;
    ngx_connection_t           *c, *pc;
    ngx_http_upstream_t        *u;
    ngx_http_sockerless_ctx_t  *ctx;

    c = r->connection;
    u = r->upstream;
    pc = u->peer.connection;
    ctx = ngx_http_get_module_ctx(r, ngx_http_sockerless_module);

    if (pc == NULL || ctx == NULL || !ctx->hijack) {
        return;
    }

    hb = r->header_in;
    moved = 0;

    if (ctx->from_client == NULL) {

        /* an idle session (most of them) holds no buffer */

        if (hb->pos == hb->last && c->ssl == NULL && !ctx->client_eof) {
            n = recv(c->fd, (char *) &peek, 1, MSG_PEEK);

            if (n == -1 && ngx_socket_errno == NGX_EAGAIN) {
                c->read->ready = 0;
                goto events;
            }
        }

        ctx->from_client = ngx_create_temp_buf(r->pool,
                                               u->conf->buffer_size);
        if (ctx->from_client == NULL) {
            ngx_http_finalize_request(r, NGX_ERROR);
            return;
        }
    }

    b = ctx->from_client;

    for ( ;; ) {

        /* bytes the client sent along with the request come first */

        if (b->pos == b->last && hb->pos < hb->last) {
            size = ngx_min((size_t) (hb->last - hb->pos),
                           (size_t) (b->end - b->start));

            b->pos = b->start;
            b->last = ngx_cpymem(b->start, hb->pos, size);
            hb->pos += size;
        }

        if (b->pos < b->last) {

            if (ctx->upstream_write_error) {
                /* dockerd no longer reads: what the client sends is moot */
                b->pos = b->last;

            } else {
                n = pc->send(pc, b->pos, b->last - b->pos);

                if (n == NGX_AGAIN) {
                    break;
                }

                if (n == NGX_ERROR) {
                    ctx->upstream_write_error = 1;
                    b->pos = b->last;

                } else {
                    b->pos += n;
                    moved = 1;
                }
            }
        }

        if (b->pos < b->last) {
            continue;
        }

        b->pos = b->start;
        b->last = b->start;

        if (hb->pos < hb->last) {
            continue;
        }

        if (ctx->client_eof) {

            if (!ctx->upstream_shut) {
                ctx->upstream_shut = 1;

                ngx_log_debug1(NGX_LOG_DEBUG_HTTP, c->log, 0,
                               "sockerless hijack: client eof, "
                               "shutdown write to dockerd fd:%d", pc->fd);

                if (!ctx->upstream_write_error
                    && ngx_shutdown_socket(pc->fd, NGX_WRITE_SHUTDOWN) == -1)
                {
                    ngx_connection_error(pc, ngx_socket_errno,
                                         ngx_shutdown_socket_n " failed");
                }
            }

            break;
        }

        n = c->recv(c, b->last, b->end - b->last);

        if (n == NGX_AGAIN) {
            break;
        }

        if (n == NGX_ERROR) {
            ngx_log_error(NGX_LOG_INFO, c->log, 0,
                          "client closed the hijacked connection");
            ngx_http_finalize_request(r, NGX_HTTP_CLIENT_CLOSED_REQUEST);
            return;
        }

        if (n == 0) {
            ctx->client_eof = 1;
            continue;
        }

        b->last += n;
    }

events:

    if (!ctx->client_eof) {
        if (ngx_handle_read_event(c->read, 0) != NGX_OK) {
            ngx_http_finalize_request(r, NGX_ERROR);
            return;
        }
    }

    if (ngx_handle_write_event(pc->write, 0) != NGX_OK) {
        ngx_http_finalize_request(r, NGX_ERROR);
        return;
    }

    /* sockerless_stream_idle_timeout counts traffic in both directions */

    if (moved && pc->read->timer_set) {
        ngx_add_timer(pc->read, u->conf->read_timeout);
    }
}
