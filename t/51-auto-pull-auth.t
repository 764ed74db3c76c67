#!/usr/bin/perl
# Auto-pull from the registry of tools/testenv that needs a login:
# X-Registry-Auth of the create goes to the pull; without it, or with a
# wrong password, the create fails as dockerd fails a create of a missing
# image (404 "No such image", the pull's message after); the info lines
# name the image and never hold a credential; a
# logged-in docker CLI still runs a private image (as it does against
# dockerd itself, where it pulls with its stored credentials).

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Sockerless::Test;
use Sockerless::Pull;
use MIME::Base64 qw(encode_base64);

module_only();

my $reg = registry_auth();
my $user = $ENV{REGISTRY_USER} || 'sockerless';
my $password = $ENV{REGISTRY_PASSWORD} || 'sockerless-secret';
my $image = test_image();

my $nginx = start_nginx(
    log_format => '"$request" $status op=$sockerless_op '
        . 'pulled=[$sockerless_pulled]');

# base64url with padding, as the docker CLI sends it (dockerd's decoder
# needs the padding: without it the last bytes are lost and the
# credentials are silently ignored)
sub auth_header {
    my ($u, $p) = @_;
    my $b = encode_base64(encode_json({ username => $u, password => $p,
        serveraddress => $reg }), '');
    $b =~ tr{+/}{-_};
    return $b;
}

my $good = auth_header($user, $password);
my $wrong_password = 'not-the-' . $password;
my $bad = auth_header($user, $wrong_password);

# the CLI's private config logs in to the registry (for the push here
# and for the logged-in docker run below)
my ($rc, $out, $err) = docker_direct({ stdin => $password }, 'login', '-u',
    $user, '--password-stdin', $reg);
is($rc, 0, "docker login $reg") or diag $err;

# a create through nginx, with these headers
sub create {
    my ($ref, @headers) = @_;
    return pull_create($nginx, { Image => $ref, Cmd => ['true'] },
        headers => \@headers);
}

my $ref = pushed_image($reg, 'private');
ok(!has_image($ref), "$ref is not in dockerd");

# --- without credentials --------------------------------------------------------
#
# dockerd (20.10) refuses the pull before streaming: 500
# {"message":"Head \"http://.../manifests/1\": no basic auth credentials"}.
# A create that carried no X-Registry-Auth gets dockerd's "No such image"
# (404), so that the docker CLI pulls with its own credentials, as it does
# without auto-pull; the registry's message is in the error log.

{
    my ($dst, $dmsg) = direct_pull($ref);
    ok($dst >= 400, "dockerd refuses the pull without credentials ($dst: $dmsg)");
    like($dmsg, qr/no basic auth credentials|unauthorized|authentication required|denied/,
        'dockerd names the missing credentials');
    $nginx->mark_logs;
    my ($st, $d, $b) = create($ref);
    diag("no credentials: the module answers $st: $b");
    is($st, 404, 'no credentials: 404, as dockerd without auto-pull');
    is($d->{message}, "No such image: $ref",
        'no credentials: "No such image", as dockerd without auto-pull');
    ok(!has_image($ref), 'no credentials: nothing pulled');
    my $info = info_lines($nginx->error_log_since);
    like($info, qr/sockerless auto-pull of "\Q$ref\E": .*\Q$dmsg\E/,
        'no credentials: the registry\'s message in the error log');
    unlike($info, qr/\Q$password\E/, 'no credentials: no password logged');
}

# --- a wrong password -----------------------------------------------------------

{
    my ($dst, $dmsg) = direct_pull($ref, 'X-Registry-Auth' => $bad);
    $nginx->mark_logs;
    my ($st, $d, $b) = create($ref, 'X-Registry-Auth' => $bad);
    diag("wrong password: the module answers $st: $b");
    # as a create of a missing image from dockerd: 404, so that a client
    # pulls by itself and shows the registry's refusal
    is($st, 404, "wrong password: 404, \"No such image\" (pull: $dst)");
    like($d->{message} // '', qr/unauthorized|authentication required|denied/,
        'wrong password: the registry\'s message') or diag $b;
    is($d->{message}, "No such image: $ref (sockerless auto-pull: $dmsg)",
        'wrong password: "No such image", the pull\'s message after');
    ok(!has_image($ref), 'wrong password: nothing pulled');
    my $log = $nginx->error_log_since;
    like(info_lines($log), qr/sockerless auto-pull of "\Q$ref\E": failed/,
        'wrong password: "failed" in the error log');
    unlike($log, qr/\Q$wrong_password\E/,
        'wrong password: the password is nowhere in the error log');
    unlike(info_lines($log), qr/\Q$bad\E/,
        'wrong password: X-Registry-Auth in no info line');
}

# --- with credentials -------------------------------------------------------------

{
    $nginx->mark_logs;
    my ($st, $d, $b) = create($ref, 'X-Registry-Auth' => $good);
    is($st, 201, 'X-Registry-Auth: pulled and created') or diag $b;
    ok(has_image($ref), 'X-Registry-Auth: the image is in dockerd');
    access_like($nginx, qr{ 201 op=ContainerCreate pulled=\[\Q$ref\E\]},
        'X-Registry-Auth: $sockerless_pulled');
    my $log = $nginx->error_log_since;
    my $info = info_lines($log);
    like($info, qr/sockerless auto-pull of "\Q$ref\E": done in \d+ ms/,
        'X-Registry-Auth: "done in N ms" names the image');
    unlike($log, qr/\Q$password\E/,
        'X-Registry-Auth: the password is nowhere in the error log');
    unlike($info, qr/\Q$good\E/,
        'X-Registry-Auth: the header value in no info line');
    unlike($nginx->access_log, qr/\Q$password\E|\Q$good\E/,
        'X-Registry-Auth: no credential in the access log');
}

# --- the credentials are part of the pull's identity -------------------------------

{
    my $ref2 = pushed_image($reg, 'two');
    # a create without credentials must not ride on a pull with them
    my ($st1, $d1, $b1) = create($ref2);
    ok($st1 >= 400, "no credentials first: fails ($st1)");
    my ($st2, $d2, $b2) = create($ref2, 'X-Registry-Auth' => $good);
    is($st2, 201, 'then with credentials: created') or diag $b2;
}

# --- the docker CLI, logged in: as against dockerd --------------------------------

{
    my $ref3 = pushed_image($reg, 'cli');

    # against dockerd: create 404, the CLI pulls with its credentials
    my ($rc, $out, $err) = docker_direct({ timeout => 120 }, 'run', '--rm',
        '--network', 'none', $ref3, 'echo', 'direct');
    is($rc, 0, 'logged-in docker run of a private image, dockerd direct')
        or diag $err;
    docker_direct('rmi', $ref3);
    ok(!has_image($ref3), 'removed again');

    $nginx->mark_logs;
    ($rc, $out, $err) = docker({ timeout => 120 }, 'run', '--rm',
        '--network', 'none', $ref3, 'echo', 'through-nginx');
    is($rc, 0, 'logged-in docker run of a private image through nginx: exit 0')
        or diag "stderr: $err\nerror log:\n"
            . info_lines($nginx->error_log_since);
    is($out, "through-nginx\n", 'logged-in docker run: output');
    unlike($nginx->error_log_since, qr/\Q$password\E/,
        'logged-in docker run: no password in the error log');
}

done_testing();
