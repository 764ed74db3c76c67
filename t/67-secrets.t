#!/usr/bin/perl
# Secrets never reach a log.  Canary secrets travel the ways Docker sends
# credentials: X-Registry-Auth on push and pull, the /auth body of docker
# login, build args in the query string of /build, an Authorization
# header (HttpHeaders), plus the real registry password.  nginx runs the
# sample's config with error_log at info, its JSON access log and a second
# access log with every module variable.  Then every file nginx wrote is
# searched for the canaries: as they are, URL-encoded, and inside anything
# that decodes as base64 or base64url.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use File::Temp qw(tempdir);
use MIME::Base64 qw(encode_base64 decode_base64);
use Sockerless::Test;
use Sockerless::TLS;

module_only();

my $image = test_image();
my $areg = registry_auth();
my ($user, $pass) = ($ENV{REGISTRY_USER} || 'sockerless',
    $ENV{REGISTRY_PASSWORD} || 'sockerless-secret');
my $rand = join '', map { ('a' .. 'z', 0 .. 9)[rand 36] } 1 .. 12;
my %CANARY = (
    'X-Registry-Auth password' => "CANARYxra${rand}",
    '/auth body password'      => "CANARYlogin${rand}",
    'build arg'                => "CANARYarg${rand}",
    'Authorization header'     => "CANARYauthz${rand}",
    'registry password'        => $pass,
);

my $ng = start_sample(
    error_log_level => 'info',
    http => q{    log_format every_var escape=json '{"op":"$sockerless_op",'
        '"api_version":"$sockerless_api_version",'
        '"object":"$sockerless_object","pulled":"$sockerless_pulled",'
        '"user":"$remote_user","dn":"$ssl_client_s_dn","uri":"$uri",'
        '"status":"$status"}';},
    tls_server => q{
        access_log @RUN_DIR@/access.log sockerless_json;
        access_log @RUN_DIR@/every-var.log every_var;},
    plain_server => q{
        access_log @RUN_DIR@/access.log sockerless_json;
        access_log @RUN_DIR@/every-var.log every_var;},
);
my $client = $ng->certs . '/client';

# the CLI's config: the Authorization canary on every request, and
# registry credentials with the X-Registry-Auth canary
my $cfg_dir = docker_config_dir({
    HttpHeaders => { Authorization =>
        "Bearer $CANARY{'Authorization header'}" },
    auths => { $areg => { auth => encode_base64(
        "$user:$CANARY{'X-Registry-Auth password'}", '') } },
});
my %O = (env => { DOCKER_CONFIG => $cfg_dir, DOCKER_BUILDKIT => '0' },
    timeout => 120);

sub dk { docker_tls($ng, $client, {%O, %{ ref $_[0] eq 'HASH' ? shift : {} }}, @_) }
sub dkp {
    my $o = ref $_[0] eq 'HASH' ? shift : {};
    docker_via($ng->plain_host, {%O, %$o}, @_);
}

my $repo = "$areg/slt/" . unique_name('secret') . ':1';
cleanup_image($repo);
docker_direct('tag', $image, $repo);

# push and pull with the canary password in X-Registry-Auth: refused by
# the registry, but the header went through nginx
my ($rc, $out, $err) = dk('push', $repo);
isnt($rc, 0, 'push with the canary credentials: refused by the registry');
like("$out$err", qr/unauthorized|authentication required|denied/i,
    'push with the canary credentials: the registry said so') or diag "$out$err";
($rc, $out, $err) = dkp('pull', "$areg/slt/none-$rand:1");
isnt($rc, 0, 'pull with the canary credentials: refused');

# docker login through the module: the /auth body
($rc, $out, $err) = dk({ stdin => "$CANARY{'/auth body password'}\n" },
    'login', '-u', $user, '--password-stdin', $areg);
isnt($rc, 0, 'login with the canary password: refused');
($rc, $out, $err) = dkp({ stdin => "$pass\n" }, 'login', '-u', $user,
    '--password-stdin', $areg);
is($rc, 0, 'login with the real password (plain listener): ok') or diag $err;

