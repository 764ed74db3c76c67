package Sockerless::Pull;

# Helpers of the auto-pull tests (t/5?-auto-pull*.t): images that are in
# a registry and not in dockerd, a raw container create through nginx,
# what dockerd itself says of a pull, and the logs of a pull.
#
#   my ($ref, $digest) = pushed_image(registry(), 'what');
#   my ($st, $decoded, $raw, $headers, $name) = pull_create($ng, $body);
#   my ($st, $msg) = direct_pull($ref, 'X-Registry-Auth' => $auth);
#   access_like($ng, qr/pulled=\[...\]/, 'name');
#   like(info_lines($ng->error_log_since), qr/auto-pull of .../, 'name');

use strict;
use warnings;

use Exporter ();
our @ISA = qw(Exporter);
our @EXPORT = qw(
    pushed_image has_image pull_create direct_pull access_like info_lines
);

use Sockerless::Test ':noenv';

# pushed_image($registry, $what): "<registry>/<unique name>:1", the test
# image pushed there and removed from dockerd (and removed from dockerd
# again at the end); in list context (reference, digest).  Dies when a
# step fails.
sub pushed_image {
    my ($registry, $what) = @_;
    my $ref = "$registry/" . unique_name($what) . ':1';
    cleanup_image($ref);
    my ($rc, $out, $err) = docker_direct('tag', test_image(), $ref);
    die "tag $ref: $err" if $rc;
    ($rc, $out, $err) = docker_direct({ timeout => 120 }, 'push', $ref);
    die "push $ref: $err" if $rc;
    my ($digest) = $out =~ /digest: (sha256:[0-9a-f]{64})/;
    ($rc, $out, $err) = docker_direct('rmi', $ref);
    die "rmi $ref: $err" if $rc;
    return wantarray ? ($ref, $digest) : $ref;
}

sub has_image {
    my ($ref) = @_;
    my ($st) = unix_request('GET', '/images/' . $ref . '/json');
    return $st == 200;
}

# pull_create($ng, $body, %opts): a raw create through nginx, of a
# container removed at the end; (status, decoded body or {}, raw body,
# headers, name).  $body: a reference is sent as JSON.
#   name => the container's, headers => [...], chunked => 1
sub pull_create {
    my ($ng, $body, %o) = @_;
    my $name = $o{name} // unique_name('c');
    cleanup_container($name);
    my ($st, $d, $h, $b) = api('POST', "/v1.41/containers/create?name=$name",
        $body, nginx => $ng, headers => $o{headers}, timeout => 120,
        chunked => $o{chunked});
    return ($st, ref $d eq 'HASH' ? $d : {}, $b, $h, $name);
}

# direct_pull($ref, @headers): what dockerd itself says when asked to
# pull $ref: (status, its error message or '')
sub direct_pull {
    my ($ref, @headers) = @_;
    my ($name, $tag) = $ref =~ /^(.*):([^:\/]+)$/;
    my ($st, $h, $b) = unix_request('POST', '/images/create?fromImage='
        . url_encode($name) . '&tag=' . url_encode($tag),
        headers => \@headers);
    my $msg = json_message($b);
    ($msg) = $b =~ /"error":\s*"([^"]*)"/ unless defined $msg;
    return ($st, $msg // '');
}

# access_like($ng, qr//, $name): the access log since mark_logs matches;
# the line is written just after the response: it is waited for
sub access_like {
    my ($ng, $re, $name) = @_;
    wait_until(sub { $ng->access_log_since =~ $re }, 5);
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    Test::More::like($ng->access_log_since, $re, $name);
}

# the [info] lines of an error log
sub info_lines {
    my ($log) = @_;
    return join '', grep { /\[info\]/ } split /^/, $log;
}

1;
