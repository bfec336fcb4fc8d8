// The debug adapter for `oftp2` launches (vscode-mock-debug's pattern: runtime ↔ adapter ↔ extension): it runs
// the launch's processes on the embedded OFTP2 server (ProcessRuntime, the same engine as `oftp2 serve`),
// shows each OFTP2 session as a thread and a document's path through the steps as its stack, pauses
// documents on step breakpoints, and narrates every session in the Debug Console. Pure DAP: no `vscode`.
import { basename, resolve } from 'node:path';
import { readFile } from 'node:fs/promises';
import {
  Breakpoint,
  Event,
  Handles,
  InitializedEvent,
  LoggingDebugSession,
  OutputEvent,
  Scope,
  Source,
  StackFrame,
  StoppedEvent,
  TerminatedEvent,
  Thread,
} from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { describeReason } from '../../oftp/codec/reasons';
import type { TraceRecord } from '../../oftp/trace';
import type { ProcessDocument } from '../../process/document';
import { formatDiagnostic } from '../../process/diagnostics';
import { lineOf, locateStep, stepAtLine } from '../../process/locate';
import type { ServerSettings, Step } from '../../process/model';
import { ProcessRuntime, readProcess, serverOptionsFromSettings, type LoadedProcess } from '../../process/runtime';
import type { SecretResolver } from '../../process/secrets';
import { validateFiles } from '../../process/validate';
import { conditionHolds, parseBreakpointCondition } from '../../process/breakpoint-condition';

/** What a launch configuration of type `oftp2` carries (after the configuration provider filled it in). */
export interface OftpLaunchArguments extends DebugProtocol.LaunchRequestArguments {
  /** Process files to run; relative paths resolve against `cwd`. */
  processes: string[];
  /** Folder relative paths resolve against (the workspace folder). */
  cwd: string;
  /** Runtime-level server settings (VS Code settings, overridden by the launch configuration). */
  server: ServerSettings;
  /** Inactivity timeout in seconds. */
  timeout?: number;
}

interface DocumentState {
  doc: ProcessDocument;
  process: { name: string; file: string };
  thread: number;
  /** Steps visited, oldest first; the last is where it is now. */
  path: Step[];
  stepping: boolean;
  paused?: { step: Step; resume: () => void; reason: 'breakpoint' | 'step' };
}

interface SessionState {
  thread: number;
  id: string;
  remote: string;
  partner?: string;
  negotiated?: Record<string, unknown>;
  ended: boolean;
}

type VariableContainer = Record<string, unknown> | unknown[];

/** Options the extension gives the adapter. */
export interface DebugSessionHost {
  resolveSecret: SecretResolver;
}

export class OftpDebugSession extends LoggingDebugSession {
  private runtime: ProcessRuntime | undefined;
  private noDebug = false;
  private configurationDone!: () => void;
  private readonly configured = new Promise<void>((r) => (this.configurationDone = r));
  /** Breakpoints by process file, by step id. */
  private readonly breakpoints = new Map<string, Map<string, { condition?: ReturnType<typeof parseBreakpointCondition> }>>();
  private readonly texts = new Map<string, string>();
  private readonly sessions = new Map<string, SessionState>();
  private readonly documents = new Map<string, DocumentState>();
  private readonly frames = new Handles<{ doc: string; index: number }>();
  private readonly variables = new Handles<VariableContainer>();

  constructor(private readonly host: DebugSessionHost) {
    super();
    this.setDebuggerLinesStartAt1(false);
    this.setDebuggerColumnsStartAt1(false);
  }

  protected override initializeRequest(response: DebugProtocol.InitializeResponse): void {
    response.body = {
      ...response.body,
      supportsConfigurationDoneRequest: true,
      supportsConditionalBreakpoints: true,
      supportsTerminateRequest: true,
      supportsSingleThreadExecutionRequests: false,
    };
    this.sendResponse(response);
    this.sendEvent(new InitializedEvent());
  }

  protected override configurationDoneRequest(response: DebugProtocol.ConfigurationDoneResponse): void {
    this.sendResponse(response);
    this.configurationDone();
  }

