
/*
 * Copyright (C) ngx_sockerless developers
 */


/*
 * Unit tests of the policy's judge (ngx_sockerless_judge.c), in TAP:
 *
 *     judge_test
 *
 * Each case is a request (method, target, content type, JSON body) and a
 * policy, and the decision the judge must make: allowed, or refused with
 * a status and a reason, and the names it leaves for dockerd to resolve.
 * The policies are those of docs/policy.md's examples:
 *
 *   open      allow @all; privileged off
 *   ci        allow @all; deny @swarm @plugins; privileged off;
 *             bind /srv/builds /srv/cache:ro; image "docker.io/library/" and more
 *   full      allow @all; privileged on
 *   readonly  allow @read
 *   tenant    allow @all; privileged off; owner alice
 *   tenant_p  allow @all; privileged on; owner alice
 *
 * A path with a component named "link" counts as going through a symbolic
 * link.  Memory comes from malloc and is freed after each case, so that
 * the sanitizers see any overrun.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include "ngx_sockerless_judge.h"
#include "ngx_sockerless_query.h"

#include "tap.h"


#define T_ALLOW     0
#define T_DENY      403
#define T_BAD       400


typedef struct {
    char                   *policy;
    char                   *method;
    char                   *target;      /* path and query */
    char                   *body;        /* NULL: no body */
    int                     want;        /* T_ALLOW, T_DENY, T_BAD */
    char                   *reason;      /* a part of the reason */
    int                     refs;        /* names for dockerd to resolve */
    char                   *rewrite;     /* what dockerd gets: the body,
                                            or the target ("/...") */
} t_case_t;


typedef struct {
    char                   *args;
    char                   *name;
    ngx_int_t               rc;
    char                   *value;
} t_query_case_t;


/* a request whose names dockerd answers with "answer", each of them */

typedef struct {
    char                   *policy;
    char                   *method;
    char                   *target;
    char                   *body;
    char                   *answer;
    ngx_uint_t              status;      /* of the refusal */
    char                   *message;     /* dockerd's words for none */
} t_ref_case_t;


static void *t_alloc(void *data, size_t size);
static void t_free_all(void);
static ngx_uint_t t_symlink(void *data, ngx_str_t *path);
static ngx_sockerless_rules_t *t_rules(char *name);
static ngx_int_t t_judge(t_case_t *c, ngx_sockerless_judge_t *j,
    ngx_sockerless_route_t *rt);
static void t_case(t_case_t *c);
static void t_ref_case(t_ref_case_t *c);
static void t_answers(void);
static void t_queries(void);
static int t_has(ngx_str_t *s, char *part);
static void t_rewrite(t_case_t *c, ngx_sockerless_judge_t *j);


static void   *t_blocks[4096];
static size_t  t_nblocks;


