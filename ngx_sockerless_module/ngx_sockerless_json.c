
/*
 * Copyright (C) ngx_sockerless developers
 */


#include <ngx_config.h>
#include <ngx_core.h>

#include <yajl/yajl_parse.h>

#include "ngx_sockerless_json.h"


typedef struct {
    const char                *key;
    const char                *sub;

    u_char                    *buf;
    size_t                     size;
    ngx_str_t                 *value;

    ngx_uint_t                 depth;
    ngx_uint_t                 in_key;     /* depth 1 member is "key" */
    ngx_uint_t                 want;       /* the next value is wanted */
    ngx_uint_t                 found;
} ngx_sockerless_json_ctx_t;


static int ngx_sockerless_json_null(void *data);
static int ngx_sockerless_json_scalar(void *data);
static int ngx_sockerless_json_boolean(void *data, int v);
static int ngx_sockerless_json_number(void *data, const char *s, size_t len);
static int ngx_sockerless_json_str(void *data, const unsigned char *s,
    size_t len);
static int ngx_sockerless_json_start_map(void *data);
static int ngx_sockerless_json_map_key(void *data, const unsigned char *s,
    size_t len);
static int ngx_sockerless_json_end(void *data);
static int ngx_sockerless_json_start_array(void *data);


static u_char  ngx_sockerless_json_digits[] = "0123456789abcdef";


static const yajl_callbacks  ngx_sockerless_json_callbacks = {
    ngx_sockerless_json_null,
    ngx_sockerless_json_boolean,
    NULL,
    NULL,
    ngx_sockerless_json_number,
    ngx_sockerless_json_str,
    ngx_sockerless_json_start_map,
    ngx_sockerless_json_map_key,
    ngx_sockerless_json_end,
    ngx_sockerless_json_start_array,
    ngx_sockerless_json_end
};


ngx_int_t
ngx_sockerless_json_string(u_char *json, size_t len, const char *key,
    const char *sub, u_char *buf, size_t size, ngx_str_t *value)
{
    ngx_int_t                  rc;
    yajl_handle                h;
    yajl_status                st;
    ngx_sockerless_json_ctx_t  ctx;

    ngx_memzero(&ctx, sizeof(ngx_sockerless_json_ctx_t));

    ctx.key = key;
    ctx.sub = sub;
    ctx.buf = buf;
    ctx.size = size;
    ctx.value = value;

    value->len = 0;
    value->data = buf;

    h = yajl_alloc(&ngx_sockerless_json_callbacks, NULL, &ctx);
    if (h == NULL) {
        return NGX_ERROR;
    }

    /* as lenient as Go's json.Decoder, which dockerd reads bodies with */

    yajl_config(h, yajl_dont_validate_strings, 1);
    yajl_config(h, yajl_allow_trailing_garbage, 1);

    st = yajl_parse(h, json, len);

    if (st == yajl_status_ok) {
        st = yajl_complete_parse(h);
    }

    yajl_free(h);

    if (st != yajl_status_ok) {
        rc = NGX_ERROR;

    } else {
        rc = ctx.found ? NGX_OK : NGX_DECLINED;
    }

    return rc;
}


ngx_int_t
ngx_sockerless_json_edit(ngx_str_t *json, ngx_sockerless_edit_t *edits,
    ngx_uint_t n, ngx_str_t *out, ngx_sockerless_alloc_pt alloc, void *data)
{
    u_char      *p;
    size_t       len, pos;
    ngx_uint_t   i;

    len = json->len;

    for (i = 0; i < n; i++) {
        len += edits[i].text.len - (edits[i].end - edits[i].off);
    }

    out->data = alloc(data, len + 1);
    if (out->data == NULL) {
        return NGX_ERROR;
    }

    p = out->data;
    pos = 0;

    for (i = 0; i < n; i++) {
        if (edits[i].off > pos) {
            p = ngx_cpymem(p, json->data + pos, edits[i].off - pos);
        }

        if (edits[i].text.len) {
            p = ngx_cpymem(p, edits[i].text.data, edits[i].text.len);
        }

        pos = edits[i].end;
    }

    if (json->len > pos) {
        p = ngx_cpymem(p, json->data + pos, json->len - pos);
    }

    out->len = p - out->data;

    return NGX_OK;
}


