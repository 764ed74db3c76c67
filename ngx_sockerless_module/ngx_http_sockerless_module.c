
/*
 * Copyright (C) ngx_sockerless developers
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_sockerless_module.h"


static ngx_int_t ngx_http_sockerless_handler(ngx_http_request_t *r);
static ngx_int_t ngx_http_sockerless_run(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx);
static void ngx_http_sockerless_next(ngx_http_request_t *r, ngx_int_t rc);
static void *ngx_http_sockerless_create_main_conf(ngx_conf_t *cf);
static void *ngx_http_sockerless_create_loc_conf(ngx_conf_t *cf);
static char *ngx_http_sockerless_merge_loc_conf(ngx_conf_t *cf,
    void *parent, void *child);
static ngx_int_t ngx_http_sockerless_preconfiguration(ngx_conf_t *cf);
static ngx_int_t ngx_http_sockerless_postconfiguration(ngx_conf_t *cf);
static char *ngx_http_sockerless_pass_slot(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
static char *ngx_http_sockerless_timeout_slot(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);


static ngx_conf_enum_t  ngx_http_sockerless_auto_pull[] = {
    { ngx_string("off"), NGX_HTTP_SOCKERLESS_PULL_OFF },
    { ngx_string("on"), NGX_HTTP_SOCKERLESS_PULL_ON },
    { ngx_string("auto"), NGX_HTTP_SOCKERLESS_PULL_AUTO },
    { ngx_null_string, 0 }
};


static ngx_command_t  ngx_http_sockerless_commands[] = {

    { ngx_string("sockerless_pass"),
      NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_sockerless_pass_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("sockerless_connect_timeout"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_msec_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_sockerless_loc_conf_t, upstream.connect_timeout),
      NULL },

    { ngx_string("sockerless_send_timeout"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_sockerless_timeout_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_sockerless_loc_conf_t, upstream.send_timeout),
      NULL },

    { ngx_string("sockerless_read_timeout"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_sockerless_timeout_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_sockerless_loc_conf_t, upstream.read_timeout),
      NULL },

    { ngx_string("sockerless_stream_idle_timeout"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_sockerless_timeout_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_sockerless_loc_conf_t, stream_idle_timeout),
      NULL },

    { ngx_string("sockerless_buffer_size"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_size_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_sockerless_loc_conf_t, upstream.buffer_size),
      NULL },

    { ngx_string("sockerless_allow_browsers"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_sockerless_loc_conf_t, allow_browsers),
      NULL },

    { ngx_string("sockerless_policy"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_BLOCK|NGX_CONF_TAKE1,
      ngx_http_sockerless_policy_block,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("sockerless_enforce"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_set_complex_value_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_sockerless_loc_conf_t, enforce),
      NULL },

    { ngx_string("sockerless_enforce_dry_run"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_sockerless_loc_conf_t, enforce_dry_run),
      NULL },

    /* observability: ngx_http_sockerless_metrics.c, _audit.c, _health.c */

    { ngx_string("sockerless_metrics"),
      NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS,
      ngx_http_sockerless_metrics,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("sockerless_metrics_collect"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_sockerless_loc_conf_t, observe.collect),
      NULL },

    { ngx_string("sockerless_audit_log"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_sockerless_audit_log,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("sockerless_health"),
      NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_sockerless_health,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("sockerless_health_interval"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_msec_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_sockerless_loc_conf_t, observe.health_interval),
      NULL },

    { ngx_string("sockerless_health_timeout"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_msec_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_sockerless_loc_conf_t, observe.health_timeout),
      NULL },

    { ngx_string("sockerless_auto_pull"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_enum_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_sockerless_loc_conf_t, auto_pull),
      &ngx_http_sockerless_auto_pull },

    { ngx_string("sockerless_pull_timeout"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_msec_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_sockerless_loc_conf_t, pull_timeout),
      NULL },

    { ngx_string("sockerless_owner_label"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_sockerless_loc_conf_t, owner_label),
      NULL },

    { ngx_string("sockerless_max_json_body"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_size_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_sockerless_loc_conf_t, max_json_body),
      NULL },

    { ngx_string("sockerless_max_json_element"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_size_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_sockerless_loc_conf_t, max_json_element),
      NULL },

    /* nodes over TLS (ngx_http_sockerless_node.c) */

    { ngx_string("sockerless_ssl"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_sockerless_loc_conf_t, ssl),
      NULL },

    { ngx_string("sockerless_ssl_certificate"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_sockerless_loc_conf_t, ssl_certificate),
      NULL },

    { ngx_string("sockerless_ssl_certificate_key"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_sockerless_loc_conf_t, ssl_certificate_key),
      NULL },

    { ngx_string("sockerless_ssl_trusted_certificate"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_sockerless_loc_conf_t, ssl_trusted_certificate),
      NULL },

    { ngx_string("sockerless_ssl_verify_depth"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_num_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_sockerless_loc_conf_t, ssl_verify_depth),
      NULL },

#if (NGX_HTTP_SSL)

    { ngx_string("sockerless_ssl_verify"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_sockerless_loc_conf_t, upstream.ssl_verify),
      NULL },

    { ngx_string("sockerless_ssl_name"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_set_complex_value_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_sockerless_loc_conf_t, upstream.ssl_name),
      NULL },

#endif

      ngx_null_command
};


