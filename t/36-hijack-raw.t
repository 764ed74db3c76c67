#!/usr/bin/perl
# Hijacked exec start and attach over raw HTTP:
#   - a client without Upgrade: "HTTP/1.1 200 OK" with a raw stream, not
#     chunked, and stdin sent in the same write as the request reaches
#     the process;
#   - dockerd's response header reaches the client byte for byte (101
#     and 200), as dockerd direct sends it;
#   - errors before the hijack are Docker JSON (unknown exec, missing
#     container, an exec started twice);
#   - stdin sent with the request (also 300 KB, also after a chunked
#     body), with the FIN at once; a client reset ends the exec;
#   - Detach: true returns without a stream and the process runs.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Sockerless::Test;
use Sockerless::Hijack;
use Time::HiRes qw(time sleep);
use Socket ();

my $ng = start_nginx();
my $port = $ng->port;
my $ref = $ng->is_reference;
my $image = test_image();
my $nostream = '{"Detach":false,"Tty":false}';

my $c = exec_target('raw');
my ($rc, $out, $err);

# the header of a hijacked response, without the lines that differ from
# one response to the next
sub stable_head {
    my ($head) = @_;
    return join "\r\n", grep { !/^Date:/i } split /\r\n/, $head // '';
}

# --- a client without Upgrade ---------------------------------------------

for my $path ("/exec/%s/start", "/v1.41/exec/%s/start") {
    my $id = exec_create($c, AttachStdin => 1, Cmd => ['cat']);
    my $p = sprintf $path, $id;
    my $stdin = "stdin in the same write\n" . ('x' x 1000) . "\n";
    my $s = hijack_open($port, 'POST', $p, upgrade => 0, body => $nostream,
        extra => $stdin);
    ok($s, "POST $path (no Upgrade): connected") or next;
    like($s->{head}, qr{^HTTP/1\.1 200 OK\r\n}, "POST $path: HTTP/1.1 200 OK");
    like($s->{headers}{'content-type'} // '',
        qr{^application/vnd\.docker\.(raw|multiplexed)-stream$},
        "POST $path: Content-Type of a Docker stream");
    ok(!exists $s->{headers}{'transfer-encoding'},
        "POST $path: no Transfer-Encoding (not chunked)");
    ok(!exists $s->{headers}{'content-length'}, "POST $path: no Content-Length");
    $s->put("and a later write\n");
    $s->shutdown_write;
    my $raw = $s->read_all(15);
    ok($s->{eof}, "POST $path: the stream ends after the half-close");
    my ($o, $e, $ok) = demux($raw);
    ok($ok, "POST $path: whole 8-byte frames");
    SKIP: {
        # dockerd drops what its HTTP server read ahead when it hijacks
        skip 'reference mode: dockerd loses stdin sent with the request', 1
            if $ref;
        is($o, $stdin . "and a later write\n",
            "POST $path: stdin sent with the request and after it reached cat");
    }
    like($o, qr/and a later write\n\z/, "POST $path: stdin written later reached cat");
}

# the request, stdin and the client's FIN in one go (as `printf ... | nc`):
# the stdin reaches the process, output after stdin's end comes back
for my $upgrade (1, 0) {
    my $how = $upgrade ? 'with Upgrade' : 'without Upgrade';
    my $id = exec_create($c, AttachStdin => 1,
        Cmd => ['sh', '-c', 'cat; sleep 1; echo late']);
    my $s = hijack_open($port, 'POST', "/v1.41/exec/$id/start",
        upgrade => $upgrade, body => $nostream, extra => "then FIN\n");
    $s->shutdown_write if $s;
    my $raw = $s ? $s->read_all(15) : '';
    is($s && $s->{status}, $upgrade ? 101 : 200,
        "request + stdin + FIN at once ($how): status");
    my ($o, $e, $ok) = demux($raw);
    ok($s && $s->{eof} && $ok, "request + stdin + FIN at once ($how): whole frames to EOF");
    like($o, qr/late\n\z/, "request + stdin + FIN at once ($how): output after the FIN");
    SKIP: {
        skip 'reference mode: dockerd loses stdin sent with the request', 1
            if $ref;
        is($o, "then FIN\nlate\n", "request + stdin + FIN at once ($how): stdin reached cat");
    }
}

