
/*
 * Copyright (C) ngx_sockerless developers
 */


/*
 * The node: which Docker daemon a request goes to, in a fleet of them
 * behind one nginx (docs/fleets.md).
 *
 * "sockerless_pass" names an upstream{} or a unix socket; with variables,
 * their value does, per request (a map on the server name, an identity, a
 * part of the path).  A value that names neither is a node that does not
 * exist: Docker JSON, before any policy.  Side requests (auto-pull, the
 * names a policy has dockerd resolve) go to the node the request goes to
 * (ngx_http_sockerless_client_addr()).
 *
 * In a prefix location the location's prefix is not part of what dockerd
 * sees: "location /n1/" serves DOCKER_HOST=tcp://gw:2376/n1, whose
 * clients send "/n1/v1.41/containers/json" (a location of the API's own
 * paths, "location /v1.41/images/load", is not a node's prefix: its first
 * segment is one the API routes).  The prefix is removed from
 * the request target as sent, and only when the target begins with it as
 * written: nginx chose the location on the decoded, normalized path, and
 * a target that reached the location in other spelling is refused rather
 * than guessed at (ngx_http_sockerless_request.c routes what is left).
 *
 * Nodes over TLS (sockerless_ssl): a central gateway talking to the
 * module on each host, with a client certificate, as proxy_ssl_* do.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_sockerless_module.h"


#if (NGX_HTTP_SSL)
static char *ngx_http_sockerless_node_ssl(ngx_conf_t *cf,
    ngx_http_sockerless_loc_conf_t *conf);
#endif


/*
 * The argument of sockerless_pass: variables, or an upstream{} or address
 * known at configuration time; and the prefix of the location.
 */

char *
ngx_http_sockerless_pass(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_sockerless_loc_conf_t *slcf = conf;

    u_char                            *p, *q, *last;
    ngx_str_t                         *value;
    ngx_url_t                          u;
    ngx_http_core_loc_conf_t          *clcf;
    ngx_http_compile_complex_value_t   ccv;

    if (slcf->upstream.upstream || slcf->pass) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (ngx_http_script_variables_count(&value[1])) {

        slcf->pass = ngx_palloc(cf->pool, sizeof(ngx_http_complex_value_t));
        if (slcf->pass == NULL) {
            return NGX_CONF_ERROR;
        }

        ngx_memzero(&ccv, sizeof(ngx_http_compile_complex_value_t));

        ccv.cf = cf;
        ccv.value = &value[1];
        ccv.complex_value = slcf->pass;

        if (ngx_http_compile_complex_value(&ccv) != NGX_OK) {
            return NGX_CONF_ERROR;
        }

    } else {
        ngx_memzero(&u, sizeof(ngx_url_t));

        u.url = value[1];
        u.no_resolve = 1;

        slcf->upstream.upstream = ngx_http_upstream_add(cf, &u, 0);
        if (slcf->upstream.upstream == NULL) {
            return NGX_CONF_ERROR;
        }

        slcf->node = value[1];
    }

    /*
     * "location /n1/" and "location /n1" remove "/n1"; a location of the
     * API's own paths ("location /v1.41/images/load", "location
     * /containers/") removes nothing
     */

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);

    if (!clcf->exact_match && !clcf->named && !clcf->noname
#if (NGX_PCRE)
        && clcf->regex == NULL
#endif
        && clcf->name.len > 1 && clcf->name.data[0] == '/')
    {
        p = clcf->name.data + 1;
        last = clcf->name.data + clcf->name.len;
        q = ngx_strlchr(p, last, '/');

        if (!ngx_sockerless_route_segment(p, (q ? q : last) - p)) {
            slcf->prefix = clcf->name;

            if (slcf->prefix.data[slcf->prefix.len - 1] == '/') {
                slcf->prefix.len--;
            }
        }
    }

    return NGX_CONF_OK;
}


