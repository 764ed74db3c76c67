package Sockerless::Hijack;

# Helpers for the hijacked-stream tests (t/3?-hijack-*.t): raw sessions
# on attach / exec start (a raw connection of Sockerless::Test that read
# the response header), Docker's 8-byte stream frames, and the container
# the tests exec in.
#
#   my $c = exec_target('raw');     a running container, checked
#   my $id = exec_create($c, AttachStdin => 1, Cmd => ['cat']);
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
    hijack_open demux frame exec_create exec_target
);

use Sockerless::Test ':noenv';

# exec_target($what): a container of the test image sleeping for ten
# minutes (no network), removed at the end; one assertion that it runs
sub exec_target {
    my ($what) = @_;
    my $c = unique_name($what);
    cleanup_container($c);
    my ($rc, $out, $err) = docker('run', '-d', '--name', $c,
        '--network', 'none', test_image(), 'sleep', '600');
    Test::More::is($rc, 0, 'a container to exec in')
        or Test::More::diag($err);
    return $c;
}

# exec_create($container, %config): the exec id (dies on failure)
sub exec_create {
    my ($container, %cfg) = @_;
    my %c = (AttachStdout => \1, AttachStderr => \1, %cfg);
    for (qw(AttachStdin AttachStdout AttachStderr Tty)) {
        $c{$_} = $c{$_} ? JSON::PP::true() : JSON::PP::false()
            if exists $c{$_};
    }
    my ($st, $j) = api('POST', "/containers/$container/exec", \%c);
    die "exec create on $container: $st " . (ref $j ? encode_json($j) : $j)
        unless $st == 201 && ref $j && $j->{Id};
    return $j->{Id};
}

# hijack_open($port, $method, $path, %opts): a hijacked session, a raw
# connection (Sockerless::Test's raw_open) after the response header.
#   body    => request body (default none; Content-Length is set)
#   upgrade => 0 to send no Upgrade/Connection headers (default 1)
#   extra   => bytes sent in the same write, right after the request
#   headers => [name => value, ...]
#   sock    => a UNIX socket path instead of $port
#   timeout => seconds to wait for the response header (default 10)
# The session: status, head (the header text as received, with its final
# CRLF CRLF), headers (lower-case names), buf (bytes after the header),
# eof, and the methods of a raw connection.  undef if it cannot connect.
sub hijack_open {
    my ($port, $method, $path, %o) = @_;
    my $self = raw_open($port, sock => $o{sock}, class => 'Sockerless::Hijack::Session')
        or return undef;
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
    $self->put($req) or return undef;

    $self->read_until(qr/\r\n\r\n/, $o{timeout} // 10);
    my ($head, $rest) = split /(?<=\r\n\r\n)/, $self->{buf}, 2;
    $self->{head} = $head // '';
    $self->{buf} = $rest // '';
    @$self{qw(status headers)}
        = Sockerless::Test::parse_head($self->{head});
    return $self;
}


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

package Sockerless::Hijack::Session;

our @ISA = ('Sockerless::Test::Conn');

# the demultiplexed stdout so far (for read_until on framed streams)
sub stdout_so_far { (Sockerless::Hijack::demux($_[0]{buf}))[0] }

sub done { $_[0]->close }

package Sockerless::Hijack;

1;
