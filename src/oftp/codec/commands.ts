// The ODETTE-FTP commands as typed values, with one decoder and one encoder per command, in the layouts of
// OFTP 2.0 (RFC 5024 §5.3), OFTP 1.4 (ODETTE 2000, as Accord implements it) and OFTP 1.3 (RFC 2204 §5.3).
import { OftpDecodeError, OftpEncodeError } from './errors';
import { FieldReader, FieldWriter, utf8Field, type FieldInfo } from './fields';
import type { Tolerance } from './tolerances';

/** SSIDLEV values: 1 = rev 1.2 (and RFC 2204's 1.3), 2 = rev 1.3, 4 = rev 1.4, 5 = rev 2.0. */
export type ProtocolLevel = number;
export const OFTP2_LEVEL = 5;

export type TransferMode = 'S' | 'R' | 'B';
export type FileFormat = 'F' | 'V' | 'U' | 'T';

export interface Ssrm { type: 'SSRM' }
export interface Ssid {
  type: 'SSID';
  level: ProtocolLevel;
  /** SSIDCODE: the sender's ODETTE identification code. */
  code: string;
  password: string;
  /** SSIDSDEB: largest data exchange buffer accepted, command octet included (128..99999). */
  bufferSize: number;
  mode: TransferMode;
  compression: boolean;
  restart: boolean;
  specialLogic: boolean;
  /** SSIDCRED: credit window, 1..999. */
  credit: number;
  /** SSIDAUTH (2.0 only; false below level 5). */
  secureAuthentication: boolean;
  userData: string;
}
export interface Secd { type: 'SECD' }
export interface Auch { type: 'AUCH'; challenge: Buffer }
export interface Aurp { type: 'AURP'; response: Buffer }
export interface Sfid {
  type: 'SFID';
  datasetName: string;
  /** CCYYMMDD (YYMMDD at level 1/2). */
  date: string;
  /** HHMMSScccc (HHMMSS at level 1/2). */
  time: string;
  userData: string;
  destination: string;
  originator: string;
  format: FileFormat;
  maxRecordLength: number;
  /** SFIDFSIZ in 1K blocks. */
  fileSize: number;
  /** SFIDOSIZ in 1K blocks (0 = unknown; always 0 below level 5). */
  originalFileSize: number;
  restartPosition: number;
  /** SFIDSEC: 0 none, 1 encrypted, 2 signed, 3 both. File services exist only at level 5. */
  securityLevel: number;
  cipherSuite: number;
  /** SFIDCOMP: 0 none, 1 ZLIB. */
  compression: number;
  /** SFIDENV: 0 none, 1 CMS. */
  envelope: number;
  signedEerp: boolean;
  description: string;
}
export interface Sfpa { type: 'SFPA'; restartCount: number }
export interface Sfna { type: 'SFNA'; reason: number; retry: boolean; text: string }
export interface Data { type: 'DATA'; payload: Buffer }
export interface Cdt { type: 'CDT' }
export interface Efid { type: 'EFID'; recordCount: number; unitCount: number }
export interface Efpa { type: 'EFPA'; changeDirection: boolean }
export interface Efna { type: 'EFNA'; reason: number; text: string }
export interface Esid { type: 'ESID'; reason: number; text: string }
export interface Cd { type: 'CD' }
export interface Eerp {
  type: 'EERP';
  datasetName: string;
  date: string;
  time: string;
  userData: string;
  /** The file's originator (the EERP travels back to it). */
  destination: string;
  /** The file's final recipient, creator of the EERP. */
  originator: string;
  hash: Buffer;
  signature: Buffer;
}
export interface Nerp {
  type: 'NERP';
  datasetName: string;
  date: string;
  time: string;
  destination: string;
  originator: string;
  creator: string;
  reason: number;
  text: string;
  hash: Buffer;
  signature: Buffer;
}
export interface Rtr { type: 'RTR' }

export type OftpCommand =
  | Ssrm | Ssid | Secd | Auch | Aurp | Sfid | Sfpa | Sfna | Data | Cdt | Efid | Efpa | Efna | Esid | Cd | Eerp | Nerp | Rtr;
