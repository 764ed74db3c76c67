#!/usr/bin/perl
# Two daemons behind one nginx (docs/fleets.md): the shared dockerd is
# node d1, a private dockerd of this test node d2.  Three ways to route:
#   - a path prefix: location /n1/, /n2/ (DOCKER_HOST=tcp://gw:port/n2),
#     and any other first segment is a node that does not exist;
#   - a map on the identity: basic auth, $remote_user;
#   - a map on the server name: $host.
# The docker CLI (run, run -i, exec -i with a 64 MiB sha256 check, logs -f,
# cp, build, load), docker-py with base_url ".../n2" and dockerode reach
# the right daemon and only it; auto-pull and the names a policy resolves
# go to the request's node; each node has its own policy, and the logs
# name the node.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Digest::SHA qw(sha256_hex);
use File::Temp qw(tempdir);
use Sockerless::Test;
use Sockerless::Fault qw(own_dockerd);
use Sockerless::TLS qw(htpasswd_file);
use Sockerless::Fleet;

module_only();

my $image = test_image();
my $n1 = $ENV{DOCKER_SOCK};
my $d2 = own_dockerd();
my $n2 = $d2->sock;
my $dir = tempdir('sockerless-fleet-XXXXXX', TMPDIR => 1, CLEANUP => 1);
my $users = htpasswd_file("$dir/htpasswd", alice => 'a-secret',
    bob => 'b-secret', carol => 'c-secret');
my ($id_port, $name_port) = (free_port(), free_port());

my $ng = start_nginx(
    pass => '$path_node',
    log_format => '$server_port "$request" $status node=$sockerless_node '
        . 'op=$sockerless_op d=$sockerless_decision',
    http => <<"EOF",
    upstream d1 { server unix:$n1; keepalive 8; }
    upstream d2 { server unix:$n2; keepalive 8; }

    # any other first segment of the path is a node that does not exist
    map \$uri \$path_node { ~^/(?<n>[a-z0-9-]+)/ \$n; default ""; }
    map \$remote_user \$user_node { alice d1; bob d2; default ""; }
    map \$host \$host_node { localhost d1; 127.0.0.1 d2; default ""; }

    # a policy per node
    map \$sockerless_node \$node_policy { d1 n1_full; default n2_guarded; }
    sockerless_policy n1_full { allow \@all; privileged on; bind $dir; }
    sockerless_policy n2_guarded { allow \@all; privileged off; }

    server {
        listen 127.0.0.1:$id_port;
        client_max_body_size 0;
        auth_basic docker;
        auth_basic_user_file $users;
        location / { sockerless_pass \$user_node; }
    }

    server {
        listen 127.0.0.1:$name_port;
        client_max_body_size 0;
        location / { sockerless_pass \$host_node; }
    }
EOF
    server => <<'EOF',
        location /n1/ {
            sockerless_pass d1;
            sockerless_enforce $node_policy;
        }
        location /n2/ {
            sockerless_pass d2;
            sockerless_enforce $node_policy;
        }
EOF
);

my $port = $ng->port;
my %host = (
    prefix1 => "tcp://127.0.0.1:$port/n1",
    prefix2 => "tcp://127.0.0.1:$port/n2",
    name1 => "tcp://localhost:$name_port",
    name2 => "tcp://127.0.0.1:$name_port",
    id => "tcp://127.0.0.1:$id_port",
);
my %as = (alice => cli_config(alice => 'a-secret'),
    bob => cli_config(bob => 'b-secret'),
    carol => cli_config(carol => 'c-secret'));

sub dk {
    my ($route, @args) = @_;
    my $o = ref $args[0] eq 'HASH' ? { %{ shift @args } } : {};
    my ($h, $user) = split /:/, $route;
    $o->{env} = { %{ $o->{env} || {} }, DOCKER_CONFIG => $as{$user} }
        if $user;
    $o->{timeout} //= 120;
    return docker_via($host{$h}, $o, @args);
}

isnt(daemon_root($n1), daemon_root($n2), 'two daemons, two data roots');

# --- every route reaches its node, and only it ------------------------------

my %routes = (
    prefix1 => $n1, prefix2 => $n2, name1 => $n1, name2 => $n2,
    'id:alice' => $n1, 'id:bob' => $n2,
);