static ngx_http_module_t  ngx_http_sockerless_module_ctx = {
    ngx_http_sockerless_preconfiguration,  /* preconfiguration */
    ngx_http_sockerless_postconfiguration, /* postconfiguration */

    ngx_http_sockerless_create_main_conf,  /* create main configuration */
    NULL,                                  /* init main configuration */

    NULL,                                  /* create server configuration */
    NULL,                                  /* merge server configuration */

    ngx_http_sockerless_create_loc_conf,   /* create location configuration */
    ngx_http_sockerless_merge_loc_conf     /* merge location configuration */
};


ngx_module_t  ngx_http_sockerless_module = {
    NGX_MODULE_V1,
    &ngx_http_sockerless_module_ctx,       /* module context */
    ngx_http_sockerless_commands,          /* module directives */
    NGX_HTTP_MODULE,                       /* module type */
    NULL,                                  /* init master */
    NULL,                                  /* init module */
    NULL,                                  /* init process */
    NULL,                                  /* init thread */
    NULL,                                  /* exit thread */
    NULL,                                  /* exit process */
    NULL,                                  /* exit master */
    NGX_MODULE_V1_PADDING
};


static ngx_str_t  ngx_http_sockerless_hide_headers[] = {
    ngx_null_string
};


/*
 * How a request flows: each stage runs when the one before it is done,
 * some of them after a wait (for the body, for dockerd's answers, for a
 * pull).  Before "body" the stages run in the content handler; a refusal
 * there is answered at once, before any byte of a body is read.
 */

static ngx_http_sockerless_stage_pt  ngx_http_sockerless_stages[] = {
    ngx_http_sockerless_guard,        /* subrequests, browsers (request.c) */
    ngx_http_sockerless_node,         /* the node, the prefix (node.c) */
    ngx_http_sockerless_policy_line,  /* the request line (policy.c) */
    ngx_http_sockerless_body,         /* a body read whole (body.c) */
    ngx_http_sockerless_policy_body,  /* the body judged (policy.c) */
    ngx_http_sockerless_resolve,      /* names dockerd resolves (resolve.c) */
    ngx_http_sockerless_policy_rewrite,   /* what dockerd gets (policy.c) */
    ngx_http_sockerless_decided,      /* the decision on record (metrics.c) */
    ngx_http_sockerless_pull,         /* the image of a create (pull.c) */
    ngx_http_sockerless_forward,      /* to dockerd (upstream.c) */
    NULL
};


