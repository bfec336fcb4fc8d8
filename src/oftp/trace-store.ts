// The trace panel's data: every trace record of a run with what the list shows beside it (number, Δ time,
// virtual file, status, the paired request or answer), and filtering that stays fast at 100,000 rows.
// Pure: the extension feeds it records and pages rows to the webview; benchmarks and tests drive it directly.
import type { TraceRecord } from './trace';

export type RowStatus = 'ok' | 'warn' | 'error';

export interface TraceRow {
  /** Position in the store, from 0. */
  index: number;
  record: TraceRecord;
  /** Milliseconds since the previous record of the same session (0 for its first). */
  deltaMs: number;
  /** The virtual file the record belongs to (the session's current SFID), if any. */
  file?: string;
  status: RowStatus;
  /** The request this answers, or the answer to this request (SFID↔SFPA/SFNA, EFID↔EFPA/EFNA, SSID↔SSID, ...). */
  pair?: number;
}

export interface TraceFilter {
  sessions?: string[];
  commands?: string[];
  /** Substring of the virtual file name, case-insensitive. */
  file?: string;
  errorsOnly?: boolean;
  /** Substring of the summary, command, session, file or any field value, case-insensitive. */
  text?: string;
}

/** Answers to each request, in the direction opposite to it. */
const ANSWERS: Record<string, string[]> = {
  SSID: ['SSID', 'ESID'],
  SFID: ['SFPA', 'SFNA'],
  EFID: ['EFPA', 'EFNA'],
  EERP: ['RTR'],
  NERP: ['RTR'],
  SECD: ['AUCH'],
  AUCH: ['AURP'],
};

const ERROR_EVENTS = /fail|refus|timeout|error|abort|invalid|mismatch/i;

/** Whether a record is a failure, something to look at, or fine. */
export function statusOf(r: TraceRecord): RowStatus {
  if (r.reason && r.reason.code !== 0) return 'error';
  if (r.command === 'SFNA' || r.command === 'EFNA' || r.command === 'NERP') return 'error';
  if (r.direction === 'event' && ERROR_EVENTS.test(r.command)) return 'error';
  if (r.tolerances?.length || (r.direction === 'in' && r.summary.startsWith('malformed'))) return 'warn';
  return 'ok';
}

interface SessionState {
  lastTime: number;
  file?: string;
  /** Requests waiting for their answer: command → row index. */
  open: Map<string, number>;
}

export class TraceStore {
  private readonly rows: TraceRow[] = [];
  private readonly sessions = new Map<string, SessionState>();
  /** Lower-cased text each row is searched in, built once per row. */
  private readonly haystacks: string[] = [];

  get size(): number {
    return this.rows.length;
  }

  row(index: number): TraceRow | undefined {
    return this.rows[index];
  }

  /** Sessions and commands seen, for the filter menus. */
  facets(): { sessions: string[]; commands: string[] } {
    const commands = new Set<string>();
    for (const r of this.rows) commands.add(r.record.command);
    return { sessions: [...this.sessions.keys()], commands: [...commands].sort() };
  }

  clear(): void {
    this.rows.length = 0;
    this.haystacks.length = 0;
    this.sessions.clear();
  }

  append(record: TraceRecord): TraceRow {
    const index = this.rows.length;
    const time = Date.parse(record.time);
    let s = this.sessions.get(record.session);
    if (!s) {
      s = { lastTime: time, open: new Map() };
      this.sessions.set(record.session, s);
    }
    const deltaMs = Number.isFinite(time) && Number.isFinite(s.lastTime) ? Math.max(0, time - s.lastTime) : 0;
    s.lastTime = time;
    const command = record.command;
    if (command === 'SFID' && record.direction !== 'event') s.file = fieldValue(record, 'SFIDDSN') ?? s.file;
    const row: TraceRow = { index, record, deltaMs, status: statusOf(record), ...(s.file && record.direction !== 'event' ? { file: s.file } : {}) };
    if (record.direction !== 'event') {
      // An answer closes the open request of the other side that it can answer.
      let answered = false;
      for (const [request, answers] of Object.entries(ANSWERS)) {
        const key = `${request}:${record.direction === 'in' ? 'out' : 'in'}`;
        const open = s.open.get(key);
        if (open !== undefined && answers.includes(command) && open !== index) {
          row.pair = open;
          this.rows[open]!.pair = index;
          s.open.delete(key);
          answered = true;
          break;
        }
      }
      // The responder's SSID answers the initiator's; it opens nothing of its own.
      if (ANSWERS[command] && !answered) s.open.set(`${command}:${record.direction}`, index);
      // The file ends with its EFID's answer; later commands are not about it.
      if (command === 'EFPA' || command === 'EFNA' || command === 'SFNA') s.file = undefined;
    }
    this.rows.push(row);
    this.haystacks.push(haystack(row));
    return row;
  }

  /** Indices of the rows that pass the filter, in order. */
  query(filter: TraceFilter = {}): number[] {
    const sessions = filter.sessions?.length ? new Set(filter.sessions) : undefined;
    const commands = filter.commands?.length ? new Set(filter.commands) : undefined;
    const file = filter.file?.toLowerCase();
    const text = filter.text?.trim().toLowerCase();
    const out: number[] = [];
    for (let i = 0; i < this.rows.length; i++) {
      const row = this.rows[i]!;
      if (sessions && !sessions.has(row.record.session)) continue;
      if (commands && !commands.has(row.record.command)) continue;
      if (filter.errorsOnly && row.status !== 'error') continue;
      if (file && !row.file?.toLowerCase().includes(file)) continue;
      if (text && !this.haystacks[i]!.includes(text)) continue;
      out.push(i);
    }
    return out;
  }

  /** Whether one row passes a filter (for live appends to a filtered view). */
  matches(index: number, filter: TraceFilter): boolean {
    const row = this.rows[index];
    if (!row) return false;
    if (filter.sessions?.length && !filter.sessions.includes(row.record.session)) return false;
    if (filter.commands?.length && !filter.commands.includes(row.record.command)) return false;
    if (filter.errorsOnly && row.status !== 'error') return false;
    if (filter.file && !row.file?.toLowerCase().includes(filter.file.toLowerCase())) return false;
    if (filter.text?.trim() && !this.haystacks[index]!.includes(filter.text.trim().toLowerCase())) return false;
    return true;
  }

  records(): TraceRecord[] {
    return this.rows.map((r) => r.record);
  }
}

function fieldValue(r: TraceRecord, name: string): string | undefined {
  const f = r.fields?.find((x) => x.name === name);
  return f === undefined ? undefined : String(f.value).trim();
}

function haystack(row: TraceRow): string {
  const r = row.record;
  const parts = [r.session, r.command, r.summary, row.file ?? '', r.reason ? `${r.reason.kind} ${String(r.reason.code).padStart(2, '0')} ${r.reason.text}` : ''];
  for (const f of r.fields ?? []) parts.push(`${f.name}=${String(f.value)}`);
  return parts.join('\u0000').toLowerCase();
}