export type CommandName = OftpCommand['type'];

/** Command identifier octet of every command (RFC 5024 §5.2 table). */
export const COMMAND_CODES: Record<CommandName, string> = {
  SSRM: 'I', SSID: 'X', SECD: 'J', AUCH: 'A', AURP: 'S', SFID: 'H', SFPA: '2', SFNA: '3', DATA: 'D',
  CDT: 'C', EFID: 'T', EFPA: '4', EFNA: '5', ESID: 'F', CD: 'R', EERP: 'E', NERP: 'N', RTR: 'P',
};
const NAME_BY_CODE = new Map<number, CommandName>(
  (Object.entries(COMMAND_CODES) as [CommandName, string][]).map(([name, code]) => [code.charCodeAt(0), name]),
);

/** Lowest protocol level at which each command exists. */
const INTRODUCED_AT: Partial<Record<CommandName, number>> = { SECD: 5, AUCH: 5, AURP: 5, NERP: 4 };

export interface DecodedCommand<C extends OftpCommand = OftpCommand> {
  command: C;
  /** Every field in wire order, with offsets, for traces and hex views. */
  fields: FieldInfo[];
  /** RFC deviations accepted while decoding (see tolerances.ts). */
  tolerances: Tolerance[];
}

export interface CodecOptions {
  /** Negotiated protocol level; selects the 1.x or 2.0 layouts. Default 5 (OFTP 2.0). */
  level?: ProtocolLevel;
}

/** Signed, compressed or enveloped files travel as format U, whatever SFIDFMT says (RFC 5024 §5.3.3). */
export function hasFileServices(s: Pick<Sfid, 'securityLevel' | 'compression' | 'envelope'>): boolean {
  return s.securityLevel !== 0 || s.compression !== 0 || s.envelope !== 0;
}

/** Name of the command whose identifier is the first octet, if any. */
export function commandNameOf(buf: Uint8Array): CommandName | undefined {
  return buf.length > 0 ? NAME_BY_CODE.get(buf[0]!) : undefined;
}

/** Decodes one exchange buffer (without its Stream Transmission Header). */
export function decodeCommand(buf: Buffer, options: CodecOptions = {}): DecodedCommand {
  const level = options.level ?? OFTP2_LEVEL;
  const name = commandNameOf(buf);
  if (name === undefined) {
    const first = buf.length ? `0x${buf[0]!.toString(16).padStart(2, '0').toUpperCase()}` : 'nothing (empty buffer)';
    throw new OftpDecodeError('unknown-command', undefined, undefined, 0, `first octet ${first} is not an ODETTE-FTP command identifier`);
  }
  const since = INTRODUCED_AT[name];
  if (since !== undefined && level < since) {
    throw new OftpDecodeError('unknown-command', name, undefined, 0, `${name} does not exist at protocol level ${level} (needs level ${since} or higher)`);
  }
  const r = new FieldReader(buf, name);
  r.command1(`${name}CMD`);
  const command = DECODERS[name](r, level);
  r.end();
  return { command, fields: r.fields, tolerances: r.tolerances };
}

/** Encodes one command as an exchange buffer (without Stream Transmission Header), strictly per the RFC. */
export function encodeCommand(command: OftpCommand, options: CodecOptions = {}): Buffer {
  const level = options.level ?? OFTP2_LEVEL;
  const since = INTRODUCED_AT[command.type];
  if (since !== undefined && level < since) {
    throw new OftpEncodeError(command.type, `${command.type}CMD`, `${command.type} does not exist at protocol level ${level}`);
  }
  return (ENCODERS[command.type] as (c: OftpCommand, level: number) => Buffer)(command, level);
}

// ---------------------------------------------------------------------------------------------------------
// Decoders: the reader is positioned after the command octet.

const MODES = ['S', 'R', 'B'] as const;
const FORMATS = ['F', 'V', 'U', 'T'] as const;
const is2 = (level: number): boolean => level >= 5;
const is13 = (level: number): boolean => level < 4;

