#!/usr/bin/perl
# Upstream keepalive: with "keepalive" in the upstream block, many client
# requests share few connections to dockerd.  A forwarder between nginx
# and dockerd counts the connections nginx opens; the same load without
# keepalive is the control (one connection per request).

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Sockerless::Test;

module_only();

my $N = 50;

sub load {
    my ($ng) = @_;
    my $ok = 0;
    for my $i (1 .. $N) {
        # every request on a new client connection
        my $path = $i % 2 ? '/_ping' : '/v1.41/containers/json?all=1';
        my ($st) = http_request($ng->port, 'GET', $path);
        $ok++ if $st == 200;
    }
    return $ok;
}

my $fwd = unix_forwarder($ENV{DOCKER_SOCK});
my $ng = start_nginx(upstream_server => 'unix:' . $fwd->path,
    upstream_keepalive => 16);
is(load($ng), $N, "keepalive: $N requests answered 200");
my $with = $fwd->accepted;
cmp_ok($with, '>=', 1, 'keepalive: the forwarder saw the traffic');
cmp_ok($with, '<=', 2, "keepalive: $N requests over at most 2 upstream connections")
    or diag "upstream connections: $with";
like($ng->error_log, qr/get keepalive peer: using connection/,
    'keepalive: nginx reused a cached connection (debug log)');

# a streamed response (logs, chunked) must leave the connection reusable too
my $name = unique_name('ka');
cleanup_container($name);
my ($rc) = docker_direct('run', '-d', '--name', $name, test_image(),
    'sh', '-c', 'echo one; echo two');
docker_direct('wait', $name);
my $before = $fwd->accepted;
for (1 .. 10) {
    my ($st, undef, $body) = http_request($ng->port, 'GET',
        "/v1.41/containers/$name/logs?stdout=1");
    like($body, qr/one.*two/s, 'logs through a kept-alive connection') if $_ == 1;
}
cmp_ok($fwd->accepted - $before, '<=', 1,
    '10 log requests after that: at most one new upstream connection');
$ng->stop;
$fwd->stop;

my $fwd2 = unix_forwarder($ENV{DOCKER_SOCK});
my $ng2 = start_nginx(upstream_server => 'unix:' . $fwd2->path,
    upstream_keepalive => 0);
is(load($ng2), $N, "no keepalive: $N requests answered 200");
is($fwd2->accepted, $N, "no keepalive: $N upstream connections (the control)");

done_testing();
