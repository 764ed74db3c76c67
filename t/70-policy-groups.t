#!/usr/bin/perl
# Access policy groups: for each group a policy allowing only that group
# (identity "g-<group>"): a member is allowed (dockerd answers), a
# non-member is denied.  @read reveals state but no contents: not logs,
# archive, export, changes, top, stats, image save, nor secrets of the
# swarm.  deny wins over allow.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Sockerless::Test;
use Sockerless::Policy;

module_only();

# one policy per group, chosen by the identity g-<group>; readonly
# and ci for @read's contents and deny over allow
my $ng = start_nginx(log_format => $POLICY_LOG,
    location => 'sockerless_enforce $docker_policy;', http => <<'EOF');
    map $http_x_identity $docker_policy {
        ~^g-(?<g>[a-z]+)$   g_$g;
        ci                  ci;
        default             readonly;
    }

    sockerless_policy readonly { allow @read; }
    sockerless_policy ci { allow @all; deny @swarm @plugins; }

    sockerless_policy g_read { allow @read; }
    sockerless_policy g_content { allow @content; }
    sockerless_policy g_exec { allow @exec; }
    sockerless_policy g_lifecycle { allow @lifecycle; }
    sockerless_policy g_containers { allow @containers; }
    sockerless_policy g_images { allow @images; }
    sockerless_policy g_build { allow @build; }
    sockerless_policy g_networks { allow @networks; }
    sockerless_policy g_volumes { allow @volumes; }
    sockerless_policy g_swarm { allow @swarm; }
    sockerless_policy g_plugins { allow @plugins; }
    sockerless_policy g_system { allow @system; }
EOF

# $c: no such container, members get a 404
run_policy_blocks(vars => { c => 'slt-policy-none', image => test_image() });

no_denied_request_reached($ng);

done_testing();

__DATA__

# for each group a member, then a non-member
=== @build: POST /build/cancel?id=slt-none
--- identity: g-build
--- request: POST /build/cancel?id=slt-none
--- reaches_dockerd: 200

=== @build: GET /images/json (not a member)
--- identity: g-build
--- request: GET /images/json
--- denied: operation: \w+ is not allowed

=== @containers: GET /containers/$c/json
--- identity: g-containers
--- request: GET /containers/$c/json
--- reaches_dockerd: 404

=== @containers: GET /images/json (not a member)
--- identity: g-containers
--- request: GET /images/json
--- denied: operation: \w+ is not allowed

=== @content: GET /containers/$c/logs?stdout=1
--- identity: g-content
--- request: GET /containers/$c/logs?stdout=1
--- reaches_dockerd: 404

=== @content: GET /containers/json (not a member)
--- identity: g-content
--- request: GET /containers/json
--- denied: operation: \w+ is not allowed

=== @exec: POST /containers/$c/exec
--- identity: g-exec
--- request: POST /containers/$c/exec
--- body: {"Cmd":["true"]}
--- reaches_dockerd: 404

=== @exec: POST /containers/$c/start (not a member)
--- identity: g-exec
--- request: POST /containers/$c/start
--- denied: operation: \w+ is not allowed

=== @images: GET /images/json
--- identity: g-images
--- request: GET /images/json
--- reaches_dockerd: 200

=== @images: GET /containers/json (not a member)
--- identity: g-images
--- request: GET /containers/json
--- denied: operation: \w+ is not allowed

=== @lifecycle: POST /containers/$c/stop
--- identity: g-lifecycle
--- request: POST /containers/$c/stop
--- reaches_dockerd: 404

=== @lifecycle: POST /containers/$c/exec (not a member)
--- identity: g-lifecycle
--- request: POST /containers/$c/exec
--- body: {"Cmd":["true"]}
--- denied: operation: \w+ is not allowed

=== @networks: GET /networks
--- identity: g-networks
--- request: GET /networks
--- reaches_dockerd: 200

=== @networks: GET /volumes (not a member)
--- identity: g-networks
--- request: GET /volumes
--- denied: operation: \w+ is not allowed

