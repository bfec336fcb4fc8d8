// The shipped example processes run end to end on `oftp2 serve PROCESS...` with real `oftp2 send` clients
// over loopback: routing by message type into folders, EERP after success, an Exception's NERP with its
// reason at the client, the errors path, two processes on one listener told apart by password, and the
// signed + encrypted example with secure authentication and a signed EERP.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, runCli, startServer, type RunningServer } from '../helpers/cli';
import { tempDir } from '../helpers/files';

const dir = tempDir('process');
const ex = (...p: string[]): string => join(dir, ...p);
// A copy of examples/: Disk steps write next to the process file, and the repository stays clean.
cpSync(join(ROOT, 'examples'), dir, { recursive: true, filter: (src) => !src.includes(`${join('examples', 'received')}`) });

const SECRETS = {
  OFTP2_SECRET_SUPPLIER_PASSWORD: 'SUPPW',
  OFTP2_SECRET_OEM_AUTO_PASSWORD: 'AUTOPW',
  OFTP2_SECRET_OEM_TRUCKS_PASSWORD: 'TRUCKPW',
  OFTP2_SECRET_OEM_TRUCKS_ENGINEERING_PASSWORD: 'ENGPW',
};

let server: RunningServer;
before(async () => {
  server = await startServer(['forecasts-and-invoices.oftp2.json', 'secure-engineering-data.oftp2.json', '--inbox', ex('inbox'), '--trace', ex('server.jsonl')], dir, SECRETS);
});
after(async () => {
  await server.stop();
});

const send = (file: string, local: string, ...extra: string[]) =>
  runCli(['send', ex('files', file), '--to', `127.0.0.1:${server.port}`, '--local', local, '--partner', 'O0013SUPPLIER:SUPPW', '--wait-eerp', '20', ...extra]);

const only = (folder: string): string[] => (existsSync(folder) ? readdirSync(folder) : []);

test('a DELFOR from OEM Auto is routed to the forecasts folder and confirmed with an EERP after processing', async () => {
  const r = await send('DELFOR_OEMAUTO.edi', 'O0013OEMAUTO:AUTOPW', '--dsn', 'DELFOR.OEMAUTO.1');
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /EERP received/);
  const folder = ex('received', 'forecasts', 'O0013OEMAUTO');
  const files = only(folder);
  assert.equal(files.length, 1, `forecast folder: ${files.join(', ')}`);
  assert.match(files[0]!, /^DELFOR_DF000123_\d{8}\d{10}\.edi$/);
  assert.deepEqual(readFileSync(join(folder, files[0]!)), readFileSync(ex('files', 'DELFOR_OEMAUTO.edi')));
  await server.waitFor(/step by-type "By message type" \(route\) -> DELFOR/);
  // The step log shows the document's whole path and its receipt.
  await server.waitFor(/document \S+ stopped at done; EERP owed/);
});

test('a self-billing INVOIC from OEM Trucks is tagged, stored under its archive name and logged', async () => {
  const r = await send('INVOIC_OEMTRUCKS.edi', 'O0013OEMTRUCKS:TRUCKPW', '--dsn', 'INVOIC.OEMTRUCKS.1');
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /EERP received/);
  const stored = ex('received', 'invoices', 'SBI_O0013OEMTRUCKS_SB000777.edi');
  assert.deepEqual(readFileSync(stored), readFileSync(ex('files', 'INVOIC_OEMTRUCKS.edi')));
  await server.waitFor(/INFO self-billing invoice SB000777 from OEM Trucks SE stored/);
  assert.equal(only(ex('received', 'forecasts', 'O0013OEMTRUCKS')).length, 0);
});

test('a Decision sends an invoice addressed to someone else to an Exception: NERP 35 with its text at the client', async () => {
  const r = await send('INVOIC_WRONG_RECIPIENT.edi', 'O0013OEMTRUCKS:TRUCKPW', '--dsn', 'INVOIC.OEMTRUCKS.2');
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /NERP 35 Not delivered to recipient/);
  assert.match(r.stderr, /invoice SB000778 is addressed to O0013SUPPLIERX, not to O0013SUPPLIER/);
  await server.waitFor(/step for-us "Addressed to us\?" \(decision\) -> false/);
  assert.ok(!existsSync(ex('received', 'invoices', 'SBI_O0013OEMTRUCKS_SB000778.edi')));
});

