#!/usr/bin/perl
# [reliability] Hostile and oversized input.
#
#   - Docker's long filter URLs (a filters JSON of 6 KB, about 10 KB
#     encoded) and long registry credentials (a 10 KB X-Registry-Auth)
#     pass with `large_client_header_buffers 4 64k`; nginx's default
#     (4 8k) refuses them with 414 / 400;
#   - slow clients: a header sent a byte a second is cut by
#     client_header_timeout 2s, a body that stops by client_body_timeout
#     2s, 50 of them at once leave no connection behind;
#   - request smuggling: Content-Length with Transfer-Encoding, two
#     Content-Length, a list in Content-Length, an unknown
#     Transfer-Encoding, broken chunk framing: refused, the connection
#     closed, and the request hidden in the body never reaches dockerd;
#   - bytes pipelined after a hijacking request (exec start) are stdin of
#     the exec (`cat` echoes them), never a request of their own;
#   - an HTTP/2 preface on the HTTP/1 port: 400 and closed;
#   - errors made in a sockerless location are Docker JSON
#     {"message": ...} (413, 400 of a broken chunked body), and so are
#     the errors nginx makes before it picks a location (414, 400 for a
#     bad header, 501) in a server with sockerless locations.

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

my $image = test_image();
my $ng = start_nginx(server => <<'EOF');
        client_header_timeout 2s;
        client_body_timeout 2s;
        location = /nginx-status {
            stub_status;
        }
        location /v1.41/images/load {
            sockerless_pass dockerd;
            client_max_body_size 1k;
        }
EOF
my $port = $ng->port;
my $big = start_nginx(server => 'large_client_header_buffers 4 64k;',
    current => 0);
my %ng = ('' => $ng, big => $big);
my $worker = worker_pid($ng);

my $victim = unique_name('victim');
cleanup_container($victim);
my ($rc, $out, $err) = docker_direct('run', '-d', '--name', $victim,
    '--network', 'none', $image, 'sleep', '100000');
is($rc, 0, 'a container that a smuggled request would kill') or diag $err;
my $kill = "POST /v1.41/containers/$victim/kill HTTP/1.1\r\nHost: x\r\n"
    . "Content-Length: 0\r\n\r\n";

sub victim_alive {
    my ($st, undef, $b) = unix_request('GET', "/containers/$victim/json");
    return $st == 200 && eval { decode_json($b)->{State}{Running} };
}

# --- long request lines and headers ---------------------------------------------

# what `docker ps --filter label=...` sends, many times over
my $filters = encode_json({ label => [ map { "k$_=v" } 1 .. 700 ] });
cmp_ok(length $filters, '>=', 6000, 'a filters JSON of 6 KB');
my $q = '/v1.41/containers/json?all=1&filters=' . url_encode($filters);
cmp_ok(length $q, '>', 8192, sprintf 'encoded: %d bytes', length $q);

# --- slow clients -------------------------------------------------------------

{
    my $s = raw_connect($port);
    my $req = "GET /_ping HTTP/1.1\r\nHost: x\r\nX-Slow: abcdefghijklmnopqrstuvwxyz\r\n\r\n";
    my $t = time;
    my $sel = IO::Select->new($s);
    local $SIG{PIPE} = 'IGNORE';
    my ($closed, $got) = (0, '');
    for my $ch (split //, $req) {
        last unless defined syswrite($s, $ch);
        if ($sel->can_read(1)) {
            my $n = sysread($s, $got, 1000);
            $closed = 1 unless $n;
            last;
        }
    }
    my $secs = time - $t;
    ok($closed, sprintf 'slowloris (a header byte a second): closed after %.1f s',
        $secs);
    cmp_ok($secs, '<', 4, 'by client_header_timeout 2s');
    is($got, '', 'no request was made of it');
}
{
    # a body that stops coming (streamed to dockerd as it arrives)
    my ($bytes, $eof, $secs) = raw_exchange($port,
        "POST /v1.41/build HTTP/1.1\r\nHost: x\r\n"
        . "Content-Type: application/x-tar\r\nContent-Length: 100000\r\n\r\n"
        . ("\0" x 1000), wait => 10);
    ok($eof, sprintf 'a body that stops: closed after %.1f s', $secs);
    cmp_ok($secs, '<', 4, 'by client_body_timeout 2s');
}
{
    # 50 slow clients at once
    my @s;
    for (1 .. 50) {
        my $s = raw_connect($port) or next;
        syswrite($s, "GET /_ping HTTP/1.1\r\nHost: x\r\n");
        push @s, $s;
    }
    is(scalar @s, 50, '50 slow clients connected');
    my $t = time;
    my $sel = IO::Select->new(@s);
    my $closed = 0;
    while ($closed < @s && time - $t < 10) {
        for my $fh ($sel->can_read(0.5)) {
            my $n = sysread($fh, my $b, 1000);
            next if $n;
            $closed++;
            $sel->remove($fh);
        }
    }
    is($closed, 50, sprintf '50 slow clients: all closed by nginx in %.1f s',
        time - $t);
    my (undef, undef, $b) = http_request($port, 'GET', '/nginx-status');
    like($b, qr/Active connections:\s*1\s/, 'no connection left behind');
}

# --- long URLs and headers, request smuggling, HTTP/2, body limits -----------------

run_blocks(nginx => \%ng, vars => { q => $q, auth => 'A' x 10240,
    kill => $kill, cl => 2 + length $kill });

ok(victim_alive(), 'the container no smuggled request reached still runs');

