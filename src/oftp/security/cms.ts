// OFTP2 file services as CMS (RFC 5024 §6, §10): sign (SignedData, content attached), compress
// (CompressedData, ZLIB) and encrypt (EnvelopedData) as streams with indefinite-length BER, and undo each
// layer as a stream again, verifying the signature at the end. Node's crypto does hashing, symmetric
// ciphers, RSA signatures and key encryption; node-forge does the RSA PKCS#1 v1.5 key decryption that
// Node 20 refuses.
import { createCipheriv, createDecipheriv, createHash, createPublicKey, publicEncrypt, randomBytes, sign as rsaSign, verify as rsaVerify, constants, X509Certificate, type KeyObject, createPrivateKey } from 'node:crypto';
import { createDeflate, createInflate } from 'node:zlib';
import forge from 'node-forge';
import { BerTokenizer, END_OF_CONTENTS, explicit, integer, nullValue, octets, oid, oidToString, openIndefinite, parseDer, seq, set, tlv, toDer, type Asn1Node } from './ber';

export const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  envelopedData: '1.2.840.113549.1.7.3',
  compressedData: '1.2.840.113549.1.9.16.1.9',
  zlib: '1.2.840.113549.1.9.16.3.8',
  rsaEncryption: '1.2.840.113549.1.1.1',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha512: '2.16.840.1.101.3.4.2.3',
  desEde3Cbc: '1.2.840.113549.3.7',
  aes256Cbc: '2.16.840.1.101.3.4.1.42',
} as const;

export type HashName = 'sha1' | 'sha256' | 'sha512';
export type CipherName = '3des' | 'aes256';

/** OFTP2 cipher suites: 01-02 from RFC 5024 §10.2, 03-06 as ODETTE publishes them. */
export const CIPHER_SUITES: Record<number, { cipher: CipherName; hash: HashName }> = {
  1: { cipher: '3des', hash: 'sha1' },
  2: { cipher: 'aes256', hash: 'sha1' },
  3: { cipher: '3des', hash: 'sha256' },
  4: { cipher: 'aes256', hash: 'sha256' },
  5: { cipher: '3des', hash: 'sha512' },
  6: { cipher: 'aes256', hash: 'sha512' },
};

const HASH_OID: Record<HashName, string> = { sha1: OID.sha1, sha256: OID.sha256, sha512: OID.sha512 };
const CIPHERS: Record<CipherName, { oid: string; node: string; key: number; iv: number }> = {
  '3des': { oid: OID.desEde3Cbc, node: 'des-ede3-cbc', key: 24, iv: 8 },
  aes256: { oid: OID.aes256Cbc, node: 'aes-256-cbc', key: 32, iv: 16 },
};

export class CmsError extends Error {
  override readonly name = 'CmsError';
  constructor(
    message: string,
    /** The EFNA reason that fits: 21 signature, 22 decryption, 23 decompression. */
    readonly answerReason: number,
  ) {
    super(message);
  }
}

export type ByteSource = AsyncIterable<Uint8Array>;

/** issuerAndSerialNumber of a certificate, taken from its DER. */
function issuerAndSerial(certPem: string): Buffer {
  const cert = parseDer(new X509Certificate(certPem).raw).node;
  const tbs = cert.children[0]!.children;
  const hasVersion = tbs[0]!.tag === 0xa0;
  const serial = tbs[hasVersion ? 1 : 0]!;
  const issuer = tbs[hasVersion ? 3 : 2]!;
  return seq(toDer(issuer), toDer(serial));
}

const CHUNK = 64 * 1024;

/** Wraps content in an indefinite-length constructed OCTET STRING of definite-length pieces. */
async function* octetChunks(source: ByteSource, tag = 0x24): AsyncGenerator<Buffer> {
  yield openIndefinite(tag);
  for await (const chunk of source) {
    const b = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    for (let i = 0; i < b.length; i += CHUNK) yield octets(b.subarray(i, i + CHUNK));
  }
  yield END_OF_CONTENTS;
}

