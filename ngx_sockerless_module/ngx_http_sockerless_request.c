
/*
 * Copyright (C) ngx_sockerless developers
 */


/*
 * The request as the module sees it: its context (the route, the
 * decision, the state of each stage), the request headers the module
 * looks for, and what is refused before any policy (subrequests, web
 * browsers).  A request is routed without the prefix of its location
 * (ngx_http_sockerless_node.c), once nginx has chosen the location.
 *
 * An empty "Host" header over a unix socket: a request target without an
 * authority may come with an empty "Host" (RFC 9112, 3.2), and the docker
 * CLI of Debian 12 (20.10) sends one on exec, attach and "run -i" over a
 * unix socket.  nginx refuses an empty host with 400 before any module
 * runs.  In servers with sockerless locations, on unix listeners only,
 * the module takes such a header as no host at all: the request goes to
 * the listener's default server.  nginx looks request headers up in the
 * http block's headers_in_hash, whose values point into
 * ngx_http_headers_in[]; the hash is made again from a copy of that table
 * in which "Host" has the module's handler: nothing global changes, and
 * the copy goes with the cycle.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_sockerless_module.h"


static ngx_int_t ngx_http_sockerless_redact_handler(ngx_http_request_t *r);
static ngx_uint_t ngx_http_sockerless_redact_prefixed(ngx_http_request_t *r);
static ngx_int_t ngx_http_sockerless_headers_init(ngx_conf_t *cf);
static ngx_int_t ngx_http_sockerless_process_host(ngx_http_request_t *r,
    ngx_table_elt_t *h, ngx_uint_t offset);
static ngx_uint_t ngx_http_sockerless_own_origin(ngx_http_request_t *r,
    ngx_str_t *origin);


/* headers only browsers send */

static ngx_str_t  ngx_http_sockerless_browser_headers[] = {
    ngx_string("sec-fetch-site"),
    ngx_string("sec-fetch-mode"),
    ngx_string("sec-fetch-dest"),
    ngx_null_string
};

/* and browsers and websocket clients: allowed for the endpoint's own */

static ngx_str_t  ngx_http_sockerless_origin_header[] = {
    ngx_string("origin"),
    ngx_null_string
};


ngx_http_sockerless_ctx_t *
ngx_http_sockerless_get_ctx(ngx_http_request_t *r)
{
    u_char                           *work, *q, *uri;
    size_t                            len;
    ngx_str_t                        *prefix;
    ngx_http_sockerless_ctx_t        *ctx;
    ngx_http_sockerless_loc_conf_t   *slcf;
    ngx_http_sockerless_main_conf_t  *smcf;

    /*
     * subrequests (auth_request) share the main request's variables:
     * they are about the main request
     */

    r = r->main;

    ctx = ngx_http_get_module_ctx(r, ngx_http_sockerless_module);

    /*
     * routed without the prefix of the location (ngx_http_sockerless_node.c)
     * the request is in: routed again once nginx has chosen the location
     */

    slcf = ngx_http_get_module_loc_conf(r, ngx_http_sockerless_module);
    prefix = &slcf->prefix;

    if (ctx && ctx->routed
        && ctx->prefix.data == prefix->data && ctx->prefix.len == prefix->len)
    {
        return ctx;
    }

    if (ctx == NULL) {
        ctx = ngx_pcalloc(r->pool, sizeof(ngx_http_sockerless_ctx_t));
        if (ctx == NULL) {
            return NULL;
        }

        ngx_http_set_ctx(r, ctx, ngx_http_sockerless_module);

        ctx->route.op = NGX_SOCKERLESS_OP_NONE;
    }

    if (r->unparsed_uri.data == NULL) {
        /* a request line nginx refused: nothing to route */
        return ctx;
    }

    /* what goes to dockerd, unless a stage rewrites it */

    ctx->target = r->unparsed_uri;
    ctx->prefix = *prefix;
    ctx->prefix_error = NGX_HTTP_SOCKERLESS_PREFIX_OK;
    ctx->op = NULL;

    if (prefix->len) {

        if (r->unparsed_uri.len < prefix->len
            || ngx_strncmp(r->unparsed_uri.data, prefix->data, prefix->len)
               != 0)
        {
            ctx->prefix_error = NGX_HTTP_SOCKERLESS_PREFIX_ENCODED;

        } else if (r->unparsed_uri.len == prefix->len
                   || r->unparsed_uri.data[prefix->len] != '/')
        {
            ctx->prefix_error = NGX_HTTP_SOCKERLESS_PREFIX_PATH;
        }

        if (ctx->prefix_error) {
            ngx_memzero(&ctx->route, sizeof(ngx_sockerless_route_t));
            ctx->route.op = NGX_SOCKERLESS_OP_NONE;
            ctx->routed = 1;

            return ctx;
        }

        ctx->target.data += prefix->len;
        ctx->target.len -= prefix->len;
    }

    /* the path as the client sent it, without the query string */

    uri = ctx->target.data;
    len = ctx->target.len;

    q = ngx_strlchr(uri, uri + len, '?');
    if (q) {
        len = q - uri;
    }

    work = ngx_pnalloc(r->pool, len + 1);
    if (work == NULL) {
        return NULL;
    }

    smcf = ngx_http_get_module_main_conf(r, ngx_http_sockerless_module);

    if (ngx_sockerless_route_indexed(&smcf->route_index, uri, len,
                                     &r->method_name, work, &ctx->route)
        == NGX_OK)
    {
        ctx->op = ngx_sockerless_op(ctx->route.op);
    }

    ctx->routed = 1;

    ngx_log_debug3(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "sockerless route: \"%V\" op:%i canon:%ui",
                   &ctx->route.path, ctx->route.op, ctx->route.canon);

    return ctx;
}