  protected override async launchRequest(response: DebugProtocol.LaunchResponse, args: OftpLaunchArguments): Promise<void> {
    this.noDebug = !!args.noDebug;
    // Breakpoints arrive between initialized and configurationDone; wait for them (at most 1 s).
    await Promise.race([this.configured, new Promise((r) => setTimeout(r, 1000))]);
    const files = args.processes.map((p) => resolve(args.cwd, p));
    try {
      const { diagnostics, errors } = await validateFiles(files, { checkFiles: true, resolveSecret: this.host.resolveSecret });
      for (const d of diagnostics) this.console(`${formatDiagnostic(d)}\n`, d.severity === 'error' ? 'stderr' : 'console');
      if (errors) throw new Error(`${errors} error(s) in the process files; see the Problems panel`);
      const loaded: LoadedProcess[] = [];
      for (const file of files) {
        loaded.push(await readProcess(file));
        this.texts.set(file, await readFile(file, 'utf8'));
      }
      const server = await serverOptionsFromSettings(args.server, args.cwd, this.host.resolveSecret);
      const runtime = await ProcessRuntime.create(
        loaded,
        { ...server, traceCommands: true, ...(args.timeout ? { timeoutMs: args.timeout * 1000 } : {}) },
        { resolveSecret: this.host.resolveSecret, ...(this.noDebug ? {} : { beforeStep: (p, doc, step) => this.beforeStep(p, doc, step) }) },
      );
      this.wire(runtime);
      const address = await runtime.listen();
      this.runtime = runtime;
      this.console(`OFTP2 server listening on ${address.host}:${address.port}${args.server.tls ? ' (TLS)' : ''} for ${loaded.map((l) => `"${l.process.name}"`).join(', ')}\n`, 'important');
      this.sendEvent(new Event('oftp/listening', { ...address, tls: args.server.tls, processes: files }));
      this.sendResponse(response);
    } catch (e) {
      const message = listenError(e as NodeJS.ErrnoException, args.server);
      this.console(`${message}\n`, 'stderr');
      this.sendErrorResponse(response, { id: 1001, format: message, showUser: true });
      this.sendEvent(new TerminatedEvent());
    }
  }

  private wire(runtime: ProcessRuntime): void {
    runtime.on('trace', (r) => this.onTrace(r));
    runtime.on('session-start', ({ id, remote }) => {
      const thread = Number(id.replace(/\D/g, '')) || this.sessions.size + 1;
      this.sessions.set(id, { id, remote, thread, ended: false });
      this.sendEvent(new Event('thread', { reason: 'started', threadId: thread }));
      this.output(`session ${id} from ${remote}\n`, 'console', 'startCollapsed');
    });
    runtime.on('session-end', ({ id, outcome }) => {
      const s = this.sessions.get(id);
      if (s) s.ended = true;
      const esid = outcome.esid ? `ESID ${describeReason('ESID', outcome.esid.reason)}${outcome.esid.text ? `: ${outcome.esid.text}` : ''} (sent by ${outcome.esid.by === 'us' ? 'the server' : 'the partner'})` : outcome.error ?? 'connection closed';
      this.output(`[${id}] session ended: ${outcome.ok ? 'normally' : 'FAILED'}: ${esid}\n`, outcome.ok ? 'console' : 'stderr', 'end');
      this.sendEvent(new Event('oftp/session-end', { id, outcome }));
      this.retireThread(id);
    });
    runtime.on('document-start', ({ process, file, document }) => {
      const p = document.properties;
      this.output(`[${p['session']}] ${process}: document ${p['virtualFileName']} (${p['size']} octets, ${p['document.standard']}${p['document.type'] ? ` ${p['document.type']}` : ''})\n`);
      this.sendEvent(new Event('oftp/document-start', { file, document: { id: document.id, properties: p } }));
    });
    runtime.on('step', (e) => {
      const session = this.documents.get(e.document)?.doc.properties['session'] ?? '';
      this.output(`[${session}] ${e.process}: step ${e.stepName ?? e.step} (${e.stepType})${e.output ? ` → ${e.output}` : ''}${e.detail ? `: ${e.detail}` : ''}${e.error ? ` ERROR ${e.error}` : ''}\n`, e.error ? 'stderr' : 'console');
      this.sendEvent(new Event('oftp/step', e));
    });
    runtime.on('notify', (n) => this.output(`${n.process}: ${n.level.toUpperCase()} ${n.message}\n`, n.level === 'error' ? 'stderr' : n.level === 'warning' ? 'important' : 'stdout'));
    runtime.on('document-end', (d) => {
      const o = d.outcome;
      const how = o.status === 'failed' ? `failed at ${o.step}: ${o.text}` : o.status === 'completed' ? `completed at ${o.endedAt}` : `${o.status} at ${o.step}`;
      const receipt = d.receipt.kind === 'NERP' ? `NERP ${describeReason('NERP', d.receipt.reason)} owed` : d.receipt.kind === 'EERP' ? 'EERP owed' : d.receipt.why;
      this.output(`[${d.document.properties['session']}] ${d.process}: document ${d.document.properties['virtualFileName']} ${how}; ${receipt}\n`, o.status === 'failed' ? 'stderr' : 'console');
      this.sendEvent(new Event('oftp/document-end', { file: d.file, document: d.document.id, outcome: d.outcome, receipt: d.receipt }));
      const state = this.documents.get(d.document.id);
      this.documents.delete(d.document.id);
      if (state) this.retireThread(state.doc.properties['session'] ?? '');
    });
  }

