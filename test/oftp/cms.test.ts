// CMS file services as streams: every cipher suite 01-06 through sign, compress and encrypt and back,
// byte-identical; tampering and wrong keys give EFNA 21/22/23; and OpenSSL (`openssl cms`, an independent
// implementation) reads what we write and writes what we read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CIPHER_SUITES, CmsError, collect, compressStream, encryptStream, signStream, unwrapLayer, type LayerResult } from '../../src/oftp/security/cms';
import { createCertificate } from '../../src/oftp/security/certs';
import { linesToPrefixed, prefixedToLines } from '../../src/oftp/security/file-services';
import { makeContent, tempDir } from '../helpers/files';

const dir = tempDir('cms');
const ca = createCertificate({ commonName: 'CMS CA', isCa: true });
const alice = createCertificate({ commonName: 'alice', issuer: ca });
const bob = createCertificate({ commonName: 'bob', issuer: ca });
const eve = createCertificate({ commonName: 'eve', issuer: ca });
for (const [n, c] of Object.entries({ ca, alice, bob, eve })) {
  writeFileSync(join(dir, `${n}.pem`), c.certPem);
  writeFileSync(join(dir, `${n}.key`), c.keyPem);
}
const data = Buffer.concat([makeContent(200_000, 'random', 7), makeContent(200_000, 'runs', 8)]);

/** Feeds a buffer in uneven pieces, as a file read would. */
async function* pieces(b: Buffer): AsyncGenerator<Buffer> {
  for (let i = 0, n = 1; i < b.length; i += n, n = (n * 7 + 13) % 70000 || 1) yield b.subarray(i, i + n);
}

async function unwrapAll(wire: Buffer, layers: Array<'enveloped' | 'compressed' | 'signed'>, keys = { decrypt: bob, verify: alice }): Promise<{ data: Buffer; results: Partial<LayerResult>[] }> {
  let stream: AsyncIterable<Buffer> = pieces(wire);
  const results: Partial<LayerResult>[] = [];
  for (const kind of layers) {
    const r: Partial<LayerResult> = {};
    results.push(r);
    stream = unwrapLayer(stream, kind, { decryptionKey: { keyPem: keys.decrypt.keyPem }, signerCertPem: keys.verify.certPem }, r);
  }
  return { data: await collect(stream), results };
}

