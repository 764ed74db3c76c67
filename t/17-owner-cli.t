#!/usr/bin/perl
# Ownership with the real docker CLI (both CLIs): two tenants, alice and
# bob, under a policy with "owner", and an administrator without one, on
# one nginx.  A tenant runs, lists, inspects, reads the logs of, execs
# into and removes its own containers; the other's are, to it, containers
# that do not exist: every command prints and exits as it does for a
# missing container, and dockerd shows the victim unchanged.  Names are
# per daemon: a name another has is a conflict that does not show the
# other's ID; an ID prefix several containers share gets dockerd's own
# refusal.  References to another's container in a create (volumes
# from, container: namespaces, links) are what dockerd says of a missing
# one.  The owner label is the module's: a client's is refused, an
# image's is not inherited, an administrator may give objects away.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Sockerless::Test;
use Sockerless::Policy;
use Sockerless::Owner;
use File::Temp qw(tempdir);
use Time::HiRes qw(time sleep);

module_only();

my $ng = start_owner_nginx();
my $image = test_image();
my $dir = tempdir('sockerless-owner-XXXXXX', TMPDIR => 1, CLEANUP => 1);
{
    open my $fh, '>', "$dir/in.txt" or die "$dir/in.txt: $!";
    print $fh "from bob\n";
    close $fh;
}
my ($rc, $out, $err);

# what dockerd says of the container, to compare before and after
sub state_of {
    my ($name) = @_;
    my (undef, $s) = docker_direct('container', 'inspect', '--format',
        '{{.Id}} {{.Name}} {{.State.Status}} {{.State.StartedAt}} '
        . '{{.HostConfig.CpuShares}} {{.RestartCount}}',
        $name);
    return $s;
}

sub names_as {
    my ($id) = @_;
    my (undef, $o) = docker_as($id, 'ps', '-a', '--format', '{{.Names}}');
    return { map { $_ => 1 } split /\n/, $o };
}

