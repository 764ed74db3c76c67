#!/usr/bin/perl
# Ownership of networks and volumes, events and prunes, with the real
# docker CLI (both CLIs) as two tenants and an administrator: another's
# network or volume is, to a tenant, one that does not exist (listed,
# inspected, removed, connected, mounted); a name another has is a
# conflict; "-v newvol:/data" makes an owned volume; "docker events"
# shows a tenant its own containers' events, streamed or between --since
# and --until; container, volume and network prunes remove only the
# caller's objects; what every tenant shares (images, the build cache)
# is refused to a tenant; tasks have no owner.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Sockerless::Test;
use Sockerless::Policy;
use Sockerless::Owner;
use Time::HiRes qw(time sleep);

module_only();

my $ng = start_owner_nginx();
my $image = test_image();
my ($rc, $out, $err);

sub list_as {
    my ($id, @args) = @_;
    my (undef, $o) = docker_as($id, @args);
    return { map { $_ => 1 } split /\n/, $o };
}

for_each_cli(sub {
    my ($a, $b) = run_as_each(qw(alice bob));

    # --- networks ----------------------------------------------------------

    my $an = cleanup_network(unique_name('anet'));
    my $bn = cleanup_network(unique_name('bnet'));
    ($rc, $out, $err) = docker_as('alice', 'network', 'create', '--internal',
        $an);
    is($rc, 0, 'alice: docker network create') or diag $err;
    chomp(my $anid = $out);
    is(owner_of(network => $an), 'alice', 'dockerd: the network is alice\'s');
    ($rc, $out, $err) = docker_as('bob', 'network', 'create', '--internal',
        $bn);
    is($rc, 0, 'bob: docker network create') or diag $err;

    my $l = list_as('bob', 'network', 'ls', '--format', '{{.Name}}');
    ok($l->{$bn} && !$l->{$an}, 'bob: docker network ls: his, not hers');
    $l = list_as('alice', 'network', 'ls', '--format', '{{.Name}}');
    ok($l->{$an} && !$l->{$bn}, 'alice: docker network ls: hers, not his');

    for my $args (['network', 'inspect', 'NAME'], ['network', 'rm', 'NAME'],
                  ['network', 'connect', 'NAME', $b],
                  ['network', 'disconnect', 'NAME', $b]) {
        as_missing('bob', $args, $an, "bob: docker @$args[0, 1] <hers>");
    }
    as_missing('bob', ['network', 'inspect', 'NAME'], substr($anid, 0, 12),
        'bob: docker network inspect <ID prefix of hers>');
    as_missing('bob', ['network', 'connect', $bn, 'NAME'], $a,
        'bob: docker network connect <his> <her container>');
    # dockerd checks a container's network at start, the module at
    # create: the 20.10 CLI adds its usage hint to a create's error
    as_missing('bob', ['run', '--rm', '--pull', 'never', '--network', 'NAME',
        $image, 'true'], $an, 'bob: docker run --network <hers>',
        { first_line => 1 });

    ($rc, $out, $err) = docker_as('bob', 'network', 'create', '--internal',
        $an);
    ok($rc != 0 && $err =~ /network with name \Q$an\E already exists/,
        'bob: docker network create <her name>: it exists') or diag $err;
    unlike($err, qr/\Q${\ substr($anid, 0, 12)}\E/, '... without her ID');
    ($rc, $out) = docker_direct('network', 'ls', '-q', '--filter',
        "name=^$an\$");
    is(scalar(() = $out =~ /\n/g), 1, 'dockerd: one network of that name');

    my $ac = cleanup_container(unique_name('alice-net'));
    ($rc, $out, $err) = docker_as('alice', 'run', '-d', '--name', $ac,
        '--network', $an, $image, 'sleep', '300');
    is($rc, 0, 'alice: docker run --network <hers>') or diag $err;
    ($rc, $out) = docker_as('alice', 'network', 'inspect', '--format',
        '{{range .Containers}}{{.Name}}{{end}}', $an);
    is($out, "$ac\n", 'alice: docker network inspect: her container in it');
    ($rc, $out, $err) = docker_as('alice', 'network', 'disconnect', $an, $ac);
    is($rc, 0, 'alice: docker network disconnect') or diag $err;
    ($rc, $out, $err) = docker_as('alice', 'network', 'connect', $an, $ac);
    is($rc, 0, 'alice: docker network connect <hers> <hers>') or diag $err;
    as_missing('bob', ['network', 'disconnect', $bn, 'NAME'], $ac,
        'bob: docker network disconnect <his> <her container>');
    ($rc, $out) = docker_direct('network', 'inspect', '--format',
        '{{range .Containers}}{{.Name}}{{end}}', $an);
    is($out, "$ac\n", 'dockerd: her container is in her network');

    # --- volumes -----------------------------------------------------------

    my $av = cleanup_volume(unique_name('avol'));
    my $new = cleanup_volume(unique_name('newvol'));
    my $mnt = cleanup_volume(unique_name('mntvol'));
    ($rc, $out, $err) = docker_as('alice', 'volume', 'create', $av);
    is($rc, 0, 'alice: docker volume create') or diag $err;
    is(owner_of(volume => $av), 'alice', 'dockerd: the volume is alice\'s');
    ($rc, $out, $err) = docker_as('alice', 'run', '--rm', '-v', "$av:/data",
        '--network', 'none', $image, 'sh', '-c', 'echo hers > /data/f');
    is($rc, 0, 'alice: docker run -v <hers>:/data') or diag $err;

    ok(!list_as('bob', 'volume', 'ls', '-q')->{$av},
        'bob: docker volume ls: not hers');
    ok(list_as('alice', 'volume', 'ls', '-q')->{$av},
        'alice: docker volume ls: hers');
    for my $args (['volume', 'inspect', 'NAME'], ['volume', 'rm', 'NAME']) {
        as_missing('bob', $args, $av, "bob: docker @$args[0, 1] <hers>");
    }
    # dockerd removes a missing volume with force silently; another's is
    # not removed and the tenant is told so
    ($rc, $out, $err) = docker_as('bob', 'volume', 'rm', '-f', $av);
    ok($rc != 0 && $err =~ /No such volume: \Q$av\E|get \Q$av\E: no such volume/,
        'bob: docker volume rm -f <hers>: no such volume') or diag $err;

    # a name another has cannot be made again, by a create or a mount
    ($rc, $out, $err) = docker_as('bob', 'volume', 'create', $av);
    ok($rc != 0 && $err =~ /a volume named \Q$av\E exists already/,
        'bob: docker volume create <her name>: it exists') or diag $err;
    for my $opt (['-v', "$av:/x"], ['--mount', "type=volume,src=$av,dst=/x"]) {
        ($rc, $out, $err) = docker_as('bob', 'run', '--rm', '--network',
            'none', @$opt, $image, 'cat', '/x/f');
        ok($rc != 0 && $err =~ /a volume named \Q$av\E exists already/
            && $err !~ /Unable to find image/,
            "bob: docker run @$opt: it exists, no pull") or diag $err;
    }
    ($rc, $out) = docker_direct('run', '--rm', '-v', "$av:/x", '--network',
        'none', $image, 'cat', '/x/f');
    is($out, "hers\n", 'dockerd: her volume as she left it');

    # a volume a run would make is made, owned
    ($rc, $out, $err) = docker_as('bob', 'run', '--rm', '-v', "$new:/data",
        '--network', 'none', $image, 'sh', '-c', 'echo his > /data/f');
    is($rc, 0, 'bob: docker run -v newvol:/data') or diag $err;
    is(owner_of(volume => $new), 'bob', 'dockerd: newvol is bob\'s');
    ($rc, $out, $err) = docker_as('bob', 'run', '--rm', '--mount',
        "type=volume,src=$mnt,dst=/d,volume-label=x=y", '--network', 'none',
        $image, 'true');
    is($rc, 0, 'bob: docker run --mount type=volume (a new one)') or diag $err;
    ($rc, $out) = docker_direct('volume', 'inspect', '--format',
        '{{index .Labels "io.sockerless.owner"}} {{index .Labels "x"}}', $mnt);
    is($out, "bob y\n", 'dockerd: bob\'s, with the mount\'s labels');
    ok(list_as('bob', 'volume', 'ls', '-q')->{$new},
        'bob: docker volume ls: newvol');
    ($rc, $out, $err) = docker_as('alice', 'run', '--rm', '-v', "$new:/x",
        '--network', 'none', $image, 'true');
    ok($rc != 0 && $err =~ /a volume named \Q$new\E exists already/,
        'alice: docker run -v <his newvol>: it exists') or diag $err;

    # --- what the administrator sees ---------------------------------------

    $l = list_as('admin', 'network', 'ls', '--format', '{{.Name}}');
    ok($l->{$an} && $l->{$bn} && $l->{none}, 'admin: every network');
    $l = list_as('admin', 'volume', 'ls', '-q');
    ok($l->{$av} && $l->{$new}, 'admin: every volume');
    ok(!list_as('bob', 'network', 'ls', '--format', '{{.Name}}')->{none},
        'bob: the builtin networks are nobody\'s: not listed');
    ($rc, $out, $err) = docker_as('bob', 'run', '--rm', '--network', 'none',
        $image, 'true');
    is($rc, 0, '... and still usable (--network none)') or diag $err;
});

