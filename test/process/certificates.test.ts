// Certificate checks with real certificates made in the test: valid, expired, not yet valid, expiring soon,
// wrong key usage and extended key usage, a key that belongs to another certificate, EC where RSA is needed,
// DER, PKCS#12 with a passphrase from a secret, and the development set writeDevCertificates produces.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCertificate, toPkcs12, writeDevCertificates } from '../../src/oftp/security/certs';
import { checkCertificate, keyUsageOf, loadPrivateCertificate, loadPublicCertificate } from '../../src/process/certificates';
import { validateProcess } from '../../src/process/validate';
import { tempDir } from '../helpers/files';
import { at, baseProcess, ecCertificate, found, testCertificate, text, val } from '../helpers/process';

const dir = tempDir('process-certs');
const DAY = 86_400_000;
const now = new Date();
const put = (name: string, c: { certPem: string; keyPem: string }): void => {
  writeFileSync(join(dir, `${name}.pem`), c.certPem);
  writeFileSync(join(dir, `${name}.key`), c.keyPem);
};
const good = testCertificate({ commonName: 'GOOD' });
put('good', good);
put('other', testCertificate({ commonName: 'OTHER' }));
put('expired', testCertificate({ commonName: 'OLD', notBefore: new Date(now.getTime() - 400 * DAY), notAfter: new Date(now.getTime() - 35 * DAY) }));
put('future', testCertificate({ commonName: 'NEW', notBefore: new Date(now.getTime() + 10 * DAY), notAfter: new Date(now.getTime() + 400 * DAY) }));
put('soon', testCertificate({ commonName: 'SOON', notAfter: new Date(now.getTime() + 10 * DAY + 3600_000) }));
put('signonly', testCertificate({ commonName: 'SIGNONLY', keyUsage: { digitalSignature: true } }));
put('enconly', testCertificate({ commonName: 'ENCONLY', keyUsage: { keyEncipherment: true } }));
put('nousage', testCertificate({ commonName: 'NOUSAGE', keyUsage: null }));
put('serveronly', testCertificate({ commonName: 'SERVERONLY', extKeyUsage: ['serverAuth'] }));
put('client', testCertificate({ commonName: 'CLIENT', extKeyUsage: ['clientAuth'] }));
writeFileSync(join(dir, 'good.der'), new X509Certificate(good.certPem).raw);
writeFileSync(join(dir, 'garbage.pem'), 'not a certificate\n');
writeFileSync(join(dir, 'good.p12'), toPkcs12(good, 'p12-pass'));
ecCertificate(dir, 'ec');
const secrets: Record<string, string> = { 'p12-pw': 'p12-pass', 'wrong-pw': 'nope' };
const resolveSecret = async (n: string): Promise<string | undefined> => secrets[n];
const opts = { baseDir: dir, now, resolveSecret };

test('loads PEM, DER and PKCS#12; reads key usage from the DER', async () => {
  const pem = await loadPublicCertificate('good.pem', dir);
  const der = await loadPublicCertificate('good.der', dir);
  assert.equal(pem.cert.fingerprint256, der.cert.fingerprint256);
  const p12 = await loadPrivateCertificate({ pkcs12: 'good.p12', passphrase: { secret: 'p12-pw' } }, dir, resolveSecret);
  assert.equal(new X509Certificate(p12.certPem).fingerprint256, pem.cert.fingerprint256);
  assert.match(p12.keyPem, /BEGIN PRIVATE KEY/);
  assert.deepEqual([...keyUsageOf(pem.cert).keyUsage!].sort(), ['digitalSignature', 'keyEncipherment']);
  assert.equal(keyUsageOf(pem.cert).extendedKeyUsage, undefined);
  assert.deepEqual(keyUsageOf(new X509Certificate(testCertificate({ commonName: 'x', extKeyUsage: ['clientAuth'] }).certPem)).extendedKeyUsage, ['1.3.6.1.5.5.7.3.2']);
});

