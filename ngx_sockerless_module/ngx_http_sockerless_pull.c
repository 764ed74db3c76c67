
/*
 * Copyright (C) ngx_sockerless developers
 */


/*
 * Auto-pull on container create.
 *
 * A pull is a small non-blocking HTTP client of the module's own, on a
 * connection to dockerd of its own: "GET /images/{ref}/json", then, when
 * dockerd has no such image, "POST /images/create?fromImage=&tag=" whose
 * progress stream is read line by line for errors.  Requests are HTTP/1.0,
 * so that dockerd ends each response by closing the connection.
 *
 * Creates that wait for the same image (with the same platform and
 * credentials) in one worker wait for one pull.  A pull outlives the
 * request that started it, and ends when the last waiting request does.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_sockerless_module.h"
#include "ngx_sockerless_image.h"
#include "ngx_sockerless_json.h"


#define NGX_HTTP_SOCKERLESS_PULL_BUFFER   65536
#define NGX_HTTP_SOCKERLESS_PULL_MESSAGE  1024

#define NGX_HTTP_SOCKERLESS_PULL_INSPECT  0
#define NGX_HTTP_SOCKERLESS_PULL_CREATE   1


struct ngx_http_sockerless_pull_s {
    ngx_queue_t                    queue;     /* in the worker's pulls */
    ngx_queue_t                    waiters;

    ngx_pool_t                    *pool;
    ngx_log_t                     *log;

    ngx_str_t                      image;     /* as the create named it */
    ngx_str_t                      name;      /* fromImage */
    ngx_str_t                      tag;       /* tag or digest */
    ngx_str_t                      platform;  /* as in the create's query */
    ngx_str_t                      auth;      /* X-Registry-Auth */

    ngx_addr_t                     addr;      /* dockerd */
    ngx_peer_connection_t          peer;

    ngx_buf_t                     *out;
    ngx_buf_t                     *in;

    ngx_event_t                    begin;     /* the first step */

    ngx_msec_t                     timeout;
    ngx_msec_t                     start;

    ngx_uint_t                     step;
    ngx_uint_t                     status;    /* of the step's response */

    ngx_uint_t                     error;     /* status of the outcome */
    ngx_str_t                      message;

    unsigned                       header:1;
    unsigned                       pulled:1;
    unsigned                       skip_line:1;
};


typedef struct {
    ngx_queue_t                    queue;
    ngx_http_request_t            *request;
    ngx_http_sockerless_pull_t    *pull;
} ngx_http_sockerless_waiter_t;


static ngx_http_sockerless_pull_t *ngx_http_sockerless_pull_create(
    ngx_http_request_t *r, ngx_str_t *image, ngx_str_t *name, ngx_str_t *tag,
    ngx_str_t *platform, ngx_str_t *auth);
static ngx_http_sockerless_pull_t *ngx_http_sockerless_pull_find(
    ngx_http_sockerless_main_conf_t *smcf, ngx_str_t *name, ngx_str_t *tag,
    ngx_str_t *platform, ngx_str_t *auth);
static void ngx_http_sockerless_pull_begin(ngx_event_t *ev);
static ngx_int_t ngx_http_sockerless_pull_step(ngx_http_sockerless_pull_t *p,
    ngx_uint_t step);
static void ngx_http_sockerless_pull_write_handler(ngx_event_t *wev);
static void ngx_http_sockerless_pull_read_handler(ngx_event_t *rev);
static ngx_int_t ngx_http_sockerless_pull_header(
    ngx_http_sockerless_pull_t *p);
static ngx_int_t ngx_http_sockerless_pull_progress(
    ngx_http_sockerless_pull_t *p, ngx_uint_t eof);
static ngx_int_t ngx_http_sockerless_pull_response(
    ngx_http_sockerless_pull_t *p, ngx_uint_t eof);
static void ngx_http_sockerless_pull_failed(ngx_http_sockerless_pull_t *p,
    ngx_uint_t status, const char *fmt, ...);
static void ngx_http_sockerless_pull_finish(ngx_http_sockerless_pull_t *p);
static void ngx_http_sockerless_pull_close(ngx_http_sockerless_pull_t *p);
static void ngx_http_sockerless_pull_cleanup(void *data);
static void ngx_http_sockerless_pull_check_client(ngx_http_request_t *r);
static ngx_uint_t ngx_http_sockerless_pull_error_status(ngx_str_t *msg);
static ngx_int_t ngx_http_sockerless_str_eq(ngx_str_t *a, ngx_str_t *b);


