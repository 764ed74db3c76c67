
/*
 * Copyright (C) ngx_sockerless developers
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_sockerless_module.h"
#include "ngx_http_sockerless_client.h"


#define NGX_HTTP_SOCKERLESS_CLIENT_MESSAGE  256


static void ngx_http_sockerless_client_write_handler(ngx_event_t *wev);
static ngx_int_t ngx_http_sockerless_client_connected(
    ngx_http_sockerless_client_t *c);
#if (NGX_HTTP_SSL)
static void ngx_http_sockerless_client_ssl(ngx_http_sockerless_client_t *c);
static void ngx_http_sockerless_client_ssl_handshake(ngx_connection_t *pc);
#endif
static void ngx_http_sockerless_client_read_handler(ngx_event_t *rev);
static ngx_int_t ngx_http_sockerless_client_header(
    ngx_http_sockerless_client_t *c);
static void ngx_http_sockerless_client_fail(ngx_http_sockerless_client_t *c,
    ngx_int_t rc, ngx_err_t err, const char *fmt, ...);


ngx_int_t
ngx_http_sockerless_client_addr(ngx_http_request_t *r,
    ngx_http_sockerless_peer_t *peer)
{
    ngx_http_sockerless_ctx_t  *ctx;

    ngx_memzero(peer, sizeof(ngx_http_sockerless_peer_t));

    ctx = ngx_http_sockerless_get_ctx(r);

    if (ctx == NULL || ngx_http_sockerless_node_find(r, ctx) != NGX_OK) {
        return NGX_ERROR;
    }

    if (ctx->node_addr) {
        peer->addr = *ctx->node_addr;

    } else if (ngx_http_sockerless_client_upstream_addr(ctx->node_upstream,
                                                        &peer->addr)
               != NGX_OK)
    {
        return NGX_ERROR;
    }

    return ngx_http_sockerless_client_peer_ssl(r,
                                               ctx->node_upstream
                                               ? &ctx->node_upstream->host
                                               : &ctx->node,
                                               peer);
}


/*
 * The TLS of a side request to "node" (an upstream's name or an
 * address): the location's sockerless_ssl settings, as its requests to
 * the node have them
 */

ngx_int_t
ngx_http_sockerless_client_peer_ssl(ngx_http_request_t *r, ngx_str_t *node,
    ngx_http_sockerless_peer_t *peer)
{
#if (NGX_HTTP_SSL)

    ngx_http_sockerless_loc_conf_t  *slcf;

    slcf = ngx_http_get_module_loc_conf(r, ngx_http_sockerless_module);

    if (!slcf->ssl) {
        return NGX_OK;
    }

    peer->ssl = slcf->upstream.ssl;
    peer->ssl_verify = slcf->upstream.ssl_verify;

    return ngx_http_sockerless_node_ssl_name(r, node, &peer->ssl_name);

#else

    return NGX_OK;

#endif
}


ngx_int_t
ngx_http_sockerless_client_upstream_addr(ngx_http_upstream_srv_conf_t *uscf,
    ngx_addr_t *addr)
{
    ngx_http_upstream_server_t  *us;

    if (uscf == NULL || uscf->servers == NULL || uscf->servers->nelts == 0) {
        return NGX_ERROR;
    }

    us = uscf->servers->elts;

    if (us[0].naddrs == 0) {
        return NGX_ERROR;
    }

    *addr = us[0].addrs[0];

    return NGX_OK;
}


ngx_http_sockerless_client_t *
ngx_http_sockerless_client_create(ngx_pool_t *pool, ngx_log_t *log,
    ngx_http_sockerless_peer_t *peer, size_t size, ngx_msec_t timeout)
{
    ngx_http_sockerless_client_t  *c;

    c = ngx_pcalloc(pool, sizeof(ngx_http_sockerless_client_t));
    if (c == NULL) {
        return NULL;
    }

    c->pool = pool;
    c->log = log;
    c->timeout = timeout;

    /* the client may outlive the request: its own copy of the address */

    c->addr.socklen = peer->addr.socklen;
    c->addr.sockaddr = ngx_palloc(pool, peer->addr.socklen);
    c->addr.name.len = peer->addr.name.len;
    c->addr.name.data = ngx_pstrdup(pool, &peer->addr.name);

    if (c->addr.sockaddr == NULL || c->addr.name.data == NULL) {
        return NULL;
    }

    ngx_memcpy(c->addr.sockaddr, peer->addr.sockaddr, peer->addr.socklen);

#if (NGX_HTTP_SSL)

    c->ssl = peer->ssl;
    c->ssl_verify = peer->ssl_verify;

    /* null-terminated, for SSL_set_tlsext_host_name() */

    c->ssl_name.len = peer->ssl_name.len;
    c->ssl_name.data = ngx_pnalloc(pool, peer->ssl_name.len + 1);
    if (c->ssl_name.data == NULL) {
        return NULL;
    }

    (void) ngx_cpystrn(c->ssl_name.data, peer->ssl_name.data,
                       peer->ssl_name.len + 1);

#endif

    c->in = ngx_create_temp_buf(pool, size);
    if (c->in == NULL) {
        return NULL;
    }

    return c;
}