static ngx_int_t
ngx_http_sockerless_handler(ngx_http_request_t *r)
{
    ngx_int_t                   rc;
    ngx_http_sockerless_ctx_t  *ctx;

    ctx = ngx_http_sockerless_get_ctx(r);
    if (ctx == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    rc = ngx_http_sockerless_run(r, ctx);

    if (rc == NGX_DONE || (rc == NGX_AGAIN && !ctx->answered)) {
        /* the body is being read: it holds the request */
        return NGX_DONE;
    }

    return rc;
}


/* the stages from ctx->stage on, until one waits or ends the request */

static ngx_int_t
ngx_http_sockerless_run(ngx_http_request_t *r, ngx_http_sockerless_ctx_t *ctx)
{
    ngx_int_t  rc;

    while (ngx_http_sockerless_stages[ctx->stage]) {

        rc = ngx_http_sockerless_stages[ctx->stage](r, ctx,
                                                    ngx_http_sockerless_next);

        if (rc != NGX_OK || ctx->answered) {
            return rc;
        }

        ctx->stage++;
    }

    return NGX_OK;
}


/* the continuation of the stage that waited */

static void
ngx_http_sockerless_next(ngx_http_request_t *r, ngx_int_t rc)
{
    ngx_http_sockerless_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_sockerless_module);

    if (rc == NGX_OK && !ctx->answered) {
        ctx->stage++;

        rc = ngx_http_sockerless_run(r, ctx);

        if ((rc == NGX_AGAIN || rc == NGX_DONE) && !ctx->answered) {
            return;
        }
    }

    ngx_http_finalize_request(r, rc);
}


static void *
ngx_http_sockerless_create_main_conf(ngx_conf_t *cf)
{
    ngx_http_sockerless_main_conf_t  *smcf;

    smcf = ngx_pcalloc(cf->pool, sizeof(ngx_http_sockerless_main_conf_t));
    if (smcf == NULL) {
        return NULL;
    }

    ngx_queue_init(&smcf->pulls);

    if (ngx_sockerless_route_index_init(&smcf->route_index) != NGX_OK) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "the operation table does not fit the route index");
        return NULL;
    }

    return smcf;
}


static void *
ngx_http_sockerless_create_loc_conf(ngx_conf_t *cf)
{
    ngx_http_sockerless_loc_conf_t  *conf;

    conf = ngx_pcalloc(cf->pool, sizeof(ngx_http_sockerless_loc_conf_t));
    if (conf == NULL) {
        return NULL;
    }

    /*
     * set by ngx_pcalloc():
     *
     *     conf->upstream.bufs.num = 0;
     *     conf->upstream.next_upstream = 0;
     *     conf->upstream.temp_path = NULL;
     *     conf->upstream.hide_headers_hash = { NULL, 0 };
     *     conf->upstream_hijack = NULL;
     *     conf->enforce = NULL;
     */

    conf->upstream.local = NGX_CONF_UNSET_PTR;
    conf->upstream.hide_headers = NGX_CONF_UNSET_PTR;
    conf->upstream.pass_headers = NGX_CONF_UNSET_PTR;
    conf->upstream.socket_keepalive = NGX_CONF_UNSET;
    conf->upstream.connect_timeout = NGX_CONF_UNSET_MSEC;
    conf->upstream.send_timeout = NGX_CONF_UNSET_MSEC;
    conf->upstream.read_timeout = NGX_CONF_UNSET_MSEC;
    conf->upstream.next_upstream_timeout = NGX_CONF_UNSET_MSEC;

    conf->upstream.buffer_size = NGX_CONF_UNSET_SIZE;

    conf->stream_idle_timeout = NGX_CONF_UNSET_MSEC;
    conf->allow_browsers = NGX_CONF_UNSET;
    conf->json_errors = NGX_CONF_UNSET;
    conf->auto_pull = NGX_CONF_UNSET_UINT;
    conf->pull_timeout = NGX_CONF_UNSET_MSEC;
    conf->max_json_body = NGX_CONF_UNSET_SIZE;
    conf->max_json_element = NGX_CONF_UNSET_SIZE;
    conf->enforce_dry_run = NGX_CONF_UNSET;

    ngx_http_sockerless_observe_create_conf(&conf->observe);

    ngx_http_sockerless_node_create_conf(conf);

    /* the hardcoded values */
    conf->upstream.cyclic_temp_file = 0;
    conf->upstream.buffering = 0;
    conf->upstream.request_buffering = 0;
    conf->upstream.ignore_client_abort = 0;
    conf->upstream.send_lowat = 0;
    conf->upstream.bufs.num = 0;
    conf->upstream.busy_buffers_size = 0;
    conf->upstream.max_temp_file_size = 0;
    conf->upstream.temp_file_write_size = 0;
    conf->upstream.intercept_errors = 0;
    conf->upstream.intercept_404 = 0;
    conf->upstream.pass_request_headers = 1;
    conf->upstream.pass_request_body = 1;
    conf->upstream.force_ranges = 0;
    conf->upstream.next_upstream_tries = 0;

    /*
     * a stale keepalive connection is retried once on error; a server of
     * several (Swarm managers) that is down or does not answer in time
     * hands the request to the next; nginx never retries a POST that was
     * sent, nor a request whose body was streamed
     */

    conf->upstream.next_upstream = NGX_CONF_BITMASK_SET
                                   |NGX_HTTP_UPSTREAM_FT_ERROR
                                   |NGX_HTTP_UPSTREAM_FT_TIMEOUT;

    return conf;
}


