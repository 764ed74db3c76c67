
/*
 * Copyright (C) ngx_sockerless developers
 */


#ifndef _NGX_SOCKERLESS_JUDGE_H_INCLUDED_
#define _NGX_SOCKERLESS_JUDGE_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>

#include "ngx_sockerless_ops.h"
#include "ngx_sockerless_route.h"
#include "ngx_sockerless_json.h"


/*
 * The access policy's judge: a request line, its query and its JSON body
 * against the rules of a policy, decided as dockerd will execute them.
 * Pure: no request, no logging; memory comes from "alloc", the reason is
 * written into "reason", the file system is reached only through the
 * "symlink" callback.  See docs/policy.md.
 *
 * What the judge cannot decide alone, because dockerd resolves a name
 * (a network by name, ID or ID prefix), it lists in "refs"; the caller
 * asks dockerd and gives each answer to ngx_sockerless_judge_answer().
 */


#define NGX_SOCKERLESS_REASON_LEN       512

/* the status of a refusal: the request is malformed, or not allowed */
#define NGX_SOCKERLESS_BAD_REQUEST      400
#define NGX_SOCKERLESS_FORBIDDEN        403

/* what a reference must not or must be, once dockerd has resolved it */
#define NGX_SOCKERLESS_REF_NOT_HOST     0x0001  /* the host's network */


typedef struct {
    ngx_str_t                    path;      /* cleaned */
    ngx_uint_t                   ro;        /* may only be bound read-only */
} ngx_sockerless_bind_t;


typedef struct {
    u_char                      *allow;     /* by operation id */
    ngx_uint_t                   privileged;
    ngx_array_t                 *binds;     /* ngx_sockerless_bind_t */
    ngx_array_t                 *images;    /* ngx_str_t, patterns */
} ngx_sockerless_rules_t;


typedef struct {
    ngx_uint_t                   kind;      /* NGX_SOCKERLESS_KIND_* */
    ngx_str_t                    name;      /* as the request gives it */
    ngx_uint_t                   checks;    /* NGX_SOCKERLESS_REF_* */
    const char                  *where;     /* the field, for the reason */
} ngx_sockerless_ref_t;


/* 1 if any existing component of the cleaned absolute path is a link */
typedef ngx_uint_t (*ngx_sockerless_symlink_pt)(void *data, ngx_str_t *path);


typedef struct {
    /* what is judged */
    ngx_sockerless_rules_t      *rules;
    ngx_sockerless_route_t      *route;
    const ngx_sockerless_op_t   *op;        /* NULL: no operation */
    ngx_str_t                    method;
    ngx_str_t                    args;      /* the raw query string */
    ngx_str_t                    content_type;
    ngx_str_t                    json;      /* the body, read whole */

    ngx_sockerless_alloc_pt      alloc;
    void                        *data;
    ngx_sockerless_symlink_pt    symlink;   /* NULL: links not looked for */
    void                        *symlink_data;

    /* the verdict */
    ngx_sockerless_jv_t         *body;      /* the body as read */
    ngx_uint_t                   status;    /* of a refusal: 400 or 403 */
    ngx_str_t                    reason;    /* "<code>: <text>" */
    ngx_array_t                 *refs;      /* ngx_sockerless_ref_t */
    ngx_uint_t                   body_needed;
    u_char                       text[NGX_SOCKERLESS_REASON_LEN];
} ngx_sockerless_judge_t;


/*
 * The request line and query.  NGX_OK: allowed so far; with body_needed
 * set, the body decides (ngx_sockerless_judge_body()).  NGX_DECLINED:
 * refused, "status" and "reason" say why.  NGX_ERROR: no memory.
 */
ngx_int_t ngx_sockerless_judge_line(ngx_sockerless_judge_t *j);

/* the body in "json": NGX_OK, NGX_DECLINED or NGX_ERROR, as above */
ngx_int_t ngx_sockerless_judge_body(ngx_sockerless_judge_t *j);

/*
 * dockerd's inspection of a reference ("answer", NULL when dockerd has no
 * such object): NGX_OK, NGX_DECLINED or NGX_ERROR, as above
 */
ngx_int_t ngx_sockerless_judge_answer(ngx_sockerless_judge_t *j,
    ngx_sockerless_ref_t *ref, ngx_sockerless_jv_t *answer);


/* what a judge (NGX_SOCKERLESS_JUDGE_*) reads, for the documents */
const char *ngx_sockerless_judge_doc(ngx_uint_t judge);


#endif /* _NGX_SOCKERLESS_JUDGE_H_INCLUDED_ */
