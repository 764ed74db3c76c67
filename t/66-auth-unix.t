#!/usr/bin/perl
# A unix-socket listener (listen unix:...;) as docs/deployment.md
# describes it: nginx makes the socket file mode 0666 whatever the umask,
# so who may connect is decided by the directory holding it (here 0750,
# group 4242).  The docker CLI as nobody: refused without the group,
# served with it.  And the hijacked streams over that socket (exec,
# exec -i, run -i --rm, attach): Debian's docker CLI 20.10 sends them an
# empty Host header (RFC 9112 allows it when the target has no
# authority).  Everything with each docker CLI installed.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Sockerless::Test;
use Sockerless::TLS;

module_only();

my $ng = start_sample(mkdir => ['api'], plain_server =>
    '        listen unix:@RUN_DIR@/api/docker.sock;');
my $dir = $ng->dir . '/api';
my $sock = "$dir/docker.sock";
ok(-S $sock, 'nginx listens on the unix socket');
my $mode = (stat $sock)[2] & 07777;
is(sprintf('%04o', $mode), '0666',
    'nginx makes the socket 0666: access is the directory\'s business');

chown 0, 4242, $dir;
chmod 0750, $dir;

my $host = "unix://$sock";
my $image = test_image();
my ($rc, $out, $err);

my $cfg = docker_config_dir({});
chmod 0755, $cfg;
chmod 0644, "$cfg/config.json";
my $setpriv = -x '/usr/bin/setpriv' ? '/usr/bin/setpriv' : undef;

# the hijacked streams over the unix socket
sub unix_flows {
    my $c = unique_name('exec');
    cleanup_container($c);
    ($rc, $out, $err) = docker_via($host, 'run', '-d', '--name', $c,
        '--network', 'none', $image, 'sleep', '600');
    is($rc, 0, 'run -d: a container to exec in') or diag $err;

    ($rc, $out, $err) = docker_via($host, 'exec', $c, 'sh', '-c',
        'echo out; echo err >&2; exit 3');
    is($rc, 3, 'docker exec: the exit code') or diag $err;
    is("$out|$err", "out\n|err\n", 'docker exec: stdout and stderr apart');

    my $data = random_bytes(256 * 1024 + 7, 66);
    ($rc, $out, $err) = docker_via($host, { stdin => $data }, 'exec', '-i',
        $c, 'cat');
    is($rc, 0, 'docker exec -i cat of 256 KiB: exit 0') or diag $err;
    ok($out eq $data, 'docker exec -i cat of 256 KiB: the same bytes');

    my $r = unique_name('rm');
    cleanup_container($r);
    ($rc, $out, $err) = docker_via($host, { stdin => "via-run\n" }, 'run',
        '-i', '--rm', '--name', $r, '--network', 'none', $image, 'sh', '-c',
        'cat; exit 4');
    is($rc, 4, 'docker run -i --rm: the exit code') or diag $err;
    is($out, "via-run\n", 'docker run -i --rm: stdin in, output out');
    ok(wait_until(sub { (docker_direct('inspect', $r))[0] != 0 }, 10),
        'docker run -i --rm: the container is removed');

    my $a = unique_name('attach');
    cleanup_container($a);
    docker_via($host, 'run', '-d', '--name', $a, '--network', 'none',
        $image, 'sh', '-c', 'sleep 1.5; echo attached; exit 5');
    ($rc, $out, $err) = docker_via($host, 'attach', '--no-stdin', $a);
    is($rc, 5, 'docker attach: the exit code of the container') or diag $err;
    is($out, "attached\n", 'docker attach: its output');
}

for_each_cli(sub {
    ($rc, $out, $err) = docker_via($host, 'ps', '-q');
    is($rc, 0, 'root: docker ps through the unix socket') or diag $err;

    SKIP: {
        skip 'no setpriv', 4 unless $setpriv && $< == 0;
        my %env = (env => { DOCKER_CONFIG => $cfg, DOCKER_HOST => $host,
            DOCKER_CONTEXT => undef, DOCKER_TLS_VERIFY => undef,
            DOCKER_CERT_PATH => undef });
        ($rc, $out, $err) = run_cmd({%env}, $setpriv, '--reuid=65534',
            '--regid=65534', '--clear-groups', docker_bin(), 'ps', '-q');
        isnt($rc, 0, 'nobody without the group: refused');
        like($err, qr/permission denied/i, 'nobody without the group: EACCES')
            or diag $err;
        ($rc, $out, $err) = run_cmd({%env}, $setpriv, '--reuid=65534',
            '--regid=65534', '--groups=4242', docker_bin(), 'ps', '-q');
        is($rc, 0, 'nobody with the group: docker ps works') or diag $err;
        ($rc, $out, $err) = run_cmd({ %env, stdin => "via-unix\n", timeout => 60 },
            $setpriv, '--reuid=65534', '--regid=65534', '--groups=4242',
            docker_bin(), 'run', '-i', '--rm', '--network', 'none', test_image(),
            'cat');
        is($out, "via-unix\n", 'nobody with the group: run -i cat works')
            or diag $err;
    }

    unix_flows();
});

my @recs = grep { $_->{remote_addr} eq 'unix:' } $ng->access_records;
ok((grep { $_->{op} eq 'ContainerList' && $_->{status} eq '200' } @recs),
    'access log: remote_addr "unix:" for the socket\'s requests');

done_testing();
