
/*
 * Copyright (C) ngx_sockerless developers
 */


/*
 * Unit tests of what the access policy compares (ngx_sockerless_image.c
 * and ngx_sockerless_path.c),
 * in TAP:
 *
 *     path_test
 *
 * - ngx_sockerless_image_normalize(): the reference dockerd would use, as
 *   the "image" patterns are written ("busybox" is
 *   docker.io/library/busybox:latest), and nothing for what dockerd may
 *   take for an image ID;
 * - ngx_sockerless_glob(): "*" matches anything, "/" included;
 * - ngx_sockerless_path_clean(): Go's filepath.Clean of an absolute path;
 * - ngx_sockerless_path_under(): "bind" entries compared component by
 *   component, so that /srv/builds does not allow /srv/buildsX.
 *
 * Every input is copied into a buffer of exactly its size, and every
 * output buffer is exactly as large as documented, so that the sanitizers
 * see any overrun.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include "ngx_sockerless_image.h"
#include "ngx_sockerless_path.h"

#include "tap.h"


typedef struct {
    char                   *ref;
    char                   *want;        /* NULL: 0, not a name */
    char                   *what;
} t_norm_case_t;


typedef struct {
    char                   *pattern;
    char                   *s;
    ngx_uint_t              match;
} t_glob_case_t;


typedef struct {
    char                   *path;
    char                   *want;        /* NULL: 0, relative */
} t_clean_case_t;


typedef struct {
    char                   *base;
    char                   *path;        /* cleaned first */
    ngx_uint_t              under;
} t_under_case_t;


static u_char *t_copy(char *s, size_t len);
static void t_normalize(void);
static void t_glob(void);
static void t_clean(void);
static void t_under(void);
static void t_upper_domain(void);
static void t_policy(void);
static ngx_uint_t t_image_allowed(char *ref, char **patterns);
static ngx_uint_t t_bind_allowed(char *src, char **binds);


#define T_DIGEST  "sha256:"                                                   \
    "b5cfd4befc119a590ca1a81d6bb0fa1fb19f1fbebd0397f25fae164abe1e8a6a"
#define T_HEX     "b5cfd4befc119a590ca1a81d6bb0fa1fb19f1fbebd0397f25fae164abe1e8a6a"


static t_norm_case_t  t_norm_cases[] = {

    /* Docker Hub, official images */
    { "busybox", "docker.io/library/busybox:latest", "bare name" },
    { "busybox:1.36", "docker.io/library/busybox:1.36", "tag" },
    { "library/busybox", "docker.io/library/busybox:latest", "library/" },
    { "docker.io/busybox", "docker.io/library/busybox:latest",
      "docker.io/ adds library/" },
    { "docker.io/library/busybox", "docker.io/library/busybox:latest",
      "fully qualified" },
    { "docker.io/library/busybox:1", "docker.io/library/busybox:1",
      "fully qualified with a tag" },
    { "index.docker.io/busybox", "docker.io/library/busybox:latest",
      "index.docker.io is docker.io" },
    { "index.docker.io/team/app:2", "docker.io/team/app:2",
      "index.docker.io with a user" },

    /* Docker Hub, user images */
    { "team/app", "docker.io/team/app:latest", "user/repo" },
    { "team/app:v1", "docker.io/team/app:v1", "user/repo:tag" },
    { "team/sub/app", "docker.io/team/sub/app:latest", "three components" },

    /* other registries */
    { "127.0.0.1:5000/app", "127.0.0.1:5000/app:latest", "host:port" },
    { "127.0.0.1:5000/team/app:1", "127.0.0.1:5000/team/app:1",
      "host:port with a path and a tag" },
    { "localhost/app", "localhost/app:latest", "localhost" },
    { "localhost:5000/app", "localhost:5000/app:latest", "localhost:port" },
    { "quay.io/team/app", "quay.io/team/app:latest", "a domain" },
    { "registry-1.docker.io/library/busybox",
      "registry-1.docker.io/library/busybox:latest",
      "registry-1.docker.io is another name" },
    { "[::1]:5000/app", "[::1]:5000/app:latest", "an IPv6 registry" },

    /* digests */
    { "busybox@" T_DIGEST, "docker.io/library/busybox@" T_DIGEST,
      "a digest" },
    { "127.0.0.1:5000/app@" T_DIGEST, "127.0.0.1:5000/app@" T_DIGEST,
      "a digest from a registry" },
    { "busybox:1@" T_DIGEST, "docker.io/library/busybox:1@" T_DIGEST,
      "a tag and a digest" },

    /* a port is no tag */
    { "127.0.0.1:5000/app:5000", "127.0.0.1:5000/app:5000",
      "the tag after the port" },

    /* what dockerd may take for an image ID */
    { "", NULL, "empty" },
    { T_DIGEST, NULL, "sha256:<id>" },
    { "sha256:b5cf", NULL, "sha256:<prefix>" },
    { T_HEX, NULL, "a 64-digit ID" },
    { "b5cfd4befc11", NULL, "a 12-digit prefix" },
    { "b5c", NULL, "a 3-digit prefix" },
    { "abc", NULL, "\"abc\": hex digits only" },
    { "deadbeef", NULL, "\"deadbeef\"" },
    { "0", NULL, "\"0\"" },

    /* hex with more is a name */
    { "abcdefg", "docker.io/library/abcdefg:latest", "not only hex" },
    { "deadbeef:1", "docker.io/library/deadbeef:1", "hex with a tag" },
    { "team/deadbeef", "docker.io/team/deadbeef:latest", "hex repository" },

    /* no name after the domain */
    { "docker.io/", NULL, "docker.io/ alone" },
    { "127.0.0.1:5000/", NULL, "a registry alone" },

    { NULL, NULL, NULL }
};


