// Transfer benchmark: a 1 GiB file sent with `oftp2 send` to an `oftp2 serve` process over loopback
// (buffer 99,999, credit 999), plain TCP and TLS, beside raw Node socket throughput measured in the same run;
// the server's RSS is sampled throughout. Usage: node out/bench/transfer.js [sizeMiB]
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, openSync, writeSync, closeSync } from 'node:fs';
import { createServer, connect, type Socket } from 'node:net';
import { tmpdir, cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { connect as tlsConnect, createServer as createTlsServer } from 'node:tls';
import { createCertificate } from '../src/oftp/security/certs';

const ROOT = resolve(__dirname, '../..');
const CLI = join(ROOT, 'dist/cli.js');
const MiB = 1024 * 1024;
const size = Number(process.argv[2] ?? 1024) * MiB;
const dir = mkdtempSync(join(tmpdir(), 'oftp2-bench-'));
const mb = (bytes: number, seconds: number): number => bytes / 1e6 / seconds;

const ca = createCertificate({ commonName: 'Bench CA', isCa: true });
const serverCert = createCertificate({ commonName: 'bench server', issuer: ca, altNames: ['127.0.0.1'] });
writeFileSync(join(dir, 'ca.pem'), ca.certPem);
writeFileSync(join(dir, 'server.pem'), serverCert.certPem);
writeFileSync(join(dir, 'server.key'), serverCert.keyPem);
const clientCert = createCertificate({ commonName: 'bench client', issuer: ca });
writeFileSync(join(dir, 'client.pem'), clientCert.certPem);
writeFileSync(join(dir, 'client.key'), clientCert.keyPem);

function makeFile(path: string): string {
  const block = randomBytes(16 * MiB);
  const h = createHash('sha256');
  const fd = openSync(path, 'w');
  for (let written = 0; written < size; written += block.length) {
    const piece = block.subarray(0, Math.min(block.length, size - written));
    writeSync(fd, piece);
    h.update(piece);
  }
  closeSync(fd);
  return h.digest('hex');
}

/** Raw socket throughput: the same number of octets through a plain (or TLS) Node socket pair. */
async function raw(tls: boolean): Promise<number> {
  const chunk = randomBytes(MiB);
  let received = 0;
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  const onSocket = (s: Socket): void => {
    s.on('data', (d: Buffer) => {
      received += d.length;
      if (received >= size) done();
    });
  };
  const server = tls ? createTlsServer({ cert: serverCert.certPem, key: serverCert.keyPem }, onSocket) : createServer(onSocket);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const socket: Socket = await new Promise((r) => {
    const s = tls ? tlsConnect({ host: '127.0.0.1', port, ca: ca.certPem }, () => r(s)) : connect({ host: '127.0.0.1', port }, () => r(s));
  });
  const started = process.hrtime.bigint();
  for (let sent = 0; sent < size; sent += chunk.length) {
    if (!socket.write(chunk.subarray(0, Math.min(chunk.length, size - sent)))) await new Promise((r) => socket.once('drain', r));
  }
  await finished;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  socket.destroy();
  server.close();
  return mb(size, seconds);
}

/**
 * The same file through a plain Node socket pipe between two processes, with no protocol:
 * fs.createReadStream(file).pipe(socket) here, socket.pipe(fs.createWriteStream(copy)) in a child.
 */
async function rawFilePipe(file: string, tls = false): Promise<number> {
  const out = join(dir, 'pipe-copy.dat');
  const make = tls
    ? `require('tls').createServer({cert:fs.readFileSync(${JSON.stringify(join(dir, 'server.pem'))}),key:fs.readFileSync(${JSON.stringify(join(dir, 'server.key'))})},`
    : `require('net').createServer(`;
  const receiver = `const fs=require('fs');const s=${make}c=>{c.pipe(fs.createWriteStream(${JSON.stringify(out)})).on('finish',()=>{process.stdout.write('done\\n');s.close();});});s.listen(0,'127.0.0.1',()=>process.stdout.write('port '+s.address().port+'\\n'));`;
  const child = spawn(process.execPath, ['-e', receiver], { stdio: ['ignore', 'pipe', 'inherit'] });
  let text = '';
  const seen = (re: RegExp): Promise<RegExpMatchArray> =>
    new Promise((r) => {
      const check = (): void => {
        const m = re.exec(text);
        if (m) r(m);
      };
      child.stdout!.on('data', (d: Buffer) => {
        text += d.toString();
        check();
      });
      check();
    });
  const port = Number((await seen(/port (\d+)/))[1]);
  const started = process.hrtime.bigint();
  const socket = tls ? tlsConnect({ host: '127.0.0.1', port, ca: ca.certPem }) : connect({ host: '127.0.0.1', port });
  createReadStream(file, { highWaterMark: 256 * 1024 }).pipe(socket);
  await seen(/done/);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  rmSync(out, { force: true });
  return mb(size, seconds);
}

function rssOf(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

async function oftp2(file: string, digest: string, tls: boolean, secured = false): Promise<{ mbps: number; seconds: number; baselineMiB: number; peakMiB: number }> {
  const inbox = join(dir, `inbox-${tls ? 'tls' : 'plain'}${secured ? '-secured' : ''}`);
  mkdirSync(inbox, { recursive: true });
  const tlsServe = tls ? ['--tls', '--cert', join(dir, 'server.pem'), '--key', join(dir, 'server.key')] : [];
  if (secured) tlsServe.push('--decrypt-key', join(dir, 'server.key'), '--partner-sign-cert', `O0013BENCHCLI=${join(dir, 'client.pem')}`);
  const server = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--buffer', '99999', '--credit', '999', '--local', 'O0013BENCHSRV:SRVPW', '--partner', 'O0013BENCHCLI:CLIPW', '--inbox', inbox, ...tlsServe], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((r, j) => {
    let out = '';
    server.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on [\d.]+:(\d+)/.exec(out);
      if (m) r(Number(m[1]));
    });
    server.once('exit', () => j(new Error(`server exited: ${out}`)));
  });
  try {
    return await measure(server.pid!, port, file, digest, inbox, tls, secured);
  } finally {
    server.kill('SIGTERM');
  }
}

