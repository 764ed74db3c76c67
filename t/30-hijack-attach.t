#!/usr/bin/perl
# Container attach through the module: docker attach to a
# running container, to one that exits (exit code), docker start -ai,
# the gitlab-runner flow over raw HTTP (attach with stdin before start,
# write a script, half-close, read to EOF, wait), with and without
# Upgrade, and the websocket attach (GET /containers/{id}/attach/ws);
# the docker CLI parts with each docker CLI installed.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Sockerless::Test;
use Sockerless::Hijack;
use Time::HiRes qw(time sleep);

my $ng = start_nginx();
my $port = $ng->port;
my $image = test_image();
my ($rc, $out, $err);

# the docker CLI, each one installed
for_each_cli(sub {
    # docker attach to a running container that prints lines
    {
        my $c = unique_name('lines');
        cleanup_container($c);
        ($rc, $out, $err) = docker('run', '-d', '--name', $c, '--network', 'none',
            $image, 'sh', '-c',
            'i=0; while :; do echo line$i; i=$((i+1)); sleep 0.2; done');
        is($rc, 0, 'run -d: a container printing lines') or diag $err;
        sleep 0.5;
        my $p = docker_spawn('attach', '--no-stdin', $c);
        ok($p->read_until(qr/^line\d+\n(?:.*\n)*line\d+\n(?:.*\n)*line\d+\n/m, 10),
            'docker attach: lines arrive as they are printed');
        my @n = $p->output =~ /^line(\d+)$/mg;
        ok(@n >= 3 && $n[0] > 0, 'docker attach: new lines, not the old ones')
            or diag $p->output;
        is_deeply([@n], [$n[0] .. $n[0] + $#n], 'docker attach: no line lost')
            if @n;
        $p->stop;
        ($rc, $out) = docker('inspect', '-f', '{{.State.Running}}', $c);
        is($out, "true\n", 'the container runs on after the CLI went away');
    }

    # docker attach to a container that exits: output and its exit code
    {
        my $c = unique_name('exits');
        cleanup_container($c);
        ($rc, $out, $err) = docker('run', '-d', '--name', $c, '--network', 'none',
            $image, 'sh', '-c', 'sleep 1.5; echo bye; echo err >&2; exit 6');
        is($rc, 0, 'run -d: a container that exits 6') or diag $err;
        ($rc, $out, $err) = docker('attach', $c);
        is($rc, 6, 'docker attach: exit code of the container (6)');
        is($out, "bye\n", 'docker attach: stdout');
        is($err, "err\n", 'docker attach: stderr');
    }

    # docker start -ai: the CLI attaches with stdin before the start
    {
        my $c = unique_name('startai');
        cleanup_container($c);
        ($rc, $out, $err) = docker('create', '-i', '--name', $c,
            '--network', 'none', $image, 'sh', '-c',
            'read l; echo "got $l"; cat; exit 4');
        is($rc, 0, 'create -i') or diag $err;
        ($rc, $out, $err) = docker({ stdin => "abc\nrest\n" }, 'start', '-ai', $c);
        is($rc, 4, 'docker start -ai: exit 4') or diag $err;
        is($out, "got abc\nrest\n", 'docker start -ai: stdin in, output out');
    }

    # attach to a missing container with the CLI
    ($rc, $out, $err) = docker('attach', 'slt-no-such-container');
    isnt($rc, 0, 'docker attach to a missing container fails');
    like($err, qr/No such container: slt-no-such-container/,
        'docker attach to a missing container: the daemon message');
});

# the gitlab-runner flow with raw HTTP
for my $upgrade (1, 0) {
    my $how = $upgrade ? 'with Upgrade' : 'without Upgrade';
    my $c = unique_name('runner');
    cleanup_container($c);
    my ($st, $j) = api('POST', "/v1.41/containers/create?name=$c", {
        Image => $image, Cmd => ['sh'], Tty => JSON::PP::false(),
        OpenStdin => JSON::PP::true(), StdinOnce => JSON::PP::true(),
        AttachStdin => JSON::PP::true(), AttachStdout => JSON::PP::true(),
        AttachStderr => JSON::PP::true(),
        HostConfig => { NetworkMode => 'none' },
    });
    is($st, 201, "runner ($how): create with OpenStdin/StdinOnce") or diag explain $j;

    my $s = hijack_open($port, 'POST', "/v1.41/containers/$c/attach?"
        . 'stream=1&stdin=1&stdout=1&stderr=1', upgrade => $upgrade);
    is($s && $s->{status}, $upgrade ? 101 : 200,
        "runner ($how): attach before start: " . ($upgrade ? 101 : 200));
    like($s && $s->{headers}{'content-type'} // '',
        qr{^application/vnd\.docker\.(raw|multiplexed)-stream},
        "runner ($how): a Docker stream");
    ok(!($s && $s->{headers}{'transfer-encoding'}),
        "runner ($how): not chunked");

    ($st) = api('POST', "/v1.41/containers/$c/start");
    is($st, 204, "runner ($how): start: 204");

    $s->put("echo one; echo two; echo three >&2; exit 7\n") if $s;
    $s->shutdown_write if $s;
    my $raw = $s ? $s->read_all(30) : '';
    ok($s && $s->{eof}, "runner ($how): the stream ends after the half-close");
    my ($o, $e, $ok) = demux($raw);
    ok($ok, "runner ($how): whole 8-byte frames");
    is($o, "one\ntwo\n", "runner ($how): stdout has one and two");
    is($e, "three\n", "runner ($how): stderr apart");

    ($st, $j) = api('POST', "/v1.41/containers/$c/wait");
    is($st, 200, "runner ($how): wait: 200");
    is(ref $j && $j->{StatusCode}, 7, "runner ($how): wait gives StatusCode 7");
}

# GET /containers/{id}/attach/ws: a websocket through the module
{
    my $c = unique_name('ws');
    cleanup_container($c);
    ($rc, $out, $err) = docker('run', '-d', '-i', '--name', $c,
        '--network', 'none', $image, 'sh');
    is($rc, 0, 'run -di sh: a container for the websocket') or diag $err;
    my $s = hijack_open($port, 'GET', "/v1.41/containers/$c/attach/ws?"
        . 'stream=1&stdin=1&stdout=1&stderr=1', upgrade => 0,
        headers => [Connection => 'Upgrade', Upgrade => 'websocket',
            'Sec-WebSocket-Key' => 'dGhlIHNhbXBsZSBub25jZQ==',
            'Sec-WebSocket-Version' => '13']);
    is($s && $s->{status}, 101, 'attach/ws: 101 Switching Protocols');
    is($s && $s->{headers}{'sec-websocket-accept'},
        's3pPLMBiTxaQ9kYGzzhZRbK+xOo=', 'attach/ws: the accept key of dockerd');
    # one masked text frame
    my $msg = "echo ws-\$((40+2))\n";
    my $mask = 'k3y!';
    my $masked = join '', map {
        chr(ord(substr($msg, $_, 1)) ^ ord(substr($mask, $_ % 4, 1)))
    } 0 .. length($msg) - 1;
    $s->put(chr(0x81) . chr(0x80 | length $msg) . $mask . $masked) if $s;
    ok($s && $s->read_until(qr/ws-42\n/, 10),
        'attach/ws: input reaches the shell, output comes back');
    $s->done if $s;
}

done_testing();
