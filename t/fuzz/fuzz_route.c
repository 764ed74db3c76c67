
/*
 * Copyright (C) ngx_sockerless developers
 */


/*
 * libFuzzer target of the request router: the first byte of the input
 * picks the method, the rest is the request target.  Besides what the
 * sanitizers catch, it checks the router's invariants, that routing the
 * decoded path again, with its "%" escaped, gives the same answer, and
 * that the router through its index answers as the walk of the table.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include "ngx_sockerless_route.h"


#define fuzz_assert(cond)                                                     \
    if (!(cond)) {                                                            \
        fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #cond);           \
        abort();                                                              \
    }


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
static void fuzz_check(ngx_str_t *method, u_char *uri, size_t len,
    u_char *work, ngx_sockerless_route_t *rt);
static void fuzz_same(ngx_sockerless_route_t *a, u_char *wa,
    ngx_sockerless_route_t *b, u_char *wb);
static ngx_uint_t fuzz_clean(ngx_str_t *path);


static ngx_sockerless_route_index_t  fuzz_index;
static ngx_uint_t                    fuzz_indexed;


static ngx_str_t  fuzz_methods[] = {
    ngx_string("GET"),
    ngx_string("POST"),
    ngx_string("PUT"),
    ngx_string("DELETE"),
    ngx_string("HEAD"),
    ngx_string("OPTIONS"),
    ngx_string("PATCH"),
    ngx_string("get")
};


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t                  len, n;
    u_char                 *uri, *work, *again, *work2, *p, *d;
    ngx_int_t               rc;
    ngx_str_t              *method;
    ngx_sockerless_route_t  rt, rt2;

    if (size == 0) {
        return 0;
    }

    method = &fuzz_methods[data[0] % (sizeof(fuzz_methods)
                                      / sizeof(fuzz_methods[0]))];

    /* exact-size copies, so that any overrun is seen */

    len = size - 1;
    uri = malloc(len ? len : 1);
    work = malloc(len ? len : 1);

    fuzz_assert(uri != NULL && work != NULL);

    ngx_memcpy(uri, data + 1, len);

    rc = ngx_sockerless_route(uri, len, method, work, &rt);

    fuzz_assert(rc == NGX_OK || (rc == NGX_ERROR && len == 0));

    fuzz_check(method, uri, len, work, &rt);

    if (!fuzz_indexed) {
        fuzz_assert(ngx_sockerless_route_index_init(&fuzz_index) == NGX_OK);
        fuzz_indexed = 1;
    }

    work2 = malloc(len ? len : 1);

    fuzz_assert(work2 != NULL);

    fuzz_assert(ngx_sockerless_route_indexed(&fuzz_index, uri, len, method,
                                             work2, &rt2)
                == rc);

    fuzz_same(&rt, work, &rt2, work2);

    free(work2);

    if (rc == NGX_OK && rt.canon == NGX_SOCKERLESS_CANON_OK) {

        /* the whole decoded path, version prefix included */

        n = rt.path.data + rt.path.len - work;

        again = malloc(3 * n);
        work2 = malloc(3 * n);

        fuzz_assert(again != NULL && work2 != NULL);

        for (p = work, d = again; p < work + n; p++) {
            if (*p == '%') {
                *d++ = '%';
                *d++ = '2';
                *d++ = '5';

            } else {
                *d++ = *p;
            }
        }

        rc = ngx_sockerless_route(again, d - again, method, work2, &rt2);

        fuzz_assert(rc == NGX_OK);
        fuzz_assert(rt2.canon == NGX_SOCKERLESS_CANON_OK);
        fuzz_assert(rt2.op == rt.op);
        fuzz_assert(rt2.versioned == rt.versioned);
        fuzz_assert(rt2.version_ok == rt.version_ok);
        fuzz_assert(rt2.major == rt.major && rt2.minor == rt.minor);
        fuzz_assert(rt2.path.len == rt.path.len);
        fuzz_assert(rt.path.len == 0
                    || ngx_memcmp(rt2.path.data, rt.path.data, rt.path.len)
                       == 0);
        fuzz_assert(rt2.object.len == rt.object.len);
        fuzz_assert(rt.object.len == 0
                    || ngx_memcmp(rt2.object.data, rt.object.data,
                                  rt.object.len)
                       == 0);

        free(again);
        free(work2);
    }

    free(uri);
    free(work);

    return 0;
}


