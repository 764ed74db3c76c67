#!/usr/bin/perl
# TTY sessions through the module: docker run -t / exec -t under
# a pseudo-terminal (script(1) from bsdutils), exit codes, the terminal
# size reaching the container (the CLI's resize calls), container and
# exec resize over raw HTTP, and the detach keys (ctrl-p ctrl-q); the
# CLI parts with each docker CLI installed.
#
# The detach test uses a UNIX listener of nginx: the docker CLI misses
# its own detach keys over TCP (Go's TCPConn.ReadFrom wraps the escape
# error, so the CLI waits for the container instead of detaching), with
# or without the module.  Over TCP the keys are checked the way dockerd
# sees them: a raw attach with detachKeys.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Sockerless::Test;
use Sockerless::Hijack;
use File::Temp qw(tempdir);
use Time::HiRes qw(time sleep);

my $script = (grep { -x } '/usr/bin/script', '/bin/script')[0];
plan(skip_all => 'script(1) is missing (bsdutils)') unless $script;

my $sockdir = tempdir('sockerless-tty-XXXXXX', TMPDIR => 1, CLEANUP => 1);
my $ng = start_nginx(server => "listen unix:$sockdir/nginx.sock;");
my $unix_host = $ng->is_reference ? "unix://$ENV{DOCKER_SOCK}"
                                  : "unix://$sockdir/nginx.sock";
my $host = $ng->docker_host;
my $port = $ng->port;
my $image = test_image();

my $c = exec_target('tty');
my ($rc, $out, $err);

# a command under script(1): a pty for the docker CLI, stdin /dev/null
sub in_pty {
    my ($h, $cmd) = @_;
    return docker_sh($h, qq{exec $script -qec '$cmd' /dev/null </dev/null},
        { timeout => 30 });
}