function decodeSsrm(r: FieldReader): Ssrm {
  // 'ODETTE FTP READY ' + CR is 19 octets; some peers drop the trailing space. 18 octets ending in the space
  // are the RFC form cut short before SSRMCR (truncated), not the short form.
  if (r.buf.length === 18 && r.buf[17] !== 0x20) {
    r.constant('SSRMMSG', 'ODETTE FTP READY');
    r.tolerate('ssrm-without-trailing-space');
  } else {
    r.constant('SSRMMSG', 'ODETTE FTP READY ');
  }
  r.cr('SSRMCR');
  return { type: 'SSRM' };
}

function decodeSsid(r: FieldReader): Ssid {
  const level = r.num('SSIDLEV', 1, 1, 9);
  if (level === 3) r.fail('range', 'SSIDLEV', 1, '3 is not a defined protocol level (1, 2, 4, 5 or higher)');
  const code = r.alnum('SSIDCODE', 25, { string: true });
  const password = r.alnum('SSIDPSWD', 8, { secret: true, string: true });
  const bufferSize = r.num('SSIDSDEB', 5, 128, 99999);
  const mode = r.flag('SSIDSR', MODES);
  const compression = r.yesNo('SSIDCMPR');
  const restart = r.yesNo('SSIDREST');
  const specialLogic = r.yesNo('SSIDSPEC');
  const credit = r.num('SSIDCRED', 3, 1, 999);
  let secureAuthentication = false;
  if (is2(level)) {
    secureAuthentication = r.yesNo('SSIDAUTH');
    r.reserved('SSIDRSV1', 4);
  } else {
    r.reserved('SSIDRSV1', 5);
  }
  const userData = r.alnum('SSIDUSER', 8);
  r.cr('SSIDCR');
  return { type: 'SSID', level, code, password, bufferSize, mode, compression, restart, specialLogic, credit, secureAuthentication, userData };
}

function decodeAuch(r: FieldReader): Auch {
  const n = r.u16('AUCHCHLL');
  if (n === 0) r.fail('range', 'AUCHCHLL', 1, 'challenge length is 0; a challenge is required');
  return { type: 'AUCH', challenge: r.bytes('AUCHCHAL', n) };
}

function decodeAurp(r: FieldReader): Aurp {
  return { type: 'AURP', response: r.bytes('AURPRSP', 20) };
}

function fileDateTime(r: FieldReader, prefix: string, level: number, reserved: number): { date: string; time: string } {
  if (is13(level)) {
    r.reserved(`${prefix}RSV1`, reserved + 6);
    return { date: r.digitString(`${prefix}DATE`, 6), time: r.digitString(`${prefix}TIME`, 6) };
  }
  r.reserved(`${prefix}RSV1`, reserved);
  return { date: r.digitString(`${prefix}DATE`, 8), time: r.digitString(`${prefix}TIME`, 10) };
}

function decodeSfid(r: FieldReader, level: number): Sfid {
  const datasetName = r.alnum('SFIDDSN', 26, { string: true });
  const { date, time } = fileDateTime(r, 'SFID', level, 3);
  const userData = r.alnum('SFIDUSER', 8);
  const destination = r.alnum('SFIDDEST', 25, { string: true });
  const originator = r.alnum('SFIDORIG', 25, { string: true });
  const format = r.flag('SFIDFMT', FORMATS);
  const maxRecordLength = r.num('SFIDLRECL', 5);
  const base = { type: 'SFID' as const, datasetName, date, time, userData, destination, originator, format, maxRecordLength };
  if (!is2(level)) {
    const fileSize = r.num('SFIDFSIZ', 7);
    const restartPosition = r.num('SFIDREST', 9);
    return { ...base, fileSize, originalFileSize: 0, restartPosition, securityLevel: 0, cipherSuite: 0, compression: 0, envelope: 0, signedEerp: false, description: '' };
  }
  const fileSize = r.num('SFIDFSIZ', 13);
  const originalFileSize = r.num('SFIDOSIZ', 13);
  const restartPosition = r.num('SFIDREST', 17);
  const securityLevel = r.num('SFIDSEC', 2, 0, 3);
  const cipherSuite = r.num('SFIDCIPH', 2);
  const compression = r.num('SFIDCOMP', 1, 0, 1);
  const envelope = r.num('SFIDENV', 1, 0, 1);
  const signedEerp = r.yesNo('SFIDSIGN');
  const descriptionLength = r.num('SFIDDESCL', 3);
  const description = r.utf8('SFIDDESC', descriptionLength);
  return { ...base, fileSize, originalFileSize, restartPosition, securityLevel, cipherSuite, compression, envelope, signedEerp, description };
}

