package Sockerless::Owner;

# Helpers of the ownership tests (t/1[789]-owner-*.t): one nginx, two
# tenants (alice and bob, each also as "-p": privileged on) and an
# administrator without an owner, identities from the "X-Identity"
# header (docker_as, identity_config of Sockerless::Policy); what a
# tenant sees of another's object compared with what dockerd says of
# one that does not exist.
#
#   my $ng = start_owner_nginx();
#   as_missing('bob', ['logs', 'NAME'], $alices, 'bob: docker logs');
#   is(owner_of(container => $name), 'alice', ...);
#   no_refused_request_reached($ng);

use strict;
use warnings;

use Exporter ();
our @ISA = qw(Exporter);
use Sockerless::Test qw(:noenv start_nginx docker_direct unique_name
    cleanup_container test_image);
use Sockerless::Policy qw($POLICY_LOG docker_as log_lines);

our @EXPORT = qw(
    $OWNER_HTTP $OWNER_LOG $OWNER_LABEL start_owner_nginx run_as_each
    as_missing owner_of no_refused_request_reached
);

our $OWNER_LABEL = 'io.sockerless.owner';

# the policies: tenants may do everything but swarm and plugins, each
# sees what it made; "nobody" has a policy with an owner but no owner;
# "bob-s" may use swarm operations; admin has no owner
our $OWNER_HTTP = <<'EOF';
    map $http_x_identity $docker_policy {
        default     "";
        alice       tenant;
        bob         tenant;
        nobody      tenant;
        alice-p     tenant_p;
        bob-p       tenant_p;
        bob-s       tenant_s;
        admin       full;
    }

    map $http_x_identity $tenant {
        default     "";
        alice       alice;
        alice-p     alice;
        bob         bob;
        bob-p       bob;
        bob-s       bob;
    }

    sockerless_policy tenant {
        allow @all; deny @swarm @plugins; privileged off; owner $tenant;
    }
    sockerless_policy tenant_p {
        allow @all; deny @swarm @plugins; privileged on; owner $tenant;
    }
    sockerless_policy tenant_s { allow @all; privileged off; owner $tenant; }
    sockerless_policy full { allow @all; privileged on; }
EOF

# the policy tests' log, with the owner
our $OWNER_LOG = $POLICY_LOG =~ s/ ua=/ o=\$sockerless_owner ua=/r;

# start_owner_nginx(%opts): start_nginx with the policies above
sub start_owner_nginx {
    return start_nginx(log_format => $OWNER_LOG,
        location => 'sockerless_enforce $docker_policy;',
        http => $OWNER_HTTP, @_);
}

# run_as_each(@ids): for each identity a container it runs (docker run
# -d, no network, sleeping), one assertion each; their names
sub run_as_each {
    my @names;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    for my $id (@_) {
        my $name = cleanup_container(unique_name($id));
        my ($rc, undef, $err) = docker_as($id, 'run', '-d', '--name', $name,
            '--network', 'none', test_image(), 'sleep', '300');
        Test::More::is($rc, 0, "$id: docker run -d") or Test::More::diag($err);
        push @names, $name;
    }
    return @names;
}

# as_missing($id, [@args], $real, $name[, \%opts]): the docker CLI as
# $id with "NAME" in @args replaced by $real (an object of another)
# exits and prints what it prints through dockerd itself for an object
# that does not exist; one assertion.  opts: those of run_cmd, and
# first_line => 1 to compare the first line of stderr only
my $NONE;
sub as_missing {
    my ($id, $args, $real, $name, $o) = @_;
    my %o = %{ $o || {} };
    my $first = delete $o{first_line};
    $NONE //= unique_name('none');
    my @r = docker_as($id, \%o, map { s/NAME/$real/gr } @$args);
    my @want = docker_direct(\%o, map { s/NAME/$NONE/gr } @$args);
    for (@want[1, 2]) {
        s/\Q$NONE\E/$real/g;
    }
    # the CLI's own log lines carry the time
    s/^time=.*\n//mg for @r[1, 2], @want[1, 2];
    s/\n.*//s for $first ? ($r[2], $want[2]) : ();
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    my $ok = Test::More::ok($r[0] == $want[0] && $r[1] eq $want[1]
        && $r[2] eq $want[2], "$name: as for none");
    Test::More::diag("got $r[0] <$r[1]> <$r[2]>\n"
        . "none: $want[0] <$want[1]> <$want[2]>") unless $ok;
    return $ok;
}

# owner_of($kind, $name): the owner label dockerd has for the object
# (undef: no such object; "" without the label)
sub owner_of {
    my ($kind, $name) = @_;
    my $labels = $kind eq 'container' ? '.Config.Labels' : '.Labels';
    my ($rc, $out) = docker_direct($kind, 'inspect', '--format',
        "{{ index $labels \"$OWNER_LABEL\" }}", $name);
    return undef if $rc;
    chomp $out;
    $out = '' if $out eq '<no value>';
    return $out;
}

# one assertion: no request refused by the policy or as another's (400,
# 403, 404, 409 with d=deny) has an upstream address in the access log
sub no_refused_request_reached {
    my ($ng) = @_;
    my @leaks = log_lines($ng, qr/ 40[0349] .* d=deny .* ua=(?!-$)/);
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    Test::More::ok(!@leaks, 'no refused request went to dockerd')
        or Test::More::diag(join "\n", @leaks);
}

1;
