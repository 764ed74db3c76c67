package Sockerless::Fault;

# Helpers for the reliability tests (t/8*.t): the nginx worker's pid,
# descriptors and memory; scripted fake daemons on a UNIX socket (only
# for faults a real dockerd cannot be made to show); a private dockerd
# of a test's own (its own socket, data-root and exec-root) that can be
# killed and restarted without disturbing the shared environment.
#
#   my $w = worker_pid($ng);  fd_count($w);  rss_kb($w);
#   my $fake = fake_daemon(sub { my ($c, $n, $dir) = @_; ... });
#       $fake->path, $fake->count('name'), $fake->stop
#   my $d = own_dockerd();  $d->sock, $d->kill, $d->start, $d->docker(...),
#       $d->stop (also at END)

use strict;
use warnings;

use Exporter ();
our @ISA = qw(Exporter);
our @EXPORT = qw(
    worker_pid worker_pids fd_count rss_kb settle sanitized
    fake_daemon read_request bump own_dockerd
);

use File::Temp qw(tempdir);
use File::Path qw(remove_tree);
use IO::Socket::UNIX;
use Fcntl qw(:flock);
use POSIX qw(_exit :sys_wait_h);
use Socket qw(SOCK_STREAM);
use Time::HiRes qw(time sleep);
use Sockerless::Test ':noenv';

# --- the worker ------------------------------------------------------------

# the nginx worker processes of an instance (children of its master)
sub worker_pids {
    my ($ng) = @_;
    my $master = $ng->master_pid or return ();
    my @w;
    opendir my $d, '/proc' or return ();
    for my $pid (grep { /^\d+$/ } readdir $d) {
        open my $fh, '<', "/proc/$pid/stat" or next;
        my $stat = <$fh> // next;
        # pid (comm) state ppid ...
        my ($comm, $ppid) = $stat =~ /^\d+ \((.*)\) \S+ (\d+)/ or next;
        push @w, $pid if $ppid == $master && $comm =~ /nginx/;
    }
    return sort { $a <=> $b } @w;
}

# the one worker (worker_processes 1 in Test.pm's config); waits for it
sub worker_pid {
    my ($ng) = @_;
    my @w;
    wait_until(sub { @w = worker_pids($ng); @w == 1 }, 10);
    return $w[0];
}

sub fd_count {
    my ($pid) = @_;
    opendir my $d, "/proc/$pid/fd" or return -1;
    return scalar grep { /^\d+$/ } readdir $d;
}

sub rss_kb {
    my ($pid) = @_;
    open my $fh, '<', "/proc/$pid/status" or return -1;
    while (<$fh>) {
        return $1 if /^VmRSS:\s+(\d+)/;
    }
    return -1;
}

# sanitized($pid): the process runs with the ASan runtime (a module
# built with SANITIZE=1): its RSS says nothing (ASan's quarantine keeps
# freed memory)
sub sanitized {
    my ($pid) = @_;
    open my $fh, '<', "/proc/$pid/maps" or return 0;
    while (<$fh>) {
        return 1 if m{/libasan\.so};
    }
    return 0;
}

