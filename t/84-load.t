#!/usr/bin/perl
# [reliability] Load: 64 clients, each in a loop of
#   create -> start -> exec (hijacked, output checked) -> logs (checked)
#   -> remove
# for RELIABILITY_LOAD_SECONDS (default 60; the issue's soak is 300)
# through the module, then the same run straight against dockerd's
# socket.  Through the module there is no kind of error that the direct
# run does not show too, and the nginx worker's descriptors and memory
# are back where they were once the load is over (the worker keeps at
# most its idle keepalive connections).
#
# Both runs go to a dockerd of this test's own (Sockerless::Fault's
# own_dockerd), killed at the end: dockerd 20.10 under 64 clients
# straight on its socket can wedge (removes that never answer, after
# which even swarm init hangs), and a wedged daemon must not be the one
# the later tests share.
#
# RELIABILITY_LOAD_CLIENTS (default 64), RELIABILITY_LOAD_SECONDS,
# RELIABILITY_DIRECT_SECONDS (default: the same as the load) set the run;
# RELIABILITY_DIRECT_SECONDS=0 skips the direct run (then any error
# fails).

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use File::Temp qw(tempdir);
use POSIX qw(_exit);
use Time::HiRes qw(time sleep);
use Sockerless::Test;
use Sockerless::Hijack;
use Sockerless::Fault;

module_only();

my $CLIENTS = $ENV{RELIABILITY_LOAD_CLIENTS} || 64;
my $SECONDS = $ENV{RELIABILITY_LOAD_SECONDS} || 60;
my $DIRECT = $ENV{RELIABILITY_DIRECT_SECONDS} // $SECONDS;
my $KEEPALIVE = 16;

my $image = test_image();
my $run = unique_name('load');
my $own = own_dockerd();
diag(sprintf 'own dockerd in %s, up in %.1f s', $own->dir,
    $own->{start_seconds});
my $ng = start_nginx(upstream_keepalive => $KEEPALIVE,
    upstream_server => 'unix:' . $own->sock, server => <<'EOF');
        location = /nginx-status {
            stub_status;
        }
EOF
my $worker = worker_pid($ng);
my %via = (port => $ng->port);
my %direct = (port => 0, sock => $own->sock);

sub active {
    my (undef, undef, $b) = http_request($ng->port, 'GET', '/nginx-status');
    return $b =~ /Active connections:\s*(\d+)/ ? $1 : -1;
}


