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

# readonly, ci and full to judge paths and versions; empty and bogus
# name no policy
my $ng = start_nginx(log_format => $POLICY_LOG,
    location => 'sockerless_enforce $docker_policy;', http => <<'EOF');
    map $http_x_identity $docker_policy {
        default     readonly;
        ci          ci;
        admin       full;
        empty       "";
        bogus       nosuch;
    }

    sockerless_policy readonly { allow @read; }
    sockerless_policy ci { allow @all; privileged off; }
    sockerless_policy full { allow @all; privileged on; }
EOF
my $plain = start_nginx(current => 0);    # no sockerless_enforce
my $priv = encode_json({ Image => test_image(),
    HostConfig => { Privileged => JSON::PP::true() } });

run_policy_blocks(vars => { image => test_image(), priv => $priv });

{
    # a HEAD answer has no body: the log says why
    my ($st) = policy_api('admin', HEAD => '/containers/json');
    is($st, 403, 'HEAD /containers/json (no operation): 403');
    my @l = log_lines($ng, qr/^id=admin "HEAD \/containers\/json /);
    like($l[-1] // '', qr/d=deny r="unknown-operation: /,
        'HEAD /containers/json: unknown operation');
}

# ... and without a policy, dockerd answers them itself
{
    my ($st, $msg) = policy_api(undef, GET => '/nonexistent', undef,
        nginx => $plain);
    is($st, 404, 'no policy: GET /nonexistent reaches dockerd (404)')
        or diag $msg;
    ($st, $msg) = policy_api(undef, GET => '/containers//json', undef,
        nginx => $plain);
    is($st, 301, 'no policy: GET /containers//json reaches dockerd (301)')
        or diag $msg;
    ($st, $msg) = policy_api(undef, GET => '/v1.2.3/version', undef,
        nginx => $plain);
    ok($st && $msg !~ /by policy/,
        'no policy: GET /v1.2.3/version reaches dockerd') or diag $msg;
}

# --- messages and variables ------------------------------------------------

{
    my ($st, $msg, $raw, $h) = policy_api('readonly',
        POST => '/containers/create', $priv);
    is($st, 403, 'denial: 403');
    is($msg, 'ContainerCreate denied by policy "readonly": operation: '
        . 'ContainerCreate is not allowed', 'denial: the message');
    like($h->{'content-type'} // '', qr{^application/json},
        'denial: JSON body');
    ($st, $msg) = policy_api('readonly', GET => '/containers//json');
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

__DATA__

# --- canonical paths

=== GET /containers//json (empty segment)
--- identity: readonly
--- request: GET /containers//json
--- refused: non-canonical

=== GET //containers/json (empty segment)
--- identity: readonly
--- request: GET //containers/json
--- refused: non-canonical

=== GET /./containers/json (dot segment)
--- identity: readonly
--- request: GET /./containers/json
--- refused: non-canonical

=== GET /containers/./json (dot segment)
--- identity: readonly
--- request: GET /containers/./json
--- refused: non-canonical

=== GET /containers/../containers/json (dot segment)
--- identity: readonly
--- request: GET /containers/../containers/json
--- refused: non-canonical

=== GET /v1.41/containers/x/../../_ping (dot segment)
--- identity: readonly
--- request: GET /v1.41/containers/x/../../_ping
--- refused: non-canonical

=== GET /containers/%2e%2e/containers/json (dot segment)
--- identity: readonly
--- request: GET /containers/%2e%2e/containers/json
--- refused: non-canonical

=== GET /containers%2Fjson (escaped)
--- identity: readonly
--- request: GET /containers%2Fjson
--- refused: non-canonical

=== GET /containers%2fjson (escaped)
--- identity: readonly
--- request: GET /containers%2fjson
--- refused: non-canonical

=== GET /v1.41/images/a%2Fb/json (escaped)
--- identity: readonly
--- request: GET /v1.41/images/a%2Fb/json
--- refused: non-canonical

=== GET /containers/x%2ejson/json (escaped)
--- identity: readonly
--- request: GET /containers/x%2ejson/json
--- refused: non-canonical

=== GET /containers/x%0a/json (control character)
--- identity: readonly
--- request: GET /containers/x%0a/json
--- refused: non-canonical

=== GET /containers/x%7f/json (control character)
--- identity: readonly
--- request: GET /containers/x%7f/json
--- refused: non-canonical

=== GET /containers/x%09/json (control character)
--- identity: readonly
--- request: GET /containers/x%09/json
--- refused: non-canonical

# the same through the CLI identity that may do everything
=== full policy: dot segments refused too
--- identity: admin
--- request: GET /containers/../_ping
--- refused: non-canonical

# a dot segment hiding a denied operation behind an allowed one
=== POST /containers/json/../create
--- identity: readonly
--- request: POST /containers/json/../create
--- body: {"HostConfig":{"Privileged":true},"Image":"$image"}
--- refused: non-canonical

# nginx itself refuses a malformed escape and %00 (its own 400 page,
# before any location), and raw control bytes in the request line
=== GET /containers/json%zz
--- identity: admin
--- request: GET /containers/json%zz
--- status: 400

=== GET /containers/json%4
--- identity: admin
--- request: GET /containers/json%4
--- status: 400

=== GET /containers/x%00/json
--- identity: admin
--- request: GET /containers/x%00/json
--- status: 400

=== raw byte 0x01 in the path
--- raw eval
"GET /containers/x\x01y/json HTTP/1.1\r\nHost: x\r\n"
. "X-Identity: admin\r\nConnection: close\r\n\r\n"
--- status: 400

=== raw byte 0x7f in the path
--- raw eval
"GET /containers/x\x7fy/json HTTP/1.1\r\nHost: x\r\n"
. "X-Identity: admin\r\nConnection: close\r\n\r\n"
--- status: 400

# an escaped letter is the same operation, judged as such
=== POST /containers/cre%61te is ContainerCreate
--- identity: ci
--- request: POST /containers/cre%61te
--- body: {"HostConfig":{"Privileged":true},"Image":"$image"}
--- denied: Privileged

=== POST /v1.41/c%6Fntainers/create is ContainerCreate
--- identity: ci
--- request: POST /v1.41/c%6Fntainers/create
--- body: {"HostConfig":{"Privileged":true},"Image":"$image"}
--- denied: Privileged

=== readonly: escaped create is still ContainerCreate
--- identity: readonly
--- request: POST /containers/cre%61te
--- body: {}
--- denied: operation: ContainerCreate is not allowed

# decoded once, as dockerd does: "%252F" is a literal "%2F" there too
=== POST /containers%252Fcreate: no operation (decoded once)
--- identity: admin
--- request: POST /containers%252Fcreate
--- body: {"HostConfig":{"Privileged":true},"Image":"$image"}
--- denied: unknown-operation

# Content-Length and Transfer-Encoding together: nginx refuses the request
=== Content-Length with chunked
--- raw eval
"POST /containers/create HTTP/1.1\r\nHost: x\r\nX-Identity: ci\r\n"
. "Content-Type: application/json\r\nContent-Length: 2\r\n"
. "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
. sprintf("%x\r\n%s\r\n0\r\n\r\n", length $priv, $priv)
--- status: 400

# absolute-form request target: nginx takes the path from it
=== absolute-form POST http://localhost/containers/create: judged
--- raw eval
"POST http://localhost/containers/create HTTP/1.1\r\nHost: x\r\n"
. "X-Identity: ci\r\nContent-Type: application/json\r\n"
. "Content-Length: " . length($priv) . "\r\nConnection: close\r\n"
. "\r\n$priv"
--- denied: Privileged

# --- versions

=== GET /v1.041/containers/json (1.41)
--- identity: readonly
--- request: GET /v1.041/containers/json
--- reaches_dockerd: 200

=== GET /v1.12/version (the oldest dockerd 20.10 serves)
--- identity: readonly
--- request: GET /v1.12/version
--- reaches_dockerd: 200

=== GET /containers/json (no version)
--- identity: readonly
--- request: GET /containers/json
--- reaches_dockerd: 200

=== POST /v1.041/containers/create is judged
--- identity: ci
--- request: POST /v1.041/containers/create
--- body: {"HostConfig":{"Privileged":true},"Image":"$image"}
--- denied: Privileged

=== GET /v1.2.3/containers/json
--- identity: readonly
--- request: GET /v1.2.3/containers/json
--- refused: version

=== GET /v1/containers/json
--- identity: readonly
--- request: GET /v1/containers/json
--- refused: version

=== GET /v.41/containers/json
--- identity: readonly
--- request: GET /v.41/containers/json
--- refused: version

=== GET /v1./containers/json
--- identity: readonly
--- request: GET /v1./containers/json
--- refused: version

=== GET /v1..41/containers/json
--- identity: readonly
--- request: GET /v1..41/containers/json
--- refused: version

=== GET /v1.11/containers/json
--- identity: readonly
--- request: GET /v1.11/containers/json
--- refused: version

=== GET /v0.99/containers/json
--- identity: readonly
--- request: GET /v0.99/containers/json
--- refused: version

=== GET /v1.999999/containers/json
--- identity: readonly
--- request: GET /v1.999999/containers/json
--- refused: version

=== GET /vx/containers/json
--- identity: readonly
--- request: GET /vx/containers/json
--- not_allowed

=== GET /V1.41/containers/json
--- identity: readonly
--- request: GET /V1.41/containers/json
--- not_allowed

=== GET /v1.41a/containers/json
--- identity: readonly
--- request: GET /v1.41a/containers/json
--- not_allowed

=== GET /v-1.41/containers/json
--- identity: readonly
--- request: GET /v-1.41/containers/json
--- not_allowed

# --- requests that are no operation

=== GET /containers/json/ (no operation)
--- identity: admin
--- request: GET /containers/json/
--- denied: unknown-operation

=== GET /nonexistent (no operation)
--- identity: admin
--- request: GET /nonexistent
--- denied: unknown-operation

=== POST /containers/json (no operation)
--- identity: admin
--- request: POST /containers/json
--- denied: unknown-operation

=== PUT /containers/create (no operation)
--- identity: admin
--- request: PUT /containers/create
--- denied: unknown-operation

=== PATCH /containers/x/json (no operation)
--- identity: admin
--- request: PATCH /containers/x/json
--- denied: unknown-operation

=== GET /v1.41/ (no operation)
--- identity: admin
--- request: GET /v1.41/
--- denied: unknown-operation

# --- identities without a policy

=== an empty policy variable denies everything
--- identity: empty
--- request: GET /_ping
--- denied: no-policy

=== an empty policy variable: /version
--- identity: empty
--- request: GET /version
--- denied: no-policy

=== an unknown policy name denies everything
--- identity: bogus
--- request: GET /_ping
--- denied: no-policy.*nosuch

=== unknown policy: even a non-canonical path is a 403
--- identity: bogus
--- request: GET /containers//json
--- status: 403
