
/*
 * Copyright (C) ngx_sockerless developers
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include "ngx_sockerless_query.h"
#include "ngx_sockerless_route.h"


static ngx_int_t ngx_sockerless_query_decode(u_char *p, u_char *last,
    u_char *dst, size_t *len);


ngx_int_t
ngx_sockerless_query_get(ngx_str_t *args, const char *name,
    ngx_str_t *value, ngx_sockerless_alloc_pt alloc, void *data)
{
    u_char  *p, *last, *end, *eq, *key;
    size_t   len, n, klen;

    value->len = 0;
    value->data = NULL;

    if (args->len == 0) {
        return NGX_DECLINED;
    }

    if (ngx_sockerless_query_valid(args) != NGX_OK) {
        return NGX_ERROR;
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

        /* a decoded name is never longer than its escaped form */

        if ((size_t) (eq - p) >= len) {
            key = alloc(data, (eq - p) + 1);
            if (key == NULL) {
                return NGX_ERROR;
            }

            (void) ngx_sockerless_query_decode(p, eq, key, &klen);

            if (klen == len && ngx_memcmp(key, name, len) == 0) {
                n = (eq < end) ? (size_t) (end - eq - 1) : 0;

                value->data = alloc(data, n + 1);
                if (value->data == NULL) {
                    return NGX_ERROR;
                }

                if (n) {
                    (void) ngx_sockerless_query_decode(eq + 1, end,
                                                       value->data,
                                                       &value->len);
                }

                value->data[value->len] = '\0';

                return NGX_OK;
            }
        }

        p = end + 1;
    }

    return NGX_DECLINED;
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

