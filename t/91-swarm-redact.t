#!/usr/bin/perl
# Read-side protection in swarm mode: a service's environment and the
# options of its mounts' volumes, a config's data and the swarm's join
# tokens reach no client of a redacting policy (service and task
# inspect and list, config inspect and list, swarm inspect, the CLI's
# docker service inspect and config inspect), every other byte as
# dockerd wrote it.  It changes the daemon's state (swarm init): it runs
# after t/90 and leaves the swarm even when it fails.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use MIME::Base64 qw(encode_base64);
use Sockerless::Test;
use Sockerless::Policy;

module_only();

my $ng = start_nginx(
    http => <<'EOF',
    map $http_x_identity $docker_policy {
        default    watch;
        admin      full;
    }
    sockerless_policy watch {
        allow   @read ServiceList ServiceInspect TaskList TaskInspect
                ConfigList ConfigInspect SwarmInspect;
        redact  env secrets;
    }
    sockerless_policy full { allow @all; privileged on; }
EOF
    location => 'sockerless_enforce $docker_policy;',
);

my ($rc, $out, $err) = swarm_init_direct();
is($rc, 0, 'swarm init') or diag $err;

my %canary = map { $_ => "canary-$_-" . unique_name('s') } qw(env mount config);
my $image = test_image();

my $svc = unique_name('svc');
cleanup_later(service => $svc);
($rc, $out, $err) = docker_direct({ timeout => 60 }, 'service', 'create',
    '--detach', '--name', $svc, '--replicas', '1',
    '--env', "API_TOKEN=$canary{env}", '--label', 'app=web',
    '--mount', 'type=volume,src=' . unique_name('sv') . ',dst=/data,'
    . 'volume-driver=local,volume-opt=type=tmpfs,volume-opt=device=tmpfs,'
    . "volume-opt=o=size=1m,volume-opt=canary=$canary{mount}",
    $image, 'sleep', '300');
is($rc, 0, 'a service with a secret in its environment') or diag $err;

my $cfg = unique_name('cfg');
($rc, $out, $err) = docker_direct({ stdin => "token=$canary{config}\n" },
    'config', 'create', $cfg, '-');
is($rc, 0, 'a config with a secret in its data') or diag $err;
cleanup_later(config => $cfg) if defined &Sockerless::Test::cleanup_config;

# a task of the service exists
ok(wait_until(sub {
    my ($s, undef, $b) = unix_request('GET',
        '/tasks?filters=' . url_encode(encode_json({ service => [$svc] })));
    $s == 200 && @{ decode_json($b) };
}, 30, 0.5), 'the service has a task');

my $b64 = encode_base64("token=$canary{config}\n", '');

# each answer: no canary, every other byte dockerd's
sub check {
    my ($path, $name, @secret) = @_;
    my ($ds, undef, $direct) = unix_request('GET', $path);
    my ($st, undef, $got) = policy_api('watch', GET => $path);
    is($st, 200, "watch: $name");
    ok($direct =~ /\Q$secret[0]\E/, "dockerd direct: $name has the secret");
    unlike($got, qr/\Q$_\E/, "watch: $name: no secret") for @secret;
    return ($direct, $got);
}

my ($direct, $got) = check("/services/$svc", 'service inspect',
    $canary{env}, $canary{mount});
my $want = $direct;
$want =~ s/"API_TOKEN=\Q$canary{env}\E"/"API_TOKEN="/g;
$want =~ s/"(size=1m|tmpfs|\Q$canary{mount}\E)"(?=[,}])/""/g;
# the keys of the volume options stay, their values are blank
is($got, $want, 'watch: service inspect: every other byte is dockerd\'s');
is(decode_json($got)->{Spec}{Labels}{app}, 'web',
    'watch: service labels unchanged');

check('/services', 'service list', $canary{env}, $canary{mount});
check('/tasks', 'task list', $canary{env}, $canary{mount});
my $task = decode_json((unix_request('GET',
    '/tasks?filters=' . url_encode(encode_json({ service => [$svc] }))))[2])
    ->[0]{ID};
check("/tasks/$task", 'task inspect', $canary{env}, $canary{mount});
($direct, $got) = check("/configs/$cfg", 'config inspect', $b64);
is(decode_json($got)->{Spec}{Data}, '', 'watch: config data blank');
is(decode_json($got)->{Spec}{Name}, $cfg, 'watch: config name kept');
check('/configs', 'config list', $b64);

my ($ds, undef, $swarm) = unix_request('GET', '/swarm');
my $tokens = decode_json($swarm)->{JoinTokens};
($direct, $got) = check('/swarm', 'swarm inspect', $tokens->{Worker},
    $tokens->{Manager});
is_deeply(decode_json($got)->{JoinTokens}, { Worker => '', Manager => '' },
    'watch: the join tokens are blank');

for_each_cli(sub {
    ($rc, $out, $err) = docker_as('watch', 'service', 'inspect', $svc);
    is($rc, 0, 'docker service inspect as watch') or diag $err;
    unlike($out, qr/canary-/, 'docker service inspect: no secret');
    like($out, qr/"API_TOKEN="/, 'docker service inspect: the name');
    ($rc, $out, $err) = docker_as('watch', 'config', 'inspect', $cfg);
    is($rc, 0, 'docker config inspect as watch') or diag $err;
    unlike($out, qr/\Q$b64\E/, 'docker config inspect: no data');
});

my $logs = join '', map { $ng->read($_) } qw(error.log access.log);
unlike($logs, qr/canary-/, 'no canary in the error or access log');

docker_direct('service', 'rm', $svc);
docker_direct('config', 'rm', $cfg);

done_testing();