static t_case_t  t_cases[] = {

    /* the request line */

    { "open", "GET", "/containers/json", NULL, T_ALLOW, NULL, 0, NULL },
    { "open", "GET", "/v1.41/containers/json", NULL, T_ALLOW, NULL, 0, NULL },
    { "open", "GET", "/v1.11/containers/json", NULL, T_BAD, "version", 0, NULL },
    { "open", "GET", "/v1.x/containers/json", NULL, T_DENY,
      "unknown-operation", 0, NULL },
    { "open", "GET", "/containers//json", NULL, T_BAD, "empty segment", 0, NULL },
    { "open", "GET", "/containers/../info", NULL, T_BAD, "dot segment", 0, NULL },
    { "open", "GET", "/containers%2Fjson", NULL, T_BAD, "escaped", 0, NULL },
    { "open", "GET", "/nothing", NULL, T_DENY, "unknown-operation", 0, NULL },
    { "readonly", "POST", "/containers/create", "{}", T_DENY,
      "operation: ContainerCreate is not allowed", 0, NULL },
    { "readonly", "GET", "/containers/x/json", NULL, T_ALLOW, NULL, 0, NULL },

    /* @read makes dockerd connect nowhere and shows no process arguments */

    { "readonly", "GET", "/distribution/busybox/json", NULL, T_DENY,
      "operation: DistributionInspect", 0, NULL },
    { "readonly", "GET", "/images/search?term=x", NULL, T_DENY,
      "operation: ImageSearch", 0, NULL },
    { "readonly", "GET", "/exec/e1/json", NULL, T_DENY,
      "operation: ExecInspect", 0, NULL },
    { "readonly", "GET", "/plugins/privileges?remote=x", NULL, T_DENY,
      "operation: GetPluginPrivileges", 0, NULL },

    /* host privilege itself */

    { "open", "POST", "/swarm/init", "{}", T_DENY, "privileged: SwarmInit",
      0, NULL },
    { "open", "POST", "/plugins/pull?remote=x", "[]", T_DENY,
      "privileged: PluginPull", 0, NULL },
    { "open", "POST", "/plugins/x/set", "[]", T_DENY,
      "privileged: PluginSet", 0, NULL },
    { "open", "GET", "/plugins", NULL, T_ALLOW, NULL, 0, NULL },
    { "full", "POST", "/plugins/x/set", "[\"DEBUG=1\"]", T_ALLOW, NULL, 0, NULL },
    { "full", "POST", "/plugins/x/set", "[1,", T_BAD, "json: ", 0, NULL },

    /* create: HostConfig and the top level */

    { "open", "POST", "/containers/create",
      "{\"Image\":\"busybox\"}", T_ALLOW, NULL, 0, NULL },
    { "open", "POST", "/containers/create",
      "{\"Image\":\"busybox\",\"HostConfig\":{\"Privileged\":true}}",
      T_DENY, "privileged: HostConfig.Privileged", 0, NULL },
    { "open", "POST", "/containers/create",
      "{\"Image\":\"busybox\",\"Privileged\":true}",
      T_DENY, "privileged: Privileged", 0, NULL },
    { "open", "POST", "/containers/create",
      "{\"Image\":\"busybox\",\"hostconfig\":{\"capadd\":[\"SYS_ADMIN\"]}}",
      T_DENY, "CapAdd SYS_ADMIN", 0, NULL },
    { "open", "POST", "/containers/create",
      "{\"HostConfig\":{\"CapAdd\":\"SYS_ADMIN\"}}",
      T_DENY, "CapAdd is not an array", 0, NULL },
    { "open", "POST", "/containers/create",
      "{\"HostConfig\":{\"CapAdd\":[\"chown\",\"CAP_KILL\"]}}",
      T_ALLOW, NULL, 0, NULL },
    { "open", "POST", "/containers/create",
      "{\"HostConfig\":{\"Binds\":[\"/:/host\"]}}",
      T_DENY, "bind: host path / is not allowed", 0, NULL },
    { "open", "POST", "/containers/create",
      "{\"HostConfig\":{\"Binds\":[\"data:/data\"]}}", T_ALLOW, NULL, 0, NULL },
    { "open", "POST", "/containers/create",
      "{\"HostConfig\":{\"MaskedPaths\":[]}}", T_DENY, "MaskedPaths", 0, NULL },
    { "open", "POST", "/containers/create",
      "{\"HostConfig\":{\"MaskedPaths\":null}}", T_ALLOW, NULL, 0, NULL },
    { "open", "POST", "/containers/create",
      "{\"HostConfig\":{\"Privileged\":true},\"HostConfig\":{}}",
      T_BAD, "json: ", 0, NULL },
    { "open", "POST", "/containers/create",
      "{\"Image\":1}", T_BAD, "Image is not a string", 0, NULL },
    { "open", "POST", "/containers/create", "[]", T_BAD,
      "not an object", 0, NULL },
    { "full", "POST", "/containers/create",
      "{\"HostConfig\":{\"Privileged\":true,\"Binds\":[\"/:/h\"]}}",
      T_DENY, "bind: host path /", 0, NULL },

    /* namespaces, networks by another name */

    { "open", "POST", "/containers/create",
      "{\"HostConfig\":{\"PidMode\":\"host\"}}", T_DENY, "PidMode host", 0, NULL },
    { "open", "POST", "/containers/create",
      "{\"HostConfig\":{\"NetworkMode\":\"HOST\"}}",
      T_DENY, "NetworkMode HOST", 0, NULL },
    { "open", "POST", "/containers/create",
      "{\"HostConfig\":{\"NetworkMode\":\"container:x\"}}",
      T_DENY, "NetworkMode container:x", 0, NULL },
    { "open", "POST", "/containers/create",
      "{\"HostConfig\":{\"NetworkMode\":\"bridge\"}}", T_ALLOW, NULL, 0, NULL },
    { "open", "POST", "/containers/create",
      "{\"HostConfig\":{\"NetworkMode\":\"none\"}}", T_ALLOW, NULL, 0, NULL },
    { "open", "POST", "/containers/create",
      "{\"HostConfig\":{\"NetworkMode\":\"3f2a\"}}", T_ALLOW, NULL, 1, NULL },
    { "open", "POST", "/containers/create",
      "{\"NetworkingConfig\":{\"EndpointsConfig\":{\"mynet\":{},"
      "\"bridge\":{}}}}", T_ALLOW, NULL, 1, NULL },
    { "full", "POST", "/containers/create",
      "{\"HostConfig\":{\"NetworkMode\":\"3f2a\"}}", T_ALLOW, NULL, 0, NULL },

    /* what else a privileged off identity may not set */

    { "open", "POST", "/containers/create",
      "{\"HostConfig\":{\"Runtime\":\"RUNC\"}}", T_DENY, "Runtime", 0, NULL },
    { "open", "POST", "/containers/create",
      "{\"HostConfig\":{\"Runtime\":\"runc\"}}", T_ALLOW, NULL, 0, NULL },
    { "open", "POST", "/containers/create",
      "{\"HostConfig\":{\"SecurityOpt\":[\"no-new-privileges:true\","
      "\"no-new-privileges=false\",\"no-new-privileges\"]}}",
      T_ALLOW, NULL, 0, NULL },
    { "open", "POST", "/containers/create",
      "{\"HostConfig\":{\"SecurityOpt\":[\"NO-NEW-PRIVILEGES\"]}}",
      T_DENY, "SecurityOpt", 0, NULL },
    { "open", "POST", "/containers/create",
      "{\"HostConfig\":{\"SecurityOpt\":[\"no-new-privileges=yes\"]}}",
      T_DENY, "SecurityOpt", 0, NULL },
    { "open", "POST", "/containers/create",
      "{\"HostConfig\":{\"SecurityOpt\":[\"disable\"]}}",
      T_DENY, "SecurityOpt disable", 0, NULL },
    { "open", "POST", "/containers/create",
      "{\"HostConfig\":{\"LogConfig\":{\"Type\":\"syslog\",\"Config\":"
      "{\"syslog-address\":\"unix:///run/docker.sock\"}}}}",
      T_DENY, "LogConfig driver syslog", 0, NULL },
    { "open", "POST", "/containers/create",
      "{\"HostConfig\":{\"LogConfig\":{\"Type\":\"json-file\",\"Config\":"
      "{\"max-size\":\"1m\"}}}}", T_ALLOW, NULL, 0, NULL },
    { "open", "POST", "/containers/create",
      "{\"HostConfig\":{\"OomScoreAdj\":-500}}", T_DENY, "OomScoreAdj", 0, NULL },
    { "open", "POST", "/containers/create",
      "{\"HostConfig\":{\"OomScoreAdj\":-0}}", T_ALLOW, NULL, 0, NULL },
    { "open", "POST", "/containers/create",
      "{\"HostConfig\":{\"OomScoreAdj\":500}}", T_ALLOW, NULL, 0, NULL },

    /* start bodies (API < 1.24): both shapes, as create */

    { "open", "POST", "/v1.23/containers/x/start",
      "{\"HostConfig\":{\"Binds\":[\"/:/host\"],\"CapAdd\":[\"SYS_ADMIN\"],"
      "\"PidMode\":\"host\"}}", T_DENY, "bind: host path /", 0, NULL },
    { "open", "POST", "/v1.23/containers/x/start",
      "{\"hostCONFIG\":{\"CapAdd\":[\"SYS_ADMIN\"]}}", T_DENY,
      "HostConfig.CapAdd", 0, NULL },
    { "open", "POST", "/v1.23/containers/x/start",
      "{\"PidMode\":\"host\"}", T_DENY, "PidMode host", 0, NULL },
    { "open", "POST", "/containers/x/start", NULL, T_ALLOW, NULL, 0, NULL },
    { "open", "POST", "/containers/x/start?checkpoint=c1", NULL, T_DENY,
      "checkpoint", 0, NULL },
    { "open", "POST", "/containers/x/start?checkpoint-dir=/etc", NULL,
      T_DENY, "checkpoint-dir", 0, NULL },

    /* update, exec */

    { "open", "POST", "/containers/x/update",
      "{\"Devices\":[{\"PathOnHost\":\"/dev/mem\"}]}", T_DENY, "Devices", 0, NULL },
    { "open", "POST", "/containers/x/update", "{\"Memory\":1000000}",
      T_ALLOW, NULL, 0, NULL },
    { "open", "POST", "/containers/x/exec",
      "{\"Cmd\":[\"sh\"],\"privileged\":true}", T_DENY, "Privileged exec",
      0, NULL },
    { "open", "POST", "/containers/x/exec", "{\"Cmd\":[\"sh\"]}",
      T_ALLOW, NULL, 0, NULL },

    /* binds and images of the "ci" policy */

    { "ci", "POST", "/containers/create",
      "{\"Image\":\"busybox\",\"HostConfig\":{\"Binds\":"
      "[\"/srv/builds/a:/a\"]}}", T_ALLOW, NULL, 0, NULL },
    { "ci", "POST", "/containers/create",
      "{\"Image\":\"busybox\",\"HostConfig\":{\"Binds\":"
      "[\"/srv/buildsX:/a\"]}}", T_DENY, "host path /srv/buildsX", 0, NULL },
    { "ci", "POST", "/containers/create",
      "{\"Image\":\"busybox\",\"HostConfig\":{\"Binds\":"
      "[\"/srv/builds/../../etc:/a\"]}}", T_DENY, "host path /etc", 0, NULL },
    { "ci", "POST", "/containers/create",
      "{\"Image\":\"busybox\",\"HostConfig\":{\"Binds\":"
      "[\"/srv/builds/link/x:/a\"]}}", T_DENY, "symbolic link", 0, NULL },
    { "ci", "POST", "/containers/create",
      "{\"Image\":\"busybox\",\"HostConfig\":{\"Mounts\":[{\"Type\":\"bind\","
      "\"Source\":\"/srv/builds/link\",\"Target\":\"/a\"}]}}",
      T_DENY, "symbolic link", 0, NULL },
    { "ci", "POST", "/containers/create",
      "{\"Image\":\"busybox\",\"HostConfig\":{\"Binds\":"
      "[\"/srv/cache:/c\"]}}", T_DENY, "read-only", 0, NULL },
    { "ci", "POST", "/containers/create",
      "{\"Image\":\"busybox\",\"HostConfig\":{\"Binds\":"
      "[\"/srv/cache/x:/c:ro\"]}}", T_ALLOW, NULL, 0, NULL },
    { "ci", "POST", "/containers/create",
      "{\"Image\":\"quay.io/x\"}", T_DENY, "is not an allowed image", 0, NULL },
    { "ci", "POST", "/containers/create", "{}", T_DENY, "names no image",
      0, NULL },
    { "ci", "POST", "/containers/create", "{\"Image\":\"sha256:abc\"}",
      T_DENY, "not an image name", 0, NULL },
    { "ci", "POST", "/images/create?fromImage=quay.io/x&tag=1", NULL,
      T_DENY, "quay.io/x:1", 0, NULL },
    { "ci", "POST", "/images/create?fromImage=busybox&tag=1", NULL,
      T_ALLOW, NULL, 0, NULL },
    { "ci", "POST", "/images/create?fromImage=busybox&tag=%zz", NULL,
      T_BAD, "malformed", 0, NULL },
    { "ci", "POST", "/images/create?FROMIMAGE=busybox&repo=quay.io/x",
      NULL, T_DENY, "quay.io/x", 0, NULL },
    { "open", "POST", "/images/create?fromSrc=http://10.0.0.1/x&repo=x",
      NULL, T_DENY, "fetch a URL", 0, NULL },
    { "open", "POST", "/images/create?fromSrc=-&repo=x", NULL, T_ALLOW,
      NULL, 0, NULL },
    { "ci", "POST", "/services/create", "{}", T_DENY,
      "operation: ServiceCreate", 0, NULL },

    /* builds */

    { "open", "POST", "/build?networkmode=host", NULL, T_DENY,
      "build networkmode host", 0, NULL },
    { "open", "POST", "/build?network%6Dode=host", NULL, T_DENY,
      "build networkmode host", 0, NULL },
    { "open", "POST", "/build?NETWORKMODE=bridge&networkmode=host", NULL,
      T_DENY, "networkmode host", 0, NULL },
    { "open", "POST", "/build?networkmode=mynet", NULL, T_ALLOW, NULL, 1, NULL },
    { "open", "POST", "/build?networkmode=none", NULL, T_ALLOW, NULL, 0, NULL },
    { "open", "POST", "/build?cgroupparent=/", NULL, T_DENY,
      "cgroupparent", 0, NULL },
    { "open", "POST", "/build?remote=http://10.0.0.1/x", NULL, T_DENY,
      "fetch a URL", 0, NULL },
    { "open", "POST", "/build?a=1;b=2", NULL, T_BAD, "malformed", 0, NULL },

    /* networks, volumes */

    { "open", "POST", "/networks/create", "{\"Name\":\"n\",\"Driver\":"
      "\"macvlan\"}", T_DENY, "network driver macvlan", 0, NULL },
    { "open", "POST", "/networks/create", "{\"Name\":\"n\",\"Driver\":"
      "\"Bridge\"}", T_DENY, "network driver Bridge", 0, NULL },
    { "open", "POST", "/networks/create", "{\"Name\":\"n\",\"ConfigFrom\":"
      "{\"Network\":\"c\"}}", T_DENY, "ConfigFrom", 0, NULL },
    { "open", "POST", "/networks/create", "{\"Name\":\"n\",\"IPAM\":"
      "{\"Driver\":\"x\"}}", T_DENY, "IPAM driver", 0, NULL },
    { "open", "POST", "/networks/create", "{\"Name\":\"n\"}", T_ALLOW,
      NULL, 0, NULL },
    { "open", "POST", "/networks/mynet/connect", "{\"Container\":\"c\"}",
      T_ALLOW, NULL, 1, NULL },
    { "open", "POST", "/networks/host/connect", "{\"Container\":\"c\"}",
      T_DENY, "NetworkConnect network host", 0, NULL },
    { "open", "POST", "/networks/bridge/connect", "{\"Container\":\"c\"}",
      T_ALLOW, NULL, 0, NULL },
    { "open", "POST", "/volumes/create", "{\"Name\":\"v\",\"DriverOpts\":"
      "{\"type\":\"none\",\"o\":\"bind\",\"device\":\"/\"}}", T_DENY,
      "volume option", 0, NULL },
    { "open", "POST", "/volumes/create", "{\"Name\":\"v\",\"Driver\":"
      "\"LOCAL\"}", T_DENY, "volume driver LOCAL", 0, NULL },

    /* services and the swarm */

    { "open", "POST", "/services/create",
      "{\"TaskTemplate\":{\"ContainerSpec\":{\"Image\":\"busybox\"},"
      "\"Networks\":[{\"Target\":\"host\"}]}}", T_DENY, "host network", 0, NULL },
    { "open", "POST", "/services/create",
      "{\"TaskTemplate\":{\"ContainerSpec\":{\"Image\":\"busybox\"},"
      "\"Networks\":[{\"Target\":\"a1b2\"}]},\"Networks\":"
      "[{\"Target\":\"ovl\"}]}", T_ALLOW, NULL, 2, NULL },
    { "open", "POST", "/services/create",
      "{\"TaskTemplate\":{\"ContainerSpec\":{\"Image\":\"busybox\"},"
      "\"LogDriver\":{\"Name\":\"gelf\"}}}", T_DENY,
      "TaskTemplate.LogDriver driver gelf", 0, NULL },
    { "open", "POST", "/swarm/update?version=1",
      "{\"CAConfig\":{\"ExternalCAs\":[{\"URL\":\"https://x\"}]}}",
      T_DENY, "ExternalCAs", 0, NULL },
    { "open", "POST", "/secrets/create",
      "{\"Name\":\"s\",\"Driver\":{\"Name\":\"vault\"}}", T_DENY,
      "secret Driver", 0, NULL },

    /* checkpoints in a host directory */

    { "open", "DELETE", "/containers/x/checkpoints/c?dir=/etc", NULL,
      T_DENY, "checkpoint dir=/etc", 0, NULL },
    { "open", "POST", "/containers/x/checkpoints",
      "{\"CheckpointID\":\"c\",\"CheckpointDir\":\"/etc\"}", T_DENY,
      "CheckpointDir", 0, NULL },

    /* ownership: labels written, names checked, lists narrowed */

    { "tenant", "POST", "/containers/create",
      "{\"Image\":\"busybox\"}", T_ALLOW, NULL, 0,
      "{\"Labels\":{\"io.sockerless.owner\":\"alice\"},"
      "\"Image\":\"busybox\"}" },
    { "tenant", "POST", "/containers/create",
      "{\"Image\":\"busybox\", \"Labels\": {\"a\": \"1\"}, \"N\": 1.50}",
      T_ALLOW, NULL, 0,
      "{\"Image\":\"busybox\", \"Labels\": {\"io.sockerless.owner\":"
      "\"alice\",\"a\": \"1\"}, \"N\": 1.50}" },
    { "tenant", "POST", "/containers/create",
      "{\"Image\":\"busybox\",\"labels\":null}", T_ALLOW, NULL, 0,
      "{\"Image\":\"busybox\",\"labels\":{\"io.sockerless.owner\":"
      "\"alice\"}}" },
    { "tenant", "POST", "/containers/create",
      "{\"Image\":\"busybox\",\"labels\":{\"io.sockerless.owner\":\"bob\"}}",
      T_DENY, "owner: the label io.sockerless.owner is the gateway's", 0, NULL },
    { "tenant", "POST", "/containers/create",
      "{\"Image\":\"busybox\",\"Labels\":{\"IO.sockerless.owner\":\"x\"}}",
      T_ALLOW, NULL, 0, NULL },
    { "open", "POST", "/containers/create", "{\"Image\":\"busybox\"}",
      T_ALLOW, NULL, 0,
      "{\"Labels\":{\"io.sockerless.owner\":\"\"},\"Image\":\"busybox\"}" },
    { "open", "POST", "/networks/create", "{\"Name\":\"n\"}",
      T_ALLOW, NULL, 0, "{\"Name\":\"n\"}" },
    { "tenant", "POST", "/networks/create", "{}",
      T_ALLOW, NULL, 0, "{\"Labels\":{\"io.sockerless.owner\":\"alice\"}}" },

    /* a network name another has: 409, not a second one and its ID */

    { "tenant", "POST", "/networks/create", "{\"Name\":\"n\"}",
      T_ALLOW, NULL, 0, "{\"Labels\":{\"io.sockerless.owner\":\"alice\"},"
      "\"Name\":\"n\",\"CheckDuplicate\":true}" },
    { "tenant", "POST", "/networks/create",
      "{\"Name\":\"n\",\"checkDuplicate\":false,\"Internal\":true}",
      T_ALLOW, NULL, 0, "{\"Labels\":{\"io.sockerless.owner\":\"alice\"},"
      "\"Name\":\"n\",\"checkDuplicate\":true,\"Internal\":true}" },
    { "tenant", "POST", "/networks/create",
      "{\"Name\":\"n\",\"CheckDuplicate\":null}",
      T_ALLOW, NULL, 0, "{\"Labels\":{\"io.sockerless.owner\":\"alice\"},"
      "\"Name\":\"n\",\"CheckDuplicate\":true}" },
    { "tenant", "POST", "/networks/create",
      "{\"Name\":\"n\",\"CheckDuplicate\":true}",
      T_ALLOW, NULL, 0, "{\"Labels\":{\"io.sockerless.owner\":\"alice\"},"
      "\"Name\":\"n\",\"CheckDuplicate\":true}" },
    { "full", "POST", "/networks/create",
      "{\"Name\":\"n\",\"CheckDuplicate\":false}",
      T_ALLOW, NULL, 0, "{\"Name\":\"n\",\"CheckDuplicate\":false}" },
    { "tenant", "GET", "/containers/web/json", NULL, T_ALLOW, NULL, 1, NULL },
    { "tenant", "GET", "/v1.41/exec/e1/json", NULL, T_ALLOW, NULL, 1,
      NULL },
    { "tenant", "POST", "/exec/e1/start", "{}", T_ALLOW, NULL, 1, NULL },
    { "tenant", "POST", "/containers/create",
      "{\"HostConfig\":{\"Binds\":[\"data:/d\",\"/x\"],\"NetworkMode\":"
      "\"mynet\",\"Links\":[\"db:db\"]}}", T_DENY, "bind: host path", 0, NULL },
    { "tenant", "POST", "/containers/create",
      "{\"HostConfig\":{\"Binds\":[\"data:/d\"],\"NetworkMode\":"
      "\"mynet\",\"Links\":[\"db:db\"]},\"NetworkingConfig\":"
      "{\"EndpointsConfig\":{\"mynet\":{}}}}", T_ALLOW, NULL, 3, NULL },
    { "tenant", "POST", "/containers/x/stop", NULL, T_ALLOW, NULL, 1, NULL },
    { "tenant", "DELETE", "/images/busybox", NULL, T_DENY,
      "owner: ImageDelete changes what every tenant shares", 0, NULL },
    { "tenant", "POST", "/images/prune", NULL, T_DENY, "owner: ", 0, NULL },
    { "tenant", "GET", "/tasks", NULL, T_DENY, "tasks have no owner", 0, NULL },
    { "tenant", "GET", "/containers/json?all=1", NULL, T_ALLOW, NULL, 0,
      "/containers/json?all=1&filters=%7B%22label%22%3A%5B%22io.sockerless."
      "owner%3Dalice%22%5D%7D" },
    { "tenant", "GET", "/v1.41/containers/json?filters=%7B%22label%22%3A"
      "%7B%22com.docker.compose.project%3Da%22%3Atrue%7D%7D", NULL,
      T_ALLOW, NULL, 0,
      "/v1.41/containers/json?filters=%7B%22label%22%3A%7B%22io.sockerless."
      "owner%3Dalice%22%3Atrue%2C%22com.docker.compose.project%3Da%22%3Atrue"
      "%7D%7D" },
    { "tenant", "GET", "/events?filters=%7B%22type%22%3A%5B%22container"
      "%22%5D%7D&since=1", NULL, T_ALLOW, NULL, 0,
      "/events?filters=%7B%22label%22%3A%5B%22io.sockerless.owner%3Dalice"
      "%22%5D%2C%22type%22%3A%5B%22container%22%5D%7D&since=1" },
    { "tenant", "GET", "/networks?filters=%7B%22type%22%3A%7B%22custom"
      "%22%3Atrue%7D%7D", NULL, T_ALLOW, NULL, 0,
      "/networks?filters=%7B%22label%22%3A%7B%22io.sockerless.owner%3Dalice"
      "%22%3Atrue%7D%2C%22type%22%3A%7B%22custom%22%3Atrue%7D%7D" },
    { "tenant", "GET", "/volumes?filters=1", NULL, T_BAD,
      "filters is not a JSON object", 0, NULL },
    { "tenant", "POST", "/commit?container=web&repo=x", NULL, T_ALLOW,
      NULL, 1, NULL },
    { "tenant", "POST", "/commit?repo=x", NULL, T_DENY,
      "a commit names no container", 0, NULL },
    { "tenant", "POST", "/build?labels=%7B%22io.sockerless.owner%22%3A"
      "%22bob%22%7D", NULL, T_DENY, "build labels", 0, NULL },
    { "tenant", "POST", "/networks/n1/connect", "{\"Container\":\"web\"}",
      T_ALLOW, NULL, 2, NULL },

    { NULL, NULL, NULL, NULL, 0, NULL, 0, NULL }
};