size_t
ngx_sockerless_json_escape(u_char *dst, u_char *src, size_t len)
{
    u_char  *d;
    size_t   i, n;

    n = 0;
    d = dst;

    for (i = 0; i < len; i++) {

        if (src[i] == '"' || src[i] == '\\') {
            n += 2;

            if (d) {
                *d++ = '\\';
                *d++ = src[i];
            }

            continue;
        }

        if (src[i] < 0x20 || src[i] == 0x7f) {
            n += 6;

            if (d) {
                d = ngx_cpymem(d, "\\u00", 4);
                *d++ = ngx_sockerless_json_digits[src[i] >> 4];
                *d++ = ngx_sockerless_json_digits[src[i] & 0xf];
            }

            continue;
        }

        n++;

        if (d) {
            *d++ = src[i];
        }
    }

    return n;
}


ngx_uint_t
ngx_sockerless_json_set(ngx_sockerless_jv_t *v)
{
    if (v == NULL) {
        return 0;
    }

    switch (v->type) {

    case NGX_SOCKERLESS_JSON_TRUE:
        return 1;

    case NGX_SOCKERLESS_JSON_STRING:
        return v->str.len != 0;

    case NGX_SOCKERLESS_JSON_ARRAY:
    case NGX_SOCKERLESS_JSON_OBJECT:
        return v->n != 0;

    case NGX_SOCKERLESS_JSON_NUMBER:
        return !(v->str.len == 1 && v->str.data[0] == '0');

    default:
        return 0;
    }
}


ngx_uint_t
ngx_sockerless_json_eq(ngx_sockerless_jv_t *v, const char *s)
{
    size_t  len;

    if (v == NULL || v->type != NGX_SOCKERLESS_JSON_STRING) {
        return 0;
    }

    len = ngx_strlen(s);

    return v->str.len == len && ngx_strncmp(v->str.data, s, len) == 0;
}


ngx_uint_t
ngx_sockerless_json_caseeq(ngx_sockerless_jv_t *v, const char *s)
{
    size_t  i, len;

    if (v == NULL || v->type != NGX_SOCKERLESS_JSON_STRING) {
        return 0;
    }

    len = ngx_strlen(s);

    if (v->str.len != len) {
        return 0;
    }

    for (i = 0; i < len; i++) {
        if (ngx_tolower(v->str.data[i]) != ngx_tolower((u_char) s[i])) {
            return 0;
        }
    }

    return 1;
}


ngx_uint_t
ngx_sockerless_json_key_match(u_char *key, size_t len, const char *name)
{
    u_char   c, n;
    size_t   i;

    for (i = 0; *name; name++) {

        if (i >= len) {
            return 0;
        }

        n = ngx_tolower((u_char) *name);

        /* U+017F LATIN SMALL LETTER LONG S folds to "s" */

        if (n == 's' && len - i >= 2 && key[i] == 0xc5 && key[i + 1] == 0xbf) {
            i += 2;
            continue;
        }

        /* U+212A KELVIN SIGN folds to "k" */

        if (n == 'k' && len - i >= 3
            && key[i] == 0xe2 && key[i + 1] == 0x84 && key[i + 2] == 0xaa)
        {
            i += 3;
            continue;
        }

        c = ngx_tolower(key[i]);

        if (c != n) {
            return 0;
        }

        i++;
    }

    return i == len;
}


static int
ngx_sockerless_json_null(void *data)
{
    ngx_sockerless_json_ctx_t  *ctx = data;

    /* null leaves an earlier value, as in Go */

    ctx->want = 0;

    return 1;
}


static int
ngx_sockerless_json_scalar(void *data)
{
    ngx_sockerless_json_ctx_t  *ctx = data;

    if (ctx->want) {
        /* not a string: what was found before does not count */
        ctx->found = 0;
        ctx->want = 0;
    }

    return 1;
}


static int
ngx_sockerless_json_boolean(void *data, int v)
{
    return ngx_sockerless_json_scalar(data);
}


static int
ngx_sockerless_json_number(void *data, const char *s, size_t len)
{
    return ngx_sockerless_json_scalar(data);
}


