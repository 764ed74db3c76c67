
/*
 * Copyright (C) ngx_sockerless developers
 */


/*
 * libFuzzer target of the answer rewriter (ngx_sockerless_answer.c).
 *
 * The first byte picks the shape of the answer, what is redacted and
 * whether lists are filtered by a label; the second, the size of the
 * chunks the rest is fed in; the rest is dockerd's answer.  Besides what
 * the sanitizers catch:
 *
 * - the verdict and the output do not depend on how the answer is cut:
 *   fed whole and in chunks, the same bytes come out;
 * - what comes out is never longer than what went in (values and
 *   elements are only taken away);
 * - with nothing to redact or filter, an accepted answer comes out as it
 *   went in, byte for byte.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include "ngx_sockerless_answer.h"
#include "fuzz_alloc.h"


#define fuzz_assert(cond)                                                     \
    if (!(cond)) {                                                            \
        fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #cond);           \
        abort();                                                              \
    }


typedef struct {
    u_char     *buf;
    size_t      len;
    size_t      size;
} fuzz_out_t;


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
static ngx_int_t fuzz_run(ngx_uint_t how, size_t chunk, const u_char *p,
    size_t len, fuzz_out_t *out);
static ngx_int_t fuzz_out(void *data, u_char *p, size_t len);


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t      chunk;
    ngx_int_t   whole, cut;
    ngx_uint_t  how;
    fuzz_out_t  a, b;

    if (size < 2) {
        return 0;
    }

    how = data[0];
    chunk = 1 + data[1] % 16;

    ngx_memzero(&a, sizeof(fuzz_out_t));
    ngx_memzero(&b, sizeof(fuzz_out_t));

    whole = fuzz_run(how, 0, data + 2, size - 2, &a);
    cut = fuzz_run(how, chunk, data + 2, size - 2, &b);

    fuzz_assert(whole == cut);

    if (whole == NGX_OK) {
        fuzz_assert(a.len == b.len);
        fuzz_assert(a.len == 0 || ngx_memcmp(a.buf, b.buf, a.len) == 0);
        fuzz_assert(a.len <= size - 2);

        if (!ngx_sockerless_answer_needed(how % 18, (how >> 5) & 3,
                                          ((how >> 7) & 1) ? 3 : 0))
        {
            fuzz_assert(a.len == size - 2);
            fuzz_assert(a.len == 0
                        || ngx_memcmp(a.buf, data + 2, a.len) == 0);
        }
    }

    free(a.buf);
    free(b.buf);
    fuzz_free_all();

    return 0;
}


static ngx_int_t
fuzz_run(ngx_uint_t how, size_t chunk, const u_char *p, size_t len,
    fuzz_out_t *out)
{
    size_t                         n;
    ngx_int_t                      rc;
    ngx_str_t                      labels[1] = { ngx_string("a=b") };
    const char                    *err;
    ngx_sockerless_answer_t       *a;
    ngx_sockerless_answer_conf_t   conf;

    ngx_memzero(&conf, sizeof(ngx_sockerless_answer_conf_t));

    conf.shape = how % 18;
    conf.redact = (how >> 5) & 3;
    conf.labels = labels;
    conf.nlabels = (how >> 7) & 1;
    conf.narrow = conf.nlabels ? NGX_SOCKERLESS_NARROW_OWNER
                                 |NGX_SOCKERLESS_NARROW_VISIBLE : 0;
    conf.max_element = 1 << 20;   /* over any input: limits are unit-tested */
    conf.alloc = fuzz_alloc;
    conf.out = fuzz_out;
    conf.out_data = out;

    a = ngx_sockerless_answer_create(&conf);
    if (a == NULL) {
        return NGX_ERROR;
    }

    rc = NGX_OK;

    do {
        n = chunk ? ngx_min(chunk, len) : len;

        rc = ngx_sockerless_answer_feed(a, (u_char *) p, n, n == len, &err);

        p += n;
        len -= n;

    } while (rc == NGX_OK && len);

    ngx_sockerless_answer_free(a);

    return rc;
}


static ngx_int_t
fuzz_out(void *data, u_char *p, size_t len)
{
    fuzz_out_t *out = data;

    u_char  *buf;

    if (out->len + len > out->size) {
        out->size = 2 * (out->len + len);

        buf = realloc(out->buf, out->size);
        if (buf == NULL) {
            return NGX_ERROR;
        }

        out->buf = buf;
    }

    ngx_memcpy(out->buf + out->len, p, len);
    out->len += len;

    return NGX_OK;
}
