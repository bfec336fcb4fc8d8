// DATA exchange buffers (RFC 5024 §7): the RFC appendices rebuilt from their printed hex rows, round trips
// of every record format through VirtualFileWriter and VirtualFileReader, receiver errors, and the named
// tolerances for what real peers send.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  COMPRESSED_FLAG,
  DataBufferPacker,
  EOR_FLAG,
  parseSubrecords,
  VirtualFileReader,
  VirtualFileWriter,
  type RecordLayout,
  type Subrecord,
  type VirtualFileOptions,
} from '../../src/oftp/codec/data';
import { decodeCommand, type FileFormat } from '../../src/oftp/codec/commands';
import { OftpDecodeError, OftpEncodeError } from '../../src/oftp/codec/errors';
import { StbParser } from '../../src/oftp/codec/stb';
import { Random } from '../helpers/random';
import { RFC2204_APPENDIX_A, RFC5024_APPENDIX_A } from '../fixtures/rfc-appendix';

// ---------------------------------------------------------------------------------------------------------
// Reading the appendices: octets from the printed nibble rows, expected text from the printed poems.

const latin1 = (b: Uint8Array): string => Buffer.from(b).toString('latin1');

/** How the RFCs print an octet in a text row: the ASCII character, or '.' when not printable. */
function printed(b: number): string {
  return b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
}

interface PrintedRow {
  text: string;
  octets: number[];
  key?: string;
}

/** RFC 5024 App. A: after "Exchange Buffer 1", groups of a text row and two 64-column nibble rows. */
function rfc5024Rows(): PrintedRow[] {
  const lines = RFC5024_APPENDIX_A.split('\n');
  const start = lines.findIndex((l) => l.trim() === 'Exchange Buffer 1');
  assert.ok(start > 0, 'fixture has the exchange buffer');
  const rows: PrintedRow[] = [];
  for (let i = start + 1; i < lines.length; i++) {
    if (!/^ {5}[0-9A-F]+$/.test(lines[i]!)) continue;
    const [text, high, low] = [lines[i - 1]!, lines[i]!, lines[i + 1]!].map((l) => l.slice(5));
    assert.match(low, /^[0-9A-F]+$/, `low nibble row after line ${i}`);
    assert.equal(high.length, low.length, `nibble rows of line ${i} have equal length`);
    const octets = [...high].map((h, k) => parseInt(h + low[k], 16));
    // The RFC text file lost trailing spaces of text rows; a row is never longer than its hex.
    assert.ok(text.length <= octets.length, `text row ${JSON.stringify(text)} is not longer than its hex`);
    rows.push({ text: text.padEnd(octets.length, ' '), octets });
    i++;
  }
  return rows;
}

/** RFC 2204 App. A: Text / Hex-H / Hex-L / Key rows, five 10-column groups per row separated by a space. */
function rfc2204Rows(): PrintedRow[] {
  const rows: PrintedRow[] = [];
  const fields: Record<string, string> = {};
  for (const line of RFC2204_APPENDIX_A.split('\n')) {
    const m = /^ {6}(Text|Hex-H|Hex-L|Key) +: {2}(.*)$/.exec(line);
    if (!m) continue;
    // Drop every 11th column (the group separator) so columns line up octet for octet.
    const cols = [...m[2]!].filter((c, k) => {
      if (k % 11 === 10) {
        assert.equal(c, ' ', `group separator in ${JSON.stringify(line)}`);
        return false;
      }
      return true;
    });
    fields[m[1]!] = cols.join('');
    if (m[1] === 'Key') {
      const { Text: text = '', 'Hex-H': high = '', 'Hex-L': low = '', Key: key = '' } = fields;
      assert.equal(high.length, low.length);
      assert.equal(key.length, high.length);
      rows.push({ text: text.padEnd(high.length, ' '), octets: [...high].map((h, k) => parseInt(h + low[k], 16)), key });
    }
  }
  return rows;
}

const rfc5024Buffer = (): Buffer => Buffer.from(rfc5024Rows().flatMap((r) => r.octets));
const rfc2204Stream = (): Buffer => Buffer.from(rfc2204Rows().flatMap((r) => r.octets));

/** The poem lines as the appendix prints them, between two marker lines, minus the given indentation. */
function poemLines(appendix: string, after: RegExp, before: RegExp, indent: number): string[] {
  const lines = appendix.split('\n');
  const from = lines.findIndex((l) => after.test(l));
  const to = lines.findIndex((l, k) => k > from && before.test(l));
  assert.ok(from > 0 && to > from);
  const poem = lines.slice(from + 1, to);
  while (poem[0]!.trim() === '') poem.shift();
  while (poem[poem.length - 1]!.trim() === '') poem.pop();
  return poem.map((l) => {
    if (l.trim() === '') return '';
    assert.equal(l.slice(0, indent).trim(), '', `indentation of ${JSON.stringify(l)}`);
    return l.slice(indent);
  });
}

/** 'The Rime of the Ancient Mariner' as the T file of RFC 5024 App. A: every line ends with CR-LF. */
function marinerText(): string {
  const lines = poemLines(RFC5024_APPENDIX_A, /transmitted as a T format file/, /The Exchange Buffers below/, 13);
  assert.equal(lines.length, 29, '6 stanzas of 4 lines, 5 blank lines between them');
  // "separated by CR-LFs": the printed buffer ends with 2E 0D 0A, so the last line has its CR-LF too.
  return lines.map((l) => `${l}\r\n`).join('');
}

/** 'The Hunting of the Snark' as the V records of RFC 2204 App. A (6 spaces page indent, 5 more on indented lines). */
function snarkRecords(): string[] {
  return poemLines(RFC2204_APPENDIX_A, /is represented by a zero length record/, /Assuming that the minimum/, 6);
}

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

/** Subrecords as [offset, flags, count] for compact literal comparisons; flags 'E' EoR, 'C' compressed. */
const shape = (subs: Subrecord[]): Array<[number, string, number]> =>
  subs.map((s) => [s.offset, `${s.endOfRecord ? 'E' : ''}${s.compressed ? 'C' : ''}`, s.count]);

