// File services between real processes with real certificates: every combination of signed, compressed
// and encrypted across suites 01-06 arrives byte-identical; tampered or misaddressed files get EFNA 21/22;
// files that OpenSSL signs and encrypts are accepted; the server's policy refuses with SFNA 15-20.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Sfid } from '../../src/oftp/codec/commands';
import { createCertificate } from '../../src/oftp/security/certs';
import { bytesOf, collect, encryptStream, signStream } from '../../src/oftp/security/cms';
import { runCli, startServer, type RunningServer } from '../helpers/cli';
import { makeContent, received, sha256, tempDir } from '../helpers/files';
import { ScriptedPeer, ssid } from '../helpers/peer';

const dir = tempDir('services');
const p = (n: string): string => join(dir, n);
const ca = createCertificate({ commonName: 'Services CA', isCa: true });
const certs = { hub: createCertificate({ commonName: 'hub', issuer: ca }), spoke: createCertificate({ commonName: 'spoke', issuer: ca }), eve: createCertificate({ commonName: 'eve', issuer: ca }) };
for (const [n, c] of Object.entries({ ca, ...certs })) {
  writeFileSync(p(`${n}.pem`), c.certPem);
  writeFileSync(p(`${n}.key`), c.keyPem);
}
const content = Buffer.concat([makeContent(60_000, 'random', 3), makeContent(60_000, 'runs', 4)]);
writeFileSync(p('data.bin'), content);

let server: RunningServer;
let strict: RunningServer;
const SERVE = ['--local', 'O0013HUB:HUBPW', '--partner', 'O0013SPOKE:SPOKEPW', '--decrypt-key', p('hub.key'), '--partner-sign-cert', `O0013SPOKE=${p('spoke.pem')}`];
before(async () => {
  server = await startServer([...SERVE, '--inbox', p('inbox')]);
  strict = await startServer([...SERVE, '--inbox', p('inbox-strict'), '--require-signed', '--require-encrypted', '--no-zlib', '--ciphers', '04,06']);
});
after(async () => {
  await server.stop();
  await strict.stop();
});

const send = (to: RunningServer, dsn: string, ...extra: string[]) =>
  runCli(['send', p('data.bin'), '--to', `127.0.0.1:${to.port}`, '--local', 'O0013SPOKE:SPOKEPW', '--partner', 'O0013HUB', '--dsn', dsn, '--wait-eerp', '10', ...extra]);
const SIGN = ['--sign', '--sign-cert', p('spoke.pem'), '--sign-key', p('spoke.key')];
const ENCRYPT = ['--encrypt', '--partner-enc-cert', p('hub.pem')];

