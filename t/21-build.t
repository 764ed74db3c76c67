#!/usr/bin/perl
# docker build with the classic builder (DOCKER_BUILDKIT=0): the context
# tar is uploaded as a streamed body, the progress streams back.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use File::Temp qw(tempdir);
use Sockerless::Test;

start_nginx();
my $image = test_image();
my $ctx = tempdir('slt-build-XXXXXX', TMPDIR => 1, CLEANUP => 1);

sub spew { open my $f, '>', $_[0] or die "$_[0]: $!"; print $f $_[1]; close $f }

spew("$ctx/hello.txt", "hello from the context\n");
spew("$ctx/ignored.txt", "should not be sent\n");
spew("$ctx/.dockerignore", "ignored.txt\n");
# some weight in the context: 2 MiB
spew("$ctx/filler.bin", 'x' x (2 * 1024 * 1024));
spew("$ctx/Dockerfile", <<"EOF");
FROM $image
ARG GREETING=default
COPY hello.txt /hello.txt
COPY filler.bin /filler.bin
RUN echo "built \$GREETING" > /built.txt && cat /hello.txt
LABEL slt.build=yes
CMD ["cat", "/built.txt"]
EOF

my $tag = unique_name('built') . ':1';
cleanup_image($tag);
my ($rc, $out, $err) = docker({ timeout => 120 }, 'build', '--build-arg',
    'GREETING=arg', '-t', $tag, $ctx);
is($rc, 0, 'build: exit 0') or diag "$out\n$err";
like($out, qr/Step 1\/7 : FROM \Q$image\E/, 'build: classic builder steps');
like($out, qr/hello from the context/, 'build: RUN output streamed');
like($out, qr/Successfully built [0-9a-f]{12}/, 'build: built');
like($out, qr/Successfully tagged \Q$tag\E/, 'build: tagged');

my ($code, $log) = run_detached('--network', 'none', $tag);
is($log, "built arg\n", 'build: the image runs its CMD with the build arg');
($code, $log) = run_detached('--network', 'none', $tag, 'sh', '-c',
    'cat /hello.txt; ls /ignored.txt 2>&1; wc -c < /filler.bin');
like($log, qr/^hello from the context\n.*No such file.*\n\s*2097152\n$/s,
    'build: COPY done, .dockerignore honoured');

($rc, $out) = docker('image', 'inspect', '--format',
    '{{index .Config.Labels "slt.build"}}', $tag);
is($out, "yes\n", 'build: LABEL');

($rc, $out) = docker('image', 'history', '--no-trunc', '--format', '{{.CreatedBy}}', $tag);
like($out, qr/LABEL slt\.build=yes/, 'history of the built image');

# rebuild: the cache is used
($rc, $out, $err) = docker({ timeout => 120 }, 'build', '--build-arg',
    'GREETING=arg', '-t', $tag, $ctx);
is($rc, 0, 'rebuild: exit 0') or diag $err;
like($out, qr/Using cache/, 'rebuild: uses the cache');

# a failing RUN: the CLI reports the builder's error, exit non-zero
spew("$ctx/Dockerfile", "FROM $image\nRUN echo failing-step; exit 9\n");
my $bad = unique_name('bad') . ':1';
cleanup_image($bad);
($rc, $out, $err) = docker({ timeout => 120 }, 'build', '--force-rm', '-t', $bad, $ctx);
isnt($rc, 0, 'failing build: non-zero exit');
like("$out$err", qr/returned a non-zero code: 9/, 'failing build: the error');

# the context from stdin (a tar)
my $tar = tar_bytes('Dockerfile' => "FROM $image\nLABEL slt.stdin=yes\n");
my $st = unique_name('stdin') . ':1';
cleanup_image($st);
($rc, $out, $err) = docker({ stdin => $tar, timeout => 60 }, 'build', '-t', $st, '-');
is($rc, 0, 'build - (context tar on stdin): exit 0') or diag $err;
($rc, $out) = docker_direct('image', 'inspect', '--format',
    '{{index .Config.Labels "slt.stdin"}}', $st);
is($out, "yes\n", 'build -: built');

docker_direct('builder', 'prune', '-f');

done_testing();
