#!/usr/bin/perl
# Read-side protection: "redact env secrets;".  Canary secrets in a
# container's -e, in the options of a volume (cifs-style) and of a mount's
# volume, and in an exec's arguments reach no client of the redacting
# policy, and no log, through the docker CLI (both), docker-py and
# dockerode; every other byte of the answer is dockerd's, in the same
# order (compared with dockerd direct, redacted the same way).  A policy
# without redact reads the same answers untouched.  An answer whose
# element is over sockerless_max_json_element is cut, never shortened.
# What breaks with redaction: a Watchtower-style re-create from the
# inspection loses the variables' values.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Sockerless::Test;
use Sockerless::Policy;

module_only();

my $ng = start_nginx(
    http => <<'EOF',
    map $http_x_identity $docker_policy {
        default    watch;
        raw        raw;
        recreate   recreate;
        admin      full;
    }

    sockerless_policy watch { allow @read ExecInspect; redact env secrets; }
    sockerless_policy raw { allow @read; }
    sockerless_policy recreate {
        allow   @read @lifecycle @containers;
        redact  env;
    }
    sockerless_policy full { allow @all; privileged on; }

    server {
        listen 127.0.0.1:%%PORT_small%%;
        location / {
            sockerless_pass dockerd;
            sockerless_enforce $docker_policy;
            sockerless_max_json_element 16k;
        }
    }
EOF
    location => 'sockerless_enforce $docker_policy;',
);

my $image = test_image();
my %canary = map { $_ => "canary-$_-" . unique_name('s') }
    qw(env volume mount exec long);

# what holds the canaries, made directly
my $c = cleanup_container(unique_name('env'));
my ($rc, $out, $err) = docker_direct('run', '-d', '--name', $c,
    '--network', 'none', '-e', "DB_PASSWORD=$canary{env}", '-e', 'EMPTY=',
    '-e', 'NOVALUE', '-l', 'app=web', $image, 'sleep', '300');
is($rc, 0, 'a container with a secret in its environment') or diag $err;

my $vol = cleanup_volume(unique_name('cifs'));
($rc, $out, $err) = docker_direct('volume', 'create', '--driver', 'local',
    '--opt', 'type=cifs', '--opt', 'device=//10.0.0.1/share',
    '--opt', "o=username=u,password=$canary{volume}", $vol);
is($rc, 0, 'a volume with a password in its options') or diag $err;

my $mounted = cleanup_container(unique_name('mount'));
my $mvol = cleanup_volume(unique_name('mvol'));
($rc, $out, $err) = docker_direct('create', '--name', $mounted,
    '--network', 'none', '--mount',
    "type=volume,src=$mvol,dst=/data,volume-driver=local,"
    . "volume-opt=type=cifs,volume-opt=device=//10.0.0.1/share,"
    . "volume-opt=o=password=$canary{mount}",
    $image, 'true');
is($rc, 0, "a container whose mount's volume has a password") or diag $err;

my ($st, $exec) = policy_api('admin', POST => "/containers/$c/exec",
    { Cmd => ['sh', '-c', "echo $canary{exec}"] });
is($st, 201, 'an exec with a secret in its arguments');
$exec = decode_json($exec)->{Id};

# --- dockerd's answer, redacted as the policy says --------------------------

sub direct_raw {
    my ($path) = @_;
    my ($s, undef, $body) = unix_request('GET', $path);
    return $s == 200 ? $body : undef;
}