# --- events -----------------------------------------------------------------

for_each_cli(sub {
    my ($ea, $eb) = (unique_name('ev-alice'), unique_name('ev-bob'));
    cleanup_container($ea, $eb);
    my $t0 = time;
    docker_as('alice', 'run', '--rm', '--name', $ea, '--network', 'none',
        $image, 'true');
    docker_as('bob', 'run', '--rm', '--name', $eb, '--network', 'none',
        $image, 'true');
    my @span = ('--since', sprintf('%.3f', $t0 - 0.5),
        '--until', sprintf('%.3f', time + 0.5));
    my @fmt = ('--format', '{{.Type}} {{.Action}} {{.Actor.Attributes.name}}');
    ($rc, $out, $err) = docker_as('bob', 'events', @span, @fmt);
    ok($rc == 0 && $out =~ /^container create \Q$eb\E$/m
        && $out =~ /^container destroy \Q$eb\E$/m,
        'bob: docker events --since --until: his container\'s')
        or diag "$out$err";
    unlike($out, qr/\Q$ea\E/, 'bob: docker events: nothing of hers');
    ($rc, $out) = docker_as('alice', 'events', @span, @fmt);
    ok($out =~ /^container start \Q$ea\E$/m && $out !~ /\Q$eb\E/,
        'alice: docker events: hers, nothing of his') or diag $out;
    ($rc, $out) = docker_as('bob', 'events', @span, @fmt, '--filter',
        "container=$ea");
    is($out, '', 'bob: docker events --filter container=<hers>: nothing');
    ($rc, $out) = docker_as('bob', 'events', @span, @fmt, '--filter',
        'type=container');
    ok($out =~ /\Q$eb\E/ && $out !~ /\Q$ea\E/,
        'bob: docker events --filter type=container: his filter and hers '
        . 'together') or diag $out;
    ($rc, $out) = docker_as('admin', 'events', @span, @fmt);
    ok($out =~ /\Q$ea\E/ && $out =~ /\Q$eb\E/, 'admin: docker events: both');

    # a stream: alice's events never come, his come as they happen
    my ($s1, $s2, $s3) = map { unique_name("stream$_") } 1 .. 3;
    cleanup_container($s1, $s2, $s3);
    my $p = docker_spawn({ env => { DOCKER_CONFIG => identity_config('bob') } },
        'events', @fmt, '--filter', 'event=create');
    # until the stream runs: a new container each time
    my $n = 0;
    my $seen = wait_until(sub {
        my $name = cleanup_container($s1 . '-' . $n++);
        docker_as('bob', 'create', '--name', $name, $image);
        $p->read_until(qr/\Q$name\E/, 1);
    }, 20);
    ok($seen, 'bob: docker events (a stream): his create') or diag $p->output;
    docker_as('alice', 'create', '--name', $s2, $image);
    docker_as('bob', 'create', '--name', $s3, $image);
    ok($p->read_until(qr/\Q$s3\E/, 20), 'bob: docker events: his next one');
    unlike($p->output, qr/\Q$s2\E/, 'bob: docker events: not hers between');
    $p->stop;
});

