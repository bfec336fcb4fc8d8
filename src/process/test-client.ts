// Plays a trading partner of a process against an OFTP2 server: builds the client configuration from the
// process file (the partner's Odette ID and password become ours, My Company's become the partner's, the
// process's certificates give encryption, signature and receipt verification), runs it, and says what came
// back in words. "OFTP2: Send Test File…" in VS Code and the tests use it; the CLI's `send` is the manual way.
import { access, readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { runClient, type ClientConfig, type ClientResult } from '../oftp/client';
import type { FileFormat } from '../oftp/codec/commands';
import { describeReason } from '../oftp/codec/reasons';
import type { TraceSink } from '../oftp/trace';
import { loadPrivateCertificate, loadPublicCertificate } from './certificates';
import type { PrivateCertificateRef, PublicCertificateRef } from './model';
import { partnersOf, readProcess } from './runtime';
import { requireSecret, type SecretResolver } from './secrets';

export interface TestClientOptions {
  /** The file to send. */
  file: string;
  host: string;
  port: number;
  /** The process whose trading partner we play, and which one (Odette ID; default the first). */
  processFile: string;
  partner?: string;
  datasetName?: string;
  format?: FileFormat;
  recordLength?: number;
  /** Buffer compression (SSIDCMPR). */
  compress?: boolean;
  /** CMS services, as RFC 5024 §6 (cipher suite 01-06, default 02). */
  sign?: boolean;
  encrypt?: boolean;
  zlib?: boolean;
  cipherSuite?: number;
  /** Ask for a signed EERP and verify it with My Company's acknowledgment-signing certificate. */
  signedEerp?: boolean;
  secureAuthentication?: boolean;
  tls?: boolean;
  /** The partner's private key (PEM) for signing and secure authentication; default: its certificate's path with .key. */
  partnerKey?: string;
  /** The server's TLS certificate or CA (PEM) to verify it against. */
  tlsTrust?: string;
  waitEerpSeconds?: number;
  trace?: TraceSink;
}

export interface TestClientOutcome {
  ok: boolean;
  /** One line for people: what happened to the file, with reason codes in words. */
  message: string;
  result: ClientResult;
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(() => true, () => false);
}

/** The private key that belongs to a partner's certificate: given, or next to it with the .key extension. */
async function partnerKeyFor(explicit: string | undefined, certPath: string | undefined, baseDir: string): Promise<string> {
  const candidates = [explicit, certPath?.replace(/\.(pem|crt|cer)$/i, '.key')].filter((x): x is string => !!x).map((p) => resolve(baseDir, p));
  for (const c of candidates) if (await exists(c)) return c;
  throw new Error(`playing the partner needs its private key: none found${candidates.length ? ` at ${candidates.join(' or ')}` : ''}; choose one`);
}

export async function clientConfigFor(o: TestClientOptions, resolveSecret: SecretResolver): Promise<ClientConfig> {
  const loaded = await readProcess(resolve(o.processFile));
  const baseDir = dirname(resolve(o.processFile));
  const partners = await partnersOf(loaded);
  const partner = o.partner ? partners.find((p) => p.odetteId === o.partner) : partners[0];
  if (!partner) throw new Error(`${o.partner ?? 'a partner'} is not a trading partner of "${loaded.process.name}"`);
  const my = loaded.process.start.myCompany;
  const pub = async (ref: PublicCertificateRef | undefined, what: string): Promise<string> => {
    if (!ref) throw new Error(`${what} is not set in "${loaded.process.name}"`);
    return (await loadPublicCertificate(ref, baseDir)).pem;
  };
  const myCert = async (ref: PrivateCertificateRef | undefined, what: string): Promise<string> => {
    if (!ref) throw new Error(`My Company's ${what} is not set in "${loaded.process.name}"`);
    return (await loadPrivateCertificate(ref, baseDir, resolveSecret)).certPem;
  };
  const needsKey = o.sign || o.secureAuthentication;
  const keyPath = needsKey ? await partnerKeyFor(o.partnerKey, partner.signatureVerificationCertificate ?? partner.sessionAuthenticationEncryptingCertificate, baseDir) : undefined;
  const keyPem = keyPath ? await readFile(keyPath, 'utf8') : undefined;
  const suite = o.cipherSuite ?? 2;
  const services = o.sign || o.encrypt || o.zlib || o.signedEerp
    ? {
        cipherSuite: suite,
        ...(o.sign ? { sign: { certPem: await pub(partner.signatureVerificationCertificate, `${partner.odetteId}'s signature verification certificate`), keyPem: keyPem! } } : {}),
        ...(o.encrypt ? { encryptTo: await myCert(my.decryptionCertificate, 'decryption certificate') } : {}),
        ...(o.zlib ? { compress: true } : {}),
        ...(o.signedEerp ? { signedEerp: true } : {}),
      }
    : undefined;
  return {
    host: o.host,
    port: o.port,
    localCode: partner.odetteId,
    localPassword: await requireSecret(resolveSecret, partner.password, `${partner.odetteId}'s password`),
    partnerCode: my.odetteId,
    partnerPassword: await requireSecret(resolveSecret, my.password, `${my.odetteId}'s password`),
    files: [{ path: o.file, ...(o.datasetName ? { datasetName: o.datasetName } : {}), ...(o.format ? { format: o.format } : {}), ...(o.recordLength ? { recordLength: o.recordLength } : {}), ...(services ? { services } : {}) }],
    capabilities: { compression: !!o.compress },
    waitEerpMs: (o.waitEerpSeconds ?? 30) * 1000,
    ...(o.signedEerp ? { partnerAckCertPem: await myCert(my.acknowledgmentSigningCertificate, 'acknowledgment signing certificate') } : {}),
    ...(o.secureAuthentication
      ? { secureAuth: { keyPem: keyPem!, partnerCertPem: await myCert(my.sessionAuthenticationChallengeCertificate, 'session authentication challenge certificate') } }
      : {}),
    ...(o.tls ? { tls: { ...(o.tlsTrust ? { caPem: [(await loadPublicCertificate(o.tlsTrust, baseDir)).pem] } : {}), servername: o.host === '127.0.0.1' ? 'localhost' : o.host } } : {}),
    ...(o.trace ? { trace: o.trace } : {}),
  };
}

/** Sends the file and tells what came back. */
export async function sendTestFile(o: TestClientOptions, resolveSecret: SecretResolver): Promise<TestClientOutcome> {
  const config = await clientConfigFor(o, resolveSecret);
  const result = await runClient(config);
  const f = result.files[0];
  let message: string;
  if (!f) message = result.error ?? 'nothing was sent';
  else if (f.status === 'refused' && f.refusal) message = `${f.datasetName} refused: ${f.refusal.command} ${describeReason(f.refusal.command, f.refusal.reason)}${f.refusal.text ? ` (${f.refusal.text})` : ''}${f.refusal.retry ? ', may be retried' : ''}`;
  else if (f.receipt?.type === 'EERP') message = `${f.datasetName} delivered: EERP received${f.receipt.signature ? (f.receipt.signature.valid ? `, signature verified (${f.receipt.signature.detail})` : `, but its SIGNATURE IS NOT VALID: ${f.receipt.signature.detail}`) : ''}`;
  else if (f.receipt?.type === 'NERP') message = `${f.datasetName} not processed: NERP ${describeReason('NERP', f.receipt.reason!)}${f.receipt.text ? ` (${f.receipt.text})` : ''}`;
  else if (f.status === 'sent') message = `${f.datasetName} sent; no EERP within ${o.waitEerpSeconds ?? 30} s (it may come in a later session)`;
  else message = result.error ?? `${f.datasetName} not sent`;
  return { ok: result.ok && !!f && f.receipt?.type === 'EERP' && (!f.receipt.signature || f.receipt.signature.valid), message, result };
}
