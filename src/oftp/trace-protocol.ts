// The messages between the session trace panel's webview and the extension host, one typed union each way.
// The host keeps every record (TraceStore) and the filtered view; the webview shows a window of rows it asks
// for by position, so 100,000 rows never cross postMessage at once.
import type { TraceRecord } from './trace';
import type { RowStatus, TraceFilter } from './trace-store';

/** What one list row shows. */
export interface TraceRowView {
  index: number;
  time: string;
  deltaMs: number;
  session: string;
  direction: TraceRecord['direction'];
  command: string;
  file?: string;
  length?: number;
  summary: string;
  status: RowStatus;
  /** Index of the paired request or answer. */
  pair?: number;
  /** Reason code in words, e.g. "ESID 04 Invalid password". */
  reason?: string;
}

/** Rows per page the panel asks the host for. */
export const TRACE_PAGE = 200;

/** Where the list will show rows after a reset: the last rows (following new ones), or from a position. */
export type TraceAt = 'end' | number;

/** The first position of the page that holds what `at` points to in a view of `total` rows (none if empty). */
export function tracePageAt(total: number, at: TraceAt): number | undefined {
  if (total <= 0) return undefined;
  const position = at === 'end' ? total - 1 : Math.max(0, Math.min(Math.floor(at), total - 1));
  return Math.floor(position / TRACE_PAGE) * TRACE_PAGE;
}

export type TraceToWebview =
  /**
   * The view changed as a whole (filter, clear, file opened): `total` rows match now. With the page the panel
   * said it will show (`at` of filter/ready), so the filtered rows are drawn without another round trip.
   */
  | { type: 'reset'; total: number; all: number; facets: { sessions: string[]; commands: string[] }; filter: TraceFilter; source?: string; page?: { start: number; rows: TraceRowView[] } }
  /** Rows appended; `total` rows match now. */
  | { type: 'appended'; total: number; all: number; facets?: { sessions: string[]; commands: string[] } }
  /** Rows `start`.. of the filtered view. */
  | { type: 'rows'; start: number; rows: TraceRowView[] }
  /** Everything about one row: decoded fields with their offsets, raw hex (secrets masked), the pair. */
  | { type: 'details'; index: number; record: TraceRecord; row: TraceRowView; pair?: TraceRowView; position?: number }
  /** Where a row is in the filtered view (after a jump to its pair); -1 when filtered out. */
  | { type: 'position'; index: number; position: number };

export type TraceFromWebview =
  | { type: 'ready'; at?: TraceAt }
  | { type: 'filter'; filter: TraceFilter; at?: TraceAt }
  /** Rows of the filtered view from `start`. */
  | { type: 'page'; start: number; count: number }
  | { type: 'select'; index: number }
  /** Jump to a row by store index (the pair of the selected row). */
  | { type: 'reveal'; index: number }
  | { type: 'clear' }
  | { type: 'export' }
  | { type: 'open' };
