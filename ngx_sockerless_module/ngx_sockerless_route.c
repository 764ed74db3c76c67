
/*
 * Copyright (C) ngx_sockerless developers
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include "ngx_sockerless_route.h"


/*
 * The router mirrors dockerd's (moby's api/server, gorilla/mux 1.8.0) for
 * dockerd 20.10 and the routes added since:
 *
 * - Go's server decodes the request target (url.URL.Path) before routing,
 *   and answers 400 for a malformed escape; the mux matches routes against
 *   the decoded path and answers a 301 to the cleaned path for "//", "."
 *   and "..", so only an already clean path reaches a handler.  A trailing
 *   slash survives cleaning: "/volumes/" is VolumeInspect of "", and
 *   "/containers/json/" is no route at all.
 *
 * - every route is registered twice, as "/v{version:[0-9.]+}" + route and
 *   as route; the version is the first segment, so stripping it and then
 *   matching the rest is equivalent.
 *
 * - the first registered route whose pattern and method match wins; the
 *   table below is in dockerd's registration order (the checkpoint router
 *   first: its DELETE would otherwise be ContainerDelete).  Methods match
 *   exactly: a GET route does not answer HEAD.
 *
 * - placeholders: "{x:.*}" matches anything, "/" included, "{x:.+}" the
 *   same but not the empty string, and "{x}" one segment ("[^/]+").  The
 *   regular expressions are greedy, so "/containers/a/json/json" is the
 *   inspection of "a/json".
 *
 * Where the router is stricter than dockerd: a decoded control character
 * (dockerd routes "%00"; "." does not match "\n" though) is CONTROL, and a
 * target that is not an absolute path, absolute-form included, RELATIVE;
 * neither has an operation.  The version is parsed as dockerd compares it
 * (see ngx_sockerless_version()), and flagged when it is not "N.M".
 *
 * Groups: "read" is what reveals state but no contents (inspection, lists,
 * info, version, events, df, ping, search, history, privileges), never the
 * logs, files, changes, processes or statistics of a container nor saved
 * images, which are "content", and never the swarm unlock key; service and
 * task logs are container logs, hence "content".  "exec" runs or attaches
 * to processes in containers, "lifecycle" creates, changes and removes
 * containers, "containers" is every /containers route, "images" every
 * /images route and /commit, "build" /build, /session and /grpc, "swarm"
 * the swarm, nodes, services, tasks, secrets and configs, and "system"
 * /_ping, /info, /version, /events, /system/df, /auth, /distribution,
 * OPTIONS and /debug.
 *
 * Flags: JSON and UPLOAD mark routes whose handler may read a body of that
 * kind, even a legacy one.
 */


#define NGX_SOCKERLESS_VAR_ANY       0     /* "{x:.*}" */
#define NGX_SOCKERLESS_VAR_MORE      1     /* "{x:.+}" */
#define NGX_SOCKERLESS_VAR_SEGMENT   2     /* "{x}", that is, "[^/]+" */

#define NGX_SOCKERLESS_VERSION_MAX   99999


typedef struct {
    ngx_sockerless_op_t    op;
    ngx_str_t              routes;      /* mux patterns, space separated */
} ngx_sockerless_entry_t;


static ngx_uint_t ngx_sockerless_decode(u_char *uri, size_t len, u_char *dst,
    size_t *n);
static ngx_int_t ngx_sockerless_hex(u_char ch);
static ngx_uint_t ngx_sockerless_segments(u_char *p, size_t len);
static void ngx_sockerless_version(ngx_sockerless_route_t *rt);
static ngx_uint_t ngx_sockerless_parse_version(u_char *p, u_char *last,
    ngx_uint_t *major, ngx_uint_t *minor);
static ngx_int_t ngx_sockerless_match(const ngx_sockerless_entry_t *e,
    ngx_str_t *path, ngx_str_t *object);
static ngx_int_t ngx_sockerless_match_route(u_char *p, u_char *end,
    ngx_str_t *path, ngx_str_t *object);
static ngx_int_t ngx_sockerless_var(u_char *p, u_char *end);


