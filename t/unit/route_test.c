
/*
 * Copyright (C) ngx_sockerless developers
 */


/*
 * Unit tests of the request router, in TAP.
 *
 *     route_test [operations.tsv]
 *
 * The inline cases cover every operation; the API's operations.tsv, when
 * it can be read, adds every operation with tricky names in its path.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include "ngx_sockerless_route.h"

#include "tap.h"


#define T_NOPS          125
#define T_TSV_OPS       108
#define T_MAX_URI       1024


typedef struct {
    char                   *method;
    char                   *uri;
    char                   *op;          /* NULL: no operation */
    char                   *object;      /* NULL: do not check */
} t_route_case_t;


typedef struct {
    char                   *method;
    char                   *uri;
    ngx_uint_t              canon;
    char                   *op;
} t_canon_case_t;


typedef struct {
    char                   *uri;
    ngx_uint_t              versioned;
    ngx_uint_t              version_ok;
    ngx_uint_t              major;
    ngx_uint_t              minor;
    char                   *op;
} t_version_case_t;


static ngx_int_t t_route(char *method, u_char *uri, size_t len,
    ngx_sockerless_route_t *rt);
static ngx_int_t t_find(char *name);
static int t_str(const ngx_str_t *s, char *v);
static char *t_op_name(ngx_int_t op);
static void t_check_route(t_route_case_t *c);
static void t_table(void);
static void t_groups(void);
static void t_routes(void);
static void t_canon(void);
static void t_versions(void);
static void t_segments(void);
static void t_tsv(char *file);
static void t_tsv_op(char *method, char *path, char *name);
static void t_tsv_path(char *method, char *name, char *prefix, char *head,
    char *value, char *tail, int segment);
static void t_escape(char *dst, char *src);


static u_char     *t_work;

/* every request is routed through the index too: the same answer */
static ngx_sockerless_route_index_t  t_index;

static char  t_digest[] = "busybox@sha256:"
    "b5cfd4befc119a590ca1a81d6bb0fa1fb19f1fbebd0397f25fae164abe1e8a6a";


