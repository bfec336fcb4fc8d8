// What a user gets from the shipped artefacts, in the real VS Code of the harness, part of `npm test` (each
// step counts as a test): `npm start`'s VS Code in the browser shows the sample process in the visual editor;
// the VSIX `npm run package` builds installs into code-server with `--install-extension` and, with no
// extension loaded from the repository, opens an example in the visual editor and runs a command; VS Code's
// own figure for the extension's activation time is read from Developer: Show Running Extensions.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openWorkbench, runCommand, waitForExtension } from './drive.mjs';
import { CACHE, MissingTool, ROOT } from './install.mjs';

const results = [];
const t0 = Date.now();
const log = (m) => console.log(`[ui-ship ${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}`);

async function step(title, fn) {
  const started = Date.now();
  try {
    await fn();
    results.push({ title, ok: true });
    log(`✔ ${title} (${Date.now() - started} ms)`);
  } catch (e) {
    results.push({ title, ok: false, error: String(e?.stack ?? e) });
    log(`✗ ${title}: ${e?.stack ?? e}`);
  }
}

function run(cmd, args, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => resolve({ code, out }));
  });
}

/** VS Code's activation time of our extension, as Developer: Show Running Extensions shows it (ms). */
async function activationTimeMs(page) {
  await runCommand(page, 'Developer: Show Running Extensions');
  const row = page.locator('.runtime-extensions-editor .monaco-list-row', { hasText: 'OFTP2 Studio' }).first();
  await row.waitFor({ timeout: 30_000 });
  const text = await row.innerText();
  const m = /(\d+)\s*ms/.exec(text);
  assert.ok(m, `an activation time in "${text.replace(/\s+/g, ' ')}"`);
  return { ms: Number(m[1]), text: text.replace(/\s+/g, ' ') };
}

export async function runShipTests() {
  const ci = !!process.env.CI && process.env.CI !== 'false';
  if (process.env.OFTP2_SKIP_VSCODE === '1' && !ci) return { passed: 0, failed: 0, skipped: 0, skippedReason: 'OFTP2_SKIP_VSCODE=1' };
  const figures = {};
  await step('npm start: VS Code in the browser at the printed address shows the sample process in the visual editor', async () => {
    const r = await run(process.execPath, [join(ROOT, 'scripts', 'start.mjs'), '--check'], { OFTP2_START_WEB: '1' });
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /the visual editor shows the sample \(forecasts-and-invoices\.oftp2\.json/);
  });

  const vsix = join(ROOT, 'oftp2-studio.vsix');
  await step('npm run package builds a VSIX under 3 MB', async () => {
    rmSync(vsix, { force: true });
    const r = await run('npm', ['run', 'package']);
    assert.equal(r.code, 0, r.out);
    const size = statSync(vsix).size;
    log(`VSIX ${(size / 1024).toFixed(0)} KB`);
    assert.ok(size < 3 * 1024 * 1024, `${size} octets`);
  });

  let wb;
  if (existsSync(vsix)) {
    try {
      wb = await openWorkbench({ log, vsix, runDir: join(CACHE, 'ship-run') });
    } catch (e) {
      if (e instanceof MissingTool && !ci) return { passed: 0, failed: 0, skipped: 0, skippedReason: e.message };
      results.push({ title: 'the VSIX installs into code-server', ok: false, error: String(e?.stack ?? e) });
    }
  }
  if (wb) {
    const { page } = wb;
    try {
      await step('installed from the VSIX (no extension folder): an example opens in the visual editor', async () => {
        await waitForExtension(page);
        await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'forecasts-and-invoices.oftp2.json' }).first().click();
        const deadline = Date.now() + 60_000;
        let nodes = 0;
        while (!nodes && Date.now() < deadline) {
          for (const f of page.frames()) if (f.url().includes('/pre/fake.html')) nodes = Math.max(nodes, await f.evaluate(() => document.querySelectorAll('.react-flow__node').length).catch(() => 0));
          if (!nodes) await page.waitForTimeout(250);
        }
        assert.equal(nodes, 12, 'the 12 steps of the example on the canvas');
        // Not the development copy: the extension runs from code-server's extensions folder.
        assert.ok(existsSync(join(CACHE, 'ship-run', 'extensions')), 'extensions folder');
      });
      await step('installed from the VSIX: a command runs (Show Session Trace opens the panel)', async () => {
        await runCommand(page, 'OFTP2: Show Session Trace');
        await page.locator('.pane-header, .composite.title', { hasText: /OFTP2|Session Trace/ }).first().waitFor({ timeout: 30_000 });
      });
      await step('VS Code reports the activation time of the installed extension (Running Extensions)', async () => {
        const a = await activationTimeMs(page);
        figures.activation = a;
        log(`activation: ${a.text}`);
        mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
        writeFileSync(join(ROOT, 'bench', 'results', 'activation.json'), `${JSON.stringify({ when: new Date().toISOString(), ...a }, null, 2)}\n`);
      });
    } finally {
      await wb.close();
    }
  }
  const passed = results.filter((r) => r.ok).length;
  return { passed, failed: results.length - passed, skipped: 0, figures, failures: results.filter((r) => !r.ok).map((r) => ({ title: `Ship: ${r.title}`, error: r.error })) };
}

if (process.argv[1] && process.argv[1].endsWith('ui-ship.mjs')) {
  const r = await runShipTests();
  for (const f of r.failures ?? []) console.log(`  ✖ ${f.title}\n    ${f.error.split('\n').slice(0, 8).join('\n    ')}`);
  console.log(r.skippedReason ? `Ship: SKIPPED (${r.skippedReason})` : `Ship: ${r.passed} passed, ${r.failed} failed`);
  process.exit(r.failed ? 1 : 0);
}
