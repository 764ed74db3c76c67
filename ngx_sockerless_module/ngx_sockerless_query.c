
/*
 * Copyright (C) ngx_sockerless developers
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include "ngx_sockerless_query.h"
#include "ngx_sockerless_route.h"


static ngx_int_t ngx_sockerless_query_decode(u_char *p, u_char *last,
    u_char *dst, size_t *len);
static size_t ngx_sockerless_query_escape(u_char *dst, u_char *src,
    size_t len);
static u_char *ngx_sockerless_query_labels(u_char *p, ngx_str_t *labels,
    ngx_uint_t n, ngx_uint_t map);
static ngx_int_t ngx_sockerless_query_find(ngx_str_t *args, const char *name,
    u_char **start, u_char **stop, ngx_sockerless_alloc_pt alloc,
    void *data);


static u_char     ngx_sockerless_query_digits[] = "0123456789ABCDEF";
static ngx_str_t  ngx_sockerless_query_none = ngx_string("");


ngx_int_t
ngx_sockerless_query_get(ngx_str_t *args, const char *name,
    ngx_str_t *value, ngx_sockerless_alloc_pt alloc, void *data)
{
    u_char     *start, *stop, *eq;
    ngx_int_t   rc;

    value->len = 0;
    value->data = NULL;

    if (args->len == 0) {
        return NGX_DECLINED;
    }

    if (ngx_sockerless_query_valid(args) != NGX_OK) {
        return NGX_ERROR;
    }

    rc = ngx_sockerless_query_find(args, name, &start, &stop, alloc, data);
    if (rc != NGX_OK) {
        return rc;
    }

    eq = ngx_strlchr(start, stop, '=');

    /* a decoded value is never longer than its escaped form */

    value->data = alloc(data, (stop - start) + 1);
    if (value->data == NULL) {
        return NGX_ERROR;
    }

    if (eq) {
        (void) ngx_sockerless_query_decode(eq + 1, stop, value->data,
                                           &value->len);
    }

    value->data[value->len] = '\0';

    return NGX_OK;
}


ngx_int_t
ngx_sockerless_query_valid(ngx_str_t *args)
{
    u_char  *p, *last;

    if (args->len == 0) {
        return NGX_OK;
    }

    p = args->data;
    last = p + args->len;

    for ( /* void */ ; p < last; p++) {

        if (*p == ';') {
            return NGX_ERROR;
        }

        if (*p != '%') {
            continue;
        }

        if (last - p < 3
            || ngx_sockerless_hex(p[1]) < 0
            || ngx_sockerless_hex(p[2]) < 0)
        {
            return NGX_ERROR;
        }

        p += 2;
    }

    return NGX_OK;
}


/* [p, last) decoded into "dst"; the escapes are valid */

static ngx_int_t
ngx_sockerless_query_decode(u_char *p, u_char *last, u_char *dst,
    size_t *len)
{
    u_char  *d;

    d = dst;

    while (p < last) {

        if (*p == '+') {
            *d++ = ' ';
            p++;
            continue;
        }

        if (*p != '%') {
            *d++ = *p++;
            continue;
        }

        *d++ = (u_char) (ngx_sockerless_hex(p[1]) * 16
                         + ngx_sockerless_hex(p[2]));
        p += 3;
    }

    *len = d - dst;

    return NGX_OK;
}



