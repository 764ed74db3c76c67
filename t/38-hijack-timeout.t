#!/usr/bin/perl
# sockerless_stream_idle_timeout on hijacked sessions:
#   - 2s: an attached session with no traffic is closed after about 2 s;
#     traffic either way (client input, or output of the process) keeps
#     a session open past it;
#   - default (off): a session idle for 5 s still works, and so does a
#     docker exec whose process is silent for 5 s.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Sockerless::Test;
use Sockerless::Hijack;
use Time::HiRes qw(time sleep);

module_only();

my $plain = start_nginx();
my $timed = start_nginx(location => 'sockerless_stream_idle_timeout 2s;',
    current => 0);
my $image = test_image();
my $c = exec_target('idle');
my ($rc, $out, $err);
my $nostream = '{"Detach":false,"Tty":false}';

sub session {
    my ($ng, @cmd) = @_;
    my $id = exec_create($c, AttachStdin => 1, Cmd => [@cmd]);
    my $s = hijack_open($ng->port, 'POST', "/v1.41/exec/$id/start",
        body => $nostream);
    return ($s && $s->{status} == 101) ? $s : undef;
}

# the three timed sessions run side by side
my $idle = session($timed, 'cat');
my $typing = session($timed, 'cat');
my $ticking = session($timed, 'sh', '-c',
    'while :; do echo tick; sleep 0.5; done');
ok($idle && $typing && $ticking, 'idle timeout 2s: three sessions open');

SKIP: {
    skip 'sessions did not open', 9 unless $idle && $typing && $ticking;

    $idle->put("ping\n");
    ok($idle->read_until(qr/ping\n/, 10), 'idle session: echoes first');
    my $t0 = time;

    # typing: input every 0.7 s for 5 s; ticking: output only
    my $typed = '';
    my $n = 0;
    while (time - $t0 < 5) {
        my $line = 'key ' . $n++ . "\n";
        $typed .= $line;
        $typing->put($line);
        $idle->read_until(qr/\z(?!)/, 0.7) unless $idle->{eof};
        $idle->{closed_after} //= time - $t0 if $idle->{eof};
        $ticking->read_until(qr/\z(?!)/, 0.01);
        $typing->read_until(qr/\z(?!)/, 0.01);
    }
    $idle->read_all(5) unless $idle->{eof};
    $idle->{closed_after} //= time - $t0 if $idle->{eof};

    ok($idle->{eof}, 'idle session: closed by the module');
    my $after = $idle->{closed_after} // 99;
    ok($after > 1.5 && $after < 4.5,
        sprintf('idle session: closed after about 2 s (%.1f s)', $after));

    ok(!$typing->{eof}, 'a session with client input every 0.7 s: open at 5 s');
    $typing->put("still typing\n");
    ok($typing->read_until(qr/still typing\n/, 5),
        'the typing session still echoes at 5 s');
    is($typing->stdout_so_far, $typed . "still typing\n",
        'the typing session: every byte echoed');

    ok(!$ticking->{eof}, 'a session with output every 0.5 s: open at 5 s');
    my $ticks = () = $ticking->stdout_so_far =~ /tick\n/g;
    my $before = $ticks;
    ok($ticking->read_until(qr/(?:tick\n[\s\S]*){@{[$before + 2]}}/, 5),
        'the ticking session still delivers output');
    cmp_ok($ticks, '>=', 8, "the ticking session: output all along ($ticks ticks)");
}
$_ && $_->done for $idle, $typing, $ticking;

# default: no idle limit, with each docker CLI installed
for_each_cli(sub {
    {
        # a docker exec whose process is silent for 5 s, meanwhile
        my $p = docker_spawn('exec', $c, 'sh', '-c', 'sleep 5; echo woke; exit 2');
        my $s = session($plain, 'cat');
        ok($s, 'no idle timeout: a session');
        SKIP: {
            skip 'no session', 4 unless $s;
            $s->put("first\n");
            ok($s->read_until(qr/first\n/, 10), 'no idle timeout: echoes');
            $s->read_until(qr/\z(?!)/, 5);
            ok(!$s->{eof}, 'no idle timeout: open after 5 s of silence');
            $s->put("second\n");
            $s->shutdown_write;
            my ($o, $e, $whole) = demux($s->read_all(10));
            ok($s->{eof}, 'no idle timeout: EOF after the half-close');
            is($o, "first\nsecond\n", 'no idle timeout: still echoes after 5 s idle');
            $s->done;
        }

        is($p->wait(20), 2, 'no idle timeout: docker exec silent for 5 s: exit 2');
        is($p->output, "woke\n", 'no idle timeout: docker exec silent for 5 s: output');
    }
});

my @alerts = map { $_->error_log =~ /^(.*\[(?:alert|crit|emerg)\].*)$/mg }
    $plain, $timed;
is(scalar @alerts, 0, 'error logs: no [alert], [crit] or [emerg]')
    or diag join "\n", @alerts;

done_testing();
