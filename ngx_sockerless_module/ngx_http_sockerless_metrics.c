
/*
 * Copyright (C) ngx_sockerless developers
 */


/*
 * Metrics: counters shared by all worker processes, and the
 * "sockerless_metrics" location that shows them in Prometheus' text
 * format (0.0.4).  See docs/observability.md.
 *
 * Every label value is bounded when nginx reads its configuration (the
 * operation table, decisions, status classes, reason codes, ...), so the
 * counters are one array of ngx_atomic_t in a shared memory zone, indexed
 * by those values: a request costs a few atomic additions, no lock and no
 * allocation.  The zone's name and size depend on the table only: a
 * reload ("nginx -s reload") finds the zone it had and keeps counting.
 *
 * This file also holds the hooks other files call at the few points a
 * request's observation needs (a denial, a hijack's start, the end of the
 * upstream request, a pull's outcome), the stage that writes the audit
 * record of a decision, and the log phase handler.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>
#include <nginx.h>

#include "ngx_http_sockerless_module.h"


/* dimensions */
#define NGX_HTTP_SOCKERLESS_M_OPS        (ngx_sockerless_op_n + 1)
#define NGX_HTTP_SOCKERLESS_M_DECISIONS  5
#define NGX_HTTP_SOCKERLESS_M_CODES      6
#define NGX_HTTP_SOCKERLESS_M_REASONS    10
#define NGX_HTTP_SOCKERLESS_M_ENDS       (NGX_HTTP_SOCKERLESS_END_N - 1)
#define NGX_HTTP_SOCKERLESS_M_PULLS      7
#define NGX_HTTP_SOCKERLESS_M_KINDS      4
#define NGX_HTTP_SOCKERLESS_M_GROUPS     13
#define NGX_HTTP_SOCKERLESS_M_BUCKETS    11

/* a histogram: the buckets (not cumulative), the count, the sum in ms */
#define NGX_HTTP_SOCKERLESS_M_HISTOGRAM  (NGX_HTTP_SOCKERLESS_M_BUCKETS + 2)

/* where each metric starts in the array */
#define NGX_HTTP_SOCKERLESS_M_PULL       NGX_HTTP_SOCKERLESS_M_SINGLES
#define NGX_HTTP_SOCKERLESS_M_UPSTREAM                                        \
    (NGX_HTTP_SOCKERLESS_M_PULL + NGX_HTTP_SOCKERLESS_M_PULLS)
#define NGX_HTTP_SOCKERLESS_M_REQUESTS                                        \
    (NGX_HTTP_SOCKERLESS_M_UPSTREAM + NGX_HTTP_SOCKERLESS_M_KINDS)
#define NGX_HTTP_SOCKERLESS_M_DENIALS                                         \
    (NGX_HTTP_SOCKERLESS_M_REQUESTS + NGX_HTTP_SOCKERLESS_M_OPS               \
     * NGX_HTTP_SOCKERLESS_M_DECISIONS * NGX_HTTP_SOCKERLESS_M_CODES)
#define NGX_HTTP_SOCKERLESS_M_HIJACKS_ACTIVE                                  \
    (NGX_HTTP_SOCKERLESS_M_DENIALS + NGX_HTTP_SOCKERLESS_M_OPS                \
     * NGX_HTTP_SOCKERLESS_M_REASONS * 2)
#define NGX_HTTP_SOCKERLESS_M_HIJACKS                                         \
    (NGX_HTTP_SOCKERLESS_M_HIJACKS_ACTIVE + NGX_HTTP_SOCKERLESS_M_OPS)
#define NGX_HTTP_SOCKERLESS_M_STREAMS_ACTIVE                                  \
    (NGX_HTTP_SOCKERLESS_M_HIJACKS                                            \
     + NGX_HTTP_SOCKERLESS_M_OPS * NGX_HTTP_SOCKERLESS_M_ENDS)
#define NGX_HTTP_SOCKERLESS_M_DURATION                                        \
    (NGX_HTTP_SOCKERLESS_M_STREAMS_ACTIVE + NGX_HTTP_SOCKERLESS_M_OPS)
#define NGX_HTTP_SOCKERLESS_M_N                                               \
    (NGX_HTTP_SOCKERLESS_M_DURATION                                           \
     + NGX_HTTP_SOCKERLESS_M_GROUPS * NGX_HTTP_SOCKERLESS_M_HISTOGRAM)

/* room for the longest line of the exposition */
#define NGX_HTTP_SOCKERLESS_M_LINE       512
#define NGX_HTTP_SOCKERLESS_M_BUFFER     16384


typedef struct {
    ngx_atomic_t                   layout;    /* what the array means */
    ngx_atomic_t                   start;     /* when counting began */
    ngx_atomic_t                   counters[NGX_HTTP_SOCKERLESS_M_N];
} ngx_http_sockerless_metrics_shm_t;


/* the exposition, written into a chain of buffers */

