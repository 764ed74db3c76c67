#!/usr/bin/perl
# Long-lived streamed responses arrive incrementally, not at the end:
# docker logs -f, docker events, docker stats (streaming).

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Time::HiRes qw(time sleep);
use Sockerless::Test;

start_nginx();
my $image = test_image();

# logs -f of a container printing a line every 0.5 s for 4 s
{
    my $name = unique_name('tick');
    cleanup_container($name);
    my ($rc, $out, $err) = docker('run', '-d', '--name', $name, '--network', 'none',
        $image, 'sh', '-c', 'for i in 1 2 3 4 5 6 7 8; do echo tick$i; sleep 0.5; done');
    is($rc, 0, 'a container that ticks for 4 s') or diag $err;
    my $started = time;
    my $p = docker_spawn('logs', '-f', $name);
    ok($p->read_until(qr/tick1\n/, 3), 'logs -f: the first line arrives');
    my $first = time;
    ok($p->read_until(qr/tick3\n/, 3), 'logs -f: the third line arrives');
    my $third = time;
    is($p->wait(15), 0, 'logs -f: exits 0 when the container exits');
    my $end = time;
    like($p->output, qr/^tick1\ntick2\n.*tick8\n$/s, 'logs -f: all lines in order');
    cmp_ok($end - $first, '>', 2, sprintf(
        'logs -f: the first line came %.1f s before the end', $end - $first));
    cmp_ok($third - $first, '>', 0.6,
        'logs -f: lines come as they are printed, not in one burst');
}

# docker events: an event arrives while the stream is open
{
    my $vol = unique_name('evvol');
    cleanup_volume($vol);
    my $p = docker_spawn('events', '--filter', 'type=volume',
        '--filter', "volume=$vol", '--format', '{{.Action}} {{.Actor.ID}}');
    sleep 1;
    my $t0 = time;
    docker_direct('volume', 'create', $vol);
    ok($p->read_until(qr/create \Q$vol\E\n/, 3),
        'events: the create event arrives through the open stream');
    my $dt = time - $t0;
    cmp_ok($dt, '<', 2, sprintf('events: within %.2f s', $dt));
    docker_direct('volume', 'rm', $vol);
    ok($p->read_until(qr/destroy \Q$vol\E\n/, 3), 'events: and the destroy event');
    $p->stop;
}

# events after a quiet time: no idle timeout cuts a silent stream
{
    my $vol = unique_name('quiet');
    cleanup_volume($vol);
    my $p = docker_spawn('events', '--filter', "volume=$vol",
        '--format', '{{.Action}}');
    sleep 3;
    docker_direct('volume', 'create', $vol);
    ok($p->read_until(qr/create\n/, 3), 'events: still open after 3 s of silence');
    $p->stop;
}

# docker stats streaming: several samples over time
{
    my $name = unique_name('stats');
    cleanup_container($name);
    docker('run', '-d', '--name', $name, '--network', 'none', $image, 'sleep', '300');
    my $p = docker_spawn('stats', '--format', '{{.Name}} {{.PIDs}}', $name);
    ok($p->read_until(qr/(\Q$name\E 1.*){2}/s, 10),
        'stats (streaming): two samples arrive');
    $p->stop;
}

# docker pull progress streams (a tag of the local registry)
{
    my $ref = registry() . '/sockerless/test:1';
    my $p = docker_spawn('pull', $ref);
    is($p->wait(60), 0, 'pull: exit 0');
    like($p->output, qr/Status: (Downloaded newer image|Image is up to date)/,
        'pull: progress and status');
    docker_direct('rmi', $ref);
}

done_testing();