const eoc = (n: number): Buffer => Buffer.concat(Array.from({ length: n }, () => END_OF_CONTENTS));

// ---------------------------------------------------------------------------------------------------------
// Producing

export interface Signer {
  certPem: string;
  keyPem: string;
  passphrase?: string;
}

/** CMS SignedData with the content attached, signed attributes (contentType, messageDigest), no certificates. */
export async function* signStream(source: ByteSource, signer: Signer, hash: HashName): AsyncGenerator<Buffer> {
  const digestAlg = seq(oid(HASH_OID[hash]), nullValue());
  yield Buffer.concat([openIndefinite(0x30), oid(OID.signedData), openIndefinite(0xa0), openIndefinite(0x30), integer(1), set(digestAlg), openIndefinite(0x30), oid(OID.data), openIndefinite(0xa0)]);
  const h = createHash(hash);
  async function* hashed(): AsyncGenerator<Uint8Array> {
    for await (const c of source) {
      h.update(c);
      yield c;
    }
  }
  yield* octetChunks(hashed());
  const digest = h.digest();
  const attrs = [seq(oid(OID.contentType), set(oid(OID.data))), seq(oid(OID.messageDigest), set(octets(digest)))];
  const signedAttrs = set(...attrs);
  const key = createPrivateKey({ key: signer.keyPem, ...(signer.passphrase ? { passphrase: signer.passphrase } : {}) });
  const signature = rsaSign(hash, signedAttrs, { key, padding: constants.RSA_PKCS1_PADDING });
  const signerInfo = seq(integer(1), issuerAndSerial(signer.certPem), digestAlg, tlv(0xa0, ...attrs), seq(oid(OID.rsaEncryption), nullValue()), octets(signature));
  // Close [0] eContent and encapContentInfo, add signerInfos, close SignedData, [0] and ContentInfo.
  yield Buffer.concat([eoc(2), set(signerInfo), eoc(3)]);
}

/** CMS CompressedData (RFC 3274) with ZLIB. */
export async function* compressStream(source: ByteSource): AsyncGenerator<Buffer> {
  yield Buffer.concat([openIndefinite(0x30), oid(OID.compressedData), openIndefinite(0xa0), openIndefinite(0x30), integer(0), seq(oid(OID.zlib)), openIndefinite(0x30), oid(OID.data), openIndefinite(0xa0)]);
  const deflate = createDeflate();
  const feed = (async () => {
    for await (const c of source) if (!deflate.write(c)) await new Promise((r) => deflate.once('drain', r));
    deflate.end();
  })();
  yield* octetChunks(deflate as AsyncIterable<Buffer>);
  await feed;
  yield eoc(5);
}

/** CMS EnvelopedData for one recipient: random content key, RSA PKCS#1 v1.5 key transport. */
export async function* encryptStream(source: ByteSource, recipientCertPem: string, cipher: CipherName): AsyncGenerator<Buffer> {
  const c = CIPHERS[cipher];
  const key = randomBytes(c.key);
  const iv = randomBytes(c.iv);
  const publicKey = createPublicKey(new X509Certificate(recipientCertPem).publicKey.export({ type: 'spki', format: 'pem' }));
  const encryptedKey = publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, key);
  const recipient = seq(integer(0), issuerAndSerial(recipientCertPem), seq(oid(OID.rsaEncryption), nullValue()), octets(encryptedKey));
  yield Buffer.concat([openIndefinite(0x30), oid(OID.envelopedData), openIndefinite(0xa0), openIndefinite(0x30), integer(0), set(recipient), openIndefinite(0x30), oid(OID.data), seq(oid(c.oid), octets(iv))]);
  const enc = createCipheriv(c.node, key, iv);
  async function* encrypted(): AsyncGenerator<Buffer> {
    for await (const chunk of source) {
      const out = enc.update(chunk);
      if (out.length) yield out;
    }
    yield enc.final();
  }
  // encryptedContent is [0] IMPLICIT OCTET STRING: constructed form, context tag 0xA0.
  yield* octetChunks(encrypted(), 0xa0);
  yield eoc(4);
}

