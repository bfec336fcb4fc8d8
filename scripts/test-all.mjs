// The test run of `npm test` (after the build and `tsc -p .`): the unit and end-to-end tests under
// out/test with node --test, then the extension suite inside a real VS Code (test/vscode/run.mjs), and one
// last line CI reads, "N passed, N failed", for both together. Exits 1 on any failure.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { printVscodeResult, runVscodeSuite } from '../test/vscode/run.mjs';
import { runUiTests } from '../test/vscode/ui-editor.mjs';
import { runUiTraceTests } from '../test/vscode/ui-trace.mjs';
import { runShipTests } from '../test/vscode/ui-ship.mjs';

const ROOT = join(fileURLToPath(import.meta.url), '..', '..');
const OUT_TEST = join(ROOT, 'out', 'test');
// out/test/vscode needs the `vscode` module, which only an extension host has; the harness runs it.
const VSCODE_SUITE = join(OUT_TEST, 'vscode');

/** What `node --test out/test/` would run (every script below it), minus the VS Code suite. */
function nodeTestFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return p === VSCODE_SUITE || e.name === 'node_modules' ? [] : nodeTestFiles(p);
    return /\.[cm]?js$/.test(e.name) ? [p] : [];
  });
}

/** node --test with the spec reporter, passed through as it runs; counts from its closing `ℹ pass N` / `ℹ fail N` lines. */
function runNodeTests(files) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--test', '--test-reporter=spec', ...files.map((f) => relative(ROOT, f))], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    const counts = {};
    let rest = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      const lines = (rest + chunk.toString('utf8')).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) {
        const m = /^ℹ (tests|pass|fail|cancelled|skipped|todo) (\d+)\s*$/.exec(line);
        if (m) counts[m[1]] = Number(m[2]);
      }
    });
    child.on('close', (code) => {
      if (rest) process.stdout.write('\n');
      // Cancelled tests (a timeout, a file that crashed) did not pass: count them as failed.
      let failed = (counts.fail ?? 0) + (counts.cancelled ?? 0);
      if (code !== 0 && failed === 0) failed = 1; // node --test failed without saying which test: still a failure
      if (counts.pass === undefined) console.log(`node --test printed no summary (exit code ${code})`);
      resolve({ passed: counts.pass ?? 0, failed, skipped: (counts.skipped ?? 0) + (counts.todo ?? 0), code });
    });
  });
}

if (!existsSync(OUT_TEST)) {
  console.error('out/test is missing: run `tsc -p .` first (npm test does)');
  process.exit(1);
}
const unit = await runNodeTests(nodeTestFiles(OUT_TEST));
console.log(`\nunit/e2e (node --test): ${unit.passed} passed, ${unit.failed} failed\n`);
const vscode = await runVscodeSuite();
printVscodeResult(vscode);
// The visual editor and a debug run driven through the workbench's UI, as a user does
// (test/vscode/ui-editor.mjs, test/vscode/ui-trace.mjs); each step counts as a test.
const uiRuns = [];
// Last: the shipped artefacts (npm start, the VSIX, which `npm run package` rebuilds dist/ for).
for (const [name, run] of [['UI tests, visual editor (real VS Code)', runUiTests], ['UI tests, debug run and trace panel (real VS Code)', runUiTraceTests], ['Ship: npm start, VSIX install, activation (real VS Code)', runShipTests]]) {
  const r = await run();
  if (r.skippedReason) console.log(`${name}: SKIPPED (${r.skippedReason})`);
  else {
    for (const f of r.failures ?? []) console.log(`  ✖ ${f.title}\n    ${f.error.split('\n').slice(0, 6).join('\n    ')}`);
    console.log(`${name}: ${r.passed} passed, ${r.failed} failed`);
  }
  uiRuns.push(r);
}
const passed = unit.passed + vscode.passed + uiRuns.reduce((n, r) => n + r.passed, 0);
const failed = unit.failed + vscode.failed + uiRuns.reduce((n, r) => n + r.failed, 0);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
