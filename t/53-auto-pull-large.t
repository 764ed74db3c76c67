#!/usr/bin/perl
# Auto-pull of a large image (~200 MB of random data, pushed once to the
# registry of tools/testenv and kept there): the worker is not blocked
# while it pulls (/_ping answers in well under a second all along); five
# concurrent creates of the same missing image share one pull; a client
# that goes away during the pull cancels it (the pull's connection to
# dockerd is closed) and nginx keeps serving.
#
# SOCKERLESS_BIG_MB sets the size of the random layer (default 200).

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Sockerless::Test;
use Sockerless::Pull;
use File::Temp qw(tempdir);
use IO::Select;
use IO::Socket::INET;
use Time::HiRes qw(time sleep);

module_only();

my $reg = registry();
my $mb = $ENV{SOCKERLESS_BIG_MB} || 200;
my $ref = "$reg/sockerless/big-$mb:1";

my $nginx = start_nginx(
    log_format => '"$request" $status op=$sockerless_op '
        . 'pulled=[$sockerless_pulled] rt=$request_time');

sub remove_image {
    my ($r) = @_;
    # containers of the image first
    my ($st, $h, $b) = unix_request('GET', '/containers/json?all=1&filters='
        . url_encode(encode_json({ ancestor => [$r] })));
    my $list = eval { decode_json($b) } || [];
    for my $c (@$list) {
        unix_request('DELETE', "/containers/$c->{Id}?force=1");
    }
    docker_direct('rmi', '-f', $r);
    return !has_image($r);
}

# --- the large image, in the registry ----------------------------------------------

{
    my ($rport) = $reg =~ /:(\d+)$/;
    my ($st) = http_request($rport, 'HEAD', "/v2/sockerless/big-$mb/manifests/1",
        headers => [Accept =>
            'application/vnd.docker.distribution.manifest.v2+json']);
    if ($st != 200) {
        diag("building and pushing $ref ($mb MB, once per environment)");
        my $dir = tempdir('sockerless-big-XXXXXX', TMPDIR => 1, CLEANUP => 1);
        open my $fh, '>', "$dir/Dockerfile" or die "$dir/Dockerfile: $!";
        print $fh 'FROM ' . test_image() . "\n"
            . "RUN head -c ${mb}000000 /dev/urandom > /big\n";
        close $fh;
        my ($rc, $out, $err) = docker_direct({ timeout => 600 }, 'build',
            '-q', '-t', $ref, $dir);
        die "build $ref: $err" if $rc;
        ($rc, $out, $err) = docker_direct({ timeout => 900 }, 'push', $ref);
        die "push $ref: $err" if $rc;
    }
    ok(remove_image($ref), "$ref is in the registry, not in dockerd");
}
cleanup_image($ref);

# a create on its own connection, answered later
sub send_create {
    my ($name) = @_;
    cleanup_container($name);
    my $body = encode_json({ Image => $ref, Cmd => ['true'] });
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1:' . $nginx->port)
        or die "connect: $!";
    $s->autoflush(1);
    print $s "POST /v1.41/containers/create?name=$name HTTP/1.1\r\n"
        . "Host: localhost\r\nConnection: close\r\n"
        . "Content-Type: application/json\r\n"
        . 'Content-Length: ' . length($body) . "\r\n\r\n$body";
    return $s;
}

# reads what is there; true at EOF
sub pump {
    my ($s, $buf) = @_;
    my $n = sysread($s, my $chunk, 65536);
    return 1 unless $n;
    $$buf .= $chunk;
    return 0;
}

# a second nginx that pulls nothing: its /_ping during the pull shows what
# the machine's load alone costs (2 cores shared by dockerd, the registry,
# nginx and this script)
my $control = start_nginx(current => 0);

