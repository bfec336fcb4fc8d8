// Loopback transfers with the real CLI: an `oftp2 serve` process and `oftp2 send` processes over
// 127.0.0.1, across sizes, formats, buffer compression, buffer sizes and credits; every file must arrive
// byte-identical with the right EFID counts, and the sender must get its EERP.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runCli, startServer, type RunningServer } from '../helpers/cli';
import { received, sha256File, writeContent, type Shape, tempDir } from '../helpers/files';

const MiB = 1024 * 1024;
const dir = tempDir('transfer');
const inbox = join(dir, 'inbox');
let server: RunningServer;

before(async () => {
  server = await startServer(['--local', 'O0013SERVER:SRVPW', '--partner', 'O0013CLIENT:CLIPW', '--inbox', inbox, '--timeout', '30']);
});
after(async () => {
  assert.equal(await server.stop(), 0, 'server exits 0 on SIGTERM');
});

interface Case {
  name: string;
  size: number;
  shape: Shape;
  format: 'U' | 'F' | 'V' | 'T';
  recordLength?: number;
  compress: boolean;
  buffer: number;
  credit: number;
}

// Every size, format, compression setting, buffer size and credit appears, in varied combinations.
const cases: Case[] = [
  { name: 'EMPTY', size: 0, shape: 'random', format: 'U', compress: false, buffer: 99999, credit: 999 },
  { name: 'ONE', size: 1, shape: 'random', format: 'U', compress: true, buffer: 128, credit: 1 },
  { name: 'ONE-T', size: 2, shape: 'crlf-text', format: 'T', compress: false, buffer: 128, credit: 999 },
  { name: 'MIB-U', size: MiB, shape: 'random', format: 'U', compress: false, buffer: 128, credit: 1 },
  { name: 'MIB-U-RUNS', size: MiB, shape: 'runs', format: 'U', compress: true, buffer: 99999, credit: 1 },
  { name: 'MIB-F80', size: MiB - (MiB % 80), shape: 'runs', format: 'F', recordLength: 80, compress: true, buffer: 128, credit: 999 },
  { name: 'MIB-F80-PLAIN', size: MiB - (MiB % 80), shape: 'random', format: 'F', recordLength: 80, compress: false, buffer: 99999, credit: 999 },
  { name: 'MIB-V', size: MiB, shape: 'lines', format: 'V', recordLength: 200, compress: false, buffer: 99999, credit: 999 },
  { name: 'MIB-V-SMALL', size: MiB, shape: 'lines', format: 'V', recordLength: 200, compress: true, buffer: 128, credit: 1 },
  { name: 'MIB-T', size: MiB, shape: 'crlf-text', format: 'T', compress: true, buffer: 99999, credit: 1 },
  { name: 'MIB-T-SMALL', size: MiB, shape: 'crlf-text', format: 'T', compress: false, buffer: 128, credit: 999 },
  { name: 'HUNDRED-MIB', size: 100 * MiB, shape: 'random', format: 'U', compress: false, buffer: 99999, credit: 999 },
  { name: 'HUNDRED-MIB-RUNS', size: 100 * MiB, shape: 'runs', format: 'U', compress: true, buffer: 99999, credit: 999 },
];

for (const c of cases) {
  test(`${c.name}: ${c.size} octets, format ${c.format}, compression ${c.compress ? 'on' : 'off'}, buffer ${c.buffer}, credit ${c.credit}`, async () => {
    const path = join(dir, `${c.name}.dat`);
    const digest = await writeContent(path, c.size, c.shape, c.size + c.buffer);
    const args = ['send', path, '--to', `${server.host}:${server.port}`, '--local', 'O0013CLIENT:CLIPW', '--partner', 'O0013SERVER:SRVPW',
      '--dsn', c.name, '--format', c.format, '--buffer', String(c.buffer), '--credit', String(c.credit), '--wait-eerp', '20'];
    if (c.recordLength) args.push('--record-length', String(c.recordLength));
    if (c.compress) args.push('--compress');
    const r = await runCli(args);
    assert.equal(r.code, 0, `send failed: ${r.stderr}`);
    assert.match(r.stdout, new RegExp(`sent as ${c.name} \\d{8} \\d{10}, EERP received`));
    const [meta, ...more] = await received(inbox, c.name);
    assert.ok(meta, `no file ${c.name} in the inbox`);
    assert.equal(more.length, 0);
    assert.equal(meta.size, c.size);
    assert.equal(await sha256File(meta.path), digest, 'file content differs');
    assert.equal(meta.sha256, digest, 'sidecar SHA-256');
    assert.equal(meta.sfid.format, c.format);
    assert.equal(meta.eerp.status, 'sent');
    if (c.format === 'F') assert.equal(meta.records, c.size / 80);
    if (c.format === 'V') {
      const lines = (await import('node:fs')).readFileSync(path).toString('latin1').split('\n').length - 1;
      assert.equal(meta.records, lines);
      assert.equal(meta.units, c.size - lines, 'V unit count excludes the line ends');
    } else {
      assert.equal(meta.units, c.size);
    }
  });
}
