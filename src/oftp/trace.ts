// Structured trace records of OFTP sessions: every command sent or received and every decision, with
// secrets masked. The CLI writes them as JSON lines; the trace panel and debug console read the same.
import { createWriteStream, type WriteStream } from 'node:fs';
import type { OftpCommand } from './codec/commands';
import { SECRET_MASK, showField, summarizeCommand } from './codec/describe';
import type { FieldInfo } from './codec/fields';
import { describeReason } from './codec/reasons';
import type { Tolerance } from './codec/tolerances';

export type TraceDirection = 'in' | 'out' | 'event';

export interface TraceRecord {
  /** ISO 8601 time with milliseconds. */
  time: string;
  /** Session id, unique within the process (e.g. "S3"). */
  session: string;
  direction: TraceDirection;
  /** Command name for 'in'/'out'; an event name (connected, negotiated, refused, timeout, ...) otherwise. */
  command: string;
  /** One line for people. */
  summary: string;
  /** Decoded fields (RFC names), secrets masked. */
  fields?: Array<{ name: string; offset: number; length: number; value: string | number | boolean }>;
  /** Exchange buffer as hex, secrets overwritten with '*'; DATA is cut to its first 64 octets. */
  raw?: string;
  /** Full length of the exchange buffer. */
  length?: number;
  rawTruncated?: boolean;
  /** ESID/SFNA/EFNA/NERP reason, with its RFC text. */
  reason?: { kind: 'ESID' | 'SFNA' | 'EFNA' | 'NERP'; code: number; text: string };
  tolerances?: Tolerance[];
  /** Anything else the event carries (negotiated values, file names, sizes, ...). */
  detail?: Record<string, unknown>;
}

const DATA_RAW_LIMIT = 64;

/** The exchange buffer with every secret field's octets replaced by '*', as hex. */
export function maskedRaw(buf: Buffer, fields: FieldInfo[], limit?: number): { raw: string; truncated: boolean } {
  const end = limit !== undefined ? Math.min(buf.length, limit) : buf.length;
  const copy = Buffer.from(buf.subarray(0, end));
  for (const f of fields) {
    if (f.secret) copy.fill(0x2a, Math.min(f.offset, end), Math.min(f.offset + f.length, end));
  }
  return { raw: copy.toString('hex'), truncated: end < buf.length };
}

/** Builds the trace record of a command on the wire. */
export function commandRecord(
  session: string,
  direction: 'in' | 'out',
  command: OftpCommand,
  raw: Buffer,
  fields: FieldInfo[],
  tolerances: Tolerance[] = [],
): TraceRecord {
  const isData = command.type === 'DATA';
  const { raw: hex, truncated } = maskedRaw(raw, fields, isData ? DATA_RAW_LIMIT : undefined);
  const record: TraceRecord = {
    time: new Date().toISOString(),
    session,
    direction,
    command: command.type,
    summary: summarizeCommand(command),
    length: raw.length,
    raw: hex,
  };
  if (truncated) record.rawTruncated = true;
  if (command.type === 'ESID' || command.type === 'SFNA' || command.type === 'EFNA' || command.type === 'NERP') {
    record.reason = { kind: command.type, code: command.reason, text: describeReason(command.type, command.reason).slice(3) };
  }
  if (!isData) {
    record.fields = fields.map((f) => ({ name: f.name, offset: f.offset, length: f.length, value: f.secret ? showField(f) : f.value }));
  }
  if (tolerances.length) record.tolerances = tolerances;
  return record;
}

export type TraceSink = (record: TraceRecord) => void;

/** A sink that appends JSON lines to a file; `close()` flushes it. */
export function jsonLinesSink(path: string): { sink: TraceSink; close: () => Promise<void> } {
  const out: WriteStream = createWriteStream(path, { flags: 'a' });
  return {
    sink: (r) => {
      out.write(`${JSON.stringify(r)}\n`);
    },
    close: () => new Promise((resolve) => out.end(resolve)),
  };
}

export { SECRET_MASK };
