// Data exchange buffers (RFC 5024 §7): subrecord headers, buffer compression, and the mapping of a virtual
// file's records (formats F, V, U, T) to and from DATA buffers, with the EFID record and unit counts.
import { OftpDecodeError, OftpEncodeError } from './errors';
import type { FileFormat } from './commands';
import type { Tolerance } from './tolerances';

export const EOR_FLAG = 0x80;
export const COMPRESSED_FLAG = 0x40;
export const COUNT_MASK = 0x3f;
export const MAX_SUBRECORD = 63;
const DATA_CODE = 0x44; // 'D'

/** Runs shorter than this stay literal: a compressed subrecord costs 2 octets plus a new header after it. */
const MIN_RUN = 4;

/** How records of F and V files are laid out in the local file. U and T files are plain byte streams. */
export type RecordLayout =
  /** F: records back to back, each exactly the record length. V: each record followed by LF. */
  | 'plain'
  /** Each record preceded by its length as 2 octets big-endian (RFC 5024 §6.5). For V only. */
  | 'length-prefixed';

export interface VirtualFileOptions {
  format: FileFormat;
  /** SFIDLRECL: record length for F, maximum record length for V; ignored for U and T. */
  maxRecordLength: number;
  recordLayout?: RecordLayout;
}

export interface Subrecord {
  /** Offset of the header octet within the payload (after 'D'). */
  offset: number;
  endOfRecord: boolean;
  compressed: boolean;
  count: number;
}

function dataError(kind: 'truncated' | 'range', offset: number, detail: string, answerReason?: number): OftpDecodeError {
  return new OftpDecodeError(kind, 'DATA', 'DATABUF', offset, detail, answerReason);
}

/** Walks the subrecords of a DATA payload (the octets after 'D'), checking that each is complete. */
export function parseSubrecords(payload: Uint8Array): Subrecord[] {
  const buf = Buffer.isBuffer(payload) ? payload : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  scanSubrecords(buf);
  const out: Subrecord[] = [];
  for (let pos = 0; pos < buf.length; ) {
    const h = buf[pos]!;
    const compressed = (h & COMPRESSED_FLAG) !== 0;
    out.push({ offset: pos, endOfRecord: (h & EOR_FLAG) !== 0, compressed, count: h & COUNT_MASK });
    pos += compressed ? 2 : 1 + (h & COUNT_MASK);
  }
  return out;
}

/** Checks a DATA payload's subrecord structure; counts its file octets, subrecords and compressed ones. */
export function scanSubrecords(payload: Buffer): { octets: number; subrecords: number; compressed: number; dataAfterEor: boolean } {
  let pos = 0;
  let octets = 0;
  let subrecords = 0;
  let compressed = 0;
  let eorSeen = false;
  let dataAfterEor = false;
  const end = payload.length;
  while (pos < end) {
    const h = payload[pos]!;
    const count = h & COUNT_MASK;
    // A compressed subrecord is always the one octet to repeat, even for a count of 0.
    const size = h & COMPRESSED_FLAG ? 1 : count;
    if (pos + 1 + size > end) {
      throw dataError('truncated', pos + 1, `subrecord header 0x${h.toString(16).padStart(2, '0')} needs ${size} octet(s), only ${end - pos - 1} left in the buffer`);
    }
    if (eorSeen && (count > 0 || h & EOR_FLAG)) dataAfterEor = true;
    if (h & EOR_FLAG) eorSeen = true;
    if (h & COMPRESSED_FLAG) compressed++;
    octets += count;
    subrecords++;
    pos += 1 + size;
  }
  return { octets, subrecords, compressed, dataAfterEor };
}

// ---------------------------------------------------------------------------------------------------------
// Receiving: DATA payloads → local file bytes.

/**
 * Rebuilds a virtual file from DATA payloads, one buffer at a time, never holding more than one buffer's
 * output. Counts records and user-data octets for the EFID check.
 */
export class VirtualFileReader {
  /** Records completed (for F and V, the EFIDRCNT to expect). */
  records = 0;
  /** User data octets (EFIDUCNT): record contents, without local layout additions. */
  units = 0;
  readonly tolerances: Tolerance[] = [];
  private recordLength = 0;
  private endOfFile = false;
  /** Last data octet received (T files: whether a record already ends its line with LF). */
  private lastOctet = -1;
  /** T files: the last completed record was non-empty and ended with LF, so its line end is in the data. */
  private recordEndedLine = false;
  private readonly format: FileFormat;
  private readonly maxRecordLength: number;
  private readonly layout: RecordLayout;
  /** length-prefixed V: the current record, held until its end so its length can go first. */
  private held: Buffer | undefined;

