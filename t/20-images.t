#!/usr/bin/perl
# Images with the docker CLI through the module: images/ls, inspect,
# history, tag, rmi, prune, save | load round trip, import.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Sockerless::Test;

start_nginx();
my $image = test_image();

my ($rc, $out, $err) = docker('images', '--format', '{{.Repository}}:{{.Tag}} {{.ID}}');
is($rc, 0, 'images: exit 0') or diag $err;
like($out, qr/^\Q$image\E [0-9a-f]{12}$/m, 'images: lists the test image');
my (undef, $dout) = docker_direct('images', '--format', '{{.Repository}}:{{.Tag}} {{.ID}}');
is_deeply([sort split /\n/, $out], [sort split /\n/, $dout], 'images: same as direct');

($rc, $out, $err) = docker('images', '-a', '-q', '--no-trunc', $image);
like($out, qr/^sha256:[0-9a-f]{64}$/m, 'images -a -q --no-trunc: the id');

($rc, $out, $err) = docker('image', 'inspect', $image);
is($rc, 0, 'image inspect: exit 0') or diag $err;
(undef, $dout) = docker_direct('image', 'inspect', $image);
is_deeply(decode_json($out), decode_json($dout), 'image inspect: same as direct');
is(decode_json($out)->[0]{Config}{Cmd}[0], '/bin/sh', 'image inspect: CMD of the import');

($rc, $out, $err) = docker('image', 'history', '--no-trunc', $image);
is($rc, 0, 'image history: exit 0') or diag $err;
(undef, $dout) = docker_direct('image', 'history', '--no-trunc', $image);
is($out, $dout, 'image history: same as direct');
like($out, qr/Imported from -/, 'image history: the import layer');

# tag, then rmi
my $tag = unique_name('tag') . ':v1';
cleanup_image($tag);
($rc, $out, $err) = docker('tag', $image, $tag);
is($rc, 0, 'tag: exit 0') or diag $err;
($rc, $out) = docker_direct('image', 'inspect', '--format', '{{.Id}}', $tag);
my (undef, $id) = docker_direct('image', 'inspect', '--format', '{{.Id}}', $image);
is($out, $id, 'tag: same image');

my $tag2 = registry() . '/slt/' . unique_name('deep') . ':x';
cleanup_image($tag2);
($rc, $out, $err) = docker('tag', $tag, $tag2);
is($rc, 0, 'tag with a registry and a path: exit 0') or diag $err;
($rc, $out) = docker('image', 'inspect', '--format', '{{.Id}}', $tag2);
is($out, $id, 'inspect of a name with / and : through the module');

($rc, $out, $err) = docker('rmi', $tag2);
is($rc, 0, 'rmi: exit 0') or diag $err;
like($out, qr/^Untagged: \Q$tag2\E$/m, 'rmi: untagged');
($rc) = docker_direct('image', 'inspect', $tag2);
isnt($rc, 0, 'rmi: the tag is gone');

($rc, $out, $err) = docker('rmi', 'slt-no-such-image:1');
isnt($rc, 0, 'rmi of a missing image fails');
like($err, qr/No such image: slt-no-such-image:1/, 'rmi: the daemon\'s 404 (No such image)');

# save | load round trip
($rc, my $tar, $err) = docker({ timeout => 60 }, 'save', $tag);
is($rc, 0, 'save: exit 0') or diag $err;
my ($trc, $list) = run_cmd({ stdin => $tar }, 'tar', '-t');
like($list, qr/^manifest\.json$/m, 'save: a docker archive');
($rc, $out, $err) = docker('rmi', $tag);
is($rc, 0, 'rmi before load') or diag $err;
($rc, $out, $err) = docker({ stdin => $tar, timeout => 60 }, 'load');
is($rc, 0, 'load: exit 0') or diag $err;
like($out, qr/Loaded image: \Q$tag\E/, 'load: loaded the tag');
($rc, $out) = docker_direct('image', 'inspect', '--format', '{{.Id}}', $tag);
is($out, $id, 'load: the same image id');

# import: POST /images/create?fromSrc=- with a tar body
my $imported = unique_name('import') . ':1';
cleanup_image($imported);
my $rootfs = tar_bytes('hello.txt' => "imported\n");
($rc, $out, $err) = docker({ stdin => $rootfs }, 'import',
    '-c', 'LABEL slt=imported', '-', $imported);
is($rc, 0, 'import: exit 0') or diag $err;
like($out, qr/^sha256:[0-9a-f]{64}$/, 'import: the new id');
($rc, $out) = docker_direct('image', 'inspect', '--format',
    '{{index .Config.Labels "slt"}}', $imported);
is($out, "imported\n", 'import: with the change');

# prune: a dangling image made by re-tagging, only ours (label filter)
my $label = unique_name('pr');
my $dangling_tag = unique_name('dangle') . ':1';
cleanup_image($dangling_tag);
($rc, $out) = docker({ stdin => tar_bytes('a' => '1') }, 'import',
    '-c', "LABEL slt.prune=$label", '-', $dangling_tag);
chomp(my $dangling = $out);
docker({ stdin => tar_bytes('b' => '2') }, 'import',
    '-c', "LABEL slt.prune=$label", '-', $dangling_tag);
cleanup_image($dangling);
($rc, $out) = docker('images', '--filter', 'dangling=true', '-q', '--no-trunc',
    '--filter', "label=slt.prune=$label");
is($out, "$dangling\n", 'images --filter dangling=true: our dangling image');
($rc, $out, $err) = docker('image', 'prune', '-f', '--filter', "label=slt.prune=$label");
is($rc, 0, 'image prune: exit 0') or diag $err;
like($out, qr/deleted: \Q$dangling\E/i, 'image prune: deleted it');
like($out, qr/Total reclaimed space/, 'image prune: space reclaimed');
($rc) = docker_direct('image', 'inspect', $dangling);
isnt($rc, 0, 'image prune: gone');

done_testing();
