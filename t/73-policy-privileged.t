#!/usr/bin/perl
# Access policy, "privileged off" (the default in a policy): every way to
# get more than a default container is refused, in HostConfig, at the top
# level (old clients), at start (API < 1.24), at update, in exec, in
# services, volumes, networks, plugins, builds and swarm membership;
# "privileged on" lets the same requests reach dockerd.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Sockerless::Test;
use Sockerless::Policy;

module_only();

# ci and open: privileged off; swarmer: the swarm; full (admin):
# privileged on
my $ng = start_nginx(log_format => $POLICY_LOG,
    location => 'sockerless_enforce $docker_policy;', http => <<'EOF');
    map $http_x_identity $docker_policy {
        ci          ci;
        open        open;
        swarmer     swarmer;
        admin       full;
    }

    sockerless_policy ci {
        allow      @all;
        deny       @swarm @plugins;
        privileged off;
    }

    # every operation, plugins and swarm included, with privileged off
    sockerless_policy open { allow @all; }
    sockerless_policy swarmer { allow @swarm @read; }

    sockerless_policy full { allow @all; privileged on; }
EOF
my $image = test_image();
my $priv = unique_name('priv');
cleanup_container($priv);

# $id: no such container, allowed means a 404
run_policy_blocks(vars => { image => $image, id => 'slt-policy-none',
    vol => cleanup_volume(unique_name('vol')),
    vol2 => cleanup_volume(unique_name('vol')),
    net => cleanup_network(unique_name('net')), priv => $priv });

# what getting it wrong means: a RUN step in the host's network namespace
{
    my $host_ns = readlink '/proc/self/ns/net';
    my $tag = unique_name('netns');
    cleanup_image($tag);
    my $tar = tar_bytes(Dockerfile => "FROM $image\n"
        . "RUN echo $tag; echo ns=\$(readlink /proc/self/ns/net)\n");
    my ($st, $msg, $raw) = policy_api('ci', POST => "/build?network%6Dode=host"
        . "&t=$tag&rm=1&forcerm=1", $tar,
        headers => [ 'Content-Type' => 'application/x-tar' ]);
    my ($ns) = $raw =~ /ns=(net:\[\d+\])/;
    ok(!$ns || $ns ne $host_ns, 'build ?network%6Dode=host: the RUN step '
        . 'is not in the host network namespace')
        or diag "RUN saw $ns, the host is $host_ns";
}

# privileged on: dockerd got the privileged create as it was sent
{
    my (undef, $out) = docker_direct('inspect', '--format',
        '{{.HostConfig.Privileged}} {{.HostConfig.PidMode}}', $priv);
    is($out, "true host\n", 'privileged on: dockerd got it as sent');
}

# nothing denied above reached dockerd
no_denied_request_reached($ng);

done_testing();

__DATA__

# --- container create: HostConfig

=== create: Privileged
--- identity: ci
--- request: POST /containers/create
--- body: {"HostConfig":{"Privileged":true},"Image":"$image"}
--- denied: Privileged

=== create: CapAdd SYS_ADMIN
--- identity: ci
--- request: POST /containers/create
--- body: {"HostConfig":{"CapAdd":["SYS_ADMIN"]},"Image":"$image"}
--- denied: CapAdd SYS_ADMIN

=== create: CapAdd lowercase
--- identity: ci
--- request: POST /containers/create
--- body: {"HostConfig":{"CapAdd":["sys_admin"]},"Image":"$image"}
--- denied: CapAdd sys_admin

=== create: CapAdd CAP_ prefix
--- identity: ci
--- request: POST /containers/create
--- body: {"HostConfig":{"CapAdd":["CAP_SYS_ADMIN"]},"Image":"$image"}
--- denied: CapAdd

=== create: CapAdd cap_ lowercase
--- identity: ci
--- request: POST /containers/create
--- body: {"HostConfig":{"CapAdd":["cap_sys_ptrace"]},"Image":"$image"}
--- denied: CapAdd

=== create: CapAdd ALL
--- identity: ci
--- request: POST /containers/create
--- body: {"HostConfig":{"CapAdd":["ALL"]},"Image":"$image"}
--- denied: CapAdd ALL

