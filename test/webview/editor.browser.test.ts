// Browser smoke test of the built visual editor (dist/webview/editor.js + editor.css) in headless Chromium:
// a static page with a fake acquireVsCodeApi that records what the webview posts, fed the example process.
// It checks the canvas, the forms and the edit operations end to end, and saves light/dark screenshots.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import type { EditorDiagnostic, FromWebviewMessage, ToWebviewMessage } from '../../src/process/editor-protocol';
import type { ProcessFile } from '../../src/process/model';
import { ROOT } from '../helpers/cli';
import { generateProcess } from '../helpers/big-process';
import { layoutProcess } from '../../src/process/layout';
import { handlesOf, safeOutputs, allSteps } from '../../webview/src/graph';

const CHROMIUM = '/usr/bin/chromium';
const SKIP = existsSync(CHROMIUM) ? false : `${CHROMIUM} is missing (apt-get install -y chromium): browser smoke test skipped`;
const SHOTS = join(ROOT, 'out', 'screenshots');
const process = JSON.parse(readFileSync(join(ROOT, 'examples/forecasts-and-invoices.oftp2.json'), 'utf8')) as ProcessFile;

// A subset of what VS Code puts on the webview's <html style>: enough for every variable editor.css and
// @vscode-elements read, in the Default Light Modern / Default Dark Modern colours.
const THEMES: Record<'light' | 'dark', Record<string, string>> = {
  light: {
    'editor-background': '#ffffff', foreground: '#3b3b3b', descriptionForeground: '#717171', 'panel-border': '#e5e5e5', focusBorder: '#005fb8',
    'editorWidget-background': '#f8f8f8', 'editorWidget-border': '#e5e5e5', 'widget-shadow': 'rgba(0,0,0,0.16)', errorForeground: '#f85149',
    'editorWarning-foreground': '#bf8803', 'charts-foreground': '#616161', 'charts-red': '#e51400', 'charts-blue': '#1a85ff', 'charts-yellow': '#bf8803',
    'charts-orange': '#d18616', 'charts-green': '#388a34', 'charts-purple': '#652d90', 'button-background': '#005fb8', 'button-foreground': '#ffffff',
    'button-hoverBackground': '#0258a8', 'button-secondaryBackground': '#e5e5e5', 'button-secondaryForeground': '#3b3b3b', 'button-secondaryHoverBackground': '#cccccc',
    'badge-background': '#cccccc', 'badge-foreground': '#3b3b3b', 'sideBar-background': '#f8f8f8', 'list-hoverBackground': '#f2f2f2',
    'list-activeSelectionBackground': '#e8e8e8', 'input-background': '#ffffff', 'input-foreground': '#3b3b3b', 'input-border': '#cecece',
    'input-placeholderForeground': '#767676', 'dropdown-background': '#ffffff', 'dropdown-border': '#cecece', 'dropdown-foreground': '#3b3b3b',
    'checkbox-background': '#f8f8f8', 'checkbox-border': '#cecece', 'checkbox-foreground': '#3b3b3b', 'settings-textInputBackground': '#ffffff',
    'settings-textInputBorder': '#cecece', 'settings-textInputForeground': '#3b3b3b', 'inputValidation-errorBackground': '#fcecea', 'inputValidation-errorBorder': '#e51400', 'sideBarTitle-foreground': '#3b3b3b', 'button-border': 'rgba(0,0,0,0.1)', 'settings-dropdownBackground': '#ffffff', 'settings-dropdownBorder': '#cecece', 'settings-checkboxBackground': '#f8f8f8',
    'settings-checkboxBorder': '#cecece', 'editorLineNumber-foreground': '#6e7681', 'editorIndentGuide-background1': '#d3d3d3',
    'debugIcon-breakpointForeground': '#e51400', 'debugIcon-pauseForeground': '#007acc', 'sideBarSectionHeader-background': '#f8f8f8',
    'sideBarSectionHeader-border': '#e5e5e5', 'icon-foreground': '#3b3b3b', 'toolbar-hoverBackground': 'rgba(184,184,184,0.31)',
    'font-family': 'system-ui, "Ubuntu", "Droid Sans", sans-serif', 'font-size': '13px', 'font-weight': 'normal', 'editor-font-family': 'monospace',
  },
  dark: {
    'editor-background': '#1f1f1f', foreground: '#cccccc', descriptionForeground: '#9d9d9d', 'panel-border': '#2b2b2b', focusBorder: '#0078d4',
    'editorWidget-background': '#202020', 'editorWidget-border': '#313131', 'widget-shadow': 'rgba(0,0,0,0.36)', errorForeground: '#f85149',
    'editorWarning-foreground': '#cca700', 'charts-foreground': '#cccccc', 'charts-red': '#f14c4c', 'charts-blue': '#3794ff', 'charts-yellow': '#cca700',
    'charts-orange': '#d18616', 'charts-green': '#89d185', 'charts-purple': '#b180d7', 'button-background': '#0078d4', 'button-foreground': '#ffffff',
    'button-hoverBackground': '#026ec1', 'button-secondaryBackground': '#313131', 'button-secondaryForeground': '#cccccc', 'button-secondaryHoverBackground': '#3c3c3c',
    'badge-background': '#616161', 'badge-foreground': '#f8f8f8', 'sideBar-background': '#181818', 'list-hoverBackground': '#2a2d2e',
    'list-activeSelectionBackground': '#04395e', 'input-background': '#313131', 'input-foreground': '#cccccc', 'input-border': '#3c3c3c',
    'input-placeholderForeground': '#989898', 'dropdown-background': '#313131', 'dropdown-border': '#3c3c3c', 'dropdown-foreground': '#cccccc',
    'checkbox-background': '#313131', 'checkbox-border': '#3c3c3c', 'checkbox-foreground': '#cccccc', 'settings-textInputBackground': '#313131',
    'settings-textInputBorder': '#3c3c3c', 'settings-textInputForeground': '#cccccc', 'inputValidation-errorBackground': '#5a1d1d', 'inputValidation-errorBorder': '#be1100', 'sideBarTitle-foreground': '#cccccc', 'button-border': 'rgba(255,255,255,0.07)', 'settings-dropdownBackground': '#313131', 'settings-dropdownBorder': '#3c3c3c', 'settings-checkboxBackground': '#313131',
    'settings-checkboxBorder': '#3c3c3c', 'editorLineNumber-foreground': '#6e7681', 'editorIndentGuide-background1': '#404040',
    'debugIcon-breakpointForeground': '#e51400', 'debugIcon-pauseForeground': '#75beff', 'sideBarSectionHeader-background': '#181818',
    'sideBarSectionHeader-border': '#2b2b2b', 'icon-foreground': '#cccccc', 'toolbar-hoverBackground': 'rgba(90,93,94,0.31)',
    'font-family': 'system-ui, "Ubuntu", "Droid Sans", sans-serif', 'font-size': '13px', 'font-weight': 'normal', 'editor-font-family': 'monospace',
  },
};

