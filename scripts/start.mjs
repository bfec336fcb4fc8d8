// `npm start`: the extension, freshly built, in a real VS Code with examples/ as the workspace and the sample
// process open in the visual editor. The desktop `code` when it is on the PATH; otherwise code-server (the
// test harness's, installed into .vscode-test/ on first use) in the browser at the printed 127.0.0.1
// address, until Ctrl-C. OFTP2_START_WEB=1 picks code-server even when `code` exists; OFTP2_START_PORT
// fixes its port. `--check` (used by the tests) opens the address in Chromium, waits for the visual editor's
// canvas and exits 0 when it shows.
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(fileURLToPath(import.meta.url), '..', '..');
const EXAMPLES = join(ROOT, 'examples');
const SAMPLE = join(EXAMPLES, 'forecasts-and-invoices.oftp2.json');
const check = process.argv.includes('--check');
const log = (m) => console.log(`[start] ${m}`);

const code = process.env.OFTP2_START_WEB === '1' || check ? undefined : spawnSync('code', ['--version'], { stdio: 'ignore' }).status === 0 ? 'code' : undefined;
if (code) {
  log(`opening VS Code (${code}) on examples/ with the extension from ${ROOT}`);
  const child = spawn(code, [`--extensionDevelopmentPath=${ROOT}`, EXAMPLES], { stdio: 'inherit', env: { ...process.env, OFTP2_OPEN_ON_START: SAMPLE } });
  child.on('exit', (c) => process.exit(c ?? 0));
} else {
  const { ensureTools, CACHE } = await import('../test/vscode/install.mjs');
  const { claimRunDir, launchBrowser, startCodeServer } = await import('../test/vscode/code-server.mjs');
  log('no desktop `code` on the PATH: starting VS Code in the browser (code-server; the first start installs it, a few minutes)');
  ensureTools(log);
  const claim = claimRunDir(join(CACHE, 'start'));
  const port = process.env.OFTP2_START_PORT ? Number(process.env.OFTP2_START_PORT) : undefined;
  // The extension opens the sample in the visual editor when it starts (code-server's extension host inherits this).
  process.env.OFTP2_OPEN_ON_START = SAMPLE;
  const server = await startCodeServer({ runDir: claim.dir, log, ...(port ? { port } : {}) });
  const url = server.workbenchUrl({ folder: EXAMPLES });
  const stop = async () => {
    await server.stop();
    claim.release();
  };
  process.once('SIGINT', () => void stop().then(() => process.exit(0)));
  process.once('SIGTERM', () => void stop().then(() => process.exit(0)));
  if (!check) {
    console.log(`\nOFTP2 Studio is running in VS Code for the browser. Open:\n\n  ${url}\n\n(the sample process opens in the visual editor; Ctrl-C stops it)\n`);
  } else {
    let ok = false;
    const browser = await launchBrowser({ runDir: claim.dir });
    try {
      await browser.page.goto(url, { waitUntil: 'commit', timeout: 180_000 });
      // The canvas of the visual editor, inside the webview's nested frame.
      const deadline = Date.now() + 180_000;
      while (!ok && Date.now() < deadline) {
        for (const f of browser.page.frames()) {
          if (f.url().includes('/pre/fake.html') && (await f.evaluate(() => document.querySelectorAll('.react-flow__node').length).catch(() => 0)) > 0) ok = true;
        }
        if (!ok) await new Promise((r) => setTimeout(r, 250));
      }
      const tab = await browser.page.locator('.tab.active').getAttribute('aria-label').catch(() => '');
      log(ok ? `the visual editor shows the sample (${tab})` : `no visual editor after 180 s (active tab: ${tab})`);
    } finally {
      await browser.close();
      await stop();
    }
    process.exit(ok ? 0 : 1);
  }
}
