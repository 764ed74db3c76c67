#!/usr/bin/perl
# Access policy groups: for each group a policy allowing only that group
# (identity "g-<group>"): a member is allowed (dockerd answers), a
# non-member is denied.  @read reveals state but no contents: not logs,
# archive, export, changes, top, stats, image save, nor secrets of the
# swarm.  deny wins over allow.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Sockerless::Test;
use Sockerless::Policy;

module_only();

my $ng = policy_nginx();
my $c = 'slt-policy-none';      # no such container: members get a 404

my @tar = (headers => [ 'Content-Type' => 'application/x-tar' ]);

# group => [member: method, path, body, status], [non-member: method, path]
my %groups = (
    read       => [ [ GET => '/containers/json', undef, 200 ],
                    [ POST => '/containers/create', '{}' ] ],
    content    => [ [ GET => "/containers/$c/logs?stdout=1", undef, 404 ],
                    [ GET => '/containers/json' ] ],
    exec       => [ [ POST => "/containers/$c/exec", '{"Cmd":["true"]}', 404 ],
                    [ POST => "/containers/$c/start" ] ],
    lifecycle  => [ [ POST => "/containers/$c/stop", undef, 404 ],
                    [ POST => "/containers/$c/exec", '{"Cmd":["true"]}' ] ],
    containers => [ [ GET => "/containers/$c/json", undef, 404 ],
                    [ GET => '/images/json' ] ],
    images     => [ [ GET => '/images/json', undef, 200 ],
                    [ GET => '/containers/json' ] ],
    build      => [ [ POST => '/build/cancel?id=slt-none', undef, 200 ],
                    [ GET => '/images/json' ] ],
    networks   => [ [ GET => '/networks', undef, 200 ],
                    [ GET => '/volumes' ] ],
    volumes    => [ [ GET => '/volumes', undef, 200 ],
                    [ GET => '/networks' ] ],
    swarm      => [ [ GET => '/services', undef, 503 ],
                    [ GET => '/containers/json' ] ],
    plugins    => [ [ GET => '/plugins', undef, 200 ],
                    [ GET => '/containers/json' ] ],
    system     => [ [ GET => '/version', undef, 200 ],
                    [ GET => '/containers/json' ] ],
);

for my $g (sort keys %groups) {
    my ($in, $out) = @{ $groups{$g} };
    my ($m, $p, $b, $st) = @$in;
    allowed("g-$g", $m => $p, $b, "\@$g: $m $p", status => $st);
    denied("g-$g", $out->[0] => $out->[1], $out->[2],
        qr/operation: \w+ is not allowed/,
        "\@$g: $out->[0] $out->[1] (not a member)");
}

# more members, one request each
my @members = (
    [ read => GET => '/_ping' ], [ read => HEAD => '/_ping' ],
    [ read => GET => '/info' ], [ read => GET => '/version' ],
    [ read => GET => '/events?until=1' ], [ read => GET => '/system/df' ],
    [ read => GET => '/images/json' ], [ read => GET => '/volumes' ],
    [ read => GET => '/networks' ], [ read => GET => "/containers/$c/json" ],
    [ read => GET => '/images/' . test_image() . '/json' ],
    [ read => GET => '/images/' . test_image() . '/history' ],
    [ content => GET => "/containers/$c/archive?path=/" ],
    [ content => GET => "/containers/$c/export" ],
    [ content => GET => "/containers/$c/changes" ],
    [ content => GET => "/containers/$c/top" ],
    [ content => GET => "/containers/$c/stats?stream=0" ],
    [ content => GET => '/images/slt-none/get' ],
    [ exec => POST => '/exec/slt-none/start', '{}' ],
    [ exec => POST => '/exec/slt-none/resize?h=1&w=1' ],
    [ exec => POST => "/containers/$c/attach?stream=1" ],
    [ lifecycle => POST => '/containers/create', '{"Image":"slt-no-such-image"}' ],
    [ lifecycle => DELETE => "/containers/$c" ],
    [ lifecycle => POST => "/containers/$c/kill" ],
    [ lifecycle => POST => "/containers/$c/rename?name=x" ],
    [ lifecycle => PUT => "/containers/$c/archive?path=/", '', @tar ],
    [ containers => GET => "/containers/$c/logs?stdout=1" ],
    [ containers => POST => "/containers/$c/exec", '{"Cmd":["true"]}' ],
    [ containers => POST => "/containers/$c/start" ],
    [ images => DELETE => '/images/slt-none' ],
    [ images => POST => '/images/slt-none/tag?repo=x' ],
    [ images => POST => '/commit?container=slt-none', '{}' ],
    [ images => GET => '/images/slt-none/get' ],
    [ build => POST => '/build', '', @tar ],
    [ networks => DELETE => '/networks/slt-none' ],
    [ volumes => DELETE => '/volumes/slt-none' ],
    [ swarm => GET => '/swarm' ], [ swarm => GET => '/nodes' ],
    [ swarm => GET => '/secrets' ], [ swarm => POST => '/swarm/leave' ],
    [ plugins => DELETE => '/plugins/slt-none' ],
    [ system => GET => '/info' ], [ system => GET => '/events?until=1' ],
    [ system => POST => '/auth', '{}' ],
);
for my $t (@members) {
    my ($g, $m, $p, $b, @o) = @$t;
    allowed("g-$g", $m => $p, $b, "\@$g member: $m $p", @o);
}

