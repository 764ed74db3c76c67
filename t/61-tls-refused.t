#!/usr/bin/perl
# The TLS listener of nginx.conf.sample refuses, before anything reaches
# dockerd: a client without a certificate, a certificate of another CA,
# plain HTTP to the TLS port, TLS 1.1.  The docker CLI fails with a
# message about TLS / the certificate.  Then certificates are rotated with
# a reload (nginx -s reload): the new CA's clients get in, the old's not.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use File::Copy qw(copy);
use File::Temp qw(tempdir);
use Sockerless::Test;
use Sockerless::TLS;

module_only();

my $ng = start_sample(error_log_level => 'info');
my $certs = $ng->certs;
my $image = test_image();

# a DOCKER_CERT_PATH with the CA only: the CLI verifies the server and
# sends no certificate
my $nocert = tempdir('sockerless-nocert-XXXXXX', TMPDIR => 1, CLEANUP => 1);
copy("$certs/ca.pem", "$nocert/ca.pem") or die "copy: $!";

sub refused {
    my ($what, $env, $re) = @_;
    my $name = unique_name('refused');
    cleanup_container($name);
    my ($rc, $out, $err) = docker_via($ng->tls_host, { env => $env },
        'create', '--name', $name, '--network', 'none', $image, 'true');
    isnt($rc, 0, "$what: docker create fails");
    like($err, $re, "$what: the error says why") or diag $err;
    ($rc) = docker_direct('inspect', $name);
    isnt($rc, 0, "$what: no container reached dockerd");
    ($rc, $out, $err) = docker_via($ng->tls_host, { env => $env }, 'ps');
    isnt($rc, 0, "$what: docker ps fails");
    my @recs = grep { ($_->{port} // '') eq $ng->tls_port
        && ($_->{op} // '') eq 'ContainerCreate' } $ng->access_records;
    is(scalar(grep { $_->{status} =~ /^2/ } @recs), 0,
        "$what: no ContainerCreate succeeded on the TLS port");
}

# the client certificate works (the reference for what follows)
{
    my ($rc, $out, $err) = docker_tls($ng, "$certs/client", 'ps', '-q');
    is($rc, 0, 'the client certificate of the CA: ps works') or diag $err;
}

refused('no client certificate', tls_env($nocert),
    qr/TLS client certificate required/);
refused('a certificate of another CA', tls_env("$certs/other-client"),
    qr/TLS client certificate (required|refused)/);
refused('plain HTTP to the TLS port', {},
    qr/HTTP request to an HTTPS server|TLS/);

# the same with a client that sends the other CA's certificate anyway
# (the Go client only sends certificates of the CAs the server names)
SKIP: {
    skip 'no curl', 3 unless -x '/usr/bin/curl';
    my $name = unique_name('curl');
    cleanup_container($name);
    my ($rc, $out, $err) = run_cmd('curl', '-sS', '-i', '--cacert',
        "$certs/ca.pem", '--cert', "$certs/other-client/cert.pem", '--key',
        "$certs/other-client/key.pem", '-X', 'POST', '-H',
        'Content-Type: application/json', '--data', '{"Image":"' . $image
        . '","Cmd":["true"]}', 'https://127.0.0.1:' . $ng->tls_port
        . "/v1.41/containers/create?name=$name");
    like($out, qr{^HTTP/1\.1 403}, 'curl with another CA\'s certificate: 403');
    like($out, qr/"message":"TLS client certificate refused/,
        'curl with another CA\'s certificate: the JSON message');
    ($rc) = docker_direct('inspect', $name);
    isnt($rc, 0, 'curl with another CA\'s certificate: nothing created');
}

# TLS 1.1 and lower are refused in the handshake
SKIP: {
    skip 'no curl', 2 unless -x '/usr/bin/curl';
    my ($rc, $out, $err) = run_cmd('curl', '-sS', '--tls-max', '1.1',
        '--cacert', "$certs/ca.pem", '--cert', "$certs/client/cert.pem",
        '--key', "$certs/client/key.pem",
        'https://127.0.0.1:' . $ng->tls_port . '/_ping');
    isnt($rc, 0, 'TLS 1.1: refused');
    ($rc, $out, $err) = run_cmd('curl', '-sS', '--tlsv1.2', '--tls-max',
        '1.2', '--cacert', "$certs/ca.pem", '--cert',
        "$certs/client/cert.pem", '--key', "$certs/client/key.pem",
        'https://127.0.0.1:' . $ng->tls_port . '/_ping');
    is($out, 'OK', 'TLS 1.2: works') or diag $err;
}

# rotation: new certificates in the same directory, nginx -s reload
{
    my $old = tempdir('sockerless-oldclient-XXXXXX', TMPDIR => 1,
        CLEANUP => 1);
    copy("$certs/client/$_", "$old/$_") or die "copy: $!"
        for qw(ca.pem cert.pem key.pem);
    my ($rc, $out, $err) = run_cmd("$ROOT/tools/certs", $certs);
    like($err, qr/are there/, 'tools/certs a second time: nothing made');
    ($rc, $out, $err) = run_cmd("$ROOT/tools/certs", '--force', $certs);
    is($rc, 0, 'tools/certs --force: new certificates') or diag $err;

    $ng->mark_logs;
    $ng->reload;
    ok(wait_until(sub { $ng->error_log_since =~ /reconfiguring/ }, 10),
        'reload: nginx reconfigures');
    # old workers finish; new connections meet the new certificates
    ok(wait_until(sub {
        (docker_tls($ng, "$certs/client", 'ps', '-q'))[0] == 0 }, 10),
        'after the reload: the new client certificate works');
    ($rc, $out, $err) = docker_tls($ng, $old, 'ps', '-q');
    isnt($rc, 0, 'after the reload: the old client certificate is refused');
    like($err, qr/certificate/i,
        'after the reload: the CLI says it is about the certificate')
        or diag $err;
}

unlike($ng->error_log, qr/\[(alert|crit|emerg)\]/,
    'error log: no alert, crit or emerg') or diag $ng->error_log;

done_testing();
