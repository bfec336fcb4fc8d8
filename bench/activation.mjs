// Activation time of the extension as VS Code itself reports it, in the real VS Code of the harness
// (code-server + Chromium): a copy of examples/ is opened (the extension activates at window start through
// `workspaceContains:**/*.oftp2.json`), then for each of N window loads
//   - Developer: Show Running Extensions, our row: "Startup Activation: N ms" (load code + call activate), and
//   - Developer: Startup Performance, our row of "Extension Activation Stats": Load Code, Call Activate,
//     Finish Activate (the extension host's own ExtensionActivationTimes),
// then Developer: Reload Window for the next load (a new extension host each time).
//
//   node bench/activation.mjs [--runs N] [--vsix] [--extension DIR]
//
// --vsix measures the packaged extension (npm run package, installed with --install-extension), as users get
// it; --extension DIR loads another build of the extension from DIR (e.g. a worktree of an older commit, built)
// to compare. Figures in bench/README.md ("Activation").
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CACHE, ROOT, ensureTools } from '../test/vscode/install.mjs';
import { claimRunDir, launchBrowser, onInterrupt, startCodeServer } from '../test/vscode/code-server.mjs';
import { runCommand, waitForExtension } from '../test/vscode/drive.mjs';
import { runningExtensionsActivation, startupPerformanceActivation } from '../test/vscode/activation.mjs';
import { packageVsix } from '../test/vscode/vsix.mjs';

const args = process.argv.slice(2);
const value = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const runs = Number(value('--runs', '5'));
const vsixMode = args.includes('--vsix');
const extensionPath = resolve(value('--extension', ROOT));
const t0 = Date.now();
const log = (m) => console.log(`[activation ${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}`);

if (!vsixMode && !existsSync(join(extensionPath, 'dist', 'extension.js'))) {
  console.error(`${extensionPath}/dist/extension.js is missing: build it first (npm run build)`);
  process.exit(1);
}
ensureTools(log);
const vsix = vsixMode ? packageVsix({ log }).path : undefined;
const claim = claimRunDir(join(CACHE, 'bench-activation'));
const workspace = join(claim.dir, 'workspace');
cpSync(join(ROOT, 'examples'), workspace, { recursive: true, filter: (src) => !/[\\/]examples[\\/](received|inbox)([\\/]|$)/.test(src) });
const server = await startCodeServer({ runDir: claim.dir, log, ...(vsix ? { vsix } : {}) });
let browser;
const stop = async () => {
  await browser?.close();
  await server.stop();
  claim.release();
};
const offInterrupt = onInterrupt(stop, log);

const rows = [];
try {
  browser = await launchBrowser({ runDir: claim.dir });
  const { page } = browser;
  const url = server.workbenchUrl({ folder: workspace, ...(vsix ? { extensionPath: null } : { extensionPath }) });
  await page.goto(url, { waitUntil: 'commit', timeout: 180_000 });
  for (let run = 1; run <= runs; run++) {
    await page.locator('.monaco-workbench').waitFor({ timeout: 180_000 });
    await waitForExtension(page);
    // Running Extensions first: it waits until the extension host has reported our activation.
    const running = await runningExtensionsActivation(page);
    const perf = await startupPerformanceActivation(page);
    rows.push({ run, ...perf, running: running.ms });
    log(`run ${run}: Running Extensions "${running.text}"; Startup Performance: load code ${perf.loadCode} ms, call activate ${perf.callActivate} ms, finish activate ${perf.finishActivate} ms (${perf.event}, eager ${perf.eager})`);
    if (run < runs) {
      await runCommand(page, 'Developer: Reload Window');
      await page.waitForLoadState('domcontentloaded', { timeout: 180_000 });
      await page.waitForTimeout(2000);
    }
  }
} finally {
  await stop();
  offInterrupt();
  // npm run package left the minified build in dist/: back to the development one `npm run build` makes.
  if (vsix) spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, stdio: 'ignore' });
}
const fmt = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return `median ${s[Math.floor((s.length - 1) / 2)]} ms, min ${s[0]} ms, max ${s[s.length - 1]} ms`;
};
console.log(`\n${vsix ? 'VSIX (production build, installed)' : `extension folder ${extensionPath}`}, ${rows.length} window loads:`);
console.log(`  Running Extensions (load code + call activate): ${rows.map((r) => r.running).join(', ')} ms; ${fmt(rows.map((r) => r.running))}`);
console.log(`  load code: ${rows.map((r) => r.loadCode).join(', ')} ms; ${fmt(rows.map((r) => r.loadCode))}`);
console.log(`  call activate: ${rows.map((r) => r.callActivate).join(', ')} ms; ${fmt(rows.map((r) => r.callActivate))}`);
console.log(`  finish activate: ${rows.map((r) => r.finishActivate).join(', ')} ms`);