static t_glob_case_t  t_glob_cases[] = {
    { "docker.io/library/*", "docker.io/library/busybox:latest", 1 },
    { "docker.io/library/*", "docker.io/library/a/b:1", 1 },
    { "docker.io/library/*", "docker.io/libraryX/busybox:latest", 0 },
    { "docker.io/library/*", "docker.io/library", 0 },
    { "docker.io/library/*", "docker.io/library/", 1 },
    { "docker.io/library/*", "quay.io/docker.io/library/x:latest", 0 },
    { "docker.io/library/busybox:*", "docker.io/library/busybox:1.36", 1 },
    { "docker.io/library/busybox:*", "docker.io/library/busybox2:1", 0 },
    { "docker.io/library/busybox:*",
      "docker.io/library/busybox@" T_DIGEST, 0 },
    { "docker.io/library/busybox*",
      "docker.io/library/busybox@" T_DIGEST, 1 },
    { "127.0.0.1:5000/*", "127.0.0.1:5000/team/app:1", 1 },
    { "127.0.0.1:5000/*", "127.0.0.1:50000/team/app:1", 0 },
    { "*", "anything/at:all", 1 },
    { "*", "", 1 },
    { "", "", 1 },
    { "", "a", 0 },
    { "a", "", 0 },
    { "a", "a", 1 },
    { "a", "A", 0 },
    { "abc", "abcd", 0 },
    { "abcd", "abc", 0 },
    { "**", "x", 1 },
    { "a*", "a", 1 },
    { "*a", "ba", 1 },
    { "*a", "ab", 0 },
    { "a*b*c", "aXbYc", 1 },
    { "a*b*c", "abc", 1 },
    { "a*b*c", "acb", 0 },
    { "a*a*a", "aa", 0 },
    { "a*a*a", "aaa", 1 },
    { "a*a*a", "abababa", 1 },
    { "*x*", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 0 },
    { "*:latest", "docker.io/library/busybox:latest", 1 },
    { "*:latest", "docker.io/library/busybox:latest2", 0 },
    { "docker.io/*/app:*", "docker.io/team/app:1", 1 },
    { "docker.io/*/app:*", "docker.io/a/b/app:1", 1 },
    { NULL, NULL, 0 }
};


