// The test client plays a process's trading partner against the process runtime in this process, over real
// loopback: identities and certificates come from the process file; results are told in words.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ProcessRuntime, readProcess } from '../../src/process/runtime';
import { sendTestFile } from '../../src/process/test-client';
import { ROOT } from '../helpers/cli';
import { tempDir } from '../helpers/files';

const dir = tempDir('test-client');
cpSync(join(ROOT, 'examples'), dir, { recursive: true });
const secrets: Record<string, string> = { 'supplier-password': 'SUPPW', 'oem-auto-password': 'AUTOPW', 'oem-trucks-password': 'TRUCKPW', 'oem-trucks-engineering-password': 'ENGPW' };
const resolveSecret = async (name: string): Promise<string | undefined> => secrets[name];
let runtime: ProcessRuntime;
let port: number;

before(async () => {
  const files = ['forecasts-and-invoices.oftp2.json', 'secure-engineering-data.oftp2.json'].map((f) => join(dir, f));
  runtime = await ProcessRuntime.create(await Promise.all(files.map(readProcess)), { host: '127.0.0.1', port: 0, inbox: join(dir, 'inbox') }, { resolveSecret });
  port = (await runtime.listen()).port;
});
after(async () => {
  await runtime.close();
});

test('playing OEM Trucks engineering: secure authentication, signed and encrypted file, signed EERP verified', async () => {
  const file = join(dir, 'files', 'ECN.4711.txt');
  writeFileSync(file, 'engineering change 4711: bracket thickness 3 mm\n');
  const outcome = await sendTestFile(
    { file, host: '127.0.0.1', port, processFile: join(dir, 'secure-engineering-data.oftp2.json'), datasetName: 'ECN.4711', sign: true, encrypt: true, signedEerp: true, secureAuthentication: true, cipherSuite: 4, waitEerpSeconds: 20 },
    resolveSecret,
  );
  assert.equal(outcome.ok, true, outcome.message);
  assert.match(outcome.message, /^ECN\.4711 delivered: EERP received, signature verified \(signed by .*supplier/);
  const stored = readdirSync(join(dir, 'received', 'engineering'));
  assert.equal(stored.length, 1);
  assert.equal(readFileSync(join(dir, 'received', 'engineering', stored[0]!), 'utf8'), readFileSync(file, 'utf8'));
});

test('playing OEM Auto with an ORDERS file: the NERP is told in words', async () => {
  const outcome = await sendTestFile({ file: join(dir, 'files', 'ORDERS_OEMAUTO.edi'), host: '127.0.0.1', port, processFile: join(dir, 'forecasts-and-invoices.oftp2.json'), partner: 'O0013OEMAUTO', waitEerpSeconds: 20 }, resolveSecret);
  assert.equal(outcome.ok, false);
  assert.match(outcome.message, /not processed: NERP 34 File processing failed \(message type ORDERS is not agreed with O0013SUPPLIER\)/);
});

test('a plain file to the secure process is refused before transfer, with the SFNA reason in words', async () => {
  const outcome = await sendTestFile({ file: join(dir, 'files', 'forecast.csv'), host: '127.0.0.1', port, processFile: join(dir, 'secure-engineering-data.oftp2.json'), datasetName: 'CAD.PLAIN' }, resolveSecret);
  assert.equal(outcome.ok, false);
  assert.match(outcome.message, /CAD\.PLAIN refused: SFNA 17 Unencrypted file not allowed/);
});

test('signing as a partner without certificates in the process: a clear error naming what is missing', async () => {
  await assert.rejects(
    sendTestFile({ file: join(dir, 'files', 'forecast.csv'), host: '127.0.0.1', port, processFile: join(dir, 'forecasts-and-invoices.oftp2.json'), sign: true, partnerKey: join(dir, 'certs', 'oem-a.key') }, resolveSecret),
    /O0013OEMAUTO's signature verification certificate is not set in "Forecasts and self-billing invoices from OEMs"/,
  );
  await assert.rejects(
    sendTestFile({ file: join(dir, 'files', 'forecast.csv'), host: '127.0.0.1', port, processFile: join(dir, 'forecasts-and-invoices.oftp2.json'), sign: true }, resolveSecret),
    /playing the partner needs its private key/,
  );
});
