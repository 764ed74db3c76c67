#!/usr/bin/perl
# Raw HTTP through the module: versioned and unversioned paths, dockerd's
# own errors, query strings, request bodies with Content-Length and
# chunked, pipelined requests on one client connection.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Sockerless::Test;

my $ng = start_nginx();
my $port = $ng->port;
my $image = test_image();

# /version with and without the prefix, unknown paths, an error of
# dockerd: as dockerd direct answers them (the __DATA__ blocks)
run_blocks();

# encoded path: dockerd routes on the decoded path
{
    my ($st, $h, $body) = http_request($port, 'GET',
        '/v1.41/images/' . url_encode($image) . '/json');
    is($st, 200, 'image inspect with %3A in the name: 200');
    my ($dst, undef, $dbody) = unix_request('GET', "/images/$image/json");
    is(eval { decode_json($body)->{Id} }, eval { decode_json($dbody)->{Id} },
        'image inspect with %3A: same image as direct');
}

# a JSON body with Content-Length: create and remove a container
my $label = unique_name('label');
my @names;
for my $i (1, 2) {
    my $name = unique_name("c$i");
    cleanup_container($name);
    push @names, $name;
    my ($st, $h, $body) = http_request($port, 'POST',
        "/v1.41/containers/create?name=$name",
        headers => ['Content-Type' => 'application/json'],
        body => encode_json({ Image => $image, Cmd => ['true'],
            Labels => { 'slt.raw' => $label } }));
    is($st, 201, "POST /containers/create ($i): 201") or diag $body;
    like(eval { decode_json($body)->{Id} } // '', qr/^[0-9a-f]{64}$/,
        "POST /containers/create ($i): an Id");
}

# repeated query parameters reach dockerd as sent
{
    my $f = url_encode(encode_json({ label => ["slt.raw=$label"] }));
    my $other = url_encode(encode_json({ label => ['slt.raw=nothing'] }));
    for my $q ("all=1&all=1&filters=$f", "filters=$f&all=1&filters=$other",
               "filters=$other&filters=$f&all=true")
    {
        my ($st, $h, $body) = http_request($port, 'GET', "/containers/json?$q");
        my ($dst, undef, $dbody) = unix_request('GET', "/containers/json?$q");
        is($st, 200, "GET /containers/json?$q: 200");
        my @got = sort map { $_->{Names}[0] } @{ (eval { decode_json($body) }) || [] };
        my @want = sort map { $_->{Names}[0] } @{ decode_json($dbody) };
        is_deeply(\@got, \@want, "GET /containers/json?$q: same list as direct");
    }
    my ($st, $h, $body) = http_request($port, 'GET',
        "/v1.41/containers/json?all=1&filters=$f");
    is_deeply([ sort map { $_->{Names}[0] } @{ (eval { decode_json($body) }) || [] } ],
        [ sort map { "/$_" } @names ], 'filters select both new containers');
}

for my $name (@names) {
    my ($st) = http_request($port, 'DELETE', "/v1.41/containers/$name?force=1&v=1");
    is($st, 204, "DELETE /containers/$name: 204");
}

# three requests, one after the other, on one client connection
{
    my $resp = http_raw($port, "GET /_ping HTTP/1.1\r\nHost: x\r\n\r\n",
        chunks => ["GET /v1.41/_ping HTTP/1.1\r\nHost: x\r\n\r\n",
            "GET /version HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"],
        delay => 0.3);
    my @st = $resp =~ m{HTTP/1\.1 (\d{3}) }g;
    is_deeply(\@st, [200, 200, 200], 'three requests on one connection');
    like($resp, qr/"ApiVersion"/, 'the last one is /version');
}

# a chunked upload: POST /images/load with an image tar
{
    my $tag = unique_name('load') . ':1';
    cleanup_image($tag);
    docker_direct('tag', $image, $tag);
    my ($st, undef, $tar) = unix_request('GET', '/images/' . url_encode($tag) . '/get');
    is($st, 200, 'image tar from dockerd direct');
    docker_direct('rmi', $tag);
    ($st, my $h, my $body) = http_request($port, 'POST', '/v1.41/images/load?quiet=1',
        headers => ['Content-Type' => 'application/x-tar'],
        body => $tar, chunked => 1, chunk_size => 7919);
    is($st, 200, 'chunked POST /images/load: 200') or diag $body;
    like($body, qr/Loaded image: \Q$tag\E/, 'chunked POST /images/load: loaded');
    my ($rc) = docker_direct('image', 'inspect', $tag);
    is($rc, 0, 'the loaded image is in dockerd');
}

# a chunked upload: POST /build with a context tar
{
    my $tag = unique_name('build') . ':1';
    cleanup_image($tag);
    my $ctx = tar_bytes('Dockerfile' => "FROM $image\nLABEL slt.build=\"$tag\"\n");
    my ($st, $h, $body) = http_request($port, 'POST',
        '/v1.41/build?t=' . url_encode($tag) . '&rm=1',
        headers => ['Content-Type' => 'application/x-tar'],
        body => $ctx, chunked => 1, chunk_size => 1000, timeout => 60);
    is($st, 200, 'chunked POST /build: 200') or diag $body;
    like($body, qr/Successfully built/, 'chunked POST /build: built');
    my ($rc, $out) = docker_direct('image', 'inspect', '--format',
        '{{index .Config.Labels "slt.build"}}', $tag);
    is($out, "$tag\n", 'the built image has the label');
}

# a request body sent slowly, in pieces
{
    my $name = unique_name('slow');
    cleanup_container($name);
    my $json = encode_json({ Image => $image, Cmd => ['true'] });
    my $req = "POST /v1.41/containers/create?name=$name HTTP/1.1\r\nHost: x\r\n"
        . "Content-Type: application/json\r\nConnection: close\r\n"
        . 'Content-Length: ' . length($json) . "\r\n\r\n";
    my $half = int(length($json) / 2);
    my $resp = http_raw($port, $req,
        chunks => [substr($json, 0, $half), substr($json, $half)], delay => 0.3);
    my ($st) = parse_response($resp);
    is($st, 201, 'a body in two pieces 0.3 s apart: 201');
}

done_testing();

__DATA__

=== GET /version
--- request: GET /version
--- status: 200
--- content_type: ^application/json
--- same_as_dockerd

=== GET /v1.41/version
--- request: GET /v1.41/version
--- status: 200
--- content_type: ^application/json
--- same_as_dockerd

=== GET /v1.40/version
--- request: GET /v1.40/version
--- status: 200
--- content_type: ^application/json
--- same_as_dockerd

# unknown paths: dockerd's own 404
=== GET /nonexistent
--- request: GET /nonexistent
--- status: 404
--- same_as_dockerd
--- message: page not found

=== GET /v1.41/nonexistent
--- request: GET /v1.41/nonexistent
--- status: 404
--- same_as_dockerd
--- message: page not found

=== GET /v1.41/containers/x/nonsense
--- request: GET /v1.41/containers/x/nonsense
--- status: 404
--- same_as_dockerd
--- message: page not found

# an error of dockerd passes as it is
=== inspect of a missing container
--- request: GET /v1.41/containers/slt-no-such-container/json
--- status: 404
--- message_like: No such container: slt-no-such-container