# the JSON string "K=V" as "K=", for each variable of a decoded list
sub env_redacted {
    my ($raw, @env) = @_;
    for my $e (grep { /=/ } @env) {
        (my $name = $e) =~ s/=.*//s;
        my $from = encode_json([$e]);
        my $to = encode_json(["$name="]);
        s/^\[//, s/\]$// for $from, $to;
        $raw =~ s/\Q$from\E/$to/;
    }
    return $raw;
}

sub blanked {
    my ($raw, @values) = @_;
    for my $v (@values) {
        my $from = encode_json([$v]);
        s/^\[//, s/\]$// for $from;
        $raw =~ s/\Q$from\E/""/g;
    }
    return $raw;
}

my $direct = direct_raw("/containers/$c/json");
my $env = decode_json($direct)->{Config}{Env};
ok((grep { /\Q$canary{env}\E/ } @$env), 'dockerd direct: the secret is there');

my ($s2, $h2, $b2) = (api('GET', "/containers/$c/json", undef,
    identity => 'watch'))[0, 2, 3];
is($s2, 200, 'watch: container inspect');
unlike($b2, qr/\Q$canary{env}\E/, 'watch: the secret is in no byte');
is($b2, env_redacted($direct, @$env),
    'watch: every other byte is dockerd\'s ("NAME=value" as "NAME=")');
my $j = decode_json($b2);
is_deeply($j->{Config}{Env},
    [map { (my $n = $_) =~ s/=.*//s; /=/ ? "$n=" : $n } @$env],
    'watch: Config.Env keeps the names, in order (a name alone as it is)');
my $d = decode_json($direct);
is_deeply([@{$j}{qw(Id Name State NetworkSettings Mounts)},
           $j->{Config}{Labels}],
          [@{$d}{qw(Id Name State NetworkSettings Mounts)},
           $d->{Config}{Labels}],
    'watch: ID, name, state, networks, mounts and labels as dockerd says');
like($h2->{'transfer-encoding'} // $h2->{'connection'} // '',
    qr/chunked|close/, 'watch: the rewritten answer has no stale length');

my ($s3, undef, undef, $b3) = api('GET', "/containers/$c/json", undef,
    identity => 'raw');
is($b3, $direct, 'a policy without redact: dockerd\'s answer untouched');

# volumes: inspect and list
$direct = direct_raw("/volumes/$vol");
my $opts = decode_json($direct)->{Options};
($st, undef, $b2) = policy_api('watch', GET => "/volumes/$vol");
unlike($b2, qr/\Q$canary{volume}\E/, 'watch: volume inspect has no password');
is($b2, blanked($direct, values %$opts),
    'watch: volume inspect: the options\' values blank, keys kept');
($st, undef, $b2) = policy_api('watch', GET => '/volumes');
is($st, 200, 'watch: volume ls');
unlike($b2, qr/\Q$canary{volume}\E/, 'watch: volume ls has no password');
ok((grep { $_->{Name} eq $vol } @{ decode_json($b2)->{Volumes} }),
    'watch: volume ls still lists the volume');
($st, undef, $b2) = policy_api('watch', GET => '/system/df');
is($st, 200, 'watch: system df');
unlike($b2, qr/\Q$canary{volume}\E|\Q$canary{mount}\E/,
    'watch: system df has no volume password');

# a container's mount, the volume made from it
($st, undef, $b2) = policy_api('watch', GET => "/containers/$mounted/json");
unlike($b2, qr/\Q$canary{mount}\E/,
    "watch: a mount's volume options are blank in the inspection");
is(decode_json($b2)->{HostConfig}{Mounts}[0]{Target}, '/data',
    'watch: the mount itself is there');
($st, undef, $b2) = policy_api('watch', GET => "/volumes/$mvol");
unlike($b2, qr/\Q$canary{mount}\E/, "watch: the mount's volume too");

# an exec's arguments
($st, undef, $b2) = policy_api('watch', GET => "/exec/$exec/json");
is($st, 200, 'watch: exec inspect');
unlike($b2, qr/\Q$canary{exec}\E/, 'watch: the exec\'s arguments are blank');
is(decode_json($b2)->{ProcessConfig}{entrypoint}, 'sh',
    'watch: the exec\'s program is there');

# --- real clients ------------------------------------------------------------

for_each_cli(sub {
    ($rc, $out, $err) = docker_as('watch', 'inspect', $c);
    is($rc, 0, 'docker inspect as watch') or diag $err;
    unlike($out, qr/\Q$canary{env}\E/, 'docker inspect: no secret');
    like($out, qr/"DB_PASSWORD="/, 'docker inspect: the variable\'s name');
    ($rc, $out) = docker_as('watch', 'inspect', '--format',
        '{{json .Config.Labels}} {{.State.Status}}', $c);
    is($out, qq({"app":"web"} running\n),
        'docker inspect --format: labels and state unchanged');
    ($rc, $out) = docker_as('watch', 'volume', 'inspect', $vol);
    unlike($out, qr/\Q$canary{volume}\E/, 'docker volume inspect: no password');
    like($out, qr/"type": "cifs"|"type": ""/, 'docker volume inspect: keys kept');
    ($rc, $out) = docker_as('raw', 'inspect', '--format',
        '{{range .Config.Env}}{{.}} {{end}}', $c);
    like($out, qr/DB_PASSWORD=\Q$canary{env}\E/,
        'docker inspect as raw: the value is there');
});

my $python = $ENV{SOCKERLESS_PYTHON} || '/usr/bin/python3';
SKIP: {
    my ($missing) = run_cmd({ timeout => 30 }, $python, '-c', 'import docker');
    skip('docker-py is missing', 3) if $missing;
    my $dir = File::Temp::tempdir('sockerless-py-XXXXXX', TMPDIR => 1,
        CLEANUP => 1);
    open my $fh, '>', "$dir/config.json" or die;
    print $fh encode_json({ HttpHeaders => { 'X-Identity' => 'watch' } });
    close $fh;
    ($rc, $out, $err) = run_cmd({ timeout => 60,
        env => { DOCKER_CONFIG => $dir, DOCKER_HOST => undef } }, $python,
        '-c', <<'EOF', $ng->port, $c, $vol);
import json, sys
import docker
port, name, vol = sys.argv[1:4]
cli = docker.DockerClient(base_url="tcp://127.0.0.1:%s" % port,
                          version="auto", timeout=60)
attrs = cli.containers.get(name).attrs
print(json.dumps({"env": attrs["Config"]["Env"],
                  "labels": attrs["Config"]["Labels"],
                  "status": attrs["State"]["Status"],
                  "volume": cli.volumes.get(vol).attrs["Options"]}))
EOF
    is($rc, 0, 'docker-py as watch: containers.get().attrs') or diag $err;
    unlike($out, qr/canary-/, 'docker-py: no secret');
    my $py = eval { decode_json($out) } || {};
    is_deeply([$py->{labels}, $py->{status},
               [grep { /^DB_PASSWORD/ } @{ $py->{env} || [] }]],
        [{ app => 'web' }, 'running', ['DB_PASSWORD=']],
        'docker-py: labels, state, the variable\'s name');
}

my ($node) = grep { -x } map { "$_/node" } split /:/, $ENV{PATH} // '';
my $js = "$FindBin::Bin/js";
SKIP: {
    skip('node or dockerode is missing', 3)
        unless $node && -d "$js/node_modules/dockerode";
    ($rc, $out, $err) = run_cmd({ timeout => 60,
        env => { NODE_PATH => "$js/node_modules" } }, $node, '-e', <<'EOF',
const Docker = require('dockerode');
const [port, name] = process.argv.slice(1);
const d = new Docker({ host: '127.0.0.1', port: +port,
                       headers: { 'X-Identity': 'watch' } });
d.getContainer(name).inspect().then(
    (a) => console.log(JSON.stringify({ env: a.Config.Env,
                                        labels: a.Config.Labels,
                                        status: a.State.Status })),
    (e) => { console.error(e.message); process.exit(1); });
EOF
        $ng->port, $c);
    is($rc, 0, 'dockerode as watch: inspect()') or diag $err;
    unlike($out, qr/canary-/, 'dockerode: no secret');
    my $n = eval { decode_json($out) } || {};
    is_deeply([$n->{labels}, $n->{status},
               [grep { /^DB_PASSWORD/ } @{ $n->{env} || [] }]],
        [{ app => 'web' }, 'running', ['DB_PASSWORD=']],
        'dockerode: labels, state, the variable\'s name');
}

# --- an element over the limit ---------------------------------------------

my $long = cleanup_container(unique_name('long'));
($rc, $out, $err) = docker_direct('create', '--name', $long,
    '--network', 'none', '-e', 'BIG=' . ('x' x 40000) . $canary{long},
    $image, 'true');
is($rc, 0, 'a container with a 40 kB variable') or diag $err;
my $resp = http_raw($ng->port('small'), Sockerless::Test::api_bytes('GET',
    "/containers/$long/json", undef, identity => 'watch'), timeout => 30);
unlike($resp, qr/\Q$canary{long}\E/, 'over the limit: the secret never goes out');
unlike($resp, qr/\r\n0\r\n\r\n$/,
    'over the limit: the answer is cut (no last chunk), not shortened');
like($ng->error_log, qr/\[error\].*over the limit \(sockerless_max_json_element 16384\): the answer to ContainerInspect is cut/,
    'over the limit: the error log says why');
($st, undef, $b2) = policy_api('watch', GET => "/containers/$c/json",
    undef, port => $ng->port('small'));
is($st, 200, 'under the limit: the same location answers');
unlike($b2, qr/\Q$canary{env}\E/, 'under the limit: redacted');

# --- what breaks: a re-create from the inspection ------------------------

# Watchtower re-creates a container from its inspection: through a
# redacting policy, the copy gets the variables without their values
my $copy = cleanup_container(unique_name('copy'));
my $seen = decode_json((policy_api('recreate', GET => "/containers/$c/json"))[2]);
($st) = policy_api('recreate', POST => "/containers/create?name=$copy",
    { %{ $seen->{Config} }, HostConfig => { NetworkMode => 'none' } });
is($st, 201, 'recreate: a copy made from the redacted inspection');
($rc, $out) = docker_direct('inspect', '--format',
    '{{range .Config.Env}}{{.}} {{end}}', $copy);
like($out, qr/(^| )DB_PASSWORD=( |$)/,
    'recreate: the copy has DB_PASSWORD empty: redaction breaks re-creates');

# --- nothing in the logs --------------------------------------------------

my $logs = join '', map { $ng->read($_) } qw(error.log access.log);
unlike($logs, qr/canary-/, 'no canary in the error or access log');

done_testing();
