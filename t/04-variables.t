#!/usr/bin/perl
# The module's variables: $sockerless_op (operationId or "-"),
# $sockerless_api_version ("1.41" or empty), $sockerless_object.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Sockerless::Test;

module_only();

my $ng = start_nginx(
    log_format => 'OP=$sockerless_op V=[$sockerless_api_version] '
        . 'O=[$sockerless_object] R=$request',
    server => 'add_header X-Op $sockerless_op always;',
);

my $image = test_image();
my @cases = (
    ['GET', '/_ping', 'SystemPing', '', ''],
    ['HEAD', '/_ping', 'SystemPingHead', '', ''],
    ['GET', '/v1.41/version', 'SystemVersion', '1.41', ''],
    ['GET', '/v1.41/containers/json?all=1', 'ContainerList', '1.41', ''],
    ['GET', '/containers/slt-none/json', 'ContainerInspect', '', 'slt-none'],
    ['GET', '/v1.41/images/' . url_encode($image) . '/json', 'ImageInspect',
        '1.41', $image],
    ['GET', '/v1.41/nonexistent', '-', '1.41', ''],
);

for my $c (@cases) {
    my ($method, $path, $op, $v, $obj) = @$c;
    $ng->mark_logs;
    my ($st, $h) = http_request($ng->port, $method, $path,
        $method eq 'HEAD' ? (until => qr/\r\n\r\n/) : ());
    ok($st, "$method $path answered");
    my $log;
    wait_until(sub { ($log = $ng->access_log_since) =~ /\n/ }, 3);
    like($log, qr/^OP=\Q$op\E /m, "$method $path: \$sockerless_op $op");
    like($log, qr/ V=\[\Q$v\E\] /, "$method $path: \$sockerless_api_version '$v'");
    like($log, qr/ O=\[\Q$obj\E\] /, "$method $path: \$sockerless_object '$obj'");
    is($h->{'x-op'}, $op, "$method $path: variable usable in add_header");
}

done_testing();
