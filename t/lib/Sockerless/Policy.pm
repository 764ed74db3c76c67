package Sockerless::Policy;

# Helpers of the access policy tests (t/7?-policy-*.t).  Each test file
# writes its own policies and the map that picks one from an
# "X-Identity" header (the docker CLI sends it from config.json
# "HttpHeaders"); here: the expectations of its data blocks, the same as
# functions, the CLI as an identity, and what dockerd saw.
#
#   my $ng = start_conf(<<'EOF', log_format => $POLICY_LOG);
#   ... map $http_x_identity $docker_policy { ... }
#   ... sockerless_policy ci { ... }
#   EOF
#   run_policy_blocks(vars => { image => ... });
#   denied('ci', POST => '/containers/create', $json, qr/Privileged/, 'name');
#   allowed('ci', GET => '/containers/json', undef, 'name');
#   my ($rc, $out, $err) = docker_as('ci', 'run', '--rm', $image, 'true');
#
# Block sections (run_policy_blocks, and those of run_blocks):
#   --- denied: RE        403 "<Op> denied by policy ...", the reason matches
#   --- refused: RE       400 "refused by policy ...", the reason matches
#   --- reaches_dockerd   the answer is dockerd's, not the policy's;
#   --- reaches_dockerd: N   ... and its status is N
#   --- not_allowed       denied or refused by the policy (403 or 400)

use strict;
use warnings;

use Exporter ();
our @ISA = qw(Exporter);
use File::Temp qw(tempdir);
use Time::HiRes qw(time);
use Sockerless::Test qw(:noenv api run_blocks encode_json docker
    docker_direct);

our @EXPORT = qw(
    $POLICY_LOG run_policy_blocks policy_dirs policy_api denied refused
    allowed docker_as identity_config dockerd_events log_lines
    no_denied_request_reached
);

# the access log of the policy tests: identity, decision, reason, and
# the upstream ("-" when nothing went to dockerd)
our $POLICY_LOG = 'id=$http_x_identity "$request" $status '
    . 'op=$sockerless_op p=$sockerless_policy '
    . 'd=$sockerless_decision r="$sockerless_reason" '
    . 'ua=$upstream_addr';

my %CONFIGS;    # identity => DOCKER_CONFIG directory
my $DIRS;       # host directories of the bind lists

# host directories for "bind" lines: created for the test, removed at
# the end: builds, buildsX, cache, other (and top, their parent)
sub policy_dirs {
    return $DIRS if $DIRS;
    my $top = tempdir('sockerless-policy-XXXXXX', TMPDIR => 1,
        CLEANUP => 1);
    $DIRS = { top => $top };
    for my $d (qw(builds buildsX cache other)) {
        mkdir "$top/$d" or die "$top/$d: $!";
        $DIRS->{$d} = "$top/$d";
    }
    return $DIRS;
}

# the judgements of a response { status, message (or body) }
sub _denied {
    my ($re, $r) = @_;
    my $msg = $r->{message} // $r->{body};
    return $r->{status} == 403 && $msg =~ /denied by policy/ && $msg =~ /$re/;
}

sub _refused {
    my ($re, $r) = @_;
    my $msg = $r->{message} // $r->{body};
    return $r->{status} == 400 && $msg =~ /^refused by policy/
        && $msg =~ /$re/;
}