static t_route_case_t  t_route_cases[] = {

    /* one request for each operation, in the order of the table */

    { "GET", "/containers/c1/checkpoints", "CheckpointList", "c1" },
    { "POST", "/containers/c1/checkpoints", "CheckpointCreate", "c1" },
    { "DELETE", "/containers/c1/checkpoints/cp1", "CheckpointDelete", "c1" },
    { "HEAD", "/containers/c1/archive", "ContainerArchiveInfo", "c1" },
    { "GET", "/containers/json", "ContainerList", "" },
    { "GET", "/containers/c1/export", "ContainerExport", "c1" },
    { "GET", "/containers/c1/changes", "ContainerChanges", "c1" },
    { "GET", "/containers/c1/json", "ContainerInspect", "c1" },
    { "GET", "/containers/c1/top", "ContainerTop", "c1" },
    { "GET", "/containers/c1/logs", "ContainerLogs", "c1" },
    { "GET", "/containers/c1/stats", "ContainerStats", "c1" },
    { "GET", "/containers/c1/attach/ws", "ContainerAttachWebsocket", "c1" },
    { "GET", "/exec/e1/json", "ExecInspect", "e1" },
    { "GET", "/containers/c1/archive", "ContainerArchive", "c1" },
    { "POST", "/containers/create", "ContainerCreate", "" },
    { "POST", "/containers/c1/kill", "ContainerKill", "c1" },
    { "POST", "/containers/c1/pause", "ContainerPause", "c1" },
    { "POST", "/containers/c1/unpause", "ContainerUnpause", "c1" },
    { "POST", "/containers/c1/restart", "ContainerRestart", "c1" },
    { "POST", "/containers/c1/start", "ContainerStart", "c1" },
    { "POST", "/containers/c1/stop", "ContainerStop", "c1" },
    { "POST", "/containers/c1/wait", "ContainerWait", "c1" },
    { "POST", "/containers/c1/resize", "ContainerResize", "c1" },
    { "POST", "/containers/c1/attach", "ContainerAttach", "c1" },
    { "POST", "/containers/c1/copy", "ContainerCopy", "c1" },
    { "POST", "/containers/c1/exec", "ContainerExec", "c1" },
    { "POST", "/exec/e1/start", "ExecStart", "e1" },
    { "POST", "/exec/e1/resize", "ExecResize", "e1" },
    { "POST", "/containers/c1/rename", "ContainerRename", "c1" },
    { "POST", "/containers/c1/update", "ContainerUpdate", "c1" },
    { "POST", "/containers/prune", "ContainerPrune", "" },
    { "POST", "/commit", "ImageCommit", "" },
    { "PUT", "/containers/c1/archive", "PutContainerArchive", "c1" },
    { "DELETE", "/containers/c1", "ContainerDelete", "c1" },
    { "GET", "/images/json", "ImageList", "" },
    { "GET", "/images/search", "ImageSearch", "" },
    { "GET", "/images/get", "ImageGetAll", "" },
    { "GET", "/images/i1/get", "ImageGet", "i1" },
    { "GET", "/images/i1/history", "ImageHistory", "i1" },
    { "GET", "/images/i1/json", "ImageInspect", "i1" },
    { "GET", "/images/i1/attestations", "ImageAttestations", "i1" },
    { "POST", "/images/load", "ImageLoad", "" },
    { "POST", "/images/create", "ImageCreate", "" },
    { "POST", "/images/i1/push", "ImagePush", "i1" },
    { "POST", "/images/i1/tag", "ImageTag", "i1" },
    { "POST", "/images/prune", "ImagePrune", "" },
    { "DELETE", "/images/i1", "ImageDelete", "i1" },
    { "OPTIONS", "/anything/at/all", "SystemOptions", "" },
    { "GET", "/_ping", "SystemPing", "" },
    { "HEAD", "/_ping", "SystemPingHead", "" },
    { "GET", "/events", "SystemEvents", "" },
    { "GET", "/info", "SystemInfo", "" },
    { "GET", "/version", "SystemVersion", "" },
    { "GET", "/system/df", "SystemDataUsage", "" },
    { "POST", "/auth", "SystemAuth", "" },
    { "GET", "/volumes", "VolumeList", "" },
    { "GET", "/volumes/v1", "VolumeInspect", "v1" },
    { "POST", "/volumes/create", "VolumeCreate", "" },
    { "POST", "/volumes/prune", "VolumePrune", "" },
    { "PUT", "/volumes/v1", "VolumeUpdate", "v1" },
    { "DELETE", "/volumes/v1", "VolumeDelete", "v1" },
    { "POST", "/build", "ImageBuild", "" },
    { "POST", "/build/prune", "BuildPrune", "" },
    { "POST", "/build/cancel", "BuildCancel", "" },
    { "POST", "/session", "Session", "" },
    { "POST", "/swarm/init", "SwarmInit", "" },
    { "POST", "/swarm/join", "SwarmJoin", "" },
    { "POST", "/swarm/leave", "SwarmLeave", "" },
    { "GET", "/swarm", "SwarmInspect", "" },
    { "GET", "/swarm/unlockkey", "SwarmUnlockkey", "" },
    { "POST", "/swarm/update", "SwarmUpdate", "" },
    { "POST", "/swarm/unlock", "SwarmUnlock", "" },
    { "GET", "/services", "ServiceList", "" },
    { "GET", "/services/s1", "ServiceInspect", "s1" },
    { "POST", "/services/create", "ServiceCreate", "" },
    { "POST", "/services/s1/update", "ServiceUpdate", "s1" },
    { "DELETE", "/services/s1", "ServiceDelete", "s1" },
    { "GET", "/services/s1/logs", "ServiceLogs", "s1" },
    { "GET", "/nodes", "NodeList", "" },
    { "GET", "/nodes/n1", "NodeInspect", "n1" },
    { "DELETE", "/nodes/n1", "NodeDelete", "n1" },
    { "POST", "/nodes/n1/update", "NodeUpdate", "n1" },
    { "GET", "/tasks", "TaskList", "" },
    { "GET", "/tasks/t1", "TaskInspect", "t1" },
    { "GET", "/tasks/t1/logs", "TaskLogs", "t1" },
    { "GET", "/secrets", "SecretList", "" },
    { "POST", "/secrets/create", "SecretCreate", "" },
    { "DELETE", "/secrets/s1", "SecretDelete", "s1" },
    { "GET", "/secrets/s1", "SecretInspect", "s1" },
    { "POST", "/secrets/s1/update", "SecretUpdate", "s1" },
    { "GET", "/configs", "ConfigList", "" },
    { "POST", "/configs/create", "ConfigCreate", "" },
    { "DELETE", "/configs/c1", "ConfigDelete", "c1" },
    { "GET", "/configs/c1", "ConfigInspect", "c1" },
    { "POST", "/configs/c1/update", "ConfigUpdate", "c1" },
    { "GET", "/plugins", "PluginList", "" },
    { "GET", "/plugins/p1/json", "PluginInspect", "p1" },
    { "GET", "/plugins/privileges", "GetPluginPrivileges", "" },
    { "DELETE", "/plugins/p1", "PluginDelete", "p1" },
    { "POST", "/plugins/p1/enable", "PluginEnable", "p1" },
    { "POST", "/plugins/p1/disable", "PluginDisable", "p1" },
    { "POST", "/plugins/pull", "PluginPull", "" },
    { "POST", "/plugins/p1/push", "PluginPush", "p1" },
    { "POST", "/plugins/p1/upgrade", "PluginUpgrade", "p1" },
    { "POST", "/plugins/p1/set", "PluginSet", "p1" },
    { "POST", "/plugins/create", "PluginCreate", "" },
    { "GET", "/distribution/d1/json", "DistributionInspect", "d1" },
    { "POST", "/grpc", "Grpc", "" },
    { "GET", "/networks", "NetworkList", "" },
    { "GET", "/networks/n1", "NetworkInspect", "n1" },
    { "POST", "/networks/create", "NetworkCreate", "" },
    { "POST", "/networks/n1/connect", "NetworkConnect", "n1" },
    { "POST", "/networks/n1/disconnect", "NetworkDisconnect", "n1" },
    { "POST", "/networks/prune", "NetworkPrune", "" },
    { "DELETE", "/networks/n1", "NetworkDelete", "n1" },
    { "GET", "/debug/vars", "DebugVars", "" },
    { "GET", "/debug/pprof/", "DebugPprofIndex", "" },
    { "GET", "/debug/pprof/cmdline", "DebugPprofCmdline", "" },
    { "GET", "/debug/pprof/profile", "DebugPprofProfile", "" },
    { "GET", "/debug/pprof/symbol", "DebugPprofSymbol", "" },
    { "GET", "/debug/pprof/trace", "DebugPprofTrace", "" },
    { "GET", "/debug/pprof/heap", "DebugPprof", "" },
    { "POST", "/libpod/exec/e1/start", "LibpodExecStart", "" },
    { "POST", "/libpod/containers/c1/attach", "LibpodContainerAttach", "" },
    { "GET", "/libpod/_ping", "Libpod", "" },

    /* Podman's own API: its version prefix, any method, any path */

    { "GET", "/v4.3.1/libpod/_ping", "Libpod", "" },
    { "POST", "/v4.0.0/libpod/containers/create", "Libpod", "" },
    { "POST", "/v4.3.1/libpod/exec/e1/start", "LibpodExecStart", "" },
    { "DELETE", "/libpod/images/a/b", "Libpod", "" },
    { "POST", "/libpod/play/kube", "Libpod", "" },
    { "GET", "/libpod/exec/a/b/start", "Libpod", "" },
    { "GET", "/libpod/", "Libpod", "" },
    { "GET", "/libpod", NULL, NULL },
    { "GET", "/libpodx/_ping", NULL, NULL },

    /* placeholders: ".*" takes "/" and is greedy */

    { "GET", "/containers/a/b/json", "ContainerInspect", "a/b" },
    { "GET", "/containers/json/json", "ContainerInspect", "json" },
    { "GET", "/containers/a/json/json", "ContainerInspect", "a/json" },
    { "GET", "/containers/a/logs/json", "ContainerInspect", "a/logs" },
    { "GET", "/containers/a/json/logs", "ContainerLogs", "a/json" },
    { "POST", "/containers/start/start", "ContainerStart", "start" },
    { "POST", "/containers/create/start", "ContainerStart", "create" },
    { "POST", "/containers/x/exec/start", "ContainerStart", "x/exec" },
    { "GET", "/containers/x/attach/ws", "ContainerAttachWebsocket", "x" },
    { "GET", "/containers/x/ws/attach/ws", "ContainerAttachWebsocket",
      "x/ws" },
    { "GET", "/images/127.0.0.1:5000/team/app:1/json", "ImageInspect",
      "127.0.0.1:5000/team/app:1" },
    { "POST", "/images/127.0.0.1:5000/team/app:1/push", "ImagePush",
      "127.0.0.1:5000/team/app:1" },
    { "POST", "/images/reg:5000/a/b:1/tag", "ImageTag", "reg:5000/a/b:1" },
    { "DELETE", "/images/127.0.0.1:5000/team/app:1", "ImageDelete",
      "127.0.0.1:5000/team/app:1" },
    { "GET", "/images/get/json", "ImageInspect", "get" },
    { "GET", "/images/json/get", "ImageGet", "json" },
    { "GET", "/images/search/history", "ImageHistory", "search" },
    { "GET", "/distribution/docker.io/library/busybox:latest/json",
      "DistributionInspect", "docker.io/library/busybox:latest" },
    { "GET", "/plugins/privileges/json", "PluginInspect", "privileges" },
    { "GET", "/plugins/vieux/sshfs:latest/json", "PluginInspect",
      "vieux/sshfs:latest" },
    { "POST", "/plugins/a/b/set", "PluginSet", "a/b" },
    { "GET", "/volumes/create", "VolumeInspect", "create" },
    { "GET", "/volumes/a/b", "VolumeInspect", "a/b" },
    { "GET", "/networks/create", "NetworkInspect", "create" },
    { "GET", "/networks/a/b", "NetworkInspect", "a/b" },
    { "POST", "/networks/a/b/connect", "NetworkConnect", "a/b" },
    { "GET", "/exec/a/b/json", "ExecInspect", "a/b" },

    /* empty placeholders, reachable through a trailing slash */

    { "GET", "/volumes/", "VolumeInspect", "" },
    { "DELETE", "/containers/", "ContainerDelete", "" },
    { "DELETE", "/images/", "ImageDelete", "" },
    { "DELETE", "/networks/", "NetworkDelete", "" },
    { "DELETE", "/plugins/", "PluginDelete", "" },
    { "GET", "/networks/", "NetworkList", "" },
    { "GET", "/volumes/v1/", "VolumeInspect", "v1/" },
    { "DELETE", "/containers/c1/", "ContainerDelete", "c1/" },

    /* "{x}" is one segment */

    { "GET", "/services/a/b", NULL, NULL },
    { "GET", "/services/a/b/logs", NULL, NULL },
    { "DELETE", "/secrets/a/b", NULL, NULL },
    { "GET", "/services/s1/", NULL, NULL },
    { "GET", "/services/", NULL, NULL },
    { "GET", "/debug/pprof/a/b", NULL, NULL },

    /* the checkpoint router is registered first */

    { "DELETE", "/containers/x/checkpoints/y", "CheckpointDelete", "x" },
    { "DELETE", "/containers/a/b/checkpoints/y", "ContainerDelete",
      "a/b/checkpoints/y" },
    { "DELETE", "/containers/x/checkpoints/y/z", "ContainerDelete",
      "x/checkpoints/y/z" },
    { "GET", "/containers/a/b/checkpoints", "CheckpointList", "a/b" },

    /* methods match exactly; HEAD is not GET */

    { "HEAD", "/containers/json", NULL, NULL },
    { "HEAD", "/version", NULL, NULL },
    { "HEAD", "/containers/c1/logs", NULL, NULL },
    { "get", "/_ping", NULL, NULL },
    { "GET ", "/_ping", NULL, NULL },
    { "", "/_ping", NULL, NULL },
    { "POST", "/_ping", NULL, NULL },
    { "PATCH", "/containers/c1", NULL, NULL },
    { "DELETE", "/containers/json", "ContainerDelete", "json" },
    { "PUT", "/volumes/create", "VolumeUpdate", "create" },

    /* OPTIONS and the /debug routes */

    { "OPTIONS", "/", "SystemOptions", "" },
    { "OPTIONS", "/v1.41/containers/json", "SystemOptions", "" },
    { "OPTIONS", "/debug/vars", "SystemOptions", "" },
    { "POST", "/debug/vars", "DebugVars", "" },
    { "DELETE", "/debug/pprof/profile", "DebugPprofProfile", "" },
    { "GET", "/v1.41/debug/pprof/goroutine", "DebugPprof", "" },
    { "GET", "/debug/pprof", NULL, NULL },
    { "GET", "/debug", NULL, NULL },

    /* unknown routes */

    { "GET", "/", NULL, NULL },
    { "GET", "/containers", NULL, NULL },
    { "GET", "/containers/", NULL, NULL },
    { "GET", "/containers/json/", NULL, NULL },
    { "GET", "/containers/c1", NULL, NULL },
    { "GET", "/_ping/", NULL, NULL },
    { "GET", "/version/", NULL, NULL },
    { "GET", "/v1.41", NULL, NULL },
    { "GET", "/v1.41/", NULL, NULL },
    { "GET", "/v1.41/foo", NULL, NULL },
    { "GET", "/v1.41/v1.41/_ping", NULL, NULL },
    { "GET", "/foo", NULL, NULL },
    { "GET", "/_PING", NULL, NULL },
    { "GET", "/Containers/json", NULL, NULL },
    { "POST", "/containers/create/", NULL, NULL },
    { "GET", "/containers/c1/json/", NULL, NULL },
    { "POST", "/grpc/", NULL, NULL },
    { "POST", "/session/x", NULL, NULL },

    /* the decoded path is routed */

    { "POST", "/containers%2Fcreate", "ContainerCreate", "" },
    { "POST", "/containers%2fcreate", "ContainerCreate", "" },
    { "GET", "/%5fping", "SystemPing", "" },
    { "GET", "/%76%31%2E%34%31/_ping", "SystemPing", "" },
    { "GET", "/images/127.0.0.1:5000%2Fteam%2Fapp:1/json", "ImageInspect",
      "127.0.0.1:5000/team/app:1" },
    { "GET", "/images/a%252Fb/json", "ImageInspect", "a%2Fb" },
    { "GET", "/containers/a%20b/json", "ContainerInspect", "a b" },
    { "GET", "/containers/%E2%9C%93/json", "ContainerInspect",
      "\xe2\x9c\x93" },
    { "GET", "/containers/a#b/json", "ContainerInspect", "a#b" },
    { "GET", "/services/a%2Fb", NULL, NULL },

    { NULL, NULL, NULL, NULL }
};


