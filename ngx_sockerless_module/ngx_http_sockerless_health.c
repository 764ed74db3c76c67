
/*
 * Copyright (C) ngx_sockerless developers
 */


/*
 * The health endpoint ("sockerless_health"): 200 with a JSON body when
 * dockerd answers "GET /_ping", 503 with a Docker-style error when it
 * does not.  Each worker probes at most once per
 * sockerless_health_interval, through the module's client
 * (ngx_http_sockerless_client.c) on a connection of its own; the requests
 * that come while a probe is under way wait for it, the ones after it
 * get its result until the interval is over.  So a thousand pollers cost
 * dockerd one ping a second per worker.  See docs/observability.md.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_sockerless_module.h"
#include "ngx_http_sockerless_client.h"


#define NGX_HTTP_SOCKERLESS_HEALTH_BUFFER   1024
#define NGX_HTTP_SOCKERLESS_HEALTH_MESSAGE  256
#define NGX_HTTP_SOCKERLESS_HEALTH_VERSION  16


/* a location's probe, in each worker */

struct ngx_http_sockerless_health_s {
    ngx_queue_t                    waiters;

    ngx_http_sockerless_client_t  *client;    /* the probe under way */
    ngx_pool_t                    *pool;      /* the probe's */

    ngx_msec_t                     checked;   /* when the last one ended */

    ngx_str_t                      version;
    ngx_str_t                      message;

    /* the probe's log: a failure is said once, by this file, at "warn" */
    ngx_log_t                      log;

    unsigned                       done:1;    /* a probe has ended */
    unsigned                       ok:1;
    unsigned                       probing:1;

    u_char                         version_data[
                                       NGX_HTTP_SOCKERLESS_HEALTH_VERSION];
    u_char                         message_data[
                                       NGX_HTTP_SOCKERLESS_HEALTH_MESSAGE];
};


typedef struct {
    ngx_queue_t                    queue;
    ngx_http_request_t            *request;
} ngx_http_sockerless_health_waiter_t;


static ngx_int_t ngx_http_sockerless_health_handler(ngx_http_request_t *r);
static void ngx_http_sockerless_health_probe(ngx_http_request_t *r,
    ngx_http_sockerless_health_t *st);
static ngx_int_t ngx_http_sockerless_health_done(
    ngx_http_sockerless_client_t *c, ngx_int_t rc);
static void ngx_http_sockerless_health_result(
    ngx_http_sockerless_health_t *st, ngx_uint_t ok, ngx_str_t *message);
static void ngx_http_sockerless_health_version(
    ngx_http_sockerless_health_t *st, ngx_str_t *lines);
static ngx_int_t ngx_http_sockerless_health_answer(ngx_http_request_t *r,
    ngx_http_sockerless_health_t *st);
static void ngx_http_sockerless_health_cleanup(void *data);


/* sockerless_health name | unix:/path */

char *
ngx_http_sockerless_health(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_sockerless_loc_conf_t *slcf = conf;

    ngx_str_t                     *value;
    ngx_url_t                      u;
    ngx_http_core_loc_conf_t      *clcf;
    ngx_http_sockerless_health_t  *st;

    if (slcf->observe.health) {
        return "is duplicate";
    }

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);

    if (clcf->handler) {
        return "is duplicate, or the location has another handler";
    }

    value = cf->args->elts;

    ngx_memzero(&u, sizeof(ngx_url_t));

    u.url = value[1];
    u.no_resolve = 1;

    slcf->observe.health = ngx_http_upstream_add(cf, &u, 0);
    if (slcf->observe.health == NULL) {
        return NGX_CONF_ERROR;
    }

    st = ngx_pcalloc(cf->pool, sizeof(ngx_http_sockerless_health_t));
    if (st == NULL) {
        return NGX_CONF_ERROR;
    }

    ngx_queue_init(&st->waiters);

    slcf->observe.health_state = st;

    clcf->handler = ngx_http_sockerless_health_handler;

    return NGX_CONF_OK;
}


