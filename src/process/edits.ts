// Turns the visual editor's operations (editor-protocol.ts) into minimal text edits on a process file, so
// the text document stays the single source of truth: an edit touches only the characters it must, new
// content follows the file's own indentation and line ends, and undo restores the text byte for byte.
import { applyEdits, findNodeAtLocation, getNodeValue, parseTree, printParseErrorCode, type Edit, type Node, type ParseError } from 'jsonc-parser';
import type { EditOperation, JsonPath } from './editor-protocol';
import { DEFAULT_NODE_SIZE, layoutProcess } from './layout';
import { outputsOf, type Position, type ProcessFile, type ProcessingStep, type Step } from './model';

/** A replacement of `length` characters at `offset` by `content` (jsonc-parser's Edit). */
export type TextEdit = Edit;

export interface EditFormatting {
  tabSize?: number;
  insertSpaces?: boolean;
  eol?: string;
}

export interface ApplyOptions {
  /** Used only where the text does not show its own style (no indented line, no line break). */
  formatting?: EditFormatting;
}

export interface ApplyResult {
  /** Non-overlapping edits against the original text, in offset order (applyEdits applies them as is). */
  edits: TextEdit[];
  /** Step ids to select after the edit (the added, pasted or renamed steps). */
  selection?: string[];
}

/** An operation the document cannot take (unknown step, invalid id, a secret in clear text...). */
export class EditError extends Error {
  override name = 'EditError';
}

/** Letters, digits, '-' and '_': safe in file names, logs and the Problems panel. */
export const STEP_ID_PATTERN = /^[A-Za-z0-9_-]+$/;

type StepType = ProcessingStep['type'];

/** The label a new step gets (Boomi's shape names). */
const DEFAULT_NAMES: Record<StepType, string> = {
  decision: 'Decision',
  route: 'Route',
  setProperties: 'Set Properties',
  disk: 'Disk',
  notify: 'Notify',
  exception: 'Exception',
  stop: 'Stop',
  returnDocuments: 'Return Documents',
};

/** Settings that make a new step valid as it is dropped on the canvas. */
function defaultSettings(type: StepType): Record<string, unknown> {
  switch (type) {
    case 'decision':
      return { condition: { property: 'virtualFileName', operator: 'equals', value: '' } };
    case 'route':
      return { routeBy: 'documentType', routes: [] };
    case 'setProperties':
      return { properties: [] };
    case 'disk':
      return { folder: 'received', fileName: '${virtualFileName}' };
    case 'notify':
      return { level: 'info', message: '' };
    case 'exception':
      return { message: '', nerpReason: 34 };
    case 'stop':
    case 'returnDocuments':
      return {};
  }
}

/**
 * The text edits that perform `op` on `text`. Throws an EditError when the operation does not apply
 * (the text is not valid JSON, a step does not exist, a connection would be invalid...).
 */
export function applyOperation(text: string, op: EditOperation, options: ApplyOptions = {}): ApplyResult {
  const draft = new Draft(text, detectStyle(text, options.formatting));
  let selection: string[] | undefined;
  switch (op.kind) {
    case 'addStep':
      selection = addStep(draft, op);
      break;
    case 'moveSteps':
      moveSteps(draft, op.moves);
      break;
    case 'deleteSteps':
      deleteSteps(draft, op.ids);
      break;
    case 'connect':
      connect(draft, op.from, op.output, op.to);
      break;
    case 'disconnect':
      disconnect(draft, op.from, op.output);
      break;
    case 'setValue':
      setValue(draft, op.path, op.value);
      break;
    case 'pasteSteps':
      selection = pasteSteps(draft, op);
      break;
    case 'renameStep':
      selection = renameStep(draft, op.from, op.to);
      break;
    case 'arrange':
      arrange(draft, op.onlyUnplaced === true);
      break;
    default:
      throw new EditError(`unknown edit operation ${JSON.stringify((op as { kind?: unknown }).kind)}`);
  }
  const edits = draft.result();
  return selection ? { edits, selection } : { edits };
}