test('a message type nobody agreed (ORDERS) ends in the Exception step: the client gets NERP 34 with its text', async () => {
  const r = await send('ORDERS_OEMAUTO.edi', 'O0013OEMAUTO:AUTOPW', '--dsn', 'ORDERS.OEMAUTO.1');
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /NERP 34 File processing failed/);
  assert.match(r.stderr, /message type ORDERS is not agreed with O0013SUPPLIER/);
  await server.waitFor(/document \S+ failed at unsupported: message type ORDERS is not agreed with O0013SUPPLIER; NERP 34/);
});

test('a file that is not EDIFACT leaves through the errors output: quarantined, then refused with a NERP', async () => {
  const r = await send('forecast.csv', 'O0013OEMAUTO:AUTOPW', '--dsn', 'FORECAST.CSV');
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /NERP 34/);
  assert.match(r.stderr, /FORECAST\.CSV is not an EDIFACT interchange/);
  const quarantined = only(ex('received', 'quarantine'));
  assert.deepEqual(quarantined, ['O0013OEMAUTO_FORECAST.CSV']);
  assert.deepEqual(readFileSync(ex('received', 'quarantine', quarantined[0]!)), readFileSync(ex('files', 'forecast.csv')));
});

test('two processes on one listener: OEM Trucks with its engineering password reaches the secure process, which refuses a plain file (SFNA 17, unencrypted not allowed)', async () => {
  writeFileSync(ex('files', 'CAD.BRACKET.STEP'), 'ISO-10303-21;\nHEADER;\nENDSEC;\nEND-ISO-10303-21;\n');
  const r = await runCli(['send', ex('files', 'CAD.BRACKET.STEP'), '--to', `127.0.0.1:${server.port}`, '--local', 'O0013OEMTRUCKS:ENGPW', '--partner', 'O0013SUPPLIER:SUPPW', '--dsn', 'CAD.BRACKET']);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /refused: SFNA 17 Unencrypted file not allowed/);
});

test('the secure process: secure authentication, a signed and encrypted CAD file, a signed EERP after processing', async () => {
  const certs = ex('certs');
  const r = await runCli([
    'send', ex('files', 'CAD.BRACKET.STEP'), '--to', `127.0.0.1:${server.port}`, '--local', 'O0013OEMTRUCKS:ENGPW', '--partner', 'O0013SUPPLIER:SUPPW', '--dsn', 'CAD.BRACKET.V2',
    '--secure-auth', '--auth-key', join(certs, 'oem-b.key'), '--partner-auth-cert', join(certs, 'supplier.pem'),
    '--sign', '--sign-cert', join(certs, 'oem-b.pem'), '--sign-key', join(certs, 'oem-b.key'),
    '--encrypt', '--partner-enc-cert', join(certs, 'supplier.pem'), '--cipher', '04',
    '--sign-eerp', '--partner-ack-cert', join(certs, 'supplier.pem'), '--wait-eerp', '20',
  ]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /EERP received \(signature valid/);
  const folder = ex('received', 'engineering');
  const files = only(folder);
  assert.equal(files.length, 1);
  assert.match(files[0]!, /^CAD\.BRACKET\.V2_\d{18}$/);
  assert.deepEqual(readFileSync(join(folder, files[0]!)), readFileSync(ex('files', 'CAD.BRACKET.STEP')));
  await server.waitFor(/authenticated: secure authentication with O0013OEMTRUCKS succeeded both ways/);
});

test('the same Odette ID with its forecasts password reaches the forecasts process instead, where a CAD file is not EDIFACT', async () => {
  const r = await runCli(['send', ex('files', 'CAD.BRACKET.STEP'), '--to', `127.0.0.1:${server.port}`, '--local', 'O0013OEMTRUCKS:TRUCKPW', '--partner', 'O0013SUPPLIER:SUPPW', '--dsn', 'CAD.BRACKET.V3', '--wait-eerp', '20']);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stderr, /CAD\.BRACKET\.V3 is not an EDIFACT interchange/);
  assert.ok(only(ex('received', 'quarantine')).includes('O0013OEMTRUCKS_CAD.BRACKET.V3'));
});

