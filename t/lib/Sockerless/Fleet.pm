package Sockerless::Fleet;

# Helpers of the fleet tests (t/76-fleet-*.t, t/49-podman.t): more than
# one daemon behind one nginx.  The shared environment's dockerd is one
# node; own_dockerd() (Sockerless::Fault) starts another with its own
# socket, data-root and exec-root; podman_service() a rootful Podman
# service with its own storage.
#
#   my $n2 = own_dockerd();
#   has_container($n2->sock, $name); has_image($ENV{DOCKER_SOCK}, $ref);
#   my $pod = podman_service();  $pod->sock, $pod->stop (also at END)
#   my $dir = cli_config(alice => 'secret');   DOCKER_CONFIG sending
#                                              basic auth in HttpHeaders

use strict;
use warnings;

use Exporter ();
our @ISA = qw(Exporter);
our @EXPORT = qw(
    has_container has_image cli_config podman_service daemon_root
);

use File::Temp qw(tempdir);
use File::Path qw(remove_tree);
use POSIX qw(:sys_wait_h);
use Time::HiRes qw(time sleep);
use Sockerless::Test ':noenv';

# the daemon on $sock knows this container (or image): inspect, straight
# to its socket
sub _inspect {
    my ($sock, $kind, $name) = @_;
    my ($st) = http_request(0, 'GET', "/$kind/" . url_encode($name)
        . '/json', sock => $sock, timeout => 10);
    return $st == 200 ? 1 : 0;
}

sub has_container { _inspect($_[0], 'containers', $_[1]) }
sub has_image { _inspect($_[0], 'images', $_[1]) }

# the data root a daemon reports: tells two daemons apart
sub daemon_root {
    my ($sock) = @_;
    my ($st, $h, $body) = http_request(0, 'GET', '/info', sock => $sock,
        timeout => 10);
    my $j = eval { decode_json($body) } || {};
    return $j->{DockerRootDir} // '';
}

# a DOCKER_CONFIG directory whose config.json makes the CLI send basic
# auth as this user (the CLI sends "HttpHeaders" with every request)
sub cli_config {
    my ($user, $password) = @_;
    require MIME::Base64;
    my $dir = tempdir('sockerless-cfg-XXXXXX', TMPDIR => 1, CLEANUP => 1);
    open my $fh, '>', "$dir/config.json" or die "$dir/config.json: $!";
    print $fh encode_json({ HttpHeaders => { Authorization => 'Basic '
        . MIME::Base64::encode_base64("$user:$password", '') } });
    close $fh;
    return $dir;
}

# --- Podman -----------------------------------------------------------------

my @PODS;

