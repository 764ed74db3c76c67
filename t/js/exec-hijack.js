// dockerode through ngx_sockerless: an exec with hijack and stdin.
//   node exec-hijack.js <port> <container> <bytes>
// Writes <bytes> of pseudo-random data to `sh -c 'cat; echo done >&2;
// exit 3'`, ends stdin, demultiplexes the output and prints one JSON line:
// {"sent": sha256, "stdout": sha256, "stdoutLength": n, "stderr": "...",
//  "exitCode": n, "running": bool}
'use strict';

const crypto = require('crypto');
const { PassThrough } = require('stream');
const Docker = require('dockerode');

async function main() {
    const [port, name, size] = process.argv.slice(2);
    const docker = new Docker({ host: '127.0.0.1', port: Number(port),
                                protocol: 'http' });
    const data = crypto.randomBytes(Number(size));
    const container = docker.getContainer(name);
    const exec = await container.exec({
        Cmd: ['sh', '-c', 'cat; echo done >&2; exit 3'],
        AttachStdin: true, AttachStdout: true, AttachStderr: true,
    });
    const stream = await exec.start({ hijack: true, stdin: true });

    const out = [], err = [];
    const stdout = new PassThrough(), stderr = new PassThrough();
    stdout.on('data', (c) => out.push(c));
    stderr.on('data', (c) => err.push(c));
    docker.modem.demuxStream(stream, stdout, stderr);

    const ended = new Promise((resolve, reject) => {
        stream.on('end', resolve);
        stream.on('close', resolve);
        stream.on('error', reject);
    });
    stream.write(data);
    stream.end();
    await ended;

    // the exit code is there once the stream is over (dockerd may need
    // a moment to record it)
    let info;
    for (let i = 0; i < 50; i++) {
        info = await exec.inspect();
        if (!info.Running) break;
        await new Promise((r) => setTimeout(r, 100));
    }
    const stdoutBuf = Buffer.concat(out);
    const sha = (b) => crypto.createHash('sha256').update(b).digest('hex');
    console.log(JSON.stringify({
        sent: sha(data), stdout: sha(stdoutBuf),
        stdoutLength: stdoutBuf.length,
        stderr: Buffer.concat(err).toString(),
        exitCode: info.ExitCode, running: info.Running,
    }));
}

main().catch((e) => {
    console.error(String(e && e.stack || e));
    process.exit(1);
});
