// Pure helpers of the trace panel (no DOM): page arithmetic for the virtualized list, clock formatting, and
// the hex view's rows with the selected field's bytes marked. Unit-tested in Node.

import { TRACE_PAGE as PAGE } from '../../src/oftp/trace-protocol';

/** Rows per page the panel asks the host for (the host sends the first one with a reset: the same size). */
export { PAGE };

/** Pages that cover positions [first, last). */
export function pagesFor(first: number, last: number): number[] {
  if (last <= first) return [];
  const out: number[] = [];
  for (let p = Math.floor(first / PAGE); p <= Math.floor((last - 1) / PAGE); p++) out.push(p);
  return out;
}

/** HH:MM:SS.mmm of an ISO time (UTC, as traces are written). */
export function formatClock(iso: string): string {
  const m = /T(\d\d:\d\d:\d\d(?:\.\d{1,3})?)/.exec(iso);
  return m ? m[1]!.padEnd(12, '0') : iso;
}

export interface HexByte {
  text: string;
  char: string;
  highlight: boolean;
}

/** 16 octets a row: offset, the octets (masked secret octets, '*' = 0x2a in the masked raw, as **), ASCII. */
export function hexRows(raw: string, highlight?: { from: number; to: number }): Array<{ offset: string; bytes: HexByte[] }> {
  const rows: Array<{ offset: string; bytes: HexByte[] }> = [];
  const n = Math.floor(raw.length / 2);
  for (let start = 0; start < n; start += 16) {
    const bytes: HexByte[] = [];
    for (let i = start; i < Math.min(n, start + 16); i++) {
      const pair = raw.slice(i * 2, i * 2 + 2);
      const v = Number.parseInt(pair, 16);
      const masked = pair === '**';
      bytes.push({
        text: masked ? '**' : pair.toLowerCase(),
        char: masked ? '*' : v >= 0x20 && v < 0x7f ? String.fromCharCode(v) : '.',
        highlight: !!highlight && i >= highlight.from && i < highlight.to,
      });
    }
    rows.push({ offset: start.toString(16).padStart(4, '0'), bytes });
  }
  return rows;
}
