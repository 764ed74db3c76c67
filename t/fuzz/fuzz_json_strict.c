
/*
 * Copyright (C) ngx_sockerless developers
 */


/*
 * libFuzzer target of the access policy's strict JSON reader
 * (ngx_sockerless_json_parse(), ngx_sockerless_json_get()).
 *
 * The input is a request body.  Besides what the sanitizers catch:
 *
 * - a parsed tree is well formed: parent, next, last and n agree, no
 *   string or key holds a NUL, nesting is at most
 *   NGX_SOCKERLESS_JSON_DEPTH, no two keys of an object fold alike;
 * - the tree equals the one yajl's own tree parser (yajl_tree, a reader
 *   independent of the callbacks) builds from the same input;
 * - the other way round: an input yajl_tree accepts is refused only for
 *   a reason the reader documents (a duplicate once folded, a NUL, too
 *   deep, or a comment, which yajl_tree allows);
 * - every ASCII key is found again by ngx_sockerless_json_get();
 * - the tree written back as JSON parses to the same tree;
 * - the reader without its shortcuts (ngx_sockerless_json_parse_reference(),
 *   byte by byte) gives the same answer: the same tree, or the same
 *   reason to refuse.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <yajl/yajl_tree.h>
#include "ngx_sockerless_json.h"
#include "../unit/arena.h"


#define fuzz_assert(cond)                                                     \
    if (!(cond)) {                                                            \
        fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #cond);           \
        abort();                                                              \
    }


typedef struct {
    u_char                  *data;
    size_t                   len;
    size_t                   size;
} fuzz_out_t;


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
static ngx_uint_t fuzz_check_tree(ngx_sockerless_jv_t *v, ngx_uint_t depth);
static ngx_uint_t fuzz_same(ngx_sockerless_jv_t *v, yajl_val y);
static ngx_uint_t fuzz_same_tree(ngx_sockerless_jv_t *a,
    ngx_sockerless_jv_t *b);
static ngx_uint_t fuzz_same_offsets(ngx_sockerless_jv_t *a,
    ngx_sockerless_jv_t *b);
static ngx_uint_t fuzz_yajl_explained(yajl_val y, ngx_uint_t depth);
static size_t fuzz_fold(u_char *dst, const u_char *src, size_t len);
static void fuzz_write(fuzz_out_t *out, ngx_sockerless_jv_t *v);
static void fuzz_write_string(fuzz_out_t *out, ngx_str_t *s);
static void fuzz_put(fuzz_out_t *out, const void *p, size_t len);


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    u_char               *json;
    char                 *text, errbuf[128];
    const char           *err, *err2;
    yajl_val              y;
    fuzz_out_t            out;
    ngx_sockerless_jv_t  *root, *again;

    /* an exact-size copy, so that any overrun is seen */

    json = malloc(size ? size : 1);
    fuzz_assert(json != NULL);
    ngx_memcpy(json, data, size);

    err = NULL;
    root = ngx_sockerless_json_parse(json, size, t_arena_alloc, NULL, &err);

    fuzz_assert(root != NULL || (err != NULL && *err != '\0'));

    /* the same answer as byte by byte */

    err2 = NULL;
    again = ngx_sockerless_json_parse_reference(json, size, t_arena_alloc,
                                                NULL, &err2);

    fuzz_assert((root == NULL) == (again == NULL));
    fuzz_assert(root == NULL
                || (fuzz_same_tree(root, again)
                    && fuzz_same_offsets(root, again)));
    fuzz_assert(root != NULL
                || (err == NULL && err2 == NULL)
                || (err && err2 && strcmp(err, err2) == 0));

    /* yajl_tree wants a NUL-terminated text: an input with NUL is refused */

    text = NULL;
    y = NULL;

    if (ngx_strlchr(json, json + size, '\0') == NULL) {
        text = malloc(size + 1);
        fuzz_assert(text != NULL);
        ngx_memcpy(text, data, size);
        text[size] = '\0';

        y = yajl_tree_parse(text, errbuf, sizeof(errbuf));

    } else {
        fuzz_assert(root == NULL);
    }

    if (root) {
        fuzz_assert(fuzz_check_tree(root, 0));

        /* yajl_tree parses what the reader parses, to the same tree */

        fuzz_assert(y != NULL);
        fuzz_assert(fuzz_same(root, y));

        /* written back, the same tree */

        out.size = 2 * size + 64;
        out.len = 0;
        out.data = malloc(out.size);
        fuzz_assert(out.data != NULL);

        fuzz_write(&out, root);

        err2 = NULL;
        again = ngx_sockerless_json_parse(out.data, out.len, t_arena_alloc,
                                          NULL, &err2);
        if (again == NULL) {
            fprintf(stderr, "written back: \"%.*s\": %s\n", (int) out.len,
                    out.data, err2);
        }

        fuzz_assert(again != NULL);
        fuzz_assert(fuzz_same_tree(root, again));

        free(out.data);

    } else if (y != NULL) {

        /* refused, though yajl_tree took it: one of the documented cases */

        /*
         * refused on purpose where yajl is lax and Go reads otherwise:
         * invalid UTF-8, lone surrogate escapes, \v and \f
         */

        if (strstr(err, "UTF-8") || strstr(err, "surrogate")) {
            /* documented */

        } else if (strchr(text, '/') == NULL
                   && strstr(text, "\\u0000") == NULL)
        {
            if (!fuzz_yajl_explained(y, 1)) {
                fprintf(stderr, "refused (%s), not explained\n", err);
            }

            fuzz_assert(fuzz_yajl_explained(y, 1));
        }
    }

    if (y) {
        yajl_tree_free(y);
    }

    free(text);
    free(json);
    t_arena_free();

    return 0;
}