  private onTrace(r: TraceRecord): void {
    this.sendEvent(new Event('oftp/trace', r));
    const s = this.sessions.get(r.session);
    if (r.command === 'negotiated' && s && r.detail) {
      s.negotiated = r.detail;
      if (typeof r.detail['partner'] === 'string') s.partner = r.detail['partner'];
    }
    if (r.direction === 'event') {
      this.output(`[${r.session}] ${r.summary}\n`, r.reason && r.reason.code !== 0 ? 'stderr' : 'console');
    } else if (r.command !== 'DATA') {
      const reason = r.reason && r.reason.code !== 0 ? ` — ${r.reason.kind} ${String(r.reason.code).padStart(2, '0')}: ${r.reason.text}` : '';
      this.output(`[${r.session}] ${r.direction === 'in' ? '→' : '←'} ${r.command} ${r.summary}${reason}\n`);
    }
  }

  /** A session's thread goes away once the session ended and none of its documents is still running. */
  private retireThread(sessionId: string): void {
    const s = this.sessions.get(sessionId);
    if (!s || !s.ended) return;
    if ([...this.documents.values()].some((d) => d.doc.properties['session'] === sessionId)) return;
    this.sessions.delete(sessionId);
    this.sendEvent(new Event('thread', { reason: 'exited', threadId: s.thread }));
  }

  private threadOf(doc: ProcessDocument): number {
    return this.sessions.get(doc.properties['session'] ?? '')?.thread ?? (Number((doc.properties['session'] ?? '').replace(/\D/g, '')) || 1);
  }

  /** The runtime calls this before each step of a document: pause here on a breakpoint or while stepping. */
  private async beforeStep(process: { name: string; file: string }, doc: ProcessDocument, step: Step): Promise<void> {
    let state = this.documents.get(doc.id);
    if (!state) {
      state = { doc, process, thread: this.threadOf(doc), path: [], stepping: false };
      this.documents.set(doc.id, state);
    }
    state.doc = doc;
    state.path.push(step);
    const bp = this.breakpoints.get(process.file)?.get(step.id);
    const hit = bp && (!bp.condition || conditionHolds(bp.condition, doc.properties));
    if (!state.stepping && !hit) return;
    const reason = hit && !state.stepping ? 'breakpoint' : 'step';
    state.stepping = false;
    await new Promise<void>((resume) => {
      state!.paused = { step, resume, reason };
      this.sendEvent(new StoppedEvent(reason, state!.thread));
      this.sendEvent(new Event('oftp/paused', { file: process.file, step: step.id, document: doc.id }));
    });
  }

