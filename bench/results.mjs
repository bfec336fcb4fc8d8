// What the real-VS-Code benchmarks (bench/editor.mjs, bench/trace-panel.mjs) share: the summary of a series
// of timings, the machine line, and writing the figures to stdout and bench/results/NAME.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../test/vscode/install.mjs';

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
export const summary = (xs) => ({ median: Math.round(median(xs)), min: Math.round(Math.min(...xs)), max: Math.round(Math.max(...xs)), runs: xs.map(Math.round) });

/** Call at the start: the machine and its load average then (this 2-core machine's figures depend on it). */
export function machineAtStart() {
  const load = loadavg()[0];
  return `${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, load average ${load.toFixed(2)} at the start`;
}

/** Writes the figures, after when they were taken and `machine` (machineAtStart), to stdout and the results file. */
export function writeResults(name, machine, figures) {
  const result = { when: new Date().toISOString(), machine, ...figures };
  console.log(JSON.stringify(result, null, 2));
  mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(join(ROOT, 'bench', 'results', `${name}.json`), `${JSON.stringify(result, null, 2)}\n`);
}