for_each_cli(sub {
    my $a = unique_name('alice');
    my $b = unique_name('bob');
    cleanup_container($a, $b);

    # --- each tenant's own --------------------------------------------------

    ($rc, $out, $err) = docker_as('alice', 'run', '-d', '--name', $a,
        '--network', 'none', $image, 'sh', '-c', 'echo alice-log; sleep 300');
    is($rc, 0, 'alice: docker run -d') or diag $err;
    chomp(my $aid = $out);
    is(owner_of(container => $a), 'alice', 'dockerd: the owner label is alice');

    ($rc, $out, $err) = docker_as('bob', 'run', '-d', '--name', $b,
        '--network', 'none', $image, 'sleep', '300');
    is($rc, 0, 'bob: docker run -d') or diag $err;
    is(owner_of(container => $b), 'bob', 'dockerd: the owner label is bob');

    ($rc, $out) = docker_as('alice', 'ps', '--filter', "name=$a",
        '--format', '{{.Names}} {{.Label "io.sockerless.owner"}}');
    is($out, "$a alice\n", 'alice: docker ps --filter name= shows hers');
    ($rc, $out) = docker_as('alice', 'container', 'inspect', '--format',
        '{{.Id}}', $a);
    is($out, "$aid\n", 'alice: docker container inspect');
    ok(wait_until(sub { (docker_as('alice', 'logs', $a))[1] eq "alice-log\n" },
        10), 'alice: docker logs');
    ($rc, $out, $err) = docker_as('alice', { stdin => "in\n" }, 'exec', '-i',
        $a, 'sh', '-c', 'cat; echo out');
    is($out, "in\nout\n", 'alice: docker exec -i') or diag $err;

    my $alices = names_as('alice');
    my $bobs = names_as('bob');
    ok($alices->{$a} && !$alices->{$b},
        'alice: docker ps -a: hers, not bob\'s');
    ok($bobs->{$b} && !$bobs->{$a}, 'bob: docker ps -a: his, not alice\'s');
    ($rc, $out) = docker_as('bob', 'ps', '-a', '-q', '--no-trunc');
    unlike($out, qr/\Q$aid\E/, 'bob: docker ps -a -q: not her ID');
    ($rc, $out) = docker_as('bob', 'ps', '-a', '-q', '--filter', "id=$aid");
    is($out, '', 'bob: docker ps --filter id=<hers>: nothing');

    # --- alice's container, to bob: no such container -------------------

    my $before = state_of($a);
    # dockerd_events() looks 1 s back
    sleep 1.2;
    my $t1 = time;
    for my $args (
        [ 'container', 'inspect', 'NAME' ],
        [ 'logs', 'NAME' ],
        [ 'exec', 'NAME', 'true' ],
        [ 'exec', '-i', 'NAME', 'cat' ],
        [ 'attach', '--no-stdin', 'NAME' ],
        [ 'cp', 'NAME:/etc/passwd', '-' ],
        [ 'cp', "$dir/in.txt", 'NAME:/tmp/' ],
        [ 'top', 'NAME' ],
        [ 'diff', 'NAME' ],
        [ 'export', 'NAME' ],
        [ 'port', 'NAME' ],
        [ 'stats', '--no-stream', 'NAME' ],
        [ 'stop', '-t', '1', 'NAME' ],
        [ 'kill', 'NAME' ],
        [ 'restart', '-t', '1', 'NAME' ],
        [ 'pause', 'NAME' ],
        [ 'unpause', 'NAME' ],
        [ 'start', 'NAME' ],
        [ 'wait', 'NAME' ],
        [ 'update', '--cpu-shares', '512', 'NAME' ],
        [ 'rename', 'NAME', unique_name('renamed') ],
        [ 'commit', 'NAME' ],
        [ 'rm', '-f', 'NAME' ],
    ) {
        as_missing('bob', $args, $a, "bob: docker @$args[0 .. $#$args - 1]",
            { stdin => "x\n" });
    }
    for my $ref ($aid, substr($aid, 0, 12)) {
        for my $args ([ 'container', 'inspect', 'NAME' ],
                      [ 'exec', 'NAME', 'true' ], [ 'stop', 'NAME' ],
                      [ 'rm', '-f', 'NAME' ]) {
            as_missing('bob', $args, $ref, 'bob: docker ' . join(' ',
                map { $_ eq 'NAME' ? length $ref . '-digit ID' : $_ } @$args));
        }
    }
    # "docker inspect" tries every kind of object; the policy denies the
    # last the CLI asks for (PluginInspect), nothing of hers shows
    ($rc, $out, $err) = docker_as('bob', 'inspect', $a);
    ok($rc != 0 && "$out$err" !~ /\Q$aid\E|alice/,
        'bob: docker inspect: an error, nothing of hers') or diag "$out$err";

    my $ev = dockerd_events($t1, "container=$aid");
    is_deeply($ev, [], 'dockerd: no event of her container meanwhile')
        or diag explain $ev;
    is(state_of($a), $before, 'dockerd: her container is as it was '
        . '(running, same start, name, settings)');
    ($rc, $out) = docker_direct('exec', $a, 'ls', '/tmp');
    is($out, '', 'dockerd: nothing was copied into it');

    # --- names are per daemon: a conflict, without her ID ----------------

    ($rc, $out, $err) = docker_as('bob', 'run', '-d', '--name', $a,
        '--network', 'none', $image, 'true');
    ok($rc != 0 && $err =~ /Conflict\. The container name "\/\Q$a\E" is already in use by another container/,
        'bob: docker run --name <hers>: a name conflict') or diag $err;
    unlike($err, qr/\Q${\ substr($aid, 0, 12)}\E/,
        'bob: docker run --name <hers>: the message has no ID of hers');
    ($rc, $out, $err) = docker_as('bob', 'rename', $b, $a);
    ok($rc != 0 && $err =~ /The container name "\/\Q$a\E" is already in use by another container/,
        'bob: docker rename <his> <hers>: a name conflict') or diag $err;
    unlike($err, qr/\Q${\ substr($aid, 0, 12)}\E/,
        'bob: docker rename <his> <hers>: the message has no ID of hers');
    is(state_of($a), $before, 'dockerd: her container still has its name');
    like(state_of($b), qr{^\S+ /\Q$b\E running }, 'dockerd: his has his name');

    # --- references in a create: as to a missing container ----------------

    my $c = unique_name('ref');
    cleanup_container($c);
    for my $opt ([ '--volumes-from', 'NAME' ], [ '--volumes-from', 'NAME:ro' ],
                 [ '--network', 'container:NAME' ],
                 [ '--pid', 'container:NAME' ], [ '--ipc', 'container:NAME' ],
                 [ '--link', 'NAME:db' ]) {
        # dockerd checks a network's container at start, the module at
        # create: the 20.10 CLI adds its usage hint to a create's error
        as_missing('bob-p', [ 'run', '--rm', '--pull', 'never', @$opt,
            $image, 'true' ], $a, "bob (privileged on): docker run @$opt",
            { first_line => $opt->[0] eq '--network' });
        ($rc, $out, $err) = docker_as('bob-p', 'run', '--rm',
            (map { s/NAME/$a/r } @$opt), $image, 'true');
        ok($rc != 0 && $err !~ /Unable to find image/,
            "bob (privileged on): docker run @$opt: the CLI pulls nothing")
            or diag $err;
    }
    ($rc, $out, $err) = docker_as('bob', 'run', '--rm', '--volumes-from', $a,
        $image, 'true');
    ok($rc != 0 && $err =~ /denied by policy "tenant": privileged: /,
        'bob (privileged off): --volumes-from is privileged') or diag $err;
    ($rc, $out, $err) = docker_as('alice-p', 'create', '--name', $c,
        '--volumes-from', "$a:ro", '--pid', "container:$a",
        '--link', "$a:db", $image, 'true');
    is($rc, 0, 'alice (privileged on): docker create --volumes-from, --pid '
        . 'container:, --link of her own') or diag $err;
    ($rc, $out) = docker_direct('container', 'inspect', '--format',
        '{{.HostConfig.VolumesFrom}} {{.HostConfig.PidMode}}', $c);
    is($out, "[$a:ro] container:$aid\n", 'dockerd: her references');

    # --- the owner label is the module's ------------------------------------

    my $spoof = unique_name('spoof');
    cleanup_container($spoof);
    ($rc, $out, $err) = docker_as('alice', 'run', '--rm', '--name', $spoof,
        '--label', "$OWNER_LABEL=bob", '--network', 'none', $image, 'true');
    ok($rc != 0 && $err =~ /ContainerCreate denied by policy "tenant": owner: the label io\.sockerless\.owner is the gateway's/,
        'alice: docker run --label io.sockerless.owner=bob: denied')
        or diag $err;
    is(owner_of(container => $spoof), undef, 'dockerd: no such container');

    ($rc, $out, $err) = docker_as('nobody', 'ps');
    ok($rc != 0 && $err =~ /ContainerList denied by policy "tenant": owner: the identity has no owner/,
        'an identity without an owner value: docker ps denied') or diag $err;

    # --- the administrator sees everything, and may give -------------------

    my $all = names_as('admin');
    ok($all->{$a} && $all->{$b}, 'admin: docker ps -a shows both');
    my $gift = unique_name('gift');
    cleanup_container($gift);
    ($rc, $out, $err) = docker_as('admin', 'run', '-d', '--name', $gift,
        '--label', "$OWNER_LABEL=bob", '--network', 'none', $image,
        'sleep', '300');
    is($rc, 0, 'admin: docker run --label io.sockerless.owner=bob')
        or diag $err;
    ok(names_as('bob')->{$gift}, 'bob: docker ps shows what admin gave him');
    ($rc, $out, $err) = docker_as('bob', 'stop', '-t', '1', $gift);
    is($rc, 0, 'bob: docker stop of it') or diag $err;
    ok(!names_as('alice')->{$gift}, 'alice: not hers');

    ($rc, $out, $err) = docker_as('alice', 'rm', '-f', $a);
    is($rc, 0, 'alice: docker rm -f of hers') or diag $err;
    is(owner_of(container => $a), undef, 'dockerd: it is gone');
});

