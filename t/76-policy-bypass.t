#!/usr/bin/perl
# Access policy: the classes an outside review found open, closed for every
# spelling dockerd accepts.  Start bodies are judged as create bodies (both
# shapes), the host's network by its ID or an ID prefix is refused as
# "host" is, a bind through a symbolic link planted in an allowed
# directory is refused, @read makes dockerd connect nowhere and shows no
# process arguments, and the other settings a "privileged off" identity
# must not make: checkpoints, log drivers that connect, OomScoreAdj < 0,
# runtime and security options compared as dockerd compares them.  Each
# refusal is checked on dockerd too: the victim is unchanged.  Allowed
# traffic keeps working.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use File::Temp qw(tempdir);
use Sockerless::Test;
use Sockerless::Policy;

module_only();

my $top = tempdir('sockerless-bypass-XXXXXX', TMPDIR => 1, CLEANUP => 1);
mkdir "$top/shared" or die;
mkdir "$top/shared/sub" or die;
mkdir "$top/ro" or die;
open my $fh, '>', "$top/marker" or die;
print $fh "host marker\n";
close $fh;

my $ng = start_nginx(
    http => <<"EOF",
    map \$http_x_identity \$docker_policy {
        default    readonly;
        dev        dev;
        other      other;
        admin      full;
    }

    sockerless_policy readonly { allow \@read; }
    sockerless_policy dev {
        allow      \@all;
        deny       \@plugins;
        privileged off;
        bind       $top/shared $top/ro:ro;
    }
    sockerless_policy other { allow \@all; bind $top/shared; }
    sockerless_policy full { allow \@all; privileged on; bind /; }
EOF
    location => 'sockerless_enforce $docker_policy;',
);

my $image = test_image();
my $create = '/containers/create';

sub inspect_direct {
    my ($name) = @_;
    my ($st, $hdr, $body) = unix_request('GET', "/containers/$name/json");
    return $st == 200 ? decode_json($body) : undef;
}

sub make_container {
    my ($name, %hc) = @_;
    my ($st, $msg, $raw) = policy_api('admin', POST => "$create?name=$name",
        encode_json({ Image => $image, Cmd => ['sleep', '300'],
                      HostConfig => { NetworkMode => 'none', %hc } }));
    die "create $name: $st $msg" unless $st == 201;
    cleanup_container($name);
    return decode_json($raw)->{Id};
}

# nginx -t said what two policies sharing a read-write directory risk
ok($ng->read('stderr.log') =~ /\[warn\].*bind "\Q$top\E\/shared" of policy "other" and "\Q$top\E\/shared" of policy "dev" are both read-write/,
    'nginx -t warns: one read-write bind directory shared by two policies');

# --- start bodies (API < 1.24) ----------------------------------------------

my $v = unique_name('slt-start');
make_container($v);

for my $case (
    [ { HostConfig => { Binds => ['/:/host'], CapAdd => ['SYS_ADMIN'],
                        PidMode => 'host' } },
      qr/bind: host path \/ is not allowed/, 'HostConfig wrapper' ],
    [ { hostconfig => { CapAdd => ['SYS_ADMIN'] } },
      qr/HostConfig\.CapAdd SYS_ADMIN/, 'hostconfig, another spelling' ],
) {
    denied('dev', POST => "/v1.23/containers/$v/start",
        encode_json($case->[0]), $case->[1], "v1.23 start, $case->[2]");
}
denied('dev', POST => "/v1.23/containers/$v/start",
    '{"Ho\u017ftConfig":{"Privileged":true}}', qr/HostConfig\.Privileged/,
    'v1.23 start, a key Go folds to HostConfig');
denied('dev', POST => "/v1.23/containers/$v/start",
    encode_json({ PidMode => 'host' }), qr/PidMode host/,
    'v1.23 start, a top-level field');

