// The `.oftptrace` text format: OFTP trace records as a file people read in an editor, which loads back
// into exactly the same TraceRecord objects. Pure (no vscode, no I/O), so the CLI and the extension share it.
//
//   oftptrace 1
//   # comments start with '#'
//
//   2026-11-28T15:51:19.641Z S2 -> ESID  04 Invalid password: "wrong password for O0013CLIENT"
//     reason ESID 04 Invalid password
//     ESIDCMD   @0+1  = "F"
//     ESIDREAS  @1+2  = 4
//     tolerated lf-terminator  LF (0x0A) instead of CR ...
//     detail {"ok":false}
//     length 37
//     raw
//       0000  46303430 33307772 6f6e6720 70617373  |F04030wrong pass|
//
// A record is one header line at column 0 (time, session, -> sent / <- received / -- event, command,
// summary) and the indented lines right under it for whatever the record carries; a blank line ends it.
// Words that are not plain tokens (spaces, quotes, control characters, empty) are written as JSON
// strings, so any record survives the round trip. Text the reader ignores (ASCII column of the dump,
// tolerance explanations) is only there for people.
import { TOLERANCES, type Tolerance } from './codec/tolerances';
import type { TraceDirection, TraceRecord } from './trace';

export const TRACE_FILE_VERSION = 1;
export const TRACE_FILE_MAGIC = 'oftptrace';
export const TRACE_FILE_EXTENSION = '.oftptrace';

export interface TraceParseError {
  /** 1-based line number in the text. */
  line: number;
  message: string;
}

export interface FormatTraceOptions {
  /** Start with the `oftptrace 1` line (default true). Without it the text does not load back cleanly. */
  header?: boolean;
  /** Explain the layout in `#` comments under the header (default true). */
  legend?: boolean;
  /** Extra `#` comment lines under the header, e.g. where the trace came from. */
  comment?: string | string[];
}

const ARROWS: Record<TraceDirection, string> = { out: '->', in: '<-', event: '--' };
const DIRECTIONS: Record<string, TraceDirection> = { '->': 'out', '<-': 'in', '--': 'event', out: 'out', in: 'in', event: 'event' };

const LEGEND = [
  '# TIME SESSION DIRECTION COMMAND SUMMARY, then what the record carries, indented.',
  "# -> sent, <- received, -- event; FIELD @offset+length = value; raw octets in hex, secrets masked as '*' (2a).",
];

/** The first line(s) of a trace file; append formatTraceRecord() blocks to it to stream a trace. */
export function traceFileHeader(options: FormatTraceOptions = {}): string {
  const lines: string[] = [];
  if (options.header !== false) lines.push(`${TRACE_FILE_MAGIC} ${TRACE_FILE_VERSION}`);
  if (options.legend !== false) lines.push(...LEGEND);
  const extra = options.comment === undefined ? [] : Array.isArray(options.comment) ? options.comment : [options.comment];
  // A comment may not open a new line by itself, or it would stop being a comment.
  for (const c of extra) for (const l of c.split(/\r\n|[\n\r\u0085\u2028\u2029]/)) lines.push(`# ${l}`.trimEnd());
  return lines.length ? `${lines.join('\n')}\n` : '';
}

/** A whole trace file. */
export function formatTrace(records: readonly TraceRecord[], options: FormatTraceOptions = {}): string {
  return traceFileHeader(options) + records.map(formatTraceRecord).join('');
}

// Characters that would split a line in some editor, hide text or reorder it (bidi controls): escaped
// inside JSON strings, and never left in a bare word or summary.
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]/g;
const INVISIBLE_TEST = new RegExp(INVISIBLE.source);
// Lone surrogates are escaped by JSON.stringify itself.

