#!/usr/bin/perl
# Container lifecycle with the docker CLI through the module:
# create, start, stop -t, kill -s, restart, pause, unpause, rename,
# wait, rm -f -v, ps -a, inspect, container prune.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Sockerless::Test;

start_nginx();
my $image = test_image();
my $label = unique_name('label');

sub state_of {
    my ($name) = @_;
    my (undef, $out) = docker_direct('inspect', '--format',
        '{{.State.Status}} {{.State.ExitCode}} {{.State.Paused}}', $name);
    chomp $out;
    return $out;
}

# create
my $name = unique_name('life');
cleanup_container($name);
my ($rc, $out, $err) = docker('create', '--name', $name, '--label', "slt=$label",
    '-e', 'FOO=bar', '-w', '/tmp', '--hostname', 'slthost',
    '--stop-signal', 'SIGTERM', '--network', 'none',
    $image, 'sh', '-c', 'trap "echo got-usr1" USR1; trap "exit 7" TERM; '
        . 'echo started; while :; do sleep 0.1; done');
is($rc, 0, 'create: exit 0') or diag $err;
like($out, qr/^[0-9a-f]{64}$/, 'create: prints the id');
my $id = (split /\n/, $out)[0] // '';
is(state_of($name), 'created 0 false', 'create: state created');

($rc, $out) = docker('inspect', '--format',
    '{{.Config.Hostname}} {{.Config.WorkingDir}} {{index .Config.Labels "slt"}}', $name);
is($out, "slthost /tmp $label\n", 'create: config as asked');

# inspect: same JSON as dockerd direct
($rc, $out) = docker('inspect', $name);
my (undef, $dout) = docker_direct('inspect', $name);
is_deeply(decode_json($out), decode_json($dout), 'inspect: same as direct');

# ps -a
($rc, $out) = docker('ps', '-a', '--filter', "label=slt=$label",
    '--format', '{{.Names}} {{.State}}');
is($out, "$name created\n", 'ps -a: the created container');
($rc, $out) = docker('ps', '--filter', "label=slt=$label", '--format', '{{.Names}}');
is($out, '', 'ps (running only): not listed');

# start
($rc, $out, $err) = docker('start', $name);
is($rc, 0, 'start: exit 0') or diag $err;
is($out, "$name\n", 'start: prints the name');
like(state_of($name), qr/^running /, 'start: running');
ok(wait_until(sub { (docker('logs', $name))[1] =~ /started/ }, 5),
    'start: the command runs');

# kill -s USR1: delivered, the container keeps running
($rc, $out, $err) = docker('kill', '-s', 'USR1', $name);
is($rc, 0, 'kill -s USR1: exit 0') or diag $err;
ok(wait_until(sub { (docker('logs', $name))[1] =~ /got-usr1/ }, 5),
    'kill -s USR1: the signal arrived');
like(state_of($name), qr/^running /, 'kill -s USR1: still running');

# pause / unpause
($rc, $out, $err) = docker('pause', $name);
is($rc, 0, 'pause: exit 0') or diag $err;
is(state_of($name), 'paused 0 true', 'pause: paused');
($rc, $out) = docker('ps', '--filter', "label=slt=$label", '--format', '{{.Status}}');
like($out, qr/\(Paused\)/, 'ps shows (Paused)');
($rc, $out, $err) = docker('unpause', $name);
is($rc, 0, 'unpause: exit 0') or diag $err;
is(state_of($name), 'running 0 false', 'unpause: running');

# stop -t: TERM handled (exit 7)
($rc, $out, $err) = docker('stop', '-t', '5', $name);
is($rc, 0, 'stop -t 5: exit 0') or diag $err;
is(state_of($name), 'exited 7 false', 'stop: exited with the TERM trap code');

# restart -t
($rc, $out, $err) = docker('restart', '-t', '1', $name);
is($rc, 0, 'restart -t 1: exit 0') or diag $err;
like(state_of($name), qr/^running /, 'restart: running again');
($rc, $out) = docker('inspect', '--format', '{{.RestartCount}} {{.State.StartedAt}}', $name);
ok($rc == 0 && $out =~ /^\d+ \d{4}-/, 'restart: inspect after restart');

# rename
my $new = unique_name('renamed');
cleanup_container($new);
($rc, $out, $err) = docker('rename', $name, $new);
is($rc, 0, 'rename: exit 0') or diag $err;
($rc, $out) = docker_direct('inspect', '--format', '{{.Name}}', $id);
is($out, "/$new\n", 'rename: new name');
$name = $new;

