package Sockerless::TLS;

# TLS, authentication and log tests: nginx from the repository's
# nginx.conf.sample, with its placeholders filled in and test ports, so
# that the tests check the sample itself.  render_sample() is one more
# way to write the config text of Sockerless::Test's start_conf(): the
# instance is the same (logs, mark_logs, reload, stop, the check of its
# error log after the file).
#
#   my $certs = make_certs();             tools/certs into a temp dir
#   my $ng = start_sample(certs => $certs, error_log_level => 'info',
#       http => '...', location => '...');
#   $ng->tls_port, $ng->plain_port, $ng->dir, $ng->log_files, ...
#   docker_via($ng->tls_host, { env => tls_env("$certs/client") }, 'ps');

use strict;
use warnings;

use Exporter ();
our @ISA = qw(Exporter);
our @EXPORT = qw(
    make_certs render_sample start_sample tls_env docker_config_dir
    docker_tls sample_path htpasswd_file basic_header
);

use Sockerless::Test qw(:noenv run_cmd start_conf $ROOT);
use File::Temp qw(tempdir);
use JSON::PP ();

our $SAMPLE_MODULE = '/usr/lib/nginx/modules/ngx_http_sockerless_module.so';

# the sample under test: $SOCKERLESS_SAMPLE, or the repository's
# nginx.conf.sample when it is the production-shaped one (TLS listener,
# @CERT_DIR@ and @RUN_DIR@ placeholders); undef otherwise
sub sample_path {
    return $ENV{SOCKERLESS_SAMPLE} if $ENV{SOCKERLESS_SAMPLE};
    my $path = "$ROOT/nginx.conf.sample";
    open my $fh, '<', $path or return undef;
    my $conf = do { local $/; <$fh> };
    return $conf =~ /\@CERT_DIR\@/ && $conf =~ /listen \S+ ssl;/
        ? $path : undef;
}

# make_certs(): a directory made by tools/certs (removed at the end)
sub make_certs {
    my $dir = tempdir('sockerless-certs-XXXXXX', TMPDIR => 1,
        CLEANUP => !$ENV{SOCKERLESS_TEST_KEEP});
    my ($rc, $out, $err) = run_cmd("$ROOT/tools/certs", "$dir/certs");
    die "tools/certs failed: $err" if $rc;
    return "$dir/certs";
}

# the docker CLI environment for DOCKER_HOST=tcp://...:<tls port>
sub tls_env {
    my ($cert_path, %extra) = @_;
    return { DOCKER_TLS_VERIFY => '1', DOCKER_CERT_PATH => $cert_path,
        %extra };
}

# docker_config_dir(\%config): a DOCKER_CONFIG dir with this config.json
sub docker_config_dir {
    my ($config) = @_;
    my $dir = tempdir('sockerless-cfg-XXXXXX', TMPDIR => 1, CLEANUP => 1);
    open my $fh, '>', "$dir/config.json" or die "$dir/config.json: $!";
    print $fh JSON::PP->new->canonical->encode($config || {});
    close $fh;
    return $dir;
}

# htpasswd_file($path, user => password, ...): an htpasswd file for
# auth_basic_user_file, hashes made with `openssl passwd -apr1`
sub htpasswd_file {
    my ($path, @users) = @_;
    open my $fh, '>', $path or die "$path: $!";
    while (my ($user, $pass) = splice @users, 0, 2) {
        my ($rc, $hash, $err) = run_cmd({ stdin => "$pass\n" }, 'openssl',
            'passwd', '-apr1', '-stdin');
        die "openssl passwd: $err" if $rc;
        chomp $hash;
        print $fh "$user:$hash\n";
    }
    close $fh;
    return $path;
}

# "Basic base64(user:password)"
sub basic_header {
    my ($user, $pass) = @_;
    require MIME::Base64;
    return 'Basic ' . MIME::Base64::encode_base64("$user:$pass", '');
}