static t_canon_case_t  t_canon_cases[] = {

    { "GET", "/_ping", NGX_SOCKERLESS_CANON_OK, "SystemPing" },
    { "GET", "/containers/json/", NGX_SOCKERLESS_CANON_OK, NULL },

    /* dot segments */

    { "GET", "/containers/./json", NGX_SOCKERLESS_CANON_DOT, NULL },
    { "GET", "/containers/../_ping", NGX_SOCKERLESS_CANON_DOT, NULL },
    { "GET", "/containers/c1/json/..", NGX_SOCKERLESS_CANON_DOT, NULL },
    { "GET", "/containers/c1/json/.", NGX_SOCKERLESS_CANON_DOT, NULL },
    { "GET", "/containers/c1/json/./", NGX_SOCKERLESS_CANON_DOT, NULL },
    { "GET", "/.", NGX_SOCKERLESS_CANON_DOT, NULL },
    { "GET", "/..", NGX_SOCKERLESS_CANON_DOT, NULL },
    { "GET", "/../_ping", NGX_SOCKERLESS_CANON_DOT, NULL },
    { "GET", "/v1.41/../_ping", NGX_SOCKERLESS_CANON_DOT, NULL },
    { "GET", "/containers/%2e%2e/json", NGX_SOCKERLESS_CANON_DOT, NULL },
    { "GET", "/containers/%2E/json", NGX_SOCKERLESS_CANON_DOT, NULL },
    { "GET", "/containers/.%2e/json", NGX_SOCKERLESS_CANON_DOT, NULL },
    { "GET", "/images/a%2F..%2Fb/json", NGX_SOCKERLESS_CANON_DOT, NULL },
    { "GET", "/containers/.../json", NGX_SOCKERLESS_CANON_OK,
      "ContainerInspect" },
    { "GET", "/containers/.a/json", NGX_SOCKERLESS_CANON_OK,
      "ContainerInspect" },
    { "GET", "/containers/a./json", NGX_SOCKERLESS_CANON_OK,
      "ContainerInspect" },
    { "GET", "/containers/..a/json", NGX_SOCKERLESS_CANON_OK,
      "ContainerInspect" },

    /* empty segments */

    { "GET", "//_ping", NGX_SOCKERLESS_CANON_SLASHES, NULL },
    { "GET", "//", NGX_SOCKERLESS_CANON_SLASHES, NULL },
    { "GET", "/_ping//", NGX_SOCKERLESS_CANON_SLASHES, NULL },
    { "GET", "/containers//json", NGX_SOCKERLESS_CANON_SLASHES, NULL },
    { "GET", "/containers/c1//json", NGX_SOCKERLESS_CANON_SLASHES, NULL },
    { "GET", "/images//json", NGX_SOCKERLESS_CANON_SLASHES, NULL },
    { "GET", "/networks//", NGX_SOCKERLESS_CANON_SLASHES, NULL },
    { "GET", "/v1.41//_ping", NGX_SOCKERLESS_CANON_SLASHES, NULL },
    { "GET", "/containers/a%2F%2Fb/json", NGX_SOCKERLESS_CANON_SLASHES,
      NULL },
    { "GET", "/%2F_ping", NGX_SOCKERLESS_CANON_SLASHES, NULL },
    { "GET", "/", NGX_SOCKERLESS_CANON_OK, NULL },
    { "GET", "/a/", NGX_SOCKERLESS_CANON_OK, NULL },

    /* escapes */

    { "GET", "/containers/%zz/json", NGX_SOCKERLESS_CANON_ENCODING, NULL },
    { "GET", "/containers/%/json", NGX_SOCKERLESS_CANON_ENCODING, NULL },
    { "GET", "/containers/%2/json", NGX_SOCKERLESS_CANON_ENCODING, NULL },
    { "GET", "/containers/%g0/json", NGX_SOCKERLESS_CANON_ENCODING, NULL },
    { "GET", "/_ping%", NGX_SOCKERLESS_CANON_ENCODING, NULL },
    { "GET", "/_ping%4", NGX_SOCKERLESS_CANON_ENCODING, NULL },
    { "GET", "/_ping%41", NGX_SOCKERLESS_CANON_OK, NULL },
    { "GET", "/%zz/%00", NGX_SOCKERLESS_CANON_ENCODING, NULL },
    { "GET", "/%zz/../", NGX_SOCKERLESS_CANON_ENCODING, NULL },

    /* control characters */

    { "GET", "/containers/a%00b/json", NGX_SOCKERLESS_CANON_CONTROL, NULL },
    { "GET", "/containers/a%0ab/json", NGX_SOCKERLESS_CANON_CONTROL, NULL },
    { "GET", "/containers/a%0Db/json", NGX_SOCKERLESS_CANON_CONTROL, NULL },
    { "GET", "/containers/a%1fb/json", NGX_SOCKERLESS_CANON_CONTROL, NULL },
    { "GET", "/containers/a%7Fb/json", NGX_SOCKERLESS_CANON_CONTROL, NULL },
    { "GET", "/containers/a\tb/json", NGX_SOCKERLESS_CANON_CONTROL, NULL },
    { "GET", "/_ping%00", NGX_SOCKERLESS_CANON_CONTROL, NULL },
    { "GET", "/%00/../", NGX_SOCKERLESS_CANON_CONTROL, NULL },
    { "GET", "/containers/a%20b/json", NGX_SOCKERLESS_CANON_OK,
      "ContainerInspect" },
    { "GET", "/containers/a%80b/json", NGX_SOCKERLESS_CANON_OK,
      "ContainerInspect" },

    /* not an absolute path */

    { "GET", "*", NGX_SOCKERLESS_CANON_RELATIVE, NULL },
    { "OPTIONS", "*", NGX_SOCKERLESS_CANON_RELATIVE, NULL },
    { "GET", "_ping", NGX_SOCKERLESS_CANON_RELATIVE, NULL },
    { "GET", "http://localhost/_ping", NGX_SOCKERLESS_CANON_RELATIVE, NULL },
    { "GET", "%2F_ping", NGX_SOCKERLESS_CANON_RELATIVE, NULL },

    { NULL, NULL, 0, NULL }
};