/** The edits that undo `edits` (as returned by applyOperation) on the text they produced from `original`. */
export function inverseEdits(original: string, edits: TextEdit[]): TextEdit[] {
  let delta = 0;
  return [...edits]
    .sort((a, b) => a.offset - b.offset)
    .map((e) => {
      const inverse = { offset: e.offset + delta, length: e.content.length, content: original.slice(e.offset, e.offset + e.length) };
      delta += e.content.length - e.length;
      return inverse;
    });
}

// ---------------------------------------------------------------------------------------------------------
// Style of the file

interface Style {
  eol: string;
  /** One indentation level. */
  unit: string;
  /** The file is on one line: new content is written without line breaks too. */
  compact: boolean;
}

/** The file's line end and indentation unit, as an editor's "detect indentation" would see them. */
function detectStyle(text: string, formatting: EditFormatting = {}): Style {
  const nl = text.indexOf('\n');
  const compact = nl < 0;
  const eol = compact ? formatting.eol ?? '\n' : nl > 0 && text[nl - 1] === '\r' ? '\r\n' : '\n';
  let unit: string | undefined;
  let smallest = Infinity;
  // The smallest indentation of any line is one level (JSON has no continuation lines).
  for (const m of text.matchAll(/\n([ \t]+)(?=[^\s])/g)) {
    const ws = m[1]!;
    if (ws[0] === '\t') {
      unit = '\t';
      break;
    }
    smallest = Math.min(smallest, ws.length);
    if (smallest === 1) break;
  }
  if (unit === undefined) {
    unit = smallest < Infinity ? ' '.repeat(smallest) : formatting.insertSpaces === false ? '\t' : ' '.repeat(formatting.tabSize ?? 2);
  }
  return { eol, unit, compact };
}

/** The leading whitespace of the line that holds `offset`. */
function lineIndent(text: string, offset: number): string {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  let end = start;
  while (end < offset && (text[end] === ' ' || text[end] === '\t')) end++;
  return text.slice(start, end);
}

/**
 * JSON text for a new value in the house style of the examples: short flat objects and arrays on one line
 * (`{ "x": 40, "y": 160 }`, a connection, a condition, `[2, 4, 6]`), everything else one member a line.
 * jsonc-parser's own formatter is not used: it would also re-flow neighbouring, unchanged values.
 */
function render(value: unknown, indent: string, style: Style): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (style.compact) return JSON.stringify(value);
  const isArray = Array.isArray(value);
  const entries: Array<[string | undefined, unknown]> = isArray
    ? (value as unknown[]).map((v) => [undefined, v])
    : Object.entries(value as object).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return isArray ? '[]' : '{}';
  const member = ([k, v]: [string | undefined, unknown], ind: string) => (k === undefined ? '' : `${JSON.stringify(k)}: `) + render(v, ind, style);
  const flat = entries.every(([, v]) => v === null || typeof v !== 'object' || Object.keys(v as object).length === 0);
  if (flat && (isArray || entries.length <= 3)) {
    const inline = isArray ? `[${entries.map((e) => member(e, indent)).join(', ')}]` : `{ ${entries.map((e) => member(e, indent)).join(', ')} }`;
    if (inline.length <= 100) return inline;
  }
  const inner = indent + style.unit;
  const lines = entries.map((e) => inner + member(e, inner));
  return (isArray ? '[' : '{') + style.eol + lines.join(',' + style.eol) + style.eol + indent + (isArray ? ']' : '}');
}

// ---------------------------------------------------------------------------------------------------------
// Edits against the original text

type Piece = { start: number; end: number } | { text: string };

/**
 * The text as the operation changes it, in batches of edits against the current text, remembered as a
 * piece table over the original: at the end each changed region becomes one edit against the original
 * text, so the edits never overlap whatever the batches did.
 */
class Draft {
  text: string;
  private pieces: Piece[];

  constructor(
    readonly original: string,
    readonly style: Style,
  ) {
    this.text = original;
    this.pieces = original.length ? [{ start: 0, end: original.length }] : [];
  }

