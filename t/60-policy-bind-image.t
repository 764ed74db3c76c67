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

my $ng = policy_nginx();
my $d = policy_dirs();
my $image = test_image();
my $registry = registry();
my $create = '/containers/create';

sub create_ok {
    my ($id, $body, $name) = @_;
    my ($st, $msg, $raw) = allowed($id, POST => $create, $body, $name,
        status => 201);
    my $cid = eval { decode_json($raw)->{Id} };
    cleanup_container($cid) if $cid;
    return $cid;
}

sub binds { encode_json({ Image => $image, HostConfig => { Binds => [@_] } }) }
sub mounts {
    encode_json({ Image => $image, HostConfig => { Mounts => [
        map { { Type => 'bind', Target => "/m$_->[2]", Source => $_->[0],
                ReadOnly => $_->[1] ? JSON::PP::true() : JSON::PP::false() }
        } @_ ] } });
}

my ($b, $c) = @$d{qw(builds cache)};
mkdir "$b/x";

# --- bind ------------------------------------------------------------------

create_ok('ci', binds("$b:/b"), "Binds $b");
create_ok('ci', binds("$b/x:/b:rw"), "Binds $b/x:rw");
create_ok('ci', binds("$b//x/./:/b"), "Binds $b//x/./ (cleans to $b/x)");
create_ok('ci', binds("$b/x/..:/b"), "Binds $b/x/.. (cleans to $b)");
create_ok('ci', binds("$c:/c:ro"), "Binds $c:ro");
create_ok('ci', binds("$c/sub:/c:ro,rprivate"), "Binds $c/sub:ro,rprivate");
create_ok('ci', binds("$c:/c:rprivate,ro"), "Binds $c:rprivate,ro");
create_ok('ci', binds('slt-named-volume:/v'), 'Binds with a volume name');
cleanup_volume('slt-named-volume');
create_ok('ci', mounts([$b, 0, 1]), "Mounts bind $b");
create_ok('ci', mounts([$c, 1, 1]), "Mounts bind $c ReadOnly");

for my $t (
    [ binds("$d->{buildsX}:/b"), qr/host path \Q$d->{buildsX}\E /,
      "Binds $d->{buildsX} (a longer name)" ],
    [ binds("$b/../other:/b"), qr/host path \Q$d->{other}\E /,
      "Binds $b/../other" ],
    [ binds("$b/../../../../../../etc:/b"), qr/host path \/etc /,
      "Binds $b/../../../etc" ],
    [ binds("$b/..:/b"), qr/host path \Q$d->{top}\E /, "Binds $b/.." ],
    [ binds('/:/host'), qr/host path \/ /, 'Binds /' ],
    [ binds('/etc:/etc:ro'), qr/host path \/etc /, 'Binds /etc:ro' ],
    [ binds("$c:/c"), qr/read-only/, "Binds $c (rw)" ],
    [ binds("$c:/c:rw"), qr/read-only/, "Binds $c:rw" ],
    [ binds("$c:/c:z"), qr/read-only/, "Binds $c:z" ],
    [ binds("$c/sub:/c"), qr/read-only/, "Binds $c/sub (rw)" ],
    [ binds("$b:/b", '/:/host'), qr/host path \/ /,
      'Binds: an allowed one, then /' ],
    [ mounts([$d->{other}, 0, 1]), qr/host path/, 'Mounts bind other' ],
    [ mounts([$c, 0, 1]), qr/read-only/, 'Mounts bind cache ReadOnly false' ],
    [ mounts([$b, 0, 1], ['/', 1, 2]), qr/host path \/ /,
      'Mounts: an allowed one, then /' ],
    [ mounts(["$b/../other", 0, 1]), qr/host path/,
      'Mounts bind builds/../other' ],
    [ encode_json({ Image => $image, HostConfig => { Mounts => [{
        Type => 'bind', Source => 'rel/path', Target => '/r' }] } }),
      qr/not an absolute path/, 'Mounts bind with a relative Source' ],
    [ encode_json({ Image => $image, HostConfig => { Mounts => [{
        Type => 'bind', Source => $c, Target => '/c',
        ReadOnly => 'true' }] } }),
      qr/read-only/, 'Mounts ReadOnly "true" (a string)' ],
) {
    denied('ci', POST => $create, $t->[0], $t->[1], $t->[2]);
}

# no bind line: no host path at all, privileged or not
denied('open', POST => $create, binds("$b:/b"), qr/host path/,
    'no bind list: builds denied');
denied('admin', POST => $create, binds('/:/host'), qr/host path/,
    'privileged on, no bind list: / denied');
create_ok('open', binds('slt-named-volume2:/v'),
    'no bind list: a named volume is fine');
cleanup_volume('slt-named-volume2');

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

# --- image: container create ----------------------------------------------

create_ok('ci', encode_json({ Image => $image }), "Image $image");
create_ok('ci', encode_json({ Image => 'busybox' }),
    'Image busybox (docker.io/library/busybox:latest)');
create_ok('ci', encode_json({ Image => 'busybox:latest' }),
    'Image busybox:latest');
create_ok('ci', encode_json({ Image => 'docker.io/library/busybox' }),
    'Image docker.io/library/busybox');
create_ok('ci', encode_json({ Image => 'docker.io/busybox' }),
    'Image docker.io/busybox');
create_ok('ci', encode_json({ Image => 'index.docker.io/library/busybox' }),
    'Image index.docker.io/library/busybox');
{
    my ($st, $msg, $raw) = allowed('ci', POST => $create,
        encode_json({ Image => "$registry/sockerless/test:1" }),
        "Image $registry/sockerless/test:1");
    my $cid = eval { decode_json($raw)->{Id} };
    cleanup_container($cid) if $cid;
}
allowed('ci', POST => $create, encode_json({ Image => 'busybox@sha256:'
    . ('a' x 64) }), 'Image busybox@sha256:... (a digest of an allowed name)');