function stbFrames(stream: Buffer, cuts: number[] = []): Buffer[] {
  const parser = new StbParser();
  const frames: Buffer[] = [];
  let at = 0;
  for (const cut of [...cuts, stream.length]) {
    parser.push(stream.subarray(at, cut), (b) => frames.push(Buffer.from(b)));
    at = cut;
  }
  parser.end();
  return frames;
}

// ---------------------------------------------------------------------------------------------------------
// RFC 5024 Appendix A: a T file in one DATA exchange buffer.

test('RFC 5024 App. A: the printed text rows agree with the hex rows octet for octet', () => {
  const rows = rfc5024Rows();
  assert.equal(rows.length, 13);
  for (const [i, row] of rows.entries()) {
    assert.equal(row.octets.length, i < 12 ? 64 : 53, `row ${i} length`);
    for (const [k, b] of row.octets.entries()) {
      // Headers print as '?' (0x3F is '?' anyway); 0xB3, CR and LF print as '.'.
      assert.equal(row.text[k], printed(b), `row ${i} column ${k}: text ${JSON.stringify(row.text[k])}, hex 0x${b.toString(16)}`);
    }
  }
});

test('RFC 5024 App. A: 63-octet subrecords, the last one 0xB3 (EoR + 51)', () => {
  const buf = rfc5024Buffer();
  assert.equal(buf.length, 821);
  assert.equal(buf[0], 0x44);
  const subs = parseSubrecords(buf.subarray(1));
  const expected: Array<[number, string, number]> = [];
  for (let k = 0; k < 12; k++) expected.push([k * 64, '', 63]);
  expected.push([768, 'E', 51]);
  assert.deepEqual(shape(subs), expected);
  assert.equal(buf[1 + 768], 0xb3);
});

test('RFC 5024 App. A: VirtualFileReader format T yields the poem with CR-LF line ends', () => {
  const expected = marinerText();
  assert.ok(expected.startsWith('It is an ancient Mariner,\r\nAnd he stoppeth one of three.\r\n"By thy long'));
  assert.ok(expected.includes('May\'st hear the merry din."\r\n\r\nHe holds him'));
  assert.ok(expected.endsWith('Below the kirk, below the hill,\r\nBelow the light-house top.\r\n'));
  const reader = new VirtualFileReader({ format: 'T', maxRecordLength: 0 });
  const out = Buffer.concat([reader.push(rfc5024Buffer().subarray(1)), reader.finish()]);
  assert.equal(latin1(out), expected);
  assert.equal(out.length, 807);
  assert.deepEqual(reader.counts, { recordCount: 0, unitCount: 807 });
  assert.equal(reader.checkEfid({ recordCount: 0, unitCount: 807 }), undefined);
  assert.deepEqual(reader.tolerances, []);
});

test('RFC 5024 App. A: VirtualFileWriter format T builds the same buffer, compression on or off', () => {
  const expected = rfc5024Buffer();
  for (const compression of [false, true]) {
    const w = new VirtualFileWriter({ format: 'T', maxRecordLength: 0, bufferSize: 1024, compression });
    const buffers = [...w.write(Buffer.from(marinerText(), 'latin1')), ...w.end()];
    assert.equal(buffers.length, 1);
    assert.equal(buffers[0]!.toString('hex'), expected.toString('hex'), `compression ${compression}`);
    assert.deepEqual(w.counts, { recordCount: 0, unitCount: 807 });
  }
});

// ---------------------------------------------------------------------------------------------------------
// RFC 2204 Appendix A: V records in three 128-octet STBs, with compressed indentation and a 0x80 record.

test('RFC 2204 App. A: the printed text and key rows agree with the hex rows', () => {
  const rows = rfc2204Rows();
  assert.equal(rows.length, 9);
  for (const [i, row] of rows.entries()) {
    for (const [k, b] of row.octets.entries()) {
      const key = row.key![k]!;
      // "All headers are represented with a period in the Text line", and so is the STH.
      const want = key === '.' ? printed(b) : key === 'D' ? 'D' : '.';
      assert.equal(row.text[k], want, `row ${i} column ${k} (key ${key}, hex 0x${b.toString(16)})`);
    }
  }
});

test('RFC 2204 App. A: three STBs of 128, 116 and 116 octets through StbParser, in any split', () => {
  const stream = rfc2204Stream();
  assert.equal(stream.length, 132 + 120 + 120);
  assert.equal(stream.subarray(0, 4).toString('hex'), '10000084');
  const frames = stbFrames(stream);
  assert.deepEqual(frames.map((f) => f.length), [128, 116, 116]);
  for (const cut of [1, 3, 4, 5, 100, 131, 132, 133, 200, 252, 300, 371]) {
    assert.deepEqual(stbFrames(stream, [cut]), frames, `split at ${cut}`);
  }
  // The key row marks '----' for the STH, 'D' for the command and '!' for every subrecord header.
  const keys = rfc2204Rows().map((r) => r.key!).join('');
  let at = 0;
  for (const frame of frames) {
    assert.equal(keys.slice(at, at + 5), '----D');
    const headers = parseSubrecords(frame.subarray(1)).map((s) => at + 5 + s.offset);
    const marked = [...keys.slice(at, at + 4 + frame.length)].flatMap((k, i) => (k === '!' ? [at + i] : []));
    assert.deepEqual(headers, marked);
    at += 4 + frame.length;
  }
});

