#!/usr/bin/perl
# pull, push and login with the local registries of tools/testenv:
# $REGISTRY (open; also dockerd's --registry-mirror) and $REGISTRY_AUTH
# (htpasswd).  Credentials travel in X-Registry-Auth and the /auth body.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use MIME::Base64 qw(encode_base64url);
use Sockerless::Test;

my $ng = start_nginx();
my $image = test_image();
my $reg = registry();
my $areg = registry_auth();
my ($user, $pass) = ($ENV{REGISTRY_USER} || 'sockerless',
    $ENV{REGISTRY_PASSWORD} || 'sockerless-secret');

# base64url with padding, as the docker CLI sends it
sub registry_auth_header {
    my $b = encode_base64url(encode_json({@_}));
    return $b . '=' x (-length($b) % 4);
}

sub tags_of {
    my ($r, $repo, %auth) = @_;
    my ($port) = $r =~ /:(\d+)$/;
    my ($st, undef, $body) = http_request($port, 'GET', "/v2/$repo/tags/list",
        $auth{basic} ? (headers => ['Authorization' => 'Basic '
            . MIME::Base64::encode_base64("$user:$pass", '')]) : ());
    return $st == 200 ? join(',', sort @{ (eval { decode_json($body)->{tags} }) || [] }) : "HTTP $st";
}

# pull from the open registry
my $ref = "$reg/sockerless/test:1";
cleanup_image($ref);
my ($rc, $out, $err) = docker({ timeout => 60 }, 'pull', $ref);
is($rc, 0, 'pull from the local registry: exit 0') or diag $err;
like($out, qr/Status: (Downloaded newer image|Image is up to date) for \Q$ref\E/,
    'pull: status line');
($rc) = docker_direct('image', 'inspect', $ref);
is($rc, 0, 'pull: the image is there');

# pull through the registry mirror (docker.io/library/busybox)
($rc, $out, $err) = docker({ timeout => 60 }, 'pull', 'busybox');
is($rc, 0, 'pull busybox (through dockerd\'s mirror): exit 0') or diag $err;
like($out, qr/docker\.io\/library\/busybox:latest/, 'pull busybox: full name');

($rc, $out, $err) = docker({ timeout => 60 }, 'pull', "$reg/slt/no-such-repo:1");
isnt($rc, 0, 'pull of a missing image fails');
like($err, qr/Error response from daemon: .*(not found|manifest unknown)/i,
    'pull of a missing image: the registry error');

# push to the open registry, then pull it back
my $repo = 'slt/' . unique_name('push');
my $pushed = "$reg/$repo:1";
cleanup_image($pushed);
docker('tag', $image, $pushed);
($rc, $out, $err) = docker({ timeout => 60 }, 'push', $pushed);
is($rc, 0, 'push to the local registry: exit 0') or diag $err;
like($out, qr/1: digest: sha256:[0-9a-f]{64} size: \d+/, 'push: digest line');
is(tags_of($reg, $repo), '1', 'push: the registry has the tag');
docker('rmi', $pushed);
($rc, $out, $err) = docker({ timeout => 60 }, 'pull', $pushed);
is($rc, 0, 'pull back what was pushed: exit 0') or diag $err;

# login to the registry with htpasswd
my $arepo = 'slt/' . unique_name('auth');
my $apushed = "$areg/$arepo:1";
cleanup_image($apushed);
docker('tag', $image, $apushed);

($rc, $out, $err) = docker({ timeout => 60 }, 'push', $apushed);
isnt($rc, 0, 'push without login to the auth registry fails');
like("$out$err", qr/no basic auth credentials|unauthorized|authentication required/i,
    'push without login: the registry refused');

($rc, $out, $err) = docker({ stdin => "wrong\n" }, 'login', '-u', $user,
    '--password-stdin', $areg);
isnt($rc, 0, 'login with a wrong password fails');
like($err, qr/Error response from daemon: .*(unauthorized|incorrect username or password)/i,
    'login with a wrong password: the daemon error');

($rc, $out, $err) = docker({ stdin => "$pass\n" }, 'login', '-u', $user,
    '--password-stdin', $areg);
is($rc, 0, 'login: exit 0') or diag $err;
like($out, qr/Login Succeeded/, 'login: Login Succeeded');

($rc, $out, $err) = docker({ timeout => 60 }, 'push', $apushed);
is($rc, 0, 'push with the credentials (X-Registry-Auth): exit 0') or diag "$out$err";
is(tags_of($areg, $arepo, basic => 1), '1', 'push: the auth registry has the tag');

docker('rmi', $apushed);
($rc, $out, $err) = docker({ timeout => 60 }, 'pull', $apushed);
is($rc, 0, 'pull with the credentials: exit 0') or diag $err;

($rc, $out, $err) = docker('logout', $areg);
is($rc, 0, 'logout: exit 0');
($rc, $out, $err) = docker({ timeout => 60 }, 'push', $apushed);
isnt($rc, 0, 'push after logout fails again');

# raw: POST /auth, and X-Registry-Auth on a push
{
    my ($st, undef, $body) = http_request($ng->port, 'POST', '/v1.41/auth',
        headers => ['Content-Type' => 'application/json'],
        body => encode_json({ username => $user, password => $pass,
            serveraddress => $areg }));
    is($st, 200, 'raw POST /auth: 200');
    like($body, qr/"Status":"Login Succeeded"/, 'raw POST /auth: Login Succeeded');

    ($st, undef, $body) = http_request($ng->port, 'POST', '/v1.41/auth',
        headers => ['Content-Type' => 'application/json'],
        body => encode_json({ username => $user, password => 'nope',
            serveraddress => $areg }));
    cmp_ok($st, '>=', 400, 'raw POST /auth with a wrong password: an error status');
    like($body, qr/"message":".*401 Unauthorized/,
        'raw POST /auth with a wrong password: the registry\'s 401 in the message');

    my $name = url_encode("$areg/$arepo");
    my $good = registry_auth_header(username => $user,
        password => $pass, serveraddress => $areg);
    my $bad = registry_auth_header(username => $user,
        password => 'nope', serveraddress => $areg);

    ($st, undef, $body) = http_request($ng->port, 'POST',
        "/v1.41/images/$name/push?tag=1",
        headers => ['X-Registry-Auth' => $good], timeout => 60);
    is($st, 200, 'raw push with X-Registry-Auth: 200');
    like($body, qr/"Digest":"sha256:[0-9a-f]{64}"/,
        'raw push with X-Registry-Auth: pushed (the header reached dockerd)');
    unlike($body, qr/errorDetail/, 'raw push with X-Registry-Auth: no error');

    ($st, undef, $body) = http_request($ng->port, 'POST',
        "/v1.41/images/$name/push?tag=1",
        headers => ['X-Registry-Auth' => $bad], timeout => 60);
    like($body, qr/"errorDetail".*(unauthorized|authentication required)/i,
        'raw push with wrong X-Registry-Auth: refused by the registry');
}

# the credentials never reach nginx's logs
unlike($ng->access_log . $ng->error_log, qr/\Q$pass\E/,
    'the password is not in nginx\'s logs');

done_testing();
