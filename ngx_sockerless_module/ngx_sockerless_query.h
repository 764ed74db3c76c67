
/*
 * Copyright (C) ngx_sockerless developers
 */


#ifndef _NGX_SOCKERLESS_QUERY_H_INCLUDED_
#define _NGX_SOCKERLESS_QUERY_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>

#include "ngx_sockerless_json.h"


/*
 * Query parameters as dockerd reads them: Go's net/url ParseQuery behind
 * Request.FormValue().  Names and values are decoded ("+" is a space),
 * names match exactly, the first match wins.  Go refuses a bad escape and
 * ";" (and dockerd's handler then sees no form at all): NGX_ERROR here, so
 * that a caller refuses the request.  Pure: memory comes from "alloc".
 *
 * Returns NGX_OK with "value" set (a name without "=" has the value ""),
 * NGX_DECLINED when there is no such parameter, NGX_ERROR for a query Go
 * refuses or when "alloc" fails (then value->data is NULL).
 */
ngx_int_t ngx_sockerless_query_get(ngx_str_t *args, const char *name,
    ngx_str_t *value, ngx_sockerless_alloc_pt alloc, void *data);

/* NGX_OK when Go parses the whole query, NGX_ERROR when it refuses it */
ngx_int_t ngx_sockerless_query_valid(ngx_str_t *args);


#endif /* _NGX_SOCKERLESS_QUERY_H_INCLUDED_ */