test('RFC 2204 App. A: subrecord layout and the compressed indentation', () => {
  const frames = stbFrames(rfc2204Stream());
  // Read off the hex rows: BC = EoR + 60, 45 = C + 5 (octet 20), A6 = EoR + 38, 18 = 24, ...
  assert.deepEqual(shape(parseSubrecords(frames[0]!.subarray(1))), [[0, 'E', 60], [61, 'C', 5], [63, 'E', 38], [102, '', 24]]);
  assert.deepEqual(shape(parseSubrecords(frames[1]!.subarray(1))), [[0, 'E', 23], [24, 'C', 5], [26, 'E', 36], [63, 'E', 0], [64, 'E', 50]]);
  assert.deepEqual(shape(parseSubrecords(frames[2]!.subarray(1))), [[0, 'C', 5], [2, 'E', 26], [29, 'E', 48], [78, 'C', 5], [80, 'E', 34]]);
  for (const [f, at] of [[0, 62], [1, 25], [2, 1], [2, 79]] as const) {
    assert.deepEqual([...frames[f]!.subarray(at, at + 2)], [0x45, 0x20], `frame ${f} offset ${at}`);
    // Each compressed subrecord alone, as a U file: five spaces.
    const r = new VirtualFileReader({ format: 'U', maxRecordLength: 0 });
    assert.equal(latin1(r.push(frames[f]!.subarray(at, at + 2))), '     ');
    assert.equal(r.units, 5);
  }
  // The blank line: a single 0x80 header.
  assert.equal(frames[1]![64], 0x80);
});

test('RFC 2204 App. A: StbParser + decodeCommand + VirtualFileReader V rebuild the 9 records', () => {
  const records = snarkRecords();
  assert.equal(records.length, 9);
  assert.equal(records[1], '     And seemed almost too good to be true.');
  assert.equal(records[4], '');
  const expectedUnits = records.reduce((n, r) => n + r.length, 0);
  for (const layout of ['plain', 'length-prefixed'] as const) {
    const reader = new VirtualFileReader({ format: 'V', maxRecordLength: 1000, recordLayout: layout });
    const parts: Buffer[] = [];
    for (const frame of stbFrames(rfc2204Stream())) {
      const { command } = decodeCommand(frame, { level: 1 });
      assert.equal(command.type, 'DATA');
      if (command.type === 'DATA') parts.push(reader.push(command.payload));
    }
    parts.push(reader.finish());
    const out = Buffer.concat(parts);
    if (layout === 'plain') {
      assert.equal(latin1(out), records.map((r) => `${r}\n`).join(''));
    } else {
      const expected = Buffer.concat(records.flatMap((r) => [Buffer.from([r.length >> 8, r.length & 0xff]), Buffer.from(r, 'latin1')]));
      assert.equal(out.toString('hex'), expected.toString('hex'));
    }
    assert.deepEqual(reader.counts, { recordCount: 9, unitCount: expectedUnits });
    assert.equal(reader.checkEfid({ recordCount: 9, unitCount: expectedUnits }), undefined);
    assert.deepEqual(reader.tolerances, []);
  }
});

test('RFC 2204 App. A: VirtualFileWriter fills the first 128-octet buffer exactly as the RFC does', () => {
  const records = snarkRecords();
  const w = new VirtualFileWriter({ format: 'V', maxRecordLength: 1000, bufferSize: 128, compression: true });
  const buffers = [...w.write(Buffer.from(records.map((r) => `${r}\n`).join(''), 'latin1')), ...w.end()];
  const rfc = stbFrames(rfc2204Stream());
  assert.equal(buffers[0]!.toString('hex'), rfc[0]!.toString('hex'));
  // After that the RFC closes buffer 2 early at a record end (§7.3 strategy 1); we fill every buffer
  // (strategy 2), so the rest differs in layout but carries the same records.
  const reader = new VirtualFileReader({ format: 'V', maxRecordLength: 1000 });
  const out = Buffer.concat([...buffers.map((b) => reader.push(b.subarray(1))), reader.finish()]);
  assert.equal(latin1(out), records.map((r) => `${r}\n`).join(''));
  // 60 + 43 + 47 + 41 + 0 + 50 + 31 + 48 + 39, from the subrecord headers of the appendix.
  assert.deepEqual(w.counts, { recordCount: 9, unitCount: 359 });
  assert.deepEqual(reader.counts, w.counts);
  // The four indented lines, and nothing else, were compressed: 5 spaces each.
  const compressed = buffers.flatMap((b) => parseSubrecords(b.subarray(1)).filter((s) => s.compressed).map((s) => [s.count, b[2 + s.offset]]));
  assert.deepEqual(compressed, [[5, 0x20], [5, 0x20], [5, 0x20], [5, 0x20]]);
});

// ---------------------------------------------------------------------------------------------------------
// Round trips.

interface RoundTrip {
  buffers: Buffer[];
  output: Buffer;
  writer: VirtualFileWriter;
  reader: VirtualFileReader;
}

/** Feeds `file` to a writer in random chunks (1 octet .. 10 KiB), and the buffers one by one to a reader. */
function roundTrip(r: Random, file: Buffer, options: VirtualFileOptions & { bufferSize: number; compression: boolean }): RoundTrip {
  const writer = new VirtualFileWriter(options);
  const reader = new VirtualFileReader(options);
  const buffers: Buffer[] = [];
  const output: Buffer[] = [];
  const receive = (bufs: Buffer[]): void => {
    for (const b of bufs) {
      assert.ok(b.length <= options.bufferSize, `buffer of ${b.length} octets exceeds ${options.bufferSize}`);
      assert.ok(b.length >= 2, 'a DATA buffer carries at least one subrecord');
      assert.equal(b[0], 0x44, "buffer starts with 'D'");
      buffers.push(Buffer.from(b));
      output.push(Buffer.from(reader.push(b.subarray(1))));
    }
  };
  let at = 0;
  while (at < file.length) {
    const n = r.next() < 0.3 ? r.int(1, 16) : r.int(1, 10240);
    receive(writer.write(file.subarray(at, at + n)));
    at += n;
  }
  receive(writer.end());
  output.push(reader.finish());
  return { buffers, output: Buffer.concat(output), writer, reader };
}

