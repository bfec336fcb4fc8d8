// Real faults on real processes: a client killed at about 40% of a 100 MiB file resumes from the restart
// position; a server killed mid-transfer leaves nothing in the inbox's final place; a silent partner is
// cut by the inactivity timer with ESID 09.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, startServer } from '../helpers/cli';
import { received, sha256File, writeContent, tempDir } from '../helpers/files';
import { ScriptedPeer } from '../helpers/peer';

const MiB = 1024 * 1024;

function partialSize(inbox: string): number {
  const dir = join(inbox, '.oftp2-partial');
  if (!existsSync(dir)) return 0;
  return readdirSync(dir).filter((n) => n.endsWith('.part')).reduce((sum, n) => sum + statSync(join(dir, n)).size, 0);
}

/** Kills the child once the server's partial file passes `bytes`. */
function killAt(inbox: string, bytes: number, kill: () => void): { stop: () => void; seen: () => number } {
  let seen = 0;
  const timer = setInterval(() => {
    seen = partialSize(inbox);
    if (seen >= bytes) {
      clearInterval(timer);
      kill();
    }
  }, 5);
  return { stop: () => clearInterval(timer), seen: () => seen };
}

test('a transfer cut at about 40% resumes from the restart position and ends byte-identical', async () => {
  const dir = tempDir('restart');
  const inbox = join(dir, 'inbox');
  const file = join(dir, 'big.dat');
  const digest = await writeContent(file, 100 * MiB, 'random', 40);
  const server = await startServer(['--local', 'O0013SERVER:SRVPW', '--partner', 'O0013CLIENT:CLIPW', '--inbox', inbox]);
  try {
    const common = [file, '--to', `${server.host}:${server.port}`, '--local', 'O0013CLIENT:CLIPW', '--partner', 'O0013SERVER', '--dsn', 'BIG'];
    // Small buffers and credit 1 make the first attempt slow enough to be cut part-way.
    let watcher: ReturnType<typeof killAt> | undefined;
    const first = await runCli(['send', ...common, '--buffer', '4096', '--credit', '1', '--trace', join(dir, 'first.jsonl')], {
      onStart: (child) => {
        watcher = killAt(inbox, 40 * MiB, () => child.kill('SIGKILL'));
      },
    });
    watcher!.stop();
    assert.equal(first.signal, 'SIGKILL', `the first send should have been killed part-way (${first.stdout}${first.stderr})`);
    await server.waitFor(/S1 ended: session failed/);
    const kept = partialSize(inbox);
    assert.ok(kept >= 40 * MiB && kept < 100 * MiB, `partial file holds ${kept} octets`);
    assert.equal((await received(inbox, 'BIG')).length, 0, 'nothing in the final place yet');

    const second = await runCli(['send', ...common, '--wait-eerp', '20', '--trace', join(dir, 'second.jsonl')]);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /EERP received/);
    const trace = readFileSync(join(dir, 'second.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const sfpa = trace.find((r) => r.direction === 'in' && r.command === 'SFPA');
    const count = sfpa.fields.find((f: { name: string }) => f.name === 'SFPAACNT').value as number;
    assert.ok(count > 0, 'SFPA offers a non-zero restart count');
    assert.equal(count, Math.floor(kept / 1024), 'restart at the last whole 1K block the server kept');
    const efid = trace.find((r) => r.direction === 'out' && r.command === 'EFID');
    assert.match(efid.summary, new RegExp(`${100 * MiB} octets`), 'EFID counts the whole file');
    const dataSent = trace.filter((r) => r.direction === 'out' && r.command === 'DATA').length;
    assert.ok(dataSent < Math.ceil((100 * MiB - count * 1024) / 99000) + 5, `only the rest was sent (${dataSent} DATA buffers)`);

    const [meta] = await received(inbox, 'BIG');
    assert.equal(meta!.size, 100 * MiB);
    assert.equal(meta!.restartedAt, count);
    assert.equal(await sha256File(meta!.path), digest);
    assert.equal(meta!.sha256, digest);
    assert.equal(partialSize(inbox), 0, 'partial file gone');
  } finally {
    await server.stop();
  }
});

test('a server killed mid-transfer leaves no file in the inbox', async () => {
  const dir = tempDir('kill-server');
  const inbox = join(dir, 'inbox');
  const file = join(dir, 'big.dat');
  await writeContent(file, 100 * MiB, 'random', 41);
  const server = await startServer(['--local', 'O0013SERVER:SRVPW', '--partner', 'O0013CLIENT:CLIPW', '--inbox', inbox]);
  const watcher = killAt(inbox, 10 * MiB, () => server.process.kill('SIGKILL'));
  const r = await runCli(['send', file, '--to', `${server.host}:${server.port}`, '--local', 'O0013CLIENT:CLIPW', '--partner', 'O0013SERVER', '--buffer', '4096', '--credit', '1']);
  watcher.stop();
  await server.stop();
  assert.equal(server.process.signalCode, 'SIGKILL', 'the server was killed part-way');
  assert.equal(r.code, 1, `send must fail: ${r.stdout}`);
  assert.match(r.stderr, /oftp2: .*(closed|connection)/i);
  const finals = readdirSync(inbox, { withFileTypes: true }).filter((d) => d.isDirectory() && !d.name.startsWith('.'))
    .flatMap((d) => readdirSync(join(inbox, d.name)));
  assert.deepEqual(finals, [], 'no file in its final place');
  assert.ok(partialSize(inbox) > 0, 'the partial file is kept for a restart');
});

test('a partner that goes silent is cut by the inactivity timer with ESID 09', async () => {
  const dir = tempDir('silent');
  const server = await startServer(['--local', 'O0013SERVER:SRVPW', '--partner', 'O0013CLIENT:CLIPW', '--inbox', join(dir, 'inbox'), '--timeout', '1']);
  try {
    const peer = await ScriptedPeer.connect(server.host, server.port);
    const started = Date.now();
    await peer.expect('SSRM');
    const esid = await peer.expect('ESID', 5000);
    const waited = Date.now() - started;
    assert.equal(esid.reason, 9);
    assert.match(esid.text, /inactivity/);
    assert.ok(waited >= 900 && waited < 4000, `cut after ${waited} ms`);
    await peer.closed();
    await server.waitFor(/S1 ended: session failed: we ended the session with ESID 09 Time out/);
  } finally {
    await server.stop();
  }
});
