// Loads the certificates a process file refers to (PEM, DER, PEM key, PKCS#12) and checks each one for its
// role before anything runs: present, readable, within its dates, key matching, key usage fitting the role.
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFile as fsReadFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import forge from 'node-forge';
import type { PrivateCertificateRef, PublicCertificateRef } from './model';

export type SecretResolver = (name: string) => Promise<string | undefined>;
export type ReadFile = (path: string) => Promise<Buffer>;

/** What a certificate is used for; decides which key usage it needs. */
export type CertificateRole =
  | 'decryption'
  | 'acknowledgmentSigning'
  | 'sessionAuthenticationChallenge'
  | 'serverSsl'
  | 'acknowledgmentVerification'
  | 'signatureVerification'
  | 'sessionAuthenticationEncrypting'
  | 'clientSsl';

interface RoleRule {
  label: string;
  /** We hold the private key. */
  private: boolean;
  keyUsage?: 'digitalSignature' | 'keyEncipherment';
  extendedKeyUsage?: { oid: string; name: string };
  /** CMS (RFC 5652 as OFTP2 uses it: RSA key transport and RSA signatures) needs an RSA key. */
  rsa: boolean;
}

const CLIENT_AUTH = { oid: '1.3.6.1.5.5.7.3.2', name: 'clientAuth (TLS client authentication)' };
const SERVER_AUTH = { oid: '1.3.6.1.5.5.7.3.1', name: 'serverAuth (TLS server authentication)' };
const ANY_EKU = '2.5.29.37.0';
const EKU_NAMES: Record<string, string> = {
  '1.3.6.1.5.5.7.3.1': 'serverAuth',
  '1.3.6.1.5.5.7.3.2': 'clientAuth',
  '1.3.6.1.5.5.7.3.3': 'codeSigning',
  '1.3.6.1.5.5.7.3.4': 'emailProtection',
  '1.3.6.1.5.5.7.3.8': 'timeStamping',
  '1.3.6.1.5.5.7.3.9': 'OCSPSigning',
  [ANY_EKU]: 'anyExtendedKeyUsage',
};

export const CERTIFICATE_ROLES: Readonly<Record<CertificateRole, RoleRule>> = {
  decryption: { label: 'decryption certificate', private: true, keyUsage: 'keyEncipherment', rsa: true },
  acknowledgmentSigning: { label: 'acknowledgment signing certificate', private: true, keyUsage: 'digitalSignature', rsa: true },
  sessionAuthenticationChallenge: { label: 'session authentication challenge certificate', private: true, keyUsage: 'keyEncipherment', rsa: true },
  serverSsl: { label: 'server TLS certificate', private: true, extendedKeyUsage: SERVER_AUTH, rsa: false },
  acknowledgmentVerification: { label: 'acknowledgment verification certificate', private: false, keyUsage: 'digitalSignature', rsa: true },
  signatureVerification: { label: 'signature verification certificate', private: false, keyUsage: 'digitalSignature', rsa: true },
  sessionAuthenticationEncrypting: { label: 'session authentication encrypting certificate', private: false, keyUsage: 'keyEncipherment', rsa: true },
  clientSsl: { label: 'client TLS certificate', private: false, extendedKeyUsage: CLIENT_AUTH, rsa: false },
};

/** Which part of a certificate reference a problem is about, so the diagnostic can point at it. */
export type CertificateField = 'path' | 'certificate' | 'privateKey' | 'pkcs12' | 'passphrase';

export type CertificateProblemCode =
  | 'certificate-missing'
  | 'certificate-unreadable'
  | 'certificate-expired'
  | 'certificate-not-yet-valid'
  | 'certificate-expiring-soon'
  | 'certificate-role'
  | 'secret-unresolved';

export interface CertificateProblem {
  code: CertificateProblemCode;
  severity: 'error' | 'warning';
  message: string;
  field: CertificateField;
}

export class CertificateError extends Error {
  constructor(readonly code: 'certificate-missing' | 'certificate-unreadable' | 'secret-unresolved', readonly field: CertificateField, message: string) {
    super(message);
  }
}

const defaultReadFile: ReadFile = (p) => fsReadFile(p);

async function readRef(path: string, baseDir: string, field: CertificateField, what: string, readFile: ReadFile): Promise<Buffer> {
  const full = isAbsolute(path) ? path : resolve(baseDir, path);
  try {
    return await readFile(full);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new CertificateError('certificate-missing', field, `${what} '${path}' does not exist (looked for ${full})`);
    throw new CertificateError('certificate-unreadable', field, `${what} '${path}' cannot be read: ${(e as Error).message}`);
  }
}

