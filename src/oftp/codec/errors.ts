// Typed errors of the ODETTE-FTP codec: every decode failure names the command, the field and the byte
// offset, and carries the ESID (or SFNA/EFNA) reason a session should answer with.

/** What went wrong with the bytes, independent of which field it was. */
export type DecodeErrorKind =
  /** The buffer or stream ends before the field does (ESID 07). */
  | 'truncated'
  /** Bytes remain after the last field of the command (ESID 07). */
  | 'overlong'
  /** A field holds characters of the wrong class, e.g. a letter in a numeric field (ESID 06). */
  | 'type'
  /** A well-formed field holds a value outside its allowed range or set (ESID 06). */
  | 'range'
  /** The first octet is not a command known at the negotiated protocol level (ESID 01). */
  | 'unknown-command'
  /** The Stream Transmission Header is malformed (ESID 07). */
  | 'framing';

const ESID_FOR_KIND: Record<DecodeErrorKind, number> = {
  truncated: 7,
  overlong: 7,
  type: 6,
  range: 6,
  'unknown-command': 1,
  framing: 7,
};

export class OftpDecodeError extends Error {
  override readonly name = 'OftpDecodeError';
  /** The ESID reason a receiving session should abort with. */
  readonly esidReason: number;
  /** Where in the whole stream the offending octet is, when the error came from a stream decoder. */
  streamOffset?: number;

  constructor(
    readonly kind: DecodeErrorKind,
    /** Command name (SSID, SFID, ...) or 'STB' for framing errors; undefined when the command is unknown. */
    readonly command: string | undefined,
    /** RFC field name (SSIDSDEB, ...) or undefined when the error is about the whole buffer. */
    readonly field: string | undefined,
    /** Byte offset within the exchange buffer (or within the stream, for framing errors). */
    readonly offset: number,
    readonly detail: string,
    /** For DATA content errors: the EFNA answer reason that fits (e.g. 05 record too long). */
    readonly answerReason?: number,
  ) {
    super(`${command ?? 'buffer'}${field ? ` field ${field}` : ''} at offset ${offset}: ${detail}`);
    this.esidReason = ESID_FOR_KIND[kind];
  }
}

/** Raised when asked to encode a value the RFC does not allow: we are strict in what we send. */
export class OftpEncodeError extends Error {
  override readonly name = 'OftpEncodeError';
  constructor(
    readonly command: string,
    readonly field: string,
    readonly detail: string,
  ) {
    super(`cannot encode ${command} field ${field}: ${detail}`);
  }
}