  /** Parses the current text; refuses text that is not valid JSON(C) or not an object. */
  parse(): Doc {
    const errors: ParseError[] = [];
    const root = parseTree(this.text, errors, { allowTrailingComma: true });
    if (errors.length || !root) {
      const e = errors[0];
      throw new EditError(`the document is not valid JSON${e ? ` (${printParseErrorCode(e.error)} at offset ${e.offset})` : ''}; fix the text first`);
    }
    if (root.type !== 'object') throw new EditError('the document is not a process file (not a JSON object)');
    return new Doc(this.text, root, this.style);
  }

  /** Applies non-overlapping edits against the current text. */
  apply(edits: Edit[]): void {
    if (!edits.length) return;
    const sorted = [...edits].sort((a, b) => a.offset - b.offset);
    for (let i = 1; i < sorted.length; i++) {
      if (sorted[i]!.offset < sorted[i - 1]!.offset + sorted[i - 1]!.length) throw new Error('internal error: overlapping edits');
    }
    // From the end, so that the offsets of the edits still to do stay valid.
    for (let i = sorted.length - 1; i >= 0; i--) this.splice(sorted[i]!);
    this.text = applyEdits(this.text, sorted);
  }

  private splice(edit: Edit): void {
    const first = this.split(edit.offset);
    const last = this.split(edit.offset + edit.length);
    const inserted: Piece[] = edit.content ? [{ text: edit.content }] : [];
    this.pieces.splice(first, last - first, ...inserted);
  }

  /** Splits the pieces at a position of the current text; returns the index of the piece starting there. */
  private split(pos: number): number {
    let at = 0;
    for (let i = 0; i < this.pieces.length; i++) {
      const p = this.pieces[i]!;
      const len = 'text' in p ? p.text.length : p.end - p.start;
      if (pos === at) return i;
      if (pos < at + len) {
        const k = pos - at;
        const [a, b]: [Piece, Piece] = 'text' in p ? [{ text: p.text.slice(0, k) }, { text: p.text.slice(k) }] : [{ start: p.start, end: p.start + k }, { start: p.start + k, end: p.end }];
        this.pieces.splice(i, 1, a, b);
        return i + 1;
      }
      at += len;
    }
    return this.pieces.length;
  }

  /** The changed regions as edits against the original text, each trimmed to the characters that differ. */
  result(): Edit[] {
    const edits: Edit[] = [];
    let origPos = 0;
    let pending = '';
    const flush = (upTo: number) => {
      if (upTo !== origPos || pending) edits.push(trim(this.original, { offset: origPos, length: upTo - origPos, content: pending }));
      pending = '';
    };
    for (const p of this.pieces) {
      if ('text' in p) {
        pending += p.text;
        continue;
      }
      flush(p.start);
      origPos = p.end;
    }
    flush(this.original.length);
    return edits.filter((e) => e.length > 0 || e.content.length > 0);
  }
}

/** Drops the characters an edit would replace by themselves (a value rewritten with the same text). */
function trim(original: string, e: Edit): Edit {
  let { offset, length, content } = e;
  let p = 0;
  while (p < length && p < content.length && original.charCodeAt(offset + p) === content.charCodeAt(p)) p++;
  offset += p;
  length -= p;
  content = content.slice(p);
  let s = 0;
  while (s < length && s < content.length && original.charCodeAt(offset + length - 1 - s) === content.charCodeAt(content.length - 1 - s)) s++;
  return { offset, length: length - s, content: content.slice(0, content.length - s) };
}

// ---------------------------------------------------------------------------------------------------------
// The parsed document and edit primitives (each returns edits against the text it was parsed from)

interface LocatedStep {
  id: string;
  /** ['start'] or ['steps', i]. */
  path: JsonPath;
  node: Node;
  step: Step;
}

interface LocatedConnection {
  index: number;
  node: Node;
  from: unknown;
  output: unknown;
  to: unknown;
}