// ---------------------------------------------------------------------------------------------------------
// Undoing

export type LayerKind = 'signed' | 'compressed' | 'enveloped';

export interface UnwrapOptions {
  /** enveloped: our private key. */
  decryptionKey?: { keyPem: string; passphrase?: string };
  /** signed: the partner's signature-verification certificate. */
  signerCertPem?: string;
}

export interface LayerResult {
  kind: LayerKind;
  /** enveloped: content cipher; signed: digest algorithm; compressed: 'zlib'. */
  algorithm: string;
  /** signed: who signed (subject CN) and the certificate fingerprint it was checked with. */
  signer?: string;
}

const CONTENT_TYPE: Record<LayerKind, string> = { signed: OID.signedData, compressed: OID.compressedData, enveloped: OID.envelopedData };
const FAILURE_REASON: Record<LayerKind, number> = { signed: 21, compressed: 23, enveloped: 22 };
const LAYER_NAME: Record<LayerKind, string> = { signed: 'signature', compressed: 'decompression', enveloped: 'decryption' };

/**
 * Undoes one CMS layer as a stream: yields the inner content, and fills `result` when done. A failure is a
 * CmsError with the EFNA reason for the layer (21 signature, 22 decryption, 23 decompression).
 */
export async function* unwrapLayer(source: ByteSource, kind: LayerKind, options: UnwrapOptions, result: Partial<LayerResult> = {}): AsyncGenerator<Buffer> {
  const inner = unwrapStructure(source, kind, options, result);
  if (kind !== 'compressed') {
    yield* inner;
    return;
  }
  const inflate = createInflate();
  const feed = (async () => {
    try {
      for await (const b of inner) if (!inflate.write(b)) await new Promise((r) => inflate.once('drain', r));
      inflate.end();
    } catch (e) {
      inflate.destroy(e as Error);
    }
  })();
  try {
    for await (const b of inflate as AsyncIterable<Buffer>) yield b;
  } catch (e) {
    if (e instanceof CmsError) throw e;
    throw new CmsError(`file decompression failed: ${(e as Error).message}`, 23);
  }
  await feed;
}

