
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
 *                       closes and all output has reached the client (its
 *                       buffer held only while bytes flow, see
 *                       ngx_http_sockerless_upstream.c);
 *   client -> dockerd   this file: forwards what the client sends, and at
 *                       the client's EOF shuts down only the write side of
 *                       the connection to dockerd.
 *
 * dockerd's response header goes to the client byte for byte, through no
 * header filter: it must not gain "Transfer-Encoding: chunked" or any
 * "Connection" header of nginx's.
 *
 * Where neither connection is TLS (Linux), the client's bytes go to
 * dockerd through a pipe with splice(2), never through user space.  An
 * idle session holds no pipe: it takes one when the client has bytes to
 * send and closes it once the pipe is empty and the client was quiet for
 * NGX_HTTP_SOCKERLESS_PIPE_IDLE.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_sockerless_module.h"


#define NGX_HTTP_SOCKERLESS_PIPE_IDLE  1000


#if (NGX_LINUX)

/* the pipe of a session that splices, in the request's pool cleanup */

typedef struct {
    ngx_http_request_t            *request;
    ngx_fd_t                       pipe[2];
    size_t                         piped;     /* bytes in the pipe */
    ngx_event_t                    idle;      /* closes an unused pipe */
} ngx_http_sockerless_splice_t;

#endif


static void ngx_http_sockerless_hijack_client_read(ngx_http_request_t *r);
static void ngx_http_sockerless_hijack_upstream_write(ngx_http_request_t *r,
    ngx_http_upstream_t *u);
static void ngx_http_sockerless_hijack_pump(ngx_http_request_t *r);
static ngx_int_t ngx_http_sockerless_hijack_copy(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx, ngx_uint_t *moved);
static void ngx_http_sockerless_hijack_shutdown(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx);

#if (NGX_SSL)
static ngx_int_t ngx_http_sockerless_hijack_ssl_shutdown(
    ngx_http_request_t *r, ngx_connection_t *pc);
#endif

#if (NGX_LINUX)
static ngx_int_t ngx_http_sockerless_hijack_splice(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx, ngx_uint_t *moved);
static ngx_http_sockerless_splice_t *ngx_http_sockerless_splice_get(
    ngx_http_request_t *r, ngx_uint_t create);
static void ngx_http_sockerless_splice_idle(ngx_event_t *ev);
static void ngx_http_sockerless_splice_close(ngx_http_sockerless_splice_t *sp);
static void ngx_http_sockerless_splice_cleanup(void *data);
#endif


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

    ngx_http_sockerless_observe_hijack(r, ctx);

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
    ngx_int_t                   rc;
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

    moved = 0;

#if (NGX_LINUX)

    /* a session that could get no pipe goes on with a buffer */

    rc = NGX_DECLINED;

    if (c->ssl == NULL
#if (NGX_SSL)
        && pc->ssl == NULL
#endif
        && ctx->from_client == NULL)
    {
        rc = ngx_http_sockerless_hijack_splice(r, ctx, &moved);
    }

    if (rc == NGX_DECLINED) {
        rc = ngx_http_sockerless_hijack_copy(r, ctx, &moved);
    }

#else

    rc = ngx_http_sockerless_hijack_copy(r, ctx, &moved);

#endif

    if (rc == NGX_DONE) {
        /* finalized */
        return;
    }

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


/*
 * Through a buffer: it comes with the client's bytes and goes when they
 * are all sent and the client is quiet.  Returns NGX_OK to wait for
 * events, NGX_DONE once the request is finalized.
 */

static ngx_int_t
ngx_http_sockerless_hijack_copy(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx, ngx_uint_t *moved)
{
    u_char                peek;
    size_t                size;
    ssize_t               n;
    ngx_buf_t            *b, *hb;
    ngx_connection_t     *c, *pc;
    ngx_http_upstream_t  *u;

    c = r->connection;
    u = r->upstream;
    pc = u->peer.connection;
    hb = r->header_in;

    b = ctx->from_client;

    if (b == NULL || b->start == NULL) {

        /* an idle session (most of them) holds no buffer */

        if (hb->pos == hb->last && c->ssl == NULL && !ctx->client_eof) {
            n = recv(c->fd, (char *) &peek, 1, MSG_PEEK);

            if (n == -1 && ngx_socket_errno == NGX_EAGAIN) {
                c->read->ready = 0;
                return NGX_OK;
            }
        }

        if (b == NULL) {
            b = ngx_calloc_buf(r->pool);
            if (b == NULL) {
                ngx_http_finalize_request(r, NGX_ERROR);
                return NGX_DONE;
            }

            b->temporary = 1;
            ctx->from_client = b;
        }

        b->start = ngx_palloc(r->pool, u->conf->buffer_size);
        if (b->start == NULL) {
            ngx_http_finalize_request(r, NGX_ERROR);
            return NGX_DONE;
        }

        b->pos = b->start;
        b->last = b->start;
        b->end = b->start + u->conf->buffer_size;
    }

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
                    return NGX_OK;
                }

                if (n == NGX_ERROR) {
                    ctx->upstream_write_error = 1;
                    b->pos = b->last;

                } else {
                    b->pos += n;
                    *moved = 1;
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
            (void) ngx_http_sockerless_free_buf(r->pool, b);
            ngx_http_sockerless_hijack_shutdown(r, ctx);
            return NGX_OK;
        }

        n = c->recv(c, b->last, b->end - b->last);

        if (n == NGX_AGAIN) {
            /* all sent, the client quiet: the buffer goes until it speaks */
            (void) ngx_http_sockerless_free_buf(r->pool, b);
            return NGX_OK;
        }

        if (n == NGX_ERROR) {
            ngx_log_error(NGX_LOG_INFO, c->log, 0,
                          "client closed the hijacked connection");
            ngx_http_finalize_request(r, NGX_HTTP_CLIENT_CLOSED_REQUEST);
            return NGX_DONE;
        }

        if (n == 0) {
            ctx->client_eof = 1;
            continue;
        }

        b->last += n;
    }
}


