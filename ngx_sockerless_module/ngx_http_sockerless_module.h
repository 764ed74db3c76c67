
/*
 * Copyright (C) ngx_sockerless developers
 */


#ifndef _NGX_HTTP_SOCKERLESS_MODULE_H_INCLUDED_
#define _NGX_HTTP_SOCKERLESS_MODULE_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_sockerless_route.h"


/*
 * "off" for a timeout: the largest interval nginx's timer tree orders
 * safely (about 12 days); the hijack relay arms no timer at all then.
 */
#define NGX_HTTP_SOCKERLESS_TIMEOUT_OFF  0x3fffffff

#define NGX_HTTP_SOCKERLESS_ERROR_TEXT_LEN  1024


typedef struct ngx_http_sockerless_pull_s  ngx_http_sockerless_pull_t;


typedef struct {
    ngx_str_t                      name;
    u_char                        *allow;     /* by operation index */
    u_char                        *deny;
    ngx_flag_t                     privileged;
    ngx_array_t                   *binds;     /* host paths, cleaned */
    ngx_array_t                   *images;    /* patterns */
} ngx_http_sockerless_policy_t;


typedef struct {
    ngx_queue_t                    pulls;     /* this worker's pulls */
    ngx_array_t                   *policies;

    /* nginx's own "Host" handler, see ngx_http_sockerless_host.c */
    ngx_http_header_handler_pt     process_host;
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

    ngx_flag_t                     auto_pull;
    ngx_msec_t                     pull_timeout;
    size_t                         max_json_body;
} ngx_http_sockerless_loc_conf_t;


typedef enum {
    ngx_http_sockerless_body_none = 0,     /* no body (HEAD, 204, 304) */
    ngx_http_sockerless_body_length,       /* Content-Length */
    ngx_http_sockerless_body_chunked,      /* Transfer-Encoding: chunked */
    ngx_http_sockerless_body_close         /* until dockerd closes */
} ngx_http_sockerless_body_e;


typedef struct {
    ngx_sockerless_route_t         route;
    ngx_sockerless_op_t           *op;       /* NULL when no op matches */

    ngx_http_status_t              status;
    ngx_http_sockerless_body_e     body;
    ngx_http_chunked_t             chunked;

    /* a chunked request body re-framed toward dockerd */
    ngx_chain_t                   *body_free;
    ngx_chain_t                   *body_busy;

    /* hijack relay */
    ngx_buf_t                     *raw_header;  /* dockerd's header, as is */
    ngx_buf_t                     *from_client;

    /* a body read whole before dockerd sees the request */
    ngx_buf_t                     *json;
    void                          *json_tree;   /* as the policy read it */

    /* auto-pull */
    void                          *waiter;
    ngx_str_t                      pulled;

    /* the policy's decision */
    ngx_http_sockerless_policy_t  *policy;
    ngx_str_t                      policy_name;
    ngx_str_t                      reason;
    ngx_uint_t                     deny_status;

    /* module-made error response */
    ngx_buf_t                     *error;
    ngx_buf_t                     *error_text;  /* dockerd's plain text */
    ngx_err_t                      upstream_errno;
    ngx_str_t                      peer;

    unsigned                       routed:1;
    unsigned                       decided:1;
    unsigned                       denied:1;
    unsigned                       body_header_sent:1;
    unsigned                       hijack:1;      /* relaying raw bytes */
    unsigned                       raw_error:1;   /* text error, to JSON */
    unsigned                       client_eof:1;
    unsigned                       upstream_shut:1;
    unsigned                       upstream_write_error:1;
    unsigned                       error_sent:1;
    unsigned                       request_sent:1;
} ngx_http_sockerless_ctx_t;


/* ngx_http_sockerless_module.c */
ngx_http_sockerless_ctx_t *ngx_http_sockerless_get_ctx(ngx_http_request_t *r);
ngx_table_elt_t *ngx_http_sockerless_header(ngx_http_request_t *r,
    ngx_str_t *names);
void ngx_http_sockerless_body_ready(ngx_http_request_t *r);
void ngx_http_sockerless_pull_done(ngx_http_request_t *r, ngx_uint_t status,
    ngx_str_t *message, ngx_str_t *pulled);

/* ngx_http_sockerless_body.c */
void ngx_http_sockerless_body_start(ngx_http_request_t *r);
ngx_int_t ngx_http_sockerless_body_replace(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx);

/* ngx_http_sockerless_policy.c */
char *ngx_http_sockerless_policy_block(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
ngx_int_t ngx_http_sockerless_policy_request(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx);
ngx_int_t ngx_http_sockerless_policy_body(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx);

/* ngx_http_sockerless_pull.c */
ngx_int_t ngx_http_sockerless_pull_start(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx, ngx_str_t *image);

/* ngx_http_sockerless_upstream.c */
ngx_int_t ngx_http_sockerless_create_request(ngx_http_request_t *r);
ngx_int_t ngx_http_sockerless_reinit_request(ngx_http_request_t *r);
ngx_int_t ngx_http_sockerless_process_status_line(ngx_http_request_t *r);
void ngx_http_sockerless_abort_request(ngx_http_request_t *r);
void ngx_http_sockerless_finalize_request(ngx_http_request_t *r,
    ngx_int_t rc);
ngx_int_t ngx_http_sockerless_input_filter_init(void *data);
ngx_int_t ngx_http_sockerless_input_filter(void *data, ssize_t bytes);

/* ngx_http_sockerless_hijack.c */
ngx_int_t ngx_http_sockerless_hijack_response(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx);
ngx_int_t ngx_http_sockerless_hijack_send_header(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx);
ngx_int_t ngx_http_sockerless_hijack_start(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx);

/* ngx_http_sockerless_error.c */
ngx_int_t ngx_http_sockerless_send_error(ngx_http_request_t *r,
    ngx_uint_t status, const char *fmt, ...);
ngx_int_t ngx_http_sockerless_filter_init(ngx_conf_t *cf);

/* ngx_http_sockerless_host.c */
ngx_int_t ngx_http_sockerless_host_init(ngx_conf_t *cf);

/* ngx_http_sockerless_variables.c */
ngx_int_t ngx_http_sockerless_add_variables(ngx_conf_t *cf);


extern ngx_module_t  ngx_http_sockerless_module;


#endif /* _NGX_HTTP_SOCKERLESS_MODULE_H_INCLUDED_ */
