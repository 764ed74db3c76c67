#!/usr/bin/perl
# Ownership in swarm mode, for tenants that may use services: what a
# service's tasks use must be the tenant's.  Another's secret or config
# (by full ID, through the raw API; the docker CLI finds none by name),
# network (either member, by name or ID) and named volume are, to the
# service create and update, what dockerd says of ones that do not
# exist, and no service is made; the tenant's own work.  It changes the
# daemon's state (swarm init): it runs after t/92 and leaves the swarm
# even when it fails.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Sockerless::Test;
use Sockerless::Policy;
use Sockerless::Owner;

module_only();

my $ng = start_owner_nginx();
my $image = test_image();

my ($rc, $out, $err) = swarm_init_direct();
is($rc, 0, 'swarm init') or diag $err;

# --- the tenants' objects -----------------------------------------------------

my %o;
for my $id (qw(alice-s bob-s)) {
    my $who = $id =~ s/-s$//r;
    my $sec = unique_name("$who-sec");
    ($rc, $out, $err) = docker_as($id, { stdin => "secret of $who" },
        'secret', 'create', $sec, '-');
    is($rc, 0, "$who: docker secret create") or diag $err;
    chomp(my $sid = $out // '');
    my $cfg = unique_name("$who-cfg");
    ($rc, $out, $err) = docker_as($id, { stdin => "config of $who" },
        'config', 'create', $cfg, '-');
    is($rc, 0, "$who: docker config create") or diag $err;
    chomp(my $cid = $out // '');
    my $net = unique_name("$who-ov");
    ($rc, $out, $err) = docker_as($id, 'network', 'create', '--driver',
        'overlay', $net);
    is($rc, 0, "$who: docker network create --driver overlay") or diag $err;
    chomp(my $nid = $out // '');
    my $vol = unique_name("$who-vol");
    cleanup_volume($vol);
    ($rc, $out, $err) = docker_as($id, 'volume', 'create', $vol);
    is($rc, 0, "$who: docker volume create") or diag $err;
    $o{$who} = { sec => $sec, sid => $sid, cfg => $cfg, cid => $cid,
        net => $net, nid => $nid, vol => $vol };
}
is(owner_of(network => $o{alice}{net}), 'alice',
    'dockerd: the overlay network is alice\'s');

my $fake = 'nosuchobject0000000000000';
my $n = 0;
sub service_body {
    my (%cs) = @_;
    my $net = delete $cs{Networks};
    my $old = delete $cs{OldNetworks};
    return {
        Name => unique_name('svc') . '-' . $n++,
        TaskTemplate => { ContainerSpec => { Image => $image,
            Command => [ 'sleep', '300' ], %cs },
            $net ? (Networks => $net) : () },
        $old ? (Networks => $old) : (),
    };
}
sub services_of_dockerd {
    my (undef, $o) = docker_direct('service', 'ls', '--format', '{{.Name}}');
    return scalar(() = ($o // '') =~ /\n/g);
}

# one assertion: bob's create naming alice's object gets what the admin's
# naming none gets, and dockerd makes no service
sub as_none {
    my ($name, $real, $mine, $none) = @_;
    my $before = services_of_dockerd();
    my ($st, $msg) = policy_api('bob-s', POST => '/v1.41/services/create',
        service_body(%$mine));
    my ($nst, $nmsg) = policy_api('admin', POST => '/v1.41/services/create',
        service_body(%$none));
    my $made = services_of_dockerd() - $before;
    $nmsg =~ s/\Q$fake\E/$real/g;
    # the admin's create of none may be made (dockerd checks a network
    # when the task starts)
    ok($st == $nst && $msg eq $nmsg && $st >= 400
        && $made == ($nst < 400 ? 1 : 0),
        "bob: a service with $name of hers: as for none")
        or diag "got $st $msg; none: $nst $nmsg; services made: $made";
}

my $file = sub { { Name => $_[0], UID => '0', GID => '0', Mode => 292 } };

as_none('a secret', 'db',
    { Secrets => [ { SecretID => $o{alice}{sid}, SecretName => 'db',
        File => $file->('db') } ] },
    { Secrets => [ { SecretID => $fake, SecretName => 'db',
        File => $file->('db') } ] });
as_none('a config', 'c',
    { Configs => [ { ConfigID => $o{alice}{cid}, ConfigName => 'c',
        File => $file->('c') } ] },
    { Configs => [ { ConfigID => $fake, ConfigName => 'c',
        File => $file->('c') } ] });
as_none('a network (TaskTemplate.Networks, by ID)', $o{alice}{nid},
    { Networks => [ { Target => $o{alice}{nid} } ] },
    { Networks => [ { Target => $fake } ] });
as_none('a network (TaskTemplate.Networks, by name)', $o{alice}{net},
    { Networks => [ { Target => $o{alice}{net} } ] },
    { Networks => [ { Target => $fake } ] });
as_none('a network (the deprecated Networks, by ID prefix)',
    substr($o{alice}{nid}, 0, 12),
    { OldNetworks => [ { Target => substr($o{alice}{nid}, 0, 12) } ] },
    { OldNetworks => [ { Target => $fake } ] });

{
    my $before = services_of_dockerd();
    my ($st, $msg) = policy_api('bob-s', POST => '/v1.41/services/create',
        service_body(Mounts => [ { Type => 'volume',
            Source => $o{alice}{vol}, Target => '/data' } ]));
    is("$st $msg", "409 a volume named $o{alice}{vol} exists already",
        'bob: a service mounting her volume: the name is taken');
    is(services_of_dockerd(), $before, 'dockerd: no service made');
}

# the CLI resolves secret and config names itself, through the list
($rc, $out, $err) = docker_as('bob-s', { timeout => 60 }, 'service',
    'create', '--detach', '--secret', $o{alice}{sec}, $image, 'true');
ok($rc != 0 && $err =~ /secret not found: \Q$o{alice}{sec}\E/,
    'bob: docker service create --secret <hers>: secret not found')
    or diag $err;
($rc, $out, $err) = docker_as('bob-s', { timeout => 60 }, 'service',
    'create', '--detach', '--config', $o{alice}{cfg}, $image, 'true');
ok($rc != 0 && $err =~ /config not found: \Q$o{alice}{cfg}\E/,
    'bob: docker service create --config <hers>: config not found')
    or diag $err;

# --- the tenant's own ---------------------------------------------------------

my $svc = unique_name('bob-svc');
cleanup_later(service => $svc);
($rc, $out, $err) = docker_as('bob-s', { timeout => 60 }, 'service',
    'create', '--detach', '--name', $svc, '--secret', $o{bob}{sec},
    '--config', $o{bob}{cfg}, '--network', $o{bob}{net},
    '--mount', "type=volume,src=$o{bob}{vol},dst=/data", $image,
    'sleep', '300');
is($rc, 0, 'bob: docker service create with his secret, config, network '
    . 'and volume') or diag $err;
is(owner_of(service => $svc), 'bob', 'dockerd: the service is bob\'s');

($rc, $out, $err) = docker_as('bob-s', { timeout => 60 }, 'service',
    'update', '--detach', '--env-add', 'STAGE=2', $svc);
is($rc, 0, 'bob: docker service update of his (its spec keeps his label)')
    or diag $err;
is(owner_of(service => $svc), 'bob', 'dockerd: still bob\'s');
as_missing('alice-s', [ 'service', 'update', '--detach', '--env-add',
    'STAGE=3', 'NAME' ], $svc, 'alice: docker service update <his>');

# an update that adds another's secret
($rc, $out, $err) = docker_direct('service', 'inspect', '--format',
    '{{.Version.Index}}', $svc);
chomp(my $version = $out // '');
my (undef, $j) = api(GET => "/v1.41/services/$svc", undef,
    identity => 'bob-s');
my $s = $j->{Spec} || {};
$s->{TaskTemplate}{ContainerSpec}{Secrets} = [ { SecretID => $o{alice}{sid},
    SecretName => 'db', File => $file->('db') } ];
my ($st, $msg) = policy_api('bob-s', POST =>
    "/v1.41/services/$svc/update?version=$version", $s);
is("$st $msg", '400 rpc error: code = InvalidArgument desc = secret not '
    . 'found: db', 'bob: a service update adding her secret: not found');
($rc, $out) = docker_direct('service', 'inspect', '--format',
    '{{len .Spec.TaskTemplate.ContainerSpec.Secrets}}', $svc);
is($out, "1\n", 'dockerd: his service still has his secret only');

no_refused_request_reached($ng);

done_testing();
