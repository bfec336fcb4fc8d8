// Field-level reading and writing of command exchange buffers (RFC 5024 §5.1, §5.3): X(n) ISO 646 text,
// 9(n) zero-padded decimals, U(n) big-endian binary, T(n) UTF-8, and the CR terminators. The reader records
// every field it reads (name, offset, length, value) for traces and hex views.
import { OftpDecodeError, OftpEncodeError, type DecodeErrorKind } from './errors';
import type { Tolerance } from './tolerances';

/** One decoded field, with its position in the exchange buffer. */
export interface FieldInfo {
  name: string;
  offset: number;
  length: number;
  value: string | number | boolean;
  /** Passwords: never print the value without an explicit request. */
  secret?: boolean;
}

const SPACE = 0x20;
const CR = 0x0d;
const CR_HIGH = 0x8d;
const LF = 0x0a;

/** ISO 646 subset of RFC 5024 Appendix B: 0-9 A-Z space / - . & ( ). */
const ISO646 = new Uint8Array(256);
for (const c of '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ /-.&()') ISO646[c.charCodeAt(0)] = 1;

export function isIso646String(value: string, allowEmbeddedSpace: boolean): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c > 0xff || !ISO646[c]) return false;
  }
  return allowEmbeddedSpace || !/\S +\S/.test(value);
}

export class FieldReader {
  pos = 0;
  readonly fields: FieldInfo[] = [];
  readonly tolerances: Tolerance[] = [];

  constructor(
    readonly buf: Buffer,
    readonly command: string,
  ) {}

  fail(kind: DecodeErrorKind, field: string | undefined, offset: number, detail: string): never {
    throw new OftpDecodeError(kind, this.command, field, offset, detail);
  }

  tolerate(t: Tolerance): void {
    if (!this.tolerances.includes(t)) this.tolerances.push(t);
  }

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  private take(field: string, n: number): number {
    const start = this.pos;
    if (this.buf.length - start < n) {
      this.fail('truncated', field, start, `needs ${n} octet(s), only ${this.buf.length - start} left (buffer is ${this.buf.length})`);
    }
    this.pos += n;
    return start;
  }

  private record(name: string, offset: number, length: number, value: FieldInfo['value'], secret?: boolean): void {
    const info: FieldInfo = { name, offset, length, value };
    if (secret) info.secret = true;
    this.fields.push(info);
  }

  /** The command octet; the dispatcher has already matched it. */
  command1(field: string): void {
    this.take(field, 1);
    this.record(field, 0, 1, String.fromCharCode(this.buf[0]!));
  }

  /** X(n): printable ASCII, trailing spaces removed. Outside the ISO 646 subset is tolerated and reported. */
  alnum(field: string, n: number, opts: { secret?: boolean; string?: boolean } = {}): string {
    const start = this.take(field, n);
    this.printable(field, start, n);
    let lenient = false;
    for (let i = start; i < start + n; i++) {
      if (!ISO646[this.buf[i]!]) lenient = true;
    }
    const value = this.buf.toString('latin1', start, start + n).replace(/ +$/, '');
    if (opts.string && / \S/.test(value)) lenient = true;
    if (lenient) this.tolerate('lenient-x-field');
    this.record(field, start, n, value, opts.secret);
    return value;
  }

  /** A fixed text constant such as SSRMMSG. */
  constant(field: string, expected: string): void {
    const start = this.take(field, expected.length);
    this.printable(field, start, expected.length);
    const got = this.buf.toString('latin1', start, start + expected.length);
    if (got !== expected) this.fail('range', field, start, `expected ${JSON.stringify(expected)}, got ${JSON.stringify(got)}`);
    this.record(field, start, expected.length, got);
  }

  /** Reserved field: should be spaces; anything printable is accepted and shown, a control octet is not. */
  reserved(field: string, n: number): void {
    const start = this.take(field, n);
    this.printable(field, start, n);
    this.record(field, start, n, this.buf.toString('latin1', start, start + n));
  }

  /** 9(n) as a string of digits (dates, times), kept with its leading zeros. */
  digitString(field: string, n: number): string {
    const start = this.take(field, n);
    for (let i = start; i < start + n; i++) {
      const c = this.buf[i]!;
      if (c < 0x30 || c > 0x39) this.fail('type', field, i, `expected ${n} decimal digits, got ${quote(this.buf, start, n)}`);
    }
    const value = this.buf.toString('latin1', start, start + n);
    this.record(field, start, n, value);
    return value;
  }

