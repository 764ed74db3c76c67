#!/usr/bin/perl
# The chain of docs/fleets.md: client -> gateway (client certificates)
# -> the module on the node's host, over mTLS -> dockerd.
#   - the docker CLI through both: run, run -i with half-close, exec -i of
#     32 MiB with a sha256 check;
#   - a raw exec start with no Upgrade through both (dockerd's "200 OK"
#     raw stream), stdin half-closed with a TLS close_notify, output after
#     it;
#   - auto-pull by the gateway: its side requests go to the node over TLS;
#   - the node's certificate is verified, the gateway's is required;
#   - a node that is down is 502 JSON naming it at once, one that accepts
#     and says nothing is 504 within sockerless_connect_timeout, while
#     the other node keeps serving.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Digest::SHA qw(sha256_hex);
use File::Temp qw(tempdir);
use IO::Socket::INET;
use IO::Socket::SSL;
use IO::Select;
use Time::HiRes qw(time sleep);
use Sockerless::Test;
use Sockerless::TLS qw(make_certs tls_env);
use Sockerless::Hijack qw(demux);
use Sockerless::Fleet;

module_only();

my $image = test_image();
my $certs = make_certs();
my ($node_port, $gw_port, $down_port, $mute_port) =
    (free_port(), free_port(), free_port(), free_port());

# a host that accepts connections and never says a word
my $mute = IO::Socket::INET->new(LocalAddr => '127.0.0.1',
    LocalPort => $mute_port, Listen => 16, ReuseAddr => 1) or die $!;

my $common = <<"EOF";
load_module %%MODULE%%;
master_process on;
worker_processes 1;
user root;
pid \@RUN_DIR\@/nginx.pid;
error_log \@RUN_DIR\@/error.log info;
events { worker_connections 256; }
EOF

my $temp = <<'EOF';
    client_body_temp_path @RUN_DIR@/body;
    proxy_temp_path @RUN_DIR@/proxy;
    fastcgi_temp_path @RUN_DIR@/fastcgi;
    uwsgi_temp_path @RUN_DIR@/uwsgi;
    scgi_temp_path @RUN_DIR@/scgi;
EOF

my $tls_server = <<"EOF";
        ssl_certificate $certs/server-cert.pem;
        ssl_certificate_key $certs/server-key.pem;
        ssl_client_certificate $certs/ca.pem;
        ssl_verify_client on;
        client_max_body_size 0;
EOF

# the module on the node's host: TLS with client certificates, in front
# of its dockerd's socket; it pulls nothing itself
my $node = start_conf(<<"EOF", ports => [$node_port]);
$common
http {
$temp
    log_format node '"\$request" \$status dn="\$ssl_client_s_dn"';
    access_log \@RUN_DIR\@/access.log node;
    upstream local { server unix:$ENV{DOCKER_SOCK}; keepalive 8; }
    server {
        listen 127.0.0.1:$node_port ssl;
$tls_server
        location / {
            sockerless_pass local;
            sockerless_auto_pull off;
        }
    }
}
EOF

sub to_node {
    my ($ca) = @_;
    $ca //= "$certs/ca.pem";
    return <<"EOF";
            sockerless_ssl on;
            sockerless_ssl_certificate $certs/client/cert.pem;
            sockerless_ssl_certificate_key $certs/client/key.pem;
            sockerless_ssl_trusted_certificate $ca;
            sockerless_ssl_verify on;
            sockerless_ssl_name localhost;
            sockerless_connect_timeout 1s;
EOF
}
my $to_node = to_node();
my $to_other = to_node("$certs/other-ca/ca.pem");

my $gw = start_conf(<<"EOF", ports => [$gw_port]);
$common
http {
$temp
    log_format gw '"\$request" \$status node=\$sockerless_node '
                  'ua=\$upstream_addr';
    access_log \@RUN_DIR\@/access.log gw;
    # the gateway pulls for the CLI too (auto would let it pull itself)
    sockerless_auto_pull on;
    upstream n1 { server 127.0.0.1:$node_port; keepalive 8; }
    # the same node with other TLS settings: an upstream of their own, as
    # the connections an upstream keeps alive serve every location
    upstream n1_other { server 127.0.0.1:$node_port; }
    upstream n1_nocert { server 127.0.0.1:$node_port; }
    upstream down { server 127.0.0.1:$down_port; }
    upstream mute { server 127.0.0.1:$mute_port; }
    server {
        listen 127.0.0.1:$gw_port ssl;
$tls_server
        location /n1/ {
            sockerless_pass n1;
$to_node
        }
        location /down/ {
            sockerless_pass down;
$to_node
        }
        location /mute/ {
            sockerless_pass mute;
$to_node
        }
        # a node whose certificate is not of this CA
        location /other/ {
            sockerless_pass n1_other;
$to_other
        }
        # no client certificate: the node refuses
        location /nocert/ {
            sockerless_pass n1_nocert;
            sockerless_ssl on;
        }
    }
}
EOF

