// X.509 certificates for development and tests: a CA, and certificates for a company or a partner that
// serve every OFTP2 role (TLS, signing, encryption, session authentication), as PEM and PKCS#12.
// Keys come from Node's crypto (fast); node-forge builds and signs the certificates.
import { generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import forge from 'node-forge';

export interface IssuedCertificate {
  certPem: string;
  keyPem: string;
}

export interface CertificateOptions {
  commonName: string;
  /** Organisation shown in the subject, e.g. the Odette ID. */
  organization?: string;
  /** Signs the certificate; without it the certificate signs itself. */
  issuer?: IssuedCertificate;
  isCa?: boolean;
  notBefore?: Date;
  notAfter?: Date;
  /** DNS names and IP addresses the TLS server answers on. */
  altNames?: string[];
  keyBits?: number;
}

export function createCertificate(o: CertificateOptions): IssuedCertificate {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: o.keyBits ?? 2048 });
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
  // Positive serial: the first octet's top bit clear.
  const serial = randomBytes(16);
  serial[0] = serial[0]! & 0x7f;
  cert.serialNumber = serial.toString('hex');
  cert.validity.notBefore = o.notBefore ?? new Date(Date.now() - 60_000);
  cert.validity.notAfter = o.notAfter ?? new Date(Date.now() + 365 * 24 * 3600 * 1000);
  const subject = [{ name: 'commonName', value: o.commonName }, ...(o.organization ? [{ name: 'organizationName', value: o.organization }] : [])];
  cert.setSubject(subject);
  const issuerCert = o.issuer ? forge.pki.certificateFromPem(o.issuer.certPem) : undefined;
  cert.setIssuer(issuerCert ? issuerCert.subject.attributes : subject);
  const altNames = (o.altNames ?? []).map((n) => (/^[\d.]+$|:/.test(n) ? { type: 7, ip: n } : { type: 2, value: n }));
  cert.setExtensions([
    { name: 'basicConstraints', cA: !!o.isCa, critical: true },
    o.isCa
      ? { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true }
      : { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, dataEncipherment: true, critical: true },
    ...(o.isCa ? [] : [{ name: 'extKeyUsage', serverAuth: true, clientAuth: true, emailProtection: true }]),
    ...(altNames.length ? [{ name: 'subjectAltName', altNames }] : []),
    { name: 'subjectKeyIdentifier' },
  ]);
  const signer = forge.pki.privateKeyFromPem(o.issuer ? o.issuer.keyPem : keyPem);
  cert.sign(signer, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem };
}

/** PKCS#12 with the key, the certificate and its chain, protected by a passphrase (AES-256, SHA-256 MAC). */
export function toPkcs12(issued: IssuedCertificate, passphrase: string, chain: string[] = []): Buffer {
  const key = forge.pki.privateKeyFromPem(issued.keyPem);
  const certs = [issued.certPem, ...chain].map((p) => forge.pki.certificateFromPem(p));
  const asn1 = forge.pkcs12.toPkcs12Asn1(key, certs, passphrase, { algorithm: 'aes256', generateLocalKeyId: true, friendlyName: 'oftp2' });
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
}

/** SHA-256 fingerprint as Node prints it (AA:BB:...). */
export function fingerprint(certPem: string): string {
  return new X509Certificate(certPem).fingerprint256;
}

export interface DevCertificateSet {
  dir: string;
  files: string[];
}

/**
 * Writes a development CA and one certificate per party (ours and each partner's), each usable for every
 * role, as PEM (cert + unencrypted key) and PKCS#12 (with the passphrase).
 */
export async function writeDevCertificates(dir: string, parties: Array<{ name: string; odetteId?: string }>, passphrase: string, hosts = ['localhost', '127.0.0.1'], days = 365): Promise<DevCertificateSet> {
  await mkdir(dir, { recursive: true });
  const files: string[] = [];
  const put = async (name: string, data: string | Buffer, secret = false): Promise<void> => {
    await writeFile(join(dir, name), data, secret ? { mode: 0o600 } : {});
    files.push(name);
  };
  const day = 24 * 3600 * 1000;
  const ca = createCertificate({ commonName: 'OFTP2 Studio development CA', isCa: true, notAfter: new Date(Date.now() + Math.max(days, 5 * 365) * day) });
  await put('ca.pem', ca.certPem);
  await put('ca.key', ca.keyPem, true);
  for (const p of parties) {
    const cert = createCertificate({ commonName: p.odetteId ?? p.name, organization: p.name, issuer: ca, altNames: hosts, notAfter: new Date(Date.now() + days * day) });
    await put(`${p.name}.pem`, cert.certPem);
    await put(`${p.name}.key`, cert.keyPem, true);
    await put(`${p.name}.p12`, toPkcs12(cert, passphrase, [ca.certPem]), true);
  }
  return { dir, files };
}
