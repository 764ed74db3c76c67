#!/usr/bin/perl
# docker cp both ways (a file and a directory): HEAD, GET and PUT
# /containers/{id}/archive, the upload as a streamed request body.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Digest::SHA qw(sha256_hex);
use File::Temp qw(tempdir);
use File::Path qw(make_path);
use Sockerless::Test;

my $ng = start_nginx();
my $image = test_image();
my $tmp = tempdir('slt-cp-XXXXXX', TMPDIR => 1, CLEANUP => 1);

sub slurp { open my $f, '<:raw', $_[0] or return undef; local $/; scalar <$f> }
sub spew { open my $f, '>:raw', $_[0] or die "$_[0]: $!"; print $f $_[1]; close $f }

my $name = unique_name('cp');
cleanup_container($name);
my ($rc, $out, $err) = docker('run', '-d', '--name', $name, '--network', 'none',
    $image, 'sh', '-c', 'mkdir -p /src/sub; echo inside > /src/a.txt; '
        . 'echo deep > /src/sub/b.txt; exec sleep 300');
is($rc, 0, 'a running container') or diag $err;
ok(wait_until(sub { (docker_direct('exec', $name, 'cat', '/src/sub/b.txt'))[1] eq "deep\n" }, 5),
    'its files are there');

# host -> container: a file (4 MiB of varied bytes) and a directory
my $big = join '', map { pack('N', $_ * 2654435761 % 2**32) } 1 .. 1024 * 1024;
spew("$tmp/big.bin", $big);
make_path("$tmp/dir/nested");
spew("$tmp/dir/one.txt", "one\n");
spew("$tmp/dir/nested/two.txt", "two\n");

($rc, $out, $err) = docker('cp', "$tmp/big.bin", "$name:/tmp/big.bin");
is($rc, 0, 'cp file to container: exit 0') or diag $err;
($rc, $out) = docker_direct('exec', $name, 'sha256sum', '/tmp/big.bin');
is((split ' ', $out)[0], sha256_hex($big), 'cp file to container: same bytes');

($rc, $out, $err) = docker('cp', "$tmp/dir", "$name:/tmp/");
is($rc, 0, 'cp dir to container: exit 0') or diag $err;
($rc, $out) = docker_direct('exec', $name, 'cat', '/tmp/dir/one.txt', '/tmp/dir/nested/two.txt');
is($out, "one\ntwo\n", 'cp dir to container: the tree');

($rc, $out, $err) = docker({ stdin => tar_bytes('fromtar.txt' => "tar stdin\n") },
    'cp', '-', "$name:/tmp");
is($rc, 0, 'cp - (tar from stdin) to container: exit 0') or diag $err;
($rc, $out) = docker_direct('exec', $name, 'cat', '/tmp/fromtar.txt');
is($out, "tar stdin\n", 'cp - to container: extracted');

# container -> host
($rc, $out, $err) = docker('cp', "$name:/src/a.txt", "$tmp/a.txt");
is($rc, 0, 'cp file from container: exit 0') or diag $err;
is(slurp("$tmp/a.txt"), "inside\n", 'cp file from container: content');

($rc, $out, $err) = docker('cp', "$name:/src", "$tmp/copied");
is($rc, 0, 'cp dir from container: exit 0') or diag $err;
is(slurp("$tmp/copied/sub/b.txt"), "deep\n", 'cp dir from container: the tree');

($rc, $out, $err) = docker('cp', "$name:/tmp/big.bin", "$tmp/big-back.bin");
is($rc, 0, 'cp 4 MiB back: exit 0') or diag $err;
is(sha256_hex(slurp("$tmp/big-back.bin") // ''), sha256_hex($big),
    'cp 4 MiB back: same bytes');

($rc, $out, $err) = docker('cp', "$name:/src/a.txt", '-');
is($rc, 0, 'cp to stdout: exit 0');
like($out, qr/inside/, 'cp to stdout: a tar with the file');

# errors come from dockerd
($rc, $out, $err) = docker('cp', "$name:/no/such/path", "$tmp/x");
isnt($rc, 0, 'cp of a missing path fails');
like($err, qr/Could not find the file|No such container:path|no such file/i,
    'cp of a missing path: the error');

# raw: HEAD archive carries the stat header
{
    my ($st, $h) = http_request($ng->port, 'HEAD',
        "/v1.41/containers/$name/archive?path=/src/a.txt", until => qr/\r\n\r\n/);
    is($st, 200, 'HEAD archive: 200');
    ok($h->{'x-docker-container-path-stat'}, 'HEAD archive: X-Docker-Container-Path-Stat');
}

done_testing();
