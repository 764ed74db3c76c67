#!/usr/bin/perl
# 200 hijacked sessions at once on one nginx worker: 200 exec
# sessions of `cat`, opened together from this one process, each fed a
# distinct input through a select loop, half-closed, read to EOF: every
# output equals its input, every exec exits 0, and nginx logged no
# [alert], [crit] or [emerg].  Then, with the sessions gone, the worker
# still serves a docker exec and holds no file of them.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Sockerless::Test;
use Sockerless::Hijack;
use IO::Select;
use Socket qw(SHUT_WR);
use Time::HiRes qw(time sleep);

my $N = $ENV{SOCKERLESS_HIJACK_SESSIONS} || 200;

my $ng = start_nginx();
my $port = $ng->port;
my $image = test_image();
my $c = exec_target('many');
my ($rc, $out, $err);
$ng->mark_logs unless $ng->is_reference;

# the worker's open files, to see that the sessions leave none behind
my ($worker) = $ng->is_reference ? () : $ng->error_log =~ /start worker process (\d+)/;
sub open_fds {
    return undef unless $worker && opendir my $d, "/proc/$worker/fd";
    return scalar grep { /^\d+$/ } readdir $d;
}
my $fds_before = open_fds();

my $t0 = time;
my @ids = map { exec_create($c, AttachStdin => 1, Cmd => ['cat']) } 1 .. $N;
is(scalar(grep { /^[0-9a-f]{64}$/ } @ids), $N, "$N execs created");
note sprintf 'exec create: %.1f s', time - $t0;

# all sessions open at the same time
$t0 = time;
my @s;
for my $i (0 .. $N - 1) {
    my $s = hijack_open($port, 'POST', "/v1.41/exec/$ids[$i]/start",
        body => '{"Detach":false,"Tty":false}');
    push @s, $s;
}
is(scalar(grep { $_ && $_->{status} == 101 } @s), $N,
    "$N sessions open at once, each 101 UPGRADED");
note sprintf 'exec start: %.1f s', time - $t0;

# distinct inputs, written and read in one select loop
my (@in, @pending, @got, %idx);
my $rsel = IO::Select->new;
my $wsel = IO::Select->new;
for my $i (0 .. $N - 1) {
    my $s = $s[$i] or next;
    my $fh = $s->fh;
    $fh->blocking(0);
    $in[$i] = "session $i\n" . join('', map { chr(32 + ($i * 7 + $_) % 95) }
        0 .. 2000 + 37 * $i) . "\nend of $i\n";
    $pending[$i] = $in[$i];
    $got[$i] = $s->{buf};
    $idx{fileno $fh} = $i;
    $rsel->add($fh);
    $wsel->add($fh);
}
$t0 = time;
my $deadline = time + 90;
local $SIG{PIPE} = 'IGNORE';
while (($rsel->count || $wsel->count) && time < $deadline) {
    my ($r, $w) = IO::Select::select($rsel, $wsel, undef, 1);
    for my $fh (@{ $w || [] }) {
        my $i = $idx{fileno $fh};
        my $n = syswrite($fh, $pending[$i]);
        if (!defined $n) {
            next if $!{EAGAIN};
            $pending[$i] = '';
        } else {
            substr($pending[$i], 0, $n, '');
        }
        if (!length $pending[$i]) {
            $wsel->remove($fh);
            shutdown($fh, SHUT_WR);
        }
    }
    for my $fh (@{ $r || [] }) {
        my $i = $idx{fileno $fh};
        my $n = sysread($fh, my $buf, 65536);
        next if !defined $n && $!{EAGAIN};
        if ($n) {
            $got[$i] .= $buf;
        } else {
            $rsel->remove($fh);
            $wsel->remove($fh);
        }
    }
}
note sprintf 'relay of %d sessions: %.1f s', $N, time - $t0;
is($rsel->count, 0, 'every session reached its EOF')
    or diag $rsel->count . ' sessions still open';

my @bad;
for my $i (0 .. $N - 1) {
    my ($o, $e, $ok) = demux($got[$i] // '');
    push @bad, $i unless $ok && $e eq '' && defined $in[$i] && $o eq $in[$i];
}
is(scalar @bad, 0, "all $N outputs equal their distinct inputs")
    or diag "wrong output in sessions @bad[0 .. ($#bad > 9 ? 9 : $#bad)]";
$_->done for grep { $_ } @s;

# the exit codes, as the CLI would read them
my @codes = map {
    my ($st, $j) = api('GET', "/v1.41/exec/$_/json");
    ref $j ? ($j->{Running} ? 'running' : $j->{ExitCode}) : "status $st"
} @ids;
is(scalar(grep { defined && $_ eq '0' } @codes), $N, "all $N execs exited 0")
    or diag explain { map { $_ => 1 } @codes };

# the worker is fine afterwards, with each docker CLI installed
for_each_cli(sub {
    ($rc, $out) = docker({ stdin => "after\n" }, 'exec', '-i', $c, 'cat');
    is($out, "after\n", 'after the crowd: docker exec -i still works');
});

SKIP: {
    skip 'reference mode: no nginx worker', 1 unless defined $fds_before;
    # idle upstream keepalive connections may stay (16 at most)
    ok(wait_until(sub { open_fds() <= $fds_before + 16 }, 10),
        'the worker holds no file of the sessions afterwards')
        or diag 'open files: ' . open_fds() . " (before: $fds_before)";
}

SKIP: {
    skip 'reference mode: no nginx error log', 2 if $ng->is_reference;
    my $log = $ng->error_log_since;
    my @alerts = $log =~ /^(.*\[(?:alert|crit|emerg)\].*)$/mg;
    is(scalar @alerts, 0, 'error log: no [alert], [crit] or [emerg]')
        or diag join "\n", @alerts[0 .. ($#alerts > 9 ? 9 : $#alerts)];
    unlike($log, qr/worker_connections are not enough/,
        'error log: worker_connections sufficed');
}

done_testing();
