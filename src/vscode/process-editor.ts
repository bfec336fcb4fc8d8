// The visual process editor: a CustomTextEditorProvider for *.oftp2.json whose text document stays the single
// source of truth (undo/redo, dirty state, hot exit, git diff and a text editor beside all keep working).
// The webview renders what the host parses and asks for changes as operations; the host turns each into a
// minimal text edit. Read-only schemes (git:, merge views) open read-only; unparseable text is never written.
import * as vscode from 'vscode';
import { posix, relative, dirname } from 'node:path';
import type { applyOperation } from '../process/edits';
import type { EditOperation, FromWebviewMessage, ToWebviewMessage } from '../process/editor-protocol';
import type { ProcessFile } from '../process/model';
import { engine } from './lazy';
import type { ProcessDiagnostics } from './diagnostics';

/** Schemes whose documents are views of history or merges: never edited from the canvas. */
const READ_ONLY_SCHEMES = new Set(['git', 'gitlens', 'conflictResolution', 'merge-conflict.conflict-diff', 'review', 'pr', 'vscode-scm', 'output']);

interface OpenEditor {
  document: vscode.TextDocument;
  panel: vscode.WebviewPanel;
  post(message: ToWebviewMessage): void;
}

export class ProcessEditorProvider implements vscode.CustomTextEditorProvider {
  static readonly viewType = 'oftp2.processEditor';
  private readonly open = new Set<OpenEditor>();

  static register(context: vscode.ExtensionContext, diagnostics: ProcessDiagnostics): { provider: ProcessEditorProvider; disposable: vscode.Disposable } {
    const provider = new ProcessEditorProvider(context, diagnostics);
    const disposable = vscode.window.registerCustomEditorProvider(ProcessEditorProvider.viewType, provider, {
      webviewOptions: { retainContextWhenHidden: true },
      supportsMultipleEditorsPerDocument: true,
    });
    return { provider, disposable };
  }