  protected override setBreakPointsRequest(response: DebugProtocol.SetBreakpointsResponse, args: DebugProtocol.SetBreakpointsArguments): void {
    const file = args.source.path ? resolve(args.source.path) : '';
    const text = this.texts.get(file);
    const steps = new Map<string, { condition?: ReturnType<typeof parseBreakpointCondition> }>();
    const result: DebugProtocol.Breakpoint[] = [];
    const read = text !== undefined ? Promise.resolve(text) : readFile(file, 'utf8').catch(() => '');
    void read.then((content) => {
      for (const b of args.breakpoints ?? []) {
        const line = this.convertClientLineToDebugger(b.line);
        const id = stepAtLine(content, line);
        let condition: ReturnType<typeof parseBreakpointCondition> | undefined;
        let message: string | undefined;
        if (b.condition) {
          try {
            condition = parseBreakpointCondition(b.condition);
          } catch (e) {
            message = (e as Error).message;
          }
        }
        const at = id ? locateStep(content, id) : undefined;
        const bp = new Breakpoint(!!id && !message, at ? this.convertDebuggerLineToClient(lineOf(content, at.offset)) : b.line) as DebugProtocol.Breakpoint;
        if (!id) bp.message = 'not on a step: put breakpoints on a step of the process';
        else if (message) bp.message = message;
        if (id && !message) steps.set(id, condition ? { condition } : {});
        result.push(bp);
      }
      this.breakpoints.set(file, steps);
      response.body = { breakpoints: result };
      this.sendResponse(response);
    });
  }

  protected override threadsRequest(response: DebugProtocol.ThreadsResponse): void {
    const threads = [...this.sessions.values()].map((s) => new Thread(s.thread, `${s.id} ${s.partner ?? ''} ${s.remote}`.replace(/\s+/g, ' ')));
    // A paused document keeps its thread even after its session ended.
    for (const d of this.documents.values()) if (!threads.some((t) => t.id === d.thread)) threads.push(new Thread(d.thread, `${d.doc.properties['session']} ${d.doc.properties['partner']} (ended)`));
    if (!threads.length) threads.push(new Thread(0, 'OFTP2 server (no session)'));
    response.body = { threads };
    this.sendResponse(response);
  }

  protected override stackTraceRequest(response: DebugProtocol.StackTraceResponse, args: DebugProtocol.StackTraceArguments): void {
    const frames: StackFrame[] = [];
    for (const d of this.documents.values()) {
      if (d.thread !== args.threadId || !d.paused) continue;
      const text = this.texts.get(d.process.file) ?? '';
      for (let i = d.path.length - 1; i >= 0; i--) {
        const step = d.path[i]!;
        const at = locateStep(text, step.id);
        const line = at ? lineOf(text, at.offset) : 0;
        const label = `${step.name ?? step.id} (${step.type})${i === d.path.length - 1 ? ` ← ${d.doc.properties['virtualFileName']}` : ''}`;
        frames.push(new StackFrame(this.frames.create({ doc: d.doc.id, index: i }), label, new Source(basename(d.process.file), d.process.file), this.convertDebuggerLineToClient(line), 0));
      }
    }
    response.body = { stackFrames: frames, totalFrames: frames.length };
    this.sendResponse(response);
  }

  protected override scopesRequest(response: DebugProtocol.ScopesResponse, args: DebugProtocol.ScopesArguments): void {
    const frame = this.frames.get(args.frameId);
    const d = frame && this.documents.get(frame.doc);
    if (!d) {
      response.body = { scopes: [] };
      this.sendResponse(response);
      return;
    }
    const props = d.doc.properties;
    const sfid = Object.fromEntries(Object.entries(props).filter(([k]) => k.startsWith('sfid.')).map(([k, v]) => [k.slice(5), v]));
    const documentProps = Object.fromEntries(Object.entries(props).filter(([k]) => !k.startsWith('sfid.')));
    const session = this.sessions.get(props['session'] ?? '');
    const step = d.path[frame.index]!;
    response.body = {
      scopes: [
        new Scope('Document', this.variables.create(documentProps), false),
        new Scope('Virtual file (SFID)', this.variables.create(sfid), false),
        new Scope('Session', this.variables.create({ id: props['session'], partner: props['partner'], remote: session?.remote ?? '(ended)', ...(session?.negotiated ?? {}) }), false),
        new Scope(`Step ${step.id}`, this.variables.create(step as unknown as Record<string, unknown>), true),
      ],
    };
    this.sendResponse(response);
  }

