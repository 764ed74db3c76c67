
/*
 * Copyright (C) ngx_sockerless developers
 */


#ifndef _NGX_SOCKERLESS_OPS_H_INCLUDED_
#define _NGX_SOCKERLESS_OPS_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>


/*
 * The operations of the Docker Engine API, the one source of everything
 * the module does per operation.  Each is defined once, in
 * NGX_SOCKERLESS_OPS() below, which makes the enum of ids, the table the
 * router matches (ngx_sockerless_route.c) and the documents that
 * tools/gen-docs.c writes (docs/api-coverage.md, the groups of
 * docs/policy.md).  Code branches on the fields of an operation, never on
 * its name.  Pure: nginx types only, linked alone by tests and tools.
 */


/* groups, as policies name them ("@read"); an operation may be in several */
#define NGX_SOCKERLESS_GROUP_READ        0x0001
#define NGX_SOCKERLESS_GROUP_CONTENT     0x0002
#define NGX_SOCKERLESS_GROUP_EXEC        0x0004
#define NGX_SOCKERLESS_GROUP_LIFECYCLE   0x0008
#define NGX_SOCKERLESS_GROUP_CONTAINERS  0x0010
#define NGX_SOCKERLESS_GROUP_IMAGES      0x0020
#define NGX_SOCKERLESS_GROUP_BUILD       0x0040
#define NGX_SOCKERLESS_GROUP_NETWORKS    0x0080
#define NGX_SOCKERLESS_GROUP_VOLUMES     0x0100
#define NGX_SOCKERLESS_GROUP_SWARM       0x0200
#define NGX_SOCKERLESS_GROUP_PLUGINS     0x0400
#define NGX_SOCKERLESS_GROUP_SYSTEM      0x0800
#define NGX_SOCKERLESS_GROUP_REGISTRY    0x1000
#define NGX_SOCKERLESS_GROUP_ALL         0x1fff


/* what the module does with an operation */
#define NGX_SOCKERLESS_OP_STREAM         0x0001  /* the answer may stream */
#define NGX_SOCKERLESS_OP_HIJACK         0x0002  /* may be hijacked */
#define NGX_SOCKERLESS_OP_JSON           0x0004  /* may carry a JSON body */
#define NGX_SOCKERLESS_OP_UPLOAD         0x0008  /* may carry a raw body */
#define NGX_SOCKERLESS_OP_OBJECT         0x0010  /* the path names an object */
#define NGX_SOCKERLESS_OP_PULL           0x0020  /* auto-pull of its image */
#define NGX_SOCKERLESS_OP_REDACT_QUERY   0x0040  /* query kept from logs */
#define NGX_SOCKERLESS_OP_HOST           0x0080  /* host privilege itself */
#define NGX_SOCKERLESS_OP_CREATE         0x0100  /* writes object labels */
#define NGX_SOCKERLESS_OP_LIST           0x0200  /* label filters narrow it */
#define NGX_SOCKERLESS_OP_SHARED         0x0400  /* changes what all share */
#define NGX_SOCKERLESS_OP_EXTRA          0x0800  /* not in the API spec */
#define NGX_SOCKERLESS_OP_LIBPOD         0x1000  /* Podman's own: no policy
                                                    allows it */
#define NGX_SOCKERLESS_OP_CANNOT_KILL    0x2000  /* dockerd says "Cannot kill
                                                    container: <name>: " */


/* the kind of object an operation is about */
#define NGX_SOCKERLESS_KIND_NONE         0
#define NGX_SOCKERLESS_KIND_CONTAINER    1
#define NGX_SOCKERLESS_KIND_EXEC         2
#define NGX_SOCKERLESS_KIND_IMAGE        3
#define NGX_SOCKERLESS_KIND_NETWORK      4
#define NGX_SOCKERLESS_KIND_VOLUME       5
#define NGX_SOCKERLESS_KIND_SERVICE      6
#define NGX_SOCKERLESS_KIND_NODE         7
#define NGX_SOCKERLESS_KIND_TASK         8
#define NGX_SOCKERLESS_KIND_SECRET       9
#define NGX_SOCKERLESS_KIND_CONFIG       10
#define NGX_SOCKERLESS_KIND_PLUGIN       11
#define NGX_SOCKERLESS_KIND_N            12


/* which judge of ngx_sockerless_judge.c reads the query and the body */
#define NGX_SOCKERLESS_JUDGE_NONE        0
#define NGX_SOCKERLESS_JUDGE_CREATE      1   /* container create */
#define NGX_SOCKERLESS_JUDGE_START       2   /* start (a body: API < 1.24) */
#define NGX_SOCKERLESS_JUDGE_UPDATE      3   /* container update */
#define NGX_SOCKERLESS_JUDGE_EXEC        4   /* exec create */
#define NGX_SOCKERLESS_JUDGE_COMMIT      5   /* commit of a container */
#define NGX_SOCKERLESS_JUDGE_PULL        6   /* image pull or import */
#define NGX_SOCKERLESS_JUDGE_BUILD       7   /* classic build (query) */
#define NGX_SOCKERLESS_JUDGE_SERVICE     8   /* service create, update */
#define NGX_SOCKERLESS_JUDGE_VOLUME      9   /* volume create */
#define NGX_SOCKERLESS_JUDGE_NETWORK     10  /* network create */
#define NGX_SOCKERLESS_JUDGE_CONNECT     11  /* network connect, disconnect */
#define NGX_SOCKERLESS_JUDGE_SWARM       12  /* swarm init, update */
#define NGX_SOCKERLESS_JUDGE_SECRET      13  /* secrets and configs */
#define NGX_SOCKERLESS_JUDGE_CHECKPOINT  14  /* checkpoints (a host dir) */
#define NGX_SOCKERLESS_JUDGE_N           15


/* the shape of the answer, for the filters that read answers */
#define NGX_SOCKERLESS_ANSWER_NONE       0
#define NGX_SOCKERLESS_ANSWER_CONTAINER  1
#define NGX_SOCKERLESS_ANSWER_CONTAINERS 2
#define NGX_SOCKERLESS_ANSWER_SERVICE    3
#define NGX_SOCKERLESS_ANSWER_SERVICES   4
#define NGX_SOCKERLESS_ANSWER_TASK       5
#define NGX_SOCKERLESS_ANSWER_TASKS      6
#define NGX_SOCKERLESS_ANSWER_EXEC       7
#define NGX_SOCKERLESS_ANSWER_PLUGIN     8
#define NGX_SOCKERLESS_ANSWER_PLUGINS    9
#define NGX_SOCKERLESS_ANSWER_VOLUME     10
#define NGX_SOCKERLESS_ANSWER_VOLUMES    11
#define NGX_SOCKERLESS_ANSWER_CONFIG     12
#define NGX_SOCKERLESS_ANSWER_CONFIGS    13
#define NGX_SOCKERLESS_ANSWER_DF         14
#define NGX_SOCKERLESS_ANSWER_EVENTS     15
#define NGX_SOCKERLESS_ANSWER_SWARM      16
#define NGX_SOCKERLESS_ANSWER_NETWORK    17

