
/*
 * Copyright (C) ngx_sockerless developers
 */


#ifndef _NGX_SOCKERLESS_ANSWER_H_INCLUDED_
#define _NGX_SOCKERLESS_ANSWER_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>

#include "ngx_sockerless_ops.h"
#include "ngx_sockerless_json.h"


/*
 * dockerd's JSON answers, rewritten as they stream: the values a policy
 * redacts replaced, the elements of a list it must not see left out,
 * every other byte passed on as it came (numbers, key order, spacing).
 * Memory is bounded by the largest element held (an element of a list
 * being decided) and the longest token, never by the answer.  Pure: yajl
 * and libc, memory from "alloc".
 */


/* the rewritten bytes go to "out": NGX_OK, or NGX_ERROR to stop */
typedef ngx_int_t (*ngx_sockerless_answer_out_pt)(void *data, u_char *p,
    size_t len);


/* what narrows the objects a policy sees, for the lists filtered */
#define NGX_SOCKERLESS_NARROW_OWNER    0x0001
#define NGX_SOCKERLESS_NARROW_VISIBLE  0x0002


typedef struct ngx_sockerless_answer_s  ngx_sockerless_answer_t;


typedef struct {
    ngx_uint_t                     shape;     /* NGX_SOCKERLESS_ANSWER_* */
    ngx_uint_t                     redact;    /* NGX_SOCKERLESS_REDACT_* */

    /*
     * the labels an element of a filtered list must all have, "key" or
     * "key=value" (the Containers and Volumes of a df answer)
     */
    ngx_str_t                     *labels;
    ngx_uint_t                     nlabels;
    ngx_uint_t                     narrow;    /* NGX_SOCKERLESS_NARROW_* */

    size_t                         max_element;

    ngx_sockerless_alloc_pt        alloc;
    void                          *data;
    ngx_sockerless_answer_out_pt   out;
    void                          *out_data;
} ngx_sockerless_answer_conf_t;


/*
 * Whether an answer of this shape has anything to rewrite for these
 * settings: 0 lets it pass untouched, at no cost.
 */
ngx_uint_t ngx_sockerless_answer_needed(ngx_uint_t shape, ngx_uint_t redact,
    ngx_uint_t narrow);

/* NULL: "alloc" failed */
ngx_sockerless_answer_t *ngx_sockerless_answer_create(
    ngx_sockerless_answer_conf_t *conf);

/*
 * The next bytes of the answer, or the end of it (last: the bytes held
 * go out).  NGX_OK, NGX_DECLINED when the answer is not JSON or an
 * element is over max_element ("err" says which), NGX_ERROR when
 * "alloc" or "out" failed.
 */
ngx_int_t ngx_sockerless_answer_feed(ngx_sockerless_answer_t *a, u_char *p,
    size_t len, ngx_uint_t last, const char **err);

void ngx_sockerless_answer_free(ngx_sockerless_answer_t *a);


#endif /* _NGX_SOCKERLESS_ANSWER_H_INCLUDED_ */