# kill (SIGKILL) and wait
my $w = docker_spawn('wait', $name);
sleep 0.5;
($rc, $out, $err) = docker('kill', $name);
is($rc, 0, 'kill: exit 0') or diag $err;
is($w->wait(15), 0, 'wait: returns when the container ends');
is($w->output, "137\n", 'wait: prints the exit code 137');
is(state_of($name), 'exited 137 false', 'kill: exited 137');

($rc, $out) = docker('wait', $name);
is($out, "137\n", 'wait on an exited container: 137');

# the wait conditions of the API
{
    my $port = current_nginx()->port;
    my ($st, undef, $body) = http_request($port, 'POST',
        "/v1.41/containers/$name/wait?condition=not-running");
    is($st, 200, 'POST wait?condition=not-running: 200');
    is(eval { decode_json($body)->{StatusCode} }, 137,
        'POST wait?condition=not-running: StatusCode 137');
    my $n = unique_name('nextexit');
    cleanup_container($n);
    docker('create', '--name', $n, '--network', 'none', $image, 'sh', '-c', 'exit 3');
    my $resp = '';
    my $pid = open(my $fh, '-|') // die "fork: $!";
    if (!$pid) {
        print http_raw($port, "POST /v1.41/containers/$n/wait?condition=next-exit "
            . "HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", timeout => 15);
        exit 0;
    }
    sleep 0.5;
    docker('start', $n);
    { local $/; $resp = <$fh> // ''; }
    close $fh;
    my (undef, undef, $b) = parse_response($resp);
    is(eval { decode_json($b)->{StatusCode} }, 3,
        'POST wait?condition=next-exit: answered when the container exits (3)');
}

# wait --condition (via the API), exit code of a finishing container
{
    my ($code, $log) = run_detached($image, 'sh', '-c', 'echo bye; exit 42');
    is($code, 42, 'run -d + wait: exit code 42');
    is($log, "bye\n", 'run -d + logs: output');
}

# rm -f -v of a running container with an anonymous volume
my $vname = unique_name('rmv');
cleanup_container($vname);
($rc, $out, $err) = docker('run', '-d', '--name', $vname, '-v', '/data',
    '--network', 'none', $image, 'sleep', '300');
is($rc, 0, 'run -d with an anonymous volume') or diag $err;
($rc, $out) = docker_direct('inspect', '--format',
    '{{range .Mounts}}{{.Name}}{{end}}', $vname);
chomp(my $vol = $out);
ok(length $vol, 'the anonymous volume exists');
($rc, $out, $err) = docker('rm', $vname);
isnt($rc, 0, 'rm of a running container fails');
like($err, qr/Error response from daemon: .*(running|stop)/i,
    'rm of a running container: daemon error');
($rc, $out, $err) = docker('rm', '-f', '-v', $vname);
is($rc, 0, 'rm -f -v: exit 0') or diag $err;
is($out, "$vname\n", 'rm -f -v: prints the name');
($rc) = docker_direct('inspect', $vname);
isnt($rc, 0, 'rm -f -v: container gone');
($rc) = docker_direct('volume', 'inspect', $vol);
isnt($rc, 0, 'rm -f -v: its volume gone');

# a missing container: dockerd's error through the CLI
($rc, $out, $err) = docker('start', 'slt-no-such-container');
isnt($rc, 0, 'start of a missing container fails');
like($err, qr/No such container: slt-no-such-container/,
    'start of a missing container: daemon message');

# container prune (only ours: label filter)
my $p1 = unique_name('prune');
cleanup_container($p1);
docker('create', '--name', $p1, '--label', "slt.prune=$label", $image, 'true');
($rc, $out, $err) = docker('container', 'prune', '-f', '--filter',
    "label=slt.prune=$label");
is($rc, 0, 'container prune: exit 0') or diag $err;
like($out, qr/Deleted Containers:.*Total reclaimed space/s,
    'container prune: deleted containers and space');
($rc) = docker_direct('inspect', $p1);
isnt($rc, 0, 'container prune: removed');

# docker rm of the remaining one
($rc, $out, $err) = docker('rm', '-f', $name);
is($rc, 0, 'rm -f: exit 0') or diag $err;
($rc, $out) = docker('ps', '-a', '--filter', "label=slt=$label", '--format', '{{.Names}}');
is($out, '', 'ps -a: gone');

done_testing();