typedef struct {
    ngx_pool_t                    *pool;
    ngx_chain_t                   *out;
    ngx_chain_t                  **last;
    ngx_buf_t                     *buf;
    off_t                          size;
} ngx_http_sockerless_metrics_out_t;


static ngx_int_t ngx_http_sockerless_metrics_init_zone(
    ngx_shm_zone_t *shm_zone, void *data);
static ngx_uint_t ngx_http_sockerless_metrics_layout(void);
static ngx_atomic_t *ngx_http_sockerless_metrics_counters(
    ngx_http_request_t *r);
static ngx_int_t ngx_http_sockerless_observe_log(ngx_http_request_t *r);
static void ngx_http_sockerless_metrics_request(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx, ngx_atomic_t *m);
static ngx_uint_t ngx_http_sockerless_metrics_reason(ngx_str_t *reason);
static ngx_int_t ngx_http_sockerless_metrics_handler(ngx_http_request_t *r);
static ngx_int_t ngx_http_sockerless_metrics_write(
    ngx_http_sockerless_metrics_out_t *out, ngx_atomic_t *m, time_t start);
static ngx_int_t ngx_http_sockerless_metrics_family(
    ngx_http_sockerless_metrics_out_t *out, const char *name,
    const char *type, const char *help);
static ngx_int_t ngx_http_sockerless_metrics_printf(
    ngx_http_sockerless_metrics_out_t *out, const char *fmt, ...);


static ngx_str_t  ngx_http_sockerless_metrics_zone_name =
    ngx_string("sockerless_metrics");


/* label values, by index */

static const char  *ngx_http_sockerless_m_decisions[] = {
    "none", "allow", "deny", "error", "would-deny"
};

static const char  *ngx_http_sockerless_m_codes[] = {
    "none", "1xx", "2xx", "3xx", "4xx", "5xx"
};

/* the reason codes the judge writes before ":"; anything else is "other" */

static ngx_str_t  ngx_http_sockerless_m_reasons[] = {
    ngx_string("other"),
    ngx_string("operation"),
    ngx_string("unknown-operation"),
    ngx_string("privileged"),
    ngx_string("bind"),
    ngx_string("image"),
    ngx_string("json"),
    ngx_string("non-canonical"),
    ngx_string("version"),
    ngx_string("no-policy")
};

static const char  *ngx_http_sockerless_m_ends[] = {
    "daemon", "client", "timeout", "error"
};

static const char  *ngx_http_sockerless_m_pulls[] = {
    "present", "pulled", "not_found", "unauthorized", "timeout", "failed",
    "cancelled"
};

static const char  *ngx_http_sockerless_m_kinds[] = {
    "connect", "connect_timeout", "timeout", "closed"
};

/* the buckets' upper bounds, in ms and as Prometheus reads them */

static ngx_msec_int_t  ngx_http_sockerless_m_bounds[] = {
    5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000
};

static const char  *ngx_http_sockerless_m_les[] = {
    "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5",
    "10"
};


/* sockerless_metrics: this location shows the counters */

char *
ngx_http_sockerless_metrics(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    size_t                            size;
    ngx_shm_zone_t                   *zone;
    ngx_http_core_loc_conf_t         *clcf;
    ngx_http_sockerless_main_conf_t  *smcf;

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);

    if (clcf->handler) {
        return "is duplicate, or the location has another handler";
    }

    clcf->handler = ngx_http_sockerless_metrics_handler;

    smcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_sockerless_module);

    if (smcf->observe.zone) {
        return NGX_CONF_OK;
    }

    /* the array, and the slab allocator's own pages */

    size = ngx_align(sizeof(ngx_http_sockerless_metrics_shm_t), ngx_pagesize)
           + 8 * ngx_pagesize;

    zone = ngx_shared_memory_add(cf, &ngx_http_sockerless_metrics_zone_name,
                                 size, &ngx_http_sockerless_module);
    if (zone == NULL) {
        return NGX_CONF_ERROR;
    }

    zone->init = ngx_http_sockerless_metrics_init_zone;

    smcf->observe.zone = zone;

    return NGX_CONF_OK;
}


static ngx_int_t
ngx_http_sockerless_metrics_init_zone(ngx_shm_zone_t *shm_zone, void *data)
{
    ngx_http_sockerless_metrics_shm_t *old = data;

    ngx_uint_t                          layout;
    ngx_slab_pool_t                    *shpool;
    ngx_http_sockerless_metrics_shm_t  *m;

    layout = ngx_http_sockerless_metrics_layout();

    if (old) {
        /* a reload: the zone of the same name and size, counting goes on */

        shm_zone->data = old;

        if (old->layout != layout) {
            ngx_memzero(old, sizeof(ngx_http_sockerless_metrics_shm_t));
            old->layout = layout;
            old->start = ngx_time();
        }

        return NGX_OK;
    }

    shpool = (ngx_slab_pool_t *) shm_zone->shm.addr;

    if (shm_zone->shm.exists) {
        shm_zone->data = shpool->data;
        return NGX_OK;
    }

    m = ngx_slab_calloc(shpool, sizeof(ngx_http_sockerless_metrics_shm_t));
    if (m == NULL) {
        return NGX_ERROR;
    }

    m->layout = layout;
    m->start = ngx_time();

    shpool->data = m;
    shm_zone->data = m;

    return NGX_OK;
}


