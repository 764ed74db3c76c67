#!/usr/bin/perl
# [reliability] dockerd dies under load and comes back.
#
# A dockerd of this test's own (own socket, data-root and exec-root, so
# the shared test environment is never disturbed) is killed with SIGKILL
# while clients are in the middle of: a request waiting for its answer
# (docker stop -t 60 of a container that ignores SIGTERM), an upload
# (images/load), streams (docker logs -f, docker wait: dockerd sends
# wait's header at once), a hijacked exec.  Every client ends promptly: a Docker JSON 502 when no
# response had started, a stream closed without its clean end after it
# had; nothing hangs and the nginx worker is the same process after.
# While dockerd is down, requests get 502 at once.  Started again, the
# very next requests succeed, with no nginx reload.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use IO::Select;
use Time::HiRes qw(time sleep);
use Sockerless::Test;
use Sockerless::Hijack;
use Sockerless::Fault;

module_only();

my $own = own_dockerd();
diag(sprintf 'own dockerd in %s, up in %.1f s', $own->dir,
    $own->{start_seconds});
my $image = test_image();
my $ng = start_nginx(upstream_server => 'unix:' . $own->sock);
my $port = $ng->port;
my $master = $ng->master_pid;
my $worker = worker_pid($ng);
ok($worker, "the worker ($worker)");

my ($rc, $out, $err) = $own->docker('run', '-d', '--network', 'none',
    $image, 'sleep', '1000');
chomp(my $sleeper = $out);
is($rc, 0, 'a sleeping container') or diag $err;
($rc, $out, $err) = $own->docker('run', '-d', '--network', 'none', $image,
    'sh', '-c', 'while true; do echo tick; sleep 0.2; done');
chomp(my $ticker = $out);
is($rc, 0, 'a ticking container') or diag $err;

# --- clients in the middle of something ---------------------------------------

sub send_raw {
    my ($req) = @_;
    my $s = raw_connect($port) or die "connect: $!";
    local $SIG{PIPE} = 'IGNORE';
    syswrite($s, $req);
    return $s;
}

# read what a raw socket gets until EOF, the end of a response with a
# Content-Length (a 502 keeps the client connection), or the deadline:
# (bytes, eof)
sub drain {
    my ($s, $deadline, $bufref) = @_;
    my $buf = $bufref ? $$bufref : '';
    my $sel = IO::Select->new($s);
    while (1) {
        if ($buf =~ /^(.*?\r\n\r\n)/s) {
            my $hl = length $1;
            my ($cl) = $1 =~ /^Content-Length: (\d+)/mi;
            return ($buf, 0) if defined $cl && length($buf) >= $hl + $cl;
        }
        my $left = $deadline - time;
        return ($buf, 0) if $left <= 0;
        next unless $sel->can_read($left);
        my $n = sysread($s, $buf, 65536, length $buf);
        return ($buf, 1) unless $n;
    }
}

my $wait = send_raw("POST /v1.41/containers/$sleeper/wait HTTP/1.1\r\n"
    . "Host: x\r\nContent-Length: 0\r\n\r\n");

my $tar = do {
    my ($st, undef, $t) = http_request(0, 'GET', "/images/$image/get",
        sock => $own->sock, timeout => 30);
    $t;
};
cmp_ok(length $tar, '>', 100_000, 'an image tar to upload');
# half of an upload: dockerd reads the body, the client has more to send
my $load = send_raw("POST /v1.41/images/load HTTP/1.1\r\nHost: x\r\n"
    . "Content-Type: application/x-tar\r\n"
    . 'Content-Length: ' . length($tar) . "\r\n\r\n"
    . substr($tar, 0, int(length($tar) / 2)));

my $logs = send_raw("GET /v1.41/containers/$ticker/logs?follow=1&stdout=1"
    . " HTTP/1.1\r\nHost: x\r\n\r\n");
my ($logs_buf) = drain($logs, time + 0);
{
    my $sel = IO::Select->new($logs);
    my $deadline = time + 10;
    while ($logs_buf !~ /tick/ && time < $deadline) {
        $sel->can_read(0.5) or next;
        sysread($logs, $logs_buf, 65536, length $logs_buf) or last;
    }
}
like($logs_buf, qr{^HTTP/1\.1 200 .*tick}s, 'raw logs -f: streaming');
like($logs_buf, qr/transfer-encoding: chunked/i, 'raw logs -f: chunked');

my $cli_wait = docker_spawn('wait', $sleeper);
my $cli_logs = docker_spawn('logs', '-f', $ticker);
ok($cli_logs->read_until(qr/tick/, 15), 'docker logs -f: streaming');
my $cli_exec = docker_spawn('exec', $sleeper, 'sh', '-c',
    'echo started; sleep 1000');
ok($cli_exec->read_until(qr/started/, 15), 'docker exec: running');

my $exec_id = exec_create($sleeper, Cmd => ['sh', '-c',
    'echo started; sleep 1000']);
my $hj = hijack_open($port, 'POST', "/v1.41/exec/$exec_id/start",
    body => '{"Detach":false,"Tty":false}');
is($hj->{status}, 101, 'raw hijacked exec: 101');
ok($hj->read_until(qr/started/, 15), 'raw hijacked exec: running');

# last: requests dockerd holds without answering (sleep ignores SIGTERM
# as PID 1: stop waits its 60 s)
my $stop = send_raw("POST /v1.41/containers/$sleeper/stop?t=60 HTTP/1.1\r\n"
    . "Host: x\r\nContent-Length: 0\r\n\r\n");
