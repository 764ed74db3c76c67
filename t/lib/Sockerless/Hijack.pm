package Sockerless::Hijack;

# Helpers for the hijacked-stream tests (t/30-hijack-*.t): raw sessions
# on attach / exec start, Docker's 8-byte stream frames, and the docker
# CLI inside a shell (stdin from /dev/null, pipes of big files, a pty).
#
#   my $s = hijack_open($port, 'POST', "/exec/$id/start",
#       body => '{"Detach":false,"Tty":false}');
#   $s->{status}            101 (Upgrade sent) or 200 (no Upgrade)
#   $s->put($bytes); $s->shutdown_write; my $out = $s->read_all(10);
#   my ($stdout, $stderr, $ok) = demux($out);

use strict;
use warnings;

use Exporter ();
our @ISA = qw(Exporter);
our @EXPORT = qw(
    hijack_open demux frame exec_create api_json target_port
    docker_sh docker_env
);

use IO::Socket::INET;
use IO::Socket::UNIX;
use IO::Select;
use Socket qw(SHUT_WR SOCK_STREAM);
use File::Temp qw(tempdir);
use Time::HiRes qw(time);
use Sockerless::Test ':noenv';

my $CLI_CONFIG;

# the port of what the tests talk to: nginx, or dockerd's own TCP
# listener in reference mode (start_nginx returns that as its port)
sub target_port { current_nginx()->port }

