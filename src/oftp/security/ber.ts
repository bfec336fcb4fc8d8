// ASN.1 for CMS, in both directions and without holding large content in memory: DER/BER encoding helpers
// for the small parts, and a push tokenizer for BER (definite and indefinite lengths) that streams the
// octets of primitive values as they arrive.

export const TAG = {
  INTEGER: 0x02,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  SEQUENCE: 0x30,
  SET: 0x31,
  OCTET_STRING_CONSTRUCTED: 0x24,
} as const;

export function derLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export function tlv(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), derLength(body.length), body]);
}

export const seq = (...c: Buffer[]): Buffer => tlv(TAG.SEQUENCE, ...c);
export const set = (...c: Buffer[]): Buffer => tlv(TAG.SET, ...c);
export const octets = (b: Buffer): Buffer => tlv(TAG.OCTET_STRING, b);
export const nullValue = (): Buffer => Buffer.from([TAG.NULL, 0]);
/** [n] EXPLICIT, constructed context tag. */
export const explicit = (n: number, ...c: Buffer[]): Buffer => tlv(0xa0 | n, ...c);

export function integer(value: number | Buffer): Buffer {
  let hex = typeof value === 'number' ? value.toString(16) : '';
  if (hex.length % 2) hex = `0${hex}`;
  let b = typeof value === 'number' ? Buffer.from(hex, 'hex') : value;
  while (b.length > 1 && b[0] === 0 && !(b[1]! & 0x80)) b = b.subarray(1);
  if (b[0]! & 0x80) b = Buffer.concat([Buffer.from([0]), b]);
  return tlv(TAG.INTEGER, b);
}

export function oid(dotted: string): Buffer {
  const parts = dotted.split('.').map(Number);
  const out: number[] = [parts[0]! * 40 + parts[1]!];
  for (const p of parts.slice(2)) {
    const stack: number[] = [];
    let v = p;
    do {
      stack.unshift(v & 0x7f);
      v = Math.floor(v / 128);
    } while (v > 0);
    for (let i = 0; i < stack.length - 1; i++) stack[i]! |= 0x80;
    out.push(...stack);
  }
  return tlv(TAG.OID, Buffer.from(out));
}

export function oidToString(content: Buffer): string {
  const parts: number[] = [Math.floor(content[0]! / 40), content[0]! % 40];
  let v = 0;
  for (const b of content.subarray(1)) {
    v = v * 128 + (b & 0x7f);
    if (!(b & 0x80)) {
      parts.push(v);
      v = 0;
    }
  }
  return parts.join('.');
}

/** Indefinite-length header of a constructed value, closed later with END_OF_CONTENTS. */
export const openIndefinite = (tag: number): Buffer => Buffer.from([tag, 0x80]);
export const END_OF_CONTENTS = Buffer.from([0, 0]);
const NOTHING = Buffer.alloc(0);

/** A parsed DER/BER value (small structures only). */
export interface Asn1Node {
  tag: number;
  constructed: boolean;
  /** Content octets for primitive values. */
  value: Buffer;
  children: Asn1Node[];
  /** The whole encoding (header + content), for definite-length values parsed from a buffer. */
  raw?: Buffer;
}

export class Asn1Error extends Error {
  override readonly name = 'Asn1Error';
}

/** Parses one complete value (BER with definite or indefinite lengths) from a buffer. */
export function parseDer(buf: Buffer, at = 0): { node: Asn1Node; end: number } {
  if (at + 2 > buf.length) throw new Asn1Error(`ASN.1 value truncated at offset ${at}`);
  const tag = buf[at]!;
  if ((tag & 0x1f) === 0x1f) throw new Asn1Error(`multi-octet ASN.1 tags are not used in CMS (offset ${at})`);
  let pos = at + 1;
  let len = buf[pos++]!;
  let indefinite = false;
  if (len === 0x80) indefinite = true;
  else if (len & 0x80) {
    const n = len & 0x7f;
    if (n > 6 || pos + n > buf.length) throw new Asn1Error(`bad ASN.1 length at offset ${at}`);
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[pos++]!;
  }
  const constructed = (tag & 0x20) !== 0;
  const node: Asn1Node = { tag, constructed, value: Buffer.alloc(0), children: [] };
  if (!constructed) {
    if (indefinite) throw new Asn1Error(`primitive value with indefinite length at offset ${at}`);
    if (pos + len > buf.length) throw new Asn1Error(`ASN.1 value at offset ${at} runs past the end`);
    node.value = buf.subarray(pos, pos + len);
    node.raw = buf.subarray(at, pos + len);
    return { node, end: pos + len };
  }
  if (indefinite) {
    for (;;) {
      if (buf[pos] === 0 && buf[pos + 1] === 0) return { node, end: pos + 2 };
      const child = parseDer(buf, pos);
      node.children.push(child.node);
      pos = child.end;
    }
  }
  const end = pos + len;
  if (end > buf.length) throw new Asn1Error(`ASN.1 value at offset ${at} runs past the end`);
  while (pos < end) {
    const child = parseDer(buf, pos);
    node.children.push(child.node);
    pos = child.end;
  }
  node.raw = buf.subarray(at, end);
  return { node, end };
}

