
/*
 * Copyright (C) ngx_sockerless developers
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include "ngx_sockerless_route.h"


/*
 * The router mirrors dockerd's (moby's api/server, gorilla/mux 1.8.0) for
 * dockerd 20.10 and the routes added since:
 *
 * - Go's server decodes the request target (url.URL.Path) before routing,
 *   and answers 400 for a malformed escape; the mux matches routes against
 *   the decoded path and answers a 301 to the cleaned path for "//", "."
 *   and "..", so only an already clean path reaches a handler.  A trailing
 *   slash survives cleaning: "/volumes/" is VolumeInspect of "", and
 *   "/containers/json/" is no route at all.
 *
 * - every route is registered twice, as "/v{version:[0-9.]+}" + route and
 *   as route; the version is the first segment, so stripping it and then
 *   matching the rest is equivalent.
 *
 * - the first registered route whose pattern and method match wins; the
 *   table below is in dockerd's registration order (the checkpoint router
 *   first: its DELETE would otherwise be ContainerDelete).  Methods match
 *   exactly: a GET route does not answer HEAD.
 *
 * - placeholders: "{x:.*}" matches anything, "/" included, "{x:.+}" the
 *   same but not the empty string, and "{x}" one segment ("[^/]+").  The
 *   regular expressions are greedy, so "/containers/a/json/json" is the
 *   inspection of "a/json".
 *
 * Where the router is stricter than dockerd: a decoded control character
 * (dockerd routes "%00"; "." does not match "\n" though) is CONTROL, and a
 * target that is not an absolute path, absolute-form included, RELATIVE;
 * neither has an operation.  The version is parsed as dockerd compares it
 * (see ngx_sockerless_version()), and flagged when it is not "N.M".
 *
 * The table of operations is ngx_sockerless_ops.h.  The raw target is
 * also looked at for "%2F" and "%2E" (rt->escaped): dockerd decodes them
 * before routing, a reader of the raw path (a log, a proxy in front) does
 * not.
 */


#define NGX_SOCKERLESS_VAR_ANY       0     /* "{x:.*}" */
#define NGX_SOCKERLESS_VAR_MORE      1     /* "{x:.+}" */
#define NGX_SOCKERLESS_VAR_SEGMENT   2     /* "{x}", that is, "[^/]+" */

#define NGX_SOCKERLESS_VERSION_MAX   99999


static ngx_uint_t ngx_sockerless_decode(u_char *uri, size_t len, u_char *dst,
    size_t *n, ngx_uint_t *escaped);
static ngx_int_t ngx_sockerless_try(ngx_uint_t i, ngx_str_t *method,
    ngx_sockerless_route_t *rt);
static ngx_sockerless_route_bucket_t *ngx_sockerless_bucket(
    ngx_sockerless_route_index_t *ix, u_char *path, size_t len);
static ngx_uint_t ngx_sockerless_in_bucket(const ngx_sockerless_op_t *op,
    ngx_sockerless_route_bucket_t *b);
static u_char *ngx_sockerless_first_segment(u_char *r, u_char *end,
    ngx_str_t *seg);
static ngx_uint_t ngx_sockerless_segments(u_char *p, size_t len);
static void ngx_sockerless_version(ngx_sockerless_route_t *rt);
static ngx_uint_t ngx_sockerless_parse_version(u_char *p, u_char *last,
    ngx_uint_t *major, ngx_uint_t *minor);
static ngx_int_t ngx_sockerless_match(const ngx_sockerless_op_t *op,
    ngx_str_t *path, ngx_str_t *object);
static ngx_int_t ngx_sockerless_match_route(u_char *p, u_char *end,
    ngx_str_t *path, ngx_str_t *object);
static ngx_int_t ngx_sockerless_var(u_char *p, u_char *end);


/* why a path is not canonical, by NGX_SOCKERLESS_CANON_* */

static const char  *ngx_sockerless_canon_reasons[] = {
    "canonical",
    "dot segment",
    "empty segment",
    "bad escape",
    "control character",
    "relative path"
};


ngx_int_t
ngx_sockerless_route(u_char *uri, size_t len, ngx_str_t *method,
    u_char *work, ngx_sockerless_route_t *rt)
{
    return ngx_sockerless_route_indexed(NULL, uri, len, method, work, rt);
}


