
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