  constructor(options: VirtualFileOptions) {
    this.format = options.format;
    this.maxRecordLength = options.maxRecordLength;
    this.layout = options.recordLayout ?? 'plain';
    if (this.layout === 'length-prefixed') {
      if (this.format !== 'V') throw new RangeError('length-prefixed layout is for V files');
      this.held = Buffer.allocUnsafe(Math.min(this.maxRecordLength, 0xffff));
    }
    if (this.format === 'F' && this.maxRecordLength <= 0) throw new RangeError('F files need a record length');
  }

  private tolerate(t: Tolerance): void {
    if (!this.tolerances.includes(t)) this.tolerances.push(t);
  }

  /** Accepts one DATA payload (octets after 'D'); returns the local file octets it yields. */
  push(payload: Uint8Array, options: { reuse?: boolean } = {}): Buffer {
    // Hot path (every DATA buffer): walk the headers twice, once to check and size, once to copy, and
    // allocate nothing per subrecord.
    const buf = Buffer.isBuffer(payload) ? payload : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
    const scan = scanSubrecords(buf);
    const { octets, subrecords } = scan;
    const plainLayout = this.format === 'U' || this.format === 'T' || this.format === 'F';
    if (options.reuse && plainLayout && !this.held && scan.compressed === 0 && !(this.format !== 'F' && (this.endOfFile || scan.dataAfterEor))) {
      return this.compactInPlace(buf);
    }
    const from = new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
    const size = (this.held ? this.recordLength : 0) + octets;
    const structured = this.format === 'F' || this.format === 'V';
    // Room for what the local layout adds: an LF or a 2-octet prefix per V record, CR-LF per T line.
    const extra = structured || this.format === 'T' ? subrecords * 2 + 2 : 0;
    const out = Buffer.allocUnsafe(size + extra);
    let o = 0;
    let pos = 0;
    while (pos < buf.length) {
      const offset = pos;
      const h = buf[pos]!;
      const count = h & COUNT_MASK;
      const compressed = (h & COMPRESSED_FLAG) !== 0;
      pos += compressed ? 2 : 1 + count;
      if (this.endOfFile) {
        if (count === 0 && !(h & EOR_FLAG)) {
          this.tolerate('padding-after-eof');
          continue;
        }
        if (this.format === 'T') {
          // A second record in a T file: the peer sends one line per record. Restore the line end.
          this.tolerate('text-record-per-line');
          o = this.endTextLine(out, o);
          this.endOfFile = false;
        } else {
          throw dataError('range', offset, `data after the end-of-file subrecord of a ${this.format} file`, 12);
        }
      }
      if (count > 0) {
        this.recordLength += count;
        if (structured && this.recordLength > this.maxRecordLength) {
          throw dataError('range', offset, `record ${this.records + 1} is longer than the ${this.format === 'F' ? 'record' : 'maximum record'} length ${this.maxRecordLength}`, 5);
        }
        const target = this.held ?? out;
        const at = this.held ? this.recordLength - count : o;
        const to = new Uint8Array(target.buffer, target.byteOffset, target.length);
        if (this.held && this.recordLength > this.held.length) {
          throw dataError('range', offset, `record ${this.records + 1} is longer than 65535 octets, too long for a 2-octet length prefix`, 5);
        }
        if (compressed) {
          const b = buf[offset + 1]!;
          target.fill(b, at, at + count);
          this.lastOctet = b;
        } else {
          // Plain Uint8Array views: Buffer views and Buffer#copy cost an object per 63-octet subrecord.
          to.set(from.subarray(offset + 1, offset + 1 + count), at);
          this.lastOctet = buf[offset + count]!;
        }
        if (!this.held) o += count;
        this.units += count;
      }
      if (h & EOR_FLAG) o = this.endRecord(out, o, offset);
    }
    return out.subarray(0, o);
  }

