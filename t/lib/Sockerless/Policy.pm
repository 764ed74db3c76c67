package Sockerless::Policy;

# Helpers of the access policy tests (t/60-policy-*.t): an nginx with the
# policies of issue 6, identities chosen by an "X-Identity" header (the
# docker CLI sends it from config.json "HttpHeaders"), raw API requests as
# an identity, and checks that a denial came from the policy and that an
# allowed request reached dockerd.
#
#   use Sockerless::Test;
#   use Sockerless::Policy;
#   my $ng = policy_nginx();
#   denied('ci', POST => '/containers/create', $json, qr/Privileged/, 'name');
#   allowed('ci', GET => '/containers/json', undef, 'name');
#   my ($rc, $out, $err) = docker_as('ci', 'run', '--rm', $image, 'true');

use strict;
use warnings;

use Exporter ();
our @ISA = qw(Exporter);
use File::Temp qw(tempdir);
use Time::HiRes qw(time);
use Sockerless::Test ();

our @EXPORT = qw(
    policy_nginx policy_dirs api denied refused allowed docker_as
    dockerd_events log_lines json_body
);

my %CONFIGS;    # identity => DOCKER_CONFIG directory
my $DIRS;       # host directories of the bind lists

# host directories the policies name in "bind": created for the test,
# removed at the end; "builds" and "cache" (read-only) are allowed,
# "buildsX" and "other" are not
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

# the policies of issue 6 and one per group ("g-read" -> g_read, ...)
sub _policies {
    my $d = policy_dirs();
    my $registry = Sockerless::Test::registry();
    my @groups = qw(read content exec lifecycle containers images build
        networks volumes swarm plugins system);
    my $conf = <<"EOF";
    map \$http_x_identity \$docker_policy {
        default     readonly;
        ci          ci;
        admin       full;
        swarmer     swarmer;
        open        open;
        empty       "";
        bogus       nosuch;
        ~^g-(?<g>[a-z]+)\$  g_\$g;
    }

    sockerless_policy readonly { allow \@read; }

    sockerless_policy ci {
        allow      \@all;
        deny       \@swarm \@plugins;
        privileged off;
        bind       $d->{builds} $d->{cache}:ro;
        image      docker.io/library/* $registry/*;
    }

    # privileged off, no bind and no image line: any image, no host path
    sockerless_policy open { allow \@all; }

    sockerless_policy swarmer {
        allow \@swarm \@read;
        image docker.io/library/*;
    }

    sockerless_policy full { allow \@all; privileged on; }
EOF
    $conf .= "    sockerless_policy g_$_ { allow \@$_; }\n" for @groups;
    return $conf;
}

# policy_nginx(%opts): start_nginx() with the policies; "location" and
# "http" add lines, "enforce" replaces $docker_policy
sub policy_nginx {
    my (%o) = @_;
    my $enforce = delete $o{enforce} // '$docker_policy';
    return Sockerless::Test::start_nginx(
        %o,
        http => _policies() . ($o{http} // ''),
        location => "sockerless_enforce $enforce;\n" . ($o{location} // ''),
        log_format => 'id=$http_x_identity "$request" $status '
            . 'op=$sockerless_op p=$sockerless_policy '
            . 'd=$sockerless_decision r="$sockerless_reason" '
            . 'ua=$upstream_addr',
    );
}

sub json_body {
    my ($body) = @_;
    my $m = eval { Sockerless::Test::decode_json($body) };
    return ref $m eq 'HASH' ? ($m->{message} // '') : $body;
}

# api($id, $method, $path, $body, %opts): (status, message or body, raw
# body, headers); $id undef sends no X-Identity, a JSON body is sent with
# Content-Type: application/json unless headers say otherwise
sub api {
    my ($id, $method, $path, $body, %o) = @_;
    my $ng = $o{nginx} || Sockerless::Test::current_nginx();
    my @h = @{ $o{headers} || [] };
    push @h, 'X-Identity' => $id if defined $id;
    push @h, 'Content-Type' => 'application/json'
        if defined $body && !grep { lc $_ eq 'content-type' } @h;
    my ($st, $hdr, $resp) = Sockerless::Test::http_request($ng->port,
        $method, $path, headers => \@h, body => $body,
        chunked => $o{chunked}, timeout => $o{timeout} // 30);
    return ($st, json_body($resp), $resp, $hdr);
}

# denied($id, $method, $path, $body, qr/reason/, $name[, %opts]):
# 403 "<Op> denied by policy ..." with the reason
sub denied {
    my ($id, $method, $path, $body, $re, $name, %o) = @_;
    my ($st, $msg) = api($id, $method, $path, $body, %o);
    my $ok = Test::More::ok($st == 403 && $msg =~ /denied by policy/
        && $msg =~ $re, "$name: denied");
    Test::More::diag("got $st $msg") unless $ok;
    return $ok;
}

# refused($id, ...): 400 "refused by policy ..." with the reason
sub refused {
    my ($id, $method, $path, $body, $re, $name, %o) = @_;
    my ($st, $msg) = api($id, $method, $path, $body, %o);
    my $ok = Test::More::ok($st == 400 && $msg =~ /^refused by policy/
        && $msg =~ $re, "$name: refused (400)");
    Test::More::diag("got $st $msg") unless $ok;
    return $ok;
}

# allowed($id, ...): the answer is dockerd's, not the policy's
# (whatever dockerd said: a 404 for a missing object is fine)
sub allowed {
    my ($id, $method, $path, $body, $name, %o) = @_;
    my ($st, $msg, $raw) = api($id, $method, $path, $body, %o);
    my $ok = Test::More::ok($st && $msg !~ /by policy/
        && ($o{status} ? $st == $o{status} : 1), "$name: allowed");
    Test::More::diag("got $st $msg") unless $ok;
    return wantarray ? ($st, $msg, $raw) : $ok;
}

# docker_as($id, [\%opts,] @args): the docker CLI as an identity
sub docker_as {
    my $id = shift;
    my $o = ref $_[0] eq 'HASH' ? { %{ shift() } } : {};
    my $dir = $CONFIGS{$id} //= do {
        my $d = tempdir('sockerless-id-XXXXXX', TMPDIR => 1, CLEANUP => 1);
        open my $fh, '>', "$d/config.json" or die "$d/config.json: $!";
        print $fh Sockerless::Test::encode_json(
            { HttpHeaders => { 'X-Identity' => $id } });
        close $fh;
        $d;
    };
    $o->{env} = { %{ $o->{env} || {} }, DOCKER_CONFIG => $dir };
    return Sockerless::Test::docker($o, @_);
}

# dockerd_events($since, @filters): dockerd's own events from $since (a
# time()) until now, asked directly, one "Type Action Name" line each
sub dockerd_events {
    my ($since, @filters) = @_;
    my ($rc, $out) = Sockerless::Test::docker_direct('events',
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

1;