#define T_THEIRS    "{\"Id\":\"beef\",\"Name\":\"x\",\"Driver\":\"bridge\"," \
                    "\"Labels\":{\"io.sockerless.owner\":\"bob\"},"          \
                    "\"Config\":{\"Labels\":{\"io.sockerless.owner\":\"bob\"}}}"


static t_ref_case_t  t_ref_cases[] = {

    /*
     * another's objects in a container's settings: what dockerd's create
     * answers for missing ones, 400 (a 404 would make the CLI pull)
     */

    { "tenant_p", "POST", "/containers/create",
      "{\"HostConfig\":{\"VolumesFrom\":[\"web:ro\"]}}", T_THEIRS, 400,
      "No such container: web" },
    { "tenant_p", "POST", "/containers/create",
      "{\"HostConfig\":{\"Links\":[\"/db:/x/db\"]}}", T_THEIRS, 400,
      "could not get container for db: No such container: db" },
    { "tenant_p", "POST", "/containers/create",
      "{\"HostConfig\":{\"PidMode\":\"container:web\"}}", T_THEIRS, 400,
      "No such container: web" },
    { "tenant", "POST", "/containers/create",
      "{\"HostConfig\":{\"NetworkMode\":\"mynet\"}}", T_THEIRS, 400,
      "network mynet not found" },
    { "tenant", "POST", "/containers/create",
      "{\"NetworkingConfig\":{\"EndpointsConfig\":{\"mynet\":{}}}}",
      T_THEIRS, 400, "network mynet not found" },

    /* a named volume a create would make: the name is another's */

    { "tenant", "POST", "/containers/create",
      "{\"HostConfig\":{\"Binds\":[\"data:/d\"]}}", T_THEIRS, 409,
      "a volume named data exists already" },
    { "tenant", "POST", "/containers/create",
      "{\"HostConfig\":{\"Mounts\":[{\"Type\":\"volume\",\"Source\":"
      "\"data\",\"Target\":\"/d\"}]}}", T_THEIRS, 409,
      "a volume named data exists already" },

    /* elsewhere dockerd's 404 */

    { "tenant", "GET", "/containers/web/json", NULL, T_THEIRS, 404,
      "No such container: web" },
    { "tenant", "POST", "/v1.41/containers/web/kill?signal=KILL", NULL,
      T_THEIRS, 404, "Cannot kill container: web: No such container: web" },
    { "tenant", "POST", "/networks/n1/connect", "{\"Container\":\"web\"}",
      T_THEIRS, 404, "network n1 not found" },
    { "tenant", "POST", "/commit?container=web", NULL, T_THEIRS, 404,
      "No such container: web" },

    { NULL, NULL, NULL, NULL, NULL, 0, NULL }
};


