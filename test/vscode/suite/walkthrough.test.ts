// The getting-started walkthrough (contributes.walkthroughs) as the manifest declares it, followed in a real
// VS Code: each step's description has a command link; the test runs that link as the Welcome page does
// (`command:ID`), answers its prompts with their defaults as a user pressing Enter would
// (workbench.action.acceptSelectedQuickOpenItem), and checks the effect the step promises: a process file
// written and open in the visual editor; partner IDs set through the editor's edit operations; development
// certificates written; the debug server listening; a test file sent with its EERP back and stored by the
// process; the Session Trace panel on screen with the session's rows. It also checks that each step's
// completion event is the one its link triggers, so VS Code ticks it off.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { suite, suiteSetup, suiteTeardown, test } from 'mocha';
import type { ExtensionApi } from '../../../src/vscode/extension';

const EXTENSION_ID = 'oftp2-studio.oftp2-studio';

interface WalkthroughStep {
  id: string;
  title: string;
  description: string;
  media: { markdown?: string };
  completionEvents?: string[];
}

async function eventually<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The `command:ID` or `command:ID?[args]` link of a step's description (the Welcome page renders it as a button). */
function commandLink(step: WalkthroughStep): { command: string; args: unknown[] } {
  const m = /\]\(command:([\w.]+)(?:\?([^)]*))?\)/.exec(step.description);
  assert.ok(m, `step "${step.id}" has a command link in its description: ${step.description}`);
  const args = m[2] ? JSON.parse(decodeURIComponent(m[2])) : [];
  return { command: m[1]!, args: Array.isArray(args) ? args : [args] };
}

/**
 * Runs a step's link as the Welcome page does and answers every prompt it opens with its default (the
 * pre-filled value, the first or last-used item), as a user pressing Enter: VS Code's quick input accept
 * command, repeated until the command finishes.
 */
async function follow(link: { command: string; args: unknown[] }, ms = 90_000): Promise<unknown> {
  let done = false;
  const running = Promise.resolve(vscode.commands.executeCommand(link.command, ...link.args)).finally(() => (done = true));
  const end = Date.now() + ms;
  while (!done) {
    if (Date.now() > end) {
      await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
      throw new Error(`${link.command} still running after ${ms / 1000} s of answering its prompts with their defaults`);
    }
    await new Promise((r) => setTimeout(r, 400));
    if (!done) await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
  }
  return running;
}

