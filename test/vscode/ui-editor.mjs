// The visual editor driven as a user drives it, in the real VS Code of the harness (code-server + Chromium),
// part of `npm test` (scripts/test-all.mjs; each step counts as a test): a click in the Explorer opens an
// example in the visual editor; add a Decision from the palette, connect it, set a field in the form, save;
// the file on disk differs only by that change; undo restores it byte for byte; typing in the text editor
// beside updates the canvas; an unparseable file shows its message and stays untouched; a validation error
// is in the Problems panel and its code selects the step. Screenshots in light and dark go to
// test/vscode/screenshots/. Timings are in bench/editor.mjs, not here.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openWorkbench, quickOpen, runCommand, screenshot, setColorTheme, waitForExtension } from './drive.mjs';
import { MissingTool, ROOT } from './install.mjs';


const SHOTS = join(ROOT, 'test', 'vscode', 'screenshots');
const results = [];
const t0 = Date.now();
const log = (m) => console.log(`[ui ${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}`);

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

/** Lines of `after` that are not in `before` and the other way round (a plain multiset diff). */
function changedLines(before, after) {
  const count = (lines) => lines.reduce((m, l) => m.set(l, (m.get(l) ?? 0) + 1), new Map());
  const a = count(before.split('\n'));
  const b = count(after.split('\n'));
  const added = [...b].flatMap(([l, n]) => Array(Math.max(0, n - (a.get(l) ?? 0))).fill(l));
  const removed = [...a].flatMap(([l, n]) => Array(Math.max(0, n - (b.get(l) ?? 0))).fill(l));
  return { added, removed };
}