# @read reveals no contents: what Tecnativa's CONTAINERS=1 leaks
for my $t (
    [ GET  => "/containers/$c/logs?stdout=1", 'ContainerLogs' ],
    [ GET  => "/containers/$c/archive?path=/etc", 'ContainerArchive' ],
    [ HEAD => "/containers/$c/archive?path=/etc", 'ContainerArchiveInfo' ],
    [ GET  => "/containers/$c/export", 'ContainerExport' ],
    [ GET  => "/containers/$c/changes", 'ContainerChanges' ],
    [ GET  => "/containers/$c/top", 'ContainerTop' ],
    [ GET  => "/containers/$c/stats?stream=0", 'ContainerStats' ],
    [ POST => "/containers/$c/copy", 'ContainerCopy', '{"Resource":"/"}' ],
    [ GET  => '/images/busybox/get', 'ImageGet' ],
    [ GET  => '/images/get?names=busybox', 'ImageGetAll' ],
    [ GET  => '/services/x/logs?stdout=1', 'ServiceLogs' ],
    [ GET  => '/tasks/x/logs?stdout=1', 'TaskLogs' ],
    [ GET  => '/swarm/unlockkey', 'SwarmUnlockkey' ],
    [ GET  => "/containers/$c/attach/ws?stream=1", 'ContainerAttachWebsocket' ],
    [ POST => "/containers/$c/attach?stream=1", 'ContainerAttach' ],
    [ GET  => '/debug/pprof/', 'DebugPprofIndex' ],
) {
    my ($m, $p, $op, $b) = @$t;
    if ($m eq 'HEAD') {
        my ($st) = api('readonly', HEAD => $p);
        is($st, 403, "\@read: HEAD $p ($op) denied");
        next;
    }
    denied('readonly', $m => $p, $b, qr/operation: $op is not allowed/,
        "\@read: $m $p ($op)");
}

# GET /swarm answers the manager and worker join tokens: with the manager
# token any dockerd can join the swarm as a manager and run services on
# this host (binds of /, privileged): it is no read-only information
denied('readonly', GET => '/swarm', undef,
    qr/operation: SwarmInspect is not allowed/,
    '@read: GET /swarm (SwarmInspect, the join tokens)');

# deny wins over allow: ci allows @all, denies @swarm @plugins
denied('ci', GET => '/services', undef,
    qr/operation: ServiceList is not allowed/, 'ci: deny @swarm wins');
denied('ci', GET => '/plugins', undef,
    qr/operation: PluginList is not allowed/, 'ci: deny @plugins wins');
allowed('ci', GET => '/containers/json', undef, 'ci: @all allows the rest',
    status => 200);

# the group policies are privileged off like any other
denied('g-swarm', POST => '/swarm/init', '{"ListenAddr":"127.0.0.1"}',
    qr/privileged: SwarmInit/, '@swarm: swarm init still privileged');
denied('g-plugins', POST => '/plugins/pull?remote=x', '[]',
    qr/privileged: PluginPull/, '@plugins: plugin install still privileged');
denied('g-lifecycle', POST => '/containers/create',
    '{"Image":"busybox","HostConfig":{"Privileged":true}}',
    qr/privileged: HostConfig.Privileged/,
    '@lifecycle: a privileged create still denied');

my @leaks = grep { / 40[03] .* d=deny .* ua=(?!-$)/ }
    split /\n/, $ng->access_log;
ok(!@leaks, 'no denied request went to dockerd') or diag join "\n", @leaks;

done_testing();