/** PEM (first CERTIFICATE block) or DER. */
function parseCertificate(data: Buffer, path: string, field: CertificateField): { pem: string; cert: X509Certificate } {
  const text = data.toString('latin1');
  const pemMatch = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(text);
  try {
    const cert = new X509Certificate(pemMatch ? pemMatch[0] : data);
    return { pem: cert.toString(), cert };
  } catch (e) {
    const hint = text.includes('PRIVATE KEY') && !pemMatch ? ' (it holds a private key, not a certificate)' : /-----BEGIN /.test(text) && !pemMatch ? ' (a PEM file without a CERTIFICATE block)' : '';
    throw new CertificateError('certificate-unreadable', field, `'${path}' is not a PEM or DER certificate${hint}: ${(e as Error).message}`);
  }
}

export async function loadPublicCertificate(ref: PublicCertificateRef, baseDir: string, readFile: ReadFile = defaultReadFile): Promise<{ pem: string; cert: X509Certificate }> {
  return parseCertificate(await readRef(ref, baseDir, 'path', 'certificate file', readFile), ref, 'path');
}

async function passphraseOf(ref: PrivateCertificateRef, resolveSecret: SecretResolver | undefined): Promise<string | undefined> {
  if (!ref.passphrase) return undefined;
  const name = ref.passphrase.secret;
  const value = resolveSecret ? await resolveSecret(name) : undefined;
  if (value === undefined) throw new CertificateError('secret-unresolved', 'passphrase', `the passphrase secret '${name}' has no value, so the ${'pkcs12' in ref ? 'PKCS#12 file' : 'private key'} cannot be opened`);
  return value;
}

/** Key and certificate from PEM files or a PKCS#12 file; the private key as a KeyObject for checks. */
export async function loadPrivateCertificateDetailed(ref: PrivateCertificateRef, baseDir: string, resolveSecret: SecretResolver | undefined, readFile: ReadFile = defaultReadFile): Promise<{ certPem: string; keyPem: string; cert: X509Certificate; key: KeyObject; path: string }> {
  if ('pkcs12' in ref) {
    const data = await readRef(ref.pkcs12, baseDir, 'pkcs12', 'PKCS#12 file', readFile);
    const passphrase = (await passphraseOf(ref, resolveSecret)) ?? '';
    return { ...openPkcs12(data, passphrase, ref.pkcs12, ref.passphrase?.secret), path: ref.pkcs12 };
  }
  const certData = await readRef(ref.certificate, baseDir, 'certificate', 'certificate file', readFile);
  const keyData = await readRef(ref.privateKey, baseDir, 'privateKey', 'private key file', readFile);
  const { pem, cert } = parseCertificate(certData, ref.certificate, 'certificate');
  const encrypted = /ENCRYPTED/.test(keyData.toString('latin1'));
  const passphrase = encrypted ? await passphraseOf(ref, resolveSecret) : undefined;
  let key: KeyObject;
  try {
    key = createPrivateKey(passphrase === undefined ? keyData : { key: keyData, passphrase });
  } catch (e) {
    const why = encrypted && !ref.passphrase ? 'it is encrypted and no passphrase is given' : encrypted ? `wrong passphrase (secret '${ref.passphrase!.secret}')?` : (e as Error).message;
    throw new CertificateError('certificate-unreadable', 'privateKey', `private key file '${ref.privateKey}' cannot be read: ${why}`);
  }
  return { certPem: pem, keyPem: key.export({ type: 'pkcs8', format: 'pem' }).toString(), cert, key, path: ref.certificate };
}

export async function loadPrivateCertificate(ref: PrivateCertificateRef, baseDir: string, resolveSecret: SecretResolver, readFile: ReadFile = defaultReadFile): Promise<{ certPem: string; keyPem: string }> {
  const { certPem, keyPem } = await loadPrivateCertificateDetailed(ref, baseDir, resolveSecret, readFile);
  return { certPem, keyPem };
}

