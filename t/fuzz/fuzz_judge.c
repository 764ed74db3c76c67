
/*
 * Copyright (C) ngx_sockerless developers
 */


/*
 * libFuzzer target of the policy's judge (ngx_sockerless_judge.c).
 *
 * The input is a request: the first byte picks the policy (privileged
 * off or on, with or without bind and image lists, with or without an
 * owner), then the method, a space, the target, a newline and the body.
 * What dockerd would get instead (the body edited, the target rewritten)
 * is made too.  Besides what the
 * sanitizers catch:
 *
 * - a verdict is one of allowed, refused or out of memory, and a refusal
 *   has a status of 400 or 403 and a reason that starts with a code
 *   ("privileged: ", "bind: ", ...);
 * - what "privileged on" refuses, "privileged off" refuses too;
 * - a reference left for dockerd is of a known kind, and only a network
 *   without an owner;
 * - an edited body is still a document the strict reader takes.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include "ngx_sockerless_judge.h"
#include "fuzz_alloc.h"


#define fuzz_assert(cond)                                                     \
    if (!(cond)) {                                                            \
        fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #cond);           \
        abort();                                                              \
    }


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
static ngx_int_t fuzz_judge(ngx_uint_t privileged, ngx_uint_t lists,
    ngx_uint_t owned, u_char *req, size_t len, ngx_sockerless_judge_t *j);
static ngx_uint_t fuzz_symlink(void *data, ngx_str_t *path);


static u_char   fuzz_allow[ngx_sockerless_op_n];


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    u_char                  *req;
    ngx_int_t                off, on;
    ngx_str_t                target, body;
    ngx_uint_t               i, lists, owned;
    ngx_sockerless_ref_t    *ref;
    ngx_sockerless_judge_t   j, jp;

    if (size < 2) {
        return 0;
    }

    lists = data[0] & 1;
    owned = (data[0] & 4) ? 1 : 0;

    for (i = 0; i < ngx_sockerless_op_n; i++) {
        fuzz_allow[i] = (data[0] & 2) || (i % 3 != 0);
    }

    req = fuzz_alloc(NULL, size - 1);
    if (req == NULL) {
        return 0;
    }

    ngx_memcpy(req, data + 1, size - 1);

    off = fuzz_judge(0, lists, owned, req, size - 1, &j);

    fuzz_assert(off == NGX_OK || off == NGX_DECLINED || off == NGX_ERROR);

    if (off == NGX_DECLINED) {
        fuzz_assert(j.status == NGX_SOCKERLESS_BAD_REQUEST
                    || j.status == NGX_SOCKERLESS_FORBIDDEN);
        fuzz_assert(j.reason.len > 2
                    && ngx_strlchr(j.reason.data,
                                   j.reason.data + j.reason.len, ':')
                       != NULL);
    }

    if (off == NGX_OK && j.refs) {
        ref = j.refs->elts;

        for (i = 0; i < j.refs->nelts; i++) {
            fuzz_assert(owned
                        || ref[i].kind == NGX_SOCKERLESS_KIND_NETWORK);
            fuzz_assert(ref[i].kind > NGX_SOCKERLESS_KIND_NONE
                        && ref[i].kind < NGX_SOCKERLESS_KIND_N);
            fuzz_assert(ref[i].checks != 0);
        }
    }

    if (off == NGX_OK) {
        target.len = 0;
        body.len = 0;

        fuzz_assert(ngx_sockerless_judge_rewritten(&j, &target, &body)
                    != NGX_DECLINED);

        /* an edited body is still JSON the strict reader takes */

        if (body.len) {
            const char  *err;

            fuzz_assert(ngx_sockerless_json_parse(body.data, body.len,
                                                  fuzz_alloc, NULL, &err)
                        != NULL || err == NULL);
        }
    }

    on = fuzz_judge(1, lists, owned, req, size - 1, &jp);

    fuzz_assert(!(on == NGX_DECLINED && off == NGX_OK));

    fuzz_free_all();

    return 0;
}


static ngx_int_t
fuzz_judge(ngx_uint_t privileged, ngx_uint_t lists, ngx_uint_t owned,
    u_char *req, size_t len, ngx_sockerless_judge_t *j)
{
    u_char                         *sp, *nl, *q, *work, *last;
    ngx_int_t                       rc;
    ngx_str_t                       method;
    ngx_sockerless_route_t         *rt;

    static ngx_str_t                images[1] = {
        ngx_string("docker.io/library/*")
    };
    static ngx_sockerless_bind_t    binds[2] = {
        { ngx_string("/srv/builds"), 0 },
        { ngx_string("/srv/cache"), 1 }
    };
    static ngx_array_t              image_list = { images, 1, 0, 0, NULL };
    static ngx_array_t              bind_list = { binds, 2, 0, 0, NULL };
    static ngx_sockerless_rules_t   rules;

    ngx_memzero(j, sizeof(ngx_sockerless_judge_t));

    last = req + len;

    sp = ngx_strlchr(req, last, ' ');
    if (sp == NULL) {
        return NGX_OK;
    }

    nl = ngx_strlchr(sp + 1, last, '\n');
    if (nl == NULL) {
        nl = last;
    }

    q = ngx_strlchr(sp + 1, nl, '?');

    rules.allow = fuzz_allow;
    rules.privileged = privileged;
    rules.binds = lists ? &bind_list : NULL;
    rules.images = lists ? &image_list : NULL;
    rules.owned = owned;

    rt = fuzz_alloc(NULL, sizeof(ngx_sockerless_route_t));
    work = fuzz_alloc(NULL, (nl - sp) + 1);
    if (rt == NULL || work == NULL) {
        return NGX_ERROR;
    }

    method.data = req;
    method.len = sp - req;

    if (ngx_sockerless_route(sp + 1, (q ? q : nl) - (sp + 1), &method, work,
                             rt)
        != NGX_OK)
    {
        return NGX_OK;
    }

    j->rules = &rules;
    j->route = rt;
    j->op = ngx_sockerless_op(rt->op);
    j->method = method;
    j->alloc = fuzz_alloc;
    j->symlink = fuzz_symlink;
    j->target.data = sp + 1;
    j->target.len = nl - (sp + 1);
    ngx_str_set(&j->label, "io.sockerless.owner");
    j->stamp = 1;

    if (owned) {
        ngx_str_set(&j->owner, "alice");
    }

    if (q) {
        j->args.data = q + 1;
        j->args.len = nl - (q + 1);
    }

    rc = ngx_sockerless_judge_line(j);

    if (rc != NGX_OK || !j->body_needed || nl == last) {
        return rc;
    }

    j->json.data = nl + 1;
    j->json.len = last - (nl + 1);

    return ngx_sockerless_judge_body(j);
}


static ngx_uint_t
fuzz_symlink(void *data, ngx_str_t *path)
{
    return path->len > 12 && path->data[12] == 'l';
}
