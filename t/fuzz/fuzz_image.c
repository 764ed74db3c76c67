
/*
 * Copyright (C) ngx_sockerless developers
 */


/*
 * libFuzzer target of the image reference split (ngx_sockerless_image.c).
 *
 * The input is an image reference, split in a buffer of exact size.
 * Besides what the sanitizers catch, it checks that the parts point into
 * the reference (the tag may be the static "latest"), that they put
 * together give the reference back, and that the split fails exactly for
 * an empty name, tag or digest.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include "ngx_sockerless_image.h"


#define fuzz_assert(cond)                                                     \
    if (!(cond)) {                                                            \
        fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #cond);           \
        abort();                                                              \
    }


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    u_char     *ref, *at, *end, *colon, *p;
    ngx_int_t   rc, want;
    ngx_str_t   name, tag;

    ref = malloc(size ? size : 1);
    fuzz_assert(ref != NULL);

    ngx_memcpy(ref, data, size);

    name.len = 12345;
    name.data = NULL;
    tag = name;

    rc = ngx_sockerless_image_split(ref, size, &name, &tag);

    fuzz_assert(rc == NGX_OK || rc == NGX_ERROR);

    /* the reference split: first "@", then the last ":" after the last "/" */

    at = memchr(ref, '@', size);
    end = at ? at : ref + size;

    colon = NULL;

    for (p = ref; p < end; p++) {
        if (*p == '/') {
            colon = NULL;

        } else if (*p == ':') {
            colon = p;
        }
    }

    want = NGX_OK;

    if ((colon ? colon : end) == ref) {
        want = NGX_ERROR;                       /* no name */
    }

    if (at && at + 1 == ref + size) {
        want = NGX_ERROR;                       /* an empty digest */
    }

    if (at == NULL && colon && colon + 1 == end) {
        want = NGX_ERROR;                       /* an empty tag */
    }

    fuzz_assert(rc == want);

    if (rc != NGX_OK) {
        free(ref);
        return 0;
    }

    /* the name: the start of the reference, with no tag in it */

    fuzz_assert(name.data == ref);
    fuzz_assert(name.len > 0 && name.len <= size);
    fuzz_assert(memchr(name.data, '@', name.len) == NULL);

    fuzz_assert(tag.len > 0);

    if (at) {
        /* name [":" tag] "@" digest: the digest is all after the "@" */

        fuzz_assert(tag.data == at + 1);
        fuzz_assert(tag.data + tag.len == ref + size);
        fuzz_assert(name.data + name.len == at
                    || name.data[name.len] == ':');

    } else if (name.len == size) {
        /* no tag: "latest", not in the reference */

        fuzz_assert(tag.len == 6 && ngx_memcmp(tag.data, "latest", 6) == 0);
        fuzz_assert(tag.data < ref || tag.data >= ref + size);

    } else {
        /* name ":" tag */

        fuzz_assert(name.data[name.len] == ':');
        fuzz_assert(tag.data == name.data + name.len + 1);
        fuzz_assert(tag.data + tag.len == ref + size);

        /* the tag is after the last ":", with no "/" after it */

        fuzz_assert(memchr(tag.data, ':', tag.len) == NULL);
        fuzz_assert(memchr(tag.data, '/', tag.len) == NULL);
    }

    free(ref);

    return 0;
}