static t_version_case_t  t_version_cases[] = {

    { "/_ping", 0, 0, 0, 0, "SystemPing" },
    { "/v1.41/_ping", 1, 1, 1, 41, "SystemPing" },
    { "/v1.24/_ping", 1, 1, 1, 24, "SystemPing" },
    { "/v1.041/_ping", 1, 1, 1, 41, "SystemPing" },
    { "/v01.41/_ping", 1, 1, 1, 41, "SystemPing" },
    { "/v0001.0041/_ping", 1, 1, 1, 41, "SystemPing" },
    { "/v0.0/_ping", 1, 1, 0, 0, "SystemPing" },
    { "/v2.0/_ping", 1, 1, 2, 0, "SystemPing" },
    { "/v1.99999/_ping", 1, 1, 1, 99999, "SystemPing" },
    { "/v1.100000/_ping", 1, 0, 0, 0, "SystemPing" },
    { "/v1.18446744073709551617/_ping", 1, 0, 0, 0, "SystemPing" },
    { "/v99999999999999999999999.1/_ping", 1, 0, 0, 0, "SystemPing" },
    { "/v1.00000000000000000000000041/_ping", 1, 1, 1, 41, "SystemPing" },
    { "/v1.41.0/_ping", 1, 0, 0, 0, "SystemPing" },
    { "/v1.2.3/_ping", 1, 0, 0, 0, "SystemPing" },
    { "/v1/_ping", 1, 0, 0, 0, "SystemPing" },
    { "/v1./_ping", 1, 0, 0, 0, "SystemPing" },
    { "/v.41/_ping", 1, 0, 0, 0, "SystemPing" },
    { "/v./_ping", 1, 0, 0, 0, "SystemPing" },
    { "/v../_ping", 1, 0, 0, 0, "SystemPing" },
    { "/v1..41/_ping", 1, 0, 0, 0, "SystemPing" },
    { "/v/_ping", 0, 0, 0, 0, NULL },
    { "/vx/_ping", 0, 0, 0, 0, NULL },
    { "/v1.41x/_ping", 0, 0, 0, 0, NULL },
    { "/V1.41/_ping", 0, 0, 0, 0, NULL },
    { "/v-1.41/_ping", 0, 0, 0, 0, NULL },
    { "/v1.41", 0, 0, 0, 0, NULL },
    { "/v1.41/", 1, 1, 1, 41, NULL },
    { "/v1.41/v1.41/_ping", 1, 1, 1, 41, NULL },
    { "/v1.41/volumes", 1, 1, 1, 41, "VolumeList" },
    { "/volumes", 0, 0, 0, 0, "VolumeList" },
    { "/version", 0, 0, 0, 0, "SystemVersion" },
    { "/v1.41/version", 1, 1, 1, 41, "SystemVersion" },

    { NULL, 0, 0, 0, 0, NULL }
};