/* what a policy redacts in answers ("redact env secrets;") */
#define NGX_SOCKERLESS_REDACT_ENV        0x0001  /* values of variables */
#define NGX_SOCKERLESS_REDACT_SECRETS    0x0002  /* options, data, tokens */


/*
 * X(id, name, method, path, routes, groups, flags, kind, judge, answer)
 *
 *   id      the enum: ngx_sockerless_op_<id>
 *   name    the operationId
 *   method  as dockerd routes it; "*" is any method (dockerd 20.10's
 *           /debug routes)
 *   path    as the API spec writes it
 *   routes  the gorilla/mux patterns dockerd registers, space separated
 *   groups  G_<group> (NGX_SOCKERLESS_GROUP_*)
 *   flags   F_<flag> (NGX_SOCKERLESS_OP_*)
 *   kind    K_<kind> (NGX_SOCKERLESS_KIND_*)
 *   judge   J_<judge> (NGX_SOCKERLESS_JUDGE_*)
 *   answer  A_<answer> (NGX_SOCKERLESS_ANSWER_*)
 *
 * In dockerd's registration order: the first route whose pattern and
 * method match wins (see ngx_sockerless_route.c).  Groups: "read" reveals
 * state, never contents, process arguments or secrets, and makes dockerd
 * connect nowhere; "registry" is what makes dockerd contact a registry
 * the client names.
 */