/* what the array means: the operations' names and the array's length */

static ngx_uint_t
ngx_http_sockerless_metrics_layout(void)
{
    uint32_t                    crc;
    ngx_uint_t                  i, n;
    const ngx_sockerless_op_t  *op;

    ngx_crc32_init(crc);

    n = NGX_HTTP_SOCKERLESS_M_N;
    ngx_crc32_update(&crc, (u_char *) &n, sizeof(ngx_uint_t));

    for (i = 0; i < ngx_sockerless_nops(); i++) {
        op = ngx_sockerless_op(i);
        ngx_crc32_update(&crc, op->name.data, op->name.len);
    }

    ngx_crc32_final(crc);

    return crc;
}


void
ngx_http_sockerless_observe_create_conf(
    ngx_http_sockerless_observe_loc_conf_t *conf)
{
    /*
     * set by ngx_pcalloc():
     *
     *     conf->health = NULL;
     *     conf->health_state = NULL;
     *     conf->observed = 0;
     */

    conf->collect = NGX_CONF_UNSET;
    conf->audit = NGX_CONF_UNSET_PTR;
    conf->health_interval = NGX_CONF_UNSET_MSEC;
    conf->health_timeout = NGX_CONF_UNSET_MSEC;
}


char *
ngx_http_sockerless_observe_merge_conf(ngx_conf_t *cf,
    ngx_http_sockerless_observe_loc_conf_t *prev,
    ngx_http_sockerless_observe_loc_conf_t *conf, ngx_uint_t observed)
{
    ngx_http_sockerless_main_conf_t  *smcf;

    ngx_conf_merge_value(conf->collect, prev->collect, 1);
    ngx_conf_merge_ptr_value(conf->audit, prev->audit, NULL);

    ngx_conf_merge_msec_value(conf->health_interval, prev->health_interval,
                              1000);
    ngx_conf_merge_msec_value(conf->health_timeout, prev->health_timeout,
                              5000);

    /* the log phase has something to do for this location's requests */

    smcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_sockerless_module);

    conf->observed = observed
                     && ((smcf->observe.zone && conf->collect) || conf->audit);

    return NGX_CONF_OK;
}


/* the log phase handler, when something is counted or audited */

ngx_int_t
ngx_http_sockerless_observe_init(ngx_conf_t *cf)
{
    ngx_str_t                         name = ngx_string("request_id");
    ngx_http_handler_pt              *h;
    ngx_http_core_main_conf_t        *cmcf;
    ngx_http_sockerless_main_conf_t  *smcf;

    smcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_sockerless_module);

    if (smcf->observe.zone == NULL && !smcf->observe.audit) {
        return NGX_OK;
    }

    if (smcf->observe.audit) {
        smcf->observe.request_id = ngx_http_get_variable_index(cf, &name);
        if (smcf->observe.request_id == NGX_ERROR) {
            return NGX_ERROR;
        }
    }

    cmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_core_module);

    h = ngx_array_push(&cmcf->phases[NGX_HTTP_LOG_PHASE].handlers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    *h = ngx_http_sockerless_observe_log;

    return NGX_OK;
}


/* the counters a request of this location goes to, or NULL */

static ngx_atomic_t *
ngx_http_sockerless_metrics_counters(ngx_http_request_t *r)
{
    ngx_http_sockerless_loc_conf_t     *slcf;
    ngx_http_sockerless_main_conf_t    *smcf;
    ngx_http_sockerless_metrics_shm_t  *m;

    smcf = ngx_http_get_module_main_conf(r, ngx_http_sockerless_module);

    if (smcf->observe.zone == NULL) {
        return NULL;
    }

    slcf = ngx_http_get_module_loc_conf(r, ngx_http_sockerless_module);

    if (!slcf->observe.collect) {
        return NULL;
    }

    m = smcf->observe.zone->data;

    return m->counters;
}


/* a single counter, from anywhere in a worker */

void
ngx_http_sockerless_metrics_count(ngx_uint_t counter)
{
    ngx_http_sockerless_main_conf_t    *smcf;
    ngx_http_sockerless_metrics_shm_t  *m;

    smcf = ngx_http_cycle_get_module_main_conf(ngx_cycle,
                                               ngx_http_sockerless_module);

    if (smcf == NULL || smcf->observe.zone == NULL) {
        return;
    }

    m = smcf->observe.zone->data;

    (void) ngx_atomic_fetch_add(&m->counters[counter], 1);
}


/*
 * The stage after the policy's decisions: the audit record of the
 * decision, and the streams that are now active.
 */