/** Random content mixing incompressible octets, long runs of one octet and short runs. */
function mixedData(r: Random, size: number): Buffer {
  const parts: Buffer[] = [];
  let n = 0;
  while (n < size) {
    // The first segment is always a long run, so every file has something to compress.
    const kind = n === 0 ? 1 : r.int(0, 3);
    const len = Math.min(size - n, kind === 1 ? r.int(64, 5000) : r.int(1, 3000));
    const part = kind === 0 || kind === 3 ? r.bytes(len) : Buffer.alloc(len, r.int(0, 255));
    if (kind === 2) for (let k = 0; k < len; k += r.int(1, 5)) part[k] = r.int(0, 255); // short runs
    parts.push(part);
    n += len;
  }
  return Buffer.concat(parts);
}

const allSubrecords = (buffers: Buffer[]): Subrecord[] => buffers.flatMap((b) => parseSubrecords(b.subarray(1)));

test('round trip U: random data with long runs, buffer sizes 128 and 99,999, compression on and off', () => {
  const r = new Random(0xda7a);
  for (const bufferSize of [128, 99999]) {
    for (const compression of [false, true]) {
      for (let iteration = 0; iteration < 4; iteration++) {
        const size = bufferSize === 128 ? r.int(1, 40000) : r.int(150000, 400000);
        const file = mixedData(r, size);
        const label = `size ${bufferSize}, compression ${compression}, #${iteration}`;
        const { buffers, output, writer, reader } = roundTrip(r, file, { format: 'U', maxRecordLength: 0, bufferSize, compression });
        assert.ok(output.equals(file), label);
        assert.deepEqual(writer.counts, { recordCount: 0, unitCount: file.length }, label);
        assert.deepEqual(reader.counts, writer.counts, label);
        assert.equal(reader.checkEfid(writer.counts), undefined, label);
        assert.deepEqual(reader.tolerances, [], label);
        const subs = allSubrecords(buffers);
        // One record: EoR only on the very last subrecord.
        assert.deepEqual(subs.map((s, k) => [k, s.endOfRecord]).filter(([, e]) => e), [[subs.length - 1, true]], label);
        const compressed = subs.filter((s) => s.compressed);
        const wire = buffers.reduce((n, b) => n + b.length, 0);
        if (compression) {
          // mixedData always has runs of 64+ octets: they must go out compressed, and the file shrinks.
          assert.ok(compressed.length > 0, label);
          // Runs of 4+ are compressed in pieces of up to 63; a last piece of one octet goes literal.
          assert.ok(compressed.every((s) => s.count >= 2 && s.count <= 63), label);
          assert.ok(wire < file.length, `${label}: ${wire} octets on the wire for ${file.length}`);
        } else {
          assert.equal(compressed.length, 0, label);
        }
        // Strategy 2: every buffer but the last is full (or one short when a header would not fit).
        for (const b of buffers.slice(0, -1)) assert.ok(b.length >= bufferSize - 1, `${label}: buffer of ${b.length}`);
      }
    }
  }
});

test('incompressible data grows only by one header per 63 octets (plus one per buffer split)', () => {
  const r = new Random(0x1ec0);
  for (const bufferSize of [128, 99999]) {
    for (const compression of [false, true]) {
      // Random octets with no two neighbours equal: nothing to compress.
      const file = r.bytes(bufferSize === 128 ? 20000 : 300000);
      for (let k = 1; k < file.length; k++) if (file[k] === file[k - 1]) file[k] = (file[k]! + 1) & 0xff;
      const { buffers, output } = roundTrip(r, file, { format: 'U', maxRecordLength: 0, bufferSize, compression });
      assert.ok(output.equals(file));
      const subs = allSubrecords(buffers);
      assert.equal(subs.filter((s) => s.compressed).length, 0);
      const headers = subs.length;
      const limit = Math.ceil(file.length / 63) + buffers.length - 1;
      assert.ok(headers <= limit, `size ${bufferSize}, compression ${compression}: ${headers} headers for ${file.length} octets, limit ${limit}`);
      const payload = buffers.reduce((n, b) => n + b.length - 1, 0);
      assert.equal(payload, file.length + headers);
    }
  }
});

test('writer output does not depend on how the file is cut into chunks', () => {
  const r = new Random(0xc4c4);
  for (const compression of [false, true]) {
    const file = mixedData(r, 60000);
    const whole = new VirtualFileWriter({ format: 'U', maxRecordLength: 0, bufferSize: 4096, compression });
    const expected = Buffer.concat([...whole.write(file), ...whole.end()]);
    for (let round = 0; round < 5; round++) {
      const { buffers } = roundTrip(r, file, { format: 'U', maxRecordLength: 0, bufferSize: 4096, compression });
      assert.ok(Buffer.concat(buffers).equals(expected), `compression ${compression}, round ${round}`);
    }
  }
});

test('a run fed one octet at a time is still compressed; short literal pieces share headers', () => {
  const w = new VirtualFileWriter({ format: 'U', maxRecordLength: 0, bufferSize: 128, compression: true });
  const buffers: Buffer[] = [];
  for (let k = 0; k < 1000; k++) buffers.push(...w.write(Buffer.from('A')));
  buffers.push(...w.end());
  // 1000 = 15 × 63 + 55: fifteen 0x7F 'A' and a last 0xF7 'A' (EoR + compressed + 55).
  assert.equal(Buffer.concat(buffers).toString('hex'), `44${'7f41'.repeat(15)}f741`);

  const u = new VirtualFileWriter({ format: 'U', maxRecordLength: 0, bufferSize: 128, compression: false });
  const file = Buffer.from(Array.from({ length: 200 }, (_, k) => k));
  const out: Buffer[] = [];
  for (const b of file) out.push(...u.write(Buffer.from([b])));
  out.push(...u.end());
  // 'D' + 3F + 63 + 3E + 62 = 128; then 'D' + 3F + 63 + 8C (EoR + 12) + 12.
  assert.deepEqual(out.map((b) => b.length), [128, 78]);
  assert.deepEqual(out.map((b) => shape(parseSubrecords(b.subarray(1)))), [[[0, '', 63], [64, '', 62]], [[0, '', 63], [64, 'E', 12]]]);
  assert.ok(Buffer.concat(out.map((b) => b.subarray(1))).equals(Buffer.concat([hex('3f'), file.subarray(0, 63), hex('3e'), file.subarray(63, 125), hex('3f'), file.subarray(125, 188), hex('8c'), file.subarray(188)])));
});