# --- prunes -----------------------------------------------------------------

{
    my %o;
    for my $id (qw(alice bob)) {
        $o{$id} = { map { $_ => unique_name("$id-$_") }
            qw(stopped labelled vol net) };
        cleanup_container(@{ $o{$id} }{qw(stopped labelled)});
        cleanup_volume($o{$id}{vol});
        cleanup_network($o{$id}{net});
        docker_as($id, 'create', '--name', $o{$id}{stopped}, $image);
        docker_as($id, 'create', '--name', $o{$id}{labelled}, '--label',
            'stage=old', $image);
        docker_as($id, 'volume', 'create', $o{$id}{vol});
        docker_as($id, 'network', 'create', '--internal', $o{$id}{net});
    }
    my $exists = sub { (docker_direct($_[0], 'inspect', $_[1]))[0] == 0 };

    ($rc, $out, $err) = docker_as('bob', 'container', 'prune', '-f',
        '--filter', 'label=stage=old');
    is($rc, 0, 'bob: docker container prune --filter label=stage=old')
        or diag $err;
    ok(!$exists->('container', $o{bob}{labelled})
        && $exists->('container', $o{bob}{stopped}),
        'dockerd: his labelled one went, his other stayed (his filter kept)');
    ($rc, $out, $err) = docker_as('bob', 'container', 'prune', '-f');
    ok($rc == 0 && !$exists->('container', $o{bob}{stopped}),
        'bob: docker container prune: his stopped container went')
        or diag $err;
    ($rc, $out, $err) = docker_as('bob', 'volume', 'prune', '-f');
    ok($rc == 0 && !$exists->('volume', $o{bob}{vol}),
        'bob: docker volume prune: his unused volume went') or diag $err;
    ($rc, $out, $err) = docker_as('bob', 'network', 'prune', '-f');
    ok($rc == 0 && !$exists->('network', $o{bob}{net}),
        'bob: docker network prune: his unused network went') or diag $err;
    ok((!grep { !$exists->($_->[0], $o{alice}{$_->[1]}) }
        [ container => 'stopped' ], [ container => 'labelled' ],
        [ volume => 'vol' ], [ network => 'net' ]),
        'dockerd: every one of alice\'s survived bob\'s prunes');

    ($rc, $out, $err) = docker_as('alice', 'system', 'prune', '-f');
    ok($rc != 0 && !$exists->('container', $o{alice}{stopped})
        && !$exists->('network', $o{alice}{net})
        && $err =~ /ImagePrune denied by policy "tenant": owner: ImagePrune changes what every tenant shares/,
        'alice: docker system prune: her containers and networks, then '
        . 'the image prune is refused') or diag $err;
}