  private constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly diagnostics: ProcessDiagnostics,
  ) {
    context.subscriptions.push(
      diagnostics.onDidChange((uri) => {
        for (const e of this.open) if (e.document.uri.toString() === uri.toString()) this.sendDocument(e);
      }),
      vscode.debug.onDidChangeBreakpoints(() => {
        for (const e of this.open) this.sendBreakpoints(e);
      }),
    );
  }

  /** The editors showing a document (commands act on them). */
  editorsFor(uri: vscode.Uri): OpenEditor[] {
    return [...this.open].filter((e) => e.document.uri.toString() === uri.toString());
  }

  /** The document of the visual editor that has focus, if any. */
  get activeDocument(): vscode.TextDocument | undefined {
    return [...this.open].find((e) => e.panel.active)?.document;
  }

  /** Sends a message to every visual editor of a document (select, fit, run state). */
  broadcast(uri: vscode.Uri, message: ToWebviewMessage): void {
    for (const e of this.editorsFor(uri)) e.post(message);
  }

  async resolveCustomTextEditor(document: vscode.TextDocument, panel: vscode.WebviewPanel): Promise<void> {
    const media = vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'webview');
    panel.webview.options = { enableScripts: true, localResourceRoots: [media] };
    const editor: OpenEditor = { document, panel, post: (m) => void panel.webview.postMessage(m) };
    // The first document goes in the page itself: the canvas draws as soon as the script runs, without
    // waiting for a ready/document round trip through the extension host (a quarter second in code-server).
    panel.webview.html = this.html(panel.webview, media, this.documentMessage(editor));
    this.open.add(editor);
    const subscriptions: vscode.Disposable[] = [
      vscode.workspace.onDidChangeTextDocument((e) => {
        // Empty change events (e.g. dirty flag only) carry nothing to show.
        if (e.document.uri.toString() === document.uri.toString() && e.contentChanges.length) {
          this.sendDocument(editor);
          this.diagnostics.schedule(document);
        }
      }),
      panel.webview.onDidReceiveMessage((m: FromWebviewMessage) => void this.receive(editor, m)),
    ];
    panel.onDidDispose(() => {
      this.open.delete(editor);
      for (const s of subscriptions) s.dispose();
    });
    this.diagnostics.schedule(document);
  }

  private readOnly(document: vscode.TextDocument): boolean {
    return READ_ONLY_SCHEMES.has(document.uri.scheme) || vscode.workspace.fs.isWritableFileSystem(document.uri.scheme) === false;
  }

  private sendDocument(editor: OpenEditor): void {
    editor.post(this.documentMessage(editor));
  }

  private documentMessage(editor: Pick<OpenEditor, 'document'>): Extract<ToWebviewMessage, { type: 'document' }> {
    const { document } = editor;
    const { process, error } = shownProcess(document.getText(), document.uri.fsPath);
    return {
      type: 'document',
      version: document.version,
      ...(process ? { process } : {}),
      ...(error ? { error } : {}),
      diagnostics: this.diagnostics.editorDiagnostics(document.uri),
      readOnly: this.readOnly(document),
      fileName: posix.basename(document.uri.path),
    };
  }

  private sendBreakpoints(editor: OpenEditor): void {
    editor.post({ type: 'breakpoints', ids: stepsWithBreakpoints(editor.document) });
  }

  private async receive(editor: OpenEditor, m: FromWebviewMessage): Promise<void> {
    const { document } = editor;
    switch (m.type) {
      case 'ready':
        this.sendDocument(editor);
        this.sendBreakpoints(editor);
        return;
      case 'edit':
        await this.edit(editor, m.operation);
        return;
      case 'selected':
        revealInTextEditors(document, m.ids);
        return;
      case 'openAsText':
        await vscode.commands.executeCommand('vscode.openWith', document.uri, 'default');
        return;
      case 'pickFile': {
        const picked = await vscode.window.showOpenDialog({
          defaultUri: vscode.Uri.joinPath(document.uri, '..'),
          canSelectFiles: m.purpose !== 'folder',
          canSelectFolders: m.purpose === 'folder',
          canSelectMany: false,
          title: { certificate: 'Certificate (PEM or DER)', privateKey: 'Private key (PEM)', pkcs12: 'PKCS#12 file', folder: 'Folder' }[m.purpose],
          filters: m.purpose === 'certificate' ? { Certificates: ['pem', 'crt', 'cer', 'der'], 'All files': ['*'] } : m.purpose === 'pkcs12' ? { 'PKCS#12': ['p12', 'pfx'] } : m.purpose === 'privateKey' ? { Keys: ['key', 'pem'], 'All files': ['*'] } : {},
        });
        const path = picked?.[0] ? relative(dirname(document.uri.fsPath), picked[0].fsPath).split(/[\\/]/).join('/') : undefined;
        editor.post({ type: 'pickedFile', requestId: m.requestId, ...(path !== undefined ? { path } : {}) });
        return;
      }
      case 'setSecret':
        // The value goes to SecretStorage; the document only ever gets the reference.
        await this.context.secrets.store(m.name, m.value);
        await this.edit(editor, { kind: 'setValue', path: m.path, value: { secret: m.name } });
        return;
      case 'toggleBreakpoint':
        toggleStepBreakpoint(document, m.id);
        return;
      case 'error':
        void vscode.window.showErrorMessage(vscode.l10n.t('OFTP2: {0}', m.message));
        return;
    }
  }

  /** Applies an operation as one minimal workspace edit (one undo step). */
  async edit(editor: Pick<OpenEditor, 'document'> & Partial<Pick<OpenEditor, 'post'>>, operation: EditOperation): Promise<boolean> {
    const { document } = editor;
    if (this.readOnly(document)) {
      void vscode.window.showWarningMessage(vscode.l10n.t('OFTP2: this process is opened read-only.'));
      return false;
    }
    let result: ReturnType<typeof applyOperation>;
    try {
      result = engine().applyOperation(document.getText(), operation, { formatting: formattingOf(document) });
    } catch (e) {
      void vscode.window.showErrorMessage(vscode.l10n.t('OFTP2: {0}', (e as Error).message));
      return false;
    }
    if (!result.edits.length) return true;
    const edit = new vscode.WorkspaceEdit();
    for (const e of result.edits) edit.replace(document.uri, new vscode.Range(document.positionAt(e.offset), document.positionAt(e.offset + e.length)), e.content);
    const ok = await vscode.workspace.applyEdit(edit);
    if (ok && result.selection?.length) editor.post?.({ type: 'select', ids: result.selection });
    return ok;
  }

  private html(webview: vscode.Webview, media: vscode.Uri, initial: ToWebviewMessage): string {
    const nonce = Array.from({ length: 32 }, () => 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'[Math.floor(Math.random() * 62)]).join('');
    const uri = (name: string): string => webview.asWebviewUri(vscode.Uri.joinPath(media, name)).toString();
    const csp = [
      "default-src 'none'",
      `img-src ${webview.cspSource} data:`,
      `font-src ${webview.cspSource}`,
      // React Flow positions nodes through inline style attributes set from script.
      `style-src ${webview.cspSource} 'unsafe-inline'`,
      `script-src 'nonce-${nonce}'`,
    ].join('; ');
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link href="${uri('editor.css')}" rel="stylesheet">
<title>OFTP2 Process</title>
</head>
<body>
<div id="root"></div>
<script type="application/json" id="initial-document">${JSON.stringify(initial).replace(/</g, '\\u003c')}</script>
<script nonce="${nonce}" src="${uri('editor.js')}" data-elements="${uri('elements.js')}"></script>
</body>
</html>`;
  }
}

function formattingOf(document: vscode.TextDocument): { tabSize: number; insertSpaces: boolean; eol: string } {
  const text = document.getText();
  const indent = /\n([ \t]+)\S/.exec(text)?.[1] ?? '  ';
  return { tabSize: indent.startsWith('\t') ? 1 : indent.length, insertSpaces: !indent.startsWith('\t'), eol: document.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n' };
}

/** The range of a step's object in the text: the start step, or steps[i] by id. */
export function stepRange(document: vscode.TextDocument, id: string): vscode.Range | undefined {
  const at = engine().locateStep(document.getText(), id);
  return at ? new vscode.Range(document.positionAt(at.offset), document.positionAt(at.offset + at.length)) : undefined;
}

/** The id of the step whose text holds a line (for breakpoints set in the text). */
export function stepAt(document: vscode.TextDocument, line: number): string | undefined {
  return engine().stepAtLine(document.getText(), line);
}

function stepLine(document: vscode.TextDocument, id: string): number | undefined {
  return stepRange(document, id)?.start.line;
}

function stepsWithBreakpoints(document: vscode.TextDocument): string[] {
  const ids = new Set<string>();
  for (const b of vscode.debug.breakpoints) {
    if (!(b instanceof vscode.SourceBreakpoint) || !b.enabled || b.location.uri.toString() !== document.uri.toString()) continue;
    const id = stepAt(document, b.location.range.start.line);
    if (id) ids.add(id);
  }
  return [...ids];
}

/** Adds a breakpoint on the step's first line, or removes the ones inside the step. */
export function toggleStepBreakpoint(document: vscode.TextDocument, id: string): void {
  const existing = vscode.debug.breakpoints.filter(
    (b): b is vscode.SourceBreakpoint => b instanceof vscode.SourceBreakpoint && b.location.uri.toString() === document.uri.toString() && stepAt(document, b.location.range.start.line) === id,
  );
  if (existing.length) {
    vscode.debug.removeBreakpoints(existing);
    return;
  }
  const line = stepLine(document, id);
  if (line !== undefined) vscode.debug.addBreakpoints([new vscode.SourceBreakpoint(new vscode.Location(document.uri, new vscode.Position(line, 0)))]);
}

function revealInTextEditors(document: vscode.TextDocument, ids: string[]): void {
  const range = ids[0] ? stepRange(document, ids[0]) : undefined;
  if (!range) return;
  for (const editor of vscode.window.visibleTextEditors) {
    if (editor.document.uri.toString() !== document.uri.toString()) continue;
    editor.selection = new vscode.Selection(range.start, range.start);
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }
}

/**
 * The process the canvas shows, or why it cannot. Text that JSON.parse takes as an object is the process: the
 * runtime reads process files with JSON.parse too, so it is what the full parse would give, in a fraction of
 * its time (250 steps: about 1 ms instead of 40-80, on every keystroke in the text beside). Anything else goes
 * through the full parse for its error position.
 */
function shownProcess(text: string, file: string): { process?: ProcessFile; error?: { message: string; line: number; character: number } } {
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === 'object' && !Array.isArray(value)) return { process: value as ProcessFile };
  } catch {
    // Not strict JSON: the full parse says where.
  }
  const parsed = engine().parseProcessText(text, file);
  const syntax = parsed.diagnostics.find((d) => d.code === 'json-syntax');
  if (syntax) return { error: { message: syntax.message, line: syntax.range.start.line, character: syntax.range.start.character } };
  if (parsed.process) return { process: parsed.process };
  const first = parsed.diagnostics[0];
  return { error: { message: first?.message ?? 'this is not an OFTP2 process file', line: first?.range.start.line ?? 0, character: first?.range.start.character ?? 0 } };
}
