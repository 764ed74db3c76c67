// dockerode as a tenant of ngx_sockerless (t/18-owner-clients.t).
//   node owner.js <port> <identity> <image> <name> <other> <other-exec>
// As <identity> (the X-Identity header): creates and starts <name>, runs
// an exec in it (hijacked, demultiplexed), lists containers, and tries
// the container <other> and the exec <other-exec> of another tenant.
// Prints one JSON line: {"owner": label, "exec": output, "names": [...],
// "inspect": {status, message}, "otherExec": {...}, "execIn": {...}}
'use strict';

const { PassThrough } = require('stream');
const Docker = require('dockerode');

async function refused(promise) {
    try {
        await promise;
        return { status: 0 };
    } catch (e) {
        return { status: e.statusCode, message: e.json && e.json.message };
    }
}

async function main() {
    const [port, id, image, name, other, otherExec] = process.argv.slice(2);
    const docker = new Docker({ host: '127.0.0.1', port: Number(port),
                                protocol: 'http',
                                headers: { 'X-Identity': id } });

    const c = await docker.createContainer({
        name, Image: image, Cmd: ['sleep', '300'],
        HostConfig: { NetworkMode: 'none' },
    });
    await c.start();
    const info = await c.inspect();

    const exec = await c.exec({ Cmd: ['echo', 'from-dockerode'],
                                AttachStdout: true, AttachStderr: true });
    const stream = await exec.start({ hijack: true, stdin: false });
    const out = [];
    const stdout = new PassThrough(), stderr = new PassThrough();
    stdout.on('data', (d) => out.push(d));
    docker.modem.demuxStream(stream, stdout, stderr);
    await new Promise((resolve, reject) => {
        stream.on('end', resolve);
        stream.on('close', resolve);
        stream.on('error', reject);
    });

    const list = await docker.listContainers({ all: true });
    console.log(JSON.stringify({
        owner: info.Config.Labels['io.sockerless.owner'],
        exec: Buffer.concat(out).toString(),
        names: list.map((x) => x.Names[0].replace(/^\//, '')),
        inspect: await refused(docker.getContainer(other).inspect()),
        execIn: await refused(docker.getContainer(other).exec({
            Cmd: ['true'] })),
        otherExec: await refused(docker.getExec(otherExec).inspect()),
    }));
}

main().catch((e) => {
    console.error(String(e && e.stack || e));
    process.exit(1);
});