static int
ngx_sockerless_json_str(void *data, const unsigned char *s, size_t len)
{
    ngx_sockerless_json_ctx_t  *ctx = data;

    if (!ctx->want) {
        return 1;
    }

    ctx->want = 0;
    ctx->found = 1;

    len = ngx_min(len, ctx->size);

    ngx_memcpy(ctx->buf, s, len);
    ctx->value->data = ctx->buf;
    ctx->value->len = len;

    return 1;
}


static int
ngx_sockerless_json_start_map(void *data)
{
    ngx_sockerless_json_ctx_t  *ctx = data;

    if (ctx->want && ctx->sub == NULL) {
        ngx_sockerless_json_scalar(data);
    }

    ctx->want = 0;
    ctx->depth++;

    return 1;
}


static int
ngx_sockerless_json_map_key(void *data, const unsigned char *s, size_t len)
{
    ngx_sockerless_json_ctx_t  *ctx = data;

    if (ctx->depth == 1) {
        ctx->in_key = ngx_sockerless_json_key_match((u_char *) s, len,
                                                    ctx->key);
        ctx->want = (ctx->in_key && ctx->sub == NULL);

    } else if (ctx->depth == 2 && ctx->in_key && ctx->sub) {
        ctx->want = ngx_sockerless_json_key_match((u_char *) s, len,
                                                  ctx->sub);

    } else {
        ctx->want = 0;
    }

    return 1;
}


static int
ngx_sockerless_json_end(void *data)
{
    ngx_sockerless_json_ctx_t  *ctx = data;

    ctx->want = 0;

    if (ctx->depth) {
        ctx->depth--;
    }

    return 1;
}


static int
ngx_sockerless_json_start_array(void *data)
{
    ngx_sockerless_json_ctx_t  *ctx = data;

    if (ctx->want) {
        ngx_sockerless_json_scalar(data);
    }

    ctx->depth++;

    return 1;
}


typedef struct {
    ngx_sockerless_alloc_pt    alloc;
    void                      *data;

    ngx_sockerless_jv_t       *root;
    ngx_sockerless_jv_t       *cur;       /* the open object or array */
    ngx_str_t                  key;       /* the key of the next member */

    ngx_uint_t                 depth;
    ngx_uint_t                 nomem;
    const char                *err;

    yajl_handle                handle;
    u_char                    *json;
    size_t                     len;
    size_t                     pos;       /* after the last token */

    /* the whole document was checked: its own bytes need no more checks */
    ngx_uint_t                 fast;
} ngx_sockerless_tree_t;


static ngx_sockerless_jv_t *ngx_sockerless_tree_add(ngx_sockerless_tree_t *t,
    ngx_uint_t type);
static ngx_int_t ngx_sockerless_tree_copy(ngx_sockerless_tree_t *t,
    ngx_str_t *dst, const unsigned char *s, size_t len);
static ngx_int_t ngx_sockerless_tree_unique(ngx_sockerless_tree_t *t,
    ngx_sockerless_jv_t *obj);
static ngx_sockerless_jv_t *ngx_sockerless_json_read(u_char *json,
    size_t len, ngx_sockerless_alloc_pt alloc, void *data, const char **err,
    ngx_uint_t fast);
static ngx_int_t ngx_sockerless_tree_checked(ngx_sockerless_tree_t *t,
    const unsigned char *s, size_t len, const char *nul, const char *utf8);
static size_t ngx_sockerless_json_fold(u_char *dst, u_char *src, size_t len);
static ngx_uint_t ngx_sockerless_utf8_valid(u_char *p, size_t len,
    ngx_uint_t fast);
static ngx_uint_t ngx_sockerless_json_text_valid(u_char *p, size_t len,
    ngx_uint_t fast);
static ngx_int_t ngx_sockerless_json_hex4(u_char *p);
static int ngx_sockerless_key_cmp(const void *one, const void *two);
static int ngx_sockerless_tree_null(void *data);
static int ngx_sockerless_tree_boolean(void *data, int v);
static int ngx_sockerless_tree_number(void *data, const char *s, size_t len);
static int ngx_sockerless_tree_string(void *data, const unsigned char *s,
    size_t len);
static int ngx_sockerless_tree_start_map(void *data);
static int ngx_sockerless_tree_map_key(void *data, const unsigned char *s,
    size_t len);
