#!/usr/bin/perl
# Access policy: request bodies are read as dockerd's Go decoder reads
# them, or refused.  Duplicate keys (exact, by case, folded as Go folds
# U+017F and U+212A), keys that Go folds to a field name, trailing data,
# invalid UTF-8, NUL, comments, deep nesting, wrong types, chunked bodies,
# Expect: 100-continue, empty bodies, Content-Type variants, and a body
# over sockerless_max_json_body.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Sockerless::Test;
use Sockerless::Policy;

module_only();

my $http = <<'EOF';
    map $http_x_identity $docker_policy {
        default     readonly;
        ci          ci;
        admin       full;
    }

    sockerless_policy readonly { allow @read; }
    sockerless_policy ci { allow @all; deny @swarm @plugins; }
    sockerless_policy full { allow @all; privileged on; }
EOF
my $ng = start_nginx(log_format => $POLICY_LOG, http => $http,
    location => 'sockerless_enforce $docker_policy;');
my $image = test_image();
my $create = '/containers/create';

run_policy_blocks(vars => { image => $image });

# the premise, checked on dockerd itself: Go matches "Mas\u212AedPaths"
# to MaskedPaths
{
    my $name = unique_name('fold');
    cleanup_container($name);
    my ($st) = unix_request(POST => "/containers/create?name=$name",
        headers => [ 'Content-Type' => 'application/json' ], body =>
        qq({"Image":"$image","HostConfig":{"Mas\\u212AedPaths":["/proc/slt-fold"]}}));
    my ($rc, $out) = docker_direct('inspect', '--format',
        '{{json .HostConfig.MaskedPaths}}', $name);
    is($out, qq(["/proc/slt-fold"]\n),
        'dockerd itself folds Mas\u212AedPaths into MaskedPaths');
}

# --- framing ---------------------------------------------------------------

my $priv = qq({"Image":"$image","HostConfig":{"Privileged":true}});

# Expect: 100-continue, the body sent after the 100
{
    my $head = "POST $create HTTP/1.1\r\nHost: x\r\nX-Identity: ci\r\n"
        . "Content-Type: application/json\r\nExpect: 100-continue\r\n"
        . 'Content-Length: ' . length($priv) . "\r\nConnection: close\r\n\r\n";
    my $resp = http_raw($ng->port, $head, chunks => [$priv], delay => 0.3);
    like($resp, qr{^HTTP/1\.1 100 Continue\r\n\r\nHTTP/1\.1 403 }s,
        'Expect: 100-continue: 100, then the denial');
    like($resp, qr/Privileged/, 'Expect: 100-continue: judged on the body');

    # chunked and Expect together, the body in pieces
    $head =~ s/Content-Length: \d+\r\n/Transfer-Encoding: chunked\r\n/;
    my @chunks = map { sprintf("%x\r\n%s\r\n", length $_, $_) }
        unpack('(a9)*', $priv);
    $resp = http_raw($ng->port, $head, chunks => [@chunks, "0\r\n\r\n"],
        delay => 0.05);
    like($resp, qr{HTTP/1\.1 403 .*Privileged}s,
        'Expect + chunked in pieces: denied');
}

# a body split across packets with a pause (Content-Length)
{
    my $head = "POST $create HTTP/1.1\r\nHost: x\r\nX-Identity: ci\r\n"
        . "Content-Type: application/json\r\n"
        . 'Content-Length: ' . length($priv) . "\r\nConnection: close\r\n\r\n";
    my $resp = http_raw($ng->port, $head,
        chunks => [unpack('(a10)*', $priv)], delay => 0.05);
    like($resp, qr{HTTP/1\.1 403 .*Privileged}s,
        'body in 10-byte writes: denied');
}

# a denied request's body is discarded, not read as the next request
{
    my $inner = "POST $create?name=slt-smuggled HTTP/1.1\r\nHost: x\r\n"
        . "X-Identity: admin\r\nContent-Type: application/json\r\n"
        . 'Content-Length: ' . length($priv) . "\r\n\r\n$priv";
    my $req = "POST /containers/slt-none/kill HTTP/1.1\r\nHost: x\r\n"
        . "X-Identity: readonly\r\nContent-Type: application/json\r\n"
        . 'Content-Length: ' . length($inner) . "\r\n\r\n$inner"
        . "GET /_ping HTTP/1.1\r\nHost: x\r\nX-Identity: readonly\r\n"
        . "Connection: close\r\n\r\n";
    my $resp = http_raw($ng->port, $req);
    my @st = $resp =~ m{^HTTP/1\.1 (\d+)}mg;
    is("@st", '403 200', 'pipelined: the denial, then the next request');
    my ($rc) = docker_direct('inspect', 'slt-smuggled');
    isnt($rc, 0, 'pipelined: the body was not taken for a request');
}