/* the first request header named in "names" (ended by a null string) */

ngx_table_elt_t *
ngx_http_sockerless_header(ngx_http_request_t *r, ngx_str_t *names)
{
    ngx_str_t        *name;
    ngx_uint_t        i;
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h;

    part = &r->headers_in.headers.part;
    h = part->elts;

    for (i = 0; /* void */ ; i++) {

        if (i >= part->nelts) {
            if (part->next == NULL) {
                return NULL;
            }

            part = part->next;
            h = part->elts;
            i = 0;
        }

        for (name = names; name->len; name++) {
            if (h[i].key.len == name->len
                && ngx_strncasecmp(h[i].key.data, name->data, name->len)
                   == 0)
            {
                return &h[i];
            }
        }
    }
}


/* what no policy may let through */

ngx_int_t
ngx_http_sockerless_guard(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx, ngx_http_sockerless_next_pt next)
{
    ngx_table_elt_t                 *h;
    ngx_http_sockerless_loc_conf_t  *slcf;

    if (r != r->main) {
        return ngx_http_sockerless_send_error(r, NGX_HTTP_BAD_REQUEST,
                                  "the Docker API cannot be a subrequest");
    }

    slcf = ngx_http_get_module_loc_conf(r, ngx_http_sockerless_module);

    if (slcf->allow_browsers) {
        return NGX_OK;
    }

    h = ngx_http_sockerless_header(r, ngx_http_sockerless_browser_headers);

    if (h == NULL) {
        h = ngx_http_sockerless_header(r, ngx_http_sockerless_origin_header);

        if (h && ngx_http_sockerless_own_origin(r, &h->value)) {
            /* a websocket client of the endpoint itself (docker-py) */
            h = NULL;
        }
    }

    if (h) {
        /* DNS rebinding and cross-site requests from a web page */

        return ngx_http_sockerless_send_error(r, NGX_HTTP_FORBIDDEN,
                   "requests from web browsers are refused (\"%V\" "
                   "header); set \"sockerless_allow_browsers on\" "
                   "to allow them", &h->key);
    }

    return NGX_OK;
}


/*
 * An Origin that names the endpoint itself, as websocket-client (docker-py's
 * attach_socket(ws=True)) sends it: the scheme of the connection and the
 * Host header exactly, the host an IP literal or "localhost".  A rebinding
 * page's Origin names the attacker's host, which is a name, never an IP
 * literal; a cross-site page's names another origin.  A browser also sends
 * Sec-Fetch-* (refused above) on every request of such a page.
 */