test('the trace never holds the secrets of the process files', async () => {
  const trace = readFileSync(ex('server.jsonl'), 'utf8');
  assert.ok(trace.length > 1000);
  for (const secret of Object.values(SECRETS)) assert.ok(!trace.includes(secret), `${secret} in the trace`);
});

test('a process file with errors is refused at start with file:line:col diagnostics', async () => {
  const bad = ex('bad.oftp2.json');
  const text = readFileSync(ex('forecasts-and-invoices.oftp2.json'), 'utf8').replace('"O0013OEMAUTO"', '"o13 auto"');
  writeFileSync(bad, text);
  const line = text.split('\n').findIndex((l) => l.includes('"o13 auto"')) + 1;
  const r = await runCli(['serve', bad, '--port', '0', '--inbox', ex('inbox2')], { cwd: dir, env: SECRETS });
  assert.equal(r.code, 1);
  assert.match(r.stderr, new RegExp(`bad\\.oftp2\\.json:${line}:\\d+: error odette-id `));
  assert.match(r.stderr, /not starting: \d+ error\(s\)/);
});

test('a missing secret stops the start with the environment variable to set', async () => {
  const { OFTP2_SECRET_OEM_AUTO_PASSWORD: _dropped, ...rest } = SECRETS;
  const r = await runCli(['serve', 'forecasts-and-invoices.oftp2.json', '--port', '0', '--inbox', ex('inbox3')], { cwd: dir, env: { ...rest, OFTP2_SECRET_OEM_AUTO_PASSWORD: undefined } as NodeJS.ProcessEnv });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /secret "oem-auto-password" .* OFTP2_SECRET_OEM_AUTO_PASSWORD/);
});

test('the partner-group example (processes/inbound-edi) runs end to end: forecasts and invoices filed per partner, the rest refused', async () => {
  const env = { OFTP2_SECRET_OUR_PASSWORD: 'OURPW', OFTP2_SECRET_ACME_PASSWORD: 'ACMEPW', OFTP2_SECRET_BOLT_PASSWORD: 'BOLTPW' };
  const group = await startServer([join('processes', 'inbound-edi.oftp2.json'), '--inbox', ex('inbox-group')], dir, env);
  try {
    const as = (file: string, local: string, dsn: string) =>
      runCli(['send', ex('files', file), '--to', `127.0.0.1:${group.port}`, '--local', local, '--partner', 'O0013000000OURPLANT:OURPW', '--dsn', dsn, '--wait-eerp', '20']);
    const forecast = await as('DELFOR_OEMAUTO.edi', 'O0013000000ACME:ACMEPW', 'DELFOR.ACME');
    assert.equal(forecast.code, 0, forecast.stdout + forecast.stderr);
    assert.match(forecast.stdout, /EERP received/);
    const forecasts = only(ex('processes', 'out', 'forecasts', 'O0013000000ACME'));
    assert.equal(forecasts.length, 1);
    assert.match(forecasts[0]!, /^O0013000000ACME_DELFOR\.ACME_\d{18}\.edi$/);
    const invoice = await as('INVOIC_OEMTRUCKS.edi', 'O0013000000BOLT:BOLTPW', 'INVOIC.BOLT');
    assert.equal(invoice.code, 0, invoice.stdout + invoice.stderr);
    assert.equal(only(ex('processes', 'out', 'invoices')).length, 1);
    const orders = await as('ORDERS_OEMAUTO.edi', 'O0013000000ACME:ACMEPW', 'ORDERS.ACME');
    assert.equal(orders.code, 1);
    assert.match(orders.stderr, /document type ORDERS is not accepted/);
    const csv = await as('forecast.csv', 'O0013000000BOLT:BOLTPW', 'FORECAST.BOLT');
    assert.equal(csv.code, 1);
    assert.match(csv.stdout, /NERP 34/);
    assert.match(csv.stderr, /invalid EDIFACT: FORECAST\.BOLT/);
  } finally {
    await group.stop();
  }
});
