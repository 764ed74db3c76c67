#!/usr/bin/perl
# The docker CLI with --tlsverify (DOCKER_HOST=tcp://127.0.0.1:PORT
# DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH=<client dir of tools/certs>) through
# the TLS listener of nginx.conf.sample: plain calls, hijacked streams with
# half-close over TLS, 64 MiB through run -i cat, exit codes, build,
# push/pull, cp both ways.  The access log records the client's subject.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Digest::SHA qw(sha256_hex);
use File::Temp qw(tempdir);
use Sockerless::Test;
use Sockerless::TLS;

module_only();

my $ng = start_sample(error_log_level => 'info');
my $client = $ng->certs . '/client';
my $image = test_image();
my %T = (timeout => 60);

sub dk { docker_tls($ng, $client, @_) }

# version and ps
my ($rc, $out, $err) = dk('version', '--format', '{{.Server.APIVersion}}');
is($rc, 0, 'tls: version: exit 0') or diag $err;
is($out, "1.41\n", 'tls: version: the server API version of dockerd');

($rc, $out, $err) = dk('ps', '-a', '--format', '{{.ID}}');
is($rc, 0, 'tls: ps -a: exit 0') or diag $err;
my (undef, $dout) = docker_direct('ps', '-a', '--format', '{{.ID}}');
is($out, $dout, 'tls: ps -a: same list as direct');

# run --rm echo (hijacked attach over TLS)
($rc, $out, $err) = dk({%T}, 'run', '--rm', '--network', 'none', $image,
    'echo', 'hi');
is($rc, 0, 'tls: run --rm echo hi: exit 0') or diag $err;
is($out, "hi\n", 'tls: run --rm echo hi: prints hi');

($rc, $out, $err) = dk({%T}, 'run', '--rm', '--network', 'none', $image,
    'sh', '-c', 'sleep 1; echo late; echo err >&2; exit 5');
is($rc, 5, 'tls: run: exit code 5');
is($out, "late\n", 'tls: run: output after the client half-closed');
is($err, "err\n", 'tls: run: stderr');

# create / start / logs / rm
my $name = unique_name('life');
cleanup_container($name);
($rc, $out, $err) = dk('create', '--name', $name, '--network', 'none',
    $image, 'sh', '-c', 'echo from-logs; sleep 300');
is($rc, 0, 'tls: create: exit 0') or diag $err;
($rc, $out, $err) = dk('start', $name);
is($rc, 0, 'tls: start: exit 0') or diag $err;
ok(wait_until(sub { (dk('logs', $name))[1] eq "from-logs\n" }, 10),
    'tls: logs: the output');

# exec -i with stdin and half-close
($rc, $out, $err) = dk({ %T, stdin => "hi\n" }, 'exec', '-i', $name, 'cat');
is($rc, 0, 'tls: echo hi | exec -i cat: exit 0') or diag $err;
is($out, "hi\n", 'tls: echo hi | exec -i cat: hi back after stdin EOF');

($rc, $out, $err) = dk({ %T, stdin => "a\nb\n" }, 'exec', '-i', $name,
    'sh', '-c', 'cat; sleep 1; echo after-eof');
is($out, "a\nb\nafter-eof\n",
    'tls: exec -i: output after stdin EOF (half-close) still arrives');

($rc, $out, $err) = dk({%T}, 'exec', $name, 'sh', '-c', 'exit 3');
is($rc, 3, "tls: exec sh -c 'exit 3': exit 3") or diag $err;

# cp both ways
my $tmp = tempdir('sockerless-tls-cp-XXXXXX', TMPDIR => 1, CLEANUP => 1);
my $payload = random_bytes(3 * 1024 * 1024 + 17, 5050);
open my $fh, '>', "$tmp/in.bin" or die $!;
binmode $fh;
print $fh $payload;
close $fh;
($rc, $out, $err) = dk({%T}, 'cp', "$tmp/in.bin", "$name:/tmp/in.bin");
is($rc, 0, 'tls: cp into the container: exit 0') or diag $err;
(undef, $out) = docker_direct('exec', $name, 'sha256sum', '/tmp/in.bin');
is((split ' ', $out)[0] // '', sha256_hex($payload),
    'tls: cp into the container: same bytes');