ngx_int_t
ngx_sockerless_query_filters(ngx_str_t *args, ngx_str_t *labels,
    ngx_uint_t n, ngx_str_t *out, const char **reason,
    ngx_sockerless_alloc_pt alloc, void *data)
{
    u_char                 *p, *last, *eq, *start, *stop;
    size_t                  len, size;
    ngx_int_t               rc;
    ngx_str_t               value, json;
    ngx_uint_t              i, map;
    const char             *err;
    ngx_sockerless_jv_t    *root, *label, *m;
    ngx_sockerless_edit_t   edit;

    *reason = NULL;

    if (args->data == NULL) {
        args = &ngx_sockerless_query_none;
    }

    if (ngx_sockerless_query_valid(args) != NGX_OK) {
        *reason = "the query string is malformed";
        return NGX_DECLINED;
    }

    /* the first "filters" parameter, the one FormValue() reads */

    ngx_str_null(&value);

    last = args->data + args->len;

    rc = ngx_sockerless_query_find(args, "filters", &start, &stop, alloc,
                                   data);
    if (rc == NGX_ERROR) {
        return NGX_ERROR;
    }

    if (rc == NGX_OK) {
        eq = ngx_strlchr(start, stop, '=');

        value.data = alloc(data, (stop - start) + 1);
        if (value.data == NULL) {
            return NGX_ERROR;
        }

        if (eq) {
            (void) ngx_sockerless_query_decode(eq + 1, stop, value.data,
                                               &value.len);
        }

    } else {
        start = NULL;
        stop = NULL;
    }

    /* the filters as they will be: the client's with the labels added */

    size = sizeof("{\"label\":[]},");

    for (i = 0; i < n; i++) {
        size += ngx_sockerless_json_escape(NULL, labels[i].data,
                                           labels[i].len)
                + sizeof("\"\":true,");
    }

    edit.text.data = alloc(data, size);
    if (edit.text.data == NULL) {
        return NGX_ERROR;
    }

    root = NULL;

    if (value.len && !(value.len == 4 && ngx_memcmp(value.data, "null", 4)
                                         == 0))
    {
        root = ngx_sockerless_json_parse(value.data, value.len, alloc, data,
                                         &err);
        if (root == NULL) {
            if (err == NULL) {
                return NGX_ERROR;
            }

            *reason = "filters is not JSON";
            return NGX_DECLINED;
        }

        if (root->type != NGX_SOCKERLESS_JSON_OBJECT) {
            *reason = "filters is not a JSON object";
            return NGX_DECLINED;
        }
    }

    label = NULL;
    map = 0;

    for (m = root ? root->child : NULL; m; m = m->next) {

        if (m->type != NGX_SOCKERLESS_JSON_ARRAY
            && m->type != NGX_SOCKERLESS_JSON_OBJECT)
        {
            *reason = "a filter is neither a list nor a map";
            return NGX_DECLINED;
        }

        map = (m->type == NGX_SOCKERLESS_JSON_OBJECT);

        /* dockerd's filter names are map keys: compared exactly */

        if (m->key.len == 5 && ngx_memcmp(m->key.data, "label", 5) == 0) {
            label = m;
        }
    }

    if (label) {
        /* after the opening "[" or "{" of the client's label filters */

        map = (label->type == NGX_SOCKERLESS_JSON_OBJECT);

        edit.off = label->off + 1;
        edit.end = edit.off;

        p = ngx_sockerless_query_labels(edit.text.data, labels, n, map);

        if (label->n) {
            *p++ = ',';
        }

    } else if (root) {
        edit.off = root->off + 1;
        edit.end = edit.off;

        p = ngx_cpymem(edit.text.data, "\"label\":", 8);
        *p++ = map ? '{' : '[';
        p = ngx_sockerless_query_labels(p, labels, n, map);
        *p++ = map ? '}' : ']';

        if (root->n) {
            *p++ = ',';
        }

    } else {
        edit.off = 0;
        edit.end = value.len;

        p = ngx_cpymem(edit.text.data, "{\"label\":[", 10);
        p = ngx_sockerless_query_labels(p, labels, n, 0);
        p = ngx_cpymem(p, "]}", 2);
    }

    edit.text.len = p - edit.text.data;

    if (ngx_sockerless_json_edit(&value, &edit, 1, &json, alloc, data)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    /* the query with "filters=<json>" in the place of the client's */

    len = ngx_sockerless_query_escape(NULL, json.data, json.len);

    if (start == NULL) {
        start = last;
        stop = last;
    }

    out->data = alloc(data, args->len + sizeof("&filters=") + len);
    if (out->data == NULL) {
        return NGX_ERROR;
    }

    p = ngx_cpymem(out->data, args->data, start - args->data);

    if (start == last && args->len) {
        *p++ = '&';
    }

    p = ngx_cpymem(p, "filters=", 8);
    p += ngx_sockerless_query_escape(p, json.data, json.len);
    p = ngx_cpymem(p, stop, last - stop);

    out->len = p - out->data;

    return NGX_OK;
}


/* the labels as JSON strings, or as map keys that are true */

static u_char *
ngx_sockerless_query_labels(u_char *p, ngx_str_t *labels, ngx_uint_t n,
    ngx_uint_t map)
{
    ngx_uint_t  i;

    for (i = 0; i < n; i++) {
        if (i) {
            *p++ = ',';
        }

        *p++ = '"';
        p += ngx_sockerless_json_escape(p, labels[i].data, labels[i].len);
        *p++ = '"';

        if (map) {
            p = ngx_cpymem(p, ":true", 5);
        }
    }

    return p;
}


/* what url.QueryEscape leaves alone is left alone, the rest is %XX */

static size_t
ngx_sockerless_query_escape(u_char *dst, u_char *src, size_t len)
{
    u_char  c, *d;
    size_t  i, n;

    n = 0;
    d = dst;

    for (i = 0; i < len; i++) {
        c = src[i];

        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
            || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'
            || c == '~')
        {
            n++;

            if (d) {
                *d++ = c;
            }

            continue;
        }

        n += 3;

        if (d) {
            *d++ = '%';
            *d++ = ngx_sockerless_query_digits[c >> 4];
            *d++ = ngx_sockerless_query_digits[c & 0xf];
        }
    }

    return n;
}