=== create: CapAdd all
--- identity: ci
--- request: POST /containers/create
--- body: {"HostConfig":{"CapAdd":["all"]},"Image":"$image"}
--- denied: CapAdd all

=== create: CapAdd a default one and NET_ADMIN
--- identity: ci
--- request: POST /containers/create
--- body: {"HostConfig":{"CapAdd":["CHOWN","NET_ADMIN"]},"Image":"$image"}
--- denied: NET_ADMIN

=== create: Capabilities (API 1.40)
--- identity: ci
--- request: POST /containers/create
--- body: {"HostConfig":{"Capabilities":["CAP_SYS_ADMIN"]},"Image":"$image"}
--- denied: Capabilities

=== create: Devices
--- identity: ci
--- request: POST /containers/create
--- body: {"HostConfig":{"Devices":[{"CgroupPermissions":"rwm","PathInContainer":"/dev/mem","PathOnHost":"/dev/mem"}]},"Image":"$image"}
--- denied: Devices

=== create: DeviceRequests
--- identity: ci
--- request: POST /containers/create
--- body: {"HostConfig":{"DeviceRequests":[{"Capabilities":[["gpu"]],"Count":-1}]},"Image":"$image"}
--- denied: DeviceRequests

=== create: DeviceCgroupRules
--- identity: ci
--- request: POST /containers/create
--- body: {"HostConfig":{"DeviceCgroupRules":["c *:* rwm"]},"Image":"$image"}
--- denied: DeviceCgroupRules

=== create: PidMode host
--- identity: ci
--- request: POST /containers/create
--- body: {"HostConfig":{"PidMode":"host"},"Image":"$image"}
--- denied: PidMode host

=== create: PidMode container:x
--- identity: ci
--- request: POST /containers/create
--- body: {"HostConfig":{"PidMode":"container:x"},"Image":"$image"}
--- denied: PidMode container:x

=== create: IpcMode host
--- identity: ci
--- request: POST /containers/create
--- body: {"HostConfig":{"IpcMode":"host"},"Image":"$image"}
--- denied: IpcMode host

=== create: IpcMode container:x
--- identity: ci
--- request: POST /containers/create
--- body: {"HostConfig":{"IpcMode":"container:x"},"Image":"$image"}
--- denied: IpcMode container:x

=== create: NetworkMode host
--- identity: ci
--- request: POST /containers/create
--- body: {"HostConfig":{"NetworkMode":"host"},"Image":"$image"}
--- denied: NetworkMode host

=== create: NetworkMode container:x
--- identity: ci
--- request: POST /containers/create
--- body: {"HostConfig":{"NetworkMode":"container:x"},"Image":"$image"}
--- denied: NetworkMode container:x

=== create: UTSMode host
--- identity: ci
--- request: POST /containers/create
--- body: {"HostConfig":{"UTSMode":"host"},"Image":"$image"}
--- denied: UTSMode host

=== create: UTSMode container:x
--- identity: ci
--- request: POST /containers/create
--- body: {"HostConfig":{"UTSMode":"container:x"},"Image":"$image"}
--- denied: UTSMode container:x

=== create: UsernsMode host
--- identity: ci
--- request: POST /containers/create
--- body: {"HostConfig":{"UsernsMode":"host"},"Image":"$image"}
--- denied: UsernsMode host

=== create: UsernsMode container:x
--- identity: ci
--- request: POST /containers/create
--- body: {"HostConfig":{"UsernsMode":"container:x"},"Image":"$image"}
--- denied: UsernsMode container:x

=== create: CgroupnsMode host
--- identity: ci
--- request: POST /containers/create
--- body: {"HostConfig":{"CgroupnsMode":"host"},"Image":"$image"}
--- denied: CgroupnsMode host

=== create: CgroupnsMode container:x
--- identity: ci
--- request: POST /containers/create
--- body: {"HostConfig":{"CgroupnsMode":"container:x"},"Image":"$image"}
--- denied: CgroupnsMode container:x

=== create: NetworkMode HOST
--- identity: ci
--- request: POST /containers/create
--- body: {"HostConfig":{"NetworkMode":"HOST"},"Image":"$image"}
--- denied: NetworkMode HOST

