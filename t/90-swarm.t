#!/usr/bin/perl
# Swarm on one node: init, service create/ls/ps/inspect/rm, leave.
# It changes the daemon's state: it runs last and leaves the swarm even
# when it fails.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use IO::Socket::INET;
use Sockerless::Test;

start_nginx();

my ($rc, $out, $err) = docker_direct('info', '--format', '{{.Swarm.LocalNodeState}}');
if ($out ne "inactive\n") {
    # a previous run died in the middle
    docker_direct('swarm', 'leave', '--force');
}

# a free port for the swarm listener, on loopback only
my $port = do {
    my $s = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => 0,
        Listen => 1) or die $!;
    $s->sockport;
};

# swarm makes docker_gwbridge for its tasks; leave none behind
my ($gw) = docker_direct('network', 'inspect', 'docker_gwbridge');
cleanup_later(swarm => 'leave');
($rc, $out, $err) = docker({ timeout => 60 }, 'swarm', 'init',
    '--advertise-addr', '127.0.0.1', '--listen-addr', "127.0.0.1:$port");
is($rc, 0, 'swarm init: exit 0') or diag $err;
like($out, qr/Swarm initialized: current node \(\w+\) is now a manager/,
    'swarm init: initialized');

($rc, $out) = docker('info', '--format', '{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}}');
is($out, "active true\n", 'info: swarm active, manager');

($rc, $out, $err) = docker('node', 'ls', '--format', '{{.Self}} {{.Status}} {{.ManagerStatus}}');
is($out, "true Ready Leader\n", 'node ls: one ready leader');

my $svc = unique_name('svc');
cleanup_later(service => $svc);
my $ref = registry() . '/sockerless/test:1';
($rc, $out, $err) = docker({ timeout => 60 }, 'service', 'create', '--detach',
    '--name', $svc, '--replicas', '1', '--label', 'slt=swarm',
    '--restart-condition', 'none', $ref, 'sleep', '300');
is($rc, 0, 'service create: exit 0') or diag $err;
like($out, qr/^[a-z0-9]{25}$/m, 'service create: the service id');

($rc, $out) = docker('service', 'ls', '--filter', 'label=slt=swarm',
    '--format', '{{.Name}} {{.Mode}}');
is($out, "$svc replicated\n", 'service ls: our service');

ok(wait_until(sub {
        (docker('service', 'ps', '--format', '{{.CurrentState}}', $svc))[1]
            =~ /^Running/m }, 60, 0.5),
    'service ps: the task is running');
($rc, $out) = docker('service', 'ps', '--no-trunc', '--format',
    '{{.Name}} {{.DesiredState}}', $svc);
is($out, "$svc.1 Running\n", 'service ps: one task, desired running');

($rc, $out) = docker('service', 'ls', '--filter', 'label=slt=swarm',
    '--format', '{{.Replicas}}');
is($out, "1/1\n", 'service ls: 1/1 replicas');

($rc, $out, $err) = docker('service', 'inspect', $svc);
is($rc, 0, 'service inspect: exit 0') or diag $err;
my $s = eval { decode_json($out)->[0] } || {};
is_deeply($s->{Spec}{TaskTemplate}{ContainerSpec}{Args}, ['sleep', '300'],
    'service inspect: the command');
like($s->{Spec}{TaskTemplate}{ContainerSpec}{Image} // '', qr/^\Q$ref\E/,
    'service inspect: the image');
my (undef, $dout) = docker_direct('service', 'inspect', $svc);
is_deeply(decode_json($out), decode_json($dout), 'service inspect: same as direct');

($rc, $out) = docker('ps', '--filter', "label=com.docker.swarm.service.name=$svc",
    '--format', '{{.Command}}');
like($out, qr/sleep 300/, 'ps: the task container');

($rc, $out, $err) = docker('service', 'rm', $svc);
is($rc, 0, 'service rm: exit 0') or diag $err;
is($out, "$svc\n", 'service rm: prints the name');
ok(wait_until(sub {
        (docker_direct('ps', '-a', '-q', '--filter',
            "label=com.docker.swarm.service.name=$svc"))[1] eq '' }, 30, 0.5),
    'service rm: the task container goes away');

($rc, $out, $err) = docker({ timeout => 60 }, 'swarm', 'leave', '--force');
is($rc, 0, 'swarm leave --force: exit 0') or diag $err;
like($out, qr/Node left the swarm/, 'swarm leave: left');
($rc, $out) = docker_direct('info', '--format', '{{.Swarm.LocalNodeState}}');
is($out, "inactive\n", 'info: swarm inactive again');
docker_direct('network', 'rm', 'docker_gwbridge') if $gw != 0;

done_testing();