class Doc {
  readonly process: ProcessFile;
  readonly startId: string | undefined;
  readonly steps = new Map<string, LocatedStep>();

  constructor(
    readonly text: string,
    readonly root: Node,
    readonly style: Style,
  ) {
    this.process = getNodeValue(root) as ProcessFile;
    const start = this.at(['start']);
    if (start?.type === 'object') {
      const value = (this.process as { start: Step }).start;
      this.startId = typeof value.id === 'string' ? value.id : 'start';
      this.steps.set(this.startId, { id: this.startId, path: ['start'], node: start, step: value });
    }
    const steps = this.at(['steps']);
    const values = (this.process as { steps?: unknown }).steps;
    if (steps?.type === 'array' && Array.isArray(values)) {
      steps.children?.forEach((node, i) => {
        const value = node.type === 'object' ? (values[i] as Step) : undefined;
        // With duplicate ids (an invalid file) the first step is the one edits address, as the runtime does.
        if (value && typeof value.id === 'string' && !this.steps.has(value.id)) {
          this.steps.set(value.id, { id: value.id, path: ['steps', i], node, step: value });
        }
      });
    }
  }

  at(path: JsonPath, from: Node = this.root): Node | undefined {
    return findNodeAtLocation(from, path);
  }

  step(id: string): LocatedStep {
    const s = this.steps.get(id);
    if (!s) throw new EditError(`there is no step "${id}"`);
    return s;
  }

  connections(): LocatedConnection[] {
    const array = this.at(['connections']);
    if (!array || array.type !== 'array') return [];
    return (array.children ?? []).map((node, index) => {
      const v = node.type === 'object' ? (getNodeValue(node) as Record<string, unknown>) : {};
      return { index, node, from: v.from, output: v.output, to: v.to };
    });
  }

  /** Replaces a value by a new one rendered at the indentation of its line. */
  replace(node: Node, value: unknown): Edit {
    return { offset: node.offset, length: node.length, content: render(value, lineIndent(this.text, node.offset), this.style) };
  }

  /**
   * Appends members to an array (values) or an object ([key, value] pairs) after the last one, on lines of
   * their own at the indentation of the existing members (or one level deeper than the container's line).
   */
  append(container: Node, members: unknown[]): Edit {
    const { text, style } = this;
    const member = (m: unknown, ind: string) =>
      container.type === 'object' ? `${JSON.stringify((m as [string, unknown])[0])}: ${render((m as [string, unknown])[1], ind, style)}` : render(m, ind, style);
    const children = container.children ?? [];
    const close = container.offset + container.length - 1;
    if (children.length) {
      const last = children[children.length - 1]!;
      const end = last.offset + last.length;
      if (style.compact) return { offset: end, length: 0, content: members.map((m) => ',' + member(m, '')).join('') };
      if (!text.slice(container.offset, children[0]!.offset).includes('\n')) {
        // A one-line container ({ "x": 1 } or [2, 4]) stays on one line.
        return { offset: end, length: 0, content: members.map((m) => ', ' + member(m, lineIndent(text, container.offset))).join('') };
      }
      const indent = lineIndent(text, last.offset);
      return { offset: end, length: 0, content: members.map((m) => ',' + style.eol + indent + member(m, indent)).join('') };
    }
    if (style.compact) return { offset: container.offset + 1, length: close - container.offset - 1, content: members.map((m) => member(m, '')).join(',') };
    const outer = lineIndent(text, container.offset);
    const inner = outer + style.unit;
    const content = style.eol + members.map((m) => inner + member(m, inner)).join(',' + style.eol) + style.eol + outer;
    return { offset: container.offset + 1, length: close - container.offset - 1, content };
  }

