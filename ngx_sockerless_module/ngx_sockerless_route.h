
/*
 * Copyright (C) ngx_sockerless developers
 */


#ifndef _NGX_SOCKERLESS_ROUTE_H_INCLUDED_
#define _NGX_SOCKERLESS_ROUTE_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>


/*
 * Route canonicalization and classification of Docker Engine API requests.
 *
 * This file and ngx_sockerless_route.c are pure: they use nginx types and
 * libc-backed macros only (no pools, no logging, no calls into nginx
 * objects), so that unit tests and fuzz targets link them alone.
 */


/* operation flags */
#define NGX_SOCKERLESS_OP_STREAM     0x0001  /* response may stream */
#define NGX_SOCKERLESS_OP_HIJACK     0x0002  /* connection may be hijacked */
#define NGX_SOCKERLESS_OP_JSON       0x0004  /* request carries a JSON body */
#define NGX_SOCKERLESS_OP_UPLOAD     0x0008  /* request carries a raw body */
#define NGX_SOCKERLESS_OP_OBJECT     0x0010  /* path names an object */


/* operation groups (bit mask; an operation may be in several) */
#define NGX_SOCKERLESS_GROUP_READ        0x0001
#define NGX_SOCKERLESS_GROUP_CONTENT     0x0002
#define NGX_SOCKERLESS_GROUP_EXEC        0x0004
#define NGX_SOCKERLESS_GROUP_LIFECYCLE   0x0008
#define NGX_SOCKERLESS_GROUP_CONTAINERS  0x0010
#define NGX_SOCKERLESS_GROUP_IMAGES      0x0020
#define NGX_SOCKERLESS_GROUP_BUILD       0x0040
#define NGX_SOCKERLESS_GROUP_NETWORKS    0x0080
#define NGX_SOCKERLESS_GROUP_VOLUMES     0x0100
#define NGX_SOCKERLESS_GROUP_SWARM       0x0200
#define NGX_SOCKERLESS_GROUP_PLUGINS     0x0400
#define NGX_SOCKERLESS_GROUP_SYSTEM      0x0800
#define NGX_SOCKERLESS_GROUP_ALL         0x0fff


/* canonicalization verdicts (ngx_sockerless_route_t.canon) */
#define NGX_SOCKERLESS_CANON_OK          0   /* path is as dockerd routes it */
#define NGX_SOCKERLESS_CANON_DOT         1   /* "." or ".." segment */
#define NGX_SOCKERLESS_CANON_SLASHES     2   /* empty segment ("//") */
#define NGX_SOCKERLESS_CANON_ENCODING    3   /* malformed %-escape */
#define NGX_SOCKERLESS_CANON_CONTROL     4   /* NUL or control character */
#define NGX_SOCKERLESS_CANON_RELATIVE    5   /* does not start with "/" */


#define NGX_SOCKERLESS_OP_NONE           -1


/*
 * An operation's method is "*" when dockerd routes it for any method
 * (the /debug routes of dockerd 20.10).
 */

typedef struct {
    ngx_str_t              name;        /* operationId ("ContainerCreate") */
    ngx_str_t              method;      /* "GET", "POST", ... */
    ngx_str_t              path;        /* "/containers/{id}/json" */
    ngx_uint_t             groups;      /* NGX_SOCKERLESS_GROUP_* */
    ngx_uint_t             flags;       /* NGX_SOCKERLESS_OP_* */
} ngx_sockerless_op_t;


typedef struct {
    ngx_int_t              op;          /* index in the table or OP_NONE */
    ngx_uint_t             canon;       /* NGX_SOCKERLESS_CANON_* */

    unsigned               versioned:1; /* had a /vX.Y prefix */
    unsigned               version_ok:1; /* the prefix parsed as numbers */

    ngx_uint_t             major;       /* version as numbers */
    ngx_uint_t             minor;

    ngx_str_t              path;        /* decoded path, prefix removed */
    ngx_str_t              object;      /* decoded {id}/{name}, may be empty */
} ngx_sockerless_route_t;


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

ngx_sockerless_op_t *ngx_sockerless_op(ngx_int_t op);
ngx_uint_t ngx_sockerless_nops(void);

/*
 * compares the version in rt against major.minor: -1, 0 or 1; a request
 * without a prefix, or with one that is not "N.M", counts as 0.0
 */
ngx_int_t ngx_sockerless_version_cmp(ngx_sockerless_route_t *rt,
    ngx_uint_t major, ngx_uint_t minor);

/* the name of a group bit ("read", "content", ...), NULL if unknown */
const char *ngx_sockerless_group_name(ngx_uint_t group);


#endif /* _NGX_SOCKERLESS_ROUTE_H_INCLUDED_ */
