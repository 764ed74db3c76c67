#!/usr/bin/perl
# The module loads, nginx starts, the simplest calls reach dockerd.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Sockerless::Test;

my $ng = start_nginx();

my ($st, $h, $body) = http_request($ng->port, 'GET', '/_ping');
is($st, 200, 'GET /_ping: 200');
is($body, 'OK', 'GET /_ping: OK');

($st, $h, $body) = http_request($ng->port, 'GET', '/v1.41/_ping');
is($st, 200, 'GET /v1.41/_ping: 200');
is($body, 'OK', 'GET /v1.41/_ping: OK');
like($h->{'api-version'} // '', qr/^1\.\d+$/, 'Api-Version header from dockerd');

($st, $h, $body) = http_request($ng->port, 'HEAD', '/_ping',
    until => qr/\r\n\r\n/);
is($st, 200, 'HEAD /_ping: 200');
is($body, '', 'HEAD /_ping: no body');

my ($rc, $out, $err) = docker('version', '--format', '{{.Server.Version}}');
is($rc, 0, 'docker version: exit 0') or diag $err;
my (undef, $dout) = docker_direct('version', '--format', '{{.Server.Version}}');
is($out, $dout, 'docker version: same server version as direct');
like($out, qr/^\d+\.\d+/, 'docker version: a version');

($rc, $out, $err) = docker('version', '--format', '{{.Server.APIVersion}}');
is($out, "1.41\n", 'docker version: API 1.41');

($rc, $out, $err) = docker('info', '--format', '{{.ID}} {{.Driver}} {{.DockerRootDir}}');
is($rc, 0, 'docker info: exit 0') or diag $err;
(undef, $dout) = docker_direct('info', '--format', '{{.ID}} {{.Driver}} {{.DockerRootDir}}');
is($out, $dout, 'docker info: same daemon as direct');

($rc, $out, $err) = docker('info');
is($rc, 0, 'docker info (full): exit 0');
like($out, qr/Server Version:/, 'docker info (full): server section');
unlike($err, qr/error/i, 'docker info (full): no errors');

done_testing();