/** Re-encodes a node as DER (definite lengths), e.g. a value first read as BER. */
export function toDer(n: Asn1Node): Buffer {
  if (!n.constructed) return tlv(n.tag, n.value);
  return tlv(n.tag, ...n.children.map(toDer));
}

/** Tokens carry their raw octets, so any part of the stream can be captured exactly as it was encoded. */
export type BerToken =
  | { kind: 'open'; tag: number; constructed: boolean; depth: number; raw: Buffer }
  | { kind: 'data'; bytes: Buffer; depth: number }
  | { kind: 'close'; depth: number; raw: Buffer };

interface Frame {
  tag: number;
  /** Stream offset where the value ends, or -1 for indefinite length. */
  end: number;
}

/**
 * Push tokenizer for BER: `open` for every value, `data` for the content octets of primitive values (in
 * pieces, as they arrive), `close` when a value ends. Memory stays bounded whatever the content size.
 */
export class BerTokenizer {
  private readonly stack: Frame[] = [];
  private header: number[] = [];
  /** Octets left of the primitive value being streamed. */
  private primitiveLeft = 0;
  private offset = 0;
  private done = false;

  get finished(): boolean {
    return this.done;
  }

  push(chunk: Buffer, emit: (t: BerToken) => void): void {
    let i = 0;
    while (i < chunk.length) {
      if (this.done) throw new Asn1Error(`data after the end of the CMS structure at offset ${this.offset}`);
      if (this.primitiveLeft > 0) {
        const n = Math.min(this.primitiveLeft, chunk.length - i);
        emit({ kind: 'data', bytes: chunk.subarray(i, i + n), depth: this.stack.length });
        this.primitiveLeft -= n;
        this.offset += n;
        i += n;
        if (this.primitiveLeft === 0) this.closePrimitive(emit);
        continue;
      }
      this.header.push(chunk[i]!);
      this.offset++;
      i++;
      this.tryHeader(emit);
    }
  }

  private tryHeader(emit: (t: BerToken) => void): void {
    const h = this.header;
    if (h.length < 2) return;
    const tag = h[0]!;
    if ((tag & 0x1f) === 0x1f) throw new Asn1Error(`multi-octet ASN.1 tags are not used in CMS (offset ${this.offset - h.length})`);
    let len = h[1]!;
    let headerLen = 2;
    let indefinite = false;
    if (len === 0x80) indefinite = true;
    else if (len & 0x80) {
      const n = len & 0x7f;
      if (n > 6) throw new Asn1Error(`ASN.1 length of ${n} octets at offset ${this.offset - h.length}`);
      if (h.length < 2 + n) return;
      len = 0;
      for (let k = 0; k < n; k++) len = len * 256 + h[2 + k]!;
      headerLen = 2 + n;
    }
    this.header = [];
    if (tag === 0 && len === 0 && !indefinite) {
      // End-of-contents closes the innermost indefinite-length value.
      const top = this.stack.pop();
      if (!top || top.end !== -1) throw new Asn1Error(`unexpected end-of-contents at offset ${this.offset - 2}`);
      emit({ kind: 'close', depth: this.stack.length, raw: END_OF_CONTENTS });
      this.closeDefinite(emit);
      return;
    }
    const constructed = (tag & 0x20) !== 0;
    emit({ kind: 'open', tag, constructed, depth: this.stack.length, raw: Buffer.from(h.slice(0, headerLen)) });
    if (constructed) {
      this.stack.push({ tag, end: indefinite ? -1 : this.offset + len });
      this.closeDefinite(emit);
    } else {
      if (indefinite) throw new Asn1Error(`primitive value with indefinite length at offset ${this.offset}`);
      this.stack.push({ tag, end: this.offset + len });
      this.primitiveLeft = len;
      if (len === 0) this.closePrimitive(emit);
    }
  }

  private closePrimitive(emit: (t: BerToken) => void): void {
    this.stack.pop();
    emit({ kind: 'close', depth: this.stack.length, raw: NOTHING });
    this.closeDefinite(emit);
  }

  /** Closes every definite-length value that ends exactly here. */
  private closeDefinite(emit: (t: BerToken) => void): void {
    for (;;) {
      const top = this.stack[this.stack.length - 1];
      if (!top) {
        this.done = true;
        return;
      }
      if (top.end === -1 || top.end !== this.offset) {
        if (top.end !== -1 && top.end < this.offset) throw new Asn1Error(`ASN.1 value overruns its container at offset ${this.offset}`);
        return;
      }
      this.stack.pop();
      emit({ kind: 'close', depth: this.stack.length, raw: NOTHING });
    }
  }

  /** At the end of input: the structure must be complete. */
  end(): void {
    if (!this.done || this.header.length || this.primitiveLeft) throw new Asn1Error(`CMS structure truncated at offset ${this.offset}`);
  }
}
