
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
#define NGX_SOCKERLESS_NOT_FOUND        404
#define NGX_SOCKERLESS_CONFLICT         409

/* what a reference must not or must be, once dockerd has resolved it */
#define NGX_SOCKERLESS_REF_NOT_HOST     0x0001  /* the host's network */
#define NGX_SOCKERLESS_REF_OWNED        0x0002  /* the owner's */
#define NGX_SOCKERLESS_REF_CREATE       0x0004  /* made, owned, if missing */
#define NGX_SOCKERLESS_REF_CLAIM        0x0008  /* a name a create takes */
#define NGX_SOCKERLESS_REF_SETTING      0x0010  /* a create's: 400, not 404 */
#define NGX_SOCKERLESS_REF_LINK         0x0020  /* a link: dockerd's words */

/* where a reference is, to be written as the full ID it was checked as */
#define NGX_SOCKERLESS_REF_PATH         0x0100  /* the path's object */
#define NGX_SOCKERLESS_REF_BODY         0x0200  /* a string of the body */
#define NGX_SOCKERLESS_REF_QUERY        0x0400  /* a query parameter */

/* the labels a policy's "visible" may name, at most */
#define NGX_SOCKERLESS_VISIBLE_MAX      16

/* the owner label's key, unless sockerless_owner_label says otherwise */
#define NGX_SOCKERLESS_OWNER_LABEL      "io.sockerless.owner"


typedef struct {
    ngx_str_t                    path;      /* cleaned */
    ngx_uint_t                   ro;        /* may only be bound read-only */
} ngx_sockerless_bind_t;


typedef struct {
    u_char                      *allow;     /* by operation id */
    ngx_uint_t                   privileged;
    ngx_array_t                 *binds;     /* ngx_sockerless_bind_t */
    ngx_array_t                 *images;    /* ngx_str_t, patterns */
    ngx_uint_t                   owned;     /* objects have an owner */

    /*
     * "visible label=K[=V] ...": the labels, "K" or "K=V", that every
     * object the policy sees has (NULL: every object)
     */
    ngx_array_t                 *visible;   /* ngx_str_t */

    ngx_uint_t                   redact;    /* NGX_SOCKERLESS_REDACT_* */
} ngx_sockerless_rules_t;


typedef struct {
    ngx_uint_t                   kind;      /* NGX_SOCKERLESS_KIND_* */
    ngx_str_t                    name;      /* as the request gives it */
    ngx_uint_t                   checks;    /* NGX_SOCKERLESS_REF_* */
    const char                  *where;     /* the field, for the reason */
    ngx_sockerless_jv_t         *node;      /* REF_BODY: the string */
    ngx_sockerless_jv_t         *create;    /* REF_CREATE: the mount */
} ngx_sockerless_ref_t;


/* 1 if any existing component of the cleaned absolute path is a link */
typedef ngx_uint_t (*ngx_sockerless_symlink_pt)(void *data, ngx_str_t *path);