static t_query_case_t  t_query_cases[] = {
    { "a=1&b=2", "b", NGX_OK, "2" },
    { "a=1&a=2", "a", NGX_OK, "1" },
    { "A=1&a=2", "a", NGX_OK, "2" },
    { "%61=x", "a", NGX_OK, "x" },
    { "a=x+y%20z", "a", NGX_OK, "x y z" },
    { "a", "a", NGX_OK, "" },
    { "a=", "a", NGX_OK, "" },
    { "b=1", "a", NGX_DECLINED, NULL },
    { "", "a", NGX_DECLINED, NULL },
    { "a=1;b=2", "a", NGX_ERROR, NULL },
    { "a=%zz", "a", NGX_ERROR, NULL },
    { "b=%2", "a", NGX_ERROR, NULL },
    { "platform=linux%2Farm64", "platform", NGX_OK, "linux/arm64" },
    { "PLATFORM=linux/arm64", "platform", NGX_DECLINED, NULL },
    { NULL, NULL, 0, NULL }
};


int
main(void)
{
    t_case_t      *c;
    t_ref_case_t  *rc;

    for (c = t_cases; c->policy; c++) {
        t_case(c);
        t_free_all();
    }

    for (rc = t_ref_cases; rc->policy; rc++) {
        t_ref_case(rc);
        t_free_all();
    }

    t_answers();
    t_queries();

    return t_done();
}


