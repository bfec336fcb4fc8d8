// The .oftptrace text format: real traces of real sessions (plain, refused password, refused file, secure
// authentication, many DATA buffers, a partner that needs tolerances) survive JSONL -> text -> records
// unchanged and never show a password; damaged files give errors on the right line instead of exceptions;
// and arbitrary records round-trip (formatTrace(parseTrace(formatTrace(x))) === formatTrace(x)).
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StbParser } from '../../src/oftp/codec/stb';
import { createCertificate } from '../../src/oftp/security/certs';
import type { TraceRecord } from '../../src/oftp/trace';
import {
  formatTrace,
  formatTraceRecord,
  jsonLinesToTrace,
  parseJsonLines,
  parseTrace,
  traceFileHeader,
  traceToJsonLines,
} from '../../src/oftp/trace-file';
import { ROOT, runCli, startServer } from '../helpers/cli';
import { tempDir, writeContent } from '../helpers/files';
import { ScriptedPeer } from '../helpers/peer';
import { Random } from '../helpers/random';

const SECRETS = ['SRVPW', 'CLIPW', 'WRONGPW'];
const SERVER = ['--local', 'O0013SERVER:SRVPW', '--partner', 'O0013CLIENT:CLIPW'];
const CLIENT = ['--local', 'O0013CLIENT:CLIPW', '--partner', 'O0013SERVER:SRVPW'];

const dir = tempDir('tracefile');
const p = (n: string): string => join(dir, n);
/** JSON-lines traces of real sessions, by name. */
const traces = new Map<string, string>();

function goClientFrames(): Buffer[] {
  const text = readFileSync(join(ROOT, 'examples/captures/go-client-initiator.hex'), 'utf8');
  const bytes = Buffer.from(text.split('\n').filter((l) => !l.startsWith('#')).join('').replace(/\s+/g, ''), 'hex');
  const frames: Buffer[] = [];
  const parser = new StbParser();
  parser.push(bytes, (b) => frames.push(Buffer.from(b)));
  parser.end();
  return frames;
}

before(async () => {
  writeFileSync(p('a.dat'), 'hello');
  await writeContent(p('big.dat'), 60_000, 'random', 7);
  const server = await startServer([...SERVER, '--inbox', p('inbox'), '--trace', p('server.jsonl')]);
  try {
    const to = `${server.host}:${server.port}`;
    const ok = await runCli(['send', p('a.dat'), '--to', to, ...CLIENT, '--wait-eerp', '10', '--trace', p('plain.jsonl')]);
    assert.equal(ok.code, 0, ok.stderr);
    const bad = await runCli(['send', p('a.dat'), '--to', to, '--local', 'O0013CLIENT:WRONGPW', '--partner', 'O0013SERVER', '--trace', p('password.jsonl')]);
    assert.equal(bad.code, 1);
    const dup = await runCli(['send', p('a.dat'), '--to', to, ...CLIENT, '--trace', p('duplicate.jsonl')]);
    assert.equal(dup.code, 1);
    const big = await runCli(['send', p('big.dat'), '--to', to, ...CLIENT, '--buffer', '4096', '--compress', '--trace', p('data.jsonl')]);
    assert.equal(big.code, 0, big.stderr);
  } finally {
    await server.stop();
  }

  const ca = createCertificate({ commonName: 'Trace CA', isCa: true });
  for (const name of ['server', 'client']) {
    const c = createCertificate({ commonName: name, issuer: ca });
    writeFileSync(p(`${name}.pem`), c.certPem);
    writeFileSync(p(`${name}.key`), c.keyPem);
  }
  const auth = await startServer([...SERVER, '--inbox', p('auth-inbox'), '--trace', p('auth-server.jsonl'),
    '--secure-auth', 'required', '--auth-key', p('server.key'), '--partner-auth-cert', `O0013CLIENT=${p('client.pem')}`]);
  try {
    const r = await runCli(['send', p('a.dat'), '--to', `127.0.0.1:${auth.port}`, ...CLIENT, '--secure-auth', '--auth-key', p('client.key'),
      '--partner-auth-cert', p('server.pem'), '--wait-eerp', '10', '--trace', p('auth-client.jsonl')]);
    assert.equal(r.code, 0, r.stderr);
  } finally {
    await auth.stop();
  }

  // The Go client of the example capture bends the rules: its session is traced with tolerances.
  const lenient = await startServer(['--local', 'O0013RESPONDER:SECRET', '--partner', 'O0013INITIATOR:', '--inbox', p('lenient-inbox'), '--trace', p('lenient.jsonl')]);
  try {
    const frames = goClientFrames();
    const peer = await ScriptedPeer.connect(lenient.host, lenient.port);
    await peer.expect('SSRM');
    peer.sendRaw(frames[0]!);
    await peer.expect('SSID');
    peer.sendRaw(frames[1]!);
    await peer.expect('SFPA');
    for (const d of frames.slice(2, 7)) peer.sendRaw(d);
    peer.sendRaw(frames[7]!);
    await peer.expect('EFPA');
    peer.sendRaw(frames[8]!);
    await peer.closed();
    await lenient.waitFor(/S1 ended/);
  } finally {
    await lenient.stop();
  }
  for (const name of ['server', 'plain', 'password', 'duplicate', 'data', 'auth-server', 'auth-client', 'lenient']) {
    traces.set(name, readFileSync(p(`${name}.jsonl`), 'utf8'));
  }
});