static int ngx_sockerless_tree_end_map(void *data);
static int ngx_sockerless_tree_start_array(void *data);
static int ngx_sockerless_tree_end_array(void *data);


static const yajl_callbacks  ngx_sockerless_tree_callbacks = {
    ngx_sockerless_tree_null,
    ngx_sockerless_tree_boolean,
    NULL,
    NULL,
    ngx_sockerless_tree_number,
    ngx_sockerless_tree_string,
    ngx_sockerless_tree_start_map,
    ngx_sockerless_tree_map_key,
    ngx_sockerless_tree_end_map,
    ngx_sockerless_tree_start_array,
    ngx_sockerless_tree_end_array
};


ngx_sockerless_jv_t *
ngx_sockerless_json_parse(u_char *json, size_t len,
    ngx_sockerless_alloc_pt alloc, void *data, const char **err)
{
    return ngx_sockerless_json_read(json, len, alloc, data, err, 1);
}


ngx_sockerless_jv_t *
ngx_sockerless_json_parse_reference(u_char *json, size_t len,
    ngx_sockerless_alloc_pt alloc, void *data, const char **err)
{
    return ngx_sockerless_json_read(json, len, alloc, data, err, 0);
}


/*
 * The document is checked whole first: no NUL, strict UTF-8, no "\v",
 * "\f" or lone surrogate escape.  "fast" takes the shortcuts that give
 * the same answers: the checks skip eight plain bytes at a time, yajl
 * does not check UTF-8 again, and a string or key that yajl hands out in
 * place (it has no escape) is not checked again either: its bytes are
 * the document's.  Only what yajl decoded from escapes is.
 */

static ngx_sockerless_jv_t *
ngx_sockerless_json_read(u_char *json, size_t len,
    ngx_sockerless_alloc_pt alloc, void *data, const char **err,
    ngx_uint_t fast)
{
    yajl_handle            h;
    yajl_status            st;
    ngx_sockerless_tree_t  t;

    ngx_memzero(&t, sizeof(ngx_sockerless_tree_t));

    t.alloc = alloc;
    t.data = data;
    t.fast = fast;

    if ((fast ? memchr(json, '\0', len) != NULL
              : ngx_strlchr(json, json + len, '\0') != NULL))
    {
        *err = "NUL byte in JSON";
        return NULL;
    }

    if (!ngx_sockerless_utf8_valid(json, len, fast)) {
        *err = "invalid UTF-8 in JSON";
        return NULL;
    }

    if (!ngx_sockerless_json_text_valid(json, len, fast)) {
        *err = "a lone surrogate escape or a \\v or \\f in JSON";
        return NULL;
    }

    h = yajl_alloc(&ngx_sockerless_tree_callbacks, NULL, &t);
    if (h == NULL) {
        *err = NULL;
        return NULL;
    }

    if (fast) {
        /* stricter than yajl's check, already made */
        yajl_config(h, yajl_dont_validate_strings, 1);
    }

    t.handle = h;
    t.json = json;
    t.len = len;

    st = yajl_parse(h, json, len);

    if (st == yajl_status_ok) {
        st = yajl_complete_parse(h);
    }

    yajl_free(h);

    if (t.nomem) {
        *err = NULL;
        return NULL;
    }

    if (st != yajl_status_ok || t.root == NULL) {
        *err = t.err ? t.err : "invalid JSON";
        return NULL;
    }

    return t.root;
}


ngx_sockerless_jv_t *
ngx_sockerless_json_get(ngx_sockerless_jv_t *obj, const char *name)
{
    ngx_sockerless_jv_t  *v;

    if (obj == NULL || obj->type != NGX_SOCKERLESS_JSON_OBJECT) {
        return NULL;
    }

    for (v = obj->child; v; v = v->next) {
        if (ngx_sockerless_json_key_match(v->key.data, v->key.len, name)) {
            return v;
        }
    }

    return NULL;
}


