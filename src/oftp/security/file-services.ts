// RFC 5024 §6 file services around a transfer: what a sender does before the SFID (sign, compress, encrypt,
// into a temporary file, as §6.3 advises, so restart works on stable bytes) and what a receiver does after
// the EFID (undo them in reverse order into the final file), plus the policy checks that answer SFNA 15-20.
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import type { Sfid } from '../codec/commands';
import { CIPHER_SUITES, CmsError, compressStream, encryptStream, signStream, unwrapLayer, type ByteSource, type LayerResult, type Signer } from './cms';

export interface OutboundServices {
  /** Suite 01-06: cipher for encryption, hash for signing. */
  cipherSuite: number;
  sign?: Signer;
  /** The partner's encryption certificate (PEM). */
  encryptTo?: string;
  compress?: boolean;
  /** Ask the partner for a signed EERP. */
  signedEerp?: boolean;
}

/** SFIDSEC, SFIDCIPH, SFIDCOMP and SFIDENV for the services used. */
export function sfidServiceFields(s: OutboundServices): Pick<Sfid, 'securityLevel' | 'cipherSuite' | 'compression' | 'envelope' | 'signedEerp'> {
  const securityLevel = (s.encryptTo ? 1 : 0) + (s.sign ? 2 : 0);
  const any = securityLevel !== 0 || !!s.compress;
  return {
    securityLevel,
    cipherSuite: securityLevel || s.signedEerp ? s.cipherSuite : 0,
    compression: s.compress ? 1 : 0,
    envelope: any ? 1 : 0,
    signedEerp: !!s.signedEerp,
  };
}

/**
 * RFC 5024 §6.5: before a V file is signed, compressed or encrypted, each record gets a 2-octet big-endian
 * length prefix so the receiver can rebuild the records. Local V files hold one record per line.
 */
export async function* linesToPrefixed(source: ByteSource): AsyncGenerator<Buffer> {
  let carry: Buffer = Buffer.alloc(0);
  const record = (r: Buffer): Buffer => {
    if (r.length > 0xffff) throw new Error(`a V record of ${r.length} octets does not fit the 2-octet length prefix of RFC 5024 §6.5`);
    const h = Buffer.alloc(2);
    h.writeUInt16BE(r.length);
    return Buffer.concat([h, r]);
  };
  for await (const chunk of source) {
    const data = carry.length ? Buffer.concat([carry, chunk]) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const out: Buffer[] = [];
    let i = 0;
    for (let lf = data.indexOf(0x0a, i); lf >= 0; lf = data.indexOf(0x0a, i)) {
      out.push(record(data.subarray(i, lf)));
      i = lf + 1;
    }
    carry = Buffer.from(data.subarray(i));
    if (out.length) yield Buffer.concat(out);
  }
  if (carry.length) yield record(carry);
}

/** The reverse of linesToPrefixed: length-prefixed records back to one record per line. */
export async function* prefixedToLines(source: ByteSource): AsyncGenerator<Buffer> {
  let carry: Buffer = Buffer.alloc(0);
  for await (const chunk of source) {
    const data = carry.length ? Buffer.concat([carry, chunk]) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const out: Buffer[] = [];
    let i = 0;
    while (data.length - i >= 2) {
      const n = data.readUInt16BE(i);
      if (data.length - i < 2 + n) break;
      out.push(data.subarray(i + 2, i + 2 + n), LF);
      i += 2 + n;
    }
    carry = Buffer.from(data.subarray(i));
    if (out.length) yield Buffer.concat(out);
  }
  if (carry.length) throw new CmsError(`the V file ends inside a record (${carry.length} octets after the last complete record)`, 12);
}
const LF = Buffer.from([0x0a]);

/** Signs, compresses and encrypts `path` into `target`, in the RFC's order; returns the target's size. */
export async function secureFile(path: string, target: string, s: OutboundServices, format: Sfid['format'] = 'U'): Promise<number> {
  const suite = CIPHER_SUITES[s.cipherSuite];
  if (!suite) throw new Error(`cipher suite ${String(s.cipherSuite).padStart(2, '0')} is not one of 01-06`);
  let stream: ByteSource = createReadStream(path, { highWaterMark: 256 * 1024 });
  if (format === 'V') stream = linesToPrefixed(stream);
  if (s.sign) stream = signStream(stream, s.sign, suite.hash);
  if (s.compress) stream = compressStream(stream);
  if (s.encryptTo) stream = encryptStream(stream, s.encryptTo, suite.cipher);
  const tmp = `${target}.tmp`;
  const out = createWriteStream(tmp);
  for await (const b of stream) if (!out.write(b)) await new Promise<void>((r) => out.once('drain', () => r()));
  await new Promise<void>((r, j) => out.end((e?: Error | null) => (e ? j(e) : r())));
  await rename(tmp, target);
  return (await stat(target)).size;
}

