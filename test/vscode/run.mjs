// Runs the extension test suite (test/vscode/suite, compiled to out/test/vscode/suite) inside a real VS Code:
// installs what is missing, starts code-server on a copy of examples/, opens it in Chromium with our
// extension loaded from the repository, waits for the suite's result, and stops everything, also on failure.
// `node test/vscode/run.mjs` prints "VS Code suite: N passed, N failed" and exits 1 on any failure.
import { cpSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import util from 'node:util';
import { CACHE, CODE_SERVER_VERSION, MissingTool, NODE_MAJOR, ROOT, ensureTools } from './install.mjs';
import { claimRunDir, launchBrowser, onInterrupt, startCodeServer } from './code-server.mjs';

const log = (m) => console.log(`[vscode-harness] ${m}`);
const seconds = (t0) => ((Date.now() - t0) / 1000).toFixed(1);
// VS Code's own console chatter in a sandbox without network or AI features: not worth a line each.
const NOISE = /AgentHost|ChatModelSelection|open-vsx|ENOTFOUND|authentication provider|127\.0\.0\.1:9\b|Ignoring the error while validating workspace folder/;

/**
 * Runs the suite; resolves with the counts, never throws (a harness failure counts as one failed test).
 * `skipped` with a reason when the VS Code part did not run (OFTP2_SKIP_VSCODE=1, or tools missing outside CI).
 */
export async function runVscodeSuite({ timeoutMs = Number(process.env.OFTP2_VSCODE_TIMEOUT_MS || 600_000) } = {}) {
  const ci = !!process.env.CI && process.env.CI !== 'false';
  if (process.env.OFTP2_SKIP_VSCODE === '1') {
    if (!ci) return { passed: 0, failed: 0, skipped: 0, skippedReason: 'OFTP2_SKIP_VSCODE=1' };
    log('OFTP2_SKIP_VSCODE=1 is ignored on CI: the VS Code suite always runs there');
  }
  const t0 = Date.now();
  try {
    ensureTools(log);
  } catch (e) {
    if (e instanceof MissingTool && !ci) return { passed: 0, failed: 0, skipped: 0, skippedReason: e.message };
    return harnessFailure(`install: ${e.message}`);
  }
  log(`tools ready in ${seconds(t0)} s (code-server ${CODE_SERVER_VERSION}, Node ${NODE_MAJOR})`);

  const testsPath = join(ROOT, 'out', 'test', 'vscode', 'suite', 'index.js');
  for (const [f, how] of [[join(ROOT, 'dist', 'extension.js'), 'npm run build'], [testsPath, 'npx tsc -p .']]) {
    if (!existsSync(f)) return harnessFailure(`${f} is missing: run ${how} first (npm test and npm run test:vscode do)`);
  }

  const claim = claimRunDir(join(CACHE, 'run'));
  const runDir = claim.dir;
  // A copy of examples/: tests write files into the workspace (certificates, a broken process file).
  const workspace = join(runDir, 'workspace');
  cpSync(join(ROOT, 'examples'), workspace, { recursive: true, filter: (src) => !/[\\/]examples[\\/](received|inbox)([\\/]|$)/.test(src) });
  const resultFile = join(runDir, 'result.json');

  let server;
  let browser;
  let timer;
  const cleanup = async () => {
    clearTimeout(timer);
    await browser?.close();
    await server?.stop();
  };
  // Ctrl-C or a CI kill must not leave code-server, its extension host or Chromium behind.
  const offInterrupt = onInterrupt(cleanup, log);
  const failureScreenshot = async () => {
    const shot = join(CACHE, 'screenshots', 'suite-failure.png');
    mkdirSync(join(CACHE, 'screenshots'), { recursive: true });
    if (await browser?.page.screenshot({ path: shot }).then(() => true, () => false)) log(`screenshot of the workbench: ${shot}`);
  };

  const attempt = async () => {
    server = await startCodeServer({ runDir, log });
    browser = await launchBrowser({ runDir });
    const { page } = browser;
    let resolveExit;
    const exited = new Promise((r) => { resolveExit = r; });
    // VS Code's web workbench calls these when the smoke-test driver is on: the test run's exit code, and the extension host's console.
    await page.exposeFunction('codeAutomationExit', (code) => resolveExit(code));
    await page.exposeFunction('codeAutomationLog', (_type, args) => {
      const line = util.format(...(Array.isArray(args) ? args : [args]));
      if (process.env.OFTP2_VSCODE_VERBOSE || !NOISE.test(line)) console.log(`  [vscode ${seconds(t0)}s] ${line}`);
    });
    const url = server.workbenchUrl({
      folder: workspace,
      testsPath,
      env: {
        OFTP2_VSCODE_RESULT: resultFile,
        OFTP2_VSCODE_LOGS: join(runDir, 'user-data', 'logs'),
        OFTP2_EXPECT_NODE_MAJOR: String(NODE_MAJOR),
        // The example processes' secret references, resolved from the environment as the extension allows.
        OFTP2_SECRET_SUPPLIER_PASSWORD: 'SUPPW',
        OFTP2_SECRET_OEM_AUTO_PASSWORD: 'AUTOPW',
        OFTP2_SECRET_OEM_TRUCKS_PASSWORD: 'TRUCKPW',
        OFTP2_SECRET_OEM_TRUCKS_ENGINEERING_PASSWORD: 'ENGPW',
        OFTP2_SECRET_OUR_PASSWORD: 'OURPW',
        OFTP2_SECRET_ACME_PASSWORD: 'ACMEPW',
        OFTP2_SECRET_BOLT_PASSWORD: 'BOLTPW',
        ...(process.env.OFTP2_VSCODE_GREP ? { OFTP2_VSCODE_GREP: process.env.OFTP2_VSCODE_GREP } : {}),
      },
    });
    const t1 = Date.now();
    // No load-event wait: the result is what counts, and the deadline below bounds it (a loaded 2-core CI box can take over 30 s to load the workbench).
    await page.goto(url, { waitUntil: 'commit', timeout: timeoutMs });
    const code = await exited;
    log(`suite finished in ${seconds(t1)} s after the page opened (exit code ${code})`);
    if (code !== 0) await failureScreenshot();
    if (!existsSync(resultFile)) return harnessFailure(`the suite exited with code ${code} without writing ${resultFile} (did index.js load? see the [vscode] lines above and ${server.logFile})`);
    const result = JSON.parse(readFileSync(resultFile, 'utf8'));
    // Exit code and counts must agree; if not, the run is not trustworthy.
    if ((code === 0) !== (result.failed === 0)) return { ...result, failed: result.failed + 1, failures: [...result.failures, { title: 'harness', error: `exit code ${code} but ${result.failed} failed` }] };
    return result;
  };

  // One deadline for everything from code-server's start to the result, whichever step hangs.
  const deadline = new Promise((r) => { timer = setTimeout(() => r('timeout'), timeoutMs); });
  const running = attempt();
  running.catch(() => {}); // after a timeout, cleanup() makes the pending steps throw: nothing to report then
  try {
    const outcome = await Promise.race([running, deadline]);
    if (outcome !== 'timeout') return outcome;
    await failureScreenshot();
    return harnessFailure(`no result after ${timeoutMs / 1000} s (OFTP2_VSCODE_TIMEOUT_MS); code-server log: ${join(runDir, 'code-server.log')}`);
  } catch (e) {
    await failureScreenshot();
    return harnessFailure(e.stack ?? String(e));
  } finally {
    await cleanup();
    offInterrupt();
    claim.release();
  }
}

function harnessFailure(error) {
  return { passed: 0, failed: 1, skipped: 0, failures: [{ title: 'VS Code harness', error }] };
}

/** One line per failure, then the summary line. */
export function printVscodeResult(r) {
  if (r.skippedReason) {
    console.log(`VS Code suite: SKIPPED (${r.skippedReason})`);
    return;
  }
  for (const f of r.failures ?? []) console.log(`  ✖ ${f.title}\n    ${f.error.split('\n').slice(0, 6).join('\n    ')}`);
  console.log(`VS Code suite: ${r.passed} passed, ${r.failed} failed${r.skipped ? `, ${r.skipped} skipped` : ''}${r.node ? ` (extension host Node ${r.node})` : ''}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const r = await runVscodeSuite();
  printVscodeResult(r);
  process.exit(r.failed ? 1 : 0);
}