static const ngx_sockerless_entry_t  ngx_sockerless_ops[] = {

    /*
     * the checkpoint router (experimental, not in the API spec): dockerd
     * registers it before the container router, so that ContainerDelete
     * does not mask CheckpointDelete
     */

    { { ngx_string("CheckpointList"), ngx_string("GET"),
        ngx_string("/containers/{id}/checkpoints"),
        NGX_SOCKERLESS_GROUP_READ|NGX_SOCKERLESS_GROUP_CONTAINERS,
        NGX_SOCKERLESS_OP_OBJECT },
      ngx_string("/containers/{name:.*}/checkpoints") },

    { { ngx_string("CheckpointCreate"), ngx_string("POST"),
        ngx_string("/containers/{id}/checkpoints"),
        NGX_SOCKERLESS_GROUP_LIFECYCLE|NGX_SOCKERLESS_GROUP_CONTAINERS,
        NGX_SOCKERLESS_OP_JSON|NGX_SOCKERLESS_OP_OBJECT },
      ngx_string("/containers/{name:.*}/checkpoints") },

    { { ngx_string("CheckpointDelete"), ngx_string("DELETE"),
        ngx_string("/containers/{id}/checkpoints/{checkpoint}"),
        NGX_SOCKERLESS_GROUP_LIFECYCLE|NGX_SOCKERLESS_GROUP_CONTAINERS,
        NGX_SOCKERLESS_OP_OBJECT },
      ngx_string("/containers/{name}/checkpoints/{checkpoint}") },

    /* the container router */

    { { ngx_string("ContainerArchiveInfo"), ngx_string("HEAD"),
        ngx_string("/containers/{id}/archive"),
        NGX_SOCKERLESS_GROUP_CONTENT|NGX_SOCKERLESS_GROUP_CONTAINERS,
        NGX_SOCKERLESS_OP_OBJECT },
      ngx_string("/containers/{name:.*}/archive") },

    { { ngx_string("ContainerList"), ngx_string("GET"),
        ngx_string("/containers/json"),
        NGX_SOCKERLESS_GROUP_READ|NGX_SOCKERLESS_GROUP_CONTAINERS,
        0 },
      ngx_string("/containers/json") },

    { { ngx_string("ContainerExport"), ngx_string("GET"),
        ngx_string("/containers/{id}/export"),
        NGX_SOCKERLESS_GROUP_CONTENT|NGX_SOCKERLESS_GROUP_CONTAINERS,
        NGX_SOCKERLESS_OP_STREAM|NGX_SOCKERLESS_OP_OBJECT },
      ngx_string("/containers/{name:.*}/export") },

    { { ngx_string("ContainerChanges"), ngx_string("GET"),
        ngx_string("/containers/{id}/changes"),
        NGX_SOCKERLESS_GROUP_CONTENT|NGX_SOCKERLESS_GROUP_CONTAINERS,
        NGX_SOCKERLESS_OP_OBJECT },
      ngx_string("/containers/{name:.*}/changes") },

    { { ngx_string("ContainerInspect"), ngx_string("GET"),
        ngx_string("/containers/{id}/json"),
        NGX_SOCKERLESS_GROUP_READ|NGX_SOCKERLESS_GROUP_CONTAINERS,
        NGX_SOCKERLESS_OP_OBJECT },
      ngx_string("/containers/{name:.*}/json") },

    { { ngx_string("ContainerTop"), ngx_string("GET"),
        ngx_string("/containers/{id}/top"),
        NGX_SOCKERLESS_GROUP_CONTENT|NGX_SOCKERLESS_GROUP_CONTAINERS,
        NGX_SOCKERLESS_OP_OBJECT },
      ngx_string("/containers/{name:.*}/top") },

    { { ngx_string("ContainerLogs"), ngx_string("GET"),
        ngx_string("/containers/{id}/logs"),
        NGX_SOCKERLESS_GROUP_CONTENT|NGX_SOCKERLESS_GROUP_CONTAINERS,
        NGX_SOCKERLESS_OP_STREAM|NGX_SOCKERLESS_OP_OBJECT },
      ngx_string("/containers/{name:.*}/logs") },

    { { ngx_string("ContainerStats"), ngx_string("GET"),
        ngx_string("/containers/{id}/stats"),
        NGX_SOCKERLESS_GROUP_CONTENT|NGX_SOCKERLESS_GROUP_CONTAINERS,
        NGX_SOCKERLESS_OP_STREAM|NGX_SOCKERLESS_OP_OBJECT },
      ngx_string("/containers/{name:.*}/stats") },

    { { ngx_string("ContainerAttachWebsocket"), ngx_string("GET"),
        ngx_string("/containers/{id}/attach/ws"),
        NGX_SOCKERLESS_GROUP_EXEC|NGX_SOCKERLESS_GROUP_CONTAINERS,
        NGX_SOCKERLESS_OP_STREAM|NGX_SOCKERLESS_OP_HIJACK
        |NGX_SOCKERLESS_OP_OBJECT },
      ngx_string("/containers/{name:.*}/attach/ws") },

    { { ngx_string("ExecInspect"), ngx_string("GET"),
        ngx_string("/exec/{id}/json"),
        NGX_SOCKERLESS_GROUP_READ|NGX_SOCKERLESS_GROUP_EXEC,
        NGX_SOCKERLESS_OP_OBJECT },
      ngx_string("/exec/{id:.*}/json") },

    { { ngx_string("ContainerArchive"), ngx_string("GET"),
        ngx_string("/containers/{id}/archive"),
        NGX_SOCKERLESS_GROUP_CONTENT|NGX_SOCKERLESS_GROUP_CONTAINERS,
        NGX_SOCKERLESS_OP_STREAM|NGX_SOCKERLESS_OP_OBJECT },
      ngx_string("/containers/{name:.*}/archive") },

    { { ngx_string("ContainerCreate"), ngx_string("POST"),
        ngx_string("/containers/create"),
        NGX_SOCKERLESS_GROUP_LIFECYCLE|NGX_SOCKERLESS_GROUP_CONTAINERS,
        NGX_SOCKERLESS_OP_JSON },
      ngx_string("/containers/create") },

    { { ngx_string("ContainerKill"), ngx_string("POST"),
        ngx_string("/containers/{id}/kill"),
        NGX_SOCKERLESS_GROUP_LIFECYCLE|NGX_SOCKERLESS_GROUP_CONTAINERS,
        NGX_SOCKERLESS_OP_OBJECT },
      ngx_string("/containers/{name:.*}/kill") },

    { { ngx_string("ContainerPause"), ngx_string("POST"),
        ngx_string("/containers/{id}/pause"),
        NGX_SOCKERLESS_GROUP_LIFECYCLE|NGX_SOCKERLESS_GROUP_CONTAINERS,
        NGX_SOCKERLESS_OP_OBJECT },
      ngx_string("/containers/{name:.*}/pause") },

    { { ngx_string("ContainerUnpause"), ngx_string("POST"),
        ngx_string("/containers/{id}/unpause"),
        NGX_SOCKERLESS_GROUP_LIFECYCLE|NGX_SOCKERLESS_GROUP_CONTAINERS,
        NGX_SOCKERLESS_OP_OBJECT },
      ngx_string("/containers/{name:.*}/unpause") },

    { { ngx_string("ContainerRestart"), ngx_string("POST"),
        ngx_string("/containers/{id}/restart"),
        NGX_SOCKERLESS_GROUP_LIFECYCLE|NGX_SOCKERLESS_GROUP_CONTAINERS,
        NGX_SOCKERLESS_OP_OBJECT },
      ngx_string("/containers/{name:.*}/restart") },

    /* JSON: a HostConfig body is still honoured for API < 1.24 */
    { { ngx_string("ContainerStart"), ngx_string("POST"),
        ngx_string("/containers/{id}/start"),
        NGX_SOCKERLESS_GROUP_LIFECYCLE|NGX_SOCKERLESS_GROUP_CONTAINERS,
        NGX_SOCKERLESS_OP_JSON|NGX_SOCKERLESS_OP_OBJECT },
      ngx_string("/containers/{name:.*}/start") },

    { { ngx_string("ContainerStop"), ngx_string("POST"),
        ngx_string("/containers/{id}/stop"),
        NGX_SOCKERLESS_GROUP_LIFECYCLE|NGX_SOCKERLESS_GROUP_CONTAINERS,
        NGX_SOCKERLESS_OP_OBJECT },
      ngx_string("/containers/{name:.*}/stop") },

    { { ngx_string("ContainerWait"), ngx_string("POST"),
        ngx_string("/containers/{id}/wait"),
        NGX_SOCKERLESS_GROUP_LIFECYCLE|NGX_SOCKERLESS_GROUP_CONTAINERS,
        NGX_SOCKERLESS_OP_STREAM|NGX_SOCKERLESS_OP_OBJECT },
      ngx_string("/containers/{name:.*}/wait") },

    { { ngx_string("ContainerResize"), ngx_string("POST"),
        ngx_string("/containers/{id}/resize"),
        NGX_SOCKERLESS_GROUP_LIFECYCLE|NGX_SOCKERLESS_GROUP_CONTAINERS,
        NGX_SOCKERLESS_OP_OBJECT },
      ngx_string("/containers/{name:.*}/resize") },

    { { ngx_string("ContainerAttach"), ngx_string("POST"),
        ngx_string("/containers/{id}/attach"),
        NGX_SOCKERLESS_GROUP_EXEC|NGX_SOCKERLESS_GROUP_CONTAINERS,
        NGX_SOCKERLESS_OP_STREAM|NGX_SOCKERLESS_OP_HIJACK
        |NGX_SOCKERLESS_OP_OBJECT },
      ngx_string("/containers/{name:.*}/attach") },

    /* dockerd 20.10 only, API < 1.24; not in the API spec */
    { { ngx_string("ContainerCopy"), ngx_string("POST"),
        ngx_string("/containers/{id}/copy"),
        NGX_SOCKERLESS_GROUP_CONTENT|NGX_SOCKERLESS_GROUP_CONTAINERS,
        NGX_SOCKERLESS_OP_STREAM|NGX_SOCKERLESS_OP_JSON
        |NGX_SOCKERLESS_OP_OBJECT },
      ngx_string("/containers/{name:.*}/copy") },

    { { ngx_string("ContainerExec"), ngx_string("POST"),
        ngx_string("/containers/{id}/exec"),
        NGX_SOCKERLESS_GROUP_EXEC|NGX_SOCKERLESS_GROUP_CONTAINERS,
        NGX_SOCKERLESS_OP_JSON|NGX_SOCKERLESS_OP_OBJECT },
      ngx_string("/containers/{name:.*}/exec") },

    { { ngx_string("ExecStart"), ngx_string("POST"),
        ngx_string("/exec/{id}/start"),
        NGX_SOCKERLESS_GROUP_EXEC,
        NGX_SOCKERLESS_OP_STREAM|NGX_SOCKERLESS_OP_HIJACK
        |NGX_SOCKERLESS_OP_JSON|NGX_SOCKERLESS_OP_OBJECT },
      ngx_string("/exec/{name:.*}/start") },

    { { ngx_string("ExecResize"), ngx_string("POST"),
        ngx_string("/exec/{id}/resize"),
        NGX_SOCKERLESS_GROUP_EXEC,
        NGX_SOCKERLESS_OP_OBJECT },
      ngx_string("/exec/{name:.*}/resize") },

    { { ngx_string("ContainerRename"), ngx_string("POST"),
        ngx_string("/containers/{id}/rename"),
        NGX_SOCKERLESS_GROUP_LIFECYCLE|NGX_SOCKERLESS_GROUP_CONTAINERS,
        NGX_SOCKERLESS_OP_OBJECT },
      ngx_string("/containers/{name:.*}/rename") },

    { { ngx_string("ContainerUpdate"), ngx_string("POST"),
        ngx_string("/containers/{id}/update"),
        NGX_SOCKERLESS_GROUP_LIFECYCLE|NGX_SOCKERLESS_GROUP_CONTAINERS,
        NGX_SOCKERLESS_OP_JSON|NGX_SOCKERLESS_OP_OBJECT },
      ngx_string("/containers/{name:.*}/update") },

    { { ngx_string("ContainerPrune"), ngx_string("POST"),
        ngx_string("/containers/prune"),
        NGX_SOCKERLESS_GROUP_LIFECYCLE|NGX_SOCKERLESS_GROUP_CONTAINERS,
        0 },
      ngx_string("/containers/prune") },

    { { ngx_string("ImageCommit"), ngx_string("POST"),
        ngx_string("/commit"),
        NGX_SOCKERLESS_GROUP_IMAGES,
        NGX_SOCKERLESS_OP_JSON },
      ngx_string("/commit") },

    { { ngx_string("PutContainerArchive"), ngx_string("PUT"),
        ngx_string("/containers/{id}/archive"),
        NGX_SOCKERLESS_GROUP_LIFECYCLE|NGX_SOCKERLESS_GROUP_CONTAINERS,
        NGX_SOCKERLESS_OP_UPLOAD|NGX_SOCKERLESS_OP_OBJECT },
      ngx_string("/containers/{name:.*}/archive") },

    { { ngx_string("ContainerDelete"), ngx_string("DELETE"),
        ngx_string("/containers/{id}"),
        NGX_SOCKERLESS_GROUP_LIFECYCLE|NGX_SOCKERLESS_GROUP_CONTAINERS,
        NGX_SOCKERLESS_OP_OBJECT },
      ngx_string("/containers/{name:.*}") },

    /* the image router */

    { { ngx_string("ImageList"), ngx_string("GET"),
        ngx_string("/images/json"),
        NGX_SOCKERLESS_GROUP_READ|NGX_SOCKERLESS_GROUP_IMAGES,
        0 },
      ngx_string("/images/json") },

    { { ngx_string("ImageSearch"), ngx_string("GET"),
        ngx_string("/images/search"),
        NGX_SOCKERLESS_GROUP_READ|NGX_SOCKERLESS_GROUP_IMAGES,
        0 },
      ngx_string("/images/search") },

    { { ngx_string("ImageGetAll"), ngx_string("GET"),
        ngx_string("/images/get"),
        NGX_SOCKERLESS_GROUP_CONTENT|NGX_SOCKERLESS_GROUP_IMAGES,
        NGX_SOCKERLESS_OP_STREAM },
      ngx_string("/images/get") },

    { { ngx_string("ImageGet"), ngx_string("GET"),
        ngx_string("/images/{name}/get"),
        NGX_SOCKERLESS_GROUP_CONTENT|NGX_SOCKERLESS_GROUP_IMAGES,
        NGX_SOCKERLESS_OP_STREAM|NGX_SOCKERLESS_OP_OBJECT },
      ngx_string("/images/{name:.*}/get") },

    { { ngx_string("ImageHistory"), ngx_string("GET"),
        ngx_string("/images/{name}/history"),
        NGX_SOCKERLESS_GROUP_READ|NGX_SOCKERLESS_GROUP_IMAGES,
        NGX_SOCKERLESS_OP_OBJECT },
      ngx_string("/images/{name:.*}/history") },

    { { ngx_string("ImageInspect"), ngx_string("GET"),
        ngx_string("/images/{name}/json"),
        NGX_SOCKERLESS_GROUP_READ|NGX_SOCKERLESS_GROUP_IMAGES,
        NGX_SOCKERLESS_OP_OBJECT },
      ngx_string("/images/{name:.*}/json") },

    { { ngx_string("ImageAttestations"), ngx_string("GET"),
        ngx_string("/images/{name}/attestations"),
        NGX_SOCKERLESS_GROUP_READ|NGX_SOCKERLESS_GROUP_IMAGES,
        NGX_SOCKERLESS_OP_OBJECT },
      ngx_string("/images/{name:.*}/attestations") },

    { { ngx_string("ImageLoad"), ngx_string("POST"),
        ngx_string("/images/load"),
        NGX_SOCKERLESS_GROUP_IMAGES,
        NGX_SOCKERLESS_OP_STREAM|NGX_SOCKERLESS_OP_UPLOAD },
      ngx_string("/images/load") },

    /* UPLOAD: the image to import with fromSrc=- */
    { { ngx_string("ImageCreate"), ngx_string("POST"),
        ngx_string("/images/create"),
        NGX_SOCKERLESS_GROUP_IMAGES,
        NGX_SOCKERLESS_OP_STREAM|NGX_SOCKERLESS_OP_UPLOAD },
      ngx_string("/images/create") },

    /* JSON: an AuthConfig body without X-Registry-Auth (legacy) */
    { { ngx_string("ImagePush"), ngx_string("POST"),
        ngx_string("/images/{name}/push"),
        NGX_SOCKERLESS_GROUP_IMAGES,
        NGX_SOCKERLESS_OP_STREAM|NGX_SOCKERLESS_OP_JSON
        |NGX_SOCKERLESS_OP_OBJECT },
      ngx_string("/images/{name:.*}/push") },

    { { ngx_string("ImageTag"), ngx_string("POST"),
        ngx_string("/images/{name}/tag"),
        NGX_SOCKERLESS_GROUP_IMAGES,
        NGX_SOCKERLESS_OP_OBJECT },
      ngx_string("/images/{name:.*}/tag") },

    { { ngx_string("ImagePrune"), ngx_string("POST"),
        ngx_string("/images/prune"),
        NGX_SOCKERLESS_GROUP_IMAGES,
        0 },
      ngx_string("/images/prune") },

    { { ngx_string("ImageDelete"), ngx_string("DELETE"),
        ngx_string("/images/{name}"),
        NGX_SOCKERLESS_GROUP_IMAGES,
        NGX_SOCKERLESS_OP_OBJECT },
      ngx_string("/images/{name:.*}") },

    /* the system router */

    /* not in the API spec; the only OPTIONS route */
    { { ngx_string("SystemOptions"), ngx_string("OPTIONS"),
        ngx_string("/{path}"),
        NGX_SOCKERLESS_GROUP_READ|NGX_SOCKERLESS_GROUP_SYSTEM,
        0 },
      ngx_string("/{anyroute:.*}") },

    { { ngx_string("SystemPing"), ngx_string("GET"),
        ngx_string("/_ping"),
        NGX_SOCKERLESS_GROUP_READ|NGX_SOCKERLESS_GROUP_SYSTEM,
        0 },
      ngx_string("/_ping") },

    { { ngx_string("SystemPingHead"), ngx_string("HEAD"),
        ngx_string("/_ping"),
        NGX_SOCKERLESS_GROUP_READ|NGX_SOCKERLESS_GROUP_SYSTEM,
        0 },
      ngx_string("/_ping") },

    { { ngx_string("SystemEvents"), ngx_string("GET"),
        ngx_string("/events"),
        NGX_SOCKERLESS_GROUP_READ|NGX_SOCKERLESS_GROUP_SYSTEM,
        NGX_SOCKERLESS_OP_STREAM },
      ngx_string("/events") },

    { { ngx_string("SystemInfo"), ngx_string("GET"),
        ngx_string("/info"),
        NGX_SOCKERLESS_GROUP_READ|NGX_SOCKERLESS_GROUP_SYSTEM,
        0 },
      ngx_string("/info") },

    { { ngx_string("SystemVersion"), ngx_string("GET"),
        ngx_string("/version"),
        NGX_SOCKERLESS_GROUP_READ|NGX_SOCKERLESS_GROUP_SYSTEM,
        0 },
      ngx_string("/version") },

    { { ngx_string("SystemDataUsage"), ngx_string("GET"),
        ngx_string("/system/df"),
        NGX_SOCKERLESS_GROUP_READ|NGX_SOCKERLESS_GROUP_SYSTEM,
        0 },
      ngx_string("/system/df") },

    { { ngx_string("SystemAuth"), ngx_string("POST"),
        ngx_string("/auth"),
        NGX_SOCKERLESS_GROUP_SYSTEM,
        NGX_SOCKERLESS_OP_JSON },
      ngx_string("/auth") },

    /* the volume router */

    { { ngx_string("VolumeList"), ngx_string("GET"),
        ngx_string("/volumes"),
        NGX_SOCKERLESS_GROUP_READ|NGX_SOCKERLESS_GROUP_VOLUMES,
        0 },
      ngx_string("/volumes") },

    { { ngx_string("VolumeInspect"), ngx_string("GET"),
        ngx_string("/volumes/{name}"),
        NGX_SOCKERLESS_GROUP_READ|NGX_SOCKERLESS_GROUP_VOLUMES,
        NGX_SOCKERLESS_OP_OBJECT },
      ngx_string("/volumes/{name:.*}") },

    { { ngx_string("VolumeCreate"), ngx_string("POST"),
        ngx_string("/volumes/create"),
        NGX_SOCKERLESS_GROUP_VOLUMES,
        NGX_SOCKERLESS_OP_JSON },
      ngx_string("/volumes/create") },

    { { ngx_string("VolumePrune"), ngx_string("POST"),
        ngx_string("/volumes/prune"),
        NGX_SOCKERLESS_GROUP_VOLUMES,
        0 },
      ngx_string("/volumes/prune") },

    { { ngx_string("VolumeUpdate"), ngx_string("PUT"),
        ngx_string("/volumes/{name}"),
        NGX_SOCKERLESS_GROUP_VOLUMES,
        NGX_SOCKERLESS_OP_JSON|NGX_SOCKERLESS_OP_OBJECT },
      ngx_string("/volumes/{name:.*}") },

    { { ngx_string("VolumeDelete"), ngx_string("DELETE"),
        ngx_string("/volumes/{name}"),
        NGX_SOCKERLESS_GROUP_VOLUMES,
        NGX_SOCKERLESS_OP_OBJECT },
      ngx_string("/volumes/{name:.*}") },

    /* the build and session routers */

    { { ngx_string("ImageBuild"), ngx_string("POST"),
        ngx_string("/build"),
        NGX_SOCKERLESS_GROUP_BUILD,
        NGX_SOCKERLESS_OP_STREAM|NGX_SOCKERLESS_OP_UPLOAD },
      ngx_string("/build") },

    { { ngx_string("BuildPrune"), ngx_string("POST"),
        ngx_string("/build/prune"),
        NGX_SOCKERLESS_GROUP_BUILD,
        0 },
      ngx_string("/build/prune") },

    /* not in the API spec */
    { { ngx_string("BuildCancel"), ngx_string("POST"),
        ngx_string("/build/cancel"),
        NGX_SOCKERLESS_GROUP_BUILD,
        0 },
      ngx_string("/build/cancel") },

    { { ngx_string("Session"), ngx_string("POST"),
        ngx_string("/session"),
        NGX_SOCKERLESS_GROUP_BUILD,
        NGX_SOCKERLESS_OP_STREAM|NGX_SOCKERLESS_OP_HIJACK },
      ngx_string("/session") },

    /* the swarm router */

    { { ngx_string("SwarmInit"), ngx_string("POST"),
        ngx_string("/swarm/init"),
        NGX_SOCKERLESS_GROUP_SWARM,
        NGX_SOCKERLESS_OP_JSON },
      ngx_string("/swarm/init") },

    { { ngx_string("SwarmJoin"), ngx_string("POST"),
        ngx_string("/swarm/join"),
        NGX_SOCKERLESS_GROUP_SWARM,
        NGX_SOCKERLESS_OP_JSON },
      ngx_string("/swarm/join") },

    { { ngx_string("SwarmLeave"), ngx_string("POST"),
        ngx_string("/swarm/leave"),
        NGX_SOCKERLESS_GROUP_SWARM,
        0 },
      ngx_string("/swarm/leave") },

    { { ngx_string("SwarmInspect"), ngx_string("GET"),
        ngx_string("/swarm"),
        /* not read: the answer holds the join tokens */
        NGX_SOCKERLESS_GROUP_SWARM,
        0 },
      ngx_string("/swarm") },

    { { ngx_string("SwarmUnlockkey"), ngx_string("GET"),
        ngx_string("/swarm/unlockkey"),
        NGX_SOCKERLESS_GROUP_SWARM,
        0 },
      ngx_string("/swarm/unlockkey") },

    { { ngx_string("SwarmUpdate"), ngx_string("POST"),
        ngx_string("/swarm/update"),
        NGX_SOCKERLESS_GROUP_SWARM,
        NGX_SOCKERLESS_OP_JSON },
      ngx_string("/swarm/update") },

    { { ngx_string("SwarmUnlock"), ngx_string("POST"),
        ngx_string("/swarm/unlock"),
        NGX_SOCKERLESS_GROUP_SWARM,
        NGX_SOCKERLESS_OP_JSON },
      ngx_string("/swarm/unlock") },

    { { ngx_string("ServiceList"), ngx_string("GET"),
        ngx_string("/services"),
        NGX_SOCKERLESS_GROUP_READ|NGX_SOCKERLESS_GROUP_SWARM,
        0 },
      ngx_string("/services") },

    { { ngx_string("ServiceInspect"), ngx_string("GET"),
        ngx_string("/services/{id}"),
        NGX_SOCKERLESS_GROUP_READ|NGX_SOCKERLESS_GROUP_SWARM,
        NGX_SOCKERLESS_OP_OBJECT },
      ngx_string("/services/{id}") },

    { { ngx_string("ServiceCreate"), ngx_string("POST"),
        ngx_string("/services/create"),
        NGX_SOCKERLESS_GROUP_SWARM,
        NGX_SOCKERLESS_OP_JSON },
      ngx_string("/services/create") },

    { { ngx_string("ServiceUpdate"), ngx_string("POST"),
        ngx_string("/services/{id}/update"),
        NGX_SOCKERLESS_GROUP_SWARM,
        NGX_SOCKERLESS_OP_JSON|NGX_SOCKERLESS_OP_OBJECT },
      ngx_string("/services/{id}/update") },

    { { ngx_string("ServiceDelete"), ngx_string("DELETE"),
        ngx_string("/services/{id}"),
        NGX_SOCKERLESS_GROUP_SWARM,
        NGX_SOCKERLESS_OP_OBJECT },
      ngx_string("/services/{id}") },

    { { ngx_string("ServiceLogs"), ngx_string("GET"),
        ngx_string("/services/{id}/logs"),
        NGX_SOCKERLESS_GROUP_CONTENT|NGX_SOCKERLESS_GROUP_SWARM,
        NGX_SOCKERLESS_OP_STREAM|NGX_SOCKERLESS_OP_OBJECT },
      ngx_string("/services/{id}/logs") },

    { { ngx_string("NodeList"), ngx_string("GET"),
        ngx_string("/nodes"),
        NGX_SOCKERLESS_GROUP_READ|NGX_SOCKERLESS_GROUP_SWARM,
        0 },
      ngx_string("/nodes") },

    { { ngx_string("NodeInspect"), ngx_string("GET"),
        ngx_string("/nodes/{id}"),
        NGX_SOCKERLESS_GROUP_READ|NGX_SOCKERLESS_GROUP_SWARM,
        NGX_SOCKERLESS_OP_OBJECT },
      ngx_string("/nodes/{id}") },

    { { ngx_string("NodeDelete"), ngx_string("DELETE"),
        ngx_string("/nodes/{id}"),
        NGX_SOCKERLESS_GROUP_SWARM,
        NGX_SOCKERLESS_OP_OBJECT },
      ngx_string("/nodes/{id}") },

    { { ngx_string("NodeUpdate"), ngx_string("POST"),
        ngx_string("/nodes/{id}/update"),
        NGX_SOCKERLESS_GROUP_SWARM,
        NGX_SOCKERLESS_OP_JSON|NGX_SOCKERLESS_OP_OBJECT },
      ngx_string("/nodes/{id}/update") },

    { { ngx_string("TaskList"), ngx_string("GET"),
        ngx_string("/tasks"),
        NGX_SOCKERLESS_GROUP_READ|NGX_SOCKERLESS_GROUP_SWARM,
        0 },
      ngx_string("/tasks") },

    { { ngx_string("TaskInspect"), ngx_string("GET"),
        ngx_string("/tasks/{id}"),
        NGX_SOCKERLESS_GROUP_READ|NGX_SOCKERLESS_GROUP_SWARM,
        NGX_SOCKERLESS_OP_OBJECT },
      ngx_string("/tasks/{id}") },

    { { ngx_string("TaskLogs"), ngx_string("GET"),
        ngx_string("/tasks/{id}/logs"),
        NGX_SOCKERLESS_GROUP_CONTENT|NGX_SOCKERLESS_GROUP_SWARM,
        NGX_SOCKERLESS_OP_STREAM|NGX_SOCKERLESS_OP_OBJECT },
      ngx_string("/tasks/{id}/logs") },

    { { ngx_string("SecretList"), ngx_string("GET"),
        ngx_string("/secrets"),
        NGX_SOCKERLESS_GROUP_READ|NGX_SOCKERLESS_GROUP_SWARM,
        0 },
      ngx_string("/secrets") },

    { { ngx_string("SecretCreate"), ngx_string("POST"),
        ngx_string("/secrets/create"),
        NGX_SOCKERLESS_GROUP_SWARM,
        NGX_SOCKERLESS_OP_JSON },
      ngx_string("/secrets/create") },

    { { ngx_string("SecretDelete"), ngx_string("DELETE"),
        ngx_string("/secrets/{id}"),
        NGX_SOCKERLESS_GROUP_SWARM,
        NGX_SOCKERLESS_OP_OBJECT },
      ngx_string("/secrets/{id}") },

    { { ngx_string("SecretInspect"), ngx_string("GET"),
        ngx_string("/secrets/{id}"),
        NGX_SOCKERLESS_GROUP_READ|NGX_SOCKERLESS_GROUP_SWARM,
        NGX_SOCKERLESS_OP_OBJECT },
      ngx_string("/secrets/{id}") },

    { { ngx_string("SecretUpdate"), ngx_string("POST"),
        ngx_string("/secrets/{id}/update"),
        NGX_SOCKERLESS_GROUP_SWARM,
        NGX_SOCKERLESS_OP_JSON|NGX_SOCKERLESS_OP_OBJECT },
      ngx_string("/secrets/{id}/update") },

    { { ngx_string("ConfigList"), ngx_string("GET"),
        ngx_string("/configs"),
        NGX_SOCKERLESS_GROUP_READ|NGX_SOCKERLESS_GROUP_SWARM,
        0 },
      ngx_string("/configs") },

    { { ngx_string("ConfigCreate"), ngx_string("POST"),
        ngx_string("/configs/create"),
        NGX_SOCKERLESS_GROUP_SWARM,
        NGX_SOCKERLESS_OP_JSON },
      ngx_string("/configs/create") },

    { { ngx_string("ConfigDelete"), ngx_string("DELETE"),
        ngx_string("/configs/{id}"),
        NGX_SOCKERLESS_GROUP_SWARM,
        NGX_SOCKERLESS_OP_OBJECT },
      ngx_string("/configs/{id}") },

    { { ngx_string("ConfigInspect"), ngx_string("GET"),
        ngx_string("/configs/{id}"),
        NGX_SOCKERLESS_GROUP_READ|NGX_SOCKERLESS_GROUP_SWARM,
        NGX_SOCKERLESS_OP_OBJECT },
      ngx_string("/configs/{id}") },

    { { ngx_string("ConfigUpdate"), ngx_string("POST"),
        ngx_string("/configs/{id}/update"),
        NGX_SOCKERLESS_GROUP_SWARM,
        NGX_SOCKERLESS_OP_JSON|NGX_SOCKERLESS_OP_OBJECT },
      ngx_string("/configs/{id}/update") },

    /* the plugin router */

    { { ngx_string("PluginList"), ngx_string("GET"),
        ngx_string("/plugins"),
        NGX_SOCKERLESS_GROUP_READ|NGX_SOCKERLESS_GROUP_PLUGINS,
        0 },
      ngx_string("/plugins") },

    { { ngx_string("PluginInspect"), ngx_string("GET"),
        ngx_string("/plugins/{name}/json"),
        NGX_SOCKERLESS_GROUP_READ|NGX_SOCKERLESS_GROUP_PLUGINS,
        NGX_SOCKERLESS_OP_OBJECT },
      ngx_string("/plugins/{name:.*}/json") },

    { { ngx_string("GetPluginPrivileges"), ngx_string("GET"),
        ngx_string("/plugins/privileges"),
        NGX_SOCKERLESS_GROUP_READ|NGX_SOCKERLESS_GROUP_PLUGINS,
        0 },
      ngx_string("/plugins/privileges") },

    { { ngx_string("PluginDelete"), ngx_string("DELETE"),
        ngx_string("/plugins/{name}"),
        NGX_SOCKERLESS_GROUP_PLUGINS,
        NGX_SOCKERLESS_OP_OBJECT },
      ngx_string("/plugins/{name:.*}") },

    { { ngx_string("PluginEnable"), ngx_string("POST"),
        ngx_string("/plugins/{name}/enable"),
        NGX_SOCKERLESS_GROUP_PLUGINS,
        NGX_SOCKERLESS_OP_OBJECT },
      ngx_string("/plugins/{name:.*}/enable") },

    { { ngx_string("PluginDisable"), ngx_string("POST"),
        ngx_string("/plugins/{name}/disable"),
        NGX_SOCKERLESS_GROUP_PLUGINS,
        NGX_SOCKERLESS_OP_OBJECT },
      ngx_string("/plugins/{name:.*}/disable") },

    { { ngx_string("PluginPull"), ngx_string("POST"),
        ngx_string("/plugins/pull"),
        NGX_SOCKERLESS_GROUP_PLUGINS,
        NGX_SOCKERLESS_OP_STREAM|NGX_SOCKERLESS_OP_JSON },
      ngx_string("/plugins/pull") },

    { { ngx_string("PluginPush"), ngx_string("POST"),
        ngx_string("/plugins/{name}/push"),
        NGX_SOCKERLESS_GROUP_PLUGINS,
        NGX_SOCKERLESS_OP_STREAM|NGX_SOCKERLESS_OP_OBJECT },
      ngx_string("/plugins/{name:.*}/push") },

    { { ngx_string("PluginUpgrade"), ngx_string("POST"),
        ngx_string("/plugins/{name}/upgrade"),
        NGX_SOCKERLESS_GROUP_PLUGINS,
        NGX_SOCKERLESS_OP_STREAM|NGX_SOCKERLESS_OP_JSON
        |NGX_SOCKERLESS_OP_OBJECT },
      ngx_string("/plugins/{name:.*}/upgrade") },

    { { ngx_string("PluginSet"), ngx_string("POST"),
        ngx_string("/plugins/{name}/set"),
        NGX_SOCKERLESS_GROUP_PLUGINS,
        NGX_SOCKERLESS_OP_JSON|NGX_SOCKERLESS_OP_OBJECT },
      ngx_string("/plugins/{name:.*}/set") },

    { { ngx_string("PluginCreate"), ngx_string("POST"),
        ngx_string("/plugins/create"),
        NGX_SOCKERLESS_GROUP_PLUGINS,
        NGX_SOCKERLESS_OP_UPLOAD },
      ngx_string("/plugins/create") },

    /* the distribution and grpc routers */

    { { ngx_string("DistributionInspect"), ngx_string("GET"),
        ngx_string("/distribution/{name}/json"),
        NGX_SOCKERLESS_GROUP_READ|NGX_SOCKERLESS_GROUP_SYSTEM,
        NGX_SOCKERLESS_OP_OBJECT },
      ngx_string("/distribution/{name:.*}/json") },

    /* not in the API spec: BuildKit over h2c, upgraded like /session */
    { { ngx_string("Grpc"), ngx_string("POST"),
        ngx_string("/grpc"),
        NGX_SOCKERLESS_GROUP_BUILD,
        NGX_SOCKERLESS_OP_STREAM|NGX_SOCKERLESS_OP_HIJACK },
      ngx_string("/grpc") },

    /* the network router */

    /* dockerd registers "/networks/" too */
    { { ngx_string("NetworkList"), ngx_string("GET"),
        ngx_string("/networks"),
        NGX_SOCKERLESS_GROUP_READ|NGX_SOCKERLESS_GROUP_NETWORKS,
        0 },
      ngx_string("/networks /networks/") },

    /* ".+": "/networks/" is NetworkList */
    { { ngx_string("NetworkInspect"), ngx_string("GET"),
        ngx_string("/networks/{id}"),
        NGX_SOCKERLESS_GROUP_READ|NGX_SOCKERLESS_GROUP_NETWORKS,
        NGX_SOCKERLESS_OP_OBJECT },
      ngx_string("/networks/{id:.+}") },

    { { ngx_string("NetworkCreate"), ngx_string("POST"),
        ngx_string("/networks/create"),
        NGX_SOCKERLESS_GROUP_NETWORKS,
        NGX_SOCKERLESS_OP_JSON },
      ngx_string("/networks/create") },

    { { ngx_string("NetworkConnect"), ngx_string("POST"),
        ngx_string("/networks/{id}/connect"),
        NGX_SOCKERLESS_GROUP_NETWORKS,
        NGX_SOCKERLESS_OP_JSON|NGX_SOCKERLESS_OP_OBJECT },
      ngx_string("/networks/{id:.*}/connect") },

    { { ngx_string("NetworkDisconnect"), ngx_string("POST"),
        ngx_string("/networks/{id}/disconnect"),
        NGX_SOCKERLESS_GROUP_NETWORKS,
        NGX_SOCKERLESS_OP_JSON|NGX_SOCKERLESS_OP_OBJECT },
      ngx_string("/networks/{id:.*}/disconnect") },

    { { ngx_string("NetworkPrune"), ngx_string("POST"),
        ngx_string("/networks/prune"),
        NGX_SOCKERLESS_GROUP_NETWORKS,
        0 },
      ngx_string("/networks/prune") },

    { { ngx_string("NetworkDelete"), ngx_string("DELETE"),
        ngx_string("/networks/{id}"),
        NGX_SOCKERLESS_GROUP_NETWORKS,
        NGX_SOCKERLESS_OP_OBJECT },
      ngx_string("/networks/{id:.*}") },

    /*
     * the debug router (not in the API spec): dockerd 20.10 serves it for
     * any method and without the version prefix only, later ones for GET
     * with or without it; routed here for any method, with or without it
     */

    { { ngx_string("DebugVars"), ngx_string("*"),
        ngx_string("/debug/vars"),
        NGX_SOCKERLESS_GROUP_SYSTEM,
        0 },
      ngx_string("/debug/vars") },

    { { ngx_string("DebugPprofIndex"), ngx_string("*"),
        ngx_string("/debug/pprof/"),
        NGX_SOCKERLESS_GROUP_SYSTEM,
        0 },
      ngx_string("/debug/pprof/") },

    { { ngx_string("DebugPprofCmdline"), ngx_string("*"),
        ngx_string("/debug/pprof/cmdline"),
        NGX_SOCKERLESS_GROUP_SYSTEM,
        0 },
      ngx_string("/debug/pprof/cmdline") },

    { { ngx_string("DebugPprofProfile"), ngx_string("*"),
        ngx_string("/debug/pprof/profile"),
        NGX_SOCKERLESS_GROUP_SYSTEM,
        NGX_SOCKERLESS_OP_STREAM },
      ngx_string("/debug/pprof/profile") },

    { { ngx_string("DebugPprofSymbol"), ngx_string("*"),
        ngx_string("/debug/pprof/symbol"),
        NGX_SOCKERLESS_GROUP_SYSTEM,
        0 },
      ngx_string("/debug/pprof/symbol") },

    { { ngx_string("DebugPprofTrace"), ngx_string("*"),
        ngx_string("/debug/pprof/trace"),
        NGX_SOCKERLESS_GROUP_SYSTEM,
        NGX_SOCKERLESS_OP_STREAM },
      ngx_string("/debug/pprof/trace") },

    { { ngx_string("DebugPprof"), ngx_string("*"),
        ngx_string("/debug/pprof/{profile}"),
        NGX_SOCKERLESS_GROUP_SYSTEM,
        0 },
      ngx_string("/debug/pprof/{name}") },

};


