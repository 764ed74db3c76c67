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

my $ng = policy_nginx();
my $image = test_image();
my $create = '/containers/create';
my $id = 'slt-policy-none';     # no such container: allowed means a 404

sub hc { encode_json({ Image => $image, HostConfig => { @_ } }) }

my $dev = { PathOnHost => '/dev/mem', PathInContainer => '/dev/mem',
    CgroupPermissions => 'rwm' };

# --- container create: HostConfig ------------------------------------------

my @host_config = (
    [ [ Privileged => JSON::PP::true() ], qr/Privileged/, 'Privileged' ],
    [ [ CapAdd => ['SYS_ADMIN'] ], qr/CapAdd SYS_ADMIN/, 'CapAdd SYS_ADMIN' ],
    [ [ CapAdd => ['sys_admin'] ], qr/CapAdd sys_admin/, 'CapAdd lowercase' ],
    [ [ CapAdd => ['CAP_SYS_ADMIN'] ], qr/CapAdd/, 'CapAdd CAP_ prefix' ],
    [ [ CapAdd => ['cap_sys_ptrace'] ], qr/CapAdd/, 'CapAdd cap_ lowercase' ],
    [ [ CapAdd => ['ALL'] ], qr/CapAdd ALL/, 'CapAdd ALL' ],
    [ [ CapAdd => ['all'] ], qr/CapAdd all/, 'CapAdd all' ],
    [ [ CapAdd => ['CHOWN', 'NET_ADMIN'] ], qr/NET_ADMIN/,
      'CapAdd a default one and NET_ADMIN' ],
    [ [ Capabilities => ['CAP_SYS_ADMIN'] ], qr/Capabilities/,
      'Capabilities (API 1.40)' ],
    [ [ Devices => [$dev] ], qr/Devices/, 'Devices' ],
    [ [ DeviceRequests => [{ Count => -1, Capabilities => [['gpu']] }] ],
      qr/DeviceRequests/, 'DeviceRequests' ],
    [ [ DeviceCgroupRules => ['c *:* rwm'] ], qr/DeviceCgroupRules/,
      'DeviceCgroupRules' ],
    (map {
        my $f = $_;
        ([ [ $f => 'host' ], qr/$f host/, "$f host" ],
         [ [ $f => 'container:x' ], qr/$f container:x/, "$f container:x" ])
    } qw(PidMode IpcMode NetworkMode UTSMode UsernsMode CgroupnsMode)),
    [ [ NetworkMode => 'HOST' ], qr/NetworkMode HOST/, 'NetworkMode HOST' ],
    [ [ SecurityOpt => ['seccomp=unconfined'] ], qr/seccomp=unconfined/,
      'SecurityOpt seccomp=unconfined' ],
    [ [ SecurityOpt => ['seccomp:unconfined'] ], qr/seccomp:unconfined/,
      'SecurityOpt seccomp:unconfined' ],
    [ [ SecurityOpt => ['seccomp={"defaultAction":"SCMP_ACT_ALLOW"}'] ],
      qr/seccomp=/, 'SecurityOpt an inline seccomp profile' ],
    [ [ SecurityOpt => ['apparmor=unconfined'] ], qr/apparmor/,
      'SecurityOpt apparmor=unconfined' ],
    [ [ SecurityOpt => ['apparmor:unconfined'] ], qr/apparmor/,
      'SecurityOpt apparmor:unconfined' ],
    [ [ SecurityOpt => ['label=disable'] ], qr/label=disable/,
      'SecurityOpt label=disable' ],
    [ [ SecurityOpt => ['label:disable'] ], qr/label:disable/,
      'SecurityOpt label:disable' ],
    [ [ SecurityOpt => ['systempaths=unconfined'] ], qr/systempaths/,
      'SecurityOpt systempaths=unconfined' ],
    [ [ SecurityOpt => ['no-new-privileges', 'seccomp=unconfined'] ],
      qr/seccomp/, 'SecurityOpt no-new-privileges then seccomp' ],
    [ [ MaskedPaths => [] ], qr/MaskedPaths/, 'MaskedPaths []' ],
    [ [ MaskedPaths => ['/proc/x'] ], qr/MaskedPaths/, 'MaskedPaths [x]' ],
    [ [ ReadonlyPaths => [] ], qr/ReadonlyPaths/, 'ReadonlyPaths []' ],
    [ [ CgroupParent => '/' ], qr/CgroupParent/, 'CgroupParent' ],
    [ [ Sysctls => { 'kernel.core_pattern' => '|/x' } ], qr/Sysctls/,
      'Sysctls' ],
    [ [ VolumeDriver => 'evil' ], qr/VolumeDriver/, 'VolumeDriver' ],
    [ [ VolumesFrom => ['other'] ], qr/VolumesFrom/, 'VolumesFrom' ],
    [ [ Runtime => 'evil' ], qr/Runtime/, 'Runtime' ],
    [ [ Mounts => [{ Type => 'npipe', Source => '/x', Target => '/x' }] ],
      qr/Mounts type npipe/, 'Mounts type npipe' ],
    [ [ Mounts => [{ Type => 'volume', Source => 'slt-v', Target => '/v',
        VolumeOptions => { DriverConfig => { Name => 'local',
        Options => { type => 'none', o => 'bind', device => '/etc' } } } }] ],
      qr/volume option/, 'Mounts volume with local bind options' ],
    [ [ Mounts => [{ Type => 'volume', Source => 'slt-v', Target => '/v',
        VolumeOptions => { DriverConfig => { Name => 'evil' } } }] ],
      qr/volume driver evil/, 'Mounts volume with another driver' ],
);

