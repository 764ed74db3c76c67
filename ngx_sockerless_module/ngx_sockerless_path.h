
/*
 * Copyright (C) ngx_sockerless developers
 */


#ifndef _NGX_SOCKERLESS_PATH_H_INCLUDED_
#define _NGX_SOCKERLESS_PATH_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>


/*
 * Host paths and patterns as the policy compares them.  Pure: no
 * allocation, no file system access.
 */


/* "*" matches any characters, "/" included */
ngx_uint_t ngx_sockerless_glob(u_char *pattern, size_t plen, u_char *s,
    size_t len);

/*
 * Cleans an absolute path lexically, as Go's filepath.Clean does, into
 * "buf" (len + 1 bytes); returns the length, or 0 if "path" is relative.
 */
size_t ngx_sockerless_path_clean(u_char *path, size_t len, u_char *buf);

/* a cleaned path is "base" or under it, compared component by component */
ngx_uint_t ngx_sockerless_path_under(ngx_str_t *base, ngx_str_t *path);


#endif /* _NGX_SOCKERLESS_PATH_H_INCLUDED_ */