static t_clean_case_t  t_clean_cases[] = {
    { "/", "/" },
    { "//", "/" },
    { "///", "/" },
    { "/a", "/a" },
    { "/a/", "/a" },
    { "/a//", "/a" },
    { "//a//b//", "/a/b" },
    { "/a/b", "/a/b" },
    { "/a/./b", "/a/b" },
    { "/a/.", "/a" },
    { "/./", "/" },
    { "/.", "/" },
    { "/a/..", "/" },
    { "/a/../b", "/b" },
    { "/a/b/..", "/a" },
    { "/a/b/../..", "/" },
    { "/a/b/../../..", "/" },
    { "/..", "/" },
    { "/../..", "/" },
    { "/../a", "/a" },
    { "/a/../../b", "/b" },
    { "/srv/builds/../etc", "/srv/etc" },
    { "/srv/builds/x/../../../etc", "/etc" },
    { "/srv/builds/./x/./", "/srv/builds/x" },
    { "/...", "/..." },
    { "/.../a", "/.../a" },
    { "/a/.b", "/a/.b" },
    { "/a/..b", "/a/..b" },
    { "/a/b..", "/a/b.." },
    { "/a/...", "/a/..." },
    { "/a b/c", "/a b/c" },
    { "/a\\..\\b", "/a\\..\\b" },          /* backslashes are names */
    { "/a/b/c/d/e/../../../../../../../x", "/x" },
    { "", NULL },
    { "a", NULL },
    { "a/b", NULL },
    { "./a", NULL },
    { "../a", NULL },
    { " /a", NULL },
    { "~/a", NULL },
    { NULL, NULL }
};


static t_under_case_t  t_under_cases[] = {
    { "/srv/builds", "/srv/builds", 1 },
    { "/srv/builds", "/srv/builds/", 1 },
    { "/srv/builds", "/srv/builds/x", 1 },
    { "/srv/builds", "/srv/builds/x/y/z", 1 },
    { "/srv/builds", "/srv/builds/./x", 1 },
    { "/srv/builds", "/srv/buildsX", 0 },
    { "/srv/builds", "/srv/builds.old", 0 },
    { "/srv/builds", "/srv/builds-x/y", 0 },
    { "/srv/builds", "/srv/build", 0 },
    { "/srv/builds", "/srv", 0 },
    { "/srv/builds", "/", 0 },
    { "/srv/builds", "/srv/builds/..", 0 },
    { "/srv/builds", "/srv/builds/../etc", 0 },
    { "/srv/builds", "/srv/builds/x/../../builds/y", 1 },
    { "/srv/builds", "/srv/builds/x/../../buildsX", 0 },
    { "/srv/builds", "//srv//builds//x", 1 },
    { "/srv/builds", "/SRV/builds", 0 },
    { "/srv/builds", "/other/srv/builds", 0 },
    { "/", "/", 1 },
    { "/", "/etc", 1 },
    { "/", "/a/b", 1 },
    { "/a", "/ab", 0 },
    { "/a", "/a/b", 1 },
    { NULL, NULL, 0 }
};


int
main(void)
{
    t_normalize();
    t_upper_domain();
    t_glob();
    t_clean();
    t_under();
    t_policy();

    return t_done();
}


static u_char *
t_copy(char *s, size_t len)
{
    u_char  *p;

    p = malloc(len ? len : 1);

    if (p == NULL) {
        fprintf(stderr, "malloc() failed\n");
        exit(2);
    }

    ngx_memcpy(p, s, len);

    return p;
}


static void
t_normalize(void)
{
    u_char         *ref, *buf;
    size_t          len, n;
    t_norm_case_t  *c;

    for (c = t_norm_cases; c->ref; c++) {
        len = strlen(c->ref);
        ref = t_copy(c->ref, len);
        buf = malloc(len + 32);

        n = ngx_sockerless_image_normalize(ref, len, buf);

        if (c->want == NULL) {
            t_ok(n == 0, "normalize \"%s\" (%s): not a name", c->ref,
                 c->what);

        } else {
            t_ok(n == strlen(c->want) && ngx_memcmp(buf, c->want, n) == 0,
                 "normalize \"%s\" (%s): \"%s\" (got \"%.*s\")", c->ref,
                 c->what, c->want, (int) n, n ? (char *) buf : "");
        }

        /* the documented bound: len + 32 */
        t_ok(n <= len + 32, "normalize \"%s\": within len + 32", c->ref);

        free(ref);
        free(buf);
    }
}