static ngx_uint_t
fuzz_check_tree(ngx_sockerless_jv_t *v, ngx_uint_t depth)
{
    u_char               *a, *b;
    size_t                la, lb;
    ngx_uint_t            n;
    ngx_sockerless_jv_t  *c, *d, *last;
    char                  name[64];

    if (v->type > NGX_SOCKERLESS_JSON_ARRAY) {
        return 0;
    }

    if (v->type != NGX_SOCKERLESS_JSON_OBJECT
        && v->type != NGX_SOCKERLESS_JSON_ARRAY)
    {
        if (v->child || v->n) {
            return 0;
        }

        if (v->type == NGX_SOCKERLESS_JSON_STRING
            || v->type == NGX_SOCKERLESS_JSON_NUMBER)
        {
            return v->str.data != NULL
                   && ngx_strlchr(v->str.data, v->str.data + v->str.len,
                                  '\0') == NULL
                   && v->str.data[v->str.len] == '\0';
        }

        return 1;
    }

    if (depth + 1 > NGX_SOCKERLESS_JSON_DEPTH) {
        return 0;
    }

    n = 0;
    last = NULL;

    for (c = v->child; c; c = c->next) {
        if (c->parent != v) {
            return 0;
        }

        if (v->type == NGX_SOCKERLESS_JSON_OBJECT) {
            if (c->key.data == NULL
                || ngx_strlchr(c->key.data, c->key.data + c->key.len, '\0'))
            {
                return 0;
            }

            /* unique once folded */

            for (d = v->child; d != c; d = d->next) {
                a = malloc(c->key.len + 1);
                b = malloc(d->key.len + 1);
                la = fuzz_fold(a, c->key.data, c->key.len);
                lb = fuzz_fold(b, d->key.data, d->key.len);

                if (la == lb && ngx_memcmp(a, b, la) == 0) {
                    free(a);
                    free(b);
                    return 0;
                }

                free(a);
                free(b);
            }

            /* an ASCII key is found again */

            if (c->key.len < sizeof(name)) {
                ngx_memcpy(name, c->key.data, c->key.len);
                name[c->key.len] = '\0';

                for (la = 0; la < c->key.len && (u_char) name[la] < 0x80;
                     la++)
                {
                    /* void */
                }

                if (la == c->key.len
                    && ngx_sockerless_json_get(v, name) != c)
                {
                    return 0;
                }
            }

        } else if (c->key.len) {
            return 0;
        }

        if (!fuzz_check_tree(c, depth + 1)) {
            return 0;
        }

        last = c;
        n++;
    }

    return n == v->n && last == v->last;
}