# an error, with what differs from one loop to the next taken out
sub kind {
    my ($op, $st, $body) = @_;
    my $msg = ref $body ? ($body->{message} // '') : ($body // '');
    $msg =~ s/[0-9a-f]{12,64}/<id>/g;
    $msg =~ s/slt-[\w-]+/<name>/g;
    $msg =~ s/\d+/<n>/g;
    return "$op: $st " . substr($msg, 0, 100);
}

# one client, to %$to (port => N, or sock => path): loops until the
# deadline; returns {loops, ops, errors}
sub client {
    my ($to, $until, $me) = @_;
    my %r = (loops => 0, ops => 0, errors => {});
    my $err = sub { $r{errors}{ kind(@_) }++; return 0 };
    my $n = 0;
    while (time < $until) {
        $n++;
        my $name = "$run-$me-$n";
        my $word = "hello-$me-$n";
        my ($st, $j) = api('POST', "/v1.41/containers/create?name=$name",
            { Image => $image, Cmd => ['sh', '-c', "echo $word; sleep 60"],
              Labels => { 'slt.load' => $run },
              HostConfig => { NetworkMode => 'none' } },
            %$to, timeout => 120);
        $r{ops}++;
        if ($st != 201) { $err->('create', $st, $j); next; }
        my $id = $j->{Id};
        LOOP: {
            ($st, $j) = api('POST', "/v1.41/containers/$id/start", undef,
                %$to, timeout => 120);
            $r{ops}++;
            if ($st != 204) { $err->('start', $st, $j); last LOOP; }

            ($st, $j) = api('POST', "/v1.41/containers/$id/exec",
                { AttachStdout => JSON::PP::true, AttachStderr => JSON::PP::true,
                  Cmd => ['echo', "exec-$word"] }, %$to,
                timeout => 120);
            $r{ops}++;
            if ($st != 201) { $err->('exec create', $st, $j); last LOOP; }
            my $s = hijack_open($to->{port}, 'POST',
                "/v1.41/exec/$j->{Id}/start", sock => $to->{sock},
                body => '{"Detach":false,"Tty":false}', timeout => 120);
            $r{ops}++;
            if (!$s || $s->{status} != 101) {
                $err->('exec start', $s ? $s->{status} : 'connect', $s ? $s->{buf} : '');
                last LOOP;
            }
            my $all = $s->read_all(120);
            $s->done;
            my ($out) = demux($all);
            if ($out ne "exec-$word\n") {
                $err->('exec output', 'wrong', $s->{eof} ? 'eof' : 'no eof');
                last LOOP;
            }

            my $logs = '';
            for my $try (1 .. 10) {
                my ($lst, undef, $b) = http_request($to->{port}, 'GET',
                    "/v1.41/containers/$id/logs?stdout=1", %$to,
                    timeout => 120);
                $r{ops}++;
                if ($lst != 200) { $err->('logs', $lst, $b); last LOOP; }
                $logs = (demux($b))[0];
                last if $logs =~ /\Q$word\E/;
                sleep 0.2;
            }
            if ($logs !~ /\Q$word\E/) {
                $err->('logs output', 'missing', '');
                last LOOP;
            }
        }
        ($st, $j) = api('DELETE', "/v1.41/containers/$id?force=1", undef,
            %$to, timeout => 120);
        $r{ops}++;
        if ($st != 204) { $err->('remove', $st, $j); next; }
        $r{loops}++;
    }
    return \%r;
}

# $CLIENTS processes for $seconds against %$to; samples the worker
sub run_load {
    my ($to, $seconds, $sample) = @_;
    my $dir = tempdir('sockerless-load-XXXXXX', TMPDIR => 1, CLEANUP => 1);
    my $until = time + $seconds;
    my @kids;
    for my $i (1 .. $CLIENTS) {
        my $pid = fork // die "fork: $!";
        if ($pid == 0) {
            my $r = eval { client($to, $until, $i) }
                || { loops => 0, ops => 0, errors => { "died: $@" => 1 } };
            open my $fh, '>', "$dir/$i.json";
            print $fh encode_json($r);
            close $fh;
            _exit(0);
        }
        push @kids, $pid;
    }
    my @samples;
    my $t0 = time;
    while (grep { waitpid($_, POSIX::WNOHANG()) == 0 } @kids) {
        push @samples, $sample->() if $sample;
        last if time > $until + 130;
        sleep 2;
    }
    kill 'KILL', @kids;
    waitpid($_, 0) for @kids;
    my %total = (loops => 0, ops => 0, errors => {}, seconds => time - $t0,
        samples => \@samples);
    for my $i (1 .. $CLIENTS) {
        open my $fh, '<', "$dir/$i.json" or do {
            $total{errors}{'client gave no result'}++;
            next;
        };
        my $r = decode_json(do { local $/; <$fh> });
        $total{loops} += $r->{loops};
        $total{ops} += $r->{ops};
        $total{errors}{$_} += $r->{errors}{$_} for keys %{ $r->{errors} };
    }
    return \%total;
}

sub report {
    my ($what, $r) = @_;
    my $e = 0;
    $e += $_ for values %{ $r->{errors} };
    diag(sprintf "%s: %d clients, %.0f s: %d loops, %d requests, %d errors",
        $what, $CLIENTS, $r->{seconds}, $r->{loops}, $r->{ops}, $e);
    diag("  $_ x$r->{errors}{$_}") for sort keys %{ $r->{errors} };
}

# warm-up: a few loops through the module, then the baseline
my $warm = run_load_small();
sub run_load_small {
    my $r = client(\%via, time + 3, 0);
    return $r;
}
ok($warm->{loops} > 0, 'warm-up loops through the module')
    or diag explain $warm;
ok(settle(sub { active() == 1 }, 30), 'warm-up: no connection left');
my %base = (fd => fd_count($worker), rss => rss_kb($worker));
diag("baseline: $base{fd} descriptors, RSS $base{rss} kB");

my $via = run_load(\%via, $SECONDS,
    sub { [time, fd_count($worker), rss_kb($worker)] });
report('through the module', $via);
my ($peak_fd, $peak_rss) = (0, 0);
for (@{ $via->{samples} }) {
    $peak_fd = $_->[1] if $_->[1] > $peak_fd;
    $peak_rss = $_->[2] if $_->[2] > $peak_rss;
}
diag("during the load: up to $peak_fd descriptors, RSS up to $peak_rss kB");
# a client stops after the loop in which the deadline passes: each goes
# round at least once (a short soak, as under SANITIZE=1, may give one
# loop each); the errors are judged below
cmp_ok($via->{loops}, '>=', $CLIENTS,
    'through the module: every client went round at least once');

ok(settle(sub { active() == 1 }, 60), 'after the load: no connection left')
    or diag('active: ' . active());
my $fd_ok = settle(sub { fd_count($worker) <= $base{fd} + $KEEPALIVE }, 30);
my %after = (fd => fd_count($worker), rss => rss_kb($worker));
diag("after the load: $after{fd} descriptors, RSS $after{rss} kB");
ok($fd_ok, "descriptors back at the baseline ($after{fd}, baseline $base{fd} "
    . "+ up to $KEEPALIVE idle keepalive connections)")
    or system("ls -l /proc/$worker/fd >&2");
SKIP: {
    skip 'ASan runtime in the worker: RSS includes its quarantine', 1
        if sanitized($worker);
    cmp_ok($after{rss} - $base{rss}, '<', 8 * 1024,
        "RSS back near the baseline ($base{rss} -> $after{rss} kB, < 8 MB more)");
}
is(worker_pid($ng), $worker, 'the same worker');
unlike($ng->error_log, qr/exited on signal|\[alert\]|\[emerg\]/,
    'no crash, no alert');

SKIP: {
    skip 'no direct run (RELIABILITY_DIRECT_SECONDS=0)', 1 unless $DIRECT;
    my $direct = run_load(\%direct, $DIRECT);
    report('dockerd direct', $direct);
    my @extra = grep { !$direct->{errors}{$_} } sort keys %{ $via->{errors} };
    is_deeply(\@extra, [], 'through the module: no kind of error that '
        . 'dockerd direct does not show')
        or diag("only through the module:\n" . join("\n", @extra));
    # measure for the record how the two runs compare
    diag(sprintf 'loops: %d through the module, %d direct',
        $via->{loops}, $direct->{loops});
}
if (!$DIRECT) {
    is_deeply([ sort keys %{ $via->{errors} } ], [],
        'through the module: no error');
}

done_testing();
