// Codec throughput: commands decoded per second, DATA received (STB framing + decode + subrecords +
// decompression) and DATA sent (VirtualFileWriter), in MB/s of file data (1 MB = 10^6 octets).
// Each case warms up, then runs for about 2 s. Prints a table and writes bench/results/codec.json.
//   npm run bench        (builds, compiles, runs node out/bench/codec.js)
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { decodeCommand, encodeCommand, type OftpCommand } from '../src/oftp/codec/commands';
import { VirtualFileReader, VirtualFileWriter } from '../src/oftp/codec/data';
import { encodeStb, StbParser } from '../src/oftp/codec/stb';

const WARMUP_MS = 300;
const RUN_MS = 2000;
/** TCP-like read size for pushing streams into the parser. */
const CHUNK = 64 * 1024;
/** File size of each DATA case. */
const FILE_SIZE = 8 * 1024 * 1024;

// ---------------------------------------------------------------------------------------------------------
// Inputs.

/** mulberry32, seeded, so every run measures the same octets. */
function fill(seed: number, out: Buffer): Buffer {
  let s = seed >>> 0;
  for (let i = 0; i + 4 <= out.length; i += 4) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out.writeUInt32LE((t ^ (t >>> 14)) >>> 0, i);
  }
  return out;
}

/** Incompressible: uniformly random octets (runs of 4+ equal octets are practically absent). */
const randomFile = (): Buffer => fill(0xbe7c4, Buffer.alloc(FILE_SIZE));

/**
 * Compressible: fixed-width 80-column records as an EDI or flat-file export has them, with a field of text
 * and the rest padded with spaces or zeros (the runs buffer compression exists for).
 */
function compressibleFile(): Buffer {
  const noise = fill(0x5eed, Buffer.alloc(FILE_SIZE));
  const out = Buffer.alloc(FILE_SIZE, 0x20);
  for (let at = 0; at < FILE_SIZE; at += 80) {
    const textLength = 8 + (noise[at]! % 32);
    for (let k = 0; k < textLength && at + k < FILE_SIZE; k++) out[at + k] = 0x41 + (noise[at + k + 1]! % 26);
    if (at + 79 < FILE_SIZE) out.fill(0x30, at + 60, at + 72); // a zero-filled amount field
  }
  return out;
}

const fileInfo = { datasetName: 'INVOIC.20261128', date: '20261128', time: '1200000001', userData: '', destination: 'O0013RESPONDER', originator: 'O0013INITIATOR' };

/** A session's worth of commands other than DATA, in the order they usually come. */
const COMMAND_MIX: OftpCommand[] = [
  { type: 'SSID', level: 5, code: 'O0013INITIATOR', password: 'SECRET', bufferSize: 99999, mode: 'B', compression: true, restart: true, specialLogic: false, credit: 999, secureAuthentication: false, userData: '' },
  { type: 'SFID', ...fileInfo, format: 'V', maxRecordLength: 2048, fileSize: 4096, originalFileSize: 8192, restartPosition: 0, securityLevel: 0, cipherSuite: 0, compression: 0, envelope: 0, signedEerp: true, description: 'monthly invoices' },
  { type: 'SFPA', restartCount: 0 },
  { type: 'CDT' },
  { type: 'EFID', recordCount: 12345, unitCount: 4194304 },
  { type: 'EFPA', changeDirection: false },
  { type: 'EERP', ...fileInfo, destination: 'O0013INITIATOR', originator: 'O0013RESPONDER', hash: Buffer.alloc(32, 0xab), signature: Buffer.alloc(256, 0xcd) },
  { type: 'ESID', reason: 0, text: 'normal termination' },
];

function chunks(stream: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at < stream.length; at += CHUNK) out.push(stream.subarray(at, at + CHUNK));
  return out;
}

function dataStream(file: Buffer, bufferSize: number, compression: boolean): { stream: Buffer[]; wire: number; buffers: number } {
  const w = new VirtualFileWriter({ format: 'U', maxRecordLength: 0, bufferSize, compression });
  const buffers = [...w.write(file), ...w.end()];
  const stream = Buffer.concat(buffers.map((b) => encodeStb(b)));
  return { stream: chunks(stream), wire: stream.length, buffers: buffers.length };
}

// ---------------------------------------------------------------------------------------------------------
// Measuring.

interface Result {
  name: string;
  unit: string;
  rate: number;
  iterations: number;
  seconds: number;
  note: string;
}

/** Runs `fn` (which returns the work it did, in the result's unit) repeatedly: warm-up, then RUN_MS. */
function measure(name: string, unit: string, note: string, fn: () => number): Result {
  const warmEnd = performance.now() + WARMUP_MS;
  while (performance.now() < warmEnd) fn();
  let work = 0;
  let iterations = 0;
  const start = performance.now();
  let now = start;
  while (now - start < RUN_MS) {
    work += fn();
    iterations++;
    now = performance.now();
  }
  const seconds = (now - start) / 1000;
  const result = { name, unit, rate: work / seconds, iterations, seconds, note };
  console.log(`  ${name.padEnd(48)} ${format(result.rate).padStart(10)} ${unit.padEnd(10)} ${note}`);
  return result;
}

