// A debug run driven through the workbench's UI, in the real VS Code of the harness (code-server + Chromium),
// part of `npm test` (scripts/test-all.mjs; each step counts as a test): Debug Process on an example, the
// status bar says where the server listens, the real CLI client sends a file from outside, the Session Trace
// panel lists every command of the session and shows a selected row's decoded fields, the canvas counts the
// documents per step, a wrong password's ESID 04 row is explained, a breakpoint set on the canvas pauses a
// document (Variables and call stack; screenshot), the trace is exported to a .oftptrace file and opened back
// into the panel, and stopping the debug session frees the port. Screenshots go to test/vscode/screenshots/.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { openWorkbench, runCommand, screenshot, waitForExtension } from './drive.mjs';
import { MissingTool, ROOT } from './install.mjs';

const SHOTS = join(ROOT, 'test', 'vscode', 'screenshots');
const results = [];
const t0 = Date.now();
const log = (m) => console.log(`[ui-trace ${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}`);

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

/** The real command-line client, as a partner outside VS Code. */
function cli(args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'dist', 'cli.js'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => resolve({ code, out }));
  });
}

/** A webview's Playwright frame (iframe.webview > fake.html) whose document has `selector`. */
export async function frameWith(page, selector, timeout = 60_000) {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    for (const f of page.frames()) {
      if (!f.url().includes('/pre/fake.html')) continue;
      if (await f.evaluate((sel) => !!document.querySelector(sel), selector).catch(() => false)) return f;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no webview showing ${selector} after ${timeout / 1000} s`);
}

async function soon(check, timeout = 20_000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    try {
      return await check();
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

const portFree = (port) =>
  new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(false)));
    s.once('error', () => resolve(true));
  });

/** Types a path into VS Code's own file dialog (the quick-input one code-server uses) and accepts it. */
async function answerFileDialog(page, path) {
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 15_000 });
  // The dialog fills in its folder once it has read it: type after that, or it overwrites what was typed.
  await page.waitForFunction(() => document.querySelector('.quick-input-widget input')?.value.length > 0, undefined, { timeout: 15_000 });
  await page.waitForTimeout(500);
  await input.fill(path);
  await page.waitForFunction((p) => document.querySelector('.quick-input-widget input')?.value === p, path, { timeout: 5000 });
  await page.waitForTimeout(300);
  await page.keyboard.press('Enter');
  await page.waitForTimeout(500);
  // An "overwrite?" or "create?" question, if any, is answered yes.
  if (await input.isVisible().catch(() => false)) await page.keyboard.press('Enter');
}

export async function runUiTraceTests() {
  const ci = !!process.env.CI && process.env.CI !== 'false';
  if (process.env.OFTP2_SKIP_VSCODE === '1' && !ci) return { passed: 0, failed: 0, skipped: 0, skippedReason: 'OFTP2_SKIP_VSCODE=1' };
  // The example processes' secrets, resolved from the environment (code-server's extension host inherits it).
  Object.assign(process.env, { OFTP2_SECRET_SUPPLIER_PASSWORD: 'SUPPW', OFTP2_SECRET_OEM_AUTO_PASSWORD: 'AUTOPW', OFTP2_SECRET_OEM_TRUCKS_PASSWORD: 'TRUCKPW', OFTP2_SECRET_OEM_TRUCKS_ENGINEERING_PASSWORD: 'ENGPW' });
  let wb;
  try {
    wb = await openWorkbench({ log, prepare: (workspace) => {
      // Port 0: the server takes a free port and the status bar says which.
      mkdirSync(join(workspace, '.vscode'), { recursive: true });
      writeFileSync(join(workspace, '.vscode', 'settings.json'), JSON.stringify({ 'oftp2.server.port': 0 }, null, 2));
    } });
  } catch (e) {
    if (e instanceof MissingTool && !ci) return { passed: 0, failed: 0, skipped: 0, skippedReason: e.message };
    return { passed: 0, failed: 1, skipped: 0, failures: [{ title: 'UI trace: open the workbench', error: String(e?.stack ?? e) }] };
  }
  const { page, workspace } = wb;
  const files = join(workspace, 'files');
  let port = 0;
  let editor;
  let trace;
  const send = (file, local, dsn, extra = []) => cli(['send', join(files, file), '--to', `127.0.0.1:${port}`, '--local', local, '--partner', 'O0013SUPPLIER:SUPPW', '--dsn', dsn, '--wait-eerp', '60', ...extra]);
  const traceCommands = () => trace.locator('.rows .row .cell.command').allInnerTexts();
  const commandFilter = () => trace.locator('input[placeholder^="Command"]');
  const rowCount = async () => Number(/([\d,]+)(?: of [\d,]+)? rows/.exec(await trace.locator('.count').innerText())[1].replace(/,/g, ''));
  /** The row count once no more rows arrive for a second (sessions end with a few events after the EERP). */
  const settledCount = async () => {
    let last = -1;
    for (;;) {
      const n = await rowCount();
      if (n === last) return n;
      last = n;
      await page.waitForTimeout(1000);
    }
  };
  try {
    await step('Debug Process on an example: the status bar says where the embedded server listens', async () => {
      await waitForExtension(page);
      await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'forecasts-and-invoices.oftp2.json' }).first().click();
      editor = await frameWith(page, '.react-flow');
      await runCommand(page, 'OFTP2: Debug Process');
      const status = page.locator('.statusbar-item', { hasText: /OFTP2 listening on 127\.0\.0\.1:\d+/ }).first();
      await status.waitFor({ timeout: 60_000 });
      port = Number(/127\.0\.0\.1:(\d+)/.exec(await status.innerText())[1]);
      assert.ok(port > 0);
      assert.equal(await portFree(port), false, 'something listens there');
    });

    await step('a file sent by the CLI from outside: the trace panel lists every command of the session', async () => {
      const r = await send('DELFOR_OEMAUTO.edi', 'O0013OEMAUTO:AUTOPW', 'DELFOR.UI.1');
      assert.equal(r.code, 0, r.out);
      assert.match(r.out, /EERP received/);
      await runCommand(page, 'OFTP2: Show Session Trace');
      trace = await frameWith(page, '.viewport[role="grid"]');
      // The list draws only the rows in view: the command filter shows each command's rows (and tests it).
      await settledCount();
      for (const c of ['SSRM', 'SSID', 'SFID', 'SFPA', 'DATA', 'EFID', 'EFPA', 'CD', 'EERP', 'ESID']) {
        await commandFilter().fill(c);
        await soon(async () => {
          const seen = await traceCommands();
          assert.ok(seen.length > 0 && seen.every((x) => x === c), `only ${c} rows after filtering (saw ${seen.join(' ')})`);
        });
      }
      await commandFilter().fill('');
    });

    await step('selecting the SFID row shows its decoded fields and the hex of the command', async () => {
      await commandFilter().fill('SFID');
      await trace.locator('.rows .row', { has: trace.locator('.cell.command', { hasText: /^SFID$/ }) }).first().click();
      const details = trace.locator('.fields');
      await details.waitFor({ timeout: 15_000 });
      const text = await details.innerText();
      assert.match(text, /DELFOR\.UI\.1/);
      assert.match(text, /O0013OEMAUTO/);
      assert.ok(await trace.locator('.hex .hex-line').count() > 0, 'hex view');
      await trace.locator('.fields .field', { hasText: 'DELFOR.UI.1' }).first().click();
      assert.ok(await trace.locator('.hex .on, .hex .mark, .hex .selected, .hex [class*="hl"]').count() > 0, 'the selected field is marked in the hex view');
      await commandFilter().fill('');
      await page.waitForTimeout(500);
      await screenshot(page, 'trace-panel', { dir: SHOTS });
    });

    await step('the canvas counts the documents that passed each step', async () => {
      await soon(async () => {
        const badge = editor.locator('.react-flow__node[data-id="store-forecast"] .badge.count');
        assert.equal(await badge.innerText(), '1');
      });
      assert.equal(await editor.locator('.react-flow__node[data-id="store-invoice"] .badge.count').count(), 0, 'no invoice went through');
    });

    await step('clicking a step lists the documents that passed it, with their properties', async () => {
      await editor.locator('.react-flow__node[data-id="store-forecast"]').click({ force: true });
      const list = editor.locator('.run-documents');
      await list.waitFor({ timeout: 15_000 });
      assert.match(await list.locator('h3').innerText(), /Documents in this run \(1\)/);
      const entry = list.locator('.run-document', { hasText: 'DELFOR.UI.1' });
      await entry.locator('summary').click();
      const text = await entry.innerText();
      assert.match(text, /passed/);
      assert.match(text, /virtualFileName\s+DELFOR\.UI\.1/);
      assert.match(text, /O0013OEMAUTO/);
      assert.doesNotMatch(text, /AUTOPW/, 'no password among the properties');
    });

    await step('a wrong password: the ESID row says 04 and explains it', async () => {
      const r = await send('DELFOR_OEMAUTO.edi', 'O0013OEMAUTO:WRONGPW', 'DELFOR.UI.BAD');
      assert.notEqual(r.code, 0);
      await commandFilter().fill('ESID');
      await soon(async () => {
        const rows = await trace.locator('.rows .row').allInnerTexts();
        assert.ok(rows.some((t) => /04/.test(t) && /password/i.test(t)), `an ESID 04 row about the password: ${rows.join(' | ')}`);
      });
      // Its details say it in words.
      await trace.locator('.rows .row', { hasText: /password/i }).last().click();
      await soon(async () => assert.match(await trace.locator('.reason').first().innerText(), /password/i));
      await commandFilter().fill('');
    });

    await step('a breakpoint set on the canvas pauses a document there; continue finishes it and the EERP arrives', async () => {
      await editor.locator('.react-flow__node[data-id="store-forecast"]').click({ force: true });
      await page.keyboard.press('F9');
      await editor.locator('.react-flow__node[data-id="store-forecast"] .badge.breakpoint').waitFor({ timeout: 15_000 });
      const sending = send('DELFOR_OEMAUTO.edi', 'O0013OEMAUTO:AUTOPW', 'DELFOR.UI.2');
      await editor.locator('.react-flow__node.react-flow__node[data-id="store-forecast"] .step-node.paused').waitFor({ timeout: 60_000 });
      // The Run and Debug view: the session's thread is paused, Variables show the virtual file name.
      await runCommand(page, 'View: Show Run and Debug');
      await page.locator('.debug-view-content .monaco-list-row, .debug-pane .monaco-list-row', { hasText: 'DELFOR.UI.2' }).first().waitFor({ timeout: 30_000 });
      await screenshot(page, 'debug-session', { dir: SHOTS });
      await runCommand(page, 'Debug: Continue');
      const r = await sending;
      assert.equal(r.code, 0, r.out);
      assert.match(r.out, /EERP received/);
      await editor.locator('.react-flow__node[data-id="store-forecast"]').click({ force: true });
      await page.keyboard.press('F9');
    });

    await step('the trace exported to a .oftptrace file opens back into the panel with the same rows', async () => {
      const before = await settledCount();
      assert.ok(before > 20, `${before} rows`);
      const file = join(workspace, 'ui-session.oftptrace');
      await runCommand(page, 'OFTP2: Export Trace…');
      await answerFileDialog(page, file);
      await soon(() => assert.ok(existsSync(file) && readFileSync(file, 'utf8').includes('SFID'), 'the file is written'));
      assert.ok(!readFileSync(file, 'utf8').includes('AUTOPW'), 'no password in the exported trace');
      await runCommand(page, 'OFTP2: Clear Trace');
      await soon(async () => assert.match(await trace.locator('.count').innerText(), /^0 rows/));
      await runCommand(page, 'OFTP2: Open Trace…');
      await answerFileDialog(page, file);
      await soon(async () => assert.equal(await rowCount(), before));
    });

    await step('stopping the debug session frees the port', async () => {
      await runCommand(page, 'Debug: Stop');
      await soon(async () => assert.equal(await portFree(port), true, `port ${port} is free`), 30_000);
    });
  } finally {
    await wb.close();
  }
  const passed = results.filter((r) => r.ok).length;
  return { passed, failed: results.length - passed, skipped: 0, failures: results.filter((r) => !r.ok).map((r) => ({ title: `UI trace: ${r.title}`, error: r.error })) };
}

if (process.argv[1] && process.argv[1].endsWith('ui-trace.mjs')) {
  const r = await runUiTraceTests();
  for (const f of r.failures ?? []) console.log(`  ✖ ${f.title}\n    ${f.error.split('\n').slice(0, 8).join('\n    ')}`);
  console.log(r.skippedReason ? `UI trace: SKIPPED (${r.skippedReason})` : `UI trace: ${r.passed} passed, ${r.failed} failed`);
  process.exit(r.failed ? 1 : 0);
}