  /**
   * Removes members of an array or object (by index) with their separators: a run of members goes with
   * the comma and line break before it, so the lines around stay as they were.
   */
  remove(container: Node, indices: number[]): Edit[] {
    const children = container.children ?? [];
    const sorted = [...new Set(indices)].filter((i) => i >= 0 && i < children.length).sort((a, b) => a - b);
    const edits: Edit[] = [];
    const end = (n: Node) => n.offset + n.length;
    for (let r = 0; r < sorted.length; ) {
      const a = sorted[r]!;
      let b = a;
      while (r + 1 < sorted.length && sorted[r + 1] === b + 1) b = sorted[++r]!;
      r++;
      if (a > 0) edits.push({ offset: end(children[a - 1]!), length: end(children[b]!) - end(children[a - 1]!), content: '' });
      else if (b < children.length - 1) edits.push({ offset: children[0]!.offset, length: children[b + 1]!.offset - children[0]!.offset, content: '' });
      else edits.push({ offset: container.offset + 1, length: container.length - 2, content: '' });
    }
    return edits;
  }

  /** Sets or (value undefined) removes the value at a path, creating missing objects on the way. */
  set(path: JsonPath, value: unknown): Edit[] {
    const node = this.at(path);
    if (value === undefined) {
      if (!node || !node.parent) return [];
      const member = node.parent.type === 'property' ? node.parent : node;
      const container = member.parent!;
      return this.remove(container, [container.children!.indexOf(member)]);
    }
    if (node) return [this.replace(node, value)];
    // The deepest existing container on the path takes the rest of the path as new nested values.
    for (let k = path.length - 1; k >= 0; k--) {
      const container = k === 0 ? this.root : this.at(path.slice(0, k));
      if (!container) continue;
      const segment = path[k]!;
      const nested = path.slice(k + 1).reduceRight<unknown>((v, seg) => (typeof seg === 'number' ? [v] : { [seg]: v }), value);
      if (container.type === 'object' && typeof segment === 'string') return [this.append(container, [[segment, nested]])];
      if (container.type === 'array' && typeof segment === 'number' && (segment === -1 || segment === (container.children ?? []).length)) {
        return [this.append(container, [nested])];
      }
      throw new EditError(`cannot set ${formatPath(path)}: ${formatPath(path.slice(0, k)) || 'the document'} is ${describe(container)}`);
    }
    throw new EditError(`cannot set ${formatPath(path)}`);
  }
}

function describe(node: Node): string {
  if (node.type === 'array') return `an array of ${(node.children ?? []).length}`;
  return node.type === 'object' ? 'an object' : `a ${node.type}`;
}

function formatPath(path: JsonPath): string {
  return path.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}

// ---------------------------------------------------------------------------------------------------------
// Operations

function checkPosition(p: Position | undefined, what: string): Position {
  if (!p || !Number.isFinite(p.x) || !Number.isFinite(p.y)) throw new EditError(`${what}: the position must have finite x and y`);
  // Integers keep the file readable and the diff of a move to its digits.
  return { x: Math.round(p.x), y: Math.round(p.y) };
}

/** The smallest `base-n` (n ≥ start) that no step uses yet. */
function freshId(base: string, taken: (id: string) => boolean, start = 1): string {
  for (let n = start; ; n++) if (!taken(`${base}-${n}`)) return `${base}-${n}`;
}

function kebab(type: string): string {
  return type.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
}

/** The outputs of a step, or none when its settings are too broken to tell (e.g. routes missing). */
function safeOutputs(step: Step): string[] {
  try {
    return outputsOf(step);
  } catch {
    return [];
  }
}

/** Appends values to the top-level array `key` ("steps", "connections"), creating it when missing. */
function appendTo(doc: Doc, key: 'steps' | 'connections', values: unknown[]): Edit[] {
  if (!values.length) return [];
  const array = doc.at([key]);
  if (!array) return doc.set([key], values);
  if (array.type !== 'array') throw new EditError(`"${key}" is not an array`);
  return [doc.append(array, values)];
}

function checkConnection(doc: Doc, from: string, output: string, to: string, newIds: ReadonlySet<string> = new Set()): void {
  const source = doc.step(from);
  if (to === doc.startId) throw new EditError(`the Start step "${to}" cannot be the target of a connection: documents only enter a process there`);
  if (!newIds.has(to)) doc.step(to);
  if (from === to) throw new EditError(`step "${from}" cannot be connected to itself`);
  const outputs = safeOutputs(source.step);
  if (!outputs.includes(output)) {
    throw new EditError(`step "${from}" has no output "${output}"${outputs.length ? ` (its outputs: ${outputs.join(', ')})` : ' (it ends the document\'s path)'}`);
  }
}

