// Exercises drive.mjs end to end and shows how a UI test reads: opens the examples, runs a command from the
// palette, opens a process file in the visual editor (a webview), screenshots in dark and light. Not part of
// `npm test` yet (UI tests come later); run with `node test/vscode/ui-smoke.mjs` after `npm run test:vscode`.
import assert from 'node:assert/strict';
import { openWorkbench, quickOpen, runCommand, screenshot, setColorTheme, webviewFrame } from './drive.mjs';

const t0 = Date.now();
const log = (m) => console.log(`[ui-smoke ${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}`);
const wb = await openWorkbench({ log });
try {
  const { page } = wb;
  log('workbench open');
  // The palette title is "<category>: <title>" from package.nls.json.
  await runCommand(page, 'OFTP2: Show Session Trace');
  await webviewFrame(page).locator('body').waitFor({ state: 'attached', timeout: 30_000 });
  log('trace view shown (command ran from the palette)');
  await quickOpen(page, 'inbound-edi.oftp2.json');
  await page.locator('.tab.active', { hasText: 'inbound-edi.oftp2.json' }).waitFor({ timeout: 30_000 });
  await webviewFrame(page).locator('#root').waitFor({ state: 'attached', timeout: 30_000 });
  log('process file open in the visual editor (webview #root present)');
  await setColorTheme(page, 'dark');
  log(`screenshot ${await screenshot(page, 'visual-editor-dark')}`);
  await setColorTheme(page, 'light');
  assert.ok(await page.locator('.monaco-workbench.vs').count(), 'light theme applied');
  log(`screenshot ${await screenshot(page, 'visual-editor-light')}`);
  log('OK');
} catch (e) {
  log(`FAILED: ${e.stack ?? e}`);
  await screenshot(wb.page, 'ui-smoke-failure').then((p) => log(`screenshot ${p}`), () => {});
  process.exitCode = 1;
} finally {
  await wb.close();
}
