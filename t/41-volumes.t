#!/usr/bin/perl
# Volumes: create, ls, inspect, use, rm, prune.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Sockerless::Test;

start_nginx();
my $image = test_image();
my $label = unique_name('vollabel');

my $vol = unique_name('vol');
cleanup_volume($vol);
my ($rc, $out, $err) = docker('volume', 'create', '--label', "slt=$label",
    '--opt', 'type=tmpfs', '--opt', 'device=tmpfs', '--opt', 'o=size=1m', $vol);
is($rc, 0, 'volume create: exit 0') or diag $err;
is($out, "$vol\n", 'volume create: prints the name');

($rc, $out) = docker('volume', 'ls', '--filter', "label=slt=$label",
    '--format', '{{.Driver}} {{.Name}}');
is($out, "local $vol\n", 'volume ls: ours');
my (undef, $dout) = docker_direct('volume', 'ls', '-q');
($rc, $out) = docker('volume', 'ls', '-q');
is_deeply([sort split /\n/, $out], [sort split /\n/, $dout], 'volume ls: same as direct');

($rc, $out, $err) = docker('volume', 'inspect', $vol);
is($rc, 0, 'volume inspect: exit 0') or diag $err;
my $v = eval { decode_json($out)->[0] } || {};
is($v->{Options}{type}, 'tmpfs', 'volume inspect: options');
(undef, $dout) = docker_direct('volume', 'inspect', $vol);
is_deeply(decode_json($out), decode_json($dout), 'volume inspect: same as direct');

# use it
my ($code, $log, undef, $user) = run_detached('--network', 'none', '-v', "$vol:/data", $image,
    'sh', '-c', 'echo kept > /data/f; cat /data/f');
is($log, "kept\n", 'a container writes to the volume');

($rc, $out, $err) = docker('volume', 'rm', $vol);
isnt($rc, 0, 'volume rm of a volume in use fails');
like($err, qr/volume is in use/, 'volume rm: daemon error');

docker('rm', $user);
($rc, $out, $err) = docker('volume', 'rm', '-f', $vol);
is($rc, 0, 'volume rm -f: exit 0') or diag $err;
($rc) = docker_direct('volume', 'inspect', $vol);
isnt($rc, 0, 'volume rm -f: gone');

# plain create / rm
my $v2 = unique_name('vol2');
cleanup_volume($v2);
docker('volume', 'create', $v2);
($rc, $out, $err) = docker('volume', 'rm', $v2);
is($rc, 0, 'volume rm: exit 0') or diag $err;
is($out, "$v2\n", 'volume rm: prints the name');

($rc, $out, $err) = docker('volume', 'inspect', 'slt-no-such-volume');
isnt($rc, 0, 'volume inspect of a missing volume fails');
like($err, qr/no such volume/i, 'volume inspect: daemon error');

# prune (only ours)
my $p = unique_name('volp');
cleanup_volume($p);
docker('volume', 'create', '--label', "slt.prune=$label", $p);
($rc, $out, $err) = docker('volume', 'prune', '-f', '--filter', "label=slt.prune=$label");
is($rc, 0, 'volume prune: exit 0') or diag $err;
like($out, qr/Deleted Volumes:\n\Q$p\E\n/, 'volume prune: deleted ours');
like($out, qr/Total reclaimed space/, 'volume prune: space');
($rc) = docker_direct('volume', 'inspect', $p);
isnt($rc, 0, 'volume prune: gone');

done_testing();