for my $c (@host_config) {
    my ($fields, $re, $name) = @$c;
    denied('ci', POST => $create, hc(@$fields), $re, "create: $name");
}

# what a default container has, or takes away, is no privilege
for my $c (
    [ CapAdd => ['CHOWN', 'cap_kill', 'NET_BIND_SERVICE'] ],
    [ CapDrop => ['ALL'] ],
    [ SecurityOpt => ['no-new-privileges'] ],
    [ SecurityOpt => ['no-new-privileges:true'] ],
    [ NetworkMode => 'none' ],
    [ NetworkMode => 'bridge' ],
    [ NetworkMode => 'default' ],
    [ IpcMode => 'private' ],
    [ IpcMode => 'shareable' ],
    [ PidMode => '' ],
    [ Runtime => 'runc' ],
    [ Devices => [] ],
    [ Sysctls => {} ],
    [ Privileged => JSON::PP::false() ],
    [ ReadonlyRootfs => JSON::PP::true(), Tmpfs => { '/run' => '' } ],
    [ Mounts => [{ Type => 'tmpfs', Target => '/t' }] ],
    [ Mounts => [{ Type => 'volume', Source => cleanup_volume(
        unique_name('vol')), Target => '/v' }] ],
) {
    my ($st, $msg, $raw) = allowed('ci', POST => $create, hc(@$c),
        'create: ' . encode_json({ @$c }));
    my $cid = eval { decode_json($raw)->{Id} };
    cleanup_container($cid) if $cid;
}

# --- old clients: HostConfig fields at the top level -----------------------

for my $c (
    [ { Privileged => JSON::PP::true() }, qr/privileged: Privileged/ ],
    [ { CapAdd => ['SYS_ADMIN'] }, qr/CapAdd/ ],
    [ { Binds => ['/:/host'] }, qr/bind: host path \/ / ],
    [ { PidMode => 'host' }, qr/PidMode host/ ],
    [ { Devices => [$dev] }, qr/Devices/ ],
    [ { SecurityOpt => ['seccomp=unconfined'] }, qr/SecurityOpt/ ],
) {
    my ($f) = keys %{ $c->[0] };
    denied('ci', POST => $create,
        encode_json({ Image => $image, %{ $c->[0] } }), $c->[1],
        "create: top-level $f (no HostConfig)");
    denied('ci', POST => "/v1.18$create",
        encode_json({ Image => $image, %{ $c->[0] } }), $c->[1],
        "create /v1.18: top-level $f");
}
# both places: a harmless HostConfig does not hide the top-level field
denied('ci', POST => $create, encode_json({ Image => $image,
    Privileged => JSON::PP::true(), HostConfig => {} }), qr/Privileged/,
    'create: top-level Privileged next to an empty HostConfig');