my $full_id = (docker_direct('image', 'inspect', '--format', '{{.Id}}',
    $image))[1];
chomp $full_id;
(my $hex = $full_id) =~ s/^sha256://;

for my $t (
    [ 'evil/thing', qr/docker\.io\/evil\/thing:latest is not an allowed/ ],
    [ 'evil/thing:1', qr/docker\.io\/evil\/thing:1 is not/ ],
    [ 'docker.io/evil/thing', qr/docker\.io\/evil\/thing:latest is not/ ],
    [ 'quay.io/library/busybox', qr/quay\.io\/library\/busybox:latest/ ],
    [ registry_auth() . '/sockerless/test:1', qr/is not an allowed image/ ],
    [ 'localhost/busybox', qr/localhost\/busybox:latest is not/ ],
    [ $full_id, qr/not an image name/ ],
    [ $hex, qr/not an image name/ ],
    [ substr($hex, 0, 12), qr/not an image name/ ],
    [ substr($hex, 0, 4), qr/not an image name/ ],
    [ 'sha256:' . substr($hex, 0, 12), qr/not an image name/ ],
    [ '', qr/not an image name/ ],
) {
    denied('ci', POST => $create, encode_json({ Image => $t->[0] }), $t->[1],
        "Image \"$t->[0]\"");
}
denied('ci', POST => $create, '{"Cmd":["true"]}', qr/names no image/,
    'no Image at all');
denied('ci', POST => $create, '{"Image":null}', qr/names no image/,
    'Image null');

# the bare hex prefix really is an image ID to dockerd
{
    my ($st, $msg, $raw) = unix_request(POST => $create,
        headers => [ 'Content-Type' => 'application/json' ],
        body => encode_json({ Image => substr($hex, 0, 12) }));
    is($st, 201, 'dockerd takes a hex prefix for the image ID') or diag $raw;
    my $cid = eval { decode_json($raw)->{Id} };
    cleanup_container($cid) if $cid;
}

# without an image line, any image
create_ok('open', encode_json({ Image => substr($hex, 0, 12) }),
    'no image list: an ID prefix is fine');

# --- image: pull and import (ImageCreate) ----------------------------------

for my $t (
    [ 'fromImage=evil/thing&tag=latest', qr/docker\.io\/evil\/thing:latest/ ],
    [ 'fromImage=evil%2Fthing', qr/docker\.io\/evil\/thing:latest/ ],
    [ 'fromImage=busybox:latest&tag=', qr/./, 1 ],
    [ 'fromImage=' . registry_auth() . '/sockerless/test&tag=1',
      qr/is not an allowed image/ ],
    [ 'fromImage=' . substr($hex, 0, 12), qr/not an image name/ ],
    [ 'tag=latest', qr/names no image/ ],
    [ 'fromSrc=-&repo=evil/thing&tag=1', qr/docker\.io\/evil\/thing:1/ ],
    [ 'fromSrc=-', qr/names no image/ ],
) {
    my ($q, $re, $ok) = @$t;
    if ($ok) {
        allowed('ci', POST => "/images/create?$q", '', "pull ?$q");
        next;
    }
    denied('ci', POST => "/images/create?$q", '', $re, "pull ?$q");
}

# parameter names as dockerd reads them: Go decodes "%49" in a name and
# takes the first "fromImage" (case-sensitive)
denied('ci', POST => '/images/create?from%49mage=evil/thing&fromImage=busybox'
    . '&tag=latest', '', qr/evil/,
    'pull ?from%49mage=evil/thing&fromImage=busybox');
denied('ci', POST => '/images/create?FROMIMAGE=busybox&fromImage=evil/thing'
    . '&tag=latest', '', qr/evil/,
    'pull ?FROMIMAGE=busybox&fromImage=evil/thing');

{
    my ($st, $msg, $raw) = allowed('ci',
        POST => '/images/create?fromImage=busybox&tag=latest', '',
        'pull busybox:latest (from the mirror)', status => 200);
    like($raw, qr/Status: (Downloaded newer image|Image is up to date)/,
        'pull busybox: pulled') or diag $raw;
    ($st, $msg, $raw) = allowed('ci', POST => '/images/create?fromImage='
        . "$registry/sockerless/test&tag=1", '',
        "pull $registry/sockerless/test:1", status => 200);
    cleanup_image("$registry/sockerless/test:1");
}

# --- image: services --------------------------------------------------------

my $svc = sub { encode_json({ Name => 'slt-svc', TaskTemplate => {
    ContainerSpec => { Image => $_[0] } } }) };
denied('swarmer', POST => '/services/create', $svc->('evil/thing'),
    qr/docker\.io\/evil\/thing:latest/, 'service create: evil/thing');
denied('swarmer', POST => '/services/create', $svc->(substr($hex, 0, 12)),
    qr/not an image name/, 'service create: an ID prefix');
denied('swarmer', POST => '/services/create',
    encode_json({ Name => 'x', TaskTemplate => { ContainerSpec => {} } }),
    qr/names no image/, 'service create: no image');
denied('swarmer', POST => '/services/x/update?version=1',
    $svc->('evil/thing'), qr/evil/, 'service update: evil/thing');
allowed('swarmer', POST => '/services/create', $svc->('busybox'),
    'service create: busybox (no swarm: 503)', status => 503);

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

my @leaks = grep { / 40[03] .* d=deny .* ua=(?!-$)/ }
    split /\n/, $ng->access_log;
ok(!@leaks, 'no denied request went to dockerd') or diag join "\n", @leaks;

done_testing();