  /**
   * The common case (U, T or F, no compressed subrecords): drop the headers by moving the data left within
   * the payload itself, which the caller gave up. copyWithin is a plain memmove, with no allocation.
   */
  private compactInPlace(buf: Buffer): Buffer {
    const u = new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
    let o = 0;
    let pos = 0;
    while (pos < u.length) {
      const offset = pos;
      const h = u[pos]!;
      const count = h & COUNT_MASK;
      pos += 1 + count;
      if (this.endOfFile) {
        // Only zero-length padding can follow the end of a U/T file here (checked by the scan).
        this.tolerate('padding-after-eof');
        continue;
      }
      if (count > 0) {
        this.recordLength += count;
        if (this.format === 'F' && this.recordLength > this.maxRecordLength) {
          throw dataError('range', offset, `record ${this.records + 1} is longer than the record length ${this.maxRecordLength}`, 5);
        }
        u.copyWithin(o, offset + 1, offset + 1 + count);
        o += count;
        this.units += count;
        this.lastOctet = u[o - 1]!;
      }
      if (h & EOR_FLAG) o = this.endRecord(buf, o, offset);
    }
    return buf.subarray(0, o);
  }

  private endRecord(out: Buffer, o: number, offset: number): number {
    if (this.format === 'F' && this.recordLength !== this.maxRecordLength) {
      throw dataError('range', offset, `record ${this.records + 1} is ${this.recordLength} octets, fixed record length is ${this.maxRecordLength}`, 5);
    }
    if (this.held) {
      out.writeUInt16BE(this.recordLength, o);
      this.held.copy(out, o + 2, 0, this.recordLength);
      o += 2 + this.recordLength;
    } else if (this.format === 'V') {
      out[o++] = 0x0a;
    }
    if (this.format === 'U' || this.format === 'T') {
      this.endOfFile = true;
      this.recordEndedLine = this.recordLength > 0 && this.lastOctet === 0x0a;
    } else {
      this.records++;
    }
    this.recordLength = 0;
    return o;
  }

  /**
   * T file sent one line per record: ends the line of the last completed record with CR-LF, unless that
   * record carried its own line end. A zero-length record is a blank line and always gets its CR-LF.
   */
  private endTextLine(out: Buffer, o: number): number {
    if (!this.recordEndedLine) {
      out[o++] = 0x0d;
      out[o++] = 0x0a;
    }
    this.recordEndedLine = true;
    return o;
  }

  /** Call after EFID: returns trailing local octets and checks the file ended on a record boundary. */
  finish(): Buffer {
    if (this.format === 'F' || this.format === 'V') {
      if (this.recordLength > 0) {
        throw dataError('truncated', 0, `file ended inside record ${this.records + 1} (${this.recordLength} octets without end-of-record flag)`, 10);
      }
      return Buffer.alloc(0);
    }
    if (!this.endOfFile && this.units > 0) {
      this.tolerate('missing-final-eor');
      // The unterminated last record is a line too (for the text-record-per-line case below).
      if (this.recordLength > 0) this.recordEndedLine = this.lastOctet === 0x0a;
    }
    if (this.format === 'T' && this.tolerances.includes('text-record-per-line')) {
      const out = Buffer.alloc(2);
      return out.subarray(0, this.endTextLine(out, 0));
    }
    return Buffer.alloc(0);
  }

  /** The EFID counts this file should carry: records (F/V only) and user-data octets. */
  get counts(): { recordCount: number; unitCount: number } {
    return { recordCount: this.format === 'F' || this.format === 'V' ? this.records : 0, unitCount: this.units };
  }

