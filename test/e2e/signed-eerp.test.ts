// Signed EERPs (SFIDSIGN=Y): the server signs the receipt over the RFC's fields and the transmitted file's
// hash; the client verifies signature, fields and hash, and a receipt that fails any of them is never
// reported as delivery; OpenSSL verifies our receipt signature on its own.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Eerp } from '../../src/oftp/codec/commands';
import { createCertificate } from '../../src/oftp/security/certs';
import { receiptSignedContent, signReceipt, verifyReceipt } from '../../src/oftp/security/receipts';
import { runCli, startServer, type RunningServer } from '../helpers/cli';
import { makeContent, tempDir } from '../helpers/files';

const dir = tempDir('eerp');
const p = (n: string): string => join(dir, n);
const ca = createCertificate({ commonName: 'EERP CA', isCa: true });
const hub = createCertificate({ commonName: 'hub', issuer: ca });
const spoke = createCertificate({ commonName: 'spoke', issuer: ca });
const eve = createCertificate({ commonName: 'eve', issuer: ca });
for (const [n, c] of Object.entries({ ca, hub, spoke, eve })) {
  writeFileSync(p(`${n}.pem`), c.certPem);
  writeFileSync(p(`${n}.key`), c.keyPem);
}
writeFileSync(p('data.bin'), makeContent(70_000, 'random', 9));

let signing: RunningServer;
let plain: RunningServer;
const IDS = ['--local', 'O0013HUB:HUBPW', '--partner', 'O0013SPOKE:SPOKEPW'];
before(async () => {
  signing = await startServer([...IDS, '--inbox', p('in1'), '--ack-sign-cert', p('hub.pem'), '--ack-sign-key', p('hub.key'), '--decrypt-key', p('hub.key'), '--partner-sign-cert', `O0013SPOKE=${p('spoke.pem')}`]);
  plain = await startServer([...IDS, '--inbox', p('in2')]);
});
after(async () => {
  await signing.stop();
  await plain.stop();
});

const send = (to: RunningServer, dsn: string, ...extra: string[]) =>
  runCli(['send', p('data.bin'), '--to', `127.0.0.1:${to.port}`, '--local', 'O0013SPOKE:SPOKEPW', '--partner', 'O0013HUB', '--dsn', dsn, '--wait-eerp', '10', ...extra]);

test('a signed EERP is verified: signature, fields and the hash of the file as sent', async () => {
  for (const [dsn, extra] of [['PLAIN-04', ['--cipher', '04']], ['SECURED-06', ['--cipher', '06', '--sign', '--sign-cert', p('spoke.pem'), '--sign-key', p('spoke.key'), '--encrypt', '--partner-enc-cert', p('hub.pem')]], ['PLAIN-01', ['--cipher', '01']]] as const) {
    const r = await send(signing, dsn, '--sign-eerp', '--partner-ack-cert', p('hub.pem'), '--trace', p(`${dsn}.jsonl`), ...extra);
    assert.equal(r.code, 0, `${dsn}: ${r.stderr}`);
    assert.match(r.stdout, /EERP received \(signature valid, signed by hub \(SHA-256/);
  }
});

test('OpenSSL verifies the signature of our EERP, over exactly the RFC fields and hash', () => {
  const trace = readFileSync(p('PLAIN-04.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const eerp = trace.find((r) => r.direction === 'in' && r.command === 'EERP');
  const field = (n: string): string => eerp.fields.find((f: { name: string }) => f.name === n).value;
  writeFileSync(p('eerp-sig.der'), Buffer.from(field('EERPSIG'), 'hex'));
  execFileSync('openssl', ['cms', '-verify', '-inform', 'DER', '-in', 'eerp-sig.der', '-CAfile', 'ca.pem', '-certfile', 'hub.pem', '-out', 'eerp-content.bin'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const signed = readFileSync(p('eerp-content.bin'));
  const hash = Buffer.from(field('EERPHSH'), 'hex');
  assert.equal(hash.length, 32, 'suite 04 hashes with SHA-256');
  const expected = Buffer.concat([Buffer.from(`${'PLAIN-04'.padEnd(26)}${field('EERPDATE')}${field('EERPTIME')}${'O0013SPOKE'.padEnd(25)}${'O0013HUB'.padEnd(25)}`, 'latin1'), hash]);
  assert.ok(signed.equals(expected), 'signed content = DSN DATE TIME DEST ORIG HSH in full width');
});

test('a receipt that does not check out is never reported as delivered', async () => {
  const wrongCert = await send(signing, 'WRONG-CERT', '--sign-eerp', '--partner-ack-cert', p('eve.pem'));
  assert.equal(wrongCert.code, 1);
  assert.match(wrongCert.stdout, /SIGNATURE NOT VALID: receipt signature invalid: the signature does not verify with CN=eve/);
  assert.match(wrongCert.stderr, /not accepted as proof of delivery/);
  const unsigned = await send(plain, 'UNSIGNED', '--sign-eerp', '--partner-ack-cert', p('hub.pem'));
  assert.equal(unsigned.code, 1);
  assert.match(unsigned.stderr, /the EERP is not signed/);
});

test('tampered receipts are detected: fields, hash, signature', async () => {
  const base: Eerp = { type: 'EERP', datasetName: 'INVOIC', date: '20261128', time: '1200000001', userData: '', destination: 'O0013SPOKE', originator: 'O0013HUB', hash: Buffer.alloc(0), signature: Buffer.alloc(0) };
  const hash = Buffer.alloc(32, 7);
  const signed = await signReceipt(base, hash, hub, 'sha256');
  assert.deepEqual(await verifyReceipt(signed, hub.certPem, hash), { ok: true, signer: (await verifyReceipt(signed, hub.certPem, hash) as { signer: string }).signer });
  assert.ok(receiptSignedContent(signed).includes(hash));
  const cases: Array<[Eerp, Buffer, RegExp]> = [
    [{ ...signed, datasetName: 'INVOIX' }, hash, /does not match the EERP's fields \(tampered receipt\)/],
    [{ ...signed, time: '1200000002' }, hash, /tampered receipt/],
    [signed, Buffer.alloc(32, 8), /hash does not match the file we sent/],
    [{ ...signed, signature: Buffer.from(signed.signature).fill(0x41, signed.signature.length - 20) }, hash, /receipt signature invalid/],
  ];
  for (const [r, expected, why] of cases) {
    const check = await verifyReceipt(r, hub.certPem, expected);
    assert.equal(check.ok, false);
    assert.match((check as { why: string }).why, why);
  }
});
