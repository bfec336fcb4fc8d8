// Secure authentication (RFC 5024 §4.2.3, §5.3.16-5.3.18): the challenge is a fresh 20-octet random number
// in a CMS EnvelopedData for the peer's certificate; the response is the decrypted number. node-forge does
// the RSA PKCS#1 v1.5 key transport, which Node 20's crypto refuses to decrypt (CVE-2023-46809 hardening).
import { randomBytes, timingSafeEqual } from 'node:crypto';
import forge from 'node-forge';

export const CHALLENGE_LENGTH = 20;

export interface AuthKeys {
  /** Our private key (PEM, may be encrypted with `passphrase`) to open challenges sent to us. */
  keyPem: string;
  passphrase?: string;
}

/** Content encryption of the challenge envelope: AES-256-CBC (suite 02) unless told 3DES (suite 01). */
export type ChallengeCipher = 'aes256' | '3des';

export function makeChallenge(peerCertPem: string, cipher: ChallengeCipher = 'aes256'): { challenge: Buffer; expected: Buffer } {
  const expected = randomBytes(CHALLENGE_LENGTH);
  const p7 = forge.pkcs7.createEnvelopedData();
  p7.addRecipient(forge.pki.certificateFromPem(peerCertPem));
  p7.content = forge.util.createBuffer(expected.toString('binary'));
  p7.encrypt(undefined, cipher === '3des' ? forge.pki.oids['des-EDE3-CBC'] : forge.pki.oids['aes256-CBC']);
  const der = forge.asn1.toDer(p7.toAsn1()).getBytes();
  return { challenge: Buffer.from(der, 'binary'), expected };
}

export class ChallengeError extends Error {
  override readonly name = 'ChallengeError';
}

function privateKey(keys: AuthKeys): forge.pki.rsa.PrivateKey {
  const key = keys.passphrase ? forge.pki.decryptRsaPrivateKey(keys.keyPem, keys.passphrase) : forge.pki.privateKeyFromPem(keys.keyPem);
  if (!key) throw new ChallengeError('cannot read our session-authentication private key (wrong passphrase?)');
  return key as forge.pki.rsa.PrivateKey;
}

/** Opens a challenge addressed to us; the 20 octets to answer with. */
export function answerChallenge(challenge: Buffer, keys: AuthKeys): Buffer {
  let msg: forge.pkcs7.PkcsEnvelopedData;
  try {
    msg = forge.pkcs7.messageFromAsn1(forge.asn1.fromDer(challenge.toString('binary'))) as forge.pkcs7.PkcsEnvelopedData;
  } catch (e) {
    throw new ChallengeError(`the challenge is not a CMS structure: ${(e as Error).message}`);
  }
  const recipients = (msg as unknown as { recipients?: unknown[] }).recipients;
  if (!recipients?.length) throw new ChallengeError('the challenge is not a CMS EnvelopedData with a recipient');
  try {
    (msg as unknown as { decrypt: (r: unknown, k: forge.pki.rsa.PrivateKey) => void }).decrypt(recipients[0], privateKey(keys));
  } catch (e) {
    throw new ChallengeError(`cannot open the challenge with our key: ${(e as Error).message}`);
  }
  const content = (msg as unknown as { content?: forge.util.ByteStringBuffer }).content;
  const bytes = content ? Buffer.from(content.getBytes(), 'binary') : Buffer.alloc(0);
  if (bytes.length !== CHALLENGE_LENGTH) throw new ChallengeError(`the challenge holds ${bytes.length} octets, not ${CHALLENGE_LENGTH}: it was not encrypted for our key`);
  return bytes;
}

export function responseMatches(expected: Buffer, response: Buffer): boolean {
  return response.length === expected.length && timingSafeEqual(expected, response);
}