void
ngx_http_sockerless_node_create_conf(ngx_http_sockerless_loc_conf_t *conf)
{
    /*
     * set by ngx_pcalloc():
     *
     *     conf->pass = NULL;
     *     conf->node = { 0, NULL };
     *     conf->prefix = { 0, NULL };
     *     conf->ssl_certificate = { 0, NULL };
     *     conf->ssl_certificate_key = { 0, NULL };
     *     conf->ssl_trusted_certificate = { 0, NULL };
     */

    conf->ssl = NGX_CONF_UNSET;
    conf->ssl_verify_depth = NGX_CONF_UNSET_UINT;

#if (NGX_HTTP_SSL)
    conf->upstream.ssl_verify = NGX_CONF_UNSET;
    conf->upstream.ssl_name = NGX_CONF_UNSET_PTR;
#endif
}


char *
ngx_http_sockerless_node_merge(ngx_conf_t *cf,
    ngx_http_sockerless_loc_conf_t *prev,
    ngx_http_sockerless_loc_conf_t *conf)
{
    ngx_uint_t  own;

    if (conf->upstream.upstream == NULL && conf->pass == NULL) {
        conf->upstream.upstream = prev->upstream.upstream;
        conf->pass = prev->pass;
        conf->node = prev->node;
    }

    /* TLS settings of this level, or all inherited: one context then */

    own = conf->ssl != NGX_CONF_UNSET
          || conf->ssl_certificate.data || conf->ssl_certificate_key.data
          || conf->ssl_trusted_certificate.data
          || conf->ssl_verify_depth != NGX_CONF_UNSET_UINT
#if (NGX_HTTP_SSL)
          || conf->upstream.ssl_verify != NGX_CONF_UNSET
#endif
          ;

    ngx_conf_merge_value(conf->ssl, prev->ssl, 0);
    ngx_conf_merge_str_value(conf->ssl_certificate,
                             prev->ssl_certificate, "");
    ngx_conf_merge_str_value(conf->ssl_certificate_key,
                             prev->ssl_certificate_key, "");
    ngx_conf_merge_str_value(conf->ssl_trusted_certificate,
                             prev->ssl_trusted_certificate, "");
    ngx_conf_merge_uint_value(conf->ssl_verify_depth,
                              prev->ssl_verify_depth, 1);

#if (NGX_HTTP_SSL)

    ngx_conf_merge_value(conf->upstream.ssl_verify,
                         prev->upstream.ssl_verify, 0);
    ngx_conf_merge_ptr_value(conf->upstream.ssl_name,
                             prev->upstream.ssl_name, NULL);

    /* SNI with the node's name, sessions reused, as a client does */

    conf->upstream.ssl_server_name = 1;
    conf->upstream.ssl_session_reuse = 1;

    if (!conf->ssl) {
        conf->upstream.ssl = NULL;
        return NGX_CONF_OK;
    }

    if (!own && prev->upstream.ssl) {
        conf->upstream.ssl = prev->upstream.ssl;
        return NGX_CONF_OK;
    }

    return ngx_http_sockerless_node_ssl(cf, conf);

#else

    if (conf->ssl) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"sockerless_ssl\" needs nginx built with the "
                           "http_ssl_module");
        return NGX_CONF_ERROR;
    }

    (void) own;

    return NGX_CONF_OK;

#endif
}


#if (NGX_HTTP_SSL)