/** The editor webview's Playwright frame (iframe.webview > fake.html) that shows `.react-flow`, or a `.invalid` message. */
async function editorFrame(page, { timeout = 60_000, selector = '.react-flow' } = {}) {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    for (const f of page.frames()) {
      if (!f.url().includes('/pre/fake.html')) continue;
      if (await f.evaluate((sel) => !!document.querySelector(sel), selector).catch(() => false)) return f;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no visual editor webview showing ${selector} after ${timeout / 1000} s`);
}

/**
 * Runs the UI steps; resolves with counts (each step one test), never throws: a failure to even start the
 * workbench counts as one failed test. `skipped` with a reason as runVscodeSuite does.
 */
export async function runUiTests() {
  const ci = !!process.env.CI && process.env.CI !== 'false';
  if (process.env.OFTP2_SKIP_VSCODE === '1' && !ci) return { passed: 0, failed: 0, skipped: 0, skippedReason: 'OFTP2_SKIP_VSCODE=1' };
  let wb;
  try {
    wb = await openWorkbench({ log });
  } catch (e) {
    if (e instanceof MissingTool && !ci) return { passed: 0, failed: 0, skipped: 0, skippedReason: e.message };
    return { passed: 0, failed: 1, skipped: 0, failures: [{ title: 'UI: open the workbench', error: String(e?.stack ?? e) }] };
  }
  const { page, workspace } = wb;
  const file = join(workspace, 'forecasts-and-invoices.oftp2.json');
  const original = readFileSync(file, 'utf8');
  const originalIds = new Set(['start', ...JSON.parse(original).steps.map((s) => s.id)]);
  let frame;
  const explorerRow = (name) => page.locator('.explorer-folders-view .monaco-list-row', { hasText: name }).first();
  const save = async () => {
    const before = readFileSync(file, 'utf8');
    await runCommand(page, 'File: Save');
    // Saved when the tab is no longer dirty; the file then holds the document.
    await page.locator('.tab.active.dirty').waitFor({ state: 'detached', timeout: 15_000 }).catch(() => undefined);
    return before;
  };
  const node = (id) => frame.locator(`.react-flow__node[data-id="${id}"]`);
  /** Opens a workspace file in its default editor: a click on its Explorer row (new files show there first), else Quick Open. */
  const openFile = async (name) => {
    const row = explorerRow(name);
    if (await row.waitFor({ timeout: 20_000 }).then(() => true, () => false)) await row.click();
    else {
      for (let i = 0; ; i++) {
        try {
          await quickOpen(page, name);
          break;
        } catch (e) {
          await page.keyboard.press('Escape');
          if (i >= 3) throw e;
        }
      }
    }
    await page.locator('.tab.active', { hasText: name }).waitFor({ timeout: 30_000 });
  };
  try {
    await step('the extension is ready: its commands are in the palette', async () => {
      await waitForExtension(page);
    });

    await step('a single click on a process file in the Explorer opens the visual editor with one node per step', async () => {
      await explorerRow('forecasts-and-invoices.oftp2.json').click();
      await page.locator('.tab.active', { hasText: 'forecasts-and-invoices.oftp2.json' }).waitFor({ timeout: 30_000 });
      frame = await editorFrame(page);
      assert.equal(await page.locator('.editor-group-container.active .monaco-editor').count(), 0, 'no text editor: the click opened the visual editor');
      await frame.waitForFunction((n) => document.querySelectorAll('.react-flow__node').length === n, originalIds.size, { timeout: 30_000 });
      for (const id of originalIds) assert.equal(await node(id).count(), 1, `node ${id}`);
    });

    await step('screenshots of the editor in a light and a dark theme', async () => {
      await setColorTheme(page, 'light');
      await frame.waitForFunction(() => document.body.classList.contains('vscode-light'), undefined, { timeout: 15_000 });
      await page.waitForTimeout(500);
      await screenshot(page, 'visual-editor-light', { dir: SHOTS });
      await setColorTheme(page, 'dark');
      await frame.waitForFunction(() => document.body.classList.contains('vscode-dark'), undefined, { timeout: 15_000 });
      await page.waitForTimeout(500);
      await screenshot(page, 'visual-editor-dark', { dir: SHOTS });
    });

    await step('add a Decision from the palette, connect it, set its value in the form, save: the file holds exactly that change', async () => {
      // Select the Quarantine step: a step added from the palette is connected from the selected step's free output.
      await node('quarantine').click({ force: true });
      await frame.locator('.palette-item', { hasText: 'Decision' }).click();
      let decisionId;
      await expectSoon(async () => {
        const ids = await frame.locator('.react-flow__node').evaluateAll((els) => els.map((e) => e.dataset.id));
        decisionId = ids.find((id) => !originalIds.has(id));
        assert.ok(decisionId, 'a new node on the canvas');
      });
      assert.match(decisionId, /^decision/);
      // Connect it as a user does: drag its "true" output onto the Done step's input.
      await node(decisionId).locator('.react-flow__handle[data-handleid="true"]').dragTo(node('done').locator('.react-flow__handle.target'), { force: true });
      const edges = JSON.parse(original).connections.length;
      await expectSoon(async () => assert.equal(await frame.locator('.react-flow__edge').count(), edges + 1, 'the new connection is drawn'));
      await node(decisionId).click({ force: true });
      const value = frame.locator('.properties-pane vscode-textfield[aria-label="Value"] input');
      await value.waitFor({ timeout: 15_000 });
      await value.fill('O0013OEMAUTO');
      await value.press('Enter');
      await expectSoon(async () => assert.equal(await value.inputValue(), 'O0013OEMAUTO'));
      await frame.locator('.react-flow__pane').click({ position: { x: 5, y: 5 }, force: true });
      await page.waitForTimeout(500);
      await save();
      const after = readFileSync(file, 'utf8');
      const parsed = JSON.parse(after);
      const decision = parsed.steps.find((s) => s.id === decisionId);
      assert.ok(decision, 'the decision step is in the file');
      assert.equal(decision.type, 'decision');
      assert.equal(decision.condition?.value, 'O0013OEMAUTO');
      assert.ok(decision.position, 'placed on the canvas');
      const newConnections = parsed.connections.filter((c) => c.from === decisionId || c.to === decisionId);
      assert.deepEqual(newConnections.map((c) => `${c.from}.${c.output}->${c.to}`), [`${decisionId}.true->done`], 'connected by the drag, and nothing else');
      // Exactly that change: without the new step and its connections, the file is the original, and the
      // text only gained lines (a comma added to the line before an insertion is the one change allowed).
      const stripped = { ...parsed, steps: parsed.steps.filter((s) => s.id !== decisionId), connections: parsed.connections.filter((c) => c.from !== decisionId && c.to !== decisionId) };
      assert.deepEqual(stripped, JSON.parse(original));
      const { added: addedLines, removed } = changedLines(original, after);
      for (const r of removed) assert.ok(addedLines.includes(`${r},`), `a line changed other than by a comma: ${JSON.stringify(r)}`);
      assert.ok(addedLines.length <= 30, `${addedLines.length} lines added`);
    });

    await step('undo restores the file byte for byte', async () => {
      await node('done').click({ force: true });
      for (let i = 0; i < 8 && readFileSync(file, 'utf8') !== original; i++) {
        await runCommand(page, 'Undo');
        await page.waitForTimeout(300);
        await save();
      }
      assert.equal(readFileSync(file, 'utf8'), original);
      await frame.waitForFunction((n) => document.querySelectorAll('.react-flow__node').length === n, originalIds.size, { timeout: 15_000 });
    });

    await step('an edit typed in the text editor beside shows on the canvas at once', async () => {
      await runCommand(page, 'OFTP2: Open as Text');
      const editor = page.locator('.editor-group-container.active .monaco-editor');
      await editor.waitFor({ timeout: 20_000 });
      assert.ok(await node('store-forecast').isVisible(), 'the canvas stays visible beside the text');
      // Go to the step's name line and type at the end of the name, as a user does.
      const line = original.split('\n').findIndex((l) => l.includes('"name": "Store forecast"')) + 1;
      await editor.click();
      await page.keyboard.press('Control+G');
      await page.keyboard.type(String(line));
      await page.keyboard.press('Enter');
      await page.keyboard.press('End');
      await page.keyboard.press('ArrowLeft');
      await page.keyboard.press('ArrowLeft');
      await page.keyboard.type(' DELFOR');
      await frame.locator('.react-flow__node[data-id="store-forecast"]', { hasText: 'Store forecast DELFOR' }).waitFor({ timeout: 10_000 });
      assert.equal(readFileSync(file, 'utf8'), original, 'not saved: only the document changed');
      // Undo in the text editor: the canvas follows back, and nothing is left to save.
      await editor.click();
      for (let i = 0; i < 10 && (await page.locator('.tab.dirty').count()) > 0; i++) {
        await page.keyboard.press('Control+Z');
        await page.waitForTimeout(300);
      }
      if (await page.locator('.tab.dirty').count()) await runCommand(page, 'File: Revert File');
      await page.locator('.tab.dirty').first().waitFor({ state: 'detached', timeout: 10_000 });
      await expectSoon(async () => assert.equal(await node('store-forecast').locator('.step-name').innerText(), 'Store forecast'), 30_000);
      await runCommand(page, 'View: Close All Editors');
      assert.equal(readFileSync(file, 'utf8'), original);
    });

    await step('a file that does not parse opens with its message and is never written', async () => {
      const broken = join(workspace, 'broken.oftp2.json');
      const text = '{\n  "schemaVersion": 1,\n  "name": "broken"\n  "start": {}\n}\n';
      writeFileSync(broken, text);
      await openFile('broken.oftp2.json');
      const f = await editorFrame(page, { selector: '.invalid' });
      // Its button is a form control, which the page loads right after showing the message (controls.tsx).
      await f.locator('.invalid vscode-button', { hasText: 'Open as Text' }).waitFor({ state: 'visible', timeout: 15_000 });
      const message = await f.locator('.invalid').innerText();
      assert.match(message, /line 4/);
      assert.match(message, /Open as Text/);
      await screenshot(page, 'visual-editor-invalid-file', { dir: SHOTS });
      await page.waitForTimeout(1000);
      assert.equal(readFileSync(broken, 'utf8'), text);
      await runCommand(page, 'View: Close All Editors');
      assert.equal(readFileSync(broken, 'utf8'), text);
    });

    await step('a validation error shows in the Problems panel; clicking its code selects the step on the canvas', async () => {
      const bad = join(workspace, 'bad-pattern.oftp2.json');
      writeFileSync(bad, original.replace('"operator": "equals", "value": "${myCompany}"', '"operator": "matches", "value": "([unclosed"'));
      await openFile('bad-pattern.oftp2.json');
      frame = await editorFrame(page);
      await runCommand(page, 'View: Focus Problems (Errors, Warnings, Infos)').catch(() => runCommand(page, 'Problems: Focus on Problems View'));
      const row = page.locator('.markers-panel .monaco-list-row', { hasText: 'is not a valid regular expression' }).first();
      await row.waitFor({ timeout: 30_000 });
      assert.match(await row.innerText(), /invalid-pattern/);
      assert.equal(await node('for-us').evaluate((e) => e.classList.contains('selected')), false);
      await row.locator('a', { hasText: 'invalid-pattern' }).first().click();
      await frame.locator('.react-flow__node.selected[data-id="for-us"]').waitFor({ timeout: 15_000 });
      assert.match(await frame.locator('.properties-pane').innerText(), /Addressed to us\?/);
      await runCommand(page, 'View: Close All Editors');
    });
  } finally {
    await wb.close();
  }
  const passed = results.filter((r) => r.ok).length;
  const failed = results.length - passed;
  return { passed, failed, skipped: 0, failures: results.filter((r) => !r.ok).map((r) => ({ title: `UI: ${r.title}`, error: r.error })) };
}

/** Retries an assertion for a while (the webview and the host answer asynchronously). */
async function expectSoon(check, timeout = 15_000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    try {
      return await check();
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

if (process.argv[1] && process.argv[1].endsWith('ui-editor.mjs')) {
  const r = await runUiTests();
  for (const f of r.failures ?? []) console.log(`  ✖ ${f.title}\n    ${f.error.split('\n').slice(0, 8).join('\n    ')}`);
  console.log(r.skippedReason ? `UI: SKIPPED (${r.skippedReason})` : `UI: ${r.passed} passed, ${r.failed} failed`);
  process.exit(r.failed ? 1 : 0);
}
