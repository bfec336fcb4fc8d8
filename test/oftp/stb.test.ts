// Stream Transmission Buffer framing: hand-built frames, every split of the stream, and each header error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeStb, StbParser, type StbFrameInfo } from '../../src/oftp/codec/stb';
import { OftpDecodeError } from '../../src/oftp/codec/errors';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

// Built by hand from RFC 5024 §8.2: 0x10, then the 24-bit total length including the 4 header octets.
const CDT_STB = hex('10 00 00 07 43 20 20'); // Accord StbEncoderTest and the digest's capture
const CD_STB = hex('10 00 00 05 52'); // smallest legal frame: length 5
const SSRM_STB = hex('10000017 494f444554544520465450205245414459200d');
const ESID_STB = hex('1000000b 463030303030 0d'); // 'F' '00' '000' CR, digest §3.11

function collect(chunks: Buffer[]): { frames: string[]; infos: StbFrameInfo[] } {
  const parser = new StbParser();
  const frames: string[] = [];
  const infos: StbFrameInfo[] = [];
  for (const c of chunks) {
    parser.push(c, (buf, info) => {
      frames.push(buf.toString('hex'));
      infos.push(info);
    });
  }
  parser.end();
  return { frames, infos };
}

function expectFraming(fn: () => void, offset: number, pattern: RegExp, kind = 'framing'): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof OftpDecodeError, `expected OftpDecodeError, got ${String(e)}`);
    assert.equal(e.kind, kind);
    assert.equal(e.command, 'STB');
    assert.equal(e.offset, offset);
    assert.equal(e.esidReason, 7);
    assert.match(e.message, pattern);
    return true;
  });
}

test('encodeStb writes version 1, flags 0 and the 24-bit length including the header', () => {
  assert.deepEqual(encodeStb(Buffer.from('C  ', 'latin1')), CDT_STB);
  assert.deepEqual(encodeStb(Buffer.from('R', 'latin1')), CD_STB);
  const big = encodeStb(Buffer.alloc(99999, 0x44));
  assert.deepEqual([...big.subarray(0, 4)], [0x10, 0x01, 0x86, 0xa3]); // 100003
  assert.throws(() => encodeStb(Buffer.alloc(0)), RangeError);
  assert.throws(() => encodeStb(Buffer.alloc(100000)), RangeError);
});

test('parses a stream of frames split at every byte offset, and byte by byte', () => {
  const stream = Buffer.concat([SSRM_STB, CD_STB, CDT_STB, ESID_STB]);
  const expected = [SSRM_STB, CD_STB, CDT_STB, ESID_STB].map((f) => f.subarray(4).toString('hex'));
  const offsets = [0, SSRM_STB.length, SSRM_STB.length + 5, SSRM_STB.length + 12];
  for (let cut = 0; cut <= stream.length; cut++) {
    const { frames, infos } = collect([stream.subarray(0, cut), stream.subarray(cut)]);
    assert.deepEqual(frames, expected, `split at ${cut}`);
    assert.deepEqual(infos.map((i) => i.streamOffset), offsets, `split at ${cut}`);
  }
  for (let cut = 0; cut < stream.length; cut++) {
    for (let cut2 = cut; cut2 <= stream.length; cut2 += 7) {
      const { frames } = collect([stream.subarray(0, cut), stream.subarray(cut, cut2), stream.subarray(cut2)]);
      assert.deepEqual(frames, expected, `split at ${cut} and ${cut2}`);
    }
  }
  const bytes = [...stream].map((b) => Buffer.from([b]));
  assert.deepEqual(collect(bytes).frames, expected);
});

test('a maximum-size frame dribbled one octet at a time arrives whole', () => {
  const body = Buffer.alloc(99999);
  for (let i = 0; i < body.length; i++) body[i] = (i * 7) & 0xff;
  body[0] = 0x44;
  const stb = Buffer.concat([hex('10 01 86 a3'), body]);
  const parser = new StbParser();
  const got: Buffer[] = [];
  for (let i = 0; i < stb.length; i++) parser.push(stb.subarray(i, i + 1), (b) => got.push(Buffer.from(b)));
  parser.end();
  assert.equal(got.length, 1);
  assert.ok(got[0]!.equals(body));
});

test('a chunk the caller reuses after push does not corrupt a frame still being assembled', () => {
  const chunk = Buffer.from(SSRM_STB.subarray(0, 10));
  const parser = new StbParser();
  const got: string[] = [];
  parser.push(chunk, (b) => got.push(b.toString('hex')));
  chunk.fill(0xee);
  parser.push(SSRM_STB.subarray(10), (b) => got.push(b.toString('hex')));
  assert.deepEqual(got, [SSRM_STB.subarray(4).toString('hex')]);
});

test('rejects a version nibble other than 1 at the offset of the header', () => {
  expectFraming(() => collect([hex('20 00 00 07 43 20 20')]), 0, /version nibble is 2/);
  expectFraming(() => collect([hex('00 00 00 07 43 20 20')]), 0, /version nibble is 0/);
  // A TLS ClientHello sent to a plain port (16 03 01 00 ...) has version nibble 1 but an absurd length.
  expectFraming(() => collect([hex('16 03 01 00 a5 01')]), 0, /length 196864 is outside/);
  // The error is about the second frame, so it names the second frame's stream offset.
  expectFraming(() => collect([CDT_STB, hex('30 00 00 05 52')]), 7, /version nibble is 3/);
});

test('rejects lengths outside 5..100003', () => {
  expectFraming(() => collect([hex('10 00 00 04 43')]), 0, /length 4 is outside 5\.\.100003/);
  expectFraming(() => collect([hex('10 00 00 00')]), 0, /length 0 is outside/);
  expectFraming(() => collect([hex('10 01 86 a4 44')]), 0, /length 100004 is outside/);
  expectFraming(() => collect([CD_STB, hex('10 ff ff ff')]), 5, /length 16777215 is outside/);
  // The header arriving in pieces is checked as soon as it is whole.
  expectFraming(() => collect([hex('10 00'), hex('00 03')]), 0, /length 3 is outside/);
});

test('a stream that ends inside a frame or a header is truncated', () => {
  expectFraming(() => collect([CDT_STB.subarray(0, 6)]), 0, /header says 7 octets, only 6 arrived/, 'truncated');
  expectFraming(() => collect([CD_STB, CDT_STB.subarray(0, 2)]), 5, /inside a Stream Transmission Header \(2 of 4 octets\)/, 'truncated');
});

test('after an error the parser stays failed', () => {
  const parser = new StbParser();
  assert.throws(() => parser.push(hex('20 00 00 05 52'), () => {}), OftpDecodeError);
  assert.throws(() => parser.push(CD_STB, () => assert.fail('no frame after a framing error')), /version nibble/);
});

test('tolerates a non-zero flags nibble and reports it', () => {
  const { frames, infos } = collect([hex('15 00 00 05 52'), CD_STB]);
  assert.deepEqual(frames, ['52', '52']);
  assert.deepEqual(infos[0]!.tolerances, ['sth-flags-nonzero']);
  assert.deepEqual(infos[1]!.tolerances, []);
});
