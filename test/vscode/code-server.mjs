// Starts code-server isolated on 127.0.0.1 (free port, own user data, extensions and XDG folders, no
// marketplace) and Debian's Chromium through playwright-core; builds workbench URLs that load our extension
// from the repository folder. Used by run.mjs (extension tests) and by UI tests through drive.mjs.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CACHE, CHROMIUM, ROOT, paths } from './install.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));

/**
 * A fresh folder for one run: `preferred` (emptied), or `preferred-<pid>` when another live process holds it,
 * so two runs on one machine do not delete each other's files. release() drops the claim.
 */
export function claimRunDir(preferred) {
  const owner = (dir) => {
    try {
      const pid = Number(readFileSync(join(dir, '.owner'), 'utf8'));
      process.kill(pid, 0);
      return pid;
    } catch {
      return undefined;
    }
  };
  const held = owner(preferred);
  const dir = held && held !== process.pid ? `${preferred}-${process.pid}` : preferred;
  // Retries: a Chromium helper of the previous run may still be writing into its profile for a moment.
  rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, '.owner'), String(process.pid));
  return { dir, release: () => rmSync(join(dir, '.owner'), { force: true }) };
}

/** A free loopback port: bind to 0, read it, release it. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/**
 * Starts code-server in its own process group (so stop() ends its extension host, pty host and file
 * watcher with it) under `runDir`. Resolves once /healthz answers.
 */
