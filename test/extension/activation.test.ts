// Activation stays light: VS Code counts the loading of dist/extension.js and the activate() call as the
// extension's activation time (Running Extensions), so the bundle must not carry the engine (node-forge, ajv,
// dagre, the debug adapter), activate() must not load dist/engine.js, and every contributed command must
// still be registered by the time activate() returns. The engine loads on first use. Runs the built bundle
// against a stand-in `vscode` module (the real VS Code figures: bench/activation.mjs, test/vscode/ui-ship.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import Module from 'node:module';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../../..');
const EXTENSION = join(ROOT, 'dist', 'extension.js');
const ENGINE = join(ROOT, 'dist', 'engine.js');

/** A stand-in for any part of the vscode API: callable, constructible, every property another stand-in; not a thenable. */
function standIn(): any {
  const handler: ProxyHandler<any> = {
    get: (_t, p) => (p === 'then' || p === Symbol.toPrimitive ? undefined : p === Symbol.iterator ? function* () {} : standIn()),
    set: () => true,
    apply: () => standIn(),
    construct: () => standIn(),
  };
  return new Proxy(function () {}, handler);
}

test('activation events: only what VS Code cannot derive from contributes', () => {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  // workspaceContains: the Problems panel lists the workspace's process files without one being opened.
  // onDebugResolve:oftp2: F5 from a launch.json (debuggers get no implicit event). Commands, the custom editor,
  // the trace view and the walkthrough activate through the events VS Code derives from their contributions.
  assert.deepEqual(manifest.activationEvents, ['workspaceContains:**/*.oftp2.json', 'onDebugResolve:oftp2']);
  assert.ok(manifest.engines.vscode.match(/\^1\.(\d+)/) && Number(manifest.engines.vscode.match(/\^1\.(\d+)/)[1]) >= 74, 'implicit activation events need VS Code 1.74+');
});

test('activate() registers every contributed command without loading the engine; a command loads it', async () => {
  assert.ok(existsSync(EXTENSION) && existsSync(ENGINE), 'dist/extension.js and dist/engine.js: run npm run build');
  const bundle = readFileSync(EXTENSION, 'utf8');
  assert.ok(statSync(EXTENSION).size < 150_000, `dist/extension.js is ${statSync(EXTENSION).size} bytes`);
  for (const heavy of ['node-forge', 'node_modules/ajv', '@dagrejs', '@vscode/debugadapter']) assert.ok(!bundle.includes(heavy), `${heavy} is bundled into dist/extension.js`);
  assert.match(bundle, /require\("\.\/engine\.js"\)/, 'the engine is required at run time from beside the bundle');

  const handlers = new Map<string, (...args: unknown[]) => unknown>();
  const commands = new Proxy(standIn(), {
    get: (t, p) => (p === 'registerCommand' ? (id: string, fn: (...args: unknown[]) => unknown) => (handlers.set(id, fn), standIn()) : t[p]),
  });
  // The bundle copies the module's own properties (esbuild's import * as vscode): name the namespaces it uses.
  const fake: Record<string, unknown> = { commands };
  for (const name of ['window', 'workspace', 'languages', 'debug', 'l10n', 'env', 'extensions', 'Uri', 'EventEmitter', 'Disposable', 'StatusBarAlignment', 'ViewColumn', 'ProgressLocation', 'DebugAdapterInlineImplementation', 'DebugConfigurationProviderTriggerKind', 'TabInputCustom', 'TabInputText', 'Range', 'Position', 'Location', 'Selection', 'SourceBreakpoint', 'Diagnostic', 'DiagnosticSeverity', 'EndOfLine', 'TextEditorRevealType', 'WorkspaceEdit', 'ConfigurationTarget', 'RelativePattern', 'ThemeIcon', 'MarkdownString']) fake[name] = standIn();
  const load = (Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown })._load;
  (Module as unknown as { _load: unknown })._load = function (request: string, ...rest: unknown[]) {
    return request === 'vscode' ? fake : load.call(this, request, ...rest);
  };
  try {
    const t0 = process.hrtime.bigint();
    const extension = require(EXTENSION) as { activate(context: unknown): unknown };
    const context = { subscriptions: [] as unknown[], secrets: { get: async () => undefined, store: async () => undefined }, workspaceState: standIn(), globalState: standIn(), extensionUri: standIn(), extensionPath: ROOT };
    extension.activate(context);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    console.log(`require + activate of dist/extension.js against a stand-in vscode: ${ms.toFixed(1)} ms`);
    assert.equal(require.cache[ENGINE], undefined, 'dist/engine.js was loaded during activation');
    const contributed = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).contributes.commands as Array<{ command: string }>).map((c) => c.command);
    assert.deepEqual(contributed.filter((c) => !handlers.has(c)), [], 'contributed commands not registered by activate()');
    // First use: a command that needs the engine loads it (here it then fails on the stand-in file system).
    await Promise.resolve(handlers.get('oftp2.generateCertificates')!(standIn(), ['a'])).catch(() => undefined);
    assert.ok(require.cache[ENGINE], 'Generate Development Certificates loaded dist/engine.js');
  } finally {
    (Module as unknown as { _load: unknown })._load = load;
  }
});