function openPkcs12(data: Buffer, passphrase: string, path: string, secretName: string | undefined): { certPem: string; keyPem: string; cert: X509Certificate; key: KeyObject } {
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    p12 = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(forge.util.createBuffer(data.toString('binary'))), passphrase);
  } catch (e) {
    const msg = (e as Error).message;
    const why = /MAC|password|Invalid/i.test(msg) ? (secretName ? `wrong passphrase (secret '${secretName}')?` : 'it needs a passphrase (add "passphrase": {"secret": "name"})') : msg;
    throw new CertificateError('certificate-unreadable', 'pkcs12', `PKCS#12 file '${path}' cannot be opened: ${why}`);
  }
  const der = (a: forge.asn1.Asn1): Buffer => Buffer.from(forge.asn1.toDer(a).getBytes(), 'binary');
  const keys: KeyObject[] = [];
  for (const type of [forge.pki.oids.pkcs8ShroudedKeyBag!, forge.pki.oids.keyBag!]) {
    for (const bag of p12.getBags({ bagType: type })[type] ?? []) {
      // forge decodes RSA keys only; other key types stay as ASN.1, which Node reads as PKCS#8.
      if (bag.key) keys.push(createPrivateKey(forge.pki.privateKeyToPem(bag.key)));
      else if (bag.asn1) keys.push(createPrivateKey({ key: der(bag.asn1), format: 'der', type: 'pkcs8' }));
    }
  }
  const certs: X509Certificate[] = [];
  const certType = forge.pki.oids.certBag!;
  for (const bag of p12.getBags({ bagType: certType })[certType] ?? []) {
    if (bag.cert) certs.push(new X509Certificate(forge.pki.certificateToPem(bag.cert)));
    else if (bag.asn1) {
      // certBag -> certValue [0] -> OCTET STRING holding the certificate's DER.
      try {
        const inner = forge.asn1.fromDer((((bag.asn1.value as forge.asn1.Asn1[])[1]!.value as forge.asn1.Asn1[])[0]!.value) as string);
        certs.push(new X509Certificate(der(inner)));
      } catch {
        // An unparseable bag is skipped; a missing certificate is reported below.
      }
    }
  }
  const key = keys[0];
  if (!key) throw new CertificateError('certificate-unreadable', 'pkcs12', `PKCS#12 file '${path}' holds no private key`);
  if (!certs.length) throw new CertificateError('certificate-unreadable', 'pkcs12', `PKCS#12 file '${path}' holds no certificate`);
  // The file may carry the chain too; ours is the one whose public key belongs to the private key.
  const cert = certs.find((c) => c.checkPrivateKey(key)) ?? certs[0]!;
  return { certPem: cert.toString(), keyPem: key.export({ type: 'pkcs8', format: 'pem' }).toString(), cert, key };
}

/** Subject as one line: "CN=ACME, O=Acme Ltd". */
export function subjectOf(cert: X509Certificate): string {
  return cert.subject.split('\n').filter(Boolean).join(', ') || '(empty subject)';
}

const day = (d: Date): string => d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');

export interface KeyUsageInfo {
  /** Bits of the keyUsage extension by name; undefined when the certificate has no keyUsage extension. */
  keyUsage?: Set<string>;
  /** OIDs of the extendedKeyUsage extension; undefined when absent. */
  extendedKeyUsage?: string[];
}

const KEY_USAGE_BITS = ['digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment', 'keyAgreement', 'keyCertSign', 'cRLSign', 'encipherOnly', 'decipherOnly'];

/**
 * Reads keyUsage and extendedKeyUsage from the DER directly: Node does not expose keyUsage bits, and
 * forge's certificate parser refuses non-RSA keys.
 */
export function keyUsageOf(cert: X509Certificate): KeyUsageInfo {
  const out: KeyUsageInfo = {};
  const root = forge.asn1.fromDer(forge.util.createBuffer(cert.raw.toString('binary')));
  const tbs = (root.value as forge.asn1.Asn1[])[0]!.value as forge.asn1.Asn1[];
  const extsWrapper = tbs.find((n) => n.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC && n.type === 3);
  const exts = extsWrapper ? (((extsWrapper.value as forge.asn1.Asn1[])[0]!.value) as forge.asn1.Asn1[]) : [];
  for (const ext of exts) {
    const parts = ext.value as forge.asn1.Asn1[];
    const oid = forge.asn1.derToOid(parts[0]!.value as string);
    const octets = parts[parts.length - 1]!.value as string;
    const inner = forge.asn1.fromDer(octets);
    if (oid === '2.5.29.15') {
      const bits = inner.value as string;
      const set = new Set<string>();
      // BIT STRING: first octet is the count of unused bits, then the bits, most significant first.
      for (let i = 0; i < KEY_USAGE_BITS.length; i++) {
        const byte = bits.charCodeAt(1 + (i >> 3));
        if (!Number.isNaN(byte) && byte & (0x80 >> (i & 7))) set.add(KEY_USAGE_BITS[i]!);
      }
      out.keyUsage = set;
    } else if (oid === '2.5.29.37') {
      out.extendedKeyUsage = (inner.value as forge.asn1.Asn1[]).map((o) => forge.asn1.derToOid(o.value as string));
    }
  }
  return out;
}

export interface CheckCertificateOptions {
  /** Certificate paths are relative to it (the folder of the file that names them). */
  baseDir: string;
  now?: Date;
  resolveSecret?: SecretResolver;
  readFile?: ReadFile;
  /** Warn when a certificate expires within this many days (30). */
  expiringSoonDays?: number;
}

/**
 * Every problem with one certificate reference for its role: missing or unreadable files, dates, the key
 * not matching the certificate, key usage or extended key usage that forbids the role, a non-RSA key where
 * CMS needs RSA. Without a secret resolver, a PKCS#12 file or encrypted key with a passphrase is only
 * checked for existence.
 */