ngx_int_t
ngx_http_sockerless_decided(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx, ngx_http_sockerless_next_pt next)
{
    ngx_atomic_t                    *m;
    ngx_http_sockerless_loc_conf_t  *slcf;

    if (ctx->op
        && (ctx->op->flags & (NGX_SOCKERLESS_OP_STREAM
                              |NGX_SOCKERLESS_OP_HIJACK))
           == NGX_SOCKERLESS_OP_STREAM)
    {
        m = ngx_http_sockerless_metrics_counters(r);

        if (m) {
            m += NGX_HTTP_SOCKERLESS_M_STREAMS_ACTIVE + ctx->op->id;
            (void) ngx_atomic_fetch_add(m, 1);
            ctx->observe.stream = 1;
        }
    }

    slcf = ngx_http_get_module_loc_conf(r, ngx_http_sockerless_module);

    if (slcf->observe.audit && !ctx->observe.audited) {
        ngx_http_sockerless_audit(r, ctx, 0);
    }

    return NGX_OK;
}


/* the policy denied the request, or would have: counted, audited */

void
ngx_http_sockerless_observe_deny(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx)
{
    ngx_uint_t                       op, reason, dry;
    ngx_atomic_t                    *m;
    ngx_http_sockerless_loc_conf_t  *slcf;

    m = ngx_http_sockerless_metrics_counters(r);

    if (m) {
        op = ctx->op ? ctx->op->id : ngx_sockerless_op_n;
        reason = ngx_http_sockerless_metrics_reason(&ctx->decision.reason);
        dry = (ctx->decision.decision == NGX_HTTP_SOCKERLESS_WOULD_DENY);

        (void) ngx_atomic_fetch_add(&m[NGX_HTTP_SOCKERLESS_M_DENIALS
                                       + (op * NGX_HTTP_SOCKERLESS_M_REASONS
                                          + reason) * 2 + dry], 1);
    }

    /* a refusal ends the request: its decision is recorded now */

    slcf = ngx_http_get_module_loc_conf(r, ngx_http_sockerless_module);

    if (slcf->observe.audit
        && ctx->decision.decision == NGX_HTTP_SOCKERLESS_DENY)
    {
        ngx_http_sockerless_audit(r, ctx, 0);
    }
}


static ngx_uint_t
ngx_http_sockerless_metrics_reason(ngx_str_t *reason)
{
    u_char      *colon;
    size_t       len;
    ngx_uint_t   i;

    colon = ngx_strlchr(reason->data, reason->data + reason->len, ':');

    if (colon == NULL) {
        return 0;
    }

    len = colon - reason->data;

    for (i = 1; i < NGX_HTTP_SOCKERLESS_M_REASONS; i++) {
        if (ngx_http_sockerless_m_reasons[i].len == len
            && ngx_strncmp(ngx_http_sockerless_m_reasons[i].data,
                           reason->data, len)
               == 0)
        {
            return i;
        }
    }

    return 0;
}


/* a hijacked session begins */

void
ngx_http_sockerless_observe_hijack(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx)
{
    ngx_atomic_t         *m;
    ngx_http_upstream_t  *u;

    u = r->upstream;

    /* what went to dockerd so far is the request itself */

    if (u->peer.connection) {
        ctx->observe.upstream_sent = u->peer.connection->sent;
    }

    m = ngx_http_sockerless_metrics_counters(r);

    if (m && ctx->op) {
        m += NGX_HTTP_SOCKERLESS_M_HIJACKS_ACTIVE + ctx->op->id;
        (void) ngx_atomic_fetch_add(m, 1);
        ctx->observe.hijack = 1;
    }
}


/*
 * The upstream request ends with "rc" (u->finalize_request): how a
 * hijacked session ended, and the errors of dockerd's side.
 */

void
ngx_http_sockerless_observe_upstream(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx, ngx_int_t rc)
{
    ngx_uint_t            kind;
    ngx_atomic_t         *m;
    ngx_http_upstream_t  *u;

    u = r->upstream;

    if (ctx == NULL) {
        return;
    }

    if (ctx->hijack) {

        if (u->peer.connection) {
            ctx->observe.stream_in = u->peer.connection->sent
                                     - ctx->observe.upstream_sent;
        }

        if (rc == NGX_OK) {
            ctx->observe.end = NGX_HTTP_SOCKERLESS_END_DAEMON;

        } else if (rc == NGX_HTTP_GATEWAY_TIME_OUT) {
            ctx->observe.end = NGX_HTTP_SOCKERLESS_END_TIMEOUT;

        } else if (rc == NGX_DONE || rc == NGX_HTTP_CLIENT_CLOSED_REQUEST
                   || rc == NGX_HTTP_REQUEST_TIME_OUT || r->connection->error)
        {
            /* the request ended at the client's side */
            ctx->observe.end = NGX_HTTP_SOCKERLESS_END_CLIENT;

        } else {
            ctx->observe.end = NGX_HTTP_SOCKERLESS_END_ERROR;
        }

        return;
    }

    if (rc != NGX_HTTP_BAD_GATEWAY && rc != NGX_HTTP_GATEWAY_TIME_OUT) {
        return;
    }

    m = ngx_http_sockerless_metrics_counters(r);

    if (m == NULL) {
        return;
    }

    if (!u->request_sent) {
        kind = (rc == NGX_HTTP_BAD_GATEWAY) ? 0 : 1;    /* connect */

    } else {
        kind = (rc == NGX_HTTP_BAD_GATEWAY) ? 3 : 2;    /* closed, timeout */
    }

    (void) ngx_atomic_fetch_add(&m[NGX_HTTP_SOCKERLESS_M_UPSTREAM + kind], 1);
}