# podman_service(): Debian's podman as a rootful "podman system service"
# on a socket of its own, with storage, run and temp directories of its
# own; the test registries are insecure ones.  The settings this machine needs
# (docs/fleets.md): vfs storage, cgroupfs, runc, the file event logger,
# no network namespace, and a nofile ulimit podman can set without
# CAP_SYS_RESOURCE.  Skips the test without podman.
sub podman_service {
    my ($podman) = grep { -x } map { "$_/podman" }
        split(/:/, $ENV{PATH} // ''), '/usr/bin';
    Test::More::plan(skip_all => 'podman is missing: apt-get install '
        . 'podman (tools/install-deps lists it for the tests)')
        unless $podman;
    my $dir = tempdir('slt-podman-XXXXXX', TMPDIR => 1, CLEANUP => 0);
    mkdir "$dir/$_" for qw(root run tmp);
    open my $fh, '>', "$dir/containers.conf" or die;
    print $fh <<'EOF';
[containers]
netns = "none"
default_ulimits = ["nofile=20000:20000", "nproc=4096:4096"]

[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
runtime = "runc"
EOF
    close $fh;
    open $fh, '>', "$dir/storage.conf" or die;
    print $fh <<"EOF";
[storage]
driver = "vfs"
graphroot = "$dir/root"
runroot = "$dir/run"
EOF
    close $fh;
    # the test registries are plain HTTP
    open $fh, '>', "$dir/registries.conf" or die;
    printf $fh qq([[registry]]\nlocation = "%s"\ninsecure = true\n), $_
        for registry(), registry_auth();
    close $fh;
    my $self = bless { dir => $dir, sock => "$dir/podman.sock",
        podman => $podman }, 'Sockerless::Fleet::Podman';
    push @PODS, $self;
    my $pid = fork // die "fork: $!";
    if ($pid == 0) {
        POSIX::setsid();
        open STDIN, '<', '/dev/null';
        open STDOUT, '>', "$dir/podman.log";
        open STDERR, '>&', \*STDOUT;
        %ENV = (%ENV, $self->env);
        { exec $podman, '--tmpdir', "$dir/tmp", 'system', 'service',
            '--time', '0', "unix://$dir/podman.sock" };
        POSIX::_exit(127);
    }
    $self->{pid} = $pid;
    my $ok = wait_until(sub {
        return -1 if waitpid($pid, WNOHANG) == $pid;
        my ($st) = http_request(0, 'GET', '/_ping', sock => $self->{sock},
            timeout => 2, total => 2);
        return $st == 200 ? 1 : 0;
    }, 60, 0.1);
    die "podman did not answer: " . $self->log unless $ok == 1;
    return $self;
}

sub Sockerless::Fleet::Podman::sock { $_[0]{sock} }
sub Sockerless::Fleet::Podman::dir { $_[0]{dir} }

sub Sockerless::Fleet::Podman::env {
    my ($self) = @_;
    return (CONTAINERS_CONF => "$self->{dir}/containers.conf",
        CONTAINERS_STORAGE_CONF => "$self->{dir}/storage.conf",
        CONTAINERS_REGISTRIES_CONF => "$self->{dir}/registries.conf");
}

sub Sockerless::Fleet::Podman::log {
    open my $fh, '<', "$_[0]{dir}/podman.log" or return '';
    local $/;
    return <$fh> // '';
}

# podman's own CLI on this service's storage ("podman --remote" talks to
# a URL instead)
sub Sockerless::Fleet::Podman::podman {
    my ($self, @args) = @_;
    my $o = ref $args[0] eq 'HASH' ? { %{ shift @args } } : {};
    $o->{env} = { $self->env, %{ $o->{env} || {} } };
    return run_cmd($o, $self->{podman}, '--tmpdir', "$self->{dir}/tmp",
        @args);
}

sub Sockerless::Fleet::Podman::stop {
    my ($self) = @_;
    return if $self->{stopped}++;
    # containers first: their conmon and runc processes outlive the
    # service otherwise
    $self->podman({ timeout => 60 }, 'rm', '--all', '--force', '--time', 0);
    if (my $pid = delete $self->{pid}) {
        kill 'TERM', $pid;
        my $t = time + 10;
        sleep 0.05 while waitpid($pid, WNOHANG) == 0 && time < $t;
        kill 'KILL', $pid;
        waitpid($pid, 0);
    }
    # what is left of this storage: processes naming the directory
    my @pids;
    if (opendir my $d, '/proc') {
        for my $p (grep { /^\d+$/ && $_ != $$ } readdir $d) {
            open my $c, '<', "/proc/$p/cmdline" or next;
            local $/;
            my $cmd = <$c> // '';
            push @pids, $p if index($cmd, "$self->{dir}/") >= 0;
        }
    }
    kill 'KILL', @pids if @pids;
    if (open my $m, '<', '/proc/mounts') {
        my @mnt = sort { length $b <=> length $a }
            grep { index($_, "$self->{dir}/") == 0 }
            map { (split ' ')[1] } <$m>;
        system('umount', '-l', $_) for @mnt;
    }
    remove_tree($self->{dir}, { safe => 1 })
        unless $ENV{SOCKERLESS_TEST_KEEP};
}

END {
    local ($?, $@, $!);
    $_->stop for @PODS;
}

1;
