// The codec fuzzer: random and mutated inputs (fixed seed) through the STB parser, the command decoder and
// the DATA reader; every failure must be a typed OftpDecodeError and whatever decodes must re-encode to the
// same command. The test runs it at 100,000 inputs, bench/fuzz at 1,000,000.
import assert from 'node:assert/strict';
import { decodeCommand, encodeCommand, COMMAND_CODES, type OftpCommand } from '../../src/oftp/codec/commands';
import { VirtualFileReader } from '../../src/oftp/codec/data';
import { OftpDecodeError, OftpEncodeError } from '../../src/oftp/codec/errors';
import { encodeStb, StbParser } from '../../src/oftp/codec/stb';
import { Random } from './random';

export const FUZZ_SEED = 0x0f7f2;
const KINDS = new Set(['truncated', 'overlong', 'type', 'range', 'unknown-command', 'framing']);
const LEVELS = [1, 2, 4, 5];

const file = { datasetName: 'INVOIC.2026', date: '20261128', time: '1200000001', userData: '', destination: 'O0013RESPONDER', originator: 'O0013INITIATOR' };
const seeds: Array<[OftpCommand, number]> = [
  [{ type: 'SSRM' }, 5],
  [{ type: 'SSID', level: 5, code: 'O0013INITIATOR', password: 'SECRET', bufferSize: 99999, mode: 'B', compression: true, restart: true, specialLogic: false, credit: 999, secureAuthentication: true, userData: '' }, 5],
  [{ type: 'SSID', level: 4, code: 'O0055LOCALUSER', password: 'MYPASSWD', bufferSize: 2048, mode: 'B', compression: true, restart: true, specialLogic: false, credit: 64, secureAuthentication: false, userData: '' }, 4],
  [{ type: 'SECD' }, 5],
  [{ type: 'AUCH', challenge: Buffer.alloc(40, 7) }, 5],
  [{ type: 'AURP', response: Buffer.alloc(20, 9) }, 5],
  [{ type: 'SFID', ...file, format: 'V', maxRecordLength: 512, fileSize: 12, originalFileSize: 10, restartPosition: 3, securityLevel: 3, cipherSuite: 2, compression: 1, envelope: 1, signedEerp: true, description: 'Rechnungen für März' }, 5],
  [{ type: 'SFID', ...file, date: '261128', time: '120000', format: 'U', maxRecordLength: 0, fileSize: 12, originalFileSize: 0, restartPosition: 0, securityLevel: 0, cipherSuite: 0, compression: 0, envelope: 0, signedEerp: false, description: '' }, 2],
  [{ type: 'SFPA', restartCount: 42 }, 5],
  [{ type: 'SFNA', reason: 13, retry: false, text: 'duplicate' }, 5],
  [{ type: 'SFNA', reason: 6, retry: true, text: '' }, 4],
  [{ type: 'DATA', payload: Buffer.from([0x85, 1, 2, 3, 4, 5, 0xc3, 0x20]) }, 5],
  [{ type: 'CDT' }, 5],
  [{ type: 'EFID', recordCount: 10, unitCount: 4130 }, 5],
  [{ type: 'EFID', recordCount: 10, unitCount: 4130 }, 4],
  [{ type: 'EFPA', changeDirection: true }, 5],
  [{ type: 'EFNA', reason: 11, text: 'count' }, 5],
  [{ type: 'ESID', reason: 4, text: 'invalid password' }, 5],
  [{ type: 'ESID', reason: 0, text: '' }, 2],
  [{ type: 'CD' }, 5],
  [{ type: 'EERP', ...file, destination: 'O0013INITIATOR', originator: 'O0013RESPONDER', hash: Buffer.alloc(32, 1), signature: Buffer.alloc(300, 2) }, 5],
  [{ type: 'NERP', ...file, creator: 'O0013RESPONDER', reason: 34, text: 'mapping failed', hash: Buffer.alloc(0), signature: Buffer.alloc(0) }, 5],
  [{ type: 'NERP', ...file, creator: 'O0013RESPONDER', reason: 34, text: '', hash: Buffer.alloc(0), signature: Buffer.alloc(0) }, 4],
  [{ type: 'RTR' }, 5],
];
const corpus = seeds.map(([c, level]) => ({ bytes: encodeCommand(c, { level }), level }));
const letters = Object.values(COMMAND_CODES).map((c) => c.charCodeAt(0));

