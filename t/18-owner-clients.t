#!/usr/bin/perl
# Ownership with the other clients and across nginx instances: exec IDs
# of one tenant are, to the other, execs that do not exist (inspect,
# start, resize); docker-compose (Debian's, v1) brings projects up and
# down for a tenant, the same project name of another tenant is a name
# conflict that leaves the first untouched, and "down" of a project the
# caller does not own touches nothing; docker-py and dockerode work as
# tenants and get dockerd's 404 for the other's objects; raw requests
# that set the owner label or duplicate another's network name are
# refused.  Ownership lives in dockerd's labels: an nginx started again,
# and a second nginx with the same configuration, give the same answers.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Sockerless::Test;
use Sockerless::Policy;
use Sockerless::Owner;
use File::Temp qw(tempdir);

module_only();

my $ng = start_owner_nginx();
my $image = test_image();
my ($rc, $out, $err, $st, $msg, $raw);

my ($a, $b) = run_as_each(qw(alice bob));
chomp(my $aid = (docker_direct('container', 'inspect', '--format', '{{.Id}}',
    $a))[1]);

# --- exec IDs -----------------------------------------------------------------

($st, $msg, $raw) = policy_api('alice', POST => "/v1.41/containers/$a/exec",
    { Cmd => [ 'sh', '-c', 'echo started > /tmp/exec' ] });