ngx_int_t
ngx_sockerless_query_set(ngx_str_t *args, const char *name, ngx_str_t *value,
    ngx_str_t *out, ngx_sockerless_alloc_pt alloc, void *data)
{
    u_char     *p, *start, *stop, *last;
    size_t      len;
    ngx_int_t   rc;

    if (args->data == NULL) {
        args = &ngx_sockerless_query_none;
    }

    rc = ngx_sockerless_query_find(args, name, &start, &stop, alloc, data);
    if (rc == NGX_ERROR) {
        return NGX_ERROR;
    }

    last = args->data + args->len;

    if (rc == NGX_DECLINED) {
        start = last;
        stop = last;
    }

    len = ngx_strlen(name);

    out->data = alloc(data, args->len + len + 2
                            + ngx_sockerless_query_escape(NULL, value->data,
                                                          value->len));
    if (out->data == NULL) {
        return NGX_ERROR;
    }

    p = ngx_cpymem(out->data, args->data, start - args->data);

    if (start == last && args->len) {
        *p++ = '&';
    }

    p = ngx_cpymem(p, name, len);
    *p++ = '=';
    p += ngx_sockerless_query_escape(p, value->data, value->len);
    p = ngx_cpymem(p, stop, last - stop);

    out->len = p - out->data;

    return NGX_OK;
}


/* where the first parameter "name" is: [start, stop) */

static ngx_int_t
ngx_sockerless_query_find(ngx_str_t *args, const char *name, u_char **start,
    u_char **stop, ngx_sockerless_alloc_pt alloc, void *data)
{
    u_char  *p, *last, *end, *eq, *key;
    size_t   len, klen;

    if (args->len == 0) {
        return NGX_DECLINED;
    }

    len = ngx_strlen(name);

    p = args->data;
    last = p + args->len;

    while (p < last) {
        end = ngx_strlchr(p, last, '&');
        if (end == NULL) {
            end = last;
        }

        eq = ngx_strlchr(p, end, '=');
        if (eq == NULL) {
            eq = end;
        }

        key = alloc(data, (eq - p) + 1);
        if (key == NULL) {
            return NGX_ERROR;
        }

        (void) ngx_sockerless_query_decode(p, eq, key, &klen);

        if (klen == len && ngx_memcmp(key, name, len) == 0) {
            *start = p;
            *stop = end;
            return NGX_OK;
        }

        p = end + 1;
    }

    return NGX_DECLINED;
}
