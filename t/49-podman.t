#!/usr/bin/perl
# Podman behind the module: Debian's podman 4.3 as a rootful
# "podman system service" (the settings of docs/fleets.md), with the
# docker CLI through nginx:
#   - the core flows: load, images, run, run -i, run -d, exec, exec -i
#     with a sha256 check, exit codes, logs, logs -f, cp, inspect, build,
#     auto-pull from the test registry, stop, rm;
#   - hijacks: 101 for a client's "Connection: keep-alive, Upgrade" (the
#     module sends exactly "Connection: Upgrade"; Podman itself answers
#     200 to a token list), 200 raw stream without Upgrade, half-close;
#   - errors as Docker JSON;
#   - Podman's own API (/libpod/...): relayed without a policy (podman
#     --remote run, its attach a hijack), denied under any policy, and no
#     policy may name it.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Digest::SHA qw(sha256_hex);
use File::Temp qw(tempdir);
use Sockerless::Test;
use Sockerless::Hijack qw(hijack_open demux);
use Sockerless::Fleet;
use Sockerless::Pull ();

module_only();

my $pod = podman_service();
my $sock = $pod->sock;
my $image = test_image();
my $dir = tempdir('sockerless-podman-XXXXXX', TMPDIR => 1, CLEANUP => 1);

my $ng = start_nginx(
    upstream_server => "unix:$sock",
    http => <<'EOF',
    sockerless_policy everything { allow @all; privileged on; }
EOF
    server => <<'EOF',
        location /p/ {
            sockerless_pass dockerd;
            sockerless_enforce everything;
        }
EOF
);
my $port = $ng->port;

my ($rc, $out, $err) = docker('version', '--format', '{{.Server.Version}}');
is($out, "4.3.1\n", 'docker version: Podman 4.3.1 behind the module')
    or diag $err;

# --- the core flows -----------------------------------------------------------

($rc, $out, $err) = run_cmd({ timeout => 120 }, 'sh', '-c',
    'docker -H "unix://$1" save "$2" | "$3" -H "tcp://127.0.0.1:$4" load',
    'sh', $ENV{DOCKER_SOCK}, $image, docker_bin(), $port);
like($out, qr/Loaded image/, 'docker load into podman') or diag $err;
($rc, $out) = docker('images', '--format', '{{.Repository}}:{{.Tag}}');
like($out, qr{(^|/)\Q$image\E$}m, 'docker images: the loaded image');

($rc, $out, $err) = docker('run', '--rm', $image, 'echo', 'hi from podman');
is($out, "hi from podman\n", 'docker run --rm') or diag $err;
# (with --rm, Podman 4.3's wait for "removed" gives 0, directly too)
my $x = unique_name('exit');
($rc, $out, $err) = docker('run', '--name', $x, $image, 'sh', '-c', 'exit 7');
is($rc, 7, 'docker run: the exit code');
docker('rm', $x);

my $in = join '', map { chr(($_ * 5 + 1) % 256) } 1 .. 1024 * 1024;
($rc, $out, $err) = docker({ stdin => $in }, 'run', '--rm', '-i', $image,
    'sha256sum');