test('a valid certificate fits every role; the problems name the file, the subject and the dates', async () => {
  for (const role of ['acknowledgmentVerification', 'signatureVerification', 'sessionAuthenticationEncrypting', 'clientSsl'] as const) assert.deepEqual(await checkCertificate('good.pem', role, opts), [], role);
  for (const role of ['decryption', 'acknowledgmentSigning', 'sessionAuthenticationChallenge'] as const) {
    assert.deepEqual(await checkCertificate({ certificate: 'good.pem', privateKey: 'good.key' }, role, opts), [], role);
    assert.deepEqual(await checkCertificate({ pkcs12: 'good.p12', passphrase: { secret: 'p12-pw' } }, role, opts), [], role);
  }
  const [expired] = await checkCertificate('expired.pem', 'signatureVerification', opts);
  assert.equal(expired!.code, 'certificate-expired');
  assert.match(expired!.message, /^signature verification certificate 'expired\.pem' \(CN=OLD\) expired on \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(valid from .* to .*\)$/);
  const [future] = await checkCertificate('future.pem', 'signatureVerification', opts);
  assert.equal(future!.code, 'certificate-not-yet-valid');
  assert.match(future!.message, /'future\.pem' \(CN=NEW\) is not valid before \d{4}/);
  const [soon] = await checkCertificate('soon.pem', 'signatureVerification', opts);
  assert.equal(soon!.code, 'certificate-expiring-soon');
  assert.equal(soon!.severity, 'warning');
  assert.match(soon!.message, /expires in 10 days/);
  // The same certificate later on is expired: `now` is honoured.
  assert.equal((await checkCertificate('good.pem', 'clientSsl', { ...opts, now: new Date(now.getTime() + 800 * DAY) }))[0]!.code, 'certificate-expired');
});

test('certificate-role: key usage, extended key usage, mismatched key, EC where CMS needs RSA', async () => {
  const role = async (ref: Parameters<typeof checkCertificate>[0], r: Parameters<typeof checkCertificate>[1]): Promise<string[]> => (await checkCertificate(ref, r, opts)).map((p) => `${p.code}:${p.field}:${p.message}`);
  assert.match((await role({ certificate: 'signonly.pem', privateKey: 'signonly.key' }, 'decryption')).join(), /certificate-role:certificate:.*'signonly\.pem' \(CN=SIGNONLY\) cannot serve as decryption certificate: its key usage lacks keyEncipherment \(it allows digitalSignature\)/);
  assert.deepEqual(await role({ certificate: 'signonly.pem', privateKey: 'signonly.key' }, 'acknowledgmentSigning'), []);
  assert.match((await role('enconly.pem', 'acknowledgmentVerification')).join(), /lacks digitalSignature/);
  assert.deepEqual(await role('enconly.pem', 'sessionAuthenticationEncrypting'), []);
  // No keyUsage extension: any use is allowed.
  assert.deepEqual(await role('nousage.pem', 'signatureVerification'), []);
  assert.match((await role('serveronly.pem', 'clientSsl')).join(), /extended key usage lacks clientAuth.*\(it lists serverAuth\)/);
  assert.deepEqual(await role('client.pem', 'clientSsl'), []);
  assert.match((await role({ certificate: 'good.pem', privateKey: 'other.key' }, 'decryption')).join(), /certificate-role:privateKey:.*the private key 'other\.key' does not belong to this certificate/);
  // OpenSSL starts the validity at the current second, after `now`: check it a little later.
  const later = { ...opts, now: new Date(Date.now() + 5000) };
  assert.match((await checkCertificate('ec.pem', 'signatureVerification', later)).map((p) => p.message).join(), /has a EC key; OFTP2 signing and encryption \(CMS\) need an RSA key/);
  assert.deepEqual(await checkCertificate('ec.pem', 'clientSsl', later), []);
});