export async function startCodeServer({ runDir = join(CACHE, 'run'), log = () => {}, port: wanted, vsix } = {}) {
  const port = wanted ?? (await freePort());
  const udd = join(runDir, 'user-data');
  const xdg = join(runDir, 'xdg');
  rmSync(udd, { recursive: true, force: true });
  rmSync(join(runDir, 'extensions'), { recursive: true, force: true });
  for (const d of [join(udd, 'User'), join(xdg, 'config'), join(xdg, 'data'), join(xdg, 'cache'), join(runDir, 'extensions')]) mkdirSync(d, { recursive: true });
  // Telemetry, AI features, update checks, tips and workspace trust off: nothing on screen but the workbench.
  // Auto save off, as on the desktop: VS Code for the browser saves a second after each change by default, which
  // made the tests' "changed but not saved" checks race it (CI caught the text editor's edit saved).
  copyFileSync(join(HERE, 'settings.json'), join(udd, 'User', 'settings.json'));
  if (vsix) {
    // As a user installs a VSIX: `code-server --install-extension`, into this run's own extensions folder.
    const t0 = Date.now();
    const r = spawnSync(paths.node, [paths.codeServerEntry, '--install-extension', vsix, '--extensions-dir', join(runDir, 'extensions'), '--user-data-dir', udd], {
      encoding: 'utf8',
      env: { ...process.env, XDG_CONFIG_HOME: join(xdg, 'config'), XDG_DATA_HOME: join(xdg, 'data'), XDG_CACHE_HOME: join(xdg, 'cache') },
      timeout: 180_000,
    });
    if (r.status !== 0) throw new Error(`code-server --install-extension ${vsix} failed (${r.status}): ${r.stdout}${r.stderr}`);
    log(`installed ${vsix} in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${r.stdout.trim().split('\n').at(-1)}`);
  }
  const logFile = join(runDir, 'code-server.log');
  const out = createWriteStream(logFile);
  const args = [
    paths.codeServerEntry,
    '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none',
    '--config', join(runDir, 'config.yaml'),
    '--user-data-dir', udd, '--extensions-dir', join(runDir, 'extensions'),
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override',
    '--ignore-last-opened',
    // Without the smoke-test driver, code-server ignores the URL payload (extensionDevelopmentPath, extensionTestsPath).
    '--vscode-option', 'enable-smoke-test-driver',
  ];
  const child = spawn(paths.node, args, {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      PATH: `${paths.nodeBin}:${process.env.PATH}`,
      // Otherwise code-server writes into the home folder.
      XDG_CONFIG_HOME: join(xdg, 'config'),
      XDG_DATA_HOME: join(xdg, 'data'),
      XDG_CACHE_HOME: join(xdg, 'cache'),
      // A closed loopback port: it never looks up open-vsx.org (unreachable on CI anyway, and slow to time out).
      EXTENSIONS_GALLERY: JSON.stringify({ serviceUrl: 'https://127.0.0.1:9/gallery', itemUrl: 'https://127.0.0.1:9/item' }),
    },
  });
  child.stdout.pipe(out);
  child.stderr.pipe(out);
  let exited = null;
  const exit = new Promise((r) => child.once('exit', (code, signal) => { exited = { code, signal }; r(exited); }));
  const baseUrl = `http://127.0.0.1:${port}`;

  const stop = async () => {
    if (!exited) {
      // SIGTERM to the whole group, SIGKILL to whatever is left after 5 s: no orphan extension hosts.
      try { process.kill(-child.pid, 'SIGTERM'); } catch {}
      await Promise.race([exit, new Promise((r) => setTimeout(r, 5000))]);
    }
    try { process.kill(-child.pid, 'SIGKILL'); } catch {}
    out.end();
  };

  const t0 = Date.now();
  for (;;) {
    if (exited) throw new Error(`code-server exited (${JSON.stringify(exited)}) before it was ready; see ${logFile}`);
    if (Date.now() - t0 > 60_000) { await stop(); throw new Error(`code-server not ready after 60 s; see ${logFile}`); }
    const ok = await fetch(`${baseUrl}/healthz`).then((r) => r.ok, () => false);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  log(`code-server ready on ${baseUrl} in ${((Date.now() - t0) / 1000).toFixed(1)} s (pid ${child.pid})`);

  return {
    port,
    baseUrl,
    pid: child.pid,
    logFile,
    /** The user settings file (copied from test/vscode/settings.json before start). */
    settingsFile: join(udd, 'User', 'settings.json'),
    /**
     * The workbench URL opening `folder`, with our extension loaded from the repository folder (no VSIX) and,
     * given `testsPath`, the extension tests run in the extension host, as @vscode/test-electron does.
     * `env` reaches the extension host's process.env; `openFile` is opened on start; `extensionPath: null`
     * loads no extension from a folder (an installed VSIX then).
     */
    workbenchUrl({ folder, extensionPath = ROOT, testsPath, env, openFile } = {}) {
      const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
      const payload = extensionPath ? [['extensionDevelopmentPath', remote(extensionPath)]] : [];
      // A file the workbench opens on start, in its default editor.
      if (openFile) payload.push(['openFile', remote(openFile)]);
      if (testsPath) payload.push(['extensionTestsPath', remote(testsPath)]);
      if (env) payload.push(['extensionEnvironment', JSON.stringify(env)]);
      return `${baseUrl}/?${folder ? `folder=${encodeURIComponent(folder)}&` : ''}payload=${encodeURIComponent(JSON.stringify(payload))}`;
    },
    stop,
  };
}

/**
 * Runs `cleanup` on Ctrl-C, SIGTERM or SIGHUP, then exits 130: code-server runs in its own process group, so
 * it would outlive this process otherwise. Returns the function that removes the handlers.
 */
export function onInterrupt(cleanup, log = (m) => console.log(m)) {
  const handler = (sig) => {
    log(`${sig}: stopping code-server and Chromium`);
    Promise.resolve(cleanup()).finally(() => process.exit(130));
  };
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.once(sig, handler);
  return () => {
    for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.off(sig, handler);
  };
}

/**
 * Debian's Chromium through playwright-core (never `npx playwright install`): a fresh profile under
 * `runDir`, removed by close().
 */
export async function launchBrowser({ runDir = join(CACHE, 'run'), viewport = { width: 1400, height: 900 } } = {}) {
  mkdirSync(runDir, { recursive: true });
  const profile = mkdtempSync(join(runDir, 'chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    timeout: 120_000,
    // Our onInterrupt() closes the browser together with code-server; Playwright's own handlers would exit first.
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
    viewport,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async close() {
      await context.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