async function* unwrapStructure(source: ByteSource, kind: LayerKind, options: UnwrapOptions, result: Partial<LayerResult>): AsyncGenerator<Buffer> {
  const fail = (why: string): CmsError => new CmsError(`file ${LAYER_NAME[kind]} failed: ${why}`, FAILURE_REASON[kind]);
  const tokenizer = new BerTokenizer();
  const path: number[] = [];
  // Small parts are captured exactly as encoded: children (depth 4) and grandchildren (depth 5) of the
  // layer's SEQUENCE. Content octets are streamed, never stored; a capture holding them is dropped.
  const captures: Array<{ depth: number; parts: Buffer[]; tainted: boolean }> = [];
  const captured: Record<4 | 5, Buffer[]> = { 4: [], 5: [] };
  let contentType: string | undefined;
  let out: Buffer[] = [];
  let transform: ((b: Buffer) => Buffer[]) | undefined;
  let finishContent: (() => Buffer[]) | undefined;
  let contentOpened = false;
  let contentDone = false;
  let contentDepth = 0;
  let hash: ReturnType<typeof createHash> | undefined;
  let digestOid: string | undefined;

  // The content is ContentInfo > [0] > layer SEQUENCE > encapContentInfo > [0] > OCTET STRING (signed,
  // compressed), or ... > encryptedContentInfo > [0] IMPLICIT OCTET STRING (enveloped); either may be
  // primitive or constructed from pieces.
  const rootDepth = kind === 'enveloped' ? 5 : 6;
  const isContentRoot = (): boolean => {
    const p = path;
    if (p.length !== rootDepth || p[0] !== 0x30 || p[1] !== 0xa0 || p[2] !== 0x30 || p[3] !== 0x30) return false;
    if (kind === 'enveloped') return p[4] === 0x80 || p[4] === 0xa0;
    return p[4] === 0xa0 && (p[5] === 0x04 || p[5] === 0x24);
  };
  const isContentPath = (): boolean => contentOpened && !contentDone && path.length >= rootDepth;

  const startContent = (): void => {
    contentOpened = true;
    contentDepth = rootDepth;
    for (const c of captures) c.tainted = true;
    const meta = [...captured[4], ...captured[5]].map((b) => parseDer(b).node);
    if (kind === 'enveloped') {
      const recipients = meta.find((n) => n.tag === 0x31);
      const algorithm = meta.find((n) => n.tag === 0x30 && n.children[0]?.tag === 0x06);
      if (!recipients || !algorithm) throw fail('EnvelopedData without recipient or content algorithm');
      const cipherOid = oidToString(algorithm.children[0]!.value);
      const c = Object.values(CIPHERS).find((x) => x.oid === cipherOid);
      if (!c) throw fail(`content cipher ${cipherOid} is not supported (3DES or AES-256 CBC)`);
      const iv = algorithm.children[1]?.value;
      if (!iv || iv.length !== c.iv) throw fail('missing or wrong-size IV');
      if (!options.decryptionKey) throw fail('no decryption key configured');
      const key = decryptContentKey(recipients, options.decryptionKey, fail);
      if (key.length !== c.key) throw fail(`content key of ${key.length} octets, ${c.node} needs ${c.key}: not encrypted for our key`);
      const dec = createDecipheriv(c.node, key, iv);
      result.algorithm = c.node;
      transform = (b) => [dec.update(b)];
      finishContent = () => {
        try {
          return [dec.final()];
        } catch (e) {
          throw fail(`bad padding after decryption (${(e as Error).message}): wrong key or damaged data`);
        }
      };
    } else if (kind === 'compressed') {
      const alg = meta.find((n) => n.tag === 0x30);
      const algOid = alg?.children[0] ? oidToString(alg.children[0].value) : '';
      if (algOid !== OID.zlib) throw fail(`compression algorithm ${algOid || '(none)'} is not ZLIB`);
      result.algorithm = 'zlib';
      // The compressed octets go out as they are; unwrapLayer inflates them asynchronously.
      transform = (b) => [b];
      finishContent = () => [];
    } else {
      const algs = meta.find((n) => n.tag === 0x31);
      digestOid = algs?.children[0]?.children[0] ? oidToString(algs.children[0].children[0].value) : undefined;
      const name = (Object.keys(HASH_OID) as HashName[]).find((k) => HASH_OID[k] === digestOid);
      if (!name) throw fail(`digest algorithm ${digestOid ?? '(none)'} is not supported`);
      result.algorithm = name;
      hash = createHash(name);
      transform = (b) => {
        hash!.update(b);
        return [b];
      };
      finishContent = () => [];
    }
  };

  const onToken = (t: Parameters<Parameters<BerTokenizer['push']>[1]>[0]): void => {
    if (t.kind === 'open') {
      path.push(t.tag);
      if (!contentOpened && isContentRoot()) startContent();
      if (contentOpened && !contentDone && path.length > contentDepth - 1) return;
      for (const c of captures) c.parts.push(t.raw);
      if (path.length === 4 || path.length === 5) captures.push({ depth: path.length, parts: [t.raw], tainted: false });
      return;
    }
    if (t.kind === 'data') {
      if (isContentPath()) {
        for (const b of transform!(t.bytes)) if (b.length) out.push(b);
        return;
      }
      if (path.length === 2 && path[0] === 0x30 && path[1] === 0x06) contentType = oidToString(t.bytes);
      for (const c of captures) c.parts.push(t.bytes);
      return;
    }
    const depth = path.length;
    path.pop();
    if (contentOpened && !contentDone && depth >= contentDepth) {
      // Closing a piece of the content (or the content itself).
      if (depth === contentDepth) {
        contentDone = true;
        for (const b of finishContent!()) if (b.length) out.push(b);
      }
      return;
    }
    for (const c of captures) c.parts.push(t.raw);
    const top = captures[captures.length - 1];
    if (top && top.depth === depth) {
      captures.pop();
      if (!top.tainted) captured[depth as 4 | 5].push(Buffer.concat(top.parts));
    }
  };

  try {
    for await (const chunk of source) {
      tokenizer.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength), onToken);
      if (contentType !== undefined && contentType !== CONTENT_TYPE[kind]) throw fail(`expected CMS ${kind} data, the file holds content type ${contentType}`);
      if (out.length) {
        const ready = out;
        out = [];
        yield* ready;
      }
    }
    tokenizer.end();
  } catch (e) {
    if (e instanceof CmsError) throw e;
    throw fail((e as Error).message);
  }
  if (!contentDone) throw fail('the CMS structure holds no content');
  if (out.length) yield* out;
  if (kind === 'signed') result.signer = verifySignature(captured[4].map((b) => parseDer(b).node), hash!.digest(), result.algorithm as HashName, options.signerCertPem, fail);
  result.kind = kind;
}