ngx_int_t
ngx_sockerless_route(u_char *uri, size_t len, ngx_str_t *method,
    u_char *work, ngx_sockerless_route_t *rt)
{
    size_t                         n;
    ngx_str_t                      object;
    ngx_uint_t                     i;
    const ngx_sockerless_entry_t  *e;

    ngx_memzero(rt, sizeof(ngx_sockerless_route_t));

    rt->op = NGX_SOCKERLESS_OP_NONE;

    if (len == 0) {
        rt->canon = NGX_SOCKERLESS_CANON_RELATIVE;
        return NGX_ERROR;
    }

    rt->canon = ngx_sockerless_decode(uri, len, work, &n);

    rt->path.len = n;
    rt->path.data = work;

    /* Go refuses a target that is not an absolute path before decoding */

    if (uri[0] != '/') {
        rt->canon = NGX_SOCKERLESS_CANON_RELATIVE;
        return NGX_OK;
    }

    if (rt->canon == NGX_SOCKERLESS_CANON_OK) {
        rt->canon = ngx_sockerless_segments(work, n);
    }

    ngx_sockerless_version(rt);

    if (rt->canon != NGX_SOCKERLESS_CANON_OK) {
        return NGX_OK;
    }

    for (i = 0; i < ngx_sockerless_nops(); i++) {
        e = &ngx_sockerless_ops[i];

        /* "*" is any method */

        if (!(e->op.method.len == 1 && e->op.method.data[0] == '*')
            && (e->op.method.len != method->len
                || ngx_memcmp(e->op.method.data, method->data, method->len)
                   != 0))
        {
            continue;
        }

        if (ngx_sockerless_match(e, &rt->path, &object) != NGX_OK) {
            continue;
        }

        rt->op = i;

        if (e->op.flags & NGX_SOCKERLESS_OP_OBJECT) {
            rt->object = object;
        }

        break;
    }

    return NGX_OK;
}