static ngx_str_t  ngx_http_sockerless_auth_header[] = {
    ngx_string("X-Registry-Auth"),
    ngx_null_string
};


ngx_int_t
ngx_http_sockerless_pull_start(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx, ngx_str_t *image)
{
    ngx_str_t                         name, tag, platform, auth;
    ngx_table_elt_t                  *h;
    ngx_http_cleanup_t               *cln;
    ngx_http_sockerless_pull_t       *p;
    ngx_http_sockerless_waiter_t     *w;
    ngx_http_sockerless_main_conf_t  *smcf;

    if (ngx_sockerless_image_split(image->data, image->len, &name, &tag)
        != NGX_OK)
    {
        return NGX_DECLINED;
    }

    if (ngx_http_arg(r, (u_char *) "platform", 8, &platform) != NGX_OK) {
        ngx_str_null(&platform);
    }

    h = ngx_http_sockerless_header(r, ngx_http_sockerless_auth_header);

    if (h) {
        auth = h->value;

    } else {
        ngx_str_null(&auth);
    }

    w = ngx_pcalloc(r->pool, sizeof(ngx_http_sockerless_waiter_t));
    if (w == NULL) {
        return NGX_ERROR;
    }

    cln = ngx_http_cleanup_add(r, 0);
    if (cln == NULL) {
        return NGX_ERROR;
    }

    smcf = ngx_http_get_module_main_conf(r, ngx_http_sockerless_module);

    p = ngx_http_sockerless_pull_find(smcf, &name, &tag, &platform, &auth);

    if (p == NULL) {
        p = ngx_http_sockerless_pull_create(r, image, &name, &tag, &platform,
                                            &auth);
        if (p == NULL) {
            return NGX_ERROR;
        }

        ngx_queue_insert_tail(&smcf->pulls, &p->queue);

        /* the pull begins from the event loop, with its waiter in place */

        ngx_post_event(&p->begin, &ngx_posted_events);

    } else {
        ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                       "sockerless auto-pull: joins the pull of \"%V\"",
                       &p->image);
    }

    w->request = r;
    w->pull = p;
    ngx_queue_insert_tail(&p->waiters, &w->queue);

    cln->handler = ngx_http_sockerless_pull_cleanup;
    cln->data = w;

    ctx->waiter = w;

    /*
     * a client that goes away meanwhile ends its wait; it may have gone
     * already, while its body was read: look once from the event loop
     */

    r->read_event_handler = ngx_http_sockerless_pull_check_client;

    ngx_post_event(r->connection->read, &ngx_posted_events);

    return NGX_OK;
}


static ngx_http_sockerless_pull_t *
ngx_http_sockerless_pull_find(ngx_http_sockerless_main_conf_t *smcf,
    ngx_str_t *name, ngx_str_t *tag, ngx_str_t *platform, ngx_str_t *auth)
{
    ngx_queue_t                 *q;
    ngx_http_sockerless_pull_t  *p;

    for (q = ngx_queue_head(&smcf->pulls);
         q != ngx_queue_sentinel(&smcf->pulls);
         q = ngx_queue_next(q))
    {
        p = ngx_queue_data(q, ngx_http_sockerless_pull_t, queue);

        if (ngx_http_sockerless_str_eq(&p->name, name)
            && ngx_http_sockerless_str_eq(&p->tag, tag)
            && ngx_http_sockerless_str_eq(&p->platform, platform)
            && ngx_http_sockerless_str_eq(&p->auth, auth))
        {
            return p;
        }
    }

    return NULL;
}