test('DataBufferPacker refuses buffer sizes outside 128..99999 and splits runs at 63', () => {
  assert.throws(() => new DataBufferPacker(127, false), RangeError);
  assert.throws(() => new DataBufferPacker(100000, false), RangeError);
  assert.throws(() => new DataBufferPacker(1024.5, false), RangeError);
  const p = new DataBufferPacker(128, true);
  p.write(Buffer.alloc(130, 0x20));
  p.endRecord(false);
  // 130 = 63 + 63 + 4.
  assert.equal(Buffer.concat(p.finish()).toString('hex'), '447f207f20c420');
});

// ---------------------------------------------------------------------------------------------------------
// Record formats.

function expectEncodeError(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof OftpEncodeError, `expected OftpEncodeError, got ${String(e)}`);
    assert.equal(e.command, 'DATA');
    assert.match(e.message, pattern);
    return true;
  });
}

test('F: N records of 80 octets round-trip; counts N and N×80; records span buffers', () => {
  const r = new Random(0xf80);
  for (const [bufferSize, compression, n] of [[128, false, 300], [128, true, 301], [99999, true, 5000], [4096, false, 1]] as const) {
    const file = mixedData(r, n * 80);
    const { buffers, output, writer, reader } = roundTrip(r, file, { format: 'F', maxRecordLength: 80, bufferSize, compression });
    assert.ok(output.equals(file));
    assert.deepEqual(writer.counts, { recordCount: n, unitCount: n * 80 });
    assert.deepEqual(reader.counts, { recordCount: n, unitCount: n * 80 });
    assert.equal(reader.checkEfid({ recordCount: n, unitCount: n * 80 }), undefined);
    assert.equal(allSubrecords(buffers).filter((s) => s.endOfRecord).length, n);
  }
  // Not a multiple of 80: refused at the end, the length of the last record named.
  const w = new VirtualFileWriter({ format: 'F', maxRecordLength: 80, bufferSize: 128, compression: false });
  w.write(Buffer.alloc(80 * 3 + 17, 0x31));
  expectEncodeError(() => w.end(), /not a multiple of the record length 80.*17 octets/);
  // An empty F file is zero records and no DATA.
  const empty = new VirtualFileWriter({ format: 'F', maxRecordLength: 80, bufferSize: 128, compression: false });
  assert.deepEqual(empty.end(), []);
  assert.deepEqual(empty.counts, { recordCount: 0, unitCount: 0 });
});

test('V plain: LF-separated lines are records, empty lines are 0x80, LFs are not counted', () => {
  const r = new Random(0x7e);
  for (const [bufferSize, compression] of [[128, true], [128, false], [99999, true]] as const) {
    const lines: string[] = [];
    for (let k = 0; k < 2000; k++) {
      const kind = r.int(0, 9);
      if (kind === 0) lines.push('');
      else if (kind === 1) lines.push(' '.repeat(r.int(1, 40)) + 'indented');
      else lines.push(Array.from({ length: r.int(1, 300) }, () => String.fromCharCode(r.int(0x20, 0x7e))).join(''));
    }
    const file = Buffer.from(lines.map((l) => `${l}\n`).join(''), 'latin1');
    const { buffers, output, writer, reader } = roundTrip(r, file, { format: 'V', maxRecordLength: 400, bufferSize, compression });
    const units = lines.reduce((n, l) => n + l.length, 0);
    assert.ok(output.equals(file));
    assert.deepEqual(writer.counts, { recordCount: 2000, unitCount: units });
    assert.deepEqual(reader.counts, { recordCount: 2000, unitCount: units });
    const subs = allSubrecords(buffers);
    assert.equal(subs.filter((s) => s.endOfRecord).length, 2000);
    const blank = subs.filter((s) => s.endOfRecord && s.count === 0 && !s.compressed).length;
    assert.equal(blank, lines.filter((l) => l === '').length);
  }
  // A last line without LF is a record too; the reader writes it back with its LF.
  const w = new VirtualFileWriter({ format: 'V', maxRecordLength: 10, bufferSize: 128, compression: false });
  const buffers = [...w.write(Buffer.from('ab\n\ncd')), ...w.end()];
  assert.equal(Buffer.concat(buffers).toString('hex'), '44' + '826162' + '80' + '826364');
  assert.deepEqual(w.counts, { recordCount: 3, unitCount: 4 });
  // A line longer than the maximum record length is refused.
  const long = new VirtualFileWriter({ format: 'V', maxRecordLength: 10, bufferSize: 128, compression: false });
  expectEncodeError(() => long.write(Buffer.from('0123456789A\n')), /record 1 is longer than the maximum record length 10/);
});

