#!/usr/bin/perl
# When dockerd cannot be reached the module answers itself, in Docker's
# error format: 502 {"message": "..."} naming the socket and the OS error,
# which the docker CLI prints as "Error response from daemon: ...".

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use File::Temp qw(tempdir);
use IO::Socket::UNIX;
use Socket qw(SOCK_STREAM);
use Sockerless::Test;

module_only();

my $dir = tempdir('slt-sock-XXXXXX', TMPDIR => 1, CLEANUP => 1);
my $missing = "$dir/missing.sock";

# a socket file nobody listens on: ECONNREFUSED
my $dead = "$dir/dead.sock";
{
    my $s = IO::Socket::UNIX->new(Local => $dead, Listen => 1,
        Type => SOCK_STREAM) or die "$dead: $!";
    close $s;
}

# nginx itself logs a connect() to a socket file that is not there at
# [crit] (ENOENT is no error it expects of a peer): provoked here
my $enoent = qr/\[crit\] .*connect\(\) to unix:\Q$missing\E failed \(2: No such file or directory\)/;

my %ng = (
    missing_upstream => start_nginx(current => 0,
        upstream_server => "unix:$missing", expect_alerts => [$enoent]),
    missing_pass => start_nginx(current => 0,
        pass => "unix:$missing", expect_alerts => [$enoent]),
    dead_upstream => start_nginx(current => 0,
        upstream_server => "unix:$dead"),
);

run_blocks(nginx => \%ng, vars => { missing => $missing, dead => $dead });

# the docker CLI prints the daemon's error
for my $c (['upstream{} with a missing socket', 'missing_upstream', $missing],
           ['sockerless_pass unix: with a missing socket', 'missing_pass',
            $missing],
           ['upstream{} with a dead socket', 'dead_upstream', $dead])
{
    my ($what, $name, $path) = @$c;
    my $ng = $ng{$name};
    my ($rc, $out, $err) = docker_via($ng->docker_host, 'ps');
    isnt($rc, 0, "$what: docker ps fails");
    like($err, qr/Error response from daemon: .*\Q$path\E/,
        "$what: docker ps prints the daemon error");
    my $port = $ng->port;
    unlike($err, qr/127\.0\.0\.1:$port/,
        "$what: not a client-side error about nginx's address");

    ($rc, $out, $err) = docker_via($ng->docker_host, 'version');
    isnt($rc, 0, "$what: docker version fails");
    like($err, qr/Error response from daemon/, "$what: docker version says why");

    $ng->stop;
}

# nginx itself stays healthy: the next request with a working upstream is fine
my $ng = start_nginx();
my ($st, undef, $body) = http_request($ng->port, 'GET', '/_ping');
is($st, 200, 'a working upstream answers after all that');

done_testing();

__DATA__

# each block: 502 with a JSON Content-Type and Docker's error body, its
# message naming the socket and the OS error
# upstream{} with a socket file that is not there
=== missing socket in upstream{}: GET /_ping
--- nginx: missing_upstream
--- request: GET /_ping
--- status: 502
--- json_error
--- message_like: ^Cannot connect to the Docker daemon at unix:$missing\b.*: No such file or directory(?: \(node \w+\))?$

=== missing socket in upstream{}: GET /v1.41/containers/json
--- nginx: missing_upstream
--- request: GET /v1.41/containers/json
--- status: 502
--- json_error
--- message_like: ^Cannot connect to the Docker daemon at unix:$missing\b.*: No such file or directory(?: \(node \w+\))?$

=== missing socket in upstream{}: POST /v1.41/containers/create
--- nginx: missing_upstream
--- request: POST /v1.41/containers/create
--- body: {"Image":"x"}
--- status: 502
--- json_error
--- message_like: ^Cannot connect to the Docker daemon at unix:$missing\b.*: No such file or directory(?: \(node \w+\))?$

# sockerless_pass unix:... (no upstream{}) with that socket
=== missing socket in sockerless_pass: GET /_ping
--- nginx: missing_pass
--- request: GET /_ping
--- status: 502
--- json_error
--- message_like: ^Cannot connect to the Docker daemon at unix:$missing\b.*: No such file or directory(?: \(node \w+\))?$

=== missing socket in sockerless_pass: GET /v1.41/containers/json
--- nginx: missing_pass
--- request: GET /v1.41/containers/json
--- status: 502
--- json_error
--- message_like: ^Cannot connect to the Docker daemon at unix:$missing\b.*: No such file or directory(?: \(node \w+\))?$

=== missing socket in sockerless_pass: POST /v1.41/containers/create
--- nginx: missing_pass
--- request: POST /v1.41/containers/create
--- body: {"Image":"x"}
--- status: 502
--- json_error
--- message_like: ^Cannot connect to the Docker daemon at unix:$missing\b.*: No such file or directory(?: \(node \w+\))?$

# upstream{} with a socket file nobody listens on
=== dead socket in upstream{}: GET /_ping
--- nginx: dead_upstream
--- request: GET /_ping
--- status: 502
--- json_error
--- message_like: ^Cannot connect to the Docker daemon at unix:$dead\b.*: Connection refused(?: \(node \w+\))?$

=== dead socket in upstream{}: GET /v1.41/containers/json
--- nginx: dead_upstream
--- request: GET /v1.41/containers/json
--- status: 502
--- json_error
--- message_like: ^Cannot connect to the Docker daemon at unix:$dead\b.*: Connection refused(?: \(node \w+\))?$

=== dead socket in upstream{}: POST /v1.41/containers/create
--- nginx: dead_upstream
--- request: POST /v1.41/containers/create
--- body: {"Image":"x"}
--- status: 502
--- json_error
--- message_like: ^Cannot connect to the Docker daemon at unix:$dead\b.*: Connection refused(?: \(node \w+\))?$
