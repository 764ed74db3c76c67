#!/usr/bin/perl
# 64 MiB of random data through hijacked streams:
# `docker exec -i c cat` and `docker run -i --rm <image> cat`, through the
# module and, as the reference, straight to dockerd: the output's sha256
# and length equal the input's, with each docker CLI installed.  And
# 64 MiB the other way only (exec without stdin), 64 MiB offered to a
# process that reads 5 bytes, and
# back-pressure: a client that does not read for a while, a process that
# does not read its stdin for a while.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Sockerless::Test;
use Sockerless::Hijack;
use Digest::SHA;
use File::Temp qw(tempdir);
use Time::HiRes qw(time sleep);
use IO::Select;
use Socket qw(SHUT_WR);

my $ng = start_nginx();
my $image = test_image();
my $size = 64 * 1024 * 1024;

my $dir = tempdir('sockerless-bulk-XXXXXX', TMPDIR => 1, CLEANUP => 1);
my $in = "$dir/in";
{
    open my $r, '<:raw', '/dev/urandom' or die "/dev/urandom: $!";
    open my $w, '>:raw', $in or die "$in: $!";
    my $left = $size;
    while ($left > 0) {
        my $n = sysread($r, my $buf, $left > 1 << 20 ? 1 << 20 : $left);
        die "urandom: $!" unless $n;
        print $w $buf;
        $left -= $n;
    }
    close $w or die "$in: $!";
}
my $want = Digest::SHA->new(256)->addfile($in, 'b')->hexdigest;

sub sha_of {
    my ($file) = @_;
    return ('', 0) unless -f $file;
    return (Digest::SHA->new(256)->addfile($file, 'b')->hexdigest, -s $file);
}

my $c = exec_target('bulk');
my ($rc, $out, $err);

my @targets = (['module', $ng->docker_host],
               ['dockerd direct', "unix://$ENV{DOCKER_SOCK}"]);
my %cmds = (
    'exec -i c cat' => "exec -i $c cat",
    'run -i --rm cat' => "run -i --rm --network none $image cat",
);

# the docker CLI, each one installed
for_each_cli(sub {
    for my $t (@targets) {
        my ($what, $host) = @$t;
        for my $label (sort keys %cmds) {
            my $o = "$dir/out";
            unlink $o;
            my $t0 = time;
            ($rc, $out, $err) = docker_sh($host,
                qq{"\$DOCKER" $cmds{$label} < "$in" > "$o"}, { timeout => 120 });
            my $secs = time - $t0;
            is($rc, 0, "$what: 64 MiB through docker $label: exit 0") or diag $err;
            my ($sha, $len) = sha_of($o);
            is($len, $size, "$what: docker $label: 64 MiB out");
            is($sha, $want, "$what: docker $label: sha256 of the output is the input's");
            note sprintf '%s: docker %s: %.1f s', $what, $label, $secs;
        }

        # dockerd -> client only: 64 MiB of zeroes out of an exec without stdin
        my $o = "$dir/out";
        unlink $o;
        ($rc, $out, $err) = docker_sh($host,
            qq{"\$DOCKER" exec $c head -c $size /dev/zero > "$o"},
            { timeout => 120 });
        is($rc, 0, "$what: docker exec head -c 64M /dev/zero: exit 0") or diag $err;
        my ($sha, $len) = sha_of($o);
        is($len, $size, "$what: exec without stdin: 64 MiB out");
        is($sha, Digest::SHA::sha256_hex("\0" x $size),
            "$what: exec without stdin: the zeroes, intact");

        # the process stops reading early: the CLI ends, with the exit code
        for my $pair (['exec -i c', "exec -i $c"],
                      ['run -i --rm', "run -i --rm --network none $image"]) {
            my ($label, $cmd) = @$pair;
            my $t0 = time;
            ($rc, $out, $err) = docker_sh($host,
                qq{"\$DOCKER" $cmd sh -c 'head -c 5 | wc -c; exit 3' < "$in"},
                { timeout => 60 });
            is($rc, 3, "$what: 64 MiB into docker $label head -c 5: exit 3")
                or diag $err;
            like($out, qr/^\s*5\n\z/, "$what: docker $label head -c 5: output");
            note sprintf '%s: docker %s head -c 5: %.1f s', $what, $label, time - $t0;
        }
    }
});

# back-pressure both ways, on raw sessions
my $nostream = '{"Detach":false,"Tty":false}';
for my $t (['module', port => $ng->port],
           ['dockerd direct', sock => $ENV{DOCKER_SOCK}]) {
    my ($what, %where) = @$t;

    # a client that reads nothing for 2 s while 32 MiB wait for it
    my $id = exec_create($c, Cmd => ['sh', '-c',
        'head -c 33554432 /dev/zero; echo done >&2']);
    my $s = hijack_open($where{port} // 0, 'POST', "/v1.41/exec/$id/start",
        %where, body => $nostream);
    $s->shutdown_write if $s;
    sleep 2;
    my ($o, $e, $ok) = demux($s ? $s->read_all(60) : '');
    ok($s && $s->{eof} && $ok, "$what: a slow reader: whole frames to EOF");
    is(length $o, 32 * 1024 * 1024, "$what: a slow reader: all 32 MiB");
    ok($o eq "\0" x (32 * 1024 * 1024), "$what: a slow reader: the zeroes");
    is($e, "done\n", "$what: a slow reader: stderr at the end");

    # a process that reads nothing for 2 s while the client sends 16 MiB
    $id = exec_create($c, AttachStdin => 1, Cmd => ['sh', '-c', 'sleep 2; cat']);
    $s = hijack_open($where{port} // 0, 'POST', "/v1.41/exec/$id/start",
        %where, body => $nostream);
    my $data = join '', map { pack 'N', $_ } 1 .. 4 * 1024 * 1024;
    my $got = '';
    if ($s) {
        my $fh = $s->fh;
        $fh->blocking(0);
        my $pending = $data;
        $got = $s->{buf};
        my $rsel = IO::Select->new($fh);
        my $wsel = IO::Select->new($fh);
        my $deadline = time + 60;
        local $SIG{PIPE} = 'IGNORE';
        while ($rsel->count && time < $deadline) {
            my ($r, $w) = IO::Select::select($rsel, $wsel, undef, 1);
            if ($w && @$w) {
                my $n = syswrite($fh, $pending, 1 << 20);
                substr($pending, 0, $n, '') if $n;
                $pending = '' if !defined $n && !$!{EAGAIN};
                if (!length $pending) {
                    $wsel->remove($fh);
                    $fh->shutdown(SHUT_WR);
                }
            }
            if ($r && @$r) {
                my $n = sysread($fh, my $buf, 1 << 20);
                if ($n) {
                    $got .= $buf;
                } elsif (defined $n) {
                    $rsel->remove($fh);
                    $wsel->remove($fh);
                }
            }
        }
    }
    ($o, $e, $ok) = demux($got);
    is(length $o, length $data, "$what: a slow process: all 16 MiB back");
    ok($o eq $data, "$what: a slow process: in order");
}

done_testing();
