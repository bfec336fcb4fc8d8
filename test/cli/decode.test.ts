// `oftp2 decode` as users run it: the built dist/cli.js in a child process, on real files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tempDir } from '../helpers/files';

const ROOT = resolve(__dirname, '../../..');
const CLI = join(ROOT, 'dist/cli.js');
const INITIATOR = join(ROOT, 'examples/captures/go-client-initiator.hex');
const RESPONDER = join(ROOT, 'examples/captures/go-client-responder.hex');
/** SHA-256 of the 4130-octet file in the example capture, computed when the example was generated. */
const PAYLOAD_SHA256 = '698eb715721e4a8e1b7232301cbe7a0a7d71a509d36ed6c6ed5a4cc59f2cb792';

function run(args: string[], input?: Buffer): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { input, encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Independent reading of our example files: drop comment lines and whitespace, then hex. */
function hexFileBytes(path: string): Buffer {
  const text = readFileSync(path, 'utf8').split('\n').filter((l) => !l.startsWith('#')).join('');
  return Buffer.from(text.replace(/\s+/g, ''), 'hex');
}

const tmp = tempDir('decode');

test('decodes the example capture: one line per command, fields, tolerances and the EFID check', () => {
  const r = run(['decode', INITIATOR]);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  const heads = lines.filter((l) => l.startsWith('#'));
  assert.deepEqual(heads.map((l) => l.split(' ')[2]), ['SSID', 'SFID', 'DATA', 'DATA', 'DATA', 'DATA', 'DATA', 'EFID', 'ESID']);
  assert.match(heads[0]!, /^#1 @0 SSID \(61\) OFTP 2\.0, id O0013INITIATOR, password \(blank\), buffer 1024, mode S, credit 999/);
  assert.match(heads[1]!, /TESTDSN 20261128 0404444406, O0013INITIATOR -> O0013RESPONDER, format U/);
  assert.match(heads[6]!, /DATA \(1025\) 102 data octets in 922 subrecords, 1 end-of-record/);
  assert.match(heads[8]!, /ESID \(9\) 00 Normal session termination: "OK"/);
  assert.ok(lines.includes('      35 SSIDSDEB   1024'), 'SSIDSDEB listed at offset 35');
  assert.ok(lines.some((l) => l.includes('tolerated lf-terminator')));
  assert.ok(lines.some((l) => l.includes('tolerated padding-after-eof')));
  assert.ok(lines.includes('    ok: counts match the data received'));
  assert.equal(lines.at(-1), '-- 9 command(s) decoded from 5431 octets (hex)');
});

test('binary captures, xxd and hexdump -C dumps decode the same as plain hex', () => {
  const bytes = hexFileBytes(RESPONDER);
  const bin = join(tmp, 'responder.bin');
  writeFileSync(bin, bytes);
  const rows = (n: number) => Array.from({ length: Math.ceil(bytes.length / n) }, (_, i) => bytes.subarray(i * n, i * n + n));
  const ascii = (b: Buffer) => [...b].map((c) => (c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : '.')).join('');
  const xxd = rows(16).map((b, i) => `${(i * 16).toString(16).padStart(8, '0')}: ${(b.toString('hex').match(/.{1,4}/g) ?? []).join(' ').padEnd(39)}  ${ascii(b)}`).join('\n');
  const hd = rows(16).map((b, i) => `${(i * 16).toString(16).padStart(8, '0')}  ${[...b].map((c) => c.toString(16).padStart(2, '0')).join(' ')}  |${ascii(b)}|`).join('\n');
  writeFileSync(join(tmp, 'responder.xxd'), `${xxd}\n`);
  writeFileSync(join(tmp, 'responder.hd'), `${hd}\n`);
  const expected = run(['decode', RESPONDER, '--brief']).stdout.replace('(hex)', '');
  assert.match(expected, /#2 @23 SSID \(61\) OFTP 2\.0, id O0013RESPONDER, password \*{8}/);
  for (const [file, fmt] of [[bin, 'binary'], [join(tmp, 'responder.xxd'), 'hex'], [join(tmp, 'responder.hd'), 'hex']] as const) {
    const r = run(['decode', file, '--brief']);
    assert.equal(r.code, 0, `${file}: ${r.stderr}`);
    assert.equal(r.stdout.replace(`(${fmt})`, ''), expected, file);
  }
  const stdin = run(['decode', '-', '--brief'], bytes);
  assert.equal(stdin.code, 0);
  assert.equal(stdin.stdout.replace('(binary)', ''), expected);
});

test('passwords are masked unless --show-secrets, in text and JSON output', () => {
  const text = run(['decode', RESPONDER]);
  assert.ok(!text.stdout.includes('SECRET'), 'password leaked in text output');
  assert.ok(text.stdout.includes('      27 SSIDPSWD   ********'));
  const json = run(['decode', RESPONDER, '--json']);
  assert.equal(json.code, 0);
  const records = json.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(records.map((r) => r.command), ['SSRM', 'SSID', 'SFPA', 'CDT', 'CDT', 'EFPA']);
  const pswd = records[1].fields.find((f: { name: string }) => f.name === 'SSIDPSWD');
  assert.deepEqual(pswd, { name: 'SSIDPSWD', offset: 27, length: 8, value: '********' });
  assert.ok(!json.stdout.includes('SECRET'));
  const shown = run(['decode', RESPONDER, '--json', '--show-secrets']);
  assert.equal(JSON.parse(shown.stdout.split('\n')[1]!).fields.find((f: { name: string }) => f.name === 'SSIDPSWD').value, 'SECRET');
});

test('--extract writes the virtual file carried by the DATA buffers', () => {
  const dir = join(tmp, 'extract');
  const r = run(['decode', INITIATOR, '--extract', dir, '--brief']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(readdirSync(dir), ['001.bin']);
  const file = readFileSync(join(dir, '001.bin'));
  assert.equal(file.length, 4130);
  assert.equal(file.subarray(0, 6).toString(), 'Hello ');
  assert.equal(createHash('sha256').update(file).digest('hex'), PAYLOAD_SHA256);
});

test('malformed input: exit 1 with the command, field, offsets and the ESID a receiver would send', () => {
  const bytes = hexFileBytes(RESPONDER);
  // SSIDSDEB of the responder's SSID: frame at stream offset 23, header 4, field offset 35.
  const bad = Buffer.from(bytes);
  bad[23 + 4 + 36] = 0x41;
  const r = run(['decode', '-'], bad);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /^#1 @0 SSRM/, 'commands before the error are still printed');
  assert.match(r.stderr, /malformed input at stream offset 63: SSID field SSIDSDEB at offset 36: expected 5 decimal digits, got "0A024" \(a receiver would end the session with ESID 06\)/);

  const truncated = run(['decode', '-'], bytes.subarray(0, bytes.length - 1));
  assert.equal(truncated.code, 1);
  assert.match(truncated.stderr, /stream ended inside a frame: header says 6 octets, only 5 arrived/);

  const notOftp = run(['decode', '-'], Buffer.from('GET / HTTP/1.1\r\n\r\n'));
  assert.equal(notOftp.code, 1);
  assert.match(notOftp.stderr, /line 1: not a hex dump/);
});

test('an EFID whose counts do not match the data is reported and fails the run', () => {
  const bytes = hexFileBytes(INITIATOR);
  const text = bytes.toString('latin1');
  const at = text.search(/T0{30}4130/);
  assert.ok(at > 0);
  const bad = Buffer.from(bytes);
  bad.write('4131', at + 31, 'latin1');
  const r = run(['decode', '-', '--brief'], bad);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /MISMATCH: EFID says 4131 octets, 4130 arrived \(the receiver should answer EFNA 11\)/);
});

test('bad arguments exit 2 with a clear message', () => {
  const cases: Array<[string[], RegExp]> = [
    [['decode', INITIATOR, '--level', '3'], /--level must be 1, 2, 4 or 5/],
    [['decode', INITIATOR, '--format', 'pcap'], /--format must be auto, hex or binary/],
    [['decode', INITIATOR, '--frobnicate'], /Unknown option '--frobnicate'/],
    [['decode', join(tmp, 'missing.hex')], /cannot read .*missing\.hex/],
    [['frobnicate'], /unknown command "frobnicate"/],
    [[], /usage: oftp2/],
  ];
  for (const [args, pattern] of cases) {
    const r = run(args);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.stderr + r.stdout, pattern, args.join(' '));
  }
});
