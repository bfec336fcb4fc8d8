// `npm start` (after `npm run build`): OFTP2 Studio in a real VS Code, examples/ as the workspace and the sample
// process open in the visual editor.
//
// - Desktop VS Code when `code` is on the PATH: `code --extensionDevelopmentPath=<repo> <repo>/examples <sample>`.
// - Otherwise VS Code for the browser: the test harness's code-server (installed into .vscode-test/ on first
//   use, a few minutes), on 127.0.0.1 at a free port, with the extension loaded from this folder. Prints the
//   address to open and runs until Ctrl-C.
//
// The sample opens in the visual editor: the workbench URL (or `code`'s arguments) names it, and the extension,
// told by OFTP2_STUDIO_OPEN, shows it in the visual editor when it activates. On a fresh profile VS Code may open
// a file named at start before it has read the extension's custom editor, and so in the text editor; the
// extension then replaces that tab. (`workbench.editorAssociations` alone does not prevent it: VS Code waits for
// the extensions only for file patterns it cached in an earlier session of the same profile.)
//
// Options: --web (code-server even when `code` is on the PATH; also OFTP2_START_WEB=1), --workspace DIR (another
// folder than examples/, whose forecasts-and-invoices.oftp2.json then opens; the tests use a copy);
// OFTP2_START_PORT=N fixes code-server's port (default: a free one).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(import.meta.url), '..', '..');
const SAMPLE_NAME = 'forecasts-and-invoices.oftp2.json';
/** The example processes' passwords (examples/README.md), so F5 and Send Test File run without prompts. */
const EXAMPLE_SECRETS = {
  OFTP2_SECRET_SUPPLIER_PASSWORD: 'SUPPW',
  OFTP2_SECRET_OEM_AUTO_PASSWORD: 'AUTOPW',
  OFTP2_SECRET_OEM_TRUCKS_PASSWORD: 'TRUCKPW',
  OFTP2_SECRET_OEM_TRUCKS_ENGINEERING_PASSWORD: 'ENGPW',
};

const args = process.argv.slice(2);
const option = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const web = args.includes('--web') || process.env.OFTP2_START_WEB === '1';
const workspace = resolve(option('--workspace') ?? join(ROOT, 'examples'));
const sample = join(workspace, SAMPLE_NAME);
const log = (m) => console.log(`[start] ${m}`);

if (!existsSync(join(ROOT, 'dist', 'extension.js'))) {
  console.error('[start] dist/extension.js is missing: run `npm run build` first (`npm start` does)');
  process.exit(1);
}
if (!existsSync(sample)) {
  console.error(`[start] ${sample} is missing`);
  process.exit(1);
}
// OFTP2_STUDIO_OPEN: the extension shows the sample in the visual editor once it is up (src/vscode/extension.ts).
const env = { ...EXAMPLE_SECRETS, ...process.env, OFTP2_STUDIO_OPEN: sample };

const desktop = !web && spawnSync('code', ['--version'], { stdio: 'ignore' }).status === 0;
if (desktop) {
  const codeArgs = [`--extensionDevelopmentPath=${ROOT}`, workspace, sample];
  log(`code ${codeArgs.join(' ')}`);
  const child = spawn('code', codeArgs, { stdio: 'inherit', env });
  child.on('exit', (code) => process.exit(code ?? 1));
} else {
  await startWeb();
}

async function startWeb() {
  const { CACHE, MissingTool, ensureTools } = await import('../test/vscode/install.mjs');
  const { claimRunDir, onInterrupt, startCodeServer } = await import('../test/vscode/code-server.mjs');
  log('no desktop `code` on the PATH: VS Code for the browser (code-server); the first start installs it into .vscode-test/ (a few minutes)');
  try {
    ensureTools(log);
  } catch (e) {
    console.error(`[start] ${e.message}`);
    process.exit(e instanceof MissingTool ? 2 : 1);
  }
  const claim = claimRunDir(join(CACHE, 'start'));
  Object.assign(process.env, env);
  const port = process.env.OFTP2_START_PORT ? Number(process.env.OFTP2_START_PORT) : undefined;
  const server = await startCodeServer({ runDir: claim.dir, log, ...(port ? { port } : {}) });
  // Process files open in the visual editor, also those VS Code restores when the page is reloaded. The workbench
  // reads the user settings when the page loads, so before the address is printed is early enough.
  const settings = JSON.parse(readFileSync(server.settingsFile, 'utf8'));
  settings['workbench.editorAssociations'] = { '*.oftp2.json': 'oftp2.processEditor' };
  writeFileSync(server.settingsFile, JSON.stringify(settings, null, 1));
  let watch;
  const stop = async () => {
    clearInterval(watch);
    await server.stop();
    claim.release();
  };
  onInterrupt(stop, log);
  // code-server ended on its own (killed, crashed): say so and stop.
  watch = setInterval(() => {
    try {
      process.kill(server.pid, 0);
    } catch {
      console.error(`[start] code-server exited; its log: ${server.logFile}`);
      void stop().then(() => process.exit(1));
    }
  }, 1000);
  const url = server.workbenchUrl({ folder: workspace, openFile: sample });
  console.log(`\nOFTP2 Studio is running in VS Code for the browser, with ${workspace} as the workspace. Open:\n\n  ${url}\n\n(${SAMPLE_NAME} opens in the visual editor; Ctrl-C stops it)\n`);
}
