#!/usr/bin/perl
# [reliability] Faults a real dockerd cannot be made to show, from
# scripted fake daemons on a UNIX socket (and one TCP listener):
#
#   - a kept-alive connection that dockerd closes just as the next
#     request arrives (its idle timeout racing nginx): a GET is retried on
#     a new connection and the client never knows; a POST is not replayed
#     (dockerd may have acted on it): the client gets a Docker JSON 502;
#   - dockerd accepting and never answering: sockerless_read_timeout 2s
#     gives 504 JSON; silent in the middle of a stream: the stream ends;
#   - connecting that never completes (an address whose packets are
#     dropped, in a network namespace of nginx's own):
#     sockerless_connect_timeout 1s gives 504 JSON; a UNIX socket with a
#     full queue refuses at once (Linux: EAGAIN): 502 JSON;
#   - a response cut short: header only in part (502 JSON), a chunked
#     body without its last chunk, a Content-Length body cut early, broken
#     chunk framing: the client sees the stream closed without a clean
#     end, and the error log says why;
#   - not HTTP at all: 502 JSON;
#   - what dockerd receives: no hop-by-hop header of the client's (those
#     named in its "Connection" too), every other header as sent.
# The nginx worker survives all of it.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use IO::Select;
use IO::Socket::INET;
use Socket qw(AF_UNIX SOCK_STREAM SOCK_NONBLOCK pack_sockaddr_un);
use Time::HiRes qw(time sleep);
use File::Temp ();
use POSIX qw(WNOHANG);
use Sockerless::Test;
use Sockerless::Fault;

module_only();

sub reply {
    my ($c, $status, $body, %o) = @_;
    my $conn = $o{close} ? 'close' : 'keep-alive';
    syswrite($c, "HTTP/1.1 $status\r\nContent-Type: application/json\r\n"
        . "Connection: $conn\r\nContent-Length: " . length($body)
        . "\r\n\r\n$body");
}

# one connection of the fake: requests one after the other, by path
sub serve {
    my ($c, $n, $dir) = @_;
    my $buf = '';
    my $served = 0;
    while (my ($head) = read_request($c, \$buf)) {
        my ($m, $t) = $head =~ /^(\S+) (\S+)/;
        if ($t =~ m{/stale/} && $served) {
            # the idle timeout of the kept connection fires right now
            bump($dir, "dropped $m");
            close $c;
            return;
        }
        $served++;
        bump($dir, "served $m $t");
        if ($t =~ m{/stall$}) {
            1 while sysread($c, my $junk, 4096);
            return;
        }
        if ($t =~ m{/stall-stream$}) {
            syswrite($c, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
                . "Content-Type: application/json\r\n\r\n"
                . "d\r\n{\"status\":1}\n\r\n");
            1 while sysread($c, my $junk, 4096);
            return;
        }
        if ($t =~ m{/cut-header$}) {
            syswrite($c, "HTTP/1.1 200 OK\r\nContent-Ty");
            return;
        }
        if ($t =~ m{/cut-chunked$}) {
            syswrite($c, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
                . "Content-Type: application/json\r\n\r\n"
                . "d\r\n{\"status\":1}\n\r\n");
            sleep 0.3;
            syswrite($c, "d\r\n{\"status\":2}\n\r\n");
            return;
        }
        if ($t =~ m{/cut-mid-chunk$}) {
            syswrite($c, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
                . "Content-Type: application/json\r\n\r\n"
                . "100\r\n{\"status\":");
            return;
        }
        if ($t =~ m{/cut-length$}) {
            syswrite($c, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n"
                . "Content-Type: application/x-tar\r\n\r\n" . ('x' x 100));
            return;
        }
        if ($t =~ m{/bad-chunk$}) {
            syswrite($c, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
                . "Content-Type: application/json\r\n\r\n"
                . "d\r\n{\"status\":1}\n\r\nzz\r\nnot a chunk\r\n");
            sleep 1;
            return;
        }
        if ($t =~ m{/echo$}) {
            # the request's header, as the body of the answer
            reply($c, '200 OK', $head);
            next;
        }
        if ($t =~ m{/not-http$}) {
            syswrite($c, "SSH-2.0-OpenSSH_9.2\r\n\r\n");
            sleep 0.5;
            return;
        }
        reply($c, '200 OK', '{"ok":true}');
    }
}