function decodeSfpa(r: FieldReader, level: number): Sfpa {
  return { type: 'SFPA', restartCount: r.num('SFPAACNT', is2(level) ? 17 : 9) };
}

function reasonText(r: FieldReader, prefix: string): string {
  const n = r.num(`${prefix}REASL`, 3);
  return r.utf8(`${prefix}REAST`, n);
}

function decodeSfna(r: FieldReader, level: number): Sfna {
  const reason = r.num('SFNAREAS', 2);
  const retry = r.yesNo('SFNARRTR');
  return { type: 'SFNA', reason, retry, text: is2(level) ? reasonText(r, 'SFNA') : '' };
}

function decodeData(r: FieldReader): Data {
  // The payload's subrecord structure is checked by the data buffer reader (data.ts).
  return { type: 'DATA', payload: r.rest('DATABUF') };
}

function decodeCdt(r: FieldReader): Cdt {
  r.reserved('CDTRSV1', 2);
  return { type: 'CDT' };
}

function decodeEfid(r: FieldReader, level: number): Efid {
  const recordCount = r.num('EFIDRCNT', is2(level) ? 17 : 9);
  const unitCount = r.num('EFIDUCNT', is2(level) ? 17 : 12);
  return { type: 'EFID', recordCount, unitCount };
}

function decodeEfpa(r: FieldReader): Efpa {
  return { type: 'EFPA', changeDirection: r.yesNo('EFPACD') };
}

function decodeEfna(r: FieldReader, level: number): Efna {
  const reason = r.num('EFNAREAS', 2);
  return { type: 'EFNA', reason, text: is2(level) ? reasonText(r, 'EFNA') : '' };
}

function decodeEsid(r: FieldReader, level: number): Esid {
  const reason = r.num('ESIDREAS', 2);
  // Accord answers a 2.0 session with the 4-octet 1.x ESID; accept either layout at any level. The other
  // layout is only taken when the octets say so, so that a cut-short or over-long ESID in the negotiated
  // layout is still reported as truncated / overlong: at level 5 the short form is exactly 4 octets ending in
  // a carriage return (or LF); below level 5 the long form has at least 7 octets with a digit at ESIDREASL.
  let text = '';
  const c3 = r.buf[3];
  const longForm = is2(level)
    ? !(r.buf.length === 4 && (c3 === 0x0d || c3 === 0x8d || c3 === 0x0a))
    : r.buf.length >= 7 && c3 !== undefined && c3 >= 0x30 && c3 <= 0x39;
  if (longForm) {
    if (!is2(level)) r.tolerate('esid-long-form');
    text = reasonText(r, 'ESID');
  } else if (is2(level)) {
    r.tolerate('esid-short-form');
  }
  r.cr('ESIDCR');
  return { type: 'ESID', reason, text };
}

function decodeEerp(r: FieldReader, level: number): Eerp {
  const datasetName = r.alnum('EERPDSN', 26, { string: true });
  const { date, time } = fileDateTime(r, 'EERP', level, 3);
  const userData = r.alnum('EERPUSER', 8);
  const destination = r.alnum('EERPDEST', 25, { string: true });
  const originator = r.alnum('EERPORIG', 25, { string: true });
  let hash: Buffer = Buffer.alloc(0);
  let signature: Buffer = Buffer.alloc(0);
  if (is2(level)) {
    hash = r.bytes('EERPHSH', r.u16('EERPHSHL'));
    signature = r.bytes('EERPSIG', r.u16('EERPSIGL'));
  }
  return { type: 'EERP', datasetName, date, time, userData, destination, originator, hash, signature };
}