/* the judge's decision on the request line and the body of a case */

static ngx_int_t
t_judge(t_case_t *c, ngx_sockerless_judge_t *j, ngx_sockerless_route_t *rt)
{
    u_char     *work, *q;
    size_t      len;
    ngx_int_t   rc;
    ngx_str_t   method;

    len = ngx_strlen(c->target);
    q = (u_char *) ngx_strchr(c->target, '?');

    work = t_alloc(NULL, len + 1);

    method.data = (u_char *) c->method;
    method.len = ngx_strlen(c->method);

    (void) ngx_sockerless_route((u_char *) c->target,
                                q ? (size_t) (q - (u_char *) c->target) : len,
                                &method, work, rt);

    ngx_memzero(j, sizeof(ngx_sockerless_judge_t));

    j->rules = t_rules(c->policy);
    j->route = rt;
    j->op = ngx_sockerless_op(rt->op);
    j->method = method;
    j->alloc = t_alloc;
    j->symlink = t_symlink;
    j->target.data = (u_char *) c->target;
    j->target.len = len;
    ngx_str_set(&j->label, "io.sockerless.owner");
    j->stamp = 1;      /* the configuration has owners: "tenant" */

    if (j->rules->owned) {
        ngx_str_set(&j->owner, "alice");
    }

    if (q) {
        j->args.data = q + 1;
        j->args.len = (u_char *) c->target + len - (q + 1);
    }

    rc = ngx_sockerless_judge_line(j);

    if (rc == NGX_OK && j->body_needed && c->body) {
        j->json.len = ngx_strlen(c->body);
        j->json.data = t_alloc(NULL, j->json.len);
        ngx_memcpy(j->json.data, c->body, j->json.len);

        rc = ngx_sockerless_judge_body(j);
    }

    return rc;
}