test('V length-prefixed: binary records with LF octets and a zero-length record round-trip', () => {
  const r = new Random(0x1e9);
  for (const [bufferSize, compression] of [[128, false], [128, true], [99999, true]] as const) {
    const records: Buffer[] = [Buffer.alloc(0), Buffer.from([0x0a, 0x0a, 0x0d, 0x0a])];
    for (let k = 0; k < 400; k++) records.push(k % 50 === 7 ? Buffer.alloc(0) : mixedData(r, r.int(1, 3000)));
    records.push(Buffer.alloc(3000, 0x0a));
    const file = Buffer.concat(records.flatMap((rec) => [Buffer.from([rec.length >> 8, rec.length & 0xff]), rec]));
    const layout: RecordLayout = 'length-prefixed';
    const { buffers, output, writer, reader } = roundTrip(r, file, { format: 'V', maxRecordLength: 3000, recordLayout: layout, bufferSize, compression });
    const units = records.reduce((n, rec) => n + rec.length, 0);
    assert.ok(output.equals(file));
    assert.deepEqual(writer.counts, { recordCount: records.length, unitCount: units });
    assert.deepEqual(reader.counts, writer.counts);
    const empty = allSubrecords(buffers).filter((s) => s.endOfRecord && s.count === 0).length;
    assert.equal(empty, records.filter((rec) => rec.length === 0).length);
  }
  // A prefix longer than the maximum, and a file ending inside a record, are refused.
  const w1 = new VirtualFileWriter({ format: 'V', maxRecordLength: 100, recordLayout: 'length-prefixed', bufferSize: 128, compression: false });
  expectEncodeError(() => w1.write(hex('0065')), /length prefix 101, more than the maximum record length 100/);
  const w2 = new VirtualFileWriter({ format: 'V', maxRecordLength: 100, recordLayout: 'length-prefixed', bufferSize: 128, compression: false });
  w2.write(hex('0005 6162'));
  expectEncodeError(() => w2.end(), /file ends inside record 1/);
  const w3 = new VirtualFileWriter({ format: 'V', maxRecordLength: 100, recordLayout: 'length-prefixed', bufferSize: 128, compression: false });
  w3.write(hex('00'));
  expectEncodeError(() => w3.end(), /file ends inside record 1/);
  assert.throws(() => new VirtualFileWriter({ format: 'U', maxRecordLength: 0, recordLayout: 'length-prefixed', bufferSize: 128, compression: false }), RangeError);
  assert.throws(() => new VirtualFileReader({ format: 'F', maxRecordLength: 80, recordLayout: 'length-prefixed' }), RangeError);
});

test('U and T: the whole file is one record, EoR on its last subrecord; an empty file sends no DATA', () => {
  const r = new Random(0x77);
  for (const format of ['U', 'T'] as const) {
    const file = format === 'U' ? mixedData(r, 50000) : Buffer.from(Array.from({ length: 900 }, (_, k) => `line ${k} ${'x'.repeat(k % 97)}\r\n`).join(''), 'latin1');
    for (const bufferSize of [128, 99999]) {
      const { buffers, output, writer, reader } = roundTrip(r, file, { format, maxRecordLength: 0, bufferSize, compression: true });
      assert.ok(output.equals(file), `${format} ${bufferSize}`);
      assert.deepEqual(writer.counts, { recordCount: 0, unitCount: file.length });
      assert.deepEqual(reader.counts, writer.counts);
      assert.deepEqual(reader.tolerances, []);
      const last = buffers[buffers.length - 1]!;
      const lastSubs = parseSubrecords(last.subarray(1));
      assert.ok(lastSubs[lastSubs.length - 1]!.endOfRecord);
      assert.equal(allSubrecords(buffers).filter((s) => s.endOfRecord).length, 1);
    }
    const empty = new VirtualFileWriter({ format, maxRecordLength: 0, bufferSize: 128, compression: true });
    assert.deepEqual(empty.write(Buffer.alloc(0)), []);
    assert.deepEqual(empty.end(), []);
    assert.deepEqual(empty.counts, { recordCount: 0, unitCount: 0 });
    const reader = new VirtualFileReader({ format, maxRecordLength: 0 });
    assert.equal(reader.finish().length, 0);
    assert.equal(reader.checkEfid({ recordCount: 0, unitCount: 0 }), undefined);
    assert.deepEqual(reader.tolerances, []);
  }
});

// ---------------------------------------------------------------------------------------------------------
// Receiver errors.

function expectDataError(fn: () => unknown, want: { kind: string; offset?: number; answerReason?: number; pattern: RegExp }): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof OftpDecodeError, `expected OftpDecodeError, got ${String(e)}`);
    assert.equal(e.kind, want.kind);
    assert.equal(e.command, 'DATA');
    assert.equal(e.field, 'DATABUF');
    if (want.offset !== undefined) assert.equal(e.offset, want.offset);
    assert.equal(e.answerReason, want.answerReason);
    assert.match(e.message, want.pattern);
    return true;
  });
}

const reader = (format: FileFormat, maxRecordLength = 0, recordLayout?: RecordLayout): VirtualFileReader =>
  new VirtualFileReader({ format, maxRecordLength, ...(recordLayout ? { recordLayout } : {}) });

test('a subrecord header claiming more octets than remain: truncated, at the offset of its data', () => {
  expectDataError(() => parseSubrecords(hex('05 616263')), { kind: 'truncated', offset: 1, pattern: /header 0x05 needs 5 octet\(s\), only 3 left/ });
  expectDataError(() => parseSubrecords(hex('02 6162 3f 78')), { kind: 'truncated', offset: 4, pattern: /header 0x3f needs 63 octet\(s\), only 1 left/ });
  expectDataError(() => parseSubrecords(hex('02 6162 c5')), { kind: 'truncated', offset: 4, pattern: /header 0xc5 needs 1 octet\(s\), only 0 left/ });
  // The reader checks the whole buffer before it yields anything.
  const r = reader('U');
  expectDataError(() => r.push(hex('03 616263 bf 00')), { kind: 'truncated', offset: 5, pattern: /needs 63/ });
  assert.equal(r.units, 0);
  assert.equal(parseSubrecords(Buffer.alloc(0)).length, 0);
});

test('F: a record shorter or longer than the record length is a range error with answer reason 5', () => {
  expectDataError(() => reader('F', 80).push(Buffer.concat([hex('8a'), Buffer.alloc(10)])), { kind: 'range', offset: 0, answerReason: 5, pattern: /record 1 is 10 octets, fixed record length is 80/ });
  // Longer: 63 + 18 = 81 octets before any EoR.
  const long = Buffer.concat([hex('3f'), Buffer.alloc(63, 1), hex('92'), Buffer.alloc(18, 2)]);
  expectDataError(() => reader('F', 80).push(long), { kind: 'range', offset: 64, answerReason: 5, pattern: /record 1 is longer than the record length 80/ });
  // The second record short, across two buffers.
  const f = reader('F', 4);
  assert.equal(f.push(hex('84 61626364 02 6566')).toString(), 'abcdef');
  expectDataError(() => f.push(hex('81 67')), { kind: 'range', offset: 0, answerReason: 5, pattern: /record 2 is 3 octets/ });
});