# render_sample(%o): nginx.conf.sample with the placeholders filled in
#   certs        the tools/certs directory (@CERT_DIR@)
#   run_dir      @RUN_DIR@ (default: start_conf's temp dir)
#   tls_port, plain_port   instead of 2376 and 2375 (default: free
#                ports, ->tls_port and ->plain_port)
#   docker_sock  dockerd's socket (default $DOCKER_SOCK)
#   user         the user line (default "root": the test dockerd's socket)
#   error_log_level        instead of the sample's "warn"
#   http         lines added in http {} before the upstream
#   location     lines added in both locations, after sockerless_pass
#   tls_location, plain_location   lines for one of the two
#   tls_server, plain_server       lines added in one server {}
#   mkdir        directories made in @RUN_DIR@ before nginx starts
sub render_sample {
    my (%o) = @_;
    my $path = sample_path()
        or die "nginx.conf.sample has no TLS listener and placeholders\n";
    open my $fh, '<', $path or die "$path: $!";
    my $conf = do { local $/; <$fh> };
    close $fh;

    my $sock = $o{docker_sock} || $ENV{DOCKER_SOCK}
        or die 'DOCKER_SOCK is not set';
    $conf =~ s/\Q$SAMPLE_MODULE\E/%%MODULE%%/g;
    $conf =~ s/\@CERT_DIR\@/$o{certs}/g if $o{certs};
    $conf =~ s/\@RUN_DIR\@/$o{run_dir}/g if $o{run_dir};
    $conf =~ s{unix:/var/run/docker\.sock}{unix:$sock}g;
    my $tls = $o{tls_port} // '%%PORT_tls%%';
    my $plain = $o{plain_port} // '%%PORT_plain%%';
    $conf =~ s/127\.0\.0\.1:2376/127.0.0.1:$tls/g;
    $conf =~ s/127\.0\.0\.1:2375/127.0.0.1:$plain/g;
    my $user = $o{user} // 'root';
    $conf =~ s/^user [^;]*;/user $user;/m;
    $conf =~ s/^(error_log \S+) \w+;/$1 $o{error_log_level};/m
        if $o{error_log_level};
    $conf =~ s/^(    upstream dockerd \{)/$o{http}\n\n$1/m if $o{http};

    # the two server blocks: TLS first, plain second
    my @servers = split /(?=^    server \{)/m, $conf;
    for my $s (@servers) {
        next unless $s =~ /^    server \{/;
        my $kind = $s =~ /listen \S+ ssl;/ ? 'tls' : 'plain';
        my $loc = join "\n", grep { defined }
            $o{location}, $o{"${kind}_location"};
        $s =~ s/^(\s*sockerless_pass dockerd;)$/$1\n$loc/m if length $loc;
        if (my $srv = $o{"${kind}_server"}) {
            $s =~ s/^(\s*location \/ \{)$/$srv\n\n$1/m;
        }
    }
    return join '', @servers;
}

# start_sample(%o): start_conf(render_sample(%o)), in reference mode
# too (the sample is what is tested); certs defaults to make_certs()
sub start_sample {
    my (%o) = @_;
    Test::More::plan(skip_all => 'nginx.conf.sample is not the production-'
        . 'shaped one (TLS listener, @CERT_DIR@): set SOCKERLESS_SAMPLE')
        unless sample_path();
    $o{certs} //= make_certs();
    my $ng = start_conf(render_sample(%o), mkdir => $o{mkdir},
        force_module => 1, current => 0);
    $ng->{certs} = $o{certs};
    return $ng;
}

# docker_tls($ng, $cert_path, [\%opts,] @args): the docker CLI to the TLS
# listener with this DOCKER_CERT_PATH
sub docker_tls {
    my ($ng, $cert_path) = (shift, shift);
    my $o = ref $_[0] eq 'HASH' ? { %{ shift() } } : {};
    $o->{env} = { %{ tls_env($cert_path) }, %{ $o->{env} || {} } };
    return Sockerless::Test::docker_via($ng->tls_host, $o, @_);
}

1;