function decryptContentKey(recipients: Asn1Node, keys: { keyPem: string; passphrase?: string }, fail: (why: string) => CmsError): Buffer {
  const forgeKey = keys.passphrase ? forge.pki.decryptRsaPrivateKey(keys.keyPem, keys.passphrase) : forge.pki.privateKeyFromPem(keys.keyPem);
  if (!forgeKey) throw fail('cannot read our decryption key (wrong passphrase?)');
  const errors: string[] = [];
  for (const ktri of recipients.children) {
    const encryptedKey = ktri.children[3]?.value;
    if (!encryptedKey) continue;
    try {
      return Buffer.from((forgeKey as forge.pki.rsa.PrivateKey).decrypt(encryptedKey.toString('binary'), 'RSAES-PKCS1-V1_5'), 'binary');
    } catch (e) {
      errors.push((e as Error).message);
    }
  }
  throw fail(`the content key was not encrypted for our certificate (${errors.join('; ') || 'no key transport recipient'})`);
}

function verifySignature(meta: Asn1Node[], digest: Buffer, hash: HashName, certPem: string | undefined, fail: (why: string) => CmsError): string {
  const signerInfos = meta.filter((n) => n.tag === 0x31).pop();
  const si = signerInfos?.children[0];
  if (!si) throw fail('no signer information');
  if (!certPem) throw fail('no signature-verification certificate configured for this partner');
  const cert = new X509Certificate(certPem);
  const signedAttrs = si.children.find((n) => n.tag === 0xa0);
  const signature = si.children[si.children.length - 1]!.value;
  const publicKey: KeyObject = cert.publicKey;
  let ok: boolean;
  if (signedAttrs) {
    const md = signedAttrs.children.find((a) => oidToString(a.children[0]!.value) === OID.messageDigest);
    const value = md?.children[1]?.children[0]?.value;
    if (!value || !value.equals(digest)) throw fail('the content does not match the signed message digest (the file was changed)');
    // The signature covers the attributes DER-encoded as a SET OF (tag 0x31), not as [0].
    const der = Buffer.concat([Buffer.from([0x31]), toDer(signedAttrs).subarray(1)]);
    ok = rsaVerify(hash, der, { key: publicKey, padding: constants.RSA_PKCS1_PADDING }, signature);
  } else {
    const forgeKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString()) as forge.pki.rsa.PublicKey;
    try {
      ok = forgeKey.verify(digest.toString('binary'), signature.toString('binary'));
    } catch {
      ok = false;
    }
  }
  if (!ok) throw fail(`the signature does not verify with ${cert.subject.replace(/\n/g, ', ')} (SHA-256 ${cert.fingerprint256})`);
  return `${cert.subject.split('\n').find((l) => l.startsWith('CN='))?.slice(3) ?? cert.subject} (SHA-256 ${cert.fingerprint256})`;
}

/** Runs a byte source through a transform generator and collects it (small inputs: receipts, tests). */
export async function collect(source: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const b of source) parts.push(b);
  return Buffer.concat(parts);
}

export async function* bytesOf(b: Buffer): AsyncGenerator<Buffer> {
  yield b;
}

export { tlv, explicit };