=== create: SecurityOpt seccomp=unconfined
--- identity: ci
--- request: POST /containers/create
--- body: {"HostConfig":{"SecurityOpt":["seccomp=unconfined"]},"Image":"$image"}
--- denied: seccomp=unconfined

=== create: SecurityOpt seccomp:unconfined
--- identity: ci
--- request: POST /containers/create
--- body: {"HostConfig":{"SecurityOpt":["seccomp:unconfined"]},"Image":"$image"}
--- denied: seccomp:unconfined

=== create: SecurityOpt an inline seccomp profile
--- identity: ci
--- request: POST /containers/create
--- body: {"HostConfig":{"SecurityOpt":["seccomp={\"defaultAction\":\"SCMP_ACT_ALLOW\"}"]},"Image":"$image"}
--- denied: seccomp=

=== create: SecurityOpt apparmor=unconfined
--- identity: ci
--- request: POST /containers/create
--- body: {"HostConfig":{"SecurityOpt":["apparmor=unconfined"]},"Image":"$image"}
--- denied: apparmor

=== create: SecurityOpt apparmor:unconfined
--- identity: ci
--- request: POST /containers/create
--- body: {"HostConfig":{"SecurityOpt":["apparmor:unconfined"]},"Image":"$image"}
--- denied: apparmor

=== create: SecurityOpt label=disable
--- identity: ci
--- request: POST /containers/create
--- body: {"HostConfig":{"SecurityOpt":["label=disable"]},"Image":"$image"}
--- denied: label=disable

=== create: SecurityOpt label:disable
--- identity: ci
--- request: POST /containers/create
--- body: {"HostConfig":{"SecurityOpt":["label:disable"]},"Image":"$image"}
--- denied: label:disable

=== create: SecurityOpt systempaths=unconfined
--- identity: ci
--- request: POST /containers/create
--- body: {"HostConfig":{"SecurityOpt":["systempaths=unconfined"]},"Image":"$image"}
--- denied: systempaths

=== create: SecurityOpt no-new-privileges then seccomp
--- identity: ci
--- request: POST /containers/create
--- body: {"HostConfig":{"SecurityOpt":["no-new-privileges","seccomp=unconfined"]},"Image":"$image"}
--- denied: seccomp

=== create: MaskedPaths []
--- identity: ci
--- request: POST /containers/create
--- body: {"HostConfig":{"MaskedPaths":[]},"Image":"$image"}
--- denied: MaskedPaths

=== create: MaskedPaths [x]
--- identity: ci
--- request: POST /containers/create
--- body: {"HostConfig":{"MaskedPaths":["/proc/x"]},"Image":"$image"}
--- denied: MaskedPaths

=== create: ReadonlyPaths []
--- identity: ci
--- request: POST /containers/create
--- body: {"HostConfig":{"ReadonlyPaths":[]},"Image":"$image"}
--- denied: ReadonlyPaths

=== create: CgroupParent
--- identity: ci
--- request: POST /containers/create
--- body: {"HostConfig":{"CgroupParent":"/"},"Image":"$image"}
--- denied: CgroupParent

=== create: Sysctls
--- identity: ci
--- request: POST /containers/create
--- body: {"HostConfig":{"Sysctls":{"kernel.core_pattern":"|/x"}},"Image":"$image"}
--- denied: Sysctls

=== create: VolumeDriver
--- identity: ci
--- request: POST /containers/create
--- body: {"HostConfig":{"VolumeDriver":"evil"},"Image":"$image"}
--- denied: VolumeDriver

=== create: VolumesFrom
--- identity: ci
--- request: POST /containers/create
--- body: {"HostConfig":{"VolumesFrom":["other"]},"Image":"$image"}
--- denied: VolumesFrom

=== create: Runtime
--- identity: ci
--- request: POST /containers/create
--- body: {"HostConfig":{"Runtime":"evil"},"Image":"$image"}
--- denied: Runtime

=== create: Mounts type npipe
--- identity: ci
--- request: POST /containers/create
--- body: {"HostConfig":{"Mounts":[{"Source":"/x","Target":"/x","Type":"npipe"}]},"Image":"$image"}
--- denied: Mounts type npipe

