
/*
 * Copyright (C) ngx_sockerless developers
 */


#ifndef _NGX_SOCKERLESS_JSON_H_INCLUDED_
#define _NGX_SOCKERLESS_JSON_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>


/*
 * Reading single members of JSON documents the way dockerd's Go decoder
 * reads them: keys match case-insensitively (with Go's simple folding of
 * U+017F and U+212A), the last matching member wins, and null leaves an
 * earlier value.  Pure: yajl and libc only.
 */


/*
 * Finds the string value of "key" in the top-level object, or, with
 * "sub" set, of "sub" in the object that "key" names.  The value is copied
 * into "buf" (at most "size" bytes, then cut) and "value" points to it.
 * Returns NGX_OK, NGX_DECLINED when there is no such string, or NGX_ERROR
 * when "json" is not a JSON object.
 */
ngx_int_t ngx_sockerless_json_string(u_char *json, size_t len,
    const char *key, const char *sub, u_char *buf, size_t size,
    ngx_str_t *value);

/* Go's strings.EqualFold for a key against an ASCII name */
ngx_uint_t ngx_sockerless_json_key_match(u_char *key, size_t len,
    const char *name);


#endif /* _NGX_SOCKERLESS_JSON_H_INCLUDED_ */
