
/*
 * Copyright (C) ngx_sockerless developers
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include "ngx_sockerless_path.h"


ngx_uint_t
ngx_sockerless_glob(u_char *pattern, size_t plen, u_char *s, size_t len)
{
    size_t  pi, si, star, mark;

    pi = 0;
    si = 0;
    star = (size_t) -1;
    mark = 0;

    while (si < len) {

        if (pi < plen && pattern[pi] == '*') {
            star = pi++;
            mark = si;
            continue;
        }

        if (pi < plen && pattern[pi] == s[si]) {
            pi++;
            si++;
            continue;
        }

        if (star != (size_t) -1) {
            pi = star + 1;
            si = ++mark;
            continue;
        }

        return 0;
    }

    while (pi < plen && pattern[pi] == '*') {
        pi++;
    }

    return pi == plen;
}


size_t
ngx_sockerless_path_clean(u_char *path, size_t len, u_char *buf)
{
    u_char  *p, *last, *d, *seg;
    size_t   n;

    if (len == 0 || path[0] != '/') {
        return 0;
    }

    last = path + len;
    d = buf;
    *d++ = '/';
    p = path;

    while (p < last) {

        while (p < last && *p == '/') {
            p++;
        }

        seg = p;

        while (p < last && *p != '/') {
            p++;
        }

        n = p - seg;

        if (n == 0 || (n == 1 && seg[0] == '.')) {
            continue;
        }

        if (n == 2 && seg[0] == '.' && seg[1] == '.') {
            /* up one, never above the root */

            while (d > buf + 1 && d[-1] != '/') {
                d--;
            }

            if (d > buf + 1) {
                d--;
            }

            continue;
        }

        if (d > buf + 1) {
            *d++ = '/';
        }

        d = ngx_cpymem(d, seg, n);
    }

    return d - buf;
}


ngx_uint_t
ngx_sockerless_path_under(ngx_str_t *base, ngx_str_t *path)
{
    if (base->len == 1 && base->data[0] == '/') {
        return 1;
    }

    if (path->len < base->len
        || ngx_memcmp(path->data, base->data, base->len) != 0)
    {
        return 0;
    }

    return path->len == base->len || path->data[base->len] == '/';
}
