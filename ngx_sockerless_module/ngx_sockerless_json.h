
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
 * Returns NGX_OK, NGX_DECLINED when there is no such string (or the
 * document is no object), or NGX_ERROR when "json" is not JSON.  Invalid
 * UTF-8 and data after the document are accepted, as Go's json.Decoder
 * accepts them.
 */
ngx_int_t ngx_sockerless_json_string(u_char *json, size_t len,
    const char *key, const char *sub, u_char *buf, size_t size,
    ngx_str_t *value);

/*
 * A strict reader: a JSON document parsed to a tree only when Go and any
 * other reader must agree on it.  Refused: invalid UTF-8, NUL, comments,
 * trailing data, nesting deeper than NGX_SOCKERLESS_JSON_DEPTH, and keys
 * that repeat in an object, exactly or once folded as Go folds them.
 */

#define NGX_SOCKERLESS_JSON_NULL     0
#define NGX_SOCKERLESS_JSON_FALSE    1
#define NGX_SOCKERLESS_JSON_TRUE     2
#define NGX_SOCKERLESS_JSON_NUMBER   3
#define NGX_SOCKERLESS_JSON_STRING   4
#define NGX_SOCKERLESS_JSON_OBJECT   5
#define NGX_SOCKERLESS_JSON_ARRAY    6

#define NGX_SOCKERLESS_JSON_DEPTH    32


typedef struct ngx_sockerless_jv_s  ngx_sockerless_jv_t;

struct ngx_sockerless_jv_s {
    ngx_uint_t                 type;
    ngx_str_t                  key;       /* the member name in an object */
    ngx_str_t                  str;       /* a string, or a number's text */
    ngx_uint_t                 n;         /* members or elements */
    ngx_sockerless_jv_t       *child;     /* the first of them */
    ngx_sockerless_jv_t       *last;      /* the last of them */
    ngx_sockerless_jv_t       *next;
    ngx_sockerless_jv_t       *parent;
    size_t                     off;       /* the value's bytes in the */
    size_t                     end;       /* document: [off, end) */
};


typedef void *(*ngx_sockerless_alloc_pt)(void *data, size_t size);


/*
 * Parses "json" into a tree allocated with "alloc".  Returns the root, or
 * NULL with "err" set to a short reason (static text), or to NULL when
 * "alloc" failed.
 */
ngx_sockerless_jv_t *ngx_sockerless_json_parse(u_char *json, size_t len,
    ngx_sockerless_alloc_pt alloc, void *data, const char **err);

/*
 * The same reader without its shortcuts, byte by byte: the same answer
 * for every input, slower (the fuzz target that compares them).
 */
ngx_sockerless_jv_t *ngx_sockerless_json_parse_reference(u_char *json,
    size_t len, ngx_sockerless_alloc_pt alloc, void *data, const char **err);

/* the member of an object whose key Go would match to "name", or NULL */
ngx_sockerless_jv_t *ngx_sockerless_json_get(ngx_sockerless_jv_t *obj,
    const char *name);

/* an array, object or string with something in it, true, or a number not 0 */
ngx_uint_t ngx_sockerless_json_set(ngx_sockerless_jv_t *v);

/* a string that is "s" exactly, as dockerd compares names */
ngx_uint_t ngx_sockerless_json_eq(ngx_sockerless_jv_t *v, const char *s);

/* a string that is "s" in any case of ASCII letters */
ngx_uint_t ngx_sockerless_json_caseeq(ngx_sockerless_jv_t *v, const char *s);

/* a replacement of the bytes [off, end) of a document by "text" */

typedef struct {
    size_t                     off;
    size_t                     end;
    ngx_str_t                  text;
} ngx_sockerless_edit_t;


/*
 * "json" with "edits" made (n of them, sorted by their offsets, none
 * overlapping another) into "out", allocated with "alloc"; everything
 * else stays byte for byte.  NGX_ERROR: "alloc" failed.
 */
ngx_int_t ngx_sockerless_json_edit(ngx_str_t *json,
    ngx_sockerless_edit_t *edits, ngx_uint_t n, ngx_str_t *out,
    ngx_sockerless_alloc_pt alloc, void *data);

/*
 * "src" as the inside of a JSON string, into "dst" (NULL: only the length
 * is returned): quotes, backslashes and control characters escaped
 */
size_t ngx_sockerless_json_escape(u_char *dst, u_char *src, size_t len);

/* Go's strings.EqualFold for a key against an ASCII name */
ngx_uint_t ngx_sockerless_json_key_match(u_char *key, size_t len,
    const char *name);


#endif /* _NGX_SOCKERLESS_JSON_H_INCLUDED_ */