for my $route (sort keys %routes) {
    my $c = unique_name('where');
    cleanup_container($c);
    my ($rc, $out, $err) = dk($route, 'info', '--format', '{{.DockerRootDir}}');
    is($out, daemon_root($routes{$route}) . "\n",
        "$route: docker info is the node's");
    ($rc, $out, $err) = dk($route, 'run', '-d', '--name', $c,
        '--network', 'none', $image, 'sleep', '300');
    is($rc, 0, "$route: docker run -d") or diag $err;
    my $other = $routes{$route} eq $n1 ? $n2 : $n1;
    ok(has_container($routes{$route}, $c) && !has_container($other, $c),
        "$route: the container is on its node only");
    $d2->docker('rm', '-f', $c) if $routes{$route} eq $n2;
}

# --- the CLI flows, through the prefix of the private node -------------------

my ($rc, $out, $err) = dk('prefix2', 'run', '--rm', '--network', 'none',
    $image, 'echo', 'hi from n2');
is($out, "hi from n2\n", 'prefix /n2: docker run --rm');

my $in = join '', map { chr(($_ * 7 + 3) % 256) } 1 .. 1024 * 1024;
($rc, $out, $err) = dk('prefix2', { stdin => $in }, 'run', '--rm', '-i',
    '--network', 'none', $image, 'sha256sum');
