#!/usr/bin/perl
# Metrics: sockerless_metrics in Prometheus' text format, accepted by
# promtool, scraped every second by a real Prometheus (Debian's), with
# two worker processes and across "nginx -s reload": the counters it
# stores are the requests this test made.  Decisions (allow, deny, a dry
# run's would-deny), status classes, denial reasons, an upstream error,
# a hijacked exec (active while open, then ended by dockerd), duration
# histograms; secrets sent along never show.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Sockerless::Test;
use Sockerless::Observe;
use File::Temp qw(tempdir);
use MIME::Base64 qw(encode_base64);
use Time::HiRes qw(time sleep);

module_only();
observe_tools();

my $image = test_image();
my $tmp = tempdir('sockerless-metrics-XXXXXX', TMPDIR => 1, CLEANUP => 1);

# three servers of their own: the policies (reuseport: the kernel spreads
# the connections over both workers), a dry run, a dockerd that is not
# there; the metrics in start_nginx's own server
my ($port, $dry_port, $bad_port) = map {
    my $s = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => 0,
        Listen => 1, ReuseAddr => 1);
    $s->sockport;
} 1 .. 3;

my $http = <<'EOF';
    sockerless_policy rw { allow @all; privileged off; }
    sockerless_policy ro { allow @read; }

    map $http_x_policy $policy { default rw; ro ro; }

    server {
        listen 127.0.0.1:PORT reuseport;
        client_max_body_size 0;
        location / {
            sockerless_enforce $policy;
            sockerless_pass dockerd;
        }
    }

    server {
        listen 127.0.0.1:DRY_PORT;
        location / {
            sockerless_enforce ro;
            sockerless_enforce_dry_run on;
            sockerless_pass dockerd;
        }
    }

    server {
        listen 127.0.0.1:BAD_PORT;
        location / {
            sockerless_pass unix:TMP/nothing.sock;
        }
    }
EOF
$http =~ s/\bPORT\b/$port/;
$http =~ s/DRY_PORT/$dry_port/;
$http =~ s/BAD_PORT/$bad_port/;
$http =~ s/TMP/$tmp/;

my $ng = start_nginx(
    workers => 2,
    # nginx's own [crit] for the dockerd that is not there, on purpose
    expect_alerts => [qr/connect\(\) to unix:\S*nothing\.sock failed/],
    log_format => 'pid=$pid port=$server_port op=$sockerless_op '
        . 'decision=$sockerless_decision status=$status',
    http => $http,
    server => 'location = /metrics { sockerless_metrics; }',
);
my $mport = $ng->port;

sub metrics {
    my ($text, $series) = scrape($mport);
    return $series;
}

sub requests {
    my ($series, %l) = @_;
    return value($series, 'sockerless_requests_total', %l);
}

# --- a Prometheus of the test's own ---------------------------------------

my $prom = prometheus("127.0.0.1:$mport");

ok($prom->wait_for('up{job="sockerless"}', 1, 30),
    'Prometheus scrapes the endpoint (up == 1)') or diag $prom->log;

# --- requests -------------------------------------------------------------

my %n = (ping => 0, denied => 0, dry => 0, bad => 0);

sub ping {
    for (1 .. $_[0]) {
        my ($s) = http_request($port, 'GET', '/v1.41/_ping');
        $n{ping}++ if $s == 200;
    }
}

sub denied_create {
    for (1 .. $_[0]) {
        my ($s) = http_request($port, 'POST', '/containers/create',
            headers => ['X-Policy' => 'ro',
                        'Content-Type' => 'application/json'],
            body => '{"Image":"' . $image . '"}');
        $n{denied}++ if $s == 403;
    }
}

ping(20);
is($n{ping}, 20, '20 pings under policy rw: 200');

denied_create(5);
is($n{denied}, 5, '5 creates under policy ro: 403');

for (1 .. 3) {
    my ($s) = http_request($dry_port, 'POST',
        '/containers/slt-no-such-container/stop');
    $n{dry}++ if $s == 404;
}
is($n{dry}, 3, 'dry run: 3 stops ro would deny reach dockerd (404)');

