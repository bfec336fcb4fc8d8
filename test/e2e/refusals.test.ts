// What a server must refuse, and how: wrong password (ESID 04), unknown Odette ID (ESID 03), hostile
// virtual file names (stored safely inside the inbox or SFNA 01, never outside), duplicates (SFNA 13) and
// files over the size limit (SFNA 06).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { encodeCommand, type Sfid } from '../../src/oftp/codec/commands';
import { runCli, startServer, type RunningServer } from '../helpers/cli';
import { received, writeContent, tempDir } from '../helpers/files';
import { ScriptedPeer, ssid } from '../helpers/peer';

const dir = tempDir('refuse');
// The inbox sits two levels down so '../../x' would land inside `dir` if names were not made safe.
const inbox = join(dir, 'a', 'b', 'inbox');
let server: RunningServer;

before(async () => {
  mkdirSync(inbox, { recursive: true });
  server = await startServer(['--local', 'O0013SERVER:SRVPW', '--partner', 'O0013CLIENT:CLIPW', '--inbox', inbox, '--max-file-size', '1M']);
});
after(async () => {
  await server.stop();
});

const send = (file: string, ...extra: string[]) =>
  runCli(['send', file, '--to', `${server.host}:${server.port}`, '--local', 'O0013CLIENT:CLIPW', '--partner', 'O0013SERVER', ...extra]);

test('a wrong password ends the session with ESID 04', async () => {
  const file = join(dir, 'pw.dat');
  writeFileSync(file, 'x');
  const r = await runCli(['send', file, '--to', `${server.host}:${server.port}`, '--local', 'O0013CLIENT:WRONG', '--partner', 'O0013SERVER']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /ESID 04 Invalid password/);
  assert.match(r.stdout, /not sent/);
});

test('an unknown Odette ID ends the session with ESID 03', async () => {
  const file = join(dir, 'id.dat');
  writeFileSync(file, 'x');
  const r = await runCli(['send', file, '--to', `${server.host}:${server.port}`, '--local', 'O0013STRANGER:CLIPW', '--partner', 'O0013SERVER']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /ESID 03 User code not known/);
});

test('a second copy of the same file is refused with SFNA 13', async () => {
  const file = join(dir, 'dup.dat');
  await writeContent(file, 5000, 'random', 13);
  const first = await send(file, '--dsn', 'DUP');
  assert.equal(first.code, 0, first.stderr);
  const second = await send(file, '--dsn', 'DUP');
  assert.equal(second.code, 1);
  assert.match(second.stdout, /refused: SFNA 13 Duplicate file .*retry N/);
  assert.match(second.stderr, /SFNA 13 Duplicate file/);
  assert.equal((await received(inbox, 'DUP')).length, 1);
});

test('a file over the size limit is refused with SFNA 06', async () => {
  const file = join(dir, 'big.dat');
  await writeContent(file, 2 * 1024 * 1024, 'random', 6);
  const r = await send(file, '--dsn', 'TOOBIG');
  assert.equal(r.code, 1);
  assert.match(r.stderr, /SFNA 06 File size is too big/);
  assert.equal((await received(inbox, 'TOOBIG')).length, 0);
});

