// Extension entry point: the visual process editor, the Problems-panel validation of process files, and the
// commands (new process, open as text / visual editor, arrange steps, set a secret, decode a capture).
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { newProcessText, slug } from '../process/template';
import { ProcessDiagnostics } from './diagnostics';
import type { RunDocument } from '../process/editor-protocol';
import { ProcessEditorProvider, stepRange } from './process-editor';
import { registerDebugger, type DebugEvents } from './debug/register';
import { registerTestClient } from './test-client-command';
import { TracePanel } from './trace-panel';
import { isProcess, processTarget } from './process-target';
import { engine } from './lazy';

/** What tests and other parts of the extension can reach. */
export interface ExtensionApi {
  diagnostics: ProcessDiagnostics;
  editor: ProcessEditorProvider;
  debug: DebugEvents;
  trace: TracePanel;
  /** Shows a process file in the visual editor; a text editor tab of it is replaced in place. */
  showInVisualEditor(file: string): Promise<void>;
}


/** The process file a command is about: its argument, the focused visual editor, or the active text editor. */
export function activate(context: vscode.ExtensionContext): ExtensionApi {
  const output = vscode.window.createOutputChannel('OFTP2');
  const diagnostics = new ProcessDiagnostics(context.secrets);
  const { provider, disposable } = ProcessEditorProvider.register(context, diagnostics);
  diagnostics.schedule(undefined, 0);
  const serverLog = vscode.window.createOutputChannel('OFTP2 Server', { log: true });
  const debug = registerDebugger(context, serverLog);
  const trace = TracePanel.register(context);
  // The canvas counts the documents each step handled during debug runs (and those that failed there), marks
  // where one is paused, and lists each step's latest documents with their properties.
  const runs = new Map<string, { counts: Record<string, number>; failed: Record<string, number>; paused: Set<string>; documents: Record<string, RunDocument[]> }>();
  const properties = new Map<string, Record<string, string>>();
  const runOf = (file: string) => {
    let r = runs.get(file);
    if (!r) runs.set(file, (r = { counts: {}, failed: {}, paused: new Set(), documents: {} }));
    return r;
  };
  const showRun = (file: string): void => {
    const r = runOf(file);
    provider.broadcast(vscode.Uri.file(file), { type: 'runState', counts: r.counts, failed: r.failed, paused: [...r.paused], documents: r.documents });
  };
  /** The document's entry in a step's list, newest first, at most 50 per step. */
  const listAt = (file: string, step: string, document: RunDocument): void => {
    const r = runOf(file);
    const list = (r.documents[step] ?? []).filter((d) => d.id !== document.id);
    r.documents[step] = [document, ...list].slice(0, 50);
  };
  context.subscriptions.push(
    serverLog,
    registerTestClient(context, debug.resolveSecret, debug.servers, () => (r) => trace.append({ ...r, session: `client ${r.session}` })),
    debug.onEvent(({ event, body }) => {
      if (event === 'oftp/trace') {
        trace.append(body);
      } else if (event === 'oftp/listening') {
        for (const file of body.processes as string[]) {
          runs.delete(file);
          showRun(file);
        }
      } else if (event === 'oftp/document-start') {
        // Secrets never reach documents' properties; the list shows what the Variables view shows.
        properties.set(body.document.id, Object.fromEntries(Object.entries(body.document.properties as Record<string, unknown>).map(([k, v]) => [k, String(v)])));
      } else if (event === 'oftp/step') {
        const r = runOf(body.file);
        r.counts[body.step] = (r.counts[body.step] ?? 0) + 1;
        if (body.error) r.failed[body.step] = (r.failed[body.step] ?? 0) + 1;
        r.paused.delete(body.step);
        const props = properties.get(body.document) ?? {};
        listAt(body.file, body.step, { id: body.document, name: props['virtualFileName'] ?? body.document, status: body.error ? 'failed' : 'passed', ...(body.error ? { detail: String(body.error) } : body.output ? { detail: `→ ${body.output}` } : {}), properties: props });
        showRun(body.file);
      } else if (event === 'oftp/paused') {
        const r = runOf(body.file);
        r.paused.add(body.step);
        const id = body.document as string | undefined;
        if (id) {
          const props = properties.get(id) ?? {};
          listAt(body.file, body.step, { id, name: props['virtualFileName'] ?? id, status: 'paused', properties: props });
        }
        showRun(body.file);
      } else if (event === 'oftp/document-end') {
        properties.delete(body.document);
      }
    }),
  );
  context.subscriptions.push(
    output,
    diagnostics,
    disposable,
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (isProcess(e.document.uri) && e.contentChanges.length) diagnostics.schedule(e.document);
    }),
    vscode.workspace.onDidOpenTextDocument((d) => {
      if (isProcess(d.uri)) diagnostics.schedule(d);
    }),

    vscode.commands.registerCommand('oftp2.newProcess', async (folder?: vscode.Uri) => {
      const base = folder ?? vscode.workspace.workspaceFolders?.[0]?.uri;
      if (!base) {
        void vscode.window.showErrorMessage(vscode.l10n.t('OFTP2: open a folder first; a process file lives in the workspace.'));
        return;
      }
      const name = await vscode.window.showInputBox({ title: vscode.l10n.t('New OFTP2 process'), prompt: vscode.l10n.t('Process name'), value: 'Receive files from partner', validateInput: (v) => (v.trim() ? undefined : 'A name is needed') });
      if (!name) return;
      let uri = vscode.Uri.joinPath(base, `${slug(name)}.oftp2.json`);
      for (let n = 2; await exists(uri); n++) uri = vscode.Uri.joinPath(base, `${slug(name)}-${n}.oftp2.json`);
      await vscode.workspace.fs.writeFile(uri, Buffer.from(newProcessText(name.trim())));
      await vscode.commands.executeCommand('vscode.openWith', uri, ProcessEditorProvider.viewType);
    }),
    vscode.commands.registerCommand('oftp2.openAsText', async (uri?: vscode.Uri) => {
      const target = await processTarget(uri);
      if (target) await vscode.commands.executeCommand('vscode.openWith', target, 'default', vscode.ViewColumn.Beside);
    }),
    vscode.commands.registerCommand('oftp2.openVisualEditor', async (uri?: vscode.Uri) => {
      const target = await processTarget(uri);
      if (target) await vscode.commands.executeCommand('vscode.openWith', target, ProcessEditorProvider.viewType);
    }),
    vscode.commands.registerCommand('oftp2.arrangeSteps', async (uri?: vscode.Uri) => {
      const target = await processTarget(uri);
      if (!target) return;
      const document = await vscode.workspace.openTextDocument(target);
      await provider.edit({ document }, { kind: 'arrange' });
      provider.broadcast(target, { type: 'fit' });
    }),
    vscode.commands.registerCommand('oftp2.selectStep', async (uri: string, stepId: string) => {
      const target = vscode.Uri.parse(uri);
      if (!provider.editorsFor(target).length) await vscode.commands.executeCommand('vscode.openWith', target, ProcessEditorProvider.viewType);
      provider.broadcast(target, { type: 'select', ids: [stepId] });
      // A text editor beside shows the step too.
      const document = await vscode.workspace.openTextDocument(target);
      const range = stepRange(document, stepId);
      for (const e of vscode.window.visibleTextEditors) if (range && e.document === document) e.revealRange(range);
    }),
    vscode.commands.registerCommand('oftp2.generateCertificates', async (folder?: vscode.Uri, names?: string[]) => {
      const base = folder ?? vscode.workspace.workspaceFolders?.[0]?.uri;
      if (!base) {
        void vscode.window.showErrorMessage(vscode.l10n.t('OFTP2: open a folder first; certificates are written into it.'));
        return undefined;
      }
      const typed = names?.join(',') ?? (await vscode.window.showInputBox({ title: vscode.l10n.t('OFTP2: development certificates'), prompt: vscode.l10n.t('Names of the parties, comma-separated (ours first)'), value: 'my-company,partner', validateInput: (v) => (/^[A-Za-z0-9._-]+(,[A-Za-z0-9._-]+)*$/.test(v.replace(/\s/g, '')) ? undefined : 'letters, digits, . _ - separated by commas') }));
      if (!typed) return undefined;
      const parties = typed.replace(/\s/g, '').split(',').map((name) => ({ name }));
      const dir = await certificateFolder(base, ['ca.pem', 'ca.key', ...parties.flatMap((p) => [`${p.name}.pem`, `${p.name}.key`, `${p.name}.p12`])]);
      if (!dir) return undefined;
      // The PKCS#12 passphrase goes to secret storage, where process files can refer to it.
      const passphrase = randomBytes(12).toString('base64url');
      await context.secrets.store('dev-certificates-p12', passphrase);
      const set = await engine().writeDevCertificates(dir.fsPath, parties, passphrase);
      diagnostics.schedule();
      void vscode.window.showInformationMessage(vscode.l10n.t('OFTP2: {0} files written to {1} (PKCS#12 passphrase in secret storage as "dev-certificates-p12"). For development only.', set.files.length, vscode.workspace.asRelativePath(dir)));
      return set;
    }),
    vscode.commands.registerCommand('oftp2.setSecret', async (name?: string) => {
      const key = name ?? (await vscode.window.showInputBox({ title: vscode.l10n.t('OFTP2: Set Secret'), prompt: vscode.l10n.t('Secret name, as in {"secret": "NAME"} in a process file'), validateInput: (v) => (/^[A-Za-z0-9._-]+$/.test(v) ? undefined : 'Letters, digits, . _ - only') }));
      if (!key) return;
      const value = await vscode.window.showInputBox({ title: vscode.l10n.t('OFTP2: value of secret "{0}"', key), password: true, prompt: vscode.l10n.t('Stored in VS Code secret storage, never in the process file') });
      if (value === undefined) return;
      await context.secrets.store(key, value);
      diagnostics.schedule();
      void vscode.window.showInformationMessage(vscode.l10n.t('OFTP2: secret "{0}" stored.', key));
    }),
    vscode.commands.registerCommand('oftp2.decodeCapture', async (uri?: vscode.Uri) => {
      const target = uri ?? (await vscode.window.showOpenDialog({ canSelectMany: false, title: vscode.l10n.t('OFTP capture (binary or hex dump)') }))?.[0];
      if (!target) return;
      const bytes = Buffer.from(await vscode.workspace.fs.readFile(target));
      output.clear();
      output.show(true);
      try {
        const { OftpStreamDecoder, readCapture, summarizeCommand } = engine();
        const decoder = new OftpStreamDecoder();
        decoder.push(readCapture(bytes).data, (e) =>
          output.appendLine(`#${e.index} @${e.streamOffset} ${e.decoded.command.type} ${summarizeCommand(e.decoded.command)}`));
        decoder.end();
      } catch (e) {
        output.appendLine(`error: ${(e as Error).message}`);
        void vscode.window.showErrorMessage(vscode.l10n.t('OFTP2: {0}', (e as Error).message));
      }
    }),
  );
  // `npm start` names its sample (see showInVisualEditor). The variable reaches every window of that VS Code:
  // only the one with the sample's folder shows it.
  const startFile = process.env.OFTP2_STUDIO_OPEN;
  if (startFile && vscode.workspace.getWorkspaceFolder(vscode.Uri.file(startFile))) {
    void exists(vscode.Uri.file(startFile)).then((found) => (found ? showInVisualEditor(startFile) : undefined));
  }
  return { diagnostics, editor: provider, debug, trace, showInVisualEditor };
}

