#!/usr/bin/perl
# What the CLI reads about containers: logs (--tail, --timestamps,
# stdout/stderr), top, stats --no-stream, diff, export, update, commit.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Sockerless::Test;

start_nginx();
my $image = test_image();

# a finished container with known output on stdout and stderr
my ($code, undef, undef, $done) = run_detached('--network', 'none', $image,
    'sh', '-c', 'echo err1 >&2; sleep 0.3; for i in 1 2 3 4 5; do echo out$i; done');
is($code, 0, 'a container that printed and exited');

my ($rc, $out, $err) = docker('logs', $done);
is($rc, 0, 'logs: exit 0');
is($out, join('', map { "out$_\n" } 1 .. 5), 'logs: stdout');
is($err, "err1\n", 'logs: stderr on stderr');
my ($drc, $dout, $derr) = docker_direct('logs', $done);
is("$out|$err", "$dout|$derr", 'logs: same as direct');

($rc, $out, $err) = docker('logs', '--tail', '2', $done);
is("$out|$err", "out4\nout5\n|", 'logs --tail 2: the last two lines');
($rc, $out, $err) = docker('logs', '--tail', '6', $done);
is("$out|$err", "out1\nout2\nout3\nout4\nout5\n|err1\n",
    'logs --tail 6: stdout and stderr lines');

($rc, $out) = docker('logs', '--tail', '0', $done);
is($out, '', 'logs --tail 0');

($rc, $out, $err) = docker('logs', '--timestamps', $done);
my @lines = split /\n/, $out;
is(scalar @lines, 5, 'logs --timestamps: 5 stdout lines');
like($lines[0] // '', qr/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z out1$/,
    'logs --timestamps: RFC 3339 timestamp before the line');

($rc, $out, $err) = docker('logs', '-f', $done);
is($rc, 0, 'logs -f on an exited container: returns');
like($out, qr/out1\n.*out5\n/s, 'logs -f on an exited container: all of it');

# logs -f on a container that prints, then exits
{
    my $name = unique_name('follow');
    cleanup_container($name);
    docker('run', '-d', '--name', $name, '--network', 'none', $image,
        'sh', '-c', 'echo first; sleep 1; echo second; sleep 0.5; echo third');
    my ($rc, $out, $err) = docker({ timeout => 20 }, 'logs', '-f', $name);
    is($rc, 0, 'logs -f: returns when the container exits');
    is($out, "first\nsecond\nthird\n", 'logs -f: every line');
}

# a running container for top, stats, diff, update, export, commit
my $name = unique_name('info');
cleanup_container($name);
($rc, $out, $err) = docker('run', '-d', '--name', $name, '--network', 'none',
    $image, 'sh', '-c', 'echo hello > /hello.txt; mkdir /newdir; '
        . 'rm /bin/vi; exec sleep 300');
is($rc, 0, 'run -d a long-running container') or diag $err;
ok(wait_until(sub { (docker_direct('diff', $name))[1] =~ m{/newdir} }, 5),
    'its command ran');

($rc, $out, $err) = docker('top', $name);
is($rc, 0, 'top: exit 0') or diag $err;
like($out, qr/^UID\s+PID\s+PPID/m, 'top: ps header');
like($out, qr/sleep 300/, 'top: the process');

($rc, $out, $err) = docker('top', $name, '-o', 'pid,comm');
is($rc, 0, 'top with ps_args: exit 0') or diag $err;
like($out, qr/^\s*PID\s+COMMAND/m, 'top with ps_args: custom columns');

($rc, $out, $err) = docker('stats', '--no-stream', '--format',
    '{{.Name}} {{.PIDs}}', $name);
is($rc, 0, 'stats --no-stream: exit 0') or diag $err;
is($out, "$name 1\n", 'stats --no-stream: name and pids');

($rc, $out, $err) = docker('stats', '--no-stream', $name);
like($out, qr/CONTAINER ID\s+NAME\s+CPU %/, 'stats --no-stream: table');
like($out, qr/\Q$name\E/, 'stats --no-stream: our container');

($rc, $out, $err) = docker('diff', $name);
is($rc, 0, 'diff: exit 0') or diag $err;
my @diff = sort split /\n/, $out;
ok((grep { $_ eq 'A /hello.txt' } @diff), 'diff: A /hello.txt');
ok((grep { $_ eq 'A /newdir' } @diff), 'diff: A /newdir');
ok((grep { $_ eq 'D /bin/vi' } @diff), 'diff: D /bin/vi');
my (undef, $ddiff) = docker_direct('diff', $name);
is_deeply(\@diff, [sort split /\n/, $ddiff], 'diff: same as direct');

# update (cgroup v1 here: cpu-shares and the restart policy)
($rc, $out, $err) = docker('update', '--cpu-shares', '512',
    '--restart', 'on-failure:3', $name);
is($rc, 0, 'update --cpu-shares --restart: exit 0') or diag $err;
($rc, $out) = docker_direct('inspect', '--format',
    '{{.HostConfig.CpuShares}} {{.HostConfig.RestartPolicy.Name}} '
    . '{{.HostConfig.RestartPolicy.MaximumRetryCount}}', $name);
is($out, "512 on-failure 3\n", 'update: applied');

($rc, $out, $err) = docker('update', '--cpu-shares', 'lots', $name);
isnt($rc, 0, 'update with a bad value fails');

# export: the filesystem as tar
($rc, $out, $err) = docker({ timeout => 60 }, 'export', $name);
is($rc, 0, 'export: exit 0') or diag $err;
cmp_ok(length $out, '>', 1_000_000, 'export: a tar of the rootfs');
my ($trc, $list) = run_cmd({ stdin => $out }, 'tar', '-t');
is($trc, 0, 'export: a valid tar');
like($list, qr{^(\./)?bin/busybox$}m, 'export: has bin/busybox');
like($list, qr{^(\./)?hello\.txt$}m, 'export: has hello.txt');
unlike($list, qr{^(\./)?bin/vi$}m, 'export: without the deleted bin/vi');

# commit
my $committed = unique_name('commit') . ':1';
cleanup_image($committed);
($rc, $out, $err) = docker('commit', '-c', 'ENV SLT_COMMITTED=yes',
    '-m', 'a test commit', $name, $committed);
is($rc, 0, 'commit: exit 0') or diag $err;
like($out, qr/^sha256:[0-9a-f]{64}$/, 'commit: prints the image id');
($rc, $out) = docker('image', 'inspect', '--format', '{{.Comment}}', $committed);
is($out, "a test commit\n", 'commit: the message');
($code, $out) = run_detached($committed, 'sh', '-c', 'cat /hello.txt; echo $SLT_COMMITTED');
is($out, "hello\nyes\n", 'commit: the new image has the file and the env');

# stats of a stopped container; top of a stopped one is an error
docker('kill', $name);
($rc, $out, $err) = docker('top', $name);
isnt($rc, 0, 'top of a stopped container fails');
like($err, qr/Error response from daemon: .*not running/, 'top: daemon error');

done_testing();