is($st, 201, 'alice: an exec in her container') or diag $msg;
my $exec = eval { decode_json($raw)->{Id} } // 'none';
my $fake = 'f' x 64;
for my $t ([ GET => '/exec/%s/json' ],
           [ POST => '/exec/%s/start', { Detach => JSON::PP::true() } ],
           [ POST => '/exec/%s/resize?h=10&w=10' ]) {
    my ($m, $p, $body) = @$t;
    my @got = policy_api('bob', $m, '/v1.41' . sprintf($p, $exec), $body);
    my @none = policy_api('admin', $m, '/v1.41' . sprintf($p, $fake), $body);
    $none[1] =~ s/$fake/$exec/g;
    ok($got[0] == 404 && $got[0] == $none[0] && $got[1] eq $none[1],
        "bob: $m ${\ ($p =~ s/%s/{id}/r)} of her exec: as for none")
        or diag "got $got[0] $got[1]; none: $none[0] $none[1]";
}
($rc, $out) = docker_direct('exec', $a, 'cat', '/tmp/exec');
isnt($out, "started\n", 'dockerd: her exec did not run');
($st, $msg, $raw) = policy_api('alice', GET => "/v1.41/exec/$exec/json");
ok($st == 200 && (eval { decode_json($raw)->{ContainerID} } // '') eq $aid,
    'alice: GET /exec/<hers>/json: her container') or diag $msg;
($st, $msg) = policy_api('alice', POST => "/v1.41/exec/$exec/start",
    { Detach => JSON::PP::true() });
is($st, 200, 'alice: starts it') or diag $msg;
ok(wait_until(sub {
    (docker_direct('exec', $a, 'cat', '/tmp/exec'))[1] eq "started\n" }, 10),
    'dockerd: her exec ran');

# --- raw requests ---------------------------------------------------------

($st, $msg) = policy_api('bob', POST => '/v1.41/containers/create',
    qq({"Image":"$image","labels":{"$OWNER_LABEL":"alice"}}));
ok($st == 403 && $msg =~ /owner: the label io\.sockerless\.owner is the gateway's/,
    'bob: a create with "labels" (any case) setting the owner: denied')
    or diag $msg;
($st, $msg) = policy_api('bob', POST => "/v1.41/build?labels="
    . url_encode(qq({"$OWNER_LABEL":"alice"})), '');
ok($st == 403 && $msg =~ /owner: /, 'bob: a build with the owner label: denied')
    or diag $msg;
($st, $msg) = policy_api('nobody', GET => '/v1.41/containers/json');
ok($st == 403 && $msg =~ /owner: the identity has no owner/,
    'an identity without an owner value: 403') or diag $msg;

my $an = cleanup_network(unique_name('anet'));
($rc, $out, $err) = docker_as('alice', 'network', 'create', '--internal', $an);
chomp(my $anid = $out);
($st, $msg, $raw) = policy_api('bob', POST => '/v1.41/networks/create',
    { Name => $an, CheckDuplicate => JSON::PP::false(),
      Internal => JSON::PP::true() });
ok($st == 409 && $msg eq "network with name $an already exists",
    'bob: a network create of her name without CheckDuplicate: 409')
    or diag "$st $msg";
unlike($raw, qr/\Q${\ substr($anid, 0, 12)}\E/,
    '... without her network\'s ID');
($rc, $out) = docker_direct('network', 'ls', '-q', '--filter', "name=^$an\$");
is(scalar(() = $out =~ /\n/g), 1, 'dockerd: one network of her name');
($rc, $out, $err) = docker_as('alice', 'network', 'inspect', '--format',
    '{{.Id}}', $an);
is($out, "$anid\n", 'alice: her network by name, still') or diag $err;

# --- docker-compose ----------------------------------------------------------

SKIP: {
    my ($compose) = grep { -x } map { "$_/docker-compose" }
        split /:/, $ENV{PATH} // '';
    skip('docker-compose is missing (apt-get install docker-compose)', 17)
        unless $compose;
    my $dir = tempdir('sockerless-compose-XXXXXX', TMPDIR => 1,
        CLEANUP => 1);
    open my $fh, '>', "$dir/docker-compose.yml" or die;
    print $fh <<"EOF";
version: "2.4"
services:
  web:
    image: $image
    command: ["sleep", "300"]
    volumes: ["data:/data"]
  worker:
    image: $image
    command: ["sleep", "300"]
volumes:
  data: {}
EOF
    close $fh;
    my ($pa, $pb) = map { unique_name($_) =~ s/-//gr } qw(pa pb);
    for my $p ($pa, $pb) {
        cleanup_container("${p}_web_1", "${p}_worker_1");
        cleanup_network("${p}_default");
        cleanup_volume("${p}_data");
    }
    my $compose_as = sub {
        my ($id, @args) = @_;
        return run_cmd({ timeout => 120, env => {
            DOCKER_HOST => $ng->docker_host,
            DOCKER_CONFIG => identity_config($id),
            DOCKER_TLS_VERIFY => undef, DOCKER_CERT_PATH => undef,
            DOCKER_CONTEXT => undef, COMPOSE_INTERACTIVE_NO_CLI => 1 } },
            $compose, '--project-directory', $dir, '-f',
            "$dir/docker-compose.yml", @args);
    };
    my $running = sub {
        my ($id, $p) = @_;
        my (undef, $o) = docker_as($id, 'ps', '--filter',
            "label=com.docker.compose.project=$p", '--format', '{{.Names}}');
        return join ' ', sort split /\n/, $o;
    };

    ($rc, $out, $err) = $compose_as->('alice', '-p', $pa, 'up', '-d');
    is($rc, 0, 'alice: docker-compose up -d') or diag "$out$err";
    is($running->('alice', $pa), "${pa}_web_1 ${pa}_worker_1",
        'alice: both services run');
    ($rc, $out, $err) = $compose_as->('alice', '-p', $pa, 'ps');
    ok($rc == 0 && $out =~ /^${pa}_web_1 .* Up/m
        && $out =~ /^${pa}_worker_1 .* Up/m,
        'alice: docker-compose ps') or diag "$out$err";
    is(owner_of(volume => "${pa}_data"), 'alice',
        'dockerd: her project\'s volume');
    is(owner_of(network => "${pa}_default"), 'alice',
        'dockerd: her project\'s network');

    ($rc, $out, $err) = $compose_as->('bob', '-p', $pa, 'up', '-d');
    ok($rc != 0 && $err =~ /network with name ${pa}_default already exists/,
        'bob: docker-compose up of her project\'s name: a name conflict')
        or diag "$out$err";
    ($rc, $out, $err) = $compose_as->('bob', '-p', $pa, 'ps');
    ok($rc == 0 && $out !~ /${pa}_/, 'bob: docker-compose ps: none of hers')
        or diag "$out$err";
    ($rc, $out, $err) = $compose_as->('bob', '-p', $pa, 'down', '-v');
    is($rc, 0, 'bob: docker-compose down -v of her project\'s name')
        or diag "$out$err";
    is($running->('admin', $pa), "${pa}_web_1 ${pa}_worker_1",
        'dockerd: her services still run');
    ok(defined owner_of(volume => "${pa}_data")
        && defined owner_of(network => "${pa}_default"),
        'dockerd: her volume and network are still there');

    ($rc, $out, $err) = $compose_as->('bob', '-p', $pb, 'up', '-d');
    is($rc, 0, 'bob: docker-compose up -d of his own project')
        or diag "$out$err";
    is($running->('bob', $pb), "${pb}_web_1 ${pb}_worker_1",
        'bob: his services run');
    is($running->('bob', $pa), '', 'bob: hers do not show');

    ($rc, $out, $err) = $compose_as->('alice', '-p', $pa, 'down', '-v');
    is($rc, 0, 'alice: docker-compose down -v') or diag "$out$err";
    ok(!defined owner_of(container => "${pa}_web_1")
        && !defined owner_of(volume => "${pa}_data")
        && !defined owner_of(network => "${pa}_default"),
        'dockerd: her project is gone');
    is($running->('admin', $pb), "${pb}_web_1 ${pb}_worker_1",
        'dockerd: his still runs');
    ($rc, $out, $err) = $compose_as->('bob', '-p', $pb, 'down', '-v');
    ok($rc == 0 && !defined owner_of(container => "${pb}_web_1"),
        'bob: docker-compose down -v') or diag "$out$err";
}

# --- docker-py ---------------------------------------------------------------

SKIP: {
    my $python = $ENV{SOCKERLESS_PYTHON} || '/usr/bin/python3';
    ($rc) = run_cmd({ timeout => 30 }, $python, '-c', 'import docker');
    skip("docker-py is missing ($python -c 'import docker')", 8) if $rc;
    my $name = cleanup_container(unique_name('py'));
    my $vol = cleanup_volume(unique_name('pyvol'));
    ($rc, $out, $err) = run_cmd({ timeout => 120, env => {
            DOCKER_HOST => $ng->docker_host,
            DOCKER_CONFIG => identity_config('bob'),
            DOCKER_TLS_VERIFY => undef, DOCKER_CERT_PATH => undef } },
        $python, '-c', <<'EOF', $image, $name, $vol, $a, $exec);
import json, sys
import docker

image, name, vol, other, other_exec = sys.argv[1:6]
c = docker.from_env()
out = {}
out['run'] = c.containers.run(image, ['echo', 'py'], network_mode='none',
                              remove=True).decode()
ct = c.containers.run(image, ['sleep', '300'], network_mode='none',
                      detach=True, name=name)
out['owner'] = ct.labels.get('io.sockerless.owner')
out['exec'] = ct.exec_run(['echo', 'py-exec']).output.decode()
out['names'] = sorted(x.name for x in c.containers.list(all=True))
out['vol'] = c.volumes.create(vol).attrs['Labels'].get('io.sockerless.owner')
out['vols'] = sorted(v.name for v in c.volumes.list())
def refused(f):
    try:
        f()
        return 'allowed'
    except docker.errors.NotFound as e:
        return e.explanation
out['get'] = refused(lambda: c.containers.get(other))
out['exec_in'] = refused(lambda: c.api.exec_create(other, ['true']))
out['other_exec'] = refused(lambda: c.api.exec_inspect(other_exec))
print(json.dumps(out))
EOF
    my $r = eval { decode_json((split /\n/, $out)[-1] // '') } || {};
    is($rc, 0, 'docker-py as bob: the script ends') or diag "$out$err";
    is($r->{run}, "py\n", 'docker-py: containers.run(remove=True)');
    is($r->{owner}, 'bob', 'docker-py: containers.run(detach=True): his');
    is($r->{exec}, "py-exec\n", 'docker-py: exec_run');
    ok(grep({ $_ eq $name } @{ $r->{names} || [] })
        && !grep({ $_ eq $a } @{ $r->{names} || [] }),
        'docker-py: containers.list: his, not hers');
    ok($r->{vol} eq 'bob' && grep({ $_ eq $vol } @{ $r->{vols} || [] }),
        'docker-py: volumes.create, volumes.list');
    is($r->{get}, "No such container: $a", 'docker-py: containers.get(<hers>)');
    ok($r->{exec_in} eq "No such container: $a"
        && $r->{other_exec} eq "No such exec instance: $exec",
        'docker-py: exec_create in hers, exec_inspect of hers: not found');
}

# --- dockerode ---------------------------------------------------------------

SKIP: {
    my $js = "$FindBin::Bin/js";
    my ($node) = grep { -x } map { "$_/node" } split /:/, $ENV{PATH} // '';
    skip('node or dockerode is missing (tools/install-node-deps)', 6)
        unless $node && -d "$js/node_modules/dockerode";
    my $name = cleanup_container(unique_name('node'));
    ($rc, $out, $err) = run_cmd({ timeout => 60 }, $node, "$js/owner.js",
        $ng->port, 'bob', $image, $name, $a, $exec);
    my $r = eval { decode_json((split /\n/, $out)[-1] // '') } || {};
    is($rc, 0, 'dockerode as bob: the script ends') or diag "$out$err";
    is($r->{owner}, 'bob', 'dockerode: createContainer: his');
    is($r->{exec}, "from-dockerode\n", 'dockerode: an exec, hijacked');
    ok(grep({ $_ eq $name } @{ $r->{names} || [] })
        && !grep({ $_ eq $a } @{ $r->{names} || [] }),
        'dockerode: listContainers: his, not hers');
    is_deeply($r->{inspect}, { status => 404,
        message => "No such container: $a" },
        'dockerode: getContainer(<hers>).inspect(): 404');
    ok($r->{execIn}{status} == 404 && $r->{otherExec}{status} == 404,
        'dockerode: an exec in hers, her exec: 404');
}

# --- nginx started again, and a second one: the same answers -----------------

my $port = $ng->port;
$ng->stop;
my $again = start_owner_nginx(ports => { '' => $port });
is($again->port, $port, 'nginx started again on the same port');
as_missing('bob', [ 'container', 'inspect', 'NAME' ], $a,
    'after the restart, bob: docker container inspect <hers>');
as_missing('bob', [ 'exec', 'NAME', 'true' ], $a,
    'after the restart, bob: docker exec <hers>');
($rc, $out, $err) = docker_as('alice', 'exec', $a, 'cat', '/tmp/exec');
is($out, "started\n", 'after the restart, alice: docker exec in hers')
    or diag $err;
my $l = do {
    my (undef, $o) = docker_as('bob', 'ps', '-a', '--format', '{{.Names}}');
    +{ map { $_ => 1 } split /\n/, $o };
};
ok($l->{$b} && !$l->{$a}, 'after the restart, bob: docker ps: his only');

my $second = start_owner_nginx(current => 0);
my %via = (env => { DOCKER_HOST => $second->docker_host });
($rc, $out, $err) = docker_as('bob', \%via, 'container', 'inspect', $a);
ok($rc != 0 && $err =~ /No such container: \Q$a\E/,
    'a second nginx, bob: docker container inspect <hers>: no such container')
    or diag $err;
($rc, $out, $err) = docker_as('alice', \%via, 'logs', $a);
is($rc, 0, 'a second nginx, alice: docker logs of hers') or diag $err;
($rc, $out, $err) = docker_as('bob', \%via, 'stop', '-t', '1', $b);
is($rc, 0, 'a second nginx, bob: docker stop of his') or diag $err;
($rc, $out) = docker_direct('container', 'inspect', '--format',
    '{{.State.Running}}', $a);
is($out, "true\n", 'dockerd: hers still runs');

no_refused_request_reached($_) for $ng, $again, $second;

done_testing();
