package Sockerless::Test;

# The test library of ngx_sockerless, in the spirit of nginx-tests: each
# test file starts its own nginx with the module from a config it shows,
# talks to it with the real docker CLI or raw HTTP, and compares with the
# private dockerd of tools/testenv where the output is deterministic.
#
#   nginx        start_nginx (a template with a few lines of the test's),
#                start_conf (a whole config), one Sockerless::Test::Nginx
#                object for both: logs, mark_logs, *_since, reload, stop
#   clients      docker, docker_via, docker_direct, docker_spawn,
#                docker_sh, for_each_cli (the tests with every installed
#                docker CLI); raw_open (one raw HTTP connection) and its
#                wrappers http_raw, raw_exchange, http_request; api (JSON
#                requests), json_message
#   data blocks  blocks, run_blocks: request/response tables in the
#                __DATA__ section of a test file
#   after a file every nginx it started is stopped and its error logs
#                are checked: an [alert], [crit] or [emerg] line fails
#
# Environment (tools/testenv env prints it; when DOCKER_SOCK is not set,
# $SOCKERLESS_TEST_DIR/env or /tmp/sockerless-test-<uid>/env is read):
#   DOCKER_SOCK, DOCKER_DIRECT_TCP, TEST_IMAGE, REGISTRY, REGISTRY_AUTH,
#   REGISTRY_USER, REGISTRY_PASSWORD
# Knobs:
#   SOCKERLESS_MODULE           the .so (default build/ngx_http_sockerless_module.so)
#   SOCKERLESS_NGINX            the nginx binary (default /usr/sbin/nginx)
#   SOCKERLESS_DOCKER_CLI       the one docker CLI to use
#   SOCKERLESS_TEST_REFERENCE=1 run the CLI tests against dockerd's own
#                               TCP listener instead of nginx (checks the
#                               tests themselves; module-only tests skip)
#   SOCKERLESS_TEST_KEEP=1      keep nginx temp dirs (paths in diag)
#   SOCKERLESS_TEST_VERBOSE=1   print every docker command and its result
#   SOCKERLESS_TEST_FILE_TIMEOUT a file still running after this many
#                               seconds (default 600; 0: none) fails and
#                               ends, its END blocks stopping what it
#                               started

use strict;
use warnings;

use Test::More ();
use Test2::API ();
use Exporter ();
our @ISA = qw(Exporter);
use Cwd qw(abs_path);
use File::Basename qw(dirname);
use File::Temp qw(tempdir);
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
    start_nginx start_conf nginx_conf current_nginx reference_mode
    module_only free_port
    docker docker_via docker_direct run_cmd spawn_cmd docker_spawn
    docker_spawn_via docker_sh docker_env docker_bin for_each_cli
    raw_open raw_connect raw_exchange http_raw http_request
    parse_response unix_request api json_message
    blocks run_blocks
    unique_name cleanup_container cleanup_image cleanup_network
    cleanup_volume cleanup_later wait_until swarm_init_direct
    decode_json encode_json test_image registry registry_auth
    unix_forwarder url_encode run_detached tar_bytes random_bytes $ROOT
);

our $ROOT = abs_path(dirname(__FILE__) . '/../../..');
our $NGINX = $ENV{SOCKERLESS_NGINX} || '/usr/sbin/nginx';
our $MODULE = $ENV{SOCKERLESS_MODULE}
    || "$ROOT/build/ngx_http_sockerless_module.so";

my $JSON = JSON::PP->new->utf8->canonical->allow_nonref;
sub decode_json { $JSON->decode($_[0]) }
sub encode_json { $JSON->encode($_[0]) }

my @NGINXES;       # every instance started, checked after the file
my $CURRENT;       # what docker() talks to
my @CLEANUP;       # [kind, name], removed through dockerd directly at END
my $SEQ = 0;
my $DOCKER_CONFIG; # a private ~/.docker for every CLI call
our $MAIN_PID = $$; # a forked child must not stop nginx or clean up

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
    _watchdog() unless $noenv;
    $class->export_to_level(1, $class, @args);
}

# a process of its own that sends the file SIGUSR2 once the file has run
# SOCKERLESS_TEST_FILE_TIMEOUT seconds; it holds none of the file's
# descriptors (prove reads to EOF) and ends when the file does
my $WATCHDOG;

sub _watchdog {
    my $limit = $ENV{SOCKERLESS_TEST_FILE_TIMEOUT} // 600;
    return if $WATCHDOG || !$limit || $$ != $MAIN_PID;
    my $file = $0;
    $SIG{USR2} = sub {
        return if $$ != $MAIN_PID;
        Test::More::fail("$file still running after $limit s "
            . '(SOCKERLESS_TEST_FILE_TIMEOUT)');
        Test::More::done_testing();
        exit 124;
    };
    my $pid = fork // return;
    if ($pid == 0) {
        POSIX::close($_) for 0 .. 1023;
        my $end = time + $limit;
        while (time < $end) {
            POSIX::_exit(0) unless kill 0, $MAIN_PID;
            sleep 1;
        }
        kill 'USR2', $MAIN_PID;
        POSIX::_exit(0);
    }
    $WATCHDOG = $pid;
}

sub test_image { $ENV{TEST_IMAGE} || 'sockerless-test:latest' }
sub registry { $ENV{REGISTRY} || '127.0.0.1:5000' }
sub registry_auth { $ENV{REGISTRY_AUTH} || '127.0.0.1:5001' }

# a whole file that tests the module itself, not dockerd behind it
sub module_only {
    Test::More::plan(skip_all => 'module-only test (reference mode)')
        if reference_mode();
}

sub free_port {
    my $s = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => 0,
        Listen => 1, ReuseAddr => 1) or die "no free port: $!";
    my $port = $s->sockport;
    close $s;
    return $port;
}

