#!/usr/bin/perl
# Networks: create (internal, labels, IPAM), ls, inspect, connect,
# disconnect, rm, prune.  No traffic goes to container addresses.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Sockerless::Test;

start_nginx();
my $image = test_image();
my $label = unique_name('netlabel');

my $net = unique_name('net');
cleanup_network($net);
my ($rc, $out, $err) = docker('network', 'create', '--internal', '--attachable',
    '--label', "slt=$label", $net);
is($rc, 0, 'network create --internal: exit 0') or diag $err;
like($out, qr/^[0-9a-f]{64}$/, 'network create: the id');
chomp(my $net_id = $out);

($rc, $out) = docker('network', 'ls', '--filter', "label=slt=$label",
    '--format', '{{.Name}} {{.Driver}} {{.Scope}}');
is($out, "$net bridge local\n", 'network ls: our network');
my (undef, $dout) = docker_direct('network', 'ls', '--format', '{{.ID}} {{.Name}}');
($rc, $out) = docker('network', 'ls', '--format', '{{.ID}} {{.Name}}');
is_deeply([sort split /\n/, $out], [sort split /\n/, $dout], 'network ls: same as direct');

($rc, $out, $err) = docker('network', 'inspect', $net);
is($rc, 0, 'network inspect: exit 0') or diag $err;
my $n = eval { decode_json($out)->[0] } || {};
is($n->{Internal}, JSON::PP::true(), 'network inspect: internal');
like($n->{IPAM}{Config}[0]{Subnet} // '', qr{^[0-9.]+/\d+$}, 'network inspect: a subnet');
(undef, $dout) = docker_direct('network', 'inspect', $net);
is_deeply(decode_json($out), decode_json($dout), 'network inspect: same as direct');

($rc, $out, $err) = docker('network', 'create', $net);
isnt($rc, 0, 'network create of an existing name fails');
like($err, qr/already exists/, 'network create: daemon error');

# connect / disconnect a created container and a running one
# (state checked through the API)
my $c = unique_name('netc');
cleanup_container($c);
docker('create', '--name', $c, '--network', 'none', $image, 'true');
($rc, $out, $err) = docker('network', 'connect', $net, $c);
isnt($rc, 0, 'network connect of a --network none container fails');
like($err, qr/Error response from daemon/, 'network connect: daemon error');

my $c2 = unique_name('netc2');
cleanup_container($c2);
docker('create', '--name', $c2, $image, 'true');
($rc, $out, $err) = docker('network', 'connect', '--alias', 'slt-alias', $net, $c2);
is($rc, 0, 'network connect (created container, alias): exit 0') or diag $err;
($rc, $out) = docker_direct('inspect', '--format',
    "{{json (index .NetworkSettings.Networks \"$net\").Aliases}}", $c2);
like($out, qr/slt-alias/, 'network connect: alias set');
($rc, $out, $err) = docker('network', 'disconnect', $net, $c2);
is($rc, 0, 'network disconnect (created container): exit 0') or diag $err;
($rc, $out) = docker_direct('inspect', '--format',
    '{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}', $c2);
unlike($out, qr/\Q$net\E/, 'network disconnect: no longer connected');

my $net2 = unique_name('net2');
cleanup_network($net2);
docker('network', 'create', '--internal', $net2);
my $c3 = unique_name('netc3');
cleanup_container($c3);
($rc, $out, $err) = docker('run', '-d', '--name', $c3, '--network', $net, $image,
    'sleep', '300');
is($rc, 0, 'run on the internal network') or diag $err;
($rc, $out, $err) = docker('network', 'connect', $net2, $c3);
is($rc, 0, 'network connect (running container): exit 0') or diag $err;
($rc, $out) = docker('network', 'inspect', '--format',
    '{{range .Containers}}{{.Name}} {{end}}', $net2);
is($out, "$c3 \n", 'network inspect: the container is in the second network');
($rc, $out, $err) = docker('network', 'disconnect', '--force', $net2, $c3);
is($rc, 0, 'network disconnect --force (running container): exit 0') or diag $err;
($rc, $out) = docker_direct('network', 'inspect', '--format',
    '{{range .Containers}}{{.Name}} {{end}}', $net2);
is($out, "\n", 'network disconnect: the network is empty');

($rc, $out, $err) = docker('network', 'rm', $net);
isnt($rc, 0, 'network rm of a network in use fails');
like($err, qr/active endpoints/, 'network rm of a network in use: daemon error');
docker('rm', '-f', $c3);
docker('network', 'rm', $net2);

# rm
($rc, $out, $err) = docker('network', 'rm', $net);
is($rc, 0, 'network rm: exit 0') or diag $err;
is($out, "$net\n", 'network rm: prints the name');
($rc) = docker_direct('network', 'inspect', $net);
isnt($rc, 0, 'network rm: gone');

# prune (only ours: label filter)
my $p1 = unique_name('netp');
cleanup_network($p1);
docker('network', 'create', '--internal', '--label', "slt.prune=$label", $p1);
($rc, $out, $err) = docker('network', 'prune', '-f', '--filter', "label=slt.prune=$label");
is($rc, 0, 'network prune: exit 0') or diag $err;
like($out, qr/Deleted Networks:\n\Q$p1\E/, 'network prune: deleted ours');
($rc) = docker_direct('network', 'inspect', $p1);
isnt($rc, 0, 'network prune: gone');

done_testing();