/*
 * dockerd 20.10 refuses "Registry/app" (an upper-case repository name);
 * later ones (distribution/reference 0.5, Docker 24 on) take a first
 * component with an upper-case letter for a domain, as one with "." or
 * ":": "Registry/app" is pulled from the host "Registry".  Either way it
 * is not docker.io/Registry/app, which a "docker.io/<star>" pattern
 * would allow.
 */

static void
t_upper_domain(void)
{
    u_char   *ref, *buf;
    size_t    len, n;
    char    **r;

    static char  *refs[] = { "Registry/app", "LOCALHOST/app", "Team/app:1",
                             NULL };

    for (r = refs; *r; r++) {
        len = strlen(*r);
        ref = t_copy(*r, len);
        buf = malloc(len + 32);

        n = ngx_sockerless_image_normalize(ref, len, buf);

        t_ok(n == 0 || !(n >= 10 && ngx_memcmp(buf, "docker.io/", 10) == 0),
             "normalize \"%s\": an upper-case first component is no Docker "
             "Hub namespace (got \"%.*s\")", *r, (int) n,
             n ? (char *) buf : "");

        free(ref);
        free(buf);
    }
}


static void
t_glob(void)
{
    u_char         *p, *s;
    size_t          plen, slen;
    ngx_uint_t      m;
    t_glob_case_t  *c;

    for (c = t_glob_cases; c->pattern; c++) {
        plen = strlen(c->pattern);
        slen = strlen(c->s);
        p = t_copy(c->pattern, plen);
        s = t_copy(c->s, slen);

        m = ngx_sockerless_glob(p, plen, s, slen);

        t_ok(m == c->match, "glob \"%s\" %s \"%s\"", c->pattern,
             c->match ? "matches" : "does not match", c->s);

        free(p);
        free(s);
    }
}


static void
t_clean(void)
{
    u_char          *path, *buf, *again;
    size_t           len, n, n2;
    t_clean_case_t  *c;

    for (c = t_clean_cases; c->path; c++) {
        len = strlen(c->path);
        path = t_copy(c->path, len);
        buf = malloc(len + 1);

        n = ngx_sockerless_path_clean(path, len, buf);

        if (c->want == NULL) {
            t_ok(n == 0, "clean \"%s\": relative, refused", c->path);
            free(path);
            free(buf);
            continue;
        }

        t_ok(n == strlen(c->want) && ngx_memcmp(buf, c->want, n) == 0,
             "clean \"%s\": \"%s\" (got \"%.*s\")", c->path, c->want,
             (int) n, (char *) buf);

        /* cleaning is idempotent */

        again = malloc(n + 1);
        n2 = ngx_sockerless_path_clean(buf, n, again);

        t_ok(n2 == n && ngx_memcmp(again, buf, n) == 0,
             "clean \"%s\": clean again, the same", c->path);

        free(again);
        free(path);
        free(buf);
    }
}


static void
t_under(void)
{
    u_char          *b, *p, *bb, *pb;
    size_t           blen, plen;
    ngx_str_t        base, path;
    t_under_case_t  *c;

    for (c = t_under_cases; c->base; c++) {
        blen = strlen(c->base);
        plen = strlen(c->path);
        b = t_copy(c->base, blen);
        p = t_copy(c->path, plen);
        bb = malloc(blen + 1);
        pb = malloc(plen + 1);

        base.data = bb;
        base.len = ngx_sockerless_path_clean(b, blen, bb);
        path.data = pb;
        path.len = ngx_sockerless_path_clean(p, plen, pb);

        t_ok(ngx_sockerless_path_under(&base, &path) == c->under,
             "\"%s\" %s \"%s\"", c->path,
             c->under ? "is under" : "is not under", c->base);

        free(b);
        free(p);
        free(bb);
        free(pb);
    }
}


/*
 * The two checks as the policy makes them: normalize then match any
 * pattern; clean then be under any bind entry.
 */