=== create: Mounts volume with local bind options
--- identity: ci
--- request: POST /containers/create
--- body: {"HostConfig":{"Mounts":[{"Source":"slt-v","Target":"/v","Type":"volume","VolumeOptions":{"DriverConfig":{"Name":"local","Options":{"device":"/etc","o":"bind","type":"none"}}}}]},"Image":"$image"}
--- denied: volume option

=== create: Mounts volume with another driver
--- identity: ci
--- request: POST /containers/create
--- body: {"HostConfig":{"Mounts":[{"Source":"slt-v","Target":"/v","Type":"volume","VolumeOptions":{"DriverConfig":{"Name":"evil"}}}]},"Image":"$image"}
--- denied: volume driver evil

# what a default container has, or takes away, is no privilege
=== create: {"CapAdd":["CHOWN","cap_kill","NET_BIND_SERVICE"]}
--- identity: ci
--- request: POST /containers/create
--- body: {"HostConfig":{"CapAdd":["CHOWN","cap_kill","NET_BIND_SERVICE"]},"Image":"$image"}
--- reaches_dockerd

=== create: {"CapDrop":["ALL"]}
--- identity: ci
--- request: POST /containers/create
--- body: {"HostConfig":{"CapDrop":["ALL"]},"Image":"$image"}
--- reaches_dockerd

=== create: {"SecurityOpt":["no-new-privileges"]}
--- identity: ci
--- request: POST /containers/create
--- body: {"HostConfig":{"SecurityOpt":["no-new-privileges"]},"Image":"$image"}
--- reaches_dockerd

=== create: {"SecurityOpt":["no-new-privileges:true"]}
--- identity: ci
--- request: POST /containers/create
--- body: {"HostConfig":{"SecurityOpt":["no-new-privileges:true"]},"Image":"$image"}
--- reaches_dockerd

=== create: {"NetworkMode":"none"}
--- identity: ci
--- request: POST /containers/create
--- body: {"HostConfig":{"NetworkMode":"none"},"Image":"$image"}
--- reaches_dockerd

=== create: {"NetworkMode":"bridge"}
--- identity: ci
--- request: POST /containers/create
--- body: {"HostConfig":{"NetworkMode":"bridge"},"Image":"$image"}
--- reaches_dockerd

=== create: {"NetworkMode":"default"}
--- identity: ci
--- request: POST /containers/create
--- body: {"HostConfig":{"NetworkMode":"default"},"Image":"$image"}
--- reaches_dockerd

=== create: {"IpcMode":"private"}
--- identity: ci
--- request: POST /containers/create
--- body: {"HostConfig":{"IpcMode":"private"},"Image":"$image"}
--- reaches_dockerd

=== create: {"IpcMode":"shareable"}
--- identity: ci
--- request: POST /containers/create
--- body: {"HostConfig":{"IpcMode":"shareable"},"Image":"$image"}
--- reaches_dockerd

=== create: {"PidMode":""}
--- identity: ci
--- request: POST /containers/create
--- body: {"HostConfig":{"PidMode":""},"Image":"$image"}
--- reaches_dockerd

=== create: {"Runtime":"runc"}
--- identity: ci
--- request: POST /containers/create
--- body: {"HostConfig":{"Runtime":"runc"},"Image":"$image"}
--- reaches_dockerd

=== create: {"Devices":[]}
--- identity: ci
--- request: POST /containers/create
--- body: {"HostConfig":{"Devices":[]},"Image":"$image"}
--- reaches_dockerd

=== create: {"Sysctls":{}}
--- identity: ci
--- request: POST /containers/create
--- body: {"HostConfig":{"Sysctls":{}},"Image":"$image"}
--- reaches_dockerd

=== create: {"Privileged":false}
--- identity: ci
--- request: POST /containers/create
--- body: {"HostConfig":{"Privileged":false},"Image":"$image"}
--- reaches_dockerd

=== create: {"ReadonlyRootfs":true,"Tmpfs":{"/run":""}}
--- identity: ci
--- request: POST /containers/create
--- body: {"HostConfig":{"ReadonlyRootfs":true,"Tmpfs":{"/run":""}},"Image":"$image"}
--- reaches_dockerd