/* an auto-pull ended: pulled (or the image was there), or "status" */

void
ngx_http_sockerless_observe_pull(ngx_uint_t pulled, ngx_uint_t status)
{
    ngx_uint_t  result;

    switch (status) {

    case 0:
        result = pulled ? 1 : 0;
        break;

    case NGX_HTTP_NOT_FOUND:
        result = 2;
        break;

    case NGX_HTTP_UNAUTHORIZED:
    case NGX_HTTP_FORBIDDEN:
        result = 3;
        break;

    case NGX_HTTP_GATEWAY_TIME_OUT:
        result = 4;
        break;

    case NGX_HTTP_CLIENT_CLOSED_REQUEST:
        result = 6;
        break;

    default:
        result = 5;
    }

    ngx_http_sockerless_metrics_count(NGX_HTTP_SOCKERLESS_M_PULL + result);
}


static ngx_int_t
ngx_http_sockerless_observe_log(ngx_http_request_t *r)
{
    ngx_atomic_t                    *m;
    ngx_http_sockerless_ctx_t       *ctx;
    ngx_http_sockerless_loc_conf_t  *slcf;

    slcf = ngx_http_get_module_loc_conf(r, ngx_http_sockerless_module);

    if (!slcf->observe.observed || r != r->main) {
        return NGX_OK;
    }

    ctx = ngx_http_sockerless_get_ctx(r);
    if (ctx == NULL) {
        return NGX_OK;
    }

    m = ngx_http_sockerless_metrics_counters(r);

    if (m) {
        ngx_http_sockerless_metrics_request(r, ctx, m);
    }

    if (slcf->observe.audit) {
        ngx_http_sockerless_audit(r, ctx, 1);
    }

    return NGX_OK;
}


static void
ngx_http_sockerless_metrics_request(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx, ngx_atomic_t *m)
{
    ngx_uint_t       op, code, status, group, g, i;
    ngx_time_t      *tp;
    ngx_msec_int_t   ms;
    ngx_atomic_t    *h;

    op = ctx->op ? ctx->op->id : ngx_sockerless_op_n;

    status = r->err_status ? r->err_status : r->headers_out.status;
    code = (status >= 100 && status < 600) ? status / 100 : 0;

    (void) ngx_atomic_fetch_add(&m[NGX_HTTP_SOCKERLESS_M_REQUESTS
                          + (op * NGX_HTTP_SOCKERLESS_M_DECISIONS
                             + ctx->decision.decision)
                            * NGX_HTTP_SOCKERLESS_M_CODES + code], 1);

    (void) ngx_atomic_fetch_add(&m[NGX_HTTP_SOCKERLESS_M_RECEIVED],
                                r->request_length + ctx->observe.stream_in);
    (void) ngx_atomic_fetch_add(&m[NGX_HTTP_SOCKERLESS_M_SENT],
                                r->connection->sent);

    if (ctx->observe.hijack) {
        (void) ngx_atomic_fetch_add(
                                &m[NGX_HTTP_SOCKERLESS_M_HIJACKS_ACTIVE + op],
                                (ngx_atomic_int_t) -1);

        i = ctx->observe.end ? ctx->observe.end : NGX_HTTP_SOCKERLESS_END_ERROR;

        (void) ngx_atomic_fetch_add(&m[NGX_HTTP_SOCKERLESS_M_HIJACKS
                                       + op * NGX_HTTP_SOCKERLESS_M_ENDS
                                       + i - 1], 1);
    }

    if (ctx->observe.stream) {
        (void) ngx_atomic_fetch_add(
                                &m[NGX_HTTP_SOCKERLESS_M_STREAMS_ACTIVE + op],
                                (ngx_atomic_int_t) -1);
    }

    /* durations by group: not of streams, whose length the client sets */

    if (ctx->op == NULL
        || (ctx->op->flags & (NGX_SOCKERLESS_OP_STREAM
                              |NGX_SOCKERLESS_OP_HIJACK)))
    {
        return;
    }

    tp = ngx_timeofday();

    ms = (ngx_msec_int_t) ((tp->sec - r->start_sec) * 1000
                           + (tp->msec - r->start_msec));
    ms = ngx_max(ms, 0);

    for (i = 0; i < NGX_HTTP_SOCKERLESS_M_BUCKETS; i++) {
        if (ms <= ngx_http_sockerless_m_bounds[i]) {
            break;
        }
    }

    group = ctx->op->groups;

    for (g = 0; group; g++, group >>= 1) {

        if (!(group & 1)) {
            continue;
        }

        h = &m[NGX_HTTP_SOCKERLESS_M_DURATION
               + g * NGX_HTTP_SOCKERLESS_M_HISTOGRAM];

        /* the count first: a scrape meanwhile sees no bucket above it */

        (void) ngx_atomic_fetch_add(&h[NGX_HTTP_SOCKERLESS_M_BUCKETS], 1);

        if (i < NGX_HTTP_SOCKERLESS_M_BUCKETS) {
            (void) ngx_atomic_fetch_add(&h[i], 1);
        }

        (void) ngx_atomic_fetch_add(&h[NGX_HTTP_SOCKERLESS_M_BUCKETS + 1], ms);
    }
}


