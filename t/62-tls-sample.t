#!/usr/bin/perl
# nginx.conf.sample as it is, but for its placeholders and ports: workers
# as "user nobody docker" (the least privilege that can connect to a
# root:docker 0660 socket), the TLS and the plain listener, the JSON
# access log.  Also: no directive of the sample logs $request.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Sockerless::Test;
use Sockerless::TLS;

module_only();

my $group = (stat $ENV{DOCKER_SOCK})[5];
my $docker_gid = getgrnam('docker');
plan(skip_all => "$ENV{DOCKER_SOCK} does not belong to the docker group")
    unless defined $docker_gid && $group == $docker_gid;

my $ng = start_sample(user => 'nobody docker');

# the sample itself
my $sample = do { local $/; open my $fh, '<', sample_path() or die $!; <$fh> };
unlike($sample,
    qr/^\s*log_format[^;]*(\$(request|request_uri|args|query_string|request_body)\b|\$(http|arg|cookie)_\w)/ms,
    'sample: no log_format with $request, $request_uri, $args or headers');
like($sample, qr/^user nobody docker;/m, 'sample: user nobody docker');
like($sample, qr/client_max_body_size 0;/, 'sample: client_max_body_size 0');
like($sample, qr/ssl_verify_client on;/, 'sample: ssl_verify_client on');
like($sample, qr/ssl_protocols TLSv1\.2 TLSv1\.3;/, 'sample: TLS 1.2+');

sub workers {
    my @w;
    for my $p (glob '/proc/[0-9]*') {
        open my $fh, '<', "$p/status" or next;
        my %st = map { /^(\w+):\s*(.*)$/ ? ($1, $2) : () } <$fh>;
        push @w, \%st if ($st{PPid} // '') eq $ng->{pid};
    }
    return @w;
}
# the ports listen before the master forks its workers
my @workers;
ok(wait_until(sub { @workers = workers();
        @workers && !grep { (split ' ', $_->{Uid})[0] == 0 } @workers }, 10),
    'workers are running');
is(scalar(grep { (split ' ', $_->{Uid})[0] != 65534 } @workers), 0,
    'workers run as nobody');
is(scalar(grep { (split ' ', $_->{Gid})[0] != $docker_gid } @workers), 0,
    'workers run with the docker group');

my ($rc, $out, $err) = docker_tls($ng, $ng->certs . '/client',
    { timeout => 60 }, 'run', '--rm', '--network', 'none', test_image(),
    'echo', 'as-nobody');
is($out, "as-nobody\n", 'TLS: run --rm echo as nobody:docker') or diag $err;
($rc, $out, $err) = docker_via($ng->plain_host,
    { timeout => 60, stdin => 'x' x 3_000_000 }, 'run', '-i', '--rm',
    '--network', 'none', test_image(), 'wc', '-c');
like($out, qr/^\s*3000000$/, 'plain: run -i of 3 MB as nobody:docker')
    or diag $err;

my @recs = $ng->access_records;
is(scalar(grep { exists $_->{_raw} } @recs), 0, 'access log: JSON lines');
ok((grep { $_->{op} eq 'ContainerCreate' && $_->{status} eq '201'
    && $_->{client_dn} =~ /CN=docker-client/ } @recs),
    'access log: ContainerCreate 201 with the client DN');
unlike($ng->error_log, qr/\[(alert|crit|emerg)\]/,
    'error log: no alert, crit or emerg');

done_testing();