my $fake = fake_daemon(\&serve);
my $ng = start_nginx(upstream_server => 'unix:' . $fake->path,
    server => <<'EOF');
        location /slow/ {
            sockerless_pass dockerd;
            sockerless_read_timeout 2s;
        }
EOF
my $port = $ng->port;
my $worker = worker_pid($ng);

# a raw request: (bytes, eof, seconds); stops at EOF, at the end of a
# response with Content-Length, or after $wait seconds
sub raw { raw_exchange($port, $_[0], complete => 1, wait => $_[1] // 10) }

sub get { "GET $_[0] HTTP/1.1\r\nHost: x\r\n\r\n" }

# --- stale keepalive connections ---------------------------------------------

{
    my ($st) = http_request($port, 'GET', '/v1.41/ka/warm');
    is($st, 200, 'a first request: its connection to the fake is kept');
    my ($st2, $h, $body) = http_request($port, 'GET', '/v1.41/stale/get');
    is($st2, 200, 'GET on a connection that dockerd closes: 200');
    is($body, '{"ok":true}', 'GET: the answer of a new connection');
    is($fake->count('dropped GET'), 1, 'GET: the kept connection was dropped');
    is($fake->count('served GET /v1.41/stale/get'), 1,
        'GET: retried once, on a new connection');
}

for my $case (['with a body', '{"Image":"x"}'], ['without a body', undef]) {
    my ($what, $body) = @$case;
    my ($st) = http_request($port, 'GET', '/v1.41/ka/warm');
    is($st, 200, "POST $what: a kept connection first");
    my $before = $fake->count('dropped POST');
    my $path = '/v1.41/stale/containers/create' . ($body ? '' : '-nobody');
    my ($st2, $h, $b) = http_request($port, 'POST', $path,
        defined $body ? (body => $body,
            headers => ['Content-Type' => 'application/json'])
        : (headers => ['Content-Length' => 0]));
    is($fake->count('dropped POST'), $before + 1,
        "POST $what: sent once on the kept connection, dropped");
    is($fake->count("served POST $path"), 0, "POST $what: not replayed");
    is($st2, 502, "POST $what: 502");
    like(json_message($b, $h) // '', qr/closed the connection/,
        "POST $what: Docker JSON message");
}

# --- what dockerd receives ----------------------------------------------------

{
    my ($bytes) = raw("GET /v1.41/echo HTTP/1.1\r\nHost: x\r\n"
        . "Connection: keep-alive, X-Hop\r\nKeep-Alive: timeout=5\r\n"
        . "Proxy-Connection: keep-alive\r\nProxy-Authorization: Basic eDp5\r\n"
        . "TE: trailers\r\nTrailer: X-T\r\n"
        . "Upgrade: h2c\r\nX-Hop: 1\r\nX-Kept: 2\r\nUser-Agent: u\r\n"
        . "X-Hop-Not: 3\r\nContent-Length: 0\r\n\r\n");
    my ($st, $h, $body) = parse_response($bytes);
    is($st, 200, 'hop-by-hop headers: answered');
    for my $name (qw(Connection Keep-Alive Proxy-Connection
                     Proxy-Authorization TE Trailer Upgrade X-Hop)) {
        unlike($body // '', qr/^\Q$name\E:/mi,
            "hop-by-hop \"$name\" does not reach dockerd");
    }
    like($body // '', qr/^X-Kept: 2\r$/m, 'another header reaches dockerd');
    like($body // '', qr/^X-Hop-Not: 3\r$/m,
        'a name that only starts like one in "Connection" reaches dockerd');
    like($body // '', qr/^User-Agent: u\r$/m, 'User-Agent reaches dockerd');
    like($body // '', qr/^Host: x\r$/m, 'Host reaches dockerd');
}

# --- a silent dockerd ---------------------------------------------------------

{
    my ($bytes, $eof, $secs) = raw(get('/slow/stall'), 10);
    my ($st, $h, $body) = parse_response($bytes);
    is($st, 504, sprintf 'no answer, sockerless_read_timeout 2s: 504 after %.1f s',
        $secs);
    cmp_ok($secs, '>=', 1.9, 'not before the timeout');
    cmp_ok($secs, '<', 5, 'not long after');
    like(json_message($body, $h) // '', qr/timed out waiting for the Docker daemon/,
        'Docker JSON: "timed out waiting for the Docker daemon"');
    like($ng->error_log, qr/upstream timed out/, 'error log: upstream timed out');
}
{
    my ($bytes, $eof, $secs) = raw(get('/slow/stall-stream'), 10);
    like($bytes, qr{^HTTP/1\.1 200 .*\{"status":1\}}s,
        'silent in the middle of a stream: what came first arrived');
    ok($eof, sprintf 'the stream is closed after %.1f s', $secs);
    cmp_ok($secs, '<', 5, 'by the read timeout');
    unlike($bytes, qr/\r\n0\r\n\r\n\z/, 'without a terminating chunk');
}

# --- connect timeout ---------------------------------------------------------

SKIP: {
    # A connect that never completes.  Not from a full accept queue: on
    # Linux a UNIX socket answers EAGAIN at once (below), and a TCP
    # listener sends its SYN-ACK anyway (the client side is connected, the
    # request then waits for an answer).  So: nginx in a network namespace
    # of its own, dockerd "at" an address routed to the loopback interface
    # that is not the namespace's: the SYN is dropped without an answer
    # (no forwarding, no ICMP); the test reaches nginx over a UNIX socket.
    skip 'no unshare or ip (util-linux, iproute2)', 4
        unless -x '/usr/bin/unshare' && (-x '/usr/sbin/ip' || -x '/sbin/ip');
    my $d = File::Temp::tempdir('sockerless-netns-XXXXXX', TMPDIR => 1,
        CLEANUP => 1);
    my $sock = "$d/nginx.sock";
    my $ns = eval { start_conf(<<'EOF', vars => { SOCK => $sock },
%%TEST_GLOBALS%%

http {
    access_log off;
    client_body_temp_path %%DIR%%/body;
    proxy_temp_path %%DIR%%/proxy;
    fastcgi_temp_path %%DIR%%/fastcgi;
    uwsgi_temp_path %%DIR%%/uwsgi;
    scgi_temp_path %%DIR%%/scgi;
    upstream dockerd { server 10.9.9.2:2375; }
    server {
        listen unix:%%SOCK%%;
        location / {
            sockerless_pass dockerd;
            sockerless_connect_timeout 1s;
        }
    }
}
EOF
        listens => [$sock], current => 0, prefix => ['unshare', '-n',
            'sh', '-c', 'ip link set lo up && ip route add 10.9.9.0/24 '
            . 'dev lo && exec "$@"', 'sh']) };
    skip "nginx in a network namespace did not start: $@", 4 unless $ns;
    my $t = time;
    my ($st, $h, $body) = http_request(0, 'GET', '/_ping', sock => $sock,
        timeout => 10);
    my $secs = time - $t;
    is($st, 504, sprintf 'connect never completes, '
        . 'sockerless_connect_timeout 1s: 504 after %.1f s', $secs);
    cmp_ok($secs, '<', 4, 'after about the timeout');
    like(json_message($body, $h) // '',
        qr/timed out connecting to the Docker daemon at 10\.9\.9\.2:2375 \(sockerless_connect_timeout 1000 ms\)/,
        'Docker JSON: "timed out connecting to the Docker daemon"');
    like($ns->error_log, qr/upstream timed out .*while connecting/,
        'error log: upstream timed out while connecting');
    $ns->stop;
}
{
    # a UNIX socket whose queue is full: Linux answers connect() with
    # EAGAIN, nginx takes that as refused (no timeout can apply)
    my $full = fake_daemon(sub {}, accept => 0, listen => 0);
    my @fill;
    for (1 .. 8) {
        socket(my $s, AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0) or die;
        last unless connect($s, pack_sockaddr_un($full->path));
        push @fill, $s;
    }
    ok(scalar @fill, scalar(@fill) . ' connections fill the queue');
    my $ng3 = start_nginx(upstream_server => 'unix:' . $full->path,
        location => 'sockerless_connect_timeout 1s;', current => 0);
    my $t = time;
    my ($st, $h, $body) = http_request($ng3->port, 'GET', '/_ping');
    my $secs = time - $t;
    is($st, 502, sprintf 'UNIX socket with a full queue: 502 after %.1f s',
        $secs);
    like(json_message($body, $h) // '',
        qr/Cannot connect to the Docker daemon at unix:.*: Resource temporarily unavailable/,
        'Docker JSON: "Cannot connect ...: Resource temporarily unavailable"');
    $ng3->stop;
    $full->stop;
}

# --- responses cut short ---------------------------------------------------------

$ng->mark_logs;
{
    my ($bytes, $eof) = raw(get('/v1.41/cut-header'));
    my ($st, $h, $body) = parse_response($bytes);
    is($st, 502, 'header cut: 502');
    like(json_message($body, $h) // '', qr/closed the connection without a valid response/,
        'header cut: Docker JSON');
}
{
    my ($bytes, $eof) = raw(get('/v1.41/cut-chunked'));
    like($bytes, qr{^HTTP/1\.1 200 }, 'chunked body cut: 200 had started');
    like($bytes, qr/\{"status":2\}/, 'chunked body cut: the data sent arrived');
    ok($eof, 'chunked body cut: the client connection is closed');
    unlike($bytes, qr/\r\n0\r\n\r\n\z/,
        'chunked body cut: no terminating chunk (not a clean end)');
}
{
    my ($bytes, $eof) = raw(get('/v1.41/cut-mid-chunk'));
    ok($eof, 'cut in the middle of a chunk: closed');
    unlike($bytes, qr/\r\n0\r\n\r\n\z/, 'cut in the middle of a chunk: no clean end');
}
{
    my ($bytes, $eof) = raw(get('/v1.41/cut-length'));
    my ($head, $body) = split /\r\n\r\n/, $bytes, 2;
    like($head, qr/^Content-Length: 1000/mi,
        'Content-Length body cut: the length was announced');
    ok($eof, 'Content-Length body cut: the connection is closed');
    is(length($body // ''), 100,
        'Content-Length body cut: closed early (100 of 1000 bytes)');
}
like($ng->error_log_since, qr/upstream prematurely closed connection/,
    'error log: "upstream prematurely closed connection"');
{
    $ng->mark_logs;
    my ($bytes, $eof) = raw(get('/v1.41/bad-chunk'));
    ok($eof, 'broken chunk framing: closed');
    unlike($bytes, qr/not a chunk/, 'broken chunk framing: nothing of it passes');
    unlike($bytes, qr/\r\n0\r\n\r\n\z/, 'broken chunk framing: no clean end');
    like($ng->error_log_since, qr/dockerd sent invalid chunked response/,
        'error log: "dockerd sent invalid chunked response"');
}
{
    $ng->mark_logs;
    my ($bytes, $eof) = raw(get('/v1.41/not-http'));
    my ($st, $h, $body) = parse_response($bytes);
    is($st, 502, 'not HTTP: 502');
    ok(defined json_message($body, $h), 'not HTTP: Docker JSON');
    like($ng->error_log_since, qr/dockerd sent no valid HTTP\/1\.1 status line/,
        'error log: "no valid HTTP/1.1 status line"');
}

# --- still the same worker -----------------------------------------------------

my ($st) = http_request($port, 'GET', '/v1.41/ka/after');
is($st, 200, 'nginx still serves');
is(worker_pid($ng), $worker, 'the same worker throughout');
unlike($ng->error_log, qr/exited on signal|\[alert\]/, 'no crash, no alert');

done_testing();
