// The getting-started walkthrough followed as a newcomer does, in the real VS Code of the harness, part of
// `npm test` (each step counts as a test): every step's button is clicked on the Welcome page and its effect
// checked (a process file written and shown in the visual editor; the Odette IDs on its Start step; a
// development CA and certificates; the debug server listening; a test file sent to it with its EERP back;
// the session in the trace panel), and VS Code ticks the step off. Not yet in `npm test`: the certificates
// step failed in 2 of 6 runs (the command wrote nothing and said nothing; cause not found yet).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openWorkbench, runCommand, screenshot, waitForExtension } from './drive.mjs';
import { CACHE } from './install.mjs';
import { MissingTool } from './install.mjs';

const results = [];
let page;
const t0 = Date.now();
const log = (m) => console.log(`[ui-walkthrough ${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}`);

async function step(title, fn) {
  const started = Date.now();
  try {
    await fn();
    results.push({ title, ok: true });
    log(`✔ ${title} (${Date.now() - started} ms)`);
  } catch (e) {
    results.push({ title, ok: false, error: String(e?.stack ?? e) });
    log(`✗ ${title}: ${e?.stack ?? e}`);
    if (page) log(`screenshot: ${await screenshot(page, `walkthrough-failure-${results.length}`, { dir: join(CACHE, 'screenshots') }).catch(() => 'none')}`);
  }
}

