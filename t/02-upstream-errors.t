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

my @cases = (
    ['upstream{} with a missing socket',
        { upstream_server => "unix:$missing", expect_alerts => [$enoent] },
        $missing,
        qr/No such file or directory/],
    ['sockerless_pass unix: with a missing socket',
        { pass => "unix:$missing", expect_alerts => [$enoent] }, $missing,
        qr/No such file or directory/],
    ['upstream{} with a dead socket',
        { upstream_server => "unix:$dead" }, $dead,
        qr/Connection refused/],
);

for my $c (@cases) {
    my ($what, $opts, $path, $oserr) = @$c;
    my $ng = start_nginx(%$opts, current => 0);

    for my $req (['GET', '/_ping'], ['GET', '/v1.41/containers/json'],
                 ['POST', '/v1.41/containers/create'])
    {
        my ($st, $h, $body) = http_request($ng->port, @$req,
            $req->[0] eq 'POST'
                ? (body => '{"Image":"x"}',
                   headers => ['Content-Type' => 'application/json'])
                : ());
        is($st, 502, "$what: @$req: 502");
        like($h->{'content-type'} // '', qr{^application/json},
            "$what: @$req: JSON");
        my $j = eval { decode_json($body) };
        ok($j && defined $j->{message}, "$what: @$req: {\"message\": ...}")
            or diag $body;
        like($j->{message} // '', qr/\Q$path\E/,
            "$what: @$req: the message names the socket");
        like($j->{message} // '', $oserr,
            "$what: @$req: the message has the OS error");
    }

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