static ngx_sockerless_jv_t *
ngx_sockerless_tree_add(ngx_sockerless_tree_t *t, ngx_uint_t type)
{
    ngx_sockerless_jv_t  *v, *parent;

    v = t->alloc(t->data, sizeof(ngx_sockerless_jv_t));
    if (v == NULL) {
        t->nomem = 1;
        return NULL;
    }

    ngx_memzero(v, sizeof(ngx_sockerless_jv_t));

    v->type = type;

    /* the value starts after the separators that follow the last token */

    v->end = yajl_get_bytes_consumed(t->handle);

    for (v->off = t->pos; v->off < v->end; v->off++) {
        switch (t->json[v->off]) {
        case ' ': case '\t': case '\r': case '\n': case ':': case ',':
            continue;
        }

        break;
    }

    t->pos = v->end;

    parent = t->cur;

    if (parent == NULL) {
        if (t->root) {
            t->err = "trailing data after JSON";
            return NULL;
        }

        t->root = v;
        return v;
    }

    if (parent->type == NGX_SOCKERLESS_JSON_OBJECT) {
        v->key = t->key;
        ngx_str_null(&t->key);
    }

    v->parent = parent;

    if (parent->last) {
        parent->last->next = v;

    } else {
        parent->child = v;
    }

    parent->last = v;
    parent->n++;

    return v;
}


static ngx_int_t
ngx_sockerless_tree_copy(ngx_sockerless_tree_t *t, ngx_str_t *dst,
    const unsigned char *s, size_t len)
{
    dst->data = t->alloc(t->data, len + 1);
    if (dst->data == NULL) {
        t->nomem = 1;
        return NGX_ERROR;
    }

    ngx_memcpy(dst->data, s, len);
    dst->data[len] = '\0';
    dst->len = len;

    return NGX_OK;
}


/*
 * What yajl decoded from escapes may hold a NUL ("\u0000") or a lone
 * surrogate as bytes that are no UTF-8; bytes of the document itself were
 * checked with it.
 */

static ngx_int_t
ngx_sockerless_tree_checked(ngx_sockerless_tree_t *t, const unsigned char *s,
    size_t len, const char *nul, const char *utf8)
{
    u_char  *p;

    p = (u_char *) s;

    if (t->fast && p >= t->json && p + len <= t->json + t->len) {
        return NGX_OK;
    }

    if (ngx_strlchr(p, p + len, '\0')) {
        t->err = nul;
        return NGX_ERROR;
    }

    if (!ngx_sockerless_utf8_valid(p, len, t->fast)) {
        t->err = utf8;
        return NGX_ERROR;
    }

    return NGX_OK;
}


static int
ngx_sockerless_tree_null(void *data)
{
    return ngx_sockerless_tree_add(data, NGX_SOCKERLESS_JSON_NULL) != NULL;
}


static int
ngx_sockerless_tree_boolean(void *data, int b)
{
    return ngx_sockerless_tree_add(data, b ? NGX_SOCKERLESS_JSON_TRUE
                                           : NGX_SOCKERLESS_JSON_FALSE)
           != NULL;
}


static int
ngx_sockerless_tree_number(void *data, const char *s, size_t len)
{
    ngx_sockerless_tree_t  *t = data;

    ngx_sockerless_jv_t  *v;

    v = ngx_sockerless_tree_add(t, NGX_SOCKERLESS_JSON_NUMBER);
    if (v == NULL) {
        return 0;
    }

    return ngx_sockerless_tree_copy(t, &v->str, (u_char *) s, len) == NGX_OK;
}


static int
ngx_sockerless_tree_string(void *data, const unsigned char *s, size_t len)
{
    ngx_sockerless_tree_t  *t = data;

    ngx_sockerless_jv_t  *v;

    if (ngx_sockerless_tree_checked(t, s, len,
                                    "NUL character in a JSON string",
                                    "an escaped surrogate in a JSON string")
        != NGX_OK)
    {
        return 0;
    }

    v = ngx_sockerless_tree_add(t, NGX_SOCKERLESS_JSON_STRING);
    if (v == NULL) {
        return 0;
    }

    return ngx_sockerless_tree_copy(t, &v->str, s, len) == NGX_OK;
}


static int
ngx_sockerless_tree_start_map(void *data)
{
    ngx_sockerless_tree_t  *t = data;

    ngx_sockerless_jv_t  *v;

    if (++t->depth > NGX_SOCKERLESS_JSON_DEPTH) {
        t->err = "JSON nested too deeply";
        return 0;
    }

    v = ngx_sockerless_tree_add(t, NGX_SOCKERLESS_JSON_OBJECT);
    if (v == NULL) {
        return 0;
    }

    t->cur = v;

    return 1;
}