static char *
ngx_http_sockerless_node_ssl(ngx_conf_t *cf,
    ngx_http_sockerless_loc_conf_t *conf)
{
    ngx_ssl_t           *ssl;
    ngx_str_t            ciphers = ngx_string("DEFAULT");
    ngx_pool_cleanup_t  *cln;

    ssl = ngx_pcalloc(cf->pool, sizeof(ngx_ssl_t));
    if (ssl == NULL) {
        return NGX_CONF_ERROR;
    }

    ssl->log = cf->log;

    if (ngx_ssl_create(ssl, NGX_SSL_TLSv1_2|NGX_SSL_TLSv1_3, NULL)
        != NGX_OK)
    {
        return NGX_CONF_ERROR;
    }

    cln = ngx_pool_cleanup_add(cf->pool, 0);
    if (cln == NULL) {
        ngx_ssl_cleanup_ctx(ssl);
        return NGX_CONF_ERROR;
    }

    cln->handler = ngx_ssl_cleanup_ctx;
    cln->data = ssl;

    conf->upstream.ssl = ssl;

    if (ngx_ssl_ciphers(cf, ssl, &ciphers, 0) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    if (conf->ssl_certificate.len) {

        if (conf->ssl_certificate_key.len == 0) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "no \"sockerless_ssl_certificate_key\" for "
                               "sockerless_ssl_certificate \"%V\"",
                               &conf->ssl_certificate);
            return NGX_CONF_ERROR;
        }

        if (ngx_ssl_certificate(cf, ssl, &conf->ssl_certificate,
                                &conf->ssl_certificate_key, NULL)
            != NGX_OK)
        {
            return NGX_CONF_ERROR;
        }
    }

    if (conf->upstream.ssl_verify) {

        if (conf->ssl_trusted_certificate.len == 0) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "no \"sockerless_ssl_trusted_certificate\" "
                               "for sockerless_ssl_verify");
            return NGX_CONF_ERROR;
        }

        if (ngx_ssl_trusted_certificate(cf, ssl,
                                        &conf->ssl_trusted_certificate,
                                        conf->ssl_verify_depth)
            != NGX_OK)
        {
            return NGX_CONF_ERROR;
        }
    }

    if (ngx_ssl_client_session_cache(cf, ssl, 1) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}

#endif


/*
 * The node of the request, in ctx->node and ctx->node_upstream or
 * ctx->node_addr: NGX_OK, NGX_DECLINED when the location names none (the
 * value of sockerless_pass names no upstream{} and no socket), or
 * NGX_ERROR.  Looked up again when the request is in another location
 * than the last time.
 */

ngx_int_t
ngx_http_sockerless_node_find(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx)
{
    ngx_str_t                        value;
    ngx_url_t                        url;
    ngx_uint_t                       i;
    ngx_http_upstream_srv_conf_t   **uscfp;
    ngx_http_upstream_main_conf_t   *umcf;
    ngx_http_sockerless_loc_conf_t  *slcf;

    r = r->main;

    slcf = ngx_http_get_module_loc_conf(r, ngx_http_sockerless_module);

    if (ctx->node_conf == slcf) {
        return ctx->node_found ? NGX_OK : NGX_DECLINED;
    }

    ctx->node_conf = slcf;
    ctx->node_found = 0;
    ctx->node_upstream = NULL;
    ctx->node_addr = NULL;
    ngx_str_null(&ctx->node);

    if (slcf->pass == NULL) {

        if (slcf->upstream.upstream == NULL) {
            return NGX_DECLINED;
        }

        ctx->node = slcf->node;
        ctx->node_upstream = slcf->upstream.upstream;
        ctx->node_found = 1;

        return NGX_OK;
    }

    if (ngx_http_complex_value(r, slcf->pass, &value) != NGX_OK) {
        ctx->node_conf = NULL;
        return NGX_ERROR;
    }

    ctx->node = value;

    if (value.len > 5 && ngx_strncasecmp(value.data, (u_char *) "unix:", 5)
                         == 0)
    {
        ngx_memzero(&url, sizeof(ngx_url_t));

        url.url = value;
        url.no_resolve = 1;

        if (ngx_parse_url(r->pool, &url) != NGX_OK || url.naddrs == 0) {
            ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                          "sockerless_pass: \"%V\": %s", &value,
                          url.err ? url.err : "no address");
            return NGX_DECLINED;
        }

        ctx->node_addr = &url.addrs[0];
        ctx->node_found = 1;

        return NGX_OK;
    }

    /* an upstream{} block, by its name */

    umcf = ngx_http_get_module_main_conf(r, ngx_http_upstream_module);
    uscfp = umcf->upstreams.elts;

    for (i = 0; i < umcf->upstreams.nelts; i++) {

        if ((uscfp[i]->flags & NGX_HTTP_UPSTREAM_CREATE)
            && uscfp[i]->host.len == value.len
            && ngx_strncasecmp(uscfp[i]->host.data, value.data, value.len)
               == 0)
        {
            ctx->node_upstream = uscfp[i];
            ctx->node_found = 1;

            return NGX_OK;
        }
    }

    return NGX_DECLINED;
}


