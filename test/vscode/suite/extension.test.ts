// The extension as a user gets it, inside a real VS Code: it activates, registers what its manifest
// contributes, decodes a capture into the OFTP2 output channel, validates process files into the Problems
// panel, opens them in the visual editor and writes development certificates.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { suite, suiteSetup, test } from 'mocha';
import type { ExtensionApi } from '../../../src/vscode/extension';

const EXTENSION_ID = 'oftp2-studio.oftp2-studio';

/** Polls `probe` until it returns a value (not undefined/false) or the time is up. */
async function eventually<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Every file under `dir` (the extension host's log folder is a few levels deep). */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((f) => join(dir, f)).filter((f) => statSync(f).isFile());
}

/**
 * The text of an extension output channel. There is no API to read one: VS Code shows it as a text model
 * with the `output` scheme (synced to the extension host once the panel shows it) and writes it to a log
 * file in the extension host's log folder. Either will do.
 */
function outputChannelText(name: string): string | undefined {
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'output' && decodeURIComponent(d.uri.toString()).includes(name));
  if (doc?.getText()) return doc.getText();
  const logs = process.env.OFTP2_VSCODE_LOGS;
  if (!logs) return undefined;
  const file = filesUnder(logs).find((f) => /output_logging_/.test(f) && new RegExp(`\\d+-${name}\\.log$`).test(f));
  return file ? readFileSync(file, 'utf8') : undefined;
}