/* first segments of the API's paths, and of others (a node's prefix) */

typedef struct {
    char                   *segment;
    ngx_uint_t              api;
} t_segment_case_t;


static t_segment_case_t  t_segment_cases[] = {
    { "containers", 1 },
    { "images", 1 },
    { "_ping", 1 },
    { "exec", 1 },
    { "build", 1 },
    { "session", 1 },
    { "distribution", 1 },
    { "debug", 1 },
    { "libpod", 1 },
    { "v1.41", 1 },
    { "v1", 1 },
    { "v4.3.1", 1 },
    { "v5-foo", 1 },
    { "n1", 0 },
    { "node-2", 0 },
    { "swarm-managers", 0 },
    { "v", 0 },
    { "vx1", 0 },
    { "v1/", 0 },
    { "container", 0 },
    { "containersx", 0 },
    { "{anyroute:.*}", 0 },
    { "", 0 },
    { NULL, 0 }
};


int
main(int argc, char **argv)
{
    t_ok(ngx_sockerless_route_index_init(&t_index) == NGX_OK,
         "the operation table fits the route index");

    t_table();
    t_groups();
    t_routes();
    t_canon();
    t_versions();
    t_segments();
    t_tsv(argc > 1 ? argv[1] : NULL);

    free(t_work);

    return t_done();
}


/*
 * Routes a copy of the request target of exactly "len" bytes, into a work
 * buffer of exactly "len" bytes, so that the sanitizers see any overrun,
 * and checks what holds for every request.
 */

static ngx_int_t
t_route(char *method, u_char *uri, size_t len, ngx_sockerless_route_t *rt)
{
    u_char                  *copy, *last, *work2;
    ngx_int_t                rc, rc2;
    ngx_str_t                m;
    ngx_sockerless_route_t   rt2;

    free(t_work);

    t_work = malloc(len ? len : 1);
    copy = malloc(len ? len : 1);

    if (t_work == NULL || copy == NULL) {
        fprintf(stderr, "malloc() failed\n");
        exit(2);
    }

    ngx_memcpy(copy, uri, len);

    m.len = ngx_strlen(method);
    m.data = (u_char *) method;

    rc = ngx_sockerless_route(copy, len, &m, t_work, rt);

    work2 = malloc(len ? len : 1);

    if (work2 == NULL) {
        fprintf(stderr, "malloc() failed\n");
        exit(2);
    }

    rc2 = ngx_sockerless_route_indexed(&t_index, copy, len, &m, work2, &rt2);

    if (rc2 != rc || rt2.op != rt->op || rt2.canon != rt->canon
        || rt2.escaped != rt->escaped || rt2.versioned != rt->versioned
        || rt2.version_ok != rt->version_ok || rt2.major != rt->major
        || rt2.minor != rt->minor || rt2.path.len != rt->path.len
        || (rt->path.len && rt2.path.data - work2 != rt->path.data - t_work)
        || rt2.object.len != rt->object.len
        || (rt->object.len
            && rt2.object.data - work2 != rt->object.data - t_work))
    {
        t_ok(0, "%s %.*s: the index routes to op %ld, the table to %ld",
             method, (int) len, uri, (long) rt2.op, (long) rt->op);
    }

    free(work2);
    free(copy);

    last = t_work + len;

    if (rt->path.len
        && (rt->path.data < t_work || rt->path.data + rt->path.len > last))
    {
        t_ok(0, "path outside the work buffer");
    }

    if (rt->object.len
        && (rt->object.data < rt->path.data
            || rt->object.data + rt->object.len
               > rt->path.data + rt->path.len))
    {
        t_ok(0, "object outside the path");
    }

    if (rt->op != NGX_SOCKERLESS_OP_NONE
        && (rt->canon != NGX_SOCKERLESS_CANON_OK
            || ngx_sockerless_op(rt->op) == NULL))
    {
        t_ok(0, "op %ld with canon %lu", (long) rt->op,
             (unsigned long) rt->canon);
    }

    return rc;
}


static ngx_int_t
t_find(char *name)
{
    ngx_uint_t            i;
    const ngx_sockerless_op_t  *op;

    for (i = 0; i < ngx_sockerless_nops(); i++) {
        op = ngx_sockerless_op(i);

        if (t_str(&op->name, name)) {
            return i;
        }
    }

    return NGX_SOCKERLESS_OP_NONE;
}


static int
t_str(const ngx_str_t *s, char *v)
{
    size_t  len;

    len = ngx_strlen(v);

    return s->len == len && (len == 0 || ngx_memcmp(s->data, v, len) == 0);
}


static char *
t_op_name(ngx_int_t op)
{
    static char  name[128];

    const ngx_sockerless_op_t  *o;

    o = ngx_sockerless_op(op);

    if (o == NULL) {
        return "none";
    }

    ngx_memcpy(name, o->name.data, o->name.len);
    name[o->name.len] = '\0';

    return name;
}


static void
t_check_route(t_route_case_t *c)
{
    ngx_int_t               rc, op;
    ngx_sockerless_route_t  rt;

    rc = t_route(c->method, (u_char *) c->uri, ngx_strlen(c->uri), &rt);

    op = c->op ? t_find(c->op) : NGX_SOCKERLESS_OP_NONE;

    t_ok(rc == NGX_OK && rt.canon == NGX_SOCKERLESS_CANON_OK && rt.op == op
         && (op != NGX_SOCKERLESS_OP_NONE || c->op == NULL),
         "%s %s is %s (got %s)", c->method, c->uri,
         c->op ? c->op : "none", t_op_name(rt.op));

    if (c->object) {
        t_ok(t_str(&rt.object, c->object), "%s %s names \"%s\"",
             c->method, c->uri, c->object);
    }
}


