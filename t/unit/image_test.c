
/*
 * Copyright (C) ngx_sockerless developers
 */


/*
 * Unit tests of the image reference split (ngx_sockerless_image.c), in
 * TAP.
 *
 *     image_test
 *
 * "fromImage" and "tag" as the docker CLI sends them to
 * POST /images/create: the name without tag or digest, and the digest
 * when there is one, else the tag, else "latest".  Every reference is
 * copied into a buffer of exactly its size, so that the sanitizers see any
 * overrun, and the results must point into it (or be the static "latest").
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include "ngx_sockerless_image.h"

#include "tap.h"


#define T_DIGEST  "sha256:" \
    "b5cfd4befc119a590ca1a81d6bb0fa1fb19f1fbebd0397f25fae164abe1e8a6a"


typedef struct {
    char                   *ref;
    size_t                  len;         /* 0: strlen(ref) */
    ngx_int_t               rc;
    char                   *name;
    char                   *tag;
    char                   *what;
} t_image_case_t;


static void t_split(void);
static void t_prefixes(void);


static t_image_case_t  t_image_cases[] = {

    /* names and tags */

    { "busybox", 0, NGX_OK, "busybox", "latest", "no tag: latest" },
    { "busybox:1.36", 0, NGX_OK, "busybox", "1.36", "a tag" },
    { "busybox:latest", 0, NGX_OK, "busybox", "latest", "tag latest" },
    { "library/busybox:1", 0, NGX_OK, "library/busybox", "1",
      "a namespace" },
    { "docker.io/library/busybox:1.36", 0, NGX_OK,
      "docker.io/library/busybox", "1.36", "docker.io" },
    { "127.0.0.1:5000/team/app:1", 0, NGX_OK, "127.0.0.1:5000/team/app",
      "1", "a registry with a port, a tag" },
    { "127.0.0.1:5000/team/app", 0, NGX_OK, "127.0.0.1:5000/team/app",
      "latest", "a registry with a port, no tag" },
    { "localhost:5000/app", 0, NGX_OK, "localhost:5000/app", "latest",
      "localhost:5000, no tag" },
    { "localhost:5000/app:v2", 0, NGX_OK, "localhost:5000/app", "v2",
      "localhost:5000, a tag" },
    { "localhost/app:v2", 0, NGX_OK, "localhost/app", "v2",
      "localhost, a tag" },
    { "[::1]:5000/app:v2", 0, NGX_OK, "[::1]:5000/app", "v2",
      "an IPv6 registry, a tag" },
    { "[::1]:5000/app", 0, NGX_OK, "[::1]:5000/app", "latest",
      "an IPv6 registry, no tag" },
    { "localhost:5000", 0, NGX_OK, "localhost", "5000",
      "localhost:5000 alone is the name localhost, tag 5000" },
    { "a/b/c/d:e_f.g-h", 0, NGX_OK, "a/b/c/d", "e_f.g-h",
      "a deep path, a tag with _ . -" },

    /* digests */

    { "busybox@" T_DIGEST, 0, NGX_OK, "busybox", T_DIGEST, "a digest" },
    { "busybox:1.36@" T_DIGEST, 0, NGX_OK, "busybox", T_DIGEST,
      "a tag and a digest: the digest" },
    { "127.0.0.1:5000/sockerless/test@" T_DIGEST, 0, NGX_OK,
      "127.0.0.1:5000/sockerless/test", T_DIGEST,
      "a registry with a port, a digest" },
    { "localhost:5000/app:v2@" T_DIGEST, 0, NGX_OK, "localhost:5000/app",
      T_DIGEST, "a registry with a port, a tag and a digest" },
    { "localhost:5000/app@" T_DIGEST, 0, NGX_OK, "localhost:5000/app",
      T_DIGEST, "localhost:5000, a digest" },

    /* empty and invalid */

    { "", 0, NGX_ERROR, NULL, NULL, "empty" },
    { ":", 0, NGX_ERROR, NULL, NULL, "a colon" },
    { "@", 0, NGX_ERROR, NULL, NULL, "an at" },
    { ":1", 0, NGX_ERROR, NULL, NULL, "a tag, no name" },
    { "busybox:", 0, NGX_ERROR, NULL, NULL, "an empty tag" },
    { "busybox@", 0, NGX_ERROR, NULL, NULL, "an empty digest" },
    { "busybox:1@", 0, NGX_ERROR, NULL, NULL, "a tag, an empty digest" },
    { "@" T_DIGEST, 0, NGX_ERROR, NULL, NULL, "a digest, no name" },
    { ":1@" T_DIGEST, 0, NGX_ERROR, NULL, NULL,
      "a tag and a digest, no name" },
    { "127.0.0.1:5000/app:", 0, NGX_ERROR, NULL, NULL,
      "a registry, an empty tag" },

    { NULL, 0, 0, NULL, NULL, NULL }
};