suite('Walkthrough: Get started with OFTP2 Studio, step by step', () => {
  let api: ExtensionApi;
  let extension: vscode.Extension<ExtensionApi>;
  let workspace: vscode.Uri;
  let steps: WalkthroughStep[];
  let processUri: vscode.Uri;
  let certsBackup: string;
  let certsBefore: string[] = [];
  let port = 0;
  const started = Date.now();
  const stepNamed = (id: string): WalkthroughStep => {
    const s = steps.find((x) => x.id === id);
    assert.ok(s, `walkthrough step "${id}"`);
    return s;
  };
  const secrets = { OFTP2_SECRET_MY_COMPANY_PASSWORD: 'WALKCO', OFTP2_SECRET_PARTNER_PASSWORD: 'WALKPW' };

  suiteSetup(async function () {
    this.timeout(60_000);
    extension = vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID)!;
    api = await extension.activate();
    workspace = vscode.workspace.workspaceFolders![0]!.uri;
    // The walkthrough as VS Code reads it: the manifest, its %keys% from package.nls.json.
    const nls = JSON.parse(readFileSync(join(extension.extensionPath, 'package.nls.json'), 'utf8')) as Record<string, string>;
    const text = (s: string): string => s.replace(/^%(.+)%$/, (_, k: string) => nls[k] ?? s);
    const walkthroughs = extension.packageJSON.contributes.walkthroughs as Array<{ id: string; steps: WalkthroughStep[] }>;
    assert.equal(walkthroughs.length, 1);
    steps = walkthroughs[0]!.steps.map((s) => ({ ...s, title: text(s.title), description: text(s.description) }));
    // A free port for F5 (other runs share this machine), and the new process's passwords the way the
    // debugger and test client also take them (OFTP2_SECRET_*, beside secret storage).
    await vscode.workspace.getConfiguration('oftp2.server').update('port', 0, vscode.ConfigurationTarget.Workspace);
    Object.assign(process.env, secrets);
    // The certificates step writes into the workspace's certs/, where the examples keep theirs: put them back afterwards.
    certsBackup = mkdtempSync(join(tmpdir(), 'oftp2-walkthrough-certs-'));
    certsBefore = readdirSync(workspace.fsPath);
    if (existsSync(join(workspace.fsPath, 'certs'))) cpSync(join(workspace.fsPath, 'certs'), certsBackup, { recursive: true });
  });

  suiteTeardown(async function () {
    this.timeout(60_000);
    if (vscode.debug.activeDebugSession) await vscode.debug.stopDebugging();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.getConfiguration('oftp2.server').update('port', undefined, vscode.ConfigurationTarget.Workspace);
    for (const k of Object.keys(secrets)) delete process.env[k];
    if (processUri) await vscode.workspace.fs.delete(processUri).then(undefined, () => undefined);
    rmSync(join(workspace.fsPath, 'received', 'O0013WALKPARTNER'), { recursive: true, force: true });
    for (const f of ['my-company.pem', 'my-company.key', 'my-company.p12', 'partner.pem', 'partner.key', 'partner.p12']) rmSync(join(workspace.fsPath, 'certs', f), { force: true });
    if (!certsBefore.includes('certs-2')) rmSync(join(workspace.fsPath, 'certs-2'), { recursive: true, force: true });
    cpSync(certsBackup, join(workspace.fsPath, 'certs'), { recursive: true });
    rmSync(certsBackup, { recursive: true, force: true });
  });

  test('the manifest: six steps, each with its page, a command link to a registered command, and the completion event that link fires', async () => {
    assert.deepEqual(steps.map((s) => s.id), ['create', 'partners', 'certificates', 'debug', 'send', 'trace']);
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const s of steps) {
      assert.ok(s.media.markdown && existsSync(join(extension.extensionPath, s.media.markdown)), `${s.id}: page ${s.media.markdown}`);
      const { command } = commandLink(s);
      assert.ok(registered.has(command), `${s.id}: ${command} is registered`);
      // VS Code ticks a step off on one of its completion events (kinds it knows; it skips others with a
      // console error): the link's own command among them.
      const events = s.completionEvents ?? [];
      for (const e of events) assert.match(e, /^(onCommand|onLink|onView|onSettingChanged|onContext|onEvent|onExtensionInstalled|extensionInstalled):.+|^(onStepSelected|stepSelected)$/, `${s.id}: completion event ${e} is not one VS Code knows`);
      assert.ok(events.includes(`onCommand:${command}`), `${s.id}: completion events ${events.join(', ')} do not include onCommand:${command}`);
    }
  });

  test('1. Create a process: the link writes a process file from the template and opens it in the visual editor', async function () {
    this.timeout(120_000);
    const before = new Set(readdirSync(workspace.fsPath));
    await follow(commandLink(stepNamed('create')));
    const created = readdirSync(workspace.fsPath).filter((f) => f.endsWith('.oftp2.json') && !before.has(f));
    assert.deepEqual(created, ['receive-files-from-partner.oftp2.json'], 'one new process file, named after the default name');
    processUri = vscode.Uri.joinPath(workspace, created[0]!);
    const parsed = JSON.parse(readFileSync(processUri.fsPath, 'utf8'));
    assert.equal(parsed.name, 'Receive files from partner');
    assert.equal(parsed.start.startType, 'tradingPartner');
    assert.equal(parsed.start.operation.type, 'oftp2ServerListen');
    const tab = await eventually('the new process in the visual editor', () => {
      const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
      return input instanceof vscode.TabInputCustom && input.uri.toString() === processUri.toString() ? input : undefined;
    });
    assert.equal(tab.viewType, 'oftp2.processEditor');
    await eventually('the editor provider to hold the document', () => api.editor.editorsFor(processUri).length > 0);
  });

  test('2. Set the Odette IDs: the link shows the visual editor; its form\'s edits set My Company and the partner, saved without problems', async function () {
    this.timeout(60_000);
    assert.ok(processUri, 'step 1 created the process');
    await follow(commandLink(stepNamed('partners')));
    await eventually('the visual editor in front', () => {
      const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
      return input instanceof vscode.TabInputCustom && input.uri.toString() === processUri.toString() && input.viewType === 'oftp2.processEditor';
    });
    // What the Start step's form sends when the user types the IDs (edit operations on the document).
    const document = await vscode.workspace.openTextDocument(processUri);
    assert.ok(await api.editor.edit({ document }, { kind: 'setValue', path: ['start', 'myCompany', 'odetteId'], value: 'O0013WALKCO' }));
    assert.ok(await api.editor.edit({ document }, { kind: 'setValue', path: ['start', 'tradingPartners', 0, 'odetteId'], value: 'O0013WALKPARTNER' }));
    assert.ok(await document.save(), 'saved');
    const saved = JSON.parse(readFileSync(processUri.fsPath, 'utf8'));
    assert.equal(saved.start.myCompany.odetteId, 'O0013WALKCO');
    assert.equal(saved.start.tradingPartners[0].odetteId, 'O0013WALKPARTNER');
    assert.deepEqual(saved.start.tradingPartners[0].password, { secret: 'partner-password' }, 'the password stays a secret reference');
    await api.diagnostics.flush();
    const problems = vscode.languages.getDiagnostics(processUri).filter((d) => d.severity <= vscode.DiagnosticSeverity.Warning);
    assert.deepEqual(problems.map((d) => `${d.code && typeof d.code === 'object' ? d.code.value : d.code}: ${d.message}`), [], 'problems in the new process');
  });

  test('3. Generate development certificates: the link writes a CA and each party\'s certificate, key and PKCS#12 into certs/', async function () {
    this.timeout(120_000);
    const set = (await follow(commandLink(stepNamed('certificates')))) as { dir: string; files: string[] } | undefined;
    assert.ok(set, 'the command returns what it wrote');
    // The examples keep their certificates in certs/: the default answer writes beside them and leaves them be.
    const hadCerts = existsSync(join(certsBackup, 'ca.pem'));
    assert.equal(set.dir, join(workspace.fsPath, hadCerts ? 'certs-2' : 'certs'));
    if (hadCerts) for (const f of readdirSync(certsBackup)) assert.deepEqual(readFileSync(join(workspace.fsPath, 'certs', f)), readFileSync(join(certsBackup, f)), `certs/${f} untouched`);
    assert.deepEqual([...set.files].sort(), ['ca.key', 'ca.pem', 'my-company.key', 'my-company.p12', 'my-company.pem', 'partner.key', 'partner.p12', 'partner.pem']);
    for (const f of set.files) {
      const path = join(set.dir, f);
      assert.ok(statSync(path).mtimeMs >= started, `${f} written now`);
    }
    assert.match(readFileSync(join(set.dir, 'my-company.pem'), 'utf8'), /^-----BEGIN CERTIFICATE-----/);
    assert.match(readFileSync(join(set.dir, 'partner.key'), 'utf8'), /-----BEGIN (RSA |EC )?PRIVATE KEY-----/);
  });

  test('4. Press F5: the link starts a debug session of the process, its embedded server listening', async function () {
    this.timeout(90_000);
    const listening = new Promise<{ port: number; processes: string[] }>((resolve) => {
      const sub = api.debug.onEvent(({ event, body }) => {
        if (event === 'oftp/listening') {
          sub.dispose();
          resolve(body);
        }
      });
    });
    const startedSession = (await follow(commandLink(stepNamed('debug')))) as boolean;
    assert.equal(startedSession, true, 'the debug session starts');
    const body = await Promise.race([listening, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no oftp/listening event after 60 s')), 60_000))]);
    assert.deepEqual(body.processes, [processUri.fsPath]);
    port = body.port;
    assert.ok(port > 0);
    assert.equal(vscode.debug.activeDebugSession?.type, 'oftp2');
    assert.ok(api.debug.servers.list().some((s) => s.port === port), 'the test client lists the debug server');
  });

  test('5. Send a test file: played as the partner, the file reaches the process and its EERP comes back', async function () {
    this.timeout(150_000);
    assert.ok(port, 'step 4 started the server');
    const file = join(workspace.fsPath, 'files', 'DELFOR_OEMAUTO.edi');
    // The link asks four things (partner, file, server, options). First with the answers given (the form the
    // command also takes), so the choices are remembered...
    const first = (await vscode.commands.executeCommand('oftp2.sendTestFile', { file, host: '127.0.0.1', port, processFile: processUri.fsPath, partner: 'O0013WALKPARTNER', datasetName: 'WALKTHROUGH.1' })) as { ok: boolean; message: string } | undefined;
    assert.ok(first?.ok, first?.message);
    assert.match(first.message, /EERP/);
    // ...then the link itself, each prompt answered with Enter: the remembered partner, file and options, and
    // the running debug server listed first.
    const again = (await follow(commandLink(stepNamed('send')))) as { ok: boolean; message: string } | undefined;
    assert.ok(again?.ok, again?.message ?? 'the link gave no outcome');
    assert.match(again.message, /EERP/);
    // The process's Disk step stored both (received/${partner}/).
    const stored = await eventually('both files stored by the process', () => {
      const dir = join(workspace.fsPath, 'received', 'O0013WALKPARTNER');
      const names = existsSync(dir) ? readdirSync(dir) : [];
      return names.length === 2 ? names : undefined;
    });
    for (const name of stored) assert.equal(readFileSync(join(workspace.fsPath, 'received', 'O0013WALKPARTNER', name), 'utf8'), readFileSync(file, 'utf8'));
  });

  test('6. Read the trace: the link shows the Session Trace panel, holding the sessions\' commands', async function () {
    this.timeout(60_000);
    await follow(commandLink(stepNamed('trace')));
    await eventually('the Session Trace panel on screen', () => api.trace.shown);
    const records = api.trace.store.records();
    const commands = new Set(records.map((r) => r.command));
    for (const c of ['SSRM', 'SSID', 'SFID', 'SFPA', 'DATA', 'EFID', 'EFPA', 'EERP', 'ESID']) assert.ok(commands.has(c), `${c} in the trace (${[...commands].join(' ')})`);
    assert.ok(records.some((r) => r.session.startsWith('client ') && r.command === 'EERP'), 'the test client\'s session, EERP included');
    await vscode.debug.stopDebugging();
  });
});
