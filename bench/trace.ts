// Trace panel benchmark: append rate of the trace store and the time of each kind of filter at 100,000 rows,
// on records shaped like a real session's (SSID, SFID/SFPA, DATA runs, EFID/EFPA, EERP/RTR, ESID), many
// sessions interleaved. Run with `npm run bench:trace`; figures go to bench/README.md.
import { performance } from 'node:perf_hooks';
import type { TraceRecord } from '../src/oftp/trace';
import { TraceStore, type TraceFilter } from '../src/oftp/trace-store';

const ROWS = Number(process.argv[2] ?? 100_000);

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

const records: TraceRecord[] = [];
for (let n = 1; records.length < ROWS; n++) records.push(...sessionRecords(n, Date.UTC(2026, 10, 28) + n * 40));
records.length = ROWS;

const store = new TraceStore();
let t = performance.now();
for (const r of records) store.append(r);
const appendMs = performance.now() - t;

const filters: Array<[string, TraceFilter]> = [
  ['errors only', { errorsOnly: true }],
  ['one session', { sessions: ['S777'] }],
  ['commands SFID, EFID', { commands: ['SFID', 'EFID'] }],
  ['file substring', { file: 'partner7.' }],
  ['free text (field value)', { text: 'O0013PARTNER42' }],
  ['free text, no match', { text: 'nothing like this' }],
  ['combined', { commands: ['DATA'], text: '99999', file: 'delfor' }],
];
console.log(`trace store, ${ROWS.toLocaleString('en')} rows, Node ${process.version}`);
console.log(`append: ${appendMs.toFixed(0)} ms (${Math.round(ROWS / (appendMs / 1000)).toLocaleString('en')} rows/s)`);
for (const [name, f] of filters) {
  store.query(f);
  const runs: number[] = [];
  let hits = 0;
  for (let i = 0; i < 5; i++) {
    t = performance.now();
    hits = store.query(f).length;
    runs.push(performance.now() - t);
  }
  runs.sort((a, b) => a - b);
  console.log(`filter ${name}: median ${runs[2]!.toFixed(1)} ms, worst ${runs[4]!.toFixed(1)} ms, ${hits.toLocaleString('en')} rows`);
}
