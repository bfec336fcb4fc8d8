// Keeps the Problems panel in step with every process file of the workspace: validates them together (so the
// workspace-wide rule on unique partner credentials holds), with the open documents' unsaved text, and
// hands the visual editor each file's diagnostics with the JSON path of the value they are about.
import * as vscode from 'vscode';
import type { EditorDiagnostic } from '../process/editor-protocol';
import { envSecretResolver } from '../process/secrets';
import { engine } from './lazy';

const PROCESS_GLOB = '**/*.oftp2.json';

export class ProcessDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('oftp2');
  private readonly latest = new Map<string, EditorDiagnostic[]>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  private readonly watcher = vscode.workspace.createFileSystemWatcher(PROCESS_GLOB);
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<void> = Promise.resolve();
  private readonly env = envSecretResolver();
  /** Fires with each file whose diagnostics changed. */
  readonly onDidChange = this.changed.event;

  constructor(private readonly secrets: vscode.SecretStorage) {
    const again = (): void => this.schedule();
    this.watcher.onDidCreate(again);
    this.watcher.onDidChange(again);
    this.watcher.onDidDelete((uri) => {
      this.collection.delete(uri);
      this.latest.delete(uri.toString());
      this.schedule();
    });
  }

  /** Validates again shortly (changes come in bursts while typing). */
  schedule(_document?: vscode.TextDocument, delayMs = 250): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.running = this.running.then(() => this.validateAll()).catch((e) => console.error('OFTP2 validation failed', e));
    }, delayMs);
  }

  /** Validates now; resolves when the Problems panel is up to date (tests and commands wait on it). */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.running = this.running.then(() => this.validateAll());
    }
    await this.running;
  }

  editorDiagnostics(uri: vscode.Uri): EditorDiagnostic[] {
    return this.latest.get(uri.toString()) ?? [];
  }

  private async validateAll(): Promise<void> {
    const uris = await vscode.workspace.findFiles(PROCESS_GLOB, '**/node_modules/**');
    const open = new Map(vscode.workspace.textDocuments.filter((d) => d.uri.path.endsWith('.oftp2.json')).map((d) => [d.uri.toString(), d]));
    const all = new Map<string, vscode.Uri>(uris.map((u) => [u.toString(), u]));
    for (const d of open.values()) if (d.uri.scheme === 'file' || d.uri.scheme === 'untitled') all.set(d.uri.toString(), d.uri);
    const files = await Promise.all(
      [...all.values()].map(async (uri) => ({
        uri,
        file: uri.fsPath,
        text: open.get(uri.toString())?.getText() ?? Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8'),
      })),
    );
    const { validateWorkspace, getLocation } = engine();
    const diagnostics = await validateWorkspace(files.map(({ file, text }) => ({ file, text })), {
      checkFiles: true,
      // The same order as the debugger (SecretStorage, then OFTP2_SECRET_* variables), without its prompt:
      // otherwise the Problems panel calls a secret missing that a debug run resolves.
      resolveSecret: async (name: string) => (await this.secrets.get(name)) ?? (await this.env(name)),
    });
    const byFile = new Map<string, typeof diagnostics>();
    for (const d of diagnostics) byFile.set(d.file, [...(byFile.get(d.file) ?? []), d]);
    for (const { uri, file, text } of files) {
      const list = byFile.get(file) ?? [];
      const lineStarts = lineOffsets(text);
      const withPaths: EditorDiagnostic[] = list.map((d) => ({ ...d, path: getLocation(text, (lineStarts[d.range.start.line] ?? 0) + d.range.start.character).path }));
      // Unchanged problems (most edits: a move, a rename) need no new Problems entries, and the visual
      // editors need no second copy of a document they were just sent.
      const previous = this.latest.get(uri.toString());
      if (previous && JSON.stringify(previous) === JSON.stringify(withPaths)) continue;
      this.latest.set(uri.toString(), withPaths);
      this.collection.set(uri, list.map((d) => toVsDiagnostic(uri, d)));
      this.changed.fire(uri);
    }
  }

  dispose(): void {
    this.collection.dispose();
    this.watcher.dispose();
    this.changed.dispose();
    if (this.timer) clearTimeout(this.timer);
  }
}

function lineOffsets(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

function toVsDiagnostic(uri: vscode.Uri, d: EditorDiagnostic): vscode.Diagnostic {
  const range = new vscode.Range(d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character);
  const severity = d.severity === 'error' ? vscode.DiagnosticSeverity.Error : d.severity === 'warning' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Information;
  const diagnostic = new vscode.Diagnostic(range, d.message, severity);
  diagnostic.source = 'oftp2';
  // The code links to the step on the canvas: clicking it in the Problems panel selects the step.
  diagnostic.code = d.stepId
    ? { value: d.code, target: vscode.Uri.parse(`command:oftp2.selectStep?${encodeURIComponent(JSON.stringify([uri.toString(), d.stepId]))}`) }
    : d.code;
  return diagnostic;
}