function allRecords(): TraceRecord[] {
  return [...traces.values()].flatMap((t) => parseJsonLines(t).records);
}

test('real traces: JSON lines -> .oftptrace -> records gives back exactly the same records', () => {
  for (const [name, jsonl] of traces) {
    const { text, records, errors } = jsonLinesToTrace(jsonl);
    assert.deepEqual(errors, [], name);
    assert.equal(records.length, jsonl.trim().split('\n').length, name);
    assert.deepStrictEqual(records, jsonl.trim().split('\n').map((l) => JSON.parse(l)), `${name}: JSONL read as is`);
    const back = parseTrace(text);
    assert.deepEqual(back.errors, [], name);
    assert.deepStrictEqual(back.records, records, name);
    assert.equal(formatTrace(back.records), text, `${name}: formatting is stable`);
    assert.equal(traceToJsonLines(back.records).trim().split('\n').length, records.length);
  }
  // What the traces cover: every command of a session, both refusals, secure authentication, DATA, tolerances.
  const all = allRecords();
  const commands = new Set(all.filter((r) => r.direction !== 'event').map((r) => r.command));
  for (const c of ['SSRM', 'SSID', 'SFID', 'SFPA', 'DATA', 'EFID', 'EFPA', 'CD', 'EERP', 'RTR', 'ESID', 'SFNA', 'SECD', 'AUCH', 'AURP']) {
    assert.ok(commands.has(c), `${c} in the traces`);
  }
  assert.ok(all.some((r) => r.command === 'ESID' && r.reason?.code === 4), 'ESID 04');
  assert.ok(all.some((r) => r.command === 'SFNA' && r.reason?.code === 13), 'SFNA 13');
  assert.ok(all.some((r) => r.command === 'DATA' && r.rawTruncated === true && r.length! > 64), 'a truncated DATA buffer');
  assert.ok(all.some((r) => r.tolerances?.length), 'a command with tolerances');
  assert.ok(all.some((r) => r.direction === 'event' && r.detail), 'events with detail');
});