ngx_sockerless_op_t *
ngx_sockerless_op(ngx_int_t op)
{
    if (op < 0 || (ngx_uint_t) op >= ngx_sockerless_nops()) {
        return NULL;
    }

    /* the table is read-only; so are the operations callers are given */

    return (ngx_sockerless_op_t *) &ngx_sockerless_ops[op].op;
}


ngx_uint_t
ngx_sockerless_nops(void)
{
    return sizeof(ngx_sockerless_ops) / sizeof(ngx_sockerless_ops[0]);
}


ngx_int_t
ngx_sockerless_version_cmp(ngx_sockerless_route_t *rt, ngx_uint_t major,
    ngx_uint_t minor)
{
    if (rt->major != major) {
        return (rt->major < major) ? -1 : 1;
    }

    if (rt->minor != minor) {
        return (rt->minor < minor) ? -1 : 1;
    }

    return 0;
}


const char *
ngx_sockerless_group_name(ngx_uint_t group)
{
    switch (group) {

    case NGX_SOCKERLESS_GROUP_READ:
        return "read";

    case NGX_SOCKERLESS_GROUP_CONTENT:
        return "content";

    case NGX_SOCKERLESS_GROUP_EXEC:
        return "exec";

    case NGX_SOCKERLESS_GROUP_LIFECYCLE:
        return "lifecycle";

    case NGX_SOCKERLESS_GROUP_CONTAINERS:
        return "containers";

    case NGX_SOCKERLESS_GROUP_IMAGES:
        return "images";

    case NGX_SOCKERLESS_GROUP_BUILD:
        return "build";

    case NGX_SOCKERLESS_GROUP_NETWORKS:
        return "networks";

    case NGX_SOCKERLESS_GROUP_VOLUMES:
        return "volumes";

    case NGX_SOCKERLESS_GROUP_SWARM:
        return "swarm";

    case NGX_SOCKERLESS_GROUP_PLUGINS:
        return "plugins";

    case NGX_SOCKERLESS_GROUP_SYSTEM:
        return "system";

    default:
        return NULL;
    }
}


