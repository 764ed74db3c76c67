#!/usr/bin/perl
# docker-py (Debian's python3-docker) through the module:
#   - exec_start(socket=True): write stdin to the socket, shut down the
#     write side, read everything, demultiplex;
#   - exec_run: output, demux=True, exit code; exec_run(stream=True);
#   - containers.run(..., remove=True): output, and the error with the
#     container's stderr for a non-zero exit;
#   - the runner flow with the low-level API: attach_socket with stdin
#     before start, send a script, half-close, read, wait.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Sockerless::Test;
use Sockerless::Hijack;
use Digest::SHA qw(sha256_hex);

my $python = $ENV{SOCKERLESS_PYTHON} || '/usr/bin/python3';
{
    my ($rc) = run_cmd({ timeout => 30 }, $python, '-c', 'import docker');
    plan(skip_all => "docker-py is missing ($python -c 'import docker'): "
        . 'apt-get install python3-docker') if $rc;
}

my $ng = start_nginx();
my $image = test_image();
my $c = exec_target('py');
my ($rc, $out, $err);
my $runner = unique_name('pyrunner');
my $removed = unique_name('pyrm');
my $failed = unique_name('pyfail');
cleanup_container($runner, $removed, $failed);

my $py = <<'EOF';
import hashlib, json, os, socket, struct, sys
import docker

port, container, image, runner, removed, failed = sys.argv[1:7]
base = "tcp://127.0.0.1:%s" % port
api = docker.APIClient(base_url=base, version="auto", timeout=60)
cli = docker.DockerClient(base_url=base, version="auto", timeout=60)
res = {"docker_py": docker.__version__}

def demux(buf):
    out, err, pos = b"", b"", 0
    while pos + 8 <= len(buf):
        kind, length = struct.unpack(">BxxxL", buf[pos:pos + 8])
        payload = buf[pos + 8:pos + 8 + length]
        if kind == 2:
            err += payload
        else:
            out += payload
        pos += 8 + length
    return out, err, pos == len(buf)

def raw_socket(s):
    return getattr(s, "_sock", s)

def read_all(s):
    buf = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            return buf
        buf += chunk

errors = []

def section(fn):
    """runs one part; an exception is recorded, the next part still runs"""
    try:
        fn()
    except Exception as ex:
        errors.append("%s: %r" % (fn.__name__, ex))
    return fn

@section
def exec_socket():
    # exec_start(socket=True): stdin in, half-close, output out
    data = os.urandom(3 * 1024 * 1024 + 17)
    e = api.exec_create(container, ["sh", "-c", "cat; echo bye >&2; exit 5"],
                        stdin=True)
    s = raw_socket(api.exec_start(e["Id"], socket=True))
    s.sendall(data)
    s.shutdown(socket.SHUT_WR)
    out, err, whole = demux(read_all(s))
    s.close()
    res["socket"] = {
        "sent": hashlib.sha256(data).hexdigest(),
        "got": hashlib.sha256(out).hexdigest(), "len": len(out),
        "stderr": err.decode(), "whole": whole,
        "exit": api.exec_inspect(e["Id"])["ExitCode"],
    }

@section
def exec_run():
    ctr = cli.containers.get(container)
    r = ctr.exec_run(["sh", "-c", "echo out; sleep 0.2; echo err >&2; exit 3"])
    res["exec_run"] = {"exit": r.exit_code, "output": r.output.decode()}
    r = ctr.exec_run(["sh", "-c", "echo out; sleep 0.2; echo err >&2; exit 4"],
                     demux=True)
    res["exec_run_demux"] = {"exit": r.exit_code,
                             "stdout": (r.output[0] or b"").decode(),
                             "stderr": (r.output[1] or b"").decode()}
    r = ctr.exec_run(["sh", "-c", "for i in 1 2 3; do echo s$i; sleep 0.1; done"],
                     stream=True)
    res["exec_run_stream"] = b"".join(r.output).decode()

@section
def run_remove():
    out = cli.containers.run(image, ["sh", "-c", "echo ran; echo more"],
                             name=removed, remove=True, network_mode="none")
    res["run"] = {"output": out.decode()}
    try:
        api.inspect_container(removed)
        res["run"]["removed"] = False
    except docker.errors.NotFound:
        res["run"]["removed"] = True

@section
def run_fail():
    try:
        cli.containers.run(image, ["sh", "-c", "echo boom >&2; exit 9"],
                           name=failed, remove=True, network_mode="none")
        res["run_fail"] = {"raised": False}
    except docker.errors.ContainerError as ex:
        res["run_fail"] = {"raised": True, "exit": ex.exit_status,
                           "stderr": (ex.stderr or b"").decode()}

@section
def runner_flow():
    # the runner flow with the low-level API (docker-py has no
    # stdin_once: the script ends the shell by itself)
    api.create_container(image, ["sh"], name=runner, stdin_open=True,
                         host_config=api.create_host_config(
                             network_mode="none"))
    s = raw_socket(api.attach_socket(runner, params={
        "stdin": 1, "stdout": 1, "stderr": 1, "stream": 1}))
    api.start(runner)
    s.sendall(b"echo one; echo two >&2; exit 7\n")
    s.shutdown(socket.SHUT_WR)
    out, err, whole = demux(read_all(s))
    s.close()
    res["runner"] = {"stdout": out.decode(), "stderr": err.decode(),
                     "whole": whole, "wait": api.wait(runner)["StatusCode"]}

res["errors"] = errors
print(json.dumps(res))
EOF

($rc, $out, $err) = run_cmd({ timeout => 120 }, $python, '-c', $py,
    $ng->port, $c, $image, $runner, $removed, $failed);
is($rc, 0, 'the docker-py script runs to its end') or diag $err;
my $r = eval { decode_json($out) } || {};
note "docker-py $r->{docker_py}" if $r->{docker_py};
is_deeply($r->{errors}, [], 'docker-py: no exception') or diag explain $r->{errors};

my $s = $r->{socket} || {};
is($s->{len}, 3 * 1024 * 1024 + 17, 'exec_start(socket=True): all bytes back');
ok(defined $s->{sent} && $s->{got} eq $s->{sent},
    'exec_start(socket=True): sha256 out = in');
ok($s->{whole}, 'exec_start(socket=True): whole frames');
is($s->{stderr}, "bye\n", 'exec_start(socket=True): stderr after stdin EOF');
is($s->{exit}, 5, 'exec_start(socket=True): exit code 5 in exec_inspect');

is_deeply($r->{exec_run}, { exit => 3, output => "out\nerr\n" },
    'exec_run: output and exit code 3');
is_deeply($r->{exec_run_demux}, { exit => 4, stdout => "out\n",
    stderr => "err\n" }, 'exec_run(demux=True): stdout, stderr, exit code 4');
is($r->{exec_run_stream}, "s1\ns2\ns3\n", 'exec_run(stream=True): the lines');

is_deeply($r->{run}, { output => "ran\nmore\n", removed => JSON::PP::true() },
    'containers.run(remove=True): output, container removed');
is_deeply($r->{run_fail}, { raised => JSON::PP::true(), exit => 9,
    stderr => "boom\n" }, 'containers.run: ContainerError with exit 9 and stderr');

is_deeply($r->{runner}, { stdout => "one\n", stderr => "two\n",
    whole => JSON::PP::true(), wait => 7 },
    'attach_socket before start: script in, output out, wait gives 7');

done_testing();
