package Sockerless::Observe;

# Helpers for the observability tests (t/75-*.t): the metrics endpoint
# read as Prometheus reads it, promtool, a real Prometheus (Debian's
# prometheus package) scraping nginx, the audit log's records, a reload.
#
#   my ($text, $series) = scrape($port);      GET /metrics
#   value($series, 'sockerless_requests_total', operation => 'SystemPing')
#   my ($rc, $out) = promtool_check($text);
#   my $p = prometheus("127.0.0.1:$port");    scrape interval 1s
#   $p->query('sum(sockerless_requests_total)'), $p->stop
#   my @records = audit_records($file);
#   reload_nginx($ng);

use strict;
use warnings;

use Exporter ();
our @ISA = qw(Exporter);
our @EXPORT = qw(
    scrape value promtool_check prometheus audit_records reload_nginx
    observe_tools
);

use Sockerless::Test qw(:noenv http_request run_cmd wait_until url_encode
    decode_json);
use Sockerless::Fault qw(worker_pids);
use File::Temp qw(tempdir);
use IO::Socket::INET;
use POSIX qw(setsid);
use JSON::PP ();
use Time::HiRes qw(time sleep);

our $PROMETHEUS = $ENV{SOCKERLESS_PROMETHEUS} || '/usr/bin/prometheus';
our $PROMTOOL = $ENV{SOCKERLESS_PROMTOOL} || '/usr/bin/promtool';

# skip the file (or fail under make test) without Prometheus' tools
sub observe_tools {
    return if -x $PROMETHEUS && -x $PROMTOOL;
    my $why = "$PROMETHEUS or $PROMTOOL is missing (Debian: prometheus; "
        . 'tools/install-deps)';
    Test::More::BAIL_OUT($why) if $ENV{SOCKERLESS_TEST_REQUIRED};
    Test::More::plan(skip_all => $why);
}

# scrape($port, $path): (the exposition, [[name, {labels}, value], ...])
sub scrape {
    my ($port, $path) = @_;
    my ($status, $h, $body) = http_request($port, 'GET', $path || '/metrics');
    return (undef, []) unless $status == 200;
    my @series;
    for my $line (split /\n/, $body) {
        next if $line =~ /^#/ || $line !~ /\S/;
        my ($name, $labels, $v) = $line =~ /^(\w+)(?:\{(.*)\})? (\S+)$/
            or next;
        my %l = ($labels // '') =~ /(\w+)="((?:[^"\\]|\\.)*)"/g;
        push @series, [$name, \%l, $v];
    }
    return ($body, \@series, $h);
}

# value($series, $name, label => value, ...): the sum of the series of
# this name whose labels include these (0 when there is none)
sub value {
    my ($series, $name, %want) = @_;
    my $sum = 0;
    for my $s (@$series) {
        next unless $s->[0] eq $name;
        next if grep { ($s->[1]{$_} // '') ne $want{$_} } keys %want;
        $sum += $s->[2];
    }
    return $sum;
}

# promtool_check($text): (exit code, what promtool said)
sub promtool_check {
    my ($text) = @_;
    my ($rc, $out, $err) = run_cmd({ stdin => $text }, $PROMTOOL, 'check',
        'metrics');
    return ($rc, $out . $err);
}

sub _free_port {
    my $s = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => 0,
        Listen => 1, ReuseAddr => 1) or die "no free port: $!";
    return $s->sockport;
}

# prometheus($target, %o): Prometheus on a free port, scraping $target
# (host:port) every second at $o{path} (/metrics); its own config and
# storage in a temp dir.  Returns when it is ready.
sub prometheus {
    my ($target, %o) = @_;
    my $dir = tempdir('sockerless-prom-XXXXXX', TMPDIR => 1,
        CLEANUP => !$ENV{SOCKERLESS_TEST_KEEP});
    my $port = _free_port();
    my $path = $o{path} || '/metrics';
    open my $fh, '>', "$dir/prometheus.yml" or die "$dir: $!";
    print $fh <<"EOF";
global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: sockerless
    metrics_path: $path
    static_configs:
      - targets: ['$target']
EOF
    close $fh;

    my $pid = fork // die "fork: $!";
    if ($pid == 0) {
        setsid();
        open STDIN, '<', '/dev/null';
        open STDOUT, '>', "$dir/prometheus.log";
        open STDERR, '>&', \*STDOUT;
        exec $PROMETHEUS, "--config.file=$dir/prometheus.yml",
            "--storage.tsdb.path=$dir/data",
            "--web.listen-address=127.0.0.1:$port", '--log.level=warn';
        exit 127;
    }
    my $self = bless { pid => $pid, port => $port, dir => $dir },
        'Sockerless::Observe::Prometheus';
    my $ready = wait_until(sub {
        my ($s) = http_request($port, 'GET', '/-/ready', timeout => 2);
        $s == 200;
    }, 60, 0.2);
    die "prometheus did not get ready:\n" . $self->log unless $ready;
    return $self;
}

sub Sockerless::Observe::Prometheus::port { $_[0]{port} }

sub Sockerless::Observe::Prometheus::log {
    open my $fh, '<', "$_[0]{dir}/prometheus.log" or return '';
    local $/;
    return scalar <$fh> // '';
}

# ->query($promql): the first result's value as a number, undef if none
sub Sockerless::Observe::Prometheus::query {
    my ($self, $q) = @_;
    my ($status, $h, $body) = http_request($self->{port}, 'GET',
        '/api/v1/query?query=' . url_encode($q), timeout => 5);
    return undef unless $status == 200;
    my $r = eval { decode_json($body) } or return undef;
    my $v = $r->{data}{result}[0]{value} or return undef;
    return 0 + $v->[1];
}

# ->wait_for($promql, $value, $timeout): true when the query gives $value
sub Sockerless::Observe::Prometheus::wait_for {
    my ($self, $q, $want, $timeout) = @_;
    return wait_until(sub {
        my $v = $self->query($q);
        defined $v && $v == $want;
    }, $timeout // 30, 0.25);
}

sub Sockerless::Observe::Prometheus::stop {
    my $pid = delete $_[0]{pid} or return;
    kill 'TERM', $pid;
    wait_until(sub { waitpid($pid, POSIX::WNOHANG()) == $pid }, 10)
        or do { kill 'KILL', $pid; waitpid($pid, 0) };
}

sub Sockerless::Observe::Prometheus::DESTROY {
    local ($?, $@, $!);
    $_[0]->stop;
}

# audit_records($file): every line decoded ({ _raw => line } when a line
# is not JSON)
sub audit_records {
    my ($file) = @_;
    open my $fh, '<', $file or return ();
    my @r;
    while (my $line = <$fh>) {
        chomp $line;
        my $rec = eval { JSON::PP->new->utf8->decode($line) };
        push @r, (ref $rec eq 'HASH') ? $rec : { _raw => $line };
    }
    return @r;
}

# reload_nginx($ng): SIGHUP; true once as many new workers as before run
sub reload_nginx {
    my ($ng) = @_;
    my %old = map { $_ => 1 } worker_pids($ng);
    my $n = keys %old;
    kill 'HUP', $ng->{pid};
    return wait_until(sub {
        my @now = worker_pids($ng);
        @now == $n && !grep { $old{$_} } @now;
    }, 20, 0.1);
}

1;
