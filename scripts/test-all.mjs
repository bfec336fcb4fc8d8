// The test run of `npm test` (after the build and `tsc -p .`): the unit and end-to-end tests under
// out/test with node --test, then the extension suite inside a real VS Code (test/vscode/run.mjs), and one
// last line CI reads, "N passed, N failed", for both together. Exits 1 on any failure.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { printVscodeResult, runVscodeSuite } from '../test/vscode/run.mjs';
import { runUiTests } from '../test/vscode/ui-editor.mjs';

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
// The visual editor driven through the workbench's UI, as a user does (test/vscode/ui-editor.mjs).
const ui = await runUiTests();
if (ui.skippedReason) console.log(`UI tests (real VS Code): SKIPPED (${ui.skippedReason})`);
else {
  for (const f of ui.failures ?? []) console.log(`  ✖ ${f.title}\n    ${f.error.split('\n').slice(0, 6).join('\n    ')}`);
  console.log(`UI tests (real VS Code): ${ui.passed} passed, ${ui.failed} failed`);
}
const passed = unit.passed + vscode.passed + ui.passed;
const failed = unit.failed + vscode.failed + ui.failed;
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