/** Edits that make (from, output) lead to `to`: the existing connection is changed in place, else appended. */
function connectEdits(doc: Doc, from: string, output: string, to: string): Edit[] {
  const same = doc.connections().filter((c) => c.from === from && c.output === output);
  if (!same.length) return appendTo(doc, 'connections', [{ from, output, to }]);
  const [kept, ...extra] = same;
  const edits: Edit[] = [];
  if (kept!.to !== to) {
    const toNode = doc.at(['to'], kept!.node);
    edits.push(toNode ? doc.replace(toNode, to) : doc.replace(kept!.node, { from, output, to }));
  }
  // An output leads to one step; duplicates (a hand-edited file) go, the first one is reused.
  if (extra.length) edits.push(...doc.remove(doc.at(['connections'])!, extra.map((c) => c.index)));
  return edits;
}

function addStep(draft: Draft, op: Extract<EditOperation, { kind: 'addStep' }>): string[] {
  const doc = draft.parse();
  if (!Object.hasOwn(DEFAULT_NAMES, op.stepType)) throw new EditError(`unknown step type "${op.stepType}"`);
  const position = checkPosition(op.position, 'addStep');
  const id = freshId(kebab(op.stepType), (id) => doc.steps.has(id));
  if (op.connectFrom) checkConnection(doc, op.connectFrom.step, op.connectFrom.output, id, new Set([id]));
  const step = { id, type: op.stepType, name: DEFAULT_NAMES[op.stepType], ...defaultSettings(op.stepType), position };
  draft.apply(appendTo(doc, 'steps', [step]));
  if (op.connectFrom) draft.apply(connectEdits(draft.parse(), op.connectFrom.step, op.connectFrom.output, id));
  return [id];
}

/** Edits that write positions; only the x/y numbers that change, or a whole position where there is none. */
function positionEdits(doc: Doc, positions: Map<string, Position>): Edit[] {
  const edits: Edit[] = [];
  for (const [id, p] of positions) {
    const located = doc.step(id);
    const node = doc.at(['position'], located.node);
    if (!node) {
      edits.push(doc.append(located.node, [['position', p]]));
      continue;
    }
    const x = doc.at(['x'], node);
    const y = doc.at(['y'], node);
    if (node.type === 'object' && x?.type === 'number' && y?.type === 'number') {
      if (x.value !== p.x) edits.push({ offset: x.offset, length: x.length, content: String(p.x) });
      if (y.value !== p.y) edits.push({ offset: y.offset, length: y.length, content: String(p.y) });
    } else {
      edits.push(doc.replace(node, p));
    }
  }
  return edits;
}

function moveSteps(draft: Draft, moves: Array<{ id: string; position: Position }>): void {
  const doc = draft.parse();
  const positions = new Map<string, Position>();
  for (const m of moves) {
    doc.step(m.id);
    positions.set(m.id, checkPosition(m.position, `moveSteps "${m.id}"`));
  }
  draft.apply(positionEdits(doc, positions));
}

function deleteSteps(draft: Draft, ids: string[]): void {
  const doc = draft.parse();
  const gone = new Set(ids);
  for (const id of gone) {
    if (id === doc.startId || id === 'start') throw new EditError('the Start step cannot be deleted: every process receives its documents there');
    doc.step(id);
  }
  const edits: Edit[] = [];
  const steps = doc.at(['steps'])!;
  edits.push(...doc.remove(steps, [...gone].map((id) => doc.step(id).path[1] as number)));
  const connections = doc.connections().filter((c) => gone.has(c.from as string) || gone.has(c.to as string));
  if (connections.length) edits.push(...doc.remove(doc.at(['connections'])!, connections.map((c) => c.index)));
  draft.apply(edits);
}