static char *
ngx_http_sockerless_merge_loc_conf(ngx_conf_t *cf, void *parent, void *child)
{
    ngx_http_sockerless_loc_conf_t *prev = parent;
    ngx_http_sockerless_loc_conf_t *conf = child;

    ngx_hash_init_t            hash;
    ngx_http_core_loc_conf_t  *clcf;
    ngx_http_upstream_conf_t  *hijack;

    ngx_conf_merge_ptr_value(conf->upstream.local,
                              prev->upstream.local, NULL);

    ngx_conf_merge_value(conf->upstream.socket_keepalive,
                              prev->upstream.socket_keepalive, 0);

    ngx_conf_merge_msec_value(conf->upstream.connect_timeout,
                              prev->upstream.connect_timeout, 60000);

    /* dockerd may stop reading a body for long: committing a layer */

    ngx_conf_merge_msec_value(conf->upstream.send_timeout,
                              prev->upstream.send_timeout, 600000);

    /*
     * "docker logs -f", "events", "wait", "stop -t 600", long pulls and
     * builds are all quiet for long: no read timeout by default
     */

    ngx_conf_merge_msec_value(conf->upstream.read_timeout,
                              prev->upstream.read_timeout,
                              NGX_HTTP_SOCKERLESS_TIMEOUT_OFF);

    ngx_conf_merge_msec_value(conf->upstream.next_upstream_timeout,
                              prev->upstream.next_upstream_timeout, 0);

    ngx_conf_merge_size_value(conf->upstream.buffer_size,
                              prev->upstream.buffer_size,
                              (size_t) 16384);

    ngx_conf_merge_msec_value(conf->stream_idle_timeout,
                              prev->stream_idle_timeout,
                              NGX_HTTP_SOCKERLESS_TIMEOUT_OFF);

    ngx_conf_merge_value(conf->allow_browsers, prev->allow_browsers, 0);
    ngx_conf_merge_value(conf->json_errors, prev->json_errors, 0);

    if (conf->enforce == NULL) {
        conf->enforce = prev->enforce;
    }

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);

    if (conf->enforce && clcf->handler == ngx_http_sockerless_handler
        && clcf->satisfy == NGX_HTTP_SATISFY_ANY)
    {
        /* $remote_user is set from "Authorization" even when unchecked */

        ngx_conf_log_error(NGX_LOG_WARN, cf, 0,
                           "\"satisfy any\" in a location that enforces a "
                           "policy: an identity such as $remote_user may "
                           "come from credentials nginx did not check");
    }

    ngx_conf_merge_value(conf->enforce_dry_run, prev->enforce_dry_run, 0);

    if (conf->enforce && conf->enforce_dry_run
        && clcf->handler == ngx_http_sockerless_handler)
    {
        ngx_conf_log_error(NGX_LOG_WARN, cf, 0,
                           "sockerless_enforce_dry_run: the policy of this "
                           "location refuses nothing");
    }

    if (ngx_http_sockerless_observe_merge_conf(cf, &prev->observe,
            &conf->observe, clcf->handler == ngx_http_sockerless_handler)
        != NGX_CONF_OK)
    {
        return NGX_CONF_ERROR;
    }

    ngx_conf_merge_uint_value(conf->auto_pull, prev->auto_pull,
                              NGX_HTTP_SOCKERLESS_PULL_AUTO);

    ngx_conf_merge_msec_value(conf->pull_timeout, prev->pull_timeout,
                              600000);

    ngx_conf_merge_size_value(conf->max_json_body, prev->max_json_body,
                              4 * 1024 * 1024);

    ngx_conf_merge_size_value(conf->max_json_element, prev->max_json_element,
                              4 * 1024 * 1024);

    ngx_conf_merge_str_value(conf->owner_label, prev->owner_label,
                             NGX_SOCKERLESS_OWNER_LABEL);

    if (ngx_http_sockerless_node_merge(cf, prev, conf) != NGX_CONF_OK) {
        return NGX_CONF_ERROR;
    }

    hash.max_size = 512;
    hash.bucket_size = ngx_align(64, ngx_cacheline_size);
    hash.name = "sockerless_headers_hash";

    if (ngx_http_upstream_hide_headers_hash(cf, &conf->upstream,
            &prev->upstream, ngx_http_sockerless_hide_headers, &hash)
        != NGX_OK)
    {
        return NGX_CONF_ERROR;
    }

    /*
     * hijacked streams: a client that half-closes is not an abort, and
     * only sockerless_stream_idle_timeout limits an idle session
     */

    hijack = ngx_palloc(cf->pool, sizeof(ngx_http_upstream_conf_t));
    if (hijack == NULL) {
        return NGX_CONF_ERROR;
    }

    *hijack = conf->upstream;

    hijack->ignore_client_abort = 1;
    hijack->read_timeout = conf->stream_idle_timeout;
    hijack->next_upstream = NGX_CONF_BITMASK_SET|NGX_HTTP_UPSTREAM_FT_OFF;

    conf->upstream_hijack = hijack;

    return NGX_CONF_OK;
}


