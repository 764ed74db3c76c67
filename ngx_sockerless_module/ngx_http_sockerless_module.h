
/*
 * Copyright (C) ngx_sockerless developers
 */


#ifndef _NGX_HTTP_SOCKERLESS_MODULE_H_INCLUDED_
#define _NGX_HTTP_SOCKERLESS_MODULE_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_sockerless_ops.h"
#include "ngx_sockerless_route.h"
#include "ngx_sockerless_judge.h"
#include "ngx_http_sockerless_observe.h"


/*
 * "off" for a timeout: the largest interval nginx's timer tree orders
 * safely (about 12 days); the hijack relay arms no timer at all then.
 */
#define NGX_HTTP_SOCKERLESS_TIMEOUT_OFF  0x3fffffff

#define NGX_HTTP_SOCKERLESS_ERROR_TEXT_LEN  1024


/* sockerless_auto_pull */
#define NGX_HTTP_SOCKERLESS_PULL_OFF     0
#define NGX_HTTP_SOCKERLESS_PULL_ON      1
#define NGX_HTTP_SOCKERLESS_PULL_AUTO    2   /* unless the client pulls */

/* $sockerless_decision */
#define NGX_HTTP_SOCKERLESS_UNDECIDED    0
#define NGX_HTTP_SOCKERLESS_ALLOW        1
#define NGX_HTTP_SOCKERLESS_DENY         2
#define NGX_HTTP_SOCKERLESS_ERROR        3
#define NGX_HTTP_SOCKERLESS_WOULD_DENY   4    /* sockerless_enforce_dry_run */


typedef struct ngx_http_sockerless_ctx_s    ngx_http_sockerless_ctx_t;
typedef struct ngx_http_sockerless_cache_s  ngx_http_sockerless_cache_t;
typedef struct ngx_http_sockerless_rewrite_s  ngx_http_sockerless_rewrite_t;


/*
 * The continuation of a stage that waits (a body, a pull, dockerd's
 * answer): NGX_OK goes on with the next stage, anything else ends the
 * request with that code (a status, or NGX_ERROR).  A stage that answered
 * the request itself (ngx_http_sockerless_send_error()) passes what that
 * returned: the request ends with it.
 */
typedef void (*ngx_http_sockerless_next_pt)(ngx_http_request_t *r,
    ngx_int_t rc);

/*
 * A stage of the request pipeline (ngx_http_sockerless_module.c): NGX_OK
 * when done, NGX_AGAIN when it calls "next" later, NGX_DONE when it also
 * holds the request (the body stage: nginx's body reading counts it),
 * anything else ends the request with that code, as for "next".
 */
typedef ngx_int_t (*ngx_http_sockerless_stage_pt)(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx, ngx_http_sockerless_next_pt next);


typedef struct {
    ngx_str_t                      name;
    ngx_sockerless_rules_t         rules;
    ngx_http_complex_value_t      *owner;     /* "owner", per request */
    u_char                        *deny;      /* by operation id, parsing */
} ngx_http_sockerless_policy_t;


typedef struct {
    ngx_queue_t                    pulls;     /* this worker's pulls */
    ngx_array_t                   *policies;
    ngx_uint_t                     owners;    /* a policy has "owner" */

    /* nginx's own "Host" handler, see ngx_http_sockerless_request.c */
    ngx_http_header_handler_pt     process_host;

    /* facts of full IDs this worker learned (resolve.c) */
    ngx_http_sockerless_cache_t   *cache;

    /* the operation table by the first segment of its routes */
    ngx_sockerless_route_index_t   route_index;

    ngx_http_sockerless_observe_main_conf_t  observe;
} ngx_http_sockerless_main_conf_t;


typedef struct {
    ngx_http_upstream_conf_t       upstream;

    /* hijacked streams: no client abort check, stream idle timeout */
    ngx_http_upstream_conf_t      *upstream_hijack;

    ngx_msec_t                     stream_idle_timeout;

    ngx_flag_t                     allow_browsers;

    /* the server has sockerless locations: its own errors are JSON too */
    ngx_flag_t                     json_errors;

    ngx_http_complex_value_t      *enforce;
    ngx_flag_t                     enforce_dry_run;

    ngx_uint_t                     auto_pull;
    ngx_msec_t                     pull_timeout;
    size_t                         max_json_body;
    size_t                         max_json_element;

    ngx_str_t                      owner_label;

    ngx_http_sockerless_observe_loc_conf_t  observe;

    /* the node: ngx_http_sockerless_node.c */
    ngx_http_complex_value_t      *pass;      /* sockerless_pass $var */
    ngx_str_t                      node;      /* sockerless_pass, as written */
    ngx_str_t                      prefix;    /* removed before routing */
    ngx_flag_t                     ssl;
    ngx_str_t                      ssl_certificate;
    ngx_str_t                      ssl_certificate_key;
    ngx_str_t                      ssl_trusted_certificate;
    ngx_uint_t                     ssl_verify_depth;
} ngx_http_sockerless_loc_conf_t;