=== @plugins: GET /plugins
--- identity: g-plugins
--- request: GET /plugins
--- reaches_dockerd: 200

=== @plugins: GET /containers/json (not a member)
--- identity: g-plugins
--- request: GET /containers/json
--- denied: operation: \w+ is not allowed

=== @read: GET /containers/json
--- identity: g-read
--- request: GET /containers/json
--- reaches_dockerd: 200

=== @read: POST /containers/create (not a member)
--- identity: g-read
--- request: POST /containers/create
--- body: {}
--- denied: operation: \w+ is not allowed

=== @swarm: GET /services
--- identity: g-swarm
--- request: GET /services
--- reaches_dockerd: 503

=== @swarm: GET /containers/json (not a member)
--- identity: g-swarm
--- request: GET /containers/json
--- denied: operation: \w+ is not allowed

=== @system: GET /version
--- identity: g-system
--- request: GET /version
--- reaches_dockerd: 200

=== @system: GET /containers/json (not a member)
--- identity: g-system
--- request: GET /containers/json
--- denied: operation: \w+ is not allowed

=== @volumes: GET /volumes
--- identity: g-volumes
--- request: GET /volumes
--- reaches_dockerd: 200

=== @volumes: GET /networks (not a member)
--- identity: g-volumes
--- request: GET /networks
--- denied: operation: \w+ is not allowed

# more members, one request each
=== @read member: GET /_ping
--- identity: g-read
--- request: GET /_ping
--- reaches_dockerd

=== @read member: HEAD /_ping
--- identity: g-read
--- request: HEAD /_ping
--- reaches_dockerd

=== @read member: GET /info
--- identity: g-read
--- request: GET /info
--- reaches_dockerd

=== @read member: GET /version
--- identity: g-read
--- request: GET /version
--- reaches_dockerd

=== @read member: GET /events?until=1
--- identity: g-read
--- request: GET /events?until=1
--- reaches_dockerd

=== @read member: GET /system/df
--- identity: g-read
--- request: GET /system/df
--- reaches_dockerd

=== @read member: GET /images/json
--- identity: g-read
--- request: GET /images/json
--- reaches_dockerd

=== @read member: GET /volumes
--- identity: g-read
--- request: GET /volumes
--- reaches_dockerd

=== @read member: GET /networks
--- identity: g-read
--- request: GET /networks
--- reaches_dockerd

=== @read member: GET /containers/$c/json
--- identity: g-read
--- request: GET /containers/$c/json
--- reaches_dockerd

=== @read member: GET /images/$image/json
--- identity: g-read
--- request: GET /images/$image/json
--- reaches_dockerd

=== @read member: GET /images/$image/history
--- identity: g-read
--- request: GET /images/$image/history
--- reaches_dockerd

=== @content member: GET /containers/$c/archive?path=/
--- identity: g-content
--- request: GET /containers/$c/archive?path=/
--- reaches_dockerd

=== @content member: GET /containers/$c/export
--- identity: g-content
--- request: GET /containers/$c/export
--- reaches_dockerd

=== @content member: GET /containers/$c/changes
--- identity: g-content
--- request: GET /containers/$c/changes
--- reaches_dockerd

=== @content member: GET /containers/$c/top
--- identity: g-content
--- request: GET /containers/$c/top
--- reaches_dockerd

=== @content member: GET /containers/$c/stats?stream=0
--- identity: g-content
--- request: GET /containers/$c/stats?stream=0
--- reaches_dockerd

=== @content member: GET /images/slt-none/get
--- identity: g-content
--- request: GET /images/slt-none/get
--- reaches_dockerd

=== @exec member: POST /exec/slt-none/start
--- identity: g-exec
--- request: POST /exec/slt-none/start
--- body: {}
--- reaches_dockerd

=== @exec member: POST /exec/slt-none/resize?h=1&w=1
--- identity: g-exec
--- request: POST /exec/slt-none/resize?h=1&w=1
--- reaches_dockerd

=== @exec member: POST /containers/$c/attach?stream=1
--- identity: g-exec
--- request: POST /containers/$c/attach?stream=1
--- reaches_dockerd

