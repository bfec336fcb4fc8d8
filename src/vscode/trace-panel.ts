// The Session Trace panel (a webview view in the panel area): every OFTP2 command of debug runs and test-client
// sessions, decoded, filtered and paired. The host keeps the records (TraceStore) and the filtered view; the
// webview asks for the rows it shows. Saves to and opens `.oftptrace` files.
import * as vscode from 'vscode';
import type { TraceRecord } from '../oftp/trace';
import { TRACE_PAGE, tracePageAt, type TraceAt, type TraceFromWebview, type TraceRowView, type TraceToWebview } from '../oftp/trace-protocol';
import { TraceStore, type TraceFilter, type TraceRow } from '../oftp/trace-store';
import { engine } from './lazy';

export class TracePanel implements vscode.WebviewViewProvider {
  static readonly viewId = 'oftp2.trace';
  readonly store = new TraceStore();
  private view: vscode.WebviewView | undefined;
  private filter: TraceFilter = {};
  /** Store indices of the rows that pass the filter. */
  private visible: number[] = [];
  private pending = false;
  private source: string | undefined;

  constructor(private readonly context: vscode.ExtensionContext) {}

  /** Whether the panel's view is on screen (resolved and visible). */
  get shown(): boolean {
    return !!this.view?.visible;
  }

  static register(context: vscode.ExtensionContext): TracePanel {
    const panel = new TracePanel(context);
    context.subscriptions.push(
      vscode.window.registerWebviewViewProvider(TracePanel.viewId, panel, { webviewOptions: { retainContextWhenHidden: false } }),
      vscode.commands.registerCommand('oftp2.openTrace', (uri?: vscode.Uri) => panel.open(uri)),
      vscode.commands.registerCommand('oftp2.exportTrace', () => panel.export()),
      vscode.commands.registerCommand('oftp2.clearTrace', () => panel.clear()),
      vscode.commands.registerCommand('oftp2.showTrace', () => vscode.commands.executeCommand(`${TracePanel.viewId}.focus`)),
    );
    return panel;
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    const media = vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'webview');
    view.webview.options = { enableScripts: true, localResourceRoots: [media] };
    view.webview.html = html(view.webview, media);
    view.webview.onDidReceiveMessage((m: TraceFromWebview) => this.receive(m));
    view.onDidDispose(() => (this.view = undefined));
  }

  /** Adds a record (debug sessions, test client); the webview hears about new rows at most every 100 ms. */
  append(record: TraceRecord): void {
    const row = this.store.append(record);
    if (this.store.matches(row.index, this.filter)) this.visible.push(row.index);
    if (this.pending) return;
    this.pending = true;
    setTimeout(() => {
      this.pending = false;
      this.post({ type: 'appended', total: this.visible.length, all: this.store.size, facets: this.store.facets() });
    }, 100);
  }

  clear(): void {
    this.store.clear();
    this.source = undefined;
    this.refilter();
  }

  async open(uri?: vscode.Uri): Promise<void> {
    const target = uri ?? (await vscode.window.showOpenDialog({ title: vscode.l10n.t('Open OFTP2 trace'), filters: { 'OFTP2 trace': ['oftptrace'], 'JSON lines (oftp2 --trace)': ['jsonl', 'json'] }, canSelectMany: false }))?.[0];
    if (!target) return;
    const text = Buffer.from(await vscode.workspace.fs.readFile(target)).toString('utf8');
    const { parseTrace, parseJsonLines } = engine();
    const { records, errors } = target.path.endsWith('.oftptrace') ? parseTrace(text) : parseJsonLines(text);
    this.store.clear();
    for (const r of records) this.store.append(r);
    this.source = vscode.workspace.asRelativePath(target);
    this.refilter();
    await vscode.commands.executeCommand(`${TracePanel.viewId}.focus`);
    if (errors.length) void vscode.window.showWarningMessage(vscode.l10n.t('OFTP2: {0} damaged record(s) skipped in {1}; first at line {2}: {3}', errors.length, this.source, errors[0]!.line, errors[0]!.message));
  }

  async export(): Promise<void> {
    if (!this.store.size) {
      void vscode.window.showInformationMessage(vscode.l10n.t('OFTP2: the trace is empty.'));
      return;
    }
    const target = await vscode.window.showSaveDialog({ title: vscode.l10n.t('Save OFTP2 trace'), filters: { 'OFTP2 trace': ['oftptrace'] }, defaultUri: vscode.Uri.joinPath(vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file('.'), `session-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')}.oftptrace`) });
    if (!target) return;
    await vscode.workspace.fs.writeFile(target, Buffer.from(engine().formatTrace(this.store.records())));
    void vscode.window.showInformationMessage(vscode.l10n.t('OFTP2: {0} trace records saved to {1}.', this.store.size, vscode.workspace.asRelativePath(target)));
  }

  private refilter(at?: TraceAt): void {
    this.visible = this.store.query(this.filter);
    const start = at === undefined ? undefined : tracePageAt(this.visible.length, at);
    const page = start === undefined ? undefined : { start, rows: this.rows(start, TRACE_PAGE) };
    this.post({ type: 'reset', total: this.visible.length, all: this.store.size, facets: this.store.facets(), filter: this.filter, ...(this.source ? { source: this.source } : {}), ...(page ? { page } : {}) });
  }

  private rows(start: number, count: number): TraceRowView[] {
    return this.visible.slice(start, start + Math.min(count, 500)).map((i) => view(this.store.row(i)!));
  }

  private receive(m: TraceFromWebview): void {
    switch (m.type) {
      case 'ready':
        this.refilter(m.at);
        return;
      case 'filter':
        this.filter = m.filter;
        this.refilter(m.at);
        return;
      case 'page':
        this.post({ type: 'rows', start: m.start, rows: this.rows(m.start, m.count) });
        return;
      case 'select':
      case 'reveal': {
        const row = this.store.row(m.index);
        if (!row) return;
        const position = this.visible.indexOf(m.index);
        const pair = row.pair !== undefined ? this.store.row(row.pair) : undefined;
        this.post({ type: 'details', index: m.index, record: row.record, row: view(row), ...(pair ? { pair: view(pair) } : {}), position });
        if (m.type === 'reveal') this.post({ type: 'position', index: m.index, position });
        return;
      }
      case 'clear':
        this.clear();
        return;
      case 'export':
        void this.export();
        return;
      case 'open':
        void this.open();
        return;
    }
  }

  private post(m: TraceToWebview): void {
    void this.view?.webview.postMessage(m);
  }
}