function decodeNerp(r: FieldReader, level: number): Nerp {
  const datasetName = r.alnum('NERPDSN', 26, { string: true });
  r.reserved('NERPRSV1', 6);
  const date = r.digitString('NERPDATE', 8);
  const time = r.digitString('NERPTIME', 10);
  const destination = r.alnum('NERPDEST', 25, { string: true });
  const originator = r.alnum('NERPORIG', 25, { string: true });
  const creator = r.alnum('NERPCREA', 25, { string: true });
  const reason = r.num('NERPREAS', 2);
  let text = '';
  let hash: Buffer = Buffer.alloc(0);
  let signature: Buffer = Buffer.alloc(0);
  if (is2(level)) {
    text = reasonText(r, 'NERP');
    hash = r.bytes('NERPHSH', r.u16('NERPHSHL'));
    signature = r.bytes('NERPSIG', r.u16('NERPSIGL'));
  }
  return { type: 'NERP', datasetName, date, time, destination, originator, creator, reason, text, hash, signature };
}

const nothing = <T extends OftpCommand>(type: T['type']) => () => ({ type }) as T;

const DECODERS: { [K in CommandName]: (r: FieldReader, level: number) => Extract<OftpCommand, { type: K }> } = {
  SSRM: decodeSsrm, SSID: decodeSsid, SECD: nothing<Secd>('SECD'), AUCH: decodeAuch, AURP: decodeAurp,
  SFID: decodeSfid, SFPA: decodeSfpa, SFNA: decodeSfna, DATA: decodeData, CDT: decodeCdt, EFID: decodeEfid,
  EFPA: decodeEfpa, EFNA: decodeEfna, ESID: decodeEsid, CD: nothing<Cd>('CD'), EERP: decodeEerp,
  NERP: decodeNerp, RTR: nothing<Rtr>('RTR'),
};

// ---------------------------------------------------------------------------------------------------------
// Encoders: one small serializer per command.

export function encodeSsrm(): Buffer {
  return new FieldWriter('SSRM', 19).raw('IODETTE FTP READY ').cr().done();
}

export function encodeSsid(c: Ssid): Buffer {
  const w = new FieldWriter('SSID', 61).raw('X').num('SSIDLEV', 1, c.level, 1, 9);
  if (c.level === 3) throw new OftpEncodeError('SSID', 'SSIDLEV', '3 is not a defined protocol level');
  w.alnum('SSIDCODE', 25, c.code, { string: true })
    .alnum('SSIDPSWD', 8, c.password, { string: true })
    .num('SSIDSDEB', 5, c.bufferSize, 128, 99999)
    .flag('SSIDSR', c.mode, MODES)
    .yesNo(c.compression)
    .yesNo(c.restart)
    .yesNo(c.specialLogic)
    .num('SSIDCRED', 3, c.credit, 1, 999);
  if (is2(c.level)) w.yesNo(c.secureAuthentication).spaces(4);
  else if (c.secureAuthentication) throw new OftpEncodeError('SSID', 'SSIDAUTH', `secure authentication needs level 5, SSIDLEV is ${c.level}`);
  else w.spaces(5);
  return w.alnum('SSIDUSER', 8, c.userData).cr().done();
}

export function encodeAuch(c: Auch): Buffer {
  if (c.challenge.length === 0) throw new OftpEncodeError('AUCH', 'AUCHCHAL', 'challenge is empty');
  return new FieldWriter('AUCH', 3 + c.challenge.length).raw('A').u16('AUCHCHLL', c.challenge.length).raw(c.challenge).done();
}

export function encodeAurp(c: Aurp): Buffer {
  if (c.response.length !== 20) throw new OftpEncodeError('AURP', 'AURPRSP', `response is ${c.response.length} octets, must be 20`);
  return new FieldWriter('AURP', 21).raw('S').raw(c.response).done();
}

function writeFileDateTime(w: FieldWriter, prefix: string, level: number, reserved: number, date: string, time: string): FieldWriter {
  if (is13(level)) return w.spaces(reserved + 6).digitString(`${prefix}DATE`, 6, date).digitString(`${prefix}TIME`, 6, time);
  return w.spaces(reserved).digitString(`${prefix}DATE`, 8, date).digitString(`${prefix}TIME`, 10, time);
}