static ngx_http_sockerless_pull_t *
ngx_http_sockerless_pull_create(ngx_http_request_t *r, ngx_str_t *image,
    ngx_str_t *name, ngx_str_t *tag, ngx_str_t *platform, ngx_str_t *auth)
{
    u_char                          *d;
    ngx_pool_t                      *pool;
    ngx_http_upstream_server_t      *us;
    ngx_http_upstream_srv_conf_t    *uscf;
    ngx_http_sockerless_pull_t      *p;
    ngx_http_sockerless_loc_conf_t  *slcf;

    slcf = ngx_http_get_module_loc_conf(r, ngx_http_sockerless_module);

    uscf = slcf->upstream.upstream;

    if (uscf == NULL || uscf->servers == NULL || uscf->servers->nelts == 0) {
        return NULL;
    }

    us = uscf->servers->elts;

    if (us[0].naddrs == 0) {
        return NULL;
    }

    pool = ngx_create_pool(4096, ngx_cycle->log);
    if (pool == NULL) {
        return NULL;
    }

    p = ngx_pcalloc(pool, sizeof(ngx_http_sockerless_pull_t));
    if (p == NULL) {
        ngx_destroy_pool(pool);
        return NULL;
    }

    p->pool = pool;
    p->log = ngx_cycle->log;
    p->addr = us[0].addrs[0];
    p->timeout = slcf->pull_timeout;
    p->start = ngx_current_msec;

    ngx_queue_init(&p->waiters);

    p->begin.handler = ngx_http_sockerless_pull_begin;
    p->begin.data = p;
    p->begin.log = p->log;

    /* one copy of the reference; the parts point into it */

    d = ngx_pnalloc(pool, image->len + platform->len + auth->len + 1);
    if (d == NULL) {
        ngx_destroy_pool(pool);
        return NULL;
    }

    p->image.data = d;
    p->image.len = image->len;
    d = ngx_cpymem(d, image->data, image->len);

    p->name.data = p->image.data + (name->data - image->data);
    p->name.len = name->len;

    if (tag->data >= image->data && tag->data < image->data + image->len) {
        p->tag.data = p->image.data + (tag->data - image->data);
        p->tag.len = tag->len;

    } else {
        p->tag = *tag;      /* "latest", static */
    }

    p->platform.data = d;
    p->platform.len = platform->len;
    d = ngx_cpymem(d, platform->data, platform->len);

    p->auth.data = d;
    p->auth.len = auth->len;
    ngx_memcpy(d, auth->data, auth->len);

    p->in = ngx_create_temp_buf(pool, NGX_HTTP_SOCKERLESS_PULL_BUFFER);
    if (p->in == NULL) {
        ngx_destroy_pool(pool);
        return NULL;
    }

    return p;
}


static void
ngx_http_sockerless_pull_begin(ngx_event_t *ev)
{
    ngx_http_sockerless_pull_t  *p = ev->data;

    if (ngx_http_sockerless_pull_step(p, NGX_HTTP_SOCKERLESS_PULL_INSPECT)
        == NGX_ERROR)
    {
        ngx_http_sockerless_pull_failed(p, NGX_HTTP_INTERNAL_SERVER_ERROR,
                                        "cannot start the pull of \"%V\"",
                                        &p->image);
    }
}