test('missing, unreadable, wrong passphrase, unresolved passphrase; without a resolver only existence is checked', async () => {
  const codes = async (ref: Parameters<typeof checkCertificate>[0], o = opts): Promise<string[]> => (await checkCertificate(ref, 'decryption', o)).map((p) => `${p.code}:${p.field}`);
  assert.deepEqual(await codes('nope.pem'), ['certificate-missing:path']);
  assert.deepEqual(await codes('garbage.pem'), ['certificate-unreadable:path']);
  assert.deepEqual(await codes({ certificate: 'good.pem', privateKey: 'nope.key' }), ['certificate-missing:privateKey']);
  assert.deepEqual(await codes({ certificate: 'good.key', privateKey: 'good.key' }), ['certificate-unreadable:certificate']);
  assert.deepEqual(await codes({ pkcs12: 'good.p12', passphrase: { secret: 'wrong-pw' } }), ['certificate-unreadable:pkcs12']);
  assert.match((await checkCertificate({ pkcs12: 'good.p12', passphrase: { secret: 'wrong-pw' } }, 'decryption', opts))[0]!.message, /wrong passphrase \(secret 'wrong-pw'\)/);
  assert.deepEqual(await codes({ pkcs12: 'good.p12', passphrase: { secret: 'unknown' } }), ['secret-unresolved:passphrase']);
  assert.deepEqual(await codes({ pkcs12: 'good.p12', passphrase: { secret: 'unknown' } }, { baseDir: dir, now } as typeof opts), []);
  assert.deepEqual(await codes({ pkcs12: 'gone.p12', passphrase: { secret: 'unknown' } }, { baseDir: dir, now } as typeof opts), ['certificate-missing:pkcs12']);
});

test('validateProcess with checkFiles: each certificate problem at its reference, relative to the process file', async () => {
  const p = baseProcess();
  p.start.myCompany.decryptionCertificate = { certificate: 'signonly.pem', privateKey: 'signonly.key' };
  p.start.myCompany.acknowledgmentSigningCertificate = { certificate: 'good.pem', privateKey: 'other.key' };
  p.start.myCompany.sessionAuthenticationChallengeCertificate = { pkcs12: 'good.p12', passphrase: { secret: 'p12-pw' } };
  Object.assign(p.start.tradingPartners[0], { acknowledgmentVerificationCertificate: 'expired.pem', signatureVerificationCertificate: 'future.pem', sessionAuthenticationEncryptingCertificate: 'missing.pem', clientSslCertificate: 'soon.pem' });
  p.start.tradingPartners.push({ name: 'b', odetteId: 'O0013000000B', password: { secret: 'b' }, signatureVerificationCertificate: 'garbage.pem' });
  const src = text(p);
  const file = join(dir, 'certs.oftp2.json');
  const ds = await validateProcess(src, file, { checkFiles: true, now, resolveSecret: async (n) => secrets[n] ?? 'PW' });
  assert.deepEqual(found(ds), [
    `certificate-role@${val(src, '"certificate": "signonly.pem"')}`,
    `certificate-role@${val(src, '"privateKey": "other.key"')}`,
    `certificate-expired@${at(src, '"expired.pem"')}`,
    `certificate-not-yet-valid@${at(src, '"future.pem"')}`,
    `certificate-missing@${at(src, '"missing.pem"')}`,
    `certificate-expiring-soon@${at(src, '"soon.pem"')}`,
    `certificate-unreadable@${at(src, '"garbage.pem"')}`,
  ].sort());
  // Without checkFiles nothing is read.
  const reads: string[] = [];
  assert.deepEqual(await validateProcess(src, file, { readFile: async (f) => (reads.push(f), Buffer.alloc(0)) }), []);
  assert.deepEqual(reads, []);
});

test('the development certificate set is accepted in every role', async () => {
  const dev = join(dir, 'dev');
  await writeDevCertificates(dev, [{ name: 'us', odetteId: 'O0013000000US' }, { name: 'acme', odetteId: 'O0013000000ACME' }], 'dev-pass');
  const p = baseProcess();
  const ours = { pkcs12: 'dev/us.p12', passphrase: { secret: 'dev' } };
  Object.assign(p.start.myCompany, { decryptionCertificate: ours, acknowledgmentSigningCertificate: { certificate: 'dev/us.pem', privateKey: 'dev/us.key' }, sessionAuthenticationChallengeCertificate: ours });
  Object.assign(p.start.tradingPartners[0], { acknowledgmentVerificationCertificate: 'dev/acme.pem', signatureVerificationCertificate: 'dev/acme.pem', sessionAuthenticationEncryptingCertificate: 'dev/acme.pem', clientSslCertificate: 'dev/acme.pem', secureAuthentication: 'required' });
  Object.assign(p.start.operation, { requireSigned: true, requireEncrypted: true, signedEerpOnRequest: true });
  const ds = await validateProcess(text(p), join(dir, 'dev.oftp2.json'), { checkFiles: true, resolveSecret: async (n) => (n === 'dev' ? 'dev-pass' : 'PW') });
  assert.deepEqual(ds, []);
  void createCertificate;
});