ngx_int_t
ngx_sockerless_route_indexed(ngx_sockerless_route_index_t *ix, u_char *uri,
    size_t len, ngx_str_t *method, u_char *work, ngx_sockerless_route_t *rt)
{
    size_t                          n;
    uint16_t                       *id, *last;
    ngx_uint_t                      i;
    ngx_sockerless_route_bucket_t  *b;

    ngx_memzero(rt, sizeof(ngx_sockerless_route_t));

    rt->op = NGX_SOCKERLESS_OP_NONE;

    if (len == 0) {
        rt->canon = NGX_SOCKERLESS_CANON_RELATIVE;
        return NGX_ERROR;
    }

    rt->canon = ngx_sockerless_decode(uri, len, work, &n, &rt->escaped);

    rt->path.len = n;
    rt->path.data = work;

    /* Go refuses a target that is not an absolute path before decoding */

    if (uri[0] != '/') {
        rt->canon = NGX_SOCKERLESS_CANON_RELATIVE;
        return NGX_OK;
    }

    if (rt->canon == NGX_SOCKERLESS_CANON_OK) {
        rt->canon = ngx_sockerless_segments(work, n);
    }

    ngx_sockerless_version(rt);

    if (rt->canon != NGX_SOCKERLESS_CANON_OK) {
        return NGX_OK;
    }

    if (ix == NULL) {
        for (i = 0; i < ngx_sockerless_nops(); i++) {
            if (ngx_sockerless_try(i, method, rt) == NGX_OK) {
                break;
            }
        }

        return NGX_OK;
    }

    /* the path starts with "/": its first segment picks the bucket */

    b = ngx_sockerless_bucket(ix, rt->path.data, rt->path.len);

    id = &ix->ops[b->first];

    for (last = id + b->n; id < last; id++) {
        if (ngx_sockerless_try(*id, method, rt) == NGX_OK) {
            break;
        }
    }

    return NGX_OK;
}


/* the operation "i", if it routes the request: rt->op and rt->object */

static ngx_int_t
ngx_sockerless_try(ngx_uint_t i, ngx_str_t *method,
    ngx_sockerless_route_t *rt)
{
    ngx_str_t                   object;
    const ngx_sockerless_op_t  *op;

    op = ngx_sockerless_op(i);

    /* "*" is any method */

    if (!(op->method.len == 1 && op->method.data[0] == '*')
        && (op->method.len != method->len
            || ngx_memcmp(op->method.data, method->data, method->len) != 0))
    {
        return NGX_DECLINED;
    }

    if (ngx_sockerless_match(op, &rt->path, &object) != NGX_OK) {
        return NGX_DECLINED;
    }

    rt->op = i;

    if (op->flags & NGX_SOCKERLESS_OP_OBJECT) {
        rt->object = object;
    }

    return NGX_OK;
}


/*
 * The bucket of a path: that of its first segment, or the rest.  A
 * route whose first segment is a literal matches only paths with that
 * first segment; one that starts with a placeholder is in every bucket.
 */

static ngx_sockerless_route_bucket_t *
ngx_sockerless_bucket(ngx_sockerless_route_index_t *ix, u_char *path,
    size_t len)
{
    u_char                         *p, *last;
    size_t                          n;
    ngx_sockerless_route_bucket_t  *b, *rest;

    p = path + 1;
    last = path + len;

    for (n = 0; p + n < last && p[n] != '/'; n++) {
        /* void */
    }

    rest = &ix->buckets[ix->nbuckets - 1];

    for (b = ix->buckets; b < rest; b++) {
        if (b->len == n && ngx_memcmp(b->segment, p, n) == 0) {
            return b;
        }
    }

    return rest;
}