/*
 * Decodes %XX escapes the way Go's url.PathUnescape does.  A malformed
 * escape is copied as is and makes the verdict ENCODING, a control
 * character, raw or decoded, CONTROL.  The output is never longer than the
 * input.
 */

static ngx_uint_t
ngx_sockerless_decode(u_char *uri, size_t len, u_char *dst, size_t *n)
{
    u_char      ch, *p, *last, *d;
    ngx_int_t   hi, lo;
    ngx_uint_t  control, encoding;

    control = 0;
    encoding = 0;

    d = dst;
    last = uri + len;

    for (p = uri; p < last; p++) {
        ch = *p;

        if (ch == '%') {
            hi = (last - p > 2) ? ngx_sockerless_hex(p[1]) : -1;
            lo = (last - p > 2) ? ngx_sockerless_hex(p[2]) : -1;

            if (hi < 0 || lo < 0) {
                encoding = 1;

            } else {
                ch = (u_char) (hi * 16 + lo);
                p += 2;
            }
        }

        if (ch < 0x20 || ch == 0x7f) {
            control = 1;
        }

        *d++ = ch;
    }

    *n = d - dst;

    if (encoding) {
        return NGX_SOCKERLESS_CANON_ENCODING;
    }

    if (control) {
        return NGX_SOCKERLESS_CANON_CONTROL;
    }

    return NGX_SOCKERLESS_CANON_OK;
}