  protected override variablesRequest(response: DebugProtocol.VariablesResponse, args: DebugProtocol.VariablesArguments): void {
    const container = this.variables.get(args.variablesReference);
    const entries: Array<[string, unknown]> = Array.isArray(container) ? container.map((v, i) => [String(i), v]) : Object.entries(container ?? {}).sort(([a], [b]) => a.localeCompare(b));
    response.body = {
      variables: entries.map(([name, value]) => {
        const nested = value !== null && typeof value === 'object';
        return {
          name,
          value: nested ? (Array.isArray(value) ? `Array(${value.length})` : '{…}') : typeof value === 'string' ? JSON.stringify(value) : String(value),
          variablesReference: nested ? this.variables.create(value as VariableContainer) : 0,
        };
      }),
    };
    this.sendResponse(response);
  }

  private resume(threadId: number, step: boolean): void {
    for (const d of this.documents.values()) {
      if (d.thread !== threadId || !d.paused) continue;
      const { resume } = d.paused;
      delete d.paused;
      d.stepping = step;
      resume();
      // Stepping moves one document at a time.
      if (step) break;
    }
  }

  protected override continueRequest(response: DebugProtocol.ContinueResponse, args: DebugProtocol.ContinueArguments): void {
    this.resume(args.threadId, false);
    response.body = { allThreadsContinued: false };
    this.sendResponse(response);
  }

  protected override nextRequest(response: DebugProtocol.NextResponse, args: DebugProtocol.NextArguments): void {
    this.resume(args.threadId, true);
    this.sendResponse(response);
  }

  protected override stepInRequest(response: DebugProtocol.StepInResponse, args: DebugProtocol.StepInArguments): void {
    this.resume(args.threadId, true);
    this.sendResponse(response);
  }

  protected override stepOutRequest(response: DebugProtocol.StepOutResponse, args: DebugProtocol.StepOutArguments): void {
    this.resume(args.threadId, false);
    this.sendResponse(response);
  }

  protected override pauseRequest(response: DebugProtocol.PauseResponse, args: DebugProtocol.PauseArguments): void {
    // The next step of any document on this thread pauses.
    for (const d of this.documents.values()) if (d.thread === args.threadId) d.stepping = true;
    this.sendResponse(response);
  }

  protected override async disconnectRequest(response: DebugProtocol.DisconnectResponse): Promise<void> {
    await this.stopServer();
    this.sendResponse(response);
  }

  protected override async terminateRequest(response: DebugProtocol.TerminateResponse): Promise<void> {
    await this.stopServer();
    this.sendResponse(response);
    this.sendEvent(new TerminatedEvent());
  }

  private async stopServer(): Promise<void> {
    const runtime = this.runtime;
    this.runtime = undefined;
    // Paused documents are let go so the server can finish them before it closes.
    for (const d of this.documents.values()) d.paused?.resume();
    if (runtime) {
      await runtime.close(2000);
      this.console('OFTP2 server stopped\n', 'important');
      this.sendEvent(new Event('oftp/stopped', {}));
    }
  }

  private console(text: string, category: 'console' | 'stdout' | 'stderr' | 'important' = 'console'): void {
    this.sendEvent(new OutputEvent(text, category));
  }

  private output(text: string, category: 'console' | 'stdout' | 'stderr' | 'important' = 'console', group?: 'start' | 'startCollapsed' | 'end'): void {
    const e = new OutputEvent(text, category) as DebugProtocol.OutputEvent;
    if (group) e.body.group = group;
    this.sendEvent(e);
  }
}

function listenError(e: NodeJS.ErrnoException, server: ServerSettings): string {
  if (e.code === 'EADDRINUSE') return `OFTP2: port ${server.port} on ${server.host} is already in use; stop the other server or set "oftp2.server.port" (0 picks a free port)`;
  if (e.code === 'EACCES') return `OFTP2: not allowed to listen on ${server.host}:${server.port}`;
  return `OFTP2: cannot start the server: ${e.message}`;
}