# push and pull with the real password in X-Registry-Auth
($rc, $out, $err) = dk('push', $repo);
is($rc, 0, 'push with the real credentials: ok') or diag "$out$err";
docker_direct('rmi', $repo);
($rc, $out, $err) = dkp('pull', $repo);
is($rc, 0, 'pull with the real credentials: ok') or diag "$out$err";

# docker run of the missing private image: the module's auto-pull, then
# the CLI's own pull with X-Registry-Auth
docker_direct('rmi', $repo);
($rc, $out, $err) = dk('run', '--rm', '--network', 'none', $repo, 'true');
is($rc, 0, 'run of a missing private image: ok') or diag "$out$err";

# build with a secret build arg
{
    my $ctx = tempdir('sockerless-secret-build-XXXXXX', TMPDIR => 1,
        CLEANUP => 1);
    open my $df, '>', "$ctx/Dockerfile" or die $!;
    print $df "FROM $image\nARG SECRET\n"
        . "RUN test \"\$SECRET\" = \"$CANARY{'build arg'}\"\n";
    close $df;
    my $tag = unique_name('sbuild') . ':1';
    cleanup_image($tag);
    ($rc, $out, $err) = dk('build', '--build-arg',
        "SECRET=$CANARY{'build arg'}", '-t', $tag, $ctx);
    is($rc, 0, 'build with a secret build arg: ok') or diag "$out$err";
    ($rc, $out, $err) = dkp('build', '-q', '--build-arg',
        "SECRET=$CANARY{'build arg'}", '--no-cache', $ctx);
    is($rc, 0, 'build with a secret build arg (plain listener): ok')
        or diag "$out$err";
}

# a few everyday calls with the Authorization canary
($rc) = dk('ps', '-q');
is($rc, 0, 'ps with the Authorization header: ok');
($rc, $out) = dkp({ stdin => "x\n" }, 'run', '-i', '--rm', '--network',
    'none', $image, 'cat');
is($out, "x\n", 'run -i with the Authorization header: ok');

dk('logout', $areg);

# --- the logs ---------------------------------------------------------------

$ng->stop;    # everything flushed and closed

sub url_encoded {
    my ($s) = @_;
    $s =~ s/([^A-Za-z0-9\-._~])/sprintf('%%%02X', ord $1)/ge;
    return $s;
}

# base64 / base64url runs in $text, decoded
sub decoded_runs {
    my ($text) = @_;
    my @out;
    while ($text =~ /([A-Za-z0-9+\/_-]{12,}={0,2})/g) {
        my $run = $1;
        (my $std = $run) =~ tr{-_}{+/};
        for my $skip (0 .. 3) {
            my $d = decode_base64(substr($std, $skip));
            push @out, $d if length $d;
        }
    }
    return @out;
}

my @files = $ng->log_files;
ok((grep { $_ eq 'error.log' } @files), 'nginx wrote error.log');
ok((grep { $_ eq 'access.log' } @files), 'nginx wrote access.log');
ok((grep { $_ eq 'every-var.log' } @files), 'nginx wrote every-var.log');
like($ng->error_log, qr/\[info\]/, 'error.log has info lines');
like($ng->read('every-var.log'), qr/"op":"ImageBuild"/,
    'every-var.log has the build');
like($ng->read('every-var.log'), qr/"op":"SystemAuth"/,
    'every-var.log has the login');

for my $f (@files) {
    my $text = $ng->read($f);
    my @decoded = decoded_runs($text);
    for my $what (sort keys %CANARY) {
        my $c = $CANARY{$what};
        my @where;
        push @where, 'as is' if index($text, $c) >= 0;
        push @where, 'URL-encoded'
            if index($text, url_encoded("\"$c\"")) >= 0;
        push @where, 'in base64'
            if grep { index($_, $c) >= 0 } @decoded;
        is("@where", '', "$f: no $what") or do {
            my @lines = grep { index($_, $c) >= 0
                || index($_, url_encoded("\"$c\"")) >= 0 }
                split /\n/, $text;
            diag(substr($_, 0, 400)) for @lines[0 .. ($#lines > 2 ? 2 : $#lines)];
        };
    }
}

done_testing();