test('every suite 01-06: sign, compress, encrypt and back, byte-identical, each layer reporting its algorithm', async () => {
  for (const [suite, { cipher, hash }] of Object.entries(CIPHER_SUITES)) {
    const wire = await collect(encryptStream(compressStream(signStream(pieces(data), alice, hash)), bob.certPem, cipher));
    assert.ok(wire.length < data.length, `suite ${suite}: compressed`);
    const { data: back, results } = await unwrapAll(wire, ['enveloped', 'compressed', 'signed']);
    assert.ok(back.equals(data), `suite ${suite} round trip`);
    assert.deepEqual(results.map((r) => r.algorithm), [cipher === '3des' ? 'des-ede3-cbc' : 'aes-256-cbc', 'zlib', hash]);
    assert.match(results[2]!.signer!, /^alice \(SHA-256 /);
  }
});

test('each service alone and in pairs round-trips', async () => {
  const combos: Array<Array<'signed' | 'compressed' | 'enveloped'>> = [['signed'], ['compressed'], ['enveloped'], ['compressed', 'signed'], ['enveloped', 'signed'], ['enveloped', 'compressed']];
  for (const layers of combos) {
    let s: AsyncIterable<Buffer> = pieces(data);
    for (const k of [...layers].reverse()) s = k === 'signed' ? signStream(s, alice, 'sha256') : k === 'compressed' ? compressStream(s) : encryptStream(s, bob.certPem, 'aes256');
    const { data: back } = await unwrapAll(await collect(s), layers);
    assert.ok(back.equals(data), layers.join('+'));
  }
});

async function failure(p: Promise<unknown>): Promise<CmsError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof CmsError, `expected CmsError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected a failure');
}

test('tampered or misaddressed files fail with the EFNA reason of the layer', async () => {
  const signed = await collect(signStream(pieces(data), alice, 'sha256'));
  const tampered = Buffer.from(signed);
  tampered[5000] ^= 0x01;
  assert.equal((await failure(unwrapAll(tampered, ['signed']))).answerReason, 21);
  const wrongSigner = await failure(unwrapAll(signed, ['signed'], { decrypt: bob, verify: eve }));
  assert.equal(wrongSigner.answerReason, 21);
  assert.match(wrongSigner.message, /does not verify with .*eve/);
  const encrypted = await collect(encryptStream(pieces(data), bob.certPem, 'aes256'));
  const wrongKey = await failure(unwrapAll(encrypted, ['enveloped'], { decrypt: eve, verify: alice }));
  assert.equal(wrongKey.answerReason, 22);
  assert.match(wrongKey.message, /not encrypted for our certificate/);
  const compressed = Buffer.from(await collect(compressStream(pieces(data))));
  compressed.fill(0x55, 200, 260);
  assert.equal((await failure(unwrapAll(compressed, ['compressed']))).answerReason, 23);
  assert.equal((await failure(unwrapAll(encrypted, ['signed']))).answerReason, 21, 'wrong layer order is a signature failure');
  assert.equal((await failure(unwrapAll(signed.subarray(0, signed.length - 100), ['signed']))).answerReason, 21, 'truncated');
});

const openssl = (...args: string[]): Buffer => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });

test('OpenSSL decrypts and verifies what we sign and encrypt, for every suite', async () => {
  writeFileSync(join(dir, 'data.bin'), data);
  for (const [suite, { cipher, hash }] of Object.entries(CIPHER_SUITES)) {
    writeFileSync(join(dir, `ours${suite}.der`), await collect(encryptStream(signStream(pieces(data), alice, hash), bob.certPem, cipher)));
    openssl('cms', '-decrypt', '-inform', 'DER', '-in', `ours${suite}.der`, '-recip', 'bob.pem', '-inkey', 'bob.key', '-out', `ours${suite}.signed`);
    openssl('cms', '-verify', '-inform', 'DER', '-in', `ours${suite}.signed`, '-CAfile', 'ca.pem', '-certfile', 'alice.pem', '-out', `ours${suite}.out`);
    assert.ok(readFileSync(join(dir, `ours${suite}.out`)).equals(data), `suite ${suite}`);
  }
});

test('we decrypt and verify what OpenSSL signs and encrypts (3DES and AES-256, SHA-1/256/512)', async () => {
  writeFileSync(join(dir, 'data.bin'), data);
  for (const [md, enc] of [['sha1', '-des3'], ['sha256', '-aes256'], ['sha512', '-aes256']] as const) {
    openssl('cms', '-sign', '-nodetach', '-binary', '-in', 'data.bin', '-signer', 'alice.pem', '-inkey', 'alice.key', '-nocerts', '-md', md, '-outform', 'DER', '-out', `theirs-${md}.signed`);
    openssl('cms', '-encrypt', '-binary', '-in', `theirs-${md}.signed`, enc, '-outform', 'DER', '-out', `theirs-${md}.der`, 'bob.pem');
    const { data: back, results } = await unwrapAll(readFileSync(join(dir, `theirs-${md}.der`)), ['enveloped', 'signed']);
    assert.ok(back.equals(data), md);
    assert.equal(results[1]!.algorithm, md);
  }
});

test('RFC 5024 §6.5: V records get a 2-octet length prefix before file services, in any chunking', async () => {

  const expected = Buffer.from('0002616200000001630000', 'hex'); // "ab", "", "c", "" (hand-built)
  const text = Buffer.from('ab\n\nc\n\n');
  for (let cut = 0; cut <= text.length; cut++) {
    async function* two(): AsyncGenerator<Buffer> {
      yield text.subarray(0, cut);
      yield text.subarray(cut);
    }
    const wire = await collect(linesToPrefixed(two()));
    assert.ok(wire.equals(expected), `cut at ${cut}: ${wire.toString('hex')}`);
    assert.ok((await collect(prefixedToLines(pieces(wire)))).equals(text));
  }
  await assert.rejects(collect(prefixedToLines(pieces(Buffer.from('000561', 'hex')))), /ends inside a record/);
});