function pageHtml(theme: 'light' | 'dark'): string {
  const vars = Object.entries(THEMES[theme]).map(([k, v]) => `--vscode-${k}: ${v};`).join(' ');
  const dist = pathToFileURL(join(ROOT, 'dist', 'webview')).href;
  // The fake VS Code API: posted messages land in window.__posted, state in window.__state.
  return `<!DOCTYPE html>
<html lang="en" style='${vars}'>
<head><meta charset="UTF-8"><link href="${dist}/editor.css" rel="stylesheet"><title>OFTP2 Process</title>
<script>
window.__posted = []; window.__state = undefined;
window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__posted.push(m), getState: () => window.__state, setState: (s) => { window.__state = s; } });
</script></head>
<body class="vscode-${theme}"><div id="root"></div><script src="${dist}/editor.js" data-elements="${dist}/elements.js"></script></body></html>`;
}

const diagnostics: EditorDiagnostic[] = [
  { file: 'forecasts-and-invoices.oftp2.json', range: { start: { line: 20, character: 4 }, end: { line: 20, character: 10 } }, severity: 'warning', code: 'secret-unresolved', message: "secret 'supplier-password' has no value", path: ['start', 'myCompany', 'password'] },
  { file: 'forecasts-and-invoices.oftp2.json', range: { start: { line: 90, character: 4 }, end: { line: 90, character: 10 } }, severity: 'error', code: 'schema', message: 'unknown property ${sfid.foo}', path: ['steps', 1, 'fileName'], stepId: 'store-forecast' },
];

let browser: Browser | undefined;
let dir: string;

before(async () => {
  if (SKIP) return;
  const { chromium } = await import('playwright-core');
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--allow-file-access-from-files'] });
  dir = mkdtempSync(join(tmpdir(), 'oftp2-webview-'));
  mkdirSync(SHOTS, { recursive: true });
});

