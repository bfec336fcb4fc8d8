// Whole sessions through the CLI: OFTP 1.4 and 1.3 partners, files flowing both ways (the server's outbox
// to the client's inbox, with EERPs back), the JSON-lines trace with secrets masked, a clean shutdown on
// SIGTERM mid-transfer, and argument errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, startServer } from '../helpers/cli';
import { received, sha256, writeContent, tempDir } from '../helpers/files';

const fresh = (name: string): string => tempDir(name);
const SERVER = ['--local', 'O0013SERVER:SRVPW', '--partner', 'O0013CLIENT:CLIPW'];
const CLIENT = ['--local', 'O0013CLIENT:CLIPW', '--partner', 'O0013SERVER:SRVPW'];

test('OFTP 1.4 and 1.3 partners: the session runs at their level and files arrive intact', async () => {
  const dir = fresh('levels');
  const inbox = join(dir, 'inbox');
  const server = await startServer([...SERVER, '--inbox', inbox]);
  try {
    for (const level of [4, 1]) {
      const file = join(dir, `L${level}.dat`);
      const digest = await writeContent(file, 300_000, 'lines', level);
      const r = await runCli(['send', file, '--to', `${server.host}:${server.port}`, ...CLIENT, '--level', String(level), '--format', 'V', '--record-length', '200', '--dsn', `LEVEL${level}`, '--wait-eerp', '10']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /EERP received/);
      const [meta] = await received(inbox, `LEVEL${level}`);
      assert.equal(meta!.sha256, digest);
      assert.equal(meta!.sfid.date.length, level === 1 ? 6 : 8, 'OFTP 1.3 dates are YYMMDD');
      assert.equal(meta!.sfid.time.length, level === 1 ? 6 : 10);
    }
    assert.match(server.output(), /negotiated: partner O0013CLIENT: level 4,/);
    assert.match(server.output(), /negotiated: partner O0013CLIENT: level 1,/);
  } finally {
    await server.stop();
  }
});

test('files flow both ways: the server sends its outbox to the client, and receipts come back', async () => {
  const dir = fresh('both');
  const outbox = join(dir, 'outbox');
  mkdirSync(join(outbox, 'O0013CLIENT'), { recursive: true });
  const outgoing = readFileSync(__filename);
  writeFileSync(join(outbox, 'O0013CLIENT', 'orders.txt'), outgoing);
  const server = await startServer([...SERVER, '--inbox', join(dir, 'inbox'), '--outbox', outbox]);
  try {
    const file = join(dir, 'up.dat');
    const digest = await writeContent(file, 10_000, 'random', 3);
    const clientInbox = join(dir, 'client-inbox');
    const r = await runCli(['send', file, '--to', `${server.host}:${server.port}`, ...CLIENT, '--inbox', clientInbox, '--wait-eerp', '10']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /EERP received/);
    assert.equal((await received(join(dir, 'inbox'), 'UP.DAT'))[0]!.sha256, digest);
    const [down] = await received(clientInbox, 'ORDERS.TXT');
    assert.ok(down, 'the outbox file reached the client');
    assert.equal(down.sha256, sha256(outgoing));
    assert.equal(down.eerp.status, 'sent', 'the client acknowledged it');
    await server.waitFor(/receipt-received: EERP for ORDERS\.TXT/);
    assert.deepEqual(readdirSync(join(outbox, 'O0013CLIENT')), ['.sent']);
    assert.equal(readdirSync(join(outbox, 'O0013CLIENT', '.sent')).length, 1);
  } finally {
    await server.stop();
  }
});