# --- start with a HostConfig (API < 1.24), update, exec ---------------------

for my $v ('/v1.23', '/v1.20', '') {
    denied('ci', POST => "$v/containers/$id/start",
        encode_json({ Privileged => JSON::PP::true() }), qr/Privileged/,
        "start $v with a HostConfig body: Privileged");
    denied('ci', POST => "$v/containers/$id/start",
        encode_json({ Binds => ['/:/host'] }), qr/bind/,
        "start $v with a HostConfig body: Binds");
}
allowed('ci', POST => "/v1.23/containers/$id/start",
    encode_json({ Memory => 0 }), 'start /v1.23 with a harmless body',
    status => 404);

denied('ci', POST => "/containers/$id/update",
    encode_json({ Devices => [$dev] }), qr/Devices/, 'update: Devices');
denied('ci', POST => "/containers/$id/update",
    encode_json({ DeviceCgroupRules => ['c *:* rwm'] }),
    qr/DeviceCgroupRules/, 'update: DeviceCgroupRules');
denied('ci', POST => "/containers/$id/update",
    encode_json({ CgroupParent => '/' }), qr/CgroupParent/,
    'update: CgroupParent');
allowed('ci', POST => "/containers/$id/update",
    encode_json({ Memory => 100_000_000 }), 'update: Memory',
    status => 404);

denied('ci', POST => "/containers/$id/exec",
    encode_json({ Cmd => ['sh'], Privileged => JSON::PP::true() }),
    qr/Privileged exec/, 'exec create: Privileged');
denied('ci', POST => "/containers/$id/exec",
    '{"Cmd":["sh"],"privileged":true}', qr/Privileged exec/,
    'exec create: privileged (lowercase)');
denied('ci', POST => "/containers/$id/exec",
    '{"Cmd":["sh"],"Privileged":"yes"}', qr/Privileged exec/,
    'exec create: Privileged "yes"');
allowed('ci', POST => "/containers/$id/exec",
    encode_json({ Cmd => ['sh'], Privileged => JSON::PP::false(),
        User => 'root' }), 'exec create: not privileged', status => 404);

# --- services (a policy with @swarm and privileged off) --------------------

my $svc = sub {
    my (%cs) = @_;
    my $net = delete $cs{_networks};
    my $top = delete $cs{_top};
    return encode_json({ Name => 'slt-svc', %{ $top || {} },
        TaskTemplate => { ContainerSpec => { Image => $image, %cs },
            ($net ? (Networks => $net) : ()) } });
};
denied('swarmer', POST => '/services/create',
    $svc->(Mounts => [{ Type => 'bind', Source => '/', Target => '/h' }]),
    qr/bind: host path \/ /, 'service create: bind mount of /');
denied('swarmer', POST => '/services/create',
    $svc->(Mounts => [{ Type => 'volume', Source => 'v', Target => '/v',
        VolumeOptions => { DriverConfig => { Name => 'local',
        Options => { o => 'bind', device => '/', type => 'none' } } } }]),
    qr/volume option/, 'service create: volume with bind options');
denied('swarmer', POST => '/services/create',
    $svc->(CapabilityAdd => ['CAP_SYS_ADMIN']), qr/ContainerSpec.CapabilityAdd CAP_SYS_ADMIN/,
    'service create: CapabilityAdd');
denied('swarmer', POST => '/services/create',
    $svc->(Sysctls => { 'kernel.x' => '1' }), qr/Sysctls/,
    'service create: Sysctls');
denied('swarmer', POST => '/services/create',
    $svc->(Privileges => { SELinuxContext => { Disable => JSON::PP::true() } }),
    qr/SELinux/, 'service create: SELinuxContext.Disable');