# the docker CLI under a pty, each one installed
for_each_cli(sub {
    # exec -t / run -t: output and exit codes
    ($rc, $out, $err) = in_pty($host,
        qq{"\$DOCKER" exec -t $c sh -c "echo ttyout; exit 5"});
    is($rc, 5, 'docker exec -t: exit 5') or diag $err;
    like($out, qr/^ttyout\r*\n/m, 'docker exec -t: output');

    ($rc, $out, $err) = in_pty($host,
        qq{"\$DOCKER" run -t --rm --network none $image sh -c "tty; echo runtty; exit 4"});
    is($rc, 4, 'docker run -t --rm: exit 4') or diag $err;
    like($out, qr{/dev/pts/\d+\r*\n}, 'docker run -t: the process has a tty');
    like($out, qr/^runtty\r*\n/m, 'docker run -t: output');

    # the terminal's size reaches the container (POST .../resize by the CLI)
    $ng->mark_logs unless $ng->is_reference;
    ($rc, $out, $err) = in_pty($host,
        qq{stty rows 33 cols 99; "\$DOCKER" exec -it $c sh -c "sleep 0.5; stty size; exit 2"});
    is($rc, 2, 'docker exec -it: exit 2') or diag $err;
    like($out, qr/\b33 99\r*\n/, 'docker exec -it: stty size is the terminal size (33 99)');

    ($rc, $out, $err) = in_pty($host,
        qq{stty rows 34 cols 98; "\$DOCKER" run -it --rm --network none $image sh -c "sleep 0.5; stty size; exit 9"});
    is($rc, 9, 'docker run -it --rm: exit 9') or diag $err;
    like($out, qr/\b34 98\r*\n/, 'docker run -it: stty size is the terminal size (34 98)');

    SKIP: {
        skip 'reference mode: no access log', 2 if $ng->is_reference;
        my $log = $ng->access_log_since;
        like($log, qr{"POST /v[\d.]+/exec/[0-9a-f]+/resize\?h=33&w=99 HTTP/1\.1" 200 },
            'access log: the CLI\'s exec resize, 200');
        like($log, qr{"POST /v[\d.]+/containers/[0-9a-f]+/resize\?h=34&w=98 HTTP/1\.1" 200 },
            'access log: the CLI\'s container resize, 200');
    }

    # detach keys with the CLI: ctrl-p ctrl-q, the container keeps running
    {
        my $d = unique_name('detach');
        cleanup_container($d);
        my $p = spawn_cmd({ keep_stdin => 1, env => docker_env($unix_host) },
            $script, '-qec',
            qq{"\$DOCKER" run -it --name $d --network none $image sh},
            '/dev/null');
        ok($p->read_until(qr/# /, 15), 'docker run -it: the shell prompt');
        $p->write("echo re''ady\r");
        ok($p->read_until(qr/ready\r*\n/, 10), 'docker run -it: the shell answers');
        my $t0 = time;
        $p->write("\x10\x11");
        is($p->wait(10), 0, 'ctrl-p ctrl-q: the CLI detaches with exit 0');
        cmp_ok(time - $t0, '<', 5, 'ctrl-p ctrl-q: at once');
        ($rc, $out) = docker('inspect', '-f', '{{.State.Running}}', $d);
        is($out, "true\n", 'after the detach the container keeps running');
        ($rc, $out) = docker('exec', $d, 'echo', 'alive');
        is($out, "alive\n", 'the detached container still works');
    }
});

# container resize over raw HTTP: 200, and the process sees the size
{
    my $t = unique_name('resize');
    cleanup_container($t);
    ($rc, $out, $err) = docker('run', '-d', '-t', '--name', $t,
        '--network', 'none', $image, 'sh', '-c',
        'trap "stty size" WINCH; echo ready; while :; do sleep 0.1; done');
    is($rc, 0, 'run -d -t: a container that prints its size on SIGWINCH')
        or diag $err;
    ok(wait_until(sub { (docker('logs', $t))[1] =~ /ready/ }, 10),
        'the tty container runs');
    my ($st, $h, $body) = http_request($port, 'POST',
        "/v1.41/containers/$t/resize?h=21&w=77");
    my ($dst) = unix_request('POST', "/v1.41/containers/$t/resize?h=21&w=77");
    is($st, 200, 'POST /containers/{id}/resize: 200');
    is($st, $dst, 'POST /containers/{id}/resize: same status as direct');
    ok(wait_until(sub { (docker('logs', $t))[1] =~ /\b21 77\r*\n/ }, 10),
        'container resize: the process sees 21 77');

    ($st, $h, $body) = http_request($port, 'POST',
        '/v1.41/containers/slt-no-such-container/resize?h=1&w=1');
    is($st, 404, 'resize of a missing container: 404');
    like(json_message($body) // '',
        qr/No such container/, 'resize of a missing container: JSON message');
}

# exec resize over raw HTTP, on a TTY exec hijacked through the module
{
    my $id = exec_create($c, AttachStdin => 1, Tty => 1,
        Cmd => ['sh', '-c', 'trap "stty size" WINCH; echo ready; '
            . 'while :; do sleep 0.1; done']);
    my $s = hijack_open($port, 'POST', "/v1.41/exec/$id/start",
        body => '{"Detach":false,"Tty":true}');
    is($s && $s->{status}, 101, 'TTY exec start: 101 UPGRADED');
    ok($s && $s->read_until(qr/ready/, 10), 'TTY exec: output arrives (raw, no frames)');
    my ($st) = http_request($port, 'POST',
        "/v1.41/exec/$id/resize?h=23&w=71");
    is($st, 200, 'POST /exec/{id}/resize: 200');
    ok($s && $s->read_until(qr/\b23 71\r*\n/, 10),
        'exec resize: the process sees 23 71');
    $s->put("\x03") if $s;    # ^C: the trap loop ends
    $s->done if $s;
}

# detach keys as dockerd sees them: a raw attach over TCP with detachKeys
{
    my $d = unique_name('rawdetach');
    cleanup_container($d);
    ($rc, $out, $err) = docker('run', '-d', '-i', '-t', '--name', $d,
        '--network', 'none', $image, 'sh');
    is($rc, 0, 'run -dit sh') or diag $err;
    my $s = hijack_open($port, 'POST', "/v1.41/containers/$d/attach?"
        . 'stream=1&stdin=1&stdout=1&stderr=1&detachKeys=ctrl-p,ctrl-q');
    is($s && $s->{status}, 101, 'attach with detachKeys: 101');
    $s->put("echo at''tached\r") if $s;
    ok($s && $s->read_until(qr/attached\r*\n/, 10), 'attach: the shell answers');
    my $t0 = time;
    $s->put("\x10\x11") if $s;
    $s->read_all(10) if $s;
    ok($s && $s->{eof}, 'ctrl-p ctrl-q: dockerd ends the stream, the client sees EOF');
    cmp_ok(time - $t0, '<', 5, 'ctrl-p ctrl-q: the stream ends at once');
    ($rc, $out) = docker('inspect', '-f', '{{.State.Running}}', $d);
    is($out, "true\n", 'after the raw detach the container keeps running');
}

done_testing();