# zero-length bodies: dockerd sees nothing more than the request line
{
    my ($st, $msg) = allowed('ci', POST => $create, '',
        'create with Content-Length: 0 goes to dockerd');
    like($msg, qr/EOF|config cannot be empty/i, '... which refuses it');
    my $resp = http_raw($ng->port, "POST /containers/slt-none/start HTTP/1.1"
        . "\r\nHost: x\r\nX-Identity: ci\r\nConnection: close\r\n\r\n");
    like($resp, qr{^HTTP/1\.1 404 }, 'start without a body');
}

{
    # no Content-Type at all
    my $resp = http_raw($ng->port, "POST $create HTTP/1.1\r\nHost: x\r\n"
        . "X-Identity: ci\r\nContent-Length: " . length($priv)
        . "\r\nConnection: close\r\n\r\n$priv");
    like($resp, qr{^HTTP/1\.1 403 .*Privileged}s, 'no Content-Type');
}

# --- sockerless_max_json_body ---------------------------------------------

{
    my $small = start_nginx(log_format => $POLICY_LOG, http => $http,
        location => <<'EOF', current => 0);
            sockerless_enforce $docker_policy;
            sockerless_max_json_body 1k;
EOF
    my $big = qq({"Image":"$image","Labels":{"a":") . ('x' x 2000) . '"}}';
    my ($st, $msg) = policy_api('ci', POST => $create, $big, nginx => $small);
    is($st, 413, 'a 2 KB body over 1k: 413') or diag $msg;
    like($msg, qr/sockerless_max_json_body/, '413: the message says why');
    ($st, $msg) = policy_api('ci', POST => $create, $big, nginx => $small,
        chunked => 1, chunk_size => 300);
    is($st, 413, 'a 2 KB chunked body over 1k: 413') or diag $msg;
    ($st, $msg) = policy_api('ci', POST => '/containers/slt-none/update',
        '{"Memory":0,"Labels":"' . ('x' x 1100) . '"}', nginx => $small);
    is($st, 413, 'update over 1k: 413') or diag $msg;
    ($st, $msg) = policy_api('ci', POST => $create, qq({"Image":"$image"}),
        nginx => $small);
    is($st, 201, 'a small body under 1k: created') or diag $msg;

    # a 413 ends the request: the worker survives, nothing reaches dockerd
    my $name = unique_name('after413');
    cleanup_container($name);
    my $first = qq({"Image":"$image","Cmd":["true"]});
    my $req = "POST $create?name=$name HTTP/1.1\r\nHost: x\r\n"
        . "X-Identity: ci\r\nContent-Type: application/json\r\n"
        . "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
    my $resp = http_raw($small->port, $req, delay => 0.2, chunks => [
        sprintf("%x\r\n%s\r\n", length $first, $first),
        sprintf("%x\r\n%s\r\n", 2000, ' ' x 2000), "0\r\n\r\n" ]);
    like($resp, qr{^HTTP/1\.1 413 }, 'chunked: a complete document, then '
        . 'more than 1k: 413');
    sleep 0.3;
    my ($rc) = docker_direct('inspect', $name);
    isnt($rc, 0, '413: the container of the first chunk was not created');
    my @bad = grep { /exited on signal|header already sent/ }
        split /\n/, $small->error_log;
    ok(!@bad, '413: no worker crash, no response after the 413')
        or diag join "\n", @bad;
    my @l = log_lines($small, qr/ 413 /);
    is(scalar @l, 4, '413: every one is in the access log');
    ok(!grep({ !/ua=-$/ } @l), '413: nothing went to dockerd');
}

done_testing();

__DATA__

# --- duplicates

=== duplicate keys: Image twice
--- identity: ci
--- request: POST /containers/create
--- body: {"Image":"$image","Image":"evil/thing"}
--- refused: duplicate key

=== duplicate keys: Image and image
--- identity: ci
--- request: POST /containers/create
--- body: {"Image":"$image","image":"evil/thing"}
--- refused: duplicate key

=== duplicate keys: Image and IMAGE
--- identity: ci
--- request: POST /containers/create
--- body: {"Image":"$image","IMAGE":"evil/thing"}
--- refused: duplicate key

=== duplicate keys: HostConfig and hostconfig
--- identity: ci
--- request: POST /containers/create
--- body: {"Image":"$image","HostConfig":{},"hostconfig":{"Privileged":true}}
--- refused: duplicate key

=== duplicate keys: HostConfig twice, the last one harmless
--- identity: ci
--- request: POST /containers/create
--- body: {"Image":"$image","HostConfig":{"Privileged":true},"HostConfig":{}}
--- refused: duplicate key

=== duplicate keys: Privileged and privileged
--- identity: ci
--- request: POST /containers/create
--- body: {"Image":"$image","HostConfig":{"Privileged":false,"privileged":true}}
--- refused: duplicate key

=== duplicate keys: SecurityOpt and \u017FecurityOpt
--- identity: ci
--- request: POST /containers/create
--- body: {"Image":"$image","HostConfig":{"SecurityOpt":[],"\u017FecurityOpt":["seccomp=unconfined"]}}
--- refused: duplicate key

=== duplicate keys: SecurityOpt and raw UTF-8 U+017F
--- identity: ci
--- request: POST /containers/create
--- body eval
qq({"Image":"$image","HostConfig":{"SecurityOpt":[],"\xc5\xbfecurityOpt":["seccomp=unconfined"]}})
--- refused: duplicate key

=== duplicate keys: Links and Lin\u212As
--- identity: ci
--- request: POST /containers/create
--- body: {"Image":"$image","HostConfig":{"Links":[],"Lin\u212As":[]}}
--- refused: duplicate key

=== duplicate keys: Binds and bindS
--- identity: ci
--- request: POST /containers/create
--- body: {"Image":"$image","HostConfig":{"Binds":[],"bindS":["/:/host"]}}
--- refused: duplicate key

=== duplicate keys: Type and type inside a Mounts element
--- identity: ci
--- request: POST /containers/create
--- body: {"Image":"$image","HostConfig":{"Mounts":[{"Type":"bind","type":"volume","Source":"/","Target":"/h"}]}}
--- refused: duplicate key

=== duplicate keys: a repeated label (a map: Go keeps the last)
--- identity: ci
--- request: POST /containers/create
--- body: {"Image":"$image","Labels":{"a":"1","a":"2"}}
--- refused: duplicate key

# --- keys Go folds to a field name

=== \u017FecurityOpt is SecurityOpt
--- identity: ci
--- request: POST /containers/create
--- body: {"Image":"$image","HostConfig":{"\u017FecurityOpt":["seccomp=unconfined"]}}
--- denied: SecurityOpt

=== raw U+017F: SecurityOpt
--- identity: ci
--- request: POST /containers/create
--- body eval
qq({"Image":"$image","HostConfig":{"\xc5\xbfecurityOpt":["seccomp=unconfined"]}})
--- denied: SecurityOpt

=== Mas\u212AedPaths is MaskedPaths
--- identity: ci
--- request: POST /containers/create
--- body: {"Image":"$image","HostConfig":{"Mas\u212AedPaths":[]}}
--- denied: MaskedPaths

=== Bind\u017F is Binds
--- identity: ci
--- request: POST /containers/create
--- body: {"Image":"$image","HostConfig":{"Bind\u017F":["/:/host"]}}
--- denied: bind: host path / is not allowed

=== \u0042inds (an escaped ASCII letter) is Binds
--- identity: ci
--- request: POST /containers/create
--- body: {"Image":"$image","HostConfig":{"\u0042inds":["/:/host"]}}
--- denied: bind: host path / is not allowed

=== Ho\u017FtConfig is HostConfig
--- identity: ci
--- request: POST /containers/create
--- body: {"Image":"$image","Ho\u017FtConfig":{"Privileged":true}}
--- denied: Privileged

=== HOSTCONFIG/PRIVILEGED
--- identity: ci
--- request: POST /containers/create
--- body: {"Image":"$image","HOSTCONFIG":{"PRIVILEGED":true}}
--- denied: Privileged

=== Sy\u017Fctl\u017F is Sysctls
--- identity: ci
--- request: POST /containers/create
--- body: {"Image":"$image","HostConfig":{"Sy\u017Fctl\u017F":{"kernel.x":"1"}}}
--- denied: Sysctls

=== Device\u017F is Devices
--- identity: ci
--- request: POST /containers/create
--- body: {"Image":"$image","HostConfig":{"Device\u017F":[{"PathOnHost":"/dev/mem","PathInContainer":"/dev/mem","CgroupPermissions":"rwm"}]}}
--- denied: Devices

# a key that only looks like a field is not one: passed to dockerd
=== keys "Privileged " and "Privileges" are other fields
--- identity: ci
--- request: POST /containers/create
--- body: {"Image":"$image","HostConfig":{"Privileged ":true,"Privileges":true}}
--- reaches_dockerd

# --- syntax

=== json: a second document after the first
--- identity: ci
--- request: POST /containers/create
--- body: {"Image":"$image"} {"HostConfig":{"Privileged":true}}
--- refused: trailing|invalid

=== json: trailing garbage
--- identity: ci
--- request: POST /containers/create
--- body: {"Image":"$image"}x
--- refused: trailing|invalid

=== json: a stray bracket
--- identity: ci
--- request: POST /containers/create
--- body: {"Image":"$image"}]
--- refused: trailing|invalid

