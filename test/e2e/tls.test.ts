// TLS with real certificates made for the test: plain TLS, a required client certificate (the right one
// accepted; none, another partner's, an expired one and one from an unknown CA refused, each with a clear
// trace line), PKCS#12 server identity, and the client's server verification (CA, pin, wrong CA).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCertificate, fingerprint, toPkcs12, type IssuedCertificate } from '../../src/oftp/security/certs';
import { runCli, startServer, type RunningServer } from '../helpers/cli';
import { received, tempDir } from '../helpers/files';

const dir = tempDir('tls');
const path = (name: string): string => join(dir, name);
function save(name: string, c: IssuedCertificate): void {
  writeFileSync(path(`${name}.pem`), c.certPem);
  writeFileSync(path(`${name}.key`), c.keyPem);
}

const ca = createCertificate({ commonName: 'Test CA', isCa: true });
const strangerCa = createCertificate({ commonName: 'Stranger CA', isCa: true });
const serverCert = createCertificate({ commonName: 'O0013SERVER', issuer: ca, altNames: ['localhost', '127.0.0.1'] });
const client = createCertificate({ commonName: 'O0013CLIENT', issuer: ca });
const other = createCertificate({ commonName: 'O0013OTHER', issuer: ca });
const expired = createCertificate({ commonName: 'O0013CLIENT old', issuer: ca, notBefore: new Date(Date.now() - 400 * 86400e3), notAfter: new Date(Date.now() - 30 * 86400e3) });
const stranger = createCertificate({ commonName: 'O0013CLIENT fake', issuer: strangerCa });
for (const [n, c] of Object.entries({ ca, strangerCa, server: serverCert, client, other, expired, stranger })) save(n, c);
writeFileSync(path('server.p12'), toPkcs12(serverCert, 'p12-secret', [ca.certPem]));
writeFileSync(path('passphrase'), 'p12-secret\n');

const IDS = ['--local', 'O0013SERVER:SRVPW', '--partner', 'O0013CLIENT:CLIPW', '--partner', 'O0013OTHER:OTHPW'];
let plain: RunningServer;
let strict: RunningServer;

before(async () => {
  plain = await startServer([...IDS, '--inbox', path('inbox-plain'), '--tls', '--pfx', path('server.p12'), '--passphrase-file', path('passphrase')]);
  strict = await startServer([...IDS, '--inbox', path('inbox-strict'), '--tls', '--cert', path('server.pem'), '--key', path('server.key'),
    '--require-client-cert', '--ca', path('ca.pem'), '--partner-cert', `O0013CLIENT=${path('client.pem')}`, '--partner-cert', `O0013OTHER=${path('other.pem')}`,
    '--trace', path('strict.jsonl')]);
});
after(async () => {
  await plain.stop();
  await strict.stop();
});

const file = path('payload.txt');
writeFileSync(file, 'TLS payload\r\n'.repeat(1000));
const send = (server: RunningServer, dsn: string, ...extra: string[]) =>
  runCli(['send', file, '--to', `127.0.0.1:${server.port}`, '--local', 'O0013CLIENT:CLIPW', '--partner', 'O0013SERVER:SRVPW', '--tls', '--dsn', dsn, '--wait-eerp', '10', ...extra]);

test('TLS without client certificates: verified against the CA or a pinned fingerprint; a server from an unknown CA is refused', async () => {
  const byCa = await send(plain, 'VIA-CA', '--ca', path('ca.pem'));
  assert.equal(byCa.code, 0, byCa.stderr);
  const pinned = await send(plain, 'VIA-PIN', '--pin', fingerprint(serverCert.certPem).replace(/:/g, '').toLowerCase());
  assert.equal(pinned.code, 0, pinned.stderr);
  assert.equal((await received(path('inbox-plain'))).length, 2);
  const wrongCa = await send(plain, 'WRONG-CA', '--ca', path('strangerCa.pem'));
  assert.equal(wrongCa.code, 1);
  assert.match(wrongCa.stderr, /TLS connection to 127\.0\.0\.1:\d+ failed: the server certificate (was issued by|chains to) an unknown .*CA/);
  const wrongPin = await send(plain, 'WRONG-PIN', '--pin', fingerprint(other.certPem));
  assert.equal(wrongPin.code, 1);
  assert.match(wrongPin.stderr, /server certificate O0013SERVER .* does not match the pinned fingerprint/);
  const notTls = await runCli(['send', file, '--to', `127.0.0.1:${plain.port}`, '--local', 'O0013CLIENT:CLIPW', '--partner', 'O0013SERVER', '--timeout', '3']);
  assert.equal(notTls.code, 1, 'plain OFTP to a TLS port fails');
});

