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

my $ng = policy_nginx();
my $image = test_image();
my $create = '/containers/create';

# a body with $hc as HostConfig, written by hand (order and escapes kept)
sub body { my ($hc) = @_; return qq({"Image":"$image","HostConfig":$hc}) }

sub cleanup_created {
    my ($raw) = @_;
    my $id = eval { decode_json($raw)->{Id} };
    cleanup_container($id) if $id;
    return $id;
}

# --- duplicates ------------------------------------------------------------

for my $c (
    [ qq({"Image":"$image","Image":"evil/thing"}),  'Image twice' ],
    [ qq({"Image":"$image","image":"evil/thing"}),  'Image and image' ],
    [ qq({"Image":"$image","IMAGE":"evil/thing"}),  'Image and IMAGE' ],
    [ qq({"Image":"$image","HostConfig":{},"hostconfig":{"Privileged":true}}),
      'HostConfig and hostconfig' ],
    [ qq({"Image":"$image","HostConfig":{"Privileged":true},"HostConfig":{}}),
      'HostConfig twice, the last one harmless' ],
    [ body('{"Privileged":false,"privileged":true}'),
      'Privileged and privileged' ],
    [ body('{"SecurityOpt":[],"\u017FecurityOpt":["seccomp=unconfined"]}'),
      'SecurityOpt and \u017FecurityOpt' ],
    [ body(qq({"SecurityOpt":[],"\xc5\xbfecurityOpt":["seccomp=unconfined"]})),
      'SecurityOpt and raw UTF-8 U+017F' ],
    [ body('{"Links":[],"Lin\u212As":[]}'), 'Links and Lin\u212As' ],
    [ body('{"Binds":[],"bindS":["/:/host"]}'), 'Binds and bindS' ],
    [ body('{"Mounts":[{"Type":"bind","type":"volume","Source":"/","Target":"/h"}]}'),
      'Type and type inside a Mounts element' ],
    [ qq({"Image":"$image","Labels":{"a":"1","a":"2"}}),
      'a repeated label (a map: Go keeps the last)' ],
) {
    refused('ci', POST => $create, $c->[0], qr/duplicate key/,
        "duplicate keys: $c->[1]");
}

# --- keys Go folds to a field name -----------------------------------------

for my $c (
    [ body('{"\u017FecurityOpt":["seccomp=unconfined"]}'), qr/SecurityOpt/,
      '\u017FecurityOpt is SecurityOpt' ],
    [ body(qq({"\xc5\xbfecurityOpt":["seccomp=unconfined"]})), qr/SecurityOpt/,
      'raw U+017F: SecurityOpt' ],
    [ body('{"Mas\u212AedPaths":[]}'), qr/MaskedPaths/,
      'Mas\u212AedPaths is MaskedPaths' ],
    [ body('{"Bind\u017F":["/:/host"]}'), qr/bind: host path \/ /,
      'Bind\u017F is Binds' ],
    [ body('{"\u0042inds":["/:/host"]}'), qr/bind: host path \/ /,
      '\u0042inds (an escaped ASCII letter) is Binds' ],
    [ qq({"Image":"$image","Ho\\u017FtConfig":{"Privileged":true}}),
      qr/Privileged/, 'Ho\u017FtConfig is HostConfig' ],
    [ qq({"Image":"$image","HOSTCONFIG":{"PRIVILEGED":true}}),
      qr/Privileged/, 'HOSTCONFIG/PRIVILEGED' ],
    [ body('{"Sy\u017Fctl\u017F":{"kernel.x":"1"}}'), qr/Sysctls/,
      'Sy\u017Fctl\u017F is Sysctls' ],
    [ body('{"Device\u017F":[{"PathOnHost":"/dev/mem","PathInContainer":"/dev/mem","CgroupPermissions":"rwm"}]}'),
      qr/Devices/, 'Device\u017F is Devices' ],
) {
    denied('ci', POST => $create, $c->[0], $c->[1], $c->[2]);
}