my %env = %{ tls_env("$certs/client") };
sub via {
    my ($node, @args) = @_;
    my $o = ref $args[0] eq 'HASH' ? { %{ shift @args } } : {};
    $o->{env} = { %env, %{ $o->{env} || {} } };
    $o->{timeout} //= 120;
    return docker_via("tcp://127.0.0.1:$gw_port/$node", $o, @args);
}

# --- the docker CLI through the chain -----------------------------------------

my ($rc, $out, $err) = via('n1', 'version', '--format', '{{.Server.Version}}');
is($rc, 0, 'docker version through gateway and node') or diag $err;

($rc, $out, $err) = via('n1', 'run', '--rm', '--network', 'none', $image,
    'echo', 'through two');
is($out, "through two\n", 'docker run --rm through both') or diag $err;

($rc, $out, $err) = via('n1', { stdin => "half\n" }, 'run', '--rm', '-i',
    '--network', 'none', $image, 'sh', '-c', 'cat; sleep 1; echo after-eof');
is($out, "half\nafter-eof\n",
    'docker run -i: stdin EOF crosses both TLS hops, output after it')
    or diag $err;

my $c = unique_name('chain');
cleanup_container($c);
($rc, $out, $err) = via('n1', 'run', '-d', '--name', $c, '--network', 'none',
    $image, 'sleep', '600');
is($rc, 0, 'a container to exec in') or diag $err;

my $dir = tempdir('sockerless-chain-XXXXXX', TMPDIR => 1, CLEANUP => 1);
{
    open my $fh, '>', "$dir/big" or die;
    my $block = join '', map { chr(($_ * 11 + 1) % 256) } 1 .. 65536;
    print $fh $block x 512;
    close $fh;
}
($rc, $out, $err) = run_cmd({ timeout => 180, env => { %env,
        DOCKER_HOST => "tcp://127.0.0.1:$gw_port/n1" } },
    'sh', '-c', '"$1" exec -i "$2" sha256sum < "$3"', 'sh', docker_bin(), $c,
    "$dir/big");