static int
ngx_sockerless_tree_map_key(void *data, const unsigned char *s, size_t len)
{
    ngx_sockerless_tree_t  *t = data;

    if (ngx_sockerless_tree_checked(t, s, len, "NUL character in a JSON key",
                                    "an escaped surrogate in a JSON key")
        != NGX_OK)
    {
        return 0;
    }

    t->pos = yajl_get_bytes_consumed(t->handle);

    return ngx_sockerless_tree_copy(t, &t->key, s, len) == NGX_OK;
}


static int
ngx_sockerless_tree_end_map(void *data)
{
    ngx_sockerless_tree_t  *t = data;

    ngx_sockerless_jv_t  *obj;

    obj = t->cur;

    if (ngx_sockerless_tree_unique(t, obj) != NGX_OK) {
        return 0;
    }

    t->pos = yajl_get_bytes_consumed(t->handle);
    obj->end = t->pos;

    t->cur = obj->parent;
    t->depth--;

    return 1;
}


static int
ngx_sockerless_tree_start_array(void *data)
{
    ngx_sockerless_tree_t  *t = data;

    ngx_sockerless_jv_t  *v;

    if (++t->depth > NGX_SOCKERLESS_JSON_DEPTH) {
        t->err = "JSON nested too deeply";
        return 0;
    }

    v = ngx_sockerless_tree_add(t, NGX_SOCKERLESS_JSON_ARRAY);
    if (v == NULL) {
        return 0;
    }

    t->cur = v;

    return 1;
}


static int
ngx_sockerless_tree_end_array(void *data)
{
    ngx_sockerless_tree_t  *t = data;

    t->pos = yajl_get_bytes_consumed(t->handle);
    t->cur->end = t->pos;

    t->cur = t->cur->parent;
    t->depth--;

    return 1;
}


/*
 * Keys of an object, folded as Go folds them, must all differ: Go lets the
 * last of two matching keys win where another reader may take the first.
 */

static ngx_int_t
ngx_sockerless_tree_unique(ngx_sockerless_tree_t *t, ngx_sockerless_jv_t *obj)
{
    ngx_str_t            *keys;
    ngx_uint_t            i;
    ngx_sockerless_jv_t  *v;

    if (obj->n < 2) {
        return NGX_OK;
    }

    keys = t->alloc(t->data, obj->n * sizeof(ngx_str_t));
    if (keys == NULL) {
        t->nomem = 1;
        return NGX_ERROR;
    }

    for (i = 0, v = obj->child; v; v = v->next, i++) {
        keys[i].data = t->alloc(t->data, v->key.len + 1);
        if (keys[i].data == NULL) {
            t->nomem = 1;
            return NGX_ERROR;
        }

        keys[i].len = ngx_sockerless_json_fold(keys[i].data, v->key.data,
                                               v->key.len);
    }

    qsort(keys, obj->n, sizeof(ngx_str_t), ngx_sockerless_key_cmp);

    for (i = 1; i < obj->n; i++) {
        if (ngx_sockerless_key_cmp(&keys[i - 1], &keys[i]) == 0) {
            t->err = "duplicate key in a JSON object";
            return NGX_ERROR;
        }
    }

    return NGX_OK;
}


static size_t
ngx_sockerless_json_fold(u_char *dst, u_char *src, size_t len)
{
    u_char  *d, *last;

    d = dst;
    last = src + len;

    while (src < last) {

        if (last - src >= 2 && src[0] == 0xc5 && src[1] == 0xbf) {
            *d++ = 's';
            src += 2;
            continue;
        }

        if (last - src >= 3
            && src[0] == 0xe2 && src[1] == 0x84 && src[2] == 0xaa)
        {
            *d++ = 'k';
            src += 3;
            continue;
        }

        *d++ = ngx_tolower(*src);
        src++;
    }

    return d - dst;
}


static int
ngx_sockerless_key_cmp(const void *one, const void *two)
{
    ngx_str_t  *a = (ngx_str_t *) one;
    ngx_str_t  *b = (ngx_str_t *) two;

    int  rc;

    rc = ngx_memcmp(a->data, b->data, ngx_min(a->len, b->len));

    if (rc) {
        return rc;
    }

    return (a->len > b->len) - (a->len < b->len);
}