static void
t_table(void)
{
    ngx_uint_t            i, j, n, bad;
    const ngx_sockerless_op_t  *op, *op2;

    n = ngx_sockerless_nops();

    t_ok(n == T_NOPS, "%lu operations", (unsigned long) n);
    t_ok(ngx_sockerless_op(-1) == NULL, "no operation -1");
    t_ok(ngx_sockerless_op(n) == NULL, "no operation %lu", (unsigned long) n);
    t_ok(ngx_sockerless_op(NGX_SOCKERLESS_OP_NONE) == NULL,
         "no operation OP_NONE");

    for (i = 0; i < n; i++) {
        op = ngx_sockerless_op(i);
        bad = 0;

        for (j = i + 1; j < n; j++) {
            op2 = ngx_sockerless_op(j);

            if (op->name.len == op2->name.len
                && ngx_memcmp(op->name.data, op2->name.data, op->name.len)
                   == 0)
            {
                bad = 1;
            }
        }

        t_ok(!bad && op->name.len && op->path.len && op->path.data[0] == '/',
             "%s: a unique name and a path", t_op_name(i));

        t_ok(t_str(&op->method, "GET") || t_str(&op->method, "POST")
             || t_str(&op->method, "PUT") || t_str(&op->method, "DELETE")
             || t_str(&op->method, "HEAD") || t_str(&op->method, "OPTIONS")
             || t_str(&op->method, "*"),
             "%s: a known method", t_op_name(i));

        /* Podman's own API is in no group */

        t_ok((op->flags & NGX_SOCKERLESS_OP_LIBPOD)
             ? op->groups == 0
             : op->groups && (op->groups & ~NGX_SOCKERLESS_GROUP_ALL) == 0,
             "%s: groups", t_op_name(i));

        t_ok(!(op->flags & NGX_SOCKERLESS_OP_HIJACK)
             || (op->flags & NGX_SOCKERLESS_OP_STREAM),
             "%s: a hijacked stream streams", t_op_name(i));

        t_ok((op->flags & NGX_SOCKERLESS_OP_LIBPOD)
             ? !(op->flags & NGX_SOCKERLESS_OP_OBJECT)
             : !(op->flags & NGX_SOCKERLESS_OP_OBJECT)
               == (ngx_strstr(op->path.data, "{id}") == NULL
                   && ngx_strstr(op->path.data, "{name}") == NULL),
             "%s: OBJECT iff the path names a Docker object", t_op_name(i));

        /* "read" only ever reads */

        t_ok(!(op->groups & NGX_SOCKERLESS_GROUP_READ)
             || ((t_str(&op->method, "GET") || t_str(&op->method, "HEAD")
                  || t_str(&op->method, "OPTIONS"))
                 && !(op->groups & NGX_SOCKERLESS_GROUP_CONTENT)
                 && !(op->flags & (NGX_SOCKERLESS_OP_HIJACK
                                   |NGX_SOCKERLESS_OP_UPLOAD
                                   |NGX_SOCKERLESS_OP_JSON))),
             "%s: read is read only", t_op_name(i));

        t_ok(!(op->groups & NGX_SOCKERLESS_GROUP_LIFECYCLE)
             || (op->groups & NGX_SOCKERLESS_GROUP_CONTAINERS),
             "%s: lifecycle is about containers", t_op_name(i));

        t_ok((ngx_strncmp(op->path.data, "/containers", 11) != 0)
             == !(op->groups & NGX_SOCKERLESS_GROUP_CONTAINERS),
             "%s: containers iff /containers", t_op_name(i));

        t_ok(ngx_strncmp(op->path.data, "/images", 7) != 0
             || (op->groups & NGX_SOCKERLESS_GROUP_IMAGES),
             "%s: /images is images", t_op_name(i));
    }
}


static void
t_groups(void)
{
    char       **p;
    ngx_int_t    i;
    ngx_uint_t   bit, j;
    const char  *name, *names[13];

    static char  *content[] = {
        "ContainerLogs", "ContainerArchive", "ContainerArchiveInfo",
        "ContainerExport", "ContainerChanges", "ContainerTop",
        "ContainerStats", "ContainerCopy", "ImageGet", "ImageGetAll",
        "ServiceLogs", "TaskLogs", "ExecInspect", NULL
    };

    static char  *registry[] = {
        "DistributionInspect", "ImageSearch", "GetPluginPrivileges",
        "SystemAuth", "ImageCreate", "ImagePush", "PluginPull",
        "PluginPush", "PluginUpgrade", NULL
    };

    static char  *exec[] = {
        "ContainerExec", "ExecStart", "ExecResize", "ExecInspect",
        "ContainerAttach", "ContainerAttachWebsocket", NULL
    };

    static char  *hijack[] = {
        "ContainerAttach", "ContainerAttachWebsocket", "ExecStart",
        "Session", "Grpc", "LibpodExecStart", "LibpodContainerAttach", NULL
    };

    static char  *upload[] = {
        "ImageBuild", "ImageLoad", "PutContainerArchive", "ImageCreate",
        "PluginCreate", NULL
    };

    static char  *json[] = {
        "ContainerCreate", "ContainerUpdate", "ContainerExec", "ExecStart",
        "NetworkCreate", "NetworkConnect", "NetworkDisconnect",
        "VolumeCreate", "VolumeUpdate", "ServiceCreate", "ServiceUpdate",
        "SwarmInit", "SwarmJoin", "SwarmUpdate", "SwarmUnlock",
        "SecretCreate", "SecretUpdate", "ConfigCreate", "ConfigUpdate",
        "NodeUpdate", "PluginPull", "PluginUpgrade", "PluginSet",
        "SystemAuth", "ImageCommit", "ContainerStart", NULL
    };

    static char  *lifecycle[] = {
        "ContainerCreate", "ContainerStart", "ContainerStop",
        "ContainerRestart", "ContainerKill", "ContainerPause",
        "ContainerUnpause", "ContainerWait", "ContainerDelete",
        "ContainerRename", "ContainerUpdate", "ContainerResize",
        "ContainerPrune", "PutContainerArchive", NULL
    };

    static char  *build[] = {
        "ImageBuild", "BuildPrune", "Session", "Grpc", NULL
    };

    static char  *not_read[] = {
        "ContainerLogs", "ContainerArchive", "ContainerExport",
        "ContainerChanges", "ContainerTop", "ContainerStats", "ImageGet",
        "ImageGetAll", "SwarmUnlockkey", "SwarmInspect", "SystemAuth",
        "ExecStart", "ExecInspect", "ImageSearch", "DistributionInspect",
        "GetPluginPrivileges",
        "DebugVars", "DebugPprof", NULL
    };

    static char  *read[] = {
        "ContainerList", "ContainerInspect", "ImageList", "ImageInspect",
        "ImageHistory", "SystemInfo", "SystemVersion",
        "SystemPing", "SystemPingHead", "SystemEvents", "SystemDataUsage",
        "VolumeList", "VolumeInspect", "NetworkList", "NetworkInspect",
        "PluginList",
        "PluginInspect", "NodeList", "ServiceInspect",
        "TaskList", "SecretList", "ConfigInspect", NULL
    };

    for (p = content; *p; p++) {
        i = t_find(*p);
        t_ok(i != NGX_SOCKERLESS_OP_NONE
             && (ngx_sockerless_op(i)->groups & NGX_SOCKERLESS_GROUP_CONTENT),
             "%s is content", *p);
    }

    for (p = registry; *p; p++) {
        i = t_find(*p);
        t_ok(i != NGX_SOCKERLESS_OP_NONE
             && (ngx_sockerless_op(i)->groups & NGX_SOCKERLESS_GROUP_REGISTRY),
             "%s is registry", *p);
    }

    for (p = exec; *p; p++) {
        i = t_find(*p);
        t_ok(i != NGX_SOCKERLESS_OP_NONE
             && (ngx_sockerless_op(i)->groups & NGX_SOCKERLESS_GROUP_EXEC),
             "%s is exec", *p);
    }

    for (p = lifecycle; *p; p++) {
        i = t_find(*p);
        t_ok(i != NGX_SOCKERLESS_OP_NONE
             && (ngx_sockerless_op(i)->groups
                 & NGX_SOCKERLESS_GROUP_LIFECYCLE),
             "%s is lifecycle", *p);
    }

    for (p = build; *p; p++) {
        i = t_find(*p);
        t_ok(i != NGX_SOCKERLESS_OP_NONE
             && ngx_sockerless_op(i)->groups == NGX_SOCKERLESS_GROUP_BUILD,
             "%s is build only", *p);
    }

    for (p = read; *p; p++) {
        i = t_find(*p);
        t_ok(i != NGX_SOCKERLESS_OP_NONE
             && (ngx_sockerless_op(i)->groups & NGX_SOCKERLESS_GROUP_READ),
             "%s is read", *p);
    }

    for (p = not_read; *p; p++) {
        i = t_find(*p);
        t_ok(i != NGX_SOCKERLESS_OP_NONE
             && !(ngx_sockerless_op(i)->groups & NGX_SOCKERLESS_GROUP_READ),
             "%s is not read", *p);
    }

    for (p = json; *p; p++) {
        i = t_find(*p);
        t_ok(i != NGX_SOCKERLESS_OP_NONE
             && (ngx_sockerless_op(i)->flags & NGX_SOCKERLESS_OP_JSON),
             "%s takes JSON", *p);
    }

    /* exactly these hijack and upload */

    for (j = 0; j < ngx_sockerless_nops(); j++) {
        name = t_op_name(j);

        for (p = hijack; *p; p++) {
            if (ngx_strcmp(*p, name) == 0) {
                break;
            }
        }

        t_ok((*p != NULL)
             == ((ngx_sockerless_op(j)->flags & NGX_SOCKERLESS_OP_HIJACK)
                 != 0),
             "%s hijacks iff listed", name);

        for (p = upload; *p; p++) {
            if (ngx_strcmp(*p, name) == 0) {
                break;
            }
        }

        t_ok((*p != NULL)
             == ((ngx_sockerless_op(j)->flags & NGX_SOCKERLESS_OP_UPLOAD)
                 != 0),
             "%s uploads iff listed", name);
    }

    /* group names */

    for (j = 0, bit = 1; bit & NGX_SOCKERLESS_GROUP_ALL; j++, bit <<= 1) {
        names[j] = ngx_sockerless_group_name(bit);
        t_ok(names[j] != NULL, "group 0x%04lx has a name",
             (unsigned long) bit);
    }

    t_ok(j == 13, "13 groups");
    t_ok(names[0] && ngx_strcmp(names[0], "read") == 0, "0x0001 is read");
    t_ok(names[1] && ngx_strcmp(names[1], "content") == 0,
         "0x0002 is content");
    t_ok(names[11] && ngx_strcmp(names[11], "system") == 0,
         "0x0800 is system");
    t_ok(names[12] && ngx_strcmp(names[12], "registry") == 0,
         "0x1000 is registry");

    for (i = 0; i < 13; i++) {
        for (j = i + 1; j < 13; j++) {
            if (names[i] && names[j] && ngx_strcmp(names[i], names[j]) == 0) {
                t_ok(0, "groups %ld and %lu share a name", (long) i,
                     (unsigned long) j);
            }
        }
    }

    t_ok(ngx_sockerless_group_name(0) == NULL, "group 0 has no name");
    t_ok(ngx_sockerless_group_name(3) == NULL, "group 3 has no name");
    t_ok(ngx_sockerless_group_name(0x2000) == NULL,
         "group 0x2000 has no name");
    t_ok(ngx_sockerless_group_name(NGX_SOCKERLESS_GROUP_ALL) == NULL,
         "ALL has no name");
}