export async function checkCertificate(ref: PublicCertificateRef | PrivateCertificateRef, role: CertificateRole, o: CheckCertificateOptions): Promise<CertificateProblem[]> {
  const rule = CERTIFICATE_ROLES[role];
  const readFile = o.readFile ?? defaultReadFile;
  const now = o.now ?? new Date();
  const problems: CertificateProblem[] = [];
  let cert: X509Certificate;
  let path: string;
  let field: CertificateField;
  try {
    if (typeof ref === 'string') {
      ({ cert } = await loadPublicCertificate(ref, o.baseDir, readFile));
      path = ref;
      field = 'path';
    } else {
      if (ref.passphrase && !o.resolveSecret) {
        // The secret's value is unknown here: check that the files exist, nothing more.
        for (const [f, p] of 'pkcs12' in ref ? ([['pkcs12', ref.pkcs12]] as const) : ([['certificate', ref.certificate], ['privateKey', ref.privateKey]] as const)) {
          try {
            await readRef(p, o.baseDir, f, f === 'privateKey' ? 'private key file' : f === 'pkcs12' ? 'PKCS#12 file' : 'certificate file', readFile);
          } catch (e) {
            if (e instanceof CertificateError) problems.push({ code: e.code as CertificateProblemCode, severity: 'error', message: `${rule.label}: ${e.message}`, field: e.field });
          }
        }
        return problems;
      }
      const loaded = await loadPrivateCertificateDetailed(ref, o.baseDir, o.resolveSecret, readFile);
      cert = loaded.cert;
      path = loaded.path;
      field = 'pkcs12' in ref ? 'pkcs12' : 'certificate';
      if (!cert.checkPrivateKey(loaded.key)) {
        problems.push({ code: 'certificate-role', severity: 'error', message: `${rule.label} '${path}' (${subjectOf(cert)}): the private key ${'pkcs12' in ref ? 'in the PKCS#12 file' : `'${ref.privateKey}'`} does not belong to this certificate`, field: 'pkcs12' in ref ? 'pkcs12' : 'privateKey' });
      }
    }
  } catch (e) {
    if (e instanceof CertificateError) {
      problems.push({ code: e.code, severity: e.code === 'secret-unresolved' ? 'warning' : 'error', message: `${rule.label}: ${e.message}`, field: e.field });
      return problems;
    }
    throw e;
  }
  const name = `${rule.label} '${path}' (${subjectOf(cert)})`;
  const from = new Date(cert.validFrom);
  const to = new Date(cert.validTo);
  const dates = `valid from ${day(from)} to ${day(to)}`;
  if (now > to) problems.push({ code: 'certificate-expired', severity: 'error', message: `${name} expired on ${day(to)} (${dates})`, field });
  else if (now < from) problems.push({ code: 'certificate-not-yet-valid', severity: 'error', message: `${name} is not valid before ${day(from)} (${dates})`, field });
  else {
    const days = (to.getTime() - now.getTime()) / 86_400_000;
    if (days < (o.expiringSoonDays ?? 30)) problems.push({ code: 'certificate-expiring-soon', severity: 'warning', message: `${name} expires in ${Math.floor(days)} day${Math.floor(days) === 1 ? '' : 's'}, on ${day(to)} (${dates})`, field });
  }
  const keyType = cert.publicKey.asymmetricKeyType;
  if (rule.rsa && keyType !== 'rsa' && keyType !== 'rsa-pss') {
    problems.push({ code: 'certificate-role', severity: 'error', message: `${name} has a ${keyType?.toUpperCase() ?? 'unknown'} key; OFTP2 signing and encryption (CMS) need an RSA key`, field });
  }
  let usage: KeyUsageInfo;
  try {
    usage = keyUsageOf(cert);
  } catch {
    usage = {};
  }
  if (rule.keyUsage && usage.keyUsage && !usage.keyUsage.has(rule.keyUsage)) {
    const has = [...usage.keyUsage].join(', ') || 'none';
    problems.push({ code: 'certificate-role', severity: 'error', message: `${name} cannot serve as ${rule.label}: its key usage lacks ${rule.keyUsage} (it allows ${has})`, field });
  }
  if (rule.extendedKeyUsage && usage.extendedKeyUsage && !usage.extendedKeyUsage.includes(rule.extendedKeyUsage.oid) && !usage.extendedKeyUsage.includes(ANY_EKU)) {
    problems.push({ code: 'certificate-role', severity: 'error', message: `${name} cannot serve as ${rule.label}: its extended key usage lacks ${rule.extendedKeyUsage.name} (it lists ${usage.extendedKeyUsage.map((x) => EKU_NAMES[x] ?? x).join(', ')})`, field });
  }
  return problems;
}
