#!/usr/bin/perl
# A unix-socket listener (listen unix:...;) as docs/deployment.md
# describes it: nginx makes the socket file mode 0666 whatever the umask,
# so who may connect is decided by the directory holding it (here 0750,
# group 4242).  The docker CLI as nobody: refused without the group,
# served with it.

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

my ($rc, $out, $err) = docker_via("unix://$sock", 'ps', '-q');
is($rc, 0, 'root: docker ps through the unix socket') or diag $err;

my $cfg = docker_config_dir({});
chmod 0755, $cfg;
chmod 0644, "$cfg/config.json";
my $setpriv = -x '/usr/bin/setpriv' ? '/usr/bin/setpriv' : undef;
SKIP: {
    skip 'no setpriv', 4 unless $setpriv && $< == 0;
    my %env = (env => { DOCKER_CONFIG => $cfg, DOCKER_HOST => "unix://$sock",
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

my @recs = grep { $_->{remote_addr} eq 'unix:' } $ng->access_records;
ok((grep { $_->{op} eq 'ContainerList' && $_->{status} eq '200' } @recs),
    'access log: remote_addr "unix:" for the socket\'s requests');

done_testing();
