// Trace panel benchmark: append rate of the trace store and the time of each kind of filter at 100,000 rows,
// on records shaped like a real session's (SSID, SFID/SFPA, DATA runs, EFID/EFPA, EERP/RTR, ESID), many
// sessions interleaved. Run with `npm run bench:trace`; figures go to bench/README.md.
import { performance } from 'node:perf_hooks';
import { TraceStore, type TraceFilter } from '../src/oftp/trace-store';
import { traceRecords } from './trace-records';

const ROWS = Number(process.argv[2] ?? 100_000);

const records = traceRecords(ROWS);

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
