#!/usr/bin/perl
# An upstream of several Swarm managers (docs/fleets.md), on a one-node
# swarm of a private dockerd: one manager is down, the next answers.
#   - idempotent requests and requests that were never sent fail over;
#   - a request with a body that was sent is never sent again: a manager
#     that reads it and closes gives 502, and nothing is created;
#   - services, tasks, nodes, secrets and configs through the gateway:
#     docker service create/ls/ps/logs, docker stack deploy.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use File::Temp qw(tempdir);
use Sockerless::Test;
use Sockerless::Fault qw(own_dockerd fake_daemon read_request bump);

use Sockerless::Fleet;

module_only();

my $d2 = own_dockerd();
my $n2 = $d2->sock;
my $dead = free_port();
my $swarm_port = free_port();

# a manager that reads a request and closes without a word
my $fake = fake_daemon(sub {
    my ($c, $n, $dir) = @_;
    my ($head) = read_request($c) or return;
    my ($method) = $head =~ /^(\S+)/;
    bump($dir, $method);
    close $c;
});

my $ng = start_nginx(
    pass => 'managers',
    log_format => '"$request" $status node=$sockerless_node '
        . 'ua="$upstream_addr"',
    http => <<"EOF",
    upstream managers {
        server 127.0.0.1:$dead max_fails=0;
        server unix:$n2;
        keepalive 8;
    }
    upstream mute_first {
        server unix:@{[ $fake->path ]} max_fails=0;
        server unix:$n2 backup;
    }
EOF
    server => <<'EOF',
        location /m/ { sockerless_pass mute_first; }
EOF
);

my ($rc, $out, $err) = $d2->docker({ timeout => 60 }, 'swarm', 'init',
    '--advertise-addr', '127.0.0.1', '--listen-addr',
    "127.0.0.1:$swarm_port");
is($rc, 0, 'a one-node swarm on the private dockerd') or diag $err;

# --- failover -----------------------------------------------------------------

my $ok = 0;
for (1 .. 6) {
    ($rc, $out) = docker('node', 'ls', '--format', '{{.Status}} {{.ManagerStatus}}');
    $ok++ if $rc == 0 && $out eq "Ready Leader\n";
}
is($ok, 6, 'docker node ls, six times: every one answered, the down '
    . 'manager skipped');
like($ng->access_log, qr{"GET /v[\d.]+/nodes HTTP/1\.1" 200 node=managers ua="127\.0\.0\.1:$dead, unix:\Q$n2\E"},
    'a request went to the down manager first, then to the next');

my ($st, $h, $b) = http_request($ng->port, 'GET', '/m/v1.41/services');
is($st, 200, 'a GET the first manager read and dropped: answered by the next');
is($fake->count('GET'), 1, 'the first manager did get it');

my $secret = unique_name('secret');
($st, $h, $b) = http_request($ng->port, 'POST', '/m/v1.41/secrets/create',
    headers => ['Content-Type' => 'application/json'],
    body => encode_json({ Name => $secret, Data => 'c2VjcmV0' }));
is($st, 502, 'a POST the first manager read and dropped: 502, not replayed');
like($b, qr/^\{"message":"the Docker daemon at unix:\S+ closed the connection without a valid response \(node mute_first\)"\}/,
    'Docker JSON naming the manager and the node');
is($fake->count('POST'), 1, 'the first manager got the body once');
($rc, $out) = $d2->docker('secret', 'ls', '-q', '--filter', "name=$secret");
is($out, '', 'and the next one never saw it: no secret');

# --- swarm objects through the managers ---------------------------------------

my $svc = unique_name('svc');
my $ref = registry() . '/sockerless/test:1';
($rc, $out, $err) = docker({ timeout => 90 }, 'service', 'create', '--detach',
    '--name', $svc, '--replicas', '1', '--restart-condition', 'none',
    $ref, 'sh', '-c', 'echo hello from the task; sleep 300');
is($rc, 0, 'docker service create') or diag $err;
($rc, $out) = docker('service', 'ls', '--format', '{{.Name}} {{.Mode}}',
    '--filter', "name=$svc");
is($out, "$svc replicated\n", 'docker service ls');
ok(wait_until(sub {
        (docker('service', 'ps', '--format', '{{.CurrentState}}', $svc))[1]
            =~ /^Running/m }, 60, 0.5),
    'docker service ps: the task runs');
ok(wait_until(sub {
        (docker('service', 'logs', $svc))[1] =~ /hello from the task/ },
    30, 0.5), 'docker service logs');
($rc, $out, $err) = docker('service', 'rm', $svc);
is($out, "$svc\n", 'docker service rm') or diag $err;

my $cfg = unique_name('cfg');
($rc, $out, $err) = docker({ stdin => "key=value\n" }, 'config', 'create',
    $cfg, '-');
is($rc, 0, 'docker config create') or diag $err;
($rc, $out, $err) = docker({ stdin => "s3cret\n" }, 'secret', 'create',
    $secret, '-');
is($rc, 0, 'docker secret create') or diag $err;
($rc, $out) = docker('config', 'ls', '--format', '{{.Name}}');
like($out, qr/^\Q$cfg\E$/m, 'docker config ls');
($rc, $out) = docker('secret', 'ls', '--format', '{{.Name}}');
like($out, qr/^\Q$secret\E$/m, 'docker secret ls');
($rc, $out) = docker('node', 'inspect', 'self', '--format',
    '{{.ManagerStatus.Leader}}');
is($out, "true\n", 'docker node inspect self');
docker('config', 'rm', $cfg);
docker('secret', 'rm', $secret);

SKIP: {
    ($rc, $out) = docker('stack', '--help');
    skip 'this docker CLI has no "docker stack"', 3 if $rc;
    my $dir = tempdir('sockerless-stack-XXXXXX', TMPDIR => 1, CLEANUP => 1);
    open my $fh, '>', "$dir/compose.yml" or die;
    print $fh <<"EOF";
version: "3.8"
services:
  sleeper:
    image: $ref
    command: ["sleep", "300"]
    deploy:
      replicas: 1
      restart_policy: { condition: none }
EOF
    close $fh;
    my $stack = unique_name('st');
    ($rc, $out, $err) = docker({ timeout => 90 }, 'stack', 'deploy',
        '--detach=true', '-c', "$dir/compose.yml", $stack);
    ($rc, $out, $err) = docker({ timeout => 90 }, 'stack', 'deploy',
        '-c', "$dir/compose.yml", $stack) if $err =~ /unknown flag/;
    is($rc, 0, 'docker stack deploy') or diag $err;
    ok(wait_until(sub {
            (docker('stack', 'services', '--format', '{{.Replicas}}',
                $stack))[1] eq "1/1\n" }, 60, 0.5),
        'docker stack services: 1/1');
    ($rc, $out, $err) = docker('stack', 'rm', $stack);
    is($rc, 0, 'docker stack rm') or diag $err;
}

unlike($ng->error_log, qr/\[(alert|crit|emerg)\]/, 'no alert in the error log');

$d2->docker({ timeout => 60 }, 'swarm', 'leave', '--force');

done_testing();
