#!/usr/bin/perl
# Hijacked streams with the docker CLI through the module:
# docker exec with and without -i, exit codes, stdout and stderr apart,
# output written after stdin's end (stdin from a pipe and from
# /dev/null), exec -d, docker run attached with and without -i; with
# each docker CLI installed (the newer one and Debian's 20.10).

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Sockerless::Test;
use Sockerless::Hijack;

my $ng = start_nginx();
my $image = test_image();

my $c = exec_target('exec');
my ($rc, $out, $err);

my $n = 0;
for_each_cli(sub {
    $n++;

    # stdin through exec -i
    ($rc, $out, $err) = docker({ stdin => "hello\n" }, 'exec', '-i', $c, 'cat');
    is($rc, 0, 'echo hello | docker exec -i c cat: exit 0') or diag $err;
    is($out, "hello\n", 'echo hello | docker exec -i c cat: prints hello');

    ($rc, $out) = docker({ stdin => "line 1\nline 2\nno newline" }, 'exec', '-i',
        $c, 'sh', '-c', 'wc -l; echo done');
    is($out, "2\ndone\n", 'exec -i: the whole stdin reached the process, then EOF');

    # exit codes
    ($rc, $out, $err) = docker('exec', $c, 'sh', '-c', 'exit 3');
    is($rc, 3, "docker exec c sh -c 'exit 3': exits 3") or diag $err;
    ($rc) = docker({ stdin => "x\n" }, 'exec', '-i', $c, 'sh', '-c',
        'cat >/dev/null; exit 42');
    is($rc, 42, 'exec -i: exit code 42 after stdin');
    ($rc, $out, $err) = docker('exec', $c, 'no-such-command');
    {
        my ($drc) = docker_direct('exec', $c, 'no-such-command');
        is($rc, $drc, "exec of a missing command: exit $drc as direct");
    }
    like($out . $err, qr/executable file not found/,
        'exec of a missing command: the runtime error');

    # output without -i (the CLI half-closes at once)
    ($rc, $out, $err) = docker('exec', $c, 'sh', '-c', 'echo out; echo err >&2');
    is($rc, 0, 'exec without -i: exit 0');
    is($out, "out\n", 'exec without -i: stdout');
    is($err, "err\n", 'exec without -i: stderr apart');

    ($rc, $out) = docker('exec', $c, 'sh', '-c', 'sleep 1; echo late');
    is($out, "late\n", 'exec without -i: output one second after the half-close');

    # output written after stdin's end
    ($rc, $out, $err) = docker({ stdin => "ignored\n" }, 'exec', '-i', $c,
        'sh', '-c', 'cat >/dev/null; sleep 2; echo late');
    is($rc, 0, 'exec -i, late output, stdin from a pipe: exit 0') or diag $err;
    is($out, "late\n", 'exec -i, stdin from a pipe: "late" after stdin EOF');

    ($rc, $out, $err) = docker_sh($ng->docker_host,
        qq{"\$DOCKER" exec -i $c sh -c 'cat >/dev/null; sleep 2; echo late' </dev/null});
    is($rc, 0, 'exec -i, late output, stdin from /dev/null: exit 0') or diag $err;
    is($out, "late\n", 'exec -i, stdin from /dev/null: "late"');

    ($rc, $out) = docker_sh($ng->docker_host,
        qq{printf 'a\\nb\\n' | "\$DOCKER" exec -i $c sh -c 'cat; sleep 1; echo after; exit 4'});
    is($rc, 4, 'printf | exec -i sh: exit 4');
    is($out, "a\nb\nafter\n", 'printf | exec -i sh: echo, then output after EOF');

    # exec -d: no stream, the process runs
    ($rc, $out, $err) = docker('exec', '-d', $c, 'sh', '-c',
        "sleep 0.3; echo detached > /tmp/detached-$n");
    is($rc, 0, 'exec -d: exit 0') or diag $err;
    is($out, '', 'exec -d: prints nothing');
    ok(wait_until(sub { (docker('exec', $c, 'cat', "/tmp/detached-$n"))[1]
        eq "detached\n" }, 10), 'exec -d: the process ran');

    # docker run attached
    ($rc, $out, $err) = docker('run', '--rm', '--network', 'none', $image,
        'sh', '-c', 'echo hi; echo oops >&2; exit 5');
    is($rc, 5, 'docker run --rm: exit code 5');
    is($out, "hi\n", 'docker run --rm: stdout');
    is($err, "oops\n", 'docker run --rm: stderr');

    ($rc, $out, $err) = docker({ stdin => "to run\n" }, 'run', '-i', '--rm',
        '--network', 'none', $image, 'cat');
    is($rc, 0, 'echo | docker run -i --rm cat: exit 0') or diag $err;
    is($out, "to run\n", 'echo | docker run -i --rm cat: output');

    ($rc, $out) = docker_sh($ng->docker_host,
        qq{"\$DOCKER" run -i --rm --network none $image sh -c 'cat >/dev/null; sleep 1; echo late; exit 6' </dev/null});
    is($rc, 6, 'run -i, stdin from /dev/null: exit 6');
    is($out, "late\n", 'run -i, stdin from /dev/null: late output');

    # exec in a stopped container: dockerd's error
    {
        my $s = unique_name('stopped');
        cleanup_container($s);
        docker('create', '--name', $s, '--network', 'none', $image, 'true');
        ($rc, $out, $err) = docker('exec', $s, 'true');
        isnt($rc, 0, 'exec in a created container fails');
        like($err, qr/is not running/, 'exec in a created container: daemon error');
    }
});

done_testing();
