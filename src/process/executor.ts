// Runs one document at a time through a process: from the Start step along the connections, executing
// each step (decisions, routes, properties, disk writes, notifications, ends) and reporting every step
// as an event, so the runtime can answer the partner (EERP/NERP) and the debugger can show and pause it.
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { EventEmitter } from 'node:events';
import { dirname, extname, join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { safePathComponent, renderTemplate, type ProcessDocument } from './document';
import {
  DOCUMENT_PROPERTIES,
  type ComparisonOperator,
  type DecisionStep,
  type DiskStep,
  type ProcessFile,
  type RouteStep,
  type SetPropertiesStep,
  type StartStep,
  type Step,
  type StepType,
} from './model';

export type DocumentOutcome =
  | { status: 'completed'; endedAt: string }
  | { status: 'stopped'; step: string }
  | { status: 'returned'; step: string }
  | { status: 'failed'; step: string; reason: number; text: string };

export interface StepExecution {
  process: string;
  document: string;
  step: string;
  stepType: StepType;
  stepName?: string;
  startedAt: string;
  durationMs: number;
  /** The output the document left through (none for end steps and failures). */
  output?: string;
  propertiesSet?: Record<string, string>;
  error?: string;
  /** What the step did, for people: 'wrote /x/y.edi', 'condition ... → true'. */
  detail?: string;
}

export interface NotifyEvent {
  process: string;
  document: string;
  step: string;
  level: 'info' | 'warning' | 'error';
  message: string;
}

export interface ExecutorEvents {
  step: [StepExecution];
  notify: [NotifyEvent];
  'document-start': [ProcessDocument];
  'document-end': [{ document: string; outcome: DocumentOutcome }];
}

export interface ExecutorOptions {
  /** Folder of the process file: relative Disk folders resolve against it. */
  baseDir: string;
  /**
   * Awaited before each step runs (the debugger pauses here on breakpoints and when stepping). If it
   * rejects, run() rejects with that error and the document ends without a document-end event: the
   * caller (e.g. a debugger terminating the run) decides what becomes of it.
   */
  beforeStep?: (doc: ProcessDocument, step: Step) => Promise<void>;
}

/** A document that passes through more steps than this is looping (connections form a cycle). */
export const MAX_STEPS_PER_DOCUMENT = 1000;

/**
 * NERP reasons (RFC 5024 §5.3.14, NERPREAS). A document that fails in a step, or is not valid for the
 * Start step's standard, is a case of '34' (file processing failed), the most specific code the list has
 * for it; the operation's failureNerpReason replaces it. An Exception step is the process author's own
 * verdict: its nerpReason, else failureNerpReason, else '34' too (the file's processing did fail).
 */
export const NERP_PROCESSING_FAILED = 34;

/** Properties the runtime owns: Set Properties may not overwrite them. */
const RESERVED_PROPERTIES = new Set([...Object.keys(DOCUMENT_PROPERTIES), 'disk.path']);

/** What a step's execution decided: go on through an output, or end the document. */
type StepResult =
  | { kind: 'output'; output: string; propertiesSet?: Record<string, string>; detail?: string }
  | { kind: 'end'; outcome: DocumentOutcome; detail?: string; error?: string };

/** A failure a step reports on purpose; like any error a step throws, it fails the document. */
class StepFailure extends Error {}

export class ProcessExecutor extends EventEmitter<ExecutorEvents> {
  private readonly steps = new Map<string, Step>();
  private readonly next = new Map<string, string>();

  constructor(
    readonly process: ProcessFile,
    readonly options: ExecutorOptions,
  ) {
    super();
    this.steps.set(process.start.id, process.start);
    for (const s of process.steps) this.steps.set(s.id, s);
    // One connection per output: the first one listed wins (the validator reports duplicates).
    for (const c of process.connections) {
      const key = connectionKey(c.from, c.output);
      if (!this.next.has(key)) this.next.set(key, c.to);
    }
  }

  /**
   * Runs one document to its end. Properties set by steps are written to `doc.properties` (the debugger
   * shows them); nothing is shared between documents, so several may run at once.
   */
  async run(doc: ProcessDocument): Promise<DocumentOutcome> {
    this.emit('document-start', doc);
    const outcome = await this.walk(doc);
    this.emit('document-end', { document: doc.id, outcome });
    return outcome;
  }

  private async walk(doc: ProcessDocument): Promise<DocumentOutcome> {
    let step: Step = this.process.start;
    for (let count = 1; ; count++) {
      if (count > MAX_STEPS_PER_DOCUMENT) {
        return this.fail(step, `the document passed through ${MAX_STEPS_PER_DOCUMENT} steps without ending; the connections form a loop (last at step "${label(step)}")`);
      }
      await this.options.beforeStep?.(doc, step);
      const startedAt = new Date();
      const t0 = performance.now();
      let result: StepResult;
      try {
        result = await this.execute(step, doc);
      } catch (e) {
        const text = `${label(step)}: ${e instanceof Error ? e.message : String(e)}`;
        result = { kind: 'end', outcome: this.fail(step, text), error: text };
      }
      const record: StepExecution = {
        process: this.process.name,
        document: doc.id,
        step: step.id,
        stepType: step.type,
        ...(step.name !== undefined ? { stepName: step.name } : {}),
        startedAt: startedAt.toISOString(),
        durationMs: performance.now() - t0,
      };
      if (result.kind === 'output') {
        record.output = result.output;
        if (result.propertiesSet) record.propertiesSet = result.propertiesSet;
      } else if (result.error !== undefined) {
        record.error = result.error;
      }
      if (result.detail !== undefined) record.detail = result.detail;
      this.emit('step', record);
      if (result.kind === 'end') return result.outcome;

      const to = this.next.get(connectionKey(step.id, result.output));
      // An output nobody connected is where this document's path ends, successfully.
      if (to === undefined) return { status: 'completed', endedAt: step.id };
      const target = this.steps.get(to);
      if (!target) return this.fail(step, `output "${result.output}" of step "${label(step)}" leads to step "${to}", which does not exist`);
      step = target;
    }
  }

  private fail(step: Step, text: string, reason = this.process.start.operation.failureNerpReason ?? NERP_PROCESSING_FAILED): DocumentOutcome {
    return { status: 'failed', step: step.id, reason, text };
  }

  private async execute(step: Step, doc: ProcessDocument): Promise<StepResult> {
    const props = doc.properties;
    switch (step.type) {
      case 'start':
        return this.start(step, doc);
      case 'decision':
        return this.decision(step, props);
      case 'route':
        return route(step, props);
      case 'setProperties':
        return setProperties(step, props);
      case 'disk':
        return this.disk(step, doc);
      case 'notify': {
        const { text, missing } = renderTemplate(step.message, props);
        this.emit('notify', { process: this.process.name, document: doc.id, step: step.id, level: step.level, message: text });
        return { kind: 'output', output: 'next', detail: `${step.level}: ${text}${missingNote(missing)}` };
      }
      case 'exception': {
        const { text, missing } = renderTemplate(step.message, props);
        const reason = step.nerpReason ?? this.process.start.operation.failureNerpReason ?? NERP_PROCESSING_FAILED;
        return { kind: 'end', outcome: this.fail(step, text, reason), error: text, detail: `NERP reason ${String(reason).padStart(2, '0')}${missingNote(missing)}` };
      }
      case 'stop':
        return { kind: 'end', outcome: { status: 'stopped', step: step.id } };
      case 'returnDocuments':
        return { kind: 'end', outcome: { status: 'returned', step: step.id } };
    }
  }

  /** The Start step checks the document against the partner's standard, as Boomi's Trading Partner start does. */
  private start(step: StartStep, doc: ProcessDocument): StepResult {
    const detected = doc.properties['document.standard'] || 'unknown';
    if (step.standard === 'custom' || standardAccepts(step.standard, detected)) {
      return { kind: 'output', output: 'documents', detail: `standard ${step.standard}: document is ${detected}` };
    }
    const text = `the document is not ${step.standard === 'EDIFACT' ? 'EDIFACT or ODETTE' : step.standard} (detected: ${detected})`;
    if (step.errorHandling === 'continueProcessOnError') return { kind: 'output', output: 'errors', detail: text };
    return { kind: 'end', outcome: this.fail(step, text), error: text };
  }

  private decision(step: DecisionStep, props: Record<string, string>): StepResult {
    const { property, operator } = step.condition;
    const actual = props[property];
    const { text: expected, missing } = renderTemplate(step.condition.value ?? '', props);
    const result = compare(operator, actual, expected);
    const shown = operator === 'exists' || operator === 'notExists' ? '' : ` ${JSON.stringify(expected)}`;
    return {
      kind: 'output',
      output: String(result),
      detail: `condition ${property} (${actual === undefined ? 'not set' : JSON.stringify(actual)}) ${operator}${shown} → ${result}${missingNote(missing)}`,
    };
  }

  private async disk(step: DiskStep, doc: ProcessDocument): Promise<StepResult> {
    const props = doc.properties;
    // Property values come from the partner (SFIDDSN, UNB...): in the folder each one is defused into a
    // single path component, so only the process author's own text can add folder levels.
    const folderText = renderTemplate(step.folder, props, { escape: (v) => safePathComponent(v) || '_' });
    const folder = resolve(this.options.baseDir, folderText.text);
    const nameText = renderTemplate(step.fileName, props);
    // The whole file name is one component, whatever the template or the properties put in it.
    const name = safePathComponent(nameText.text) || safePathComponent(doc.id) || 'document';
    const target = join(folder, name);
    if (dirname(target) !== folder) throw new StepFailure(`refusing to write outside ${folder}: ${target}`);
    await mkdir(folder, { recursive: true });
    const mode = step.ifExists ?? 'unique';
    const written = await writeCopy(doc.path, target, mode);
    props['disk.path'] = written;
    const missing = [...folderText.missing, ...nameText.missing.filter((m) => !folderText.missing.includes(m))];
    return { kind: 'output', output: 'next', propertiesSet: { 'disk.path': written }, detail: `wrote ${written}${missingNote(missing)}` };
  }
}

function route(step: RouteStep, props: Record<string, string>): StepResult {
  const by = step.routeBy === 'property' ? step.property ?? '' : step.routeBy === 'documentType' ? 'document.type' : step.routeBy;
  const value = props[by] ?? '';
  for (const r of step.routes) {
    const hit = r.equals !== undefined ? value === r.equals : r.pattern !== undefined ? regex(r.pattern).test(value) : false;
    if (hit) return { kind: 'output', output: r.output, detail: `${by} ${JSON.stringify(value)} ${r.equals !== undefined ? `equals ${JSON.stringify(r.equals)}` : `matches /${r.pattern}/`} → ${r.output}` };
  }
  return { kind: 'output', output: 'default', detail: `${by} ${JSON.stringify(value)} matches no route → default` };
}

function setProperties(step: SetPropertiesStep, props: Record<string, string>): StepResult {
  const set: Record<string, string> = {};
  const missing: string[] = [];
  for (const { name, value } of step.properties) {
    if (!name) throw new StepFailure(`a property has no name`);
    if (RESERVED_PROPERTIES.has(name)) throw new StepFailure(`"${name}" is a built-in document property and cannot be set`);
    // In order: a later value may use a property set just before it.
    const r = renderTemplate(value, props);
    props[name] = r.text;
    set[name] = r.text;
    for (const m of r.missing) if (!missing.includes(m)) missing.push(m);
  }
  return { kind: 'output', output: 'next', propertiesSet: set, ...(missing.length ? { detail: missingNote(missing).trim() } : {}) };
}

/** Which detected standards a Start step's standard takes: EDIFACT includes ODETTE's EDIFACT messages. */
function standardAccepts(standard: StartStep['standard'], detected: string): boolean {
  if (standard === 'EDIFACT') return detected === 'EDIFACT' || detected === 'ODETTE';
  return detected === standard;
}

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/**
 * A Decision's comparison. A property that is not set compares as ''; exists means set and not empty.
 * greaterThan/lessThan compare numbers when both sides are numbers, else strings by code unit.
 * matches is a JavaScript regular expression that may match anywhere (anchor it with ^...$).
 */
export function compare(operator: ComparisonOperator, actual: string | undefined, expected: string): boolean {
  const a = actual ?? '';
  switch (operator) {
    case 'equals':
      return a === expected;
    case 'notEquals':
      return a !== expected;
    case 'contains':
      return a.includes(expected);
    case 'startsWith':
      return a.startsWith(expected);
    case 'endsWith':
      return a.endsWith(expected);
    case 'matches':
      return regex(expected).test(a);
    case 'greaterThan':
    case 'lessThan': {
      const numeric = NUMBER.test(a.trim()) && NUMBER.test(expected.trim());
      const order = numeric ? Math.sign(Number(a) - Number(expected)) : a < expected ? -1 : a > expected ? 1 : 0;
      return operator === 'greaterThan' ? order > 0 : order < 0;
    }
    case 'exists':
      return a !== '';
    case 'notExists':
      return a === '';
  }
}

function regex(pattern: string): RegExp {
  try {
    return new RegExp(pattern);
  } catch (e) {
    throw new StepFailure(`invalid regular expression /${pattern}/: ${(e as Error).message}`);
  }
}

/**
 * Copies the stored file to `target` by streaming. fail: the name must be free; unique: the first free
 * name of name, name_2, name_3... (before the extension); overwrite: written aside, then renamed over
 * the old file, so a reader never sees half a file. Exclusive creation makes two documents racing for
 * the same name end up in different files.
 */
async function writeCopy(source: string, target: string, mode: 'fail' | 'overwrite' | 'unique'): Promise<string> {
  if (mode === 'overwrite') {
    const temp = join(dirname(target), `.${randomBytes(6).toString('hex')}.part`);
    try {
      await pipeline(createReadStream(source), createWriteStream(temp, { flags: 'wx' }));
      await rename(temp, target);
    } catch (e) {
      await rm(temp, { force: true });
      throw e;
    }
    return target;
  }
  const ext = extname(target);
  const stem = target.slice(0, target.length - ext.length);
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? target : `${stem}_${n}${ext}`;
    let handle;
    try {
      handle = await open(candidate, 'wx');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      if (mode === 'fail') throw new StepFailure(`${candidate} already exists`);
      if (n >= 10000) throw new StepFailure(`no free name for ${target}`);
      continue;
    }
    try {
      await pipeline(createReadStream(source), handle.createWriteStream());
    } catch (e) {
      await handle.close().catch(() => undefined);
      await rm(candidate, { force: true });
      throw e;
    }
    return candidate;
  }
}

function connectionKey(from: string, output: string): string {
  return `${from}\u0000${output}`;
}

function label(step: Step): string {
  return step.name ? `${step.name} (${step.id})` : step.id;
}

function missingNote(missing: string[]): string {
  return missing.length ? ` (not set: ${missing.join(', ')})` : '';
}