const format = (n: number): string => (n >= 1000 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1));

/** `decode` false: skip decodeCommand and take the payload after 'D' directly (to show what decoding costs). */
function receive(stream: Buffer[], fileSize: number, decode = true): number {
  const parser = new StbParser();
  const reader = new VirtualFileReader({ format: 'U', maxRecordLength: 0 });
  let octets = 0;
  for (const chunk of stream) {
    parser.push(chunk, (buf) => {
      let payload: Buffer;
      if (decode) {
        const { command } = decodeCommand(buf);
        if (command.type !== 'DATA') throw new Error(`expected DATA, got ${command.type}`);
        payload = command.payload;
      } else {
        payload = buf.subarray(1);
      }
      octets += reader.push(payload).length;
    });
  }
  parser.end();
  octets += reader.finish().length;
  if (octets !== fileSize) throw new Error(`received ${octets} octets, expected ${fileSize}`);
  return octets / 1e6;
}

function send(file: Buffer, bufferSize: number, compression: boolean): number {
  const w = new VirtualFileWriter({ format: 'U', maxRecordLength: 0, bufferSize, compression });
  let buffers = 0;
  for (let at = 0; at < file.length; at += CHUNK) buffers += w.write(file.subarray(at, at + CHUNK)).length;
  buffers += w.end().length;
  if (buffers === 0) throw new Error('no buffers');
  return file.length / 1e6;
}

// ---------------------------------------------------------------------------------------------------------

function main(): void {
  const results: Result[] = [];
  console.log(`OFTP2 codec benchmark, node ${process.version}, ${cpus().length} x ${cpus()[0]?.model ?? 'CPU'}`);

  // (a) Commands: the mix framed as STBs, 100 times over, through StbParser + decodeCommand.
  const mixStream = Buffer.concat(Array.from({ length: 100 }, () => COMMAND_MIX.map((c) => encodeStb(encodeCommand(c)))).flat());
  const mixChunks = chunks(mixStream);
  results.push(measure('commands: StbParser + decodeCommand', 'cmd/s', `mix of ${COMMAND_MIX.map((c) => c.type).join(' ')}`, () => {
    const parser = new StbParser();
    let n = 0;
    for (const chunk of mixChunks) parser.push(chunk, (buf) => { decodeCommand(buf); n++; });
    parser.end();
    return n;
  }));

  const random = randomFile();
  const compressible = compressibleFile();
  const ratio = (s: { wire: number }, file: Buffer): string => `wire/file ${(s.wire / file.length).toFixed(3)}`;

  // (b) Receiving DATA: STBs of DATA buffers through StbParser + decodeCommand + VirtualFileReader.push.
  for (const bufferSize of [99999, 4096]) {
    const plain = dataStream(random, bufferSize, false);
    results.push(measure(`receive DATA ${bufferSize}, random, uncompressed`, 'MB/s', `${plain.buffers} buffers, ${ratio(plain, random)}`, () => receive(plain.stream, random.length)));
    if (bufferSize === 99999) {
      results.push(measure(`receive DATA 99999, random, no decodeCommand`, 'MB/s', 'StbParser + VirtualFileReader only', () => receive(plain.stream, random.length, false)));
    }
    const packed = dataStream(compressible, bufferSize, true);
    results.push(measure(`receive DATA ${bufferSize}, compressible, compressed`, 'MB/s', `${packed.buffers} buffers, ${ratio(packed, compressible)}`, () => receive(packed.stream, compressible.length)));
  }

  // (c) Sending: VirtualFileWriter, the file pushed in 64 KiB chunks.
  results.push(measure('send DATA 99999, random, compression off', 'MB/s', '', () => send(random, 99999, false)));
  results.push(measure('send DATA 99999, random, compression on', 'MB/s', 'run scan finds nothing', () => send(random, 99999, true)));
  results.push(measure('send DATA 99999, compressible, compression on', 'MB/s', '', () => send(compressible, 99999, true)));
  results.push(measure('send DATA 4096, compressible, compression on', 'MB/s', '', () => send(compressible, 4096, true)));

  const dir = resolve(__dirname, '../../bench/results');
  mkdirSync(dir, { recursive: true });
  const json = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? '',
    warmupMs: WARMUP_MS,
    runMs: RUN_MS,
    fileSize: FILE_SIZE,
    results: results.map((r) => ({ ...r, rate: Number(r.rate.toFixed(r.unit === 'MB/s' ? 1 : 0)), seconds: Number(r.seconds.toFixed(3)) })),
  };
  const target = join(dir, 'codec.json');
  writeFileSync(`${target}.tmp`, `${JSON.stringify(json, null, 2)}\n`);
  renameSync(`${target}.tmp`, target);
  console.log(`wrote ${target}`);
}

main();
