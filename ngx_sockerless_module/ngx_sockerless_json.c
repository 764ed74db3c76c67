
/*
 * Copyright (C) ngx_sockerless developers
 */


#include <ngx_config.h>
#include <ngx_core.h>

#include <yajl/yajl_parse.h>

#include "ngx_sockerless_json.h"


typedef struct {
    const char                *key;
    const char                *sub;

    u_char                    *buf;
    size_t                     size;
    ngx_str_t                 *value;

    ngx_uint_t                 depth;
    ngx_uint_t                 in_key;     /* depth 1 member is "key" */
    ngx_uint_t                 want;       /* the next value is wanted */
    ngx_uint_t                 found;
} ngx_sockerless_json_ctx_t;


static int ngx_sockerless_json_null(void *data);
static int ngx_sockerless_json_scalar(void *data);
static int ngx_sockerless_json_boolean(void *data, int v);
static int ngx_sockerless_json_number(void *data, const char *s, size_t len);
static int ngx_sockerless_json_str(void *data, const unsigned char *s,
    size_t len);
static int ngx_sockerless_json_start_map(void *data);
static int ngx_sockerless_json_map_key(void *data, const unsigned char *s,
    size_t len);
static int ngx_sockerless_json_end(void *data);
static int ngx_sockerless_json_start_array(void *data);


static const yajl_callbacks  ngx_sockerless_json_callbacks = {
    ngx_sockerless_json_null,
    ngx_sockerless_json_boolean,
    NULL,
    NULL,
    ngx_sockerless_json_number,
    ngx_sockerless_json_str,
    ngx_sockerless_json_start_map,
    ngx_sockerless_json_map_key,
    ngx_sockerless_json_end,
    ngx_sockerless_json_start_array,
    ngx_sockerless_json_end
};


ngx_int_t
ngx_sockerless_json_string(u_char *json, size_t len, const char *key,
    const char *sub, u_char *buf, size_t size, ngx_str_t *value)
{
    ngx_int_t                  rc;
    yajl_handle                h;
    yajl_status                st;
    ngx_sockerless_json_ctx_t  ctx;

    ngx_memzero(&ctx, sizeof(ngx_sockerless_json_ctx_t));

    ctx.key = key;
    ctx.sub = sub;
    ctx.buf = buf;
    ctx.size = size;
    ctx.value = value;

    value->len = 0;
    value->data = buf;

    h = yajl_alloc(&ngx_sockerless_json_callbacks, NULL, &ctx);
    if (h == NULL) {
        return NGX_ERROR;
    }

    st = yajl_parse(h, json, len);

    if (st == yajl_status_ok) {
        st = yajl_complete_parse(h);
    }

    yajl_free(h);

    if (st != yajl_status_ok) {
        rc = NGX_ERROR;

    } else {
        rc = ctx.found ? NGX_OK : NGX_DECLINED;
    }

    return rc;
}


ngx_uint_t
ngx_sockerless_json_key_match(u_char *key, size_t len, const char *name)
{
    u_char   c, n;
    size_t   i;

    for (i = 0; *name; name++) {

        if (i >= len) {
            return 0;
        }

        n = ngx_tolower((u_char) *name);

        /* U+017F LATIN SMALL LETTER LONG S folds to "s" */

        if (n == 's' && len - i >= 2 && key[i] == 0xc5 && key[i + 1] == 0xbf) {
            i += 2;
            continue;
        }

        /* U+212A KELVIN SIGN folds to "k" */

        if (n == 'k' && len - i >= 3
            && key[i] == 0xe2 && key[i + 1] == 0x84 && key[i + 2] == 0xaa)
        {
            i += 3;
            continue;
        }

        c = ngx_tolower(key[i]);

        if (c != n) {
            return 0;
        }

        i++;
    }

    return i == len;
}


static int
ngx_sockerless_json_null(void *data)
{
    ngx_sockerless_json_ctx_t  *ctx = data;

    /* null leaves an earlier value, as in Go */

    ctx->want = 0;

    return 1;
}


static int
ngx_sockerless_json_scalar(void *data)
{
    ngx_sockerless_json_ctx_t  *ctx = data;

    if (ctx->want) {
        /* not a string: what was found before does not count */
        ctx->found = 0;
        ctx->want = 0;
    }

    return 1;
}


static int
ngx_sockerless_json_boolean(void *data, int v)
{
    return ngx_sockerless_json_scalar(data);
}


static int
ngx_sockerless_json_number(void *data, const char *s, size_t len)
{
    return ngx_sockerless_json_scalar(data);
}


static int
ngx_sockerless_json_str(void *data, const unsigned char *s, size_t len)
{
    ngx_sockerless_json_ctx_t  *ctx = data;

    if (!ctx->want) {
        return 1;
    }

    ctx->want = 0;
    ctx->found = 1;

    len = ngx_min(len, ctx->size);

    ngx_memcpy(ctx->buf, s, len);
    ctx->value->data = ctx->buf;
    ctx->value->len = len;

    return 1;
}


static int
ngx_sockerless_json_start_map(void *data)
{
    ngx_sockerless_json_ctx_t  *ctx = data;

    if (ctx->want && ctx->sub == NULL) {
        ngx_sockerless_json_scalar(data);
    }

    ctx->want = 0;
    ctx->depth++;

    return 1;
}


static int
ngx_sockerless_json_map_key(void *data, const unsigned char *s, size_t len)
{
    ngx_sockerless_json_ctx_t  *ctx = data;

    if (ctx->depth == 1) {
        ctx->in_key = ngx_sockerless_json_key_match((u_char *) s, len,
                                                    ctx->key);
        ctx->want = (ctx->in_key && ctx->sub == NULL);

    } else if (ctx->depth == 2 && ctx->in_key && ctx->sub) {
        ctx->want = ngx_sockerless_json_key_match((u_char *) s, len,
                                                  ctx->sub);

    } else {
        ctx->want = 0;
    }

    return 1;
}


static int
ngx_sockerless_json_end(void *data)
{
    ngx_sockerless_json_ctx_t  *ctx = data;

    ctx->want = 0;

    if (ctx->depth) {
        ctx->depth--;
    }

    return 1;
}


static int
ngx_sockerless_json_start_array(void *data)
{
    ngx_sockerless_json_ctx_t  *ctx = data;

    if (ctx->want) {
        ngx_sockerless_json_scalar(data);
    }

    ctx->depth++;

    return 1;
}
