#!/usr/bin/perl
# nginx reload with a hijacked session open: after SIGHUP to
# the master (nginx -s reload), the open session keeps echoing on the
# old worker, a new session works (on the new worker), the old session
# ends cleanly, and the old worker exits once its last session is over.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Sockerless::Test;
use Sockerless::Hijack;
use Time::HiRes qw(time sleep);

module_only();

my $ng = start_nginx();
my $port = $ng->port;
my $image = test_image();
my $c = exec_target('reload');
my ($rc, $out, $err);

sub worker_pids { $ng->error_log =~ /start worker process (\d+)/g }

my ($old_worker) = worker_pids();
ok($old_worker, "the first worker's pid ($old_worker)");

# a session open across the reload
my $id = exec_create($c, AttachStdin => 1, Cmd => ['cat']);
my $s = hijack_open($port, 'POST', "/v1.41/exec/$id/start",
    body => '{"Detach":false,"Tty":false}');
is($s && $s->{status}, 101, 'a session: 101 UPGRADED');
$s->put("before\n");
ok($s->read_until(qr/before\n/, 10), 'the session echoes');

# reload
open my $fh, '<', $ng->dir . '/nginx.pid' or die "nginx.pid: $!";
chomp(my $master = <$fh> // '');
close $fh;
ok($master && kill('HUP', $master), "SIGHUP to the master ($master)");
ok(wait_until(sub { (my @p = worker_pids()) >= 2 }, 10),
    'a new worker started');
my $new_worker = (worker_pids())[-1];
ok(wait_until(sub { $ng->error_log =~ /gracefully shutting down/ }, 10),
    'the old worker shuts down gracefully');
ok(kill(0, $old_worker), 'the old worker lives on while the session is open');

# the open session still relays, both ways
$s->put("after reload\n");
ok(wait_until(sub { $s->read_until(qr/after reload\n/, 0.2);
        $s->stdout_so_far eq "before\nafter reload\n" }, 10),
    'the open session still echoes after the reload');

# a new session after the reload, with each docker CLI installed
for_each_cli(sub {
    ($rc, $out, $err) = docker({ stdin => "new session\n" }, 'exec', '-i', $c, 'cat');
    is($rc, 0, 'a new docker exec -i after the reload: exit 0') or diag $err;
    is($out, "new session\n", 'a new docker exec -i after the reload: echoes');
    ($rc, $out) = docker('exec', $c, 'sh', '-c', 'exit 3');
    is($rc, 3, 'a new docker exec after the reload: exit code 3');
});

ok(kill(0, $new_worker), "the new worker ($new_worker) is running");

# the old session ends cleanly
$s->put("last words\n");
$s->shutdown_write;
my $raw = $s->read_all(15);
ok($s->{eof}, 'the old session reaches its EOF after the half-close');
my ($o, $e, $whole) = demux($raw);
ok($whole, 'the old session: whole frames');
is($o, "before\nafter reload\nlast words\n", 'the old session: every byte echoed');
$s->done;

ok(wait_until(sub { !kill(0, $old_worker) }, 10),
    'the old worker exits once its last session ended');

my @alerts = $ng->error_log =~ /^(.*\[(?:alert|crit|emerg)\].*)$/mg;
is(scalar @alerts, 0, 'error log: no [alert], [crit] or [emerg]')
    or diag join "\n", @alerts;

done_testing();
