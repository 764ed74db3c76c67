
/*
 * Copyright (C) ngx_sockerless developers
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_sockerless_module.h"
#include "ngx_sockerless_json.h"


static ngx_int_t ngx_http_sockerless_handler(ngx_http_request_t *r);
static ngx_int_t ngx_http_sockerless_auto_pull(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx);
static ngx_int_t ngx_http_sockerless_denied(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx);
static void *ngx_http_sockerless_create_main_conf(ngx_conf_t *cf);
static void *ngx_http_sockerless_create_loc_conf(ngx_conf_t *cf);
static char *ngx_http_sockerless_merge_loc_conf(ngx_conf_t *cf,
    void *parent, void *child);
static ngx_int_t ngx_http_sockerless_redact_handler(ngx_http_request_t *r);
static ngx_int_t ngx_http_sockerless_preconfiguration(ngx_conf_t *cf);
static ngx_int_t ngx_http_sockerless_postconfiguration(ngx_conf_t *cf);
static char *ngx_http_sockerless_pass(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_sockerless_timeout_slot(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);


static ngx_command_t  ngx_http_sockerless_commands[] = {

    { ngx_string("sockerless_pass"),
      NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_sockerless_pass,
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

    { ngx_string("sockerless_auto_pull"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_sockerless_loc_conf_t, auto_pull),
      NULL },

    { ngx_string("sockerless_pull_timeout"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_msec_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_sockerless_loc_conf_t, pull_timeout),
      NULL },

    { ngx_string("sockerless_max_json_body"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_size_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_sockerless_loc_conf_t, max_json_body),
      NULL },

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


/* headers only browsers send: the docker CLI and the SDKs never do */

static ngx_str_t  ngx_http_sockerless_browser_headers[] = {
    ngx_string("origin"),
    ngx_string("sec-fetch-site"),
    ngx_string("sec-fetch-mode"),
    ngx_string("sec-fetch-dest"),
    ngx_null_string
};


