
/*
 * Copyright (C) ngx_sockerless developers
 */


#ifndef _NGX_HTTP_SOCKERLESS_OBSERVE_H_INCLUDED_
#define _NGX_HTTP_SOCKERLESS_OBSERVE_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_sockerless_ops.h"


/*
 * Observability: the metrics (ngx_http_sockerless_metrics.c), the audit
 * log (ngx_http_sockerless_audit.c) and the health endpoint
 * (ngx_http_sockerless_health.c).  See docs/observability.md.
 */


/* sockerless_build_info; in step with debian/changelog */
#define NGX_HTTP_SOCKERLESS_VERSION        "0.2.0"


/* how a hijacked session ended */
#define NGX_HTTP_SOCKERLESS_END_NONE       0
#define NGX_HTTP_SOCKERLESS_END_DAEMON     1   /* dockerd closed it */
#define NGX_HTTP_SOCKERLESS_END_CLIENT     2   /* the client went away */
#define NGX_HTTP_SOCKERLESS_END_TIMEOUT    3   /* stream idle timeout */
#define NGX_HTTP_SOCKERLESS_END_ERROR      4
#define NGX_HTTP_SOCKERLESS_END_N          5


/* the counters of one value, by index (see ngx_http_sockerless_metrics.c) */
#define NGX_HTTP_SOCKERLESS_M_RECEIVED       0   /* bytes from clients */
#define NGX_HTTP_SOCKERLESS_M_SENT           1   /* bytes to clients */
#define NGX_HTTP_SOCKERLESS_M_AUDIT          2   /* audit records written */
#define NGX_HTTP_SOCKERLESS_M_AUDIT_ERRORS   3   /* and not written */
#define NGX_HTTP_SOCKERLESS_M_HEALTH_OK      4   /* probes of dockerd */
#define NGX_HTTP_SOCKERLESS_M_HEALTH_FAILED  5
#define NGX_HTTP_SOCKERLESS_M_SINGLES        6


typedef struct ngx_http_sockerless_health_s  ngx_http_sockerless_health_t;


typedef struct {
    ngx_shm_zone_t                *zone;      /* the metrics; NULL: none */
    ngx_uint_t                     audit;     /* some location audits */
    ngx_int_t                      request_id;  /* $request_id's index */
} ngx_http_sockerless_observe_main_conf_t;


typedef struct {
    ngx_flag_t                     collect;   /* sockerless_metrics_collect */
    ngx_open_file_t               *audit;     /* NULL: off */

    /* sockerless_health */
    ngx_http_upstream_srv_conf_t  *health;
    ngx_msec_t                     health_interval;
    ngx_msec_t                     health_timeout;
    ngx_http_sockerless_health_t  *health_state;   /* of this worker */

    /* the location passes to dockerd, and counts or audits */
    unsigned                       observed:1;
} ngx_http_sockerless_observe_loc_conf_t;


/* what a request's observation keeps */

typedef struct {
    off_t                          stream_in;     /* hijacked client bytes */
    off_t                          upstream_sent; /* at the hijack's start */
    ngx_uint_t                     end;           /* how a hijack ended */

    unsigned                       hijack:1;      /* counted as active */
    unsigned                       stream:1;      /* counted as active */
    unsigned                       audited:1;     /* the decision record */
} ngx_http_sockerless_observe_t;


#endif /* _NGX_HTTP_SOCKERLESS_OBSERVE_H_INCLUDED_ */