#define NGX_SOCKERLESS_OPS(X)                                                 \
                                                                              \
    /*                                                                        \
     * the checkpoint router (experimental, not in the API spec): dockerd     \
     * registers it before the container router, so that ContainerDelete      \
     * does not mask CheckpointDelete                                         \
     */                                                                       \
    X(checkpoint_list, CheckpointList, "GET",                                 \
      "/containers/{id}/checkpoints",                                         \
      "/containers/{name:.*}/checkpoints",                                    \
      G_READ|G_CONTAINERS,                                                    \
      F_OBJECT|F_EXTRA,                                                       \
      K_CONTAINER, J_CHECKPOINT, A_NONE)                                      \
                                                                              \
    X(checkpoint_create, CheckpointCreate, "POST",                            \
      "/containers/{id}/checkpoints",                                         \
      "/containers/{name:.*}/checkpoints",                                    \
      G_LIFECYCLE|G_CONTAINERS,                                               \
      F_JSON|F_OBJECT|F_EXTRA,                                                \
      K_CONTAINER, J_CHECKPOINT, A_NONE)                                      \
                                                                              \
    X(checkpoint_delete, CheckpointDelete, "DELETE",                          \
      "/containers/{id}/checkpoints/{checkpoint}",                            \
      "/containers/{name}/checkpoints/{checkpoint}",                          \
      G_LIFECYCLE|G_CONTAINERS,                                               \
      F_OBJECT|F_EXTRA,                                                       \
      K_CONTAINER, J_CHECKPOINT, A_NONE)                                      \
                                                                              \
    /* the container router */                                                \
    X(container_archive_info, ContainerArchiveInfo, "HEAD",                   \
      "/containers/{id}/archive",                                             \
      "/containers/{name:.*}/archive",                                        \
      G_CONTENT|G_CONTAINERS,                                                 \
      F_OBJECT,                                                               \
      K_CONTAINER, J_NONE, A_NONE)                                            \
                                                                              \
    X(container_list, ContainerList, "GET",                                   \
      "/containers/json",                                                     \
      "/containers/json",                                                     \
      G_READ|G_CONTAINERS,                                                    \
      F_LIST,                                                                 \
      K_CONTAINER, J_NONE, A_CONTAINERS)                                      \
                                                                              \
    X(container_export, ContainerExport, "GET",                               \
      "/containers/{id}/export",                                              \
      "/containers/{name:.*}/export",                                         \
      G_CONTENT|G_CONTAINERS,                                                 \
      F_STREAM|F_OBJECT,                                                      \
      K_CONTAINER, J_NONE, A_NONE)                                            \
                                                                              \
    X(container_changes, ContainerChanges, "GET",                             \
      "/containers/{id}/changes",                                             \
      "/containers/{name:.*}/changes",                                        \
      G_CONTENT|G_CONTAINERS,                                                 \
      F_OBJECT,                                                               \
      K_CONTAINER, J_NONE, A_NONE)                                            \
                                                                              \
    X(container_inspect, ContainerInspect, "GET",                             \
      "/containers/{id}/json",                                                \
      "/containers/{name:.*}/json",                                           \
      G_READ|G_CONTAINERS,                                                    \
      F_OBJECT,                                                               \
      K_CONTAINER, J_NONE, A_CONTAINER)                                       \
                                                                              \
    X(container_top, ContainerTop, "GET",                                     \
      "/containers/{id}/top",                                                 \
      "/containers/{name:.*}/top",                                            \
      G_CONTENT|G_CONTAINERS,                                                 \
      F_OBJECT,                                                               \
      K_CONTAINER, J_NONE, A_NONE)                                            \
                                                                              \
    X(container_logs, ContainerLogs, "GET",                                   \
      "/containers/{id}/logs",                                                \
      "/containers/{name:.*}/logs",                                           \
      G_CONTENT|G_CONTAINERS,                                                 \
      F_STREAM|F_OBJECT,                                                      \
      K_CONTAINER, J_NONE, A_NONE)                                            \
                                                                              \
    X(container_stats, ContainerStats, "GET",                                 \
      "/containers/{id}/stats",                                               \
      "/containers/{name:.*}/stats",                                          \
      G_CONTENT|G_CONTAINERS,                                                 \
      F_STREAM|F_OBJECT,                                                      \
      K_CONTAINER, J_NONE, A_NONE)                                            \
                                                                              \
    X(container_attach_websocket, ContainerAttachWebsocket, "GET",            \
      "/containers/{id}/attach/ws",                                           \
      "/containers/{name:.*}/attach/ws",                                      \
      G_EXEC|G_CONTAINERS,                                                    \
      F_STREAM|F_HIJACK|F_OBJECT,                                             \
      K_CONTAINER, J_NONE, A_NONE)                                            \
                                                                              \
    X(exec_inspect, ExecInspect, "GET",                                       \
      "/exec/{id}/json",                                                      \
      "/exec/{id:.*}/json",                                                   \
      G_CONTENT|G_EXEC,                                                       \
      F_OBJECT,                                                               \
      K_EXEC, J_NONE, A_EXEC)                                                 \
                                                                              \
    X(container_archive, ContainerArchive, "GET",                             \
      "/containers/{id}/archive",                                             \
      "/containers/{name:.*}/archive",                                        \
      G_CONTENT|G_CONTAINERS,                                                 \
      F_STREAM|F_OBJECT,                                                      \
      K_CONTAINER, J_NONE, A_NONE)                                            \
                                                                              \
    X(container_create, ContainerCreate, "POST",                              \
      "/containers/create",                                                   \
      "/containers/create",                                                   \
      G_LIFECYCLE|G_CONTAINERS,                                               \
      F_JSON|F_PULL|F_CREATE,                                                 \
      K_CONTAINER, J_CREATE, A_NONE)                                          \
                                                                              \
    X(container_kill, ContainerKill, "POST",                                  \
      "/containers/{id}/kill",                                                \
      "/containers/{name:.*}/kill",                                           \
      G_LIFECYCLE|G_CONTAINERS,                                               \
      F_OBJECT|F_CANNOT_KILL,                                                 \
      K_CONTAINER, J_NONE, A_NONE)                                            \
                                                                              \
    X(container_pause, ContainerPause, "POST",                                \
      "/containers/{id}/pause",                                               \
      "/containers/{name:.*}/pause",                                          \
      G_LIFECYCLE|G_CONTAINERS,                                               \
      F_OBJECT,                                                               \
      K_CONTAINER, J_NONE, A_NONE)                                            \
                                                                              \
    X(container_unpause, ContainerUnpause, "POST",                            \
      "/containers/{id}/unpause",                                             \
      "/containers/{name:.*}/unpause",                                        \
      G_LIFECYCLE|G_CONTAINERS,                                               \
      F_OBJECT,                                                               \
      K_CONTAINER, J_NONE, A_NONE)                                            \
                                                                              \
    X(container_restart, ContainerRestart, "POST",                            \
      "/containers/{id}/restart",                                             \
      "/containers/{name:.*}/restart",                                        \
      G_LIFECYCLE|G_CONTAINERS,                                               \
      F_OBJECT,                                                               \
      K_CONTAINER, J_NONE, A_NONE)                                            \
                                                                              \
    /* JSON: a HostConfig body is still honoured for API < 1.24 */            \
    X(container_start, ContainerStart, "POST",                                \
      "/containers/{id}/start",                                               \
      "/containers/{name:.*}/start",                                          \
      G_LIFECYCLE|G_CONTAINERS,                                               \
      F_JSON|F_OBJECT,                                                        \
      K_CONTAINER, J_START, A_NONE)                                           \
                                                                              \
    X(container_stop, ContainerStop, "POST",                                  \
      "/containers/{id}/stop",                                                \
      "/containers/{name:.*}/stop",                                           \
      G_LIFECYCLE|G_CONTAINERS,                                               \
      F_OBJECT,                                                               \
      K_CONTAINER, J_NONE, A_NONE)                                            \
                                                                              \
    X(container_wait, ContainerWait, "POST",                                  \
      "/containers/{id}/wait",                                                \
      "/containers/{name:.*}/wait",                                           \
      G_LIFECYCLE|G_CONTAINERS,                                               \
      F_STREAM|F_OBJECT,                                                      \
      K_CONTAINER, J_NONE, A_NONE)                                            \
                                                                              \
    X(container_resize, ContainerResize, "POST",                              \
      "/containers/{id}/resize",                                              \
      "/containers/{name:.*}/resize",                                         \
      G_LIFECYCLE|G_CONTAINERS,                                               \
      F_OBJECT,                                                               \
      K_CONTAINER, J_NONE, A_NONE)                                            \
                                                                              \
    X(container_attach, ContainerAttach, "POST",                              \
      "/containers/{id}/attach",                                              \
      "/containers/{name:.*}/attach",                                         \
      G_EXEC|G_CONTAINERS,                                                    \
      F_STREAM|F_HIJACK|F_OBJECT,                                             \
      K_CONTAINER, J_NONE, A_NONE)                                            \
                                                                              \
    /* dockerd 20.10 only, API < 1.24; not in the API spec */                 \
    X(container_copy, ContainerCopy, "POST",                                  \
      "/containers/{id}/copy",                                                \
      "/containers/{name:.*}/copy",                                           \
      G_CONTENT|G_CONTAINERS,                                                 \
      F_STREAM|F_JSON|F_OBJECT|F_EXTRA,                                       \
      K_CONTAINER, J_NONE, A_NONE)                                            \
                                                                              \
    X(container_exec, ContainerExec, "POST",                                  \
      "/containers/{id}/exec",                                                \
      "/containers/{name:.*}/exec",                                           \
      G_EXEC|G_CONTAINERS,                                                    \
      F_JSON|F_OBJECT,                                                        \
      K_CONTAINER, J_EXEC, A_NONE)                                            \
                                                                              \
    X(exec_start, ExecStart, "POST",                                          \
      "/exec/{id}/start",                                                     \
      "/exec/{name:.*}/start",                                                \
      G_EXEC,                                                                 \
      F_STREAM|F_HIJACK|F_JSON|F_OBJECT,                                      \
      K_EXEC, J_NONE, A_NONE)                                                 \
                                                                              \
    X(exec_resize, ExecResize, "POST",                                        \
      "/exec/{id}/resize",                                                    \
      "/exec/{name:.*}/resize",                                               \
      G_EXEC,                                                                 \
      F_OBJECT,                                                               \
      K_EXEC, J_NONE, A_NONE)                                                 \
                                                                              \
    X(container_rename, ContainerRename, "POST",                              \
      "/containers/{id}/rename",                                              \
      "/containers/{name:.*}/rename",                                         \
      G_LIFECYCLE|G_CONTAINERS,                                               \
      F_OBJECT,                                                               \
      K_CONTAINER, J_NONE, A_NONE)                                            \
                                                                              \
    X(container_update, ContainerUpdate, "POST",                              \
      "/containers/{id}/update",                                              \
      "/containers/{name:.*}/update",                                         \
      G_LIFECYCLE|G_CONTAINERS,                                               \
      F_JSON|F_OBJECT,                                                        \
      K_CONTAINER, J_UPDATE, A_NONE)                                          \
                                                                              \
    X(container_prune, ContainerPrune, "POST",                                \
      "/containers/prune",                                                    \
      "/containers/prune",                                                    \
      G_LIFECYCLE|G_CONTAINERS,                                               \
      F_LIST,                                                                 \
      K_CONTAINER, J_NONE, A_NONE)                                            \
                                                                              \
    X(image_commit, ImageCommit, "POST",                                      \
      "/commit",                                                              \
      "/commit",                                                              \
      G_IMAGES,                                                               \
      F_JSON,                                                                 \
      K_IMAGE, J_COMMIT, A_NONE)                                              \
                                                                              \
    X(put_container_archive, PutContainerArchive, "PUT",                      \
      "/containers/{id}/archive",                                             \
      "/containers/{name:.*}/archive",                                        \
      G_LIFECYCLE|G_CONTAINERS,                                               \
      F_UPLOAD|F_OBJECT,                                                      \
      K_CONTAINER, J_NONE, A_NONE)                                            \
                                                                              \
    X(container_delete, ContainerDelete, "DELETE",                            \
      "/containers/{id}",                                                     \
      "/containers/{name:.*}",                                                \
      G_LIFECYCLE|G_CONTAINERS,                                               \
      F_OBJECT,                                                               \
      K_CONTAINER, J_NONE, A_NONE)                                            \
                                                                              \
    /* the image router */                                                    \
    X(image_list, ImageList, "GET",                                           \
      "/images/json",                                                         \
      "/images/json",                                                         \
      G_READ|G_IMAGES,                                                        \
      0,                                                                      \
      K_IMAGE, J_NONE, A_NONE)                                                \
                                                                              \
    X(image_search, ImageSearch, "GET",                                       \
      "/images/search",                                                       \
      "/images/search",                                                       \
      G_IMAGES|G_REGISTRY,                                                    \
      0,                                                                      \
      K_IMAGE, J_NONE, A_NONE)                                                \
                                                                              \
    X(image_get_all, ImageGetAll, "GET",                                      \
      "/images/get",                                                          \
      "/images/get",                                                          \
      G_CONTENT|G_IMAGES,                                                     \
      F_STREAM,                                                               \
      K_IMAGE, J_NONE, A_NONE)                                                \
                                                                              \
    X(image_get, ImageGet, "GET",                                             \
      "/images/{name}/get",                                                   \
      "/images/{name:.*}/get",                                                \
      G_CONTENT|G_IMAGES,                                                     \
      F_STREAM|F_OBJECT,                                                      \
      K_IMAGE, J_NONE, A_NONE)                                                \
                                                                              \
    X(image_history, ImageHistory, "GET",                                     \
      "/images/{name}/history",                                               \
      "/images/{name:.*}/history",                                            \
      G_READ|G_IMAGES,                                                        \
      F_OBJECT,                                                               \
      K_IMAGE, J_NONE, A_NONE)                                                \
                                                                              \
    X(image_inspect, ImageInspect, "GET",                                     \
      "/images/{name}/json",                                                  \
      "/images/{name:.*}/json",                                               \
      G_READ|G_IMAGES,                                                        \
      F_OBJECT,                                                               \
      K_IMAGE, J_NONE, A_NONE)                                                \
                                                                              \
    X(image_attestations, ImageAttestations, "GET",                           \
      "/images/{name}/attestations",                                          \
      "/images/{name:.*}/attestations",                                       \
      G_READ|G_IMAGES,                                                        \
      F_OBJECT,                                                               \
      K_IMAGE, J_NONE, A_NONE)                                                \
                                                                              \
    X(image_load, ImageLoad, "POST",                                          \
      "/images/load",                                                         \
      "/images/load",                                                         \
      G_IMAGES,                                                               \
      F_STREAM|F_UPLOAD,                                                      \
      K_IMAGE, J_NONE, A_NONE)                                                \
                                                                              \
    /* UPLOAD: the image to import with fromSrc=- */                          \
    X(image_create, ImageCreate, "POST",                                      \
      "/images/create",                                                       \
      "/images/create",                                                       \
      G_IMAGES|G_REGISTRY,                                                    \
      F_STREAM|F_UPLOAD,                                                      \
      K_IMAGE, J_PULL, A_NONE)                                                \
                                                                              \
    /* JSON: an AuthConfig body without X-Registry-Auth (legacy) */           \
    X(image_push, ImagePush, "POST",                                          \
      "/images/{name}/push",                                                  \
      "/images/{name:.*}/push",                                               \
      G_IMAGES|G_REGISTRY,                                                    \
      F_STREAM|F_JSON|F_OBJECT,                                               \
      K_IMAGE, J_NONE, A_NONE)                                                \
                                                                              \
    X(image_tag, ImageTag, "POST",                                            \
      "/images/{name}/tag",                                                   \
      "/images/{name:.*}/tag",                                                \
      G_IMAGES,                                                               \
      F_OBJECT|F_SHARED,                                                      \
      K_IMAGE, J_NONE, A_NONE)                                                \
                                                                              \
    X(image_prune, ImagePrune, "POST",                                        \
      "/images/prune",                                                        \
      "/images/prune",                                                        \
      G_IMAGES,                                                               \
      F_SHARED,                                                               \
      K_IMAGE, J_NONE, A_NONE)                                                \
                                                                              \
    X(image_delete, ImageDelete, "DELETE",                                    \
      "/images/{name}",                                                       \
      "/images/{name:.*}",                                                    \
      G_IMAGES,                                                               \
      F_OBJECT|F_SHARED,                                                      \
      K_IMAGE, J_NONE, A_NONE)                                                \
                                                                              \
    /* not in the API spec; the only OPTIONS route */                         \
    X(system_options, SystemOptions, "OPTIONS",                               \
      "/{path}",                                                              \
      "/{anyroute:.*}",                                                       \
      G_READ|G_SYSTEM,                                                        \
      F_EXTRA,                                                                \
      K_NONE, J_NONE, A_NONE)                                                 \
                                                                              \
    X(system_ping, SystemPing, "GET",                                         \
      "/_ping",                                                               \
      "/_ping",                                                               \
      G_READ|G_SYSTEM,                                                        \
      0,                                                                      \
      K_NONE, J_NONE, A_NONE)                                                 \
                                                                              \
    X(system_ping_head, SystemPingHead, "HEAD",                               \
      "/_ping",                                                               \
      "/_ping",                                                               \
      G_READ|G_SYSTEM,                                                        \
      0,                                                                      \
      K_NONE, J_NONE, A_NONE)                                                 \
                                                                              \
    X(system_events, SystemEvents, "GET",                                     \
      "/events",                                                              \
      "/events",                                                              \
      G_READ|G_SYSTEM,                                                        \
      F_STREAM|F_LIST,                                                        \
      K_NONE, J_NONE, A_EVENTS)                                               \
                                                                              \
    X(system_info, SystemInfo, "GET",                                         \
      "/info",                                                                \
      "/info",                                                                \
      G_READ|G_SYSTEM,                                                        \
      0,                                                                      \
      K_NONE, J_NONE, A_NONE)                                                 \
                                                                              \
    X(system_version, SystemVersion, "GET",                                   \
      "/version",                                                             \
      "/version",                                                             \
      G_READ|G_SYSTEM,                                                        \
      0,                                                                      \
      K_NONE, J_NONE, A_NONE)                                                 \
                                                                              \
    X(system_data_usage, SystemDataUsage, "GET",                              \
      "/system/df",                                                           \
      "/system/df",                                                           \
      G_READ|G_SYSTEM,                                                        \
      0,                                                                      \
      K_NONE, J_NONE, A_DF)                                                   \
                                                                              \
    X(system_auth, SystemAuth, "POST",                                        \
      "/auth",                                                                \
      "/auth",                                                                \
      G_SYSTEM|G_REGISTRY,                                                    \
      F_JSON,                                                                 \
      K_NONE, J_NONE, A_NONE)                                                 \
                                                                              \
    /* the volume router */                                                   \
    X(volume_list, VolumeList, "GET",                                         \
      "/volumes",                                                             \
      "/volumes",                                                             \
      G_READ|G_VOLUMES,                                                       \
      F_LIST,                                                                 \
      K_VOLUME, J_NONE, A_VOLUMES)                                            \
                                                                              \
    X(volume_inspect, VolumeInspect, "GET",                                   \
      "/volumes/{name}",                                                      \
      "/volumes/{name:.*}",                                                   \
      G_READ|G_VOLUMES,                                                       \
      F_OBJECT,                                                               \
      K_VOLUME, J_NONE, A_VOLUME)                                             \
                                                                              \
    X(volume_create, VolumeCreate, "POST",                                    \
      "/volumes/create",                                                      \
      "/volumes/create",                                                      \
      G_VOLUMES,                                                              \
      F_JSON|F_CREATE,                                                        \
      K_VOLUME, J_VOLUME, A_NONE)                                             \
                                                                              \
    X(volume_prune, VolumePrune, "POST",                                      \
      "/volumes/prune",                                                       \
      "/volumes/prune",                                                       \
      G_VOLUMES,                                                              \
      F_LIST,                                                                 \
      K_VOLUME, J_NONE, A_NONE)                                               \
                                                                              \
    X(volume_update, VolumeUpdate, "PUT",                                     \
      "/volumes/{name}",                                                      \
      "/volumes/{name:.*}",                                                   \
      G_VOLUMES,                                                              \
      F_JSON|F_OBJECT,                                                        \
      K_VOLUME, J_NONE, A_NONE)                                               \
                                                                              \
    X(volume_delete, VolumeDelete, "DELETE",                                  \
      "/volumes/{name}",                                                      \
      "/volumes/{name:.*}",                                                   \
      G_VOLUMES,                                                              \
      F_OBJECT,                                                               \
      K_VOLUME, J_NONE, A_NONE)                                               \
                                                                              \
    /* the build and session routers */                                       \
    X(image_build, ImageBuild, "POST",                                        \
      "/build",                                                               \
      "/build",                                                               \
      G_BUILD,                                                                \
      F_STREAM|F_UPLOAD|F_REDACT_QUERY,                                       \
      K_IMAGE, J_BUILD, A_NONE)                                               \
                                                                              \
    X(build_prune, BuildPrune, "POST",                                        \
      "/build/prune",                                                         \
      "/build/prune",                                                         \
      G_BUILD,                                                                \
      F_SHARED,                                                               \
      K_IMAGE, J_NONE, A_NONE)                                                \
                                                                              \
    /* not in the API spec */                                                 \
    X(build_cancel, BuildCancel, "POST",                                      \
      "/build/cancel",                                                        \
      "/build/cancel",                                                        \
      G_BUILD,                                                                \
      F_EXTRA,                                                                \
      K_IMAGE, J_NONE, A_NONE)                                                \
                                                                              \
    X(session, Session, "POST",                                               \
      "/session",                                                             \
      "/session",                                                             \
      G_BUILD,                                                                \
      F_STREAM|F_HIJACK,                                                      \
      K_NONE, J_NONE, A_NONE)                                                 \
                                                                              \
    /* the swarm router */                                                    \
    X(swarm_init, SwarmInit, "POST",                                          \
      "/swarm/init",                                                          \
      "/swarm/init",                                                          \
      G_SWARM,                                                                \
      F_JSON|F_HOST,                                                          \
      K_NONE, J_SWARM, A_NONE)                                                \
                                                                              \
    X(swarm_join, SwarmJoin, "POST",                                          \
      "/swarm/join",                                                          \
      "/swarm/join",                                                          \
      G_SWARM,                                                                \
      F_JSON|F_HOST,                                                          \
      K_NONE, J_NONE, A_NONE)                                                 \
                                                                              \
    X(swarm_leave, SwarmLeave, "POST",                                        \
      "/swarm/leave",                                                         \
      "/swarm/leave",                                                         \
      G_SWARM,                                                                \
      0,                                                                      \
      K_NONE, J_NONE, A_NONE)                                                 \
                                                                              \
    /* not read: the answer holds the join tokens */                          \
    X(swarm_inspect, SwarmInspect, "GET",                                     \
      "/swarm",                                                               \
      "/swarm",                                                               \
      G_SWARM,                                                                \
      0,                                                                      \
      K_NONE, J_NONE, A_SWARM)                                                \
                                                                              \
    X(swarm_unlockkey, SwarmUnlockkey, "GET",                                 \
      "/swarm/unlockkey",                                                     \
      "/swarm/unlockkey",                                                     \
      G_SWARM,                                                                \
      0,                                                                      \
      K_NONE, J_NONE, A_NONE)                                                 \
                                                                              \
    X(swarm_update, SwarmUpdate, "POST",                                      \
      "/swarm/update",                                                        \
      "/swarm/update",                                                        \
      G_SWARM,                                                                \
      F_JSON,                                                                 \
      K_NONE, J_SWARM, A_NONE)                                                \
                                                                              \
    X(swarm_unlock, SwarmUnlock, "POST",                                      \
      "/swarm/unlock",                                                        \
      "/swarm/unlock",                                                        \
      G_SWARM,                                                                \
      F_JSON,                                                                 \
      K_NONE, J_NONE, A_NONE)                                                 \
                                                                              \
    X(service_list, ServiceList, "GET",                                       \
      "/services",                                                            \
      "/services",                                                            \
      G_READ|G_SWARM,                                                         \
      F_LIST,                                                                 \
      K_SERVICE, J_NONE, A_SERVICES)                                          \
                                                                              \
    X(service_inspect, ServiceInspect, "GET",                                 \
      "/services/{id}",                                                       \
      "/services/{id}",                                                       \
      G_READ|G_SWARM,                                                         \
      F_OBJECT,                                                               \
      K_SERVICE, J_NONE, A_SERVICE)                                           \
                                                                              \
    X(service_create, ServiceCreate, "POST",                                  \
      "/services/create",                                                     \
      "/services/create",                                                     \
      G_SWARM,                                                                \
      F_JSON|F_CREATE,                                                        \
      K_SERVICE, J_SERVICE, A_NONE)                                           \
                                                                              \
    X(service_update, ServiceUpdate, "POST",                                  \
      "/services/{id}/update",                                                \
      "/services/{id}/update",                                                \
      G_SWARM,                                                                \
      F_JSON|F_OBJECT|F_CREATE,                                               \
      K_SERVICE, J_SERVICE, A_NONE)                                           \
                                                                              \
    X(service_delete, ServiceDelete, "DELETE",                                \
      "/services/{id}",                                                       \
      "/services/{id}",                                                       \
      G_SWARM,                                                                \
      F_OBJECT,                                                               \
      K_SERVICE, J_NONE, A_NONE)                                              \
                                                                              \
    X(service_logs, ServiceLogs, "GET",                                       \
      "/services/{id}/logs",                                                  \
      "/services/{id}/logs",                                                  \
      G_CONTENT|G_SWARM,                                                      \
      F_STREAM|F_OBJECT,                                                      \
      K_SERVICE, J_NONE, A_NONE)                                              \
                                                                              \
    X(node_list, NodeList, "GET",                                             \
      "/nodes",                                                               \
      "/nodes",                                                               \
      G_READ|G_SWARM,                                                         \
      0,                                                                      \
      K_NODE, J_NONE, A_NONE)                                                 \
                                                                              \
    X(node_inspect, NodeInspect, "GET",                                       \
      "/nodes/{id}",                                                          \
      "/nodes/{id}",                                                          \
      G_READ|G_SWARM,                                                         \
      F_OBJECT,                                                               \
      K_NODE, J_NONE, A_NONE)                                                 \
                                                                              \
    X(node_delete, NodeDelete, "DELETE",                                      \
      "/nodes/{id}",                                                          \
      "/nodes/{id}",                                                          \
      G_SWARM,                                                                \
      F_OBJECT,                                                               \
      K_NODE, J_NONE, A_NONE)                                                 \
                                                                              \
    X(node_update, NodeUpdate, "POST",                                        \
      "/nodes/{id}/update",                                                   \
      "/nodes/{id}/update",                                                   \
      G_SWARM,                                                                \
      F_JSON|F_OBJECT,                                                        \
      K_NODE, J_NONE, A_NONE)                                                 \
                                                                              \
    X(task_list, TaskList, "GET",                                             \
      "/tasks",                                                               \
      "/tasks",                                                               \
      G_READ|G_SWARM,                                                         \
      F_LIST,                                                                 \
      K_TASK, J_NONE, A_TASKS)                                                \
                                                                              \
    X(task_inspect, TaskInspect, "GET",                                       \
      "/tasks/{id}",                                                          \
      "/tasks/{id}",                                                          \
      G_READ|G_SWARM,                                                         \
      F_OBJECT,                                                               \
      K_TASK, J_NONE, A_TASK)                                                 \
                                                                              \
    X(task_logs, TaskLogs, "GET",                                             \
      "/tasks/{id}/logs",                                                     \
      "/tasks/{id}/logs",                                                     \
      G_CONTENT|G_SWARM,                                                      \
      F_STREAM|F_OBJECT,                                                      \
      K_TASK, J_NONE, A_NONE)                                                 \
                                                                              \
    X(secret_list, SecretList, "GET",                                         \
      "/secrets",                                                             \
      "/secrets",                                                             \
      G_READ|G_SWARM,                                                         \
      F_LIST,                                                                 \
      K_SECRET, J_NONE, A_NONE)                                               \
                                                                              \
    X(secret_create, SecretCreate, "POST",                                    \
      "/secrets/create",                                                      \
      "/secrets/create",                                                      \
      G_SWARM,                                                                \
      F_JSON|F_CREATE,                                                        \
      K_SECRET, J_SECRET, A_NONE)                                             \
                                                                              \
    X(secret_delete, SecretDelete, "DELETE",                                  \
      "/secrets/{id}",                                                        \
      "/secrets/{id}",                                                        \
      G_SWARM,                                                                \
      F_OBJECT,                                                               \
      K_SECRET, J_NONE, A_NONE)                                               \
                                                                              \
    X(secret_inspect, SecretInspect, "GET",                                   \
      "/secrets/{id}",                                                        \
      "/secrets/{id}",                                                        \
      G_READ|G_SWARM,                                                         \
      F_OBJECT,                                                               \
      K_SECRET, J_NONE, A_NONE)                                               \
                                                                              \
    X(secret_update, SecretUpdate, "POST",                                    \
      "/secrets/{id}/update",                                                 \
      "/secrets/{id}/update",                                                 \
      G_SWARM,                                                                \
      F_JSON|F_OBJECT|F_CREATE,                                               \
      K_SECRET, J_SECRET, A_NONE)                                             \
                                                                              \
    X(config_list, ConfigList, "GET",                                         \
      "/configs",                                                             \
      "/configs",                                                             \
      G_READ|G_SWARM,                                                         \
      F_LIST,                                                                 \
      K_CONFIG, J_NONE, A_CONFIGS)                                            \
                                                                              \
    X(config_create, ConfigCreate, "POST",                                    \
      "/configs/create",                                                      \
      "/configs/create",                                                      \
      G_SWARM,                                                                \
      F_JSON|F_CREATE,                                                        \
      K_CONFIG, J_SECRET, A_NONE)                                             \
                                                                              \
    X(config_delete, ConfigDelete, "DELETE",                                  \
      "/configs/{id}",                                                        \
      "/configs/{id}",                                                        \
      G_SWARM,                                                                \
      F_OBJECT,                                                               \
      K_CONFIG, J_NONE, A_NONE)                                               \
                                                                              \
    X(config_inspect, ConfigInspect, "GET",                                   \
      "/configs/{id}",                                                        \
      "/configs/{id}",                                                        \
      G_READ|G_SWARM,                                                         \
      F_OBJECT,                                                               \
      K_CONFIG, J_NONE, A_CONFIG)                                             \
                                                                              \
    X(config_update, ConfigUpdate, "POST",                                    \
      "/configs/{id}/update",                                                 \
      "/configs/{id}/update",                                                 \
      G_SWARM,                                                                \
      F_JSON|F_OBJECT|F_CREATE,                                               \
      K_CONFIG, J_SECRET, A_NONE)                                             \
                                                                              \
    /* the plugin router */                                                   \
    X(plugin_list, PluginList, "GET",                                         \
      "/plugins",                                                             \
      "/plugins",                                                             \
      G_READ|G_PLUGINS,                                                       \
      0,                                                                      \
      K_PLUGIN, J_NONE, A_PLUGINS)                                            \
                                                                              \
    X(plugin_inspect, PluginInspect, "GET",                                   \
      "/plugins/{name}/json",                                                 \
      "/plugins/{name:.*}/json",                                              \
      G_READ|G_PLUGINS,                                                       \
      F_OBJECT,                                                               \
      K_PLUGIN, J_NONE, A_PLUGIN)                                             \
                                                                              \
    X(get_plugin_privileges, GetPluginPrivileges, "GET",                      \
      "/plugins/privileges",                                                  \
      "/plugins/privileges",                                                  \
      G_PLUGINS|G_REGISTRY,                                                   \
      0,                                                                      \
      K_PLUGIN, J_NONE, A_NONE)                                               \
                                                                              \
    X(plugin_delete, PluginDelete, "DELETE",                                  \
      "/plugins/{name}",                                                      \
      "/plugins/{name:.*}",                                                   \
      G_PLUGINS,                                                              \
      F_OBJECT,                                                               \
      K_PLUGIN, J_NONE, A_NONE)                                               \
                                                                              \
    X(plugin_enable, PluginEnable, "POST",                                    \
      "/plugins/{name}/enable",                                               \
      "/plugins/{name:.*}/enable",                                            \
      G_PLUGINS,                                                              \
      F_OBJECT|F_HOST,                                                        \
      K_PLUGIN, J_NONE, A_NONE)                                               \
                                                                              \
    X(plugin_disable, PluginDisable, "POST",                                  \
      "/plugins/{name}/disable",                                              \
      "/plugins/{name:.*}/disable",                                           \
      G_PLUGINS,                                                              \
      F_OBJECT,                                                               \
      K_PLUGIN, J_NONE, A_NONE)                                               \
                                                                              \
    X(plugin_pull, PluginPull, "POST",                                        \
      "/plugins/pull",                                                        \
      "/plugins/pull",                                                        \
      G_PLUGINS|G_REGISTRY,                                                   \
      F_STREAM|F_JSON|F_HOST,                                                 \
      K_PLUGIN, J_NONE, A_NONE)                                               \
                                                                              \
    X(plugin_push, PluginPush, "POST",                                        \
      "/plugins/{name}/push",                                                 \
      "/plugins/{name:.*}/push",                                              \
      G_PLUGINS|G_REGISTRY,                                                   \
      F_STREAM|F_OBJECT|F_HOST,                                               \
      K_PLUGIN, J_NONE, A_NONE)                                               \
                                                                              \
    X(plugin_upgrade, PluginUpgrade, "POST",                                  \
      "/plugins/{name}/upgrade",                                              \
      "/plugins/{name:.*}/upgrade",                                           \
      G_PLUGINS|G_REGISTRY,                                                   \
      F_STREAM|F_JSON|F_OBJECT|F_HOST,                                        \
      K_PLUGIN, J_NONE, A_NONE)                                               \
                                                                              \
    X(plugin_set, PluginSet, "POST",                                          \
      "/plugins/{name}/set",                                                  \
      "/plugins/{name:.*}/set",                                               \
      G_PLUGINS,                                                              \
      F_JSON|F_OBJECT|F_HOST,                                                 \
      K_PLUGIN, J_NONE, A_NONE)                                               \
                                                                              \
    X(plugin_create, PluginCreate, "POST",                                    \
      "/plugins/create",                                                      \
      "/plugins/create",                                                      \
      G_PLUGINS,                                                              \
      F_UPLOAD|F_HOST,                                                        \
      K_PLUGIN, J_NONE, A_NONE)                                               \
                                                                              \
    /* the distribution and grpc routers */                                   \
    X(distribution_inspect, DistributionInspect, "GET",                       \
      "/distribution/{name}/json",                                            \
      "/distribution/{name:.*}/json",                                         \
      G_SYSTEM|G_REGISTRY,                                                    \
      F_OBJECT,                                                               \
      K_IMAGE, J_NONE, A_NONE)                                                \
                                                                              \
    /* not in the API spec: BuildKit over h2c, upgraded like /session */      \
    X(grpc, Grpc, "POST",                                                     \
      "/grpc",                                                                \
      "/grpc",                                                                \
      G_BUILD,                                                                \
      F_STREAM|F_HIJACK|F_EXTRA,                                              \
      K_NONE, J_NONE, A_NONE)                                                 \
                                                                              \
    /* dockerd registers "/networks/" too */                                  \
    X(network_list, NetworkList, "GET",                                       \
      "/networks",                                                            \
      "/networks /networks/",                                                 \
      G_READ|G_NETWORKS,                                                      \
      F_LIST,                                                                 \
      K_NETWORK, J_NONE, A_NONE)                                              \
                                                                              \
    /* ".+": "/networks/" is NetworkList */                                   \
    X(network_inspect, NetworkInspect, "GET",                                 \
      "/networks/{id}",                                                       \
      "/networks/{id:.+}",                                                    \
      G_READ|G_NETWORKS,                                                      \
      F_OBJECT,                                                               \
      K_NETWORK, J_NONE, A_NETWORK)                                           \
                                                                              \
    X(network_create, NetworkCreate, "POST",                                  \
      "/networks/create",                                                     \
      "/networks/create",                                                     \
      G_NETWORKS,                                                             \
      F_JSON|F_CREATE,                                                        \
      K_NETWORK, J_NETWORK, A_NONE)                                           \
                                                                              \
    X(network_connect, NetworkConnect, "POST",                                \
      "/networks/{id}/connect",                                               \
      "/networks/{id:.*}/connect",                                            \
      G_NETWORKS,                                                             \
      F_JSON|F_OBJECT,                                                        \
      K_NETWORK, J_CONNECT, A_NONE)                                           \
                                                                              \
    X(network_disconnect, NetworkDisconnect, "POST",                          \
      "/networks/{id}/disconnect",                                            \
      "/networks/{id:.*}/disconnect",                                         \
      G_NETWORKS,                                                             \
      F_JSON|F_OBJECT,                                                        \
      K_NETWORK, J_CONNECT, A_NONE)                                           \
                                                                              \
    X(network_prune, NetworkPrune, "POST",                                    \
      "/networks/prune",                                                      \
      "/networks/prune",                                                      \
      G_NETWORKS,                                                             \
      F_LIST,                                                                 \
      K_NETWORK, J_NONE, A_NONE)                                              \
                                                                              \
    X(network_delete, NetworkDelete, "DELETE",                                \
      "/networks/{id}",                                                       \
      "/networks/{id:.*}",                                                    \
      G_NETWORKS,                                                             \
      F_OBJECT,                                                               \
      K_NETWORK, J_NONE, A_NONE)                                              \
                                                                              \
    /*                                                                        \
     * the debug router (not in the API spec): dockerd 20.10 serves it for    \
     * any method and without the version prefix only, later ones for GET     \
     * with or without it; routed here for any method, with or without it     \
     */                                                                       \
    X(debug_vars, DebugVars, "*",                                             \
      "/debug/vars",                                                          \
      "/debug/vars",                                                          \
      G_SYSTEM,                                                               \
      F_EXTRA,                                                                \
      K_NONE, J_NONE, A_NONE)                                                 \
                                                                              \
    X(debug_pprof_index, DebugPprofIndex, "*",                                \
      "/debug/pprof/",                                                        \
      "/debug/pprof/",                                                        \
      G_SYSTEM,                                                               \
      F_EXTRA,                                                                \
      K_NONE, J_NONE, A_NONE)                                                 \
                                                                              \
    X(debug_pprof_cmdline, DebugPprofCmdline, "*",                            \
      "/debug/pprof/cmdline",                                                 \
      "/debug/pprof/cmdline",                                                 \
      G_SYSTEM,                                                               \
      F_EXTRA,                                                                \
      K_NONE, J_NONE, A_NONE)                                                 \
                                                                              \
    X(debug_pprof_profile, DebugPprofProfile, "*",                            \
      "/debug/pprof/profile",                                                 \
      "/debug/pprof/profile",                                                 \
      G_SYSTEM,                                                               \
      F_STREAM|F_EXTRA,                                                       \
      K_NONE, J_NONE, A_NONE)                                                 \
                                                                              \
    X(debug_pprof_symbol, DebugPprofSymbol, "*",                              \
      "/debug/pprof/symbol",                                                  \
      "/debug/pprof/symbol",                                                  \
      G_SYSTEM,                                                               \
      F_EXTRA,                                                                \
      K_NONE, J_NONE, A_NONE)                                                 \
                                                                              \
    X(debug_pprof_trace, DebugPprofTrace, "*",                                \
      "/debug/pprof/trace",                                                   \
      "/debug/pprof/trace",                                                   \
      G_SYSTEM,                                                               \
      F_STREAM|F_EXTRA,                                                       \
      K_NONE, J_NONE, A_NONE)                                                 \
                                                                              \
    X(debug_pprof, DebugPprof, "*",                                           \
      "/debug/pprof/{profile}",                                               \
      "/debug/pprof/{name}",                                                  \
      G_SYSTEM,                                                               \
      F_EXTRA,                                                                \
      K_NONE, J_NONE, A_NONE)                                                 \
                                                                              \
    /*                                                                        \
     * Podman's own API (not dockerd's): "/libpod/..." with or without a      \
     * version prefix.  Its bodies are not Docker-shaped (a SpecGenerator's   \
     * top-level "privileged", "netns"), so that Docker-shaped checks would   \
     * read them as harmless: outside every group, and no policy allows      \
     * them, until each has checks of its own.  The hijacks are told apart   \
     * so that they are relayed where no policy is enforced.                  \
     */                                                                       \
    X(libpod_exec_start, LibpodExecStart, "POST",                             \
      "/libpod/exec/{id}/start",                                              \
      "/libpod/exec/{id}/start",                                              \
      0,                                                                      \
      F_STREAM|F_HIJACK|F_EXTRA|F_LIBPOD,                                     \
      K_NONE, J_NONE, A_NONE)                                                 \
                                                                              \
    X(libpod_container_attach, LibpodContainerAttach, "POST",                 \
      "/libpod/containers/{name}/attach",                                     \
      "/libpod/containers/{name}/attach",                                     \
      0,                                                                      \
      F_STREAM|F_HIJACK|F_EXTRA|F_LIBPOD,                                     \
      K_NONE, J_NONE, A_NONE)                                                 \
                                                                              \
    X(libpod, Libpod, "*",                                                    \
      "/libpod/{path}",                                                       \
      "/libpod/{path:.*}",                                                    \
      0,                                                                      \
      F_STREAM|F_EXTRA|F_LIBPOD,                                              \
      K_NONE, J_NONE, A_NONE)