async function frameWith(page, selector, timeout = 60_000) {
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

export async function runWalkthroughTests() {
  const ci = !!process.env.CI && process.env.CI !== 'false';
  if (process.env.OFTP2_SKIP_VSCODE === '1' && !ci) return { passed: 0, failed: 0, skipped: 0, skippedReason: 'OFTP2_SKIP_VSCODE=1' };
  // The new process's secrets, as a user would set them (the extension also reads OFTP2_SECRET_*).
  Object.assign(process.env, { OFTP2_SECRET_MY_COMPANY_PASSWORD: 'MYPW', OFTP2_SECRET_PARTNER_PASSWORD: 'PARTPW' });
  let wb;
  try {
    // An empty workspace but for a file to send: the walkthrough starts from nothing.
    wb = await openWorkbench({ log, prepare: (workspace) => {
      // Port 0 (a free one, shown in the status bar): other runs may hold 3305 on a shared machine.
      mkdirSync(join(workspace, '.vscode'), { recursive: true });
      writeFileSync(join(workspace, '.vscode', 'settings.json'), JSON.stringify({ 'oftp2.server.port': 0 }, null, 2));
    } });
    page = wb.page;
  } catch (e) {
    if (e instanceof MissingTool && !ci) return { passed: 0, failed: 0, skipped: 0, skippedReason: e.message };
    return { passed: 0, failed: 1, skipped: 0, failures: [{ title: 'Walkthrough: open the workbench', error: String(e?.stack ?? e) }] };
  }
  const { workspace } = wb;
  const input = page.locator('.quick-input-widget input');
  /** Expands a walkthrough step by its title and clicks its button. */
  const clickStep = async (title, button) => {
    const header = page.locator('.getting-started-step', { hasText: title }).first();
    await header.waitFor({ timeout: 30_000 });
    await header.click();
    const action = page.locator('.getting-started-step.expanded, .getting-started-step', { hasText: title }).locator('a, .monaco-button', { hasText: button }).first();
    await action.waitFor({ timeout: 15_000 });
    await action.click();
  };
  const openWalkthrough = async () => {
    await runCommand(page, 'Welcome: Open Walkthrough...');
    await input.fill('OFTP2');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Get started with OFTP2 Studio' }).first().waitFor({ timeout: 15_000 });
    await page.keyboard.press('Enter');
    await page.locator('.getting-started-step', { hasText: 'Create a process' }).first().waitFor({ timeout: 30_000 });
  };
  /** The Welcome page ticks the step off (its completion event fired); the page is brought back to look. */
  const ticked = async (title) => {
    await openWalkthrough();
    await soon(async () => {
      const header = page.locator('.getting-started-step', { hasText: title }).first();
      const done = await header.locator('.codicon-getting-started-step-checked, .complete').count();
      assert.ok(done > 0, `"${title}" ticked off`);
    }, 30_000);
  };
  let processFile;
  try {
    await step('the walkthrough opens from the Welcome page', async () => {
      await waitForExtension(page);
      await openWalkthrough();
    });

    await step('Create a process: New Process writes a process file and opens it in the visual editor', async () => {
      await clickStep('Create a process', 'New Process');
      await page.waitForFunction(() => document.querySelector('.quick-input-widget input')?.value === 'Receive files from partner', undefined, { timeout: 15_000 });
      await page.keyboard.press('Enter');
      await soon(() => {
        processFile = readdirSync(workspace).find((n) => n.startsWith('receive-files-from-partner') && n.endsWith('.oftp2.json'));
        assert.ok(processFile, 'a new process file in the workspace');
      });
      const editor = await frameWith(page, '.react-flow__node[data-id="start"]');
      assert.ok(await editor.locator('.react-flow__node').count() >= 3);
      await ticked('Create a process');
    });

    await step('Set the Odette IDs: Open Visual Editor shows the Start step with My Company and the partner', async () => {
      // From the Welcome page, with the process open in another tab.
      await clickStep('Set the Odette IDs and passwords', 'Open Visual Editor');
      const editor = await frameWith(page, '.react-flow__node[data-id="start"]');
      await editor.locator('.react-flow__node[data-id="start"]').click({ force: true });
      // The form's text fields hold the IDs (values of the web components, not text of the page).
      await soon(async () => {
        const values = await editor.locator('.properties-pane vscode-textfield').evaluateAll((els) => els.map((e) => e.value));
        for (const id of ['O0013MYCOMPANY', 'O0013PARTNER']) assert.ok(values.includes(id), `${id} in the form (${values.join(', ')})`);
      });
      await ticked('Set the Odette IDs and passwords');
    });

    await step('Generate development certificates: a CA and each party\'s certificate, key and PKCS#12 in certs/', async () => {
      await openWalkthrough();
      await clickStep('Generate development certificates', 'Generate Certificates');
      // Its input box (not the palette that was just closed), with the suggested names: accepted as they are.
      await page.locator('.quick-input-widget', { hasText: 'development certificates' }).waitFor({ timeout: 15_000 });
      await page.waitForFunction(() => document.querySelector('.quick-input-widget input')?.value === 'my-company,partner', undefined, { timeout: 15_000 });
      await page.locator('.quick-input-widget input').press('Enter');
      // The examples keep certificates in certs/: the command asks where to write, and Enter keeps them (certs-N/).
      const hadCerts = existsSync(join(workspace, 'certs', 'ca.pem'));
      let free = 2;
      while (existsSync(join(workspace, `certs-${free}`))) free++;
      if (hadCerts) {
        await page.locator('.quick-input-widget', { hasText: 'already holds' }).waitFor({ timeout: 15_000 });
        await page.locator('.quick-input-widget input').press('Enter');
      }
      const dir = join(workspace, hadCerts ? `certs-${free}` : 'certs');
      await soon(() => {
        const files = existsSync(dir) ? readdirSync(dir) : [];
        for (const f of ['my-company.pem', 'partner.pem', 'my-company.p12']) assert.ok(files.some((n) => n.endsWith(f)), `${f} in ${dir} (${files.join(', ')})`);
      });
      await ticked('Generate development certificates');
    });

    let port = 0;
    await step('Press F5: Debug Process starts the embedded server on the new process', async () => {
      await openWalkthrough();
      await clickStep('Press F5', 'Debug Process');
      const status = page.locator('.statusbar-item', { hasText: /OFTP2 listening on 127\.0\.0\.1:\d+/ }).first();
      await status.waitFor({ timeout: 60_000 });
      port = Number(/127\.0\.0\.1:(\d+)/.exec(await status.innerText())[1]);
      await ticked('Press F5');
    });

    await step('Send a test file: the test client plays the partner against the debug server and the EERP comes back', async () => {
      await clickStep('Send a test file', 'Send Test File');
      // 1/4 the partner, 2/4 the file, 3/4 the debug server, 4/4 options (as they are).
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'O0013PARTNER' }).first().click({ timeout: 30_000 });
      await page.waitForFunction(() => document.querySelector('.quick-input-widget input')?.value.length > 0, undefined, { timeout: 15_000 });
      await page.waitForTimeout(500);
      const file = join(workspace, 'files', 'DELFOR_OEMAUTO.edi');
      await input.fill(file);
      await page.waitForTimeout(300);
      await page.keyboard.press('Enter');
      await page.locator('.quick-input-list .monaco-list-row', { hasText: `127.0.0.1:${port}` }).first().click({ timeout: 15_000 });
      await page.locator('.quick-input-widget', { hasText: 'options' }).waitFor({ timeout: 15_000 });
      await page.keyboard.press('Enter');
      // The result as a notification (it may already have gone when the machine is slow: the file and the
      // trace below are the proof).
      await page.locator('.notifications-toasts, .notification-toast', { hasText: /EERP/ }).first().waitFor({ timeout: 20_000 }).catch(() => log('no EERP notification seen'));
      await soon(() => {
        const dir = join(workspace, 'received', 'O0013PARTNER');
        assert.ok(existsSync(dir) && readdirSync(dir).some((n) => n.startsWith('DELFOR-OEMAUTO.EDI_')), 'stored by the Store file step');
        const stored = readdirSync(dir).find((n) => n.startsWith('DELFOR-OEMAUTO.EDI_'));
        assert.ok(readFileSync(join(dir, stored)).equals(readFileSync(file)), 'byte-identical');
      });
      await ticked('Send a test file');
    });

    await step('Read the trace: Show Session Trace lists the test session\'s commands', async () => {
      await openWalkthrough();
      await clickStep('Read the trace', 'Show Session Trace');
      const trace = await frameWith(page, '.viewport[role="grid"]');
      await soon(async () => assert.ok(Number(/([\d,]+)/.exec(await trace.locator('.count').innerText())[1].replace(/,/g, '')) > 10, 'rows in the panel'));
      // The test client's session ended with the EERP the process sent after storing the file.
      await trace.locator('input[placeholder^="Command"]').fill('EERP');
      await soon(async () => assert.ok((await trace.locator('.rows .row .cell.command').allInnerTexts()).includes('EERP'), 'an EERP row'));
      await ticked('Read the trace');
      await runCommand(page, 'Debug: Stop');
    });
  } finally {
    await wb.close();
  }
  const passed = results.filter((r) => r.ok).length;
  return { passed, failed: results.length - passed, skipped: 0, failures: results.filter((r) => !r.ok).map((r) => ({ title: `Walkthrough: ${r.title}`, error: r.error })) };
}

if (process.argv[1] && process.argv[1].endsWith('ui-walkthrough.mjs')) {
  const r = await runWalkthroughTests();
  for (const f of r.failures ?? []) console.log(`  ✖ ${f.title}\n    ${f.error.split('\n').slice(0, 8).join('\n    ')}`);
  console.log(r.skippedReason ? `Walkthrough: SKIPPED (${r.skippedReason})` : `Walkthrough: ${r.passed} passed, ${r.failed} failed`);
  process.exit(r.failed ? 1 : 0);
}
