#!/usr/bin/perl
# Auto-pull against a scripted fake dockerd on a UNIX socket, for what a
# real registry does not show on demand: the pull request the module
# sends (fromImage, tag, platform, X-Registry-Auth), the status for each
# kind of error line in the progress stream (404, 401, 403, 500), a pull
# that dockerd refuses before streaming, lines split across reads or
# longer than the module's buffer, no progress (sockerless_pull_timeout:
# 504), and which creates share one pull.
#
# The fake answers by the image name:
#   GET /images/<ref>/json      200 when <ref> contains "present", else 404
#   POST /images/create         by fromImage, see %PULL below
#   POST /containers/create     201 {"Id":"fake-<n>"}
# and appends every request to a log file.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Sockerless::Test;
use File::Temp qw(tempdir);
use IO::Socket::INET;
use IO::Socket::UNIX;
use IO::Select;
use Socket qw(SOCK_STREAM);
use Fcntl qw(:flock);
use POSIX qw(_exit);
use Time::HiRes qw(time sleep);

module_only();

my $dir = tempdir('sockerless-fake-XXXXXX', TMPDIR => 1, CLEANUP => 1);
my $sock = "$dir/fake.sock";
my $log = "$dir/requests.log";

my $ok_lines = qq({"status":"Pulling from x","id":"1"}\n)
    . qq({"status":"Downloading","progressDetail":{"current":1,"total":2},"id":"a"}\n)
    . qq({"status":"Status: Downloaded newer image"}\n);

sub error_line {
    my ($msg) = @_;
    return encode_json({ errorDetail => { message => $msg }, error => $msg })
        . "\n";
}