=== create: {"Mounts":[{"Target":"/t","Type":"tmpfs"}]}
--- identity: ci
--- request: POST /containers/create
--- body: {"HostConfig":{"Mounts":[{"Target":"/t","Type":"tmpfs"}]},"Image":"$image"}
--- reaches_dockerd

=== create: {"Mounts":[{"Source":"$vol","Target":"/v","Type":"volume"}]}
--- identity: ci
--- request: POST /containers/create
--- body: {"HostConfig":{"Mounts":[{"Source":"$vol","Target":"/v","Type":"volume"}]},"Image":"$image"}
--- reaches_dockerd

# --- old clients: HostConfig fields at the top level

=== create: top-level Privileged (no HostConfig)
--- identity: ci
--- request: POST /containers/create
--- body: {"Image":"$image","Privileged":true}
--- denied: privileged: Privileged

=== create /v1.18: top-level Privileged
--- identity: ci
--- request: POST /v1.18/containers/create
--- body: {"Image":"$image","Privileged":true}
--- denied: privileged: Privileged

=== create: top-level CapAdd (no HostConfig)
--- identity: ci
--- request: POST /containers/create
--- body: {"CapAdd":["SYS_ADMIN"],"Image":"$image"}
--- denied: CapAdd

=== create /v1.18: top-level CapAdd
--- identity: ci
--- request: POST /v1.18/containers/create
--- body: {"CapAdd":["SYS_ADMIN"],"Image":"$image"}
--- denied: CapAdd

=== create: top-level Binds (no HostConfig)
--- identity: ci
--- request: POST /containers/create
--- body: {"Binds":["/:/host"],"Image":"$image"}
--- denied: bind: host path / is not allowed

=== create /v1.18: top-level Binds
--- identity: ci
--- request: POST /v1.18/containers/create
--- body: {"Binds":["/:/host"],"Image":"$image"}
--- denied: bind: host path / is not allowed

=== create: top-level PidMode (no HostConfig)
--- identity: ci
--- request: POST /containers/create
--- body: {"Image":"$image","PidMode":"host"}
--- denied: PidMode host

=== create /v1.18: top-level PidMode
--- identity: ci
--- request: POST /v1.18/containers/create
--- body: {"Image":"$image","PidMode":"host"}
--- denied: PidMode host

=== create: top-level Devices (no HostConfig)
--- identity: ci
--- request: POST /containers/create
--- body: {"Devices":[{"CgroupPermissions":"rwm","PathInContainer":"/dev/mem","PathOnHost":"/dev/mem"}],"Image":"$image"}
--- denied: Devices

=== create /v1.18: top-level Devices
--- identity: ci
--- request: POST /v1.18/containers/create
--- body: {"Devices":[{"CgroupPermissions":"rwm","PathInContainer":"/dev/mem","PathOnHost":"/dev/mem"}],"Image":"$image"}
--- denied: Devices

=== create: top-level SecurityOpt (no HostConfig)
--- identity: ci
--- request: POST /containers/create
--- body: {"Image":"$image","SecurityOpt":["seccomp=unconfined"]}
--- denied: SecurityOpt

=== create /v1.18: top-level SecurityOpt
--- identity: ci
--- request: POST /v1.18/containers/create
--- body: {"Image":"$image","SecurityOpt":["seccomp=unconfined"]}
--- denied: SecurityOpt

# both places: a harmless HostConfig does not hide the top-level field
=== create: top-level Privileged next to an empty HostConfig
--- identity: ci
--- request: POST /containers/create
--- body: {"HostConfig":{},"Image":"$image","Privileged":true}
--- denied: Privileged

# --- start with a HostConfig (API < 1.24), update, exec

=== start /v1.23 with a HostConfig body: Privileged
--- identity: ci
--- request: POST /v1.23/containers/$id/start
--- body: {"Privileged":true}
--- denied: Privileged

=== start /v1.23 with a HostConfig body: Binds
--- identity: ci
--- request: POST /v1.23/containers/$id/start
--- body: {"Binds":["/:/host"]}
--- denied: bind

=== start /v1.20 with a HostConfig body: Privileged
--- identity: ci
--- request: POST /v1.20/containers/$id/start
--- body: {"Privileged":true}
--- denied: Privileged