  /** 9(n) as a number within [min, max]. */
  num(field: string, n: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
    const start = this.take(field, n);
    let value = 0;
    let i = start;
    const end = start + n;
    if (this.buf[i] === SPACE) {
      while (i < end && this.buf[i] === SPACE) i++;
      this.tolerate('space-padded-numeric');
    }
    for (; i < end; i++) {
      const c = this.buf[i]!;
      if (c < 0x30 || c > 0x39) this.fail('type', field, i, `expected ${n} decimal digits, got ${quote(this.buf, start, n)}`);
      value = value * 10 + (c - 0x30);
    }
    if (value < min || value > max || !Number.isSafeInteger(value)) {
      this.fail('range', field, start, `${value} is outside ${min}..${max}`);
    }
    this.record(field, start, n, value);
    return value;
  }

  /** A one-octet enumerated field (F X(1)). */
  flag<T extends string>(field: string, allowed: readonly T[]): T {
    const start = this.take(field, 1);
    this.printable(field, start, 1);
    const c = String.fromCharCode(this.buf[start]!);
    if (!(allowed as readonly string[]).includes(c)) {
      this.fail('range', field, start, `${JSON.stringify(c)} is not one of ${allowed.join(', ')}`);
    }
    this.record(field, start, 1, c);
    return c as T;
  }

  yesNo(field: string): boolean {
    return this.flag(field, ['Y', 'N'] as const) === 'Y';
  }

  /** U(2): unsigned 16-bit big-endian length. */
  u16(field: string): number {
    const start = this.take(field, 2);
    const value = this.buf.readUInt16BE(start);
    this.record(field, start, 2, value);
    return value;
  }

  /** U(n): raw binary; the returned buffer is a copy, safe to keep. */
  bytes(field: string, n: number): Buffer {
    const start = this.take(field, n);
    this.record(field, start, n, this.buf.toString('hex', start, start + n));
    return Buffer.from(this.buf.subarray(start, start + n));
  }

  /** The rest of the buffer, shared with it rather than copied (DATA payloads: the hot path). */
  rest(field: string): Buffer {
    const start = this.pos;
    this.pos = this.buf.length;
    this.record(field, start, this.buf.length - start, `${this.buf.length - start} octets`);
    return this.buf.subarray(start);
  }

  /** T(n): UTF-8 text of a length given by the preceding field. */
  utf8(field: string, n: number): string {
    const start = this.take(field, n);
    const bad = firstInvalidUtf8(this.buf, start, start + n);
    if (bad >= 0) {
      this.fail('type', field, bad, `is not valid UTF-8: ill-formed sequence starting with octet 0x${hex2(this.buf[bad]!)} at offset ${bad}`);
    }
    const value = this.buf.toString('utf8', start, start + n);
    this.record(field, start, n, value);
    return value;
  }

  /** CR terminator: 0x0D or 0x8D; LF tolerated. */
  cr(field: string): void {
    const start = this.take(field, 1);
    const c = this.buf[start]!;
    if (c === LF) this.tolerate('lf-terminator');
    else if (c !== CR && c !== CR_HIGH) this.fail('range', field, start, `expected carriage return 0x0D or 0x8D, got 0x${hex2(c)}`);
    this.record(field, start, 1, `0x${hex2(c)}`);
  }

  /** X(n) octets must be printable ASCII (0x20-0x7E); a control or non-ASCII octet is a type error at its offset. */
  private printable(field: string, start: number, n: number): void {
    for (let i = start; i < start + n; i++) {
      const c = this.buf[i]!;
      if (c < 0x20 || c > 0x7e) this.fail('type', field, i, `octet 0x${hex2(c)} is not a printable ISO 646 character`);
    }
  }

  /** The command must end exactly here. */
  end(): void {
    if (this.pos !== this.buf.length) {
      const last = this.fields[this.fields.length - 1]?.name;
      this.fail('overlong', undefined, this.pos, `${this.buf.length - this.pos} octet(s) after the last field${last ? ` ${last}` : ''} (buffer is ${this.buf.length}, command ends at ${this.pos})`);
    }
  }
}

export class FieldWriter {
  private pos = 0;
  readonly buf: Buffer;

  constructor(
    readonly command: string,
    size: number,
  ) {
    this.buf = Buffer.alloc(size);
  }

