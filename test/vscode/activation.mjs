// VS Code's own figures for our extension's activation, read from its Developer views in the workbench page:
// Running Extensions ("Startup Activation: N ms" = load code + call activate) and Startup Performance (the
// extension host's ExtensionActivationTimes: Load Code, Call Activate, Finish Activate). Used by ui-ship.mjs
// and bench/activation.mjs.
import { runCommand } from './drive.mjs';

const ID = 'oftp2-studio.oftp2-studio';

/** Our row of Developer: Show Running Extensions (sorted slowest first, so a fast extension sits at the bottom). */
export async function runningExtensionsActivation(page) {
  await runCommand(page, 'Developer: Show Running Extensions');
  const list = page.locator('.runtime-extensions-editor .monaco-list').first();
  await list.waitFor({ timeout: 60_000 });
  // The list only renders the rows in view: scroll until ours shows.
  const row = page.locator('.runtime-extensions-editor .monaco-list-row').filter({ hasText: /OFTP2 Studio|oftp2-studio\.oftp2-studio/ }).first();
  for (let i = 0; i < 60 && !(await row.count()); i++) {
    await list.hover();
    await page.mouse.wheel(0, 400);
    await page.waitForTimeout(150);
  }
  // "Activating..." until the extension host reports the times; the editor updates itself.
  let text = '';
  for (let i = 0; i < 120 && !/\d+\s*ms/.test(text); i++) {
    if (i) await page.waitForTimeout(500);
    text = (await row.locator('.activation-time').innerText({ timeout: 30_000 })).trim();
  }
  const m = /(\d+)\s*ms/.exec(text);
  if (!m) throw new Error(`no activation time in "${text}" after 60 s`);
  await runCommand(page, 'View: Close All Editors');
  return { text, ms: Number(m[1]) };
}

/**
 * Our row of Developer: Startup Performance's "Extension Activation Stats" table (after the extension has
 * activated: the report is written when it opens). Tries three times: Find sometimes lands before the text is there.
 */
export async function startupPerformanceActivation(page) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startupPerformanceOnce(page);
    } catch (e) {
      await page.keyboard.press('Escape');
      await runCommand(page, 'View: Close All Editors').catch(() => {});
      if (attempt >= 3) throw e;
    }
  }
}

async function startupPerformanceOnce(page) {
  await runCommand(page, 'Developer: Startup Performance');
  const editor = page.locator('.editor-instance .monaco-editor').first();
  await editor.waitFor({ timeout: 60_000 });
  await page.waitForFunction(() => document.querySelectorAll('.editor-instance .view-line').length > 20, undefined, { timeout: 60_000 });
  // The table is far down a long document: Find scrolls to our row.
  await editor.click();
  await page.keyboard.press('Control+F');
  await page.keyboard.type(`| ${ID} `);
  await page.keyboard.press('Enter');
  let line;
  for (let i = 0; i < 50 && !line; i++) {
    const lines = await page.locator('.editor-instance .view-line').allInnerTexts();
    line = lines.map((l) => l.replace(/\u00a0/g, ' ')).find((l) => l.includes(`| ${ID} `) && /\|\s*(true|false)\s*\|/.test(l));
    if (!line) await page.waitForTimeout(200);
  }
  await page.keyboard.press('Escape');
  await runCommand(page, 'View: Close All Editors');
  if (!line) throw new Error('no row for the extension in Startup Performance');
  // | Extension | Eager | Load Code | Call Activate | Finish Activate | Event | By |
  const cells = line.split('|').map((c) => c.trim()).filter(Boolean);
  return { eager: cells[1], loadCode: Number(cells[2]), callActivate: Number(cells[3]), finishActivate: Number(cells[4]), event: cells[5] };
}