function connect(draft: Draft, from: string, output: string, to: string): void {
  const doc = draft.parse();
  checkConnection(doc, from, output, to);
  draft.apply(connectEdits(doc, from, output, to));
}

function disconnect(draft: Draft, from: string, output: string): void {
  const doc = draft.parse();
  const same = doc.connections().filter((c) => c.from === from && c.output === output);
  if (!same.length) throw new EditError(`no connection leaves output "${output}" of step "${from}"`);
  draft.apply(doc.remove(doc.at(['connections'])!, same.map((c) => c.index)));
}

const SECRET_KEYS = new Set(['password', 'passphrase']);

function isSecretRef(v: unknown): boolean {
  return !!v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 1 && typeof (v as { secret?: unknown }).secret === 'string' && (v as { secret: string }).secret.length > 0;
}

/** Secrets are only ever written as {"secret": name}: the value itself lives in SecretStorage or the environment. */
function checkSecrets(path: JsonPath, value: unknown): void {
  const refuse = () => {
    throw new EditError(`${formatPath(path)}: passwords and passphrases are written only as {"secret": name} references (use setSecret), never in clear text`);
  };
  let k = -1;
  path.forEach((seg, i) => typeof seg === 'string' && SECRET_KEYS.has(seg) && (k = i));
  if (k >= 0 && value !== undefined) {
    const rest = path.slice(k + 1);
    if (rest.length === 0 && !isSecretRef(value)) refuse();
    // Renaming the reference ({"secret": "new-name"}) is fine: it is a name, not a value.
    if (rest.length === 1 && (rest[0] !== 'secret' || typeof value !== 'string' || !value)) refuse();
    if (rest.length > 1) refuse();
  }
  const walk = (v: unknown): void => {
    if (typeof v === 'number' && !Number.isFinite(v)) throw new EditError(`${formatPath(path)}: ${v} cannot be written in JSON`);
    if (!v || typeof v !== 'object') return;
    for (const [key, child] of Object.entries(v)) {
      if (SECRET_KEYS.has(key) && child !== undefined && !isSecretRef(child)) refuse();
      walk(child);
    }
  };
  walk(value);
}

function setValue(draft: Draft, path: JsonPath, value: unknown): void {
  if (!Array.isArray(path) || path.length === 0 || !path.every((s) => (typeof s === 'string' && s !== '') || (Number.isInteger(s) && (s as number) >= -1))) {
    throw new EditError(`invalid path ${JSON.stringify(path)}`);
  }
  // A step id is referenced by connections: changing it alone would leave them dangling.
  if ((path.length === 2 && path[0] === 'start' && path[1] === 'id') || (path.length === 3 && path[0] === 'steps' && path[2] === 'id')) {
    throw new EditError('a step id is changed with renameStep, which also updates its connections');
  }
  checkSecrets(path, value);
  const doc = draft.parse();
  draft.apply(doc.set(path, value));
}

