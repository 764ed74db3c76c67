package Sockerless::TLS;

# TLS, authentication and log tests: nginx from the repository's
# nginx.conf.sample (or any full config), next to Sockerless::Test.
# Sockerless::Test's start_nginx() writes its own config with one plain
# listener; here the config is the sample's, with its placeholders filled
# in and test ports, so the tests check the sample itself.
#
#   my $certs = make_certs();             tools/certs into a temp dir
#   my $ng = start_sample(certs => $certs, error_log_level => 'info',
#       http => '...', location => '...');
#   $ng->tls_port, $ng->plain_port, $ng->dir, $ng->log_files, ...
#   docker_via($ng->tls_host, { env => tls_env("$certs/client") }, 'ps');
#
# Uses only Sockerless::Test's exported functions.

use strict;
use warnings;

use Exporter ();
our @ISA = qw(Exporter);
our @EXPORT = qw(
    make_certs render_sample start_sample start_conf free_port tls_env
    docker_config_dir docker_tls sample_path htpasswd_file basic_header
);

use Sockerless::Test qw(:noenv run_cmd wait_until $ROOT);
use File::Temp qw(tempdir);
use IO::Socket::INET;
use POSIX qw(:sys_wait_h setsid);
use Time::HiRes qw(time sleep);
use JSON::PP ();

our $NGINX = $ENV{SOCKERLESS_NGINX} || '/usr/sbin/nginx';
our $MODULE = $ENV{SOCKERLESS_MODULE}
    || "$ROOT/build/ngx_http_sockerless_module.so";
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

sub free_port {
    my $s = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => 0,
        Listen => 1, ReuseAddr => 1) or die "no free port: $!";
    my $port = $s->sockport;
    close $s;
    return $port;
}