function mutate(r: Random, input: Buffer): Buffer {
  const b = Buffer.from(input);
  switch (r.int(0, 5)) {
    case 0: // flip some octets
      for (let n = r.int(1, 3); n > 0 && b.length; n--) b[r.int(0, b.length - 1)] = r.int(0, 255);
      return b;
    case 1: // truncate
      return b.subarray(0, r.int(0, b.length));
    case 2: // extend
      return Buffer.concat([b, r.bytes(r.int(1, 8))]);
    case 3: { // insert
      const at = r.int(0, b.length);
      return Buffer.concat([b.subarray(0, at), r.bytes(r.int(1, 4)), b.subarray(at)]);
    }
    case 4: { // delete
      const at = r.int(0, b.length);
      return Buffer.concat([b.subarray(0, at), b.subarray(Math.min(b.length, at + r.int(1, 4)))]);
    }
    default: // swap in digits, spaces, CR/LF and letters, the octets the decoder branches on
      for (let n = r.int(1, 3); n > 0 && b.length; n--) b[r.int(0, b.length - 1)] = r.pick([0x20, 0x30, 0x39, 0x0d, 0x0a, 0x8d, 0x59, 0x4e, 0x80, 0xff]);
      return b;
  }
}

function expectTyped(e: unknown, inputLength: number, what: string): void {
  if (!(e instanceof OftpDecodeError)) throw new assert.AssertionError({ message: `${what}: untyped error ${String((e as Error)?.stack ?? e)}` });
  assert.ok(KINDS.has(e.kind), `${what}: kind ${e.kind}`);
  assert.ok(Number.isInteger(e.offset) && e.offset >= 0 && e.offset <= Math.max(inputLength, 0), `${what}: offset ${e.offset} of ${inputLength}`);
  assert.ok(e.message.length > 10);
  assert.ok([1, 6, 7].includes(e.esidReason));
}

function checkCommand(buf: Buffer, level: number, what: string): 'ok' | 'error' {
  let command: OftpCommand;
  try {
    command = decodeCommand(buf, { level }).command;
  } catch (e) {
    expectTyped(e, buf.length, what);
    return 'error';
  }
  // Whatever decodes either re-encodes to something that decodes the same, or is refused by the strict
  // encoder with a typed error (e.g. lower case accepted through a tolerance).
  let again: Buffer;
  try {
    again = encodeCommand(command, { level });
  } catch (e) {
    assert.ok(e instanceof OftpEncodeError, `${what}: encoder threw ${String(e)}`);
    return 'ok';
  }
  assert.deepEqual(decodeCommand(again, { level }).command, command, `${what}: re-encoding changed the command`);
  return 'ok';
}

/** Runs `iterations` inputs; throws an AssertionError at the first input handled wrongly. */
export function runFuzz(iterations: number, seed = FUZZ_SEED): { ok: number; error: number } {
  const r = new Random(seed);
  const tally = { ok: 0, error: 0 };
  for (let i = 0; i < iterations; i++) {
    const mode = i % 10;
    if (mode < 5) {
      const seed = r.pick(corpus);
      const input = mutate(r, seed.bytes);
      tally[checkCommand(input, r.next() < 0.8 ? seed.level : r.pick(LEVELS), `#${i} mutated`)]++;
    } else if (mode < 7) {
      const input = r.bytes(r.int(0, 200));
      if (input.length && r.next() < 0.9) input[0] = r.pick(letters);
      tally[checkCommand(input, r.pick(LEVELS), `#${i} random`)]++;
    } else if (mode < 9) {
      // A stream of framed buffers, mutated, split at random points.
      const frames = Array.from({ length: r.int(1, 4) }, () => encodeStb(r.pick(corpus).bytes));
      const stream = mutate(r, Buffer.concat(frames));
      const parser = new StbParser();
      try {
        let pos = 0;
        while (pos < stream.length) {
          const n = r.int(1, stream.length - pos);
          parser.push(stream.subarray(pos, pos + n), (buf) => {
            checkCommand(buf, 5, `#${i} stream frame`);
          });
          pos += n;
        }
        parser.end();
        tally.ok++;
      } catch (e) {
        expectTyped(e, stream.length, `#${i} stream`);
        tally.error++;
      }
    } else {
      const format = r.pick(['F', 'V', 'U', 'T'] as const);
      const reader = new VirtualFileReader({ format, maxRecordLength: format === 'F' ? r.int(1, 100) : format === 'V' ? r.int(0, 300) : 0, recordLayout: format === 'V' && r.next() < 0.5 ? 'length-prefixed' : 'plain' });
      try {
        for (let n = r.int(1, 3); n > 0; n--) {
          const payload = r.bytes(r.int(0, 300));
          const out = reader.push(payload, { reuse: r.next() < 0.5 });
          assert.ok(Buffer.isBuffer(out));
        }
        reader.finish();
        tally.ok++;
      } catch (e) {
        expectTyped(e, 300, `#${i} data ${format}`);
        tally.error++;
      }
    }
  }
  return tally;
}