/** What a receiver accepts from a partner. */
export interface InboundPolicy {
  /** Our decryption key. */
  decryptionKey?: { keyPem: string; passphrase?: string };
  /** The partner's signature-verification certificate. */
  signerCertPem?: string;
  /** Suites accepted (default all of 01-06). */
  allowedSuites?: number[];
  requireSigned?: boolean;
  requireEncrypted?: boolean;
  allowCompressed?: boolean;
  allowSigned?: boolean;
  allowEncrypted?: boolean;
  /** How V records are kept locally (default one per line); the wire form is length-prefixed (§6.5). */
  recordLayout?: 'plain' | 'length-prefixed';
}

/** The SFNA a receiver answers an SFID with under its policy (RFC 5024 §5.3.5 reasons 15-20), if any. */
export function refuseServices(sfid: Sfid, p: InboundPolicy): { reason: number; text: string } | undefined {
  const encrypted = sfid.securityLevel === 1 || sfid.securityLevel === 3;
  const signed = sfid.securityLevel === 2 || sfid.securityLevel === 3;
  if ((encrypted || signed) && !(p.allowedSuites ?? [1, 2, 3, 4, 5, 6]).includes(sfid.cipherSuite)) {
    return { reason: 15, text: `cipher suite ${String(sfid.cipherSuite).padStart(2, '0')} is not accepted` };
  }
  if (encrypted && (p.allowEncrypted === false || !p.decryptionKey)) return { reason: 16, text: p.decryptionKey ? 'encrypted files are not accepted' : 'no decryption key is configured' };
  if (!encrypted && p.requireEncrypted) return { reason: 17, text: 'files must be encrypted' };
  if (sfid.compression && p.allowCompressed === false) return { reason: 18, text: 'compressed files are not accepted' };
  if (signed && (p.allowSigned === false || !p.signerCertPem)) return { reason: 19, text: p.signerCertPem ? 'signed files are not accepted' : 'no signature-verification certificate is configured for this partner' };
  if (!signed && p.requireSigned) return { reason: 20, text: 'files must be signed' };
  if (sfid.compression > 1) return { reason: 18, text: `compression algorithm ${sfid.compression} is unknown` };
  return undefined;
}

export interface UnwrapSummary {
  layers: Array<Partial<LayerResult>>;
  size: number;
}

/** Undoes the services the SFID announces, from the received file into `target` (the plain content). */
export async function unwrapFile(received: string, target: string, sfid: Sfid, p: InboundPolicy): Promise<UnwrapSummary> {
  const encrypted = sfid.securityLevel === 1 || sfid.securityLevel === 3;
  const signed = sfid.securityLevel === 2 || sfid.securityLevel === 3;
  const layers: Array<Partial<LayerResult>> = [];
  let stream: ByteSource = createReadStream(received, { highWaterMark: 256 * 1024 });
  const options = { ...(p.decryptionKey ? { decryptionKey: p.decryptionKey } : {}), ...(p.signerCertPem ? { signerCertPem: p.signerCertPem } : {}) };
  for (const kind of [encrypted && 'enveloped', sfid.compression && 'compressed', signed && 'signed'] as const) {
    if (!kind) continue;
    const r: Partial<LayerResult> = {};
    layers.push(r);
    stream = unwrapLayer(stream, kind, options, r);
  }
  if (sfid.format === 'V' && (p.recordLayout ?? 'plain') === 'plain') stream = prefixedToLines(stream);
  const out = createWriteStream(target);
  let size = 0;
  try {
    for await (const b of stream) {
      size += b.length;
      if (!out.write(b)) await new Promise<void>((r) => out.once('drain', () => r()));
    }
    await new Promise<void>((r, j) => out.end((e?: Error | null) => (e ? j(e) : r())));
  } catch (e) {
    // A layer fails only at its end (a signature is checked after the last octet), often with writes still
    // queued: destroying the stream fails them with ERR_STREAM_DESTROYED, an 'error' event that without a
    // listener is an uncaught exception ending the whole server. Wait for the close so the rm is final.
    out.on('error', () => undefined);
    if (!out.closed) await new Promise<void>((r) => out.destroy().once('close', () => r()));
    await rm(target, { force: true });
    throw e;
  }
  return { layers, size };
}
