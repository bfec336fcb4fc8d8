// Signed EERP and NERP (RFC 5024 §5.3.13-14): the hash of the file as transmitted, and a CMS SignedData
// (content attached) over the receipt's fields in the RFC's order and full width; and its verification.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { Eerp, Nerp } from '../codec/commands';
import { bytesOf, CIPHER_SUITES, CmsError, collect, signStream, unwrapLayer, type HashName, type Signer } from './cms';

/** The octets a receipt signature covers: DSN, DATE, TIME, DEST, ORIG (and CREA for NERP), then the hash. */
export function receiptSignedContent(r: Eerp | Nerp): Buffer {
  const fields = [r.datasetName.padEnd(26, ' '), r.date, r.time, r.destination.padEnd(25, ' '), r.originator.padEnd(25, ' ')];
  if (r.type === 'NERP') fields.push(r.creator.padEnd(25, ' '));
  return Buffer.concat([Buffer.from(fields.join(''), 'latin1'), r.hash]);
}

export function suiteHash(cipherSuite: number): HashName {
  return CIPHER_SUITES[cipherSuite]?.hash ?? 'sha1';
}

/** Hash of the file as it was transmitted, with the suite's algorithm. */
export async function hashTransmitted(path: string, hash: HashName): Promise<Buffer> {
  const h = createHash(hash);
  for await (const b of createReadStream(path) as AsyncIterable<Buffer>) h.update(b);
  return h.digest();
}

/** Adds EERPHSH and EERPSIG (or NERP's) to a receipt. */
export async function signReceipt<R extends Eerp | Nerp>(r: R, transmittedHash: Buffer, signer: Signer, hash: HashName): Promise<R> {
  const withHash = { ...r, hash: transmittedHash };
  const signature = await collect(signStream(bytesOf(receiptSignedContent(withHash)), signer, hash));
  return { ...withHash, signature };
}

export type ReceiptCheck = { ok: true; signer: string } | { ok: false; why: string };

/**
 * Verifies a signed receipt: the signature against the partner's acknowledgment-verification certificate,
 * the signed content against the receipt's own fields, and the hash against the file we transmitted.
 */
export async function verifyReceipt(r: Eerp | Nerp, partnerCertPem: string | undefined, expectedHash: Buffer | undefined): Promise<ReceiptCheck> {
  if (!r.signature.length) return { ok: false, why: `the ${r.type} is not signed` };
  if (!partnerCertPem) return { ok: false, why: 'no acknowledgment-verification certificate is configured for the partner' };
  const result: { signer?: string } = {};
  let content: Buffer;
  try {
    content = await collect(unwrapLayer(bytesOf(r.signature), 'signed', { signerCertPem: partnerCertPem }, result));
  } catch (e) {
    return { ok: false, why: e instanceof CmsError ? e.message.replace('file signature failed', 'receipt signature invalid') : (e as Error).message };
  }
  if (!content.equals(receiptSignedContent(r))) return { ok: false, why: `the signed content does not match the ${r.type}'s fields (tampered receipt)` };
  if (expectedHash && !expectedHash.equals(r.hash)) return { ok: false, why: `the ${r.type}'s hash does not match the file we sent` };
  return { ok: true, signer: result.signer ?? '' };
}