sub _port_open {
    my ($port) = @_;
    my $s = IO::Socket::INET->new(PeerAddr => "127.0.0.1:$port",
        Timeout => 1);
    return $s ? 1 : 0;
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
#   run_dir      @RUN_DIR@ (start_sample: nginx's temp dir)
#   tls_port, plain_port   instead of 2376 and 2375
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
    $conf =~ s/\Q$SAMPLE_MODULE\E/$MODULE/g;
    $conf =~ s/\@CERT_DIR\@/$o{certs}/g if $o{certs};
    $conf =~ s/\@RUN_DIR\@/$o{run_dir}/g if $o{run_dir};
    $conf =~ s{unix:/var/run/docker\.sock}{unix:$sock}g;
    $conf =~ s/127\.0\.0\.1:2376/127.0.0.1:$o{tls_port}/g if $o{tls_port};
    $conf =~ s/127\.0\.0\.1:2375/127.0.0.1:$o{plain_port}/g
        if $o{plain_port};
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

# start_sample(%o): render_sample + start_conf, on free ports.
#   certs defaults to make_certs()
sub start_sample {
    my (%o) = @_;
    Test::More::plan(skip_all => 'nginx.conf.sample is not the production-'
        . 'shaped one (TLS listener, @CERT_DIR@): set SOCKERLESS_SAMPLE')
        unless sample_path();
    $o{certs} //= make_certs();
    $o{tls_port} //= free_port();
    $o{plain_port} //= free_port();
    my $conf = render_sample(%o);
    my $ng = start_conf($conf, ports => [$o{tls_port}, $o{plain_port}],
        mkdir => $o{mkdir});
    @$ng{qw(tls_port plain_port certs)} = @o{qw(tls_port plain_port certs)};
    return $ng;
}

# start_conf($conf, ports => [...], mkdir => [...]): nginx with this
# whole config (@RUN_DIR@ is its own temp dir, where the mkdir list is
# made first), in the foreground; returns when every port listens.
sub start_conf {
    my ($conf, %o) = @_;
    my $dir = tempdir('sockerless-nginx-XXXXXX', TMPDIR => 1,
        CLEANUP => !$ENV{SOCKERLESS_TEST_KEEP});
    chmod 0755, $dir;
    mkdir "$dir/$_" for @{ $o{mkdir} || [] };
    $conf =~ s/\@RUN_DIR\@/$dir/g;
    open my $fh, '>', "$dir/nginx.conf" or die "$dir/nginx.conf: $!";
    print $fh $conf;
    close $fh;

    my $self = bless { dir => $dir, conf => $conf,
        ports => $o{ports} || [] }, 'Sockerless::TLS::Nginx';

    my $pid = fork // die "fork: $!";
    if ($pid == 0) {
        setsid();
        open STDIN, '<', '/dev/null';
        open STDOUT, '>', "$dir/stderr.log";
        open STDERR, '>&', \*STDOUT;
        exec $NGINX, '-p', "$dir/", '-c', "$dir/nginx.conf",
            '-e', "$dir/startup.log", '-g', 'daemon off;';
        exit 127;
    }
    $self->{pid} = $pid;

    my $deadline = time + 10;
    while (time < $deadline) {
        last unless grep { !_port_open($_) } @{ $self->{ports} };
        if (waitpid($pid, WNOHANG) == $pid) {
            delete $self->{pid};
            my $err = join '', map { $self->read($_) }
                qw(stderr.log startup.log error.log);
            Test::More::diag("nginx failed to start:\n$err");
            die "nginx failed to start: $err";
        }
        sleep 0.05;
    }
    for my $p (@{ $self->{ports} }) {
        die "nginx does not listen on 127.0.0.1:$p\n" . $self->error_log
            unless _port_open($p);
    }
    Test::More::diag("nginx in $dir") if $ENV{SOCKERLESS_TEST_KEEP};
    return $self;
}

# docker_tls($ng, $cert_path, [\%opts,] @args): the docker CLI to the TLS
# listener with this DOCKER_CERT_PATH
sub docker_tls {
    my ($ng, $cert_path) = (shift, shift);
    my $o = ref $_[0] eq 'HASH' ? { %{ shift() } } : {};
    $o->{env} = { %{ tls_env($cert_path) }, %{ $o->{env} || {} } };
    return Sockerless::Test::docker_via($ng->tls_host, $o, @_);
}

package Sockerless::TLS::Nginx;

use POSIX qw(:sys_wait_h);
use Time::HiRes qw(time sleep);

sub dir { $_[0]{dir} }
sub conf { $_[0]{conf} }
sub tls_port { $_[0]{tls_port} }
sub plain_port { $_[0]{plain_port} }
sub certs { $_[0]{certs} }
sub tls_host { 'tcp://127.0.0.1:' . $_[0]{tls_port} }
sub plain_host { 'tcp://127.0.0.1:' . $_[0]{plain_port} }

sub read {
    my ($self, $name) = @_;
    open my $fh, '<', "$self->{dir}/$name" or return '';
    local $/;
    return scalar <$fh> // '';
}

sub error_log { $_[0]->read('error.log') }
sub access_log { $_[0]->read('access.log') }

sub mark_logs {
    my ($self) = @_;
    $self->{mark_error} = length $self->error_log;
    $self->{mark_access} = length $self->access_log;
}
sub error_log_since { substr($_[0]->error_log, $_[0]{mark_error} // 0) }
sub access_log_since { substr($_[0]->access_log, $_[0]{mark_access} // 0) }

# every regular file nginx wrote in its directory, but its config and
# temp dirs: (relative path, ...)
sub log_files {
    my ($self) = @_;
    my @files;
    opendir my $dh, $self->{dir} or return ();
    for my $f (sort readdir $dh) {
        next if $f =~ /^\./ || $f eq 'nginx.conf' || $f =~ /^htpasswd/;
        push @files, $f if -f "$self->{dir}/$f";
    }
    return @files;
}

# the access log's lines decoded as JSON (the sample's format)
sub access_records {
    my ($self, $text) = @_;
    $text //= $self->access_log;
    my @r;
    for my $line (split /\n/, $text) {
        my $rec = eval { JSON::PP->new->decode($line) };
        push @r, $rec || { _raw => $line };
    }
    return @r;
}

sub stop {
    my ($self) = @_;
    my $pid = delete $self->{pid} or return;
    kill 'TERM', $pid;
    my $deadline = time + 10;
    while (time < $deadline) {
        return if waitpid($pid, WNOHANG) == $pid;
        sleep 0.05;
    }
    kill 'KILL', -$pid;
    kill 'KILL', $pid;
    waitpid($pid, 0);
}

sub reload {
    my ($self) = @_;
    kill 'HUP', $self->{pid} if $self->{pid};
}

sub DESTROY {
    local ($?, $@, $!);
    $_[0]->stop;
}

1;
