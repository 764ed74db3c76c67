#!/usr/bin/perl
# The health endpoint (sockerless_health): 200 with the API version when
# dockerd answers /_ping, 503 with a Docker-style message when it does
# not (refused, no socket, no answer in sockerless_health_timeout).  One
# probe per sockerless_health_interval, however many pollers: the ones
# that come during a probe wait for it.  A failure is logged once.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Sockerless::Test;
use Sockerless::Fault qw(fake_daemon bump);
use Sockerless::Observe qw(scrape value);
use File::Temp qw(tempdir);
use IO::Socket::INET;
use IO::Select;
use Time::HiRes qw(time sleep);

module_only();

my $tmp = tempdir('sockerless-health-XXXXXX', TMPDIR => 1, CLEANUP => 1);
my $fwd = unix_forwarder($ENV{DOCKER_SOCK});
my $fast = unix_forwarder($ENV{DOCKER_SOCK});
# accepts, counts, never answers: reads until nginx gives up
my $mute = fake_daemon(sub {
    my ($c, $n, $dir) = @_;
    bump($dir, 'probe');
    1 while sysread($c, my $buf, 4096);
});

my $ng = start_nginx(server => <<"EOF");
        location = /health {
            sockerless_health unix:@{[ $fwd->path ]};
        }
        location = /health-fast {
            sockerless_health unix:@{[ $fast->path ]};
            sockerless_health_interval 200ms;
        }
        location = /health-none {
            sockerless_health unix:$tmp/nothing.sock;
        }
        location = /health-mute {
            sockerless_health unix:@{[ $mute->path ]};
            sockerless_health_timeout 500ms;
        }
        location = /health-up {
            sockerless_health dockerd;
        }
        location = /metrics {
            sockerless_metrics;
        }
EOF
my $port = $ng->port;

# dockerd's own answer
my ($ps, $ph) = unix_request('GET', '/_ping');
my $api = $ph->{'api-version'};
ok($api, "dockerd's /_ping says API-Version $api");

my ($s, $h, $body) = http_request($port, 'GET', '/health');
is($s, 200, 'GET /health: 200');
like($h->{'content-type'}, qr{^application/json}, 'a JSON answer');
my $j = eval { decode_json($body) } || {};
is($j->{status}, 'ok', '{"status":"ok"}');
is($j->{api_version}, $api, "with dockerd's API version ($api)");

($s, $h, $body) = http_request($port, 'GET', '/health-up');
is($s, 200, 'an upstream block by name: 200');

($s, $h, $body) = http_request($port, 'HEAD', '/health');
is($s, 200, 'HEAD /health: 200');
is($body, '', 'HEAD: no body');

($s) = http_request($port, 'POST', '/health', body => 'x');
is($s, 405, 'POST /health: 405');

# within the interval: the probe's result, no new probe
my $n = $fwd->accepted;
for (1 .. 10) {
    ($s) = http_request($port, 'GET', '/health');
}
is($s, 200, 'ten more polls: 200');
cmp_ok($fwd->accepted - $n, '<=', 1,
    'ten polls within the interval: at most one probe');

# $n pollers at once, each on its own connection: their answers
sub polls {
    my ($path, $n) = @_;
    my @socks = grep { $_ } map {
        IO::Socket::INET->new(PeerAddr => "127.0.0.1:$port", Timeout => 5)
    } 1 .. $n;
    syswrite($_, "GET $path HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        for @socks;
    my @resp;
    for my $c (@socks) {
        my $resp = '';
        my $sel = IO::Select->new($c);
        while ($sel->can_read(10)) {
            my $r = sysread($c, my $buf, 4096) or last;
            $resp .= $buf;
        }
        push @resp, $resp;
        close $c;
    }
    return @resp;
}

sub codes { join ' ', map { (m{^HTTP/1\.1 (\d+)})[0] // 0 } @_ }

# many pollers at once after the interval: one probe for all
sleep 1.2;
$n = $fwd->accepted;
my @resp = polls('/health', 50);
is(codes(@resp), join(' ', (200) x 50), '50 pollers at once: 200 each');
is($fwd->accepted - $n, 1, '50 pollers at once: one probe of dockerd');

# a shorter interval: a probe for each poll that comes after it
$n = $fast->accepted;
for (1 .. 5) {
    http_request($port, 'GET', '/health-fast');
    sleep 0.3;
}
cmp_ok($fast->accepted - $n, '>=', 4,
    'sockerless_health_interval 200ms: a probe per poll 300 ms apart');

# dockerd gone: 503 with a Docker-style message, said once in the log
$ng->mark_logs;
$fwd->stop;
sleep 1.2;
for (1 .. 3) {
    ($s, $h, $body) = http_request($port, 'GET', '/health');
    sleep 1.1;
}
is($s, 503, 'dockerd gone: 503');
like($h->{'content-type'}, qr{^application/json}, 'a JSON answer');
$j = eval { decode_json($body) } || {};
like($j->{message} // '', qr/^Cannot connect to the Docker daemon at unix:/,
    'its message: Cannot connect to the Docker daemon ...')
    or diag $body;
my @said = $ng->error_log_since =~ /\[warn\].*sockerless health: (.*)$/mg;
is(scalar @said, 1, 'the failure is logged once, not at every probe')
    or diag join "\n", @said;
unlike($ng->error_log_since, qr/\[(?:alert|crit|emerg)\]/,
    'no alert or crit for a failed probe');

($s, $h, $body) = http_request($port, 'GET', '/health-none');
is($s, 503, 'no socket: 503');
like($body, qr/No such file or directory/, 'its message names the error');

# dockerd that accepts and says nothing: 503 after the timeout, and the
# pollers that came meanwhile waited for that one probe
my $t0 = time;
@resp = polls('/health-mute', 10);
is(codes(@resp), join(' ', (503) x 10), 'a mute dockerd: 503 for each of 10');
like($resp[0], qr/sent nothing for 500 ms/, 'a mute dockerd: the timeout');
my $took = time - $t0;
cmp_ok($took, '<', 5, sprintf 'after the timeout (%.1f s)', $took);
is($mute->count('probe'), 1, 'a mute dockerd: one probe for the 10');

my (undef, $m) = scrape($port, '/metrics');
cmp_ok(value($m, 'sockerless_health_probes_total', result => 'ok'), '>=', 3,
    'health_probes_total{result="ok"} counts');
cmp_ok(value($m, 'sockerless_health_probes_total', result => 'failed'), '>=',
    3, 'health_probes_total{result="failed"} counts');

done_testing();