suite('OFTP2 Studio in a real VS Code', () => {
  let extension: vscode.Extension<ExtensionApi>;
  let api: ExtensionApi;
  let workspace: vscode.Uri;

  suiteSetup(async () => {
    const found = vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID);
    assert.ok(found, `extension ${EXTENSION_ID} is loaded from the repository folder`);
    extension = found;
    api = await extension.activate();
    workspace = vscode.workspace.workspaceFolders?.[0]?.uri as vscode.Uri;
    assert.ok(workspace, 'a workspace folder (a copy of examples/) is open');
  });

  test('activates and hands out its API', () => {
    assert.equal(extension.isActive, true);
    for (const key of ['diagnostics', 'editor', 'debug', 'trace'] as const) assert.ok(api[key], `api.${key}`);
    console.log(`VS Code ${vscode.version}, uiKind ${vscode.UIKind[vscode.env.uiKind]}, extension host Node ${process.version}`);
  });

  test('registers every command its manifest contributes', async () => {
    const contributed = (extension.packageJSON.contributes.commands as Array<{ command: string }>).map((c) => c.command);
    assert.ok(contributed.includes('oftp2.decodeCapture'));
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((c) => !registered.has(c));
    assert.deepEqual(missing, [], 'contributed but not registered');
  });

  test('Decode Capture writes the decoded OFTP commands to the OFTP2 output channel', async () => {
    const capture = vscode.Uri.joinPath(workspace, 'captures', 'go-client-initiator.hex');
    await vscode.commands.executeCommand('oftp2.decodeCapture', capture);
    const text = await eventually('the decoded capture in the OFTP2 output channel', () => {
      const t = outputChannelText('OFTP2');
      return t && /#2 @65 SFID/.test(t) ? t : undefined;
    });
    // The same first lines the CLI prints for this capture (`oftp2 decode`), one per command.
    assert.match(text, /^#1 @0 SSID OFTP 2\.0, id O0013INITIATOR, password \(blank\), buffer 1024, mode S/m);
    assert.match(text, /^#2 @65 SFID TESTDSN 20261128 0404444406, O0013INITIATOR -> O0013RESPONDER, format U/m);
    assert.doesNotMatch(text, /^error:/m);
  });

  test('a broken process file gets diagnostics in the Problems panel', async () => {
    const broken = vscode.Uri.joinPath(workspace, 'broken.oftp2.json');
    await vscode.workspace.fs.writeFile(broken, Buffer.from('{ "schemaVersion": 1, "name": "" }\n'));
    const diagnostics = await eventually('diagnostics for broken.oftp2.json', () => {
      const d = vscode.languages.getDiagnostics(broken);
      return d.length ? d : undefined;
    });
    assert.ok(diagnostics.every((d) => d.message.length > 0));
    // The shipped examples stay clean: a regression in validation shows up here too.
    const example = vscode.Uri.joinPath(workspace, 'processes', 'inbound-edi.oftp2.json');
    const errors = vscode.languages.getDiagnostics(example).filter((d) => d.severity === vscode.DiagnosticSeverity.Error);
    assert.deepEqual(errors.map((d) => d.message), [], 'errors in examples/processes/inbound-edi.oftp2.json');
    await vscode.workspace.fs.delete(broken);
  });

  test('a process file opens in the visual editor (custom editor webview)', async () => {
    const file = vscode.Uri.joinPath(workspace, 'processes', 'inbound-edi.oftp2.json');
    await vscode.commands.executeCommand('vscode.openWith', file, 'oftp2.processEditor');
    const tab = await eventually('the visual editor tab', () => {
      const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
      return input instanceof vscode.TabInputCustom && input.uri.toString() === file.toString() ? input : undefined;
    });
    assert.equal(tab.viewType, 'oftp2.processEditor');
    await eventually('the editor provider to hold the document', () => api.editor.editorsFor(file).length > 0);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('a process open in a text editor is shown in the visual editor in its place (npm start\'s sample)', async () => {
    const file = vscode.Uri.joinPath(workspace, 'processes', 'inbound-edi.oftp2.json');
    // As VS Code opens a file named at window start before it knows the custom editor: a plain text editor.
    await vscode.window.showTextDocument(file, { preview: false });
    const isText = (t: vscode.Tab) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === file.toString();
    assert.equal(vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter(isText).length, 1, 'the text tab to replace');
    await api.showInVisualEditor(file.fsPath);
    const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs);
    assert.deepEqual(tabs.filter(isText).map((t) => t.label), [], 'the text tab is gone');
    const custom = tabs.filter((t) => t.input instanceof vscode.TabInputCustom && t.input.uri.toString() === file.toString());
    assert.equal(custom.length, 1, 'one visual editor tab');
    assert.equal(custom[0].isActive, true);
    await eventually('the editor provider to hold the document', () => api.editor.editorsFor(file).length > 0);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('Generate Development Certificates writes a CA and each party\'s PEM, key and PKCS#12', async () => {
    const folder = vscode.Uri.joinPath(workspace, 'harness-certs');
    const set = (await vscode.commands.executeCommand('oftp2.generateCertificates', folder, ['our-plant', 'supplier'])) as { dir: string; files: string[] } | undefined;
    assert.ok(set, 'the command returns the written set');
    assert.equal(set.dir, join(folder.fsPath, 'certs'));
    for (const f of ['ca.pem', 'our-plant.pem', 'our-plant.key', 'our-plant.p12', 'supplier.pem', 'supplier.key', 'supplier.p12']) assert.ok(set.files.includes(f), `${f} in ${set.files.join(', ')}`);
    for (const f of set.files) assert.ok(existsSync(join(set.dir, f)), `${f} exists`);
    assert.match(readFileSync(join(folder.fsPath, 'certs', 'ca.pem'), 'utf8'), /^-----BEGIN CERTIFICATE-----/);
  });

  test('Generate Development Certificates never overwrites existing files unasked: the default is a new folder, replacing is a choice', async function () {
    this.timeout(60_000);
    const folder = vscode.Uri.joinPath(workspace, 'harness-certs-again');
    const certs = join(folder.fsPath, 'certs');
    const generate = async (answer: string[]): Promise<{ dir: string } | undefined> => {
      let done = false;
      const running = Promise.resolve(vscode.commands.executeCommand('oftp2.generateCertificates', folder, ['our-plant'])).finally(() => (done = true));
      // Answer the quick pick (if one opens) with the given key presses, as a user would.
      for (let i = 0; !done && i < 50; i++) {
        await new Promise((r) => setTimeout(r, 300));
        if (!done) for (const command of answer) await vscode.commands.executeCommand(command);
      }
      return (await running) as { dir: string } | undefined;
    };
    const first = await generate([]);
    assert.equal(first?.dir, certs);
    const ca = readFileSync(join(certs, 'ca.pem'), 'utf8');
    const key = readFileSync(join(certs, 'our-plant.key'), 'utf8');
    // Again, Enter on the pick: a new folder beside; certs/ untouched.
    const second = await generate(['workbench.action.acceptSelectedQuickOpenItem']);
    assert.equal(second?.dir, join(folder.fsPath, 'certs-2'));
    assert.equal(readFileSync(join(certs, 'ca.pem'), 'utf8'), ca);
    assert.equal(readFileSync(join(certs, 'our-plant.key'), 'utf8'), key);
    assert.ok(existsSync(join(folder.fsPath, 'certs-2', 'our-plant.p12')));
    // Again, choosing "Replace": certs/ gets new files.
    const third = await generate(['workbench.action.quickOpenSelectNext', 'workbench.action.acceptSelectedQuickOpenItem']);
    assert.equal(third?.dir, certs);
    assert.notEqual(readFileSync(join(certs, 'ca.pem'), 'utf8'), ca);
  });
});