is((split ' ', $out // '')[0], sha256_hex($in),
    'docker run -i: sha256 of 1 MiB of stdin') or diag $err;

my $c = unique_name('pod');
($rc, $out, $err) = docker('run', '-d', '--name', $c, $image, 'sh', '-c',
    'echo started; sleep 600');
is($rc, 0, 'docker run -d') or diag $err;

{
    open my $fh, '>', "$dir/big" or die;
    my $block = join '', map { chr(($_ * 3 + 7) % 256) } 1 .. 65536;
    print $fh $block x 256;
    close $fh;
}
($rc, $out, $err) = run_cmd({ timeout => 120,
        env => { DOCKER_HOST => "tcp://127.0.0.1:$port" } },
    'sh', '-c', '"$1" exec -i "$2" sha256sum < "$3"', 'sh', docker_bin(), $c,
    "$dir/big");
my ($want) = split ' ', (run_cmd('sha256sum', "$dir/big"))[1];
is((split ' ', $out // '')[0], $want,
    'docker exec -i: sha256 of 16 MiB of stdin') or diag $err;
($rc, $out, $err) = docker({ stdin => "late\n" }, 'exec', '-i', $c, 'sh',
    '-c', 'cat; sleep 1; echo after-eof; exit 4');
is($out, "late\nafter-eof\n", 'docker exec -i: output after stdin EOF');
is($rc, 4, 'docker exec: the exit code');

($rc, $out) = docker('logs', $c);
is($out, "started\n", 'docker logs');
my $lg = unique_name('podlogs');
docker('run', '-d', '--name', $lg, $image, 'sh', '-c',
    'echo one; sleep 1; echo two');
my $p = docker_spawn('logs', '-f', $lg);
ok($p->read_until(qr/one\n.*two\n/s, 20), 'docker logs -f follows');
is($p->wait(20), 0, 'docker logs -f ends with the container');

open my $fh, '>', "$dir/in.txt" or die;
print $fh "copied\n";
close $fh;
($rc, $out, $err) = docker('cp', "$dir/in.txt", "$c:/tmp/in.txt");
is($rc, 0, 'docker cp into the container') or diag $err;
($rc, $out, $err) = docker('cp', "$c:/tmp/in.txt", "$dir/out.txt");
ok($rc == 0 && -s "$dir/out.txt" == 7, 'docker cp out of it') or diag $err;

($rc, $out) = docker('inspect', '--format', '{{.State.Running}}', $c);
is($out, "true\n", 'docker inspect');
($rc, $out) = docker('ps', '--filter', "name=$c", '--format', '{{.Names}}');
is($out, "$c\n", 'docker ps --filter');

mkdir "$dir/ctx";
open $fh, '>', "$dir/ctx/Dockerfile" or die;
print $fh "FROM $image\nRUN echo built > /built\n";
close $fh;
my $built = unique_name('built') . ':1';
($rc, $out, $err) = docker({ timeout => 120 }, 'build', '-q', '-t', $built,
    "$dir/ctx");
is($rc, 0, 'docker build (Podman builds with buildah)') or diag $err;
($rc, $out) = docker('run', '--rm', $built, 'cat', '/built');
is($out, "built\n", 'the built image runs');

# a missing image: the CLI (auto-pull "auto") gets the 404 and pulls by
# itself through the module, from Podman, with its progress
my $ref = registry() . '/sockerless/test:1';
($rc, $out, $err) = docker('run', '--rm', $ref, 'echo', 'pulled');
is($out, "pulled\n", 'a pull through Podman') or diag $err;
like($err, qr/Unable to find image/,
    'the CLI pulled it after the 404, as from dockerd');

# a client that never pulls (no User-Agent of one that does): the module
# asks Podman to pull first
{
    my $raw = Sockerless::Pull::pushed_image(registry(), 'podraw');
    my ($st, $j, undef, $b) = api('POST', '/containers/create',
        { Image => $raw, Cmd => ['true'] });
    is($st, 201, 'auto-pull through Podman for a raw create') or diag $b;
    docker('rm', '-f', $j->{Id}) if ref $j eq 'HASH' && $j->{Id};
    docker('rmi', $raw);
}

($rc, $out, $err) = docker('stop', '-t', '1', $c);
is($rc, 0, 'docker stop') or diag $err;
($rc, $out, $err) = docker('rm', $c, $lg);
is($rc, 0, 'docker rm') or diag $err;

# --- hijacks ------------------------------------------------------------------

($rc, $out, $err) = docker('run', '-d', '--name', $c, $image, 'sleep', '600');
my $exec = sub {
    my ($st, $h, $b) = http_request($port, 'POST', "/v1.41/containers/$c/exec",
        headers => ['Content-Type' => 'application/json'],
        body => encode_json({ AttachStdin => JSON::PP::true(),
            AttachStdout => JSON::PP::true(),
            AttachStderr => JSON::PP::true(),
            Cmd => ['sh', '-c', 'cat; echo done >&2'] }));
    return (eval { decode_json($b) } || {})->{Id};
};
my $start = '{"Detach":false,"Tty":false}';

my $s = hijack_open($port, 'POST', '/v1.41/exec/' . $exec->() . '/start',
    upgrade => 0, body => $start,
    headers => [Connection => 'keep-alive, Upgrade', Upgrade => 'tcp']);
is($s->{status}, 101, '"Connection: keep-alive, Upgrade": 101 through the '
    . 'module');
$s->put("one\n");
$s->shutdown_write;
my ($o, $e) = demux($s->read_all(10));
is("$o|$e", "one\n|done\n", 'hijacked: stdin, half-close, output after');

$s = hijack_open(0, 'POST', '/v1.41/exec/' . $exec->() . '/start',
    sock => $sock, upgrade => 0, body => $start,
    headers => [Connection => 'keep-alive, Upgrade', Upgrade => 'tcp']);
is($s->{status}, 200, 'Podman itself answers such a token list with 200');
$s->shutdown_write;
$s->read_all(5);

$s = hijack_open($port, 'POST', '/v1.41/exec/' . $exec->() . '/start',
    upgrade => 0, body => $start);
is($s->{status}, 200, 'no Upgrade: the 200 raw stream');
unlike($s->{head}, qr/^Transfer-Encoding/mi, 'not chunked by nginx');
$s->put("two\n");
$s->shutdown_write;
($o, $e) = demux($s->read_all(10));
is("$o|$e", "two\n|done\n", 'raw stream: stdin, half-close, output after');
docker('rm', '-f', $c);

# --- errors -----------------------------------------------------------------

my ($st, $h, $b) = http_request($port, 'GET', '/v1.41/containers/nosuch/json');
is($st, 404, "Podman's 404 passes");
like((eval { decode_json($b) } || {})->{message} // '', qr/no such/i,
    'with a "message" the docker CLI prints');
($rc, $out, $err) = docker('inspect', '--type', 'container', 'nosuch');
like($err, qr/No such/i, 'docker inspect of nothing: the CLI says so');
($st, $h, $b) = http_request($port, 'GET', '/p/v1.41/%2e%2e/containers/json');
is($h->{'content-type'}, 'application/json', 'a module refusal: Docker JSON');

# --- Podman's own API ---------------------------------------------------------

($st, $h, $b) = http_request($port, 'GET', '/v4.3.1/libpod/_ping');
is("$st $b", '200 OK', 'no policy: /libpod/_ping relayed');
like($ng->access_log, qr{"GET /v4\.3\.1/libpod/_ping HTTP/1\.1" 200 \d+ op=Libpod }m,
    'its operation is Libpod');

my @remote = ('podman', '--remote', '--url', "tcp://127.0.0.1:$port");
($rc, $out, $err) = run_cmd({ timeout => 60 }, @remote, 'run', '--rm',
    $image, 'echo', 'podman remote');
is($out, "podman remote\n", 'no policy: podman --remote run (libpod create, '
    . 'attach, start)') or diag $err;
like($ng->access_log, qr{"POST /v[\d.]+/libpod/containers/\S+/attach\?\S* HTTP/1\.1" 101 \d+ op=LibpodContainerAttach }m,
    'its attach is a hijack');

for my $t (['GET', '/p/libpod/_ping'], ['GET', '/p/v4.3.1/libpod/_ping'],
    ['POST', '/p/v4.3.1/libpod/containers/create'],
    ['POST', '/p/libpod/play/kube'],
    ['POST', '/p/v4.3.1/libpod/exec/x/start'])
{
    ($st, $h, $b) = http_request($port, $t->[0], $t->[1],
        headers => ['Content-Type' => 'application/json'], body => '{}');
    # a version prefix that is not N.M is refused first, with 400
    ok($st == 403 || ($st == 400 && $t->[1] =~ m{^/p/v}),
        "\@all: $t->[0] $t->[1] denied") or diag "$st $b";
    like($b, qr/^\{"message":"(Libpod\S* denied|refused) by policy/,
        "$t->[1]: Docker JSON");
}
($rc, $out, $err) = docker_via("tcp://127.0.0.1:$port/p", 'ps', '-q');
is($rc, 0, '@all: the Docker API of Podman still works') or diag $err;

# no policy can allow it
{
    open my $fh, '>', "$dir/bad.conf" or die;
    print $fh "load_module $Sockerless::Test::MODULE;\nevents {}\n"
        . "http { sockerless_policy p { allow Libpod; } }\n";
    close $fh;
    ($rc, $out, $err) = run_cmd($Sockerless::Test::NGINX, '-t', '-q',
        '-p', "$dir/",
        '-c', "$dir/bad.conf", '-g', "error_log $dir/err.log;");
    isnt($rc, 0, '"allow Libpod": nginx -t fails');
    like($err, qr/"Libpod" is Podman's own API: no policy allows it/,
        'and says why');
}

unlike($ng->error_log, qr/\[(alert|crit|emerg)\]/, 'no alert in the error log');

done_testing();