is((split ' ', $out // '')[0], sha256_hex($in),
    'prefix /n2: docker run -i: sha256 of 1 MiB of stdin') or diag $err;

my $c2 = unique_name('flows');
cleanup_container($c2);
($rc, $out, $err) = dk('prefix2', 'run', '-d', '--name', $c2, '--network',
    'none', $image, 'sleep', '600');
is($rc, 0, 'prefix /n2: a container to exec in') or diag $err;

my $big = "$dir/big";
{
    open my $fh, '>', $big or die;
    my $block = join '', map { chr(($_ * 13 + 5) % 256) } 1 .. 65536;
    print $fh $block x 1024;
    close $fh;
}
($rc, $out, $err) = run_cmd({ timeout => 180,
        env => { DOCKER_HOST => $host{prefix2} } },
    'sh', '-c', '"$1" exec -i "$2" sha256sum < "$3"', 'sh', docker_bin(), $c2,
    $big);
my ($want) = split ' ', (run_cmd('sha256sum', $big))[1];
is((split ' ', $out // '')[0], $want,
    'prefix /n2: docker exec -i: sha256 of 64 MiB of stdin') or diag $err;

my $lg = unique_name('logs');
cleanup_container($lg);
($rc, $out, $err) = dk('prefix2', 'run', '-d', '--name', $lg, '--network',
    'none', $image, 'sh', '-c', 'echo one; sleep 1; echo two');
my $p = docker_spawn_via($host{prefix2}, 'logs', '-f', $lg);
ok($p->read_until(qr/one\n.*two\n/s, 20), 'prefix /n2: docker logs -f follows');
is($p->wait(20), 0, 'prefix /n2: docker logs -f ends with the container');

open my $fh, '>', "$dir/cp-in" or die;
print $fh "copied in\n";
close $fh;
($rc, $out, $err) = dk('prefix2', 'cp', "$dir/cp-in", "$c2:/tmp/cp-in");
is($rc, 0, 'prefix /n2: docker cp into the container') or diag $err;
($rc, $out, $err) = dk('prefix2', 'cp', "$c2:/tmp/cp-in", "$dir/cp-out");
ok($rc == 0 && -s "$dir/cp-out" == 10, 'prefix /n2: docker cp out of it')
    or diag $err;
($rc, $out) = $d2->docker('exec', $c2, 'cat', '/tmp/cp-in');
is($out, "copied in\n", 'prefix /n2: the file is in the container on n2');

mkdir "$dir/ctx";
open $fh, '>', "$dir/ctx/Dockerfile" or die;
print $fh "FROM $image\nRUN echo built > /built\n";
close $fh;
my $built = unique_name('built') . ':1';
cleanup_image($built);
($rc, $out, $err) = dk('prefix2', 'build', '-q', '-t', $built, "$dir/ctx");
is($rc, 0, 'prefix /n2: docker build') or diag $err;
ok(has_image($n2, $built) && !has_image($n1, $built),
    'prefix /n2: the image is built on n2 only');
$d2->docker('rmi', $built);

my $loaded = unique_name('loaded') . ':1';
docker_direct('tag', $image, $loaded);
($rc, $out, $err) = run_cmd({ timeout => 60 }, 'sh', '-c',
    'docker -H "unix://$1" save -o "$2" "$3"', 'sh', $n1, "$dir/img.tar",
    $loaded);
docker_direct('rmi', $loaded);
($rc, $out, $err) = dk('prefix2', 'load', '-i', "$dir/img.tar");
like($out, qr/Loaded image: \Q$loaded\E/, 'prefix /n2: docker load')
    or diag $err;
ok(has_image($n2, $loaded) && !has_image($n1, $loaded),
    'prefix /n2: the image is loaded on n2 only');
$d2->docker('rmi', $loaded);

# --- docker-py: base_url with the prefix --------------------------------------

SKIP: {
    my ($prc) = run_cmd({ timeout => 30 }, 'python3', '-c', 'import docker');
    skip 'docker-py is missing (apt-get install python3-docker)', 4 if $prc;
    my $py = <<'EOF';
import hashlib, json, os, socket, struct, sys
import docker
base, container, image = sys.argv[1:4]
cli = docker.DockerClient(base_url=base, version="auto", timeout=60)
res = {}
res["run"] = cli.containers.run(image, ["echo", "py on n2"], remove=True,
                                network_mode="none").decode()
data = os.urandom(1024 * 1024 + 5)
ctr = cli.containers.get(container)
r = ctr.exec_run(["sh", "-c", "cat; echo bye >&2"], stdin=True, socket=True)
s = getattr(r.output, "_sock", r.output)
s.sendall(data)
s.shutdown(socket.SHUT_WR)
buf = b""
while True:
    chunk = s.recv(65536)
    if not chunk:
        break
    buf += chunk
out, err, pos = b"", b"", 0
while pos + 8 <= len(buf):
    kind, length = struct.unpack(">BxxxL", buf[pos:pos + 8])
    if kind == 2:
        err += buf[pos + 8:pos + 8 + length]
    else:
        out += buf[pos + 8:pos + 8 + length]
    pos += 8 + length
res["socket"] = {"same": hashlib.sha256(out).digest()
                 == hashlib.sha256(data).digest(), "stderr": err.decode()}
print(json.dumps(res))
EOF
    ($rc, $out, $err) = run_cmd({ timeout => 120 }, 'python3', '-c', $py,
        "tcp://127.0.0.1:$port/n2", $c2, $image);
    is($rc, 0, 'docker-py (base_url .../n2): the script ends') or diag $err;
    my $r = eval { decode_json($out) } || {};
    is($r->{run}, "py on n2\n", 'docker-py: containers.run(remove=True)');
    ok($r->{socket}{same}, 'docker-py: exec_run(socket=True): 1 MiB in, out');
    is($r->{socket}{stderr}, "bye\n", 'docker-py: stderr after half-close');
}

# --- dockerode: by server name ----------------------------------------------

SKIP: {
    my $js = "$FindBin::Bin/js";
    my ($node) = grep { -x } map { "$_/node" } split /:/, $ENV{PATH} // '';
    skip 'node or dockerode is missing (tools/install-node-deps)', 2
        unless $node && -d "$js/node_modules/dockerode";
    # exec-hijack.js talks to 127.0.0.1: the server name of d2; the
    # container is on d2 only
    ($rc, $out, $err) = run_cmd({ timeout => 60 }, $node,
        "$js/exec-hijack.js", $name_port, $c2, 100003);
    my $r = eval { decode_json((split /\n/, $out)[-1] // '') } || {};
    ok($rc == 0 && defined $r->{sent} && $r->{stdout} eq $r->{sent},
        'dockerode (Host 127.0.0.1 is d2): exec with hijack, sha256 out = in')
        or diag $err;
    is($r->{exitCode}, 3, 'dockerode: the exec exit code on d2');
}

# --- the other routes: hijacks ------------------------------------------------

for my $route ('name1', 'id:bob') {
    ($rc, $out, $err) = dk($route, { stdin => "in\n" }, 'run', '--rm', '-i',
        '--network', 'none', $image, 'sh', '-c', 'cat; echo after-eof');
    is($out, "in\nafter-eof\n", "$route: docker run -i, output after EOF")
        or diag $err;
}

# --- auto-pull and resolution go to the request's node -----------------------

my $pulled = registry() . '/' . unique_name('fleet') . ':1';
docker_direct('tag', $image, $pulled);
($rc, $out, $err) = docker_direct('push', $pulled);
is($rc, 0, 'an image only the registry has') or diag $err;
docker_direct('rmi', $pulled);
($rc, $out, $err) = dk('prefix2', 'run', '--rm', '--network', 'none',
    $pulled, 'echo', 'pulled');
is($out, "pulled\n", 'prefix /n2: docker run of an image n2 lacks')
    or diag $err;
ok(has_image($n2, $pulled) && !has_image($n1, $pulled),
    'auto-pull: the image was pulled by n2, not by n1');
$d2->docker('rmi', $pulled);

# privileged off on n2: a container on the host's network is refused;
# an ID prefix is resolved by asking the node the request goes to
my %hostnet = map {
    my $sock = $_;
    my ($st, $h, $b) = http_request(0, 'GET', '/networks/host', sock => $sock);
    ($sock => substr((eval { decode_json($b) } || {})->{Id} // 'x', 0, 12));
} $n1, $n2;
my $create = sub {
    my ($net) = @_;
    my ($st, $h, $b) = http_request($port, 'POST',
        '/n2/v1.41/containers/create', headers => ['Content-Type'
            => 'application/json'],
        body => encode_json({ Image => $image, Cmd => ['true'],
            HostConfig => { NetworkMode => $net } }));
    my $id = (eval { decode_json($b) } || {})->{Id};
    $d2->docker('rm', '-f', $id) if $id;
    return ($st, $b);
};
my ($st, $b) = $create->($hostnet{$n2});
is($st, 403, "n2's host network by ID prefix: resolved on n2, refused");
like($b, qr/host's network/, "n2's host network: the policy says why");
($st, $b) = $create->($hostnet{$n1});
isnt($st, 403, "n1's host network ID prefix means nothing to n2: not refused");

# --- a policy per node --------------------------------------------------------

($rc, $out, $err) = dk('prefix1', 'run', '--rm', '-v', "$dir:/mnt:ro",
    '--network', 'none', $image, 'cat', '/mnt/cp-in');
is($out, "copied in\n", 'n1 (privileged on): a bind mount of the host')
    or diag $err;
($rc, $out, $err) = dk('prefix2', 'run', '--rm', '-v', "$dir:/mnt:ro",
    '--network', 'none', $image, 'true');
like($err, qr/denied by policy "n2_guarded"/,
    'n2 (privileged off, no bind list): the same bind mount is refused');

# --- nodes that do not exist ----------------------------------------------

($st, my $h, $b) = http_request($port, 'GET', '/n9/_ping');
is($st, 404, 'an unknown node: 404');
is($h->{'content-type'}, 'application/json', 'an unknown node: Docker JSON');
is($b, qq({"message":"no such Docker node: \\"n9\\""}\n),
    'an unknown node: the message names it');
($rc, $out, $err) = docker_via("tcp://127.0.0.1:$port/n9", 'ps');
like($err, qr/Error response from daemon: no such Docker node: "n9"/,
    'docker ps on an unknown node: the CLI says so');
($st, $h, $b) = http_request($port, 'GET', '/unix:x/_ping');
is($st, 404, 'no socket from the path: the map allows no ":"');
($rc, $out, $err) = dk('id:carol', 'ps');
like($err, qr/no Docker node for this request/,
    'an identity with no node: refused, Docker JSON');
($rc, $out, $err) = dk('id', 'ps');
like($err, qr/authentication required/, 'no identity: 401, Docker JSON');
($st, $h, $b) = http_request($port, 'GET', '/%6E1/_ping');
is($st, 400, 'a prefix spelled otherwise is not removed: 400');

# a build's query (its arguments) is kept out of logs behind a prefix too
($st, $h, $b) = http_request($port, 'POST', '/n2/v1.41/build?t='
    . unique_name('redact') . '&buildargs=%7B%22TOKEN%22%3A%22s3cr3t-arg%22%7D',
    headers => ['Content-Type' => 'application/x-tar'],
    body => tar_bytes('Dockerfile' => "FROM $image\n"));
is($st, 200, 'a build with arguments behind /n2/');
unlike($ng->access_log, qr/s3cr3t-arg/,
    "the build's arguments are not in the access log");
like($ng->access_log, qr{"POST /n2/v1\.41/build\?\.\.\. HTTP/1\.1" 200 }m,
    'the request line is logged without its query');

# --- the logs name the node -----------------------------------------------

my $log = $ng->access_log;
like($log, qr{^$port "GET /n2/v1\.\d+/containers/\S+/json HTTP/1\.1" 200 node=d2 op=ContainerInspect}m,
    'access log: $sockerless_node d2 for /n2/');
like($log, qr{^$id_port "\S+ \S+ HTTP/1\.1" \d+ node=d1 }m,
    'access log: $sockerless_node d1 for alice');
like($log, qr{^$port "GET /n9/_ping HTTP/1\.1" 404 node=- }m,
    'access log: no node for an unknown one');
unlike($ng->error_log, qr/\[(alert|crit|emerg)\]/, 'no alert in the error log');

$d2->docker('rm', '-f', $c2);

done_testing();
