#!/usr/bin/perl
# Access policy: the request is judged as dockerd will route it, or
# refused.  Non-canonical paths (//, /./, /../, %2F, %2E, bad escapes,
# NUL and control characters), version prefixes (/v1.041/ is 1.41;
# /v1.2.3/, /vx/ and versions below 1.12 are refused), requests that
# match no operation (denied under a policy, passed through without one),
# an identity without a policy, and the decision variables in the log.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Sockerless::Test;
use Sockerless::Policy;

module_only();

my $ng = policy_nginx();
my $plain = start_nginx(current => 0);    # no sockerless_enforce
my $priv = encode_json({ Image => test_image(),
    HostConfig => { Privileged => JSON::PP::true() } });

# --- canonical paths -------------------------------------------------------

for my $c (
    [ '/containers//json',                 'empty segment' ],
    [ '//containers/json',                 'empty segment' ],
    [ '/./containers/json',                'dot segment' ],
    [ '/containers/./json',                'dot segment' ],
    [ '/containers/../containers/json',    'dot segment' ],
    [ '/v1.41/containers/x/../../_ping',   'dot segment' ],
    [ '/containers/%2e%2e/containers/json', 'dot segment' ],
    [ '/containers%2Fjson',                'escaped' ],
    [ '/containers%2fjson',                'escaped' ],
    [ '/v1.41/images/a%2Fb/json',          'escaped' ],
    [ '/containers/x%2ejson/json',         'escaped' ],
    [ '/containers/x%0a/json',             'control character' ],
    [ '/containers/x%7f/json',             'control character' ],
    [ '/containers/x%09/json',             'control character' ],
) {
    my ($path, $why) = @$c;
    refused('readonly', GET => $path, undef, qr/non-canonical/,
        "GET $path ($why)");
}

# the same through the CLI identity that may do everything
refused('admin', GET => '/containers/../_ping', undef, qr/non-canonical/,
    'full policy: dot segments refused too');

# a dot segment hiding a denied operation behind an allowed one
refused('readonly', POST => '/containers/json/../create', $priv,
    qr/non-canonical/, 'POST /containers/json/../create');

# nginx itself refuses a malformed escape and %00 (its own 400 page,
# before any location), and raw control bytes in the request line
for my $p ('/containers/json%zz', '/containers/json%4', '/containers/x%00/json') {
    my ($st, $msg) = api('admin', GET => $p);
    is($st, 400, "GET $p: 400") or diag $msg;
}
for my $c ("\x01", "\x7f") {
    my $resp = http_raw($ng->port,
        "GET /containers/x${c}y/json HTTP/1.1\r\nHost: x\r\n"
        . "X-Identity: admin\r\nConnection: close\r\n\r\n");
    my ($st) = parse_response($resp);
    is($st, 400, sprintf('raw byte 0x%02x in the path: 400', ord $c));
}

# an escaped letter is the same operation, judged as such
denied('ci', POST => '/containers/cre%61te', $priv, qr/Privileged/,
    'POST /containers/cre%61te is ContainerCreate');
denied('ci', POST => '/v1.41/c%6Fntainers/create', $priv, qr/Privileged/,
    'POST /v1.41/c%6Fntainers/create is ContainerCreate');
denied('readonly', POST => '/containers/cre%61te', '{}',
    qr/operation: ContainerCreate is not allowed/,
    'readonly: escaped create is still ContainerCreate');

# decoded once, as dockerd does: "%252F" is a literal "%2F" there too
denied('admin', POST => '/containers%252Fcreate', $priv, qr/unknown-operation/,
    'POST /containers%252Fcreate: no operation (decoded once)');

