// The calls of consumers behind a preset (presets/*.conf), made with
// dockerode as those consumers make them, for t/79-presets.t:
//
//   node presets.js <consumer> <port> <identity> '<json arguments>'
//
// prints one JSON object: what the consumer saw.  A call the gateway or
// dockerd refuses is {ok: false, status, message}, the others
// {ok: true} (with what was read where the test needs it).

'use strict';

const Docker = require('dockerode');

const [consumer, port, identity, argsJson] = process.argv.slice(2);
const args = JSON.parse(argsJson || '{}');
const docker = new Docker({ host: '127.0.0.1', port: +port,
                            headers: { 'X-Identity': identity } });

// a call's outcome; "keep" returns what it gave
async function attempt(promise, keep) {
    try {
        const value = await promise;
        return keep ? { ok: true, value } : { ok: true };
    } catch (e) {
        return { ok: false, status: e.statusCode,
                 message: (e.json && e.json.message) || String(e.reason
                                                              || e.message) };
    }
}

// the bytes of a stream until "done" says so, it ends, or "ms" pass
function readSome(stream, done, ms) {
    return new Promise((resolve) => {
        let buf = Buffer.alloc(0);
        const finish = () => {
            clearTimeout(timer);
            if (stream.destroy) {
                stream.destroy();
            }
            resolve(buf);
        };
        const timer = setTimeout(finish, ms);
        stream.on('data', (d) => {
            buf = Buffer.concat([buf, d]);
            if (done(buf)) {
                finish();
            }
        });
        stream.on('end', finish);
        stream.on('error', finish);
    });
}

// Docker's multiplexed stream: { stdout, stderr }
function demux(buf) {
    const out = { stdout: '', stderr: '' };
    while (buf.length >= 8) {
        const len = buf.readUInt32BE(4);
        const data = buf.subarray(8, 8 + len).toString();
        if (buf[0] === 2) {
            out.stderr += data;
        } else {
            out.stdout += data;
        }
        buf = buf.subarray(8 + len);
    }
    return out;
}