static ngx_uint_t
ngx_http_sockerless_own_origin(ngx_http_request_t *r, ngx_str_t *origin)
{
    u_char      *p, *last, *end;
    size_t       len;
    ngx_str_t    host;
    ngx_uint_t   https;

    if (r->headers_in.host == NULL || r->headers_in.host->value.len == 0) {
        return 0;
    }

    host = r->headers_in.host->value;

#if (NGX_HTTP_SSL)
    https = r->connection->ssl ? 1 : 0;
#else
    https = 0;
#endif

    len = https ? sizeof("https://") - 1 : sizeof("http://") - 1;

    if (origin->len != len + host.len
        || ngx_strncasecmp(origin->data, (u_char *) (https ? "https://"
                                                           : "http://"),
                           len)
           != 0
        || ngx_strncasecmp(origin->data + len, host.data, host.len) != 0)
    {
        return 0;
    }

    /* the host without its port */

    p = host.data;
    last = host.data + host.len;

    if (*p == '[') {
        end = ngx_strlchr(p, last, ']');

        if (end == NULL || (end + 1 != last && end[1] != ':')) {
            return 0;
        }

#if (NGX_HAVE_INET6)
        {
        u_char  addr6[16];

        return ngx_inet6_addr(p + 1, end - p - 1, addr6) == NGX_OK;
        }
#else
        return 0;
#endif
    }

    end = ngx_strlchr(p, last, ':');
    if (end == NULL) {
        end = last;
    }

    if (end - p == 9 && ngx_strncasecmp(p, (u_char *) "localhost", 9) == 0) {
        return 1;
    }

    return ngx_inet_addr(p, end - p) != INADDR_NONE;
}


void *
ngx_http_sockerless_palloc(void *pool, size_t size)
{
    return ngx_palloc((ngx_pool_t *) pool, size);
}


ngx_int_t
ngx_http_sockerless_request_init(ngx_conf_t *cf)
{
    ngx_http_handler_pt        *h;
    ngx_http_core_main_conf_t  *cmcf;

    cmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_core_module);

    h = ngx_array_push(&cmcf->phases[NGX_HTTP_POST_READ_PHASE].handlers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    *h = ngx_http_sockerless_redact_handler;

    return ngx_http_sockerless_headers_init(cf);
}


/*
 * Some queries carry secrets (a build's arguments): the request line that
 * nginx logs with every error and in $request keeps the path only.  This
 * runs before any other phase can log.
 */

static ngx_int_t
ngx_http_sockerless_redact_handler(ngx_http_request_t *r)
{
    u_char                     *p, *q;
    ngx_http_sockerless_ctx_t  *ctx;

    if (r->args.len == 0
        || ngx_strlcasestrn(r->uri.data, r->uri.data + r->uri.len,
                            (u_char *) "/build", 5)
           == NULL)
    {
        /* the only such route, ImageBuild, is "/build" */
        return NGX_DECLINED;
    }

    ctx = ngx_http_sockerless_get_ctx(r);

    if (ctx == NULL
        || !(ctx->op ? (ctx->op->flags & NGX_SOCKERLESS_OP_REDACT_QUERY)
                     : ngx_http_sockerless_redact_prefixed(r)))
    {
        return NGX_DECLINED;
    }

    q = ngx_strlchr(r->request_line.data,
                    r->request_line.data + r->request_line.len, '?');
    if (q == NULL) {
        return NGX_DECLINED;
    }

    p = ngx_pnalloc(r->pool, r->request_line.len + sizeof("? ...") - 1);
    if (p == NULL) {
        return NGX_DECLINED;
    }

    r->request_line.len = ngx_sprintf(p, "%*s?... %V",
                                      q - r->request_line.data,
                                      r->request_line.data,
                                      &r->http_protocol)
                          - p;
    r->request_line.data = p;

    return NGX_DECLINED;
}


/*
 * The location, and so the prefix it removes, is not known yet: a path
 * that routes to an operation whose query is redacted once some leading
 * segments are removed is redacted.
 */