  private bad(field: string, detail: string): never {
    throw new OftpEncodeError(this.command, field, detail);
  }

  raw(bytes: string | Buffer): this {
    if (typeof bytes === 'string') this.pos += this.buf.write(bytes, this.pos, 'latin1');
    else this.pos += bytes.copy(this.buf, this.pos);
    return this;
  }

  /** X(n), strictly within the ISO 646 subset; `string` fields also refuse embedded spaces. */
  alnum(field: string, n: number, value: string, opts: { string?: boolean; echo?: boolean } = {}): this {
    if (value.length > n) this.bad(field, `${JSON.stringify(value)} is longer than ${n} characters`);
    if (opts.echo) {
      // Fields that repeat a partner's file identity (EERP/NERP) must repeat it exactly (RFC 5024 §1.5.2),
      // even where the partner went beyond ISO 646; only what the decoder accepts may be echoed.
      if (!/^[\x20-\x7e]*$/.test(value)) this.bad(field, `${JSON.stringify(value)} has characters outside printable ASCII`);
      return this.raw(value.padEnd(n, ' '));
    }
    if (!isIso646String(value, !opts.string)) {
      this.bad(field, `${JSON.stringify(value)} has characters outside the ISO 646 subset (A-Z 0-9 space / - . & ( ))${opts.string ? ' or an embedded space' : ''}`);
    }
    return this.raw(value.padEnd(n, ' '));
  }

  spaces(n: number): this {
    return this.raw(' '.repeat(n));
  }

  digitString(field: string, n: number, value: string): this {
    if (!new RegExp(`^[0-9]{${n}}$`).test(value)) this.bad(field, `${JSON.stringify(value)} is not ${n} decimal digits`);
    return this.raw(value);
  }

  num(field: string, n: number, value: number, min = 0, max = 10 ** n - 1): this {
    if (!Number.isSafeInteger(value) || value < min || value > max) this.bad(field, `${value} is outside ${min}..${max}`);
    return this.raw(String(value).padStart(n, '0'));
  }

  flag(field: string, value: string, allowed: readonly string[]): this {
    if (!allowed.includes(value)) this.bad(field, `${JSON.stringify(value)} is not one of ${allowed.join(', ')}`);
    return this.raw(value);
  }

  yesNo(value: boolean): this {
    return this.raw(value ? 'Y' : 'N');
  }

  u16(field: string, value: number): this {
    if (!Number.isInteger(value) || value < 0 || value > 0xffff) this.bad(field, `${value} does not fit 16 bits`);
    this.buf.writeUInt16BE(value, this.pos);
    this.pos += 2;
    return this;
  }

  cr(): this {
    this.buf[this.pos++] = CR;
    return this;
  }

  done(): Buffer {
    if (this.pos !== this.buf.length) throw new Error(`internal: ${this.command} wrote ${this.pos} of ${this.buf.length} octets`);
    return this.buf;
  }
}

/** Encodes a T(n) field's text, checking the RFC's 999-octet limit. */
export function utf8Field(command: string, field: string, text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length > 999) throw new OftpEncodeError(command, field, `text is ${bytes.length} octets of UTF-8, at most 999 allowed`);
  return bytes;
}

/**
 * Offset of the first octet of the first ill-formed UTF-8 sequence in buf[start..end), or -1 if the range is
 * well-formed UTF-8 (Unicode 15 Table 3-7: no overlong forms, no surrogates, nothing above U+10FFFF).
 */
function firstInvalidUtf8(buf: Uint8Array, start: number, end: number): number {
  let i = start;
  while (i < end) {
    const b = buf[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0;
      else if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90;
      else if (b === 0xf4) hi = 0x8f;
    } else return i;
    // The whole sequence, lead octet included, is reported at the lead octet: a sequence cut short by the end
    // of the field, or broken by an octet that is no continuation octet.
    if (i + need >= end) return i;
    const second = buf[i + 1]!;
    if (second < lo || second > hi) return i;
    for (let k = 2; k <= need; k++) {
      const c = buf[i + k]!;
      if (c < 0x80 || c > 0xbf) return i;
    }
    i += need + 1;
  }
  return -1;
}

function hex2(c: number): string {
  return c.toString(16).padStart(2, '0').toUpperCase();
}

function quote(buf: Buffer, start: number, n: number): string {
  return JSON.stringify(buf.toString('latin1', start, start + n));
}
