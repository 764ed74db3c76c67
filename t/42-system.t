#!/usr/bin/perl
# System: info, system df, events --since/--until, ps -a compared with
# dockerd direct.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Sockerless::Test;

start_nginx();
my $image = test_image();

my ($rc, $out, $err) = docker('info', '--format', '{{json .}}');
is($rc, 0, 'info: exit 0') or diag $err;
my $info = eval { decode_json($out) } || {};
my (undef, $dout) = docker_direct('info', '--format', '{{json .}}');
my $dinfo = decode_json($dout);
is($info->{ID}, $dinfo->{ID}, 'info: same daemon ID as direct');
is($info->{ServerVersion}, $dinfo->{ServerVersion}, 'info: same server version');
is($info->{Driver}, 'overlay2', 'info: storage driver');
is_deeply($info->{RegistryConfig}{Mirrors}, $dinfo->{RegistryConfig}{Mirrors},
    'info: registry mirrors');

($rc, $out, $err) = docker('system', 'df');
is($rc, 0, 'system df: exit 0') or diag $err;
like($out, qr/^TYPE\s+TOTAL\s+ACTIVE\s+SIZE\s+RECLAIMABLE$/m, 'system df: table');
like($out, qr/^Images\s+\d+/m, 'system df: images');
like($out, qr/^Local Volumes\s+\d+/m, 'system df: volumes');

($rc, $out, $err) = docker('system', 'df', '-v', '--format', '{{json .}}');
is($rc, 0, 'system df -v: exit 0') or diag $err;
my (undef, $image_id) = docker_direct('image', 'inspect', '--format', '{{.Id}}', $image);
chomp $image_id;
my $df = eval { decode_json($out) } || {};
ok((grep { $_->{ID} eq $image_id } @{ $df->{Images} || [] }),
    'system df -v: lists the test image');

# events between two times: a volume created and removed in between
my $vol = unique_name('ev');
cleanup_volume($vol);
my (undef, $since) = docker_direct('info', '--format', '{{.SystemTime}}');
chomp $since;
docker('volume', 'create', $vol);
docker('volume', 'rm', $vol);
sleep 1.1;
my $until = time;
my @ev = ('events', '--since', $since, '--until', $until,
    '--filter', "volume=$vol", '--format', '{{.Type}} {{.Action}} {{.Actor.ID}}');
($rc, $out, $err) = docker({ timeout => 20 }, @ev);
is($rc, 0, 'events --since --until: exit 0') or diag $err;
is($out, "volume create $vol\nvolume destroy $vol\n",
    'events --since --until: the two events, then the end');
(undef, $dout) = docker_direct({ timeout => 20 }, @ev);
is($out, $dout, 'events --since --until: same as direct');

($rc, $out, $err) = docker({ timeout => 20 }, 'events', '--since', $since,
    '--until', $until, '--format', '{{json .}}', '--filter', "volume=$vol");
my @json = map { eval { decode_json($_) } } split /\n/, $out;
is(scalar @json, 2, 'events --format json: two records');
is($json[0]{Type}, 'volume', 'events: type volume');

# ps -a: same view as direct
my $c = unique_name('ps');
cleanup_container($c);
docker('create', '--name', $c, $image, 'true');
my @ps = ('ps', '-a', '--no-trunc', '--format', '{{.ID}} {{.Names}} {{.Image}} {{.Command}}');
($rc, $out, $err) = docker(@ps);
is($rc, 0, 'ps -a: exit 0') or diag $err;
(undef, $dout) = docker_direct(@ps);
is_deeply([sort split /\n/, $out], [sort split /\n/, $dout], 'ps -a: same as direct');
like($out, qr/ \Q$c\E \Q$image\E /, 'ps -a: our created container');

($rc, $out, $err) = docker('ps', '-a', '-q', '--filter', "name=^$c\$");
like($out, qr/^[0-9a-f]{12}$/, 'ps -a -q --filter name=: one id');

done_testing();