/* the location of sockerless_metrics */

static ngx_int_t
ngx_http_sockerless_metrics_handler(ngx_http_request_t *r)
{
    ngx_int_t                           rc;
    ngx_http_sockerless_main_conf_t    *smcf;
    ngx_http_sockerless_metrics_out_t   out;
    ngx_http_sockerless_metrics_shm_t  *m;

    if (!(r->method & (NGX_HTTP_GET|NGX_HTTP_HEAD))) {
        return NGX_HTTP_NOT_ALLOWED;
    }

    rc = ngx_http_discard_request_body(r);

    if (rc != NGX_OK) {
        return rc;
    }

    smcf = ngx_http_get_module_main_conf(r, ngx_http_sockerless_module);
    m = smcf->observe.zone->data;

    ngx_memzero(&out, sizeof(ngx_http_sockerless_metrics_out_t));
    out.pool = r->pool;
    out.last = &out.out;

    if (ngx_http_sockerless_metrics_write(&out, m->counters, m->start)
        != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    out.buf->last_buf = 1;
    out.buf->last_in_chain = 1;

    r->headers_out.status = NGX_HTTP_OK;
    r->headers_out.content_length_n = out.size;
    ngx_str_set(&r->headers_out.content_type,
                "text/plain; version=0.0.4; charset=utf-8");
    r->headers_out.content_type_len = sizeof("text/plain") - 1;
    r->headers_out.content_type_lowcase = NULL;

    rc = ngx_http_send_header(r);

    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        return rc;
    }

    return ngx_http_output_filter(r, out.out);
}


/*
 * The exposition.  Counters that are still 0 are left out (a label set
 * appears with its first event); gauges and the small fixed sets are
 * always there.
 */