after(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function open(theme: 'light' | 'dark', extra: ToWebviewMessage[] = [], shown: ProcessFile = process, beforeDocument?: (page: Page) => Promise<void>): Promise<Page> {
  const file = join(dir, `editor-${theme}.html`);
  writeFileSync(file, pageHtml(theme));
  const page = await browser!.newPage({ viewport: { width: 1280, height: 800 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(pathToFileURL(file).href);
  await page.waitForFunction(() => (globalThis as unknown as { __posted: FromWebviewMessage[] }).__posted.some((m) => m.type === 'ready'));
  await beforeDocument?.(page);
  const doc: ToWebviewMessage = { type: 'document', version: 1, process: shown, diagnostics: shown === process ? diagnostics : [], readOnly: false, fileName: 'forecasts-and-invoices.oftp2.json' };
  for (const m of [doc, ...extra]) await page.evaluate((msg) => (globalThis as unknown as { postMessage(m: unknown, o: string): void }).postMessage(msg, '*'), m);
  await page.locator('.react-flow__node').first().waitFor();
  assert.deepEqual(errors, [], 'no script errors');
  return page;
}

const posted = (page: Page): Promise<FromWebviewMessage[]> => page.evaluate(() => (globalThis as unknown as { __posted: FromWebviewMessage[] }).__posted);
const clearPosted = (page: Page): Promise<void> => page.evaluate(() => void ((globalThis as unknown as { __posted: unknown[] }).__posted.length = 0));
const edits = async (page: Page) => (await posted(page)).flatMap((m) => (m.type === 'edit' ? [m.operation] : []));
async function settledCount(page: Page, selector: string, expected: number): Promise<void> {
  await page.waitForFunction(([sel, n]) => (globalThis as unknown as { document: { querySelectorAll(s: string): { length: number } } }).document.querySelectorAll(sel as string).length === n, [selector, expected] as const, { timeout: 10_000 }).catch(() => undefined);
}
const node = (page: Page, id: string) => page.locator(`.react-flow__node[data-id="${id}"]`);

test('the canvas, forms and edit operations work in a browser', { skip: SKIP }, async () => {
  const page = await open('light', [{ type: 'breakpoints', ids: ['done'] }, { type: 'runState', counts: { start: 4, 'by-type': 4, 'store-forecast': 2 }, paused: ['tag-invoice'] }]);
  // React Flow mounts the nodes over a few frames (measure, then draw); on a loaded machine the first node can
  // appear well before the last, so wait for the full count before asserting it.
  await settledCount(page, '.react-flow__node', process.steps.length + 1);
  assert.equal(await page.locator('.react-flow__node').count(), process.steps.length + 1);
  await settledCount(page, '.react-flow__edge', process.connections.length);
  assert.equal(await page.locator('.react-flow__edge').count(), process.connections.length);
  assert.equal(await node(page, 'start').locator('.react-flow__handle.target').count(), 0, 'the start step has no input');
  assert.equal(await node(page, 'by-type').locator('.react-flow__handle.source').count(), 3, 'one handle per route output');
  assert.equal(await node(page, 'done').locator('.badge.breakpoint').count(), 1);
  assert.equal(await node(page, 'store-forecast').locator('.badge.errors').count(), 1);

  // Click a step: its form.
  await node(page, 'store-forecast').click();
  await page.locator('.properties-title', { hasText: 'Store forecast' }).waitFor();
  assert.ok(await page.locator('.field-problem.error').count() >= 1, 'the diagnostic is shown beside its field');
  await page.screenshot({ path: join(SHOTS, 'visual-editor-browser-light.png') });

  // Change a field: one setValue at the step's path, committed on change.
  await clearPosted(page);
  const folder = page.locator('vscode-textfield[aria-label="Folder"] input');
  await folder.fill('received/forecasts-2');
  await folder.press('Enter');
  await page.waitForFunction(() => (globalThis as unknown as { __posted: FromWebviewMessage[] }).__posted.some((m) => m.type === 'edit'));
  assert.deepEqual(await edits(page), [{ kind: 'setValue', path: ['steps', 1, 'folder'], value: 'received/forecasts-2' }]);

  // Delete the selected step.
  await clearPosted(page);
  await node(page, 'store-forecast').click();
  await page.keyboard.press('Delete');
  await page.waitForFunction(() => (globalThis as unknown as { __posted: FromWebviewMessage[] }).__posted.some((m) => m.type === 'edit'));
  assert.deepEqual(await edits(page), [{ kind: 'deleteSteps', ids: ['store-forecast'] }]);

  // Drag a step: one moveSteps when the drag stops.
  await clearPosted(page);
  const box = (await node(page, 'done').boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  for (let i = 1; i <= 5; i++) await page.mouse.move(box.x + box.width / 2 + i * 12, box.y + box.height / 2 + i * 8);
  await page.mouse.up();
  await page.waitForFunction(() => (globalThis as unknown as { __posted: FromWebviewMessage[] }).__posted.some((m) => m.type === 'edit'));
  const moves = await edits(page);
  assert.equal(moves.length, 1);
  assert.equal(moves[0]!.kind, 'moveSteps');
  assert.deepEqual((moves[0] as { moves: Array<{ id: string }> }).moves.map((m) => m.id), ['done']);

  // Start step form: passwords go out as setSecret only.
  await node(page, 'start').click();
  await page.locator('.properties-type', { hasText: 'Start' }).waitFor();
  await page.screenshot({ path: join(SHOTS, 'visual-editor-browser-start-light.png') });
  await page.close();
});

test('a document arriving while a field is being typed in keeps what is typed, unless that field changed', { skip: SKIP }, async () => {
  const page = await open('light');
  await node(page, 'store-forecast').click();
  const folder = page.locator('vscode-textfield[aria-label="Folder"] input');
  await folder.fill('received/half-typed');
  const send = (version: number, p: ProcessFile) => page.evaluate((msg) => (globalThis as unknown as { postMessage(m: unknown, o: string): void }).postMessage(msg, '*'), { type: 'document', version, process: p, diagnostics, readOnly: false, fileName: 'forecasts-and-invoices.oftp2.json' } as ToWebviewMessage);
  // Another step renamed (an edit elsewhere): the folder field is left as typed.
  const renamed = structuredClone(process);
  renamed.steps[0]!.name = 'Renamed elsewhere';
  await send(2, renamed);
  await page.locator('.react-flow__node', { hasText: 'Renamed elsewhere' }).waitFor();
  assert.equal(await folder.inputValue(), 'received/half-typed');
  // The folder itself changed in the document (undo, the text beside): the field shows the document's value.
  const moved = structuredClone(renamed);
  (moved.steps[1] as unknown as { folder: string }).folder = 'received/elsewhere';
  await send(3, moved);
  await page.waitForFunction(() => (globalThis as unknown as { document: { querySelector(s: string): { value: string } | null } }).document.querySelector('vscode-textfield[aria-label="Folder"]')?.value === 'received/elsewhere', undefined, { timeout: 10_000 });
  await page.close();
});

test('dark theme and the error state', { skip: SKIP }, async () => {
  const page = await open('dark');
  await node(page, 'for-us').click();
  await page.locator('.properties-title', { hasText: 'Addressed to us?' }).waitFor();
  await page.screenshot({ path: join(SHOTS, 'visual-editor-browser-dark.png') });
  await node(page, 'start').click();
  await page.locator('.properties-type', { hasText: 'Start' }).waitFor();
  await page.screenshot({ path: join(SHOTS, 'visual-editor-browser-start-dark.png') });
  // A document that does not parse: the message, Open as Text, nothing else.
  await page.evaluate((msg) => (globalThis as unknown as { postMessage(m: unknown, o: string): void }).postMessage(msg, '*'), { type: 'document', version: 2, error: { message: 'Expected comma', line: 4, character: 2 }, diagnostics: [], readOnly: false, fileName: 'broken.oftp2.json' } satisfies ToWebviewMessage);
  await page.locator('.invalid', { hasText: 'line 5, column 3' }).waitFor();
  assert.equal(await page.locator('.react-flow').count(), 0);
  await clearPosted(page);
  await page.locator('.invalid vscode-button').click();
  assert.deepEqual(await posted(page), [{ type: 'openAsText' }]);
  await page.screenshot({ path: join(SHOTS, 'visual-editor-browser-error-dark.png') });
  await page.close();
});

test('each handle sits where handlesOf tells React Flow it is (so edges and culling need no measuring)', { skip: SKIP }, async () => {
  for (const theme of ['light', 'dark'] as const) {
    const page = await open(theme);
    await settledCount(page, '.react-flow__node', process.steps.length + 1);
    // Each handle's box relative to its node's box, in flow units (the canvas may be zoomed to fit).
    // (Page code as a string: the tests compile without the DOM library.)
    const drawn = (await page.evaluate(`(() => {
      const zoom = new DOMMatrix(getComputedStyle(document.querySelector('.react-flow__viewport')).transform).a;
      return [...document.querySelectorAll('.react-flow__node')].map((n) => {
        const r = n.getBoundingClientRect();
        return {
          id: n.dataset.id,
          handles: [...n.querySelectorAll('.react-flow__handle')].map((h) => {
            const b = h.getBoundingClientRect();
            return { id: h.dataset.handleid, x: (b.left - r.left) / zoom, y: (b.top - r.top) / zoom, width: b.width / zoom, height: b.height / zoom };
          }),
        };
      });
    })()`)) as Array<{ id: string; handles: Array<{ id: string; x: number; y: number; width: number; height: number }> }>;
    assert.equal(drawn.length, process.steps.length + 1);
    for (const { id, handles } of drawn) {
      const step = allSteps(process).find((s) => s.id === id)!;
      const expected = handlesOf(step.type, safeOutputs(step));
      assert.deepEqual(handles.map((h) => h.id).sort(), expected.map((h) => h.id).sort(), `${id}: handles`);
      for (const h of handles) {
        const e = expected.find((x) => x.id === h.id)!;
        for (const k of ['x', 'y', 'width', 'height'] as const) assert.ok(Math.abs(h[k] - e[k]) < 0.5, `${theme} ${id}.${h.id}.${k}: drawn ${h[k].toFixed(2)}, handlesOf ${e[k]}`);
      }
    }
    await page.close();
  }
});

test('a 250-step process is culled from the first frame: only the steps in view are ever created; the form controls load after', { skip: SKIP }, async () => {
  const big = generateProcess(250);
  // Count every step node the page ever adds, from before the document arrives.
  const page = await open('light', [], big, (p) => p.evaluate(`(() => {
    window.__added = 0;
    // Whether the form controls were defined when the canvas was first drawn (they load after it).
    new PerformanceObserver((list) => {
      if (list.getEntriesByName('oftp2:drawn').length && window.__controlsAtDrawn === undefined) window.__controlsAtDrawn = !!customElements.get('vscode-textfield');
    }).observe({ type: 'mark' });
    new MutationObserver((records) => {
      for (const r of records) for (const n of r.addedNodes) if (n.classList?.contains('react-flow__node')) window.__added++;
    }).observe(document, { subtree: true, childList: true });
  })()`));
  await page.waitForFunction(() => performance.getEntriesByName('oftp2:drawn').length > 0, undefined, { timeout: 30_000 });
  await page.waitForTimeout(500);
  const { added, shown, edges } = (await page.evaluate(`({
    added: window.__added,
    shown: document.querySelectorAll('.react-flow__node').length,
    edges: document.querySelectorAll('.react-flow__edge').length,
  })`)) as { added: number; shown: number; edges: number };
  assert.ok(shown > 0 && shown < 60, `${shown} steps in view`);
  assert.ok(edges > 0, 'the edges between the steps in view are drawn');
  assert.equal(added, shown, `${added} step nodes created for ${shown} in view`);
  assert.equal(await page.evaluate('window.__controlsAtDrawn'), false, 'the form controls load after the canvas is drawn');
  await page.waitForFunction(`!!customElements.get('vscode-textfield') && !!customElements.get('vscode-button')`, undefined, { timeout: 10_000 });
  await page.close();
});

test('Arrange on a culled 250-step process fits the arranged steps into view', { skip: SKIP }, async () => {
  const big = generateProcess(250);
  const page = await open('light', [], big);
  await page.waitForFunction(() => performance.getEntriesByName('oftp2:drawn').length > 0, undefined, { timeout: 30_000 });
  // What the host sends for Arrange: a fit request, and the document with every step at its laid-out place,
  // most of them far from where the canvas is looking.
  const at = layoutProcess(big);
  const arranged = structuredClone(big);
  arranged.start.position = at[arranged.start.id];
  for (const step of arranged.steps) step.position = at[step.id];
  await page.evaluate((msgs) => { for (const m of msgs) (globalThis as unknown as { postMessage(m: unknown, o: string): void }).postMessage(m, '*'); }, [{ type: 'fit' }, { type: 'document', version: 2, process: arranged, diagnostics: [], readOnly: false, fileName: 'big.oftp2.json' }] satisfies ToWebviewMessage[]);
  const view = async () => (await page.evaluate(`({
    zoom: new DOMMatrix(getComputedStyle(document.querySelector('.react-flow__viewport')).transform).a,
    shown: document.querySelectorAll('.react-flow__node').length,
  })`)) as { zoom: number; shown: number };
  const end = Date.now() + 10_000;
  let v = await view();
  while (Date.now() < end && v.zoom === 1) {
    await page.waitForTimeout(100);
    v = await view();
  }
  assert.ok(v.zoom < 1, `zoomed out to fit (zoom ${v.zoom})`);
  await page.waitForTimeout(400);
  v = await view();
  assert.ok(v.shown >= 20, `${v.shown} arranged steps in view`);
  await page.close();
});