static ngx_int_t
ngx_http_sockerless_health_handler(ngx_http_request_t *r)
{
    ngx_int_t                             rc;
    ngx_http_cleanup_t                   *cln;
    ngx_http_sockerless_health_t         *st;
    ngx_http_sockerless_loc_conf_t       *slcf;
    ngx_http_sockerless_health_waiter_t  *w;

    if (!(r->method & (NGX_HTTP_GET|NGX_HTTP_HEAD))) {
        return NGX_HTTP_NOT_ALLOWED;
    }

    rc = ngx_http_discard_request_body(r);

    if (rc != NGX_OK) {
        return rc;
    }

    slcf = ngx_http_get_module_loc_conf(r, ngx_http_sockerless_module);
    st = slcf->observe.health_state;

    if (!st->probing
        && (!st->done
            || ngx_current_msec - st->checked
               >= slcf->observe.health_interval))
    {
        ngx_http_sockerless_health_probe(r, st);
    }

    if (!st->probing) {
        return ngx_http_sockerless_health_answer(r, st);
    }

    /* the probe is under way: its result answers this request too */

    w = ngx_palloc(r->pool, sizeof(ngx_http_sockerless_health_waiter_t));
    if (w == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    cln = ngx_http_cleanup_add(r, 0);
    if (cln == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    w->request = r;
    ngx_queue_insert_tail(&st->waiters, &w->queue);

    cln->handler = ngx_http_sockerless_health_cleanup;
    cln->data = w;

    r->main->count++;

    return NGX_DONE;
}


static void
ngx_http_sockerless_health_probe(ngx_http_request_t *r,
    ngx_http_sockerless_health_t *st)
{
    ngx_int_t                        rc;
    ngx_str_t                        target = ngx_string("/_ping");
    ngx_str_t                        none = ngx_null_string, message;
    ngx_pool_t                      *pool;
    ngx_http_sockerless_peer_t       peer;
    ngx_http_sockerless_loc_conf_t  *slcf;

    slcf = ngx_http_get_module_loc_conf(r, ngx_http_sockerless_module);

    ngx_memzero(&peer, sizeof(ngx_http_sockerless_peer_t));

    /* the daemon of sockerless_health: its upstream's first server */

    if (ngx_http_sockerless_client_upstream_addr(slcf->observe.health,
                                                 &peer.addr)
        != NGX_OK)
    {
        ngx_str_set(&message, "the Docker daemon's upstream has no address");
        ngx_http_sockerless_health_result(st, 0, &message);
        return;
    }

    /* over TLS as the location's requests go to their daemon */

    if (ngx_http_sockerless_client_peer_ssl(r, &slcf->observe.health->host,
                                            &peer)
        != NGX_OK)
    {
        ngx_str_set(&message, "no name for the daemon's certificate");
        ngx_http_sockerless_health_result(st, 0, &message);
        return;
    }

    /* a pool for each probe: it goes when the probe ends */

    st->log = *ngx_cycle->log;
    st->log.log_level = ngx_min(st->log.log_level, NGX_LOG_ALERT);

    pool = ngx_create_pool(NGX_DEFAULT_POOL_SIZE, &st->log);
    if (pool == NULL) {
        ngx_str_set(&message, "out of memory");
        ngx_http_sockerless_health_result(st, 0, &message);
        return;
    }

    st->client = ngx_http_sockerless_client_create(pool, &st->log, &peer,
                                           NGX_HTTP_SOCKERLESS_HEALTH_BUFFER,
                                           slcf->observe.health_timeout);
    if (st->client == NULL) {
        ngx_destroy_pool(pool);
        ngx_str_set(&message, "out of memory");
        ngx_http_sockerless_health_result(st, 0, &message);
        return;
    }

    st->client->handler = ngx_http_sockerless_health_done;
    st->client->data = st;
    st->pool = pool;
    st->probing = 1;
    st->version.len = 0;

    rc = ngx_http_sockerless_client_request(st->client, "GET", &target,
                                            &none, NULL);

    if (rc != NGX_OK) {
        /* refused at once (a unix socket): the handler is not called */

        message = st->client->message;
        ngx_http_sockerless_health_result(st, 0, &message);
        ngx_destroy_pool(pool);
    }
}


static ngx_int_t
ngx_http_sockerless_health_done(ngx_http_sockerless_client_t *c,
    ngx_int_t rc)
{
    ngx_http_sockerless_health_t *st = c->data;

    u_char      *p;
    ngx_str_t    message;
    ngx_pool_t  *pool;

    if (rc == NGX_AGAIN) {

        if (st->version.len == 0) {
            ngx_http_sockerless_health_version(st, &c->header_lines);
        }

        /* the body ("OK") says nothing more */

        c->in->pos = c->in->last;

        return NGX_OK;
    }

    if (rc == NGX_OK && c->status == NGX_HTTP_OK) {
        ngx_str_null(&message);

    } else if (rc == NGX_OK) {
        p = ngx_snprintf(st->message_data, NGX_HTTP_SOCKERLESS_HEALTH_MESSAGE,
                         "the Docker daemon at %V answered %ui to /_ping",
                         &c->addr.name, c->status);

        message.data = st->message_data;
        message.len = p - st->message_data;

    } else {
        message = c->message;
    }

    pool = st->pool;

    ngx_http_sockerless_health_result(st, message.len == 0, &message);

    /* the client is not touched after this call */

    ngx_destroy_pool(pool);

    return NGX_DONE;
}


/* a probe's result, for this request and every one that waits */

static void
ngx_http_sockerless_health_result(ngx_http_sockerless_health_t *st,
    ngx_uint_t ok, ngx_str_t *message)
{
    size_t                                len;
    ngx_int_t                             rc;
    ngx_queue_t                          *q;
    ngx_connection_t                     *c;
    ngx_http_request_t                   *r;
    ngx_http_sockerless_health_waiter_t  *w;

    /* a change is said once, not at every probe */

    if (!ok && (st->ok || !st->done)) {
        ngx_log_error(NGX_LOG_WARN, ngx_cycle->log, 0,
                      "sockerless health: %*s",
                      ngx_min(message->len,
                              NGX_HTTP_SOCKERLESS_HEALTH_MESSAGE),
                      message->data);

    } else if (ok && st->done && !st->ok) {
        ngx_log_error(NGX_LOG_NOTICE, ngx_cycle->log, 0,
                      "sockerless health: the Docker daemon answers again");
    }

    if (!ok) {
        st->version.len = 0;
    }

    if (message->data != st->message_data) {
        len = ngx_min(message->len, NGX_HTTP_SOCKERLESS_HEALTH_MESSAGE);
        ngx_memcpy(st->message_data, message->data, len);
        st->message.len = len;

    } else {
        st->message.len = message->len;
    }

    st->message.data = st->message_data;

    st->ok = ok;
    st->done = 1;
    st->probing = 0;
    st->client = NULL;
    st->pool = NULL;
    st->checked = ngx_current_msec;

    ngx_http_sockerless_metrics_count(ok ? NGX_HTTP_SOCKERLESS_M_HEALTH_OK
                                      : NGX_HTTP_SOCKERLESS_M_HEALTH_FAILED);

    while (!ngx_queue_empty(&st->waiters)) {
        q = ngx_queue_head(&st->waiters);
        ngx_queue_remove(q);

        w = ngx_queue_data(q, ngx_http_sockerless_health_waiter_t, queue);

        r = w->request;
        c = r->connection;
        w->request = NULL;

        rc = ngx_http_sockerless_health_answer(r, st);

        ngx_http_finalize_request(r, rc);
        ngx_http_run_posted_requests(c);
    }
}


/* "API-Version: 1.41" among the answer's header lines */

static void
ngx_http_sockerless_health_version(ngx_http_sockerless_health_t *st,
    ngx_str_t *lines)
{
    u_char  *p, *last, *v;
    size_t   len;

    p = lines->data;
    last = lines->data + lines->len;

    while (p < last) {

        v = ngx_strlchr(p, last, LF);
        if (v == NULL) {
            return;
        }

        if (v - p > 12 && ngx_strncasecmp(p, (u_char *) "API-Version:", 12)
                          == 0)
        {
            p += 12;

            while (p < v && (*p == ' ' || *p == '\t')) {
                p++;
            }

            len = v - p;

            while (len && (p[len - 1] == CR || p[len - 1] == ' ')) {
                len--;
            }

            /* a version is digits and dots */

            if (len == 0 || len > NGX_HTTP_SOCKERLESS_HEALTH_VERSION) {
                return;
            }

            for (v = p; v < p + len; v++) {
                if ((*v < '0' || *v > '9') && *v != '.') {
                    return;
                }
            }

            ngx_memcpy(st->version_data, p, len);
            st->version.data = st->version_data;
            st->version.len = len;

            return;
        }

        p = v + 1;
    }
}


static ngx_int_t
ngx_http_sockerless_health_answer(ngx_http_request_t *r,
    ngx_http_sockerless_health_t *st)
{
    ngx_buf_t  *b;

    if (!st->ok) {
        return ngx_http_sockerless_send_error(r, NGX_HTTP_SERVICE_UNAVAILABLE,
                                              "%V", &st->message);
    }

    b = ngx_create_temp_buf(r->pool, sizeof("{\"status\":\"ok\","
                                            "\"api_version\":\"\"}\n") - 1
                                     + st->version.len);
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    b->last = ngx_sprintf(b->last,
                          "{\"status\":\"ok\",\"api_version\":\"%V\"}\n",
                          &st->version);
    b->last_buf = 1;
    b->last_in_chain = 1;

    return ngx_http_sockerless_send_json(r, NGX_HTTP_OK, b);
}


static void
ngx_http_sockerless_health_cleanup(void *data)
{
    ngx_http_sockerless_health_waiter_t  *w = data;

    if (w->request) {
        ngx_queue_remove(&w->queue);
        w->request = NULL;
    }
}
