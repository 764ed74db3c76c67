#!/usr/bin/perl
# The audit log (sockerless_audit_log): one JSON object per line, one
# record when the decision is made and one when the request ends.  A
# denied "docker run --privileged" over TLS names the policy, the reason
# and the verified client certificate; a "docker exec -it" has its
# record while it is still open; a dry run (sockerless_enforce_dry_run)
# records "would-deny" and refuses nothing; secrets sent as canaries
# (X-Registry-Auth, the /auth body, build args, -e values) are in no
# line; every line parses, whatever bytes a path holds.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Sockerless::Test;
use Sockerless::TLS qw(make_certs tls_env);
use Sockerless::Observe;
use File::Temp qw(tempdir);
use MIME::Base64 qw(encode_base64);
use Time::HiRes qw(time sleep);

module_only();

my $script = (grep { -x } '/usr/bin/script', '/bin/script')[0];
plan(skip_all => 'script(1) is missing (bsdutils)') unless $script;

my $image = test_image();
my $certs = make_certs();
my $tmp = tempdir('sockerless-audit-XXXXXX', TMPDIR => 1,
    CLEANUP => !$ENV{SOCKERLESS_TEST_KEEP});
my $audit = "$tmp/audit.json";
my ($tls_port, $dry_port) = (free_port(), free_port());

my $http = <<'EOF';
    sockerless_audit_log AUDIT;

    sockerless_policy tls { allow @all; privileged off; }
    sockerless_policy plain { allow @all; privileged off; }

    map $ssl_client_verify $policy { SUCCESS tls; default plain; }

    server {
        listen 127.0.0.1:DRY_PORT;
        client_max_body_size 0;
        location / {
            sockerless_enforce plain;
            sockerless_enforce_dry_run on;
            sockerless_pass dockerd;
        }
    }
EOF
$http =~ s/AUDIT/$audit/;
$http =~ s/DRY_PORT/$dry_port/;

my $ng = start_nginx(
    http => $http,
    server => <<"EOF",
        listen 127.0.0.1:$tls_port ssl;
        ssl_certificate $certs/server-cert.pem;
        ssl_certificate_key $certs/server-key.pem;
        ssl_client_certificate $certs/ca.pem;
        ssl_verify_client optional;
EOF
    location => 'sockerless_enforce $policy;',
    log_format => 'op=$sockerless_op decision=$sockerless_decision '
        . 'status=$status',
);
my $plain = $ng->docker_host;
my $tls = "tcp://127.0.0.1:$tls_port";
my $tls_env = tls_env("$certs/client");

my $subject = `openssl x509 -in $certs/client/cert.pem -noout -subject`;
my ($cn) = $subject =~ /CN\s*=\s*([^,\/\n]+)/;
my $serial = `openssl x509 -in $certs/client/cert.pem -noout -serial`;
($serial) = $serial =~ /serial=(\w+)/;

sub records { audit_records($audit) }