static void
t_policy(void)
{
    static char  *images[] = { "docker.io/library/*", "127.0.0.1:5000/*",
                               NULL };
    static char  *hub[] = { "docker.io/*", NULL };
    static char  *binds[] = { "/srv/builds", "/cache", NULL };

    t_ok(t_image_allowed("busybox", images), "image: busybox allowed");
    t_ok(t_image_allowed("docker.io/library/alpine:3", images),
         "image: docker.io/library/alpine:3 allowed");
    t_ok(t_image_allowed("127.0.0.1:5000/team/app:1", images),
         "image: 127.0.0.1:5000/team/app:1 allowed");
    t_ok(!t_image_allowed("team/app", images), "image: team/app denied");
    t_ok(!t_image_allowed("127.0.0.1:5001/app", images),
         "image: 127.0.0.1:5001/app denied");
    t_ok(!t_image_allowed("127.0.0.1/app", images),
         "image: 127.0.0.1/app denied");
    t_ok(!t_image_allowed("library.evil.io/library/x", images),
         "image: library.evil.io/library/x denied");
    t_ok(!t_image_allowed("b5cfd4befc11", images),
         "image: an ID prefix denied");
    t_ok(!t_image_allowed("", images), "image: empty denied");
    t_ok(t_image_allowed("team/app", hub), "image: Docker Hub: team/app");
    t_ok(!t_image_allowed("quay.io/team/app", hub),
         "image: Docker Hub: quay.io/team/app denied");
    t_ok(!t_image_allowed("Registry/app", hub),
         "image: Docker Hub: \"Registry/app\" (the host Registry) denied");

    t_ok(t_bind_allowed("/srv/builds", binds), "bind: /srv/builds");
    t_ok(t_bind_allowed("/srv/builds/x", binds), "bind: /srv/builds/x");
    t_ok(t_bind_allowed("/cache/a/b", binds), "bind: /cache/a/b");
    t_ok(!t_bind_allowed("/srv/buildsX", binds), "bind: /srv/buildsX");
    t_ok(!t_bind_allowed("/srv/builds/../etc", binds),
         "bind: /srv/builds/../etc");
    t_ok(!t_bind_allowed("/srv/builds/../../cache/../etc", binds),
         "bind: /srv/builds/../../cache/../etc");
    t_ok(!t_bind_allowed("/srv", binds), "bind: /srv");
    t_ok(!t_bind_allowed("/", binds), "bind: /");
    t_ok(!t_bind_allowed("srv/builds", binds), "bind: relative");
}


static ngx_uint_t
t_image_allowed(char *ref, char **patterns)
{
    u_char      *r, *buf;
    size_t       len, n;
    ngx_uint_t   ok;

    len = strlen(ref);
    r = t_copy(ref, len);
    buf = malloc(len + 32);

    n = ngx_sockerless_image_normalize(r, len, buf);
    ok = 0;

    for ( /* void */ ; n && *patterns; patterns++) {
        if (ngx_sockerless_glob((u_char *) *patterns, strlen(*patterns),
                                buf, n))
        {
            ok = 1;
            break;
        }
    }

    free(r);
    free(buf);

    return ok;
}


static ngx_uint_t
t_bind_allowed(char *src, char **binds)
{
    u_char      *s, *buf, *bbuf;
    size_t       len;
    ngx_str_t    path, base;
    ngx_uint_t   ok;

    len = strlen(src);
    s = t_copy(src, len);
    buf = malloc(len + 1);

    path.data = buf;
    path.len = ngx_sockerless_path_clean(s, len, buf);
    ok = 0;

    for ( /* void */ ; path.len && *binds; binds++) {
        bbuf = malloc(strlen(*binds) + 1);
        base.data = bbuf;
        base.len = ngx_sockerless_path_clean((u_char *) *binds,
                                             strlen(*binds), bbuf);

        if (ngx_sockerless_path_under(&base, &path)) {
            ok = 1;
        }

        free(bbuf);

        if (ok) {
            break;
        }
    }

    free(s);
    free(buf);

    return ok;
}