static ngx_int_t
ngx_http_sockerless_metrics_write(ngx_http_sockerless_metrics_out_t *out,
    ngx_atomic_t *m, time_t start)
{
    ngx_uint_t                  op, d, c, i, g, n;
    const char                 *name;
    ngx_atomic_t               *h;
    ngx_atomic_uint_t           v, sum;
    const ngx_sockerless_op_t  *o;

#define ngx_http_sockerless_m_print(args)                                     \
    if (ngx_http_sockerless_metrics_printf args != NGX_OK) {                  \
        return NGX_ERROR;                                                     \
    }

#define ngx_http_sockerless_m_family(name, type, help)                        \
    if (ngx_http_sockerless_metrics_family(out, name, type, help)             \
        != NGX_OK)                                                            \
    {                                                                         \
        return NGX_ERROR;                                                     \
    }

    ngx_http_sockerless_m_family("sockerless_build_info", "gauge",
                                 "The module's version and nginx's.");

    ngx_http_sockerless_m_print((out, "sockerless_build_info{version=\""
                                 NGX_HTTP_SOCKERLESS_VERSION "\",nginx=\""
                                 NGINX_VERSION "\"} 1\n"));

    ngx_http_sockerless_m_family("sockerless_start_time_seconds", "gauge",
                                 "When the counters began (a reload keeps "
                                 "them), in seconds since the epoch.");

    ngx_http_sockerless_m_print((out, "sockerless_start_time_seconds %T\n",
                                 start));

    ngx_http_sockerless_m_family("sockerless_requests_total", "counter",
                                 "Requests to the Docker API, by operation, "
                                 "the policy's decision and status class.");

    for (op = 0; op < NGX_HTTP_SOCKERLESS_M_OPS; op++) {
        o = ngx_sockerless_op(op);
        name = o ? (const char *) o->name.data : "-";

        for (d = 0; d < NGX_HTTP_SOCKERLESS_M_DECISIONS; d++) {
            for (c = 0; c < NGX_HTTP_SOCKERLESS_M_CODES; c++) {

                v = m[NGX_HTTP_SOCKERLESS_M_REQUESTS
                      + (op * NGX_HTTP_SOCKERLESS_M_DECISIONS + d)
                        * NGX_HTTP_SOCKERLESS_M_CODES + c];

                if (v == 0) {
                    continue;
                }

                ngx_http_sockerless_m_print((out,
                    "sockerless_requests_total{operation=\"%s\","
                    "decision=\"%s\",code=\"%s\"} %uA\n", name,
                    ngx_http_sockerless_m_decisions[d],
                    ngx_http_sockerless_m_codes[c], v));
            }
        }
    }

    ngx_http_sockerless_m_family("sockerless_denials_total", "counter",
                                 "Requests the policy denied (or would "
                                 "have, in a dry run), by operation and "
                                 "reason code.");

    for (op = 0; op < NGX_HTTP_SOCKERLESS_M_OPS; op++) {
        o = ngx_sockerless_op(op);
        name = o ? (const char *) o->name.data : "-";

        for (i = 0; i < NGX_HTTP_SOCKERLESS_M_REASONS * 2; i++) {

            v = m[NGX_HTTP_SOCKERLESS_M_DENIALS
                  + op * NGX_HTTP_SOCKERLESS_M_REASONS * 2 + i];

            if (v == 0) {
                continue;
            }

            ngx_http_sockerless_m_print((out,
                "sockerless_denials_total{operation=\"%s\",reason=\"%V\","
                "decision=\"%s\"} %uA\n", name,
                &ngx_http_sockerless_m_reasons[i / 2],
                (i & 1) ? "would-deny" : "deny", v));
        }
    }

    ngx_http_sockerless_m_family("sockerless_request_duration_seconds",
                                 "histogram",
                                 "How long requests took, by policy group "
                                 "(an operation counts in each of its "
                                 "groups); streams and hijacks are not "
                                 "counted.");

    for (g = 0; g < NGX_HTTP_SOCKERLESS_M_GROUPS; g++) {

        h = &m[NGX_HTTP_SOCKERLESS_M_DURATION
               + g * NGX_HTTP_SOCKERLESS_M_HISTOGRAM];

        n = h[NGX_HTTP_SOCKERLESS_M_BUCKETS];

        if (n == 0) {
            continue;
        }

        name = ngx_sockerless_group_name((ngx_uint_t) 1 << g);
        v = 0;

        for (i = 0; i < NGX_HTTP_SOCKERLESS_M_BUCKETS; i++) {
            v += h[i];

            ngx_http_sockerless_m_print((out,
                "sockerless_request_duration_seconds_bucket{group=\"%s\","
                "le=\"%s\"} %uA\n", name, ngx_http_sockerless_m_les[i],
                ngx_min(v, n)));
        }

        sum = h[NGX_HTTP_SOCKERLESS_M_BUCKETS + 1];

        ngx_http_sockerless_m_print((out,
            "sockerless_request_duration_seconds_bucket{group=\"%s\","
            "le=\"+Inf\"} %uA\n"
            "sockerless_request_duration_seconds_sum{group=\"%s\"} "
            "%uA.%03uA\n"
            "sockerless_request_duration_seconds_count{group=\"%s\"} %uA\n",
            name, n, name, sum / 1000, sum % 1000, name, n));
    }

    ngx_http_sockerless_m_family("sockerless_hijacks_active", "gauge",
                                 "Hijacked sessions (attach, exec) open "
                                 "now, by operation.");

    for (op = 0; op < ngx_sockerless_op_n; op++) {
        o = ngx_sockerless_op(op);

        if (!(o->flags & NGX_SOCKERLESS_OP_HIJACK)) {
            continue;
        }

        ngx_http_sockerless_m_print((out,
            "sockerless_hijacks_active{operation=\"%V\"} %A\n", &o->name,
            (ngx_atomic_int_t) m[NGX_HTTP_SOCKERLESS_M_HIJACKS_ACTIVE + op]));
    }

    ngx_http_sockerless_m_family("sockerless_hijacks_total", "counter",
                                 "Hijacked sessions that ended, by "
                                 "operation and by what ended them.");

    for (op = 0; op < ngx_sockerless_op_n; op++) {
        o = ngx_sockerless_op(op);

        for (i = 0; i < NGX_HTTP_SOCKERLESS_M_ENDS; i++) {

            v = m[NGX_HTTP_SOCKERLESS_M_HIJACKS
                  + op * NGX_HTTP_SOCKERLESS_M_ENDS + i];

            if (v == 0) {
                continue;
            }

            ngx_http_sockerless_m_print((out,
                "sockerless_hijacks_total{operation=\"%V\",end=\"%s\"} "
                "%uA\n", &o->name, ngx_http_sockerless_m_ends[i], v));
        }
    }

    ngx_http_sockerless_m_family("sockerless_streams_active", "gauge",
                                 "Requests of operations that stream "
                                 "(logs, events, stats, pulls, builds) in "
                                 "progress, by operation.");

    for (op = 0; op < ngx_sockerless_op_n; op++) {
        o = ngx_sockerless_op(op);

        if ((o->flags & (NGX_SOCKERLESS_OP_STREAM|NGX_SOCKERLESS_OP_HIJACK))
            != NGX_SOCKERLESS_OP_STREAM)
        {
            continue;
        }

        ngx_http_sockerless_m_print((out,
            "sockerless_streams_active{operation=\"%V\"} %A\n", &o->name,
            (ngx_atomic_int_t) m[NGX_HTTP_SOCKERLESS_M_STREAMS_ACTIVE + op]));
    }

    ngx_http_sockerless_m_family("sockerless_autopulls_total", "counter",
                                 "Auto-pulls of a create's image, by "
                                 "result.");

    for (i = 0; i < NGX_HTTP_SOCKERLESS_M_PULLS; i++) {
        ngx_http_sockerless_m_print((out,
            "sockerless_autopulls_total{result=\"%s\"} %uA\n",
            ngx_http_sockerless_m_pulls[i],
            m[NGX_HTTP_SOCKERLESS_M_PULL + i]));
    }

    ngx_http_sockerless_m_family("sockerless_upstream_errors_total",
                                 "counter",
                                 "Requests that failed on dockerd's side, "
                                 "by kind.");

    for (i = 0; i < NGX_HTTP_SOCKERLESS_M_KINDS; i++) {
        ngx_http_sockerless_m_print((out,
            "sockerless_upstream_errors_total{kind=\"%s\"} %uA\n",
            ngx_http_sockerless_m_kinds[i],
            m[NGX_HTTP_SOCKERLESS_M_UPSTREAM + i]));
    }

    ngx_http_sockerless_m_family("sockerless_received_bytes_total", "counter",
                                 "Bytes received from clients (requests "
                                 "and hijacked input).");

    ngx_http_sockerless_m_print((out, "sockerless_received_bytes_total %uA\n",
                                 m[NGX_HTTP_SOCKERLESS_M_RECEIVED]));

    ngx_http_sockerless_m_family("sockerless_sent_bytes_total", "counter",
                                 "Bytes sent to clients.");

    ngx_http_sockerless_m_print((out, "sockerless_sent_bytes_total %uA\n",
                                 m[NGX_HTTP_SOCKERLESS_M_SENT]));

    ngx_http_sockerless_m_family("sockerless_audit_records_total", "counter",
                                 "Audit records written.");

    ngx_http_sockerless_m_print((out, "sockerless_audit_records_total %uA\n",
                                 m[NGX_HTTP_SOCKERLESS_M_AUDIT]));

    ngx_http_sockerless_m_family("sockerless_audit_errors_total", "counter",
                                 "Audit records that could not be written "
                                 "(the error log says why).");

    ngx_http_sockerless_m_print((out, "sockerless_audit_errors_total %uA\n",
                                 m[NGX_HTTP_SOCKERLESS_M_AUDIT_ERRORS]));

    ngx_http_sockerless_m_family("sockerless_health_probes_total", "counter",
                                 "Probes of dockerd's /_ping by "
                                 "sockerless_health, by result.");

    ngx_http_sockerless_m_print((out,
        "sockerless_health_probes_total{result=\"ok\"} %uA\n"
        "sockerless_health_probes_total{result=\"failed\"} %uA\n",
        m[NGX_HTTP_SOCKERLESS_M_HEALTH_OK],
        m[NGX_HTTP_SOCKERLESS_M_HEALTH_FAILED]));

#undef ngx_http_sockerless_m_print
#undef ngx_http_sockerless_m_family

    return NGX_OK;
}