=== @lifecycle member: POST /containers/create
--- identity: g-lifecycle
--- request: POST /containers/create
--- body: {"Image":"slt-no-such-image"}
--- reaches_dockerd

=== @lifecycle member: DELETE /containers/$c
--- identity: g-lifecycle
--- request: DELETE /containers/$c
--- reaches_dockerd

=== @lifecycle member: POST /containers/$c/kill
--- identity: g-lifecycle
--- request: POST /containers/$c/kill
--- reaches_dockerd

=== @lifecycle member: POST /containers/$c/rename?name=x
--- identity: g-lifecycle
--- request: POST /containers/$c/rename?name=x
--- reaches_dockerd

=== @lifecycle member: PUT /containers/$c/archive?path=/
--- identity: g-lifecycle
--- request: PUT /containers/$c/archive?path=/
--- headers
Content-Type: application/x-tar
--- body: 
--- reaches_dockerd

=== @containers member: GET /containers/$c/logs?stdout=1
--- identity: g-containers
--- request: GET /containers/$c/logs?stdout=1
--- reaches_dockerd

=== @containers member: POST /containers/$c/exec
--- identity: g-containers
--- request: POST /containers/$c/exec
--- body: {"Cmd":["true"]}
--- reaches_dockerd

=== @containers member: POST /containers/$c/start
--- identity: g-containers
--- request: POST /containers/$c/start
--- reaches_dockerd

=== @images member: DELETE /images/slt-none
--- identity: g-images
--- request: DELETE /images/slt-none
--- reaches_dockerd

=== @images member: POST /images/slt-none/tag?repo=x
--- identity: g-images
--- request: POST /images/slt-none/tag?repo=x
--- reaches_dockerd

=== @images member: POST /commit?container=slt-none
--- identity: g-images
--- request: POST /commit?container=slt-none
--- body: {}
--- reaches_dockerd

=== @images member: GET /images/slt-none/get
--- identity: g-images
--- request: GET /images/slt-none/get
--- reaches_dockerd

=== @build member: POST /build
--- identity: g-build
--- request: POST /build
--- headers
Content-Type: application/x-tar
--- body: 
--- reaches_dockerd

=== @networks member: DELETE /networks/slt-none
--- identity: g-networks
--- request: DELETE /networks/slt-none
--- reaches_dockerd

=== @volumes member: DELETE /volumes/slt-none
--- identity: g-volumes
--- request: DELETE /volumes/slt-none
--- reaches_dockerd

=== @swarm member: GET /swarm
--- identity: g-swarm
--- request: GET /swarm
--- reaches_dockerd

=== @swarm member: GET /nodes
--- identity: g-swarm
--- request: GET /nodes
--- reaches_dockerd

=== @swarm member: GET /secrets
--- identity: g-swarm
--- request: GET /secrets
--- reaches_dockerd

=== @swarm member: POST /swarm/leave
--- identity: g-swarm
--- request: POST /swarm/leave
--- reaches_dockerd

=== @plugins member: DELETE /plugins/slt-none
--- identity: g-plugins
--- request: DELETE /plugins/slt-none
--- reaches_dockerd

=== @system member: GET /info
--- identity: g-system
--- request: GET /info
--- reaches_dockerd

=== @system member: GET /events?until=1
--- identity: g-system
--- request: GET /events?until=1
--- reaches_dockerd

=== @system member: POST /auth
--- identity: g-system
--- request: POST /auth
--- body: {}
--- reaches_dockerd

# @read reveals no contents: what Tecnativa's CONTAINERS=1 leaks
=== @read: GET /containers/$c/logs?stdout=1 (ContainerLogs)
--- identity: readonly
--- request: GET /containers/$c/logs?stdout=1
--- denied: operation: ContainerLogs is not allowed

=== @read: GET /containers/$c/archive?path=/etc (ContainerArchive)
--- identity: readonly
--- request: GET /containers/$c/archive?path=/etc
--- denied: operation: ContainerArchive is not allowed

=== @read: HEAD /containers/$c/archive?path=/etc (ContainerArchiveInfo) denied
--- identity: readonly
--- request: HEAD /containers/$c/archive?path=/etc
--- status: 403