static ngx_int_t
ngx_http_sockerless_pull_step(ngx_http_sockerless_pull_t *p, ngx_uint_t step)
{
    size_t             len;
    u_char             text[256];
    ngx_err_t          err;
    uintptr_t          escape;
    ngx_int_t          rc;
    ngx_buf_t         *b;
    ngx_connection_t  *c;

    ngx_http_sockerless_pull_close(p);

    p->step = step;
    p->header = 0;
    p->status = 0;
    p->in->pos = p->in->start;
    p->in->last = p->in->start;

    if (step == NGX_HTTP_SOCKERLESS_PULL_INSPECT) {
        escape = 2 * ngx_escape_uri(NULL, p->image.data, p->image.len,
                                    NGX_ESCAPE_URI);

        len = sizeof("GET /images//json HTTP/1.0" CRLF
                     "Host: docker" CRLF CRLF) - 1
              + p->image.len + escape;

    } else {
        escape = 2 * ngx_escape_uri(NULL, p->name.data, p->name.len,
                                    NGX_ESCAPE_ARGS)
                 + 2 * ngx_escape_uri(NULL, p->tag.data, p->tag.len,
                                      NGX_ESCAPE_ARGS);

        len = sizeof("POST /images/create?fromImage=&tag=&platform="
                     " HTTP/1.0" CRLF "Host: docker" CRLF
                     "X-Registry-Auth: " CRLF
                     "Content-Length: 0" CRLF CRLF) - 1
              + p->name.len + p->tag.len + escape
              + p->platform.len + p->auth.len;
    }

    b = ngx_create_temp_buf(p->pool, len);
    if (b == NULL) {
        return NGX_ERROR;
    }

    if (step == NGX_HTTP_SOCKERLESS_PULL_INSPECT) {
        b->last = ngx_cpymem(b->last, "GET /images/", 12);
        b->last = (u_char *) ngx_escape_uri(b->last, p->image.data,
                                            p->image.len, NGX_ESCAPE_URI);
        b->last = ngx_cpymem(b->last, "/json HTTP/1.0" CRLF,
                             sizeof("/json HTTP/1.0" CRLF) - 1);

    } else {
        b->last = ngx_cpymem(b->last, "POST /images/create?fromImage=",
                             sizeof("POST /images/create?fromImage=") - 1);
        b->last = (u_char *) ngx_escape_uri(b->last, p->name.data,
                                            p->name.len, NGX_ESCAPE_ARGS);
        b->last = ngx_cpymem(b->last, "&tag=", 5);
        b->last = (u_char *) ngx_escape_uri(b->last, p->tag.data,
                                            p->tag.len, NGX_ESCAPE_ARGS);

        if (p->platform.len) {
            b->last = ngx_sprintf(b->last, "&platform=%V", &p->platform);
        }

        b->last = ngx_cpymem(b->last, " HTTP/1.0" CRLF,
                             sizeof(" HTTP/1.0" CRLF) - 1);

        if (p->auth.len) {
            b->last = ngx_sprintf(b->last, "X-Registry-Auth: %V" CRLF,
                                  &p->auth);
        }

        b->last = ngx_cpymem(b->last, "Content-Length: 0" CRLF,
                             sizeof("Content-Length: 0" CRLF) - 1);
    }

    b->last = ngx_cpymem(b->last, "Host: docker" CRLF CRLF,
                         sizeof("Host: docker" CRLF CRLF) - 1);

    p->out = b;

    ngx_memzero(&p->peer, sizeof(ngx_peer_connection_t));

    p->peer.sockaddr = p->addr.sockaddr;
    p->peer.socklen = p->addr.socklen;
    p->peer.name = &p->addr.name;
    p->peer.get = ngx_event_get_peer;
    p->peer.log = p->log;
    p->peer.log_error = NGX_ERROR_ERR;

    rc = ngx_event_connect_peer(&p->peer);

    if (rc == NGX_ERROR || rc == NGX_BUSY || rc == NGX_DECLINED) {
        err = ngx_socket_errno;

        *ngx_strerror(err, text, sizeof(text) - 1) = '\0';

        ngx_http_sockerless_pull_failed(p, NGX_HTTP_BAD_GATEWAY,
                                        "Cannot connect to the Docker daemon "
                                        "at %V to pull \"%V\": %s",
                                        &p->addr.name, &p->image,
                                        err ? (char *) text : "failed");
        return NGX_DONE;
    }

    c = p->peer.connection;

    c->data = p;
    c->log = p->log;
    c->read->log = p->log;
    c->write->log = p->log;
    c->read->handler = ngx_http_sockerless_pull_read_handler;
    c->write->handler = ngx_http_sockerless_pull_write_handler;

    ngx_add_timer(c->read, p->timeout);

    if (rc == NGX_OK) {
        ngx_post_event(c->write, &ngx_posted_events);
    }

    return NGX_OK;
}


static void
ngx_http_sockerless_pull_write_handler(ngx_event_t *wev)
{
    ssize_t                      n;
    ngx_connection_t            *c;
    ngx_http_sockerless_pull_t  *p;

    c = wev->data;
    p = c->data;

    while (p->out->pos < p->out->last) {
        n = c->send(c, p->out->pos, p->out->last - p->out->pos);

        if (n == NGX_AGAIN) {
            if (ngx_handle_write_event(wev, 0) != NGX_OK) {
                break;
            }

            return;
        }

        if (n == NGX_ERROR) {
            ngx_http_sockerless_pull_failed(p, NGX_HTTP_BAD_GATEWAY,
                                            "the Docker daemon at %V closed "
                                            "the connection while pulling "
                                            "\"%V\"", &p->addr.name,
                                            &p->image);
            return;
        }

        p->out->pos += n;
    }
}


