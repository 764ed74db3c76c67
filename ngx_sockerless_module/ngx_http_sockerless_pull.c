
/*
 * Copyright (C) ngx_sockerless developers
 */


/*
 * Auto-pull on container create.
 *
 * A pull asks dockerd through the module's client
 * (ngx_http_sockerless_client.c): "GET /images/{ref}/json", then, when
 * dockerd has no such image, "POST /images/create?fromImage=&tag=" whose
 * progress stream is read line by line for errors.
 *
 * Creates that wait for the same image (with the same platform and
 * credentials) in one worker wait for one pull.  A pull outlives the
 * request that started it, and ends when the last waiting request does.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_sockerless_module.h"
#include "ngx_http_sockerless_client.h"
#include "ngx_sockerless_image.h"
#include "ngx_sockerless_json.h"
#include "ngx_sockerless_query.h"


#define NGX_HTTP_SOCKERLESS_PULL_BUFFER   65536
#define NGX_HTTP_SOCKERLESS_PULL_MESSAGE  1024
#define NGX_HTTP_SOCKERLESS_PULL_IMAGE    1024

#define NGX_HTTP_SOCKERLESS_PULL_INSPECT  0
#define NGX_HTTP_SOCKERLESS_PULL_CREATE   1


typedef struct {
    ngx_queue_t                    queue;     /* in the worker's pulls */
    ngx_queue_t                    waiters;

    ngx_pool_t                    *pool;
    ngx_log_t                     *log;

    ngx_str_t                      image;     /* as the create named it */
    ngx_str_t                      name;      /* fromImage */
    ngx_str_t                      tag;       /* tag or digest */
    ngx_str_t                      platform;  /* as in the create's query */
    ngx_str_t                      auth;      /* X-Registry-Auth */

    ngx_http_sockerless_client_t  *client;

    ngx_event_t                    begin;     /* the first step */

    ngx_msec_t                     start;

    ngx_uint_t                     step;

    ngx_uint_t                     error;     /* status of the outcome */
    ngx_str_t                      message;

    unsigned                       pulled:1;
    unsigned                       skip_line:1;
} ngx_http_sockerless_pull_t;


typedef struct {
    ngx_queue_t                    queue;
    ngx_http_request_t            *request;
    ngx_http_sockerless_pull_t    *pull;
    ngx_http_sockerless_next_pt    next;
} ngx_http_sockerless_waiter_t;


static ngx_int_t ngx_http_sockerless_pull_image(
    ngx_http_sockerless_ctx_t *ctx, ngx_str_t *image);
static ngx_int_t ngx_http_sockerless_pull_start(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx, ngx_str_t *image,
    ngx_http_sockerless_next_pt next);
static ngx_http_sockerless_pull_t *ngx_http_sockerless_pull_create(
    ngx_http_request_t *r, ngx_str_t *image, ngx_str_t *name, ngx_str_t *tag,
    ngx_str_t *platform, ngx_str_t *auth);
static ngx_http_sockerless_pull_t *ngx_http_sockerless_pull_find(
    ngx_http_request_t *r, ngx_http_sockerless_main_conf_t *smcf,
    ngx_str_t *name, ngx_str_t *tag, ngx_str_t *platform, ngx_str_t *auth);
static void ngx_http_sockerless_pull_begin(ngx_event_t *ev);
static ngx_int_t ngx_http_sockerless_pull_step(ngx_http_sockerless_pull_t *p,
    ngx_uint_t step);
static ngx_int_t ngx_http_sockerless_pull_handler(
    ngx_http_sockerless_client_t *c, ngx_int_t rc);
static ngx_int_t ngx_http_sockerless_pull_progress(
    ngx_http_sockerless_pull_t *p, ngx_uint_t eof);
static void ngx_http_sockerless_pull_response(ngx_http_sockerless_pull_t *p);
static void ngx_http_sockerless_pull_failed(ngx_http_sockerless_pull_t *p,
    ngx_uint_t status, const char *fmt, ...);
static void ngx_http_sockerless_pull_finish(ngx_http_sockerless_pull_t *p);
static void ngx_http_sockerless_pull_missing(ngx_http_sockerless_pull_t *p);
static void ngx_http_sockerless_pull_done(ngx_http_sockerless_waiter_t *w,
    ngx_uint_t status, ngx_str_t *message, ngx_str_t *pulled);
