#!/usr/bin/perl
# Browser protection of nginx.conf.sample (sockerless_allow_browsers off):
# a request with Origin, Sec-Fetch-Site, Sec-Fetch-Mode or Sec-Fetch-Dest
# gets 403 with a Docker JSON message and never reaches dockerd (a
# counting forwarder stands between nginx and dockerd), but for an Origin
# that is the endpoint itself (the connection's scheme and the Host
# header exactly, an IP literal or localhost, no Sec-Fetch-*), as
# docker-py's websocket attach sends it: a rebinding page's origin is a
# name, never an IP literal.  With `sockerless_allow_browsers on;` the
# same requests pass.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Sockerless::Test;
use Sockerless::TLS;

module_only();

my $image = test_image();
my @BROWSER = (
    ['Origin', 'http://evil.example'],
    ['Sec-Fetch-Site', 'cross-site'],
    ['Sec-Fetch-Mode', 'no-cors'],
    ['Sec-Fetch-Dest', 'empty'],
    ['origin', 'null'],
);

# a container create through the plain listener with one browser header
# (or several: name => value, ...; host => the Host header):
# (status, headers, body, the container's name)
sub browser_create {
    my ($ng, @h) = @_;
    my %o;
    %o = (host => (splice @h, -2)[1]) if @h > 2 && $h[-2] eq 'host';
    my $name = unique_name('browser');
    cleanup_container($name);
    my ($st, $h, $body) = http_request($ng->plain_port, 'POST',
        "/v1.41/containers/create?name=$name", %o,
        headers => ['Content-Type' => 'application/json', @h],
        body => encode_json({ Image => $image, Cmd => ['true'],
            HostConfig => { NetworkMode => 'none' } }));
    return ($st, $h, $body, $name);
}