static void
ngx_http_sockerless_pull_read_handler(ngx_event_t *rev)
{
    ssize_t                      n;
    ngx_int_t                    rc;
    ngx_buf_t                   *b;
    ngx_uint_t                   eof;
    ngx_connection_t            *c;
    ngx_http_sockerless_pull_t  *p;

    c = rev->data;
    p = c->data;
    b = p->in;

    if (rev->timedout) {
        ngx_http_sockerless_pull_failed(p, NGX_HTTP_GATEWAY_TIME_OUT,
                                        "the pull of \"%V\" made no progress "
                                        "for %M ms (sockerless_pull_timeout)",
                                        &p->image, p->timeout);
        return;
    }

    for ( ;; ) {
        eof = 0;

        if (b->last == b->end) {
            /* a full buffer: a line or a response too long to read */
            p->skip_line = 1;
            b->pos = b->start;
            b->last = b->start;
        }

        n = c->recv(c, b->last, b->end - b->last);

        if (n == NGX_AGAIN) {
            break;
        }

        if (n == 0 || n == NGX_ERROR) {
            eof = 1;

        } else {
            b->last += n;
            ngx_add_timer(rev, p->timeout);
        }

        if (!p->header) {
            rc = ngx_http_sockerless_pull_header(p);

            if (rc == NGX_AGAIN && !eof) {
                continue;
            }

            if (rc != NGX_OK) {
                ngx_http_sockerless_pull_failed(p, NGX_HTTP_BAD_GATEWAY,
                                                "the Docker daemon at %V sent "
                                                "no valid response while "
                                                "pulling \"%V\"",
                                                &p->addr.name, &p->image);
                return;
            }
        }

        rc = ngx_http_sockerless_pull_response(p, eof);

        if (rc != NGX_AGAIN || eof) {
            return;
        }
    }

    if (ngx_handle_read_event(rev, 0) != NGX_OK) {
        ngx_http_sockerless_pull_failed(p, NGX_HTTP_INTERNAL_SERVER_ERROR,
                                        "cannot wait for the Docker daemon");
    }
}


static ngx_int_t
ngx_http_sockerless_pull_header(ngx_http_sockerless_pull_t *p)
{
    u_char     *end, *s;
    ngx_buf_t  *b;
    ngx_int_t   status;

    b = p->in;

    end = ngx_strlcasestrn(b->pos, b->last, (u_char *) CRLF CRLF, 4 - 1);

    if (end == NULL) {
        return NGX_AGAIN;
    }

    /* "HTTP/1.x NNN ..." */

    s = b->pos;

    if (end - s < 12 || ngx_strncmp(s, "HTTP/1.", 7) != 0 || s[8] != ' ') {
        return NGX_ERROR;
    }

    status = ngx_atoi(s + 9, 3);

    if (status == NGX_ERROR) {
        return NGX_ERROR;
    }

    p->status = status;
    p->header = 1;

    b->pos = end + 4;

    return NGX_OK;
}


static ngx_int_t
ngx_http_sockerless_pull_response(ngx_http_sockerless_pull_t *p,
    ngx_uint_t eof)
{
    ngx_int_t  rc;

    if (p->step == NGX_HTTP_SOCKERLESS_PULL_INSPECT) {

        if (p->status == NGX_HTTP_NOT_FOUND) {
            ngx_log_error(NGX_LOG_INFO, p->log, 0,
                          "sockerless auto-pull: pulling \"%V\"", &p->image);

            p->pulled = 1;

            rc = ngx_http_sockerless_pull_step(p,
                                             NGX_HTTP_SOCKERLESS_PULL_CREATE);
            if (rc == NGX_ERROR) {
                ngx_http_sockerless_pull_failed(p,
                                             NGX_HTTP_INTERNAL_SERVER_ERROR,
                                             "cannot start the pull of "
                                             "\"%V\"", &p->image);
            }

            return NGX_DONE;
        }

        /* the image is there, or dockerd will say what is wrong */

        ngx_http_sockerless_pull_finish(p);

        return NGX_DONE;
    }

    if (p->status == NGX_HTTP_OK) {
        return ngx_http_sockerless_pull_progress(p, eof);
    }

    /* dockerd refused the pull before it began: {"message": "..."} */

    if (!eof) {
        return NGX_AGAIN;
    }

    p->message.data = ngx_pnalloc(p->pool, NGX_HTTP_SOCKERLESS_PULL_MESSAGE);
    if (p->message.data == NULL
        || ngx_sockerless_json_string(p->in->pos, p->in->last - p->in->pos,
                                      "message", NULL, p->message.data,
                                      NGX_HTTP_SOCKERLESS_PULL_MESSAGE,
                                      &p->message)
           != NGX_OK)
    {
        ngx_str_set(&p->message, "the pull failed");
    }

    /* dockerd 20.10 answers 500 for registry errors too: the text says */

    if (p->status == NGX_HTTP_INTERNAL_SERVER_ERROR) {
        p->error = ngx_http_sockerless_pull_error_status(&p->message);

    } else if (p->status >= NGX_HTTP_BAD_REQUEST) {
        p->error = p->status;

    } else {
        p->error = NGX_HTTP_BAD_GATEWAY;
    }

    ngx_http_sockerless_pull_finish(p);

    return NGX_DONE;
}