sub _reaches_dockerd {
    my ($status, $r) = @_;
    return $r->{status} && ($r->{message} // $r->{body}) !~ /by policy/
        && (length $status ? $r->{status} == $status : 1);
}

sub _not_allowed {
    my ($re, $r) = @_;
    return ($r->{status} == 400 || $r->{status} == 403)
        && ($r->{message} // $r->{body}) =~ /by policy.*$re/s;
}

# run_policy_blocks(%opts): run_blocks with the sections above
sub run_policy_blocks {
    run_blocks(checks => { denied => \&_denied, refused => \&_refused,
        reaches_dockerd => \&_reaches_dockerd,
        not_allowed => \&_not_allowed },
        patterns => [qw(denied refused not_allowed)], level => 2, @_);
}

# policy_api($id, $method, $path, $body, %opts): api() as an identity
# ($id undef: no X-Identity); (status, message or body, raw body,
# headers); a created container is removed at the end
sub policy_api {
    my ($id, $method, $path, $body, %o) = @_;
    my ($st, $j, $h, $raw) = api($method, $path, $body, identity => $id,
        %o);
    my $msg = Sockerless::Test::json_message($raw) // $raw;
    Sockerless::Test::cleanup_container($j->{Id})
        if $st == 201 && ref $j eq 'HASH' && $j->{Id}
        && $path =~ m{/containers/create};
    return ($st, $msg, $raw, $h);
}

sub _judged {
    my ($check, $want, $id, $method, $path, $body, $name, %o) = @_;
    my ($st, $msg, $raw) = policy_api($id, $method, $path, $body, %o);
    my $ok = Test::More::ok($check->($want, { status => $st,
        message => $msg, body => $raw }), $name);
    Test::More::diag("got $st $msg") unless $ok;
    return wantarray ? ($st, $msg, $raw) : $ok;
}

# denied($id, $method, $path, $body, qr/reason/, $name[, %opts])
sub denied {
    my ($id, $m, $p, $b, $re, $name, %o) = @_;
    return _judged(\&_denied, $re, $id, $m, $p, $b, "$name: denied", %o);
}

# refused($id, $method, $path, $body, qr/reason/, $name[, %opts])
sub refused {
    my ($id, $m, $p, $b, $re, $name, %o) = @_;
    return _judged(\&_refused, $re, $id, $m, $p, $b,
        "$name: refused (400)", %o);
}

# allowed($id, $method, $path, $body, $name[, status => N, %opts]):
# dockerd answered (a 404 for a missing object is fine); in list context
# (status, message, raw body)
sub allowed {
    my ($id, $m, $p, $b, $name, %o) = @_;
    my $status = delete $o{status} // '';
    return _judged(\&_reaches_dockerd, $status, $id, $m, $p, $b,
        "$name: allowed", %o);
}

# identity_config($id): a DOCKER_CONFIG directory whose config.json
# sends the identity ("HttpHeaders"), read by the docker CLI, docker-py
# and docker-compose
sub identity_config {
    my ($id) = @_;
    return $CONFIGS{$id} //= do {
        my $d = tempdir('sockerless-id-XXXXXX', TMPDIR => 1, CLEANUP => 1);
        open my $fh, '>', "$d/config.json" or die "$d/config.json: $!";
        print $fh encode_json({ HttpHeaders => { 'X-Identity' => $id } });
        close $fh;
        $d;
    };
}

# docker_as($id, [\%opts,] @args): the docker CLI as an identity
sub docker_as {
    my $id = shift;
    my $o = ref $_[0] eq 'HASH' ? { %{ shift() } } : {};
    $o->{env} = { %{ $o->{env} || {} },
        DOCKER_CONFIG => identity_config($id) };
    return docker($o, @_);
}

# dockerd_events($since, @filters): dockerd's own events from $since (a
# time()) until now, asked directly, one "Type Action Name" line each
sub dockerd_events {
    my ($since, @filters) = @_;
    my ($rc, $out) = docker_direct('events',
        '--since', sprintf('%.3f', $since - 1),
        '--until', sprintf('%.3f', time + 0.5),
        (map { ('--filter', $_) } @filters),
        '--format', '{{.Type}} {{.Action}} {{.Actor.Attributes.name}}');
    return $rc ? undef : [split /\n/, $out];
}

# access log lines of an nginx that match $re
sub log_lines {
    my ($ng, $re) = @_;
    return grep { $_ =~ $re } split /\n/, $ng->access_log;
}

# one assertion: no request the policy denied has an upstream address in
# the access log ($POLICY_LOG)
sub no_denied_request_reached {
    my ($ng) = @_;
    my @leaks = log_lines($ng, qr/ 40[03] .* d=deny .* ua=(?!-$)/);
    Test::More::ok(!@leaks, 'no denied request went to dockerd')
        or Test::More::diag(join "\n", @leaks);
}

1;