export function encodeSfid(c: Sfid, level: number): Buffer {
  const description = is2(level) ? utf8Field('SFID', 'SFIDDESC', c.description) : Buffer.alloc(0);
  if (!is2(level)) {
    // Name the first file-service field that is set, so the error points at the value to change.
    const services: Array<[string, unknown]> = [
      ['SFIDSEC', c.securityLevel], ['SFIDCIPH', c.cipherSuite], ['SFIDCOMP', c.compression], ['SFIDENV', c.envelope], ['SFIDSIGN', c.signedEerp],
    ];
    const used = services.find(([, v]) => v);
    if (used) throw new OftpEncodeError('SFID', used[0], `file services (security, cipher suite, compression, envelope, signed EERP) need level 5, the session is at level ${level}`);
    if (c.description) throw new OftpEncodeError('SFID', 'SFIDDESC', `a description needs level 5, the session is at level ${level}`);
  }
  const w = new FieldWriter('SFID', is2(level) ? 165 + description.length : 128)
    .raw('H')
    .alnum('SFIDDSN', 26, c.datasetName, { string: true });
  writeFileDateTime(w, 'SFID', level, 3, c.date, c.time)
    .alnum('SFIDUSER', 8, c.userData)
    .alnum('SFIDDEST', 25, c.destination, { string: true })
    .alnum('SFIDORIG', 25, c.originator, { string: true })
    .flag('SFIDFMT', c.format, FORMATS);
  if ((c.format === 'T' || c.format === 'U') && c.maxRecordLength !== 0) {
    throw new OftpEncodeError('SFID', 'SFIDLRECL', `must be 0 for format ${c.format}, got ${c.maxRecordLength}`);
  }
  w.num('SFIDLRECL', 5, c.maxRecordLength);
  if (!is2(level)) return w.num('SFIDFSIZ', 7, c.fileSize).num('SFIDREST', 9, c.restartPosition).done();
  return w
    .num('SFIDFSIZ', 13, c.fileSize)
    .num('SFIDOSIZ', 13, c.originalFileSize)
    .num('SFIDREST', 17, c.restartPosition)
    .num('SFIDSEC', 2, c.securityLevel, 0, 3)
    .num('SFIDCIPH', 2, c.cipherSuite)
    .num('SFIDCOMP', 1, c.compression, 0, 1)
    .num('SFIDENV', 1, c.envelope, 0, 1)
    .yesNo(c.signedEerp)
    .num('SFIDDESCL', 3, description.length)
    .raw(description)
    .done();
}

export function encodeSfpa(c: Sfpa, level: number): Buffer {
  const n = is2(level) ? 17 : 9;
  return new FieldWriter('SFPA', 1 + n).raw('2').num('SFPAACNT', n, c.restartCount).done();
}

/** Below level 5 SFNA, EFNA and ESID have no reason text field: refuse a text rather than drop it. */
function noTextBelow2(command: string, field: string, text: string, level: number): void {
  if (text) throw new OftpEncodeError(command, field, `a reason text needs level 5, the session is at level ${level}`);
}

export function encodeSfna(c: Sfna, level: number): Buffer {
  if (!is2(level)) {
    noTextBelow2('SFNA', 'SFNAREAST', c.text, level);
    return new FieldWriter('SFNA', 4).raw('3').num('SFNAREAS', 2, c.reason).yesNo(c.retry).done();
  }
  const text = utf8Field('SFNA', 'SFNAREAST', c.text);
  return new FieldWriter('SFNA', 7 + text.length)
    .raw('3').num('SFNAREAS', 2, c.reason).yesNo(c.retry).num('SFNAREASL', 3, text.length).raw(text).done();
}

export function encodeData(c: Data): Buffer {
  return new FieldWriter('DATA', 1 + c.payload.length).raw('D').raw(c.payload).done();
}

export function encodeCdt(): Buffer {
  return Buffer.from('C  ', 'latin1');
}

export function encodeEfid(c: Efid, level: number): Buffer {
  const [rn, un] = is2(level) ? [17, 17] : [9, 12];
  return new FieldWriter('EFID', 1 + rn + un).raw('T').num('EFIDRCNT', rn, c.recordCount).num('EFIDUCNT', un, c.unitCount).done();
}