my $cli_stop = docker_spawn('stop', '-t', '60', $sleeper);

# the requests are in dockerd now
sleep 1;
$ng->mark_logs;

# --- kill -------------------------------------------------------------------

ok($own->kill, 'dockerd killed (SIGKILL)');
my $t0 = time;
my $deadline = $t0 + 20;

{
    my ($bytes, $eof) = drain($stop, $deadline);
    my ($st, $h, $body) = parse_response($bytes);
    is($st, 502, 'a request waiting for its answer (POST stop): 502');
    my $msg = json_message($body, $h);
    ok(defined $msg, 'a waiting request: Docker JSON {"message"}')
        or diag $bytes;
    like($msg // '', qr/Docker daemon/, 'a waiting request: '
        . ($msg // 'no message'));
}
{
    my ($bytes, $eof) = drain($wait, $deadline);
    ok($eof, 'raw wait (header sent at once): closed');
    like($bytes, qr{^HTTP/1\.1 200 }, 'raw wait: its 200 had started');
    unlike($bytes, qr/\r\n0\r\n\r\n\z/, 'raw wait: no terminating chunk');
}
{
    my $rc = $cli_stop->wait($deadline - time);
    isnt($rc, -1, 'docker stop -t 60: ends');
    isnt($rc, 0, "docker stop -t 60: fails (exit $rc)");
    like($cli_stop->output, qr/Error response from daemon: .*Docker daemon/,
        'docker stop: prints the daemon error') or diag $cli_stop->output;
}
{
    my ($bytes, $eof) = drain($load, $deadline);
    my ($st, $h, $body) = parse_response($bytes);
    is($st, 502, 'an upload in progress (images/load): 502');
    ok(defined json_message($body, $h),
        'an upload in progress: Docker JSON {"message"}') or diag $bytes;
}
{
    my ($bytes, $eof) = drain($logs, $deadline, \$logs_buf);
    ok($eof, sprintf 'raw logs -f: closed %.1f s after the kill', time - $t0);
    unlike($bytes, qr/\r\n0\r\n\r\n\z/,
        'raw logs -f: no terminating chunk (the client sees a cut stream)');
}
{
    my $rc = $cli_wait->wait($deadline - time);
    isnt($rc, -1, 'docker wait: ends');
    isnt($rc, 0, "docker wait: fails (exit $rc): "
        . join(' ', split /\n/, $cli_wait->output));
}
{
    my $rc = $cli_logs->wait($deadline - time);
    isnt($rc, -1, "docker logs -f: ends (exit $rc)");
}
{
    my $rc = $cli_exec->wait($deadline - time);
    isnt($rc, -1, "docker exec: ends (exit $rc)");
}
{
    $hj->read_all($deadline - time);
    ok($hj->{eof}, 'raw hijacked exec: closed');
}
cmp_ok(time - $t0, '<', 15, sprintf 'everything ended in %.1f s',
    time - $t0);

is(worker_pid($ng), $worker, 'the same worker after the kill');
like($ng->error_log_since, qr/upstream prematurely closed|recv\(\) failed/,
    'the error log says dockerd went away');
unlike($ng->error_log, qr/exited on signal|\[alert\]|\[emerg\]/,
    'no worker crash, no alert');

# --- while dockerd is down --------------------------------------------------

{
    my $t = time;
    my ($st, $h, $body) = http_request($port, 'GET', '/v1.41/containers/json');
    is($st, 502, 'dockerd down: 502');
    like(json_message($body, $h) // '', qr/Cannot connect to the Docker daemon/,
        'dockerd down: "Cannot connect to the Docker daemon"');
    cmp_ok(time - $t, '<', 2, 'dockerd down: at once');
    ($rc, $out, $err) = docker('ps');
    like($err, qr/Error response from daemon: Cannot connect/,
        'dockerd down: docker ps says so');
}

# --- dockerd again ----------------------------------------------------------

ok($own->start, sprintf 'dockerd started again (%.1f s)',
    $own->{start_seconds}) or diag $own->{err};
{
    # the very first request after the restart, through cached state
    my ($st, undef, $body) = http_request($port, 'GET', '/_ping');
    is($st, 200, 'the first request after the restart: 200');
    is($body, 'OK', 'the first request after the restart: OK');
}
my $ok = 0;
for (1 .. 20) {
    my ($st) = http_request($port, 'GET', '/v1.41/containers/json?all=1');
    $ok++ if $st == 200;
}
is($ok, 20, '20 requests after the restart: all 200');
($rc, $out, $err) = docker({ timeout => 60 }, 'run', '--rm', '--network',
    'none', $image, 'echo', 'back');
is($out, "back\n", 'docker run after the restart (hijacked attach)')
    or diag $err;
is(worker_pid($ng), $worker, 'the same worker: no reload, no crash');
ok(kill(0, $master), 'the same master');

# --- killed while idle: cached keepalive connections ------------------------

$own->kill;
ok($own->start, 'killed and started again while no request was running');
{
    my ($st) = http_request($port, 'GET', '/v1.41/version');
    is($st, 200, 'the first request after that: 200 (no stale connection)');
    ($st) = http_request($port, 'POST', '/v1.41/containers/prune',
        body => '');
    is($st, 200, 'and a POST: 200');
}
is(worker_pid($ng), $worker, 'still the same worker');
unlike($ng->error_log, qr/exited on signal|\[alert\]/, 'no crash at all');

done_testing();