# settle(sub { cond }, $timeout): wait_until with a 0.25 s step
sub settle { wait_until($_[0], $_[1] // 15, 0.25) }

# --- fake daemons -----------------------------------------------------------

# read_request($sock): (head, body) of one HTTP request (Content-Length
# bodies only), or () at EOF before a whole header
sub read_request {
    my ($c, $bufref) = @_;
    my $buf = '';
    $bufref //= \$buf;
    while ($$bufref !~ /\r\n\r\n/) {
        my $r = sysread($c, $$bufref, 65536, length $$bufref);
        return () unless $r;
    }
    my ($head, $rest) = split /\r\n\r\n/, $$bufref, 2;
    my ($len) = $head =~ /^Content-Length:\s*(\d+)/mi;
    $len //= 0;
    while (length $rest < $len) {
        my $r = sysread($c, $rest, 65536, length $rest);
        last unless $r;
    }
    my $body = substr($rest, 0, $len, '');
    $$bufref = $rest;
    return ($head, $body);
}

# fake_daemon(\&serve, %opts): a child process listening on a new UNIX
# socket; every accepted connection is served by serve($conn, $n, $dir)
# in a process of its own ($n counts connections from 1).
#   listen => backlog (default 128), accept => 0 to never accept
# ->path, ->dir, ->count($name) (see bump), ->stop
sub fake_daemon {
    my ($serve, %o) = @_;
    my $dir = tempdir('sockerless-fault-XXXXXX', TMPDIR => 1, CLEANUP => 1);
    my $path = "$dir/fake.sock";
    my $l = IO::Socket::UNIX->new(Local => $path,
        Listen => $o{listen} // 128, Type => SOCK_STREAM)
        or die "$path: $!";
    chmod 0666, $path;
    my $pid = fork // die "fork: $!";
    if ($pid == 0) {
        $SIG{PIPE} = 'IGNORE';
        $SIG{CHLD} = 'IGNORE';
        if (defined $o{accept} && !$o{accept}) {
            sleep 3600 while 1;
        }
        my $n = 0;
        while (1) {
            my $c = $l->accept or next;
            $n++;
            my $kid = fork;
            next unless defined $kid;
            if ($kid) {
                close $c;
                next;
            }
            close $l;
            eval { $serve->($c, $n, $dir) };
            _exit(0);
        }
    }
    close $l unless defined $o{accept} && !$o{accept};
    return bless { pid => $pid, path => $path, dir => $dir,
        listener => $l }, 'Sockerless::Fault::Fake';
}

# bump($dir, $name): count an event in the fake (read with ->count)
sub _count_file {
    my ($dir, $name) = @_;
    $name =~ s/[^A-Za-z0-9.-]/_/g;
    return "$dir/count.$name";
}

sub bump {
    my ($dir, $name) = @_;
    open my $fh, '>>', _count_file($dir, $name) or return;
    flock $fh, LOCK_EX;
    print $fh "1\n";
    close $fh;
}

package Sockerless::Fault::Fake;

our @ISA = ('Sockerless::Test::Child');

sub stop_signal { 'KILL' }
sub path { $_[0]{path} }
sub dir { $_[0]{dir} }

sub count {
    my ($self, $name) = @_;
    open my $fh, '<', Sockerless::Fault::_count_file($self->{dir}, $name)
        or return 0;
    my @l = <$fh>;
    return scalar @l;
}

package Sockerless::Fault;

# --- a dockerd of the test's own --------------------------------------------

my @OWN;

# own_dockerd(): a dockerd with its own socket, data-root and exec-root
# in a new directory (no registry, no TCP listener), loaded with the test
# image of the shared environment.  ->kill (SIGKILL), ->start (again,
# after a kill: what an operator's restart does), ->stop (also at END).
sub own_dockerd {
    my $dir = tempdir('slt-own-XXXXXX', TMPDIR => 1, CLEANUP => 0);
    my $self = bless { dir => $dir, sock => "$dir/docker.sock" },
        'Sockerless::Fault::Dockerd';
    push @OWN, $self;
    $self->start or die "own dockerd: $self->{err}";
    # the test image, through docker save | docker load
    my $image = test_image();
    my ($rc, $out, $err) = run_cmd({ timeout => 60 }, 'sh', '-c',
        'docker -H "unix://$1" save "$3" | docker -H "unix://$2" load -q',
        'sh', $ENV{DOCKER_SOCK}, $self->{sock}, $image);
    die "own dockerd: loading $image: $err" if $rc;
    return $self;
}

package Sockerless::Fault::Dockerd;

our @ISA = ('Sockerless::Test::Child');

use File::Path qw(remove_tree);
use POSIX qw(:sys_wait_h);
use Time::HiRes qw(time);
use Sockerless::Test qw(:noenv http_request wait_until docker_via);

sub sock { $_[0]{sock} }
sub dir { $_[0]{dir} }

# the pid dockerd wrote (->{pid} is the child this test started)
sub pid {
    my ($self) = @_;
    open my $fh, '<', "$self->{dir}/dockerd.pid" or return 0;
    my $pid = <$fh> // 0;
    chomp $pid;
    return $pid;
}

sub ping {
    my ($self) = @_;
    my ($st) = http_request(0, 'GET', '/_ping', sock => $self->{sock},
        timeout => 2, total => 2);
    return $st == 200;
}

# containerd, its shims and the container processes of this dockerd:
# by the directory in their command line, by a container id in their
# cgroup (as tools/testenv does)
sub leftovers {
    my ($self) = @_;
    my $dir = $self->{dir};
    my @ids = map { m{/([0-9a-f]{64})/?$} ? $1 : () }
        glob("$dir/data/containers/*");
    my @pids;
    opendir my $d, '/proc' or return;
    for my $pid (grep { /^\d+$/ && $_ != $$ } readdir $d) {
        my $cmd = '';
        if (open my $fh, '<', "/proc/$pid/cmdline") {
            local $/;
            $cmd = <$fh> // '';
        }
        if (index($cmd, "$dir/") >= 0) {
            push @pids, $pid;
            next;
        }
        next unless @ids;
        open my $cg, '<', "/proc/$pid/cgroup" or next;
        local $/;
        my $c = <$cg> // '';
        push @pids, $pid if grep { index($c, $_) >= 0 } @ids;
    }
    if (@pids) {
        CORE::kill('KILL', @pids);
        wait_until(sub { !grep { CORE::kill(0, $_) } @pids }, 5, 0.05);
    }
    # mounts under the directory, deepest first
    if (open my $m, '<', '/proc/mounts') {
        my @mnt = sort { length $b <=> length $a }
            grep { index($_, "$dir/") == 0 }
            map { (split ' ')[1] =~ s/\\(\d{3})/chr oct $1/ger } <$m>;
        system('umount', $_) == 0 or system('umount', '-l', $_)
            for @mnt;
    }
}

sub start {
    my ($self) = @_;
    my $t = time;
    my $dir = $self->{dir};
    $self->leftovers;
    # a restart right after a kill fails while the old exec-root is there
    remove_tree("$dir/exec");
    unlink $self->{sock}, "$dir/dockerd.pid";
    mkdir "$dir/$_" for qw(data exec);
    open my $fh, '>', "$dir/daemon.json" or die;
    print $fh "{}\n";
    close $fh;
    my $pid = fork // die "fork: $!";
    if ($pid == 0) {
        POSIX::setsid();
        open STDIN, '<', '/dev/null';
        open STDOUT, '>>', "$dir/dockerd.log";
        open STDERR, '>&', \*STDOUT;
        { exec 'dockerd', '--config-file', "$dir/daemon.json",
            '--host', "unix://$self->{sock}",
            '--data-root', "$dir/data", '--exec-root', "$dir/exec",
            '--pidfile', "$dir/dockerd.pid",
            '--bridge', 'none', '--iptables=false', '--ip-masq=false',
            '--shutdown-timeout', '2' };
        POSIX::_exit(127);
    }
    $self->{pid} = $pid;
    my $ok = wait_until(sub {
        return 1 if $self->ping;
        return -1 if waitpid($pid, WNOHANG) == $pid;
        return 0;
    }, 60, 0.1);
    $self->{start_seconds} = time - $t;
    if ($ok != 1) {
        open my $l, '<', "$dir/dockerd.log";
        local $/;
        $self->{err} = 'dockerd did not answer: ' . (<$l> // '');
        return 0;
    }
    return 1;
}

sub kill {
    my ($self) = @_;
    my $pid = delete $self->{pid} or return 0;
    Sockerless::Test::reap($pid, 'KILL');
    return 1;
}

# docker CLI straight to this dockerd
sub docker {
    my $self = shift;
    return docker_via("unix://$self->{sock}", @_);
}

# the end, also after a kill: what the daemon left, and its directory
sub stop {
    my ($self) = @_;
    return if $$ != $Sockerless::Test::MAIN_PID || $self->{stopped}++;
    $self->SUPER::stop;
    $self->leftovers;
    remove_tree($self->{dir}, { safe => 1 }) unless $ENV{SOCKERLESS_TEST_KEEP};
}

package Sockerless::Fault;

END {
    local ($?, $@, $!);
    $_->stop for @OWN;
}

1;
