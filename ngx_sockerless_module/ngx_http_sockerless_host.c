
/*
 * Copyright (C) ngx_sockerless developers
 */


/*
 * An empty "Host" header over a unix socket.
 *
 * A request target without an authority may come with an empty "Host"
 * (RFC 9112, 3.2), and the docker CLI of Debian 12 (20.10) sends one on
 * exec, attach and "run -i" over a unix socket.  nginx refuses an empty
 * host with 400 before any module runs.  In servers with sockerless
 * locations, on unix listeners only, the module takes such a header as
 * no host at all: the request goes to the listener's default server.
 *
 * nginx looks request headers up in the http block's headers_in_hash,
 * whose values point into ngx_http_headers_in[].  The hash is made again
 * here from a copy of that table in which "Host" has the module's
 * handler: nothing global changes, and the copy goes with the cycle.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_sockerless_module.h"


static ngx_int_t ngx_http_sockerless_process_host(ngx_http_request_t *r,
    ngx_table_elt_t *h, ngx_uint_t offset);


ngx_int_t
ngx_http_sockerless_host_init(ngx_conf_t *cf)
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
