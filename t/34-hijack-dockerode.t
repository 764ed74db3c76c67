#!/usr/bin/perl
# dockerode (Node.js) through the module: an exec with
# hijack: true and stdin: true, data written, end(), the output
# demultiplexed (t/js/exec-hijack.js).  Node and dockerode come from
# tools/install-node-deps; without node the test skips.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Sockerless::Test;
use Sockerless::Hijack;

my $js = "$FindBin::Bin/js";
my ($node) = grep { -x } map { "$_/node" } split /:/, $ENV{PATH} // '';
plan(skip_all => 'node is missing: tools/install-node-deps installs it')
    unless $node;
plan(skip_all => 'dockerode is missing in t/js/node_modules: '
    . 'run tools/install-node-deps') unless -d "$js/node_modules/dockerode";

my $ng = start_nginx();
my $image = test_image();
my $c = exec_target('node');
my ($rc, $out, $err);

for my $size (11, 4 * 1024 * 1024 + 3) {
    ($rc, $out, $err) = run_cmd({ timeout => 60 }, $node,
        "$js/exec-hijack.js", $ng->port, $c, $size);
    is($rc, 0, "dockerode exec (hijack, stdin, $size bytes): the script ends")
        or diag $err;
    my $r = eval { decode_json((split /\n/, $out)[-1] // '') } || {};
    is($r->{stdoutLength}, $size, "dockerode ($size bytes): all bytes back");
    ok(defined $r->{sent} && $r->{stdout} eq $r->{sent},
        "dockerode ($size bytes): sha256 of the demultiplexed stdout = input");
    is($r->{stderr}, "done\n", "dockerode ($size bytes): stderr after end()");
    is($r->{exitCode}, 3, "dockerode ($size bytes): exec inspect: exit code 3");
}

done_testing();