test('V: a record longer than the maximum record length is a range error with answer reason 5', () => {
  expectDataError(() => reader('V', 10).push(Buffer.concat([hex('8b'), Buffer.alloc(11, 0x41)])), { kind: 'range', offset: 0, answerReason: 5, pattern: /record 1 is longer than the maximum record length 10/ });
  const v = reader('V', 10, 'length-prefixed');
  assert.equal(v.push(hex('44 41 05 4242424242')).length, 0);
  expectDataError(() => v.push(hex('82 4343')), { kind: 'range', offset: 0, answerReason: 5, pattern: /record 1 is longer/ });
});

test('U: data after the end-of-file subrecord is a range error', () => {
  expectDataError(() => reader('U').push(hex('81 61 01 62')), { kind: 'range', offset: 2, answerReason: 12, pattern: /data after the end-of-file subrecord of a U file/ });
  const u = reader('U');
  assert.equal(u.push(hex('81 61')).toString(), 'a');
  expectDataError(() => u.push(hex('80')), { kind: 'range', offset: 0, answerReason: 12, pattern: /after the end-of-file/ });
});

test('a file ending inside a record is reported at finish() with answer reason 10', () => {
  const v = reader('V', 100);
  assert.equal(v.push(hex('82 6162 03 636465')).toString(), 'ab\ncde');
  expectDataError(() => v.finish(), { kind: 'truncated', answerReason: 10, pattern: /file ended inside record 2 \(3 octets without end-of-record flag\)/ });
  const f = reader('F', 4);
  f.push(hex('02 6162'));
  expectDataError(() => f.finish(), { kind: 'truncated', answerReason: 10, pattern: /inside record 1/ });
});

test('checkEfid: record count mismatch is reason 10, octet count mismatch reason 11', () => {
  const v = reader('V', 100);
  v.push(hex('83 616263 80 45 20'));
  v.push(hex('81 64'));
  v.finish();
  assert.deepEqual(v.counts, { recordCount: 3, unitCount: 9 });
  assert.equal(v.checkEfid({ recordCount: 3, unitCount: 9 }), undefined);
  assert.deepEqual(v.checkEfid({ recordCount: 4, unitCount: 9 }), { reason: 10, text: 'EFID says 4 records, 3 arrived' });
  assert.deepEqual(v.checkEfid({ recordCount: 3, unitCount: 8 }), { reason: 11, text: 'EFID says 8 octets, 9 arrived' });
  // After a restart the EFID counts the whole file.
  assert.equal(v.checkEfid({ recordCount: 10, unitCount: 109 }, { records: 7, units: 100 }), undefined);
  assert.equal(v.checkEfid({ recordCount: 3, unitCount: 9 }, { records: 7, units: 100 })?.reason, 10);
  // U and T have no record count to check, only octets.
  const u = reader('U');
  u.push(hex('44 41 82 4243'));
  assert.equal(u.checkEfid({ recordCount: 0, unitCount: 6 }), undefined);
  assert.equal(u.checkEfid({ recordCount: 0, unitCount: 7 })?.reason, 11);
});

// ---------------------------------------------------------------------------------------------------------
// Tolerances.

/** A 1025-octet DATA buffer as the Go client builds it (digest §14): 15 × 0x3F, one 0x3E, a 0x00. */
function goFullBuffer(data: Buffer): Buffer {
  assert.equal(data.length, 1007);
  const parts = [hex('44')];
  for (let k = 0; k < 15; k++) parts.push(hex('3f'), data.subarray(k * 63, k * 63 + 63));
  parts.push(hex('3e'), data.subarray(945), hex('00'));
  return Buffer.concat(parts);
}

test("padding-after-eof: the Go client's 4130-octet U file, 920 0x00 headers after the EoR", () => {
  const r = new Random(0x60);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/\n';
  const file = Buffer.from(Array.from({ length: 4130 }, () => alphabet[r.int(0, alphabet.length - 1)]!).join(''), 'latin1');
  const buffers: Buffer[] = [];
  for (let k = 0; k < 4; k++) buffers.push(goFullBuffer(file.subarray(k * 1007, (k + 1) * 1007)));
  const tail = file.subarray(4028);
  assert.equal(tail.length, 102);
  buffers.push(Buffer.concat([hex('44 3f'), tail.subarray(0, 63), hex('a7'), tail.subarray(63), Buffer.alloc(920, 0)]));
  assert.deepEqual(buffers.map((b) => b.length), [1025, 1025, 1025, 1025, 1025]);
  // Framed as the capture shows them: STH 10 00 04 05 (4 + 1025).
  const stream = Buffer.concat(buffers.flatMap((b) => [hex('10000405'), b]));
  const u = reader('U');
  const out: Buffer[] = [];
  for (const [k, frame] of stbFrames(stream, [7, 2000, 4100]).entries()) {
    const { command } = decodeCommand(frame);
    assert.equal(command.type, 'DATA');
    if (command.type === 'DATA') out.push(u.push(command.payload));
    // The 0x00 after the 0x3E in full buffers is a legal zero-length subrecord, not a tolerance.
    assert.deepEqual(u.tolerances, k < 4 ? [] : ['padding-after-eof']);
  }
  out.push(u.finish());
  assert.ok(Buffer.concat(out).equals(file));
  assert.equal(u.checkEfid({ recordCount: 0, unitCount: 4130 }), undefined);
  assert.deepEqual(u.tolerances, ['padding-after-eof']);
  // The same padding in a T file.
  const t = reader('T');
  assert.equal(t.push(hex('83 414243 00 00 00')).toString(), 'ABC');
  assert.deepEqual(t.tolerances, ['padding-after-eof']);
});