typedef enum {
#define ngx_sockerless_op_id(id, name, method, path, routes, groups, flags,  \
    kind, judge, answer)                                                      \
    ngx_sockerless_op_##id,

    NGX_SOCKERLESS_OPS(ngx_sockerless_op_id)

#undef ngx_sockerless_op_id

    ngx_sockerless_op_n
} ngx_sockerless_op_e;


#define NGX_SOCKERLESS_OP_NONE           -1


typedef struct {
    ngx_uint_t             id;          /* ngx_sockerless_op_e */
    ngx_str_t              name;        /* operationId */
    ngx_str_t              method;
    ngx_str_t              path;
    ngx_str_t              routes;
    ngx_uint_t             groups;
    ngx_uint_t             flags;
    ngx_uint_t             kind;
    ngx_uint_t             judge;
    ngx_uint_t             answer;
} ngx_sockerless_op_t;


/* the operation of an id, or NULL */
const ngx_sockerless_op_t *ngx_sockerless_op(ngx_int_t id);
ngx_uint_t ngx_sockerless_nops(void);

/* the name of a group bit ("read", ...), NULL if unknown */
const char *ngx_sockerless_group_name(ngx_uint_t group);

/* the name of a kind ("container", ...), "" for none */
const char *ngx_sockerless_kind_name(ngx_uint_t kind);


#endif /* _NGX_SOCKERLESS_OPS_H_INCLUDED_ */