ngx_int_t
ngx_http_sockerless_client_request(ngx_http_sockerless_client_t *c,
    const char *method, ngx_str_t *target, ngx_str_t *headers,
    ngx_str_t *body)
{
    size_t                          len;
    ngx_int_t                       rc;
    ngx_err_t                       err;
    ngx_buf_t                      *b;
    ngx_connection_t               *pc;
    ngx_http_sockerless_client_pt   handler;

    ngx_http_sockerless_client_close(c);

    c->header = 0;
    c->truncated = 0;
    c->status = 0;
    ngx_str_null(&c->header_lines);
    c->in->pos = c->in->start;
    c->in->last = c->in->start;

    len = ngx_strlen(method) + 1 + target->len
          + sizeof(" HTTP/1.0" CRLF "Host: docker" CRLF CRLF) - 1
          + headers->len;

    if (body) {
        len += sizeof("Content-Type: application/json" CRLF
                      "Content-Length: " CRLF) - 1
               + NGX_SIZE_T_LEN + body->len;
    }

    b = ngx_create_temp_buf(c->pool, len);
    if (b == NULL) {
        ngx_str_set(&c->message, "out of memory");
        return NGX_ERROR;
    }

    b->last = ngx_sprintf(b->last, "%s %V HTTP/1.0" CRLF "Host: docker" CRLF
                          "%V", method, target, headers);

    if (body) {
        b->last = ngx_sprintf(b->last, "Content-Type: application/json" CRLF
                              "Content-Length: %uz" CRLF CRLF "%V",
                              body->len, body);

    } else {
        b->last = ngx_cpymem(b->last, CRLF, 2);
    }

    c->out = b;
    c->connected = 0;

    ngx_memzero(&c->peer, sizeof(ngx_peer_connection_t));

    c->peer.sockaddr = c->addr.sockaddr;
    c->peer.socklen = c->addr.socklen;
    c->peer.name = &c->addr.name;
    c->peer.get = ngx_event_get_peer;
    c->peer.log = c->log;
    c->peer.log_error = NGX_ERROR_ERR;

    rc = ngx_event_connect_peer(&c->peer);

    if (rc == NGX_ERROR || rc == NGX_BUSY || rc == NGX_DECLINED) {
        err = ngx_socket_errno;

        /*
         * a unix socket refuses at once: only the return value says so,
         * the handler is not called (it may free the client)
         */

        handler = c->handler;
        c->handler = NULL;

        ngx_http_sockerless_client_fail(c, NGX_ERROR, err,
                                        "Cannot connect to the Docker "
                                        "daemon at %V", &c->addr.name);
        c->handler = handler;

        return NGX_ERROR;
    }

    pc = c->peer.connection;

    pc->data = c;
    pc->pool = c->pool;
    pc->log = c->log;
    pc->read->log = c->log;
    pc->write->log = c->log;
    pc->read->handler = ngx_http_sockerless_client_read_handler;
    pc->write->handler = ngx_http_sockerless_client_write_handler;

    ngx_add_timer(pc->read, c->timeout);

    if (rc == NGX_OK) {
        ngx_post_event(pc->write, &ngx_posted_events);
    }

    return NGX_OK;
}


void
ngx_http_sockerless_client_close(ngx_http_sockerless_client_t *c)
{
    if (c->peer.connection == NULL) {
        return;
    }

#if (NGX_HTTP_SSL)

    if (c->peer.connection->ssl) {
        c->peer.connection->ssl->no_wait_shutdown = 1;
        (void) ngx_ssl_shutdown(c->peer.connection);
    }

#endif

    ngx_close_connection(c->peer.connection);
    c->peer.connection = NULL;
}