# fromImage => [ [delay, bytes], ... ] sent after a 200 header; "refuse"
# sends its own status; "stall" never ends
my %PULL = (
    'ok'        => [[0, $ok_lines]],
    'slow'      => [[0, qq({"status":"Pulling"}\n)], [1.5, $ok_lines]],
    'notfound'  => [[0, $ok_lines . error_line(
        'manifest for x:1 not found: manifest unknown: manifest unknown')]],
    'unauth'    => [[0, error_line(
        'unauthorized: authentication required')]],
    'denied'    => [[0, error_line(
        'denied: requested access to the resource is denied')]],
    'other'     => [[0, error_line(
        'failed to register layer: no space left on device')]],
    'onlyerror' => [[0, qq({"error":"pull access denied for x"}\n)]],
    'split'     => [[0, '{"errorDetail":{"mess'],
                    [0.3, 'age":"manifest unknown: split"}}' . "\n"]],
    'nonewline' => [[0, $ok_lines . '{"error":"not found: at EOF"}']],
    'longline'  => [[0, '{"status":"' . ('x' x 150000) . qq("}\n)],
                    [0.1, error_line('manifest unknown: after a long line')]],
    'longerror' => [[0, '{"status":"' . ('y' x 70000)
                        . '","error":"hidden in a long line"}' . "\n"
                        . $ok_lines]],
    'stall'     => [[0, qq({"status":"Pulling"}\n)], ['wait', '']],
);

my $fake_pid = fork // die "fork: $!";
if ($fake_pid == 0) {
    # never the END blocks of the test (they stop nginx) in a child
    eval { fake_dockerd() };
    _exit(0);
}
END { kill 'KILL', $fake_pid if $fake_pid; }
wait_until(sub { -S $sock }, 5) or BAIL_OUT('the fake dockerd did not start');

sub fake_dockerd {
    $SIG{PIPE} = 'IGNORE';
    $SIG{CHLD} = 'IGNORE';
    my $l = IO::Socket::UNIX->new(Local => $sock, Listen => 128,
        Type => SOCK_STREAM) or die "$sock: $!";
    my $n = 0;
    while (1) {
        my $c = $l->accept or next;
        $n++;
        my $pid = fork;
        next if !defined $pid;
        if ($pid) {
            close $c;
            next;
        }
        close $l;
        eval { serve($c, $n) };
        _exit(0);
    }
}

sub serve {
    my ($c, $n) = @_;
    my $buf = '';
    while ($buf !~ /\r\n\r\n/) {
        my $r = sysread($c, $buf, 65536, length $buf);
        return unless $r;
    }
    my ($head, $body) = split /\r\n\r\n/, $buf, 2;
    my ($len) = $head =~ /^Content-Length:\s*(\d+)/mi;
    $len //= 0;
    while (length $body < $len) {
        my $r = sysread($c, $body, 65536, length $body);
        last unless $r;
    }
    open my $fh, '>>', $log or die;
    flock $fh, LOCK_EX;
    print $fh "$head\r\n\r\n$body\n=====\n";
    close $fh;

    my ($method, $target) = $head =~ /^(\S+) (\S+)/;
    local $| = 1;
    if ($method eq 'GET' && $target eq '/_ping') {
        syswrite $c, "HTTP/1.1 200 OK\r\nConnection: close\r\n"
            . "Content-Length: 2\r\n\r\nOK";
        return;
    }
    if ($method eq 'GET' && $target =~ m{^/images/(.*)/json$}) {
        my $present = $1 =~ /present/;
        my $b = $present ? '{"Id":"sha256:present"}'
                         : '{"message":"No such image"}';
        my $st = $present ? '200 OK' : '404 Not Found';
        syswrite $c, "HTTP/1.0 $st\r\nContent-Type: application/json\r\n"
            . 'Content-Length: ' . length($b) . "\r\n\r\n$b";
        return;
    }
    if ($method eq 'POST' && $target =~ m{^/images/create\?fromImage=([^&]*)}) {
        my $from = $1;
        $from =~ s/%([0-9A-Fa-f]{2})/chr hex $1/ge;
        $from =~ s{.*/}{};
        if ($from eq 'refuse') {
            my $b = '{"message":"invalid reference format: refused"}';
            syswrite $c, "HTTP/1.0 400 Bad Request\r\n"
                . "Content-Type: application/json\r\n\r\n$b";
            return;
        }
        my $steps = $PULL{$from} || $PULL{ok};
        syswrite $c, "HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n";
        for my $s (@$steps) {
            if ($s->[0] eq 'wait') {
                # no progress: until the module closes the connection
                1 while sysread($c, my $junk, 4096);
                return;
            }
            sleep $s->[0] if $s->[0];
            my $bytes = $s->[1];
            while (length $bytes) {
                my $w = syswrite $c, $bytes;
                return unless defined $w;
                substr($bytes, 0, $w, '');
            }
        }
        return;
    }
    if ($method eq 'POST' && $target =~ m{/containers/create}) {
        my $b = qq({"Id":"fake-$n","Warnings":[]});
        syswrite $c, "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\n"
            . "Connection: close\r\n"
            . 'Content-Length: ' . length($b) . "\r\n\r\n$b";
        return;
    }
    my $b = '{"message":"page not found"}';
    syswrite $c, "HTTP/1.1 404 Not Found\r\nConnection: close\r\n"
        . 'Content-Length: ' . length($b) . "\r\n\r\n$b";
}

sub requests {
    open my $fh, '<', $log or return ();
    local $/;
    my $all = <$fh> // '';
    return grep { length } split /\n=====\n/, $all;
}

sub clear_requests { unlink $log; }

sub pulls_of {
    my ($name) = @_;
    return grep { m{^POST /images/create\?fromImage=[^&\s]*\Q$name\E[&\s]} }
        requests();
}

my $nginx = start_nginx(upstream_server => "unix:$sock",
    location => 'sockerless_pull_timeout 2s;',
    log_format => '"$request" $status pulled=[$sockerless_pulled]');

sub create {
    my ($image, %o) = @_;
    my $body = $o{body} // encode_json({ Image => $image, Cmd => ['true'] });
    my ($st, $h, $b) = http_request($nginx->port, 'POST',
        '/v1.41/containers/create' . ($o{query} // ''),
        headers => ['Content-Type' => 'application/json',
            @{ $o{headers} || [] }],
        body => $body, timeout => 30);
    my $d = eval { decode_json($b) } || {};
    return ($st, $d, $b, $h);
}

# --- a pull that works: what the module sends -----------------------------------

{
    clear_requests();
    my $auth = 'eyJ1c2VybmFtZSI6InUiLCJwYXNzd29yZCI6InAifQ==';
    my $body = qq({"Image":"reg.example:5000/team/ok:1.2","Cmd":["true"],)
        . qq("Labels":{"k":"v"}});
    my ($st, $d, $b) = create(undef, body => $body,
        query => '?name=x&platform=linux%2Farm64',
        headers => ['X-Registry-Auth' => $auth]);
    is($st, 201, 'ok: created') or diag $b;
    like($d->{Id} // '', qr/^fake-/, 'ok: the fake dockerd created it');
    my @r = requests();
    is(scalar @r, 3, 'ok: inspect, pull, create');
    like($r[0] // '', qr{^GET /images/reg\.example:5000/team/ok:1\.2/json HTTP/1\.[01]\r\n},
        'ok: GET /images/{ref}/json first');
    like($r[1] // '', qr{^POST /images/create\?fromImage=reg\.example(?:%3A|:)5000(?:%2F|/)team(?:%2F|/)ok&tag=1\.2&platform=linux%2Farm64 HTTP/1\.[01]\r\n},
        'ok: POST /images/create?fromImage=&tag=&platform=') or diag $r[1];
    like($r[1] // '', qr{^X-Registry-Auth: \Q$auth\E\r$}m,
        'ok: X-Registry-Auth forwarded as is');
    like($r[2] // '', qr{^POST /v1\.41/containers/create\?name=x&platform=linux%2Farm64 },
        'ok: then the create');
    my ($sent) = ($r[2] // '') =~ /\r\n\r\n(.*)\z/s;
    # no policy has an owner here: no owner label is written
    is($sent, $body, 'ok: the create body is forwarded unchanged');
    wait_until(sub { $nginx->access_log =~ / 201 pulled=/ }, 5);
    like($nginx->access_log, qr{ 201 pulled=\[reg\.example:5000/team/ok:1\.2\]},
        'ok: $sockerless_pulled');
}

{
    clear_requests();
    my ($st, $d, $b) = create('present-image:1');
    is($st, 201, 'present: created') or diag $b;
    is(scalar pulls_of('present'), 0, 'present: no pull');

    clear_requests();
    ($st, $d, $b) = create('team/ok@sha256:' . ('a' x 64));
    is($st, 201, 'digest: created') or diag $b;
    my ($p) = grep { /^POST \/images\/create/ } requests();
    like($p // '', qr{fromImage=team(%2F|/)ok&tag=sha256(%3A|:)a{64} },
        'digest: tag=<digest>');
}

# --- what cannot leak into the requests to dockerd ----------------------------------

{
    clear_requests();
    my $evil = "r.example/inj\r\nX-Injected: 1\r\n\r\nGET /x HTTP/1.1\r\n"
        . "Host: y:1&fromSrc=-&tag=2#f?g %41 \x{e9}";
    my ($st, $d, $b) = create(undef,
        body => JSON::PP->new->ascii->encode({ Image => $evil }));
    my @r = requests();
    ok(@r >= 1, "an image name with CR LF, & # ? % and UTF-8: dockerd asked ($st)");
    unlike(join('', @r), qr/^X-Injected/m, 'no header injected');
    unlike(join('', @r), qr/^GET \/x /m, 'no request smuggled');
    my ($pull) = grep { /^POST \/images\/create/ } @r;
    if ($pull) {
        my ($line) = $pull =~ /^(.*?)\r\n/;
        my ($q) = $line =~ /^POST \/images\/create\?(\S*) HTTP\/1\.[01]$/;
        ok(defined $q, 'the pull request line is one line') or diag $line;
        my %q;
        for (split /&/, $q // '') {
            my ($k, $v) = split /=/, $_, 2;
            $v =~ s/%([0-9A-Fa-f]{2})/chr hex $1/ge;
            $q{$k} = $v;
        }
        is(join(',', sort keys %q), 'fromImage,tag',
            'only fromImage and tag in the query');
    }
}

# --- errors in the progress stream ------------------------------------------------

# with credentials in the create (a 401 or 403 without them is the next
# block's): what the registry refused is, as from dockerd, a create of a
# missing image, "404 No such image", the pull's message after it; a
# refusal of the pull itself (400) is dockerd's
my $cred = 'eyJ1c2VybmFtZSI6InUiLCJwYXNzd29yZCI6InAifQ==';

for my $c (
    ['notfound', 404, 'manifest for x:1 not found: manifest unknown: manifest unknown'],
    ['unauth', 404, 'unauthorized: authentication required'],
    ['denied', 404, 'denied: requested access to the resource is denied'],
    ['other', 404, 'failed to register layer: no space left on device'],
    ['onlyerror', 404, 'pull access denied for x'],
    ['split', 404, 'manifest unknown: split'],
    ['nonewline', 404, 'not found: at EOF'],
    ['longline', 404, 'manifest unknown: after a long line'],
    ['refuse', 400, 'invalid reference format: refused'],
) {
    my ($name, $want, $msg) = @$c;
    $nginx->mark_logs;
    my ($st, $d, $b, $h) = create("r.example/$name:1",
        headers => ['X-Registry-Auth' => $cred]);
    is($st, $want, "$name: $want") or diag $b;
    is($d->{message}, $want == 404
        ? "No such image: r.example/$name:1 (sockerless auto-pull: $msg)"
        : $msg, "$name: the message");
    like($h->{'content-type'} // '', qr{^application/json}, "$name: JSON");
    like($nginx->error_log_since,
        qr/sockerless auto-pull of "r\.example\/\Q$name\E:1": failed in \d+ ms: .*\Q$msg\E/,
        "$name: failed in the error log");
}

# a 401 or 403 of a create without X-Registry-Auth: dockerd's own
# "No such image", so that the docker CLI pulls with its credentials
for my $c (
    ['unauth', 'unauthorized: authentication required'],
    ['denied', 'denied: requested access to the resource is denied'],
    ['onlyerror', 'pull access denied for x'],
) {
    my ($name, $msg) = @$c;
    my $ref = "r.example/$name:2";
    $nginx->mark_logs;
    my ($st, $d, $b) = create($ref);
    is($st, 404, "$name without credentials: 404") or diag $b;
    is($d->{message}, "No such image: $ref",
        "$name without credentials: \"No such image\"");
    like($nginx->error_log_since,
        qr/sockerless auto-pull of "\Q$ref\E": \Q$msg\E; no credentials in the create/,
        "$name without credentials: the registry's message in the error log");
}

{
    # an "error" inside a line too long for the buffer is not seen; the
    # pull ends well
    my ($st, $d, $b) = create('r.example/longerror:1');
    is($st, 201, 'an error member in an over-long line: ignored') or diag $b;
}

# --- no progress: sockerless_pull_timeout ------------------------------------------

{
    $nginx->mark_logs;
    my $t0 = time;
    my ($st, $d, $b) = create('r.example/stall:1');
    my $took = time - $t0;
    is($st, 504, 'stall: 504') or diag $b;
    like($d->{message} // '', qr/sockerless_pull_timeout/,
        'stall: the message names sockerless_pull_timeout');
    ok($took >= 1.9 && $took < 10, sprintf 'stall: after the 2 s timeout (%.1f s)', $took);
    like($nginx->error_log_since, qr/sockerless auto-pull of "r\.example\/stall:1": failed/,
        'stall: failed in the error log');
}

# --- who shares a pull -------------------------------------------------------------

sub concurrent {
    my (@reqs) = @_;
    my @socks;
    for my $r (@reqs) {
        my ($image, @h) = @$r;
        my $body = encode_json({ Image => $image });
        my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1:' . $nginx->port)
            or die "connect: $!";
        my $hdr = '';
        while (my ($k, $v) = splice @h, 0, 2) {
            $hdr .= "$k: $v\r\n";
        }
        syswrite $s, "POST /v1.41/containers/create HTTP/1.1\r\nHost: x\r\n"
            . "Connection: close\r\nContent-Type: application/json\r\n$hdr"
            . 'Content-Length: ' . length($body) . "\r\n\r\n$body";
        push @socks, $s;
    }
    my @st;
    for my $s (@socks) {
        my $resp = '';
        my $sel = IO::Select->new($s);
        while ($sel->can_read(20)) {
            my $n = sysread($s, $resp, 65536, length $resp);
            last unless $n;
        }
        push @st, (parse_response($resp))[0];
    }
    return @st;
}

{
    clear_requests();
    my @st = concurrent(['r.example/slow:1'], ['r.example/slow:1'],
        ['r.example/slow'], ['r.example/slow:latest']);
    is_deeply(\@st, [201, 201, 201, 201], 'shared: all created');
    is(scalar pulls_of('slow&tag=1'), 1, 'shared: slow:1 twice, one pull');
    is(scalar pulls_of('slow&tag=latest'), 1,
        'shared: slow and slow:latest, one pull');

    clear_requests();
    @st = concurrent(['r.example/slow:2', 'X-Registry-Auth' => 'YQ=='],
        ['r.example/slow:2', 'X-Registry-Auth' => 'Yg=='],
        ['r.example/slow:2']);
    is_deeply(\@st, [201, 201, 201], 'credentials: all created');
    is(scalar pulls_of('slow&tag=2'), 3,
        'credentials: different X-Registry-Auth, separate pulls');
}

{
    # a client that goes away: the pull is closed, the other waiter stays
    clear_requests();
    $nginx->mark_logs;
    my $body = encode_json({ Image => 'r.example/slow:3' });
    my $req = "POST /v1.41/containers/create HTTP/1.1\r\nHost: x\r\n"
        . "Content-Type: application/json\r\n"
        . 'Content-Length: ' . length($body) . "\r\n\r\n$body";
    my $c1 = IO::Socket::INET->new(PeerAddr => '127.0.0.1:' . $nginx->port);
    my $c2 = IO::Socket::INET->new(PeerAddr => '127.0.0.1:' . $nginx->port);
    syswrite $c1, $req;
    syswrite $c2, $req;
    sleep 0.5;
    close $c1;
    my $resp = '';
    my $sel = IO::Select->new($c2);
    while ($resp !~ /\r\n\r\n.*\}/s && $sel->can_read(10)) {
        last unless sysread($c2, $resp, 65536, length $resp);
    }
    is((parse_response($resp))[0], 201,
        'one of two waiters goes: the other is created');
    unlike($nginx->error_log_since, qr/auto-pull of "r\.example\/slow:3": cancelled/,
        'one of two waiters goes: not cancelled');

    # both go: cancelled
    $nginx->mark_logs;
    $c1 = IO::Socket::INET->new(PeerAddr => '127.0.0.1:' . $nginx->port);
    $c2 = IO::Socket::INET->new(PeerAddr => '127.0.0.1:' . $nginx->port);
    $body = encode_json({ Image => 'r.example/stall:4' });
    $req =~ s/\r\n\r\n.*//s;
    $req =~ s/Content-Length: \d+/'Content-Length: ' . length $body/e;
    syswrite $c1, "$req\r\n\r\n$body";
    syswrite $c2, "$req\r\n\r\n$body";
    sleep 0.5;
    close $c1;
    sleep 0.2;
    close $c2;
    ok(wait_until(sub { $nginx->error_log_since
            =~ /auto-pull of "r\.example\/stall:4": cancelled/ }, 5),
        'both waiters go: cancelled');
    ok(wait_until(sub { fake_open_pulls() == 0 }, 5),
        'both waiters go: the fake dockerd saw its pull connection closed');
    my ($st) = http_request($nginx->port, 'GET', '/_ping');
    is($st, 200, 'nginx still serves');
    unlike($nginx->error_log, qr/\[(alert|emerg)\]|exited on signal/,
        'no alert, no crashed worker');
}

# the connections the fake still serves: its live children (a child
# ends when its request is answered, or, for "stall", when the module
# closes the connection).  Linux /proc.
sub fake_open_pulls {
    my $n = 0;
    for my $stat (glob '/proc/[0-9]*/stat') {
        open my $fh, '<', $stat or next;
        my $line = <$fh> // '';
        my ($ppid) = $line =~ /^\d+ \(.*\) \S (\d+)/;
        $n++ if $ppid && $ppid == $fake_pid;
    }
    return $n;
}

done_testing();
