#!/usr/bin/perl
# Read-side protection: "visible label=K[=V] ...;".  A Traefik-like
# reader (visible label=traefik.enable=true) sees only the labelled
# containers with the CLI's ps, inspect, logs, events, system df and
# network and volume commands: a hidden one does not exist for it
# ("No such container"), and never shows up in another answer.  The
# client's own filters still narrow (ANDed).  A runner (visible
# label=ci) makes containers and volumes that carry its label, sees them
# and nothing else.  With an owner too, both must hold.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Time::HiRes qw(time sleep);
use Sockerless::Test;
use Sockerless::Policy;

module_only();

my $ng = start_nginx(
    http => <<'EOF',
    map $http_x_identity $docker_policy {
        default    traefik;
        ci         ci;
        red        red;
        admin      full;
    }

    sockerless_policy traefik {
        allow    @read @content;
        visible  label=traefik.enable=true;
    }
    sockerless_policy ci {
        allow      @all;
        deny       @swarm @plugins;
        privileged off;
        visible    label=ci;
    }
    sockerless_policy red {
        allow      @all;
        deny       @swarm @plugins;
        privileged off;
        owner      $http_x_identity;
        visible    label=team=red;
    }
    sockerless_policy full { allow @all; privileged on; }
EOF
    location => 'sockerless_enforce $docker_policy;',
);

my $image = test_image();
my ($rc, $out, $err);
my $t0 = time;

my $shown = cleanup_container(unique_name('shown'));
my $hidden = cleanup_container(unique_name('hidden'));
my $off = cleanup_container(unique_name('off'));
my $net = cleanup_network(unique_name('net'));
my $hnet = cleanup_network(unique_name('hnet'));
my $vol = cleanup_volume(unique_name('vol'));
my $hvol = cleanup_volume(unique_name('hvol'));

docker_direct('network', 'create', '--label', 'traefik.enable=true', $net);
my $onnet = cleanup_container(unique_name('onnet'));
docker_direct('run', '-d', '--name', $onnet, '--network', $net, $image,
    'sleep', '300');
docker_direct('network', 'create', $hnet);
docker_direct('volume', 'create', '--label', 'traefik.enable=true', $vol);
docker_direct('volume', 'create', $hvol);
for ([$shown, 'traefik.enable=true'], [$hidden, 'other=1'],
     [$off, 'traefik.enable=false'])
{
    my ($name, $label) = @$_;
    ($rc, $out, $err) = docker_direct('run', '-d', '--name', $name,
        '--network', 'none', '-l', $label, $image, 'sh', '-c',
        "echo log-of-$name; sleep 300");
    is($rc, 0, "made $name ($label)") or diag $err;
}
sleep 0.5;
docker_direct('stop', '-t', '0', $hidden);
docker_direct('start', $hidden);
my $t1 = time;