static void
t_routes(void)
{
    char                    uri[T_MAX_URI];
    t_route_case_t         *c, v;
    ngx_sockerless_route_t  rt;

    for (c = t_route_cases; c->method; c++) {
        t_check_route(c);

        /* and with a version prefix */

        if (c->uri[0] != '/' || ngx_strcmp(c->uri, "/") == 0
            || (c->uri[1] == 'v' && c->uri[2] >= '0' && c->uri[2] <= '9')
            || ngx_strncmp(c->uri, "/%76", 4) == 0)
        {
            continue;
        }

        snprintf(uri, sizeof(uri), "/v1.41%s", c->uri);

        v = *c;
        v.uri = uri;

        t_check_route(&v);
    }

    t_ok(t_route("GET", (u_char *) "", 0, &rt) == NGX_ERROR
         && rt.op == NGX_SOCKERLESS_OP_NONE, "an empty target is an error");
}


static void
t_canon(void)
{
    ngx_int_t               rc;
    t_canon_case_t         *c;
    ngx_sockerless_route_t  rt;

    for (c = t_canon_cases; c->method; c++) {
        rc = t_route(c->method, (u_char *) c->uri, ngx_strlen(c->uri), &rt);

        t_ok(rc == NGX_OK && rt.canon == c->canon
             && rt.op == (c->op ? t_find(c->op) : NGX_SOCKERLESS_OP_NONE),
             "%s %s: canon %lu (got %lu), %s (got %s)", c->method, c->uri,
             (unsigned long) c->canon, (unsigned long) rt.canon,
             c->op ? c->op : "none", t_op_name(rt.op));
    }

    /* a NUL in the target, which a C string cannot show */

    rc = t_route("GET", (u_char *) "/_ping\0", 7, &rt);

    t_ok(rc == NGX_OK && rt.canon == NGX_SOCKERLESS_CANON_CONTROL
         && rt.op == NGX_SOCKERLESS_OP_NONE, "GET /_ping\\0 is CONTROL");

    /* what the decoded path is */

    rc = t_route("GET", (u_char *) "/v1.41/containers/a%2Fb%41/json", 31,
                 &rt);

    t_ok(rc == NGX_OK && t_str(&rt.path, "/containers/a/bA/json")
         && t_str(&rt.object, "a/bA"), "the path is decoded, prefix removed");

    rc = t_route("GET", (u_char *) "/a/%zz", 6, &rt);

    t_ok(rc == NGX_OK && t_str(&rt.path, "/a/%zz"),
         "a malformed escape is kept as is");
}


static void
t_segments(void)
{
    t_segment_case_t  *c;

    for (c = t_segment_cases; c->segment; c++) {
        t_ok(ngx_sockerless_route_segment((u_char *) c->segment,
                                          ngx_strlen(c->segment))
             == c->api, "\"%s\" %s the first segment of an API path",
             c->segment, c->api ? "is" : "is not");
    }
}