test('the text is made for people: header line, fields with offsets, reason in words, hex dump', () => {
  const text = jsonLinesToTrace(traces.get('server')!).text;
  const lines = text.split('\n');
  assert.equal(lines[0], 'oftptrace 1');
  assert.match(text, /^\d{4}-\d\d-\d\dT[\d:.]+Z S\d+ -> ESID {2}04 Invalid password: "wrong password for O0013CLIENT"$/m);
  assert.match(text, /^ {2}reason ESID 04 Invalid password$/m);
  assert.match(text, /^ {2}reason SFNA 13 Duplicate file$/m);
  assert.match(text, /^ {2}SSIDPSWD @27\+8 += "\*\*\*\*\*\*\*\*"$/m);
  assert.match(text, /^ {2}SSIDLEV +@1\+1 += 5$/m, 'numbers unquoted, strings quoted');
  assert.match(text, /^\S+ S1 <- SSID {2}OFTP 2\.0, id O0013CLIENT/m);
  assert.match(text, /^\S+ S1 -- negotiated {2}partner O0013CLIENT/m);
  assert.match(text, /^ {4}0010 {2}[0-9a-f ]{35} {2}\|.{16}\|$/m, 'hex dump with offsets and ASCII');
  const lenient = jsonLinesToTrace(traces.get('lenient')!).text;
  assert.match(lenient, /^ {2}tolerated lf-terminator {2}LF \(0x0A\) instead of CR/m);
  const data = jsonLinesToTrace(traces.get('data')!).text;
  assert.match(data, /^ {2}raw truncated$/m);
});

test('secrets stay masked: no password, in text or hex, after format -> parse -> format', () => {
  for (const [name, jsonl] of traces) {
    const once = jsonLinesToTrace(jsonl).text;
    const twice = formatTrace(parseTrace(once).records);
    for (const text of [once, twice]) {
      for (const secret of SECRETS) {
        assert.ok(!text.includes(secret), `${secret} in ${name}`);
        const hex = Buffer.from(secret).toString('hex');
        assert.ok(!text.replace(/\s+/g, '').includes(hex), `${secret} as hex in ${name}`);
      }
    }
  }
});