/**
 * Shows a process file in the visual editor, in place of a text editor tab of it. `npm start` names its sample in
 * OFTP2_STUDIO_OPEN for this: VS Code opens a file named at window start before it has read the extensions'
 * custom editors on a fresh profile, so the sample may already sit in a text editor.
 */
async function showInVisualEditor(file: string): Promise<void> {
  const uri = vscode.Uri.file(file);
  const textTabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === uri.toString());
  const column = textTabs[0]?.group.viewColumn;
  await vscode.commands.executeCommand('vscode.openWith', uri, ProcessEditorProvider.viewType, { viewColumn: column, preview: false });
  if (textTabs.length) await vscode.window.tabGroups.close(textTabs);
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

/**
 * Where development certificates go: certs/, unless files of the same names are there already (perhaps the
 * partner's real ones). Then the user picks: a new folder beside it (the default, nothing lost) or replacing.
 */
async function certificateFolder(base: vscode.Uri, names: string[]): Promise<vscode.Uri | undefined> {
  const certs = vscode.Uri.joinPath(base, 'certs');
  const taken = [];
  for (const name of names) if (await exists(vscode.Uri.joinPath(certs, name))) taken.push(name);
  if (!taken.length) return certs;
  let n = 2;
  while (n < 1000 && (await exists(vscode.Uri.joinPath(base, `certs-${n}`)))) n++;
  const fresh = vscode.Uri.joinPath(base, `certs-${n}`);
  const choice = await vscode.window.showQuickPick(
    [
      { label: vscode.l10n.t('Write them into certs-{0}/', n), description: vscode.l10n.t('keep the files in certs/'), dir: fresh },
      { label: vscode.l10n.t('Replace the files in certs/'), description: taken.join(', '), dir: certs },
    ],
    { title: vscode.l10n.t('OFTP2: certs/ already holds {0}', taken.join(', ')), placeHolder: vscode.l10n.t('Where should the development certificates go?') },
  );
  return choice?.dir;
}

export function deactivate(): void {}