# the premise, checked on dockerd itself: Go matches "Mas\u212AedPaths"
# to MaskedPaths
{
    my $name = unique_name('fold');
    cleanup_container($name);
    my ($st) = unix_request(POST => "/containers/create?name=$name",
        headers => [ 'Content-Type' => 'application/json' ],
        body => body('{"Mas\u212AedPaths":["/proc/slt-fold"]}'));
    my ($rc, $out) = docker_direct('inspect', '--format',
        '{{json .HostConfig.MaskedPaths}}', $name);
    is($out, qq(["/proc/slt-fold"]\n),
        'dockerd itself folds Mas\u212AedPaths into MaskedPaths');
}

# a key that only looks like a field is not one: passed to dockerd
{
    my ($st, $msg, $raw) = allowed('ci', POST => $create,
        body('{"Privileged ":true,"Privileges":true}'),
        'keys "Privileged " and "Privileges" are other fields');
    cleanup_created($raw);
}

# --- syntax ----------------------------------------------------------------

for my $c (
    [ qq({"Image":"$image"} {"HostConfig":{"Privileged":true}}),
      qr/trailing|invalid/, 'a second document after the first' ],
    [ qq({"Image":"$image"}x), qr/trailing|invalid/, 'trailing garbage' ],
    [ qq({"Image":"$image"}]), qr/trailing|invalid/, 'a stray bracket' ],
    [ qq({"Image":"$image","Labels":{"a":"\xff"}}), qr/invalid/,
      'invalid UTF-8 (0xff)' ],
    [ qq({"Image":"$image","Labels":{"a":"\x80"}}), qr/invalid/,
      'invalid UTF-8 (lone continuation byte)' ],
    [ qq({"Image":"$image","Labels":{"a":"\xe2\x84"}}), qr/invalid/,
      'invalid UTF-8 (truncated sequence)' ],
    [ qq({"Image":"$image","Labels":{"\xff":"a"}}), qr/invalid/,
      'invalid UTF-8 in a key' ],
    [ qq({"Image":"$image\\u0000evil/thing"}), qr/NUL/,
      '\u0000 in a string' ],
    [ qq({"Image":"$image","Host\\u0000Config":{"Privileged":true}}),
      qr/NUL/, '\u0000 in a key' ],
    [ qq({"Image":"$image"\x00}), qr/NUL/, 'a raw NUL byte' ],
    [ qq({"Image":"$image" /* c */}), qr/invalid/, 'a /* */ comment' ],
    [ qq(// c\n{"Image":"$image"}), qr/invalid/, 'a // comment' ],
    [ qq({"Image":"$image",}), qr/invalid/, 'a trailing comma' ],
    [ qq({'Image':'$image'}), qr/invalid/, 'single quotes' ],
    [ qq({"Image":"$image","Labels":) . ('{"a":' x 40) . '1' . ('}' x 40)
      . '}', qr/deep/, 'nesting 40 deep' ],
    [ '[' x 40 . ']' x 40, qr/deep/, 'arrays 40 deep' ],
    [ '[]', qr/not an object/, 'an array body' ],
    [ 'null', qr/not an object/, 'a null body' ],
    [ '"x"', qr/not an object/, 'a string body' ],
    [ '{', qr/invalid/, 'a truncated body' ],
    [ qq({"Image":5}), qr/Image is not a string/, 'Image is a number' ],
) {
    refused('ci', POST => $create, $c->[0], $c->[1], "json: $c->[2]");
}

# nesting below the limit is the decoder's business, not a refusal
{
    my ($st, $msg) = api('ci', POST => $create,
        qq({"Image":"$image","Labels":) . ('{"a":' x 20) . '1' . ('}' x 20)
        . '}');
    ok($msg !~ /by policy/, 'nesting 21 deep: to dockerd') or diag $msg;
}

# --- wrong types -----------------------------------------------------------

for my $c (
    [ body('{"Privileged":"true"}'), qr/Privileged/, 'Privileged "true"' ],
    [ body('{"Privileged":1}'), qr/Privileged/, 'Privileged 1' ],
    [ body('{"Privileged":{}}'), qr/Privileged/, 'Privileged {}' ],
    [ body('{"CapAdd":"SYS_ADMIN"}'), qr/CapAdd/, 'CapAdd a string' ],
    [ body('{"CapAdd":[1]}'), qr/CapAdd/, 'CapAdd [1]' ],
    [ body('{"Binds":"/:/host"}'), qr/Binds/, 'Binds a string' ],
    [ body('{"Binds":[{"a":1}]}'), qr/Binds/, 'Binds [{}]' ],
    [ body('{"Mounts":{}}'), qr/Mounts/, 'Mounts an object' ],
    [ body('{"Mounts":[{"Source":"/","Target":"/h"}]}'), qr/Mounts/,
      'Mounts without a Type' ],
    [ body('{"SecurityOpt":"seccomp=unconfined"}'), qr/SecurityOpt/,
      'SecurityOpt a string' ],
    [ body('{"NetworkMode":["host"]}'), qr/NetworkMode/,
      'NetworkMode an array' ],
    [ body('"x"'), qr/HostConfig/, 'HostConfig a string' ],
    [ body('[]'), qr/HostConfig/, 'HostConfig an array' ],
) {
    denied('ci', POST => $create, $c->[0], $c->[1], "type: $c->[2]");
}

# null leaves the default: allowed
{
    my ($st, $msg, $raw) = allowed('ci', POST => $create,
        body('{"Privileged":null,"CapAdd":null,"Binds":null,"Devices":null}'),
        'nulls are no settings', status => 201);
    cleanup_created($raw);
    ($st, $msg, $raw) = allowed('ci', POST => $create,
        qq({"Image":"$image","HostConfig":null}), 'HostConfig null',
        status => 201);
    cleanup_created($raw);
}

# --- framing ---------------------------------------------------------------

my $priv = body('{"Privileged":true}');

denied('ci', POST => $create, $priv, qr/Privileged/,
    'chunked body (7-byte chunks)', chunked => 1, chunk_size => 7);
denied('ci', POST => $create, $priv, qr/Privileged/,
    'chunked body (one chunk)', chunked => 1);
{
    my ($st, $msg, $raw) = allowed('ci', POST => $create,
        qq({"Image":"$image"}), 'chunked harmless body', chunked => 1,
        chunk_size => 5, status => 201);
    cleanup_created($raw);
}

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
    allowed('ci', POST => '/containers/slt-none/start', '',
        'start with Content-Length: 0', status => 404);
    allowed('ci', POST => '/containers/slt-none/start', '',
        'start with an empty chunked body', chunked => 1, status => 404);
    my $resp = http_raw($ng->port, "POST /containers/slt-none/start HTTP/1.1"
        . "\r\nHost: x\r\nX-Identity: ci\r\nConnection: close\r\n\r\n");
    like($resp, qr{^HTTP/1\.1 404 }, 'start without a body');
}

# Content-Type does not change how the body is read
for my $ct ('application/json; charset=utf-8', 'Application/JSON',
            'text/plain') {
    denied('ci', POST => $create, $priv, qr/Privileged/,
        "Content-Type: $ct", headers => [ 'Content-Type' => $ct ]);
}

# a form body would add to the query parameters dockerd reads
for my $ct ('application/x-www-form-urlencoded', 'multipart/form-data') {
    refused('ci', POST => $create, $priv, qr/form body/,
        "Content-Type: $ct", headers => [ 'Content-Type' => $ct ]);
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
    my $small = policy_nginx(current => 0,
        location => 'sockerless_max_json_body 1k;');
    my $big = qq({"Image":"$image","Labels":{"a":") . ('x' x 2000) . '"}}';
    my ($st, $msg) = api('ci', POST => $create, $big, nginx => $small);
    is($st, 413, 'a 2 KB body over 1k: 413') or diag $msg;
    like($msg, qr/sockerless_max_json_body/, '413: the message says why');
    ($st, $msg) = api('ci', POST => $create, $big, nginx => $small,
        chunked => 1, chunk_size => 300);
    is($st, 413, 'a 2 KB chunked body over 1k: 413') or diag $msg;
    ($st, $msg) = api('ci', POST => '/containers/slt-none/update',
        '{"Memory":0,"Labels":"' . ('x' x 1100) . '"}', nginx => $small);
    is($st, 413, 'update over 1k: 413') or diag $msg;
    my $raw;
    ($st, $msg, $raw) = api('ci', POST => $create, qq({"Image":"$image"}),
        nginx => $small);
    is($st, 201, 'a small body under 1k: created') or diag $msg;
    cleanup_created($raw);

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