test('required client certificate: the partner\'s own is accepted', async () => {
  const r = await send(strict, 'MUTUAL', '--ca', path('ca.pem'), '--cert', path('client.pem'), '--key', path('client.key'));
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /EERP received/);
  assert.equal((await received(path('inbox-strict'), 'MUTUAL')).length, 1);
});

test('required client certificate: none, another partner\'s, expired, unknown CA are each refused with a clear reason', async () => {
  const cases: Array<[string, string[], RegExp, RegExp]> = [
    ['NONE', [], /ESID 99 .*TLS: no client certificate/, /tls-refused.*no client certificate \(this server requires one\)/],
    ['OTHERS', ['--cert', path('other.pem'), '--key', path('other.key')], /ESID 04 Invalid password .*is O0013OTHER's, not O0013CLIENT's/, /TLS client certificate O0013OTHER .* is O0013OTHER's, not O0013CLIENT's/],
    ['EXPIRED', ['--cert', path('expired.pem'), '--key', path('expired.key')], /TLS: client certificate O0013CLIENT old .* expired on/, /tls-refused.*expired on/],
    ['STRANGER', ['--cert', path('stranger.pem'), '--key', path('stranger.key')], /is no partner's and was not issued by a trusted CA/, /tls-refused.*O0013CLIENT fake .*not issued by a trusted CA/],
  ];
  for (const [dsn, extra, clientSays, traceSays] of cases) {
    const r = await send(strict, dsn, '--ca', path('ca.pem'), ...extra);
    assert.equal(r.code, 1, `${dsn} must be refused`);
    assert.match(r.stderr, clientSays, dsn);
    await strict.waitFor(traceSays);
    assert.equal((await received(path('inbox-strict'), dsn)).length, 0, `${dsn} stored`);
  }
  const trace = (await import('node:fs')).readFileSync(path('strict.jsonl'), 'utf8');
  assert.match(trace, /"command":"tls-refused","summary":"127\.0\.0\.1:\d+: no client certificate/);
});

test('certs command writes a CA and certificates that serve and send can use', async () => {
  const out = path('generated');
  const r = await runCli(['certs', out, '--local', 'hub', '--partner', 'spoke']);
  assert.equal(r.code, 0, r.stderr);
  for (const f of ['ca.pem', 'hub.pem', 'hub.key', 'hub.p12', 'spoke.pem', 'spoke.key', 'spoke.p12', 'p12-passphrase.txt']) assert.match(r.stdout, new RegExp(f.replace('.', '\\.')));
  const server = await startServer(['--local', 'O0013HUB:HUBPW', '--partner', 'O0013SPOKE:SPOKEPW', '--inbox', join(out, 'inbox'), '--tls',
    '--pfx', join(out, 'hub.p12'), '--passphrase-file', join(out, 'p12-passphrase.txt'), '--require-client-cert', '--partner-cert', `O0013SPOKE=${join(out, 'spoke.pem')}`]);
  try {
    const s = await runCli(['send', file, '--to', `localhost:${server.port}`, '--local', 'O0013SPOKE:SPOKEPW', '--partner', 'O0013HUB', '--tls', '--ca', join(out, 'ca.pem'),
      '--pfx', join(out, 'spoke.p12'), '--passphrase-file', join(out, 'p12-passphrase.txt'), '--wait-eerp', '10']);
    assert.equal(s.code, 0, s.stderr);
    assert.match(s.stdout, /EERP received/);
  } finally {
    await server.stop();
  }
});