  /**
   * Compares the counts of a received EFID with what arrived; returns the EFNA reason and text on mismatch.
   * `restartUnits`/`restartRecords`: what had arrived in an earlier session before a restart.
   */
  checkEfid(efid: { recordCount: number; unitCount: number }, restart = { records: 0, units: 0 }): { reason: number; text: string } | undefined {
    const { recordCount, unitCount } = this.counts;
    const records = recordCount + (this.format === 'F' || this.format === 'V' ? restart.records : 0);
    const units = unitCount + restart.units;
    if ((this.format === 'F' || this.format === 'V') && efid.recordCount !== records) {
      return { reason: 10, text: `EFID says ${efid.recordCount} records, ${records} arrived` };
    }
    if (efid.unitCount !== units) return { reason: 11, text: `EFID says ${efid.unitCount} octets, ${units} arrived` };
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Sending: local file bytes → DATA exchange buffers.

export interface VirtualFileWriterOptions extends VirtualFileOptions {
  /** Negotiated SSIDSDEB: the largest exchange buffer, command octet included (128..99999). */
  bufferSize: number;
  /** Negotiated SSIDCMPR: compress runs of equal octets. */
  compression: boolean;
}

/**
 * Packs subrecords into DATA exchange buffers ('D' included) no longer than the negotiated size, splitting
 * subrecords to fill each buffer (RFC 5024 §7.3 strategy 2).
 *
 * The output depends only on the record contents, not on how they were split across write() calls: a
 * literal subrecord left short by one call is continued by the next, and a run of equal octets at the end
 * of one call is held back until the next call shows where it ends.
 */
export class DataBufferPacker {
  private buf: Buffer;
  private pos = 1;
  /** Offset of the last subrecord header in the current buffer, to set its end-of-record flag late. */
  private lastHeader = -1;
  /** Header offset of a literal subrecord with room left that ends the current buffer, or -1. */
  private openLiteral = -1;
  /** Compression: the run of equal octets that ended the last write() and may continue in the next. */
  private pendingOctet = 0;
  private pendingCount = 0;
  private readonly ready: Buffer[] = [];
  /** The buffer being filled, as a plain Uint8Array for cheap copies. */
  private view!: Uint8Array;
  /** DATA buffers given back once sent (see recycle), filled again instead of allocating new ones. */
  private readonly spare: ArrayBuffer[] = [];
  /** Memory of the buffers handed out and not yet given back: only those may be recycled, and only once. */
  private readonly issued = new WeakSet<ArrayBuffer>();

  constructor(
    readonly bufferSize: number,
    readonly compression: boolean,
  ) {
    if (!Number.isInteger(bufferSize) || bufferSize < 128 || bufferSize > 99999) {
      throw new RangeError(`buffer size ${bufferSize} is outside 128..99999`);
    }
    this.buf = this.newBuffer();
  }

  private newBuffer(): Buffer {
    // allocUnsafeSlow: a buffer of its own, not a slice of Node's shared pool, since it is handed on.
    const spare = this.spare.pop();
    const b = spare ? Buffer.from(spare, 0, this.bufferSize) : Buffer.allocUnsafeSlow(this.bufferSize);
    this.issued.add(b.buffer);
    b[0] = DATA_CODE;
    this.view = new Uint8Array(b.buffer, b.byteOffset, b.length);
    return b;
  }

  private flush(): void {
    if (this.pos > 1) {
      this.ready.push(this.buf.subarray(0, this.pos));
      this.buf = this.newBuffer();
      this.pos = 1;
      this.lastHeader = -1;
      this.openLiteral = -1;
    }
  }

  private room(need: number): number {
    if (this.bufferSize - this.pos < need) this.flush();
    return this.bufferSize - this.pos;
  }

  private copy(src: Uint8Array, from: number, n: number): void {
    if (n < 16) {
      for (let k = 0; k < n; k++) this.buf[this.pos + k] = src[from + k]!;
    } else {
      // Plain Uint8Array views: a Buffer view (or Buffer#copy) costs far more per 63-octet subrecord.
      this.view.set(src.subarray(from, from + n), this.pos);
    }
    this.pos += n;
  }

  private literal(src: Uint8Array, from: number, to: number): void {
    let i = from;
    if (this.openLiteral >= 0 && i < to) {
      // Continue the short literal subrecord the previous call left at the end of the buffer.
      const count = this.buf[this.openLiteral]!;
      const n = Math.min(MAX_SUBRECORD - count, this.bufferSize - this.pos, to - i);
      this.buf[this.openLiteral] = count + n;
      this.copy(src, i, n);
      i += n;
      if (count + n === MAX_SUBRECORD) this.openLiteral = -1;
    }
    while (i < to) {
      // Many full subrecords at once: one bulk copy, then each 63-octet block slid left into place behind
      // its header (copyWithin is a memmove; a view per subrecord would cost an object each).
      const k = Math.min(Math.floor((to - i) / MAX_SUBRECORD), Math.floor((this.bufferSize - this.pos) / (MAX_SUBRECORD + 1)));
      if (k >= 4) {
        const base = this.pos;
        this.view.set(src.subarray(i, i + k * MAX_SUBRECORD), base + k);
        for (let j = 0; j < k; j++) {
          const header = base + j * (MAX_SUBRECORD + 1);
          const from = base + k + j * MAX_SUBRECORD;
          if (from !== header + 1) this.view.copyWithin(header + 1, from, from + MAX_SUBRECORD);
          this.view[header] = MAX_SUBRECORD;
        }
        this.lastHeader = base + (k - 1) * (MAX_SUBRECORD + 1);
        this.pos = base + k * (MAX_SUBRECORD + 1);
        this.openLiteral = -1;
        i += k * MAX_SUBRECORD;
        continue;
      }
      const space = this.room(2) - 1;
      const n = Math.min(MAX_SUBRECORD, space, to - i);
      this.lastHeader = this.pos;
      this.buf[this.pos++] = n;
      this.copy(src, i, n);
      i += n;
      this.openLiteral = n < MAX_SUBRECORD ? this.lastHeader : -1;
    }
  }

  private run(octet: number, count: number): void {
    this.openLiteral = -1;
    while (count > 0) {
      if (count === 1) {
        // The one octet left after 63-octet pieces: literal, so the data after it can share its header.
        this.literal(Buffer.of(octet), 0, 1);
        return;
      }
      this.room(2);
      const n = Math.min(MAX_SUBRECORD, count);
      this.lastHeader = this.pos;
      this.buf[this.pos++] = COMPRESSED_FLAG | n;
      this.buf[this.pos++] = octet;
      count -= n;
    }
  }

  /** Emits the held-back run: compressed if long enough, else as literal octets. */
  private flushPending(): void {
    const count = this.pendingCount;
    if (count === 0) return;
    this.pendingCount = 0;
    if (count >= MIN_RUN) this.run(this.pendingOctet, count);
    else this.literal(Buffer.alloc(count, this.pendingOctet), 0, count);
  }

  /** Appends record content; compression (when negotiated) turns runs of equal octets into 2-octet subrecords. */
  write(chunk: Uint8Array): void {
    // Work on a plain Uint8Array: views of it are much cheaper to make than views of a Buffer.
    const src = Buffer.isBuffer(chunk) ? new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length) : chunk;
    if (!this.compression) {
      this.literal(src, 0, src.length);
      return;
    }
    const n = src.length;
    if (n === 0) return;
    let i = 0;
    if (this.pendingCount > 0) {
      const b = this.pendingOctet;
      while (i < n && src[i] === b) i++;
      this.pendingCount += i;
      if (i === n) return;
      this.flushPending();
    }
    let litStart = i;
    while (i < n) {
      const b = src[i]!;
      let j = i + 1;
      while (j < n && src[j] === b) j++;
      if (j === n) {
        // The last run may go on in the next call: hold it back.
        if (litStart < i) this.literal(src, litStart, i);
        this.pendingOctet = b;
        this.pendingCount = j - i;
        return;
      }
      if (j - i >= MIN_RUN) {
        if (litStart < i) this.literal(src, litStart, i);
        this.run(b, j - i);
        litStart = j;
      }
      i = j;
    }
  }

  /** Marks the end of the current record: sets EoR on its last subrecord, or writes an empty one. */
  endRecord(recordWasEmpty: boolean): void {
    this.flushPending();
    if (recordWasEmpty || this.lastHeader < 0) {
      this.room(1);
      this.lastHeader = this.pos;
      this.buf[this.pos++] = EOR_FLAG;
    } else {
      this.buf[this.lastHeader]! |= EOR_FLAG;
    }
    this.openLiteral = -1;
  }

  /**
   * Gives back a DATA buffer this packer handed out, once nothing refers to it any more (the socket has
   * written it), so the next buffer reuses its memory: a fresh 100 KB buffer per DATA only feeds the GC.
   * Anything else, or a buffer given back twice, is ignored.
   */
  recycle(buf: Uint8Array): void {
    const memory = buf.buffer as ArrayBuffer;
    if (!this.issued.delete(memory) || this.spare.length >= 8) return;
    this.spare.push(memory);
  }

  /** Complete buffers so far. The buffer being filled stays back so the end-of-record flag can still be set. */
  take(): Buffer[] {
    return this.ready.splice(0, this.ready.length);
  }

  /** Ends packing: returns every remaining buffer. */
  finish(): Buffer[] {
    this.flushPending();
    this.flush();
    return this.take();
  }
}

/**
 * Turns a local file, pushed in chunks of any size, into DATA exchange buffers, and counts records and
 * units for the EFID. F files are cut at the record length; V files at LF ('plain') or by 2-octet length
 * prefixes ('length-prefixed'); U and T files are one record.
 */
export class VirtualFileWriter {
  records = 0;
  units = 0;
  private readonly packer: DataBufferPacker;
  private readonly format: FileFormat;
  private readonly maxRecordLength: number;
  private readonly layout: RecordLayout;
  /** Octets of the current record written so far. */
  private recordLength = 0;
  /** Split bytes carried between chunks: a partial length prefix. */
  private carry: Buffer = Buffer.alloc(0);
  /** length-prefixed: octets still to come of the current record, or -1 while reading a prefix. */
  private expect = -1;