test('traces: every command and decision as JSON lines, passwords masked in fields and raw bytes', async () => {
  const dir = fresh('trace');
  const serverTrace = join(dir, 'server.jsonl');
  const server = await startServer([...SERVER, '--inbox', join(dir, 'inbox'), '--trace', serverTrace]);
  const clientTrace = join(dir, 'client.jsonl');
  try {
    const file = join(dir, 'a.dat');
    writeFileSync(file, 'hello');
    assert.equal((await runCli(['send', file, '--to', `${server.host}:${server.port}`, ...CLIENT, '--trace', clientTrace])).code, 0);
    const bad = await runCli(['send', file, '--to', `${server.host}:${server.port}`, '--local', 'O0013CLIENT:WRONGPW', '--partner', 'O0013SERVER']);
    assert.equal(bad.code, 1);
  } finally {
    await server.stop();
  }
  for (const path of [serverTrace, clientTrace]) {
    const text = readFileSync(path, 'utf8');
    for (const secret of ['SRVPW', 'CLIPW', 'WRONGPW']) {
      assert.ok(!text.includes(secret), `${secret} in clear in ${path}`);
      assert.ok(!text.includes(Buffer.from(secret).toString('hex')), `${secret} as hex in ${path}`);
    }
    const records = text.trim().split('\n').map((l) => JSON.parse(l));
    for (const r of records) {
      assert.match(r.time, /^\d{4}-\d\d-\d\dT/);
      assert.match(r.session, /^[SC]\d+$/);
      assert.ok(['in', 'out', 'event'].includes(r.direction));
    }
    const ssids = records.filter((r) => r.command === 'SSID');
    assert.ok(ssids.length >= 2);
    for (const s of ssids) {
      assert.equal(s.fields.find((f: { name: string }) => f.name === 'SSIDPSWD').value, '********');
      assert.equal(s.raw.slice(27 * 2, 35 * 2), '2a'.repeat(8), 'password octets overwritten in raw');
    }
    assert.ok(records.some((r) => r.direction === 'event' && r.command === 'negotiated' && r.detail.bufferSize === 99999));
  }
  const serverRecords = readFileSync(serverTrace, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const esid = serverRecords.find((r) => r.direction === 'out' && r.command === 'ESID' && r.reason?.code === 4);
  assert.ok(esid, 'the refusal is traced');
  assert.equal(esid.reason.text, 'Invalid password');
  assert.deepEqual(esid.fields.map((f: { name: string }) => f.name), ['ESIDCMD', 'ESIDREAS', 'ESIDREASL', 'ESIDREAST', 'ESIDCR']);
});

test('SIGTERM mid-transfer: the server ends the session with ESID 05 after the grace period and exits 0', async () => {
  const dir = fresh('sigterm');
  const inbox = join(dir, 'inbox');
  const server = await startServer([...SERVER, '--inbox', inbox, '--grace', '1']);
  const file = join(dir, 'slow.dat');
  await writeContent(file, 50 * 1024 * 1024, 'random', 5);
  const sending = runCli(['send', file, '--to', `${server.host}:${server.port}`, ...CLIENT, '--buffer', '128', '--credit', '1']);
  await server.waitFor(/S1 negotiated/);
  const started = Date.now();
  const code = await server.stop('SIGTERM');
  assert.equal(code, 0);
  assert.ok(Date.now() - started < 8000, 'exits within the grace period plus a little');
  assert.match(server.output(), /SIGTERM: finishing 1 session\(s\)/);
  const r = await sending;
  assert.equal(r.code, 1);
  assert.match(r.stderr, /ESID 05 Local site emergency close down/);
  assert.equal((await received(inbox)).length, 0);
  assert.ok(existsSync(join(inbox, '.oftp2-partial')));
});

test('bad arguments to serve and send exit 2 with a clear message', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['serve', '--partner', 'A:B'], /serve needs --local/],
    [['serve', '--local', 'O0013X'], /at least one --partner/],
    [['serve', '--local', 'O0013X', '--partner', 'NOPASSWORD'], /--partner must be ID:PASSWORD/],
    [['serve', '--local', 'O0013X', '--partner', 'A:B', '--port', '70000'], /--port must be a whole number from 0 to 65535/],
    [['serve', '--local', 'O0013X', '--partner', 'A:123456789'], /password is longer than 8/],
    [['send', 'f', '--local', 'A:B', '--partner', 'C'], /send needs --to/],
    [['send', 'f', '--to', 'nocolon', '--local', 'A:B', '--partner', 'C'], /--to must be HOST:PORT/],
    [['send', 'f', '--to', 'h:1', '--local', 'A', '--partner', 'C'], /--local must be ID:PASSWORD/],
    [['send', 'f', '--to', 'h:1', '--local', 'A:B', '--partner', 'C', '--format', 'X'], /--format must be U, F, V or T/],
    [['send', 'f', '--to', 'h:1', '--local', 'A:B', '--partner', 'C', '--format', 'F'], /--format F needs --record-length/],
    [['send', 'f', '--to', 'h:1', '--local', 'A:B', '--partner', 'C', '--credit', '0'], /--credit must be a whole number from 1 to 999/],
    [['send', 'f', '--to', 'h:1', '--local', 'A:B', '--partner', 'C', '--buffer', '127'], /--buffer must be a whole number from 128 to 99999/],
    [['send', '--to', 'h:1', '--local', 'A:B', '--partner', 'C'], /at least one FILE/],
    [['send', 'a', 'b', '--dsn', 'X', '--to', 'h:1', '--local', 'A:B', '--partner', 'C'], /--dsn names one file/],
  ];
  for (const [args, pattern] of cases) {
    const r = await runCli(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, pattern, args.join(' '));
  }
});
