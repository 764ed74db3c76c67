
/*
 * Copyright (C) ngx_sockerless developers
 */


/*
 * libFuzzer target of the JSON member reader (ngx_sockerless_json.c).
 *
 * The input is a JSON document, read for a few top-level keys and for
 * errorDetail.message, into small buffers of exact size.  Besides what the
 * sanitizers catch, the answer for a top-level key is compared with a
 * reference built on yajl's own tree parser: the last member whose key
 * folds like Go's strings.EqualFold to the name decides; null keeps the
 * earlier value, any other non-string value drops it (yajl's tree parser
 * allows comments, the reader does not: inputs with a "/" that only the
 * tree accepts are not compared).  The input is also
 * used as a raw key against the same names, and compared with a reference
 * EqualFold.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <yajl/yajl_tree.h>
#include "ngx_sockerless_json.h"


#define FUZZ_BUF  16


#define fuzz_assert(cond)                                                     \
    if (!(cond)) {                                                            \
        fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #cond);           \
        abort();                                                              \
    }


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
static ngx_uint_t fuzz_equal_fold(const u_char *key, size_t len,
    const char *name);


static const char  *fuzz_keys[] = {
    "Image", "message", "key", "Sk", "error", NULL
};


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    u_char        *json, *buf, *text;
    size_t         i, len;
    ngx_int_t      rc;
    ngx_str_t      value;
    yajl_val       tree, v, found;
    ngx_uint_t     has_nul, ok;
    const char   **k;

    json = malloc(size ? size : 1);
    buf = malloc(FUZZ_BUF);

    fuzz_assert(json != NULL && buf != NULL);

    ngx_memcpy(json, data, size);

    /*
     * the tree keeps keys and strings NUL-terminated: a NUL in the input
     * or a \u0000 escape (in a key, say) makes it see something else
     */

    has_nul = (memchr(data, '\0', size) != NULL
               || memmem(data, size, "\\u0000", 6) != NULL);

    /* the reference: yajl's tree of the same bytes */

    tree = NULL;

    if (!has_nul) {
        text = malloc(size + 1);
        fuzz_assert(text != NULL);
        ngx_memcpy(text, data, size);
        text[size] = '\0';

        tree = yajl_tree_parse((const char *) text, NULL, 0);

        free(text);
    }

    for (k = fuzz_keys; *k; k++) {
        value.len = 0;
        value.data = NULL;

        rc = ngx_sockerless_json_string(json, size, *k, NULL, buf, FUZZ_BUF,
                                        &value);

        fuzz_assert(rc == NGX_OK || rc == NGX_DECLINED || rc == NGX_ERROR);
        fuzz_assert(value.data == buf);
        fuzz_assert(value.len <= FUZZ_BUF);

        if (has_nul) {
            continue;
        }

        /*
         * yajl's parser and tree agree on what is valid JSON, but that
         * the tree allows comments (the reader must not: Go has none)
         */

        if (tree == NULL) {
            /*
             * the reader is as lenient as Go's decoder (invalid UTF-8,
             * data after the first value), yajl's tree is not
             */
            continue;
        }

        if (rc == NGX_ERROR && memchr(data, '/', size) != NULL) {
            continue;
        }

        fuzz_assert(rc != NGX_ERROR);

        if (!YAJL_IS_OBJECT(tree)) {
            fuzz_assert(rc != NGX_OK);
            continue;
        }

        found = NULL;

        for (i = 0; i < tree->u.object.len; i++) {
            if (!fuzz_equal_fold((u_char *) tree->u.object.keys[i],
                                 strlen(tree->u.object.keys[i]), *k))
            {
                continue;
            }

            v = tree->u.object.values[i];

            if (YAJL_IS_NULL(v)) {
                continue;
            }

            found = YAJL_IS_STRING(v) ? v : NULL;
        }

        if (found == NULL) {
            fuzz_assert(rc == NGX_DECLINED);
            continue;
        }

        fuzz_assert(rc == NGX_OK);

        len = strlen(found->u.string);

        ok = (value.len == ngx_min(len, FUZZ_BUF)
              && ngx_memcmp(value.data, found->u.string, value.len) == 0);

        fuzz_assert(ok);
    }

    if (tree) {
        yajl_tree_free(tree);
    }

    /* a member of a member */

    rc = ngx_sockerless_json_string(json, size, "errorDetail", "message",
                                    buf, FUZZ_BUF, &value);

    fuzz_assert(rc == NGX_OK || rc == NGX_DECLINED || rc == NGX_ERROR);
    fuzz_assert(value.data == buf && value.len <= FUZZ_BUF);

    /* a buffer of 0 */

    rc = ngx_sockerless_json_string(json, size, "Image", NULL, buf, 0,
                                    &value);

    fuzz_assert(rc != NGX_OK || value.len == 0);

    /* the input as a raw key */

    for (k = fuzz_keys; *k; k++) {
        fuzz_assert(ngx_sockerless_json_key_match(json, size, *k)
                    == fuzz_equal_fold(json, size, *k));
    }

    free(json);
    free(buf);

    return 0;
}


/*
 * Go's strings.EqualFold of a key against an ASCII name: the only runes
 * outside ASCII that fold to ASCII letters are U+017F (s) and U+212A (k);
 * any other non-ASCII byte sequence (valid or not) matches no ASCII.
 */

static ngx_uint_t
fuzz_equal_fold(const u_char *key, size_t len, const char *name)
{
    u_char  c, n;
    size_t  i;

    for (i = 0; *name; name++) {
        if (i == len) {
            return 0;
        }

        n = (u_char) *name;
        n = (n >= 'A' && n <= 'Z') ? n + 32 : n;
        c = key[i];

        if (c < 0x80) {
            c = (c >= 'A' && c <= 'Z') ? c + 32 : c;

            if (c != n) {
                return 0;
            }

            i++;
            continue;
        }

        if (n == 's' && len - i >= 2 && key[i] == 0xc5 && key[i + 1] == 0xbf)
        {
            i += 2;
            continue;
        }

        if (n == 'k' && len - i >= 3 && key[i] == 0xe2 && key[i + 1] == 0x84
            && key[i + 2] == 0xaa)
        {
            i += 3;
            continue;
        }

        return 0;
    }

    return i == len;
}