/** Offers one file with the given raw dataset name field (26 octets) and, if accepted, sends `data`. */
async function offer(dsnField: Buffer, data: Buffer): Promise<{ answer: string; reason?: number }> {
  const peer = await ScriptedPeer.connect(server.host, server.port);
  await peer.expect('SSRM');
  peer.send(ssid('O0013CLIENT', 'CLIPW'));
  await peer.expect('SSID');
  const template: Sfid = { type: 'SFID', datasetName: 'PLACEHOLDER', date: '20261128', time: '1200000001', userData: '', destination: 'O0013SERVER', originator: 'O0013CLIENT', format: 'U', maxRecordLength: 0, fileSize: 1, originalFileSize: 1, restartPosition: 0, securityLevel: 0, cipherSuite: 0, compression: 0, envelope: 0, signedEerp: false, description: '' };
  const raw = encodeCommand(template);
  const sfid = Buffer.concat([raw.subarray(0, 1), dsnField, raw.subarray(27)]);
  peer.sendRaw(sfid);
  const answer = await peer.next();
  let result: { answer: string; reason?: number };
  if (answer?.type === 'SFPA') {
    peer.sendRaw(Buffer.concat([Buffer.from([0x44, 0x80 | data.length]), data]));
    peer.send({ type: 'EFID', recordCount: 0, unitCount: data.length });
    const end = await peer.next();
    result = { answer: end!.type, ...(end?.type === 'EFNA' ? { reason: end.reason } : {}) };
    peer.send({ type: 'CD' });
    await peer.expect('EERP');
    peer.send({ type: 'RTR' });
    await peer.expect('CD');
    peer.send({ type: 'ESID', reason: 0, text: '' });
  } else {
    result = { answer: answer?.type ?? 'closed', ...(answer?.type === 'SFNA' || answer?.type === 'ESID' ? { reason: answer.reason } : {}) };
    peer.destroy();
  }
  await peer.closed().catch(() => peer.destroy());
  return result;
}

test('hostile virtual file names are stored inside the inbox under safe names, or refused with SFNA 01', async () => {
  const names = ['../../x', '/etc/x', '..\\x', 'CON', 'AUX.TXT', '.HIDDEN', '', '          ', '../../../../../../../tmp/x'];
  const stored: string[] = [];
  for (const [i, name] of names.entries()) {
    const field = Buffer.alloc(26, 0x20);
    field.write(name.slice(0, 26), 'latin1');
    const data = Buffer.from(`content ${i}`);
    const r = await offer(field, data);
    if (name.trim() === '') {
      assert.deepEqual(r, { answer: 'SFNA', reason: 1 }, `${JSON.stringify(name)} refused`);
      continue;
    }
    assert.equal(r.answer, 'EFPA', `${JSON.stringify(name)}: ${JSON.stringify(r)}`);
    const metas = (await received(inbox)).filter((m) => m.sfid.datasetName === name.replace(/ +$/, ''));
    assert.equal(metas.length, 1, `${JSON.stringify(name)} stored once`);
    const path = resolve(metas[0]!.path);
    assert.ok(path.startsWith(resolve(inbox) + '/O0013CLIENT/'), `${path} is inside the partner folder`);
    const base = path.split('/').pop()!;
    assert.match(base, /^[A-Za-z0-9&()_-][A-Za-z0-9.&()_-]*$/, `${base} is one safe path component`);
    assert.doesNotMatch(base, /^(CON|AUX)(\.|$)/i);
    stored.push(base);
  }
  assert.equal(new Set(stored).size, stored.length, 'distinct files');
  // Nothing escaped: the folders around the inbox hold only what the test made.
  assert.deepEqual(readdirSync(dir).sort(), ['a', 'big.dat', 'dup.dat', 'id.dat', 'pw.dat'].filter((n) => existsSync(join(dir, n))).sort());
  assert.deepEqual(readdirSync(join(dir, 'a')), ['b']);
  assert.deepEqual(readdirSync(join(dir, 'a', 'b')), ['inbox']);
  assert.ok(!existsSync('/etc/x') && !existsSync('/tmp/x'));
});

test('a dataset name longer than the 26-octet field cannot be sent, and a forged one breaks the frame', async () => {
  const file = join(dir, 'long.dat');
  writeFileSync(file, 'x');
  const r = await send(file, '--dsn', 'N'.repeat(200));
  assert.equal(r.code, 1);
  assert.match(r.stderr, /virtual file name "N{200}" must be 1-26 characters/);
  // A peer that writes 200 characters where 26 belong shifts every later field: the SFID is refused as
  // malformed (ESID 06 or 07) and nothing is stored.
  const before = (await received(inbox)).length;
  const res = await offer(Buffer.from('N'.repeat(200)), Buffer.from('y'));
  assert.equal(res.answer, 'ESID');
  assert.ok(res.reason === 6 || res.reason === 7, `ESID ${res.reason}`);
  assert.equal((await received(inbox)).length, before);
});