# the records of one request, by the first record that matches
sub request_of {
    my ($match, @r) = @_;
    my ($first) = grep { $match->($_) } @r or return ();
    return grep { ($_->{request_id} // '') eq $first->{request_id} } @r;
}

# the same once the request has ended: the end's record is written in
# the log phase, just after the client has its answer
sub ended {
    my ($match) = @_;
    my @r;
    wait_until(sub {
        @r = request_of($match, records());
        grep { $_->{stage} eq 'complete' } @r;
    }, 10);
    return @r;
}

# --- a denied docker run --privileged, over TLS ---------------------------

my ($rc, $out, $err) = docker_via($tls, { env => $tls_env }, 'run', '--rm',
    '--privileged', '--network', 'none', $image, 'true');
isnt($rc, 0, 'docker run --privileged over TLS: refused');
like($err, qr/denied by policy "tls": privileged/, 'the CLI says why')
    or diag $err;

my @r = ended(sub { ($_[0]{operation} // '') eq 'ContainerCreate'
    && $_[0]{decision} eq 'deny' });
is(scalar @r, 2, 'the denied create: two records');
my ($d, $e) = @r;
is($d->{stage}, 'decision', 'the first is the decision');
is($e->{stage}, 'complete', 'the second is the end');
is($d->{policy}, 'tls', 'decision: policy tls');
is($d->{identity}, 'tls', 'decision: the identity (the policy\'s variable)');
like($d->{reason}, qr/^privileged: /, 'decision: the reason');
is($d->{method}, 'POST', 'decision: the method');
like($d->{api_version}, qr/^1\.\d+$/, 'decision: the API version');
is($d->{remote_addr}, '127.0.0.1', 'decision: the remote address');
like($d->{cert}{subject} // '', qr/CN=\Q$cn\E/,
    "decision: the certificate's subject ($cn)");
is(lc($d->{cert}{serial} // ''), lc $serial,
    "decision: the certificate's serial ($serial)");
like($d->{time}, qr/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/,
    'decision: the time, ISO 8601 UTC');
like($d->{request_id}, qr/^[0-9a-f]{32}$/, 'decision: $request_id');
is($e->{status}, 403, 'end: status 403');
cmp_ok($e->{bytes_in}, '>', 0, 'end: bytes in');
cmp_ok($e->{bytes_out}, '>', 0, 'end: bytes out');
ok(defined $e->{duration_ms}, 'end: the duration');

# without TLS: no certificate
($rc) = docker_via($plain, 'run', '--rm', '--privileged', '--network',
    'none', $image, 'true');
isnt($rc, 0, 'docker run --privileged without TLS: refused');
($d) = request_of(sub { ($_[0]{operation} // '') eq 'ContainerCreate'
    && $_[0]{policy} eq 'plain' && $_[0]{decision} eq 'deny' }, records());
ok($d && !exists $d->{cert}, 'without TLS: no cert in the record');

# --- a long docker exec -it is on record while it runs --------------------

my $c = unique_name('exec');
cleanup_container($c);
($rc, $out, $err) = docker_via($plain, 'run', '-d', '--name', $c,
    '--network', 'none', $image, 'sleep', '600');
is($rc, 0, 'a container to exec in') or diag $err;

my $t0 = time;
my $exec = spawn_cmd({ env => docker_env($plain) }, 'sh', '-c',
    qq{exec $script -qec '"\$DOCKER" exec -it $c sh -c "sleep 6; echo done"'}
    . q{ /dev/null </dev/null});

my @open;
ok(wait_until(sub {
    @open = request_of(sub { ($_[0]{operation} // '') eq 'ExecStart' },
        records());
    @open;
}, 5), 'docker exec -it: the exec start is on record');
ok($exec->{pid} && !$exec->read_until(qr/done/, 0.2),
    'while the exec is still open');
is(scalar @open, 1, 'one record so far: the decision');
is($open[0]{stage}, 'decision', 'it is the decision record');
is($open[0]{decision}, 'allow', 'decision: allow');
is($open[0]{policy}, 'plain', 'decision: policy plain');
like($open[0]{object}, qr/^[0-9a-f]{64}$/, 'decision: the exec ID');

is($exec->wait(30), 0, 'docker exec -it ends');
my ($dx, $ex) = ended(sub { ($_[0]{operation} // '') eq 'ExecStart' });
is($ex->{stage}, 'complete', 'the exec: its end is on record');
is($ex->{hijack}, 'daemon', 'the exec: dockerd ended the session');
is($ex->{status}, 101, 'the exec: status 101');
cmp_ok($ex->{duration_ms}, '>=', 5000, 'the exec: it lasted 6 s');
cmp_ok($ex->{bytes_out}, '>', 0, 'the exec: bytes out');

# --- a dry run refuses nothing --------------------------------------------

$ng->mark_logs;
($rc, $out, $err) = docker_via("tcp://127.0.0.1:$dry_port", 'run', '--rm',
    '-v', "$tmp:/mnt:ro", '--network', 'none', $image, 'echo', 'dry');
is($rc, 0, 'dry run: docker run -v (no bind allowed) runs') or diag $err;
is($out, "dry\n", 'dry run: its output');
($d, $e) = ended(sub { ($_[0]{operation} // '') eq 'ContainerCreate'
    && $_[0]{decision} eq 'would-deny' });
ok($d, 'dry run: the create is on record as would-deny');
like($d->{reason} // '', qr/^bind: /, 'dry run: with the reason');
is($e->{status}, 201, 'dry run: dockerd created it (201)');
like($ng->access_log_since,
    qr/op=ContainerCreate decision=would-deny status=201/,
    'dry run: $sockerless_decision is would-deny');
like($ng->error_log_since,
    qr/ContainerCreate would be denied by policy "plain"/,
    'dry run: the error log says what would be denied');

# --- secrets sent as canaries show nowhere --------------------------------

my $canary = 'canary' . int(rand 1e9);

($rc, $out, $err) = docker_via($plain, 'run', '--rm', '-e',
    "SECRET=$canary", '--network', 'none', $image, 'true');
is($rc, 0, 'docker run -e SECRET=<canary>') or diag $err;

($rc, $out, $err) = docker_via($plain, 'exec', '-e', "SECRET=$canary", $c,
    'true');
is($rc, 0, 'docker exec -e SECRET=<canary>') or diag $err;

my $ctx = "$tmp/build";
mkdir $ctx;
open my $fh, '>', "$ctx/Dockerfile" or die $!;
print $fh "FROM $image\nARG TOKEN\nRUN true\n";
close $fh;
my $tag = unique_name('build');
cleanup_image($tag);
($rc, $out, $err) = docker_via($plain, { timeout => 120 }, 'build',
    '--build-arg', "TOKEN=$canary", '-t', $tag, $ctx);
is($rc, 0, 'docker build --build-arg TOKEN=<canary>') or diag $err;

($rc, $out, $err) = docker_via($plain, { stdin => "$canary\n" }, 'login',
    '-u', 'nobody', '--password-stdin', registry_auth());
isnt($rc, 0, 'docker login with a <canary> password: refused');

my $auth = encode_base64('{"username":"u","password":"' . $canary . '"}', '');
my ($s) = http_request($ng->port, 'POST',
    '/v1.41/images/create?fromImage=' . url_encode(registry_auth())
    . '%2Fslt-none&tag=latest',
    headers => ['X-Registry-Auth' => $auth], timeout => 30);
ok($s, 'a pull with X-Registry-Auth: <canary>');

my ($text) = scrape($ng->port, '/metrics');
my $all = do { local (@ARGV, $/) = ($audit); <> };
unlike($all, qr/\Q$canary\E/, 'no canary in the audit log');
like($all, qr/"operation":"ImageBuild"/, 'the build is on record');
like($all, qr/"operation":"SystemAuth"/, 'the login is on record');
like($all, qr/"operation":"ContainerExec"/, 'the exec create is on record');

# --- every line parses, even for a path of any bytes ----------------------

http_request($ng->port, 'GET', '/v1.41/containers/a%ff%fe%22%5cb/json');
my @all = records();
my @bad = grep { $_->{_raw} } @all;
is(scalar @bad, 0, 'every line of the audit log is JSON')
    or diag join "\n", map { $_->{_raw} } @bad;
my ($odd) = grep { ($_->{operation} // '') eq 'ContainerInspect'
    && ($_->{object} // '') =~ /^a[^-]/ } @all;
is($odd->{object}, "a\x{fffd}\x{fffd}\"\\b",
    'a path with invalid UTF-8, a quote and a backslash: the object as is, '
    . 'U+FFFD for the invalid bytes');

my @keys = qw(time stage request_id remote_addr identity method operation
    api_version object policy decision reason);
my @missing = grep { my $r = $_; grep { !exists $r->{$_} } @keys } @all;
is(scalar @missing, 0, 'every record has every field');
my @ends = grep { $_->{stage} eq 'complete' } @all;
@missing = grep { my $r = $_; grep { !exists $r->{$_} }
    qw(status bytes_in bytes_out duration_ms pulled hijack) } @ends;
is(scalar @missing, 0, 'every end record has its fields');

# a decision before each end of the same request, never after
my %seen;
my @late;
for (@all) {
    $seen{$_->{request_id}}{$_->{stage}}++;
    push @late, $_ if $_->{stage} eq 'decision'
        && $seen{$_->{request_id}}{complete};
}
is(scalar @late, 0, 'no decision record after its request ended');

unlike($ng->error_log, qr/sockerless audit/, 'no audit write failed');

done_testing();