function pull(ref) {
    return new Promise((resolve, reject) => {
        docker.pull(ref, (err, stream) => {
            if (err) {
                return reject(err);
            }
            docker.modem.followProgress(stream, (e, out) =>
                e ? reject(e) : resolve(out.length));
        });
    });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Homepage: status (list, inspect by name), statistics (one sample),
// swarm status (service inspect, running tasks), discovery (lists)
async function homepage() {
    const r = {};
    const list = await docker.listContainers({ all: true });
    r.names = list.flatMap((c) => c.Names.map((n) => n.replace(/^\//, '')));
    const web = await docker.getContainer(args.web).inspect();
    r.status = web.State.Status;
    r.env = web.Config.Env;
    r.labels = web.Config.Labels;
    r.hiddenEnv = (await docker.getContainer(args.hidden).inspect())
        .Config.Env;
    const stats = await docker.getContainer(args.web).stats({ stream: false });
    r.stats = { cpu: !!stats.cpu_stats, memory: !!stats.memory_stats };
    r.services = await attempt(docker.listServices({ all: true }));
    r.service = await attempt(docker.getService(args.web).inspect());
    r.tasks = await attempt(docker.listTasks({
        filters: { service: [args.web], 'desired-state': ['running'] } }));
    r.logs = await attempt(docker.getContainer(args.web).logs({ stdout: 1 }));
    r.restart = await attempt(docker.getContainer(args.web).restart());
    r.info = await attempt(docker.info());
    return r;
}

// Dozzle: logs followed and in a range, statistics streamed, every
// event; with "shell", an exec with a TTY, resized, and an attach
async function dozzle() {
    const r = {};
    const c = docker.getContainer(args.web);
    r.ping = await attempt(docker.ping());
    const follow = await c.logs({ follow: true, stdout: true, stderr: true,
                                  tail: 100, timestamps: true,
                                  since: args.since });
    r.followed = demux(await readSome(follow,
        (b) => demux(b).stdout.includes('\n'), 10000)).stdout;
    const range = await c.logs({ stdout: true, stderr: true,
                                 timestamps: true, since: args.since,
                                 until: args.until });
    r.range = demux(range).stdout;
    const stats = await c.stats({ stream: true });
    const first = (await readSome(stats, (b) => b.includes('\n'), 10000))
        .toString().split('\n')[0];
    r.statsStreamed = !!(first && JSON.parse(first).memory_stats);
    const events = await docker.getEvents({ since: args.since,
                                            until: args.until });
    r.events = (await readSome(events, () => false, 10000)).toString()
        .split('\n').filter((l) => l).map((l) => JSON.parse(l))
        .map((e) => [e.Type, e.Action,
                     (e.Actor && e.Actor.Attributes || {}).name]);
    r.exec = await attempt(c.exec({ Cmd: ['true'] }));
    if (!args.shell) {
        return r;
    }
    const exec = await c.exec({ Cmd: ['sh', '-c',
                                      'sleep 1; echo shell-$((6*7))'],
                                AttachStdin: true, AttachStdout: true,
                                AttachStderr: true, Tty: true });
    const stream = await exec.start({ hijack: true, stdin: true, Tty: true });
    r.resize = await attempt(exec.resize({ h: 40, w: 120 }));
    r.shell = (await readSome(stream, (b) => /shell-42/.test(b), 10000))
        .toString();
    const attach = await attempt(c.attach({ stream: true, stdin: true,
                                            stdout: true, stderr: true,
                                            hijack: true }), true);
    if (attach.ok) {
        attach.value.destroy();
        delete attach.value;
    }
    r.attach = attach;
    return r;
}

// the body Watchtower sends: the old inspection's Config and HostConfig,
// one of its networks
function recreateBody(info) {
    const nets = Object.keys(info.NetworkSettings.Networks || {});
    return Object.assign({}, info.Config, {
        HostConfig: info.HostConfig,
        NetworkingConfig: { EndpointsConfig: nets.length
            ? { [nets[0]]: info.NetworkSettings.Networks[nets[0]] } : {} },
    });
}

// Watchtower: list, inspect, image inspect, pull; with "update" the
// update: a hook (exec), kill and wait, remove, create from the
// inspection, networks, start, rename, remove the old image; with
// "probe" only the create from the inspection, under another name
async function watchtower() {
    const r = {};
    const list = await docker.listContainers({
        filters: { status: ['running'] } });
    r.listed = list.flatMap((c) => c.Names.map((n) => n.replace(/^\//, '')));
    const c = docker.getContainer(args.app);
    const info = await c.inspect();
    r.envSeen = info.Config.Env;
    if (args.probe) {
        r.create = await attempt(docker.createContainer({
            _query: { name: args.probe }, _body: recreateBody(info) }));
        return r;
    }
    r.image = (await docker.getImage(info.Image).inspect()).Id === info.Image;
    r.pull = await attempt(pull(args.ref));
    if (!args.update) {
        r.kill = await attempt(c.kill({ signal: 'SIGTERM' }));
        r.stillRunning = (await c.inspect()).State.Running;
        return r;
    }

    const hook = await c.exec({ Cmd: ['sh', '-c', 'echo pre-update-hook'],
                                AttachStdout: true, AttachStderr: true,
                                Tty: true });
    const hs = await hook.start({ hijack: true, Tty: true });
    r.hook = (await readSome(hs, () => false, 10000)).toString();
    r.hookExit = (await hook.inspect()).ExitCode;

    await c.kill({ signal: 'SIGTERM' });
    for (let i = 0; i < 100 && (await c.inspect()).State.Running; i++) {
        await sleep(100);
    }
    await c.remove({ force: true, v: false });
    const created = await docker.createContainer({
        _query: { name: info.Name.replace(/^\//, '') },
        _body: recreateBody(info) });
    const nets = info.NetworkSettings.Networks || {};
    for (const n of Object.keys(nets).slice(0, 1)) {
        await docker.getNetwork(n).disconnect({ Container: created.id,
                                                Force: true });
    }
    for (const n of Object.keys(nets)) {
        await docker.getNetwork(n).connect({ Container: created.id,
                                             EndpointConfig: nets[n] });
    }
    await created.start();
    await created.rename({ name: args.app + '-old' });
    await created.rename({ name: args.app });
    r.removeImage = await attempt(docker.getImage(args.oldImage)
                                  .remove({ force: true }));
    const after = await created.inspect();
    r.after = { running: after.State.Running, env: after.Config.Env,
                labels: after.Config.Labels, name: after.Name,
                networks: Object.keys(after.NetworkSettings.Networks).sort() };
    r.logs = await attempt(created.logs({ stdout: true }));
    return r;
}

// Testcontainers (its Java sequence): ping, info, version, images by
// name, pull, a network, Ryuk's container with the socket bind, a
// container: start, logs, exec, copy in and out; what it must not see
async function testcontainers() {
    const r = {};
    const labels = { 'org.testcontainers': 'true',
                     'org.testcontainers.sessionId': args.sid };
    r.ping = await attempt(docker.ping());
    r.version = (await docker.version()).ApiVersion;
    r.info = !!(await docker.info()).ServerVersion;
    r.images = (await docker.listImages({
        filters: { reference: [args.image] } })).length;
    r.imageInspect = !!(await docker.getImage(args.image).inspect()).Id;
    r.pull = await attempt(pull(args.ref));
    const net = await docker.createNetwork({ Name: args.net, Labels: labels,
                                             Internal: true });
    r.network = !!(await net.inspect()).Id;
    r.networks = (await docker.listNetworks({
        filters: { label: ['org.testcontainers.sessionId=' + args.sid] } }))
        .length;

    const ryuk = await attempt(docker.createContainer({
        Image: args.image, Cmd: ['true'],
        Labels: Object.assign({ 'org.testcontainers.ryuk': 'true' }, labels),
        HostConfig: { Binds: [args.ryukBind + ':/var/run/docker.sock'],
                      AutoRemove: true, NetworkMode: 'none' } }), true);
    if (ryuk.ok) {
        await ryuk.value.remove({ force: true });
        delete ryuk.value;
    }
    r.ryuk = ryuk;
    r.socketBinds = [];
    for (const b of args.denyBinds) {
        r.socketBinds.push(await attempt(docker.createContainer({
            Image: args.image, Labels: labels,
            HostConfig: { Binds: [b + ':/var/run/docker.sock'],
                          NetworkMode: 'none' } })));
    }
    r.privileged = await attempt(docker.createContainer({
        Image: args.image, Labels: labels,
        HostConfig: { Privileged: true, NetworkMode: 'none' } }));

    const c = await docker.createContainer({
        Image: args.image, name: args.name, Labels: labels,
        Cmd: ['sh', '-c', 'echo started; sleep 300'],
        HostConfig: { NetworkMode: args.net } });
    await c.start();
    r.running = (await c.inspect()).State.Running;
    for (let i = 0; i < 50; i++) {
        r.logs = demux(await c.logs({ stdout: true, stderr: true })).stdout;
        if (r.logs.includes('started')) {
            break;
        }
        await sleep(100);
    }
    const exec = await c.exec({ Cmd: ['df', '-P'], AttachStdout: true,
                                AttachStderr: true });
    const es = await exec.start({ hijack: true });
    r.df = demux(await readSome(es, () => false, 10000)).stdout;
    r.dfExit = (await exec.inspect()).ExitCode;
    await c.putArchive(args.tar, { path: '/tmp' });
    const tar = await c.getArchive({ path: '/tmp/' + args.file });
    r.copied = (await readSome(tar, () => false, 10000)).toString();
    r.id = c.id;

    // a second container on a network of its own: connected, disconnected,
    // stopped, killed, waited for, removed (what tests do with the client)
    const net2 = await docker.createNetwork({ Name: args.net + '-2',
                                              Labels: labels, Internal: true });
    const c2 = await docker.createContainer({
        Image: args.image, Labels: labels, Cmd: ['sleep', '300'],
        HostConfig: { NetworkMode: args.net } });
    await c2.start();
    await c2.stop({ t: 1 });
    await net2.connect({ Container: c2.id });
    await net2.disconnect({ Container: c2.id });
    await c2.start();
    await c2.kill();
    r.waited = (await c2.wait()).StatusCode;
    await c2.remove({ force: true, v: true });
    await net2.remove();
    r.second = true;

    const all = await docker.listContainers({ all: true });
    r.names = all.flatMap((x) => x.Names.map((n) => n.replace(/^\//, '')));
    r.otherInspect = await attempt(docker.getContainer(args.other).inspect());
    r.otherExec = await attempt(docker.getContainer(args.other)
                                .exec({ Cmd: ['true'] }));
    r.otherRemove = await attempt(docker.getContainer(args.other)
                                  .remove({ force: true }));
    return r;
}

const consumers = { homepage, dozzle, watchtower, testcontainers };

consumers[consumer]().then(
    (r) => console.log(JSON.stringify(r)),
    (e) => {
        console.error(consumer + ': ' + (e.statusCode || '') + ' '
                      + ((e.json && e.json.message) || e.message));
        process.exit(1);
    });