my $st = inspect_direct($v);
ok($st && !$st->{State}{Running} && !$st->{HostConfig}{CapAdd}
   && ($st->{HostConfig}{PidMode} // '') eq ''
   && !@{ $st->{HostConfig}{Binds} // [] },
   'the refused starts changed nothing on dockerd');

allowed('dev', POST => "/containers/$v/start", undef, 'start without a body',
    status => 204);
ok(inspect_direct($v)->{State}{Running}, 'started');
unlike($ng->error_log, qr/\[(alert|crit)\]/, 'no alert for a start');

# --- the host's network by another name ---------------------------------------

my ($hst, $hhdr, $hbody) = unix_request('GET', '/networks/host');
my $host_id = decode_json($hbody)->{Id};
ok($host_id && length $host_id == 64, "the host network's ID");
my $prefix = substr($host_id, 0, 12);

for my $ref ($host_id, $prefix) {
    my $n = length $ref == 64 ? 'full ID' : 'ID prefix';
    denied('dev', POST => $create, encode_json({ Image => $image,
        HostConfig => { NetworkMode => $ref } }),
        qr/NetworkMode \Q$ref\E is the host's network/,
        "NetworkMode by $n");
    denied('dev', POST => $create, encode_json({ Image => $image,
        NetworkingConfig => { EndpointsConfig => { $ref => {} } } }),
        qr/EndpointsConfig \Q$ref\E is the host's network/,
        "EndpointsConfig key by $n");
    denied('dev', POST => "/networks/$ref/connect",
        encode_json({ Container => $v }), qr/host's network/,
        "network connect by $n");
    denied('dev', POST => "/build?networkmode=$ref", '',
        qr/networkmode \Q$ref\E is the host's network/, "build by $n",
        headers => ['Content-Type' => 'application/x-tar']);
    denied('dev', POST => '/services/create', encode_json({
        TaskTemplate => { ContainerSpec => { Image => $image },
                          Networks => [{ Target => $ref }] } }),
        qr/TaskTemplate\.Networks\.Target \Q$ref\E is the host's network/,
        "service TaskTemplate.Networks by $n");
    denied('dev', POST => '/services/create', encode_json({
        TaskTemplate => { ContainerSpec => { Image => $image } },
        Networks => [{ Target => $ref }] }),
        qr/Networks\.Target \Q$ref\E is the host's network/,
        "service Networks (deprecated) by $n");
}

my $net = unique_name('slt-bypass-net');
my ($nst) = unix_request('POST', '/networks/create',
    body => encode_json({ Name => $net, Internal => JSON::PP::true() }),
    headers => ['Content-Type' => 'application/json']);
cleanup_network($net);
ok($nst == 201, 'a user network');

my ($rc, $out, $err) = docker_as('dev', 'run', '--rm', '--network', $net,
    $image, 'echo', 'on-my-net');
ok($rc == 0 && $out =~ /on-my-net/, 'docker run on a user network')
    or diag($err);
my $net2 = unique_name('slt-bypass-net2');
unix_request('POST', '/networks/create',
    body => encode_json({ Name => $net2, Internal => JSON::PP::true() }),
    headers => ['Content-Type' => 'application/json']);
cleanup_network($net2);
my $c2 = unique_name('slt-on-net');
make_container($c2, NetworkMode => $net);
allowed('dev', POST => "/networks/$net2/connect",
    encode_json({ Container => $c2 }), 'network connect to a user network',
    status => 200);
my ($ust, $umsg, $uraw) = allowed('dev', POST => $create,
    encode_json({ Image => $image,
                  HostConfig => { NetworkMode => 'slt-no-such-net' } }),
    'a network dockerd does not know: dockerd decides');
cleanup_container(eval { decode_json($uraw)->{Id} }) if $ust == 201;

# --- symbolic links planted in an allowed bind directory --------------------

($rc, $out, $err) = docker_as('dev', 'run', '--rm', '-v',
    "$top/shared:/shared", $image, 'ln', '-s', '/', '/shared/x');
ok($rc == 0 && -l "$top/shared/x", 'a container planted shared/x -> /')
    or diag($err);

denied('dev', POST => $create, encode_json({ Image => $image,
    HostConfig => { Binds => ["$top/shared/x/$top/marker:/m:ro"] } }),
    qr/goes through a symbolic link/, 'a bind through the link');
denied('dev', POST => $create, encode_json({ Image => $image,
    HostConfig => { Binds => ["$top/shared/x:/host"] } }),
    qr/goes through a symbolic link/, 'a bind of the link');
denied('dev', POST => $create, encode_json({ Image => $image,
    HostConfig => { Mounts => [{ Type => 'bind', Source => "$top/shared/x",
                                 Target => '/host' }] } }),
    qr/goes through a symbolic link/, 'a Mounts bind of the link');

($rc, $out, $err) = docker_as('dev', 'run', '--rm', '-v',
    "$top/shared/x$top:/m:ro", $image, 'cat', '/m/marker');
ok($rc != 0 && $out !~ /host marker/ && $err =~ /symbolic link/,
    'the CLI cannot read the host marker through the link');

# a link planted with one archive upload: a tar holding a symlink
require Archive::Tar;
my $archive = Archive::Tar->new;
$archive->add_data('y', '', { type => 2, linkname => '/' });    # SYMLINK
my $tar = $archive->write;
my $w = unique_name('slt-writer');
make_container($w, Binds => ["$top/shared:/shared"]);
policy_api('admin', POST => "/containers/$w/start");
allowed('dev', PUT => "/containers/$w/archive?path=/shared", $tar,
    'PUT archive with a symlink', status => 200,
    headers => ['Content-Type' => 'application/x-tar']);
ok(-l "$top/shared/y", 'the archive planted shared/y -> /');
denied('dev', POST => $create, encode_json({ Image => $image,
    HostConfig => { Binds => ["$top/shared/y:/host"] } }),
    qr/goes through a symbolic link/, 'a bind of the archive\'s link');

($rc, $out, $err) = docker_as('dev', 'run', '--rm', '-v',
    "$top/shared/sub:/x", $image, 'true');
ok($rc == 0, 'an allowed -v shared/sub:/x still works') or diag($err);
denied('dev', POST => $create, encode_json({ Image => $image,
    HostConfig => { Binds => ["$top/ro:/ro"] } }), qr/read-only/,
    'a :ro bind directory bound read-write');
($rc, $out, $err) = docker_as('dev', 'run', '--rm', '-v',
    "$top/ro:/ro:ro", $image, 'true');
ok($rc == 0, 'a :ro bind directory bound read-only') or diag($err);

# --- @read: no dial, no process arguments ------------------------------------

denied('readonly', GET => '/distribution/127.0.0.1:1/x/json', undef,
    qr/operation: DistributionInspect is not allowed/,
    '@read: DistributionInspect (dials any host:port)');
denied('readonly', GET => '/images/search?term=127.0.0.1:1/x', undef,
    qr/operation: ImageSearch is not allowed/,
    '@read: ImageSearch (dials any host:port)');
denied('readonly', GET => '/plugins/privileges?remote=127.0.0.1:1/x', undef,
    qr/operation: GetPluginPrivileges is not allowed/,
    '@read: GetPluginPrivileges (dials any host:port)');
my ($est, $emsg, $eraw) = policy_api('admin', POST => "/containers/$v/exec",
    encode_json({ Cmd => ['echo', 'secret-arg'] }));
my $exec_id = eval { decode_json($eraw)->{Id} } // 'x';
denied('readonly', GET => "/exec/$exec_id/json", undef,
    qr/operation: ExecInspect is not allowed/,
    '@read: ExecInspect (process arguments)');
allowed('readonly', GET => "/containers/$v/json", undef,
    '@read: ContainerInspect still', status => 200);

# --- other fields privileged off refuses --------------------------------------

for my $case (
    [ { LogConfig => { Type => 'syslog',
                       Config => { 'syslog-address' => 'tcp://127.0.0.1:1' } } },
      qr/HostConfig\.LogConfig driver syslog/, 'LogConfig syslog' ],
    [ { LogConfig => { Type => 'gelf',
                       Config => { 'gelf-address' => 'udp://127.0.0.1:1' } } },
      qr/LogConfig driver gelf/, 'LogConfig gelf' ],
    [ { OomScoreAdj => -1000 }, qr/OomScoreAdj -1000/, 'OomScoreAdj -1000' ],
    [ { Runtime => 'RUNC' }, qr/Runtime/, 'Runtime RUNC (not runc)' ],
    [ { SecurityOpt => ['NO-NEW-PRIVILEGES'] }, qr/SecurityOpt/,
      'SecurityOpt NO-NEW-PRIVILEGES' ],
    [ { SecurityOpt => ['disable'] }, qr/SecurityOpt disable/,
      'SecurityOpt disable (labels off)' ],
) {
    denied('dev', POST => $create,
        encode_json({ Image => $image, HostConfig => $case->[0] }),
        $case->[1], $case->[2]);
}

denied('dev', POST => "/containers/$v/checkpoints",
    encode_json({ CheckpointID => 'c1', CheckpointDir => $top }),
    qr/CheckpointDir/, 'checkpoint into a host directory');
denied('dev', DELETE => "/containers/$v/checkpoints/c1?dir=$top", undef,
    qr/checkpoint dir=/, 'checkpoint delete in a host directory');
denied('dev', POST => "/containers/$v/start?checkpoint=c1", undef,
    qr/checkpoint=c1/, 'start from a checkpoint');

my $ok = unique_name('slt-fields-ok');
($rc, $out, $err) = docker_as('dev', 'run', '--rm', '--name', $ok,
    '--log-driver', 'json-file', '--log-opt', 'max-size=1m',
    '--oom-score-adj', '100', '--security-opt', 'no-new-privileges',
    '--network', 'none', $image, 'echo', 'fields-ok');
ok($rc == 0 && $out =~ /fields-ok/,
    'json-file logs, oom-score-adj 100, no-new-privileges: allowed')
    or diag($err);

unlike($ng->error_log, qr/\[(alert|crit|emerg)\]/, 'no alert in the log');

# --- configuration traps that nginx -t names ---------------------------------

my $any = start_nginx(current => 0,
    http => 'sockerless_policy full { allow @all; privileged on; }',
    location => "satisfy any;\nallow 127.0.0.1;\n"
              . "auth_basic docker;\nauth_basic_user_file /dev/null;\n"
              . 'sockerless_enforce full;');
ok($any->read('stderr.log') =~ /\[warn\].*"satisfy any" in a location that enforces a policy/,
    'nginx -t warns: satisfy any in a location that enforces a policy');

done_testing();