for (1 .. 2) {
    my ($s) = http_request($bad_port, 'GET', '/_ping');
    $n{bad}++ if $s == 502;
}
is($n{bad}, 2, 'no dockerd: 2 pings get 502');

# an auto-pull that cannot connect: refused at once, one answer
my ($ps, $ph, $pbody) = http_request($bad_port, 'POST', '/containers/create',
    headers => ['Content-Type' => 'application/json'],
    body => '{"Image":"' . $image . '"}');
is($ps, 502, 'no dockerd: a create\'s auto-pull gets 502');
like($pbody, qr/Cannot connect to the Docker daemon.* to pull /,
    'its message says the pull could not connect');

my $m = metrics();

is(requests($m, operation => 'SystemPing', decision => 'allow',
    code => '2xx'), 20, 'requests_total{SystemPing,allow,2xx} 20');
is(requests($m, operation => 'ContainerCreate', decision => 'deny',
    code => '4xx'), 5, 'requests_total{ContainerCreate,deny,4xx} 5');
is(requests($m, operation => 'ContainerStop', decision => 'would-deny',
    code => '4xx'), 3, 'requests_total{ContainerStop,would-deny,4xx} 3');
is(requests($m, operation => 'SystemPing', decision => 'none',
    code => '5xx'), 2, 'requests_total{SystemPing,none,5xx} 2');
is(value($m, 'sockerless_denials_total', operation => 'ContainerCreate',
    reason => 'operation', decision => 'deny'), 5,
    'denials_total{ContainerCreate,operation,deny} 5');
is(value($m, 'sockerless_denials_total', operation => 'ContainerStop',
    reason => 'operation', decision => 'would-deny'), 3,
    'denials_total{ContainerStop,operation,would-deny} 3');
is(value($m, 'sockerless_upstream_errors_total', kind => 'connect'), 2,
    'upstream_errors_total{connect} 2');
is(value($m, 'sockerless_autopulls_total', result => 'failed'), 1,
    'autopulls_total{result="failed"} 1');
is(value($m, 'sockerless_build_info'), 1, 'build_info 1');

# the durations: SystemPing is in @read and @system
my $count = value($m, 'sockerless_request_duration_seconds_count',
    group => 'system');
cmp_ok($count, '>=', 22, 'request_duration_seconds_count{system} counts '
    . 'the pings');
is(value($m, 'sockerless_request_duration_seconds_bucket', group => 'system',
    le => '+Inf'), $count, 'histogram: le="+Inf" is the count');

# both workers counted into the same counters
my %pids = map { $_ => 1 }
    $ng->access_log =~ /^pid=(\d+) port=$port op=SystemPing /mg;
cmp_ok(scalar keys %pids, '>=', 2,
    'the pings were served by both workers (' . join(' ', sort keys %pids)
    . ')');

# --- a hijacked session ---------------------------------------------------

my $c = unique_name('exec');
cleanup_container($c);
my ($rc, $out, $err) = docker_via("tcp://127.0.0.1:$port", 'run', '-d',
    '--name', $c, '--network', 'none', $image, 'sleep', '600');
is($rc, 0, 'a container to exec in') or diag $err;

my $exec = docker_spawn_via("tcp://127.0.0.1:$port", { keep_stdin => 1 },
    'exec', '-i', $c, 'cat');
$exec->write("hello\n");
ok($exec->read_until(qr/hello/, 15), 'docker exec -i cat: an open session');
$m = metrics();
is(value($m, 'sockerless_hijacks_active', operation => 'ExecStart'), 1,
    'hijacks_active{ExecStart} 1 while the exec is open');

$exec->close_stdin;
is($exec->wait(30), 0, 'docker exec ends when its stdin does');
ok(wait_until(sub {
    value(metrics(), 'sockerless_hijacks_total', operation => 'ExecStart',
        end => 'daemon') == 1;
}, 10), 'hijacks_total{ExecStart,end="daemon"} 1');
$m = metrics();
is(value($m, 'sockerless_hijacks_active', operation => 'ExecStart'), 0,
    'hijacks_active{ExecStart} 0 after it');
cmp_ok(value($m, 'sockerless_received_bytes_total'), '>', 0,
    'received_bytes_total counts');
