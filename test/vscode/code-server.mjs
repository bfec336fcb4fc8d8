// Starts code-server isolated on 127.0.0.1 (free port, own user data, extensions and XDG folders, no
// marketplace) and Debian's Chromium through playwright-core; builds workbench URLs that load our extension
// from the repository folder. Used by run.mjs (extension tests) and by UI tests through drive.mjs.
import { spawn } from 'node:child_process';
import { copyFileSync, createWriteStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CACHE, CHROMIUM, ROOT, paths } from './install.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));

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
export async function startCodeServer({ runDir = join(CACHE, 'run'), log = () => {} } = {}) {
  const port = await freePort();
  const udd = join(runDir, 'user-data');
  const xdg = join(runDir, 'xdg');
  rmSync(udd, { recursive: true, force: true });
  rmSync(join(runDir, 'extensions'), { recursive: true, force: true });
  for (const d of [join(udd, 'User'), join(xdg, 'config'), join(xdg, 'data'), join(xdg, 'cache'), join(runDir, 'extensions')]) mkdirSync(d, { recursive: true });
  // Telemetry, AI features, update checks, tips and workspace trust off: nothing on screen but the workbench.
  copyFileSync(join(HERE, 'settings.json'), join(udd, 'User', 'settings.json'));
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
     * `env` reaches the extension host's process.env.
     */
    workbenchUrl({ folder, extensionPath = ROOT, testsPath, env } = {}) {
      const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
      const payload = [['extensionDevelopmentPath', remote(extensionPath)]];
      if (testsPath) payload.push(['extensionTestsPath', remote(testsPath)]);
      if (env) payload.push(['extensionEnvironment', JSON.stringify(env)]);
      return `${baseUrl}/?${folder ? `folder=${encodeURIComponent(folder)}&` : ''}payload=${encodeURIComponent(JSON.stringify(payload))}`;
    },
    stop,
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