{
    my $fwd = unix_forwarder($ENV{DOCKER_SOCK});
    my $ng = start_sample(docker_sock => $fwd->path);

    for my $b (@BROWSER) {
        my ($hname, $hvalue) = @$b;
        my ($st, $h, $body, $name) = browser_create($ng, $hname, $hvalue);
        is($st, 403, "$hname: 403");
        like($h->{'content-type'} // '', qr{^application/json},
            "$hname: application/json");
        my $msg = json_message($body) // '';
        like($msg, qr/requests from web browsers are refused/i,
            "$hname: the JSON message") or diag $body;
        my ($rc) = docker_direct('inspect', $name);
        isnt($rc, 0, "$hname: no container created");
    }

    # a GET from a page (DNS rebinding reads): refused as well
    my ($st) = http_request($ng->plain_port, 'GET', '/v1.41/containers/json',
        headers => ['Sec-Fetch-Site' => 'same-origin',
            'Sec-Fetch-Mode' => 'cors']);
    is($st, 403, 'GET with Sec-Fetch-*: 403');

    # over TLS with a client certificate: the same
    SKIP: {
        skip 'no curl', 2 unless -x '/usr/bin/curl';
        my $c = $ng->certs;
        my ($rc, $out, $err) = run_cmd('curl', '-sS', '-i', '--cacert',
            "$c/ca.pem", '--cert', "$c/client/cert.pem", '--key',
            "$c/client/key.pem", '-H', 'Origin: https://evil.example',
            'https://127.0.0.1:' . $ng->tls_port . '/v1.41/containers/json');
        like($out, qr{^HTTP/1\.1 403}, 'TLS + Origin: 403') or diag $err;
        like($out, qr/requests from web browsers are refused/,
            'TLS + Origin: the JSON message');
    }

    is($fwd->accepted, 0, 'nothing of the above reached dockerd');

    # the docker CLI with a browser header in HttpHeaders: the CLI prints it
    my $cfg = docker_config_dir({ HttpHeaders =>
        { Origin => 'http://evil.example' } });
    my ($rc, $out, $err) = docker_via($ng->plain_host,
        { env => { DOCKER_CONFIG => $cfg } }, 'ps');
    isnt($rc, 0, 'CLI with an Origin header: fails');
    like($err, qr/Error response from daemon: requests from web browsers are refused/,
        'CLI with an Origin header: prints the message') or diag $err;
    is($fwd->accepted, 0, 'CLI with an Origin header: nothing reached dockerd');

    # an Origin that is the endpoint itself, as websocket-client sends it
    # (docker-py's attach_socket(ws=True)): not a page's
    my $port = $ng->plain_port;
    for my $o (
        # [name, Origin, Host, more headers, status]
        ['a rebinding page (a name)', "http://evil.example:$port",
            "evil.example:$port", [], 403],
        ['its own origin but Sec-Fetch-Site', "http://127.0.0.1:$port",
            "127.0.0.1:$port", ['Sec-Fetch-Site' => 'same-origin'], 403],
        ['another port', "http://127.0.0.1:1", "127.0.0.1:$port", [], 403],
        ['another scheme', "https://127.0.0.1:$port", "127.0.0.1:$port",
            [], 403],
        ['a name that is not localhost', "http://localhost.evil:$port",
            "localhost.evil:$port", [], 403],
        ['"null"', 'null', "127.0.0.1:$port", [], 403],
    ) {
        my ($what, $origin, $host, $more, $want) = @$o;
        my ($st) = browser_create($ng, Origin => $origin, @$more,
            host => $host);
        is($st, $want, "Origin of $what: $want");
    }
    is($fwd->accepted, 0, 'no Origin of a page reached dockerd');

    for my $o (["http://127.0.0.1:$port", "127.0.0.1:$port"],
               ["http://localhost:$port", "localhost:$port"],
               ["http://[::1]:$port", "[::1]:$port"])
    {
        my ($st, undef, $body) = browser_create($ng, Origin => $o->[0],
            host => $o->[1]);
        is($st, 201, "Origin $o->[0] with Host $o->[1]: the endpoint "
            . 'itself, allowed') or diag $body;
    }

    # docker-py's websocket attach, through the sample
    SKIP: {
        my $python = $ENV{SOCKERLESS_PYTHON} || '/usr/bin/python3';
        my ($missing) = run_cmd({ timeout => 30 }, $python, '-c',
            'import docker, websocket');
        skip('docker-py or websocket-client is missing', 2) if $missing;
        my $c = cleanup_container(unique_name('ws'));
        docker_direct('run', '-d', '-i', '--name', $c, '--network', 'none',
            $image, 'cat');
        my ($rc, $out, $err) = run_cmd({ timeout => 60 }, $python, '-c',
            <<'EOF', $port, $c);
import sys
import docker
port, name = sys.argv[1:3]
api = docker.APIClient(base_url="tcp://127.0.0.1:%s" % port, version="auto")
ws = api.attach_socket(name, params={"stdin": 1, "stdout": 1,
                                     "stream": 1}, ws=True)
ws.send("over websocket\n")
got = ""
while "\n" not in got:
    r = ws.recv()
    got += r.decode() if isinstance(r, bytes) else r
print(got, end="")
EOF
        is($rc, 0, 'docker-py attach_socket(ws=True): works') or diag $err;
        like($out, qr/over websocket/, 'docker-py websocket: the echo');
    }

    # without those headers: passes (and reaches dockerd)
    ($rc, $out, $err) = docker_via($ng->plain_host, 'ps', '-q');
    is($rc, 0, 'without browser headers: ps works') or diag $err;
    cmp_ok($fwd->accepted, '>=', 1, 'without browser headers: dockerd reached');

    my @recs = grep { $_->{status} eq '403' } $ng->access_records;
    ok((grep { $_->{op} eq 'ContainerCreate' } @recs),
        'access log: ContainerCreate 403');
}

{
    my $ng = start_sample(location => '            sockerless_allow_browsers on;');
    for my $b (@BROWSER[0 .. 3]) {
        my ($hname, $hvalue) = @$b;
        my ($st, $h, $body, $name) = browser_create($ng, $hname, $hvalue);
        is($st, 201, "allow_browsers on: $hname: 201") or diag $body;
        my ($rc) = docker_direct('inspect', $name);
        is($rc, 0, "allow_browsers on: $hname: the container exists");
    }
    my $cfg = docker_config_dir({ HttpHeaders =>
        { Origin => 'http://evil.example' } });
    my ($rc, $out, $err) = docker_via($ng->plain_host,
        { env => { DOCKER_CONFIG => $cfg } }, 'ps', '-q');
    is($rc, 0, 'allow_browsers on: CLI with an Origin header works')
        or diag $err;
}

done_testing();