=== json: invalid UTF-8 (0xff)
--- identity: ci
--- request: POST /containers/create
--- body eval
qq({"Image":"$image","Labels":{"a":"\xff"}})
--- refused: invalid

=== json: invalid UTF-8 (lone continuation byte)
--- identity: ci
--- request: POST /containers/create
--- body eval
qq({"Image":"$image","Labels":{"a":"\x80"}})
--- refused: invalid

=== json: invalid UTF-8 (truncated sequence)
--- identity: ci
--- request: POST /containers/create
--- body eval
qq({"Image":"$image","Labels":{"a":"\xe2\x84"}})
--- refused: invalid

=== json: invalid UTF-8 in a key
--- identity: ci
--- request: POST /containers/create
--- body eval
qq({"Image":"$image","Labels":{"\xff":"a"}})
--- refused: invalid

=== json: \u0000 in a string
--- identity: ci
--- request: POST /containers/create
--- body: {"Image":"$image\u0000evil/thing"}
--- refused: NUL

=== json: \u0000 in a key
--- identity: ci
--- request: POST /containers/create
--- body: {"Image":"$image","Host\u0000Config":{"Privileged":true}}
--- refused: NUL

=== json: a raw NUL byte
--- identity: ci
--- request: POST /containers/create
--- body eval
qq({"Image":"$image"\x00})
--- refused: NUL

