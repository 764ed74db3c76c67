
/*
 * Copyright (C) ngx_sockerless developers
 */


#ifndef _NGX_SOCKERLESS_ROUTE_H_INCLUDED_
#define _NGX_SOCKERLESS_ROUTE_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>

#include "ngx_sockerless_ops.h"


/*
 * Route canonicalization and classification of Docker Engine API requests.
 *
 * This file and ngx_sockerless_route.c are pure: they use nginx types and
 * libc-backed macros only (no pools, no logging, no calls into nginx
 * objects), so that unit tests and fuzz targets link them alone.
 */


/* canonicalization verdicts (ngx_sockerless_route_t.canon) */
#define NGX_SOCKERLESS_CANON_OK          0   /* path is as dockerd routes it */
#define NGX_SOCKERLESS_CANON_DOT         1   /* "." or ".." segment */
#define NGX_SOCKERLESS_CANON_SLASHES     2   /* empty segment ("//") */
#define NGX_SOCKERLESS_CANON_ENCODING    3   /* malformed %-escape */
#define NGX_SOCKERLESS_CANON_CONTROL     4   /* NUL or control character */
#define NGX_SOCKERLESS_CANON_RELATIVE    5   /* does not start with "/" */


/* the oldest API version dockerd serves (20.10) */
#define NGX_SOCKERLESS_VERSION_MIN_MAJOR  1
#define NGX_SOCKERLESS_VERSION_MIN_MINOR  12


typedef struct {
    ngx_int_t              op;          /* ngx_sockerless_op_e or OP_NONE */
    ngx_uint_t             canon;       /* NGX_SOCKERLESS_CANON_* */
    ngx_uint_t             escaped;     /* an escaped "/" or "." */

    unsigned               versioned:1; /* had a /vX.Y prefix */
    unsigned               version_ok:1; /* the prefix parsed as numbers */

    ngx_uint_t             major;       /* version as numbers */
    ngx_uint_t             minor;

    ngx_str_t              path;        /* decoded path, prefix removed */
    ngx_str_t              object;      /* decoded {id}/{name}, may be empty */
} ngx_sockerless_route_t;


/*
 * An index of the operation table by the first segment of its routes, so
 * that a request is matched against the operations that can route it
 * only: those with a route starting with its first segment, and those
 * with a route starting with a placeholder, in the table's order.  It is
 * made once (ngx_sockerless_route_index_init()) and only read afterwards.
 */

#define NGX_SOCKERLESS_ROUTE_BUCKETS  48
#define NGX_SOCKERLESS_ROUTE_SLOTS    (2 * ngx_sockerless_op_n + 64)


typedef struct {
    u_char                *segment;     /* into the table; NULL: the rest */
    uint16_t               len;
    uint16_t               first;       /* into ops[] */
    uint16_t               n;
} ngx_sockerless_route_bucket_t;


typedef struct {
    ngx_uint_t                     nbuckets;   /* the last one: the rest */
    ngx_sockerless_route_bucket_t  buckets[NGX_SOCKERLESS_ROUTE_BUCKETS];
    uint16_t                       ops[NGX_SOCKERLESS_ROUTE_SLOTS];
} ngx_sockerless_route_index_t;


/* NGX_ERROR if the table does not fit the index's bounds */
ngx_int_t ngx_sockerless_route_index_init(ngx_sockerless_route_index_t *ix);

/*
 * Decodes and classifies the path of a request.
 *
 * "uri" is the raw request target up to (not including) "?"; "work" is
 * a buffer of at least "len" bytes the decoded path is written to, and that
 * rt->path and rt->object point into afterwards.  "method" is the request
 * method as sent.  Returns NGX_OK, or NGX_ERROR for arguments that are not
 * a path at all; an unknown route is NGX_OK with rt->op == OP_NONE.
 */
ngx_int_t ngx_sockerless_route(u_char *uri, size_t len, ngx_str_t *method,
    u_char *work, ngx_sockerless_route_t *rt);

/* the same, through an index: the same answer for every request */
ngx_int_t ngx_sockerless_route_indexed(ngx_sockerless_route_index_t *ix,
    u_char *uri, size_t len, ngx_str_t *method, u_char *work,
    ngx_sockerless_route_t *rt);

/*
 * compares the version in rt against major.minor: -1, 0 or 1; a request
 * without a prefix, or with one that is not "N.M", counts as 0.0
 */
ngx_int_t ngx_sockerless_version_cmp(ngx_sockerless_route_t *rt,
    ngx_uint_t major, ngx_uint_t minor);

/*
 * 1 if [p, p + len) is the first segment of a path the API routes: a
 * version prefix ("v1.41", Podman's "v4.3.1"), or the first segment of a
 * route of the table ("containers", "_ping", "libpod", ...)
 */
ngx_uint_t ngx_sockerless_route_segment(u_char *p, size_t len);

/* the value of a hexadecimal digit, or -1 */
ngx_int_t ngx_sockerless_hex(u_char ch);

/* why a path is not canonical ("dot segment", ...) */
const char *ngx_sockerless_canon_reason(ngx_uint_t canon);


#endif /* _NGX_SOCKERLESS_ROUTE_H_INCLUDED_ */