denied('swarmer', POST => '/services/x/update?version=1',
    $svc->(CapabilityAdd => ['ALL']), qr/ContainerSpec.CapabilityAdd ALL/,
    'service update: CapabilityAdd');
denied('swarmer', POST => '/services/create',
    encode_json({ Name => 'p', TaskTemplate => { Runtime => 'plugin',
        PluginSpec => { Name => 'evil', Remote => 'evil/plugin' } } }),
    qr/PluginSpec/, 'service create: a plugin task');
# the host network namespace, as NetworkMode host is for containers
denied('swarmer', POST => '/services/create',
    $svc->(_networks => [{ Target => 'host' }]), qr/host/,
    'service create: TaskTemplate.Networks host');
denied('swarmer', POST => '/services/create',
    $svc->(_top => { Networks => [{ Target => 'host' }] }), qr/host/,
    'service create: Networks host (deprecated top-level field)');
allowed('swarmer', POST => '/services/create', $svc->(),
    'service create: a plain service (no swarm: 503)', status => 503);

# --- volumes, networks, plugins --------------------------------------------

denied('ci', POST => '/volumes/create', encode_json({ Name => 'slt-v',
    DriverOpts => { type => 'none', o => 'bind', device => '/etc' } }),
    qr/volume option/, 'volume create: local bind (type, o, device)');
denied('ci', POST => '/volumes/create', encode_json({ Name => 'slt-v',
    DriverOpts => { device => '/dev/sda1' } }),
    qr/volume option device/, 'volume create: device');
denied('ci', POST => '/volumes/create', encode_json({ Name => 'slt-v',
    Driver => 'local', DriverOpts => { o => 'bind' } }),
    qr/volume option o/, 'volume create: o=bind');
denied('ci', POST => '/volumes/create', encode_json({ Name => 'slt-v',
    Driver => 'evil' }), qr/volume driver evil/,
    'volume create: another driver');
{
    my $v = unique_name('vol');
    cleanup_volume($v);
    allowed('ci', POST => '/volumes/create', encode_json({ Name => $v,
        Driver => 'local' }), 'volume create: local, no options',
        status => 201);
}

for my $d ('macvlan', 'ipvlan', 'host', 'null') {
    denied('ci', POST => '/networks/create', encode_json({ Name => 'slt-n',
        Driver => $d, Options => { parent => 'eth0' } }),
        qr/network driver $d/, "network create: driver $d");
}
denied('ci', POST => '/networks/create', encode_json({ Name => 'slt-n',
    Driver => 'bridge',
    Options => { 'com.docker.network.bridge.name' => 'eth0' } }),
    qr/network option/, 'network create: bridge on the host interface');
denied('ci', POST => '/networks/create', encode_json({ Name => 'slt-n',
    Ingress => JSON::PP::true(), Driver => 'overlay' }),
    qr/ingress/, 'network create: ingress');
{
    my $n = unique_name('net');
    cleanup_network($n);
    allowed('ci', POST => '/networks/create', encode_json({ Name => $n,
        Driver => 'bridge', Internal => JSON::PP::true(),
        Options => { 'com.docker.network.driver.mtu' => '1400' } }),
        'network create: an internal bridge with an mtu', status => 201);
}

# "open" allows every operation, plugins included, with privileged off
denied('open', POST => '/plugins/pull?remote=evil/plugin&name=evil',
    '[]', qr/privileged: PluginPull/, 'plugin install');
denied('open', POST => '/plugins/evil/enable', undef, qr/privileged/,
    'plugin enable');
denied('open', POST => '/plugins/evil/set', '["k=v"]', qr/privileged/,
    'plugin set');
denied('open', POST => '/plugins/create?name=evil', '', qr/privileged/,
    'plugin create');
allowed('open', GET => '/plugins', undef, 'plugin list', status => 200);
denied('ci', POST => '/plugins/pull?remote=evil/plugin', '[]',
    qr/operation: PluginPull is not allowed/, 'ci: @plugins denied');

# --- build and swarm -------------------------------------------------------