# --- processes ------------------------------------------------------------

# reap($pid, $signal, $grace): the signal, up to $grace seconds for the
# process to exit, then SIGKILL (to its process group too with $group)
sub reap {
    my ($pid, $signal, $grace, $group) = @_;
    if ($signal ne 'KILL') {
        kill $signal, $pid;
        my $deadline = time + $grace;
        while (time < $deadline) {
            return if waitpid($pid, WNOHANG) == $pid;
            sleep 0.05;
        }
    }
    kill 'KILL', -$pid if $group;
    kill 'KILL', $pid;
    waitpid($pid, 0);
}

# A child process of the test: ->stop ends it ($self->{pid}) with
# stop_signal (TERM) and stop_grace seconds (10), also when the object
# goes away; a forked copy of the test never stops it.  after_stop runs
# once it is gone.
package Sockerless::Test::Child;

sub stop_signal { 'TERM' }
sub stop_grace { 10 }
sub after_stop { }

sub stop {
    my ($self) = @_;
    return if $$ != $Sockerless::Test::MAIN_PID;
    my $pid = delete $self->{pid} or return;
    Sockerless::Test::reap($pid, $self->stop_signal, $self->stop_grace,
        $self->{group});
    $self->after_stop;
}

sub DESTROY {
    local ($?, $@, $!);
    $_[0]->stop;
}

package Sockerless::Test;

# --- nginx ----------------------------------------------------------------

# The boilerplate of every config: %%TEST_GLOBALS%% (main and events
# context) and %%TEST_GLOBALS_HTTP%% (logs, temp paths, upstream dockerd).
#   upstream_keepalive => N (default 16; 0: no keepalive directive)
#   upstream_server    => "unix:/path" (default unix:$DOCKER_SOCK)
#   log_format         => access log format (default: with $sockerless_*)
#   workers            => N worker processes (default 1)
sub _globals {
    my (%o) = @_;
    my $workers = $o{workers} || 1;
    return <<"EOF";
load_module %%MODULE%%;

master_process on;
worker_processes $workers;
# the worker connects to dockerd's root-owned socket
user root;
pid %%DIR%%/nginx.pid;
error_log %%DIR%%/error.log debug;

events {
    worker_connections 1024;
}
EOF
}