/*
 * Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above
 * U+10FFFF.  Go replaces such bytes with U+FFFD where another reader may
 * keep them: refused.
 */

static ngx_uint_t
ngx_sockerless_utf8_valid(u_char *p, size_t len, ngx_uint_t fast)
{
    u_char    c;
    u_char   *last;
    uint64_t  w[4];
    uint32_t  u, min;
    size_t    n, i;

    last = p + len;

    while (p < last) {

        /* ASCII 32 bytes at a time, then 8 */

        if (fast) {
            while (last - p >= 32) {
                ngx_memcpy(w, p, 32);

                if ((w[0] | w[1] | w[2] | w[3]) & 0x8080808080808080ULL) {
                    break;
                }

                p += 32;
            }

            while (last - p >= 8) {
                ngx_memcpy(w, p, 8);

                if (w[0] & 0x8080808080808080ULL) {
                    break;
                }

                p += 8;
            }

            if (p == last) {
                break;
            }
        }

        c = *p++;

        if (c < 0x80) {
            continue;
        }

        if (c >= 0xc2 && c <= 0xdf) {
            n = 1;
            u = c & 0x1f;
            min = 0x80;

        } else if (c >= 0xe0 && c <= 0xef) {
            n = 2;
            u = c & 0x0f;
            min = 0x800;

        } else if (c >= 0xf0 && c <= 0xf4) {
            n = 3;
            u = c & 0x07;
            min = 0x10000;

        } else {
            return 0;
        }

        if ((size_t) (last - p) < n) {
            return 0;
        }

        for (i = 0; i < n; i++) {
            if ((p[i] & 0xc0) != 0x80) {
                return 0;
            }

            u = (u << 6) | (p[i] & 0x3f);
        }

        p += n;

        if (u < min || u > 0x10ffff || (u >= 0xd800 && u <= 0xdfff)) {
            return 0;
        }
    }

    return 1;
}


/*
 * What yajl lets through and Go does not read the same way: "\v" and
 * "\f" as whitespace (Go refuses them), and a "\uD800"-"\uDFFF" escape
 * that is not a proper pair (Go reads U+FFFD).
 */

static ngx_uint_t
ngx_sockerless_json_text_valid(u_char *p, size_t len, ngx_uint_t fast)
{
    u_char     *last, *q, *end;
    ngx_int_t   u, lo;

    last = p + len;

    for ( /* void */ ; p < last; p++) {

        /*
         * only "\v", "\f" and "\\" change anything below: up to the next
         * "\\", any "\v" or "\f" is refused
         */

        if (fast) {
            q = memchr(p, '\\', last - p);
            end = q ? q : last;

            if (memchr(p, '\v', end - p) || memchr(p, '\f', end - p)) {
                return 0;
            }

            if (q == NULL) {
                break;
            }

            p = q;
        }

        if (*p == '\v' || *p == '\f') {
            return 0;
        }

        if (*p != '\\') {
            continue;
        }

        if (last - p < 2) {
            return 1;
        }

        if (p[1] != 'u') {
            p++;
            continue;
        }

        if (last - p < 6) {
            return 1;
        }

        u = ngx_sockerless_json_hex4(p + 2);
        p += 5;

        if (u < 0xd800 || u > 0xdfff) {
            continue;
        }

        if (u > 0xdbff || last - p < 7 || p[1] != '\\' || p[2] != 'u') {
            return 0;
        }

        lo = ngx_sockerless_json_hex4(p + 3);

        if (lo < 0xdc00 || lo > 0xdfff) {
            return 0;
        }

        p += 6;
    }

    return 1;
}


static ngx_int_t
ngx_sockerless_json_hex4(u_char *p)
{
    u_char      c;
    ngx_int_t   n;
    ngx_uint_t  i;

    n = 0;

    for (i = 0; i < 4; i++) {
        c = p[i];

        if (c >= '0' && c <= '9') {
            n = n * 16 + (c - '0');

        } else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f') {
            n = n * 16 + ((c | 0x20) - 'a' + 10);

        } else {
            return -1;
        }
    }

    return n;
}