/* at the client's EOF: dockerd reads EOF too, and still writes */

static void
ngx_http_sockerless_hijack_shutdown(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx)
{
    ngx_connection_t  *pc;

    if (ctx->upstream_shut) {
        return;
    }

    pc = r->upstream->peer.connection;

#if (NGX_SSL)

    if (pc->ssl && !ctx->upstream_write_error) {

        /*
         * a node over TLS: a close_notify, and the socket stays open both
         * ways, for what the node still sends (TLS 1.3 half-close; the
         * module on the node half-closes toward its dockerd in turn)
         */

        if (ngx_http_sockerless_hijack_ssl_shutdown(r, pc) == NGX_AGAIN) {
            return;
        }

        ctx->upstream_shut = 1;
        return;
    }

#endif

    ctx->upstream_shut = 1;

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "sockerless hijack: client eof, "
                   "shutdown write to dockerd fd:%d", pc->fd);

    if (!ctx->upstream_write_error
        && ngx_shutdown_socket(pc->fd, NGX_WRITE_SHUTDOWN) == -1)
    {
        ngx_connection_error(pc, ngx_socket_errno,
                             ngx_shutdown_socket_n " failed");
    }
}


#if (NGX_SSL)

/*
 * SSL_shutdown() once: it sends the close_notify and returns 0 (the
 * node's has not come), or 1; reading goes on after it.  NGX_AGAIN: the
 * socket took no more, again on the next write event.
 */

static ngx_int_t
ngx_http_sockerless_hijack_ssl_shutdown(ngx_http_request_t *r,
    ngx_connection_t *pc)
{
    int  n, sslerr;

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "sockerless hijack: client eof, "
                   "close_notify to the node fd:%d", pc->fd);

    ERR_clear_error();

    n = SSL_shutdown(pc->ssl->connection);

    if (n >= 0) {
        return NGX_OK;
    }

    sslerr = SSL_get_error(pc->ssl->connection, n);

    if (sslerr == SSL_ERROR_WANT_WRITE) {
        pc->write->ready = 0;
        return NGX_AGAIN;
    }

    if (sslerr != SSL_ERROR_WANT_READ) {
        ngx_ssl_error(NGX_LOG_INFO, pc->log, 0,
                      "SSL_shutdown() toward the node failed");
    }

    return NGX_OK;
}

#endif


#if (NGX_LINUX)

/*
 * Through a pipe: client socket -> pipe -> dockerd's socket.  The pipe is
 * filled only when it is empty, so that an EAGAIN of the client's side
 * means the client has nothing more to send.  NGX_DECLINED: no pipe could
 * be had (descriptors run out first), the buffer takes over.
 */