=== start /v1.20 with a HostConfig body: Binds
--- identity: ci
--- request: POST /v1.20/containers/$id/start
--- body: {"Binds":["/:/host"]}
--- denied: bind

=== start (no version) with a HostConfig body: Privileged
--- identity: ci
--- request: POST /containers/$id/start
--- body: {"Privileged":true}
--- denied: Privileged

=== start (no version) with a HostConfig body: Binds
--- identity: ci
--- request: POST /containers/$id/start
--- body: {"Binds":["/:/host"]}
--- denied: bind

=== start /v1.23 with a harmless body
--- identity: ci
--- request: POST /v1.23/containers/$id/start
--- body: {"Memory":0}
--- reaches_dockerd: 404

=== update: Devices
--- identity: ci
--- request: POST /containers/$id/update
--- body: {"Devices":[{"CgroupPermissions":"rwm","PathInContainer":"/dev/mem","PathOnHost":"/dev/mem"}]}
--- denied: Devices

=== update: DeviceCgroupRules
--- identity: ci
--- request: POST /containers/$id/update
--- body: {"DeviceCgroupRules":["c *:* rwm"]}
--- denied: DeviceCgroupRules

=== update: CgroupParent
--- identity: ci
--- request: POST /containers/$id/update
--- body: {"CgroupParent":"/"}
--- denied: CgroupParent

=== update: Memory
--- identity: ci
--- request: POST /containers/$id/update
--- body: {"Memory":100000000}
--- reaches_dockerd: 404

=== exec create: Privileged
--- identity: ci
--- request: POST /containers/$id/exec
--- body: {"Cmd":["sh"],"Privileged":true}
--- denied: Privileged exec

=== exec create: privileged (lowercase)
--- identity: ci
--- request: POST /containers/$id/exec
--- body: {"Cmd":["sh"],"privileged":true}
--- denied: Privileged exec

=== exec create: Privileged "yes"
--- identity: ci
--- request: POST /containers/$id/exec
--- body: {"Cmd":["sh"],"Privileged":"yes"}
--- denied: Privileged exec

=== exec create: not privileged
--- identity: ci
--- request: POST /containers/$id/exec
--- body: {"Cmd":["sh"],"Privileged":false,"User":"root"}
--- reaches_dockerd: 404

# --- services (a policy with @swarm and privileged off)

=== service create: bind mount of /
--- identity: swarmer
--- request: POST /services/create
--- body: {"Name":"slt-svc","TaskTemplate":{"ContainerSpec":{"Image":"$image","Mounts":[{"Source":"/","Target":"/h","Type":"bind"}]}}}
--- denied: bind: host path / is not allowed

=== service create: volume with bind options
--- identity: swarmer
--- request: POST /services/create
--- body: {"Name":"slt-svc","TaskTemplate":{"ContainerSpec":{"Image":"$image","Mounts":[{"Source":"v","Target":"/v","Type":"volume","VolumeOptions":{"DriverConfig":{"Name":"local","Options":{"device":"/","o":"bind","type":"none"}}}}]}}}
--- denied: volume option

=== service create: CapabilityAdd
--- identity: swarmer
--- request: POST /services/create
--- body: {"Name":"slt-svc","TaskTemplate":{"ContainerSpec":{"CapabilityAdd":["CAP_SYS_ADMIN"],"Image":"$image"}}}
--- denied: ContainerSpec.CapabilityAdd CAP_SYS_ADMIN

=== service create: Sysctls
--- identity: swarmer
--- request: POST /services/create
--- body: {"Name":"slt-svc","TaskTemplate":{"ContainerSpec":{"Image":"$image","Sysctls":{"kernel.x":"1"}}}}
--- denied: Sysctls

=== service create: SELinuxContext.Disable
--- identity: swarmer
--- request: POST /services/create
--- body: {"Name":"slt-svc","TaskTemplate":{"ContainerSpec":{"Image":"$image","Privileges":{"SELinuxContext":{"Disable":true}}}}}
--- denied: SELinux