ngx_int_t
ngx_sockerless_route_index_init(ngx_sockerless_route_index_t *ix)
{
    u_char                         *r, *end;
    ngx_str_t                       seg;
    ngx_uint_t                      i, k, slot;
    const ngx_sockerless_op_t      *op;
    ngx_sockerless_route_bucket_t  *b;

    ngx_memzero(ix, sizeof(ngx_sockerless_route_index_t));

    /* the distinct literal first segments, in the table's order */

    for (i = 0; i < ngx_sockerless_nops(); i++) {
        op = ngx_sockerless_op(i);

        r = op->routes.data;
        end = r + op->routes.len;

        while (r) {
            r = ngx_sockerless_first_segment(r, end, &seg);

            if (seg.data == NULL) {
                continue;
            }

            for (k = 0; k < ix->nbuckets; k++) {
                if (ix->buckets[k].len == seg.len
                    && ngx_memcmp(ix->buckets[k].segment, seg.data, seg.len)
                       == 0)
                {
                    break;
                }
            }

            if (k < ix->nbuckets) {
                continue;
            }

            if (ix->nbuckets == NGX_SOCKERLESS_ROUTE_BUCKETS - 1) {
                return NGX_ERROR;
            }

            ix->buckets[k].segment = seg.data;
            ix->buckets[k].len = (uint16_t) seg.len;
            ix->nbuckets++;
        }
    }

    /* the rest: a segment no literal route starts with */

    ix->nbuckets++;

    slot = 0;

    for (k = 0; k < ix->nbuckets; k++) {
        b = &ix->buckets[k];
        b->first = (uint16_t) slot;

        for (i = 0; i < ngx_sockerless_nops(); i++) {
            if (!ngx_sockerless_in_bucket(ngx_sockerless_op(i), b)) {
                continue;
            }

            if (slot == NGX_SOCKERLESS_ROUTE_SLOTS) {
                return NGX_ERROR;
            }

            ix->ops[slot++] = (uint16_t) i;
        }

        b->n = (uint16_t) (slot - b->first);
    }

    return NGX_OK;
}


/* an operation with a route in the bucket, or starting with a placeholder */

static ngx_uint_t
ngx_sockerless_in_bucket(const ngx_sockerless_op_t *op,
    ngx_sockerless_route_bucket_t *b)
{
    u_char     *r, *end;
    ngx_str_t   seg;

    r = op->routes.data;
    end = r + op->routes.len;

    while (r) {
        r = ngx_sockerless_first_segment(r, end, &seg);

        if (seg.data == NULL
            || (b->segment && b->len == seg.len
                && ngx_memcmp(b->segment, seg.data, seg.len) == 0))
        {
            return 1;
        }
    }

    return 0;
}


/*
 * The first segment of the route at "r" (at its "/"), up to "/" or the
 * end of the route: a literal, or NULL when it is empty or holds a
 * placeholder.  Returns the next route, or NULL after the last one.
 */

static u_char *
ngx_sockerless_first_segment(u_char *r, u_char *end, ngx_str_t *seg)
{
    u_char      *s, *q;
    ngx_uint_t   var;

    s = r + 1;
    var = 0;

    for (q = s; q < end && *q != '/' && *q != ' '; q++) {
        if (*q == '{') {
            var = 1;
        }
    }

    seg->len = q - s;
    seg->data = (var || seg->len == 0) ? NULL : s;

    r = ngx_strlchr(q, end, ' ');

    return r ? r + 1 : NULL;
}


ngx_int_t
ngx_sockerless_version_cmp(ngx_sockerless_route_t *rt, ngx_uint_t major,
    ngx_uint_t minor)
{
    if (rt->major != major) {
        return (rt->major < major) ? -1 : 1;
    }

    if (rt->minor != minor) {
        return (rt->minor < minor) ? -1 : 1;
    }

    return 0;
}


const char *
ngx_sockerless_canon_reason(ngx_uint_t canon)
{
    if (canon > NGX_SOCKERLESS_CANON_RELATIVE) {
        return "unknown";
    }

    return ngx_sockerless_canon_reasons[canon];
}


/*
 * Decodes %XX escapes the way Go's url.PathUnescape does.  A malformed
 * escape is copied as is and makes the verdict ENCODING, a control
 * character, raw or decoded, CONTROL; an escaped "/" or "." sets
 * "escaped".  The output is never longer than the input.
 */