# --- bytes after a hijacking request are its stdin ----------------------------------

my $cat = unique_name('cat');
cleanup_container($cat);
($rc, $out, $err) = docker_direct('run', '-d', '--name', $cat, '--network',
    'none', $image, 'sleep', '100000');
for my $upgrade (1, 0) {
    for my $when ('with the request', 'after the answer') {
        my $what = ($upgrade ? 'Upgrade' : 'no Upgrade') . ", $when";
        $ng->mark_logs;
        my $id = exec_create($cat, AttachStdin => 1, Cmd => ['cat']);
        my $s = hijack_open($port, 'POST', "/v1.41/exec/$id/start",
            body => '{"Detach":false,"Tty":false}', upgrade => $upgrade,
            $when eq 'with the request' ? (extra => $kill) : ());
        is($s->{status}, $upgrade ? 101 : 200, "$what: hijacked");
        $s->put($kill) if $when ne 'with the request';
        $s->shutdown_write;
        my $all = $s->read_all(15);
        my ($stdout, $stderr, $ok) = demux($all);
        is($stdout, $kill, "$what: the pipelined request is the exec's stdin "
            . '(cat echoes it)');
        unlike($ng->access_log_since, qr/kill/,
            "$what: nginx did not make it a request");
    }
}
ok(victim_alive(), 'and the container is still running');

is(worker_pid($ng), $worker, 'the same worker after all of it');
unlike($ng->error_log, qr/exited on signal|\[alert\]/, 'no crash, no alert');
my ($st) = http_request($port, 'GET', '/_ping');
is($st, 200, 'nginx still serves');

done_testing();

__DATA__

=== large_client_header_buffers 4 64k: the long filter URL passes
--- nginx: big
--- request: GET $q
--- status: 200
--- same_as_dockerd

=== default buffers: the long filter URL
--- request: GET $q
--- status: 414
--- closed
--- json_error

=== large_client_header_buffers 4 64k: a 10 KB header passes
--- nginx: big
--- request: GET /_ping
--- headers
X-Registry-Auth: $auth
--- status: 200

=== default buffers: a 10 KB header
--- request: GET /_ping
--- headers
X-Registry-Auth: $auth
--- status: 400
--- body_like: Request Header Or Cookie Too Large|"message"
--- json_error

# request smuggling: refused, the connection closed, and the request
# hidden in the body ($kill) never made
=== Content-Length with Transfer-Encoding
--- raw eval
"POST /v1.41/containers/create HTTP/1.1\r\nHost: x\r\n"
. "Content-Type: application/json\r\nContent-Length: 4\r\n"
. "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n$kill"
--- wait: 5
--- status: 400
--- closed
--- access_log_unlike: kill
--- json_error

=== two Content-Length
--- raw eval
"POST /v1.41/containers/create HTTP/1.1\r\nHost: x\r\n"
. "Content-Type: application/json\r\nContent-Length: 2\r\n"
. "Content-Length: $cl\r\n\r\n{}$kill"
--- wait: 5
--- status: 400
--- closed
--- access_log_unlike: kill
--- json_error

=== a list in Content-Length
--- raw eval
"POST /v1.41/containers/create HTTP/1.1\r\nHost: x\r\n"
. "Content-Type: application/json\r\nContent-Length: 2, 2\r\n\r\n{}$kill"
--- wait: 5
--- status: 400
--- closed
--- access_log_unlike: kill
--- json_error

=== Transfer-Encoding: gzip, chunked
--- raw eval
"POST /v1.41/containers/create HTTP/1.1\r\nHost: x\r\n"
. "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n$kill"
--- wait: 5
--- status: 501
--- closed
--- access_log_unlike: kill
--- json_error

=== Transfer-Encoding: chunked, identity
--- raw eval
"POST /v1.41/containers/create HTTP/1.1\r\nHost: x\r\n"
. "Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n$kill"
--- wait: 5
--- status: 501
--- closed
--- access_log_unlike: kill
--- json_error

# broken framing inside the body: refused in the location, in JSON
=== bad chunk framing
--- raw eval
"POST /v1.41/containers/create HTTP/1.1\r\nHost: x\r\n"
. "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
. "2\r\n{}XX0\r\n\r\n$kill"
--- wait: 5
--- status: 400
--- closed
--- message_like: (?i)bad request
--- access_log_unlike: kill

=== a chunk size that overflows
--- raw eval
"POST /v1.41/containers/create HTTP/1.1\r\nHost: x\r\n"
. "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
. "fffffffffffffffffffff\r\n"
--- wait: 5
--- status: 400
--- json_error

# an HTTP/2 preface on the HTTP/1 port
=== HTTP/2 preface
--- raw eval
"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x00\x04\x00\x00\x00\x00\x00"
--- wait: 5
--- status: 400
--- closed
--- json_error

# errors of a sockerless location are Docker JSON
=== a body over client_max_body_size (Content-Length)
--- raw eval
"POST /v1.41/images/load HTTP/1.1\r\nHost: x\r\n"
. "Content-Length: 2000000\r\n\r\n"
--- complete
--- wait: 5
--- status: 413
--- message_like: client_max_body_size

=== a body over client_max_body_size (chunked)
--- raw eval
"POST /v1.41/images/load HTTP/1.1\r\nHost: x\r\n"
. "Transfer-Encoding: chunked\r\n\r\n800\r\n" . ('x' x 2048) . "\r\n"
--- complete
--- wait: 5
--- status: 413
--- json_error
