
/*
 * Copyright (C) ngx_sockerless developers
 */


#include <ngx_config.h>
#include <ngx_core.h>

#include "ngx_sockerless_image.h"


ngx_int_t
ngx_sockerless_image_split(u_char *ref, size_t len, ngx_str_t *name,
    ngx_str_t *tag)
{
    u_char  *p, *last, *at, *colon;

    last = ref + len;

    at = ngx_strlchr(ref, last, '@');

    if (at) {
        /* a digest: "name@sha256:..." (a tag before it is dropped) */

        if (at + 1 == last) {
            return NGX_ERROR;
        }

        tag->data = at + 1;
        tag->len = last - (at + 1);
        last = at;
    }

    /* a tag is after the last ":" that follows the last "/" */

    colon = NULL;

    for (p = ref; p < last; p++) {
        if (*p == '/') {
            colon = NULL;

        } else if (*p == ':') {
            colon = p;
        }
    }

    name->data = ref;
    name->len = (colon ? colon : last) - ref;

    if (name->len == 0) {
        return NGX_ERROR;
    }

    if (at) {
        return NGX_OK;
    }

    if (colon) {
        if (colon + 1 == last) {
            return NGX_ERROR;
        }

        tag->data = colon + 1;
        tag->len = last - (colon + 1);

        return NGX_OK;
    }

    ngx_str_set(tag, "latest");

    return NGX_OK;
}


size_t
ngx_sockerless_image_normalize(u_char *ref, size_t len, u_char *buf)
{
    u_char      *p, *last, *slash, *name, *rest;
    ngx_uint_t   hex, domain, tagged;

    last = ref + len;

    if (len == 0) {
        return 0;
    }

    if (len > 7 && ngx_strncmp(ref, "sha256:", 7) == 0) {
        return 0;
    }

    /* a bare hexadecimal string may be an image ID prefix */

    hex = 1;

    for (p = ref; p < last; p++) {
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f'))) {
            hex = 0;
            break;
        }
    }

    if (hex) {
        return 0;
    }

    slash = ngx_strlchr(ref, last, '/');

    domain = 0;

    if (slash) {
        for (p = ref; p < slash; p++) {
            if (*p == '.' || *p == ':') {
                domain = 1;
                break;
            }
        }

        if (slash - ref == 9 && ngx_strncmp(ref, "localhost", 9) == 0) {
            domain = 1;
        }

        /* newer references take a first part with capitals as a host */

        for (p = ref; p < slash; p++) {
            if (*p >= 'A' && *p <= 'Z') {
                domain = 1;
                break;
            }
        }
    }

    p = buf;

    if (domain) {
        name = slash + 1;

        if (slash - ref == 15 && ngx_strncmp(ref, "index.docker.io", 15) == 0)
        {
            p = ngx_cpymem(p, "docker.io", 9);

        } else {
            p = ngx_cpymem(p, ref, slash - ref);
        }

        *p++ = '/';

        if (p - buf == 10 && ngx_strncmp(buf, "docker.io/", 10) == 0
            && ngx_strlchr(name, last, '/') == NULL)
        {
            p = ngx_cpymem(p, "library/", 8);
        }

    } else {
        name = ref;
        p = ngx_cpymem(p, "docker.io/", 10);

        if (slash == NULL) {
            p = ngx_cpymem(p, "library/", 8);
        }
    }

    if (name == last) {
        return 0;
    }

    p = ngx_cpymem(p, name, last - name);

    /* ":latest" when there is neither a tag nor a digest */

    rest = ngx_strlchr(name, last, '@');
    tagged = (rest != NULL);

    if (!tagged) {
        slash = NULL;

        for (rest = name; rest < last; rest++) {
            if (*rest == '/') {
                slash = rest;
            }
        }

        rest = ngx_strlchr(slash ? slash : name, last, ':');
        tagged = (rest != NULL);
    }

    if (!tagged) {
        p = ngx_cpymem(p, ":latest", 7);
    }

    return p - buf;
}