static ngx_int_t
ngx_sockerless_hex(u_char ch)
{
    u_char  c;

    if (ch >= '0' && ch <= '9') {
        return ch - '0';
    }

    c = (u_char) (ch | 0x20);

    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }

    return -1;
}


/*
 * What gorilla/mux's cleanPath (path.Clean, then the trailing slash put
 * back) would change: an empty segment but the last one, or a "." or ".."
 * segment.  The path starts with "/".
 */

static ngx_uint_t
ngx_sockerless_segments(u_char *p, size_t len)
{
    u_char  *last, *s;

    last = p + len;

    while (p < last) {

        /* p is at a "/": the segment is [s, p) */

        s = ++p;

        while (p < last && *p != '/') {
            p++;
        }

        if (p == s) {
            if (p < last) {
                return NGX_SOCKERLESS_CANON_SLASHES;
            }

            /* a trailing slash */

            break;
        }

        if (s[0] == '.' && (p - s == 1 || (p - s == 2 && s[1] == '.'))) {
            return NGX_SOCKERLESS_CANON_DOT;
        }
    }

    return NGX_SOCKERLESS_CANON_OK;
}


/*
 * The "/v{version:[0-9.]+}" prefix: any run of digits and dots as the
 * first segment.  dockerd compares versions with strconv.Atoi on each
 * dot-separated part, an empty or missing part being 0 ("1.041" is 1.41,
 * "1" is 1.0, "1.41.0" is 1.41, an overflowing part is the largest int);
 * rt->version_ok is only set for exactly two non-empty parts, "N.M", of at
 * most NGX_SOCKERLESS_VERSION_MAX each, the only form clients send.
 */

