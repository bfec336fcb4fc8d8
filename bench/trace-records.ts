// Trace records shaped like real sessions (SSRM, SSID, SFID/SFPA, DATA runs, EFID/EFPA, CD, EERP/RTR, ESID),
// for the trace store benchmark (bench/trace.ts) and the trace panel one in the real VS Code (bench/trace-panel.mjs).
import type { TraceRecord } from '../src/oftp/trace';

function sessionRecords(n: number, t0: number): TraceRecord[] {
  const s = `S${n}`;
  const at = (k: number): string => new Date(t0 + k).toISOString();
  const dsn = `DELFOR.PARTNER${n % 50}.${n}`;
  const cmd = (k: number, direction: 'in' | 'out', command: string, summary: string, fields: Array<[string, string | number]> = [], reason?: TraceRecord['reason']): TraceRecord => ({
    time: at(k),
    session: s,
    direction,
    command,
    summary,
    fields: fields.map(([name, value], i) => ({ name, offset: i * 5, length: 5, value })),
    raw: '49'.repeat(32),
    length: 64,
    ...(reason ? { reason } : {}),
  });
  const out: TraceRecord[] = [
    cmd(0, 'out', 'SSRM', 'ODETTE FTP READY', [['SSRMMSG', 'ODETTE FTP READY ']]),
    cmd(1, 'in', 'SSID', `O0013PARTNER${n % 50} level 5 buffer 99999 credit 999`, [['SSIDCODE', `O0013PARTNER${n % 50}`], ['SSIDPSWD', '********'], ['SSIDSDEB', 99999]]),
    cmd(2, 'out', 'SSID', 'O0013SERVER level 5', [['SSIDCODE', 'O0013SERVER']]),
    cmd(3, 'in', 'SFID', `${dsn} U 1024 K`, [['SFIDDSN', dsn], ['SFIDFMT', 'U']]),
    cmd(4, 'out', 'SFPA', 'restart 0', [['SFPAACNT', 0]]),
  ];
  for (let i = 0; i < 20; i++) out.push(cmd(5 + i, 'in', 'DATA', '99999 octets', [['DATABUF', '99998 octets']]));
  out.push(
    cmd(30, 'in', 'EFID', 'records 0 units 1999960', [['EFIDRCNT', 0]]),
    cmd(31, 'out', 'EFPA', 'no change of direction', [['EFPACD', 'N']]),
    cmd(32, 'in', 'CD', ''),
    cmd(33, 'out', 'EERP', dsn, [['EERPDSN', dsn]]),
    cmd(34, 'in', 'RTR', ''),
    cmd(35, 'out', 'ESID', n % 97 === 0 ? 'ESID 04 Invalid password' : 'ESID 00 Normal session termination', [['ESIDREAS', n % 97 === 0 ? 4 : 0]], { kind: 'ESID', code: n % 97 === 0 ? 4 : 0, text: n % 97 === 0 ? 'Invalid password' : 'Normal session termination' }),
  );
  return out;
}

/** `rows` trace records of many interleaved-looking sessions (one in 97 ends with ESID 04), 40 ms apart. */
export function traceRecords(rows: number): TraceRecord[] {
  const records: TraceRecord[] = [];
  for (let n = 1; records.length < rows; n++) records.push(...sessionRecords(n, Date.UTC(2026, 10, 28) + n * 40));
  records.length = rows;
  return records;
}