async function measure(serverPid: number, port: number, file: string, digest: string, inbox: string, tls: boolean, secured: boolean): Promise<{ mbps: number; seconds: number; baselineMiB: number; peakMiB: number }> {
  await new Promise((r) => setTimeout(r, 300));
  const baselineMiB = rssOf(serverPid);
  let peakMiB = baselineMiB;
  const sampler = setInterval(() => (peakMiB = Math.max(peakMiB, rssOf(serverPid))), 50);
  const started = process.hrtime.bigint();
  const tlsSend = tls ? ['--tls', '--ca', join(dir, 'ca.pem')] : [];
  // Signed and encrypted: the time counts securing the file before the session (RFC 5024 §6.3) and undoing
  // it at the server before the EFPA.
  if (secured) tlsSend.push('--sign', '--sign-cert', join(dir, 'client.pem'), '--sign-key', join(dir, 'client.key'), '--encrypt', '--partner-enc-cert', join(dir, 'server.pem'), '--cipher', '04');
  const code = await new Promise<number | null>((r) => {
    const c = spawn(process.execPath, [CLI, 'send', file, '--to', `127.0.0.1:${port}`, '--local', 'O0013BENCHCLI:CLIPW', '--partner', 'O0013BENCHSRV', '--buffer', '99999', '--credit', '999', '--wait-eerp', '60', ...tlsSend], { stdio: 'inherit' });
    c.once('exit', r);
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  clearInterval(sampler);
  if (code !== 0) throw new Error(`send exited ${code}`);
  const folder = join(inbox, 'O0013BENCHCLI');
  const stored = readdirSync(folder).find((n) => !n.endsWith('.json'))!;
  const path = join(folder, stored);
  if (statSync(path).size !== size) throw new Error('received file has the wrong size');
  const h = createHash('sha256');
  for await (const b of createReadStream(path) as AsyncIterable<Buffer>) h.update(b);
  if (h.digest('hex') !== digest) throw new Error('received file differs');
  rmSync(inbox, { recursive: true, force: true });
  return { mbps: mb(size, seconds), seconds, baselineMiB, peakMiB };
}

async function main(): Promise<void> {
  try {
    const file = join(dir, 'big.dat');
    const digest = makeFile(file);
    const rawPlain = await raw(false);
    const pipe = await rawFilePipe(file);
    const plain = await oftp2(file, digest, false);
    const rawTls = await raw(true);
    const pipeTls = await rawFilePipe(file, true);
    const tls = await oftp2(file, digest, true);
    const secured = await oftp2(file, digest, false, true);
    const rows = [
      ['raw loopback TCP, memory to memory', `${rawPlain.toFixed(0)} MB/s`, 'one process, no disk'],
      ['raw loopback TCP, file pipe', `${pipe.toFixed(0)} MB/s`, 'file -> socket -> file, two processes, no protocol'],
      ['OFTP2 send -> serve, plain', `${plain.mbps.toFixed(0)} MB/s`, `${((plain.mbps / pipe) * 100).toFixed(0)}% of the file pipe, ${((plain.mbps / rawPlain) * 100).toFixed(0)}% of memory to memory; server RSS ${plain.baselineMiB.toFixed(0)} -> ${plain.peakMiB.toFixed(0)} MiB (+${(plain.peakMiB - plain.baselineMiB).toFixed(0)})`],
      ['raw loopback TLS, memory to memory', `${rawTls.toFixed(0)} MB/s`, 'one process, no disk'],
      ['raw loopback TLS, file pipe', `${pipeTls.toFixed(0)} MB/s`, 'file -> TLS socket -> file, two processes'],
      ['OFTP2 send -> serve, TLS', `${tls.mbps.toFixed(0)} MB/s`, `${((tls.mbps / pipeTls) * 100).toFixed(0)}% of the TLS file pipe, ${((tls.mbps / rawTls) * 100).toFixed(0)}% of memory to memory; server RSS ${tls.baselineMiB.toFixed(0)} -> ${tls.peakMiB.toFixed(0)} MiB (+${(tls.peakMiB - tls.baselineMiB).toFixed(0)})`],
      ['OFTP2 signed+encrypted (suite 04)', `${secured.mbps.toFixed(0)} MB/s`, `${((secured.mbps / pipe) * 100).toFixed(0)}% of the file pipe, incl. securing and undoing; server RSS +${(secured.peakMiB - secured.baselineMiB).toFixed(0)} MiB`],
    ];
    process.stdout.write(`OFTP2 transfer benchmark: ${size / MiB} MiB, buffer 99999, credit 999, node ${process.version}, ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}\n`);
    for (const [a, b, c] of rows) process.stdout.write(`  ${a!.padEnd(36)} ${b!.padStart(10)}  ${c}\n`);
    const results = join(ROOT, 'bench/results');
    mkdirSync(results, { recursive: true });
    writeFileSync(join(results, 'transfer.json'), JSON.stringify({ sizeMiB: size / MiB, node: process.version, rawPlain, rawFilePipe: pipe, plain, rawTls, rawTlsFilePipe: pipeTls, tls, secured }, null, 2));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main().catch((e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exitCode = 1;
});