cmp_ok(value($m, 'sockerless_sent_bytes_total'), '>', 0,
    'sent_bytes_total counts');

# --- secrets sent along show nowhere --------------------------------------

my $canary = 'canary-' . int(rand 1e9);
my $auth = encode_base64('{"username":"u","password":"' . $canary . '"}', '');
my $secret_c = cleanup_container(unique_name('c'));
http_request($port, 'POST', "/v1.41/containers/create?name=$secret_c",
    headers => ['X-Registry-Auth' => $auth,
                'Content-Type' => 'application/json'],
    body => '{"Image":"' . $image . '","Env":["SECRET=' . $canary . '"]}');
http_request($port, 'POST', '/v1.41/auth',
    headers => ['Content-Type' => 'application/json'],
    body => '{"username":"u","password":"' . $canary
        . '","serveraddress":"127.0.0.1:1"}', timeout => 30);
http_request($port, 'POST', '/v1.41/build?buildargs='
    . url_encode('{"TOKEN":"' . $canary . '"}'),
    headers => ['Content-Type' => 'application/x-tar'], body => '',
    timeout => 30);

my ($text) = scrape($mport);
unlike($text, qr/\Q$canary\E/, 'no secret in the metrics');
unlike($text, qr/slt-/, 'no object name in the metrics');

my ($prc, $pout) = promtool_check($text);
is($prc, 0, 'promtool check metrics accepts the exposition')
    or diag $pout;

# the alert rule of docs/observability.md
open my $doc, '<', "$ROOT/docs/observability.md" or die $!;
my ($rules) = do { local $/; <$doc> } =~ /### An alert rule.*?```yaml\n(.*?)```/s;
ok($rules, 'docs/observability.md has an alert rule');
open my $rf, '>', "$tmp/rules.yml" or die $!;
print $rf $rules // '';
close $rf;
($rc, $out, $err) = run_cmd($Sockerless::Observe::PROMTOOL, 'check', 'rules',
    "$tmp/rules.yml");
is($rc, 0, 'promtool check rules accepts it') or diag "$out$err";

# --- what Prometheus stored -----------------------------------------------

my $q = 'sockerless_requests_total{operation="SystemPing",decision="allow",'
    . 'code="2xx"}';
ok($prom->wait_for($q, 20, 30), 'Prometheus: SystemPing allow 2xx is 20')
    or diag 'Prometheus has ' . ($prom->query($q) // 'nothing');
ok($prom->wait_for('sockerless_requests_total{operation="ContainerCreate",'
    . 'decision="deny"}', 5, 30), 'Prometheus: ContainerCreate deny is 5');
ok($prom->wait_for('sockerless_denials_total{decision="would-deny"}', 3, 30),
    'Prometheus: 3 would-deny');

# --- a reload keeps the counters ------------------------------------------

my $start = value(metrics(), 'sockerless_start_time_seconds');
ok(reload_nginx($ng), 'nginx -s reload: new workers');

ping(10);
denied_create(1);

$m = metrics();
is(requests($m, operation => 'SystemPing', decision => 'allow',
    code => '2xx'), 30, 'after the reload: SystemPing allow 2xx 30');
is(requests($m, operation => 'ContainerCreate', decision => 'deny',
    code => '4xx'), 6, 'after the reload: ContainerCreate deny 4xx 6');
is(value($m, 'sockerless_start_time_seconds'), $start,
    'after the reload: the same start time');

ok($prom->wait_for($q, 30, 30), 'Prometheus: SystemPing allow 2xx is 30')
    or diag 'Prometheus has ' . ($prom->query($q) // 'nothing');
is($prom->query("resets(${q}[10m])"), 0,
    'Prometheus saw no counter reset across the reload');

$prom->stop;

# nginx says [crit] for a unix socket that is not there: that one only
my @bad = grep { !m{connect\(\) to unix:\Q$tmp\E/nothing\.sock failed} }
    $ng->error_log =~ /^(.*\[(?:alert|crit|emerg)\].*)$/mg;
is("@bad", '', 'no other alert or crit in the error log');

done_testing();