static void
ngx_sockerless_version(ngx_sockerless_route_t *rt)
{
    u_char  *p, *v, *last;

    p = rt->path.data;
    last = p + rt->path.len;

    if (rt->path.len < 4 || p[1] != 'v') {
        return;
    }

    v = p + 2;

    for (p = v; p < last && ((*p >= '0' && *p <= '9') || *p == '.'); p++) {
        /* void */
    }

    if (p == v || p == last || *p != '/') {
        return;
    }

    rt->versioned = 1;
    rt->version_ok = ngx_sockerless_parse_version(v, p, &rt->major,
                                                  &rt->minor);

    rt->path.len = last - p;
    rt->path.data = p;
}


static ngx_uint_t
ngx_sockerless_parse_version(u_char *p, u_char *last, ngx_uint_t *major,
    ngx_uint_t *minor)
{
    ngx_uint_t  n[2], i, digits;

    n[0] = 0;
    n[1] = 0;
    i = 0;
    digits = 0;

    for ( /* void */ ; p < last; p++) {

        if (*p == '.') {
            if (digits == 0 || i == 1) {
                return 0;
            }

            i = 1;
            digits = 0;
            continue;
        }

        n[i] = n[i] * 10 + (*p - '0');
        digits++;

        if (n[i] > NGX_SOCKERLESS_VERSION_MAX) {
            return 0;
        }
    }

    if (digits == 0 || i != 1) {
        return 0;
    }

    *major = n[0];
    *minor = n[1];

    return 1;
}