test('missing-final-eor: a U or T file ended by EFID without an EoR flag', () => {
  for (const format of ['U', 'T'] as const) {
    const u = reader(format);
    assert.equal(u.push(hex('03 616263')).toString(), 'abc');
    assert.equal(u.push(hex('44 2e')).toString(), '....');
    assert.deepEqual(u.tolerances, []);
    assert.equal(u.finish().length, 0);
    assert.deepEqual(u.tolerances, ['missing-final-eor']);
    assert.equal(u.checkEfid({ recordCount: 0, unitCount: 7 }), undefined);
  }
  // Only zero-length padding arrived: nothing to tolerate.
  const empty = reader('U');
  empty.push(hex('00 00'));
  empty.finish();
  assert.deepEqual(empty.tolerances, []);
});

test('text-record-per-line: a T file sent one line per record gets its CR-LFs back, blank lines included', () => {
  const t = reader('T');
  const out = [t.push(hex('85 6c696e6531 85 6c696e6532')), t.push(hex('80 43 20 85 6c696e6533')), t.finish()];
  assert.equal(Buffer.concat(out).toString('latin1'), 'line1\r\nline2\r\n\r\n   line3\r\n');
  assert.deepEqual(t.tolerances, ['text-record-per-line']);
  assert.deepEqual(t.counts, { recordCount: 0, unitCount: 18 });
  // A trailing blank record is a blank last line.
  const t2 = reader('T');
  assert.equal(Buffer.concat([t2.push(hex('81 61 80 81 62 80')), t2.finish()]).toString('latin1'), 'a\r\n\r\nb\r\n\r\n');
  // Records that carry their own CR-LF are not given a second one.
  const t3 = reader('T');
  assert.equal(Buffer.concat([t3.push(hex('83 610d0a 83 620d0a 82 0d0a')), t3.finish()]).toString('latin1'), 'a\r\nb\r\n\r\n');
  assert.deepEqual(t3.tolerances, ['text-record-per-line']);
  // The last line without EoR: both tolerances, the line still ends with CR-LF.
  const t4 = reader('T');
  assert.equal(Buffer.concat([t4.push(hex('81 61 01 62')), t4.finish()]).toString('latin1'), 'a\r\nb\r\n');
  assert.deepEqual(t4.tolerances, ['text-record-per-line', 'missing-final-eor']);
  // Compressed headers and data octets keep their meaning: C + EoR + 3 × 'z'.
  assert.equal(COMPRESSED_FLAG | EOR_FLAG | 3, 0xc3);
  const t5 = reader('T');
  assert.equal(Buffer.concat([t5.push(hex('c3 7a c3 7a')), t5.finish()]).toString('latin1'), 'zzz\r\nzzz\r\n');
});

test('reuse: compacting DATA buffers in place gives the same file and counts as copying', () => {
  const r = new Random(4242);
  for (const format of ['U', 'T', 'F'] as const) {
    for (const compression of [false, true]) {
      const size = format === 'F' ? 80 * 3000 : 250_000;
      const file = Buffer.alloc(size);
      for (let i = 0; i < size; ) {
        const n = Math.min(size - i, r.int(1, 200));
        if (r.next() < 0.3) file.fill(r.int(0, 255), i, i + n);
        else for (let k = 0; k < n; k++) file[i + k] = r.int(0, 255);
        i += n;
      }
      const w = new VirtualFileWriter({ format, maxRecordLength: format === 'F' ? 80 : 0, bufferSize: 4096, compression });
      const buffers = [...w.write(file), ...w.end()];
      const copying = new VirtualFileReader({ format, maxRecordLength: format === 'F' ? 80 : 0 });
      const reusing = new VirtualFileReader({ format, maxRecordLength: format === 'F' ? 80 : 0 });
      const a: Buffer[] = [];
      const b: Buffer[] = [];
      for (const buf of buffers) {
        a.push(Buffer.from(copying.push(buf.subarray(1))));
        b.push(Buffer.from(reusing.push(Buffer.from(buf.subarray(1)), { reuse: true })));
      }
      a.push(copying.finish());
      b.push(reusing.finish());
      assert.ok(Buffer.concat(b).equals(file), `${format} compression ${compression}: file`);
      assert.ok(Buffer.concat(a).equals(Buffer.concat(b)));
      assert.deepEqual(reusing.counts, copying.counts);
    }
  }
  // The Go client's padding after end of file, compacted in place.
  const last = Buffer.concat([Buffer.from([0x3f]), Buffer.alloc(63, 0x41), Buffer.from([0xa7]), Buffer.alloc(39, 0x42), Buffer.alloc(920, 0)]);
  const reader = new VirtualFileReader({ format: 'U', maxRecordLength: 0 });
  assert.equal(reader.push(last, { reuse: true }).length, 102);
  assert.deepEqual(reader.tolerances, ['padding-after-eof']);
});

test('recycled DATA buffers: the same buffers as without recycling; foreign or twice-given buffers are ignored', () => {
  const r = new Random(99);
  const file = Buffer.alloc(600_000);
  for (let i = 0; i < file.length; i++) file[i] = r.next() < 0.5 ? 0x20 : r.int(0, 255);
  for (const compression of [false, true]) {
    const plain = new VirtualFileWriter({ format: 'U', maxRecordLength: 0, bufferSize: 4096, compression });
    const expected = [...plain.write(file), ...plain.end()].map((b) => b.toString('hex'));
    const recycling = new VirtualFileWriter({ format: 'U', maxRecordLength: 0, bufferSize: 4096, compression });
    const got: string[] = [];
    const memory = new Set<ArrayBufferLike>();
    const send = (bufs: Buffer[]): void => {
      for (const b of bufs) {
        got.push(b.toString('hex'));
        memory.add(b.buffer);
        // As the session does once the socket has written it; a second give-back must not put it in twice.
        recycling.recycle(b);
        recycling.recycle(b);
        recycling.recycle(Buffer.alloc(4096));
      }
    };
    for (let i = 0; i < file.length; i += 50_000) send(recycling.write(file.subarray(i, i + 50_000)));
    send(recycling.end());
    assert.deepEqual(got, expected, `compression ${compression}`);
    // Each write() here returns about 12 buffers at once and up to 8 are kept for reuse.
    assert.ok(memory.size < got.length / 2, `buffers reused (${memory.size} distinct for ${got.length})`);
  }
});
