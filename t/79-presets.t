#!/usr/bin/perl
# Presets (presets/*.conf): every file passes nginx -t, alone and with
# all the others.  Then one nginx includes them as they ship, and each
# consumer's calls are replayed with a real client: the docker CLI
# (Traefik, Dozzle's reads, the GitLab runner, the GitHub runner with
# both CLIs, Ryuk, Portainer), dockerode (Homepage, Dozzle's streams and
# shell, Watchtower, Testcontainers) and docker-py (Uptime Kuma).  Each
# sequence works end to end; a few representative calls outside it get
# Docker's 403 with the policy's reason; redaction and visibility hold
# where the preset has them.  The GitHub runner's bind example is tested
# in a copy with the test's directories.  What the presets cannot do
# yet is shown too: a re-create from an inspection under privileged off
# (Watchtower), the runner's bind of /var/run/docker.sock.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use File::Temp qw(tempdir);
use Time::HiRes qw(time sleep);
use Sockerless::Test;
use Sockerless::Policy;

module_only();

my $presets = "$ROOT/presets";
my @files = sort glob "$presets/*.conf";
my $tmp = tempdir('sockerless-presets-XXXXXX', TMPDIR => 1, CLEANUP => 1);
chmod 0755, $tmp;
my ($rc, $out, $err);

sub slurp {
    open my $fh, '<', $_[0] or die "$_[0]: $!";
    local $/;
    return scalar <$fh>;
}

sub spew {
    my ($path, $data) = @_;
    open my $fh, '>', $path or die "$path: $!";
    print $fh $data;
    close $fh;
    return $path;
}

# --- every file: nginx -t, its names, its header -------------------------

sub nginx_t {
    my (@includes) = @_;
    my $dir = tempdir('sockerless-t-XXXXXX', TMPDIR => 1, CLEANUP => 1);
    my $conf = spew("$dir/nginx.conf",
        "load_module $Sockerless::Test::MODULE;\n"
        . "pid $dir/nginx.pid;\nerror_log $dir/error.log;\nevents {}\n"
        . "http {\n" . join('', map { "    include $_;\n" } @includes)
        . "}\n");
    return run_cmd({ timeout => 30 }, $Sockerless::Test::NGINX, '-t',
        '-p', "$dir/", '-c', $conf);
}