sub ping_ms {
    my ($n) = @_;
    my $t0 = time;
    my ($st) = http_request(($n // $nginx)->port, 'GET', '/_ping',
        timeout => 10);
    return ($st, 1000 * (time - $t0));
}

my $pull_seconds;

# --- /_ping while the worker pulls -------------------------------------------------

{
    # the same without a pull, for comparison
    my @base = map { (ping_ms())[1] } 1 .. 20;
    my @bs = sort { $a <=> $b } @base;
    my $bsum = 0;
    $bsum += $_ for @base;
    diag(sprintf '/_ping without a pull: 20 requests, avg %.1f ms, max %.1f ms',
        $bsum / 20, $bs[-1]);

    $nginx->mark_logs;
    my $t0 = time;
    my $s = send_create(unique_name('ping'));
    my $sel = IO::Select->new($s);
    my ($resp, @lat, @ctl, $bad) = ('');
    my $deadline = time + 600;
    while (time < $deadline) {
        if ($sel->can_read(0) && pump($s, \$resp)) {
            last;
        }
        my ($st, $ms) = ping_ms();
        $bad++ if $st != 200;
        push @lat, $ms;
        push @ctl, (ping_ms($control))[1];
        sleep 0.05;
    }
    $pull_seconds = time - $t0;
    my ($st, $h, $body) = parse_response($resp);
    is($st, 201, 'large image: created') or diag $body;
    ok(has_image($ref), 'large image: pulled into dockerd');
    my @sorted = sort { $a <=> $b } @lat;
    my $max = $sorted[-1] // 0;
    my $sum = 0;
    $sum += $_ for @lat;
    my $avg = @lat ? $sum / @lat : 0;
    my $p99 = @sorted ? $sorted[int(0.99 * $#sorted)] : 0;
    diag(sprintf '%d MB pull+create: %.1f s; /_ping during it: %d requests, '
        . 'avg %.1f ms, p99 %.1f ms, max %.1f ms', $mb, $pull_seconds,
        scalar @lat, $avg, $p99, $max);
    my @cs = sort { $a <=> $b } @ctl;
    my $csum = 0;
    $csum += $_ for @ctl;
    diag(sprintf 'control nginx (no pull) meanwhile: avg %.1f ms, max %.1f ms',
        @ctl ? $csum / @ctl : 0, $cs[-1] // 0);
    ok(@lat >= 5, 'pinged during the pull (' . scalar(@lat) . ' times)');
    ok(!$bad, '/_ping: 200 every time during the pull');
    cmp_ok($max, '<', 1000, '/_ping max latency during the pull < 1 s');
    like($nginx->error_log_since,
        qr/sockerless auto-pull of "\Q$ref\E": done in \d+ ms/,
        'large image: done in the error log');
}

# --- five concurrent creates, one pull ----------------------------------------------

{
    ok(remove_image($ref), 'large image removed again');
    $nginx->mark_logs;
    my @names = map { unique_name("five$_") } 1 .. 5;
    my @socks = map { send_create($_) } @names;
    my %resp = map { $_ => '' } @socks;
    my $sel = IO::Select->new(@socks);
    my $deadline = time + 600;
    while ($sel->count && time < $deadline) {
        for my $s ($sel->can_read(1)) {
            if (pump($s, \$resp{$s})) {
                $sel->remove($s);
                close $s;
            }
        }
    }
    my @st = map { (parse_response($resp{$_}))[0] } @socks;
    is_deeply(\@st, [(201) x 5], 'five concurrent creates: 201 each')
        or diag explain [map { $resp{$_} } @socks];
    for my $name (@names) {
        my ($ist) = unix_request('GET', "/containers/$name/json");
        is($ist, 200, "container $name exists");
    }
    my $log = $nginx->error_log_since;
    my @pulling = $log =~ /(sockerless auto-pull: pulling "\Q$ref\E")/g;
    my @done = $log =~ /(sockerless auto-pull of "\Q$ref\E": done)/g;
    is(scalar @pulling, 1, 'five concurrent creates: one "pulling" line');
    is(scalar @done, 1, 'five concurrent creates: one "done" line');
    wait_until(sub { my @l = $nginx->access_log_since =~ / 201 op=/g;
        @l >= 5 }, 5);
    my @pulled = $nginx->access_log_since
        =~ /( 201 op=ContainerCreate pulled=\[\Q$ref\E\])/g;
    is(scalar @pulled, 5, 'five creates: $sockerless_pulled set on each');
    for my $n (@names) {
        unix_request('DELETE', "/containers/$n?force=1");
    }
}

# --- a client that goes away during the pull ----------------------------------------

{
    ok(remove_image($ref), 'large image removed again');
    $nginx->mark_logs;
    my $s = send_create(unique_name('gone'));
    ok(wait_until(sub { $nginx->error_log_since
            =~ /sockerless auto-pull: pulling "\Q$ref\E"/ }, 30),
        'disconnect: the pull began');
    sleep(($pull_seconds // 4) / 4);
    my $t_close = time;
    close $s;
    ok(wait_until(sub { $nginx->error_log_since
            =~ /sockerless auto-pull of "\Q$ref\E": cancelled/ }, 10),
        'disconnect: "cancelled" in the error log')
        or diag $nginx->error_log_since =~ /(.*auto-pull.*)/g;
    diag(sprintf 'cancelled %.0f ms after the client closed',
        1000 * (time - $t_close));
    unlike($nginx->error_log_since,
        qr/sockerless auto-pull of "\Q$ref\E": (done|failed)/,
        'disconnect: the pull neither finished nor failed');

    my ($st, $ms) = ping_ms();
    is($st, 200, sprintf 'disconnect: nginx still serves (/_ping %.1f ms)', $ms);

    # dockerd sees its client go and abandons the pull
    sleep(($pull_seconds // 4) * 1.5 + 1);
    ok(!has_image($ref),
        'disconnect: dockerd abandoned the pull (the connection was closed)');
    unlike($nginx->error_log, qr/\[(alert|emerg)\]|worker process \d+ exited/,
        'no alert, no crashed worker');

    # the cancelled pull is gone: a new create pulls afresh
    $nginx->mark_logs;
    my ($cst, $h, $b) = http_request($nginx->port, 'POST',
        '/v1.41/containers/create?name=' . cleanup_container(unique_name('after')),
        headers => ['Content-Type' => 'application/json'],
        body => encode_json({ Image => $ref, Cmd => ['true'] }),
        timeout => 600);
    is($cst, 201, 'after the cancel: a new create pulls and creates') or diag $b;
    like($nginx->error_log_since,
        qr/sockerless auto-pull of "\Q$ref\E": done/,
        'after the cancel: a new pull, done');
}

# --- a reload during the pull: the old worker finishes it ---------------------------

{
    ok(remove_image($ref), 'large image removed again');
    $nginx->mark_logs;
    my $s = send_create(unique_name('reload'));
    ok(wait_until(sub { $nginx->error_log_since
            =~ /sockerless auto-pull: pulling "\Q$ref\E"/ }, 30),
        'reload: the pull began');
    $nginx->reload;
    my $resp = '';
    my $sel = IO::Select->new($s);
    my $deadline = time + 600;
    while (time < $deadline && $sel->can_read(10)) {
        last if pump($s, \$resp);
    }
    my ($st, $h, $body) = parse_response($resp);
    is($st, 201, 'reload during the pull: the create still succeeds')
        or diag $body;
    like($nginx->error_log_since, qr/gracefully shutting down/,
        'reload: the old worker was shutting down');
    like($nginx->error_log_since,
        qr/sockerless auto-pull of "\Q$ref\E": done/,
        'reload: the old worker finished the pull');
    my ($pst) = http_request($nginx->port, 'GET', '/_ping');
    is($pst, 200, 'reload: the new worker serves');
}

remove_image($ref);

done_testing();