static void
t_case(t_case_t *c)
{
    ngx_int_t                rc;
    ngx_sockerless_route_t   rt;
    ngx_sockerless_judge_t   j;

    rc = t_judge(c, &j, &rt);

    if (c->want == T_ALLOW) {
        t_ok(rc == NGX_OK, "%s %s %s %s: allowed%s%.*s", c->policy,
             c->method, c->target, c->body ? c->body : "",
             rc == NGX_OK ? "" : ", refused: ", (int) j.reason.len,
             j.reason.data);

        t_ok((j.refs ? (int) j.refs->nelts : 0) == c->refs,
             "%s %s %s: %d names for dockerd", c->policy, c->method,
             c->target, c->refs);

        if (c->rewrite) {
            t_rewrite(c, &j);
        }

        return;
    }

    t_ok(rc == NGX_DECLINED && (int) j.status == c->want
         && t_has(&j.reason, c->reason),
         "%s %s %s %s: %d \"%s\" (got %s %d \"%.*s\")", c->policy,
         c->method, c->target, c->body ? c->body : "", c->want, c->reason,
         rc == NGX_OK ? "allowed" : rc == NGX_DECLINED ? "refused" : "error",
         (int) j.status, (int) j.reason.len, j.reason.data);
}


/* the names of an allowed request answered: the first refusal */