function pasteSteps(draft: Draft, op: Extract<EditOperation, { kind: 'pasteSteps' }>): string[] {
  const doc = draft.parse();
  const offset = checkPosition(op.offset ?? { x: 0, y: 0 }, 'pasteSteps offset');
  const used = new Set(doc.steps.keys());
  const renamed = new Map<string, string>();
  const pasted: Array<Record<string, unknown>> = [];
  for (const step of op.steps ?? []) {
    if (!step || typeof step !== 'object' || typeof step.id !== 'string' || !Object.hasOwn(DEFAULT_NAMES, step.type)) {
      throw new EditError('pasteSteps: only processing steps with an id and a known type can be pasted');
    }
    if (renamed.has(step.id)) throw new EditError(`pasteSteps: the id "${step.id}" appears twice`);
    checkSecrets([], step);
    // The original id when it is free, else the same name with the next free number.
    // An id that is not valid here (hand-written clipboard JSON) is replaced like a new step's.
    const isTaken = (c: string) => used.has(c);
    const id = !STEP_ID_PATTERN.test(step.id)
      ? freshId(kebab(step.type), isTaken)
      : !used.has(step.id)
        ? step.id
        : freshId(step.id.replace(/-\d+$/, ''), isTaken, 2);
    used.add(id);
    renamed.set(step.id, id);
    const p = step.position;
    const position = p && Number.isFinite(p.x) && Number.isFinite(p.y) ? { x: Math.round(p.x + offset.x), y: Math.round(p.y + offset.y) } : offset;
    // Same members in the same order, so a pasted step reads like its original.
    const copy: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(JSON.parse(JSON.stringify(step)) as Record<string, unknown>)) copy[k] = k === 'id' ? id : k === 'position' ? position : v;
    if (!('position' in copy)) copy.position = position;
    pasted.push(copy);
  }
  // Connections among the pasted steps only, each output once; the rest of the clipboard does not apply here.
  const connections: Array<{ from: string; output: string; to: string }> = [];
  const taken = new Set<string>();
  for (const c of op.connections ?? []) {
    const from = renamed.get(c.from);
    const to = renamed.get(c.to);
    if (!from || !to || from === to) continue;
    const source = pasted.find((s) => s.id === from) as unknown as Step;
    const key = `${from}\u0000${c.output}`;
    if (!safeOutputs(source).includes(c.output) || taken.has(key)) continue;
    taken.add(key);
    connections.push({ from, output: c.output, to });
  }
  draft.apply(appendTo(doc, 'steps', pasted));
  if (connections.length) draft.apply(appendTo(draft.parse(), 'connections', connections));
  return pasted.map((s) => s.id as string);
}

function renameStep(draft: Draft, from: string, to: string): string[] {
  const doc = draft.parse();
  const located = doc.step(from);
  if (typeof to !== 'string' || !STEP_ID_PATTERN.test(to)) throw new EditError(`"${to}" is not a valid step id: use letters, digits, "-" and "_"`);
  if (to === from) return [to];
  if (doc.steps.has(to)) throw new EditError(`a step "${to}" already exists`);
  const edits: Edit[] = [];
  const idNode = doc.at(['id'], located.node);
  // A Start step without an id is addressed as "start": it gets the id written.
  edits.push(idNode ? doc.replace(idNode, to) : doc.append(located.node, [['id', to]]));
  for (const c of doc.connections()) {
    if (c.from === from) edits.push(doc.replace(doc.at(['from'], c.node)!, to));
    if (c.to === from) edits.push(doc.replace(doc.at(['to'], c.node)!, to));
  }
  draft.apply(edits);
  return [to];
}

function hasPosition(step: Step): boolean {
  const p = step.position as Partial<Position> | undefined;
  return !!p && typeof p === 'object' && Number.isFinite(p.x) && Number.isFinite(p.y);
}

function arrange(draft: Draft, onlyUnplaced: boolean): void {
  const doc = draft.parse();
  const layout = layoutProcess(doc.process);
  const targets = [...doc.steps.values()].filter((s) => !onlyUnplaced || !hasPosition(s.step)).map((s) => s.id);
  const positions = new Map<string, Position>();
  for (const id of targets) if (layout[id]) positions.set(id, layout[id]!);
  if (onlyUnplaced) {
    // Laid-out steps would land between the placed ones: when any box overlaps, the new ones go below them all.
    const placed = [...doc.steps.values()].filter((s) => hasPosition(s.step)).map((s) => s.step.position!);
    const { width, height } = DEFAULT_NODE_SIZE;
    const overlaps = [...positions.values()].some((p) => placed.some((q) => Math.abs(p.x - q.x) < width && Math.abs(p.y - q.y) < height));
    if (overlaps && placed.length) {
      const bottom = Math.max(...placed.map((q) => q.y)) + height * 2;
      const top = Math.min(...[...positions.values()].map((p) => p.y));
      for (const [id, p] of positions) positions.set(id, { x: p.x, y: Math.round(p.y - top + bottom) });
    }
  }
  draft.apply(positionEdits(doc, positions));
}
