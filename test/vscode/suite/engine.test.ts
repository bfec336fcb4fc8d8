// The OFTP2 engine inside the extension host's own Node (Node 24 under code-server, Electron's Node under
// test-electron): a loopback transfer over TLS with client certificates, of a file signed, compressed and
// encrypted, acknowledged by a signed EERP. The security code uses node:crypto, node:tls and node-forge,
// whose behaviour can change between Node majors; the unit tests only run it on the project's Node 20.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite, suiteSetup, suiteTeardown, test } from 'mocha';
import { runClient } from '../../../src/oftp/client';
import { OftpServer } from '../../../src/oftp/server';
import { createCertificate } from '../../../src/oftp/security/certs';

suite('OFTP2 engine in the extension host', () => {
  let dir: string;
  suiteSetup(() => {
    dir = mkdtempSync(join(tmpdir(), 'oftp2-vscode-engine-'));
  });
  suiteTeardown(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  test('runs on the Node the harness expects', () => {
    console.log(`extension host: Node ${process.version}, OpenSSL ${process.versions.openssl}, electron ${process.versions.electron ?? '-'}`);
    // The harness says which Node major code-server runs the extension host on; a mismatch means this suite did not test what it claims.
    const expected = process.env.OFTP2_EXPECT_NODE_MAJOR;
    if (expected) assert.equal(process.versions.node.split('.')[0], expected);
  });

  test('TLS with client certificates: a signed, compressed, encrypted file arrives intact and its signed EERP verifies', async () => {
    const ca = createCertificate({ commonName: 'Harness CA', isCa: true });
    const serverCert = createCertificate({ commonName: 'O0013SERVER', issuer: ca, altNames: ['localhost', '127.0.0.1'] });
    const clientCert = createCertificate({ commonName: 'O0013CLIENT', issuer: ca });
    const content = Buffer.from('UNA:+.? \'UNB+UNOC:3+O0013CLIENT+O0013SERVER\'\r\n'.repeat(2000));
    writeFileSync(join(dir, 'orders.edi'), content);

    const server = new OftpServer({
      host: '127.0.0.1',
      port: 0,
      localCode: 'O0013SERVER',
      localPassword: 'SRVPW',
      partners: [{ code: 'O0013CLIENT', password: 'CLIPW', clientCertPem: clientCert.certPem }],
      inbox: join(dir, 'inbox'),
      tls: { certPem: serverCert.certPem, keyPem: serverCert.keyPem, requireClientCert: true, caPem: [ca.certPem] },
      ackSigner: { certPem: serverCert.certPem, keyPem: serverCert.keyPem },
      services: () => ({ decryptionKey: { keyPem: serverCert.keyPem }, signerCertPem: clientCert.certPem, requireSigned: true, requireEncrypted: true }),
    });
    let stored: string | undefined;
    server.on('file', (e) => {
      stored = e.path;
    });
    const { port } = await server.listen();
    try {
      const result = await runClient({
        host: '127.0.0.1',
        port,
        localCode: 'O0013CLIENT',
        localPassword: 'CLIPW',
        partnerCode: 'O0013SERVER',
        partnerPassword: 'SRVPW',
        tls: { caPem: [ca.certPem], certPem: clientCert.certPem, keyPem: clientCert.keyPem },
        partnerAckCertPem: serverCert.certPem,
        files: [{ path: join(dir, 'orders.edi'), services: { cipherSuite: 6, sign: { certPem: clientCert.certPem, keyPem: clientCert.keyPem }, encryptTo: serverCert.certPem, compress: true, signedEerp: true } }],
        waitEerpMs: 15_000,
        timeoutMs: 20_000,
      });
      assert.equal(result.ok, true, result.error);
      const [file] = result.files;
      assert.equal(file?.status, 'sent');
      assert.equal(file?.receipt?.type, 'EERP');
      assert.equal(file?.receipt?.signature?.valid, true, `signed EERP: ${file?.receipt?.signature?.detail}`);

      const [meta] = await server.inbox.list();
      assert.ok(meta, 'the server stored the file');
      assert.equal(meta.sfid.securityLevel, 3, 'signed and encrypted on the wire');
      assert.equal(meta.sfid.compression, 1, 'compressed on the wire');
      assert.equal(meta.sfid.cipherSuite, 6);
      assert.ok(meta.transmitted && meta.transmitted.size !== content.length, 'what travelled differs from the file');
      assert.equal(meta.sha256, createHash('sha256').update(content).digest('hex'));
      assert.ok(stored, 'file event with the stored path');
      assert.ok(readFileSync(stored).equals(content), 'stored content equals what was sent');
    } finally {
      await server.close();
    }
  });
});