static ngx_uint_t
fuzz_same(ngx_sockerless_jv_t *v, yajl_val y)
{
    size_t                i;
    ngx_sockerless_jv_t  *c;

    switch (v->type) {

    case NGX_SOCKERLESS_JSON_NULL:
        return YAJL_IS_NULL(y);

    case NGX_SOCKERLESS_JSON_TRUE:
        return YAJL_IS_TRUE(y);

    case NGX_SOCKERLESS_JSON_FALSE:
        return YAJL_IS_FALSE(y);

    case NGX_SOCKERLESS_JSON_NUMBER:
        return YAJL_IS_NUMBER(y) && y->u.number.r
               && strlen(y->u.number.r) == v->str.len
               && ngx_memcmp(y->u.number.r, v->str.data, v->str.len) == 0;

    case NGX_SOCKERLESS_JSON_STRING:
        return YAJL_IS_STRING(y) && strlen(y->u.string) == v->str.len
               && ngx_memcmp(y->u.string, v->str.data, v->str.len) == 0;

    case NGX_SOCKERLESS_JSON_ARRAY:
        if (!YAJL_IS_ARRAY(y) || y->u.array.len != v->n) {
            return 0;
        }

        for (i = 0, c = v->child; c; c = c->next, i++) {
            if (!fuzz_same(c, y->u.array.values[i])) {
                return 0;
            }
        }

        return 1;

    case NGX_SOCKERLESS_JSON_OBJECT:
        if (!YAJL_IS_OBJECT(y) || y->u.object.len != v->n) {
            return 0;
        }

        for (i = 0, c = v->child; c; c = c->next, i++) {
            if (strlen(y->u.object.keys[i]) != c->key.len
                || ngx_memcmp(y->u.object.keys[i], c->key.data, c->key.len)
                   != 0
                || !fuzz_same(c, y->u.object.values[i]))
            {
                return 0;
            }
        }

        return 1;
    }

    return 0;
}


static ngx_uint_t
fuzz_same_tree(ngx_sockerless_jv_t *a, ngx_sockerless_jv_t *b)
{
    ngx_sockerless_jv_t  *c, *d;

    if (a->type != b->type || a->n != b->n
        || a->key.len != b->key.len
        || (a->key.len
            && ngx_memcmp(a->key.data, b->key.data, a->key.len) != 0))
    {
        return 0;
    }

    if ((a->type == NGX_SOCKERLESS_JSON_STRING
         || a->type == NGX_SOCKERLESS_JSON_NUMBER)
        && (a->str.len != b->str.len
            || (a->str.len
                && ngx_memcmp(a->str.data, b->str.data, a->str.len) != 0)))
    {
        return 0;
    }

    for (c = a->child, d = b->child; c && d; c = c->next, d = d->next) {
        if (!fuzz_same_tree(c, d)) {
            return 0;
        }
    }

    return c == NULL && d == NULL;
}


/* two trees of the same document: their values are at the same bytes */

static ngx_uint_t
fuzz_same_offsets(ngx_sockerless_jv_t *a, ngx_sockerless_jv_t *b)
{
    ngx_sockerless_jv_t  *c, *d;

    if (a->off != b->off || a->end != b->end) {
        return 0;
    }

    for (c = a->child, d = b->child; c && d; c = c->next, d = d->next) {
        if (!fuzz_same_offsets(c, d)) {
            return 0;
        }
    }

    return c == NULL && d == NULL;
}


/*
 * Why the reader may refuse what yajl_tree took: an object whose keys
 * fold alike, or nesting beyond the limit
 */

