#!/usr/bin/perl
# [reliability] 1,000 clients that go away in the middle of things.
#
# From one process, in batches of 50 raw sockets, clients start a
# `logs -f`, an `events` stream, an attach (hijacked), a pull
# (ImageCreate), an auto-pull (ContainerCreate of a missing image), an
# image load (chunked upload), a cp out (archive GET) and a cp in (archive
# PUT), wait until it is under way (response bytes flowing, or the body
# partly sent), then vanish: half with close() (FIN), half with a reset
# (SO_LINGER 0).  Two storms of 500: after each, once nginx has noticed,
# the worker has no active connection left (stub_status), its descriptors
# are back at the baseline (plus at most the idle keepalive connections),
# its memory did not grow from one storm to the next, and nginx (and
# dockerd behind it) still serve.
#
# RELIABILITY_ABORT_CLIENTS (default 1000) sets the total.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use IO::Select;
use Socket qw(SOL_SOCKET SO_LINGER);
use Time::HiRes qw(time sleep);
use Sockerless::Test;
use Sockerless::Fault;

module_only();

my $TOTAL = $ENV{RELIABILITY_ABORT_CLIENTS} || 1000;
my $BATCH = 50;
my $KEEPALIVE = 4;

my $ng = start_nginx(upstream_keepalive => $KEEPALIVE, server => <<'EOF');
        location = /nginx-status {
            stub_status;
        }
EOF
my $port = $ng->port;
my $image = test_image();
my $registry = registry();
my $worker = worker_pid($ng);
cleanup_image("$registry/sockerless/test:1");

my $ticker = unique_name('ticker');
cleanup_container($ticker);
my ($rc, $out, $err) = docker_direct('run', '-d', '--name', $ticker,
    '--network', 'none', $image, 'sh', '-c',
    'while true; do echo tick; sleep 0.1; done');
is($rc, 0, 'a container that prints all the time') or diag $err;

# cp in goes to a container of its own: dockerd 20.10 stops answering
# attach, logs and cp of a container after an upload to it was cut
# (the same straight to dockerd)
my $sink = unique_name('sink');
cleanup_container($sink);
($rc, $out, $err) = docker_direct('run', '-d', '--name', $sink,
    '--network', 'none', $image, 'sleep', '100000');
is($rc, 0, 'a container for cp in') or diag $err;

my (undef, undef, $tar) = unix_request('GET',
    '/images/' . url_encode($image) . '/get');
cmp_ok(length $tar, '>', 200_000, 'an image tar for the uploads');

sub active {
    my (undef, undef, $b) = http_request($port, 'GET', '/nginx-status');
    return $b =~ /Active connections:\s*(\d+)/ ? $1 : -1;
}

my $seq = 0;

# the kinds of clients: [name, request bytes, wait for response bytes?]
my @KINDS = (
    ['logs -f', sub {
        "GET /v1.41/containers/$ticker/logs?follow=1&stdout=1&tail=5 HTTP/1.1\r\n"
        . "Host: x\r\n\r\n" }, 1],
    ['events', sub {
        "GET /v1.41/events HTTP/1.1\r\nHost: x\r\n\r\n" }, 1],
    ['attach', sub {
        "POST /v1.41/containers/$ticker/attach?stream=1&stdout=1&stderr=1 HTTP/1.1\r\n"
        . "Host: x\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n"
        . "Content-Length: 0\r\n\r\n" }, 1],
    ['pull', sub {
        "POST /v1.41/images/create?fromImage=$registry/sockerless/test&tag=1"
        . " HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n" }, 1],
    ['auto-pull', sub {
        my $b = encode_json({ Image => "$registry/sockerless/missing-"
            . ($seq++ % 7) . ':1', Cmd => ['true'] });
        "POST /v1.41/containers/create HTTP/1.1\r\nHost: x\r\n"
        . "Content-Type: application/json\r\n"
        . 'Content-Length: ' . length($b) . "\r\n\r\n$b" }, 0],
    ['load', sub {
        my $part = substr($tar, 0, 65536);
        "POST /v1.41/images/load?quiet=1 HTTP/1.1\r\nHost: x\r\n"
        . "Content-Type: application/x-tar\r\nTransfer-Encoding: chunked\r\n\r\n"
        . sprintf('%x', length $part) . "\r\n$part\r\n" }, 0],
    ['cp out', sub {
        "GET /v1.41/containers/$ticker/archive?path=/bin/busybox HTTP/1.1\r\n"
        . "Host: x\r\n\r\n" }, 1],
    ['cp in', sub {
        my $part = substr($tar, 0, 32768);
        "PUT /v1.41/containers/$sink/archive?path=/tmp HTTP/1.1\r\n"
        . "Host: x\r\nContent-Type: application/x-tar\r\n"
        . "Content-Length: 1048576\r\n\r\n$part" }, 0],
);