my $doc = slurp("$ROOT/docs/presets.md");
my (%policies, %allowed);
for my $f (@files) {
    (my $base = $f) =~ s{.*/}{};
    ($rc, $out, $err) = nginx_t($f);
    like($err, qr/test is successful/, "nginx -t with $base alone")
        or diag $err;
    unlike($err, qr/\[(emerg|alert|crit)\]/, "$base: no [emerg]");
    my $text = slurp($f);
    my $at = '/usr/share/libnginx-mod-http-sockerless/presets';
    like($text, qr{^#\s+include \Q$at/$base\E;$}m,
        "$base: its header says how to include it");
    while ($text =~ /^sockerless_policy (\S+) \{(.*?)^\}/msg) {
        my ($name, $body) = ($1, $2);
        ok(!$policies{$name}++, "$base: policy $name is defined once");
        like($body, qr/^\s*privileged\s+(on|off);/m,
            "$base: $name says privileged");
        like($doc, qr/`\Q$name\E`/, "docs/presets.md names $name");
        my @ops = map { split ' ' } $body =~ /^\s*allow\s+([^;]+);/mg;
        $allowed{$name} = { map { $_ => 1 } @ops };
    }
}
# the table of docs/presets.md lists each policy's operations (a row
# that starts from another policy's, "dozzle's and ...", lists the rest)
while ($doc =~ /^\| `([a-z-]+)` \| [^|]* \| ([^|]*) \|/mg) {
    my ($name, $cell) = ($1, $2);
    next unless $allowed{$name};
    my %doc_ops = map { $_ => 1 } grep { /^[A-Z@]/ } $cell =~ /`([^`]+)`/g;
    my @missing = grep { !$doc_ops{$_} } sort keys %{ $allowed{$name} };
    my @extra = grep { !$allowed{$name}{$_} && !/^Debug/ } sort keys %doc_ops;
    @missing = () if $cell =~ /^`[a-z-]+`'/;
    ok(!@missing && !@extra, "docs/presets.md: the operations of $name")
        or diag "not in the docs: @missing; not in the file: @extra";
}

($rc, $out, $err) = nginx_t(@files);
like($err, qr/test is successful/, 'nginx -t with every preset at once')
    or diag $err;
ok(@files >= 9 && keys %policies >= 14, scalar(@files) . ' files, '
    . scalar(keys %policies) . ' policies');

# --- one nginx with all of them ---------------------------------------------

# the GitHub runner's bind example, made real for this test's
# directories, as a block of its own
my $runner = "$tmp/runner";
my $work = "$runner/_work";
mkdir $_ for $runner, $work, "$work/_temp", "$work/_temp/_github_home",
    "$work/_temp/_github_workflow", "$work/_actions", "$work/_tool",
    "$work/repo", "$runner/externals";
my $gh = slurp("$presets/github-runner.conf");
$gh =~ s/^(sockerless_policy github-runner) \{/$1-dirs {/m
    or die 'no github-runner block';
$gh =~ s/^(\s*)# (bind .*\n)(\s*)#(\s+\S.*;\n)/$1$2$3$4/m
    or die 'no bind example in github-runner.conf';
$gh =~ s{/home/runner/actions-runner}{$runner}g;
$gh =~ s/^#.*\n//mg;
spew("$tmp/github-runner-dirs.conf", $gh);

mkdir "$tmp/ryuk";
my $ryuk_sock = "$tmp/ryuk/docker.sock";

my $ng = start_nginx(
    http => <<"EOF",
    include $presets/*.conf;
    include $tmp/github-runner-dirs.conf;

    # Watchtower's calls under privileged off: what the module refuses
    sockerless_policy watchtower-off {
        allow ContainerList ContainerInspect ContainerCreate;
        privileged off;
    }

    # the runner's socket mount, allowed by name: /var/run is a link
    sockerless_policy runner-sock {
        allow ContainerCreate;
        bind  /var/run/docker.sock;
    }

    # Ryuk's listener (testcontainers.conf), in the test's directory
    server {
        listen unix:$ryuk_sock;
        location / {
            sockerless_pass dockerd;
            sockerless_enforce testcontainers-ryuk;
        }
    }
EOF
    location => 'sockerless_enforce $http_x_identity;',
    log_format => $POLICY_LOG,
    listens => [$ryuk_sock],
);

my $image = test_image();
my $ref = registry() . '/sockerless/test:1';
my $secret = 'canary-' . unique_name('pw');
my $t0 = time;

# a container Traefik routes, and one it does not
my $web = cleanup_container(unique_name('web'));
my $hidden = cleanup_container(unique_name('hidden'));
($rc, $out, $err) = docker_direct('run', '-d', '--name', $web,
    '--network', 'none', '-l', 'traefik.enable=true',
    '-l', 'homepage.group=apps',
    '-e', "DB_PASSWORD=$secret", $image, 'sh', '-c',
    'echo hello-from-web; trap "exit 0" TERM; while :; do sleep 0.2; done');
is($rc, 0, 'a labelled container with a secret in its environment')
    or diag $err;
($rc, $out, $err) = docker_direct('run', '-d', '--name', $hidden,
    '--network', 'none', '-e', "DB_PASSWORD=$secret", $image, 'sleep', '300');
is($rc, 0, 'an unlabelled one') or diag $err;
sleep 0.3;

my $denial = sub {
    my ($op, $policy) = @_;
    my $msg = qq{$op denied by policy "$policy": operation: $op}
        . ' is not allowed';
    return qr/\Q$msg\E/;
};

# the variables of an inspection: names kept, values gone
sub env_redacted {
    my ($env) = @_;
    return ref $env eq 'ARRAY' && (grep { $_ eq 'DB_PASSWORD=' } @$env)
        && !(grep { /\Q$secret\E/ } @$env);
}

my ($node) = grep { -x } map { "$_/node" } split /:/, $ENV{PATH} // '';
my $js = "$FindBin::Bin/js";
my $have_node = $node && -d "$js/node_modules/dockerode";

# dockerode as a consumer: the decoded JSON of t/js/presets.js
sub dockerode {
    my ($consumer, $identity, $args) = @_;
    my ($c, $o, $e) = run_cmd({ timeout => 90,
        env => { NODE_PATH => "$js/node_modules" } }, $node,
        "$js/presets.js", $consumer, $ng->port, $identity,
        encode_json($args));
    is($c, 0, "dockerode as $identity: the calls of $consumer") or diag $e;
    return eval { decode_json($o) } || {};
}

sub names_of { [sort grep { /^slt-79/ } @{ $_[0] || [] }] }

# --- Traefik ----------------------------------------------------------------

subtest 'traefik: docker provider' => sub {
    ($rc, $out, $err) = docker_as('traefik', 'version', '--format',
        '{{.Server.APIVersion}}');
    like($out, qr/^1\.\d+$/, 'version (ping, /version)') or diag $err;
    ($rc, $out) = docker_as('traefik', 'ps', '-a', '--format', '{{.Names}}');
    is_deeply(names_of([split /\n/, $out]), [$web],
        'ps -a: the labelled container only (visible)');
    ($rc, $out, $err) = docker_as('traefik', 'inspect', '--format',
        '{{json .Config.Env}}|{{index .Config.Labels "traefik.enable"}}|'
        . '{{.State.Status}}', $web);
    my ($env, $label, $state) = split /\|/, $out // '';
    ok(env_redacted(eval { decode_json($env) }),
        'inspect: DB_PASSWORD= without its value (redact)') or diag $out;
    is("$label|$state", "true|running\n", 'inspect: labels and state');
    ($rc, $out, $err) = docker_as('traefik', 'inspect', '--type',
        'container', $hidden);
    like($err, qr/No such container: \Q$hidden\E/,
        'inspect of the unlabelled one: no such object');
    ($rc, $out, $err) = docker_as('traefik', 'events', '--since',
        sprintf('%.3f', $t0 - 1), '--until', sprintf('%.3f', time),
        '--filter', 'type=container', '--format',
        '{{.Action}} {{.Actor.Attributes.name}}');
    like($out, qr/^start \Q$web\E$/m, 'events: the start of the labelled one');
    unlike($out, qr/\Q$hidden\E/, 'events: nothing of the unlabelled one');
    ($rc, $out, $err) = docker_as('traefik', 'logs', $web);
    like($err, $denial->('ContainerLogs', 'traefik'), 'logs: 403');
    ($rc, $out, $err) = docker_as('traefik', 'exec', $web, 'true');
    like($err, $denial->('ContainerExec', 'traefik'), 'exec: 403');
    ($rc, $out, $err) = docker_as('traefik', 'service', 'ls');
    like($err, $denial->('ServiceList', 'traefik'),
        'service ls: 403 (the swarm provider has its own policy)');
    unlike($out . $err, qr/\Q$secret\E/, 'no secret in any answer');
};

subtest 'traefik-swarm: swarm provider' => sub {
    # no swarm here: dockerd's own 503 shows the call reached it
    ($rc, $out, $err) = docker_as('traefik-swarm', 'service', 'ls');
    like($err, qr/not a swarm manager/, 'service ls: dockerd answers');
    ($rc, $out, $err) = docker_as('traefik-swarm', 'network', 'ls',
        '--filter', 'scope=swarm', '--format', '{{.Name}}');
    is($rc, 0, 'network ls --filter scope=swarm') or diag $err;
    my ($st, $msg) = policy_api('traefik-swarm', GET => '/tasks?filters='
        . url_encode('{"service":["web"],"desired-state":["running"]}'));
    is($st, 503, 'the running tasks of a service: dockerd answers');
    ($rc, $out, $err) = docker_as('traefik-swarm', 'node', 'inspect', 'n1');
    like($err, qr/not a swarm manager/, 'node inspect: dockerd answers');
    ($rc, $out, $err) = docker_as('traefik-swarm', 'ps');
    like($err, $denial->('ContainerList', 'traefik-swarm'),
        'ps: 403 (containers are the docker provider\'s)');
    ($rc, $out, $err) = docker_as('traefik-swarm', 'service', 'inspect', 'x');
    like($err, $denial->('ServiceInspect', 'traefik-swarm'),
        'service inspect: 403 (not a call of the provider)');
};

# --- Homepage, Uptime Kuma, Dozzle ---------------------------------------

SKIP: {
    skip('node or dockerode is missing', 1) unless $have_node;
    subtest 'homepage (dockerode)' => sub {
        my $r = dockerode('homepage', 'homepage',
            { web => $web, hidden => $hidden });
        is_deeply(names_of($r->{names}), [sort $web, $hidden],
            'listContainers({all: true})');
        is($r->{status}, 'running', 'status: inspect by name');
        ok(env_redacted($r->{env}) && env_redacted($r->{hiddenEnv}),
            'inspections: DB_PASSWORD= without its value');
        is($r->{labels}{'homepage.group'}, 'apps', 'labels as they are');
        ok($r->{stats}{cpu} && $r->{stats}{memory},
            'stats({stream: false}): one sample');
        for my $k (qw(services service tasks)) {
            is($r->{$k}{status}, 503, "swarm status ($k): dockerd answers")
                or diag explain $r->{$k};
        }
        like($r->{logs}{message}, $denial->('ContainerLogs', 'homepage'),
            'logs: 403');
        like($r->{restart}{message},
            $denial->('ContainerRestart', 'homepage'), 'restart: 403');
        like($r->{info}{message}, $denial->('SystemInfo', 'homepage'),
            'info: 403');
        unlike(encode_json($r), qr/\Q$secret\E/, 'no secret anywhere');
    };
}

SKIP: {
    my $python = $ENV{SOCKERLESS_PYTHON} || '/usr/bin/python3';
    my ($missing) = run_cmd({ timeout => 30 }, $python, '-c', 'import docker');
    skip('docker-py is missing', 1) if $missing;
    subtest 'uptime-kuma (docker-py)' => sub {
        my $dir = tempdir('sockerless-py-XXXXXX', TMPDIR => 1, CLEANUP => 1);
        spew("$dir/config.json",
            encode_json({ HttpHeaders => { 'X-Identity' => 'uptime-kuma' } }));
        ($rc, $out, $err) = run_cmd({ timeout => 60,
            env => { DOCKER_CONFIG => $dir, DOCKER_HOST => undef } }, $python,
            '-c', <<'EOF', $ng->port, $web);
import json, sys
import docker
port, web = sys.argv[1:3]
api = docker.APIClient(base_url="tcp://127.0.0.1:%s" % port,
                       version="1.41", timeout=60)
def attempt(f):
    try:
        f()
        return {"ok": True}
    except docker.errors.APIError as e:
        return {"ok": False, "status": e.status_code,
                "message": e.explanation}
r = {"names": [n.lstrip("/") for c in api.containers(all=True)
               for n in c["Names"]]}
state = api.inspect_container(web)
r["state"] = [state["State"][k] for k in ("Running", "Paused", "Restarting")]
r["env"] = state["Config"]["Env"]
r["logs"] = attempt(lambda: api.logs(web))
r["stop"] = attempt(lambda: api.stop(web))
r["ping"] = attempt(api.ping)
print(json.dumps(r))
EOF
        is($rc, 0, 'docker-py as uptime-kuma: the host test and a monitor')
            or diag $err;
        my $r = eval { decode_json($out) } || {};
        is_deeply(names_of($r->{names}), [sort $web, $hidden],
            'the host test: containers(all=True)');
        is_deeply($r->{state}, [JSON::PP::true, JSON::PP::false,
            JSON::PP::false], 'the monitor: inspect by name, its State');
        ok(env_redacted($r->{env}), 'DB_PASSWORD= without its value');
        like($r->{logs}{message}, $denial->('ContainerLogs', 'uptime-kuma'),
            'logs: 403');
        like($r->{stop}{message}, $denial->('ContainerStop', 'uptime-kuma'),
            'stop: 403');
        like($r->{ping}{message}, $denial->('SystemPing', 'uptime-kuma'),
            'ping: 403 (Uptime Kuma does not ping)');
    };
}

subtest 'dozzle (docker CLI and dockerode)' => sub {
    ($rc, $out, $err) = docker_as('dozzle', 'info', '--format',
        '{{.ServerVersion}}');
    like($out, qr/^\d+\.\d+/, 'info') or diag $err;
    ($rc, $out) = docker_as('dozzle', 'ps', '-a', '--format', '{{.Names}}');
    is_deeply(names_of([split /\n/, $out]), [sort $web, $hidden],
        'ps -a: every container');
    ($rc, $out) = docker_as('dozzle', 'inspect', '--format',
        '{{json .Config.Env}}', $web);
    ok(env_redacted(eval { decode_json($out) }), 'inspect: redacted');
    ($rc, $out, $err) = docker_as('dozzle', 'stop', $web);
    like($err, $denial->('ContainerStop', 'dozzle'), 'stop: 403');
    ($rc, $out, $err) = docker_as('dozzle-actions', 'restart', '-t', '2', $web);
    is($rc, 0, 'dozzle-actions: restart') or diag $err;
    ($rc, $out, $err) = docker_as('dozzle-actions', 'exec', $web, 'true');
    like($err, $denial->('ContainerExec', 'dozzle-actions'),
        'dozzle-actions: exec: 403');

    SKIP: {
        skip('node or dockerode is missing', 1) unless $have_node;
        my $args = { web => $web, since => sprintf('%.3f', $t0 - 1),
            until => sprintf('%.3f', time) };
        my $r = dockerode('dozzle', 'dozzle', $args);
        like($r->{followed}, qr/hello-from-web/,
            'logs followed (tail, timestamps, since)');
        like($r->{range}, qr/hello-from-web/, 'logs between since and until');
        ok($r->{statsStreamed}, 'stats streamed');
        ok((grep { $_->[0] eq 'container' && ($_->[2] // '') eq $hidden }
            @{ $r->{events} || [] }), 'events, unfiltered: every container');
        like($r->{exec}{message}, $denial->('ContainerExec', 'dozzle'),
            'exec: 403');
        $r = dockerode('dozzle', 'dozzle-shell', { %$args, shell => 1 });
        like($r->{shell}, qr/shell-42/, 'dozzle-shell: an exec with a TTY');
        ok($r->{resize}{ok}, 'dozzle-shell: resized')
            or diag explain $r->{resize};
        ok($r->{attach}{ok}, 'dozzle-shell: attach')
            or diag explain $r->{attach};
    }
};

# --- Watchtower ---------------------------------------------------------

SKIP: {
    skip('node or dockerode is missing', 1) unless $have_node;
    subtest 'watchtower (dockerode)' => sub {
        my $app = cleanup_container(unique_name('app'));
        my @nets = map { cleanup_network(unique_name("net$_")) } 1, 2;
        docker_direct('network', 'create', '--internal', $_) for @nets;
        ($rc, $out, $err) = docker_direct('run', '-d', '--name', $app,
            '--network', $nets[0], '-e', "DB_PASSWORD=$secret",
            '-l', 'com.centurylinklabs.watchtower.enable=true', $image, 'sh',
            '-c', 'trap "exit 0" TERM; while :; do sleep 0.2; done');
        is($rc, 0, 'a container on two networks') or diag $err;
        docker_direct('network', 'connect', $nets[1], $app);
        my $old = cleanup_image(unique_name('old') . ':1');
        docker_direct('commit', $hidden, $old);

        my $r = dockerode('watchtower', 'watchtower',
            { app => $app, ref => $ref });
        ok((grep { $_ eq $app } @{ $r->{listed} || [] }),
            'watchtower: running containers listed');
        ok($r->{image} && $r->{pull}{ok}, 'watchtower: image inspect, pull')
            or diag explain $r->{pull};
        ok((grep { $_ eq "DB_PASSWORD=$secret" } @{ $r->{envSeen} || [] }),
            'watchtower: the inspection as dockerd says it (no redact)');
        like($r->{kill}{message}, $denial->('ContainerKill', 'watchtower'),
            'watchtower (monitor only): the kill is refused');
        ok($r->{stillRunning}, 'watchtower: the container is left as it was');

        $r = dockerode('watchtower', 'watchtower-off',
            { app => $app, probe => "$app-copy" });
        cleanup_container("$app-copy");
        like($r->{create}{message},
            qr/ContainerCreate denied by policy "watchtower-off": privileged: HostConfig\.MaskedPaths/,
            'under privileged off, a re-create from the inspection is '
            . 'refused: dockerd\'s default masks (why watchtower-update is '
            . 'privileged on)');

        $r = dockerode('watchtower', 'watchtower-update',
            { app => $app, ref => $ref, update => 1, oldImage => $old });
        like($r->{hook}, qr/pre-update-hook/,
            'watchtower-update: the hook ran');
        is($r->{hookExit}, 0, 'watchtower-update: the hook\'s exit code');
        my $after = $r->{after} || {};
        is($after->{name}, "/$app",
            'watchtower-update: re-created, renamed back');
        ok($after->{running}, 'watchtower-update: running');
        ok((grep { $_ eq "DB_PASSWORD=$secret" } @{ $after->{env} || [] }),
            'watchtower-update: the variable keeps its value');
        is_deeply($after->{networks}, [sort @nets],
            'watchtower-update: on both networks again');
        is($after->{labels}{'com.centurylinklabs.watchtower.enable'}, 'true',
            'watchtower-update: its labels');
        ok($r->{removeImage}{ok}, 'watchtower-update: the old image removed')
            or diag explain $r->{removeImage};
        like($r->{logs}{message},
            $denial->('ContainerLogs', 'watchtower-update'),
            'watchtower-update: logs: 403');
        ($rc) = docker_direct('image', 'inspect', $old);
        isnt($rc, 0, 'the old image is gone');
    };
}

# --- GitLab runner --------------------------------------------------------

subtest 'gitlab-runner (docker CLI)' => sub {
    my $id = 'gitlab-runner';
    my $label = 'com.gitlab.gitlab-runner.managed';
    ($rc, $out, $err) = docker_as($id, 'info', '--format',
        '{{.ServerVersion}}');
    like($out, qr/^\d+\./, 'info') or diag $err;
    ($rc, $out, $err) = docker_as($id, 'image', 'inspect', '--format',
        '{{.Id}}', $image);
    is($rc, 0, 'image inspect') or diag $err;
    ($rc, $out, $err) = docker_as($id, { timeout => 120 }, 'pull', $ref);
    is($rc, 0, 'pull') or diag $err;

    # the prebuilt helper image: load, or import from the runner's upload
    my $saved = "$tmp/helper.tar";
    docker_direct('save', '-o', $saved, $image);
    ($rc, $out, $err) = docker_as($id, 'load', '-q', '-i', $saved);
    is($rc, 0, 'load (ImageLoad)') or diag $err;
    my $helper = cleanup_image(unique_name('helper') . ':1');
    ($rc, $out, $err) = docker_as($id, { stdin => tar_bytes('bin/x' => 'x') },
        'import', '-', $helper);
    is($rc, 0, 'import from the upload (fromSrc=-)') or diag $err;
    my $tag = cleanup_image(unique_name('helper') . ':x86_64');
    ($rc, $out, $err) = docker_as($id, 'tag', $helper, $tag);
    is($rc, 0, 'tag') or diag $err;

    my $net = cleanup_network(unique_name('build-net'));
    my $vol = cleanup_volume(unique_name('cache'));
    my $svc = cleanup_container(unique_name('svc'));
    my $build = cleanup_container(unique_name('build'));
    ($rc, $out, $err) = docker_as($id, 'network', 'create', '--internal',
        '--label', 'com.gitlab.gitlab-runner.job.id=7', $net);
    is($rc, 0, 'network per build') or diag $err;
    ($rc, $out, $err) = docker_as($id, 'volume', 'create', '--label',
        'com.gitlab.gitlab-runner.type=cache', $vol);
    is($rc, 0, 'cache volume') or diag $err;
    ($rc, $out, $err) = docker_as($id, 'run', '-d', '--name', $svc,
        '--network', $net, '--label', 'com.gitlab.gitlab-runner.type=service',
        $image, 'sh', '-c', 'echo service-up; sleep 300');
    is($rc, 0, 'a service container') or diag $err;
    ($rc, $out) = docker_as($id, 'logs', $svc);
    is($out, "service-up\n", 'its logs');
    my ($st, $exec) = policy_api($id, POST => "/containers/$svc/exec",
        { Cmd => ['true'] });
    is($st, 201, 'an exec (create)');
    ($st) = policy_api($id, POST => '/exec/' . (decode_json($exec)->{Id} // '')
        . '/start', { Detach => JSON::PP::true });
    is($st, 200, 'an exec (start)');

    # attach with stdin before start, the script, half-close, wait
    ($rc, $out, $err) = docker_as($id, { stdin => "echo job-output\n"
        . "echo cached > /cache/f\n" }, 'run', '-i', '--name', $build,
        '--network', $net, '-v', "$vol:/cache", $image, 'sh');
    is("$rc $out", "0 job-output\n", 'the build container: the script ran')
        or diag $err;
    ($rc, $out) = docker_as($id, 'ps', '-a', '--filter', "label=$label=true",
        '--format', '{{.Names}}');
    is_deeply(names_of([split /\n/, $out]), [sort $build, $svc],
        'ps --filter label=...managed=true: what it made');
    ($rc, $out) = docker_direct('inspect', '--format',
        "{{index .Config.Labels \"$label\"}}", $svc);
    is($out, "true\n", 'the gateway labelled the container');
    ($rc, $out) = docker_direct('network', 'inspect', '--format',
        "{{index .Labels \"$label\"}}", $net);
    is($out, "true\n", 'and the network');

    # visible: nothing else exists for it
    ($rc, $out) = docker_as($id, 'ps', '-a', '--format', '{{.Names}}');
    is_deeply(names_of([split /\n/, $out]), [sort $build, $svc],
        'ps -a: only its own containers');
    ($rc, $out, $err) = docker_as($id, 'inspect', '--type', 'container', $web);
    like($err, qr/No such container: \Q$web\E/, 'another container: missing');
    ($rc, $out, $err) = docker_as($id, 'run', '--rm', '--network',
        'container:' . $web, $image, 'true');
    like($err,
        qr/denied by policy "gitlab-runner": privileged|No such container/,
        'another container\'s network: refused');

    ($rc, $out, $err) = docker_as($id, 'run', '--rm', '--privileged',
        $image, 'true');
    like($err, qr/ContainerCreate denied by policy "gitlab-runner": privileged: HostConfig\.Privileged/,
        'privileged = true (Docker-in-Docker): 403');
    ($rc, $out, $err) = docker_as($id, 'run', '--rm', '-v',
        '/var/run/docker.sock:/var/run/docker.sock', $image, 'true');
    like($err, qr/ContainerCreate denied by policy "gitlab-runner": bind: host path \/var\/run\/docker\.sock is not allowed/,
        'the Docker socket in "volumes": 403');

    ($rc, $out, $err) = docker_as($id, 'network', 'ls', '--format',
        '{{.Name}}');
    is_deeply(names_of([split /\n/, $out]), [$net], 'network ls: its own');
    ($rc, $out, $err) = docker_as($id, 'volume', 'ls', '--format',
        '{{.Name}}');
    is_deeply(names_of([split /\n/, $out]), [$vol], 'volume ls: its own');
    ($rc, $out, $err) = docker_as($id, 'volume', 'inspect', $vol);
    is($rc, 0, 'volume inspect') or diag $err;
    ($rc, $out, $err) = docker_as($id, 'network', 'disconnect', '-f', $net,
        $build);
    is($rc, 0, 'network disconnect') or diag $err;
    ($rc, $out, $err) = docker_as($id, 'stop', '-t', '1', $svc);
    is($rc, 0, 'stop') or diag $err;
    ($rc, $out, $err) = docker_as($id, 'start', $svc);
    ($rc, $out, $err) = docker_as($id, 'kill', $svc);
    is($rc, 0, 'kill') or diag $err;
    ($rc, $out, $err) = docker_as($id, 'rm', '-f', $svc, $build);
    is($rc, 0, 'rm -f') or diag $err;
    ($rc, $out, $err) = docker_as($id, 'volume', 'rm', $vol);
    is($rc, 0, 'volume rm') or diag $err;
    ($rc, $out, $err) = docker_as($id, 'network', 'rm', $net);
    is($rc, 0, 'network rm') or diag $err;
};

# --- GitHub Actions runner ----------------------------------------------

subtest 'github-runner (both docker CLIs)' => sub {
    open my $df, '>', "$tmp/Dockerfile" or die;
    print $df "FROM $image\nLABEL built=by-action\n";
    close $df;
    my $n = 0;
    for_each_cli(sub {
        $n++;
        my $id = 'github-runner';
        my $dirs = 'github-runner-dirs';
        my $hash = sprintf '%06x', ($$ * 7 + $n) & 0xffffff;
        my $net = cleanup_network(unique_name('github-network'));
        my $job = cleanup_container(unique_name('job'));
        my $svc = cleanup_container(unique_name('redis'));
        my $act = cleanup_container(unique_name('act'));
        ($rc, $out, $err) = docker_as($id, 'version', '--format',
            '{{.Server.APIVersion}}');
        like($out, qr/^1\.\d+$/, 'version --format {{.Server.APIVersion}}')
            or diag $err;
        ($rc, $out, $err) = docker_as($id, 'ps', '--all', '--quiet',
            '--no-trunc', '--filter', "label=$hash");
        is("$rc$out", '0', 'ps: nothing left by a previous job') or diag $err;
        ($rc, $out, $err) = docker_as($id, 'network', 'prune', '--force',
            '--filter', "label=$hash");
        is($rc, 0, 'network prune --filter label=') or diag $err;
        ($rc, $out, $err) = docker_as($id, 'network', 'create', '--label',
            $hash, $net);
        is($rc, 0, 'network create --label') or diag $err;
        ($rc, $out, $err) = docker_as($id,
            { stdin => $ENV{REGISTRY_PASSWORD} // 'sockerless-secret' },
            'login', '-u', $ENV{REGISTRY_USER} // 'sockerless',
            '--password-stdin', registry_auth());
        like($out, qr/Login Succeeded/, 'login (dockerd asks the registry)')
            or diag $err;
        ($rc, $out, $err) = docker_as($id, { timeout => 120 }, 'pull', $ref);
        is($rc, 0, 'pull') or diag $err;
        ($rc, $out, $err) = docker_as($id, 'inspect', '--format', '{{.Id}}',
            $ref);
        like($out, qr/^sha256:/, 'inspect of the image') or diag $err;

        my @job = ('create', '--name', $job, '--label', $hash, '--workdir',
            '/__w/repo', '--network', $net, '--network-alias', 'job',
            '-e', 'HOME=/github/home', '-e', 'GITHUB_ACTIONS=true',
            '-e', 'CI=true',
            '-v', "$work:/__w", '-v', "$runner/externals:/__e:ro",
            '-v', "$work/_temp:/__w/_temp",
            '-v', "$work/_actions:/__w/_actions",
            '-v', "$work/_tool:/__t",
            '-v', "$work/_temp/_github_home:/github/home",
            '-v', "$work/_temp/_github_workflow:/github/workflow");
        my @tail = ('--entrypoint', 'tail', $ref, '-f', '/dev/null');
        ($rc, $out, $err) = docker_as($id, @job, @tail);
        like($err, qr/ContainerCreate denied by policy "github-runner": bind: host path \Q$runner\E\/\S+ is not allowed/,
            'the job container, preset as shipped: its directories need '
            . 'the bind example');
        ($rc, $out, $err) = docker_as($dirs, @job, '-v',
            '/var/run/docker.sock:/var/run/docker.sock', @tail);
        like($err, qr/ContainerCreate denied by policy "github-runner-dirs": bind: host path \/var\/run\/docker\.sock is not allowed/,
            'with them: the runner\'s own /var/run/docker.sock mount is '
            . 'refused');
        SKIP: {
            skip('/var/run is no link here', 1) unless -l '/var/run';
            my ($st, $msg) = policy_api('runner-sock', POST =>
                '/containers/create', { Image => $ref, HostConfig => {
                    Binds => ['/var/run/docker.sock:/var/run/docker.sock'],
                    NetworkMode => 'none' } });
            like($msg,
                qr{bind: /var/run/docker\.sock goes through a symbolic link},
                'even listed in "bind", that mount is refused: /var/run is '
                . 'a link to /run');
        }
        ($rc, $out, $err) = docker_as($dirs, @job, @tail);
        is($rc, 0, 'the job container without that mount') or diag $err;
        my $cid = (split /\n/, $out)[-1] // '';
        ($rc, $out, $err) = docker_as($dirs, 'start', $cid);
        is($rc, 0, 'start') or diag $err;
        ($rc, $out) = docker_as($dirs, 'ps', '--all', '--filter', "id=$cid",
            '--filter', 'status=running', '--no-trunc', '--format', '{{.ID}}');
        is($out, "$cid\n", 'ps --filter id= --filter status=running');
        ($rc, $out, $err) = docker_as($dirs, 'logs', '--details', $cid);
        is($rc, 0, 'logs --details') or diag $err;
        ($rc, $out, $err) = docker_as($dirs, { stdin => "echo step-ok\n" },
            'exec', '-i', '--workdir', '/__w/repo', '-e', 'GITHUB_ACTIONS=true',
            $cid, 'sh', '-e', '-c',
            'cat > /__w/_temp/step.sh; sh /__w/_temp/step.sh');
        is("$rc $out", "0 step-ok\n", 'exec -i: a step') or diag $err;
        ok(-s "$work/_temp/step.sh",
            'the step\'s script is in the host\'s _temp');
        ($rc, $out, $err) = docker_as($dirs, 'exec', $cid, 'sh', '-c',
            'exit 3');
        is($rc, 3, 'exec: the step\'s exit code') or diag $err;
        ($rc, $out, $err) = docker_as($dirs, 'inspect', '--format',
            '{{if .Config.Healthcheck}}{{print .State.Health.Status}}{{end}}',
            $cid);
        is("$rc$out", "0\n", 'inspect --format (health)') or diag $err;
        ($rc, $out, $err) = docker_as($dirs, 'port', $cid);
        is($rc, 0, 'port') or diag $err;

        ($rc, $out, $err) = docker_as($id, 'create', '--name', $svc,
            '--label', $hash, '--network', $net, '--network-alias', 'redis',
            '-e', 'GITHUB_ACTIONS=true', $ref, 'sleep', '300');
        is($rc, 0, 'a service container, preset as shipped') or diag $err;
        ($rc, $out, $err) = docker_as($id, 'start', $svc);
        is($rc, 0, 'its start') or diag $err;
        ($rc, $out, $err) = docker_as($dirs, 'run', '--name', $act,
            '--label', $hash, '--workdir', '/github/workspace', '--rm',
            '-e', 'GITHUB_ACTIONS=true', '-e', 'CI=true',
            '--network', $net, '-v', "$work/repo:/github/workspace",
            '--entrypoint', 'sh', $ref, '-c', 'echo action-ok');
        is("$rc $out", "0 action-ok\n", 'a container action: run --rm')
            or diag $err;
        my $built = cleanup_image(unique_name('action') . ':latest');
        ($rc, $out, $err) = docker_as($id, { timeout => 120 }, 'build',
            '-t', $built, '-f', "$tmp/Dockerfile", $tmp);
        is($rc, 0, 'build -t -f (the classic builder)') or diag $err;

        ($rc, $out, $err) = docker_as($id, 'run', '--rm', '--privileged',
            $ref, 'true');
        like($err, qr/ContainerCreate denied by policy "github-runner": privileged: HostConfig\.Privileged/,
            'options: --privileged: 403');
        ($rc, $out, $err) = docker_as($id, 'volume', 'ls');
        like($err, $denial->('VolumeList', 'github-runner'), 'volume ls: 403');

        ($rc, $out, $err) = docker_as($id, 'rm', '--force', $cid, $svc);
        is($rc, 0, 'rm --force') or diag $err;
        ($rc, $out, $err) = docker_as($id, 'network', 'rm', $net);
        is($rc, 0, 'network rm') or diag $err;
    });
};

# --- Testcontainers and Ryuk --------------------------------------------

SKIP: {
    skip('node or dockerode is missing', 1) unless $have_node;
    subtest 'testcontainers (dockerode) and its Ryuk (docker CLI)' => sub {
        my $sid = unique_name('session');
        my $net = cleanup_network(unique_name('tc-net'));
        my $name = cleanup_container(unique_name('tc'));
        my $tar = spew("$tmp/copy.tar", tar_bytes('hello.txt' => 'copied-in'));
        my $r = dockerode('testcontainers', 'testcontainers', {
            sid => $sid, image => $image, ref => $ref, net => $net,
            name => $name, ryukBind => '/run/sockerless-ryuk/docker.sock',
            denyBinds => ['/var/run/docker.sock', $ENV{DOCKER_SOCK},
                          $ryuk_sock],
            tar => $tar, file => 'hello.txt', other => $hidden });
        ok($r->{ping}{ok} && $r->{info} && $r->{version},
            'ping, info, version');
        ok($r->{images} >= 1, 'images by name (withImageNameFilter)');
        ok($r->{pull}{ok}, 'pull') or diag explain $r->{pull};
        ok($r->{imageInspect}, 'image inspect');
        ok($r->{network} && $r->{networks} == 1,
            'a network: create, inspect, list');
        ok($r->{ryuk}{ok}, 'Ryuk\'s container with the Ryuk listener bound')
            or diag explain $r->{ryuk};
        for my $i (0 .. 2) {
            like($r->{socketBinds}[$i]{message} // '',
                qr/ContainerCreate denied by policy "testcontainers": bind: /,
                "a bind of another socket: 403 ($i)");
        }
        like($r->{privileged}{message} // '',
            qr/privileged: HostConfig\.Privileged/, 'privileged: 403');
        ok($r->{running}, 'a container started');
        like($r->{logs}, qr/started/, 'its logs (wait strategy)');
        like($r->{df}, qr/Filesystem/, 'an exec: df -P');
        is($r->{dfExit}, 0, 'exec inspect: its exit code');
        like($r->{copied}, qr/copied-in/, 'a file copied in and out');
        ok($r->{second}, 'another container: stop, network connect and '
            . 'disconnect, kill, wait, remove; a network removed');
        is($r->{waited}, 137, 'wait: killed');
        is_deeply(names_of($r->{names}), [$name],
            'list: only Testcontainers\' containers (visible)');
        for my $k (qw(otherInspect otherExec otherRemove)) {
            is($r->{$k}{status}, 404, "another container: $k: missing")
                or diag explain $r->{$k};
        }
        ($rc) = docker_direct('inspect', $hidden);
        is($rc, 0, 'the other container is still there');

        # Ryuk, on its own listener
        my $vol = cleanup_volume(unique_name('tc-vol'));
        docker_direct('volume', 'create', '--label', 'org.testcontainers=true',
            '--label', "org.testcontainers.sessionId=$sid", $vol);
        my $host = "unix://$ryuk_sock";
        my $f = "label=org.testcontainers.sessionId=$sid";
        ($rc, $out, $err) = docker_via($host, 'ps', '-a', '-q', '--no-trunc',
            '--filter', $f);
        is($out, "$r->{id}\n", 'ryuk: containers of the session') or diag $err;
        ($rc, $out) = docker_via($host, 'ps', '-a', '--format', '{{.Names}}');
        is_deeply(names_of([split /\n/, $out]), [$name],
            'ryuk: no other container');
        ($rc, $out, $err) = docker_via($host, 'network', 'ls', '-q',
            '--filter', $f);
        is(scalar(split /\n/, $out), 1, 'ryuk: networks of the session')
            or diag $err;
        ($rc, $out, $err) = docker_via($host, 'volume', 'ls', '-q',
            '--filter', $f);
        is($out, "$vol\n", 'ryuk: volumes of the session') or diag $err;
        ($rc, $out, $err) = docker_via($host, 'images', '-q', '--filter', $f);
        is($rc, 0, 'ryuk: images of the session') or diag $err;
        ($rc, $out, $err) = docker_via($host, 'rm', '-f', '-v', $r->{id});
        is($rc, 0, 'ryuk: rm -f -v') or diag $err;
        ($rc, $out, $err) = docker_via($host, 'network', 'rm', $net);
        is($rc, 0, 'ryuk: network rm') or diag $err;
        ($rc, $out, $err) = docker_via($host, 'volume', 'rm', '-f', $vol);
        is($rc, 0, 'ryuk: volume rm') or diag $err;
        ($rc, $out, $err) = docker_via($host, 'rm', '-f', $hidden);
        like($err, qr/No such container: \Q$hidden\E/,
            'ryuk: another container does not exist for it');
        ($rc, $out, $err) = docker_via($host, 'rmi', $image);
        like($err, $denial->('ImageDelete', 'testcontainers-ryuk'),
            'ryuk: rmi: 403');
        ($rc, $out, $err) = docker_via($host, 'run', '--rm', $image, 'true');
        like($err, $denial->('ContainerCreate', 'testcontainers-ryuk'),
            'ryuk: run: 403');
    };
}

# --- Portainer ------------------------------------------------------------

subtest 'portainer (docker CLI)' => sub {
    my $id = 'portainer';
    ($rc, $out, $err) = docker_as($id, 'run', '--rm', '--network', 'none',
        $image, 'echo', 'portainer-ok');
    is($out, "portainer-ok\n", 'run') or diag $err;
    ($rc, $out, $err) = docker_as($id, 'exec', $web, 'echo', 'console');
    is($out, "console\n", 'exec (its console)') or diag $err;
    my $vol = cleanup_volume(unique_name('pvol'));
    ($rc, $out, $err) = docker_as($id, 'volume', 'create', $vol);
    is($rc, 0, 'volume create') or diag $err;
    ($rc, $out, $err) = docker_as($id, 'system', 'df');
    is($rc, 0, 'system df') or diag $err;
    ($rc, $out, $err) = docker_as($id, 'inspect', '--format',
        '{{json .Config.Env}}', $web);
    like($out, qr/DB_PASSWORD=\Q$secret\E/, 'inspect: not redacted');
    ($rc, $out, $err) = docker_as($id, 'run', '--rm', '--privileged',
        $image, 'true');
    like($err, qr/ContainerCreate denied by policy "portainer": privileged: HostConfig\.Privileged/,
        'a privileged container: 403');
    ($rc, $out, $err) = docker_as($id, 'run', '--rm', '-v', '/:/host',
        $image, 'true');
    like($err, qr/ContainerCreate denied by policy "portainer": bind: host path \/ is not allowed/,
        'a bind of /: 403');
    ($rc, $out, $err) = docker_as($id, 'swarm', 'init', '--advertise-addr',
        '127.0.0.1');
    like($err, qr/SwarmInit denied by policy "portainer": privileged/,
        'swarm init: 403');
    my ($st, $msg) = policy_api($id, GET => '/debug/vars');
    is($st, 403, 'debug/vars: 403');
    like($msg, $denial->('DebugVars', 'portainer'), 'debug/vars: why');
};

# --- what went through ------------------------------------------------------

no_denied_request_reached($ng);

# every call a replay made was its preset's: the access log's operations
# per identity (what a user derives a preset from, docs/presets.md)
my %used;
for (log_lines($ng, qr/ d=allow /)) {
    my ($id, $op) = /^id=(\S+) .* op=(\S+) /;
    $used{$id}{$op} = 1 if $id;
}
for my $id (qw(homepage uptime-kuma)) {
    is_deeply([sort keys %{ $used{$id} || {} }],
        [sort keys %{ $allowed{$id} || {} }],
        "$id: the replay used every operation of the preset, and no other");
}
for my $id (sort grep { $used{$_} } keys %allowed) {
    my @not = grep { !$used{$id}{$_} } sort keys %{ $allowed{$id} };
    note("$id: operations the replay did not make: @not") if @not;
}
my $logs = join '', map { $ng->read($_) } qw(error.log access.log);
unlike($logs, qr/\Q$secret\E/, 'no secret in the logs');

done_testing();