static ngx_uint_t
ngx_http_sockerless_redact_prefixed(ngx_http_request_t *r)
{
    u_char                           *p, *last, *work;
    ngx_sockerless_route_t            rt;
    const ngx_sockerless_op_t        *op;
    ngx_http_sockerless_main_conf_t  *smcf;

    smcf = ngx_http_get_module_main_conf(r, ngx_http_sockerless_module);

    p = r->unparsed_uri.data;
    last = ngx_strlchr(p, p + r->unparsed_uri.len, '?');

    if (last == NULL) {
        return 0;
    }

    work = ngx_pnalloc(r->pool, last - p);
    if (work == NULL) {
        return 1;
    }

    for (p++; p < last; p++) {

        if (*p != '/') {
            continue;
        }

        if (ngx_sockerless_route_indexed(&smcf->route_index, p, last - p,
                                         &r->method_name, work, &rt)
            == NGX_OK)
        {
            op = ngx_sockerless_op(rt.op);

            if (op && (op->flags & NGX_SOCKERLESS_OP_REDACT_QUERY)) {
                return 1;
            }
        }
    }

    return 0;
}


static ngx_int_t
ngx_http_sockerless_headers_init(ngx_conf_t *cf)
{
    ngx_uint_t                        n;
    ngx_array_t                       headers_in;
    ngx_hash_key_t                   *hk;
    ngx_hash_init_t                   hash;
    ngx_http_header_t                *header, *copy;
    ngx_http_core_main_conf_t        *cmcf;
    ngx_http_sockerless_main_conf_t  *smcf;

    cmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_core_module);
    smcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_sockerless_module);

    for (n = 0; ngx_http_headers_in[n].name.len; n++) {
        /* void */
    }

    copy = ngx_palloc(cf->pool, n * sizeof(ngx_http_header_t));
    if (copy == NULL) {
        return NGX_ERROR;
    }

    ngx_memcpy(copy, ngx_http_headers_in, n * sizeof(ngx_http_header_t));

    if (ngx_array_init(&headers_in, cf->temp_pool, n, sizeof(ngx_hash_key_t))
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    for (header = copy; header < copy + n; header++) {

        if (header->name.len == 4
            && ngx_strncasecmp(header->name.data, (u_char *) "Host", 4) == 0)
        {
            smcf->process_host = header->handler;
            header->handler = ngx_http_sockerless_process_host;
        }

        hk = ngx_array_push(&headers_in);
        if (hk == NULL) {
            return NGX_ERROR;
        }

        hk->key = header->name;
        hk->key_hash = ngx_hash_key_lc(header->name.data, header->name.len);
        hk->value = header;
    }

    if (smcf->process_host == NULL) {
        /* an nginx without a "Host" handler: nothing to do */
        return NGX_OK;
    }

    hash.hash = &cmcf->headers_in_hash;
    hash.key = ngx_hash_key_lc;
    hash.max_size = 512;
    hash.bucket_size = ngx_align(64, ngx_cacheline_size);
    hash.name = "headers_in_hash";
    hash.pool = cf->pool;
    hash.temp_pool = NULL;

    return ngx_hash_init(&hash, headers_in.elts, headers_in.nelts);
}


static ngx_int_t
ngx_http_sockerless_process_host(ngx_http_request_t *r, ngx_table_elt_t *h,
    ngx_uint_t offset)
{
    ngx_http_sockerless_loc_conf_t   *slcf;
    ngx_http_sockerless_main_conf_t  *smcf;

    smcf = ngx_http_get_module_main_conf(r, ngx_http_sockerless_module);

    if (h->value.len == 0
        && r->headers_in.host == NULL
        && r->connection->sockaddr->sa_family == AF_UNIX)
    {
        /* the listener's default server: does it serve the Docker API? */

        slcf = ngx_http_get_module_loc_conf(r, ngx_http_sockerless_module);

        if (slcf->json_errors == 1) {
            r->headers_in.host = h;
            return NGX_OK;
        }
    }

    return smcf->process_host(r, h, offset);
}


/*
 * An empty buffer's memory back to the heap, the ngx_buf_t kept for the
 * next bytes.  NGX_DECLINED: the memory is the pool's own (a buffer
 * smaller than a pool block), and stays.
 */

ngx_int_t
ngx_http_sockerless_free_buf(ngx_pool_t *pool, ngx_buf_t *b)
{
    if (ngx_pfree(pool, b->start) != NGX_OK) {
        return NGX_DECLINED;
    }

    b->start = NULL;
    b->pos = NULL;
    b->last = NULL;
    b->end = NULL;

    return NGX_OK;
}