static void
t_ref_case(t_ref_case_t *c)
{
    ngx_int_t                rc;
    ngx_str_t                id;
    ngx_uint_t               i;
    t_case_t                 tc;
    const char              *err;
    ngx_sockerless_jv_t     *answer;
    ngx_sockerless_ref_t    *ref;
    ngx_sockerless_route_t   rt;
    ngx_sockerless_judge_t   j;

    ngx_memzero(&tc, sizeof(t_case_t));
    tc.policy = c->policy;
    tc.method = c->method;
    tc.target = c->target;
    tc.body = c->body;

    rc = t_judge(&tc, &j, &rt);

    answer = ngx_sockerless_json_parse((u_char *) c->answer,
                                       ngx_strlen(c->answer), t_alloc, NULL,
                                       &err);

    for (i = 0; rc == NGX_OK && j.refs && i < j.refs->nelts; i++) {
        ref = (ngx_sockerless_ref_t *) j.refs->elts + i;
        rc = ngx_sockerless_judge_answer(&j, ref, answer, &id);
    }

    t_ok(rc == NGX_DECLINED && j.status == c->status
         && j.message.len == ngx_strlen(c->message)
         && ngx_memcmp(j.message.data, c->message, j.message.len) == 0,
         "%s %s %s %s, another's: %d \"%s\" (got %d \"%.*s\", %.*s)",
         c->policy, c->method, c->target, c->body ? c->body : "",
         (int) c->status, c->message, (int) j.status, (int) j.message.len,
         j.message.data,
         (int) j.reason.len, j.reason.data);
}


/* what dockerd gets instead */

static void
t_rewrite(t_case_t *c, ngx_sockerless_judge_t *j)
{
    ngx_int_t  rc;
    ngx_str_t  target, body, *out;

    target.len = 0;
    body.len = 0;

    rc = ngx_sockerless_judge_rewritten(j, &target, &body);

    out = (c->rewrite[0] == '/') ? &target : &body;

    if (out->len == 0 && c->rewrite[0] != '/') {
        /* no edit: dockerd gets the body as sent */
        out = &j->json;
    }

    t_ok(rc == NGX_OK && out->len == ngx_strlen(c->rewrite)
         && ngx_memcmp(out->data, c->rewrite, out->len) == 0,
         "%s %s %s: dockerd gets %s (got %.*s)", c->policy, c->method,
         c->target, c->rewrite, (int) out->len, out->data);
}


/* dockerd's answers for names it resolved */

static void
t_answers(void)
{
    u_char                   work[64];
    ngx_int_t                rc;
    ngx_str_t                id, method, target, body;
    const char              *err;
    ngx_sockerless_ref_t     ref;
    ngx_sockerless_route_t   rt;
    ngx_sockerless_jv_t     *host, *bridge, *mine, *theirs, *theirs_volume;
    ngx_sockerless_judge_t   j;

    static char  mine_json[] = "{\"Id\":\"c0ff\",\"Config\":{\"Labels\":"
                               "{\"io.sockerless.owner\":\"alice\"}}}";
    static char  theirs_json[] = "{\"Id\":\"beef\",\"Config\":{\"Labels\":"
                                 "{\"io.sockerless.owner\":\"bob\"}}}";
    static char  vol_json[] = "{\"Name\":\"web\",\"Labels\":{}}";

    static char  host_json[] = "{\"Name\":\"host\",\"Id\":\"3f2a0c\","
                               "\"Driver\":\"host\",\"Scope\":\"local\"}";
    static char  bridge_json[] = "{\"Name\":\"mynet\",\"Id\":\"a1b2\","
                                 "\"Driver\":\"bridge\"}";

    ngx_memzero(&j, sizeof(ngx_sockerless_judge_t));
    j.rules = t_rules("open");
    j.alloc = t_alloc;

    host = ngx_sockerless_json_parse((u_char *) host_json,
                                     sizeof(host_json) - 1, t_alloc, NULL,
                                     &err);
    bridge = ngx_sockerless_json_parse((u_char *) bridge_json,
                                       sizeof(bridge_json) - 1, t_alloc,
                                       NULL, &err);
    theirs_volume = ngx_sockerless_json_parse((u_char *) vol_json,
                                              sizeof(vol_json) - 1, t_alloc,
                                              NULL, &err);

    ref.kind = NGX_SOCKERLESS_KIND_NETWORK;
    ngx_str_set(&ref.name, "3f2a");
    ref.checks = NGX_SOCKERLESS_REF_NOT_HOST;
    ref.where = "HostConfig.NetworkMode";

    rc = ngx_sockerless_judge_answer(&j, &ref, host, &id);

    t_ok(rc == NGX_DECLINED && j.status == NGX_SOCKERLESS_FORBIDDEN
         && t_has(&j.reason, "host's network"),
         "an ID prefix of the host's network is refused: \"%.*s\"",
         (int) j.reason.len, j.reason.data);

    rc = ngx_sockerless_judge_answer(&j, &ref, bridge, &id);
    t_ok(rc == NGX_OK, "a bridge network passes");

    rc = ngx_sockerless_judge_answer(&j, &ref, NULL, &id);
    t_ok(rc == NGX_OK, "a network dockerd does not know passes");

    /* ownership */

    j.rules = t_rules("tenant");
    ngx_str_set(&j.owner, "alice");
    ngx_str_set(&j.label, "io.sockerless.owner");
    j.stamp = 1;      /* the configuration has owners: "tenant" */

    mine = ngx_sockerless_json_parse((u_char *) mine_json,
                                     sizeof(mine_json) - 1, t_alloc, NULL,
                                     &err);
    theirs = ngx_sockerless_json_parse((u_char *) theirs_json,
                                       sizeof(theirs_json) - 1, t_alloc,
                                       NULL, &err);

    ref.kind = NGX_SOCKERLESS_KIND_CONTAINER;
    ngx_str_set(&ref.name, "web");
    ref.checks = NGX_SOCKERLESS_REF_OWNED|NGX_SOCKERLESS_REF_PATH;
    ref.where = "the path";

    rc = ngx_sockerless_judge_answer(&j, &ref, mine, &id);
    t_ok(rc == NGX_OK && j.object_id.len == 4
         && ngx_memcmp(j.object_id.data, "c0ff", 4) == 0,
         "the owner's container passes, as its full ID");

    ngx_str_set(&method, "GET");
    ngx_str_set(&j.target, "/v1.41/containers/web/json?stream=0");
    (void) ngx_sockerless_route(j.target.data, 26, &method, work, &rt);
    j.route = &rt;
    ngx_str_set(&j.args, "stream=0");
    target.len = 0;

    rc = ngx_sockerless_judge_rewritten(&j, &target, &body);
    t_ok(rc == NGX_OK && target.len == sizeof("/v1.41/containers/c0ff/json"
                                              "?stream=0") - 1
         && ngx_memcmp(target.data, "/v1.41/containers/c0ff/json?stream=0",
                       target.len) == 0,
         "dockerd gets the full ID in the path: %.*s", (int) target.len,
         target.data);

    rc = ngx_sockerless_judge_answer(&j, &ref, theirs, &id);
    t_ok(rc == NGX_DECLINED && j.status == NGX_SOCKERLESS_NOT_FOUND
         && j.message.len == sizeof("No such container: web") - 1
         && ngx_memcmp(j.message.data, "No such container: web",
                       j.message.len) == 0,
         "another's container is no such container: \"%.*s\"",
         (int) j.message.len, j.message.data);

    ref.kind = NGX_SOCKERLESS_KIND_VOLUME;
    ref.checks = NGX_SOCKERLESS_REF_OWNED|NGX_SOCKERLESS_REF_CREATE;
    rc = ngx_sockerless_judge_answer(&j, &ref, NULL, &id);
    t_ok(rc == NGX_DONE, "a missing named volume is made, owned");

    ref.checks = NGX_SOCKERLESS_REF_OWNED|NGX_SOCKERLESS_REF_CLAIM;
    rc = ngx_sockerless_judge_answer(&j, &ref, theirs_volume, &id);
    t_ok(rc == NGX_DECLINED && j.status == NGX_SOCKERLESS_CONFLICT,
         "a volume name another has: 409");

    t_free_all();
}