static ngx_uint_t
ngx_sockerless_decode(u_char *uri, size_t len, u_char *dst, size_t *n,
    ngx_uint_t *escaped)
{
    u_char      ch, *p, *last, *d;
    ngx_int_t   hi, lo;
    ngx_uint_t  control, encoding;

    control = 0;
    encoding = 0;

    d = dst;
    last = uri + len;

    for (p = uri; p < last; p++) {
        ch = *p;

        if (ch == '%') {
            hi = (last - p > 2) ? ngx_sockerless_hex(p[1]) : -1;
            lo = (last - p > 2) ? ngx_sockerless_hex(p[2]) : -1;

            if (hi < 0 || lo < 0) {
                encoding = 1;

            } else {
                ch = (u_char) (hi * 16 + lo);
                p += 2;

                if (ch == '/' || ch == '.') {
                    *escaped = 1;
                }
            }
        }

        if (ch < 0x20 || ch == 0x7f) {
            control = 1;
        }

        *d++ = ch;
    }

    *n = d - dst;

    if (encoding) {
        return NGX_SOCKERLESS_CANON_ENCODING;
    }

    if (control) {
        return NGX_SOCKERLESS_CANON_CONTROL;
    }

    return NGX_SOCKERLESS_CANON_OK;
}


ngx_uint_t
ngx_sockerless_route_segment(u_char *p, size_t len)
{
    u_char                     *r, *end;
    size_t                      i;
    ngx_str_t                   seg;
    ngx_uint_t                  n;
    const ngx_sockerless_op_t  *op;

    /* "/v{version:[0-9.]+}" for dockerd, "[0-9][0-9A-Za-z.-]*" for Podman */

    if (len >= 2 && p[0] == 'v' && p[1] >= '0' && p[1] <= '9') {

        for (i = 2; i < len; i++) {
            if (!((p[i] >= '0' && p[i] <= '9') || p[i] == '.' || p[i] == '-'
                  || ((p[i] | 0x20) >= 'a' && (p[i] | 0x20) <= 'z')))
            {
                break;
            }
        }

        if (i == len) {
            return 1;
        }
    }

    for (n = 0; n < ngx_sockerless_nops(); n++) {
        op = ngx_sockerless_op(n);

        r = op->routes.data;
        end = r + op->routes.len;

        while (r) {
            r = ngx_sockerless_first_segment(r, end, &seg);

            /* a route starting with a placeholder names no segment */

            if (seg.data && seg.len == len
                && ngx_memcmp(seg.data, p, len) == 0)
            {
                return 1;
            }
        }
    }

    return 0;
}


ngx_int_t
ngx_sockerless_hex(u_char ch)
{
    u_char  c;

    if (ch >= '0' && ch <= '9') {
        return ch - '0';
    }

    c = (u_char) (ch | 0x20);

    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }

    return -1;
}


/*
 * What gorilla/mux's cleanPath (path.Clean, then the trailing slash put
 * back) would change: an empty segment but the last one, or a "." or ".."
 * segment.  The path starts with "/".
 */

static ngx_uint_t
ngx_sockerless_segments(u_char *p, size_t len)
{
    u_char  *last, *s;

    last = p + len;

    while (p < last) {

        /* p is at a "/": the segment is [s, p) */

        s = ++p;

        while (p < last && *p != '/') {
            p++;
        }

        if (p == s) {
            if (p < last) {
                return NGX_SOCKERLESS_CANON_SLASHES;
            }

            /* a trailing slash */

            break;
        }

        if (s[0] == '.' && (p - s == 1 || (p - s == 2 && s[1] == '.'))) {
            return NGX_SOCKERLESS_CANON_DOT;
        }
    }

    return NGX_SOCKERLESS_CANON_OK;
}


/*
 * The "/v{version:[0-9.]+}" prefix: any run of digits and dots as the
 * first segment.  dockerd compares versions with strconv.Atoi on each
 * dot-separated part, an empty or missing part being 0 ("1.041" is 1.41,
 * "1" is 1.0, "1.41.0" is 1.41, an overflowing part is the largest int);
 * rt->version_ok is only set for exactly two non-empty parts, "N.M", of at
 * most NGX_SOCKERLESS_VERSION_MAX each, the only form clients send.
 */

static void
ngx_sockerless_version(ngx_sockerless_route_t *rt)
{
    u_char  *p, *v, *last;

    p = rt->path.data;
    last = p + rt->path.len;

    if (rt->path.len < 4 || p[1] != 'v') {
        return;
    }

    v = p + 2;

    for (p = v; p < last && ((*p >= '0' && *p <= '9') || *p == '.'); p++) {
        /* void */
    }

    if (p == v || p == last || *p != '/') {
        return;
    }

    rt->versioned = 1;
    rt->version_ok = ngx_sockerless_parse_version(v, p, &rt->major,
                                                  &rt->minor);

    rt->path.len = last - p;
    rt->path.data = p;
}