=== json: a /* */ comment
--- identity: ci
--- request: POST /containers/create
--- body: {"Image":"$image" /* c */}
--- refused: invalid

=== json: a // comment
--- identity: ci
--- request: POST /containers/create
--- body eval
qq(// c\n{"Image":"$image"})
--- refused: invalid

=== json: a trailing comma
--- identity: ci
--- request: POST /containers/create
--- body: {"Image":"$image",}
--- refused: invalid

=== json: single quotes
--- identity: ci
--- request: POST /containers/create
--- body: {'Image':'$image'}
--- refused: invalid

=== json: nesting 40 deep
--- identity: ci
--- request: POST /containers/create
--- body eval
qq({"Image":"$image","Labels":) . ('{"a":' x 40) . '1' . ('}' x 40) . '}'
--- refused: deep

=== json: arrays 40 deep
--- identity: ci
--- request: POST /containers/create
--- body eval
'[' x 40 . ']' x 40
--- refused: deep

=== json: an array body
--- identity: ci
--- request: POST /containers/create
--- body: []
--- refused: not an object

=== json: a null body
--- identity: ci
--- request: POST /containers/create
--- body: null
--- refused: not an object

=== json: a string body
--- identity: ci
--- request: POST /containers/create
--- body: "x"
--- refused: not an object

=== json: a truncated body
--- identity: ci
--- request: POST /containers/create
--- body: {
--- refused: invalid

=== json: Image is a number
--- identity: ci
--- request: POST /containers/create
--- body: {"Image":5}
--- refused: Image is not a string

# nesting below the limit is the decoder's business, not a refusal
=== nesting 21 deep
--- identity: ci
--- request: POST /containers/create
--- body eval
qq({"Image":"$image","Labels":) . ('{"a":' x 20) . '1' . ('}' x 20) . '}'
--- reaches_dockerd

# --- wrong types

=== type: Privileged "true"
--- identity: ci
--- request: POST /containers/create
--- body: {"Image":"$image","HostConfig":{"Privileged":"true"}}
--- denied: Privileged

=== type: Privileged 1
--- identity: ci
--- request: POST /containers/create
--- body: {"Image":"$image","HostConfig":{"Privileged":1}}
--- denied: Privileged

=== type: Privileged {}
--- identity: ci
--- request: POST /containers/create
--- body: {"Image":"$image","HostConfig":{"Privileged":{}}}
--- denied: Privileged

=== type: CapAdd a string
--- identity: ci
--- request: POST /containers/create
--- body: {"Image":"$image","HostConfig":{"CapAdd":"SYS_ADMIN"}}
--- denied: CapAdd

=== type: CapAdd [1]
--- identity: ci
--- request: POST /containers/create
--- body: {"Image":"$image","HostConfig":{"CapAdd":[1]}}
--- denied: CapAdd

=== type: Binds a string
--- identity: ci
--- request: POST /containers/create
--- body: {"Image":"$image","HostConfig":{"Binds":"/:/host"}}
--- denied: Binds

=== type: Binds [{}]
--- identity: ci
--- request: POST /containers/create
--- body: {"Image":"$image","HostConfig":{"Binds":[{"a":1}]}}
--- denied: Binds

=== type: Mounts an object
--- identity: ci
--- request: POST /containers/create
--- body: {"Image":"$image","HostConfig":{"Mounts":{}}}
--- denied: Mounts

=== type: Mounts without a Type
--- identity: ci
--- request: POST /containers/create
--- body: {"Image":"$image","HostConfig":{"Mounts":[{"Source":"/","Target":"/h"}]}}
--- denied: Mounts

=== type: SecurityOpt a string
--- identity: ci
--- request: POST /containers/create
--- body: {"Image":"$image","HostConfig":{"SecurityOpt":"seccomp=unconfined"}}
--- denied: SecurityOpt

=== type: NetworkMode an array
--- identity: ci
--- request: POST /containers/create
--- body: {"Image":"$image","HostConfig":{"NetworkMode":["host"]}}
--- denied: NetworkMode

=== type: HostConfig a string
--- identity: ci
--- request: POST /containers/create
--- body: {"Image":"$image","HostConfig":"x"}
--- denied: HostConfig

=== type: HostConfig an array
--- identity: ci
--- request: POST /containers/create
--- body: {"Image":"$image","HostConfig":[]}
--- denied: HostConfig

# null leaves the default: allowed
=== nulls are no settings
--- identity: ci
--- request: POST /containers/create
--- body: {"Image":"$image","HostConfig":{"Privileged":null,"CapAdd":null,"Binds":null,"Devices":null}}
--- reaches_dockerd: 201

=== HostConfig null
--- identity: ci
--- request: POST /containers/create
--- body: {"Image":"$image","HostConfig":null}
--- reaches_dockerd: 201

# --- framing

=== chunked body (7-byte chunks)
--- identity: ci
--- request: POST /containers/create
--- chunked: 7
--- body: {"Image":"$image","HostConfig":{"Privileged":true}}
--- denied: Privileged

=== chunked body (one chunk)
--- identity: ci
--- request: POST /containers/create
--- chunked: 4096
--- body: {"Image":"$image","HostConfig":{"Privileged":true}}
--- denied: Privileged

=== chunked harmless body
--- identity: ci
--- request: POST /containers/create
--- chunked: 5
--- body: {"Image":"$image"}
--- reaches_dockerd: 201

# zero-length bodies: dockerd sees nothing more than the request line
=== start with Content-Length: 0
--- identity: ci
--- request: POST /containers/slt-none/start
--- body:
--- reaches_dockerd: 404

=== start with an empty chunked body
--- identity: ci
--- request: POST /containers/slt-none/start
--- chunked: 4096
--- body:
--- reaches_dockerd: 404

# Content-Type does not change how the body is read
=== Content-Type: application/json; charset=utf-8
--- identity: ci
--- request: POST /containers/create
--- headers
Content-Type: application/json; charset=utf-8
--- body: {"Image":"$image","HostConfig":{"Privileged":true}}
--- denied: Privileged

=== Content-Type: Application/JSON
--- identity: ci
--- request: POST /containers/create
--- headers
Content-Type: Application/JSON
--- body: {"Image":"$image","HostConfig":{"Privileged":true}}
--- denied: Privileged

=== Content-Type: text/plain
--- identity: ci
--- request: POST /containers/create
--- headers
Content-Type: text/plain
--- body: {"Image":"$image","HostConfig":{"Privileged":true}}
--- denied: Privileged

# a form body would add to the query parameters dockerd reads
=== Content-Type: application/x-www-form-urlencoded
--- identity: ci
--- request: POST /containers/create
--- headers
Content-Type: application/x-www-form-urlencoded
--- body: {"Image":"$image","HostConfig":{"Privileged":true}}
--- refused: form body

=== Content-Type: multipart/form-data
--- identity: ci
--- request: POST /containers/create
--- headers
Content-Type: multipart/form-data
--- body: {"Image":"$image","HostConfig":{"Privileged":true}}
--- refused: form body