SKIP: {
    skip 'reference mode: dockerd loses stdin sent with the request', 4
        if $ref;

    # more stdin with the request than any buffer of the module holds
    my $id = exec_create($c, AttachStdin => 1, Cmd => ['cat']);
    my $big = join '', map { chr(65 + $_ % 26) } 1 .. 300_000;
    my $s = hijack_open($port, 'POST', "/v1.41/exec/$id/start",
        body => $nostream, extra => $big);
    $s->shutdown_write if $s;
    my ($o, $e, $ok) = demux($s ? $s->read_all(15) : '');
    is(length $o, length $big, '300 KB of stdin in the request\'s write: all bytes back');
    ok($o eq $big, '300 KB of stdin in the request\'s write: in order');

    # a chunked request body, stdin right after its last chunk
    $id = exec_create($c, AttachStdin => 1, Cmd => ['cat']);
    $s = hijack_open($port, 'POST', "/v1.41/exec/$id/start",
        headers => ['Transfer-Encoding' => 'chunked',
                    'Content-Type' => 'application/json'],
        extra => sprintf("%x\r\n%s\r\n0\r\n\r\n", length $nostream, $nostream)
            . "after the chunks\n");
    is($s && $s->{status}, 101, 'exec start with a chunked body: 101');
    $s->shutdown_write if $s;
    ($o) = demux($s ? $s->read_all(15) : '');
    is($o, "after the chunks\n", 'chunked body: the stdin after it reached cat');
}

# a client that resets its connection ends the session on dockerd too
{
    my $id = exec_create($c, AttachStdin => 1, Cmd => ['cat']);
    my $s = hijack_open($port, 'POST', "/v1.41/exec/$id/start",
        body => $nostream);
    $s->put("hi\n") if $s;
    ok($s && $s->read_until(qr/hi\n/, 10), 'a session to reset: echoes');
    if ($s) {
        setsockopt($s->fh, Socket::SOL_SOCKET(), Socket::SO_LINGER(),
            pack('ii', 1, 0));
        $s->done;
    }
    ok(wait_until(sub {
            my ($st, $j) = api('GET', "/v1.41/exec/$id/json");
            ref $j && !$j->{Running} }, 10),
        'client reset: the exec ends (its stdin closed)');
}

# --- dockerd's header, byte for byte ---------------------------------------

for my $upgrade (1, 0) {
    my %head;
    for my $t (['module', port => $port], ['direct', sock => $ENV{DOCKER_SOCK}]) {
        my ($what, %where) = @$t;
        my $id = exec_create($c, AttachStdin => 1, Cmd => ['cat']);
        my $s = hijack_open($where{port} // 0, 'POST', "/v1.41/exec/$id/start",
            %where, upgrade => $upgrade, body => $nostream);
        $head{$what} = $s ? stable_head($s->{head}) : '';
        if ($s) {
            $s->shutdown_write;
            $s->read_all(10);
        }
    }
    is($head{module}, $head{direct},
        'exec start ' . ($upgrade ? 'with' : 'without')
        . ' Upgrade: the header is dockerd\'s, byte for byte');
    like($head{module}, $upgrade ? qr{^HTTP/1\.1 101 UPGRADED\r\n}
                                 : qr{^HTTP/1\.1 200 OK\r\n},
        'exec start ' . ($upgrade ? 'with' : 'without') . ' Upgrade: status line');
}

# --- errors before the hijack: Docker JSON ---------------------------------