static void
ngx_http_sockerless_client_write_handler(ngx_event_t *wev)
{
    ssize_t                        n;
    ngx_connection_t              *pc;
    ngx_http_sockerless_client_t  *c;

    pc = wev->data;
    c = pc->data;

    if (!c->connected) {

        /* the connection is made, or failed */

        if (ngx_http_sockerless_client_connected(c) != NGX_OK) {
            return;
        }

#if (NGX_HTTP_SSL)

        if (c->ssl) {
            ngx_http_sockerless_client_ssl(c);
            return;
        }

#endif
    }

    while (c->out->pos < c->out->last) {
        n = pc->send(pc, c->out->pos, c->out->last - c->out->pos);

        if (n == NGX_AGAIN) {
            if (ngx_handle_write_event(wev, 0) != NGX_OK) {
                break;
            }

            return;
        }

        if (n == NGX_ERROR) {
            ngx_http_sockerless_client_fail(c, NGX_ERROR, ngx_socket_errno,
                                            "the Docker daemon at %V closed "
                                            "the connection",
                                            &c->addr.name);
            return;
        }

        c->out->pos += n;
    }
}


static void
ngx_http_sockerless_client_read_handler(ngx_event_t *rev)
{
    ssize_t                        n;
    ngx_int_t                      rc;
    ngx_buf_t                     *b;
    ngx_uint_t                     eof;
    ngx_connection_t              *pc;
    ngx_http_sockerless_client_t  *c;

    pc = rev->data;
    c = pc->data;
    b = c->in;

    if (rev->timedout) {
        ngx_http_sockerless_client_fail(c, NGX_HTTP_GATEWAY_TIME_OUT, 0,
                                        "the Docker daemon at %V sent "
                                        "nothing for %M ms", &c->addr.name,
                                        c->timeout);
        return;
    }

    for ( ;; ) {

        if (b->last == b->end) {

            if (b->pos > b->start) {
                b->last = ngx_movemem(b->start, b->pos, b->last - b->pos);
                b->pos = b->start;

            } else {
                /* nothing read of a full buffer: dropped */
                c->truncated = 1;
                b->pos = b->start;
                b->last = b->start;
            }
        }

        n = pc->recv(pc, b->last, b->end - b->last);

        if (n == NGX_AGAIN) {
            break;
        }

        eof = (n == 0 || n == NGX_ERROR);

        if (!eof) {
            b->last += n;
            ngx_add_timer(rev, c->timeout);
        }

        if (!c->header) {
            rc = ngx_http_sockerless_client_header(c);

            if (rc == NGX_AGAIN && !eof) {
                continue;
            }

            if (rc != NGX_OK) {
                ngx_http_sockerless_client_fail(c, NGX_ERROR, 0,
                                                "the Docker daemon at %V "
                                                "sent no valid response",
                                                &c->addr.name);
                return;
            }
        }

        if (eof) {
            ngx_http_sockerless_client_close(c);
            (void) c->handler(c, NGX_OK);
            return;
        }

        if (b->pos < b->last && c->handler(c, NGX_AGAIN) == NGX_DONE) {
            return;
        }
    }

    if (ngx_handle_read_event(rev, 0) != NGX_OK) {
        ngx_http_sockerless_client_fail(c, NGX_ERROR, 0,
                                        "cannot wait for the Docker daemon");
    }
}


/* the connect(2) began by the request is done: did it succeed? */

static ngx_int_t
ngx_http_sockerless_client_connected(ngx_http_sockerless_client_t *c)
{
    int                err;
    socklen_t          len;
    ngx_connection_t  *pc;

    pc = c->peer.connection;
    c->connected = 1;

    err = 0;
    len = sizeof(int);

    if (getsockopt(pc->fd, SOL_SOCKET, SO_ERROR, (void *) &err, &len) == -1) {
        err = ngx_socket_errno;
    }

    if (err) {
        ngx_http_sockerless_client_fail(c, NGX_ERROR, err,
                                        "Cannot connect to the Docker "
                                        "daemon at %V", &c->addr.name);
        return NGX_ERROR;
    }

    return NGX_OK;
}


#if (NGX_HTTP_SSL)

/* a node over TLS: the handshake first, as the upstream to it does */

