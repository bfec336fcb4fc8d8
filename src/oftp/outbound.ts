// A local file offered to a partner: its SFID (dataset name, date and time from the file so a resend keeps
// the same identity and can restart), and a reader that starts after the restart position.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { FileFormat } from './codec/commands';
import { isIso646String } from './codec/fields';
import type { RecordLayout } from './codec/data';
import type { OutboundFile } from './session/session';
import { secureFile, sfidServiceFields, type OutboundServices } from './security/file-services';
import { createHash } from 'node:crypto';
import { mkdir, open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface OutboundFileOptions {
  path: string;
  /** Our Odette ID (SFIDORIG). */
  originator: string;
  /** The partner's Odette ID (SFIDDEST). */
  destination: string;
  /** Virtual file name; default: the file name, upper-cased, reduced to the ISO 646 subset, 26 characters. */
  datasetName?: string;
  format?: FileFormat;
  /** Record length for F, maximum record length for V. */
  recordLength?: number;
  recordLayout?: RecordLayout;
  description?: string;
  userData?: string;
  /** Override the file's identity (CCYYMMDD and HHMMSScccc); default: from the file's modification time. */
  date?: string;
  time?: string;
  /** File services (sign, compress, encrypt) done before the transfer, into a cached temporary file. */
  services?: OutboundServices;
}

/** The default virtual file name for a path: what a partner's system can take. */
export function datasetNameFor(path: string): string {
  const name = basename(path).toUpperCase().replace(/[^A-Z0-9./&()-]/g, '-').replace(/^[-.]+/, '').slice(0, 26);
  return name || 'FILE';
}

/** SFIDDATE/SFIDTIME from a timestamp: CCYYMMDD and HHMMSScccc, the counter taken from the milliseconds. */
export function fileStamp(when: Date): { date: string; time: string } {
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  const date = `${when.getUTCFullYear()}${p(when.getUTCMonth() + 1)}${p(when.getUTCDate())}`;
  const time = `${p(when.getUTCHours())}${p(when.getUTCMinutes())}${p(when.getUTCSeconds())}${p(when.getUTCMilliseconds() * 10 + 1, 4)}`;
  return { date, time };
}

export async function outboundFile(o: OutboundFileOptions): Promise<OutboundFile> {
  const st = await stat(o.path);
  if (!st.isFile()) throw new Error(`${o.path} is not a file`);
  const format = o.format ?? 'U';
  const lrecl = format === 'F' || format === 'V' ? o.recordLength ?? 0 : 0;
  if (format === 'F' && lrecl <= 0) throw new Error('format F needs a record length');
  if (format === 'V' && lrecl <= 0) throw new Error('format V needs a maximum record length');
  if (format === 'F' && st.size % lrecl !== 0) throw new Error(`${o.path} is ${st.size} octets, not a multiple of the record length ${lrecl}`);
  const datasetName = o.datasetName ?? datasetNameFor(o.path);
  if (datasetName.length > 26 || !isIso646String(datasetName, false)) {
    throw new Error(`virtual file name ${JSON.stringify(datasetName)} must be 1-26 characters of A-Z 0-9 / - . & ( ) without embedded spaces`);
  }
  const stamp = fileStamp(st.mtime);
  const kib = Math.ceil(st.size / 1024);
  const layout = o.recordLayout ?? 'plain';
  const s = o.services;
  // The file's identity and attributes; sizes and file-service fields are filled in below.
  const identity = {
    datasetName,
    date: o.date ?? stamp.date,
    time: o.time ?? stamp.time,
    userData: o.userData ?? '',
    destination: o.destination,
    originator: o.originator,
    format,
    maxRecordLength: lrecl,
    originalFileSize: kib,
    description: o.description ?? '',
  };
  if (s && (s.sign || s.encryptTo || s.compress)) {
    if (format === 'V' && layout !== 'plain') throw new Error('file services for V files read one record per line from the local file');
    if (format === 'V' && lrecl > 65536) throw new Error('a secured V file may have records of at most 65536 octets (RFC 5024 §5.3.3)');
    // RFC 5024 §6.3: secure before the session. The result is cached by file and services so a resend
    // offers the same bytes and can restart.
    const id = createHash('sha256').update(JSON.stringify([o.path, st.mtimeMs, st.size, format, s.cipherSuite, !!s.sign, s.encryptTo ?? '', !!s.compress])).digest('hex').slice(0, 32);
    const dir = join(tmpdir(), 'oftp2-outbound');
    await mkdir(dir, { recursive: true });
    const secured = join(dir, `${id}.cms`);
    const securedSize = await stat(secured).then((x) => x.size, () => secureFile(o.path, secured, s, format));
    return {
      kind: 'file',
      transmittedPath: secured,
      restartProposal: Math.floor(securedSize / 1024),
      sfid: { ...identity, fileSize: Math.ceil(securedSize / 1024), ...sfidServiceFields(s) },
      async open(units: number) {
        return { chunks: readChunks(secured, units * 1024), skipped: { records: 0, units: units * 1024 } };
      },
    };
  }
  // The restart proposal is the whole file: the receiver answers with what it really has.
  const restartProposal = format === 'U' || format === 'T' ? Math.floor(st.size / 1024) : format === 'F' ? st.size / lrecl : await countRecords(o.path, layout);
  return {
    kind: 'file',
    transmittedPath: o.path,
    recordLayout: layout,
    restartProposal,
    // Only a signed-EERP request is possible without file services; SFIDCIPH then names its suite.
    sfid: { ...identity, fileSize: kib, ...sfidServiceFields({ cipherSuite: s?.cipherSuite ?? 0, signedEerp: !!s?.signedEerp }) },
    async open(units: number) {
      const skip = await skipPoint(o.path, format, lrecl, layout, units);
      return { chunks: readChunks(o.path, skip.bytes), skipped: { records: skip.records, units: skip.units } };
    },
  };
}

/**
 * Reads a file from `start` into one reused 1 MiB buffer. Each chunk is only valid until the next one is
 * asked for: the session packs it into DATA buffers at once, and a fresh buffer per read only feeds the GC.
 */
async function* readChunks(path: string, start: number): AsyncGenerator<Uint8Array> {
  const handle = await open(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(1024 * 1024);
    for (let position = start; ; ) {
      const { bytesRead } = await handle.read(buf, 0, buf.length, position);
      if (bytesRead === 0) return;
      position += bytesRead;
      yield buf.subarray(0, bytesRead);
    }
  } finally {
    await handle.close();
  }
}

/** Where to resume: octet offset in the local file, and the records/units before it. */
async function skipPoint(path: string, format: FileFormat, lrecl: number, layout: RecordLayout, units: number): Promise<{ bytes: number; records: number; units: number }> {
  if (units === 0) return { bytes: 0, records: 0, units: 0 };
  if (format === 'U' || format === 'T') return { bytes: units * 1024, records: 0, units: units * 1024 };
  if (format === 'F') return { bytes: units * lrecl, records: units, units: units * lrecl };
  let records = 0;
  let octets = 0;
  let offset = 0;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    let i = 0;
    while (records < units) {
      if (layout === 'length-prefixed') throw new Error('restart of length-prefixed V files is not supported by the sender');
      const lf = chunk.indexOf(0x0a, i);
      if (lf < 0) break;
      octets += lf - i;
      i = lf + 1;
      records++;
    }
    if (records >= units) return { bytes: offset + i, records, units: octets };
    octets += chunk.length - i;
    offset += chunk.length;
  }
  throw new Error(`the partner asked to resume after record ${units}, but the file has only ${records}`);
}

async function countRecords(path: string, layout: RecordLayout): Promise<number> {
  if (layout === 'length-prefixed') return 0;
  let n = 0;
  let last = -1;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    for (let i = chunk.indexOf(0x0a); i >= 0; i = chunk.indexOf(0x0a, i + 1)) n++;
    if (chunk.length) last = chunk[chunk.length - 1]!;
  }
  return last >= 0 && last !== 0x0a ? n + 1 : n;
}