static ngx_int_t
ngx_http_sockerless_preconfiguration(ngx_conf_t *cf)
{
    return ngx_http_sockerless_add_variables(cf);
}


static ngx_int_t
ngx_http_sockerless_postconfiguration(ngx_conf_t *cf)
{
    if (ngx_http_sockerless_request_init(cf) != NGX_OK) {
        return NGX_ERROR;
    }

    if (ngx_http_sockerless_observe_init(cf) != NGX_OK) {
        return NGX_ERROR;
    }

    if (ngx_http_sockerless_filter_init(cf) != NGX_OK) {
        return NGX_ERROR;
    }

    return ngx_http_sockerless_rewrite_init(cf);
}


static char *
ngx_http_sockerless_pass_slot(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    char                            *rv;
    ngx_http_core_loc_conf_t        *clcf;
    ngx_http_core_srv_conf_t        *cscf;
    ngx_http_sockerless_loc_conf_t  *srv;

    /* an upstream, a socket, or variables (ngx_http_sockerless_node.c) */

    rv = ngx_http_sockerless_pass(cf, cmd, conf);
    if (rv != NGX_CONF_OK) {
        return rv;
    }

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);

    clcf->handler = ngx_http_sockerless_handler;

    /*
     * nginx refuses some requests before it picks a location (a request
     * line or header too long, Content-Length with Transfer-Encoding):
     * the server's configuration then says that errors are Docker JSON
     */

    cscf = ngx_http_conf_get_module_srv_conf(cf, ngx_http_core_module);

    srv = cscf->ctx->loc_conf[ngx_http_sockerless_module.ctx_index];
    srv->json_errors = 1;

    return NGX_CONF_OK;
}


static char *
ngx_http_sockerless_timeout_slot(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    char  *p = conf;

    ngx_str_t   *value;
    ngx_msec_t  *msp;

    msp = (ngx_msec_t *) (p + cmd->offset);

    if (*msp != NGX_CONF_UNSET_MSEC) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (ngx_strcmp(value[1].data, "off") == 0) {
        *msp = NGX_HTTP_SOCKERLESS_TIMEOUT_OFF;
        return NGX_CONF_OK;
    }

    *msp = ngx_parse_time(&value[1], 0);

    if (*msp == (ngx_msec_t) NGX_ERROR || *msp == 0) {
        return "invalid value";
    }

    if (*msp >= NGX_HTTP_SOCKERLESS_TIMEOUT_OFF) {
        return "is too long, use \"off\"";
    }

    return NGX_CONF_OK;
}