typedef struct {
    /* what is judged */
    ngx_sockerless_rules_t      *rules;
    ngx_sockerless_route_t      *route;
    const ngx_sockerless_op_t   *op;        /* NULL: no operation */
    ngx_str_t                    method;
    ngx_str_t                    target;    /* the raw target, with query */
    ngx_str_t                    args;      /* the raw query string */
    ngx_str_t                    content_type;
    ngx_str_t                    json;      /* the body, read whole */

    /* ownership: the owner (rules->owned) and the label that names it */
    ngx_str_t                    owner;
    ngx_str_t                    label;
    ngx_uint_t                   stamp;     /* owners exist: an empty owner
                                               label on what others make */

    ngx_sockerless_alloc_pt      alloc;
    void                        *data;
    ngx_sockerless_symlink_pt    symlink;   /* NULL: links not looked for */
    void                        *symlink_data;

    /* the verdict */
    ngx_sockerless_jv_t         *body;      /* the body as read */
    ngx_uint_t                   status;    /* of a refusal: 400 ... 409 */
    ngx_str_t                    reason;    /* "<code>: <text>" */
    ngx_str_t                    message;   /* as dockerd words it */
    ngx_array_t                 *refs;      /* ngx_sockerless_ref_t */
    ngx_uint_t                   body_needed;

    /* what dockerd gets instead of what the client sent */
    ngx_array_t                 *edits;     /* ngx_sockerless_edit_t */
    ngx_str_t                    args_out;  /* the query, rewritten */
    ngx_str_t                    object_id; /* the path's object, as ID */

    u_char                       text[NGX_SOCKERLESS_REASON_LEN];
    u_char                       words[NGX_SOCKERLESS_REASON_LEN];
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
 * such object; for an exec, the inspection of its container): NGX_OK,
 * NGX_DECLINED or NGX_ERROR, as above, or NGX_DONE for a missing object
 * that the caller makes, owned (ngx_sockerless_judge_create_body()).  An
 * object that is not the owner's is refused with dockerd's status and
 * words for a missing object in "message" (404; 400 for the objects of a
 * container's settings), a name another has with 409.  An allowed
 * reference is written, where it stands, as the full ID dockerd gave
 * ("id").
 */
ngx_int_t ngx_sockerless_judge_answer(ngx_sockerless_judge_t *j,
    ngx_sockerless_ref_t *ref, ngx_sockerless_jv_t *answer, ngx_str_t *id);

/* the owner label's value in dockerd's inspection of an object, or NULL */
ngx_str_t *ngx_sockerless_judge_owner_of(ngx_sockerless_judge_t *j,
    ngx_uint_t kind, ngx_sockerless_jv_t *answer);

/* 1 if the object has every label of the policy's "visible" (or none) */
ngx_uint_t ngx_sockerless_judge_visible(ngx_sockerless_judge_t *j,
    ngx_uint_t kind, ngx_sockerless_jv_t *answer);

/*
 * The reference is the object "id", whose owner label is "owner" (NULL:
 * none) and which the policy's "visible" labels let it see or not, as
 * dockerd said or as a cache of such facts remembers: as for
 * ngx_sockerless_judge_answer()
 */
ngx_int_t ngx_sockerless_judge_owned(ngx_sockerless_judge_t *j,
    ngx_sockerless_ref_t *ref, ngx_str_t *owner, ngx_uint_t visible,
    ngx_str_t *id);

/* the body of a "POST /volumes/create" for a missing owned volume */
ngx_int_t ngx_sockerless_judge_create_body(ngx_sockerless_judge_t *j,
    ngx_sockerless_ref_t *ref, ngx_str_t *body);

/*
 * For a policy without sockerless_enforce or without "owner": the owner
 * label a create must carry when the client gave none (an empty owner,
 * so that no image's label makes anyone its owner).  Parses "json" into
 * j->body when the judge has not.  NGX_OK, NGX_DECLINED (the body is not
 * a document the edits can be made in: left as it is), NGX_ERROR.
 */
ngx_int_t ngx_sockerless_judge_stamp(ngx_sockerless_judge_t *j);

/*
 * What dockerd gets: the target (with the path's object as its full ID
 * and the query rewritten, when either is) and the body with the edits
 * made.  "target" and "body" are left alone when nothing changed.
 */
ngx_int_t ngx_sockerless_judge_rewritten(ngx_sockerless_judge_t *j,
    ngx_str_t *target, ngx_str_t *body);


/*
 * The labels that narrow a list to what the policy sees ("K=V" of the
 * owner, then "visible"'s), for the list filters and for the answers
 * filtered by labels: NGX_OK with *n == 0 when nothing narrows it.
 */
ngx_int_t ngx_sockerless_judge_scope(ngx_sockerless_judge_t *j,
    ngx_str_t **labels, ngx_uint_t *n);


/* what a judge (NGX_SOCKERLESS_JUDGE_*) reads, for the documents */
const char *ngx_sockerless_judge_doc(ngx_uint_t judge);


#endif /* _NGX_SOCKERLESS_JUDGE_H_INCLUDED_ */
