#!/usr/bin/perl
# [hijack] docker run (attached), exec, attach, start -a: the CLI hijacks
# the connection (POST /containers/{id}/attach, POST /exec/{id}/start with
# "Upgrade: tcp") and relays raw bytes both ways, with half-close; with
# each docker CLI installed (the newer one and Debian's 20.10).
# Every test name of a hijacked stream has "[hijack]" in it.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Digest::SHA qw(sha256_hex);
use Sockerless::Test;

my $ng = start_nginx();
my $image = test_image();
my %T = (timeout => 30);

# the docker CLI, each one installed; $name: a container to exec in
my ($name, $n);
for_each_cli(sub {
    $n++;

    # docker run, attached
    my ($rc, $out, $err) = docker({%T}, 'run', '--rm', '--network',
        'none', $image, 'echo', 'hi');
    is($rc, 0, '[hijack] run --rm echo hi: exit 0') or diag $err;
    is($out, "hi\n", '[hijack] run --rm echo hi: prints hi');

    ($rc, $out, $err) = docker({%T}, 'run', '--rm', '--network', 'none', $image,
        'sh', '-c', 'echo out; echo err >&2; exit 3');
    is($rc, 3, '[hijack] run: the exit code of the command (3)');
    is($out, "out\n", '[hijack] run: stdout');
    is($err, "err\n", '[hijack] run: stderr');

    ($rc, $out, $err) = docker({%T}, 'run', '--rm', '--network', 'none', $image,
        'sh', '-c', 'sleep 1; echo late');
    is($out, "late\n", '[hijack] run: output after the client half-closed');

    ($rc, $out, $err) = docker({%T}, 'run', '--rm', '-t', '--network', 'none',
        $image, 'echo', 'hi');
    is($rc, 0, '[hijack] run -t: exit 0') or diag $err;
    is($out, "hi\r\n", '[hijack] run -t: a TTY stream');

    ($rc, $out, $err) = docker({ %T, stdin => "echo from-stdin\nexit 4\n" },
        'run', '-i', '--rm', '--network', 'none', $image, 'sh');
    is($rc, 4, '[hijack] run -i sh: script from stdin, exit 4');
    is($out, "from-stdin\n", '[hijack] run -i sh: its output');

    my $data = random_bytes(8 * 1024 * 1024, 42);
    ($rc, $out, $err) = docker({ %T, stdin => $data }, 'run', '-i', '--rm',
        '--network', 'none', $image, 'cat');
    is($rc, 0, '[hijack] run -i cat of 8 MiB: exit 0') or diag $err;
    is(length $out, length $data, '[hijack] run -i cat of 8 MiB: length');
    is(sha256_hex($out), sha256_hex($data), '[hijack] run -i cat of 8 MiB: same bytes');

    # exec into a running container
    $name = unique_name('exec');
    cleanup_container($name);
    ($rc, $out, $err) = docker('run', '-d', '--name', $name, '--network', 'none',
        $image, 'sleep', '300');
    is($rc, 0, 'a running container for exec') or diag $err;

    ($rc, $out, $err) = docker({%T}, 'exec', $name, 'echo', 'hi');
    is($rc, 0, '[hijack] exec echo hi: exit 0') or diag $err;
    is($out, "hi\n", '[hijack] exec echo hi: prints hi');

    ($rc, $out, $err) = docker({%T}, 'exec', $name, 'sh', '-c', 'echo o; echo e >&2; exit 3');
    is($rc, 3, '[hijack] exec: exit code 3');
    is("$out|$err", "o\n|e\n", '[hijack] exec: stdout and stderr apart');

    ($rc, $out) = docker({%T}, 'exec', $name, 'sh', '-c', 'sleep 1; echo late');
    is($out, "late\n", '[hijack] exec: output after the client half-closed');

    ($rc, $out) = docker({%T}, 'exec', '-u', 'nobody', '-e', 'FOO=bar', '-w', '/tmp',
        $name, 'sh', '-c', 'echo $(id -u) $FOO $(pwd)');
    is($out, "65534 bar /tmp\n", '[hijack] exec -u -e -w');

    ($rc, $out) = docker({%T}, 'exec', '-t', $name, 'echo', 'tty');
    is($out, "tty\r\n", '[hijack] exec -t: a TTY stream');

    my $small = random_bytes(1024 * 1024, 42);
    ($rc, $out, $err) = docker({ %T, stdin => $small }, 'exec', '-i', $name, 'cat');
    is($rc, 0, '[hijack] exec -i cat of 1 MiB: exit 0') or diag $err;
    is(sha256_hex($out), sha256_hex($small), '[hijack] exec -i cat of 1 MiB: same bytes');

    ($rc, $out, $err) = docker({ %T, stdin => "line1\nline2\n" }, 'exec', '-i',
        $name, 'wc', '-l');
    like($out, qr/^\s*2$/, '[hijack] exec -i wc -l: stdin EOF reaches the process');

    ($rc, $out, $err) = docker({%T}, 'exec', '-d', $name, 'sh', '-c', "echo detached > /tmp/d-$n");
    is($rc, 0, 'exec -d: exit 0 (no hijack)') or diag $err;
    ok(wait_until(sub { (docker_direct('exec', $name, 'cat', "/tmp/d-$n"))[1] eq "detached\n" }, 5),
        'exec -d: the command ran');

    ($rc, $out, $err) = docker({%T}, 'exec', $name, 'no-such-command');
    is($rc, 126, '[hijack] exec of a missing command: exit 126');
    like("$out$err", qr/executable file not found/,
        '[hijack] exec of a missing command: the error');

    # docker attach to a running container (no stdin)
    {
        my $a = unique_name('attach');
        cleanup_container($a);
        docker('run', '-d', '--name', $a, '--network', 'none', $image,
            'sh', '-c', 'sleep 1.5; echo attached-out; echo attached-err >&2; exit 5');
        my ($rc, $out, $err) = docker({%T}, 'attach', '--no-stdin', $a);
        is($rc, 5, '[hijack] attach: exit code of the container');
        is("$out|$err", "attached-out\n|attached-err\n", '[hijack] attach: its output');
    }

    # docker start -a / -ai
    {
        my $s = unique_name('starta');
        cleanup_container($s);
        docker('create', '--name', $s, '--network', 'none', $image,
            'sh', '-c', 'echo started-attached; exit 2');
        my ($rc, $out, $err) = docker({%T}, 'start', '-a', $s);
        is($rc, 2, '[hijack] start -a: exit code');
        is($out, "started-attached\n", '[hijack] start -a: output');

        my $i = unique_name('startai');
        cleanup_container($i);
        docker('create', '-i', '--name', $i, '--network', 'none', $image, 'cat');
        ($rc, $out, $err) = docker({ %T, stdin => "via start -ai\n" }, 'start', '-ai', $i);
        is($rc, 0, '[hijack] start -ai: exit 0') or diag $err;
        is($out, "via start -ai\n", '[hijack] start -ai: stdin echoed');
    }
});