=== @read: GET /containers/$c/export (ContainerExport)
--- identity: readonly
--- request: GET /containers/$c/export
--- denied: operation: ContainerExport is not allowed

=== @read: GET /containers/$c/changes (ContainerChanges)
--- identity: readonly
--- request: GET /containers/$c/changes
--- denied: operation: ContainerChanges is not allowed

=== @read: GET /containers/$c/top (ContainerTop)
--- identity: readonly
--- request: GET /containers/$c/top
--- denied: operation: ContainerTop is not allowed

=== @read: GET /containers/$c/stats?stream=0 (ContainerStats)
--- identity: readonly
--- request: GET /containers/$c/stats?stream=0
--- denied: operation: ContainerStats is not allowed

=== @read: POST /containers/$c/copy (ContainerCopy)
--- identity: readonly
--- request: POST /containers/$c/copy
--- body: {"Resource":"/"}
--- denied: operation: ContainerCopy is not allowed

=== @read: GET /images/busybox/get (ImageGet)
--- identity: readonly
--- request: GET /images/busybox/get
--- denied: operation: ImageGet is not allowed

=== @read: GET /images/get?names=busybox (ImageGetAll)
--- identity: readonly
--- request: GET /images/get?names=busybox
--- denied: operation: ImageGetAll is not allowed

=== @read: GET /services/x/logs?stdout=1 (ServiceLogs)
--- identity: readonly
--- request: GET /services/x/logs?stdout=1
--- denied: operation: ServiceLogs is not allowed

=== @read: GET /tasks/x/logs?stdout=1 (TaskLogs)
--- identity: readonly
--- request: GET /tasks/x/logs?stdout=1
--- denied: operation: TaskLogs is not allowed

=== @read: GET /swarm/unlockkey (SwarmUnlockkey)
--- identity: readonly
--- request: GET /swarm/unlockkey
--- denied: operation: SwarmUnlockkey is not allowed

=== @read: GET /containers/$c/attach/ws?stream=1 (ContainerAttachWebsocket)
--- identity: readonly
--- request: GET /containers/$c/attach/ws?stream=1
--- denied: operation: ContainerAttachWebsocket is not allowed

=== @read: POST /containers/$c/attach?stream=1 (ContainerAttach)
--- identity: readonly
--- request: POST /containers/$c/attach?stream=1
--- denied: operation: ContainerAttach is not allowed

=== @read: GET /debug/pprof/ (DebugPprofIndex)
--- identity: readonly
--- request: GET /debug/pprof/
--- denied: operation: DebugPprofIndex is not allowed

# GET /swarm answers the manager and worker join tokens: with the manager
# token any dockerd can join the swarm as a manager and run services on
# this host (binds of /, privileged): it is no read-only information
=== @read: GET /swarm (SwarmInspect, the join tokens)
--- identity: readonly
--- request: GET /swarm
--- denied: operation: SwarmInspect is not allowed

# deny wins over allow: ci allows @all, denies @swarm @plugins
=== ci: deny @swarm wins
--- identity: ci
--- request: GET /services
--- denied: operation: ServiceList is not allowed

=== ci: deny @plugins wins
--- identity: ci
--- request: GET /plugins
--- denied: operation: PluginList is not allowed

=== ci: @all allows the rest
--- identity: ci
--- request: GET /containers/json
--- reaches_dockerd: 200

# the group policies are privileged off like any other
=== @swarm: swarm init still privileged
--- identity: g-swarm
--- request: POST /swarm/init
--- body: {"ListenAddr":"127.0.0.1"}
--- denied: privileged: SwarmInit

=== @plugins: plugin install still privileged
--- identity: g-plugins
--- request: POST /plugins/pull?remote=x
--- body: []
--- denied: privileged: PluginPull

=== @lifecycle: a privileged create still denied
--- identity: g-lifecycle
--- request: POST /containers/create
--- body: {"Image":"busybox","HostConfig":{"Privileged":true}}
--- denied: privileged: HostConfig.Privileged

