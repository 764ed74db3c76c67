#!/usr/bin/perl
# HTTP authentication in front of the Docker API with nginx's own means,
# the docker CLI sending the credentials from HttpHeaders in its
# config.json (DOCKER_CONFIG=dir):
#   - auth_basic with an htpasswd file made by `openssl passwd -apr1`
#   - a bearer token checked by a map on $http_authorization
# Wrong or missing credentials: 401 with a Docker JSON message that the
# CLI prints, nothing reaches dockerd.  $remote_user is in the access log.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use File::Temp qw(tempdir);
use Sockerless::Test;
use Sockerless::TLS;

module_only();

my $image = test_image();
my $tmp = tempdir('sockerless-auth-XXXXXX', TMPDIR => 1, CLEANUP => 1);
my $htpasswd = htpasswd_file("$tmp/htpasswd", alice => 'alice-pw-1',
    bob => 'b:o b$pw');

# the module's JSON message for nginx's 401
my $DENIED = qr/Error response from daemon: authentication required/;

sub with_header {
    my ($value) = @_;
    return { env => { DOCKER_CONFIG => docker_config_dir(
        defined $value ? { HttpHeaders => { Authorization => $value } }
                       : {}) } };
}

sub not_created {
    my ($what, $host, $opts, $re) = @_;
    my $name = unique_name('noauth');
    cleanup_container($name);
    my ($rc, $out, $err) = docker_via($host, $opts, 'create', '--name',
        $name, '--network', 'none', $image, 'true');
    isnt($rc, 0, "$what: docker create fails");
    like($err, $re, "$what: the CLI prints the JSON message") or diag $err;
    unlike($err, qr/<html/i, "$what: no HTML page");
    ($rc) = docker_direct('inspect', $name);
    isnt($rc, 0, "$what: no container reached dockerd");
}

# --- basic auth --------------------------------------------------------------

{
    my $ng = start_sample(location => qq{
            auth_basic "docker";
            auth_basic_user_file $htpasswd;});
    my $host = $ng->plain_host;

    my ($rc, $out, $err) = docker_via($host,
        with_header(basic_header('alice', 'alice-pw-1')),
        'version', '--format', '{{.Server.APIVersion}}');
    is($rc, 0, 'basic: right password: version works') or diag $err;
    is($out, "1.41\n", 'basic: right password: the server version');

    ($rc, $out, $err) = docker_via($host,
        { %{ with_header(basic_header('bob', 'b:o b$pw')) }, timeout => 60 },
        'run', '--rm', '--network', 'none', $image, 'echo', 'hi');
    is($rc, 0, 'basic: a password with ":" and "$": run --rm works')
        or diag $err;
    is($out, "hi\n", 'basic: run --rm echo hi (hijacked) prints hi');

    ($rc, $out, $err) = docker_via($host,
        { %{ with_header(basic_header('alice', 'alice-pw-1')) },
          stdin => "via-auth\n", timeout => 60 },
        'run', '-i', '--rm', '--network', 'none', $image, 'cat');
    is($out, "via-auth\n", 'basic: run -i cat with stdin');

    not_created('basic: wrong password', $host,
        with_header(basic_header('alice', 'wrong')),
        $DENIED);
    not_created('basic: unknown user', $host,
        with_header(basic_header('mallory', 'alice-pw-1')),
        $DENIED);
    not_created('basic: no credentials', $host, with_header(undef),
        $DENIED);

    # raw: the 401 itself
    my ($st, $h, $body) = http_request($ng->plain_port, 'GET',
        '/v1.41/containers/json');
    is($st, 401, 'basic: raw request without credentials: 401');
    like($h->{'www-authenticate'} // '', qr/^Basic realm="docker"/,
        'basic: 401 with WWW-Authenticate');
    like($h->{'content-type'} // '', qr{^application/json},
        'basic: 401 as application/json');
    my $msg = json_message($body);
    is($msg, 'authentication required', 'basic: 401 body is {"message": ...}')
        or diag $body;

    my @recs = $ng->access_records;
    ok((grep { $_->{user} eq 'alice' && $_->{op} eq 'SystemVersion'
        && $_->{status} eq '200' } @recs),
        'basic: access log: user alice, SystemVersion 200');
    ok((grep { $_->{user} eq 'bob' && $_->{op} eq 'ContainerAttach' } @recs),
        'basic: access log: user bob, ContainerAttach');
    # the CLI stops after the 401 of its first request (/_ping)
    ok((grep { $_->{status} eq '401' && $_->{op} =~ /^SystemPing/ } @recs),
        'basic: access log: SystemPing 401');
    unlike($ng->access_log, qr/alice-pw-1|wrong|b:o b/,
        'basic: access log: no password');
}

# --- basic auth on the TLS listener: certificate and password ------------

{
    my $ng = start_sample(tls_location => qq{
            auth_basic "docker";
            auth_basic_user_file $htpasswd;});
    my $client = $ng->certs . '/client';
    my ($rc, $out, $err) = docker_tls($ng, $client,
        with_header(basic_header('alice', 'alice-pw-1')), 'ps', '-q');
    is($rc, 0, 'tls + basic: both right: ps works') or diag $err;
    ($rc, $out, $err) = docker_tls($ng, $client,
        with_header(basic_header('alice', 'nope')), 'ps', '-q');
    isnt($rc, 0, 'tls + basic: wrong password: ps fails');
    ($rc, $out, $err) = docker_via($ng->plain_host, 'ps', '-q');
    is($rc, 0, 'tls + basic: the plain listener has no auth_basic here')
        or diag $err;
    my @recs = grep { $_->{port} eq $ng->tls_port } $ng->access_records;
    ok((grep { $_->{user} eq 'alice' && $_->{client_dn} =~ /CN=docker-client/
        && $_->{status} eq '200' } @recs),
        'tls + basic: access log has the DN and the user');
}

# --- bearer token with a map ----------------------------------------------

{
    my $token = 'slt-token-' . join '', map { ('a'..'z')[rand 26] } 1 .. 24;
    my $ng = start_sample(
        http => qq{    map \$http_authorization \$sockerless_token_ok {
        default 0;
        "Bearer $token" 1;
    }},
        location => q{
            if ($sockerless_token_ok = 0) {
                return 401;
            }});
    my $host = $ng->plain_host;

    my ($rc, $out, $err) = docker_via($host,
        with_header("Bearer $token"), 'ps', '-q');
    is($rc, 0, 'bearer: right token: ps works') or diag $err;
    ($rc, $out, $err) = docker_via($host,
        { %{ with_header("Bearer $token") }, timeout => 60 },
        'run', '--rm', '--network', 'none', $image, 'echo', 'hi');
    is($out, "hi\n", 'bearer: right token: run --rm echo hi') or diag $err;

    not_created('bearer: wrong token', $host, with_header("Bearer x$token"),
        $DENIED);
    not_created('bearer: no token', $host, with_header(undef),
        $DENIED);
    not_created('bearer: token as basic', $host,
        with_header(basic_header('x', $token)),
        $DENIED);

    my ($st, $h, $body) = http_request($ng->plain_port, 'GET', '/_ping');
    is($st, 401, 'bearer: raw request without a token: 401');
    like($h->{'content-type'} // '', qr{^application/json},
        'bearer: 401 as application/json') or diag $body;
    unlike($ng->access_log, qr/\Q$token\E/, 'bearer: the token is not logged');
}

done_testing();