static ngx_int_t
ngx_http_sockerless_pull_progress(ngx_http_sockerless_pull_t *p,
    ngx_uint_t eof)
{
    u_char     *nl;
    ngx_buf_t  *b;
    ngx_str_t   msg;
    u_char      buf[NGX_HTTP_SOCKERLESS_PULL_MESSAGE];

    b = p->in;

    for ( ;; ) {
        nl = ngx_strlchr(b->pos, b->last, LF);

        if (nl == NULL) {
            if (!eof) {
                break;
            }

            nl = b->last;
        }

        if (p->skip_line) {
            p->skip_line = 0;

        } else if (nl > b->pos
                   && (ngx_sockerless_json_string(b->pos, nl - b->pos,
                                                  "errorDetail", "message",
                                                  buf, sizeof(buf), &msg)
                       == NGX_OK
                       || ngx_sockerless_json_string(b->pos, nl - b->pos,
                                                     "error", NULL, buf,
                                                     sizeof(buf), &msg)
                          == NGX_OK))
        {
            /* an error line: the pull failed */

            p->message.data = ngx_pnalloc(p->pool, msg.len);
            if (p->message.data == NULL) {
                ngx_str_set(&p->message, "the pull failed");

            } else {
                p->message.len = msg.len;
                ngx_memcpy(p->message.data, msg.data, msg.len);
            }

            p->error = ngx_http_sockerless_pull_error_status(&p->message);

            ngx_http_sockerless_pull_finish(p);

            return NGX_DONE;
        }

        b->pos = (nl < b->last) ? nl + 1 : nl;

        if (b->pos == b->last) {
            break;
        }
    }

    /* keep a partial line at the start of the buffer */

    if (b->pos != b->start) {
        b->last = ngx_movemem(b->start, b->pos, b->last - b->pos);
        b->pos = b->start;
    }

    if (!eof) {
        return NGX_AGAIN;
    }

    /* the stream ended with no error: the image is there */

    ngx_http_sockerless_pull_finish(p);

    return NGX_DONE;
}


static ngx_uint_t
ngx_http_sockerless_pull_error_status(ngx_str_t *msg)
{
    static const struct {
        const char  *text;
        ngx_uint_t   status;
    } words[] = {
        { "not found", NGX_HTTP_NOT_FOUND },
        { "manifest unknown", NGX_HTTP_NOT_FOUND },
        { "does not exist", NGX_HTTP_NOT_FOUND },
        { "unauthorized", NGX_HTTP_UNAUTHORIZED },
        { "no basic auth credentials", NGX_HTTP_UNAUTHORIZED },
        { "authentication required", NGX_HTTP_UNAUTHORIZED },
        { "denied", NGX_HTTP_FORBIDDEN },
        { "forbidden", NGX_HTTP_FORBIDDEN },
        { NULL, 0 }
    };

    ngx_uint_t  i;

    for (i = 0; words[i].text; i++) {
        if (ngx_strlcasestrn(msg->data, msg->data + msg->len,
                             (u_char *) words[i].text,
                             ngx_strlen(words[i].text) - 1))
        {
            return words[i].status;
        }
    }

    return NGX_HTTP_INTERNAL_SERVER_ERROR;
}


static void
ngx_http_sockerless_pull_failed(ngx_http_sockerless_pull_t *p,
    ngx_uint_t status, const char *fmt, ...)
{
    u_char   *last;
    va_list   args;

    p->message.data = ngx_pnalloc(p->pool, NGX_HTTP_SOCKERLESS_PULL_MESSAGE);

    if (p->message.data == NULL) {
        ngx_str_set(&p->message, "the pull failed");

    } else {
        va_start(args, fmt);
        last = ngx_vslprintf(p->message.data,
                             p->message.data
                             + NGX_HTTP_SOCKERLESS_PULL_MESSAGE,
                             fmt, args);
        va_end(args);

        p->message.len = last - p->message.data;
    }

    p->error = status;

    ngx_http_sockerless_pull_finish(p);
}