typedef enum {
    ngx_http_sockerless_body_none = 0,     /* no body (HEAD, 204, 304) */
    ngx_http_sockerless_body_length,       /* Content-Length */
    ngx_http_sockerless_body_chunked,      /* Transfer-Encoding: chunked */
    ngx_http_sockerless_body_close         /* until dockerd closes */
} ngx_http_sockerless_body_e;


/* the policy's decision, for the variables and the answer */

typedef struct {
    ngx_http_sockerless_policy_t  *policy;
    ngx_str_t                      name;      /* of the policy, or "" */
    ngx_str_t                      owner;     /* the policy's owner */
    ngx_str_t                      reason;
    ngx_uint_t                     status;    /* of a refusal */
    ngx_uint_t                     decision;  /* NGX_HTTP_SOCKERLESS_* */
    ngx_sockerless_judge_t        *judge;
    ngx_uint_t                     ref;       /* the reference resolved */
} ngx_http_sockerless_decision_t;


/* dockerd's answer as the module reads it */

typedef struct {
    ngx_http_status_t              status;
    ngx_http_sockerless_body_e     body;
    ngx_http_chunked_t             chunked;
} ngx_http_sockerless_answer_t;


/* what a module-made error names */

typedef struct {
    ngx_buf_t                     *json;      /* the JSON body to send */
    ngx_buf_t                     *text;      /* dockerd's plain text */
    ngx_err_t                      upstream_errno;
    ngx_str_t                      peer;

    unsigned                       raw:1;     /* a text error, to JSON */
    unsigned                       sent:1;
    unsigned                       request_sent:1;
} ngx_http_sockerless_error_t;


struct ngx_http_sockerless_ctx_s {
    ngx_sockerless_route_t         route;
    const ngx_sockerless_op_t     *op;       /* NULL when no op matches */

    /* the request target dockerd gets: as sent, or as a stage rewrote it */
    ngx_str_t                      target;

    /* the pipeline: the stage that runs next */
    ngx_uint_t                     stage;

    ngx_http_sockerless_decision_t decision;
    ngx_http_sockerless_answer_t   answer;
    ngx_http_sockerless_error_t    error;

    /* a body read whole before dockerd sees the request */
    ngx_buf_t                     *json;
    ngx_http_sockerless_next_pt    body_next;

    /* a chunked request body re-framed toward dockerd */
    ngx_chain_t                   *body_free;
    ngx_chain_t                   *body_busy;

    /* auto-pull */
    void                          *waiter;
    ngx_str_t                      pulled;

    /* dockerd's answer rewritten as it streams */
    ngx_http_sockerless_rewrite_t *rewrite;

    /* the hijack relay */
    ngx_buf_t                     *raw_header;  /* dockerd's header, as is */
    ngx_buf_t                     *from_client;

    /* a stream's buffer held only while bytes flow (see upstream.c) */
    ngx_http_upstream_handler_pt   upstream_read;   /* nginx's handlers */
    ngx_http_event_handler_pt      client_write;
    ngx_uint_t                    *stream_alive;

    /* metrics and audit records */
    ngx_http_sockerless_observe_t  observe;

    /* the node (ngx_http_sockerless_node.c) */
    ngx_str_t                      prefix;      /* the one routed without */
    ngx_http_sockerless_loc_conf_t *node_conf;  /* the node looked up in */
    ngx_str_t                      node;        /* $sockerless_node */
    ngx_http_upstream_srv_conf_t  *node_upstream;
    ngx_addr_t                    *node_addr;   /* a unix: socket */

    unsigned                       routed:1;
    unsigned                       answered:1;    /* a module-made answer */
    unsigned                       body_header_sent:1;
    unsigned                       hijack:1;      /* relaying raw bytes */
    unsigned                       client_eof:1;
    unsigned                       upstream_shut:1;
    unsigned                       upstream_write_error:1;
    unsigned                       node_found:1;
    unsigned                       prefix_error:2;
};


/* ngx_http_sockerless_request.c */
ngx_http_sockerless_ctx_t *ngx_http_sockerless_get_ctx(ngx_http_request_t *r);
ngx_table_elt_t *ngx_http_sockerless_header(ngx_http_request_t *r,
    ngx_str_t *names);
ngx_int_t ngx_http_sockerless_guard(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx, ngx_http_sockerless_next_pt next);
ngx_int_t ngx_http_sockerless_request_init(ngx_conf_t *cf);
/* the pure files' allocator (ngx_sockerless_alloc_pt) on a pool */
void *ngx_http_sockerless_palloc(void *pool, size_t size);
ngx_int_t ngx_http_sockerless_free_buf(ngx_pool_t *pool, ngx_buf_t *b);