static ngx_int_t
ngx_sockerless_match(const ngx_sockerless_entry_t *e, ngx_str_t *path,
    ngx_str_t *object)
{
    u_char  *p, *end, *last;

    p = e->routes.data;
    last = p + e->routes.len;

    while (p < last) {
        end = ngx_strlchr(p, last, ' ');

        if (end == NULL) {
            end = last;
        }

        if (ngx_sockerless_match_route(p, end, path, object) == NGX_OK) {
            return NGX_OK;
        }

        p = end + 1;
    }

    return NGX_DECLINED;
}


/*
 * Matches the pattern [p, end) against the whole path, as the anchored
 * regular expression gorilla/mux makes of it, and sets "object" to the
 * value of the first placeholder.  Patterns are those of the table: a
 * "{x}" placeholder is followed by "/" or ends the pattern, and nothing
 * after a "{x:.*}" or "{x:.+}" one is a placeholder, so that the greedy
 * match is found without backtracking.  The path has no control
 * characters ("." would not match "\n").
 */

static ngx_int_t
ngx_sockerless_match_route(u_char *p, u_char *end, ngx_str_t *path,
    ngx_str_t *object)
{
    u_char     *s, *v, *last, *q;
    size_t      tail;
    ngx_int_t   var;
    ngx_uint_t  found;

    s = path->data;
    last = s + path->len;
    found = 0;

    while (p < end) {

        if (*p != '{') {
            if (s == last || *s != *p) {
                return NGX_DECLINED;
            }

            p++;
            s++;
            continue;
        }

        q = ngx_strlchr(p, end, '}');

        if (q == NULL) {
            return NGX_DECLINED;
        }

        var = ngx_sockerless_var(p + 1, q);
        p = q + 1;
        v = s;

        switch (var) {

        case NGX_SOCKERLESS_VAR_SEGMENT:

            while (s < last && *s != '/') {
                s++;
            }

            if (s == v) {
                return NGX_DECLINED;
            }

            break;

        case NGX_SOCKERLESS_VAR_ANY:
        case NGX_SOCKERLESS_VAR_MORE:

            if (ngx_strlchr(p, end, '{') != NULL) {
                return NGX_DECLINED;
            }

            tail = end - p;

            if ((size_t) (last - s) < tail) {
                return NGX_DECLINED;
            }

            s = last - tail;

            if (s == v && var == NGX_SOCKERLESS_VAR_MORE) {
                return NGX_DECLINED;
            }

            break;

        default:
            return NGX_DECLINED;
        }

        if (!found) {
            object->len = s - v;
            object->data = v;
            found = 1;
        }
    }

    if (s != last) {
        return NGX_DECLINED;
    }

    if (!found) {
        object->len = 0;
        object->data = NULL;
    }

    return NGX_OK;
}


/* the kind of the placeholder "{[p, end)}" */

static ngx_int_t
ngx_sockerless_var(u_char *p, u_char *end)
{
    u_char  *colon;

    colon = ngx_strlchr(p, end, ':');

    if (colon == NULL) {
        return NGX_SOCKERLESS_VAR_SEGMENT;
    }

    if (end - colon == 3 && colon[1] == '.') {

        if (colon[2] == '*') {
            return NGX_SOCKERLESS_VAR_ANY;
        }

        if (colon[2] == '+') {
            return NGX_SOCKERLESS_VAR_MORE;
        }
    }

    return NGX_ERROR;
}
