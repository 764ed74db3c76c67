
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

/*
 * The query with the first parameter "name" (or a new one at the end)
 * set to "value", escaped; the rest stays byte for byte.  NGX_ERROR:
 * "alloc" failed.  The query is valid (ngx_sockerless_query_valid()).
 */
ngx_int_t ngx_sockerless_query_set(ngx_str_t *args, const char *name,
    ngx_str_t *value, ngx_str_t *out, ngx_sockerless_alloc_pt alloc,
    void *data);

/*
 * The query with the label filters "labels" (n of them, "key=value" or
 * "key") added to those of its "filters" parameter, in the form the
 * client wrote them in (dockerd's filters.FromJSON takes a map of lists,
 * {"label":["a=b"]}, or a map of maps, {"label":{"a=b":true}}, and refuses
 * a mix): label filters are ANDed, so the answer only narrows.  The rest
 * of the query and of the filters stays byte for byte.  NGX_OK with "out"
 * set, NGX_DECLINED when "filters" is no JSON object of lists or maps
 * ("reason" says why), NGX_ERROR when "alloc" failed.
 */
ngx_int_t ngx_sockerless_query_filters(ngx_str_t *args, ngx_str_t *labels,
    ngx_uint_t n, ngx_str_t *out, const char **reason,
    ngx_sockerless_alloc_pt alloc, void *data);


#endif /* _NGX_SOCKERLESS_QUERY_H_INCLUDED_ */