export function encodeEfpa(c: Efpa): Buffer {
  return Buffer.from(c.changeDirection ? '4Y' : '4N', 'latin1');
}

export function encodeEfna(c: Efna, level: number): Buffer {
  if (!is2(level)) {
    noTextBelow2('EFNA', 'EFNAREAST', c.text, level);
    return new FieldWriter('EFNA', 3).raw('5').num('EFNAREAS', 2, c.reason).done();
  }
  const text = utf8Field('EFNA', 'EFNAREAST', c.text);
  return new FieldWriter('EFNA', 6 + text.length).raw('5').num('EFNAREAS', 2, c.reason).num('EFNAREASL', 3, text.length).raw(text).done();
}

export function encodeEsid(c: Esid, level: number): Buffer {
  if (!is2(level)) {
    noTextBelow2('ESID', 'ESIDREAST', c.text, level);
    return new FieldWriter('ESID', 4).raw('F').num('ESIDREAS', 2, c.reason).cr().done();
  }
  const text = utf8Field('ESID', 'ESIDREAST', c.text);
  return new FieldWriter('ESID', 7 + text.length).raw('F').num('ESIDREAS', 2, c.reason).num('ESIDREASL', 3, text.length).raw(text).cr().done();
}

export function encodeEerp(c: Eerp, level: number): Buffer {
  const secured = c.hash.length + c.signature.length;
  if (!is2(level) && secured) throw new OftpEncodeError('EERP', 'EERPSIG', `signed EERPs need level 5, the session is at level ${level}`);
  const w = new FieldWriter('EERP', is2(level) ? 110 + secured : 106).raw('E').alnum('EERPDSN', 26, c.datasetName, { echo: true });
  writeFileDateTime(w, 'EERP', level, 3, c.date, c.time)
    .alnum('EERPUSER', 8, c.userData)
    .alnum('EERPDEST', 25, c.destination, { echo: true })
    .alnum('EERPORIG', 25, c.originator, { echo: true });
  if (is2(level)) w.u16('EERPHSHL', c.hash.length).raw(c.hash).u16('EERPSIGL', c.signature.length).raw(c.signature);
  return w.done();
}

export function encodeNerp(c: Nerp, level: number): Buffer {
  const text = is2(level) ? utf8Field('NERP', 'NERPREAST', c.text) : Buffer.alloc(0);
  if (!is2(level) && (c.text || c.hash.length || c.signature.length)) {
    throw new OftpEncodeError('NERP', 'NERPREAST', `reason text, hash and signature need level 5, the session is at level ${level}`);
  }
  const w = new FieldWriter('NERP', is2(level) ? 135 + text.length + c.hash.length + c.signature.length : 128)
    .raw('N')
    .alnum('NERPDSN', 26, c.datasetName, { echo: true })
    .spaces(6)
    .digitString('NERPDATE', 8, c.date)
    .digitString('NERPTIME', 10, c.time)
    .alnum('NERPDEST', 25, c.destination, { echo: true })
    .alnum('NERPORIG', 25, c.originator, { echo: true })
    .alnum('NERPCREA', 25, c.creator, { string: true })
    .num('NERPREAS', 2, c.reason);
  if (is2(level)) {
    w.num('NERPREASL', 3, text.length).raw(text)
      .u16('NERPHSHL', c.hash.length).raw(c.hash)
      .u16('NERPSIGL', c.signature.length).raw(c.signature);
  }
  return w.done();
}

const one = (code: string) => () => Buffer.from(code, 'latin1');

const ENCODERS: { [K in CommandName]: (c: Extract<OftpCommand, { type: K }>, level: number) => Buffer } = {
  SSRM: encodeSsrm, SSID: encodeSsid, SECD: one('J'), AUCH: encodeAuch, AURP: encodeAurp, SFID: encodeSfid,
  SFPA: encodeSfpa, SFNA: encodeSfna, DATA: encodeData, CDT: encodeCdt, EFID: encodeEfid, EFPA: encodeEfpa,
  EFNA: encodeEfna, ESID: encodeEsid, CD: one('R'), EERP: encodeEerp, NERP: encodeNerp, RTR: one('P'),
};