test('streaming: the header then formatTraceRecord() for each record is the same file as formatTrace()', () => {
  const records = allRecords();
  assert.equal(traceFileHeader() + records.map(formatTraceRecord).join(''), formatTrace(records));
  const withComment = formatTrace(records.slice(0, 2), { comment: 'captured by a test\nsecond line' });
  assert.match(withComment, /^oftptrace 1\n(#.*\n)+# captured by a test\n# second line\n/);
  assert.deepStrictEqual(parseTrace(withComment).records, records.slice(0, 2));
});

test('jsonLinesToTrace: bad JSON lines are named by line number and left out, the rest converted', () => {
  const [a, b, c] = traces.get('plain')!.trim().split('\n');
  const source = [a, '{"time": "cut off', '', b, '[1,2]', '{"time":"t","session":"S","direction":"up","command":"X","summary":""}', c].join('\n');
  const { records, errors } = jsonLinesToTrace(source);
  assert.deepStrictEqual(records, [a, b, c].map((l) => JSON.parse(l!)));
  assert.deepEqual(errors.map((e) => e.line), [2, 5, 6]);
  assert.match(errors[0]!.message, /not JSON/);
  assert.match(errors[1]!.message, /not a JSON object/);
  assert.match(errors[2]!.message, /direction/);
});

/** Line numbers (1-based) where each record's block starts and ends in `text`. */
function blocks(text: string): Array<{ start: number; end: number }> {
  const lines = text.split('\n');
  const out: Array<{ start: number; end: number }> = [];
  lines.forEach((l, i) => {
    if (i > 0 && /^\S/.test(l) && !l.startsWith('#')) out.push({ start: i + 1, end: i + 1 });
    else if (out.length && /^\s+\S/.test(l)) out[out.length - 1]!.end = i + 1;
  });
  return out;
}

test('a junk line anywhere: an error on exactly that line, its record left out, every other record kept', () => {
  const records = parseJsonLines(traces.get('server')!).records.slice(0, 14);
  const text = formatTrace(records);
  const lines = text.split('\n');
  const spans = blocks(text);
  for (let k = 1; k <= lines.length; k++) {
    const damaged = [...lines.slice(0, k), '  ??? not a trace line', ...lines.slice(k)].join('\n');
    const junkLine = k + 1;
    const { records: got, errors } = parseTrace(damaged);
    assert.equal(errors.length, 1, `junk at line ${junkLine}: ${JSON.stringify(errors)}`);
    assert.equal(errors[0]!.line, junkLine);
    // Junk right after a line of a record breaks that record; after a blank line it belongs to none.
    const owner = spans.findIndex((s) => s.start <= k && k <= s.end);
    const expected = owner < 0 ? records : records.filter((_, i) => i !== owner);
    assert.deepStrictEqual(got, expected, `junk at line ${junkLine}`);
  }
});

test('garbled characters: never an exception, errors only on the garbled line, later records intact', () => {
  const records = parseJsonLines(traces.get('server')!).records.slice(0, 20);
  const text = formatTrace(records);
  const lines = text.split('\n');
  const spans = blocks(text);
  const rnd = new Random(11);
  const junk = [' ', '"', '#', '@', '=', '+', 'x', '0', 'z', '\t', '|', '\\', '{', 'é', '\u2028'];
  let withErrors = 0;
  for (let n = 0; n < 3000; n++) {
    const k = rnd.int(0, lines.length - 1);
    const line = lines[k]!;
    const at = rnd.int(0, line.length);
    const garbled = line.slice(0, at) + rnd.pick(junk) + line.slice(at + rnd.int(0, 1));
    const damaged = [...lines.slice(0, k), garbled, ...lines.slice(k + 1)].join('\n');
    const result = parseTrace(damaged);
    if (result.errors.length) withErrors++;
    // A line garbled into a comment is gone, so the damage shows on the line after it.
    const allowed = garbled.trimStart().startsWith('#') ? [k + 1, k + 2] : [k + 1];
    for (const e of result.errors) assert.ok(allowed.includes(e.line), `${JSON.stringify(garbled)} at line ${k + 1}: error on line ${e.line}: ${e.message}`);
    // Records that start after the garbled line come through unchanged.
    const firstAfter = spans.findIndex((s) => s.start > k + 1);
    if (firstAfter >= 0) {
      const tail = records.slice(firstAfter);
      assert.deepStrictEqual(result.records.slice(result.records.length - tail.length), tail, `${JSON.stringify(garbled)} at line ${k + 1}`);
    }
  }
  assert.ok(withErrors > 1000, `most garbling is noticed (${withErrors})`);
});

test('a file split anywhere: both parts load without exceptions, the second names what it lacks on line 1', () => {
  const records = parseJsonLines(traces.get('plain')!).records;
  const text = formatTrace(records);
  const lines = text.split('\n');
  const spans = blocks(text);
  for (let k = 1; k < lines.length; k++) {
    const head = parseTrace(lines.slice(0, k).join('\n'));
    const tail = parseTrace(lines.slice(k).join('\n'));
    assert.deepEqual(head.errors, [], `split after line ${k}`);
    const complete = spans.filter((s) => s.end <= k).length;
    assert.deepStrictEqual(head.records.slice(0, complete), records.slice(0, complete));
    assert.ok(tail.errors.length >= 1 && tail.errors.every((e) => e.line === 1), `split after line ${k}: ${JSON.stringify(tail.errors)}`);
    const whole = spans.filter((s) => s.start > k).length;
    assert.deepStrictEqual(tail.records.slice(tail.records.length - whole), records.slice(records.length - whole));
  }
  // Cut at every character: never an exception.
  for (let at = 0; at <= text.length; at += 7) {
    parseTrace(text.slice(0, at));
    parseTrace(text.slice(at));
  }
});

test('damaged files: the error says what is wrong and where', () => {
  const cases: Array<[string, number, RegExp]> = [
    ['oftptrace 2\n', 1, /version 2 is not supported/],
    ['OFTP trace\n', 1, /not an oftptrace file/],
    ['oftptrace 1\nT S1 => SSID  x\n', 2, /direction must be ->/],
    ['oftptrace 1\nT S1 -> SSID\n  SSIDLEV @1+1 5\n', 3, /"=" expected/],
    ['oftptrace 1\nT S1 -> SSID\n  SSIDLEV @1+1 = five\n', 3, /field value must be a "quoted string", a number, true or false/],
    ['oftptrace 1\nT S1 -> SSID\n  SSIDLEV @1 = 5\n', 3, /expected @offset\+length/],
    ['oftptrace 1\nT S1 -> SSID\n  SSIDLEV @1+1 = "open\n', 3, /unterminated quoted string/],
    ['oftptrace 1\nT S1 -> SSID\n  length 3\n  length 4\n', 4, /second "length" line/],
    ['oftptrace 1\nT S1 -> SSID\n  lenght 3\n', 3, /unknown line "lenght"/],
    ['oftptrace 1\nT S1 -> SSID\n  raw\n    0000  41424344  |ABCD|\n    0010  45  |E|\n', 5, /offset 0010 where 0004 was expected/],
    ['oftptrace 1\nT S1 -> SSID\n  detail {"a":}\n', 3, /detail is not valid JSON/],
    ['oftptrace 1\nT S1 -> SSID\n  detail [1]\n', 3, /detail must be a JSON object/],
    ['oftptrace 1\nT S1 -> ESID\n  reason ESID four\n', 3, /reason code must be a number/],
    ['oftptrace 1\nT S1 -> DATA\n  raw sideways\n', 3, /unexpected "sideways" on the raw line/],
    ['oftptrace 1\n  SSIDLEV @1+1 = 5\n', 2, /indented line outside a record/],
    ['oftptrace 1\nT S1 -> DATA\n    0000  41\n', 3, /hex dump line outside a raw block/],
  ];
  for (const [source, line, message] of cases) {
    const { records, errors } = parseTrace(source);
    assert.ok(errors.length >= 1, source);
    assert.ok(errors.every((e) => e.line === line), `${JSON.stringify(source)}: ${JSON.stringify(errors)}`);
    assert.match(errors[0]!.message, message);
    assert.equal(records.length, /oftptrace [12]\n$|^OFTP/.test(source) ? 0 : records.length);
  }
  // The record after a damaged one is kept.
  const { records, errors } = parseTrace('oftptrace 1\nT S1 -> SSID\n  SSIDLEV @1+1 = ?\n\nT S1 <- CD    change direction\n');
  assert.equal(errors[0]!.message.includes('record of line 2 left out'), true);
  assert.deepStrictEqual(records, [{ time: 'T', session: 'S1', direction: 'in', command: 'CD', summary: 'change direction' }]);
  // Not a string at all, or nothing: still no exception.
  assert.equal(parseTrace('').errors[0]!.line, 1);
  assert.equal(parseTrace(undefined as unknown as string).records.length, 0);
});

test('people may edit: words for directions, CRLF, upper-case hex, comments anywhere, no ASCII column', () => {
  const { records, errors } = parseTrace(
    'oftptrace 1\r\n# note\r\nT S1 out CD\r\n  # why\r\n  CDCMD @0+1 = "R"\r\n  raw\r\n    0000  5A\r\n',
  );
  assert.deepEqual(errors, []);
  assert.deepStrictEqual(records, [{ time: 'T', session: 'S1', direction: 'out', command: 'CD', summary: '', fields: [{ name: 'CDCMD', offset: 0, length: 1, value: 'R' }], raw: '5a' }]);
});

// ---- property: arbitrary records survive

const TRICKY = ['', ' ', '"', '#', '@', '=', '+', '\\', '\n', '\r\n', '\t', '\u0000', '\u2028', '\u202e', '\ufeff', '\ud800', 'é', '😀', 'none', 'raw', 'reason', '->', '--', 'oftptrace 1', '|', '0000', '  x  ', '"quoted"', 'a b'];

function str(r: Random, max = 12): string {
  let s = '';
  const n = r.int(0, max);
  for (let i = 0; i < n; i++) s += r.next() < 0.3 ? r.pick(TRICKY) : String.fromCharCode(r.int(0x20, 0x7e));
  return r.next() < 0.1 ? r.pick(TRICKY) : s;
}

function num(r: Random): number {
  return r.pick([0, -0, 1, 7, 99, 99999, -3, 1.5, 1e21, 5e-7, NaN, Infinity, -Infinity, Number.MAX_SAFE_INTEGER, r.int(0, 1000)]);
}

function json(r: Random, depth = 0): unknown {
  const k = r.int(0, depth > 2 ? 3 : 5);
  if (k === 0) return str(r);
  if (k === 1) return r.int(-5, 100000) / r.pick([1, 4]);
  if (k === 2) return r.next() < 0.5;
  if (k === 3) return null;
  if (k === 4) return Array.from({ length: r.int(0, 3) }, () => json(r, depth + 1));
  return Object.fromEntries(Array.from({ length: r.int(0, 3) }, () => [str(r, 5), json(r, depth + 1)]));
}

function randomRecord(r: Random): TraceRecord {
  const rec: TraceRecord = {
    time: r.next() < 0.7 ? new Date(r.int(0, 2e12)).toISOString() : str(r),
    session: r.next() < 0.7 ? `S${r.int(1, 99)}` : str(r),
    direction: r.pick(['in', 'out', 'event'] as const),
    command: r.next() < 0.7 ? r.pick(['SSID', 'ESID', 'SFNA', 'DATA', 'CD', 'connected', 'file-refused']) : str(r),
    summary: str(r, 40),
  };
  if (r.next() < 0.6) {
    rec.fields = Array.from({ length: r.int(0, 5) }, () => ({
      name: r.next() < 0.7 ? `F${r.int(0, 99)}` : str(r),
      offset: r.next() < 0.8 ? r.int(0, 200) : num(r),
      length: r.next() < 0.8 ? r.int(0, 30) : num(r),
      value: r.pick([() => str(r, 20), () => num(r), () => r.next() < 0.5, () => '********'])(),
    }));
  }
  if (r.next() < 0.6) {
    rec.raw = r.next() < 0.8 ? r.bytes(r.int(0, 70)).toString('hex') : str(r);
  }
  if (r.next() < 0.5) rec.length = r.next() < 0.8 ? r.int(0, 99999) : num(r);
  if (r.next() < 0.3) rec.rawTruncated = r.next() < 0.5;
  if (r.next() < 0.3) rec.reason = { kind: r.pick(['ESID', 'SFNA', 'EFNA', 'NERP'] as const), code: r.next() < 0.8 ? r.int(0, 99) : num(r), text: str(r, 30) };
  if (r.next() < 0.3) rec.tolerances = Array.from({ length: r.int(0, 3) }, () => (r.next() < 0.6 ? 'lf-terminator' : str(r)) as never);
  if (r.next() < 0.4) rec.detail = Object.fromEntries(Array.from({ length: r.int(0, 4) }, () => [str(r, 6), json(r)]));
  return rec;
}

test('property: any records round-trip exactly, and formatTrace(parseTrace(formatTrace(x))) === formatTrace(x)', () => {
  const r = new Random(2024);
  for (let n = 0; n < 400; n++) {
    const records = Array.from({ length: r.int(0, 6) }, () => randomRecord(r));
    const text = formatTrace(records);
    const back = parseTrace(text);
    assert.deepEqual(back.errors, [], text);
    assert.deepStrictEqual(back.records, records, text);
    assert.equal(formatTrace(back.records), text);
    // Every line is a line in any editor: no character that some editor treats as a line break.
    assert.ok(!/[\r\u0085\u2028\u2029\u000b\u000c]/.test(text), `odd line break in ${JSON.stringify(text)}`);
  }
});

test('the sample examples/captures/session.oftptrace loads cleanly and holds no password', () => {
  const sample = readFileSync(join(ROOT, 'examples/captures/session.oftptrace'), 'utf8');
  const { records, errors } = parseTrace(sample);
  assert.deepEqual(errors, []);
  assert.equal(formatTrace(records), sample.replace(/^# .*\n/gm, (l) => (/^# (TIME|->)/.test(l) ? l : '')), 'the sample is formatTrace output plus comments');
  const commands = new Set(records.map((x) => x.command));
  for (const c of ['SSRM', 'SSID', 'SFID', 'SFPA', 'DATA', 'EFID', 'EFPA', 'CD', 'EERP', 'ESID', 'SFNA']) assert.ok(commands.has(c), c);
  assert.ok(records.some((x) => x.command === 'ESID' && x.reason?.code === 4));
  for (const x of records.filter((x) => x.command === 'SSID')) {
    assert.equal(x.fields!.find((f) => f.name === 'SSIDPSWD')!.value, '********');
  }
  assert.ok(!/OURPW|THEIRPW|NOTTHEPW|SRVPW|CLIPW|WRONGPW/.test(sample));
});