for my $q ('networkmode=host', 'networkmode=container:x',
           'networkmode=hos%74', 'cgroupparent=/',
           'rm=1&networkmode=host&t=x') {
    denied('ci', POST => "/build?$q", '', qr/privileged: build/,
        "build ?$q", headers => [ 'Content-Type' => 'application/x-tar' ]);
}
allowed('ci', POST => '/build?networkmode=none', '', 'build ?networkmode=none',
    headers => [ 'Content-Type' => 'application/x-tar' ]);

# parameter names are matched the way dockerd reads them (Go decodes the
# escapes of a name and compares it case-sensitively)
denied('ci', POST => '/build?network%6Dode=host', '',
    qr/privileged: build/, 'build ?network%6Dode=host (escaped name)',
    headers => [ 'Content-Type' => 'application/x-tar' ]);
denied('ci', POST => '/build?NETWORKMODE=bridge&networkmode=host', '',
    qr/privileged: build/,
    'build ?NETWORKMODE=bridge&networkmode=host (another name first)',
    headers => [ 'Content-Type' => 'application/x-tar' ]);
denied('ci', POST => '/build?cgroup%70arent=/x', '',
    qr/privileged: build/, 'build ?cgroup%70arent=/x (escaped name)',
    headers => [ 'Content-Type' => 'application/x-tar' ]);

# what getting it wrong means: a RUN step in the host's network namespace
{
    my $host_ns = readlink '/proc/self/ns/net';
    my $tag = unique_name('netns');
    cleanup_image($tag);
    my $tar = tar_bytes(Dockerfile => "FROM $image\n"
        . "RUN echo $tag; echo ns=\$(readlink /proc/self/ns/net)\n");
    my ($st, $msg, $raw) = api('ci', POST => "/build?network%6Dode=host&t=$tag"
        . '&rm=1&forcerm=1', $tar,
        headers => [ 'Content-Type' => 'application/x-tar' ]);
    my ($ns) = $raw =~ /ns=(net:\[\d+\])/;
    ok(!$ns || $ns ne $host_ns, 'build ?network%6Dode=host: the RUN step '
        . 'is not in the host network namespace')
        or diag "RUN saw $ns, the host is $host_ns";
}

for my $who ('open', 'swarmer') {
    denied($who, POST => '/swarm/init',
        encode_json({ ListenAddr => '127.0.0.1' }),
        qr/privileged: SwarmInit/, "$who: swarm init");
    denied($who, POST => '/swarm/join',
        encode_json({ RemoteAddrs => ['10.0.0.1:2377'], JoinToken => 'x' }),
        qr/privileged: SwarmJoin/, "$who: swarm join");
}
allowed('swarmer', POST => '/swarm/leave', undef,
    'swarm leave (no swarm: 503)', status => 503);

# --- privileged on ---------------------------------------------------------

{
    my $name = unique_name('priv');
    cleanup_container($name);
    my ($st, $msg) = allowed('admin', POST => "$create?name=$name",
        hc(Privileged => JSON::PP::true(), CapAdd => ['ALL'],
           PidMode => 'host', SecurityOpt => ['seccomp=unconfined']),
        'privileged on: privileged create', status => 201);
    my (undef, $out) = docker_direct('inspect', '--format',
        '{{.HostConfig.Privileged}} {{.HostConfig.PidMode}}', $name);
    is($out, "true host\n", 'privileged on: dockerd got it as sent');
    allowed('admin', POST => '/build?networkmode=host', '',
        'privileged on: build networkmode=host',
        headers => [ 'Content-Type' => 'application/x-tar' ]);
    allowed('admin', POST => "/containers/$id/exec",
        encode_json({ Cmd => ['sh'], Privileged => JSON::PP::true() }),
        'privileged on: privileged exec', status => 404);
}

# nothing denied above reached dockerd
my @leaks = grep { / 40[03] .* d=deny .* ua=(?!-$)/ }
    split /\n/, $ng->access_log;
ok(!@leaks, 'no denied request went to dockerd') or diag join "\n", @leaks;

done_testing();