static void
fuzz_check(ngx_str_t *method, u_char *uri, size_t len, u_char *work,
    ngx_sockerless_route_t *rt)
{
    u_char                     *p;
    const ngx_sockerless_op_t  *op;

    fuzz_assert(rt->canon <= NGX_SOCKERLESS_CANON_RELATIVE);

    /* the path and the object are within the work buffer */

    fuzz_assert(rt->path.len <= len);
    fuzz_assert(rt->path.len == 0
                || (rt->path.data >= work
                    && rt->path.data + rt->path.len <= work + len));

    fuzz_assert(rt->object.len == 0
                || (rt->object.data >= rt->path.data
                    && rt->object.data + rt->object.len
                       <= rt->path.data + rt->path.len));

    fuzz_assert(len == 0
                || (uri[0] == '/') == (rt->canon
                                       != NGX_SOCKERLESS_CANON_RELATIVE));

    fuzz_assert(!rt->version_ok || rt->versioned);
    fuzz_assert(rt->version_ok || (rt->major == 0 && rt->minor == 0));
    fuzz_assert(!rt->versioned
                || (rt->path.len && rt->path.data[0] == '/'));

    if (rt->op == NGX_SOCKERLESS_OP_NONE) {
        fuzz_assert(rt->object.len == 0);
        return;
    }

    /* an operation only for a clean path, and one that fits */

    op = ngx_sockerless_op(rt->op);

    fuzz_assert(op != NULL);
    fuzz_assert(rt->canon == NGX_SOCKERLESS_CANON_OK);
    fuzz_assert(fuzz_clean(&rt->path));

    fuzz_assert((op->method.len == 1 && op->method.data[0] == '*')
                || (op->method.len == method->len
                    && ngx_memcmp(op->method.data, method->data,
                                  method->len)
                       == 0));

    fuzz_assert(rt->object.len == 0
                || (op->flags & NGX_SOCKERLESS_OP_OBJECT));

    /* the path begins with the pattern's literal head */

    p = (u_char *) ngx_strchr(op->path.data, '{');

    if (p == NULL) {
        fuzz_assert(op->path.len == rt->path.len
                    || op->method.data[0] == 'O'
                    || (op->path.len + 1 == rt->path.len
                        && rt->path.data[rt->path.len - 1] == '/'));

    } else if (op->method.data[0] != 'O') {
        fuzz_assert(rt->path.len >= (size_t) (p - op->path.data)
                    && ngx_memcmp(rt->path.data, op->path.data,
                                  p - op->path.data)
                       == 0);
    }
}


/* two answers are the same, each in its own work buffer */

static void
fuzz_same(ngx_sockerless_route_t *a, u_char *wa, ngx_sockerless_route_t *b,
    u_char *wb)
{
    fuzz_assert(a->op == b->op);
    fuzz_assert(a->canon == b->canon);
    fuzz_assert(a->escaped == b->escaped);
    fuzz_assert(a->versioned == b->versioned);
    fuzz_assert(a->version_ok == b->version_ok);
    fuzz_assert(a->major == b->major && a->minor == b->minor);
    fuzz_assert(a->path.len == b->path.len);
    fuzz_assert(a->path.len == 0
                || a->path.data - wa == b->path.data - wb);
    fuzz_assert(a->object.len == b->object.len);
    fuzz_assert(a->object.len == 0
                || a->object.data - wa == b->object.data - wb);
}


/* no control characters, no "//" but at the end, no "." or ".." segment */

static ngx_uint_t
fuzz_clean(ngx_str_t *path)
{
    size_t   i, seg;
    u_char  *p;

    p = path->data;

    if (path->len == 0 || p[0] != '/') {
        return 0;
    }

    seg = 1;

    for (i = 1; i <= path->len; i++) {

        if (i < path->len && (p[i] < 0x20 || p[i] == 0x7f)) {
            return 0;
        }

        if (i < path->len && p[i] != '/') {
            continue;
        }

        /* the segment [seg, i) */

        if (i == seg && i < path->len) {
            return 0;
        }

        if ((i - seg == 1 && p[seg] == '.')
            || (i - seg == 2 && p[seg] == '.' && p[seg + 1] == '.'))
        {
            return 0;
        }

        seg = i + 1;
    }

    return 1;
}
