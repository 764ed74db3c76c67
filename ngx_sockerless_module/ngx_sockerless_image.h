
/*
 * Copyright (C) ngx_sockerless developers
 */


#ifndef _NGX_SOCKERLESS_IMAGE_H_INCLUDED_
#define _NGX_SOCKERLESS_IMAGE_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>


/*
 * Splits an image reference the way the docker CLI does before a pull:
 * "fromImage" is the name without tag or digest, "tag" the digest when
 * there is one ("name@sha256:..."), else the tag, else "latest".
 * "busybox" gives busybox/latest, "127.0.0.1:5000/team/app:1" gives
 * 127.0.0.1:5000/team/app/1.  Pure: no allocation, the results point into
 * "ref".  Returns NGX_ERROR for an empty name or an empty tag or digest.
 */
ngx_int_t ngx_sockerless_image_split(u_char *ref, size_t len,
    ngx_str_t *name, ngx_str_t *tag);


/*
 * The reference as dockerd normalizes it: "busybox" is
 * "docker.io/library/busybox:latest", "team/app" is
 * "docker.io/team/app:latest", "127.0.0.1:5000/app@sha256:..." stays as
 * it is.  "buf" takes at least len + 32 bytes.  Returns the length, or 0
 * for a reference that is not a name (an empty one, or an image ID:
 * "sha256:..." or a bare hexadecimal string, which dockerd may take for
 * an ID prefix).
 */
size_t ngx_sockerless_image_normalize(u_char *ref, size_t len, u_char *buf);

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


#endif /* _NGX_SOCKERLESS_IMAGE_H_INCLUDED_ */