static ngx_uint_t
fuzz_yajl_explained(yajl_val y, ngx_uint_t depth)
{
    u_char  *a, *b;
    size_t   i, j, la, lb;

    if (YAJL_IS_ARRAY(y)) {
        if (depth > NGX_SOCKERLESS_JSON_DEPTH) {
            return 1;
        }

        for (i = 0; i < y->u.array.len; i++) {
            if (fuzz_yajl_explained(y->u.array.values[i], depth + 1)) {
                return 1;
            }
        }

        return 0;
    }

    if (!YAJL_IS_OBJECT(y)) {
        return 0;
    }

    if (depth > NGX_SOCKERLESS_JSON_DEPTH) {
        return 1;
    }

    for (i = 0; i < y->u.object.len; i++) {
        for (j = 0; j < i; j++) {
            la = strlen(y->u.object.keys[i]);
            lb = strlen(y->u.object.keys[j]);
            a = malloc(la + 1);
            b = malloc(lb + 1);
            la = fuzz_fold(a, (u_char *) y->u.object.keys[i], la);
            lb = fuzz_fold(b, (u_char *) y->u.object.keys[j], lb);

            if (la == lb && ngx_memcmp(a, b, la) == 0) {
                free(a);
                free(b);
                return 1;
            }

            free(a);
            free(b);
        }

        if (fuzz_yajl_explained(y->u.object.values[i], depth + 1)) {
            return 1;
        }
    }

    return 0;
}


/* Go's folding as it matters to ASCII field names: ASCII case, U+017F
 * is "s", U+212A is "k"; written independently of the module */

static size_t
fuzz_fold(u_char *dst, const u_char *src, size_t len)
{
    size_t  i, n;

    for (i = 0, n = 0; i < len; /* void */ ) {

        if (i + 1 < len && src[i] == 0xc5 && src[i + 1] == 0xbf) {
            dst[n++] = 's';
            i += 2;

        } else if (i + 2 < len && src[i] == 0xe2 && src[i + 1] == 0x84
                   && src[i + 2] == 0xaa)
        {
            dst[n++] = 'k';
            i += 3;

        } else {
            dst[n++] = (src[i] >= 'A' && src[i] <= 'Z') ? src[i] + 32
                                                          : src[i];
            i++;
        }
    }

    return n;
}


static void
fuzz_write(fuzz_out_t *out, ngx_sockerless_jv_t *v)
{
    ngx_sockerless_jv_t  *c;

    switch (v->type) {

    case NGX_SOCKERLESS_JSON_NULL:
        fuzz_put(out, "null", 4);
        break;

    case NGX_SOCKERLESS_JSON_TRUE:
        fuzz_put(out, "true", 4);
        break;

    case NGX_SOCKERLESS_JSON_FALSE:
        fuzz_put(out, "false", 5);
        break;

    case NGX_SOCKERLESS_JSON_NUMBER:
        fuzz_put(out, v->str.data, v->str.len);
        break;

    case NGX_SOCKERLESS_JSON_STRING:
        fuzz_write_string(out, &v->str);
        break;

    default:
        fuzz_put(out, v->type == NGX_SOCKERLESS_JSON_OBJECT ? "{" : "[", 1);

        for (c = v->child; c; c = c->next) {
            if (c != v->child) {
                fuzz_put(out, ",", 1);
            }

            if (v->type == NGX_SOCKERLESS_JSON_OBJECT) {
                fuzz_write_string(out, &c->key);
                fuzz_put(out, ":", 1);
            }

            fuzz_write(out, c);
        }

        fuzz_put(out, v->type == NGX_SOCKERLESS_JSON_OBJECT ? "}" : "]", 1);
    }
}


static void
fuzz_write_string(fuzz_out_t *out, ngx_str_t *s)
{
    size_t  i;
    char    esc[8];

    fuzz_put(out, "\"", 1);

    for (i = 0; i < s->len; i++) {
        if (s->data[i] == '"' || s->data[i] == '\\') {
            esc[0] = '\\';
            esc[1] = s->data[i];
            fuzz_put(out, esc, 2);

        } else if (s->data[i] < 0x20) {
            snprintf(esc, sizeof(esc), "\\u%04x", s->data[i]);
            fuzz_put(out, esc, 6);

        } else {
            fuzz_put(out, &s->data[i], 1);
        }
    }

    fuzz_put(out, "\"", 1);
}


static void
fuzz_put(fuzz_out_t *out, const void *p, size_t len)
{
    u_char  *n;

    if (out->len + len > out->size) {
        out->size = 2 * (out->len + len);
        n = realloc(out->data, out->size);
        fuzz_assert(n != NULL);
        out->data = n;
    }

    ngx_memcpy(out->data + out->len, p, len);
    out->len += len;
}
