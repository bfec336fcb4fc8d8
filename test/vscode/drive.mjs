// UI driving for tests that act as a user would in the real VS Code of the harness: open the workbench on a
// folder with our extension, run a command by its palette title, reach a webview's document, switch the
// colour theme, take screenshots. Selectors follow VS Code 1.139's page (code-server pinned in install.mjs).
import { cpSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CACHE, ROOT, ensureTools } from './install.mjs';
import { claimRunDir, launchBrowser, onInterrupt, startCodeServer } from './code-server.mjs';

/** Where screenshot() writes by default (gitignored; the lead commits chosen ones to test/vscode/screenshots/). */
export const SCREENSHOTS = process.env.OFTP2_SCREENSHOTS || join(CACHE, 'screenshots');

/**
 * Installs what is missing, starts code-server and Chromium, and opens the workbench on `folder` (default:
 * a fresh copy of examples/) with our extension loaded from the repository. Resolves once the workbench is
 * on screen. close() stops both; call it in a finally.
 */
export async function openWorkbench({ folder, runDir: preferred = join(CACHE, 'ui-run'), viewport, log = () => {}, prepare, vsix } = {}) {
  ensureTools(log);
  const claim = claimRunDir(preferred);
  const runDir = claim.dir;
  let workspace = folder;
  if (!workspace) {
    workspace = join(runDir, 'workspace');
    cpSync(join(ROOT, 'examples'), workspace, { recursive: true, filter: (src) => !/[\\/]examples[\\/](received|inbox)([\\/]|$)/.test(src) });
  }
  // Workspace settings and files a test needs before the workbench opens.
  prepare?.(workspace);
  // With a VSIX: installed into this run's code-server, and no extension loaded from the repository folder.
  const server = await startCodeServer({ runDir, log, ...(vsix ? { vsix } : {}) });
  let browser;
  const stop = async () => {
    await browser?.close();
    await server.stop();
    claim.release();
  };
  const offInterrupt = onInterrupt(stop, log);
  try {
    browser = await launchBrowser({ runDir, ...(viewport ? { viewport } : {}) });
    // Generous: on a busy 2-core machine the workbench can take well over Playwright's default 30 s to load.
    await browser.page.goto(server.workbenchUrl({ folder: workspace, ...(vsix ? { extensionPath: null } : {}) }), { waitUntil: 'commit', timeout: 180_000 });
    await browser.page.locator('.monaco-workbench').waitFor({ timeout: 180_000 });
  } catch (e) {
    await stop();
    offInterrupt();
    throw e;
  }
  return {
    server,
    page: browser.page,
    workspace,
    async close() {
      await stop();
      offInterrupt();
    },
  };
}

/**
 * Runs a command through the command palette (F1), by its title as shown there, e.g. "OFTP2: Decode OFTP
 * Capture". The palette lists what is registered when it opens: until the extension has registered its
 * commands it says "No matching commands" and never refreshes, so it closes and tries again.
 */
export async function runCommand(page, title, { tries = 10 } = {}) {
  const input = page.locator('.quick-input-widget input');
  for (let i = 0; ; i++) {
    try {
      await focusWorkbench(page);
      await page.keyboard.press('F1');
      // Short timeouts: the palette also closes when something else takes the focus (a webview loading), then we start over.
      await input.waitFor({ state: 'visible', timeout: 5000 });
      await input.fill(`>${title}`, { timeout: 5000 });
      await pickRow(page, title).waitFor({ timeout: 3000 });
      break;
    } catch (e) {
      await page.keyboard.press('Escape');
      if (i >= tries) throw new Error(`command "${title}" not in the palette after ${tries + 1} tries: ${e.message}`);
    }
  }
  // Click, not Enter: Enter runs the highlighted row, which may be a near match listed first.
  await pickRow(page, title).click({ timeout: 5000 });
}

/** Takes the keyboard focus out of a webview: keys pressed there (F1, Ctrl+P) stay in its iframe. */
async function focusWorkbench(page) {
  await page.evaluate(() => {
    if (document.activeElement instanceof HTMLIFrameElement) document.activeElement.blur();
  });
}

/**
 * The quick-input row whose label is exactly `label`: fuzzy filtering lists near names too, and not always
 * after the exact one ("Preferences: Color Theme" also finds "...Browse Color Themes in Marketplace").
 */
function pickRow(page, label) {
  const exact = new RegExp(`^\\s*${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
  return page.locator('.quick-input-list .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: exact }) }).first();
}

/**
 * Waits until the workbench knows our extension's contributions (its commands are in the palette). Until
 * then VS Code also does not know the custom editor, so a file opened in the first seconds after the window
 * loads (code-server scans the extension on the remote side first) opens in the plain text editor.
 */
export async function waitForExtension(page, { timeout = 120_000 } = {}) {
  const input = page.locator('.quick-input-widget input');
  const deadline = Date.now() + timeout;
  for (;;) {
    await focusWorkbench(page);
    await page.keyboard.press('F1');
    try {
      await input.waitFor({ state: 'visible', timeout: 5000 });
      await input.fill('>OFTP2: New Process', { timeout: 5000 });
      await pickRow(page, 'OFTP2: New Process').waitFor({ timeout: 3000 });
      await page.keyboard.press('Escape');
      return;
    } catch (e) {
      await page.keyboard.press('Escape');
      if (Date.now() > deadline) throw new Error(`the extension's commands never showed in the palette: ${e.message}`);
      await page.waitForTimeout(1000);
    }
  }
}

/**
 * Opens a workspace file through Quick Open (Ctrl+P), as a user would; it opens in its default editor.
 * With `press: false` it stops with the file's row listed, for the caller to press Enter (to time it).
 */
export async function quickOpen(page, fileName, { press = true } = {}) {
  await focusWorkbench(page);
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(fileName);
  await page.locator('.quick-input-list .monaco-list-row').filter({ hasText: fileName }).first().waitFor({ timeout: 15_000 });
  if (press) await page.keyboard.press('Enter');
}

/**
 * The document inside the most recently shown webview (custom editor or panel): VS Code nests it as
 * iframe.webview > #active-frame. Use it like a page: webviewFrame(page).locator('#root').
 */
export function webviewFrame(page) {
  return page.frameLocator('iframe.webview.ready').last().frameLocator('#active-frame');
}

/** Screenshot of the whole workbench into `dir` (default SCREENSHOTS) as `<name>.png`; returns the path. */
export async function screenshot(page, name, { dir = SCREENSHOTS } = {}) {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

const THEMES = { light: 'Light Modern', dark: 'Dark Modern', 'high-contrast': 'Dark High Contrast', 'high-contrast-light': 'Light High Contrast' };
const BASE_CLASS = { light: 'vs', dark: 'vs-dark', 'high-contrast': 'hc-black', 'high-contrast-light': 'hc-light' };

/**
 * Switches the colour theme as a user does (palette: Preferences: Color Theme, pick by name) and waits until
 * the workbench shows it. `theme`: light, dark, high-contrast, high-contrast-light, or a theme's name as the
 * picker lists it ("Solarized Light"). Webviews follow: their body gets vscode-light / vscode-dark.
 */
export async function setColorTheme(page, theme) {
  const label = THEMES[theme] ?? theme;
  await runCommand(page, 'Preferences: Color Theme');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(label);
  const row = pickRow(page, label);
  await row.waitFor({ timeout: 10_000 });
  await row.click();
  const base = BASE_CLASS[theme];
  if (base) await page.waitForFunction((cls) => document.querySelector('.monaco-workbench')?.classList.contains(cls), base, { timeout: 15_000 });
  else await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
}