static void
ngx_http_sockerless_pull_finish(ngx_http_sockerless_pull_t *p)
{
    ngx_queue_t                   *q;
    ngx_connection_t              *c;
    ngx_http_request_t            *r;
    ngx_http_sockerless_waiter_t  *w;

    ngx_queue_remove(&p->queue);
    ngx_http_sockerless_pull_close(p);

    if ((p->error == NGX_HTTP_UNAUTHORIZED || p->error == NGX_HTTP_FORBIDDEN)
        && p->auth.len == 0)
    {
        /*
         * the create carried no credentials (the docker CLI sends them
         * with its own pull only): dockerd's "No such image" lets the
         * client pull with its credentials, as without auto-pull
         */

        ngx_log_error(NGX_LOG_INFO, p->log, 0,
                      "sockerless auto-pull of \"%V\": %V; no credentials "
                      "in the create, the client may pull", &p->image,
                      &p->message);

        p->error = NGX_HTTP_NOT_FOUND;
        p->pulled = 0;

        p->message.data = ngx_pnalloc(p->pool,
                                      sizeof("No such image: ") - 1
                                      + p->image.len);
        if (p->message.data) {
            p->message.len = ngx_sprintf(p->message.data,
                                         "No such image: %V", &p->image)
                             - p->message.data;

        } else {
            ngx_str_set(&p->message, "No such image");
        }
    }

    if (p->pulled || p->error) {
        ngx_log_error(NGX_LOG_INFO, p->log, 0,
                      "sockerless auto-pull of \"%V\"%s%V: %s in %M ms%s%V",
                      &p->image, p->platform.len ? " platform " : "",
                      &p->platform, p->error ? "failed" : "done",
                      ngx_current_msec - p->start,
                      p->error ? ": " : "", &p->message);
    }

    while (!ngx_queue_empty(&p->waiters)) {
        q = ngx_queue_head(&p->waiters);
        ngx_queue_remove(q);

        w = ngx_queue_data(q, ngx_http_sockerless_waiter_t, queue);
        w->pull = NULL;

        r = w->request;
        c = r->connection;

        ngx_http_sockerless_pull_done(r, p->error, &p->message,
                                      p->pulled ? &p->image : NULL);

        ngx_http_run_posted_requests(c);
    }

    ngx_destroy_pool(p->pool);
}


static void
ngx_http_sockerless_pull_close(ngx_http_sockerless_pull_t *p)
{
    if (p->begin.posted) {
        ngx_delete_posted_event(&p->begin);
    }

    if (p->peer.connection) {
        ngx_close_connection(p->peer.connection);
        p->peer.connection = NULL;
    }
}


static void
ngx_http_sockerless_pull_cleanup(void *data)
{
    ngx_http_sockerless_waiter_t  *w = data;

    ngx_http_sockerless_pull_t  *p;

    p = w->pull;

    if (p == NULL) {
        return;
    }

    w->pull = NULL;
    ngx_queue_remove(&w->queue);

    if (!ngx_queue_empty(&p->waiters)) {
        return;
    }

    /* nobody waits any more: the pull's connection to dockerd is closed */

    ngx_log_error(NGX_LOG_INFO, p->log, 0,
                  "sockerless auto-pull of \"%V\": cancelled, the client "
                  "went away after %M ms", &p->image,
                  ngx_current_msec - p->start);

    ngx_queue_remove(&p->queue);
    ngx_http_sockerless_pull_close(p);
    ngx_destroy_pool(p->pool);
}


static void
ngx_http_sockerless_pull_check_client(ngx_http_request_t *r)
{
    int                n;
    char               buf[1];
    ngx_err_t          err;
    ngx_connection_t  *c;

    c = r->connection;

    if (c->read->timedout) {
        return;
    }

    n = recv(c->fd, buf, 1, MSG_PEEK);
    err = ngx_socket_errno;

    if (n > 0 || (n == -1 && err == NGX_EAGAIN)) {
        return;
    }

    ngx_log_error(NGX_LOG_INFO, c->log, n == 0 ? 0 : err,
                  "client closed the connection while waiting for a pull");

    c->error = 1;

    ngx_http_finalize_request(r, NGX_HTTP_CLIENT_CLOSED_REQUEST);
}


static ngx_int_t
ngx_http_sockerless_str_eq(ngx_str_t *a, ngx_str_t *b)
{
    return a->len == b->len && ngx_memcmp(a->data, b->data, a->len) == 0;
}
