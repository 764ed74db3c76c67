#!/usr/bin/perl
# Access policy with the real docker CLI, each identity sent as an
# "X-Identity" header from its own config.json ("HttpHeaders"): allowed
# traffic still works (ci: run, exec -i, build, pull, cp, logs, a bind in
# the list; readonly: ps, images, inspect, events, system df), denied
# traffic fails with the policy's reason and never reaches dockerd, and
# the decisions are in the access log.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Sockerless::Test;
use Sockerless::Policy;
use File::Temp qw(tempdir);
use Time::HiRes qw(time sleep);

module_only();

my $d = policy_dirs();
# the identities of the CLI: ci may run and build within its bind and
# image lists, readonly may look
my $ng = start_nginx(log_format => $POLICY_LOG,
    location => 'sockerless_enforce $docker_policy;',
    vars => { BUILDS => $d->{builds}, CACHE => $d->{cache} },
    http => <<'EOF');
    map $http_x_identity $docker_policy {
        default     readonly;
        ci          ci;
        empty       "";
        bogus       nosuch;
    }

    sockerless_policy readonly { allow @read; }

    sockerless_policy ci {
        allow      @all;
        deny       @swarm;
        privileged off;
        image      docker.io/library/* %%REGISTRY%%/*;
        bind       %%BUILDS%% %%CACHE%%:ro;
    }
EOF
my $image = test_image();
my $t0 = time;
my ($rc, $out, $err);

# --- ci ---------------------------------------------------------------------

($rc, $out, $err) = docker_as('ci', 'run', '--rm', '--network', 'none',
    $image, 'echo', 'hello');
is($rc, 0, 'ci: docker run --rm') or diag $err;
is($out, "hello\n", 'ci: docker run output');

my $box = unique_name('box');
cleanup_container($box);
($rc, $out, $err) = docker_as('ci', 'run', '-d', '--name', $box,
    '--network', 'none', '-v', "$d->{builds}:/b", $image, 'sh', '-c',
    'echo started; sleep 300');
is($rc, 0, 'ci: docker run -d with a bind in the list') or diag $err;

($rc, $out, $err) = docker_as('ci', { stdin => "line one\nline two\n" },
    'exec', '-i', $box, 'sh', '-c', 'cat; echo done');
is($rc, 0, 'ci: docker exec -i') or diag $err;
is($out, "line one\nline two\ndone\n", 'ci: exec -i: stdin through, output back');
($rc) = docker_as('ci', 'exec', $box, 'sh', '-c', 'exit 3');
is($rc, 3, 'ci: docker exec: the exit code');

($rc, $out) = docker_as('ci', 'logs', $box);
is($out, "started\n", 'ci: docker logs');

{
    my $dir = tempdir('sockerless-cp-XXXXXX', TMPDIR => 1, CLEANUP => 1);
    open my $fh, '>', "$dir/in.txt" or die;
    print $fh "copied in\n";
    close $fh;
    ($rc, $out, $err) = docker_as('ci', 'cp', "$dir/in.txt", "$box:/tmp/");
    is($rc, 0, 'ci: docker cp into the container') or diag $err;
    ($rc, $out, $err) = docker_as('ci', 'cp', "$box:/tmp/in.txt",
        "$dir/out.txt");
    is($rc, 0, 'ci: docker cp out of the container') or diag $err;
    ok(-f "$dir/out.txt" && do { local (@ARGV, $/) = "$dir/out.txt"; <> }
        eq "copied in\n", 'ci: docker cp: same content');
}

($rc, $out, $err) = docker_as('ci', 'exec', $box, 'sh', '-c',
    'echo from-exec > /b/cli.txt');
ok($rc == 0 && -f "$d->{builds}/cli.txt", 'ci: the bind reaches the host dir')
    or diag $err;

{
    my $ctx = tempdir('sockerless-ctx-XXXXXX', TMPDIR => 1, CLEANUP => 1);
    my $tag = unique_name('built');
    cleanup_image($tag);
    open my $fh, '>', "$ctx/Dockerfile" or die;
    print $fh "FROM $image\nRUN echo $tag > /built\nCMD [\"cat\", \"/built\"]\n";
    close $fh;
    ($rc, $out, $err) = docker_as('ci', { env => { DOCKER_BUILDKIT => '0' } },
        'build', '-t', $tag, $ctx);
    is($rc, 0, 'ci: docker build (classic builder)') or diag "$out\n$err";
    ($rc, $out, $err) = docker_as('ci', 'run', '--rm', '--network', 'none',
        $tag);
    is($out, "$tag\n", 'ci: run the built image (allowed: docker.io/library/...)')
        or diag $err;
}

($rc, $out, $err) = docker_as('ci', 'pull', 'busybox');
is($rc, 0, 'ci: docker pull busybox (allowed)') or diag $err;
($rc, $out, $err) = docker_as('ci', 'pull', registry() . '/sockerless/test:1');
is($rc, 0, 'ci: docker pull from the allowed registry') or diag $err;
cleanup_image(registry() . '/sockerless/test:1');

# denied for ci
my $bad = unique_name('bad');
cleanup_container($bad);
for my $t (
    [ [ '--privileged' ], qr/Privileged/ ],
    [ [ '--cap-add', 'SYS_ADMIN' ], qr/CapAdd (CAP_)?SYS_ADMIN/ ],
    [ [ '--pid', 'host' ], qr/PidMode host/ ],
    [ [ '--network', 'host' ], qr/NetworkMode host/ ],
    [ [ '--security-opt', 'seccomp=unconfined' ], qr/SecurityOpt/ ],
    [ [ '--security-opt', 'systempaths=unconfined' ],
      qr/MaskedPaths|SecurityOpt/ ],
    [ [ '--device', '/dev/null' ], qr/Devices/ ],
    [ [ '-v', '/:/host' ], qr/bind: host path \/ / ],
    [ [ '-v', "$d->{cache}:/c" ], qr/read-only/ ],
    [ [ '--mount', "type=bind,src=$d->{other},dst=/o" ], qr/host path/ ],
    [ [ '--sysctl', 'net.ipv4.ip_forward=1' ], qr/Sysctls/ ],
) {
    my ($args, $re) = @$t;
    ($rc, $out, $err) = docker_as('ci', 'run', '--rm', '--name', $bad,
        (grep({ $_ eq '--network' } @$args) ? () : ('--network', 'none')),
        @$args, $image, 'true');
    ok($rc != 0 && $err =~ /ContainerCreate denied by policy "ci": /
        && $err =~ $re, "ci: docker run @$args: denied") or diag $err;
}
($rc, $out, $err) = docker_as('ci', 'exec', '--privileged', $box, 'true');
ok($rc != 0 && $err =~ /ContainerExec denied by policy "ci": privileged/,
    'ci: docker exec --privileged: denied') or diag $err;
($rc, $out, $err) = docker_as('ci', 'service', 'ls');
ok($rc != 0 && $err =~ /ServiceList denied by policy/,
    'ci: docker service ls: denied (@swarm)') or diag $err;

# --- readonly ---------------------------------------------------------------

($rc, $out, $err) = docker_as('readonly', 'ps', '-a', '--filter',
    "name=$box", '--format', '{{.Names}}');
is($out, "$box\n", 'readonly: docker ps') or diag $err;
($rc, $out, $err) = docker_as('readonly', 'images', '--format',
    '{{.Repository}}:{{.Tag}}', $image);
is($out, "$image\n", 'readonly: docker images') or diag $err;
($rc, $out, $err) = docker_as('readonly', 'inspect', '--format',
    '{{.Name}}', $box);
is($out, "/$box\n", 'readonly: docker inspect') or diag $err;
($rc, $out, $err) = docker_as('readonly', 'events', '--since',
    sprintf('%.3f', $t0 - 1), '--until', sprintf('%.3f', time + 0.5),
    '--filter', "container=$box", '--format', '{{.Action}}');
like($out, qr/^create$/m, 'readonly: docker events --since --until')
    or diag $err;
($rc, $out, $err) = docker_as('readonly', 'system', 'df');
ok($rc == 0 && $out =~ /^Images /m, 'readonly: docker system df') or diag $err;
($rc, $out, $err) = docker_as('readonly', 'version', '--format',
    '{{.Server.APIVersion}}');
ok($rc == 0 && $out =~ /^1\.\d+$/, 'readonly: docker version') or diag $err;

my $ro = unique_name('ro');
cleanup_container($ro);
# dockerd_events() looks 1 s back: keep the earlier runs' events out
sleep 1.5;
my $t1 = time;
for my $t (
    [ [ 'run', '--name', $ro, $image, 'true' ], 'ContainerCreate' ],
    [ [ 'create', '--name', $ro, $image ], 'ContainerCreate' ],
    [ [ 'logs', $box ], 'ContainerLogs' ],
    [ [ 'exec', $box, 'true' ], 'ContainerExec' ],
    [ [ 'cp', "$box:/etc/passwd", '-' ], 'ContainerArchive' ],
    [ [ 'export', $box ], 'ContainerExport' ],
    [ [ 'diff', $box ], 'ContainerChanges' ],
    [ [ 'top', $box ], 'ContainerTop' ],
    [ [ 'stats', '--no-stream', $box ], 'ContainerStats' ],
    [ [ 'save', $image ], 'ImageGet(All)?' ],
    [ [ 'stop', $box ], 'ContainerStop' ],
    [ [ 'rm', '-f', $box ], 'ContainerDelete' ],
    [ [ 'volume', 'create', $ro ], 'VolumeCreate' ],
    [ [ 'network', 'create', $ro ], 'NetworkCreate' ],
    [ [ 'pull', 'busybox' ], 'ImageCreate' ],
) {
    my ($args, $op) = @$t;
    ($rc, $out, $err) = docker_as('readonly', @$args);
    ok($rc != 0 && $err =~ /$op denied by policy "readonly": operation: /,
        "readonly: docker @$args[0, 1]: denied") or diag "$out\n$err";
}

# never reached dockerd: no such objects, no such events
($rc) = docker_direct('inspect', $ro);
isnt($rc, 0, 'readonly: the denied container does not exist');
($rc) = docker_direct('volume', 'inspect', $ro);
isnt($rc, 0, 'readonly: the denied volume does not exist');
($rc, $out) = docker_direct('inspect', '--format', '{{.State.Running}}', $box);
is($out, "true\n", 'readonly: the container it tried to stop still runs');
my $ev = dockerd_events($t1);
ok($ev && !grep({ /\Q$ro\E| (stop|kill|die|destroy|exec_create\S*) / } @$ev),
    'dockerd events: nothing of the denied requests')
    or diag join "\n", @{ $ev || [] };
($rc) = docker_direct('inspect', $bad);
isnt($rc, 0, 'ci: no container of the denied runs exists');

# --- identities without a policy ------------------------------------------

($rc, $out, $err) = docker_as('empty', 'ps');
ok($rc != 0 && $err =~ /no-policy/, 'an empty policy: docker ps denied')
    or diag $err;
($rc, $out, $err) = docker_as('bogus', 'version');
ok($rc != 0 && $err =~ /no-policy/, 'an unknown policy: docker version denied')
    or diag "$out\n$err";

# --- the log ----------------------------------------------------------------

my @l = log_lines($ng, qr/^id=readonly "POST \/v[\d.]+\/containers\/create/);
like($l[0] // '', qr/ 403 op=ContainerCreate p=readonly d=deny r="operation: ContainerCreate is not allowed" ua=-$/,
    'access log: the denied create, with its reason, no upstream');
@l = log_lines($ng, qr/^id=ci "POST \/v[\d.]+\/containers\/create/);
like($l[0] // '', qr/ 201 op=ContainerCreate p=ci d=allow r="" ua=unix:/,
    'access log: an allowed create went to dockerd');
@l = log_lines($ng, qr/^id=ci "POST .*\/exec\/[0-9a-f]+\/start/);
like($l[0] // '', qr/ 101 op=ExecStart p=ci d=allow /,
    'access log: the exec start (hijacked)');
@l = log_lines($ng, qr/^id=ci .* d=deny r="privileged: HostConfig.Privileged"/);
is(scalar @l, 1, 'access log: the --privileged run');

done_testing();
