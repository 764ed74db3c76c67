#!/usr/bin/perl
# Access policy, "bind" and "image".  bind: a host path may be bound when
# it is one of the listed directories or under one, compared component by
# component after cleaning (builds/x yes, buildsX and builds/../etc no);
# an entry with :ro only read-only (Binds ":ro", Mounts ReadOnly: true);
# no bind line, no host path.  image: the reference dockerd would use,
# normalized (busybox is docker.io/library/busybox:latest), against the
# patterns, for create, pull (ImageCreate) and services; an image ID or a
# bare hex prefix cannot be matched and is refused.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Sockerless::Test;
use Sockerless::Policy;

module_only();

my $d = policy_dirs();
my ($b, $c) = @$d{qw(builds cache)};
# ci: a bind list and an image list; open and full: neither
my $ng = start_nginx(log_format => $POLICY_LOG,
    location => 'sockerless_enforce $docker_policy;',
    vars => { BUILDS => $b, CACHE => $c }, http => <<'EOF');
    map $http_x_identity $docker_policy {
        ci          ci;
        open        open;
        admin       full;
        swarmer     swarmer;
    }

    sockerless_policy ci {
        allow      @all;
        bind       %%BUILDS%% %%CACHE%%:ro;
        image      docker.io/library/* %%REGISTRY%%/*;
    }

    # privileged off, no bind and no image line: any image, no host path
    sockerless_policy open { allow @all; }

    # privileged on, but no bind line: no host path either
    sockerless_policy full { allow @all; privileged on; }

    sockerless_policy swarmer {
        allow @swarm @read;
        image docker.io/library/*;
    }
EOF
my $image = test_image();
my $registry = registry();
my $create = '/containers/create';

mkdir "$b/x";
cleanup_volume('slt-named-volume', 'slt-named-volume2');
cleanup_image("$registry/sockerless/test:1");

my $full_id = (docker_direct('image', 'inspect', '--format', '{{.Id}}',
    $image))[1];
chomp $full_id;
(my $hex = $full_id) =~ s/^sha256://;

run_policy_blocks(vars => { image => $image, registry => $registry,
    registry_auth => registry_auth(), %$d, full_id => $full_id,
    hex => $hex, hex12 => substr($hex, 0, 12), hex4 => substr($hex, 0, 4) });

# the bind is really there, and read-only where it must be
{
    my $name = unique_name('bindrun');
    cleanup_container($name);
    my ($rc, $out, $err) = docker_as('ci', 'run', '--name', $name,
        '--network', 'none', '-v', "$b:/b", '-v', "$c:/c:ro", $image, 'sh',
        '-c', 'echo hi > /b/from-ci && (echo x > /c/f 2>/dev/null '
            . '&& echo rw || echo ro)');
    is($rc, 0, 'run with both binds') or diag $err;
    is($out, "ro\n", 'the :ro bind is read-only in the container');
    ok(-e "$b/from-ci", 'the builds bind wrote to the host directory');
}

# the bare hex prefix really is an image ID to dockerd
{
    my ($st, $msg, $raw) = unix_request(POST => $create,
        headers => [ 'Content-Type' => 'application/json' ],
        body => encode_json({ Image => substr($hex, 0, 12) }));
    is($st, 201, 'dockerd takes a hex prefix for the image ID') or diag $raw;
    my $cid = eval { decode_json($raw)->{Id} };
    cleanup_container($cid) if $cid;
}

# pulls the policy lets through
{
    my ($st, $msg, $raw) = allowed('ci',
        POST => '/images/create?fromImage=busybox&tag=latest', '',
        'pull busybox:latest (from the mirror)', status => 200);
    like($raw, qr/Status: (Downloaded newer image|Image is up to date)/,
        'pull busybox: pulled') or diag $raw;
    allowed('ci', POST => '/images/create?fromImage='
        . "$registry/sockerless/test&tag=1", '',
        "pull $registry/sockerless/test:1", status => 200);
}

# --- the CLI ----------------------------------------------------------------

{
    my ($rc, $out, $err) = docker_as('ci', 'run', '--rm', 'evil/thing');
    isnt($rc, 0, 'docker run evil/thing: fails');
    like($err, qr/denied by policy "ci": image: docker\.io\/evil\/thing/,
        'docker run evil/thing: the policy says why');
    ($rc, $out, $err) = docker_as('ci', 'pull', 'evil/thing');
    isnt($rc, 0, 'docker pull evil/thing: fails');
    like($err, qr/ImageCreate denied by policy "ci"/,
        'docker pull evil/thing: the policy says why');
}

no_denied_request_reached($ng);

done_testing();

__DATA__

# --- bind

=== Binds $builds
--- identity: ci
--- request: POST /containers/create
--- body: {"HostConfig":{"Binds":["$builds:/b"]},"Image":"$image"}
--- reaches_dockerd: 201

=== Binds $builds/x:rw
--- identity: ci
--- request: POST /containers/create
--- body: {"HostConfig":{"Binds":["$builds/x:/b:rw"]},"Image":"$image"}
--- reaches_dockerd: 201

=== Binds $builds//x/./ (cleans to $builds/x)
--- identity: ci
--- request: POST /containers/create
--- body: {"HostConfig":{"Binds":["$builds//x/./:/b"]},"Image":"$image"}
--- reaches_dockerd: 201

=== Binds $builds/x/.. (cleans to $builds)
--- identity: ci
--- request: POST /containers/create
--- body: {"HostConfig":{"Binds":["$builds/x/..:/b"]},"Image":"$image"}
--- reaches_dockerd: 201

=== Binds $cache:ro
--- identity: ci
--- request: POST /containers/create
--- body: {"HostConfig":{"Binds":["$cache:/c:ro"]},"Image":"$image"}
--- reaches_dockerd: 201

=== Binds $cache/sub:ro,rprivate
--- identity: ci
--- request: POST /containers/create
--- body: {"HostConfig":{"Binds":["$cache/sub:/c:ro,rprivate"]},"Image":"$image"}
--- reaches_dockerd: 201

=== Binds $cache:rprivate,ro
--- identity: ci
--- request: POST /containers/create
--- body: {"HostConfig":{"Binds":["$cache:/c:rprivate,ro"]},"Image":"$image"}
--- reaches_dockerd: 201

=== Binds with a volume name
--- identity: ci
--- request: POST /containers/create
--- body: {"HostConfig":{"Binds":["slt-named-volume:/v"]},"Image":"$image"}
--- reaches_dockerd: 201

=== Mounts bind $builds
--- identity: ci
--- request: POST /containers/create
--- body: {"HostConfig":{"Mounts":[{"ReadOnly":false,"Source":"$builds","Target":"/m1","Type":"bind"}]},"Image":"$image"}
--- reaches_dockerd: 201

=== Mounts bind $cache ReadOnly
--- identity: ci
--- request: POST /containers/create
--- body: {"HostConfig":{"Mounts":[{"ReadOnly":true,"Source":"$cache","Target":"/m1","Type":"bind"}]},"Image":"$image"}
--- reaches_dockerd: 201

# not in the list, or not read-only where the list says :ro
=== Binds $buildsX (a longer name)
--- identity: ci
--- request: POST /containers/create
--- body: {"HostConfig":{"Binds":["$buildsX:/b"]},"Image":"$image"}
--- denied: host path $buildsX is not allowed

=== Binds $builds/../other
--- identity: ci
--- request: POST /containers/create
--- body: {"HostConfig":{"Binds":["$builds/../other:/b"]},"Image":"$image"}
--- denied: host path $other is not allowed

=== Binds $builds/../../../etc
--- identity: ci
--- request: POST /containers/create
--- body: {"HostConfig":{"Binds":["$builds/../../../../../../etc:/b"]},"Image":"$image"}
--- denied: host path /etc is not allowed

=== Binds $builds/..
--- identity: ci
--- request: POST /containers/create
--- body: {"HostConfig":{"Binds":["$builds/..:/b"]},"Image":"$image"}
--- denied: host path $top is not allowed

=== Binds /
--- identity: ci
--- request: POST /containers/create
--- body: {"HostConfig":{"Binds":["/:/host"]},"Image":"$image"}
--- denied: host path / is not allowed

=== Binds /etc:ro
--- identity: ci
--- request: POST /containers/create
--- body: {"HostConfig":{"Binds":["/etc:/etc:ro"]},"Image":"$image"}
--- denied: host path /etc is not allowed

=== Binds $cache (rw)
--- identity: ci
--- request: POST /containers/create
--- body: {"HostConfig":{"Binds":["$cache:/c"]},"Image":"$image"}
--- denied: read-only

=== Binds $cache:rw
--- identity: ci
--- request: POST /containers/create
--- body: {"HostConfig":{"Binds":["$cache:/c:rw"]},"Image":"$image"}
--- denied: read-only

=== Binds $cache:z
--- identity: ci
--- request: POST /containers/create
--- body: {"HostConfig":{"Binds":["$cache:/c:z"]},"Image":"$image"}
--- denied: read-only

=== Binds $cache/sub (rw)
--- identity: ci
--- request: POST /containers/create
--- body: {"HostConfig":{"Binds":["$cache/sub:/c"]},"Image":"$image"}
--- denied: read-only

=== Binds: an allowed one, then /
--- identity: ci
--- request: POST /containers/create
--- body: {"HostConfig":{"Binds":["$builds:/b","/:/host"]},"Image":"$image"}
--- denied: host path / is not allowed

=== Mounts bind other
--- identity: ci
--- request: POST /containers/create
--- body: {"HostConfig":{"Mounts":[{"ReadOnly":false,"Source":"$other","Target":"/m1","Type":"bind"}]},"Image":"$image"}
--- denied: host path

=== Mounts bind cache ReadOnly false
--- identity: ci
--- request: POST /containers/create
--- body: {"HostConfig":{"Mounts":[{"ReadOnly":false,"Source":"$cache","Target":"/m1","Type":"bind"}]},"Image":"$image"}
--- denied: read-only

=== Mounts: an allowed one, then /
--- identity: ci
--- request: POST /containers/create
--- body: {"HostConfig":{"Mounts":[{"ReadOnly":false,"Source":"$builds","Target":"/m1","Type":"bind"},{"ReadOnly":true,"Source":"/","Target":"/m2","Type":"bind"}]},"Image":"$image"}
--- denied: host path / is not allowed

=== Mounts bind builds/../other
--- identity: ci
--- request: POST /containers/create
--- body: {"HostConfig":{"Mounts":[{"ReadOnly":false,"Source":"$builds/../other","Target":"/m1","Type":"bind"}]},"Image":"$image"}
--- denied: host path

=== Mounts bind with a relative Source
--- identity: ci
--- request: POST /containers/create
--- body: {"HostConfig":{"Mounts":[{"Source":"rel/path","Target":"/r","Type":"bind"}]},"Image":"$image"}
--- denied: not an absolute path

=== Mounts ReadOnly "true" (a string)
--- identity: ci
--- request: POST /containers/create
--- body: {"HostConfig":{"Mounts":[{"ReadOnly":"true","Source":"$cache","Target":"/c","Type":"bind"}]},"Image":"$image"}
--- denied: read-only

# no bind line: no host path at all, privileged or not
=== no bind list: builds denied
--- identity: open
--- request: POST /containers/create
--- body: {"HostConfig":{"Binds":["$builds:/b"]},"Image":"$image"}
--- denied: host path

=== privileged on, no bind list: / denied
--- identity: admin
--- request: POST /containers/create
--- body: {"HostConfig":{"Binds":["/:/host"]},"Image":"$image"}
--- denied: host path

=== no bind list: a named volume is fine
--- identity: open
--- request: POST /containers/create
--- body: {"HostConfig":{"Binds":["slt-named-volume2:/v"]},"Image":"$image"}
--- reaches_dockerd: 201

# --- image: container create

=== Image $image
--- identity: ci
--- request: POST /containers/create
--- body: {"Image":"$image"}
--- reaches_dockerd: 201

=== Image busybox (docker.io/library/busybox:latest)
--- identity: ci
--- request: POST /containers/create
--- body: {"Image":"busybox"}
--- reaches_dockerd: 201

=== Image busybox:latest
--- identity: ci
--- request: POST /containers/create
--- body: {"Image":"busybox:latest"}
--- reaches_dockerd: 201

=== Image docker.io/library/busybox
--- identity: ci
--- request: POST /containers/create
--- body: {"Image":"docker.io/library/busybox"}
--- reaches_dockerd: 201

=== Image docker.io/busybox
--- identity: ci
--- request: POST /containers/create
--- body: {"Image":"docker.io/busybox"}
--- reaches_dockerd: 201

=== Image index.docker.io/library/busybox
--- identity: ci
--- request: POST /containers/create
--- body: {"Image":"index.docker.io/library/busybox"}
--- reaches_dockerd: 201

=== Image $registry/sockerless/test:1
--- identity: ci
--- request: POST /containers/create
--- body: {"Image":"$registry/sockerless/test:1"}
--- reaches_dockerd

=== Image busybox@sha256:... (a digest of an allowed name)
--- identity: ci
--- request: POST /containers/create
--- body: {"Image":"busybox@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}
--- reaches_dockerd

# not an allowed name, or no name at all (an image ID, a bare hex prefix)
=== Image "evil/thing"
--- identity: ci
--- request: POST /containers/create
--- body: {"Image":"evil/thing"}
--- denied: docker\.io/evil/thing:latest is not an allowed

=== Image "evil/thing:1"
--- identity: ci
--- request: POST /containers/create
--- body: {"Image":"evil/thing:1"}
--- denied: docker\.io/evil/thing:1 is not

=== Image "docker.io/evil/thing"
--- identity: ci
--- request: POST /containers/create
--- body: {"Image":"docker.io/evil/thing"}
--- denied: docker\.io/evil/thing:latest is not

=== Image "quay.io/library/busybox"
--- identity: ci
--- request: POST /containers/create
--- body: {"Image":"quay.io/library/busybox"}
--- denied: quay\.io/library/busybox:latest

=== Image "$registry_auth/sockerless/test:1"
--- identity: ci
--- request: POST /containers/create
--- body: {"Image":"$registry_auth/sockerless/test:1"}
--- denied: is not an allowed image

=== Image "localhost/busybox"
--- identity: ci
--- request: POST /containers/create
--- body: {"Image":"localhost/busybox"}
--- denied: localhost/busybox:latest is not

=== Image "$full_id"
--- identity: ci
--- request: POST /containers/create
--- body: {"Image":"$full_id"}
--- denied: not an image name

=== Image "$hex"
--- identity: ci
--- request: POST /containers/create
--- body: {"Image":"$hex"}
--- denied: not an image name

=== Image "$hex12"
--- identity: ci
--- request: POST /containers/create
--- body: {"Image":"$hex12"}
--- denied: not an image name

=== Image "$hex4"
--- identity: ci
--- request: POST /containers/create
--- body: {"Image":"$hex4"}
--- denied: not an image name

=== Image "sha256:$hex12"
--- identity: ci
--- request: POST /containers/create
--- body: {"Image":"sha256:$hex12"}
--- denied: not an image name

=== Image ""
--- identity: ci
--- request: POST /containers/create
--- body: {"Image":""}
--- denied: not an image name

=== no Image at all
--- identity: ci
--- request: POST /containers/create
--- body: {"Cmd":["true"]}
--- denied: names no image

=== Image null
--- identity: ci
--- request: POST /containers/create
--- body: {"Image":null}
--- denied: names no image

# without an image line, any image
=== no image list: an ID prefix is fine
--- identity: open
--- request: POST /containers/create
--- body: {"Image":"$hex12"}
--- reaches_dockerd: 201

# --- image: pull and import (ImageCreate)

=== pull ?fromImage=evil/thing&tag=latest
--- identity: ci
--- request: POST /images/create?fromImage=evil/thing&tag=latest
--- body:
--- denied: docker\.io/evil/thing:latest

=== pull ?fromImage=evil%2Fthing
--- identity: ci
--- request: POST /images/create?fromImage=evil%2Fthing
--- body:
--- denied: docker\.io/evil/thing:latest

=== pull ?fromImage=busybox:latest&tag=
--- identity: ci
--- request: POST /images/create?fromImage=busybox:latest&tag=
--- body:
--- reaches_dockerd

=== pull ?fromImage=$registry_auth/sockerless/test&tag=1
--- identity: ci
--- request: POST /images/create?fromImage=$registry_auth/sockerless/test&tag=1
--- body:
--- denied: is not an allowed image

=== pull ?fromImage=$hex12
--- identity: ci
--- request: POST /images/create?fromImage=$hex12
--- body:
--- denied: not an image name

=== pull ?tag=latest
--- identity: ci
--- request: POST /images/create?tag=latest
--- body:
--- denied: names no image

=== pull ?fromSrc=-&repo=evil/thing&tag=1
--- identity: ci
--- request: POST /images/create?fromSrc=-&repo=evil/thing&tag=1
--- body:
--- denied: docker\.io/evil/thing:1

=== pull ?fromSrc=-
--- identity: ci
--- request: POST /images/create?fromSrc=-
--- body:
--- denied: names no image

# parameter names as dockerd reads them: Go decodes "%49" in a name and
# takes the first "fromImage" (case-sensitive)
=== pull ?from%49mage=evil/thing&fromImage=busybox
--- identity: ci
--- request: POST /images/create?from%49mage=evil/thing&fromImage=busybox&tag=latest
--- body:
--- denied: evil

=== pull ?FROMIMAGE=busybox&fromImage=evil/thing
--- identity: ci
--- request: POST /images/create?FROMIMAGE=busybox&fromImage=evil/thing&tag=latest
--- body:
--- denied: evil

# --- image: services

=== service create: evil/thing
--- identity: swarmer
--- request: POST /services/create
--- body: {"Name":"slt-svc","TaskTemplate":{"ContainerSpec":{"Image":"evil/thing"}}}
--- denied: docker\.io/evil/thing:latest

=== service create: an ID prefix
--- identity: swarmer
--- request: POST /services/create
--- body: {"Name":"slt-svc","TaskTemplate":{"ContainerSpec":{"Image":"$hex12"}}}
--- denied: not an image name

=== service create: no image
--- identity: swarmer
--- request: POST /services/create
--- body: {"Name":"x","TaskTemplate":{"ContainerSpec":{}}}
--- denied: names no image

=== service update: evil/thing
--- identity: swarmer
--- request: POST /services/x/update?version=1
--- body: {"Name":"slt-svc","TaskTemplate":{"ContainerSpec":{"Image":"evil/thing"}}}
--- denied: evil

=== service create: busybox (no swarm: 503)
--- identity: swarmer
--- request: POST /services/create
--- body: {"Name":"slt-svc","TaskTemplate":{"ContainerSpec":{"Image":"busybox"}}}
--- reaches_dockerd: 503