static ngx_uint_t
ngx_sockerless_parse_version(u_char *p, u_char *last, ngx_uint_t *major,
    ngx_uint_t *minor)
{
    ngx_uint_t  n[2], i, digits;

    n[0] = 0;
    n[1] = 0;
    i = 0;
    digits = 0;

    for ( /* void */ ; p < last; p++) {

        if (*p == '.') {
            if (digits == 0 || i == 1) {
                return 0;
            }

            i = 1;
            digits = 0;
            continue;
        }

        n[i] = n[i] * 10 + (*p - '0');
        digits++;

        if (n[i] > NGX_SOCKERLESS_VERSION_MAX) {
            return 0;
        }
    }

    if (digits == 0 || i != 1) {
        return 0;
    }

    *major = n[0];
    *minor = n[1];

    return 1;
}


static ngx_int_t
ngx_sockerless_match(const ngx_sockerless_op_t *op, ngx_str_t *path,
    ngx_str_t *object)
{
    u_char  *p, *end, *last;

    p = op->routes.data;
    last = p + op->routes.len;

    while (p < last) {
        end = ngx_strlchr(p, last, ' ');

        if (end == NULL) {
            end = last;
        }

        if (ngx_sockerless_match_route(p, end, path, object) == NGX_OK) {
            return NGX_OK;
        }

        p = end + 1;
    }

    return NGX_DECLINED;
}


/*
 * Matches the pattern [p, end) against the whole path, as the anchored
 * regular expression gorilla/mux makes of it, and sets "object" to the
 * value of the first placeholder.  Patterns are those of the table: a
 * "{x}" placeholder is followed by "/" or ends the pattern, and nothing
 * after a "{x:.*}" or "{x:.+}" one is a placeholder, so that the greedy
 * match is found without backtracking.  The path has no control
 * characters ("." would not match "\n").
 */

static ngx_int_t
ngx_sockerless_match_route(u_char *p, u_char *end, ngx_str_t *path,
    ngx_str_t *object)
{
    u_char     *s, *v, *last, *q;
    size_t      tail;
    ngx_int_t   var;
    ngx_uint_t  found;

    s = path->data;
    last = s + path->len;
    found = 0;

    while (p < end) {

        if (*p != '{') {
            if (s == last || *s != *p) {
                return NGX_DECLINED;
            }

            p++;
            s++;
            continue;
        }

        q = ngx_strlchr(p, end, '}');

        if (q == NULL) {
            return NGX_DECLINED;
        }

        var = ngx_sockerless_var(p + 1, q);
        p = q + 1;
        v = s;

        switch (var) {

        case NGX_SOCKERLESS_VAR_SEGMENT:

            while (s < last && *s != '/') {
                s++;
            }

            if (s == v) {
                return NGX_DECLINED;
            }

            break;

        case NGX_SOCKERLESS_VAR_ANY:
        case NGX_SOCKERLESS_VAR_MORE:

            if (ngx_strlchr(p, end, '{') != NULL) {
                return NGX_DECLINED;
            }

            tail = end - p;

            if ((size_t) (last - s) < tail) {
                return NGX_DECLINED;
            }

            s = last - tail;

            if (s == v && var == NGX_SOCKERLESS_VAR_MORE) {
                return NGX_DECLINED;
            }

            break;

        default:
            return NGX_DECLINED;
        }

        if (!found) {
            object->len = s - v;
            object->data = v;
            found = 1;
        }
    }

    if (s != last) {
        return NGX_DECLINED;
    }

    if (!found) {
        object->len = 0;
        object->data = NULL;
    }

    return NGX_OK;
}


/* the kind of the placeholder "{[p, end)}" */

static ngx_int_t
ngx_sockerless_var(u_char *p, u_char *end)
{
    u_char  *colon;

    colon = ngx_strlchr(p, end, ':');

    if (colon == NULL) {
        return NGX_SOCKERLESS_VAR_SEGMENT;
    }

    if (end - colon == 3 && colon[1] == '.') {

        if (colon[2] == '*') {
            return NGX_SOCKERLESS_VAR_ANY;
        }

        if (colon[2] == '+') {
            return NGX_SOCKERLESS_VAR_MORE;
        }
    }

    return NGX_ERROR;
}