  constructor(options: VirtualFileWriterOptions) {
    this.format = options.format;
    this.maxRecordLength = options.maxRecordLength;
    this.layout = options.recordLayout ?? 'plain';
    if (this.layout === 'length-prefixed' && this.format !== 'V') throw new RangeError('length-prefixed layout is for V files');
    if (this.format === 'F' && this.maxRecordLength <= 0) throw new RangeError('F files need a record length');
    this.packer = new DataBufferPacker(options.bufferSize, options.compression);
  }

  private fail(detail: string): never {
    throw new OftpEncodeError('DATA', 'DATABUF', detail);
  }

  private content(src: Uint8Array): void {
    if (src.length === 0) return;
    this.recordLength += src.length;
    if ((this.format === 'F' || this.format === 'V') && this.recordLength > this.maxRecordLength) {
      this.fail(`record ${this.records + 1} is longer than the ${this.format === 'F' ? 'record' : 'maximum record'} length ${this.maxRecordLength}`);
    }
    this.units += src.length;
    this.packer.write(src);
  }

  private endRecord(): void {
    this.packer.endRecord(this.recordLength === 0);
    this.records++;
    this.recordLength = 0;
  }

  /** Accepts the next chunk of the local file; returns the DATA buffers that are complete. */
  write(chunk: Uint8Array): Buffer[] {
    switch (this.format) {
      case 'U':
      case 'T':
        this.content(chunk);
        break;
      case 'F':
        this.writeFixed(chunk);
        break;
      case 'V':
        if (this.layout === 'length-prefixed') this.writePrefixed(chunk);
        else this.writeLines(chunk);
        break;
    }
    return this.packer.take();
  }