# raw API: exec create, start with and without Upgrade, inspect
sub exec_create {
    my ($port, @cmd) = @_;
    my ($st, undef, $body) = http_request($port, 'POST',
        "/v1.41/containers/$name/exec",
        headers => ['Content-Type' => 'application/json'],
        body => encode_json({ AttachStdout => JSON::PP::true(),
            AttachStderr => JSON::PP::true(), Cmd => \@cmd }));
    return eval { decode_json($body)->{Id} };
}

{
    my $port = $ng->port;
    my $id = exec_create($port, 'sh', '-c', 'echo raw-hi; exit 6');
    ok($id, 'raw: exec create');
    my $resp = http_raw($port,
        "POST /v1.41/exec/$id/start HTTP/1.1\r\nHost: x\r\n"
        . "Content-Type: application/json\r\nConnection: Upgrade\r\n"
        . "Upgrade: tcp\r\nContent-Length: 31\r\n\r\n"
        . '{"Detach":false,"Tty":false}   ', shutdown => 1, timeout => 10);
    like($resp, qr{^HTTP/1\.1 101 }, '[hijack] raw exec start with Upgrade: 101');
    like($resp, qr/\x01\0\0\0\0\0\0\x07raw-hi\n/,
        '[hijack] raw exec start with Upgrade: a framed stdout record');

    my ($st, undef, $body) = http_request($port, 'GET', "/v1.41/exec/$id/json");
    is($st, 200, 'raw: exec inspect: 200');
    is(eval { decode_json($body)->{ExitCode} }, 6, 'raw: exec inspect: ExitCode 6');

    $id = exec_create($port, 'echo', 'no-upgrade');
    $resp = http_raw($port,
        "POST /v1.41/exec/$id/start HTTP/1.1\r\nHost: x\r\n"
        . "Content-Type: application/json\r\nContent-Length: 28\r\n\r\n"
        . '{"Detach":false,"Tty":false}', shutdown => 1, timeout => 10);
    like($resp, qr{^HTTP/1\.1 200 }, '[hijack] raw exec start without Upgrade: 200');
    like($resp, qr{Content-Type: application/vnd\.docker\.raw-stream}i,
        '[hijack] raw exec start without Upgrade: raw-stream');
    like($resp, qr/\x01\0\0\0\0\0\0\x0bno-upgrade\n/,
        '[hijack] raw exec start without Upgrade: the output, not re-chunked');
}

done_testing();