static void
t_queries(void)
{
    ngx_int_t        rc;
    ngx_str_t        args, value;
    t_query_case_t  *c;

    for (c = t_query_cases; c->args; c++) {
        args.len = ngx_strlen(c->args);
        args.data = t_alloc(NULL, args.len + 1);
        ngx_memcpy(args.data, c->args, args.len);

        rc = ngx_sockerless_query_get(&args, c->name, &value, t_alloc, NULL);

        t_ok(rc == c->rc
             && (c->value == NULL
                 || (value.len == ngx_strlen(c->value)
                     && ngx_memcmp(value.data, c->value, value.len) == 0)),
             "query \"%s\": %s is %s", c->args, c->name,
             c->value ? c->value : (c->rc == NGX_ERROR ? "an error"
                                                       : "not there"));
        t_free_all();
    }
}


static ngx_sockerless_rules_t *
t_rules(char *name)
{
    ngx_uint_t                     i;
    const ngx_sockerless_op_t     *op;

    static u_char                  all[ngx_sockerless_op_n];
    static u_char                  ci[ngx_sockerless_op_n];
    static u_char                  read[ngx_sockerless_op_n];
    static ngx_sockerless_rules_t  tenant, tenant_p;
    static ngx_sockerless_bind_t   binds[2];
    static ngx_str_t               images[1];
    static ngx_array_t             ci_binds, ci_images;
    static ngx_sockerless_rules_t  open, ci_rules, full, readonly;

    for (i = 0; i < ngx_sockerless_op_n; i++) {
        op = ngx_sockerless_op(i);
        all[i] = 1;
        ci[i] = !(op->groups & (NGX_SOCKERLESS_GROUP_SWARM
                                |NGX_SOCKERLESS_GROUP_PLUGINS));
        read[i] = (op->groups & NGX_SOCKERLESS_GROUP_READ) ? 1 : 0;
    }

    ngx_str_set(&binds[0].path, "/srv/builds");
    binds[0].ro = 0;
    ngx_str_set(&binds[1].path, "/srv/cache");
    binds[1].ro = 1;
    ci_binds.elts = binds;
    ci_binds.nelts = 2;

    ngx_str_set(&images[0], "docker.io/library/*");
    ci_images.elts = images;
    ci_images.nelts = 1;

    open.allow = all;
    ci_rules.allow = ci;
    ci_rules.binds = &ci_binds;
    ci_rules.images = &ci_images;
    full.allow = all;
    full.privileged = 1;
    readonly.allow = read;
    tenant.allow = all;
    tenant.owned = 1;
    tenant_p = tenant;
    tenant_p.privileged = 1;

    if (ngx_strcmp(name, "tenant") == 0) {
        return &tenant;
    }

    if (ngx_strcmp(name, "tenant_p") == 0) {
        return &tenant_p;
    }

    if (ngx_strcmp(name, "ci") == 0) {
        return &ci_rules;
    }

    if (ngx_strcmp(name, "full") == 0) {
        return &full;
    }

    if (ngx_strcmp(name, "readonly") == 0) {
        return &readonly;
    }

    return &open;
}


static ngx_uint_t
t_symlink(void *data, ngx_str_t *path)
{
    return t_has(path, "/link");
}


static int
t_has(ngx_str_t *s, char *part)
{
    size_t  i, n;

    n = ngx_strlen(part);

    for (i = 0; i + n <= s->len; i++) {
        if (ngx_memcmp(s->data + i, part, n) == 0) {
            return 1;
        }
    }

    return 0;
}


static void *
t_alloc(void *data, size_t size)
{
    void  *p;

    if (t_nblocks == sizeof(t_blocks) / sizeof(t_blocks[0])) {
        return NULL;
    }

    p = malloc(size ? size : 1);

    if (p) {
        t_blocks[t_nblocks++] = p;
    }

    return p;
}


static void
t_free_all(void)
{
    while (t_nblocks) {
        free(t_blocks[--t_nblocks]);
    }
}