=== service update: CapabilityAdd
--- identity: swarmer
--- request: POST /services/x/update?version=1
--- body: {"Name":"slt-svc","TaskTemplate":{"ContainerSpec":{"CapabilityAdd":["ALL"],"Image":"$image"}}}
--- denied: ContainerSpec.CapabilityAdd ALL

=== service create: a plugin task
--- identity: swarmer
--- request: POST /services/create
--- body: {"Name":"p","TaskTemplate":{"PluginSpec":{"Name":"evil","Remote":"evil/plugin"},"Runtime":"plugin"}}
--- denied: PluginSpec

# the host network namespace, as NetworkMode host is for containers
=== service create: TaskTemplate.Networks host
--- identity: swarmer
--- request: POST /services/create
--- body: {"Name":"slt-svc","TaskTemplate":{"ContainerSpec":{"Image":"$image"},"Networks":[{"Target":"host"}]}}
--- denied: host

=== service create: Networks host (deprecated top-level field)
--- identity: swarmer
--- request: POST /services/create
--- body: {"Name":"slt-svc","Networks":[{"Target":"host"}],"TaskTemplate":{"ContainerSpec":{"Image":"$image"}}}
--- denied: host

=== service create: a plain service (no swarm: 503)
--- identity: swarmer
--- request: POST /services/create
--- body: {"Name":"slt-svc","TaskTemplate":{"ContainerSpec":{"Image":"$image"}}}
--- reaches_dockerd: 503

# --- volumes, networks, plugins

=== volume create: local bind (type, o, device)
--- identity: ci
--- request: POST /volumes/create
--- body: {"DriverOpts":{"device":"/etc","o":"bind","type":"none"},"Name":"slt-v"}
--- denied: volume option

=== volume create: device
--- identity: ci
--- request: POST /volumes/create
--- body: {"DriverOpts":{"device":"/dev/sda1"},"Name":"slt-v"}
--- denied: volume option device

=== volume create: o=bind
--- identity: ci
--- request: POST /volumes/create
--- body: {"Driver":"local","DriverOpts":{"o":"bind"},"Name":"slt-v"}
--- denied: volume option o

=== volume create: another driver
--- identity: ci
--- request: POST /volumes/create
--- body: {"Driver":"evil","Name":"slt-v"}
--- denied: volume driver evil

=== volume create: local, no options
--- identity: ci
--- request: POST /volumes/create
--- body: {"Driver":"local","Name":"$vol2"}
--- reaches_dockerd: 201

=== network create: driver macvlan
--- identity: ci
--- request: POST /networks/create
--- body: {"Driver":"macvlan","Name":"slt-n","Options":{"parent":"eth0"}}
--- denied: network driver macvlan

=== network create: driver ipvlan
--- identity: ci
--- request: POST /networks/create
--- body: {"Driver":"ipvlan","Name":"slt-n","Options":{"parent":"eth0"}}
--- denied: network driver ipvlan

=== network create: driver host
--- identity: ci
--- request: POST /networks/create
--- body: {"Driver":"host","Name":"slt-n","Options":{"parent":"eth0"}}
--- denied: network driver host

=== network create: driver null
--- identity: ci
--- request: POST /networks/create
--- body: {"Driver":"null","Name":"slt-n","Options":{"parent":"eth0"}}
--- denied: network driver null

=== network create: bridge on the host interface
--- identity: ci
--- request: POST /networks/create
--- body: {"Driver":"bridge","Name":"slt-n","Options":{"com.docker.network.bridge.name":"eth0"}}
--- denied: network option

=== network create: ingress
--- identity: ci
--- request: POST /networks/create
--- body: {"Driver":"overlay","Ingress":true,"Name":"slt-n"}
--- denied: ingress

=== network create: an internal bridge with an mtu
--- identity: ci
--- request: POST /networks/create
--- body: {"Driver":"bridge","Internal":true,"Name":"$net","Options":{"com.docker.network.driver.mtu":"1400"}}
--- reaches_dockerd: 201

# "open" allows every operation, plugins included, with privileged off
=== plugin install
--- identity: open
--- request: POST /plugins/pull?remote=evil/plugin&name=evil
--- body: []
--- denied: privileged: PluginPull

=== plugin enable
--- identity: open
--- request: POST /plugins/evil/enable
--- denied: privileged