($rc, $out, $err) = dk({%T}, 'cp', "$name:/tmp/in.bin", "$tmp/back.bin");
is($rc, 0, 'tls: cp out of the container: exit 0') or diag $err;
my $back = do { local $/; open my $b, '<', "$tmp/back.bin"; binmode $b;
    <$b> } // '';
is(sha256_hex($back), sha256_hex($payload),
    'tls: cp out of the container: same bytes');

($rc, $out, $err) = dk('rm', '-f', $name);
is($rc, 0, 'tls: rm -f: exit 0') or diag $err;
($rc) = docker_direct('inspect', $name);
isnt($rc, 0, 'tls: rm -f: the container is gone');

# 64 MiB through run -i cat
{
    my $data = random_bytes(64 * 1024 * 1024, 5050);
    ($rc, $out, $err) = dk({ timeout => 180, stdin => $data }, 'run', '-i',
        '--rm', '--network', 'none', $image, 'cat');
    is($rc, 0, 'tls: run -i cat of 64 MiB: exit 0') or diag $err;
    is(length $out, length $data, 'tls: run -i cat of 64 MiB: length');
    ok(sha256_hex($out) eq sha256_hex($data),
        'tls: run -i cat of 64 MiB: same sha256');
}

# build (the classic builder: DOCKER_BUILDKIT=0)
{
    my $ctx = tempdir('sockerless-tls-build-XXXXXX', TMPDIR => 1,
        CLEANUP => 1);
    open my $df, '>', "$ctx/Dockerfile" or die $!;
    print $df "FROM $image\nCOPY hello.txt /hello.txt\n"
        . "RUN echo built-over-tls >> /hello.txt\n";
    close $df;
    open my $hf, '>', "$ctx/hello.txt" or die $!;
    print $hf "hello\n";
    close $hf;
    my $tag = unique_name('build') . ':1';
    cleanup_image($tag);
    ($rc, $out, $err) = dk({ timeout => 120,
        env => { DOCKER_BUILDKIT => '0' } }, 'build', '-t', $tag, $ctx);
    is($rc, 0, 'tls: build: exit 0') or diag "$out$err";
    like($out, qr/Successfully tagged \Q$tag\E/, 'tls: build: tagged');
    ($rc, $out, $err) = dk({%T}, 'run', '--rm', '--network', 'none', $tag,
        'cat', '/hello.txt');
    is($out, "hello\nbuilt-over-tls\n", 'tls: build: the image has the files');
}

# push to and pull from the test registry
{
    my $ref = registry() . '/slt/' . unique_name('tls') . ':1';
    cleanup_image($ref);
    docker_direct('tag', $image, $ref);
    ($rc, $out, $err) = dk({ timeout => 120 }, 'push', $ref);
    is($rc, 0, 'tls: push: exit 0') or diag "$out$err";
    like($out, qr/digest: sha256:[0-9a-f]{64}/, 'tls: push: digest line');
    docker_direct('rmi', $ref);
    ($rc, $out, $err) = dk({ timeout => 120 }, 'pull', $ref);
    is($rc, 0, 'tls: pull: exit 0') or diag "$out$err";
    ($rc) = docker_direct('image', 'inspect', $ref);
    is($rc, 0, 'tls: pull: the image is there');
}

# the access log: who (the certificate's subject) did what
{
    my @recs = $ng->access_records;
    my @tls = grep { ($_->{port} // '') eq $ng->tls_port } @recs;
    ok(scalar @tls, 'access log: JSON lines for the TLS listener');
    is(scalar(grep { !exists $_->{op} } @recs), 0,
        'access log: every line is JSON') or diag $ng->access_log;
    is(scalar(grep { ($_->{client_dn} // '') !~ /CN=docker-client/ } @tls),
        0, 'access log: every TLS request has the client DN');
    ok((grep { $_->{op} eq 'ContainerCreate' && $_->{object} eq ''
        && $_->{status} eq '201' } @tls), 'access log: ContainerCreate 201');
    ok((grep { $_->{op} eq 'ContainerDelete' && $_->{object} eq $name } @tls),
        'access log: ContainerDelete with the container name');
    ok((grep { $_->{op} eq 'ImageBuild' } @tls), 'access log: ImageBuild');
    ok((grep { $_->{op} eq 'ExecStart' && $_->{status} eq '101' } @tls),
        'access log: ExecStart 101 (hijacked)');
}

unlike($ng->error_log, qr/\[(alert|crit|emerg)\]/,
    'error log: no alert, crit or emerg');

done_testing();