static ngx_int_t
ngx_http_sockerless_hijack_splice(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx, ngx_uint_t *moved)
{
    u_char                         peek;
    ssize_t                        n;
    ngx_err_t                      err;
    ngx_buf_t                     *hb;
    ngx_connection_t              *c, *pc;
    ngx_http_sockerless_splice_t  *sp;

    c = r->connection;
    pc = r->upstream->peer.connection;
    hb = r->header_in;

    sp = ngx_http_sockerless_splice_get(r, 0);

    for ( ;; ) {

        /* bytes the client sent along with the request come first */

        if (hb->pos < hb->last) {

            if (ctx->upstream_write_error) {
                /* dockerd no longer reads: what the client sends is moot */
                hb->pos = hb->last;
                continue;
            }

            n = pc->send(pc, hb->pos, hb->last - hb->pos);

            if (n == NGX_AGAIN) {
                return NGX_OK;
            }

            if (n == NGX_ERROR) {
                ctx->upstream_write_error = 1;
                continue;
            }

            hb->pos += n;
            *moved = 1;
            continue;
        }

        if (sp && sp->piped) {

            if (ctx->upstream_write_error) {
                ngx_http_sockerless_splice_close(sp);
                continue;
            }

            n = splice(sp->pipe[0], NULL, pc->fd, NULL, sp->piped,
                       SPLICE_F_MOVE|SPLICE_F_NONBLOCK);

            if (n == -1) {
                err = ngx_errno;

                if (err == NGX_EAGAIN) {
                    pc->write->ready = 0;
                    return NGX_OK;
                }

                if (err == NGX_EINTR) {
                    continue;
                }

                ngx_connection_error(pc, err, "splice() to dockerd failed");
                ctx->upstream_write_error = 1;
                continue;
            }

            sp->piped -= n;
            *moved = 1;
            continue;
        }

        if (ctx->client_eof) {
            ngx_http_sockerless_hijack_shutdown(r, ctx);
            return NGX_OK;
        }

        if (sp == NULL || sp->pipe[1] == NGX_INVALID_FILE) {

            /* an idle session (most of them) holds no pipe */

            n = recv(c->fd, (char *) &peek, 1, MSG_PEEK);

            if (n == -1 && ngx_socket_errno == NGX_EAGAIN) {
                c->read->ready = 0;
                return NGX_OK;
            }

            if (n == 0) {
                ctx->client_eof = 1;
                continue;
            }

            if (n == -1 && ngx_socket_errno == NGX_EINTR) {
                continue;
            }

            if (n == -1) {
                goto closed;
            }

            sp = ngx_http_sockerless_splice_get(r, 1);
            if (sp == NULL) {
                return NGX_DECLINED;
            }
        }

        n = splice(c->fd, NULL, sp->pipe[1], NULL, 1024 * 1024,
                   SPLICE_F_MOVE|SPLICE_F_NONBLOCK);

        if (n == 0) {
            ctx->client_eof = 1;
            continue;
        }

        if (n == -1) {
            err = ngx_errno;

            if (err == NGX_EAGAIN) {
                c->read->ready = 0;
                break;
            }

            if (err == NGX_EINTR) {
                continue;
            }

            goto closed;
        }

        sp->piped += n;
    }

    /* the client is quiet and the pipe empty: the pipe goes if it stays so */

    if (*moved || !sp->idle.timer_set) {
        ngx_add_timer(&sp->idle, NGX_HTTP_SOCKERLESS_PIPE_IDLE);
    }

    return NGX_OK;

closed:

    ngx_log_error(NGX_LOG_INFO, c->log, ngx_socket_errno,
                  "client closed the hijacked connection");
    ngx_http_finalize_request(r, NGX_HTTP_CLIENT_CLOSED_REQUEST);

    return NGX_DONE;
}


/* the session's pipe state; with "create", a pipe too */

static ngx_http_sockerless_splice_t *
ngx_http_sockerless_splice_get(ngx_http_request_t *r, ngx_uint_t create)
{
    ngx_pool_cleanup_t            *cln;
    ngx_http_sockerless_splice_t  *sp;

    sp = NULL;

    for (cln = r->pool->cleanup; cln; cln = cln->next) {
        if (cln->handler == ngx_http_sockerless_splice_cleanup) {
            sp = cln->data;
            break;
        }
    }

    if (!create) {
        return sp;
    }

    if (sp == NULL) {
        cln = ngx_pool_cleanup_add(r->pool,
                                   sizeof(ngx_http_sockerless_splice_t));
        if (cln == NULL) {
            return NULL;
        }

        sp = cln->data;
        ngx_memzero(sp, sizeof(ngx_http_sockerless_splice_t));

        sp->request = r;
        sp->pipe[0] = NGX_INVALID_FILE;
        sp->pipe[1] = NGX_INVALID_FILE;

        sp->idle.handler = ngx_http_sockerless_splice_idle;
        sp->idle.data = sp;
        sp->idle.log = r->connection->log;
        sp->idle.cancelable = 1;

        cln->handler = ngx_http_sockerless_splice_cleanup;
    }

    if (sp->pipe[0] == NGX_INVALID_FILE) {
        if (pipe2(sp->pipe, O_NONBLOCK|O_CLOEXEC) == -1) {
            ngx_log_error(NGX_LOG_WARN, r->connection->log, ngx_errno,
                          "pipe2() failed, relaying through a buffer");
            sp->pipe[0] = NGX_INVALID_FILE;
            sp->pipe[1] = NGX_INVALID_FILE;
            return NULL;
        }

        sp->piped = 0;
    }

    return sp;
}


static void
ngx_http_sockerless_splice_idle(ngx_event_t *ev)
{
    ngx_http_sockerless_splice_t  *sp = ev->data;

    if (sp->piped == 0) {
        ngx_log_debug0(NGX_LOG_DEBUG_HTTP, ev->log, 0,
                       "sockerless hijack: idle, pipe closed");

        ngx_http_sockerless_splice_close(sp);
    }
}


static void
ngx_http_sockerless_splice_close(ngx_http_sockerless_splice_t *sp)
{
    if (sp->idle.timer_set) {
        ngx_del_timer(&sp->idle);
    }

    if (sp->pipe[0] != NGX_INVALID_FILE) {
        (void) close(sp->pipe[0]);
        (void) close(sp->pipe[1]);
    }

    sp->pipe[0] = NGX_INVALID_FILE;
    sp->pipe[1] = NGX_INVALID_FILE;
    sp->piped = 0;
}


static void
ngx_http_sockerless_splice_cleanup(void *data)
{
    ngx_http_sockerless_splice_close(data);
}

#endif