static ngx_int_t
ngx_http_sockerless_handler(ngx_http_request_t *r)
{
    ngx_int_t                        rc;
    ngx_uint_t                       whole;
    ngx_table_elt_t                 *h;
    ngx_http_upstream_t             *u;
    ngx_http_sockerless_ctx_t       *ctx;
    ngx_http_sockerless_loc_conf_t  *slcf;

    ctx = ngx_http_sockerless_get_ctx(r);
    if (ctx == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (r != r->main) {
        return ngx_http_sockerless_send_error(r, NGX_HTTP_BAD_REQUEST,
                                  "the Docker API cannot be a subrequest");
    }

    slcf = ngx_http_get_module_loc_conf(r, ngx_http_sockerless_module);

    if (!slcf->allow_browsers) {
        h = ngx_http_sockerless_header(r, ngx_http_sockerless_browser_headers);

        if (h) {
            /* DNS rebinding and cross-site requests from a web page */

            return ngx_http_sockerless_send_error(r, NGX_HTTP_FORBIDDEN,
                       "requests from web browsers are refused (\"%V\" "
                       "header); set \"sockerless_allow_browsers on\" "
                       "to allow them", &h->key);
        }
    }

    whole = 0;

    if (slcf->enforce) {
        rc = ngx_http_sockerless_policy_request(r, ctx);

        if (rc == NGX_ERROR) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        if (rc == NGX_DECLINED) {
            return ngx_http_sockerless_denied(r, ctx);
        }

        /* NGX_AGAIN: the body decides */

        whole = (rc == NGX_AGAIN);
    }

    if (ctx->op && slcf->auto_pull
        && ngx_strcmp(ctx->op->name.data, "ContainerCreate") == 0)
    {
        /* the body names the image to pull */
        whole = 1;
    }

    if (ngx_http_upstream_create(r) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    u = r->upstream;

    ngx_str_set(&u->schema, "http://");
    u->output.tag = (ngx_buf_tag_t) &ngx_http_sockerless_module;

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

    /* bodies stream to dockerd: nothing is held whole or written to disk */

    r->request_body_no_buffering = 1;

    if (whole) {
        /* the body is read whole before dockerd sees anything */

        rc = ngx_http_read_client_request_body(r,
                                            ngx_http_sockerless_body_start);

    } else {
        rc = ngx_http_read_client_request_body(r, ngx_http_upstream_init);
    }

    if (rc >= NGX_HTTP_SPECIAL_RESPONSE) {
        return rc;
    }

    return NGX_DONE;
}


void
ngx_http_sockerless_body_ready(ngx_http_request_t *r)
{
    ngx_int_t                        rc;
    ngx_http_sockerless_ctx_t       *ctx;
    ngx_http_sockerless_loc_conf_t  *slcf;

    ctx = ngx_http_get_module_ctx(r, ngx_http_sockerless_module);
    slcf = ngx_http_get_module_loc_conf(r, ngx_http_sockerless_module);

    if (ngx_http_sockerless_body_replace(r, ctx) != NGX_OK) {
        ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
        return;
    }

    if (ctx->policy
        && ngx_http_sockerless_policy_body(r, ctx) == NGX_DECLINED)
    {
        ngx_http_finalize_request(r, ngx_http_sockerless_denied(r, ctx));
        return;
    }

    if (!slcf->auto_pull
        || ngx_strcmp(ctx->op->name.data, "ContainerCreate") != 0)
    {
        ngx_http_upstream_init(r);
        return;
    }

    rc = ngx_http_sockerless_auto_pull(r, ctx);

    if (rc == NGX_OK) {
        /* waiting for the pull */
        return;
    }

    if (rc == NGX_ERROR) {
        ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
        return;
    }

    ngx_http_upstream_init(r);
}


static ngx_int_t
ngx_http_sockerless_denied(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx)
{
    ngx_str_t  none = ngx_string("-");

    if (ctx->deny_status == NGX_HTTP_BAD_REQUEST) {
        return ngx_http_sockerless_send_error(r, NGX_HTTP_BAD_REQUEST,
                                              "refused by policy \"%V\": %V",
                                              &ctx->policy_name,
                                              &ctx->reason);
    }

    return ngx_http_sockerless_send_error(r, NGX_HTTP_FORBIDDEN,
                                          "%V denied by policy \"%V\": %V",
                                          ctx->op ? &ctx->op->name : &none,
                                          &ctx->policy_name, &ctx->reason);
}


static ngx_int_t
ngx_http_sockerless_auto_pull(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx)
{
    ngx_str_t             image;
    ngx_sockerless_jv_t  *v;
    u_char                buf[1024];

    if (ctx->json == NULL || ctx->json->last == ctx->json->pos) {
        return NGX_DECLINED;
    }

    if (ctx->json_tree) {

        /* the policy read the body already, strictly */

        v = ngx_sockerless_json_get(ctx->json_tree, "Image");

        if (v == NULL || v->type != NGX_SOCKERLESS_JSON_STRING
            || v->str.len == 0)
        {
            return NGX_DECLINED;
        }

        return ngx_http_sockerless_pull_start(r, ctx, &v->str);
    }

    /* "Image" as dockerd's decoder reads it */

    if (ngx_sockerless_json_string(ctx->json->pos,
                                   ctx->json->last - ctx->json->pos,
                                   "Image", NULL, buf, sizeof(buf), &image)
        != NGX_OK
        || image.len == 0 || image.len == sizeof(buf))
    {
        return NGX_DECLINED;
    }

    image.data = ngx_pstrdup(r->pool, &image);
    if (image.data == NULL) {
        return NGX_ERROR;
    }

    return ngx_http_sockerless_pull_start(r, ctx, &image);
}


void
ngx_http_sockerless_pull_done(ngx_http_request_t *r, ngx_uint_t status,
    ngx_str_t *message, ngx_str_t *pulled)
{
    ngx_int_t                   rc;
    ngx_http_sockerless_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_sockerless_module);

    ctx->waiter = NULL;
    r->read_event_handler = ngx_http_block_reading;

    if (status) {
        rc = ngx_http_sockerless_send_error(r, status, "%V", message);
        ngx_http_finalize_request(r, rc);
        return;
    }

    if (pulled) {
        ctx->pulled.data = ngx_pstrdup(r->pool, pulled);
        if (ctx->pulled.data) {
            ctx->pulled.len = pulled->len;
        }
    }

    ngx_http_upstream_init(r);
}


/* the first request header named in "names" (ended by a null string) */

ngx_table_elt_t *
ngx_http_sockerless_header(ngx_http_request_t *r, ngx_str_t *names)
{
    ngx_str_t        *name;
    ngx_uint_t        i;
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h;

    part = &r->headers_in.headers.part;
    h = part->elts;

    for (i = 0; /* void */ ; i++) {

        if (i >= part->nelts) {
            if (part->next == NULL) {
                return NULL;
            }

            part = part->next;
            h = part->elts;
            i = 0;
        }

        for (name = names; name->len; name++) {
            if (h[i].key.len == name->len
                && ngx_strncasecmp(h[i].key.data, name->data, name->len)
                   == 0)
            {
                return &h[i];
            }
        }
    }
}


ngx_http_sockerless_ctx_t *
ngx_http_sockerless_get_ctx(ngx_http_request_t *r)
{
    u_char                     *work, *q;
    size_t                      len;
    ngx_http_sockerless_ctx_t  *ctx;

    /*
     * subrequests (auth_request) share the main request's variables:
     * they are about the main request
     */

    r = r->main;

    ctx = ngx_http_get_module_ctx(r, ngx_http_sockerless_module);

    if (ctx && ctx->routed) {
        return ctx;
    }

    if (ctx == NULL) {
        ctx = ngx_pcalloc(r->pool, sizeof(ngx_http_sockerless_ctx_t));
        if (ctx == NULL) {
            return NULL;
        }

        ngx_http_set_ctx(r, ctx, ngx_http_sockerless_module);

        ctx->route.op = NGX_SOCKERLESS_OP_NONE;
    }

    if (r->unparsed_uri.data == NULL) {
        /* a request line nginx refused: nothing to route */
        return ctx;
    }

    /* the path as the client sent it, without the query string */

    len = r->unparsed_uri.len;

    q = ngx_strlchr(r->unparsed_uri.data, r->unparsed_uri.data + len, '?');
    if (q) {
        len = q - r->unparsed_uri.data;
    }

    work = ngx_pnalloc(r->pool, len + 1);
    if (work == NULL) {
        return NULL;
    }

    if (ngx_sockerless_route(r->unparsed_uri.data, len, &r->method_name,
                             work, &ctx->route)
        == NGX_OK)
    {
        ctx->op = ngx_sockerless_op(ctx->route.op);
    }

    ctx->routed = 1;

    ngx_log_debug3(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "sockerless route: \"%V\" op:%i canon:%ui",
                   &ctx->route.path, ctx->route.op, ctx->route.canon);

    return ctx;
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
    conf->auto_pull = NGX_CONF_UNSET;
    conf->pull_timeout = NGX_CONF_UNSET_MSEC;
    conf->max_json_body = NGX_CONF_UNSET_SIZE;

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
     * a stale keepalive connection is retried once on error; nginx never
     * retries a POST that was sent, nor a request whose body was streamed
     */

    conf->upstream.next_upstream = NGX_CONF_BITMASK_SET
                                   |NGX_HTTP_UPSTREAM_FT_ERROR;

    return conf;
}


static char *
ngx_http_sockerless_merge_loc_conf(ngx_conf_t *cf, void *parent, void *child)
{
    ngx_http_sockerless_loc_conf_t *prev = parent;
    ngx_http_sockerless_loc_conf_t *conf = child;

    ngx_hash_init_t            hash;
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

    ngx_conf_merge_value(conf->auto_pull, prev->auto_pull, 1);

    ngx_conf_merge_msec_value(conf->pull_timeout, prev->pull_timeout,
                              600000);

    ngx_conf_merge_size_value(conf->max_json_body, prev->max_json_body,
                              4 * 1024 * 1024);

    if (conf->upstream.upstream == NULL) {
        conf->upstream.upstream = prev->upstream.upstream;
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
    ngx_http_handler_pt        *h;
    ngx_http_core_main_conf_t  *cmcf;

    cmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_core_module);

    h = ngx_array_push(&cmcf->phases[NGX_HTTP_POST_READ_PHASE].handlers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    *h = ngx_http_sockerless_redact_handler;

    if (ngx_http_sockerless_host_init(cf) != NGX_OK) {
        return NGX_ERROR;
    }

    return ngx_http_sockerless_filter_init(cf);
}


/*
 * The query string of a build carries build arguments (secrets, often):
 * the request line that nginx logs with every error and in $request keeps
 * the path only.  This runs before any other phase can log.
 */

static ngx_int_t
ngx_http_sockerless_redact_handler(ngx_http_request_t *r)
{
    u_char                     *p, *q;
    ngx_http_sockerless_ctx_t  *ctx;

    if (r->args.len == 0
        || ngx_strlcasestrn(r->uri.data, r->uri.data + r->uri.len,
                            (u_char *) "/build", 5)
           == NULL)
    {
        return NGX_DECLINED;
    }

    ctx = ngx_http_sockerless_get_ctx(r);

    if (ctx == NULL || ctx->op == NULL
        || ngx_strcmp(ctx->op->name.data, "ImageBuild") != 0)
    {
        return NGX_DECLINED;
    }

    q = ngx_strlchr(r->request_line.data,
                    r->request_line.data + r->request_line.len, '?');
    if (q == NULL) {
        return NGX_DECLINED;
    }

    p = ngx_pnalloc(r->pool, r->request_line.len + sizeof("? ...") - 1);
    if (p == NULL) {
        return NGX_DECLINED;
    }

    r->request_line.len = ngx_sprintf(p, "%*s?... %V",
                                      q - r->request_line.data,
                                      r->request_line.data,
                                      &r->http_protocol)
                          - p;
    r->request_line.data = p;

    return NGX_DECLINED;
}


static char *
ngx_http_sockerless_pass(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_sockerless_loc_conf_t *slcf = conf;

    ngx_str_t                       *value;
    ngx_url_t                        u;
    ngx_http_core_loc_conf_t        *clcf;
    ngx_http_core_srv_conf_t        *cscf;
    ngx_http_sockerless_loc_conf_t  *srv;

    if (slcf->upstream.upstream) {
        return "is duplicate";
    }

    value = cf->args->elts;

    ngx_memzero(&u, sizeof(ngx_url_t));

    u.url = value[1];
    u.no_resolve = 1;

    slcf->upstream.upstream = ngx_http_upstream_add(cf, &u, 0);
    if (slcf->upstream.upstream == NULL) {
        return NGX_CONF_ERROR;
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