# one batch: connect all, send, wait for progress, abort
sub batch {
    my ($n, $first, $stats) = @_;
    my (@c, %by_fh);
    local $SIG{PIPE} = 'IGNORE';
    for my $i (0 .. $n - 1) {
        my $k = $KINDS[($first + $i) % @KINDS];
        my $s = raw_connect($port);
        if (!$s) {
            $stats->{connect_failed}++;
            next;
        }
        $s->blocking(0);
        my $req = $k->[1]->();
        my $w = syswrite($s, $req);
        my $c = { s => $s, kind => $k->[0], wait => $k->[2], got => 0,
            rst => ($first + $i) % 2, left => length($req) - ($w // 0),
            req => $req, t => time };
        push @c, $c;
        $by_fh{"$s"} = $c;
    }
    # finish the writes, then read until every waiting client has bytes
    my $deadline = time + 10;
    my $sel = IO::Select->new(map { $_->{s} } @c);
    while (time < $deadline) {
        for my $c (grep { $_->{left} > 0 } @c) {
            my $w = syswrite($c->{s}, $c->{req},
                $c->{left}, length($c->{req}) - $c->{left});
            $c->{left} -= $w if $w;
        }
        my @pending = grep { ($_->{wait} && !$_->{got}) || $_->{left} > 0 }
            @c;
        last unless @pending;
        for my $fh ($sel->can_read(0.1)) {
            my $c = $by_fh{"$fh"};
            my $r = sysread($fh, my $buf, 65536);
            if ($r) {
                $c->{got} += $r;
            } else {
                $c->{eof} = 1;
                $c->{got} ||= -1;
                $sel->remove($fh);
            }
        }
    }
    # clients that send a body: a moment for nginx and dockerd to start
    sleep 0.05;
    for my $c (@c) {
        $stats->{kinds}{ $c->{kind} }++;
        $stats->{no_progress}{ $c->{kind} }++ if $c->{wait} && $c->{got} <= 0;
        $stats->{closed_by_server}{ $c->{kind} }++ if $c->{eof};
        if ($c->{rst}) {
            setsockopt($c->{s}, SOL_SOCKET, SO_LINGER, pack('ii', 1, 0));
            $stats->{rst}++;
        } else {
            $stats->{fin}++;
        }
        close $c->{s};
    }
}

sub storm {
    my ($total) = @_;
    my %stats;
    my $t = time;
    for (my $i = 0; $i < $total; $i += $BATCH) {
        batch($BATCH < $total - $i ? $BATCH : $total - $i, $i, \%stats);
    }
    $stats{seconds} = time - $t;
    return \%stats;
}

sub summary {
    my ($s) = @_;
    return sprintf '%.1f s; %s; FIN %d, RST %d%s', $s->{seconds},
        join(', ', map { "$_ $s->{kinds}{$_}" } sort keys %{ $s->{kinds} }),
        $s->{fin} // 0, $s->{rst} // 0,
        %{ $s->{no_progress} || {} }
            ? '; no progress: ' . join(', ', map { "$_ $s->{no_progress}{$_}" }
                sort keys %{ $s->{no_progress} })
            : '';
}

sub snapshot {
    return { fd => fd_count($worker), rss => rss_kb($worker) };
}

# warm up: one of each kind, to its end or aborted, so that the worker's
# pools, keepalive cache and lazily allocated state exist before the
# baseline
storm(scalar @KINDS);
ok(settle(sub { active() == 1 }, 30), 'warm-up: no connection left');
sleep 1;
my $base = snapshot();
diag("baseline: $base->{fd} descriptors, RSS $base->{rss} kB");

my @after;
for my $round (1, 2) {
    my $n = int($TOTAL / 2);
    $ng->mark_logs;
    my $s = storm($n);
    diag("storm $round: " . summary($s));
    is($s->{connect_failed} // 0, 0, "storm $round: every client connected");
    my $slow = 0;
    $slow += $_ for values %{ $s->{no_progress} || {} };
    cmp_ok($slow, '<=', $n / 50,
        "storm $round: streams were under way before the abort");
    ok(settle(sub { active() == 1 }, 30),
        "storm $round: nginx closed every aborted connection")
        or diag('active connections: ' . active());
    my $ok = settle(sub { fd_count($worker) <= $base->{fd} + $KEEPALIVE }, 30);
    my $snap = snapshot();
    ok($ok, "storm $round: worker descriptors back near the baseline "
        . "($snap->{fd}, baseline $base->{fd}, keepalive $KEEPALIVE)")
        or system("ls -l /proc/$worker/fd >&2");
    diag("after storm $round: $snap->{fd} descriptors, RSS $snap->{rss} kB");
    push @after, $snap;
    is(worker_pid($ng), $worker, "storm $round: the same worker");
}

# memory: what the first storm allocated is reused by the second
SKIP: {
    skip 'ASan runtime in the worker: RSS includes its quarantine', 2
        if sanitized($worker);
    cmp_ok($after[0]{rss} - $base->{rss}, '<', 16 * 1024,
        'RSS after the first storm within 16 MB of the baseline');
    cmp_ok($after[1]{rss} - $after[0]{rss}, '<', 2 * 1024,
        'RSS does not grow from the first storm to the second (< 2 MB)')
        or diag("RSS: $base->{rss} -> $after[0]{rss} -> $after[1]{rss} kB");
}

# still serving, through the module and straight
my ($st, undef, $body) = http_request($port, 'GET',
    "/v1.41/containers/$ticker/logs?stdout=1&tail=3");
is($st, 200, 'nginx serves logs after the storms');
like($body, qr/tick/, 'with the container output');
($rc, $out, $err) = docker({ timeout => 30 }, 'run', '--rm', '--network',
    'none', $image, 'echo', 'still here');
is($out, "still here\n", 'docker run (attach, hijack) after the storms')
    or diag $err;
($rc, $out) = docker('pull', "$registry/sockerless/test:1");
is($rc, 0, 'docker pull after the storms');
ok(scalar unix_request('GET', '/_ping'), 'dockerd is fine');
unlike($ng->error_log, qr/exited on signal|\[alert\]|\[emerg\]/,
    'no crash, no alert in the error log');

done_testing();