/*
 * The stage: a request for a node that does not exist, or whose target
 * does not begin with the location's prefix as sent, ends here.
 */

ngx_int_t
ngx_http_sockerless_node(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx, ngx_http_sockerless_next_pt next)
{
    ngx_int_t                        rc;
    ngx_http_sockerless_loc_conf_t  *slcf;

    slcf = ngx_http_get_module_loc_conf(r, ngx_http_sockerless_module);

    switch (ctx->prefix_error) {

    case NGX_HTTP_SOCKERLESS_PREFIX_ENCODED:
        return ngx_http_sockerless_send_error(r, NGX_HTTP_BAD_REQUEST,
                   "the request target does not begin with \"%V\" as "
                   "written: a prefix spelled otherwise is not removed",
                   &slcf->prefix);

    case NGX_HTTP_SOCKERLESS_PREFIX_PATH:
        return ngx_http_sockerless_send_error(r, NGX_HTTP_NOT_FOUND,
                                              "page not found");
    }

    rc = ngx_http_sockerless_node_find(r, ctx);

    if (rc == NGX_ERROR) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (rc == NGX_DECLINED) {

        if (ctx->node.len == 0) {
            return ngx_http_sockerless_send_error(r, NGX_HTTP_NOT_FOUND,
                       "no Docker node for this request (the value of "
                       "sockerless_pass is empty)");
        }

        return ngx_http_sockerless_send_error(r, NGX_HTTP_NOT_FOUND,
                   "no such Docker node: \"%V\"", &ctx->node);
    }

    return NGX_OK;
}


/* the upstream of the request's node: ngx_http_upstream_init() finds it */

ngx_int_t
ngx_http_sockerless_node_upstream(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx, ngx_http_upstream_t *u)
{
    ngx_http_upstream_resolved_t    *rs;
    ngx_http_sockerless_loc_conf_t  *slcf;

    slcf = ngx_http_get_module_loc_conf(r, ngx_http_sockerless_module);

#if (NGX_HTTP_SSL)

    if (slcf->ssl) {
        u->ssl = 1;
        ngx_str_set(&u->schema, "https://");
    }

#endif

    if (slcf->pass == NULL) {
        /* u->conf->upstream */
        return NGX_OK;
    }

    rs = ngx_pcalloc(r->pool, sizeof(ngx_http_upstream_resolved_t));
    if (rs == NULL) {
        return NGX_ERROR;
    }

    if (ctx->node_upstream) {
        rs->host = ctx->node_upstream->host;
        rs->no_port = 1;

    } else {
        rs->host = ctx->node;
        rs->sockaddr = ctx->node_addr->sockaddr;
        rs->socklen = ctx->node_addr->socklen;
        rs->name = ctx->node_addr->name;
        rs->naddrs = 1;
    }

    u->resolved = rs;

    return NGX_OK;
}


/*
 * The name a node's certificate is checked against, and sent as SNI:
 * sockerless_ssl_name, or the node's name ("node": an upstream's name or
 * an address), without a port.
 */

ngx_int_t
ngx_http_sockerless_node_ssl_name(ngx_http_request_t *r, ngx_str_t *node,
    ngx_str_t *name)
{
    u_char                          *p, *last;
    ngx_http_sockerless_loc_conf_t  *slcf;

    slcf = ngx_http_get_module_loc_conf(r, ngx_http_sockerless_module);

#if (NGX_HTTP_SSL)

    if (slcf->upstream.ssl_name) {
        if (ngx_http_complex_value(r, slcf->upstream.ssl_name, name)
            != NGX_OK)
        {
            return NGX_ERROR;
        }

    } else
#endif
    {
        *name = *node;
    }

    p = name->data;
    last = p + name->len;

    if (p < last && *p == '[') {
        p = ngx_strlchr(p, last, ']');

        if (p == NULL) {
            p = name->data;
        }
    }

    p = ngx_strlchr(p, last, ':');

    if (p) {
        name->len = p - name->data;
    }

    return NGX_OK;
}
