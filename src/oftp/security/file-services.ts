// RFC 5024 §6 file services around a transfer: what a sender does before the SFID (sign, compress, encrypt,
// into a temporary file, as §6.3 advises, so restart works on stable bytes) and what a receiver does after
// the EFID (undo them in reverse order into the final file), plus the policy checks that answer SFNA 15-20.
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import type { Sfid } from '../codec/commands';
import { CIPHER_SUITES, compressStream, encryptStream, signStream, unwrapLayer, type ByteSource, type LayerResult, type Signer } from './cms';

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

/** Signs, compresses and encrypts `path` into `target`, in the RFC's order; returns the target's size. */
export async function secureFile(path: string, target: string, s: OutboundServices): Promise<number> {
  const suite = CIPHER_SUITES[s.cipherSuite];
  if (!suite) throw new Error(`cipher suite ${String(s.cipherSuite).padStart(2, '0')} is not one of 01-06`);
  let stream: ByteSource = createReadStream(path, { highWaterMark: 256 * 1024 });
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
  const out = createWriteStream(target);
  let size = 0;
  try {
    for await (const b of stream) {
      size += b.length;
      if (!out.write(b)) await new Promise<void>((r) => out.once('drain', () => r()));
    }
    await new Promise<void>((r, j) => out.end((e?: Error | null) => (e ? j(e) : r())));
  } catch (e) {
    out.destroy();
    await rm(target, { force: true });
    throw e;
  }
  return { layers, size };
}