test('every combination of signed, compressed and encrypted, suites 01-06, arrives byte-identical', async () => {
  const combos: Array<[string, string[], number, number]> = [
    ['S', SIGN, 2, 0], ['E', ENCRYPT, 1, 0], ['Z', ['--zlib'], 0, 1], ['SE', [...SIGN, ...ENCRYPT], 3, 0],
    ['SZ', [...SIGN, '--zlib'], 2, 1], ['EZ', [...ENCRYPT, '--zlib'], 1, 1], ['SEZ', [...SIGN, ...ENCRYPT, '--zlib'], 3, 1],
  ];
  for (const suite of [1, 2, 3, 4, 5, 6]) {
    for (const [name, flags, sec, comp] of combos) {
      const dsn = `${name}-${suite}`;
      const r = await send(server, dsn, ...flags, '--cipher', String(suite));
      assert.equal(r.code, 0, `${dsn}: ${r.stderr}`);
      assert.match(r.stdout, /EERP received/);
      const [meta] = await received(p('inbox'), dsn);
      assert.ok(meta, `${dsn} stored`);
      assert.equal(meta.sha256, sha256(content), `${dsn} content`);
      assert.ok(readFileSync(meta.path).equals(content));
      const sfid = meta.sfid as unknown as Sfid;
      assert.deepEqual([sfid.securityLevel, sfid.compression, sfid.envelope, sfid.cipherSuite], [sec, comp, 1, sec ? suite : 0], `${dsn} SFID fields`);
      const m = meta as unknown as { transmitted: { size: number }; services: Array<{ kind: string; signer?: string }> };
      assert.ok(m.transmitted.size > 0);
      assert.deepEqual(m.services.map((l) => l.kind), [sec & 1 && 'enveloped', comp && 'compressed', sec & 2 && 'signed'].filter(Boolean));
      if (sec & 2) assert.match(m.services.at(-1)!.signer!, /^spoke \(SHA-256/);
    }
  }
});

/** Sends prepared transmitted bytes with the given SFID service fields, as a partner would. */
async function offerSecured(to: RunningServer, dsn: string, wire: Buffer, fields: Partial<Sfid>): Promise<{ answer: string; reason?: number; text?: string }> {
  const peer = await ScriptedPeer.connect(to.host, to.port);
  await peer.expect('SSRM');
  peer.send(ssid('O0013SPOKE', 'SPOKEPW', { bufferSize: 99999, credit: 999 }));
  await peer.expect('SSID');
  peer.send({ type: 'SFID', datasetName: dsn, date: '20261128', time: '1500000001', userData: '', destination: 'O0013HUB', originator: 'O0013SPOKE', format: 'U', maxRecordLength: 0, fileSize: Math.ceil(wire.length / 1024), originalFileSize: 0, restartPosition: 0, securityLevel: 0, cipherSuite: 0, compression: 0, envelope: 1, signedEerp: false, description: '', ...fields });
  const a = await peer.next();
  if (a?.type !== 'SFPA') {
    peer.destroy();
    return { answer: a?.type ?? 'closed', ...(a && 'reason' in a ? { reason: a.reason, text: (a as { text: string }).text } : {}) };
  }
  for (let i = 0; i < wire.length; i += 63 * 1500) {
    const piece = wire.subarray(i, i + 63 * 1500);
    const subs: Buffer[] = [];
    for (let k = 0; k < piece.length; k += 63) {
      const part = piece.subarray(k, k + 63);
      const last = i + k + part.length >= wire.length;
      subs.push(Buffer.from([(last ? 0x80 : 0) | part.length]), part);
    }
    peer.sendRaw(Buffer.concat([Buffer.from('D'), ...subs]));
  }
  peer.send({ type: 'EFID', recordCount: 0, unitCount: wire.length });
  const end = await peer.next();
  peer.destroy();
  return { answer: end!.type, ...(end && 'reason' in end ? { reason: end.reason, text: (end as { text: string }).text } : {}) };
}

test('a tampered signed file gets EFNA 21; a file encrypted for someone else gets EFNA 22', async () => {
  const signed = await collect(signStream(bytesOf(content), certs.spoke, 'sha256'));
  const tampered = Buffer.from(signed);
  tampered[30_000] ^= 0x20;
  const r1 = await offerSecured(server, 'TAMPERED', tampered, { securityLevel: 2, cipherSuite: 4 });
  assert.equal(r1.answer, 'EFNA');
  assert.equal(r1.reason, 21);
  assert.match(r1.text!, /signature failed: the content does not match the signed message digest/);
  const forEve = await collect(encryptStream(bytesOf(content), certs.eve.certPem, 'aes256'));
  const r2 = await offerSecured(server, 'NOT-FOR-US', forEve, { securityLevel: 1, cipherSuite: 4 });
  assert.deepEqual([r2.answer, r2.reason], ['EFNA', 22]);
  const byEve = await collect(signStream(bytesOf(content), certs.eve, 'sha256'));
  const r3 = await offerSecured(server, 'SIGNED-BY-EVE', byEve, { securityLevel: 2, cipherSuite: 4 });
  assert.deepEqual([r3.answer, r3.reason], ['EFNA', 21]);
  assert.equal((await received(p('inbox'))).filter((m) => ['TAMPERED', 'NOT-FOR-US', 'SIGNED-BY-EVE'].includes(m.sfid.datasetName)).length, 0);
});

test('files that OpenSSL signs and encrypts are accepted and stored as the plain content', async () => {
  const openssl = (...args: string[]): void => {
    execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  };
  for (const [md, cipher, suite] of [['sha1', '-des3', 1], ['sha256', '-aes256', 4], ['sha512', '-aes256', 6]] as const) {
    openssl('cms', '-sign', '-nodetach', '-binary', '-in', 'data.bin', '-signer', 'spoke.pem', '-inkey', 'spoke.key', '-nocerts', '-md', md, '-outform', 'DER', '-out', `ossl-${md}.sig`);
    openssl('cms', '-encrypt', '-binary', '-in', `ossl-${md}.sig`, cipher, '-outform', 'DER', '-out', `ossl-${md}.der`, 'hub.pem');
    const r = await offerSecured(server, `OPENSSL-${suite}`, readFileSync(p(`ossl-${md}.der`)), { securityLevel: 3, cipherSuite: suite });
    assert.equal(r.answer, 'EFPA', `${md}: ${JSON.stringify(r)}`);
    const [meta] = await received(p('inbox'), `OPENSSL-${suite}`);
    assert.equal(meta!.sha256, sha256(content));
  }
});

test('a server policy refuses what it does not accept with SFNA 15-20', async () => {
  const cases: Array<[string, string[], RegExp]> = [
    ['PLAIN', [], /SFNA 17 Unencrypted file not allowed/],
    ['UNSIGNED', [...ENCRYPT, '--cipher', '04'], /SFNA 20 Unsigned file not allowed/],
    ['ZLIB', [...SIGN, ...ENCRYPT, '--zlib', '--cipher', '04'], /SFNA 18 Compression not allowed/],
    ['SUITE-02', [...SIGN, ...ENCRYPT, '--cipher', '02'], /SFNA 15 Cipher suite not supported/],
  ];
  for (const [dsn, flags, pattern] of cases) {
    const r = await send(strict, dsn, ...flags);
    assert.equal(r.code, 1, dsn);
    assert.match(r.stderr, pattern, dsn);
  }
  const ok = await send(strict, 'STRICT-OK', ...SIGN, ...ENCRYPT, '--cipher', '06');
  assert.equal(ok.code, 0, ok.stderr);
  const noKey = await startServer(['--local', 'O0013HUB:HUBPW', '--partner', 'O0013SPOKE:SPOKEPW', '--inbox', p('inbox-nokey')]);
  try {
    assert.match((await send(noKey, 'NO-KEY', ...ENCRYPT)).stderr, /SFNA 16 Encrypted file not allowed \(no decryption key is configured\)/);
    assert.match((await send(noKey, 'NO-CERT', ...SIGN)).stderr, /SFNA 19 Signed file not allowed \(no signature-verification certificate/);
  } finally {
    await noKey.stop();
  }
});

test('the server signs, compresses and encrypts outbox files for a partner; the client undoes them into its inbox', async () => {
  const outbox = p('outbox');
  (await import('node:fs')).mkdirSync(join(outbox, 'O0013SPOKE'), { recursive: true });
  writeFileSync(join(outbox, 'O0013SPOKE', 'despatch.edi'), content);
  const hubServer = await startServer(['--local', 'O0013HUB:HUBPW', '--partner', 'O0013SPOKE:SPOKEPW', '--inbox', p('inbox-out'), '--outbox', outbox,
    '--cert', p('hub.pem'), '--key', p('hub.key'), '--sign-outbound', '--zlib-outbound', '--partner-enc-cert', `O0013SPOKE=${p('spoke.pem')}`, '--cipher', '06']);
  try {
    const r = await runCli(['send', '--to', `127.0.0.1:${hubServer.port}`, '--local', 'O0013SPOKE:SPOKEPW', '--partner', 'O0013HUB', '--inbox', p('spoke-inbox'),
      '--decrypt-key', p('spoke.key'), '--partner-sign-cert', p('hub.pem')]);
    assert.equal(r.code, 0, r.stderr);
    const [meta] = await received(p('spoke-inbox'), 'DESPATCH.EDI');
    assert.ok(meta, 'the outbox file reached the client');
    assert.equal(meta.sha256, sha256(content));
    const sfid = meta.sfid as unknown as Sfid;
    assert.deepEqual([sfid.securityLevel, sfid.compression, sfid.envelope, sfid.cipherSuite], [3, 1, 1, 6]);
    assert.match((meta as unknown as { services: Array<{ signer?: string }> }).services.at(-1)!.signer!, /^hub \(SHA-256/);
    await hubServer.waitFor(/receipt-received: EERP for DESPATCH\.EDI/);
  } finally {
    await hubServer.stop();
  }
});

test('a V file is secured with RFC 5024 §6.5 length prefixes and comes back as the same lines', async () => {
  const lines = makeContent(50_000, 'lines', 12);
  writeFileSync(p('records.txt'), lines);
  const r = await runCli(['send', p('records.txt'), '--to', `127.0.0.1:${server.port}`, '--local', 'O0013SPOKE:SPOKEPW', '--partner', 'O0013HUB', '--dsn', 'V-SECURED',
    '--format', 'V', '--record-length', '200', ...SIGN, ...ENCRYPT, '--zlib', '--cipher', '04', '--wait-eerp', '10']);
  assert.equal(r.code, 0, r.stderr);
  const [meta] = await received(p('inbox'), 'V-SECURED');
  assert.ok(readFileSync(meta!.path).equals(lines), 'the records come back as the same lines');
  assert.equal(meta!.sfid.format, 'V');
});