function quote(s: string): string {
  return JSON.stringify(s).replace(INVISIBLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A word of the format: bare when it reads back unchanged as one token, else a JSON string. */
function word(s: string): string {
  if (s.length === 0 || /^["#@]/.test(s) || /\s/.test(s) || INVISIBLE_TEST.test(s) || /[\ud800-\udfff]/.test(s)) return quote(s);
  return s;
}

/** Text that runs to the end of the line (summary, reason text): bare when it reads back unchanged. */
function text(s: string): string {
  if (s.startsWith('"') || s !== s.trim() || INVISIBLE_TEST.test(s) || /[\ud800-\udfff]/.test(s)) return quote(s);
  return s;
}

function num(n: number): string {
  return Object.is(n, -0) ? '-0' : String(n);
}

function value(v: string | number | boolean): string {
  return typeof v === 'string' ? quote(v) : typeof v === 'number' ? num(v) : String(v);
}

function reasonCode(code: number): string {
  return Number.isInteger(code) && code >= 0 && code < 10 && !Object.is(code, -0) ? `0${code}` : num(code);
}

const HEX = /^(?:[0-9a-f]{2})*$/;

function hexDump(hex: string): string[] {
  const lines: string[] = [];
  const octets = hex.length / 2;
  const offsetWidth = Math.max(4, (Math.max(octets - 1, 0)).toString(16).length);
  for (let at = 0; at < octets; at += 16) {
    const chunk = hex.slice(at * 2, Math.min(octets, at + 16) * 2);
    const groups = chunk.match(/.{1,8}/g) ?? [];
    let ascii = '';
    for (let i = 0; i < chunk.length; i += 2) {
      const b = parseInt(chunk.slice(i, i + 2), 16);
      ascii += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
    }
    lines.push(`    ${at.toString(16).padStart(offsetWidth, '0')}  ${groups.join(' ').padEnd(35)}  |${ascii}|`);
  }
  return lines;
}

/** One record as a block of lines, with the blank line that separates it from the one before. */
export function formatTraceRecord(r: TraceRecord): string {
  const head = `${word(r.time)} ${word(r.session)} ${ARROWS[r.direction] ?? word(r.direction)} ${word(r.command).padEnd(4)}`;
  const lines = [r.summary === '' ? head.trimEnd() : `${head}  ${text(r.summary)}`];
  if (r.reason) {
    const t = r.reason.text === '' ? '' : ` ${text(r.reason.text)}`;
    lines.push(`  reason ${word(r.reason.kind)} ${reasonCode(r.reason.code)}${t}`);
  }
  if (r.fields) {
    if (r.fields.length === 0) lines.push('  fields none');
    const names = r.fields.map((f) => word(f.name));
    const places = r.fields.map((f) => `@${num(f.offset)}+${num(f.length)}`);
    const nameWidth = Math.max(0, ...names.map((n) => n.length));
    const placeWidth = Math.max(0, ...places.map((p) => p.length));
    r.fields.forEach((f, i) => lines.push(`  ${names[i]!.padEnd(nameWidth)} ${places[i]!.padEnd(placeWidth)} = ${value(f.value)}`));
  }
  if (r.tolerances) {
    if (r.tolerances.length === 0) lines.push('  tolerated none');
    for (const t of r.tolerances) {
      const name = (t as string) === 'none' ? quote(t) : word(t);
      const why = Object.prototype.hasOwnProperty.call(TOLERANCES, t) ? `  ${TOLERANCES[t as Tolerance]}` : '';
      lines.push(`  tolerated ${name}${why}`);
    }
  }
  if (r.detail !== undefined) lines.push(`  detail ${JSON.stringify(r.detail).replace(INVISIBLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}`);
  if (r.length !== undefined) lines.push(`  length ${num(r.length)}`);
  if (r.raw !== undefined || r.rawTruncated !== undefined) {
    const flags: string[] = [];
    const dump = r.raw !== undefined && HEX.test(r.raw);
    if (r.raw === undefined) flags.push('none');
    else if (!dump) flags.push('text', quote(r.raw));
    if (r.rawTruncated === true) flags.push('truncated');
    if (r.rawTruncated === false) flags.push('complete');
    lines.push(['  raw', ...flags].join(' '));
    if (dump) lines.push(...hexDump(r.raw!));
  }
  return `\n${lines.join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------------
// Reading

class LineError extends Error {}

/** Reads tokens of one line: bare words, JSON strings, and the rest of the line. */
class Cursor {
  pos = 0;
  /** Whether the last word() was a quoted string (keywords are bare, so "raw" in quotes is a name). */
  quoted = false;
  constructor(readonly line: string) {}

  skipSpace(): void {
    while (this.pos < this.line.length && (this.line[this.pos] === ' ' || this.line[this.pos] === '\t')) this.pos++;
  }

  atEnd(): boolean {
    this.skipSpace();
    return this.pos >= this.line.length;
  }

  /** A JSON string starting at the cursor, decoded. */
  private jsonString(what: string): string {
    const m = /^"(?:[^"\\]|\\.)*"/.exec(this.line.slice(this.pos));
    if (!m) throw new LineError(`${what}: unterminated quoted string`);
    try {
      const s = JSON.parse(m[0]) as string;
      this.pos += m[0].length;
      return s;
    } catch {
      throw new LineError(`${what}: bad quoted string ${m[0]}`);
    }
  }

  word(what: string): string {
    this.skipSpace();
    if (this.pos >= this.line.length) throw new LineError(`missing ${what}`);
    this.quoted = this.line[this.pos] === '"';
    if (this.quoted) {
      const s = this.jsonString(what);
      if (this.pos < this.line.length && !/[ \t]/.test(this.line[this.pos]!)) throw new LineError(`${what}: space expected after the quoted string`);
      return s;
    }
    const m = /^[^ \t]+/.exec(this.line.slice(this.pos))!;
    this.pos += m[0].length;
    return m[0];
  }

  /** The rest of the line as text: bare, or one JSON string and nothing after it. */
  text(what: string): string {
    this.skipSpace();
    if (this.pos >= this.line.length) return '';
    if (this.line[this.pos] === '"') {
      const s = this.jsonString(what);
      if (!this.atEnd()) throw new LineError(`${what}: nothing may follow the quoted text`);
      return s;
    }
    const s = this.line.slice(this.pos).trimEnd();
    this.pos = this.line.length;
    return s;
  }

  rest(): string {
    this.skipSpace();
    const s = this.line.slice(this.pos).trimEnd();
    this.pos = this.line.length;
    return s;
  }

  end(what: string): void {
    if (!this.atEnd()) throw new LineError(`unexpected ${JSON.stringify(this.line.slice(this.pos))} after ${what}`);
  }
}

const NUMBER_SOURCE = '-?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][+-]?\\d+)?|-?Infinity|NaN';
const NUMBER = new RegExp(`^(?:${NUMBER_SOURCE})$`);
// Backtracking splits "@1e+21+3" right: the exponent's '+' stays with the offset.
const PLACE = new RegExp(`^@(${NUMBER_SOURCE})\\+(${NUMBER_SOURCE})$`);

function parseNumber(s: string, what: string): number {
  if (!NUMBER.test(s)) throw new LineError(`${what} must be a number, not ${JSON.stringify(s)}`);
  return Number(s);
}

function parseValue(c: Cursor): string | number | boolean {
  c.skipSpace();
  if (c.line[c.pos] === '"') {
    const s = c.word('field value');
    c.end('the field value');
    return s;
  }
  const v = c.rest();
  if (v === 'true') return true;
  if (v === 'false') return false;
  if (v === '') throw new LineError('missing field value after "="');
  if (!NUMBER.test(v)) throw new LineError(`field value must be a "quoted string", a number, true or false, not ${JSON.stringify(v)}`);
  return Number(v);
}

/** What is being built while the lines of one record are read. */
interface Building {
  record: TraceRecord;
  line: number;
  seen: Set<string>;
  /** Hex of the dump so far, while dump lines may follow the `raw` line. */
  dump: string | null;
  fieldsNone: boolean;
  toleratedNone: boolean;
}

function parseHeader(line: string): TraceRecord {
  const c = new Cursor(line);
  const time = c.word('time');
  const session = c.word('session');
  const arrow = c.word('direction');
  const direction = DIRECTIONS[arrow];
  if (!direction) throw new LineError(`direction must be -> (sent), <- (received) or -- (event), not ${JSON.stringify(arrow)}`);
  const command = c.word('command');
  const summary = c.text('summary');
  return { time, session, direction, command, summary };
}

function once(b: Building, key: string): void {
  if (b.seen.has(key)) throw new LineError(`second "${key}" line in one record`);
  b.seen.add(key);
}

// OFFSET  HEX GROUPS  |ASCII|; the ASCII column is optional (people may drop it when editing the hex).
const DUMP_LINE = /^\s+([0-9a-fA-F]+) {2}([0-9a-fA-F]+(?: [0-9a-fA-F]+)*)(?: {2,}\|(.*)\|)?\s*$/;

function parseDetailLine(b: Building, line: string): void {
  const r = b.record;
  if (b.dump !== null) {
    const m = DUMP_LINE.exec(line);
    if (m) {
      const at = parseInt(m[1]!, 16);
      const expected = b.dump.length / 2;
      if (at !== expected) throw new LineError(`hex dump offset ${m[1]} where ${expected.toString(16).padStart(4, '0')} was expected (a line missing or added?)`);
      const groups = m[2]!.split(' ');
      if (groups.some((g) => g.length % 2)) throw new LineError('hex dump: odd number of hex digits in a group');
      // A damaged line can still look like a dump line; its ASCII column then no longer fits the octets.
      if (m[3] !== undefined && m[3].length * 2 !== groups.join('').length) throw new LineError(`hex dump: ${groups.join('').length / 2} octets but ${m[3].length} characters in the |ASCII| column`);
      b.dump += groups.join('').toLowerCase();
      return;
    }
    r.raw = b.dump;
    b.dump = null;
  }
  const c = new Cursor(line);
  const first = c.word('keyword');
  c.skipSpace();
  if (c.line[c.pos] === '@') {
    // FIELD @offset+length = value
    const place = c.word('offset+length');
    const pm = PLACE.exec(place);
    if (!pm) throw new LineError(`field ${first}: expected @offset+length, not ${JSON.stringify(place)}`);
    const offset = parseNumber(pm[1]!, `offset of ${first}`);
    const length = parseNumber(pm[2]!, `length of ${first}`);
    if (c.word('"="') !== '=') throw new LineError(`field ${first}: "=" expected after @offset+length`);
    if (b.fieldsNone) throw new LineError('field after "fields none"');
    (r.fields ??= []).push({ name: first, offset, length, value: parseValue(c) });
    return;
  }
  switch (c.quoted ? '' : first) {
    case 'reason': {
      once(b, 'reason');
      const kind = c.word('reason kind (ESID, SFNA, EFNA or NERP)');
      const code = parseNumber(c.word('reason code'), 'reason code');
      r.reason = { kind: kind as NonNullable<TraceRecord['reason']>['kind'], code, text: c.text('reason text') };
      return;
    }
    case 'fields':
      if (c.word('"none"') !== 'none') throw new LineError('"fields" must be followed by "none"');
      c.end('fields none');
      if (r.fields) throw new LineError('"fields none" in a record that has fields');
      once(b, 'fields none');
      b.fieldsNone = true;
      r.fields = [];
      return;
    case 'tolerated': {
      const name = c.word('tolerance name');
      const quoted = c.quoted;
      c.rest(); // the explanation, for people only
      if (name === 'none' && !quoted) {
        if (r.tolerances) throw new LineError('"tolerated none" in a record that has tolerances');
        once(b, 'tolerated none');
        b.toleratedNone = true;
        r.tolerances = [];
        return;
      }
      if (b.toleratedNone) throw new LineError('tolerance after "tolerated none"');
      (r.tolerances ??= []).push(name as Tolerance);
      return;
    }
    case 'detail': {
      once(b, 'detail');
      const json = c.rest();
      let detail: unknown;
      try {
        detail = JSON.parse(json);
      } catch (e) {
        throw new LineError(`detail is not valid JSON: ${(e as Error).message}`);
      }
      if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) throw new LineError('detail must be a JSON object {...}');
      r.detail = detail as Record<string, unknown>;
      return;
    }
    case 'length':
      once(b, 'length');
      r.length = parseNumber(c.word('length'), 'length');
      c.end('the length');
      return;
    case 'raw': {
      once(b, 'raw');
      let raw: string | undefined = '';
      let dump = true;
      while (!c.atEnd()) {
        const flag = c.word('raw flag');
        if (flag === 'none' && dump) {
          raw = undefined;
          dump = false;
        } else if (flag === 'text' && dump) {
          raw = c.word('raw text');
          dump = false;
        } else if (flag === 'truncated' && r.rawTruncated === undefined) r.rawTruncated = true;
        else if (flag === 'complete' && r.rawTruncated === undefined) r.rawTruncated = false;
        else throw new LineError(`unexpected ${JSON.stringify(flag)} on the raw line (expected none, text "...", truncated or complete)`);
      }
      if (dump) b.dump = '';
      else if (raw !== undefined) r.raw = raw;
      return;
    }
    default:
      if (DUMP_LINE.test(line)) throw new LineError('hex dump line outside a raw block');
      throw new LineError(`unknown line ${JSON.stringify(first)}: expected FIELD @offset+length = value, reason, fields none, tolerated, detail, length or raw`);
  }
}

/** Puts the keys in the order TraceRecord declares them, so records compare and print alike. */
function ordered(r: TraceRecord): TraceRecord {
  const out: TraceRecord = { time: r.time, session: r.session, direction: r.direction, command: r.command, summary: r.summary };
  if (r.fields !== undefined) out.fields = r.fields;
  if (r.raw !== undefined) out.raw = r.raw;
  if (r.length !== undefined) out.length = r.length;
  if (r.rawTruncated !== undefined) out.rawTruncated = r.rawTruncated;
  if (r.reason !== undefined) out.reason = r.reason;
  if (r.tolerances !== undefined) out.tolerances = r.tolerances;
  if (r.detail !== undefined) out.detail = r.detail;
  return out;
}

/**
 * Reads a trace file. Never throws: a damaged record is left out with an error naming its line, and the
 * records around it are kept.
 */
export function parseTrace(source: string): { records: TraceRecord[]; errors: TraceParseError[] } {
  const records: TraceRecord[] = [];
  const errors: TraceParseError[] = [];
  const lines = String(source).replace(/^\ufeff/, '').split(/\r?\n/);
  let building: Building | null = null;
  // True after a damaged record: its remaining lines are passed over without more errors.
  let skipping = false;
  const finish = (): void => {
    if (!building) return;
    if (building.dump !== null) building.record.raw = building.dump;
    records.push(ordered(building.record));
    building = null;
  };
  const first = lines[0]?.trim() ?? '';
  const magic = /^oftptrace\s+(\S+)$/.exec(first);
  if (!magic) errors.push({ line: 1, message: `not an oftptrace file: the first line must be "${TRACE_FILE_MAGIC} ${TRACE_FILE_VERSION}"` });
  else if (magic[1] !== String(TRACE_FILE_VERSION)) errors.push({ line: 1, message: `oftptrace version ${magic[1]} is not supported (this reader knows ${TRACE_FILE_VERSION})` });
  for (let i = magic ? 1 : 0; i < lines.length; i++) {
    const line = lines[i]!;
    const lineNo = i + 1;
    // A blank line ends a record: a header line lost to damage (or commented out) then shows as an error on
    // the next line instead of its lines silently joining the record before.
    if (line.trim() === '') {
      finish();
      skipping = false;
      continue;
    }
    if (line.trimStart().startsWith('#')) continue;
    try {
      if (!/^[ \t]/.test(line)) {
        finish();
        skipping = false;
        building = { record: parseHeader(line), line: lineNo, seen: new Set(), dump: null, fieldsNone: false, toleratedNone: false };
      } else if (building) {
        parseDetailLine(building, line);
      } else if (!skipping) {
        skipping = true;
        throw new LineError('indented line outside a record (a record starts with TIME SESSION DIRECTION COMMAND at the start of a line; a blank line ends it)');
      }
    } catch (e) {
      const message = e instanceof LineError ? e.message : `unreadable line: ${(e as Error)?.message ?? String(e)}`;
      errors.push({ line: lineNo, message: building && building.line !== lineNo ? `${message} (record of line ${building.line} left out)` : message });
      building = null;
      skipping = true;
    }
  }
  finish();
  return { records, errors };
}

// ---------------------------------------------------------------------------------------------------
// JSON lines (what `oftp2 serve/send --trace FILE` writes)

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks a parsed JSON value against TraceRecord; the message says what is wrong, null when it fits. */
export function checkTraceRecord(v: unknown): string | null {
  if (!isObject(v)) return 'not a JSON object';
  for (const k of ['time', 'session', 'command', 'summary']) if (typeof v[k] !== 'string') return `"${k}" must be a string`;
  if (!['in', 'out', 'event'].includes(v.direction as string)) return '"direction" must be "in", "out" or "event"';
  if (v.fields !== undefined) {
    if (!Array.isArray(v.fields)) return '"fields" must be an array';
    for (const [i, f] of v.fields.entries()) {
      if (!isObject(f) || typeof f.name !== 'string' || typeof f.offset !== 'number' || typeof f.length !== 'number' || !['string', 'number', 'boolean'].includes(typeof f.value)) {
        return `fields[${i}] must be {name, offset, length, value}`;
      }
    }
  }
  if (v.raw !== undefined && typeof v.raw !== 'string') return '"raw" must be a string';
  if (v.length !== undefined && typeof v.length !== 'number') return '"length" must be a number';
  if (v.rawTruncated !== undefined && typeof v.rawTruncated !== 'boolean') return '"rawTruncated" must be true or false';
  if (v.reason !== undefined) {
    const r = v.reason;
    if (!isObject(r) || typeof r.kind !== 'string' || typeof r.code !== 'number' || typeof r.text !== 'string') return '"reason" must be {kind, code, text}';
  }
  if (v.tolerances !== undefined && (!Array.isArray(v.tolerances) || v.tolerances.some((t) => typeof t !== 'string'))) return '"tolerances" must be an array of names';
  if (v.detail !== undefined && !isObject(v.detail)) return '"detail" must be an object';
  return null;
}

function fromJson(v: Record<string, unknown>): TraceRecord {
  const r = v as unknown as TraceRecord;
  // Only the TraceRecord properties, each in a fresh object, so nothing else rides along.
  return ordered({
    ...r,
    fields: r.fields?.map((f) => ({ name: f.name, offset: f.offset, length: f.length, value: f.value })),
    reason: r.reason && { kind: r.reason.kind, code: r.reason.code, text: r.reason.text },
  });
}

/** Reads the CLI's JSON-lines trace. Never throws: bad lines are reported by line number and left out. */
export function parseJsonLines(source: string): { records: TraceRecord[]; errors: TraceParseError[] } {
  const records: TraceRecord[] = [];
  const errors: TraceParseError[] = [];
  String(source).replace(/^\ufeff/, '').split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch (e) {
      errors.push({ line: i + 1, message: `not JSON: ${(e as Error).message}` });
      return;
    }
    const problem = checkTraceRecord(v);
    if (problem) errors.push({ line: i + 1, message: `not a trace record: ${problem}` });
    else records.push(fromJson(v as Record<string, unknown>));
  });
  return { records, errors };
}

/** Converts `--trace` JSON lines to an `.oftptrace` text; `errors` name the JSON lines left out. */
export function jsonLinesToTrace(source: string, options: FormatTraceOptions = {}): { text: string; records: TraceRecord[]; errors: TraceParseError[] } {
  const { records, errors } = parseJsonLines(source);
  return { text: formatTrace(records, options), records, errors };
}

/** The records as JSON lines again (the inverse of parseJsonLines). */
export function traceToJsonLines(records: readonly TraceRecord[]): string {
  return records.map((r) => `${JSON.stringify(r)}\n`).join('');
}