function view(row: TraceRow): TraceRowView {
  const r = row.record;
  return {
    index: row.index,
    time: r.time,
    deltaMs: row.deltaMs,
    session: r.session,
    direction: r.direction,
    command: r.command,
    ...(row.file ? { file: row.file } : {}),
    ...(r.length !== undefined ? { length: r.length } : {}),
    summary: r.summary,
    status: row.status,
    ...(row.pair !== undefined ? { pair: row.pair } : {}),
    ...(r.reason ? { reason: `${r.reason.kind} ${engine().describeReason(r.reason.kind, r.reason.code)}` } : {}),
  };
}

function html(webview: vscode.Webview, media: vscode.Uri): string {
  const nonce = Array.from({ length: 32 }, () => 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'[Math.floor(Math.random() * 62)]).join('');
  const uri = (name: string): string => webview.asWebviewUri(vscode.Uri.joinPath(media, name)).toString();
  const csp = ["default-src 'none'", `font-src ${webview.cspSource}`, `style-src ${webview.cspSource} 'unsafe-inline'`, `script-src 'nonce-${nonce}'`].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link href="${uri('trace.css')}" rel="stylesheet">
<title>OFTP2 Session Trace</title>
</head>
<body>
<div id="root"></div>
<script nonce="${nonce}" src="${uri('trace.js')}"></script>
</body>
</html>`;
}
