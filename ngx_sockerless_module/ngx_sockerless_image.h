
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


#endif /* _NGX_SOCKERLESS_IMAGE_H_INCLUDED_ */
