#!/usr/bin/perl
# auth_request to an external authorization service (a small Perl HTTP
# server started here): 204 with X-Identity for a known bearer token, 401
# for the others, 403 for an operation the identity may not use.  The
# service gets the Docker operation in X-Docker-Op ($sockerless_op in the
# auth subrequest); auth_request_set $docker_identity puts the identity in
# the access log.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use File::Temp qw(tempdir);
use IO::Socket::INET;
use POSIX ();
use Sockerless::Test;
use Sockerless::TLS;

module_only();

my $image = test_image();
my $tmp = tempdir('sockerless-authreq-XXXXXX', TMPDIR => 1, CLEANUP => 1);
my $seen = "$tmp/seen.log";

# --- the authorization service --------------------------------------------

my %TOKENS = ('alice-token-7' => 'alice', 'bob-token-9' => 'bob');
# bob may look, not create
my %DENY = (bob => { ContainerCreate => 1 });

my $listen = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => 0,
    Listen => 16, ReuseAddr => 1) or die "listen: $!";
my $auth_port = $listen->sockport;
my $auth_pid = fork // die "fork: $!";
if ($auth_pid == 0) {
    $SIG{PIPE} = 'IGNORE';
    while (my $c = $listen->accept) {
        my $req = '';
        while ($req !~ /\r\n\r\n/) {
            my $n = sysread($c, my $buf, 4096);
            last unless $n;
            $req .= $buf;
        }
        my ($line, @lines) = split /\r\n/, (split /\r\n\r\n/, $req)[0] // '';
        my %h;
        for (@lines) {
            $h{lc $1} = $2 if /^([^:]+):\s*(.*)$/;
        }
        my ($token) = ($h{authorization} // '') =~ /^Bearer (\S+)$/;
        my $who = defined $token ? $TOKENS{$token} : undef;
        my $op = $h{'x-docker-op'} // '';
        my $resp;
        if (!$who) {
            $resp = "HTTP/1.1 401 Unauthorized\r\n"
                . "WWW-Authenticate: Bearer realm=\"docker\"\r\n";
        } elsif ($DENY{$who}{$op}) {
            $resp = "HTTP/1.1 403 Forbidden\r\nX-Identity: $who\r\n";
        } else {
            $resp = "HTTP/1.1 204 No Content\r\nX-Identity: $who\r\n";
        }
        if (open my $fh, '>>', $seen) {
            print $fh Sockerless::Test::encode_json({ line => $line,
                op => $op, object => $h{'x-docker-object'} // '',
                method => $h{'x-original-method'} // '',
                who => $who // '' }), "\n";
            close $fh;
        }
        print $c "${resp}Content-Length: 0\r\nConnection: close\r\n\r\n";
        close $c;
    }
    POSIX::_exit(0);
}
close $listen;
END { local $?; if ($auth_pid) { kill 'KILL', $auth_pid; waitpid($auth_pid, 0) } }

sub seen {
    open my $fh, '<', $seen or return ();
    return map { decode_json($_) } <$fh>;
}

# --- nginx ------------------------------------------------------------------

my $ng = start_sample(
    http => q{    log_format identity escape=json '{"identity":"$docker_identity",'
        '"user":"$remote_user","op":"$sockerless_op",'
        '"object":"$sockerless_object","status":"$status"}';},
    plain_server => qq{
        access_log \@RUN_DIR\@/access.log sockerless_json;
        access_log \@RUN_DIR\@/identity.log identity;

        location = /_sockerless_auth {
            internal;
            proxy_pass http://127.0.0.1:$auth_port/check;
            proxy_pass_request_body off;
            proxy_set_header Content-Length "";
            proxy_set_header X-Docker-Op \$sockerless_op;
            proxy_set_header X-Docker-Object \$sockerless_object;
            proxy_set_header X-Original-Method \$request_method;
        }},
    plain_location => q{
            auth_request /_sockerless_auth;
            auth_request_set $docker_identity $upstream_http_x_identity;},
);
my $host = $ng->plain_host;

sub as {
    my ($token, @more) = @_;
    my $cfg = docker_config_dir(defined $token
        ? { HttpHeaders => { Authorization => "Bearer $token" } } : {});
    return { env => { DOCKER_CONFIG => $cfg }, timeout => 60, @more };
}

sub identity_records {
    return map { decode_json($_) } grep { /^\{/ } split /\n/,
        $ng->read('identity.log');
}

# alice: everything
my $name = unique_name('alice');
cleanup_container($name);
my ($rc, $out, $err) = docker_via($host, as('alice-token-7'), 'create',
    '--name', $name, '--network', 'none', $image, 'sh', '-c', 'echo hi');
is($rc, 0, 'alice: create works') or diag $err;
($rc, $out, $err) = docker_via($host, as('alice-token-7'), 'start', '-a',
    $name);
is($out, "hi\n", 'alice: start -a (hijacked) works') or diag $err;
($rc, $out, $err) = docker_via($host, as('alice-token-7', stdin => "x\n"),
    'run', '-i', '--rm', '--network', 'none', $image, 'cat');
is($out, "x\n", 'alice: run -i cat works') or diag $err;

# bob: ps yes, create no (403 from the service)
($rc, $out, $err) = docker_via($host, as('bob-token-9'), 'ps', '-a', '-q');
is($rc, 0, 'bob: ps works') or diag $err;
my $bobs = unique_name('bob');
cleanup_container($bobs);
($rc, $out, $err) = docker_via($host, as('bob-token-9'), 'create', '--name',
    $bobs, '--network', 'none', $image, 'true');
isnt($rc, 0, 'bob: create is refused');
like($err, qr/Error response from daemon: /, 'bob: the CLI prints an error')
    or diag $err;
unlike($err, qr/<html/i, 'bob: the error is not an HTML page');
($rc) = docker_direct('inspect', $bobs);
isnt($rc, 0, 'bob: nothing reached dockerd');

# nobody
($rc, $out, $err) = docker_via($host, as('nobody-token'), 'ps');
isnt($rc, 0, 'unknown token: ps fails');
like($err, qr/Error response from daemon: authentication required/,
    'unknown token: the module\'s JSON message for 401') or diag $err;
($rc, $out, $err) = docker_via($host, as(undef), 'ps');
isnt($rc, 0, 'no token: ps fails');

# what the service saw: the operation of the request being authorized
my @seen = seen();
ok((grep { $_->{who} eq 'alice' && $_->{op} eq 'ContainerCreate'
    && $_->{method} eq 'POST' } @seen),
    'service: X-Docker-Op ContainerCreate for alice\'s POST /containers/create')
    or diag explain [grep { $_->{method} eq 'POST' } @seen];
# the CLI attaches by the ID it got from its inspect of the name
my (undef, $alice_id) = docker_direct('inspect', '-f', '{{.Id}}', $name);
chomp($alice_id //= '');
ok((grep { $_->{who} eq 'alice' && $_->{op} eq 'ContainerAttach'
    && ($_->{object} eq $name || $_->{object} eq $alice_id) } @seen),
    'service: X-Docker-Op ContainerAttach with the container as object')
    or diag explain \@seen;
ok((grep { $_->{who} eq 'bob' && $_->{op} eq 'ContainerList' } @seen),
    'service: X-Docker-Op ContainerList for bob');

# the access log: the identity
my @ids = identity_records();
ok((grep { $_->{identity} eq 'alice' && $_->{op} eq 'ContainerCreate'
    && $_->{status} eq '201' } @ids),
    'access log: identity alice, ContainerCreate 201') or diag explain \@ids;
ok((grep { $_->{identity} eq 'bob' && $_->{op} eq 'ContainerList'
    && $_->{status} eq '200' } @ids),
    'access log: identity bob, ContainerList 200');
ok((grep { $_->{identity} eq 'bob' && $_->{op} eq 'ContainerCreate'
    && $_->{status} eq '403' } @ids),
    'access log: identity bob, ContainerCreate 403');
ok((grep { $_->{identity} eq '' && $_->{status} eq '401' } @ids),
    'access log: no identity, 401');
is(scalar(grep { $_->{op} eq '-' && $_->{status} =~ /^2/ } @ids), 0,
    'access log: no successful request without an operation');
unlike($ng->read('identity.log') . $ng->access_log,
    qr/alice-token|bob-token|nobody-token/, 'access logs: no token');

unlike($ng->error_log, qr/\[(alert|crit|emerg)\]/,
    'error log: no alert, crit or emerg') or diag $ng->error_log;

done_testing();