sub _globals_http {
    my (%o) = @_;
    my $keepalive = $o{upstream_keepalive} // 16;
    my $server = $o{upstream_server} || 'unix:%%DOCKER_SOCK%%';
    my $log_format = $o{log_format}
        || '$remote_addr "$request" $status $body_bytes_sent '
         . 'op=$sockerless_op v=$sockerless_api_version '
         . 'obj=$sockerless_object conn=$connection '
         . 'uct=$upstream_connect_time ua=$upstream_addr rt=$request_time';
    $log_format =~ s/'/\\'/g;
    return <<"EOF" . ($keepalive ? "        keepalive $keepalive;\n" : '')
    log_format sockerless '$log_format';
    access_log %%DIR%%/access.log sockerless;

    client_body_temp_path %%DIR%%/client_body_temp;
    proxy_temp_path %%DIR%%/proxy_temp;
    fastcgi_temp_path %%DIR%%/fastcgi_temp;
    uwsgi_temp_path %%DIR%%/uwsgi_temp;
    scgi_temp_path %%DIR%%/scgi_temp;

    upstream dockerd {
        server $server;
EOF
        . "    }\n";
}

# nginx_conf(%opts): the template of start_nginx, as text:
#   http     => lines in http {}
#   server   => lines in server {}
#   location => lines in location / {}
#   pass     => argument of sockerless_pass (default "dockerd")
sub nginx_conf {
    my (%o) = @_;
    my $pass = $o{pass} || 'dockerd';
    return <<"EOF";
%%TEST_GLOBALS%%

http {
%%TEST_GLOBALS_HTTP%%

@{[ $o{http} // '' ]}

    server {
        listen 127.0.0.1:%%PORT%%;
        client_max_body_size 0;
@{[ $o{server} // '' ]}

        location / {
            sockerless_pass $pass;
@{[ $o{location} // '' ]}
        }
    }
}
EOF
}

# start_nginx(%opts): start_conf(nginx_conf(%opts), %opts): a fresh
# nginx with the module, one listener, location / to dockerd.
sub start_nginx {
    my (%o) = @_;
    return start_conf(nginx_conf(%o), %o);
}

# start_conf($conf, %opts): nginx with this whole config, in the
# foreground, in a temp dir of its own; returns when it listens.
# Placeholders:
#   %%TEST_GLOBALS%% %%TEST_GLOBALS_HTTP%%   the boilerplate (above)
#   %%PORT%%, %%PORT_<name>%%   free ports (->port, ->port('name'))
#   %%DIR%% and @RUN_DIR@       the temp dir
#   %%MODULE%% %%DOCKER_SOCK%% %%REGISTRY%%, and %%NAME%% of vars
# Options:
#   vars     => { NAME => value }
#   listens  => [unix socket paths to wait for]
#   ports    => [TCP ports the config listens on itself, waited for]
#   mkdir    => [directories made in the temp dir first]
#   prefix   => [a command nginx runs under, e.g. unshare -n ...]
#   current  => 0 to not make it the target of docker()
#   ports    => { name => N }: the port of %%PORT_<name>%% (%%PORT%%:
#               the name ""), not a free one (an nginx started again)
#   force_module => 1 to start nginx in reference mode too
#   expect_alerts => [qr//]: [alert]/[crit]/[emerg] lines that this
#                   test provokes on purpose (see ->expect_alert)
# In reference mode (and not force_module): no nginx, ->port is
# dockerd's own TCP port.
sub start_conf {
    my ($conf, %o) = @_;
    my $self = bless { expect => [ @{ $o{expect_alerts} || [] } ] },
        'Sockerless::Test::Nginx';

    if (reference_mode() && !$o{force_module}) {
        my ($port) = ($ENV{DOCKER_DIRECT_TCP} || '') =~ /:(\d+)$/;
        @$self{qw(ports reference)} = ({ '' => $port }, 1);
        $CURRENT = $self if $o{current} // 1;
        return $self;
    }

    my $dir = tempdir('sockerless-nginx-XXXXXX', TMPDIR => 1,
        CLEANUP => !$ENV{SOCKERLESS_TEST_KEEP});
    chmod 0755, $dir;
    mkdir "$dir/$_" for @{ $o{mkdir} || [] };

    $conf =~ s/%%TEST_GLOBALS%%/_globals(%o)/e;
    $conf =~ s/%%TEST_GLOBALS_HTTP%%/_globals_http(%o)/e;
    # ports => { name => N }: %%PORT_name%% given; ports => [N, ...]:
    # ports the caller wrote into the configuration itself, waited for
    my $given = $o{ports} || {};
    my %ports = ref $given eq 'HASH' ? %$given : ();
    $conf =~ s{%%PORT(?:_(\w+))?%%}{$ports{$1 // ''} //= free_port()}ge;
    $ports{"_$_"} = $_ for ref $given eq 'ARRAY' ? @$given : ();
    my %vars = (MODULE => $MODULE, DIR => $dir,
        DOCKER_SOCK => $ENV{DOCKER_SOCK}, REGISTRY => registry(),
        %{ $o{vars} || {} });
    $conf =~ s/%%(\w+)%%/exists $vars{$1} ? $vars{$1} : "%%$1%%"/ge;
    $conf =~ s/\@RUN_DIR\@/$dir/g;
    die "start_conf: unknown placeholder $1" if $conf =~ /(%%\w+%%)/;

    open my $fh, '>', "$dir/nginx.conf" or die "$dir/nginx.conf: $!";
    print $fh $conf;
    close $fh;
    @$self{qw(dir conf ports listens)}
        = ($dir, $conf, \%ports, $o{listens} || []);

    my $pid = fork // die "fork: $!";
    if ($pid == 0) {
        setsid();
        open STDIN, '<', '/dev/null';
        open STDOUT, '>', "$dir/stderr.log";
        open STDERR, '>&', \*STDOUT;
        { exec @{ $o{prefix} || [] }, $NGINX, '-p', "$dir/",
            '-c', "$dir/nginx.conf", '-e', "$dir/startup.log",
            '-g', 'daemon off;' }
        POSIX::_exit(127);
    }
    @$self{qw(pid group)} = ($pid, 1);
    push @NGINXES, $self;

    my $deadline = time + 10;
    while (time < $deadline) {
        last if $self->_listening;
        if (waitpid($pid, WNOHANG) == $pid) {
            delete $self->{pid};
            # the failure is the test's: not another one of the logs
            @NGINXES = grep { $_ != $self } @NGINXES;
            my $err = join '', map { $self->read($_) }
                qw(stderr.log startup.log error.log);
            Test::More::diag("nginx failed to start:\n$err");
            die "nginx failed to start: $err";
        }
        sleep 0.05;
    }
    die "nginx does not listen on @{[ values %ports ]} "
        . "@{ $self->{listens} }\n" . $self->error_log
        unless $self->_listening;
    $CURRENT = $self if $o{current} // 1;
    Test::More::diag("nginx in $dir") if $ENV{SOCKERLESS_TEST_KEEP};
    return $self;
}

sub current_nginx { $CURRENT }

# after the file: every nginx stopped, one assertion on their error logs
Test2::API::test2_add_callback_testing_done(sub {
    return if $$ != $MAIN_PID || !grep { $_->{dir} } @NGINXES;
    my $plan = Test2::API::test2_stack()->top->plan // '';
    return if $plan eq 'SKIP';
    $_->stop for @NGINXES;
    my @bad = map { $_->alerts } @NGINXES;
    Test::More::ok(!@bad, sprintf 'error logs of %d nginx: no [alert], '
        . '[crit] or [emerg]', scalar grep { $_->{dir} } @NGINXES)
        or Test::More::diag(join "\n", @bad);
});

package Sockerless::Test::Nginx;

our @ISA = ('Sockerless::Test::Child');

use IO::Socket::INET;
use JSON::PP ();
use Time::HiRes qw(time sleep);

sub _listening {
    my ($self) = @_;
    for my $p (values %{ $self->{ports} }) {
        IO::Socket::INET->new(PeerAddr => "127.0.0.1:$p", Timeout => 1)
            or return 0;
    }
    for my $l (@{ $self->{listens} }) {
        return 0 unless -S $l;
    }
    return 1;
}

# ->port: the %%PORT%% of the config (in reference mode dockerd's);
# ->port('tls'): the %%PORT_tls%%
sub port {
    my ($self, $name) = @_;
    return $self->{ports}{$name // ''} // $self->{ports}{plain};
}
sub url { 'http://127.0.0.1:' . $_[0]->port }
sub docker_host { 'tcp://127.0.0.1:' . $_[0]->port }
sub dir { $_[0]{dir} }
sub conf { $_[0]{conf} }
sub is_reference { $_[0]{reference} }
sub master_pid { $_[0]{pid} }

# the listeners of nginx.conf.sample (start_sample)
sub tls_port { $_[0]->port('tls') }
sub plain_port { $_[0]->port('plain') }
sub tls_host { 'tcp://127.0.0.1:' . $_[0]->tls_port }
sub plain_host { 'tcp://127.0.0.1:' . $_[0]->plain_port }
sub certs { $_[0]{certs} }

sub read {
    my ($self, $name) = @_;
    return '' unless $self->{dir};
    open my $fh, '<', "$self->{dir}/$name" or return '';
    local $/;
    return scalar <$fh> // '';
}

sub error_log { $_[0]->read('error.log') }
sub access_log { $_[0]->read('access.log') }

# reopen-free truncation, to look at what one step logged
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

# SIGHUP to the master (nginx -s reload)
sub reload {
    my ($self) = @_;
    kill 'HUP', $self->{pid} if $self->{pid};
}

# ->expect_alert(qr//): an [alert], [crit] or [emerg] line of this
# pattern is what the test provokes (a socket that is not there), not
# a failure
sub expect_alert { push @{ $_[0]{expect} }, @_[1 .. $#_] }

# the [alert], [crit] and [emerg] lines of the logs that no
# expect_alert pattern matches, each "<dir>/<file>: <line>"
sub alerts {
    my ($self) = @_;
    return () unless $self->{dir};
    my @bad;
    for my $f (grep { /^(?:stderr|startup|.*error.*)\.log$/ }
               $self->log_files) {
        for my $line (split /\n/, $self->read($f)) {
            next unless $line =~ /\[(?:alert|crit|emerg)\]/;
            next if grep { $line =~ $_ } @{ $self->{expect} };
            push @bad, "$self->{dir}/$f: $line";
        }
    }
    return @bad;
}

package Sockerless::Test;

# --- commands -------------------------------------------------------------

sub docker_bin {
    return $ENV{SOCKERLESS_DOCKER_CLI} if $ENV{SOCKERLESS_DOCKER_CLI};
    return -x '/usr/local/bin/docker' ? '/usr/local/bin/docker'
                                       : '/usr/bin/docker';
}

# for_each_cli(sub { my ($cli, $label) = @_; ... }): the code once with
# each docker CLI, the newer one (/usr/local/bin/docker) and Debian's
# (/usr/bin/docker, docker.io 20.10), each test name prefixed with the
# CLI's "docker <major.minor>: "; a CLI that is not installed is one
# skipped test that says so.  With SOCKERLESS_DOCKER_CLI: that one only.
my %CLI_LABEL;
sub for_each_cli {
    my ($code) = @_;
    my @clis = $ENV{SOCKERLESS_DOCKER_CLI}
        ? ($ENV{SOCKERLESS_DOCKER_CLI})
        : ('/usr/local/bin/docker', '/usr/bin/docker');
    for my $cli (@clis) {
        SKIP: {
            Test::More::skip("no docker CLI at $cli", 1) unless -x $cli;
            my $label = $CLI_LABEL{$cli} //= do {
                my (undef, $v) = run_cmd({ timeout => 10 }, $cli,
                    '--version');
                $v =~ /version (\d+\.\d+)/ ? "docker $1" : $cli;
            };
            local $ENV{SOCKERLESS_DOCKER_CLI} = $cli;
            my $hub = Test2::API::test2_stack()->top;
            my $filter = $hub->filter(sub {
                my (undef, $e) = @_;
                if ($e->isa('Test2::Event::Ok')) {
                    $e->set_name("$label: " . ($e->name // ''));
                } elsif ($e->isa('Test2::Event::Diag')) {
                    my $m = $e->message // '';
                    $e->set_message($m)
                        if $m =~ s/^(\s*Failed test ')/$1$label: /;
                }
                return $e;
            });
            my $ok = eval { $code->($cli, $label); 1 };
            my $err = $@;
            $hub->unfilter($filter);
            die $err unless $ok;
        }
    }
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

# spawn_cmd(\%opts, @cmd): a background command with pipes (stderr in
# stdout: one ordered stream).  opts: env, stdin, keep_stdin.
# ->read_until(qr//, $timeout), ->output, ->write, ->close_stdin,
# ->wait($timeout), ->stop.
sub spawn_cmd {
    my $o = ref $_[0] eq 'HASH' ? shift : {};
    my @cmd = @_;
    my ($in, $out) = (gensym, gensym);
    my $pid;
    {
        local %ENV = (%ENV, %{ $o->{env} || {} });
        delete $ENV{$_} for grep { !defined $ENV{$_} } keys %ENV;
        $pid = open3($in, $out, undef, @cmd);
    }
    if (defined $o->{stdin}) {
        print $in $o->{stdin};
    }
    close $in unless $o->{keep_stdin};
    return bless { pid => $pid, fh => $out, in => $in, buf => '',
        eof => 0, start => time, cmd => "@cmd" }, 'Sockerless::Test::Proc';
}

# docker_env($host, \%extra): the environment of a docker CLI talking to
# $host, with the private config dir; DOCKER is the CLI binary (for
# docker_sh scripts)
sub docker_env {
    my ($host, $extra) = @_;
    $DOCKER_CONFIG //= tempdir('sockerless-cli-XXXXXX', TMPDIR => 1,
        CLEANUP => 1);
    return {
        DOCKER => docker_bin(),
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
    $o->{env} = docker_env($host, $o->{env});
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
    $o->{env} = docker_env($host, $o->{env});
    return spawn_cmd($o, docker_bin(), @_);
}

sub docker_spawn {
    die "docker_spawn(): no nginx started" unless $CURRENT;
    return docker_spawn_via($CURRENT->docker_host, @_);
}

sub docker_direct {
    return docker_via("unix://$ENV{DOCKER_SOCK}", @_);
}

# docker_sh($host, $script, \%opts): (exit code, stdout, stderr) of
# `sh -c $script` where "$DOCKER" is the docker CLI talking to $host;
# opts as run_cmd (stdin, timeout, env)
sub docker_sh {
    my ($host, $script, $o) = @_;
    my %o = %{ $o || {} };
    $o{env} = docker_env($host, $o{env});
    return run_cmd(\%o, 'sh', '-c', $script);
}

# What reads a pipe or a socket: {fh}, {buf} (everything read so far),
# {eof}.
package Sockerless::Test::Stream;

use IO::Select;
use Time::HiRes qw(time);

# read_until($re, $timeout, idle => s): true when the bytes read (buf)
# match $re (a qr// or a sub given buf); false at EOF, after $timeout
# seconds (default 10), or after idle seconds without a byte.  $re
# undef: until EOF.
sub read_until {
    my ($self, $re, $timeout, %o) = @_;
    my $done = ref $re eq 'CODE' ? $re
        : defined $re ? sub { $_[0] =~ $re } : sub { 0 };
    my $deadline = time + ($timeout // 10);
    my $sel = IO::Select->new($self->{fh});
    until ($done->($self->{buf})) {
        return 0 if $self->{eof};
        my $left = $deadline - time;
        return 0 if $left <= 0;
        if (defined $o{idle} && $o{idle} < $left) {
            return 0 unless $sel->can_read($o{idle});
        } else {
            next unless $sel->can_read($left);
        }
        my $n = sysread($self->{fh}, $self->{buf}, 65536,
            length $self->{buf});
        $self->{eof} = 1 unless $n;
    }
    return 1;
}

# read_all($timeout): everything up to EOF (or the time ran out: then
# {eof} is false)
sub read_all {
    my ($self, $timeout) = @_;
    $self->read_until(undef, $timeout // 30);
    return $self->{buf};
}

sub output { $_[0]{buf} }
sub fh { $_[0]{fh} }

package Sockerless::Test::Proc;

our @ISA = ('Sockerless::Test::Stream', 'Sockerless::Test::Child');

use POSIX qw(:sys_wait_h);
use Time::HiRes qw(time);

sub stop_grace { 2.5 }

sub write {
    my ($self, $data) = @_;
    syswrite($self->{in}, $data);
}

sub close_stdin { close $_[0]{in} }

# waits for the end, returns the exit code (-1: killed after timeout)
sub wait {
    my ($self, $timeout) = @_;
    my $deadline = time + ($timeout // 10);
    while (time < $deadline) {
        $self->read_until(undef, 0.1) unless $self->{eof};
        if (waitpid($self->{pid}, WNOHANG) == $self->{pid}) {
            my $st = $?;
            $self->read_until(undef, 1) unless $self->{eof};
            delete $self->{pid};
            return $st & 127 ? 128 + ($st & 127) : $st >> 8;
        }
    }
    $self->stop;
    return -1;
}

package Sockerless::Test;

# --- raw HTTP -------------------------------------------------------------

# raw_open($port, %opts): one raw connection to 127.0.0.1:$port, or to
# the UNIX socket sock => $path; undef if it cannot connect.
#   ->put($bytes)          write them all (false on an error)
#   ->shutdown_write       half-close
#   ->read_until(qr//, $timeout, idle => s), ->read_all($timeout)
#   ->{buf} what came so far, ->{eof}, ->fh, ->close
sub raw_open {
    my ($port, %o) = @_;
    my $s = $o{sock}
        ? IO::Socket::UNIX->new(Peer => $o{sock}, Type => SOCK_STREAM)
        : IO::Socket::INET->new(PeerAddr => "127.0.0.1:$port",
            Timeout => 5);
    return undef unless $s;
    $s->autoflush(1);
    return bless { fh => $s, buf => '', eof => 0, start => time },
        $o{class} || 'Sockerless::Test::Conn';
}

package Sockerless::Test::Conn;

our @ISA = ('Sockerless::Test::Stream');

use Socket qw(SHUT_WR);

sub put { Sockerless::Test::write_all($_[0]{fh}, $_[1]) }

sub shutdown_write { $_[0]{fh}->shutdown(SHUT_WR) }
sub close { CORE::close($_[0]{fh}) }

package Sockerless::Test;

# write_all($fh, $bytes): all of them (false on an error)
sub write_all {
    my ($fh, $data) = @_;
    local $SIG{PIPE} = 'IGNORE';
    while (length $data) {
        my $n = syswrite($fh, $data);
        return 0 unless defined $n;
        substr($data, 0, $n, '');
    }
    return 1;
}

# raw_connect($port): the socket of a raw connection (IO::Socket)
sub raw_connect {
    my $c = raw_open(@_) or return undef;
    return $c->fh;
}

# http_raw($port, $bytes, %opts): everything the server sends back.
#   shutdown => 1   half-close (SHUT_WR) after sending
#   timeout  => s   stop when nothing comes for s seconds (default 10)
#   total    => s   stop after s seconds in all (default 60, or the
#                   timeout when it is longer)
#   until    => qr  stop reading as soon as the bytes match
#   sock     => a UNIX socket path instead of a port
#   chunks   => [bytes, ...] sent one by one after $bytes, with
#   delay    => s between them
sub http_raw {
    my ($port, $req, %o) = @_;
    my $c = raw_open($port, sock => $o{sock}) or return undef;
    $c->put($req);
    for my $chunk (@{ $o{chunks} || [] }) {
        sleep $o{delay} if $o{delay};
        $c->put($chunk);
    }
    $c->shutdown_write if $o{shutdown};
    my $idle = $o{timeout} // 10;
    $c->read_until($o{until}, $o{total} // ($idle > 60 ? $idle : 60),
        idle => $idle);
    $c->close;
    return $c->{buf};
}

# raw_exchange($port, $bytes, %opts): sends the bytes on a new
# connection, reads until the server closes it; (bytes, eof, seconds).
#   wait => s       give up after s seconds (eof is then 0; default 10)
#   complete => 1   also stop after a whole response with Content-Length
#   sock => path    a UNIX socket instead of the port
sub raw_exchange {
    my ($port, $req, %o) = @_;
    my $t = time;
    my $c = raw_open($port, sock => $o{sock}) or die "connect: $!";
    $c->put($req) if length $req;
    $c->read_until($o{complete} ? \&_complete_response : undef,
        $o{wait} // 10);
    $c->close;
    return ($c->{buf}, $c->{eof}, time - $t);
}

# a whole response with a Content-Length is in the bytes
sub _complete_response {
    my ($buf) = @_;
    $buf =~ /^(.*?\r\n\r\n)/s or return 0;
    my $hl = length $1;
    my ($cl) = $1 =~ /^Content-Length: (\d+)/mi;
    return defined $cl && length($buf) >= $hl + $cl;
}

# request_bytes($method, $path, %opts): an HTTP/1.1 request with
# "Connection: close".  headers => [name => value, ...], body => bytes,
# chunked => 1 (in chunks of chunk_size, default 4096), host => the Host
# header (default localhost)
sub request_bytes {
    my ($method, $path, %o) = @_;
    my $body = $o{body};
    my @h = @{ $o{headers} || [] };
    my $host = $o{host} // 'localhost';
    my $req = "$method $path HTTP/1.1\r\nHost: $host\r\n"
        . "Connection: close\r\n";
    while (my ($k, $v) = splice @h, 0, 2) {
        $req .= "$k: $v\r\n";
    }
    if (!defined $body) {
        return "$req\r\n";
    }
    if (!$o{chunked}) {
        return $req . 'Content-Length: ' . length($body) . "\r\n\r\n$body";
    }
    $req .= "Transfer-Encoding: chunked\r\n\r\n";
    my $size = $o{chunk_size} || 4096;
    for (my $i = 0; $i < length $body; $i += $size) {
        my $c = substr($body, $i, $size);
        $req .= sprintf("%x\r\n", length $c) . $c . "\r\n";
    }
    return $req . "0\r\n\r\n";
}

# http_request($port, $method, $path, %opts): (status, \%headers, body)
# of request_bytes(%opts) sent with http_raw(%opts); sock => a unix
# path (then $port is ignored)
sub http_request {
    my ($port, $method, $path, %o) = @_;
    my $resp = http_raw($port, request_bytes($method, $path, %o), %o);
    return parse_response($resp);
}

# parse_response($bytes): (status, \%headers (lower-case names), body)
# A chunked body is decoded.
sub parse_response {
    my ($resp) = @_;
    return (0, {}, '') unless defined $resp && length $resp;
    my ($head, $body) = split /\r\n\r\n/, $resp, 2;
    $body //= '';
    my ($status, $h) = parse_head($head);
    if (($h->{'transfer-encoding'} || '') =~ /chunked/i) {
        my $out = '';
        while ($body =~ s/^([0-9a-fA-F]+)[^\r\n]*\r\n//) {
            my $n = hex $1;
            last if $n == 0;
            $out .= substr($body, 0, $n, '');
            $body =~ s/^\r\n//;
        }
        $body = $out;
    }
    return ($status, $h, $body);
}

# parse_head($head): (status, \%headers) of a response header
sub parse_head {
    my ($head) = @_;
    my ($status_line, @lines) = split /\r\n/, $head // '';
    my ($status) = ($status_line // '') =~ m{^HTTP/\d\.\d (\d{3})};
    my %h;
    for (@lines) {
        my ($k, $v) = /^([^:]+):\s*(.*)$/ or next;
        $k = lc $k;
        $h{$k} = exists $h{$k} ? "$h{$k}, $v" : $v;
    }
    return ($status // 0, \%h);
}

# unix_request($method, $path, %opts): the same, to dockerd's socket
sub unix_request {
    my ($method, $path, %o) = @_;
    my @r = http_request(0, $method, $path, sock => $ENV{DOCKER_SOCK},
        timeout => 30, %o);
    return wantarray ? @r : $r[0] == 200;
}

# api($method, $path, $body, %opts): a Docker API request through nginx;
# (status, decoded JSON or the raw body, \%headers, raw body).
#   $body      a reference is sent as JSON; a string as it is; with
#              Content-Type: application/json unless headers has one
#   identity   => the X-Identity header (the policy tests' identities)
#   nginx      => the instance (default current_nginx), port => a port
#   and the options of http_request (headers, chunked, timeout, ...)
sub api {
    my ($method, $path, $body, %o) = @_;
    my $port = delete $o{port}
        // (delete $o{nginx} || current_nginx())->port;
    my $resp = http_raw($port, api_bytes($method, $path, $body, %o),
        timeout => 30, %o);
    my ($st, $h, $b) = parse_response($resp);
    my $j = eval { decode_json($b) };
    return ($st, $j // $b, $h, $b);
}

# api_bytes($method, $path, $body, %opts): the request of api()
sub api_bytes {
    my ($method, $path, $body, %o) = @_;
    my @h = @{ $o{headers} || [] };
    push @h, 'X-Identity' => $o{identity} if defined $o{identity};
    $body = encode_json($body) if ref $body;
    push @h, 'Content-Type' => 'application/json'
        if defined $body && !grep { lc $_ eq 'content-type' } @h;
    return request_bytes($method, $path, %o, headers => \@h, body => $body);
}

# json_message($body[, \%headers]): the message of Docker's error body
# {"message": "..."}, or undef; with headers, only when the content type
# is JSON
sub json_message {
    my ($body, $h) = @_;
    return undef if $h
        && ($h->{'content-type'} // '') !~ m{^application/json};
    my $j = eval { decode_json($body // '') };
    return ref $j eq 'HASH' ? $j->{message} : undef;
}

# --- data blocks ----------------------------------------------------------

our %CHECKS;    # expectation section => check (below)

# blocks(): the blocks of the test file's __DATA__ section, as in
# Test::Nginx::Socket (Test::Base):
#
#   # a comment
#   === a title
#   --- name: a value on one line
#   --- name
#   a value of several lines
#   --- name eval
#   "a Perl expression, with the run_blocks vars as \$variables\r\n"
#
# A value of several lines ends at the next "---" or "===" line; blank
# and "#" lines at its end are not part of it, nor is its last line end.
# Each block: { name, line, <section> => value, _order => [sections],
# _filters => { section => [filters] } }.
sub blocks {
    my ($fh) = @_;
    no warnings qw(once);
    $fh //= \*main::DATA;
    # the line of __DATA__ in the file, for the line of each block
    my $base = 0;
    if (open my $src, '<', $0) {
        while (<$src>) {
            $base = $., last if /^__DATA__$/;
        }
    }
    my (@blocks, $b, $sec);
    while (my $line = <$fh>) {
        if ($line =~ /^=== (.*?)\s*$/) {
            push @blocks, $b = { name => $1, line => $base + $.,
                _order => [],
                _filters => {} };
            undef $sec;
        } elsif ($b && $line =~ /^--- (\w+):(?: (.*?))?\s*$/) {
            push @{ $b->{_order} }, $1;
            $b->{$1} = $2 // '';
            undef $sec;
        } elsif ($b && $line =~ /^--- (\w+)((?: +\w+)*)\s*$/) {
            push @{ $b->{_order} }, $sec = $1;
            $b->{$sec} = '';
            $b->{_filters}{$sec} = [ split ' ', $2 ];
        } elsif ($b && defined $sec) {
            $b->{$sec} .= $line;
        }
    }
    for my $b (@blocks) {
        $b->{$_} =~ s/(?:^(?:#.*)?\n)*\z//m for keys %{ $b->{_filters} };
        $b->{$_} =~ s/\n\z// for keys %{ $b->{_filters} };
    }
    return @blocks;
}

# the value of a section with the vars in it: "$name" or "${name}" of a
# var becomes its value (quoted for a regular expression with $re); an
# "eval" section is evaluated
sub _value {
    my ($b, $sec, $vars, $re) = @_;
    my $v = $b->{$sec};
    return undef unless defined $v;
    my @f = @{ $b->{_filters}{$sec} || [] };
    if (grep { $_ eq 'eval' } @f) {
        no strict 'refs';
        ${"Sockerless::Test::Block::$_"} = $vars->{$_} for keys %$vars;
        $v = eval "package Sockerless::Test::Block; no strict; $v";
        die "$b->{name}: --- $sec eval: $@" if $@;
    } else {
        $v = _subst($v, $vars, $re);
    }
    return $v;
}

# "$name" or "${name}" of a var in $v becomes its value (quoted with $re)
sub _subst {
    my ($v, $vars, $re) = @_;
    $v =~ s{\$(?:\{(\w+)\}|(\w+))}{
        my $k = $1 // $2;
        exists $vars->{$k}
            ? ($re ? quotemeta $vars->{$k} : $vars->{$k}) : $&
    }ge;
    return $v;
}

# run_blocks(%opts): for each block one request and one assertion per
# expectation section.
#   blocks => [...] (default blocks()), vars => { name => value }
#   nginx => the instance (default current_nginx)
#   checks => { section => sub { my ($value, $r, $block) = @_;
#       return (ok, diag) } }: expectations of the test's own
#   patterns => [sections]: their values are regular expressions (as
#       those of *_like and content_type: a var in them is quoted)
#   before => sub { $block }: called before each request
#   level => frames between the test file and this call (default 1)
#
# Request sections:
#   request: METHOD PATH      (with identity, headers, body, chunked)
#   identity: NAME            the X-Identity header
#   headers                   "Name: value" lines
#   body                      the request body, as it is
#   chunked: N                chunked, in chunks of N bytes
#   raw                       or the bytes of the request (with eval)
#   nginx: NAME               to the instance of that name (run_blocks'
#                             nginx is then a hash of them)
#   wait: S                   read for S seconds at most (default 60;
#                             raw: 10), to the end of the connection
#   complete                  or until a whole response with a length
# Expectation sections:
#   status: N                 the response status
#   content_type: RE          Content-Type matches
#   message: TEXT             the message of a Docker JSON error (with a
#                             JSON Content-Type) is this text
#   message_like              the message matches each line (one
#                             assertion a line)
#   body_like: RE             the response body matches
#   json_error                a Docker JSON error: {"message": ...} with
#                             a JSON Content-Type
#   closed                    nginx closed the connection
#   access_log_like: RE       what the instance logged during the
#   access_log_unlike: RE     request matches, or does not
#   same_as_dockerd           dockerd's socket gives the same status and
#                             body for the same request
# A created object (201 with an Id) is removed at the end.
sub run_blocks {
    my (%o) = @_;
    my @blocks = @{ $o{blocks} || [ blocks() ] };
    my %checks = (%CHECKS, %{ $o{checks} || {} });
    my @patterns = @{ $o{patterns} || [] };
    my $vars = $o{vars} || {};
    # failures are reported at the caller's line ("level": more frames)
    local $Test::Builder::Level = $Test::Builder::Level + ($o{level} // 1);
    for my $b (@blocks) {
        $o{before}->($b) if $o{before};
        my $ng = $o{nginx} || current_nginx();
        $ng = $ng->{$b->{nginx} // ''} // die "$b->{name}: no nginx "
            . ($b->{nginx} // '""') if ref $ng eq 'HASH';
        $ng->mark_logs if grep { /^access_log_/ } @{ $b->{_order} };
        my $r = _block_request($b, $vars, $ng);
        $r->{nginx} = $ng;
        for my $sec (grep { $checks{$_} } @{ $b->{_order} }) {
            my $re = $sec =~ /_(?:un)?like$/;
            my $want = _value($b, $sec, $vars, $re
                || grep { $_ eq $sec } 'content_type', @patterns);
            my @want = $re ? split(/\n/, $want) : ($want);
            # the title, the section and its value when it is short
            my $plain = _subst($b->{$sec}, $vars);
            my @shown = @want > 1 ? split(/\n/, $plain) : ($plain);
            for my $i (0 .. $#want) {
                my $w = $want[$i];
                my ($ok, $diag) = $checks{$sec}->($w, $r, $b);
                my $name = _subst($b->{name}, $vars) . ": $sec";
                $name .= " $shown[$i]" if length $shown[$i]
                    && length $shown[$i] <= 60 && $shown[$i] !~ /\n/
                    && !@{ $b->{_filters}{$sec} || [] };
                Test::More::ok($ok, $name)
                    or Test::More::diag($diag // "got $r->{status} "
                        . ($r->{message} // $r->{body}) . "\n"
                        . "(block at line $b->{line})");
            }
        }
    }
}

# one block's request: { status, headers, body, json, message, eof,
# secs, and method, path, send (to send it to dockerd again) }
sub _block_request {
    my ($b, $vars, $ng) = @_;
    my (%r, $bytes);
    if (defined $b->{raw}) {
        $bytes = _value($b, 'raw', $vars);
    } else {
        my ($method, $path) = split ' ', _value($b, 'request', $vars), 2;
        my @h = map { /^([^:]+):\s*(.*)$/ ? ($1, $2) : () }
            split /\n/, _value($b, 'headers', $vars) // '';
        my $body = _value($b, 'body', $vars);
        my %send = (headers => \@h, body => $body,
            identity => _value($b, 'identity', $vars),
            chunked => $b->{chunked}, chunk_size => $b->{chunked});
        $bytes = api_bytes($method, $path, $body, %send);
        @r{qw(method path send)} = ($method, $path,
            [ headers => \@h, defined $body ? (body => $body) : () ]);
    }
    my $t = time;
    my $c = raw_open($ng->port) or die "$b->{name}: connect: $!";
    $c->put($bytes);
    $c->read_until(defined $b->{complete} ? \&_complete_response : undef,
        $b->{wait} // (defined $b->{raw} ? 10 : 60),
        defined $b->{raw} ? () : (idle => 30));
    $c->close;
    @r{qw(eof secs)} = ($c->{eof}, time - $t);
    @r{qw(status headers body)} = parse_response($c->{buf});
    $r{json} = eval { decode_json($r{body}) };
    $r{message} = json_message($r{body}, $r{headers});
    if ($r{status} == 201 && ($r{path} // '') =~ m{/containers/create}
        && ref $r{json} eq 'HASH' && $r{json}{Id}) {
        cleanup_container($r{json}{Id});
    }
    return \%r;
}

%CHECKS = (
    status => sub { $_[1]{status} == $_[0] },
    content_type => sub { ($_[1]{headers}{'content-type'} // '') =~ /$_[0]/ },
    message => sub { ($_[1]{message} // '') eq $_[0] },
    message_like => sub { ($_[1]{message} // '') =~ /$_[0]/ },
    body_like => sub { $_[1]{body} =~ /$_[0]/ },
    json_error => sub {
        defined json_message($_[1]{body}, $_[1]{headers}) },
    closed => sub { $_[1]{eof} },
    access_log_like => sub { $_[1]{nginx}->access_log_since =~ /$_[0]/ },
    access_log_unlike => sub {
        $_[1]{nginx}->access_log_since !~ /$_[0]/ },
    same_as_dockerd => sub {
        my ($want, $r) = @_;
        my ($st, undef, $body) = unix_request($r->{method}, $r->{path},
            @{ $r->{send} });
        my ($got, $exp) = map { my $j = eval { decode_json($_) };
            defined $j ? encode_json($j) : $_ } $r->{body}, $body;
        return ($st == $r->{status} && $got eq $exp,
            "through nginx: $r->{status} $r->{body}\n"
            . "dockerd: $st $body");
    },
);

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
                    write_all($other, $buf);
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

package Sockerless::Test::Forwarder;

our @ISA = ('Sockerless::Test::Child');

sub stop_signal { 'KILL' }
sub path { $_[0]{path} }

sub accepted {
    open my $fh, '<', $_[0]{count} or return 0;
    return 0 + (<$fh> // 0);
}

package Sockerless::Test;

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

# swarm_init_direct(): dockerd made a swarm manager on loopback (a swarm
# a previous run left is left first), left again when the file ends;
# (exit code, stdout, stderr) of the init
sub swarm_init_direct {
    my ($rc, $out) = docker_direct('info', '--format',
        '{{.Swarm.LocalNodeState}}');
    docker_direct('swarm', 'leave', '--force') if ($out // '') ne "inactive\n";
    my $port = free_port();
    cleanup_later(swarm => 'leave');
    return docker_direct({ timeout => 60 }, 'swarm', 'init',
        '--advertise-addr', '127.0.0.1', '--listen-addr', "127.0.0.1:$port");
}

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

# random_bytes($n, $seed): $n bytes of a seeded generator, the same on
# every run: 64 KiB of randomness, each block of it numbered, so that no
# two blocks are equal
sub random_bytes {
    my ($n, $seed) = @_;
    srand($seed // 5050);
    my $block = pack('N*', map { int rand 2**32 } 1 .. 16384);
    my ($s, $i) = ('', 0);
    while (length $s < $n) {
        $s .= pack('N', $i++) . substr($block, 4);
    }
    return substr($s, 0, $n);
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
}

1;
