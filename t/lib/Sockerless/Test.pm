package Sockerless::Test;

# A small test library for ngx_sockerless, in the spirit of nginx-tests:
# each test file starts its own nginx with the module from a config
# template, talks to it with the real docker CLI or raw HTTP, and compares
# with the private dockerd of tools/testenv where the output is
# deterministic.
#
# Environment (tools/testenv env prints it; when DOCKER_SOCK is not set,
# $SOCKERLESS_TEST_DIR/env or /tmp/sockerless-test-<uid>/env is read):
#   DOCKER_SOCK, DOCKER_DIRECT_TCP, TEST_IMAGE, REGISTRY, REGISTRY_AUTH,
#   REGISTRY_USER, REGISTRY_PASSWORD
# Knobs:
#   SOCKERLESS_MODULE           the .so (default build/ngx_http_sockerless_module.so)
#   SOCKERLESS_TEST_REFERENCE=1 run the CLI tests against dockerd's own
#                               TCP listener instead of nginx (checks the
#                               tests themselves; module-only tests skip)
#   SOCKERLESS_TEST_KEEP=1      keep nginx temp dirs (paths in diag)
#   SOCKERLESS_TEST_VERBOSE=1   print every docker command and its result

use strict;
use warnings;

use Test::More ();
use Exporter ();
our @ISA = qw(Exporter);
use Cwd qw(abs_path);
use File::Basename qw(dirname);
use File::Temp qw(tempdir);
use File::Path qw(remove_tree);
use IO::Socket::INET;
use IO::Socket::UNIX;
use IO::Select;
use IPC::Open3 qw(open3);
use POSIX qw(:sys_wait_h setsid);
use Socket qw(SHUT_WR SOCK_STREAM);
use Symbol qw(gensym);
use Time::HiRes qw(time sleep);
use JSON::PP ();

our @EXPORT = qw(
    start_nginx current_nginx reference_mode module_only
    docker docker_via docker_direct run_cmd spawn_cmd docker_spawn
    docker_spawn_via
    http_raw http_request parse_response unix_request
    unique_name cleanup_container cleanup_image cleanup_network
    cleanup_volume cleanup_later wait_until
    decode_json encode_json test_image registry registry_auth
    unix_forwarder docker_bin url_encode run_detached tar_bytes $ROOT
);

our $ROOT = abs_path(dirname(__FILE__) . '/../../..');
our $NGINX = $ENV{SOCKERLESS_NGINX} || '/usr/sbin/nginx';
our $MODULE = $ENV{SOCKERLESS_MODULE}
    || "$ROOT/build/ngx_http_sockerless_module.so";

my $JSON = JSON::PP->new->utf8->canonical->allow_nonref;
sub decode_json { $JSON->decode($_[0]) }
sub encode_json { $JSON->encode($_[0]) }

my @NGINXES;       # live instances, stopped at END
my $CURRENT;       # what docker() talks to
my @CLEANUP;       # [kind, name], removed through dockerd directly at END
my $SEQ = 0;
my $DOCKER_CONFIG; # a private ~/.docker for every CLI call
my $MAIN_PID = $$; # a forked child must not stop nginx or clean up

sub reference_mode { $ENV{SOCKERLESS_TEST_REFERENCE} ? 1 : 0 }

# --- environment ----------------------------------------------------------

sub _load_env {
    return if $ENV{DOCKER_SOCK};
    my $dir = $ENV{SOCKERLESS_TEST_DIR} || "/tmp/sockerless-test-$<";
    open my $fh, '<', "$dir/env" or return;
    while (<$fh>) {
        $ENV{$1} = $2 if /^export (\w+)='([^']*)'$/;
    }
}

sub _check_env {
    _load_env();
    my $why;
    if (!$ENV{DOCKER_SOCK} || !-S $ENV{DOCKER_SOCK}) {
        $why = 'no test environment (tools/testenv start)';
    } elsif (!unix_request('GET', '/_ping')) {
        $why = "dockerd does not answer on $ENV{DOCKER_SOCK}";
    } elsif (!reference_mode() && !-f $MODULE) {
        $why = "$MODULE is missing (make build)";
    }
    if ($why) {
        # under make test the environment is always there: failing
        # loudly beats skipping silently
        if ($ENV{SOCKERLESS_TEST_REQUIRED}) {
            Test::More::BAIL_OUT($why);
        }
        Test::More::plan(skip_all => $why);
    }
}