static void
t_versions(void)
{
    ngx_int_t               rc;
    t_version_case_t       *c;
    ngx_sockerless_route_t  rt;

    for (c = t_version_cases; c->uri; c++) {
        rc = t_route("GET", (u_char *) c->uri, ngx_strlen(c->uri), &rt);

        t_ok(rc == NGX_OK && rt.canon == NGX_SOCKERLESS_CANON_OK
             && rt.versioned == c->versioned
             && rt.version_ok == c->version_ok
             && rt.major == c->major && rt.minor == c->minor
             && rt.op == (c->op ? t_find(c->op) : NGX_SOCKERLESS_OP_NONE),
             "%s: versioned %lu, ok %lu, %lu.%lu, %s (got %u %u %lu.%lu %s)",
             c->uri, (unsigned long) c->versioned,
             (unsigned long) c->version_ok, (unsigned long) c->major,
             (unsigned long) c->minor, c->op ? c->op : "none",
             rt.versioned, rt.version_ok, (unsigned long) rt.major,
             (unsigned long) rt.minor, t_op_name(rt.op));
    }

    rc = t_route("GET", (u_char *) "/v1.41/_ping", 12, &rt);

    t_ok(ngx_sockerless_version_cmp(&rt, 1, 41) == 0
         && ngx_sockerless_version_cmp(&rt, 1, 40) == 1
         && ngx_sockerless_version_cmp(&rt, 1, 42) == -1
         && ngx_sockerless_version_cmp(&rt, 2, 0) == -1
         && ngx_sockerless_version_cmp(&rt, 0, 99) == 1
         && t_str(&rt.path, "/_ping"),
         "1.41 compares as a number");

    rc = t_route("GET", (u_char *) "/v1.9/_ping", 11, &rt);

    t_ok(ngx_sockerless_version_cmp(&rt, 1, 10) == -1
         && ngx_sockerless_version_cmp(&rt, 1, 9) == 0,
         "1.9 is older than 1.10");

    rc = t_route("GET", (u_char *) "/_ping", 6, &rt);

    t_ok(ngx_sockerless_version_cmp(&rt, 0, 0) == 0
         && ngx_sockerless_version_cmp(&rt, 1, 12) == -1,
         "no version counts as 0.0");

    rc = t_route("GET", (u_char *) "/v1.41.0/_ping", 14, &rt);

    t_ok(ngx_sockerless_version_cmp(&rt, 0, 0) == 0,
         "a version not N.M counts as 0.0");
}


/*
 * operations.tsv: tag, method, path, operationId, produces
 */

static void
t_tsv(char *file)
{
    int         ops;
    char        line[1024], *f[5], *p;
    FILE       *fp;
    ngx_uint_t  i;

    if (file == NULL) {
        printf("# no operations.tsv given\n");
        return;
    }

    fp = fopen(file, "r");

    if (fp == NULL) {
        printf("# %s: cannot be read, skipped\n", file);
        return;
    }

    ops = 0;

    while (fgets(line, sizeof(line), fp)) {
        p = line;

        for (i = 0; i < 5; i++) {
            f[i] = p;
            p = strpbrk(p, "\t\r\n");

            if (p == NULL) {
                break;
            }

            *p++ = '\0';
        }

        if (i < 4 || ngx_strcmp(f[0], "tag") == 0) {
            continue;
        }

        t_tsv_op(f[1], f[2], f[3]);
        ops++;
    }

    fclose(fp);

    t_ok(ops == T_TSV_OPS, "%s: %d operations", file, ops);
}


static void
t_tsv_op(char *method, char *path, char *name)
{
    int                   segment;
    char                  head[256], *brace, *end, **v;
    ngx_int_t             i;
    const ngx_sockerless_op_t  *op;

    static char  *values[] = {
        "c1", "a/b", "127.0.0.1:5000/team/app:1", t_digest, "json", "start",
        "create", "x-json.start_1", "4f1e0ad3c5e2c29a5e7f0c6f0d2b1b8e"
        "2f7e3b0c6a1d9e8f7a6b5c4d3e2f1a0b", "a b", "json/json", "~!$&'()*+,;=",
        NULL
    };

    i = t_find(name);
    op = ngx_sockerless_op(i);

    t_ok(op != NULL && t_str(&op->method, method) && t_str(&op->path, path),
         "%s is %s %s in the table", name, method, path);

    brace = strchr(path, '{');

    if (brace == NULL) {
        t_tsv_path(method, name, "", path, NULL, "", 0);
        t_tsv_path(method, name, "/v1.41", path, NULL, "", 0);
        return;
    }

    end = strchr(brace, '}');

    if (end == NULL || (size_t) (brace - path) >= sizeof(head)) {
        t_ok(0, "%s: %s is a path", name, path);
        return;
    }

    ngx_memcpy(head, path, brace - path);
    head[brace - path] = '\0';

    /* swarm routes take one segment, "[^/]+" */

    segment = ngx_strncmp(path, "/services/", 10) == 0
              || ngx_strncmp(path, "/nodes/", 7) == 0
              || ngx_strncmp(path, "/tasks/", 7) == 0
              || ngx_strncmp(path, "/secrets/", 9) == 0
              || ngx_strncmp(path, "/configs/", 9) == 0;

    for (v = values; *v; v++) {
        t_tsv_path(method, name, "", head, *v, end + 1, segment);
        t_tsv_path(method, name, "/v1.41", head, *v, end + 1, segment);
    }
}


/*
 * Routes prefix + head + value + tail, raw and percent-encoded; the value
 * is the object but for the segment routes with a "/" in it.
 */

static void
t_tsv_path(char *method, char *name, char *prefix, char *head, char *value,
    char *tail, int segment)
{
    int                     none, raw, n;
    char                    uri[T_MAX_URI], escaped[T_MAX_URI];
    ngx_int_t               rc, op;
    ngx_sockerless_route_t  rt;

    none = value && segment && strchr(value, '/');
    op = none ? NGX_SOCKERLESS_OP_NONE : t_find(name);

    for (raw = 1; raw >= 0; raw--) {

        if (value == NULL && !raw) {
            break;
        }

        if (value && !raw) {
            t_escape(escaped, value);
        }

        n = snprintf(uri, sizeof(uri), "%s%s%s%s", prefix, head,
                     value ? (raw ? value : escaped) : "", tail);

        rc = t_route(method, (u_char *) uri, n, &rt);

        t_ok(rc == NGX_OK && rt.canon == NGX_SOCKERLESS_CANON_OK
             && rt.op == op
             && rt.versioned == (prefix[0] != '\0')
             && (prefix[0] == '\0'
                 || (rt.version_ok && rt.major == 1 && rt.minor == 41))
             && (none || (value ? t_str(&rt.object, value)
                                : rt.object.len == 0)),
             "%s %s is %s, object \"%s\" (got %s, \"%.*s\")", method, uri,
             none ? "none" : name, value ? value : "", t_op_name(rt.op),
             (int) rt.object.len, rt.object.data ? (char *) rt.object.data
                                                 : "");
    }
}


/* percent-encodes all but unreserved characters */

static void
t_escape(char *dst, char *src)
{
    static char  hex[] = "0123456789ABCDEF";

    for ( /* void */ ; *src; src++) {
        if (isalnum((unsigned char) *src) || strchr("-._~", *src)) {
            *dst++ = *src;
            continue;
        }

        *dst++ = '%';
        *dst++ = hex[(u_char) *src >> 4];
        *dst++ = hex[(u_char) *src & 0xf];
    }

    *dst = '\0';
}