sub json_error {
    my ($s, $what, $status, $re) = @_;
    is($s && $s->{status}, $status, "$what: $status");
    like($s && $s->{headers}{'content-type'} // '', qr{^application/json},
        "$what: Content-Type application/json");
    my $body = '';
    if ($s) {
        my $len = $s->{headers}{'content-length'};
        if (defined $len) {
            $s->read_until(qr/\A[\s\S]{$len}/, 10);
        } elsif (($s->{headers}{'transfer-encoding'} // '') =~ /chunked/i) {
            $s->read_until(qr/(?:\A|\r\n)0\r\n\r\n/, 10);
        } else {
            $s->read_all(5);
        }
        $body = $s->{buf};
        $body = (parse_response("$s->{head}$body"))[2]
            if ($s->{headers}{'transfer-encoding'} // '') =~ /chunked/i;
    }
    my $j = eval { decode_json($body) };
    like(ref $j eq 'HASH' ? $j->{message} // '' : '', $re,
        "$what: {\"message\": ...}") or diag "body: $body";
}

for my $upgrade (1, 0) {
    my $how = $upgrade ? 'with Upgrade' : 'without Upgrade';
    my $s = hijack_open($port, 'POST', '/v1.41/exec/slt-no-such-exec/start',
        upgrade => $upgrade, body => $nostream);
    json_error($s, "exec start of an unknown exec id ($how)", 404,
        qr/No such exec instance: slt-no-such-exec/);

    SKIP: {
        skip 'reference mode: dockerd answers attach errors with raw text', 3
            if $ref;
        $s = hijack_open($port, 'POST',
            '/v1.41/containers/slt-no-such-container/attach?'
            . 'stream=1&stdin=1&stdout=1&stderr=1', upgrade => $upgrade);
        json_error($s, "attach to a missing container ($how)", 404,
            qr/No such container: slt-no-such-container/);
    }
}

# an exec started twice
{
    my %got;
    for my $t (['module', port => $port], ['direct', sock => $ENV{DOCKER_SOCK}]) {
        my ($what, %where) = @$t;
        my $id = exec_create($c, AttachStdin => 1, Cmd => ['cat']);
        my $first = hijack_open($where{port} // 0, 'POST',
            "/v1.41/exec/$id/start", %where, body => $nostream);
        my $second = hijack_open($where{port} // 0, 'POST',
            "/v1.41/exec/$id/start", %where, body => '{"Detach":true}');
        $got{$what}{status} = $second && $second->{status};
        json_error($second, "$what: exec start (Detach) while it runs", 409,
            qr/already (run|running)/i);
        if ($first) {
            $first->put("still here\n");
            $first->shutdown_write;
            my ($o) = demux($first->read_all(10));
            is($o, "still here\n", "$what: the first session is not disturbed");
        }
        # after its end, a non-detached start: dockerd hijacks first and
        # writes its error into the stream
        my $third = hijack_open($where{port} // 0, 'POST',
            "/v1.41/exec/$id/start", %where, body => $nostream);
        $got{$what}{third} = $third && $third->{status};
        ok($third && $third->read_until(qr/has already run/, 10),
            "$what: a started exec started again: dockerd's error in the stream");
    }
    is($got{module}{third}, $got{direct}{third},
        'exec started again: same status as dockerd direct');
}

# --- Detach: true ------------------------------------------------------------

{
    my $id = exec_create($c, AttachStdout => 0, AttachStderr => 0,
        Cmd => ['sh', '-c', 'sleep 0.5; echo ran > /tmp/detached-raw']);
    my $body = '{"Detach":true,"Tty":false}';
    # the start and a /_ping pipelined on one connection: no hijack, the
    # connection stays an HTTP connection
    my $resp = http_raw($port,
        "POST /v1.41/exec/$id/start HTTP/1.1\r\nHost: localhost\r\n"
        . "Content-Type: application/json\r\n"
        . 'Content-Length: ' . length($body) . "\r\n\r\n$body"
        . "GET /_ping HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
        timeout => 10);
    my ($st, $h, $rest) = parse_response($resp);
    is($st, 200, 'exec start with Detach: true: 200');
    like($h->{'content-type'} // '', qr/^(|application\/json.*)$/,
        'Detach: true: not a Docker stream');
    is($h->{'content-length'}, 0, 'Detach: true: an empty body');
    like($rest, qr{\AHTTP/1\.1 200 OK\r\n.*\r\n\r\nOK\z}s,
        'Detach: true: the connection carries the next request (/_ping OK)');
    ok(wait_until(sub {
            (docker('exec', $c, 'cat', '/tmp/detached-raw'))[1] eq "ran\n" }, 10),
        'Detach: true: the process ran');
    my ($ist, $j) = api('GET', "/v1.41/exec/$id/json");
    ok($ist == 200 && !$j->{Running} && defined $j->{ExitCode}
        && $j->{ExitCode} == 0, 'Detach: true: exec inspect: done, exit code 0');
}

SKIP: {
    skip 'reference mode: no nginx error log', 1 if $ref;
    my @alerts = $ng->error_log =~ /^(.*\[(?:alert|crit|emerg)\].*)$/mg;
    is(scalar @alerts, 0, 'error log: no [alert], [crit] or [emerg]')
        or diag join "\n", @alerts;
}

done_testing();