static ngx_int_t
ngx_http_sockerless_metrics_family(ngx_http_sockerless_metrics_out_t *out,
    const char *name, const char *type, const char *help)
{
    return ngx_http_sockerless_metrics_printf(out, "# HELP %s %s\n"
                                              "# TYPE %s %s\n",
                                              name, help, name, type);
}


static ngx_int_t
ngx_http_sockerless_metrics_printf(ngx_http_sockerless_metrics_out_t *out,
    const char *fmt, ...)
{
    u_char       *p;
    va_list       args;
    ngx_buf_t    *b;
    ngx_chain_t  *cl;

    b = out->buf;

    if (b == NULL || b->end - b->last < NGX_HTTP_SOCKERLESS_M_LINE) {

        b = ngx_create_temp_buf(out->pool, NGX_HTTP_SOCKERLESS_M_BUFFER);
        if (b == NULL) {
            return NGX_ERROR;
        }

        cl = ngx_alloc_chain_link(out->pool);
        if (cl == NULL) {
            return NGX_ERROR;
        }

        cl->buf = b;
        cl->next = NULL;

        *out->last = cl;
        out->last = &cl->next;
        out->buf = b;
    }

    va_start(args, fmt);
    p = ngx_vslprintf(b->last, b->end, fmt, args);
    va_end(args);

    out->size += p - b->last;
    b->last = p;

    return NGX_OK;
}