int
main(void)
{
    t_split();
    t_prefixes();

    return t_done();
}


static int
t_in(ngx_str_t *s, u_char *ref, size_t len)
{
    return s->len <= len && s->data >= ref && s->data + s->len <= ref + len;
}


static int
t_eq(ngx_str_t *s, char *v)
{
    return s->len == strlen(v) && ngx_memcmp(s->data, v, s->len) == 0;
}


static void
t_split(void)
{
    int              good;
    size_t           len;
    u_char          *ref;
    ngx_int_t        rc;
    ngx_str_t        name, tag;
    t_image_case_t  *c;

    for (c = t_image_cases; c->ref; c++) {
        len = c->len ? c->len : strlen(c->ref);

        ref = malloc(len ? len : 1);
        if (ref == NULL) {
            t_ok(0, "malloc");
            return;
        }

        ngx_memcpy(ref, c->ref, len);

        ngx_str_null(&name);
        ngx_str_null(&tag);

        rc = ngx_sockerless_image_split(ref, len, &name, &tag);

        good = (rc == c->rc);

        if (good && rc == NGX_OK) {
            good = t_eq(&name, c->name) && t_eq(&tag, c->tag)
                   && name.data == ref && t_in(&name, ref, len)
                   && (t_in(&tag, ref, len)
                       || (t_eq(&tag, "latest")
                           && (tag.data < ref || tag.data >= ref + len)));
        }

        t_ok(good, "split \"%s\": %s (got %s \"%.*s\" \"%.*s\")", c->ref,
             c->what, rc == NGX_OK ? "NGX_OK" : "NGX_ERROR",
             rc == NGX_OK ? (int) name.len : 0,
             rc == NGX_OK ? (char *) name.data : "",
             rc == NGX_OK ? (int) tag.len : 0,
             rc == NGX_OK ? (char *) tag.data : "");

        free(ref);
    }
}


/*
 * Every prefix of a few long references, in exact-size buffers: no
 * overrun, and what comes back is within the prefix.
 */

static void
t_prefixes(void)
{
    int         good;
    char      **r;
    size_t      len, n;
    u_char     *ref;
    ngx_int_t   rc;
    ngx_str_t   name, tag;

    static char  *refs[] = {
        "127.0.0.1:5000/team/app:1@" T_DIGEST,
        "[::1]:5000/a/b:c@d@e:f/g",
        NULL
    };

    for (r = refs; *r; r++) {
        n = strlen(*r);
        good = 1;

        for (len = 0; len <= n; len++) {
            ref = malloc(len ? len : 1);
            if (ref == NULL) {
                t_ok(0, "malloc");
                return;
            }

            ngx_memcpy(ref, *r, len);

            rc = ngx_sockerless_image_split(ref, len, &name, &tag);

            if (rc == NGX_OK) {
                if (name.len == 0 || name.data != ref
                    || !t_in(&name, ref, len)
                    || tag.len == 0
                    || !(t_in(&tag, ref, len) || t_eq(&tag, "latest")))
                {
                    good = 0;
                    printf("# prefix %lu of \"%s\" gave a bad split\n",
                           (unsigned long) len, *r);
                }

            } else if (rc != NGX_ERROR) {
                good = 0;
            }

            if (len == 0 && rc != NGX_ERROR) {
                good = 0;
            }

            free(ref);
        }

        t_ok(good, "every prefix of \"%s\": a sane split", *r);
    }
}