# Content-Length and Transfer-Encoding together: nginx refuses the request
{
    my $resp = http_raw($ng->port,
        "POST /containers/create HTTP/1.1\r\nHost: x\r\nX-Identity: ci\r\n"
        . "Content-Type: application/json\r\nContent-Length: 2\r\n"
        . "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        . sprintf("%x\r\n%s\r\n0\r\n\r\n", length $priv, $priv));
    like($resp, qr{^HTTP/1\.1 400 }, 'Content-Length with chunked: 400');
}

# absolute-form request target: nginx takes the path from it
{
    my $resp = http_raw($ng->port,
        "POST http://localhost/containers/create HTTP/1.1\r\nHost: x\r\n"
        . "X-Identity: ci\r\nContent-Type: application/json\r\n"
        . "Content-Length: " . length($priv) . "\r\nConnection: close\r\n"
        . "\r\n$priv");
    my ($st, undef, $body) = parse_response($resp);
    ok($st == 403 && $body =~ /Privileged/,
        'absolute-form POST http://localhost/containers/create: judged')
        or diag "$st $body";
}

# --- versions --------------------------------------------------------------

allowed('readonly', GET => '/v1.041/containers/json', undef,
    'GET /v1.041/containers/json (1.41)', status => 200);
allowed('readonly', GET => '/v1.12/version', undef,
    'GET /v1.12/version (the oldest dockerd 20.10 serves)', status => 200);
allowed('readonly', GET => '/containers/json', undef,
    'GET /containers/json (no version)', status => 200);
denied('ci', POST => '/v1.041/containers/create', $priv, qr/Privileged/,
    'POST /v1.041/containers/create is judged');
for my $v ('v1.2.3', 'v1', 'v.41', 'v1.', 'v1..41', 'v1.11', 'v0.99',
           'v1.999999') {
    refused('readonly', GET => "/$v/containers/json", undef, qr/version/,
        "GET /$v/containers/json");
}
for my $v ('vx', 'V1.41', 'v1.41a', 'v-1.41') {
    my ($st, $msg) = api('readonly', GET => "/$v/containers/json");
    ok(($st == 400 || $st == 403) && $msg =~ /by policy/,
        "GET /$v/containers/json: not allowed") or diag "$st $msg";
}

# --- requests that are no operation ----------------------------------------

for my $c (
    [ GET    => '/containers/json/' ],
    [ GET    => '/nonexistent' ],
    [ POST   => '/containers/json' ],
    [ PUT    => '/containers/create' ],
    [ PATCH  => '/containers/x/json' ],
    [ GET    => '/v1.41/' ],
) {
    my ($m, $p) = @$c;
    denied('admin', $m => $p, undef, qr/unknown-operation/,
        "$m $p (no operation)");
}

{
    # a HEAD answer has no body: the log says why
    my ($st) = api('admin', HEAD => '/containers/json');
    is($st, 403, 'HEAD /containers/json (no operation): 403');
    my @l = log_lines($ng, qr/^id=admin "HEAD \/containers\/json /);
    like($l[-1] // '', qr/d=deny r="unknown-operation: /,
        'HEAD /containers/json: unknown operation');
}

# ... and without a policy, dockerd answers them itself
{
    my ($st, $msg) = api(undef, GET => '/nonexistent', undef,
        nginx => $plain);
    is($st, 404, 'no policy: GET /nonexistent reaches dockerd (404)')
        or diag $msg;
    ($st, $msg, undef, my $h) = api(undef, GET => '/containers//json',
        undef, nginx => $plain);
    is($st, 301, 'no policy: GET /containers//json reaches dockerd (301)')
        or diag $msg;
    ($st, $msg) = api(undef, GET => '/v1.2.3/version', undef,
        nginx => $plain);
    ok($st && $msg !~ /by policy/,
        'no policy: GET /v1.2.3/version reaches dockerd') or diag $msg;
}

# --- identities without a policy -------------------------------------------

denied('empty', GET => '/_ping', undef, qr/no-policy/,
    'an empty policy variable denies everything');
denied('empty', GET => '/version', undef, qr/no-policy/,
    'an empty policy variable: /version');
denied('bogus', GET => '/_ping', undef, qr/no-policy.*nosuch/,
    'an unknown policy name denies everything');
{
    my ($st, $msg) = api('bogus', GET => '/containers//json');
    is($st, 403, 'unknown policy: even a non-canonical path is a 403')
        or diag $msg;
}

# --- messages and variables ------------------------------------------------

{
    my ($st, $msg, $raw, $h) = api('readonly', POST => '/containers/create',
        $priv);
    is($st, 403, 'denial: 403');
    is($msg, 'ContainerCreate denied by policy "readonly": operation: '
        . 'ContainerCreate is not allowed', 'denial: the message');
    like($h->{'content-type'} // '', qr{^application/json},
        'denial: JSON body');
    ($st, $msg) = api('readonly', GET => '/containers//json');
    like($msg, qr/^refused by policy "readonly": non-canonical: /,
        'refusal: the message');
}

my @l = log_lines($ng, qr/^id=readonly "POST \/containers\/create /);
like($l[-1] // '', qr/ 403 op=ContainerCreate p=readonly d=deny r="operation: ContainerCreate is not allowed" ua=-$/,
    'access log: policy, decision, reason; no upstream');
@l = log_lines($ng, qr/^id=readonly "GET \/v1\.041\/containers\/json /);
like($l[-1] // '', qr/ 200 op=ContainerList p=readonly d=allow r="" ua=unix:/,
    'access log: an allowed request went to dockerd');
@l = log_lines($ng, qr/^id=empty "GET \/_ping /);
like($l[-1] // '', qr/ 403 op=SystemPing p= d=deny r="no-policy: /,
    'access log: no policy');
@l = log_lines($ng, qr/^id=readonly "GET \/containers\/\/json /);
like($l[-1] // '', qr/ 400 .* d=deny r="non-canonical: /,
    'access log: a refused request');

done_testing();
