// The same extension suite under @vscode/test-electron's runTests, for machines that can download desktop
// VS Code (or have one: OFTP2_VSCODE_EXECUTABLE=/path/to/code). CI machines here cannot reach the download
// host, so this fails there with a message saying so; `npm test` uses code-server instead (run.mjs).
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runTests } from '@vscode/test-electron';
import { CACHE, ROOT } from './install.mjs';

const runDir = join(CACHE, 'electron-run');
rmSync(runDir, { recursive: true, force: true });
mkdirSync(runDir, { recursive: true });
const workspace = join(runDir, 'workspace');
cpSync(join(ROOT, 'examples'), workspace, { recursive: true, filter: (src) => !/[\\/]examples[\\/](received|inbox)([\\/]|$)/.test(src) });
const userData = join(runDir, 'user-data');
const resultFile = join(runDir, 'result.json');
const testsPath = join(ROOT, 'out', 'test', 'vscode', 'suite', 'index.js');
if (!existsSync(testsPath)) {
  console.error(`${testsPath} is missing: run npx tsc -p . first (npm run test:electron does)`);
  process.exit(1);
}

let code;
try {
  code = await runTests({
    ...(process.env.OFTP2_VSCODE_EXECUTABLE ? { vscodeExecutablePath: process.env.OFTP2_VSCODE_EXECUTABLE } : { cachePath: CACHE, timeout: 30_000 }),
    extensionDevelopmentPath: ROOT,
    extensionTestsPath: testsPath,
    launchArgs: [workspace, `--user-data-dir=${userData}`, `--extensions-dir=${join(runDir, 'extensions')}`, '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
    extensionTestsEnv: { OFTP2_VSCODE_RESULT: resultFile, OFTP2_VSCODE_LOGS: join(userData, 'logs') },
  });
} catch (e) {
  const message = String(e?.message ?? e);
  if (!process.env.OFTP2_VSCODE_EXECUTABLE && /download|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|getaddrinfo|update\.code\.visualstudio\.com|fetch failed|socket|timed? ?out/i.test(message)) {
    console.error(`test:electron: could not download desktop VS Code (${message.split('\n')[0]}).`);
    console.error('This is expected on machines without access to update.code.visualstudio.com, such as CI here.');
    console.error('Use `npm run test:vscode` (the same suite in code-server), or point OFTP2_VSCODE_EXECUTABLE at a local VS Code binary.');
  } else {
    console.error(`test:electron failed: ${e?.stack ?? e}`);
  }
  process.exit(1);
}
if (existsSync(resultFile)) {
  const r = JSON.parse(readFileSync(resultFile, 'utf8'));
  for (const f of r.failures) console.log(`  ✖ ${f.title}\n    ${f.error.split('\n').slice(0, 6).join('\n    ')}`);
  console.log(`VS Code suite (test-electron): ${r.passed} passed, ${r.failed} failed${r.skipped ? `, ${r.skipped} skipped` : ''} (extension host Node ${r.node})`);
}
process.exit(code === 0 ? 0 : 1);