  private writeFixed(chunk: Uint8Array): void {
    let i = 0;
    while (i < chunk.length) {
      const n = Math.min(this.maxRecordLength - this.recordLength, chunk.length - i);
      this.content(chunk.subarray(i, i + n));
      i += n;
      if (this.recordLength === this.maxRecordLength) this.endRecord();
    }
  }

  private writeLines(chunk: Uint8Array): void {
    let i = 0;
    while (i < chunk.length) {
      const lf = chunk.indexOf(0x0a, i);
      if (lf < 0) {
        this.content(chunk.subarray(i));
        return;
      }
      this.content(chunk.subarray(i, lf));
      this.endRecord();
      i = lf + 1;
    }
  }

  private writePrefixed(chunk: Uint8Array): void {
    let data = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.carry.length) {
      data = Buffer.concat([this.carry, data]);
      this.carry = Buffer.alloc(0);
    }
    let i = 0;
    while (i < data.length) {
      if (this.expect < 0) {
        if (data.length - i < 2) {
          this.carry = Buffer.from(data.subarray(i));
          return;
        }
        this.expect = data.readUInt16BE(i);
        i += 2;
        if (this.expect > this.maxRecordLength) this.fail(`record ${this.records + 1} has length prefix ${this.expect}, more than the maximum record length ${this.maxRecordLength}`);
      }
      const n = Math.min(this.expect, data.length - i);
      this.content(data.subarray(i, i + n));
      i += n;
      this.expect -= n;
      if (this.expect === 0) {
        this.endRecord();
        this.expect = -1;
      }
    }
  }

  /** Ends the file: returns the remaining DATA buffers. An empty U/T file sends no DATA at all. */
  end(): Buffer[] {
    switch (this.format) {
      case 'U':
      case 'T':
        if (this.units > 0) this.packer.endRecord(false);
        break;
      case 'F':
        if (this.recordLength > 0) this.fail(`file size is not a multiple of the record length ${this.maxRecordLength} (last record has ${this.recordLength} octets)`);
        break;
      case 'V':
        if (this.layout === 'length-prefixed') {
          if (this.carry.length || this.expect >= 0) this.fail(`file ends inside record ${this.records + 1}: length prefix promised more octets`);
        } else if (this.recordLength > 0) {
          // A last line without LF is still a record; the receiver writes it back with an LF.
          this.endRecord();
        }
        break;
    }
    return this.packer.finish();
  }

  /** The EFID counts for what was written: records (F/V only) and user-data octets. */
  get counts(): { recordCount: number; unitCount: number } {
    return { recordCount: this.format === 'F' || this.format === 'V' ? this.records : 0, unitCount: this.units };
  }

  /** Gives back a DATA buffer from write() or end() once it has been sent (DataBufferPacker.recycle). */
  recycle(buf: Uint8Array): void {
    this.packer.recycle(buf);
  }
}
