// Secure authentication (SSIDAUTH=Y; SECD, AUCH, AURP) between real processes with real certificates:
// success both ways, a wrong key on either side (ESID 11), a scripted partner that answers the wrong
// octets (ESID 11), and mismatched requirements (ESID 12). Runs under the project's Node 20, where Node's
// own RSA PKCS#1 v1.5 decryption is refused, so node-forge's path is what is tested.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCertificate } from '../../src/oftp/security/certs';
import { answerChallenge } from '../../src/oftp/security/auth';
import { runCli, startServer, type RunningServer } from '../helpers/cli';
import { ScriptedPeer, ssid } from '../helpers/peer';
import { tempDir } from '../helpers/files';

const dir = tempDir('auth');
const p = (n: string): string => join(dir, n);
const ca = createCertificate({ commonName: 'Auth CA', isCa: true });
for (const name of ['server', 'client', 'other']) {
  const c = createCertificate({ commonName: name, issuer: ca });
  writeFileSync(p(`${name}.pem`), c.certPem);
  writeFileSync(p(`${name}.key`), c.keyPem);
}
const file = p('f.txt');
writeFileSync(file, 'authenticated payload');

let server: RunningServer;
before(async () => {
  server = await startServer(['--local', 'O0013SERVER:SRVPW', '--partner', 'O0013CLIENT:CLIPW', '--inbox', p('inbox'), '--trace', p('server.jsonl'),
    '--secure-auth', 'required', '--auth-key', p('server.key'), '--partner-auth-cert', `O0013CLIENT=${p('client.pem')}`]);
});
after(async () => {
  await server.stop();
});

const send = (dsn: string, ...extra: string[]) =>
  runCli(['send', file, '--to', `127.0.0.1:${server.port}`, '--local', 'O0013CLIENT:CLIPW', '--partner', 'O0013SERVER', '--dsn', dsn, ...extra]);

test('both sides prove their keys: SECD, AUCH, AURP each way, then the file', async () => {
  const r = await send('AUTH-OK', '--secure-auth', '--auth-key', p('client.key'), '--partner-auth-cert', p('server.pem'), '--trace', p('client.jsonl'), '--wait-eerp', '10');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /EERP received/);
  const order = readFileSync(p('client.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l))
    .filter((x) => ['SECD', 'AUCH', 'AURP'].includes(x.command)).map((x) => `${x.direction} ${x.command}`);
  assert.deepEqual(order, ['out SECD', 'in AUCH', 'out AURP', 'in SECD', 'out AUCH', 'in AURP']);
  await server.waitFor(/authenticated: secure authentication with O0013CLIENT succeeded both ways/);
});

test('a client holding the wrong key cannot open the challenge: ESID 11', async () => {
  const r = await send('AUTH-BADKEY', '--secure-auth', '--auth-key', p('other.key'), '--partner-auth-cert', p('server.pem'));
  assert.equal(r.code, 1);
  assert.match(r.stderr, /ESID 11 Invalid challenge response: cannot answer O0013SERVER's challenge/);
  await server.waitFor(/partner ended the session: ESID 11/);
});

test('a server that encrypts to the wrong certificate: the client cannot answer, ESID 11; wrong server key: ESID 11 from the server', async () => {
  const r = await send('AUTH-WRONGCERT', '--secure-auth', '--auth-key', p('client.key'), '--partner-auth-cert', p('other.pem'));
  assert.equal(r.code, 1);
  assert.match(r.stderr, /ESID 11 Invalid challenge response/);
  assert.match(r.stderr, /cannot answer|does not match/);
});

test('a partner answering the wrong octets gets ESID 11 from the server', async () => {
  const peer = await ScriptedPeer.connect(server.host, server.port);
  await peer.expect('SSRM');
  peer.send(ssid('O0013CLIENT', 'CLIPW', { secureAuthentication: true }));
  assert.equal((await peer.expect('SSID')).secureAuthentication, true);
  peer.send({ type: 'SECD' });
  const auch = await peer.expect('AUCH');
  // The challenge really is for the client's key...
  assert.equal(answerChallenge(auch.challenge, { keyPem: readFileSync(p('client.key'), 'utf8') }).length, 20);
  // ...but this partner answers something else.
  peer.send({ type: 'AURP', response: randomBytes(20) });
  const esid = await peer.expect('ESID');
  assert.equal(esid.reason, 11);
  assert.match(esid.text, /response does not match our challenge/);
  await peer.closed();
});

test('secure authentication required on one side only: ESID 12 either way', async () => {
  const without = await send('AUTH-NONE');
  assert.equal(without.code, 1);
  assert.match(without.stderr, /ESID 12 Secure authentication requirements incompatible \(secure authentication is required for O0013CLIENT\)/);
  const plain = await startServer(['--local', 'O0013SERVER:SRVPW', '--partner', 'O0013CLIENT:CLIPW', '--inbox', p('inbox2')]);
  try {
    const r = await runCli(['send', file, '--to', `127.0.0.1:${plain.port}`, '--local', 'O0013CLIENT:CLIPW', '--partner', 'O0013SERVER', '--secure-auth', '--auth-key', p('client.key'), '--partner-auth-cert', p('server.pem')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /ESID 12/);
  } finally {
    await plain.stop();
  }
});

test('per-partner policy: required for one partner, off for another', async () => {
  const mixed = await startServer(['--local', 'O0013SERVER:SRVPW', '--partner', 'O0013CLIENT:CLIPW', '--partner', 'O0013LAX:LAXPW', '--inbox', p('inbox-mixed'),
    '--auth-key', p('server.key'), '--partner-auth-cert', `O0013CLIENT=${p('client.pem')}`, '--partner-secure-auth', 'O0013CLIENT=required']);
  try {
    const strictNoAuth = await runCli(['send', file, '--to', `127.0.0.1:${mixed.port}`, '--local', 'O0013CLIENT:CLIPW', '--partner', 'O0013SERVER', '--dsn', 'MIX1']);
    assert.match(strictNoAuth.stderr, /ESID 12 .*required for O0013CLIENT/);
    const strictAuth = await runCli(['send', file, '--to', `127.0.0.1:${mixed.port}`, '--local', 'O0013CLIENT:CLIPW', '--partner', 'O0013SERVER', '--dsn', 'MIX2', '--secure-auth', '--auth-key', p('client.key'), '--partner-auth-cert', p('server.pem')]);
    assert.equal(strictAuth.code, 0, strictAuth.stderr);
    const lax = await runCli(['send', file, '--to', `127.0.0.1:${mixed.port}`, '--local', 'O0013LAX:LAXPW', '--partner', 'O0013SERVER', '--dsn', 'MIX3']);
    assert.equal(lax.code, 0, lax.stderr);
  } finally {
    await mixed.stop();
  }
});