# --- an image's owner label is not inherited --------------------------------

{
    my $tag = unique_name('labelled');
    cleanup_image($tag);
    ($rc, $out, $err) = docker_direct({ env => { DOCKER_BUILDKIT => '0' },
        stdin => tar_bytes(Dockerfile => "FROM $image\n"
            . "LABEL $OWNER_LABEL=bob\n") }, 'build', '-q', '-t', $tag, '-');
    is($rc, 0, 'dockerd: an image labelled io.sockerless.owner=bob')
        or diag $err;
    for my $id (qw(alice admin)) {
        my $n = unique_name("from-$id");
        cleanup_container($n);
        ($rc, $out, $err) = docker_as($id, 'create', '--name', $n, $tag);
        is($rc, 0, "$id: docker create from it") or diag $err;
        is(owner_of(container => $n), $id eq 'alice' ? 'alice' : '',
            "$id: the container's owner is "
            . ($id eq 'alice' ? 'alice' : 'nobody') . ', not bob');
        ok(!names_as('bob')->{$n}, "bob: does not see $id\'s container");
    }
}

# --- an ID prefix several containers share -----------------------------------

# dockerd refuses a prefix that several containers share (500 "Multiple
# IDs found with provided prefix"): a tenant gets dockerd's own answer
# to the same request, to the API and to the CLI
{
    my (%first, $shared);
    for my $i (1 .. 17) {
        my $name = cleanup_container(unique_name('owner-prefix'));
        ($rc, $out, $err) = docker_as('alice', 'create', '--name', $name,
            '--network', 'none', $image, 'true');
        last if $rc != 0;
        my $c = substr($out, 0, 1);
        if ($first{$c}++) {
            $shared = $c;
            last;
        }
    }
    ok(defined $shared, 'alice: two containers whose IDs share a first '
        . 'character') or diag $err;
    $shared //= '0';
    my ($dst, undef, $draw) = unix_request('GET',
        "/v1.41/containers/$shared/json");
    my $dmsg = json_message($draw) // $draw;
    my ($st, $msg) = policy_api('alice', GET =>
        "/v1.41/containers/$shared/json");
    ok($dst == 500 && $st == $dst && $msg eq $dmsg,
        "alice: GET /containers/$shared/json: dockerd's $dst \"$dmsg\"")
        or diag "$st $msg";
    my ($drc, undef, $derr) = docker_direct('container', 'inspect', $shared);
    ($rc, $out, $err) = docker_as('alice', 'container', 'inspect', $shared);
    ok($rc == $drc && $rc != 0 && $err eq $derr,
        "alice: docker container inspect $shared: as from dockerd")
        or diag "$rc $err / $drc $derr";
}

# --- the log ------------------------------------------------------------------

my @l = log_lines($ng, qr/^id=bob "GET \S+\/containers\/json/);
ok(@l && !grep({ !/ o=bob ua=/ } @l),
    'access log: $sockerless_owner is bob for bob') or diag explain \@l;
@l = log_lines($ng, qr/^id=bob "POST \S+\/containers\/\S+\/stop .* 404 /);
like($l[0] // '', qr/ d=deny r="owner: container \S+ \(the path\) is not the owner's" o=bob ua=-$/,
    'access log: a stop of hers, refused with its reason, no upstream');
@l = log_lines($ng, qr/^id=admin /);
ok(@l && !grep({ !/ o= ua=/ } @l), 'access log: admin has no owner');
no_refused_request_reached($ng);

done_testing();