# api_json($method, $path, $body_ref_or_undef, %opts): through the
# target; (status, decoded JSON or raw body)
sub api_json {
    my ($method, $path, $body, %o) = @_;
    my ($st, $h, $b) = http_request($o{port} // target_port(), $method,
        $path,
        headers => ['Content-Type' => 'application/json'],
        defined $body ? (body => ref $body ? encode_json($body) : $body)
                      : (),
        %o);
    my $j = eval { decode_json($b) };
    return ($st, $j // $b, $h);
}

# exec_create($container, %config): the exec id (dies on failure)
sub exec_create {
    my ($container, %cfg) = @_;
    my %c = (AttachStdout => \1, AttachStderr => \1, %cfg);
    for (qw(AttachStdin AttachStdout AttachStderr Tty)) {
        $c{$_} = $c{$_} ? JSON::PP::true() : JSON::PP::false()
            if exists $c{$_};
    }
    my ($st, $j) = api_json('POST', "/containers/$container/exec", \%c);
    die "exec create on $container: $st " . (ref $j ? encode_json($j) : $j)
        unless $st == 201 && ref $j && $j->{Id};
    return $j->{Id};
}

# hijack_open($port, $method, $path, %opts): a hijacked session.
#   body    => request body (default none; Content-Length is set)
#   upgrade => 0 to send no Upgrade/Connection headers (default 1)
#   extra   => bytes sent in the same write, right after the request
#   headers => [name => value, ...]
#   sock    => a UNIX socket path instead of $port
#   timeout => seconds to wait for the response header (default 10)
# Returns the session (a hash): status, head (the header text as
# received, with its final CRLF CRLF), headers (lower-case names), buf
# (bytes after the header), fh.  Returns undef if it cannot connect.
sub hijack_open {
    my ($port, $method, $path, %o) = @_;
    my $s = $o{sock}
        ? IO::Socket::UNIX->new(Peer => $o{sock}, Type => SOCK_STREAM)
        : IO::Socket::INET->new(PeerAddr => "127.0.0.1:$port",
            Timeout => 5);
    return undef unless $s;
    my $upgrade = $o{upgrade} // 1;
    my $req = "$method $path HTTP/1.1\r\nHost: localhost\r\n";
    $req .= "Connection: Upgrade\r\nUpgrade: tcp\r\n" if $upgrade;
    my @h = @{ $o{headers} || [] };
    while (my ($k, $v) = splice @h, 0, 2) {
        $req .= "$k: $v\r\n";
    }
    if (defined $o{body}) {
        $req .= "Content-Type: application/json\r\n"
            unless grep { /^content-type$/i } @{ $o{headers} || [] };
        $req .= 'Content-Length: ' . length($o{body}) . "\r\n\r\n$o{body}";
    } else {
        $req .= "\r\n";
    }
    $req .= $o{extra} if defined $o{extra};

    my $self = bless { fh => $s, buf => '', eof => 0 }, __PACKAGE__;
    local $SIG{PIPE} = 'IGNORE';
    $self->put($req) or return undef;

    my $raw = '';
    my $sel = IO::Select->new($s);
    my $deadline = time + ($o{timeout} // 10);
    while ($raw !~ /\r\n\r\n/) {
        my $left = $deadline - time;
        last if $left <= 0 || !$sel->can_read($left);
        my $n = sysread($s, my $chunk, 65536);
        if (!$n) {
            $self->{eof} = 1;
            last;
        }
        $raw .= $chunk;
    }
    my ($head, $rest) = split /(?<=\r\n\r\n)/, $raw, 2;
    $self->{head} = $head // '';
    $self->{buf} = $rest // '';
    ($self->{status}) = $self->{head} =~ m{^HTTP/\d\.\d (\d{3})};
    $self->{status} //= 0;
    my %h;
    for (split /\r\n/, $self->{head}) {
        my ($k, $v) = /^([^:]+):\s*(.*)$/ or next;
        $k = lc $k;
        $h{$k} = exists $h{$k} ? "$h{$k}, $v" : $v;
    }
    $self->{headers} = \%h;
    return $self;
}

sub fh { $_[0]{fh} }

sub put {
    my ($self, $data) = @_;
    local $SIG{PIPE} = 'IGNORE';
    my $fh = $self->{fh};
    while (length $data) {
        my $n = syswrite($fh, $data);
        return 0 unless defined $n;
        substr($data, 0, $n, '');
    }
    return 1;
}

sub shutdown_write { $_[0]{fh}->shutdown(SHUT_WR) }

# read_until(qr//, $timeout): true when the received bytes (buf) match
sub read_until {
    my ($self, $re, $timeout) = @_;
    my $deadline = time + ($timeout // 10);
    my $sel = IO::Select->new($self->{fh});
    while ($self->{buf} !~ $re) {
        return 0 if $self->{eof};
        my $left = $deadline - time;
        return 0 if $left <= 0;
        next unless $sel->can_read($left);
        my $n = sysread($self->{fh}, my $chunk, 65536);
        if ($n) {
            $self->{buf} .= $chunk;
        } else {
            $self->{eof} = 1;
        }
    }
    return 1;
}

# read_all($timeout): everything up to the server's EOF; $self->{eof}
# tells whether EOF came (or the time ran out)
sub read_all {
    my ($self, $timeout) = @_;
    $self->read_until(qr/\z(?!)/, $timeout // 30);
    return $self->{buf};
}

# the demultiplexed stdout so far (for read_until on framed streams)
sub stdout_so_far { (demux($_[0]{buf}))[0] }

sub done { close $_[0]{fh} }

# demux($bytes): (stdout, stderr, ok); ok is false when the bytes are
# not a whole sequence of Docker stream frames
sub demux {
    my ($data) = @_;
    my ($out, $err, $pos) = ('', '', 0);
    while ($pos + 8 <= length $data) {
        my ($type, $z1, $z2, $z3, $len) = unpack 'CCCCN', substr($data, $pos, 8);
        return ($out, $err, 0) if $type > 2 || $z1 || $z2 || $z3;
        last if $pos + 8 + $len > length $data;
        my $payload = substr($data, $pos + 8, $len);
        if ($type == 2) { $err .= $payload } else { $out .= $payload }
        $pos += 8 + $len;
    }
    return ($out, $err, $pos == length $data ? 1 : 0);
}

# frame($type, $bytes): one Docker stream frame
sub frame { pack('CCCCN', $_[0], 0, 0, 0, length $_[1]) . $_[1] }

# docker_sh($host, $script, \%opts): (exit code, stdout, stderr) of
# `sh -c $script` where "$DOCKER" is the docker CLI talking to $host
# (with a private config dir); opts as run_cmd (stdin, timeout, env)
sub docker_sh {
    my ($host, $script, $o) = @_;
    my %o = %{ $o || {} };
    $o{env} = { %{ docker_env($host) }, %{ $o{env} || {} } };
    return run_cmd(\%o, 'sh', '-c', $script);
}

# docker_env($host): the environment for a docker CLI talking to $host,
# with a private config dir; DOCKER is the CLI binary
sub docker_env {
    my ($host) = @_;
    $CLI_CONFIG //= tempdir('sockerless-cli-XXXXXX', TMPDIR => 1,
        CLEANUP => 1);
    return {
        DOCKER => docker_bin(),
        DOCKER_HOST => $host,
        DOCKER_CONFIG => $CLI_CONFIG,
        DOCKER_CONTEXT => undef,
        DOCKER_TLS_VERIFY => undef,
        DOCKER_CERT_PATH => undef,
        DOCKER_API_VERSION => undef,
        DOCKER_CLI_HINTS => 'false',
    };
}

1;