/* ngx_http_sockerless_policy.c */
char *ngx_http_sockerless_policy_block(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
ngx_int_t ngx_http_sockerless_policy_line(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx, ngx_http_sockerless_next_pt next);
ngx_int_t ngx_http_sockerless_policy_body(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx, ngx_http_sockerless_next_pt next);
ngx_int_t ngx_http_sockerless_policy_verdict(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx, ngx_int_t rc);
ngx_int_t ngx_http_sockerless_policy_rewrite(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx, ngx_http_sockerless_next_pt next);

/* ngx_http_sockerless_resolve.c */
ngx_int_t ngx_http_sockerless_resolve(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx, ngx_http_sockerless_next_pt next);

/* ngx_http_sockerless_body.c */
ngx_int_t ngx_http_sockerless_body(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx, ngx_http_sockerless_next_pt next);
ngx_int_t ngx_http_sockerless_body_set(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx, ngx_str_t *json);

/* ngx_http_sockerless_pull.c */
ngx_int_t ngx_http_sockerless_pull(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx, ngx_http_sockerless_next_pt next);

/* ngx_http_sockerless_upstream.c */
ngx_int_t ngx_http_sockerless_forward(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx, ngx_http_sockerless_next_pt next);

/* ngx_http_sockerless_hijack.c */
ngx_int_t ngx_http_sockerless_hijack_response(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx);
ngx_int_t ngx_http_sockerless_hijack_send_header(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx);
ngx_int_t ngx_http_sockerless_hijack_start(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx);

/* ngx_http_sockerless_node.c */
#define NGX_HTTP_SOCKERLESS_PREFIX_OK      0
#define NGX_HTTP_SOCKERLESS_PREFIX_ENCODED 1   /* not the prefix as sent */
#define NGX_HTTP_SOCKERLESS_PREFIX_PATH    2   /* no "/" after the prefix */

char *ngx_http_sockerless_pass(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
void ngx_http_sockerless_node_create_conf(
    ngx_http_sockerless_loc_conf_t *conf);
char *ngx_http_sockerless_node_merge(ngx_conf_t *cf,
    ngx_http_sockerless_loc_conf_t *prev,
    ngx_http_sockerless_loc_conf_t *conf);
ngx_int_t ngx_http_sockerless_node_find(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx);
ngx_int_t ngx_http_sockerless_node(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx, ngx_http_sockerless_next_pt next);
ngx_int_t ngx_http_sockerless_node_upstream(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx, ngx_http_upstream_t *u);
ngx_int_t ngx_http_sockerless_node_ssl_name(ngx_http_request_t *r,
    ngx_str_t *node, ngx_str_t *name);

/* ngx_http_sockerless_filter.c */
ngx_int_t ngx_http_sockerless_send_error(ngx_http_request_t *r,
    ngx_uint_t status, const char *fmt, ...);
ngx_int_t ngx_http_sockerless_send_json(ngx_http_request_t *r,
    ngx_uint_t status, ngx_buf_t *b);
ngx_int_t ngx_http_sockerless_filter_init(ngx_conf_t *cf);

/* ngx_http_sockerless_rewrite.c */
ngx_int_t ngx_http_sockerless_rewrite_init(ngx_conf_t *cf);

/* ngx_http_sockerless_variables.c */
ngx_int_t ngx_http_sockerless_add_variables(ngx_conf_t *cf);

/* ngx_http_sockerless_metrics.c: observability's configuration, hooks */
char *ngx_http_sockerless_metrics(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
void ngx_http_sockerless_observe_create_conf(
    ngx_http_sockerless_observe_loc_conf_t *conf);
char *ngx_http_sockerless_observe_merge_conf(ngx_conf_t *cf,
    ngx_http_sockerless_observe_loc_conf_t *prev,
    ngx_http_sockerless_observe_loc_conf_t *conf, ngx_uint_t observed);
ngx_int_t ngx_http_sockerless_observe_init(ngx_conf_t *cf);
ngx_int_t ngx_http_sockerless_decided(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx, ngx_http_sockerless_next_pt next);
void ngx_http_sockerless_observe_deny(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx);
void ngx_http_sockerless_observe_hijack(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx);
void ngx_http_sockerless_observe_upstream(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx, ngx_int_t rc);
void ngx_http_sockerless_observe_pull(ngx_uint_t pulled, ngx_uint_t status);
void ngx_http_sockerless_metrics_count(ngx_uint_t counter);

/* ngx_http_sockerless_audit.c */
char *ngx_http_sockerless_audit_log(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
void ngx_http_sockerless_audit(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx, ngx_uint_t complete);

/* ngx_http_sockerless_health.c */
char *ngx_http_sockerless_health(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);


extern ngx_module_t  ngx_http_sockerless_module;


#endif /* _NGX_HTTP_SOCKERLESS_MODULE_H_INCLUDED_ */