# --- what every tenant shares ------------------------------------------------

{
    my $tag = unique_name('tag');
    cleanup_image($tag);
    for my $t (
        [ [ 'rmi', $image ], 'ImageDelete' ],
        [ [ 'image', 'rm', '-f', $image ], 'ImageDelete' ],
        [ [ 'tag', $image, $tag ], 'ImageTag' ],
        [ [ 'image', 'prune', '-f', '-a' ], 'ImagePrune' ],
        [ [ 'builder', 'prune', '-f' ], 'BuildPrune' ],
    ) {
        ($rc, $out, $err) = docker_as('bob', @{ $t->[0] });
        ok($rc != 0 && $err =~ /$t->[1] denied by policy "tenant": owner: $t->[1] changes what every tenant shares \(images, the build cache\)/,
            "bob: docker @{ $t->[0] }[0, 1]: refused") or diag $err;
    }
    ($rc) = docker_direct('image', 'inspect', $image);
    is($rc, 0, 'dockerd: the image is still there');
    ($rc) = docker_direct('image', 'inspect', $tag);
    isnt($rc, 0, 'dockerd: no tag was made');
    ($rc, $out, $err) = docker_as('bob', 'images', '--format',
        '{{.Repository}}:{{.Tag}}', $image);
    is($out, "$image\n", 'bob: docker images: images are shared') or diag $err;
    ($rc, $out, $err) = docker_as('bob', 'pull', 'busybox');
    is($rc, 0, 'bob: docker pull') or diag $err;

    my ($st, $msg) = policy_api('bob-s', GET => '/tasks');
    ok($st == 403 && $msg =~ /owner: tasks have no owner/,
        'a tenant that may use swarm: GET /tasks refused') or diag $msg;
}

no_refused_request_reached($ng);

done_testing();
