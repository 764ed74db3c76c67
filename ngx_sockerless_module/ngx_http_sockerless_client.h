
/*
 * Copyright (C) ngx_sockerless developers
 */


#ifndef _NGX_HTTP_SOCKERLESS_CLIENT_H_INCLUDED_
#define _NGX_HTTP_SOCKERLESS_CLIENT_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>


/*
 * A small non-blocking HTTP/1.0 client of dockerd, on a connection of its
 * own: the module's side requests (auto-pull, the names a policy has
 * dockerd resolve, health checks).  HTTP/1.0, so that dockerd ends each
 * answer by closing the connection; one request per connection.
 *
 * The handler is called with NGX_AGAIN when bytes of the answer's body
 * are in c->in (the status is in c->status; the handler consumes what it
 * reads by moving c->in->pos), and returns NGX_OK to read on, or NGX_DONE
 * when it closed the client, freed it or started another request on it.
 * It is called once more, with NGX_OK when the answer ended, or with
 * NGX_ERROR or NGX_HTTP_GATEWAY_TIME_OUT when it failed (c->message says
 * why); the connection is closed then, and the client is not touched
 * afterwards.  When c->in fills up with nothing consumed, its bytes are
 * dropped and c->truncated is set.  c->header_lines, the answer's
 * header lines after the status line, point into c->in: they are valid in
 * the handler's first call, before c->in is moved or fills up.
 */


typedef struct ngx_http_sockerless_client_s  ngx_http_sockerless_client_t;


/* where side requests go: the request's node, over TLS or not */

typedef struct {
    ngx_addr_t                      addr;
#if (NGX_HTTP_SSL)
    ngx_ssl_t                      *ssl;       /* TLS to the node, or NULL */
    ngx_str_t                       ssl_name;  /* SNI, checked if verify */
    ngx_flag_t                      ssl_verify;
#endif
} ngx_http_sockerless_peer_t;

typedef ngx_int_t (*ngx_http_sockerless_client_pt)(
    ngx_http_sockerless_client_t *c, ngx_int_t rc);


struct ngx_http_sockerless_client_s {
    ngx_pool_t                     *pool;
    ngx_log_t                      *log;
    ngx_addr_t                      addr;      /* dockerd */
#if (NGX_HTTP_SSL)
    ngx_ssl_t                      *ssl;       /* TLS to it, or NULL */
    ngx_str_t                       ssl_name;
    ngx_flag_t                      ssl_verify;
#endif
    ngx_msec_t                      timeout;   /* dockerd quiet so long */

    ngx_buf_t                      *out;       /* the request */
    ngx_buf_t                      *in;        /* the answer's body */

    ngx_uint_t                      status;
    ngx_str_t                       header_lines;  /* of the answer */
    ngx_str_t                       message;   /* why it failed */
    ngx_err_t                       err;       /* the system's error */

    ngx_http_sockerless_client_pt   handler;
    void                           *data;

    ngx_peer_connection_t           peer;

    unsigned                        header:1;
    unsigned                        truncated:1;
    unsigned                        connected:1;
};


/*
 * The dockerd of the request's node (the first server of an upstream{}),
 * and how to talk TLS to it (ngx_http_sockerless_node.c)
 */
ngx_int_t ngx_http_sockerless_client_addr(ngx_http_request_t *r,
    ngx_http_sockerless_peer_t *peer);
ngx_int_t ngx_http_sockerless_client_peer_ssl(ngx_http_request_t *r,
    ngx_str_t *node, ngx_http_sockerless_peer_t *peer);

/* the address of an upstream's first server */
ngx_int_t ngx_http_sockerless_client_upstream_addr(
    ngx_http_upstream_srv_conf_t *uscf, ngx_addr_t *addr);

/* the client keeps a copy of "peer" in "pool" */
ngx_http_sockerless_client_t *ngx_http_sockerless_client_create(
    ngx_pool_t *pool, ngx_log_t *log, ngx_http_sockerless_peer_t *peer,
    size_t size, ngx_msec_t timeout);

/*
 * Sends "method target" with "headers" (whole lines, CRLF included, or an
 * empty string) and "body" (JSON; NULL: none).  The answer comes to
 * c->handler from the event loop.  NGX_ERROR: nothing was sent,
 * c->message says why, and c->handler is not called.
 */
ngx_int_t ngx_http_sockerless_client_request(ngx_http_sockerless_client_t *c,
    const char *method, ngx_str_t *target, ngx_str_t *headers,
    ngx_str_t *body);

void ngx_http_sockerless_client_close(ngx_http_sockerless_client_t *c);


#endif /* _NGX_HTTP_SOCKERLESS_CLIENT_H_INCLUDED_ */