for_each_cli(sub {
    ($rc, $out, $err) = docker_as('traefik', 'ps', '-a', '--format',
        '{{.Names}}');
    is($rc, 0, 'traefik: docker ps -a') or diag $err;
    is_deeply([grep { /^slt-78/ } split /\n/, $out], [$shown],
        'traefik: ps shows the labelled container only');

    ($rc, $out) = docker_as('traefik', 'ps', '-a', '--format', '{{.Names}}',
        '--filter', 'label=nosuch');
    is($out, '', "traefik: the client's own filter still narrows");

    ($rc, $out, $err) = docker_as('traefik', 'inspect', '--format',
        '{{.Name}}', $shown);
    is($out, "/$shown\n", 'traefik: inspect the labelled one');
    for my $c ($hidden, $off) {
        ($rc, $out, $err) = docker_as('traefik', 'inspect', $c);
        isnt($rc, 0, "traefik: inspect $c fails");
        like($err, qr/No such (container|object): \Q$c\E/,
            "traefik: $c does not exist, as dockerd says it");
        ($rc, $out, $err) = docker_as('traefik', 'logs', $c);
        like($err, qr/No such container: \Q$c\E/, "traefik: logs of $c");
    }
    ($rc, $out) = docker_as('traefik', 'logs', $shown);
    is($out, "log-of-$shown\n", 'traefik: logs of the labelled one');

    ($rc, $out, $err) = docker_as('traefik', 'events', '--since',
        sprintf('%.3f', $t0 - 1), '--until', sprintf('%.3f', $t1 + 0.5),
        '--filter', 'type=container', '--format',
        '{{.Action}} {{.Actor.Attributes.name}}');
    is($rc, 0, 'traefik: docker events') or diag $err;
    my @names = map { (split ' ')[1] } split /\n/, $out;
    ok((grep { $_ eq $shown } @names), 'traefik: events of the labelled one');
    ok(!(grep { $_ eq $hidden || $_ eq $off } @names),
        'traefik: no event of a hidden container (stop, start)');

    ($rc, $out) = docker_as('traefik', 'network', 'ls', '--format',
        '{{.Name}}');
    is_deeply([grep { /^slt-78/ } split /\n/, $out], [$net],
        'traefik: network ls: the labelled network');
    ($rc, $out) = docker_as('traefik', 'network', 'inspect', '--format',
        '{{len .Containers}}', $net);
    is($out, "0\n", 'traefik: a network\'s containers are not listed '
        . '(their entries carry no labels)');
    ($rc, $out, $err) = docker_as('traefik', 'network', 'inspect', $hnet);
    like($err, qr/No such network|not found/i,
        'traefik: network inspect of a hidden one: not found');
    ($rc, $out) = docker_as('traefik', 'volume', 'ls', '--format',
        '{{.Name}}');
    is_deeply([grep { /^slt-78/ } split /\n/, $out], [$vol],
        'traefik: volume ls: the labelled volume');
    ($rc, $out, $err) = docker_as('traefik', 'volume', 'inspect', $hvol);
    like($err, qr/no such volume/i, 'traefik: volume inspect: not found');

    ($rc, $out) = docker_as('traefik', 'system', 'df', '-v', '--format',
        '{{range .Containers}}{{.Names}} {{end}}|'
        . '{{range .Volumes}}{{.Name}} {{end}}');
    my ($cs, $vs) = split /\|/, $out // '';
    is_deeply([grep { /^slt-78/ } split ' ', $cs // ''], [$shown],
        'traefik: system df -v: the labelled container only');
    is_deeply([grep { /^slt-78/ } split ' ', $vs // ''], [$vol],
        'traefik: system df -v: the labelled volume only');
});

# dockerd's answers as they are: the API without the CLI
my ($st, $msg) = policy_api('traefik', GET => "/containers/$hidden/top");
is($st, 404, 'traefik: top of a hidden container: 404');
is($msg, "No such container: $hidden", 'traefik: dockerd\'s words');
($st, $msg) = policy_api('traefik', GET => "/containers/$hidden/json");
is($st, 404, 'traefik: inspect by name: 404');
my $hid_id = decode_json((unix_request('GET', "/containers/$hidden/json"))[2])
    ->{Id};
($st, $msg) = policy_api('traefik', GET => '/containers/'
    . substr($hid_id, 0, 12) . '/json');
is($st, 404, 'traefik: inspect by ID prefix: 404');
($st, $msg) = policy_api('traefik', GET => "/containers/$hid_id/json");
is($st, 404, 'traefik: inspect by full ID (cached or not): 404');
($st, $msg) = policy_api('traefik', GET => "/containers/$hid_id/json");
is($st, 404, 'traefik: and again, from what the worker keeps: 404');
($st) = policy_api('traefik', POST => "/containers/$hidden/stop");
is($st, 403, 'traefik: stop is not @read: 403 whatever the object');

# --- a runner that makes what it sees ----------------------------------

my $job = cleanup_container(unique_name('job'));
my $jvol = unique_name('jvol');
cleanup_volume($jvol);
for_each_cli(sub {
    ($rc, $out, $err) = docker_as('ci', 'run', '--rm', '--network', 'none',
        $image, 'echo', 'ran');
    is($out, "ran\n", 'ci: docker run --rm works (create, start, wait)')
        or diag $err;
});
($rc, $out, $err) = docker_as('ci', 'run', '-d', '--name', $job,
    '--network', 'none', '-v', "$jvol:/data", $image, 'sleep', '300');
is($rc, 0, 'ci: docker run -d -v newvol:/data') or diag $err;
($rc, $out) = docker_direct('inspect', '--format',
    '{{index .Config.Labels "ci"}}|{{len .Config.Labels}}', $job);
like($out, qr/^\|\d+$/, 'ci: the container carries the label "ci"');
($rc, $out) = docker_direct('volume', 'inspect', '--format',
    '{{json .Labels}}', $jvol);
like($out, qr/"ci":""/, 'ci: the volume made for it carries "ci" too');
($rc, $out) = docker_as('ci', 'ps', '--format', '{{.Names}}');
is_deeply([grep { /^slt-78/ } split /\n/, $out], [$job],
    'ci: ps shows what ci made, nothing else');
($rc, $out, $err) = docker_as('ci', 'exec', $job, 'echo', 'in');
is($out, "in\n", 'ci: exec into its container');
($rc, $out, $err) = docker_as('ci', 'exec', $shown, 'echo', 'in');
like($err, qr/No such container: \Q$shown\E/,
    'ci: exec into a container without "ci": no such container');
($rc, $out, $err) = docker_as('ci', 'run', '--rm', '--network', 'none',
    '--volumes-from', $shown, $image, 'true');
isnt($rc, 0, 'ci: --volumes-from a container it does not see fails');
($st, $msg) = policy_api('ci', POST => '/containers/create',
    { Image => $image, Labels => { ci => 'x' },
      HostConfig => { NetworkMode => 'none' } });
is($st, 201, 'ci: a create that gives "ci" a value of its own is fine');
($st, $msg) = policy_api('ci', POST => "/networks/$hnet/connect",
    { Container => $job });
is($st, 404, 'ci: connect to a network it does not see: 404');

# --- owner and visible together -------------------------------------------

my $redbox = cleanup_container(unique_name('redbox'));
($st, $msg) = policy_api('red', POST => "/containers/create?name=$redbox",
    { Image => $image, Cmd => ['true'],
      HostConfig => { NetworkMode => 'none' } });
is($st, 201, 'red: create') or diag $msg;
($rc, $out) = docker_direct('inspect', '--format',
    '{{index .Config.Labels "io.sockerless.owner"}} '
    . '{{index .Config.Labels "team"}}', $redbox);
is($out, "red red\n", 'red: the owner label and team=red, both written');
($st, $msg) = policy_api('red', POST => '/containers/create',
    { Image => $image, Labels => { team => 'blue' },
      HostConfig => { NetworkMode => 'none' } });
is($st, 403, 'red: a create with team=blue: refused');
like($msg, qr/visible: the label team must be "red"/, 'red: why');
my $blue = cleanup_container(unique_name('blue'));
docker_direct('create', '--name', $blue, '-l', 'io.sockerless.owner=red',
    '--network', 'none', $image, 'true');
($st, $msg) = policy_api('red', GET => "/containers/$blue/json");
is($st, 404, "red: red's container without team=red does not exist");
($st, undef, $out) = policy_api('red', GET => '/containers/json?all=1');
is_deeply([map { $_->{Names}[0] } @{ decode_json($out) }], ["/$redbox"],
    'red: the list: owned and labelled');

done_testing();
