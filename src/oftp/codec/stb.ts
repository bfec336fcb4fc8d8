// Stream Transmission Buffer framing (RFC 5024 §8): a push parser that takes TCP bytes in any split and
// yields whole exchange buffers, and the encoder that puts the 4-octet header in front of one.
import { OftpDecodeError } from './errors';
import type { Tolerance } from './tolerances';

export const STH_LENGTH = 4;
export const STB_MIN_LENGTH = 5;
export const STB_MAX_LENGTH = 100003;

/** Prefixes an exchange buffer with its Stream Transmission Header: version 1, flags 0, 24-bit length. */
export function encodeStb(exchangeBuffer: Uint8Array): Buffer {
  const total = exchangeBuffer.length + STH_LENGTH;
  if (total < STB_MIN_LENGTH || total > STB_MAX_LENGTH) {
    throw new RangeError(`exchange buffer of ${exchangeBuffer.length} octets does not fit a Stream Transmission Buffer (1..99999)`);
  }
  const out = Buffer.allocUnsafe(total);
  out.writeUInt32BE(0x10000000 | total, 0);
  out.set(exchangeBuffer, STH_LENGTH);
  return out;
}

export interface StbFrameInfo {
  /** Offset of the frame's header in the whole stream. */
  streamOffset: number;
  tolerances: Tolerance[];
}

export type StbHandler = (exchangeBuffer: Buffer, info: StbFrameInfo) => void;

/**
 * Push parser for a stream of STBs. Buffers handed to the handler may share memory with the pushed chunk
 * (no copy when a frame lies inside one chunk): copy them if they must outlive the handler call.
 * After an error the stream cannot be resynchronised, so the parser stays failed.
 */
export class StbParser {
  /** Header octets of a frame whose header arrived split. */
  private readonly header = Buffer.alloc(STH_LENGTH);
  private headerFill = 0;
  /** A frame whose body arrived split: allocated once at its declared length, then filled. */
  private partial: Buffer | undefined;
  private partialFill = 0;
  private partialTolerances: Tolerance[] = [];
  private partialOffset = 0;
  private consumed = 0;
  private failure: OftpDecodeError | undefined;

  /** Octets received but not yet part of a complete frame. */
  get buffered(): number {
    return this.partial ? this.partialFill : this.headerFill;
  }

  /** Absolute stream offset of the next frame's header. */
  get streamOffset(): number {
    return this.consumed;
  }

  push(chunk: Uint8Array, onBuffer: StbHandler): void {
    if (this.failure) throw this.failure;
    const data = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let pos = 0;
    while (pos < data.length) {
      if (this.partial) {
        const n = Math.min(this.partial.length - this.partialFill, data.length - pos);
        data.copy(this.partial, this.partialFill, pos, pos + n);
        this.partialFill += n;
        pos += n;
        if (this.partialFill === this.partial.length) {
          const frame = this.partial;
          this.partial = undefined;
          this.emit(frame.subarray(STH_LENGTH), this.partialOffset, this.partialTolerances, onBuffer);
        }
        continue;
      }
      if (this.headerFill > 0 || data.length - pos < STH_LENGTH) {
        const n = Math.min(STH_LENGTH - this.headerFill, data.length - pos);
        data.copy(this.header, this.headerFill, pos, pos + n);
        this.headerFill += n;
        pos += n;
        if (this.headerFill < STH_LENGTH) break;
        this.headerFill = 0;
        const length = this.checkHeader(this.header, 0);
        this.startPartial(length, this.header, 0);
        continue;
      }
      const length = this.checkHeader(data, pos);
      if (data.length - pos >= length) {
        const tolerances = this.flagTolerances(data[pos]!);
        const offset = this.consumed;
        const frame = data.subarray(pos + STH_LENGTH, pos + length);
        pos += length;
        this.emit(frame, offset, tolerances, onBuffer);
      } else {
        this.startPartial(length, data, pos);
        const n = data.length - pos;
        data.copy(this.partial!, 0, pos);
        this.partialFill = n;
        pos += n;
      }
    }
  }

  /** Call at end of stream: an unfinished frame is an error. */
  end(): void {
    if (this.failure) throw this.failure;
    if (this.partial) {
      throw new OftpDecodeError('truncated', 'STB', undefined, this.partialOffset,
        `stream ended inside a frame: header says ${this.partial.length} octets, only ${this.partialFill} arrived`);
    }
    if (this.headerFill > 0) {
      throw new OftpDecodeError('truncated', 'STB', 'STH', this.consumed,
        `stream ended inside a Stream Transmission Header (${this.headerFill} of 4 octets)`);
    }
  }

  /** Validates the header at buf[at..at+4] and returns the frame's total length. */
  private checkHeader(buf: Buffer, at: number): number {
    const first = buf[at]!;
    if (first >> 4 !== 1) {
      this.fail(`version nibble is ${first >> 4} (octet 0x${first.toString(16).padStart(2, '0')}), must be 1: not an ODETTE-FTP Stream Transmission Header`);
    }
    const length = (buf[at + 1]! << 16) | (buf[at + 2]! << 8) | buf[at + 3]!;
    if (length < STB_MIN_LENGTH || length > STB_MAX_LENGTH) {
      this.fail(`length ${length} is outside ${STB_MIN_LENGTH}..${STB_MAX_LENGTH}`);
    }
    return length;
  }

  private flagTolerances(first: number): Tolerance[] {
    return (first & 0x0f) !== 0 ? ['sth-flags-nonzero'] : [];
  }

  private startPartial(length: number, headerSource: Buffer, at: number): void {
    this.partial = Buffer.allocUnsafe(length);
    headerSource.copy(this.partial, 0, at, at + STH_LENGTH);
    this.partialFill = STH_LENGTH;
    this.partialOffset = this.consumed;
    this.partialTolerances = this.flagTolerances(headerSource[at]!);
  }

  private emit(frame: Buffer, offset: number, tolerances: Tolerance[], onBuffer: StbHandler): void {
    this.consumed = offset + frame.length + STH_LENGTH;
    onBuffer(frame, { streamOffset: offset, tolerances });
  }

  private fail(detail: string): never {
    this.failure = new OftpDecodeError('framing', 'STB', 'STH', this.consumed, detail);
    throw this.failure;
  }
}
