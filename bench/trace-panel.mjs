// Session Trace panel benchmark in the real VS Code of the test harness (code-server + Chromium): opens a
// 100,000-record .oftptrace file into the panel (Open Trace…), then times, in the panel's own page, each
// filter from the change to the filtered rows on screen, and a jump to the middle of the list until its rows
// are drawn. Usage (after `npm run build && tsc -p .`): node bench/trace-panel.mjs [rows] [runs].
// Figures go to stdout and bench/results/trace-panel.json.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { openWorkbench, runCommand, waitForExtension } from '../test/vscode/drive.mjs';
import { ROOT } from '../test/vscode/install.mjs';
import { machineAtStart, median, summary, writeResults } from './results.mjs';
import { frameWith } from '../test/vscode/ui-trace.mjs';

const require = createRequire(import.meta.url);
const { traceRecords } = require(join(ROOT, 'out', 'bench', 'trace-records.js'));
const { formatTrace } = require(join(ROOT, 'out', 'src', 'oftp', 'trace-file.js'));
const ROWS = Number(process.argv[2] ?? 100_000);
const RUNS = Number(process.argv[3] ?? 5);
const log = (m) => console.log(`[bench:trace-panel] ${m}`);

const machine = machineAtStart();
const name = `bench-${ROWS}.oftptrace`;
const wb = await openWorkbench({ log, prepare: (workspace) => writeFileSync(join(workspace, name), formatTrace(traceRecords(ROWS))) });
const { page, workspace } = wb;
const figures = { open: [], filters: {}, jump: [] };
try {
  await waitForExtension(page);
  await runCommand(page, 'OFTP2: Show Session Trace');
  const trace = await frameWith(page, '.viewport[role="grid"]');
  const rowsText = `${ROWS.toLocaleString('en-US')} rows`;
  for (let run = 0; run < RUNS; run++) {
    await runCommand(page, 'OFTP2: Clear Trace');
    await trace.waitForFunction(() => document.querySelector('.count')?.textContent?.startsWith('0 rows'), undefined, { timeout: 30_000 });
    // Open: from Enter in the file dialog to the panel counting every row and drawing the first ones.
    await runCommand(page, 'OFTP2: Open Trace…');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 15_000 });
    await page.waitForFunction(() => document.querySelector('.quick-input-widget input')?.value.length > 0, undefined, { timeout: 15_000 });
    await page.waitForTimeout(500);
    await input.fill(join(workspace, name));
    await page.waitForTimeout(300);
    const started = Date.now();
    await page.keyboard.press('Enter');
    await trace.waitForFunction((t) => document.querySelector('.count')?.textContent === t && !!document.querySelector('.rows .row:not(.loading)'), rowsText, { polling: 'raf', timeout: 120_000 });
    figures.open.push(Date.now() - started);
    await page.waitForTimeout(500);
    // Filters: in the panel's page, from the change (as the control fires it) to the new count and the first
    // filtered rows drawn; then back to no filter, timed the same way. Text fields wait 60 ms for typing to
    // pause before they filter (the webview's debounce), and that is included.
    for (const [label, kind, value] of [
      ['errors only', 'errors', true],
      ['command SFID,EFID', 'Command', 'SFID,EFID'],
      ['one session', 'Session', 'S777'],
      ['virtual file substring', 'Virtual file', 'partner7.'],
      ['free text in field values', 'Filter', 'O0013PARTNER42'],
    ]) {
      for (const [phase, v] of [[label, value], [`${label}: cleared`, kind === 'errors' ? false : '']]) {
        const ms = await trace.evaluate(async ({ kind: k, v: val }) => {
          const count = document.querySelector('.count');
          const before = count.textContent;
          const t0 = performance.now();
          if (k === 'errors') {
            const box = document.querySelector('vscode-checkbox');
            box.checked = val;
            box.dispatchEvent(new Event('change'));
          } else {
            const field = [...document.querySelectorAll('vscode-textfield')].find((f) => f.placeholder?.startsWith(k));
            field.value = val;
            field.dispatchEvent(new Event('input'));
          }
          return await new Promise((resolve, reject) => {
            const give = setTimeout(() => reject(new Error(`no new rows after 30 s (${before})`)), 30_000);
            const check = () => {
              const first = document.querySelector('.rows .row');
              if (count.textContent !== before && first && !first.classList.contains('loading')) {
                clearTimeout(give);
                resolve(performance.now() - t0);
              } else requestAnimationFrame(check);
            };
            requestAnimationFrame(check);
          });
        }, { kind, v });
        (figures.filters[phase] ??= []).push(ms);
        await page.waitForTimeout(200);
      }
    }
    // Jump to the middle of 100,000 rows: until the rows there are drawn (fetched page by page from the host).
    figures.jump.push(await trace.evaluate(async () => {
      const viewport = document.querySelector('.viewport');
      const t0 = performance.now();
      viewport.scrollTop = viewport.scrollHeight / 2 + Math.random() * 1000;
      return await new Promise((resolve) => {
        const check = () => {
          const rows = [...document.querySelectorAll('.rows .row')];
          if (rows.length && rows.every((r) => !r.classList.contains('loading'))) resolve(performance.now() - t0);
          else requestAnimationFrame(check);
        };
        requestAnimationFrame(check);
      });
    }));
  }
} finally {
  await wb.close();
}
writeResults('trace-panel', machine, {
  rows: ROWS,
  openMs: summary(figures.open),
  openRowsPerSecond: Math.round(ROWS / (median(figures.open) / 1000)),
  filterMs: Object.fromEntries(Object.entries(figures.filters).map(([k, v]) => [k, summary(v)])),
  jumpToMiddleMs: summary(figures.jump),
});