my ($want) = split ' ', (run_cmd('sha256sum', "$dir/big"))[1];
is((split ' ', $out // '')[0], $want,
    'docker exec -i: sha256 of 32 MiB through both') or diag $err;

# --- dockerd's 200 raw stream, half-closed over TLS ---------------------------

my ($st, $h, $b) = tls_request('POST', "/n1/v1.41/containers/$c/exec",
    encode_json({ AttachStdin => JSON::PP::true(),
        AttachStdout => JSON::PP::true(), AttachStderr => JSON::PP::true(),
        Cmd => ['sh', '-c', 'cat; sleep 1; echo late >&2'] }));
my $exec = (eval { decode_json($b) } || {})->{Id};
ok($exec, 'exec create through both') or diag "$st $b";

my $s = tls_connect();
my $body = '{"Detach":false,"Tty":false}';
print $s "POST /n1/v1.41/exec/$exec/start HTTP/1.1\r\nHost: gw\r\n"
    . "Content-Type: application/json\r\n"
    . 'Content-Length: ' . length($body) . "\r\n\r\n$body";
my $raw = read_tls($s, qr/\r\n\r\n/, 10);
like($raw, qr{^HTTP/1\.1 200 OK\r\n}, 'no Upgrade: 200 through both');
like($raw, qr{^Content-Type: application/vnd\.docker\.raw-stream\r$}mi,
    'the raw stream header, as dockerd wrote it');
unlike($raw, qr{^Transfer-Encoding}mi, 'not chunked by either nginx');
print $s "stdin line\n";
# a TLS half-close: close_notify, the socket stays open for reading
Net::SSLeay::shutdown($s->_get_ssl_object);
my $t0 = time;
$raw .= read_tls($s, qr/\z(?!)/, 15);
my ($head, $stream) = split /\r\n\r\n/, $raw, 2;
my ($o, $e, $whole) = demux($stream // '');
is($o, "stdin line\n", 'raw stream: stdin echoed');
is($e, "late\n", 'raw stream: output written after the close_notify');
ok($whole, 'raw stream: whole frames, then the end');
ok(time - $t0 >= 0.8, 'the stream lasted past the half-close');
close $s;

# --- auto-pull by the gateway, over TLS ---------------------------------------

my $pulled = registry() . '/' . unique_name('chain') . ':1';
docker_direct('tag', $image, $pulled);
($rc, $out, $err) = docker_direct('push', $pulled);
is($rc, 0, 'an image only the registry has') or diag $err;
docker_direct('rmi', $pulled);
cleanup_image($pulled);
($rc, $out, $err) = via('n1', 'run', '--rm', '--network', 'none', $pulled,
    'echo', 'pulled');
is($out, "pulled\n", 'docker run: the gateway pulled through the node')
    or diag $err;
like($node->access_log, qr{"POST /images/create\?fromImage=\S+ HTTP/1\.0" 200 dn="CN=docker-client}m,
    'the pull came from the gateway, with its certificate');

# --- certificates -------------------------------------------------------------

($st, $h, $b) = tls_request('GET', '/other/_ping');
is($st, 502, 'a node whose certificate does not verify: 502');
like($b, qr/^\{"message":"/, 'and Docker JSON');
($st, $h, $b) = tls_request('GET', '/nocert/_ping');
is($st, 400, 'no client certificate toward the node: the node refuses');
like($b, qr/^\{"message":"/, 'and Docker JSON from the node');

# --- nodes down -------------------------------------------------------------

$t0 = time;
($st, $h, $b) = tls_request('GET', '/down/v1.41/containers/json');
my $took = time - $t0;
is($st, 502, 'a node that is down: 502');
like($b, qr/Cannot connect to the Docker daemon at 127\.0\.0\.1:$down_port(: Connection refused)? \(node down\)/,
    'the message names the node');
ok($took < 1, 'at once');

my $p = docker_spawn_via("tcp://127.0.0.1:$gw_port/mute",
    { env => \%env }, 'ps');
$t0 = time;
($rc, $out, $err) = via('n1', 'ps', '-q', '--filter', "name=$c");
ok($rc == 0 && $out ne '', 'the other node serves meanwhile');
ok(time - $t0 < 1, 'without waiting for the mute one');
is($p->wait(30), 1, 'a node that says nothing: the CLI fails');
like($p->output, qr/timed out connecting to the Docker daemon at 127\.0\.0\.1:$mute_port \(sockerless_connect_timeout 1000 ms\) \(node mute\)/,
    'the message names it and the timeout');
$t0 = time;
($st, $h, $b) = tls_request('GET', '/mute/_ping');
$took = time - $t0;
is($st, 504, 'a node that says nothing: 504');
ok($took >= 0.9 && $took < 3, 'within sockerless_connect_timeout (1s)')
    or diag "took $took s";

unlike($gw->error_log, qr/\[(alert|crit|emerg)\]/, 'gateway: no alert');
unlike($node->error_log, qr/\[(alert|crit|emerg)\]/, 'node: no alert');

docker_direct('rm', '-f', $c);

done_testing();


sub tls_connect {
    my $s = IO::Socket::SSL->new(PeerAddr => "127.0.0.1:$gw_port",
        SSL_ca_file => "$certs/client/ca.pem",
        SSL_cert_file => "$certs/client/cert.pem",
        SSL_key_file => "$certs/client/key.pem",
        SSL_verifycn_name => 'localhost', SSL_hostname => 'localhost',
        Timeout => 5);
    die "TLS to the gateway: $SSL_ERROR" unless $s;
    return $s;
}

# everything that comes until $re matches, EOF or $timeout
sub read_tls {
    my ($s, $re, $timeout) = @_;
    my $buf = '';
    my $deadline = time + $timeout;
    my $sel = IO::Select->new($s);
    while ($buf !~ $re && time < $deadline) {
        next unless $s->pending || $sel->can_read($deadline - time);
        my $n = sysread($s, my $chunk, 65536);
        last unless $n;
        $buf .= $chunk;
    }
    return $buf;
}

sub tls_request {
    my ($method, $path, $body) = @_;
    my $s = tls_connect();
    my $req = "$method $path HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n";
    $req .= defined $body
        ? "Content-Type: application/json\r\nContent-Length: "
          . length($body) . "\r\n\r\n$body"
        : "\r\n";
    print $s $req;
    my $resp = read_tls($s, qr/\z(?!)/, 30);
    close $s;
    return parse_response($resp);
}