static void
ngx_http_sockerless_client_ssl(ngx_http_sockerless_client_t *c)
{
    ngx_int_t          rc;
    ngx_connection_t  *pc;

    pc = c->peer.connection;

    if (ngx_ssl_create_connection(c->ssl, pc, NGX_SSL_CLIENT) != NGX_OK) {
        ngx_http_sockerless_client_fail(c, NGX_ERROR, 0,
                                        "no TLS to the Docker daemon at %V",
                                        &c->addr.name);
        return;
    }

#ifdef SSL_CTRL_SET_TLSEXT_HOSTNAME

    /* no SNI for an address (RFC 6066) */

    if (c->ssl_name.len && c->ssl_name.data[0] != '['
        && ngx_inet_addr(c->ssl_name.data, c->ssl_name.len) == INADDR_NONE
        && SSL_set_tlsext_host_name(pc->ssl->connection,
                                    (char *) c->ssl_name.data)
           == 0)
    {
        ngx_http_sockerless_client_fail(c, NGX_ERROR, 0,
                                        "no TLS server name \"%V\" for the "
                                        "Docker daemon at %V", &c->ssl_name,
                                        &c->addr.name);
        return;
    }

#endif

    rc = ngx_ssl_handshake(pc);

    if (rc == NGX_AGAIN) {
        pc->ssl->handler = ngx_http_sockerless_client_ssl_handshake;
        return;
    }

    ngx_http_sockerless_client_ssl_handshake(pc);
}


static void
ngx_http_sockerless_client_ssl_handshake(ngx_connection_t *pc)
{
    long                           rc;
    ngx_http_sockerless_client_t  *c;

    c = pc->data;

    if (!pc->ssl->handshaked) {
        ngx_http_sockerless_client_fail(c, pc->read->timedout
                                           ? NGX_HTTP_GATEWAY_TIME_OUT
                                           : NGX_ERROR,
                                        0, "the TLS handshake with the "
                                        "Docker daemon at %V failed",
                                        &c->addr.name);
        return;
    }

    if (c->ssl_verify) {
        rc = SSL_get_verify_result(pc->ssl->connection);

        if (rc != X509_V_OK) {
            ngx_http_sockerless_client_fail(c, NGX_ERROR, 0,
                                            "the certificate of the Docker "
                                            "daemon at %V: %s", &c->addr.name,
                                            X509_verify_cert_error_string(rc));
            return;
        }

        if (ngx_ssl_check_host(pc, &c->ssl_name) != NGX_OK) {
            ngx_http_sockerless_client_fail(c, NGX_ERROR, 0,
                                            "the certificate of the Docker "
                                            "daemon at %V is not for \"%V\"",
                                            &c->addr.name, &c->ssl_name);
            return;
        }
    }

    pc->read->handler = ngx_http_sockerless_client_read_handler;
    pc->write->handler = ngx_http_sockerless_client_write_handler;

    ngx_http_sockerless_client_write_handler(pc->write);
}

#endif


/* "HTTP/1.x NNN ...": the status; the other headers are not needed */

static ngx_int_t
ngx_http_sockerless_client_header(ngx_http_sockerless_client_t *c)
{
    u_char     *end, *s;
    ngx_buf_t  *b;
    ngx_int_t   status;

    b = c->in;

    end = ngx_strlcasestrn(b->pos, b->last, (u_char *) CRLF CRLF, 4 - 1);

    if (end == NULL) {
        return NGX_AGAIN;
    }

    s = b->pos;

    if (end - s < 12 || ngx_strncmp(s, "HTTP/1.", 7) != 0 || s[8] != ' ') {
        return NGX_ERROR;
    }

    status = ngx_atoi(s + 9, 3);

    if (status == NGX_ERROR) {
        return NGX_ERROR;
    }

    c->status = status;
    c->header = 1;

    s = ngx_strlchr(s, end, LF);

    c->header_lines.data = s ? s + 1 : end;
    c->header_lines.len = end + 2 - c->header_lines.data;

    b->pos = end + 4;

    return NGX_OK;
}


static void
ngx_http_sockerless_client_fail(ngx_http_sockerless_client_t *c,
    ngx_int_t rc, ngx_err_t err, const char *fmt, ...)
{
    u_char   *p, *last;
    va_list   args;

    ngx_http_sockerless_client_close(c);

    c->err = err;

    p = ngx_pnalloc(c->pool, NGX_HTTP_SOCKERLESS_CLIENT_MESSAGE);

    if (p == NULL) {
        ngx_str_set(&c->message, "the request to the Docker daemon failed");

    } else {
        last = p + NGX_HTTP_SOCKERLESS_CLIENT_MESSAGE;

        va_start(args, fmt);
        c->message.data = p;
        p = ngx_vslprintf(p, last, fmt, args);
        va_end(args);

        if (err) {
            p = ngx_slprintf(p, last, ": ");
            p = ngx_strerror(err, p, last - p);
        }

        c->message.len = p - c->message.data;
    }

    if (c->handler) {
        (void) c->handler(c, rc);
    }
}