static void ngx_http_sockerless_pull_close(ngx_http_sockerless_pull_t *p);
static void ngx_http_sockerless_pull_cleanup(void *data);
static void ngx_http_sockerless_pull_check_client(ngx_http_request_t *r);
static ngx_uint_t ngx_http_sockerless_pull_self(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx);
static ngx_uint_t ngx_http_sockerless_pull_error_status(ngx_str_t *msg);
static ngx_int_t ngx_http_sockerless_str_eq(ngx_str_t *a, ngx_str_t *b);


static ngx_str_t  ngx_http_sockerless_auth_header[] = {
    ngx_string("X-Registry-Auth"),
    ngx_null_string
};


/* dockerd's words for a pull that failed, and the status each means */

typedef struct {
    const char                    *text;
    ngx_uint_t                     status;
} ngx_http_sockerless_pull_word_t;


/*
 * The clients that pull by themselves when a create answers "No such
 * image", with their progress shown: the docker CLI, docker-py (and what
 * is built on it), by the start of their User-Agent
 */

static ngx_str_t  ngx_http_sockerless_pullers[] = {
    ngx_string("Docker-Client/"),
    ngx_string("docker-sdk-python/"),
    ngx_null_string
};


static ngx_http_sockerless_pull_word_t  ngx_http_sockerless_pull_words[] = {
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


/*
 * The stage: a create whose image dockerd does not have waits for its
 * pull.  "Image" is read as dockerd's decoder reads it (a body the
 * policy read strictly reads the same).
 */

ngx_int_t
ngx_http_sockerless_pull(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx, ngx_http_sockerless_next_pt next)
{
    ngx_str_t                        image;
    ngx_http_sockerless_loc_conf_t  *slcf;

    slcf = ngx_http_get_module_loc_conf(r, ngx_http_sockerless_module);

    if (ctx->op == NULL || !(ctx->op->flags & NGX_SOCKERLESS_OP_PULL)
        || slcf->auto_pull == NGX_HTTP_SOCKERLESS_PULL_OFF
        || ctx->json == NULL || ctx->json->last == ctx->json->pos)
    {
        return NGX_OK;
    }

    if (slcf->auto_pull == NGX_HTTP_SOCKERLESS_PULL_AUTO
        && ngx_http_sockerless_pull_self(r, ctx))
    {
        /* dockerd's "No such image": the client pulls, with progress */
        return NGX_OK;
    }

    image.data = ngx_pnalloc(r->pool, NGX_HTTP_SOCKERLESS_PULL_IMAGE);
    if (image.data == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (ngx_http_sockerless_pull_image(ctx, &image) != NGX_OK
        || image.len == 0 || image.len == NGX_HTTP_SOCKERLESS_PULL_IMAGE)
    {
        return NGX_OK;
    }

    return ngx_http_sockerless_pull_start(r, ctx, &image, next);
}


/*
 * "Image" of the body, into image->data (NGX_HTTP_SOCKERLESS_PULL_IMAGE
 * bytes, then cut).  When the policy read these very bytes strictly, its
 * tree has the one member Go would read (no two keys fold alike there):
 * the body is not read again.
 */

static ngx_int_t
ngx_http_sockerless_pull_image(ngx_http_sockerless_ctx_t *ctx,
    ngx_str_t *image)
{
    size_t                   len;
    ngx_sockerless_jv_t     *v;
    ngx_sockerless_judge_t  *j;

    len = ctx->json->last - ctx->json->pos;
    j = ctx->decision.judge;

    if (j == NULL || j->body == NULL
        || j->json.data != ctx->json->pos || j->json.len != len)
    {
        return ngx_sockerless_json_string(ctx->json->pos, len, "Image", NULL,
                                          image->data,
                                          NGX_HTTP_SOCKERLESS_PULL_IMAGE,
                                          image);
    }

    v = ngx_sockerless_json_get(j->body, "Image");

    if (v == NULL || v->type != NGX_SOCKERLESS_JSON_STRING) {
        return NGX_DECLINED;
    }

    image->len = ngx_min(v->str.len, NGX_HTTP_SOCKERLESS_PULL_IMAGE);
    ngx_memcpy(image->data, v->str.data, image->len);

    return NGX_OK;
}


static ngx_int_t
ngx_http_sockerless_pull_start(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx, ngx_str_t *image,
    ngx_http_sockerless_next_pt next)
{
    ngx_int_t                         rc;
    ngx_str_t                         name, tag, platform, auth;
    ngx_table_elt_t                  *h;
    ngx_http_cleanup_t               *cln;
    ngx_http_sockerless_pull_t       *p;
    ngx_http_sockerless_waiter_t     *w;
    ngx_http_sockerless_main_conf_t  *smcf;

    if (ngx_sockerless_image_split(image->data, image->len, &name, &tag)
        != NGX_OK)
    {
        return NGX_OK;
    }

    /* the platform as dockerd's create reads it: the same one is pulled */

    rc = ngx_sockerless_query_get(&r->args, "platform", &platform,
                                  ngx_http_sockerless_palloc, r->pool);

    if (rc == NGX_ERROR && platform.data == NULL
        && ngx_sockerless_query_valid(&r->args) == NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (rc != NGX_OK) {
        /* no platform, or a query dockerd refuses: it will say so */
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
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    cln = ngx_http_cleanup_add(r, 0);
    if (cln == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    smcf = ngx_http_get_module_main_conf(r, ngx_http_sockerless_module);

    p = ngx_http_sockerless_pull_find(r, smcf, &name, &tag, &platform, &auth);

    if (p == NULL) {
        p = ngx_http_sockerless_pull_create(r, image, &name, &tag, &platform,
                                            &auth);
        if (p == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
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
    w->next = next;
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

    return NGX_AGAIN;
}


static ngx_http_sockerless_pull_t *
ngx_http_sockerless_pull_find(ngx_http_request_t *r,
    ngx_http_sockerless_main_conf_t *smcf, ngx_str_t *name, ngx_str_t *tag,
    ngx_str_t *platform, ngx_str_t *auth)
{
    ngx_queue_t                 *q;
    ngx_http_sockerless_peer_t   node;
    ngx_http_sockerless_pull_t  *p;

    /* a pull is of one node's dockerd */

    if (ngx_http_sockerless_client_addr(r, &node) != NGX_OK) {
        return NULL;
    }

    for (q = ngx_queue_head(&smcf->pulls);
         q != ngx_queue_sentinel(&smcf->pulls);
         q = ngx_queue_next(q))
    {
        p = ngx_queue_data(q, ngx_http_sockerless_pull_t, queue);

        if (ngx_http_sockerless_str_eq(&p->name, name)
            && ngx_http_sockerless_str_eq(&p->tag, tag)
            && ngx_http_sockerless_str_eq(&p->platform, platform)
            && ngx_http_sockerless_str_eq(&p->auth, auth)
            && ngx_cmp_sockaddr(p->client->addr.sockaddr,
                                p->client->addr.socklen,
                                node.addr.sockaddr, node.addr.socklen, 1)
               == NGX_OK)
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
    ngx_http_sockerless_pull_t      *p;
    ngx_http_sockerless_peer_t       addr;
    ngx_http_sockerless_loc_conf_t  *slcf;

    slcf = ngx_http_get_module_loc_conf(r, ngx_http_sockerless_module);

    if (ngx_http_sockerless_client_addr(r, &addr) != NGX_OK) {
        return NULL;
    }

    pool = ngx_create_pool(4096, ngx_cycle->log);
    if (pool == NULL) {
        return NULL;
    }

    p = ngx_pcalloc(pool, sizeof(ngx_http_sockerless_pull_t));
    if (p == NULL) {
        goto failed;
    }

    p->pool = pool;
    p->log = ngx_cycle->log;
    p->start = ngx_current_msec;

    p->client = ngx_http_sockerless_client_create(pool, p->log, &addr,
                                               NGX_HTTP_SOCKERLESS_PULL_BUFFER,
                                               slcf->pull_timeout);
    if (p->client == NULL) {
        goto failed;
    }

    p->client->handler = ngx_http_sockerless_pull_handler;
    p->client->data = p;

    ngx_queue_init(&p->waiters);

    p->begin.handler = ngx_http_sockerless_pull_begin;
    p->begin.data = p;
    p->begin.log = p->log;

    /* one copy of the reference; the parts point into it */

    d = ngx_pnalloc(pool, image->len + platform->len + auth->len + 1);
    if (d == NULL) {
        goto failed;
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

    return p;

failed:

    ngx_destroy_pool(pool);

    return NULL;
}


static void
ngx_http_sockerless_pull_begin(ngx_event_t *ev)
{
    ngx_http_sockerless_pull_t  *p = ev->data;

    (void) ngx_http_sockerless_pull_step(p, NGX_HTTP_SOCKERLESS_PULL_INSPECT);
}


/* a step's request; a failure ends the pull (and may free it) */

static ngx_int_t
ngx_http_sockerless_pull_step(ngx_http_sockerless_pull_t *p, ngx_uint_t step)
{
    size_t      len;
    u_char     *d, text[256];
    uintptr_t   escape;
    ngx_str_t   target, headers;

    p->step = step;
    p->skip_line = 0;

    if (step == NGX_HTTP_SOCKERLESS_PULL_INSPECT) {
        escape = 2 * ngx_escape_uri(NULL, p->image.data, p->image.len,
                                    NGX_ESCAPE_URI);

        len = sizeof("/images//json") - 1 + p->image.len + escape;

    } else {
        escape = 2 * ngx_escape_uri(NULL, p->name.data, p->name.len,
                                    NGX_ESCAPE_ARGS)
                 + 2 * ngx_escape_uri(NULL, p->tag.data, p->tag.len,
                                      NGX_ESCAPE_ARGS)
                 + 2 * ngx_escape_uri(NULL, p->platform.data,
                                      p->platform.len,
                                      NGX_ESCAPE_URI_COMPONENT);

        len = sizeof("/images/create?fromImage=&tag=&platform=") - 1
              + p->name.len + p->tag.len + p->platform.len + escape;
    }

    target.data = ngx_pnalloc(p->pool, len);
    headers.data = ngx_pnalloc(p->pool, sizeof("X-Registry-Auth: " CRLF
                                               "Content-Length: 0" CRLF) - 1
                                        + p->auth.len);

    if (target.data == NULL || headers.data == NULL) {
        ngx_http_sockerless_pull_failed(p, NGX_HTTP_INTERNAL_SERVER_ERROR,
                                        "cannot start the pull of \"%V\"",
                                        &p->image);
        return NGX_ERROR;
    }

    d = target.data;
    headers.len = 0;

    if (step == NGX_HTTP_SOCKERLESS_PULL_INSPECT) {
        d = ngx_cpymem(d, "/images/", 8);
        d = (u_char *) ngx_escape_uri(d, p->image.data, p->image.len,
                                      NGX_ESCAPE_URI);
        d = ngx_cpymem(d, "/json", 5);

    } else {
        d = ngx_cpymem(d, "/images/create?fromImage=",
                       sizeof("/images/create?fromImage=") - 1);
        d = (u_char *) ngx_escape_uri(d, p->name.data, p->name.len,
                                      NGX_ESCAPE_ARGS);
        d = ngx_cpymem(d, "&tag=", 5);
        d = (u_char *) ngx_escape_uri(d, p->tag.data, p->tag.len,
                                      NGX_ESCAPE_ARGS);

        if (p->platform.len) {
            d = ngx_cpymem(d, "&platform=", 10);
            d = (u_char *) ngx_escape_uri(d, p->platform.data,
                                          p->platform.len,
                                          NGX_ESCAPE_URI_COMPONENT);
        }

        headers.len = ngx_sprintf(headers.data, "%s%V%s"
                                  "Content-Length: 0" CRLF,
                                  p->auth.len ? "X-Registry-Auth: " : "",
                                  &p->auth, p->auth.len ? CRLF : "")
                      - headers.data;
    }

    target.len = d - target.data;

    if (ngx_http_sockerless_client_request(p->client,
                                           step ? "POST" : "GET",
                                           &target, &headers, NULL)
        != NGX_OK)
    {
        *ngx_strerror(p->client->err, text, sizeof(text) - 1) = '\0';

        ngx_http_sockerless_pull_failed(p, NGX_HTTP_BAD_GATEWAY,
                                        "Cannot connect to the Docker daemon "
                                        "at %V to pull \"%V\": %s",
                                        &p->client->addr.name, &p->image,
                                        p->client->err ? (char *) text
                                                       : "failed");
        return NGX_ERROR;
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_sockerless_pull_handler(ngx_http_sockerless_client_t *c,
    ngx_int_t rc)
{
    ngx_http_sockerless_pull_t  *p = c->data;

    if (rc == NGX_HTTP_GATEWAY_TIME_OUT) {
        ngx_http_sockerless_pull_failed(p, NGX_HTTP_GATEWAY_TIME_OUT,
                                        "the pull of \"%V\" made no progress "
                                        "for %M ms (sockerless_pull_timeout)",
                                        &p->image, c->timeout);
        return NGX_DONE;
    }

    if (rc == NGX_ERROR) {
        ngx_http_sockerless_pull_failed(p, NGX_HTTP_BAD_GATEWAY,
                                        "%V while pulling \"%V\"",
                                        &c->message, &p->image);
        return NGX_DONE;
    }

    if (c->truncated) {
        /* a full buffer: a line or a response too long to read */
        p->skip_line = 1;
        c->truncated = 0;
    }

    if (p->step == NGX_HTTP_SOCKERLESS_PULL_INSPECT) {

        if (c->status == NGX_HTTP_NOT_FOUND) {
            ngx_log_error(NGX_LOG_INFO, p->log, 0,
                          "sockerless auto-pull: pulling \"%V\"", &p->image);

            p->pulled = 1;

            (void) ngx_http_sockerless_pull_step(p,
                                             NGX_HTTP_SOCKERLESS_PULL_CREATE);
            return NGX_DONE;
        }

        /* the image is there, or dockerd will say what is wrong */

        ngx_http_sockerless_pull_finish(p);
        return NGX_DONE;
    }

    if (c->status == NGX_HTTP_OK) {
        return ngx_http_sockerless_pull_progress(p, rc == NGX_OK);
    }

    /* dockerd refused the pull before it began: {"message": "..."} */

    if (rc == NGX_OK) {
        ngx_http_sockerless_pull_response(p);
        return NGX_DONE;
    }

    return NGX_OK;
}


static void
ngx_http_sockerless_pull_response(ngx_http_sockerless_pull_t *p)
{
    ngx_buf_t  *b;

    b = p->client->in;

    p->message.data = ngx_pnalloc(p->pool, NGX_HTTP_SOCKERLESS_PULL_MESSAGE);
    if (p->message.data == NULL
        || ngx_sockerless_json_string(b->pos, b->last - b->pos,
                                      "message", NULL, p->message.data,
                                      NGX_HTTP_SOCKERLESS_PULL_MESSAGE,
                                      &p->message)
           != NGX_OK)
    {
        ngx_str_set(&p->message, "the pull failed");
    }

    /* dockerd 20.10 answers 500 for registry errors too: the text says */

    if (p->client->status == NGX_HTTP_INTERNAL_SERVER_ERROR) {
        p->error = ngx_http_sockerless_pull_error_status(&p->message);

    } else if (p->client->status >= NGX_HTTP_BAD_REQUEST) {
        p->error = p->client->status;

    } else {
        p->error = NGX_HTTP_BAD_GATEWAY;
    }

    ngx_http_sockerless_pull_finish(p);
}


static ngx_int_t
ngx_http_sockerless_pull_progress(ngx_http_sockerless_pull_t *p,
    ngx_uint_t eof)
{
    u_char     *nl;
    ngx_buf_t  *b;
    ngx_str_t   msg;
    u_char      buf[NGX_HTTP_SOCKERLESS_PULL_MESSAGE];

    b = p->client->in;

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

    if (!eof) {
        /* a partial line stays: the client keeps it at the buffer's start */
        return NGX_OK;
    }

    /* the stream ended with no error: the image is there */

    ngx_http_sockerless_pull_finish(p);

    return NGX_DONE;
}


/*
 * A client that pulls by itself on "No such image", and that may pull:
 * the policy, if any, allows it ImageCreate
 */

static ngx_uint_t
ngx_http_sockerless_pull_self(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx)
{
    ngx_str_t         *ua;
    ngx_table_elt_t   *h;

    h = r->headers_in.user_agent;

    if (h == NULL) {
        return 0;
    }

    for (ua = ngx_http_sockerless_pullers; ua->len; ua++) {
        if (h->value.len >= ua->len
            && ngx_strncmp(h->value.data, ua->data, ua->len) == 0)
        {
            break;
        }
    }

    if (ua->len == 0) {
        return 0;
    }

    if (ctx->decision.policy
        && !ctx->decision.policy->rules.allow[ngx_sockerless_op_image_create])
    {
        /* it may not pull: the module pulls for it */
        return 0;
    }

    return 1;
}


static ngx_uint_t
ngx_http_sockerless_pull_error_status(ngx_str_t *msg)
{
    ngx_http_sockerless_pull_word_t  *w;

    for (w = ngx_http_sockerless_pull_words; w->text; w++) {
        if (ngx_strlcasestrn(msg->data, msg->data + msg->len,
                             (u_char *) w->text, ngx_strlen(w->text) - 1))
        {
            return w->status;
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
    ngx_http_sockerless_waiter_t  *w;

    ngx_queue_remove(&p->queue);
    ngx_http_sockerless_pull_close(p);

    ngx_http_sockerless_observe_pull(p->pulled, p->error);

    if (p->error == NGX_HTTP_NOT_FOUND || p->error == NGX_HTTP_UNAUTHORIZED
        || p->error == NGX_HTTP_FORBIDDEN
        || p->error == NGX_HTTP_INTERNAL_SERVER_ERROR)
    {
        ngx_http_sockerless_pull_missing(p);
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

        c = w->request->connection;

        ngx_http_sockerless_pull_done(w, p->error, &p->message,
                                      p->pulled ? &p->image : NULL);

        ngx_http_run_posted_requests(c);
    }

    ngx_destroy_pool(p->pool);
}


/*
 * A pull that failed at the registry (no such tag, access denied, a
 * layer that would not register): the create answers as dockerd answers
 * a create of a missing image, "404 No such image", so that a client
 * that branches on it (docker-py's ImageNotFound, Testcontainers, the
 * CLI) pulls by itself and shows the registry's own error.  The pull's
 * error follows in parentheses, but for a refusal of a create that
 * carried no credentials: the client pulls with its own, as without
 * auto-pull.
 */

static void
ngx_http_sockerless_pull_missing(ngx_http_sockerless_pull_t *p)
{
    u_char     *d;
    size_t      len;
    ngx_uint_t  plain;

    plain = (p->error == NGX_HTTP_UNAUTHORIZED
             || p->error == NGX_HTTP_FORBIDDEN)
            && p->auth.len == 0;

    ngx_log_error(NGX_LOG_INFO, p->log, 0,
                  "sockerless auto-pull of \"%V\": %V%s", &p->image,
                  &p->message,
                  plain ? "; no credentials in the create, the client may "
                          "pull" : "");

    len = sizeof("No such image:  (sockerless auto-pull: )") - 1
          + p->image.len + p->message.len;

    d = ngx_pnalloc(p->pool, len);

    if (d == NULL) {
        ngx_str_set(&p->message, "No such image");

    } else if (plain) {
        p->message.len = ngx_sprintf(d, "No such image: %V", &p->image) - d;
        p->message.data = d;

    } else {
        p->message.len = ngx_sprintf(d, "No such image: %V (sockerless "
                                     "auto-pull: %V)", &p->image,
                                     &p->message)
                         - d;
        p->message.data = d;
    }

    p->error = NGX_HTTP_NOT_FOUND;
    p->pulled = 0;
}


static void
ngx_http_sockerless_pull_done(ngx_http_sockerless_waiter_t *w,
    ngx_uint_t status, ngx_str_t *message, ngx_str_t *pulled)
{
    ngx_int_t                   rc;
    ngx_http_request_t         *r;
    ngx_http_sockerless_ctx_t  *ctx;

    r = w->request;
    ctx = ngx_http_get_module_ctx(r, ngx_http_sockerless_module);

    ctx->waiter = NULL;
    r->read_event_handler = ngx_http_block_reading;

    if (status) {
        rc = ngx_http_sockerless_send_error(r, status, "%V", message);
        w->next(r, rc);
        return;
    }

    if (pulled) {
        ctx->pulled.data = ngx_pstrdup(r->pool, pulled);
        if (ctx->pulled.data) {
            ctx->pulled.len = pulled->len;
        }
    }

    w->next(r, NGX_OK);
}


static void
ngx_http_sockerless_pull_close(ngx_http_sockerless_pull_t *p)
{
    if (p->begin.posted) {
        ngx_delete_posted_event(&p->begin);
    }

    ngx_http_sockerless_client_close(p->client);
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

    ngx_http_sockerless_observe_pull(0, NGX_HTTP_CLIENT_CLOSED_REQUEST);

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

