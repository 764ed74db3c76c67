#!/usr/bin/perl
# Auto-pull on container create, against the real registry of
# tools/testenv: with "on", a missing image is pulled by the module before
# the create, so the docker CLI never sees "No such image"; a missing tag
# or repository fails the create as dockerd fails it ("404 No such
# image"), with the registry's message after it; a digest reference;
# $sockerless_pulled; the info line per pull; "auto" (the default): the
# CLI and docker-py pull by themselves, with their progress, unless the
# policy lets them create containers and not pull; sockerless_auto_pull
# off; sockerless_max_json_body; which "Image" is pulled when the body
# names it more than once (Go's decoding).

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Sockerless::Test;
use Sockerless::Pull;
use File::Temp ();

module_only();

my $reg = registry();
my $image = test_image();

my $nginx = start_nginx(location => 'sockerless_auto_pull on;',
    log_format => '"$request" $status op=$sockerless_op '
        . 'pulled=[$sockerless_pulled] rt=$request_time');

# a raw create through nginx (or through nginx => $other)
sub create {
    my ($body, %o) = @_;
    return pull_create(delete $o{nginx} // $nginx, $body, %o);
}

# --- docker run of a missing image: pulled by the module ---------------------

{
    my $ref = "$reg/sockerless/test:1";
    docker_direct('rmi', $ref);
    cleanup_image($ref);
    ok(!has_image($ref), "$ref is not in dockerd");

    $nginx->mark_logs;
    my ($rc, $out, $err) = docker({ timeout => 120 }, 'run', '--rm',
        '--network', 'none', $ref, 'echo', 'hi');
    is($rc, 0, 'docker run of a missing image: exit 0') or diag $err;
    is($out, "hi\n", 'docker run of a missing image: output');
    unlike($err, qr/Unable to find image/,
        'docker run: the CLI did not pull (no "Unable to find image")');
    ok(has_image($ref), 'the image is in dockerd now');

    wait_until(sub { $nginx->access_log_since =~ /containers\/create/ }, 5);
    my $access = $nginx->access_log_since;
    like($access, qr{"POST /v[\d.]+/containers/create\S* HTTP/1.1" 201 op=ContainerCreate pulled=\[\Q$ref\E\]},
        'access log: $sockerless_pulled of the create is the image');
    unlike($access, qr{"POST /v[\d.]+/images/create}, 'the CLI sent no pull');

    my $info = info_lines($nginx->error_log_since);
    like($info, qr/sockerless auto-pull of "\Q$ref\E": done in \d+ ms/,
        'error log: done in N ms');
    my @pulls = $info =~ /(sockerless auto-pull of "\Q$ref\E": done)/g;
    is(scalar @pulls, 1, 'error log: one pull');

    # present now: no pull, $sockerless_pulled empty
    $nginx->mark_logs;
    ($rc, $out, $err) = docker('run', '--rm', '--network', 'none', $ref,
        'echo', 'again');
    is($rc, 0, 'docker run of a present image: exit 0') or diag $err;
    is($out, "again\n", 'docker run of a present image: output');
    access_like($nginx, qr{/containers/create\S* HTTP/1.1" 201 op=ContainerCreate pulled=\[\]},
        'present image: $sockerless_pulled is empty');
    unlike($nginx->error_log_since, qr/sockerless auto-pull of/,
        'present image: no auto-pull line');
}

# --- a missing tag, a missing repository --------------------------------------

{
    my $ref = "$reg/sockerless/test:no-such-tag";
    my ($dst, $dmsg) = direct_pull($ref);
    $nginx->mark_logs;
    my ($st, $d, $b, $h, $name) = create({ Image => $ref });
    is($st, 404, 'missing tag: 404') or diag $b;
    like($h->{'content-type'} // '', qr{^application/json}, 'missing tag: JSON');
    like($d->{message} // '', qr/manifest unknown/,
        'missing tag: the registry\'s message') or diag $b;
    is($d->{message}, "No such image: $ref (sockerless auto-pull: $dmsg)",
        'missing tag: dockerd\'s "No such image", the pull\'s message after');
    my ($ist) = unix_request('GET', "/containers/$name/json");
    is($ist, 404, 'missing tag: no container');
    my $info = info_lines($nginx->error_log_since);
    like($info, qr/sockerless auto-pull of "\Q$ref\E": failed in \d+ ms: \Q$d->{message}\E/,
        'missing tag: "failed in N ms: MESSAGE" in the error log');
    access_like($nginx, qr{ 404 op=ContainerCreate pulled=\[\]},
        'missing tag: $sockerless_pulled is empty');
}

{
    my $ref = "$reg/" . unique_name('nope') . ':1';
    my ($dst, $dmsg) = direct_pull($ref);
    my ($st, $d, $b) = create({ Image => $ref });
    is($st, 404, 'missing repository: 404') or diag $b;
    like($d->{message} // '', qr/not found|manifest unknown|does not exist/,
        'missing repository: the registry\'s message') or diag $b;
    is($d->{message}, "No such image: $ref (sockerless auto-pull: $dmsg)",
        'missing repository: "No such image", the pull\'s message after');
}

{
    # a registry that is not there: as a create of a missing image
    my $ref = '127.0.0.1:1/sockerless/none:1';
    my ($dst, $dmsg) = direct_pull($ref);
    my ($st, $d, $b) = create({ Image => $ref });
    is($st, 404, "unreachable registry: 404 (dockerd's pull: $dst)")
        or diag $b;
    is($d->{message}, "No such image: $ref (sockerless auto-pull: $dmsg)",
        "unreachable registry: \"No such image\", the pull's message");
}

# --- a digest reference -------------------------------------------------------

{
    my ($tagged, $digest) = pushed_image($reg, 'digest');
    ok($digest, "push printed the digest ($digest)");
    (my $ref = $tagged) =~ s/:1$/\@$digest/;
    cleanup_image($ref);
    ok(!has_image($ref), "$ref is not in dockerd");

    $nginx->mark_logs;
    my ($st, $d, $b) = create({ Image => $ref, Cmd => ['true'] });
    is($st, 201, 'digest reference: created') or diag $b;
    ok(has_image($ref), 'digest reference: the image is in dockerd');
    like(info_lines($nginx->error_log_since),
        qr/sockerless auto-pull of "\Q$ref\E": done in \d+ ms/,
        'digest reference: done in the error log');
    access_like($nginx, qr{pulled=\[\Q$ref\E\]},
        'digest reference: $sockerless_pulled');

    # the same with a tag in front: name:tag@digest
    docker_direct('rmi', $ref);
    ok(!has_image($ref), 'digest reference removed again');
    (my $both = $tagged) =~ s/$/\@$digest/;
    ($st, $d, $b) = create({ Image => $both, Cmd => ['true'] });
    is($st, 201, 'name:tag@digest: created') or diag $b;
    ok(has_image($ref), 'name:tag@digest: pulled by digest');

    # docker run by digest through the CLI
    docker_direct('rm', '-f', $d->{Id}) if $d->{Id};
    docker_direct('rmi', $ref);
    my ($rc, $out, $err) = docker({ timeout => 120 }, 'run', '--rm',
        '--network', 'none', $ref, 'echo', 'by-digest');
    is($rc, 0, 'docker run by digest: exit 0') or diag $err;
    is($out, "by-digest\n", 'docker run by digest: output');
    unlike($err, qr/Unable to find image/, 'docker run by digest: no CLI pull');
}

# --- a tag that is only implied: "latest" -------------------------------------

{
    my $name = "$reg/" . unique_name('latest');
    cleanup_image("$name:latest");
    docker_direct('tag', $image, "$name:latest");
    docker_direct({ timeout => 120 }, 'push', "$name:latest");
    docker_direct('rmi', "$name:latest");
    my ($st, $d, $b) = create({ Image => $name });
    is($st, 201, 'no tag: pulls latest, created') or diag $b;
    ok(has_image("$name:latest"), 'no tag: :latest is in dockerd');
}

# --- which "Image": Go's decoding of the create ---------------------------------

{
    my $ref = pushed_image($reg, 'dup');
    my ($st, $d, $b) = create(qq({"Image":"$reg/sockerless/test:no-such-tag",)
        . qq("Cmd":["true"],"iMaGe":"$ref"}));
    is($st, 201, 'duplicate "Image" keys: the last (any case) is pulled')
        or diag $b;
    ok(has_image($ref), 'duplicate keys: the last image is in dockerd');

    $ref = pushed_image($reg, 'null');
    ($st, $d, $b) = create(qq({"Image":"$ref","Image":null,"Cmd":["true"]}));
    is($st, 201, '"Image" then null: the string is pulled') or diag $b;
    ok(has_image($ref), '"Image" then null: in dockerd');

    # a chunked body is read whole too
    $ref = pushed_image($reg, 'chunked');
    ($st, $d, $b) = create({ Image => $ref, Cmd => ['true'],
        Labels => { pad => 'x' x 10000 } }, chunked => 1);
    is($st, 201, 'chunked body: pulled and created') or diag $b;
    ok(has_image($ref), 'chunked body: in dockerd');

    # dockerd reads the create with json.Decoder: it accepts invalid
    # UTF-8 in strings and ignores what follows the object; the module
    # should pull what dockerd will create from
    $ref = pushed_image($reg, 'utf8');
    ($st, $d, $b) = create(qq({"Image":"$ref","Cmd":["true"],)
        . qq("Labels":{"bad":"\xff\xfe"}}));
    is($st, 201, 'invalid UTF-8 in a label (dockerd accepts it): pulled')
        or diag $b;

    $ref = pushed_image($reg, 'trailing');
    ($st, $d, $b) = create(qq({"Image":"$ref","Cmd":["true"]}\n{"x":1}));
    is($st, 201, 'data after the object (dockerd ignores it): pulled')
        or diag $b;
}

# --- not a pull: no Image, an empty Image, invalid JSON: what dockerd says ---

sub direct_create {
    my ($json) = @_;
    my $name = unique_name('d');
    cleanup_container($name);
    my ($st, $h, $b) = unix_request('POST',
        "/v1.41/containers/create?name=$name",
        headers => ['Content-Type' => 'application/json'], body => $json);
    my $d = eval { decode_json($b) } || {};
    return ($st, $d);
}

for my $c (['no Image', '{"Cmd":["true"]}'],
           ['empty Image', '{"Image":"","Cmd":["true"]}'],
           ['Image a number', '{"Image":1}'],
           ['invalid JSON', '{"Image":'],
           ['an empty body', '']) {
    my ($what, $json) = @$c;
    my ($dst, $dd) = direct_create($json);
    $nginx->mark_logs;
    my ($st, $d, $b) = create($json);
    is($st, $dst, "$what: dockerd's status ($dst)") or diag $b;
    is($d->{message}, $dd->{message}, "$what: dockerd's message");
    unlike($nginx->error_log_since, qr/sockerless auto-pull/,
        "$what: no auto-pull");
}

# --- sockerless_auto_pull auto (the default) ---------------------------------

{
    my $auto = start_nginx(current => 0,
        log_format => '"$request" $status op=$sockerless_op '
            . 'pulled=[$sockerless_pulled] "$http_user_agent"',
        http => <<'EOF',
    map $http_x_identity $docker_policy { default all; nopull nopull; }
    sockerless_policy all { allow @all; privileged on; }
    sockerless_policy nopull {
        allow @all;
        deny  ImageCreate;
        privileged on;
    }
EOF
        location => 'sockerless_enforce $docker_policy;');
    for_each_cli(sub {
        my $ref = pushed_image($reg, 'auto');
        cleanup_image($ref);
        $auto->mark_logs;
        my ($rc, $out, $err) = docker_via($auto->docker_host,
            { timeout => 120 }, 'run', '--rm', '--network', 'none', $ref,
            'echo', 'cli-pulled');
        is($rc, 0, 'auto: docker run exit 0') or diag $err;
        is($out, "cli-pulled\n", 'auto: output');
        like($err, qr/Unable to find image '\Q$ref\E' locally/,
            'auto: the CLI says it pulls, as with dockerd');
        like($err, qr/Pull complete|Downloaded newer image|Status: /,
            'auto: the CLI shows the pull\'s progress');
        like($auto->access_log_since,
            qr{"POST /v[\d.]+/images/create\S* HTTP/1.1" 200 op=ImageCreate},
            'auto: the pull went through the module');
        unlike($auto->error_log_since, qr/sockerless auto-pull of/,
            'auto: the module did not pull');
    });

    # docker-py: containers.run catches ImageNotFound, pulls, runs
    SKIP: {
        my $python = $ENV{SOCKERLESS_PYTHON} || '/usr/bin/python3';
        my ($missing) = run_cmd({ timeout => 30 }, $python, '-c',
            'import docker');
        skip('docker-py is missing', 2) if $missing;
        my $ref = pushed_image($reg, 'py');
        cleanup_image($ref);
        $auto->mark_logs;
        my ($rc, $out, $err) = run_cmd({ timeout => 120 }, $python, '-c',
            <<'EOF', $auto->port, $ref);
import sys
import docker
port, ref = sys.argv[1:3]
cli = docker.DockerClient(base_url="tcp://127.0.0.1:%s" % port,
                          version="auto", timeout=60)
print(cli.containers.run(ref, ["echo", "py-pulled"], remove=True,
                         network_mode="none").decode(), end="")
EOF
        is($out, "py-pulled\n", 'auto: docker-py containers.run of a '
            . 'missing image') or diag $err;
        like($auto->access_log_since,
            qr{ 404 op=ContainerCreate .*\n.* 200 op=ImageCreate }s,
            'auto: docker-py got dockerd\'s 404 and pulled by itself');
    }

    # a client that never pulls: the module pulls for it
    my $ref = pushed_image($reg, 'raw');
    cleanup_image($ref);
    my ($st, $d, $b) = create({ Image => $ref, Cmd => ['true'] },
        nginx => $auto);
    is($st, 201, 'auto: a raw create (no known User-Agent) is pulled for')
        or diag $b;

    # a CLI that may not pull: the module pulls for it
    $ref = pushed_image($reg, 'nopull');
    cleanup_image($ref);
    $auto->mark_logs;
    my $dir = File::Temp::tempdir('sockerless-id-XXXXXX', TMPDIR => 1,
        CLEANUP => 1);
    open my $fh, '>', "$dir/config.json" or die;
    print $fh encode_json({ HttpHeaders => { 'X-Identity' => 'nopull' } });
    close $fh;
    my ($rc, $out, $err) = docker_via($auto->docker_host,
        { timeout => 120, env => { DOCKER_CONFIG => $dir } }, 'run', '--rm', '--network', 'none', $ref, 'echo', 'module-pulled');
    is($out, "module-pulled\n", 'auto: a CLI denied ImageCreate still runs')
        or diag $err;
    unlike($err, qr/Unable to find image/, 'auto: ... the module pulled');
    like($auto->error_log_since, qr/sockerless auto-pull of "\Q$ref\E": done/,
        'auto: the auto-pull line');
}

# --- sockerless_auto_pull off -----------------------------------------------------

{
    my $off = start_nginx(location => 'sockerless_auto_pull off;',
        current => 0);
    my $ref = pushed_image($reg, 'off');
    my ($st, $d, $b) = create({ Image => $ref }, nginx => $off);
    is($st, 404, 'auto_pull off: dockerd\'s 404') or diag $b;
    like($d->{message} // '', qr/No such image/,
        'auto_pull off: "No such image"');
    ok(!has_image($ref), 'auto_pull off: nothing pulled');

    my ($rc, $out, $err) = docker_via($off->docker_host, { timeout => 120 },
        'run', '--rm', '--network', 'none', $ref, 'echo', 'cli-pulled');
    is($rc, 0, 'auto_pull off: docker run exit 0') or diag $err;
    is($out, "cli-pulled\n", 'auto_pull off: output');
    like($err, qr/Unable to find image/,
        'auto_pull off: the CLI pulled by itself');
    unlike($off->error_log, qr/sockerless auto-pull/,
        'auto_pull off: no auto-pull line');
}

# --- sockerless_max_json_body ----------------------------------------------------

{
    my $small = start_nginx(location => 'sockerless_max_json_body 1k;',
        current => 0);
    my $ref = pushed_image($reg, 'limit');
    my $big = { Image => $ref, Labels => { pad => 'x' x 2000 } };

    my ($st, $d, $b, $h) = create($big, nginx => $small);
    is($st, 413, 'a body over sockerless_max_json_body: 413') or diag $b;
    like($h->{'content-type'} // '', qr{^application/json},
        '413: application/json');
    like($d->{message} // '', qr/sockerless_max_json_body/,
        '413: {"message"} names the directive') or diag $b;

    ($st, $d, $b, $h) = create($big, nginx => $small, chunked => 1);
    is($st, 413, 'a chunked body over the limit: 413') or diag $b;
    like($d->{message} // '', qr/sockerless_max_json_body/,
        'chunked 413: {"message"}');
    ok(!has_image($ref), '413: nothing pulled');

    ($st, $d, $b) = create({ Image => $ref, Cmd => ['true'] },
        nginx => $small);
    is($st, 201, 'a body under the limit: pulled and created') or diag $b;

    # exactly at the limit
    my $body = qq({"Image":"$ref","Cmd":["true"],"Labels":{"p":"});
    $body .= 'y' x (1024 - length($body) - 3) . '"}}';
    is(length $body, 1024, 'a body of exactly 1024 bytes');
    ($st, $d, $b) = create($body, nginx => $small);
    is($st, 201, 'a body of exactly the limit: created') or diag $b;
    ($st, $d, $b) = create($body . ' ', nginx => $small);
    is($st, 413, 'one byte over the limit: 413') or diag $b;

    ok((http_request($small->port, 'GET', '/_ping'))[0] == 200,
        'nginx serves after the 413s');
}

done_testing();
