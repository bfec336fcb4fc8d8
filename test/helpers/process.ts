// Process-file fixtures for the validator tests: a minimal valid process to mutate, positions of text in a
// fixture found independently of the validator, and certificates with any key usage, dates or key type.
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import forge from 'node-forge';
import type { Diagnostic } from '../../src/process/diagnostics';

export type Json = any;

/** A process with no diagnostics at all: one partner, start -> stop. */
export function baseProcess(): Json {
  return {
    schemaVersion: 1,
    name: 'test',
    start: {
      type: 'start',
      id: 'start',
      startType: 'tradingPartner',
      standard: 'ODETTE',
      myCompany: { name: 'us', odetteId: 'O0013000000US', password: { secret: 'us-pw' } },
      tradingPartners: [{ name: 'acme', odetteId: 'O0013000000ACME', password: { secret: 'acme-pw' } }],
      communicationMethod: 'OFTP2',
      operation: { type: 'oftp2ServerListen', signedEerpOnRequest: false },
    },
    steps: [{ type: 'stop', id: 'done' }],
    connections: [{ from: 'start', output: 'documents', to: 'done' }],
  };
}

export const text = (p: Json): string => JSON.stringify(p, null, 2);

/** 1-based "line:col" of the n-th occurrence of `needle` (plus `shift` characters), found by plain string search. */
export function at(source: string, needle: string, nth = 0, shift = 0): string {
  let i = -1;
  for (let k = 0; k <= nth; k++) {
    i = source.indexOf(needle, i + 1);
    if (i < 0) throw new Error(`fixture has no occurrence #${nth + 1} of ${needle}`);
  }
  const before = source.slice(0, i + shift).split('\n');
  return `${before.length}:${before[before.length - 1]!.length + 1}`;
}

/** The value of `"key": value` (the needle), e.g. val(src, '"id": "start"'). */
export const val = (source: string, keyValue: string, nth = 0): string => at(source, keyValue, nth, keyValue.indexOf(': ') + 2);

export const where = (d: Diagnostic): string => `${d.range.start.line + 1}:${d.range.start.character + 1}`;

/** "code@line:col" of each diagnostic with one of the codes, sorted. */
export function found(ds: Diagnostic[], ...codes: string[]): string[] {
  return ds.filter((d) => !codes.length || codes.includes(d.code)).map((d) => `${d.code}@${where(d)}`).sort();
}

export interface TestCertOptions {
  commonName: string;
  notBefore?: Date;
  notAfter?: Date;
  /** keyUsage bits to set; null leaves the extension out. */
  keyUsage?: Record<string, boolean> | null;
  /** extKeyUsage names (serverAuth, clientAuth, emailProtection...); null leaves the extension out. */
  extKeyUsage?: string[] | null;
}

/** A self-signed RSA certificate with exactly the extensions asked for. */
export function testCertificate(o: TestCertOptions): { certPem: string; keyPem: string } {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
  const serial = randomBytes(8);
  serial[0] = serial[0]! & 0x7f;
  cert.serialNumber = serial.toString('hex');
  cert.validity.notBefore = o.notBefore ?? new Date(Date.now() - 86_400_000);
  cert.validity.notAfter = o.notAfter ?? new Date(Date.now() + 365 * 86_400_000);
  const subject = [{ name: 'commonName', value: o.commonName }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  const ku = o.keyUsage === undefined ? { digitalSignature: true, keyEncipherment: true } : o.keyUsage;
  const eku = o.extKeyUsage === undefined ? null : o.extKeyUsage;
  cert.setExtensions([
    ...(ku ? [{ name: 'keyUsage', critical: true, ...ku }] : []),
    ...(eku ? [{ name: 'extKeyUsage', ...Object.fromEntries(eku.map((n) => [n, true])) }] : []),
  ]);
  cert.sign(forge.pki.privateKeyFromPem(keyPem), forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem };
}

/** An EC (P-256) certificate made by OpenSSL, which forge cannot make. */
export function ecCertificate(dir: string, name: string): { certPath: string; keyPath: string } {
  const certPath = join(dir, `${name}.pem`);
  const keyPath = join(dir, `${name}.key`);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', `/CN=${name}`, '-days', '90', '-keyout', keyPath, '-out', certPath], { stdio: 'ignore' });
  return { certPath, keyPath };
}