=== plugin set
--- identity: open
--- request: POST /plugins/evil/set
--- body: ["k=v"]
--- denied: privileged

=== plugin create
--- identity: open
--- request: POST /plugins/create?name=evil
--- body:
--- denied: privileged

=== plugin list
--- identity: open
--- request: GET /plugins
--- reaches_dockerd: 200

=== ci: @plugins denied
--- identity: ci
--- request: POST /plugins/pull?remote=evil/plugin
--- body: []
--- denied: operation: PluginPull is not allowed

# --- build and swarm

=== build ?networkmode=host
--- identity: ci
--- request: POST /build?networkmode=host
--- headers
Content-Type: application/x-tar
--- body:
--- denied: privileged: build

=== build ?networkmode=container:x
--- identity: ci
--- request: POST /build?networkmode=container:x
--- headers
Content-Type: application/x-tar
--- body:
--- denied: privileged: build

=== build ?networkmode=hos%74
--- identity: ci
--- request: POST /build?networkmode=hos%74
--- headers
Content-Type: application/x-tar
--- body:
--- denied: privileged: build

=== build ?cgroupparent=/
--- identity: ci
--- request: POST /build?cgroupparent=/
--- headers
Content-Type: application/x-tar
--- body:
--- denied: privileged: build

=== build ?rm=1&networkmode=host&t=x
--- identity: ci
--- request: POST /build?rm=1&networkmode=host&t=x
--- headers
Content-Type: application/x-tar
--- body:
--- denied: privileged: build

=== build ?networkmode=none
--- identity: ci
--- request: POST /build?networkmode=none
--- headers
Content-Type: application/x-tar
--- body:
--- reaches_dockerd

# parameter names are matched the way dockerd reads them (Go decodes the
# escapes of a name and compares it case-sensitively)
=== build ?network%6Dode=host (escaped name)
--- identity: ci
--- request: POST /build?network%6Dode=host
--- headers
Content-Type: application/x-tar
--- body:
--- denied: privileged: build

=== build ?NETWORKMODE=bridge&networkmode=host (another name first)
--- identity: ci
--- request: POST /build?NETWORKMODE=bridge&networkmode=host
--- headers
Content-Type: application/x-tar
--- body:
--- denied: privileged: build

=== build ?cgroup%70arent=/x (escaped name)
--- identity: ci
--- request: POST /build?cgroup%70arent=/x
--- headers
Content-Type: application/x-tar
--- body:
--- denied: privileged: build

# swarm membership
=== open: swarm init
--- identity: open
--- request: POST /swarm/init
--- body: {"ListenAddr":"127.0.0.1"}
--- denied: privileged: SwarmInit

=== open: swarm join
--- identity: open
--- request: POST /swarm/join
--- body: {"JoinToken":"x","RemoteAddrs":["10.0.0.1:2377"]}
--- denied: privileged: SwarmJoin

=== swarmer: swarm init
--- identity: swarmer
--- request: POST /swarm/init
--- body: {"ListenAddr":"127.0.0.1"}
--- denied: privileged: SwarmInit

=== swarmer: swarm join
--- identity: swarmer
--- request: POST /swarm/join
--- body: {"JoinToken":"x","RemoteAddrs":["10.0.0.1:2377"]}
--- denied: privileged: SwarmJoin

=== swarm leave (no swarm: 503)
--- identity: swarmer
--- request: POST /swarm/leave
--- reaches_dockerd: 503

# --- privileged on

=== privileged on: privileged create
--- identity: admin
--- request: POST /containers/create?name=$priv
--- body: {"HostConfig":{"CapAdd":["ALL"],"PidMode":"host","Privileged":true,"SecurityOpt":["seccomp=unconfined"]},"Image":"$image"}
--- reaches_dockerd: 201

=== privileged on: build networkmode=host
--- identity: admin
--- request: POST /build?networkmode=host
--- headers
Content-Type: application/x-tar
--- body:
--- reaches_dockerd

=== privileged on: privileged exec
--- identity: admin
--- request: POST /containers/$id/exec
--- body: {"Cmd":["sh"],"Privileged":true}
--- reaches_dockerd: 404