# use Sockerless::Test;          checks the environment (skip_all
#                                without it), imports Test::More and
#                                everything in @EXPORT
# use Sockerless::Test ':noenv';  no environment check
sub import {
    my ($class, @args) = @_;
    my $noenv = grep { $_ eq ':noenv' } @args;
    @args = grep { $_ ne ':noenv' } @args;
    my $caller = caller;
    eval "package $caller; use Test::More; 1" or die $@;
    _check_env() unless $noenv;
    $class->export_to_level(1, $class, @args);
}

sub test_image { $ENV{TEST_IMAGE} || 'sockerless-test:latest' }
sub registry { $ENV{REGISTRY} || '127.0.0.1:5000' }
sub registry_auth { $ENV{REGISTRY_AUTH} || '127.0.0.1:5001' }

# a whole file that tests the module itself, not dockerd behind it
sub module_only {
    Test::More::plan(skip_all => 'module-only test (reference mode)')
        if reference_mode();
}

# --- nginx ----------------------------------------------------------------

sub _free_port {
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

# start_nginx(%opts): a fresh nginx with the module.
#   http     => extra lines in http {}
#   server   => extra lines in server {}
#   location => extra lines in location / {}
#   upstream_keepalive => N (default 16; 0: no keepalive directive)
#   upstream_server    => "unix:/path" (default unix:$DOCKER_SOCK)
#   pass     => argument of sockerless_pass (default "dockerd")
#   log_format => access log format (default: with $sockerless_* vars)
#   workers  => N worker processes (default 1)
#   current  => 0 to not make it the target of docker()
sub start_nginx {
    my (%o) = @_;
    my $self = bless { opts => \%o }, __PACKAGE__;

    if (reference_mode() && !$o{force_module}) {
        my ($port) = ($ENV{DOCKER_DIRECT_TCP} || '') =~ /:(\d+)$/;
        @$self{qw(port reference)} = ($port, 1);
        $CURRENT = $self if $o{current} // 1;
        return $self;
    }

    my $dir = tempdir('sockerless-nginx-XXXXXX', TMPDIR => 1,
        CLEANUP => !$ENV{SOCKERLESS_TEST_KEEP});
    my $port = $o{port} || _free_port();
    my $keepalive = $o{upstream_keepalive} // 16;
    my $server = $o{upstream_server} || "unix:$ENV{DOCKER_SOCK}";
    my $pass = $o{pass} || 'dockerd';
    my $workers = $o{workers} || 1;
    my $log_format = $o{log_format}
        || '$remote_addr "$request" $status $body_bytes_sent '
         . 'op=$sockerless_op v=$sockerless_api_version '
         . 'obj=$sockerless_object conn=$connection '
         . 'uct=$upstream_connect_time ua=$upstream_addr rt=$request_time';
    $log_format =~ s/'/\\'/g;

    my $conf = <<"EOF";
load_module $MODULE;

daemon off;
master_process on;
worker_processes $workers;
# the worker connects to dockerd's root-owned socket
user root;
pid $dir/nginx.pid;
error_log $dir/error.log debug;

events {
    worker_connections 1024;
}

http {
    log_format sockerless '$log_format';
    access_log $dir/access.log sockerless;

    client_body_temp_path $dir/client_body_temp;
    proxy_temp_path $dir/proxy_temp;
    fastcgi_temp_path $dir/fastcgi_temp;
    uwsgi_temp_path $dir/uwsgi_temp;
    scgi_temp_path $dir/scgi_temp;

    upstream dockerd {
        server $server;
@{[ $keepalive ? "        keepalive $keepalive;" : '' ]}
    }

@{[ $o{http} // '' ]}

    server {
        listen 127.0.0.1:$port;
        client_max_body_size 0;
@{[ $o{server} // '' ]}

        location / {
            sockerless_pass $pass;
@{[ $o{location} // '' ]}
        }
    }
}
EOF
    open my $fh, '>', "$dir/nginx.conf" or die "$dir/nginx.conf: $!";
    print $fh $conf;
    close $fh;

    @$self{qw(dir port conf)} = ($dir, $port, $conf);

    my $pid = fork // die "fork: $!";
    if ($pid == 0) {
        setsid();
        open STDIN, '<', '/dev/null';
        open STDOUT, '>', "$dir/stderr.log";
        open STDERR, '>&', \*STDOUT;
        exec $NGINX, '-p', "$dir/", '-c', "$dir/nginx.conf";
        exit 127;
    }
    $self->{pid} = $pid;
    push @NGINXES, $self;

    my $deadline = time + 10;
    while (time < $deadline) {
        last if _port_open($port);
        if (waitpid($pid, WNOHANG) == $pid) {
            delete $self->{pid};
            my $err = $self->_read('stderr.log') . $self->error_log;
            Test::More::diag("nginx failed to start:\n$err");
            die "nginx failed to start: $err";
        }
        sleep 0.05;
    }
    die "nginx did not listen on 127.0.0.1:$port\n" . $self->error_log
        unless _port_open($port);
    $CURRENT = $self if $o{current} // 1;
    Test::More::diag("nginx in $dir") if $ENV{SOCKERLESS_TEST_KEEP};
    return $self;
}

sub current_nginx { $CURRENT }

sub port { $_[0]{port} }
sub url { 'http://127.0.0.1:' . $_[0]{port} }
sub docker_host { 'tcp://127.0.0.1:' . $_[0]{port} }
sub dir { $_[0]{dir} }
sub is_reference { $_[0]{reference} }

sub _read {
    my ($self, $name) = @_;
    return '' unless $self->{dir};
    open my $fh, '<', "$self->{dir}/$name" or return '';
    local $/;
    return scalar <$fh> // '';
}

sub error_log { $_[0]->_read('error.log') }
sub access_log { $_[0]->_read('access.log') }

# reopen-free truncation, to look at what one step logged
sub mark_logs {
    my ($self) = @_;
    $self->{mark_error} = length $self->error_log;
    $self->{mark_access} = length $self->access_log;
}
sub error_log_since { substr($_[0]->error_log, $_[0]{mark_error} // 0) }
sub access_log_since { substr($_[0]->access_log, $_[0]{mark_access} // 0) }

sub stop {
    my ($self) = @_;
    return if $$ != $MAIN_PID;
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

sub DESTROY {
    local ($?, $@, $!);
    $_[0]->stop;
}

# --- commands -------------------------------------------------------------

sub docker_bin {
    return $ENV{SOCKERLESS_DOCKER_CLI} if $ENV{SOCKERLESS_DOCKER_CLI};
    return -x '/usr/local/bin/docker' ? '/usr/local/bin/docker'
                                       : '/usr/bin/docker';
}

# run_cmd(\%opts, @cmd): (exit code, stdout, stderr)
#   stdin => bytes, timeout => seconds (default 60), env => {K => V}
# The exit code is -1 on a timeout (stderr then says so).
sub run_cmd {
    my $o = ref $_[0] eq 'HASH' ? shift : {};
    my @cmd = @_;
    my $timeout = $o->{timeout} // 60;

    my ($in, $out, $err) = (gensym, gensym, gensym);
    my $pid;
    {
        local %ENV = (%ENV, %{ $o->{env} || {} });
        delete $ENV{$_} for grep { !defined $ENV{$_} } keys %ENV;
        $pid = open3($in, $out, $err, @cmd);
    }
    my $stdin = $o->{stdin} // '';
    my $sel_r = IO::Select->new($out, $err);
    my $sel_w = IO::Select->new;
    if (length $stdin) {
        $sel_w->add($in);
        $in->blocking(0);
    } else {
        close $in;
    }
    my %buf = ($out => '', $err => '');
    my $deadline = time + $timeout;
    my $timed_out = 0;
    local $SIG{PIPE} = 'IGNORE';

    while ($sel_r->count || $sel_w->count) {
        my $left = $deadline - time;
        if ($left <= 0) {
            $timed_out = 1;
            last;
        }
        my ($r, $w) = IO::Select::select($sel_r, $sel_w, undef,
            $left < 0.5 ? $left : 0.5);
        for my $fh (@{ $w || [] }) {
            my $n = syswrite($fh, $stdin, 65536);
            if (!defined $n) {
                next if $!{EAGAIN};
                $stdin = '';
            } else {
                substr($stdin, 0, $n, '');
            }
            if (!length $stdin) {
                $sel_w->remove($fh);
                close $fh;
            }
        }
        for my $fh (@{ $r || [] }) {
            my $n = sysread($fh, my $chunk, 65536);
            if ($n) {
                $buf{$fh} .= $chunk;
            } else {
                $sel_r->remove($fh);
            }
        }
    }
    if ($timed_out) {
        kill 'KILL', $pid;
        waitpid($pid, 0);
        return (-1, $buf{$out},
            $buf{$err} . "\n[timed out after ${timeout}s: @cmd]\n");
    }
    waitpid($pid, 0);
    my $rc = $? & 127 ? 128 + ($? & 127) : $? >> 8;
    return ($rc, $buf{$out}, $buf{$err});
}

# spawn_cmd(\%opts, @cmd): a background command with pipes.
# Returns an object: ->read_until(qr//, $timeout), ->output, ->stop.
sub spawn_cmd {
    my $o = ref $_[0] eq 'HASH' ? shift : {};
    my @cmd = @_;
    my ($in, $out) = (gensym, gensym);
    my $pid;
    {
        local %ENV = (%ENV, %{ $o->{env} || {} });
        delete $ENV{$_} for grep { !defined $ENV{$_} } keys %ENV;
        # stderr into stdout: one ordered stream
        $pid = open3($in, $out, undef, @cmd);
    }
    if (defined $o->{stdin}) {
        print $in $o->{stdin};
    }
    close $in unless $o->{keep_stdin};
    return bless { pid => $pid, out => $out, in => $in, buf => '',
        start => time, cmd => "@cmd" }, 'Sockerless::Test::Proc';
}

sub _docker_env {
    my ($host, $extra) = @_;
    $DOCKER_CONFIG //= tempdir('sockerless-cli-XXXXXX', TMPDIR => 1,
        CLEANUP => 1);
    return {
        DOCKER_HOST => $host,
        DOCKER_CONFIG => $DOCKER_CONFIG,
        DOCKER_CONTEXT => undef,
        DOCKER_TLS_VERIFY => undef,
        DOCKER_CERT_PATH => undef,
        DOCKER_API_VERSION => undef,
        DOCKER_CLI_HINTS => 'false',
        DOCKER_BUILDKIT => '0',
        %{ $extra || {} },
    };
}

# docker_via($host, [\%opts,] @args): (exit code, stdout, stderr)
sub docker_via {
    my $host = shift;
    my $o = ref $_[0] eq 'HASH' ? { %{ shift() } } : {};
    my @args = @_;
    $o->{env} = _docker_env($host, $o->{env});
    my @r = run_cmd($o, docker_bin(), @args);
    if ($ENV{SOCKERLESS_TEST_VERBOSE}) {
        Test::More::diag("docker @args -> $r[0]\n"
            . "stdout: $r[1]\nstderr: $r[2]");
    }
    return @r;
}

sub docker {
    die "docker(): no nginx started" unless $CURRENT;
    return docker_via($CURRENT->docker_host, @_);
}

# docker_spawn([\%opts,] @args): the docker CLI in the background
# (stdout and stderr in one pipe), see spawn_cmd
sub docker_spawn_via {
    my $host = shift;
    my $o = ref $_[0] eq 'HASH' ? { %{ shift() } } : {};
    $o->{env} = _docker_env($host, $o->{env});
    return spawn_cmd($o, docker_bin(), @_);
}

sub docker_spawn {
    die "docker_spawn(): no nginx started" unless $CURRENT;
    return docker_spawn_via($CURRENT->docker_host, @_);
}

sub docker_direct {
    return docker_via("unix://$ENV{DOCKER_SOCK}", @_);
}

sub Sockerless::Test::Proc::read_until {
    my ($self, $re, $timeout) = @_;
    my $deadline = time + ($timeout // 10);
    my $sel = IO::Select->new($self->{out});
    while ($self->{buf} !~ $re) {
        my $left = $deadline - time;
        return 0 if $left <= 0 || $self->{eof};
        next unless $sel->can_read($left);
        my $n = sysread($self->{out}, my $chunk, 65536);
        if ($n) {
            $self->{buf} .= $chunk;
        } else {
            $self->{eof} = 1;
        }
    }
    return 1;
}

sub Sockerless::Test::Proc::output { $_[0]{buf} }

sub Sockerless::Test::Proc::write {
    my ($self, $data) = @_;
    syswrite($self->{in}, $data);
}

sub Sockerless::Test::Proc::close_stdin { close $_[0]{in} }

# waits for the end, returns the exit code (-1: killed after timeout)
sub Sockerless::Test::Proc::wait {
    my ($self, $timeout) = @_;
    my $deadline = time + ($timeout // 10);
    while (time < $deadline) {
        $self->read_until(qr/\z(?!)/, 0.1) unless $self->{eof};
        if (waitpid($self->{pid}, WNOHANG) == $self->{pid}) {
            my $st = $?;
            $self->read_until(qr/\z(?!)/, 1) unless $self->{eof};
            delete $self->{pid};
            return $st & 127 ? 128 + ($st & 127) : $st >> 8;
        }
    }
    $self->stop;
    return -1;
}

sub Sockerless::Test::Proc::stop {
    my ($self) = @_;
    return if $$ != $MAIN_PID;
    my $pid = delete $self->{pid} or return;
    kill 'TERM', $pid;
    for (1 .. 50) {
        return if waitpid($pid, WNOHANG) == $pid;
        sleep 0.05;
    }
    kill 'KILL', $pid;
    waitpid($pid, 0);
}

sub Sockerless::Test::Proc::DESTROY {
    local ($?, $@, $!);
    $_[0]->stop;
}

# --- raw HTTP -------------------------------------------------------------

# http_raw($port, $bytes, %opts): everything the server sends back.
#   shutdown => 1   half-close (SHUT_WR) after sending
#   timeout  => s   read timeout (default 10): stop when nothing comes
#   until    => qr  stop reading as soon as the bytes match
#   sock     => a UNIX socket path instead of a port
#   chunks   => [bytes, ...] sent one by one after $bytes, with
#   delay    => s between them
sub http_raw {
    my ($port, $req, %o) = @_;
    my $s = $o{sock}
        ? IO::Socket::UNIX->new(Peer => $o{sock}, Type => SOCK_STREAM)
        : IO::Socket::INET->new(PeerAddr => "127.0.0.1:$port",
            Timeout => 5);
    return undef unless $s;
    local $SIG{PIPE} = 'IGNORE';
    $s->autoflush(1);
    _write_all($s, $req);
    for my $c (@{ $o{chunks} || [] }) {
        sleep $o{delay} if $o{delay};
        _write_all($s, $c);
    }
    $s->shutdown(SHUT_WR) if $o{shutdown};
    my $timeout = $o{timeout} // 10;
    my $sel = IO::Select->new($s);
    my $resp = '';
    my $deadline = time + ($o{total} // 60);
    while (time < $deadline) {
        last if $o{until} && $resp =~ $o{until};
        last unless $sel->can_read($timeout);
        my $n = sysread($s, my $buf, 65536);
        last unless $n;
        $resp .= $buf;
    }
    close $s;
    return $resp;
}

sub _write_all {
    my ($s, $data) = @_;
    while (length $data) {
        my $n = syswrite($s, $data);
        return unless defined $n;
        substr($data, 0, $n, '');
    }
}

# http_request($port, $method, $path, %opts): (status, \%headers, body)
#   headers => [name => value, ...], body => bytes, chunked => 1,
#   sock => unix path (then $port is ignored)
sub http_request {
    my ($port, $method, $path, %o) = @_;
    my $body = $o{body};
    my @h = @{ $o{headers} || [] };
    my $req = "$method $path HTTP/1.1\r\nHost: localhost\r\n"
        . "Connection: close\r\n";
    while (my ($k, $v) = splice @h, 0, 2) {
        $req .= "$k: $v\r\n";
    }
    if (defined $body) {
        if ($o{chunked}) {
            $req .= "Transfer-Encoding: chunked\r\n\r\n";
            my $size = $o{chunk_size} || 4096;
            for (my $i = 0; $i < length $body; $i += $size) {
                my $c = substr($body, $i, $size);
                $req .= sprintf("%x\r\n", length $c) . $c . "\r\n";
            }
            $req .= "0\r\n\r\n";
        } else {
            $req .= 'Content-Length: ' . length($body) . "\r\n\r\n$body";
        }
    } else {
        $req .= "\r\n";
    }
    my $resp = http_raw($port, $req, %o);
    return parse_response($resp);
}

# parse_response($bytes): (status, \%headers (lower-case names), body)
# A chunked body is decoded.
sub parse_response {
    my ($resp) = @_;
    return (0, {}, '') unless defined $resp && length $resp;
    my ($head, $body) = split /\r\n\r\n/, $resp, 2;
    $body //= '';
    my ($status_line, @lines) = split /\r\n/, $head;
    my ($status) = $status_line =~ m{^HTTP/\d\.\d (\d{3})};
    my %h;
    for (@lines) {
        my ($k, $v) = /^([^:]+):\s*(.*)$/ or next;
        $k = lc $k;
        $h{$k} = exists $h{$k} ? "$h{$k}, $v" : $v;
    }
    if (($h{'transfer-encoding'} || '') =~ /chunked/i) {
        my $out = '';
        while ($body =~ s/^([0-9a-fA-F]+)[^\r\n]*\r\n//) {
            my $n = hex $1;
            last if $n == 0;
            $out .= substr($body, 0, $n, '');
            $body =~ s/^\r\n//;
        }
        $body = $out;
    }
    return ($status // 0, \%h, $body);
}

# unix_request($method, $path, %opts): the same, to dockerd's socket
sub unix_request {
    my ($method, $path, %o) = @_;
    my @r = http_request(0, $method, $path, sock => $ENV{DOCKER_SOCK},
        timeout => 30, %o);
    return wantarray ? @r : $r[0] == 200;
}

# --- a counting forwarder between nginx and dockerd ------------------------

# unix_forwarder($target_socket): a child process listening on a new
# UNIX socket, relaying every connection to $target_socket and counting
# accepted connections.  ->path, ->accepted, ->stop.
sub unix_forwarder {
    my ($target) = @_;
    my $dir = tempdir('sockerless-fwd-XXXXXX', TMPDIR => 1, CLEANUP => 1);
    my $path = "$dir/fwd.sock";
    my $count = "$dir/count";
    my $l = IO::Socket::UNIX->new(Local => $path, Listen => 128,
        Type => SOCK_STREAM) or die "$path: $!";
    chmod 0666, $path;
    my $pid = fork // die "fork: $!";
    if ($pid == 0) {
        $SIG{PIPE} = 'IGNORE';
        my $n = 0;
        my $sel = IO::Select->new($l);
        my %peer;
        while (1) {
            for my $fh ($sel->can_read) {
                if ($fh == $l) {
                    my $c = $l->accept or next;
                    my $u = IO::Socket::UNIX->new(Peer => $target,
                        Type => SOCK_STREAM);
                    unless ($u) { close $c; next; }
                    $n++;
                    open my $cf, '>', "$count.tmp";
                    print $cf $n;
                    close $cf;
                    rename "$count.tmp", $count;
                    @peer{$c, $u} = ($u, $c);
                    $sel->add($c, $u);
                    next;
                }
                my $other = $peer{$fh} or next;
                my $r = sysread($fh, my $buf, 65536);
                if ($r) {
                    _write_all($other, $buf);
                } else {
                    $sel->remove($fh, $other);
                    delete @peer{$fh, $other};
                    close $fh;
                    close $other;
                }
            }
        }
        exit 0;
    }
    close $l;
    return bless { pid => $pid, path => $path, count => $count,
        dir => $dir }, 'Sockerless::Test::Forwarder';
}

sub Sockerless::Test::Forwarder::path { $_[0]{path} }

sub Sockerless::Test::Forwarder::accepted {
    open my $fh, '<', $_[0]{count} or return 0;
    return 0 + (<$fh> // 0);
}

sub Sockerless::Test::Forwarder::stop {
    return if $$ != $MAIN_PID;
    my $pid = delete $_[0]{pid} or return;
    kill 'KILL', $pid;
    waitpid($pid, 0);
}

sub Sockerless::Test::Forwarder::DESTROY {
    local ($?, $@, $!);
    $_[0]->stop;
}

# --- names and cleanup ----------------------------------------------------

sub unique_name {
    my ($what) = @_;
    my $base = $0;
    $base =~ s{.*/}{};
    $base =~ s/\.t$//;
    $base =~ s/[^a-z0-9]+/-/gi;
    return lc(sprintf 'slt-%s-%s-%d-%d', $base, $what // 'x', $$, ++$SEQ);
}

sub cleanup_later { push @CLEANUP, [@_] }
sub cleanup_container { cleanup_later(container => $_) for @_; $_[0] }
sub cleanup_image { cleanup_later(image => $_) for @_; $_[0] }
sub cleanup_network { cleanup_later(network => $_) for @_; $_[0] }
sub cleanup_volume { cleanup_later(volume => $_) for @_; $_[0] }

sub _cleanup {
    my %cmd = (
        container => [qw(rm -f -v)],
        image     => [qw(rmi -f)],
        network   => [qw(network rm)],
        volume    => [qw(volume rm -f)],
        service   => [qw(service rm)],
        swarm     => [qw(swarm leave --force)],
    );
    # containers first: they hold images, networks and volumes
    my %order = (service => 0, container => 1, network => 2, volume => 3,
        image => 4, swarm => 5);
    for my $c (sort { $order{$a->[0]} <=> $order{$b->[0]} } @CLEANUP) {
        my ($kind, $name) = @$c;
        if ($kind eq 'network') {
            # endpoints dockerd may keep after the container went away
            my ($rc, $out) = docker_direct('network', 'inspect', '--format',
                '{{range .Containers}}{{.Name}} {{end}}', $name);
            docker_direct('network', 'disconnect', '--force', $name, $_)
                for $rc == 0 ? split ' ', $out : ();
        }
        docker_direct({ timeout => 30 }, @{ $cmd{$kind} },
            $kind eq 'swarm' ? () : $name);
    }
    @CLEANUP = ();
}

sub url_encode {
    my ($s) = @_;
    $s =~ s/([^A-Za-z0-9\-._~])/sprintf('%%%02X', ord $1)/ge;
    return $s;
}

# tar_bytes(name => content, ...): an uncompressed tar archive
sub tar_bytes {
    my (@files) = @_;
    require Archive::Tar;
    my $tar = Archive::Tar->new;
    while (my ($name, $data) = splice @files, 0, 2) {
        $tar->add_data($name, $data, { mode => 0644 });
    }
    return $tar->write;
}

# run_detached(@run_args): docker run -d + wait + logs, no attach
# (no hijacked connection).  (exit code, stdout, stderr, name); the
# container is removed at the end of the test.
sub run_detached {
    my (@args) = @_;
    my $name = unique_name('run');
    cleanup_container($name);
    my ($rc, $out, $err) = docker('run', '-d', '--name', $name, @args);
    return (undef, '', $err, $name) if $rc;
    ($rc, my $code, $err) = docker('wait', $name);
    return (undef, '', $err, $name) if $rc;
    ($rc, $out, $err) = docker('logs', $name);
    chomp $code;
    return ($code, $out, $err, $name);
}

# wait_until(sub { ... }, $timeout): true when the sub returned true
sub wait_until {
    my ($cb, $timeout, $step) = @_;
    my $deadline = time + ($timeout // 10);
    while (1) {
        my $r = $cb->();
        return $r if $r;
        return 0 if time >= $deadline;
        sleep($step // 0.1);
    }
}

END {
    local ($?, $@, $!);
    return if $$ != $MAIN_PID;
    _cleanup() if $ENV{DOCKER_SOCK} && @CLEANUP;
    $_->stop for @NGINXES;
    @NGINXES = ();
}

1;
