// Pure functions of the visual editor: process model → canvas nodes and edges, diagnostics → steps and form
// fields, the property picker's list, keyboard moves, copy/paste payloads. No DOM or React imports, so the
// root tsc compiles them for the Node unit tests in test/webview/ (relative imports carry `.js` for Node16).
import { DOCUMENT_PROPERTIES, outputsOf } from '../../src/process/model.js';
import type { Connection, Position, ProcessFile, ProcessingStep, Step, StepType } from '../../src/process/model.js';
import type { EditorDiagnostic, EditOperation, JsonPath } from '../../src/process/editor-protocol.js';

// ---------------------------------------------------------------------------------------------------------
// Step types

export interface StepMeta {
  label: string;
  /** A codicon name (without the `codicon-` prefix). */
  icon: string;
  /** Boomi's palette group. */
  group: 'Start' | 'Logic' | 'Execute' | 'Connect';
  description: string;
}

export const STEP_META: Readonly<Record<StepType, StepMeta>> = {
  start: { label: 'Start', icon: 'radio-tower', group: 'Start', description: 'Trading Partner start step: listens with the OFTP2 Server operation' },
  decision: { label: 'Decision', icon: 'git-compare', group: 'Logic', description: 'Compares a document property; leaves through true or false' },
  route: { label: 'Route', icon: 'type-hierarchy-sub', group: 'Logic', description: 'Sends each document to the first matching route, else default' },
  exception: { label: 'Exception', icon: 'error', group: 'Logic', description: 'Fails the document; the partner gets a NERP with the reason' },
  stop: { label: 'Stop', icon: 'debug-stop', group: 'Logic', description: 'Ends the document\'s path successfully' },
  returnDocuments: { label: 'Return Documents', icon: 'reply', group: 'Logic', description: 'Ends the path and returns the documents to the caller' },
  setProperties: { label: 'Set Properties', icon: 'symbol-property', group: 'Execute', description: 'Sets document properties from templates' },
  notify: { label: 'Notify', icon: 'bell', group: 'Execute', description: 'Writes a message to the process log' },
  disk: { label: 'Disk', icon: 'save', group: 'Connect', description: 'Stores the document in a folder' },
};

/** The palette, grouped like Boomi's (Logic, Execute, Connect). */
export const PALETTE_GROUPS: ReadonlyArray<{ group: string; types: ProcessingStep['type'][] }> = [
  { group: 'Logic', types: ['decision', 'route', 'exception', 'stop', 'returnDocuments'] },
  { group: 'Execute', types: ['setProperties', 'notify'] },
  { group: 'Connect', types: ['disk'] },
];

// ---------------------------------------------------------------------------------------------------------
// Model → canvas

export const NODE_WIDTH = 200;
const NODE_MIN_HEIGHT = 60;
const OUTPUT_ROW = 20;

/** Tall enough to give each output handle its own labelled row. */
export function nodeHeight(outputCount: number): number {
  return Math.max(NODE_MIN_HEIGHT, 16 + outputCount * OUTPUT_ROW);
}

/** Vertical centre of output handle `index` of `count`, in px from the node's top. */
export function outputHandleTop(index: number, count: number): number {
  const h = nodeHeight(count);
  const used = count * OUTPUT_ROW;
  return (h - used) / 2 + index * OUTPUT_ROW + OUTPUT_ROW / 2;
}

/** A handle's square (editor.css: 9 px and a 1 px border), centred on the node's left or right edge. */
export const HANDLE_SIZE = 11;

/** Structurally an @xyflow/react NodeHandle: where a handle sits in its node's box. */
export interface FlowHandle {
  id: string;
  type: 'source' | 'target';
  position: 'left' | 'right';
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * The handles of a step as the canvas draws them (the node's box is their containing block, editor.css).
 * Given to React Flow up front so it need not measure a node before drawing its edges, and so it culls a large
 * process from the first frame instead of first drawing every step to measure it.
 */
export function handlesOf(type: StepType, outputs: readonly string[]): FlowHandle[] {
  const h = nodeHeight(outputs.length);
  const half = HANDLE_SIZE / 2;
  const box = { width: HANDLE_SIZE, height: HANDLE_SIZE };
  return [
    ...(type === 'start' ? [] : [{ id: TARGET_HANDLE, type: 'target' as const, position: 'left' as const, x: -half, y: h / 2 - half, ...box }]),
    ...outputs.map((id, i) => ({ id, type: 'source' as const, position: 'right' as const, x: NODE_WIDTH - half, y: outputHandleTop(i, outputs.length) - half, ...box })),
  ];
}

export interface DiagnosticCounts {
  errors: number;
  warnings: number;
  infos: number;
}

export interface StepNodeData {
  [key: string]: unknown;
  step: Step;
  outputs: string[];
  /** Outputs with a connection leaving them. */
  connected: string[];
  diagnostics: DiagnosticCounts;
  breakpoint: boolean;
  runCount?: number;
  /** Of runCount, the documents that failed at this step. */
  failedCount?: number;
  paused: boolean;
  readOnly: boolean;
}

/** Structurally an @xyflow/react Node (kept free of its types so Node tests need no React). */
export interface FlowNode {
  id: string;
  type: 'step';
  position: Position;
  data: StepNodeData;
  selected: boolean;
  deletable: boolean;
  width: number;
  height: number;
  /** The size React Flow would measure: given, so it counts steps it never drew (culled) as measured, and fits. */
  measured: { width: number; height: number };
  handles: FlowHandle[];
  ariaLabel: string;
}

export interface FlowEdge {
  id: string;
  source: string;
  sourceHandle: string;
  target: string;
  targetHandle: string;
  label?: string;
  selected: boolean;
  data: { output: string };
  ariaLabel: string;
}

export const TARGET_HANDLE = 'in';

export interface RenderState {
  selected: ReadonlySet<string>;
  selectedEdges?: ReadonlySet<string>;
  diagnostics: readonly EditorDiagnostic[];
  breakpoints: ReadonlySet<string>;
  counts: Readonly<Record<string, number>>;
  failed?: Readonly<Record<string, number>>;
  paused: ReadonlySet<string>;
  readOnly: boolean;
}

export function allSteps(process: ProcessFile): Step[] {
  return [process.start, ...(process.steps ?? [])];
}

export function findStep(process: ProcessFile, id: string): Step | undefined {
  return allSteps(process).find((s) => s.id === id);
}

/** Where a step without a `position` is drawn until someone arranges: a grid below the placed ones. */
export function fallbackPosition(index: number): Position {
  return { x: 40 + (index % 5) * 240, y: 560 + Math.floor(index / 5) * 120 };
}

export function edgeId(c: Pick<Connection, 'from' | 'output'>): string {
  // An output has at most one connection, so (from, output) is unique.
  return `${c.from}\u0000${c.output}`;
}

export function toFlowNodes(process: ProcessFile, state: RenderState): FlowNode[] {
  const counts = diagnosticCountsByStep(process, state.diagnostics);
  const connections = process.connections ?? [];
  let unplaced = 0;
  return allSteps(process).map((step) => {
    const outputs = safeOutputs(step);
    const diagnostics = counts.get(step.id) ?? { errors: 0, warnings: 0, infos: 0 };
    const meta = STEP_META[step.type] ?? { label: step.type, icon: 'question' };
    const problems = diagnostics.errors + diagnostics.warnings;
    const height = nodeHeight(outputs.length);
    return {
      id: step.id,
      type: 'step',
      position: isPosition(step.position) ? { x: step.position.x, y: step.position.y } : fallbackPosition(unplaced++),
      data: {
        step,
        outputs,
        connected: connections.filter((c) => c.from === step.id).map((c) => c.output),
        diagnostics,
        breakpoint: state.breakpoints.has(step.id),
        runCount: state.counts[step.id],
        ...(state.failed?.[step.id] ? { failedCount: state.failed[step.id] } : {}),
        paused: state.paused.has(step.id),
        readOnly: state.readOnly,
      },
      selected: state.selected.has(step.id),
      deletable: step.type !== 'start' && !state.readOnly,
      width: NODE_WIDTH,
      height,
      measured: { width: NODE_WIDTH, height },
      handles: handlesOf(step.type, outputs),
      ariaLabel: `${meta.label} step ${step.name ?? step.id}${problems ? `, ${problems} problem${problems > 1 ? 's' : ''}` : ''}`,
    };
  });
}

export function toFlowEdges(process: ProcessFile, selectedEdges: ReadonlySet<string> = new Set()): FlowEdge[] {
  const ids = new Set(allSteps(process).map((s) => s.id));
  return (process.connections ?? [])
    .filter((c) => ids.has(c.from) && ids.has(c.to))
    .map((c) => {
      const id = edgeId(c);
      return {
        id,
        source: c.from,
        sourceHandle: c.output,
        target: c.to,
        targetHandle: TARGET_HANDLE,
        // "next" is the only output of its step: a label would only repeat the obvious.
        label: c.output === 'next' ? undefined : c.output,
        selected: selectedEdges.has(id),
        data: { output: c.output },
        ariaLabel: `Connection ${c.from} ${c.output} to ${c.to}`,
      };
    });
}

/** outputsOf, tolerant of a half-typed document (e.g. a route step whose routes are missing). */
export function safeOutputs(step: Step): string[] {
  try {
    return outputsOf(step);
  } catch {
    return step.type === 'route' ? ['default'] : [];
  }
}

function isPosition(p: unknown): p is Position {
  return !!p && typeof (p as Position).x === 'number' && typeof (p as Position).y === 'number';
}

/** The first output of a step with nothing connected to it (for "add after the selected step"). */
export function firstFreeOutput(process: ProcessFile, stepId: string): string | undefined {
  const step = findStep(process, stepId);
  if (!step) return undefined;
  const used = new Set((process.connections ?? []).filter((c) => c.from === stepId).map((c) => c.output));
  return safeOutputs(step).find((o) => !used.has(o));
}

// ---------------------------------------------------------------------------------------------------------
// Diagnostics

export function pathStartsWith(path: JsonPath, prefix: JsonPath): boolean {
  return prefix.length <= path.length && prefix.every((seg, i) => String(seg) === String(path[i]));
}

/** The step a diagnostic is about: its stepId, else the step its path points into (a connection counts for the step it leaves). */
export function diagnosticStepId(process: ProcessFile, d: EditorDiagnostic): string | undefined {
  if (d.stepId) return d.stepId;
  const p = d.path;
  if (!p || p.length === 0) return undefined;
  if (p[0] === 'start') return process.start?.id;
  if (p[0] === 'steps' && p.length > 1) return process.steps?.[Number(p[1])]?.id;
  if (p[0] === 'connections' && p.length > 1) return process.connections?.[Number(p[1])]?.from;
  return undefined;
}

export function diagnosticCountsByStep(process: ProcessFile, diagnostics: readonly EditorDiagnostic[]): Map<string, DiagnosticCounts> {
  const out = new Map<string, DiagnosticCounts>();
  for (const d of diagnostics) {
    const id = diagnosticStepId(process, d);
    if (!id) continue;
    const c = out.get(id) ?? { errors: 0, warnings: 0, infos: 0 };
    if (d.severity === 'error') c.errors++;
    else if (d.severity === 'warning') c.warnings++;
    else c.infos++;
    out.set(id, c);
  }
  return out;
}

/** Diagnostics of one step (for the list at the top of the properties panel). */
export function diagnosticsOfStep(process: ProcessFile, diagnostics: readonly EditorDiagnostic[], stepId: string): EditorDiagnostic[] {
  return diagnostics.filter((d) => diagnosticStepId(process, d) === stepId);
}

/** Diagnostics to show beside the form field at `path` (the field's value or anything inside it). */
export function diagnosticsAt(diagnostics: readonly EditorDiagnostic[], path: JsonPath): EditorDiagnostic[] {
  return diagnostics.filter((d) => d.path && pathStartsWith(d.path, path));
}

/** The JSON path of a step in the file: ['start'] or ['steps', index]. */
export function stepPath(process: ProcessFile, stepId: string): JsonPath | undefined {
  if (process.start?.id === stepId) return ['start'];
  const i = (process.steps ?? []).findIndex((s) => s.id === stepId);
  return i >= 0 ? ['steps', i] : undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Property picker

export interface PropertyChoice {
  name: string;
  description: string;
  /** 'document' for the runtime's, else the id of the Set Properties step that sets it. */
  source: string;
}

/** Properties a condition or route can test: the runtime's document properties, then those Set Properties steps set. */
export function propertyChoices(process: ProcessFile): PropertyChoice[] {
  const out: PropertyChoice[] = Object.entries(DOCUMENT_PROPERTIES).map(([name, description]) => ({ name, description, source: 'document' }));
  const seen = new Set(out.map((p) => p.name));
  const custom: PropertyChoice[] = [];
  for (const step of process.steps ?? []) {
    if (step.type !== 'setProperties' || !Array.isArray(step.properties)) continue;
    for (const p of step.properties) {
      if (!p?.name || seen.has(p.name)) continue;
      seen.add(p.name);
      custom.push({ name: p.name, description: `set by ${step.name ?? step.id}`, source: step.id });
    }
  }
  custom.sort((a, b) => a.name.localeCompare(b.name));
  return [...out, ...custom];
}

// ---------------------------------------------------------------------------------------------------------
// Keyboard

export const KEYBOARD_STEP = 10;

const ARROWS: Record<string, Position> = {
  ArrowLeft: { x: -1, y: 0 },
  ArrowRight: { x: 1, y: 0 },
  ArrowUp: { x: 0, y: -1 },
  ArrowDown: { x: 0, y: 1 },
};

/** The moveSteps operation for an arrow key on the selected steps (Shift moves 5×), or undefined for other keys. */
export function keyboardMove(
  key: string,
  selected: readonly string[],
  positions: ReadonlyMap<string, Position>,
  large = false,
): Extract<EditOperation, { kind: 'moveSteps' }> | undefined {
  const dir = ARROWS[key];
  if (!dir || selected.length === 0) return undefined;
  const d = large ? KEYBOARD_STEP * 5 : KEYBOARD_STEP;
  const moves = selected
    .filter((id) => positions.has(id))
    .map((id) => {
      const p = positions.get(id)!;
      return { id, position: { x: Math.round(p.x + dir.x * d), y: Math.round(p.y + dir.y * d) } };
    });
  return moves.length ? { kind: 'moveSteps', moves } : undefined;
}

/** Steps in reading order (rows top to bottom, then left to right), the order Tab walks them. */
export function readingOrder(nodes: ReadonlyArray<{ id: string; position: Position }>): string[] {
  const ROW = 60; // steps within 60px vertically read as one row
  return [...nodes]
    .sort((a, b) => Math.round(a.position.y / ROW) - Math.round(b.position.y / ROW) || a.position.x - b.position.x || a.id.localeCompare(b.id))
    .map((n) => n.id);
}

/** The next id after `current` in `order` (wrapping); the first (or last, backwards) when current is not in it. */
export function cycle(order: readonly string[], current: string | undefined, backwards = false): string | undefined {
  if (order.length === 0) return undefined;
  const i = current === undefined ? -1 : order.indexOf(current);
  if (i < 0) return backwards ? order[order.length - 1] : order[0];
  return order[(i + (backwards ? -1 : 1) + order.length) % order.length];
}

// ---------------------------------------------------------------------------------------------------------
// Copy / paste

/** What Copy puts on the clipboard: a small JSON document with a marker, so a paste knows its own kind. */
export interface ClipboardPayload {
  oftp2Steps: 1;
  steps: ProcessingStep[];
  connections: Connection[];
}

/** The selected processing steps (never the Start step, which Boomi does not copy either) and the connections among them. */
export function copyPayload(process: ProcessFile, ids: readonly string[]): ClipboardPayload | undefined {
  const chosen = new Set(ids);
  const steps = (process.steps ?? []).filter((s) => chosen.has(s.id));
  if (steps.length === 0) return undefined;
  const kept = new Set(steps.map((s) => s.id));
  const connections = (process.connections ?? []).filter((c) => kept.has(c.from) && kept.has(c.to));
  return { oftp2Steps: 1, steps: structuredClone(steps), connections: connections.map((c) => ({ ...c })) };
}

export function parseClipboard(text: string | undefined | null): ClipboardPayload | undefined {
  if (!text) return undefined;
  try {
    const v = JSON.parse(text) as Partial<ClipboardPayload>;
    if (v && v.oftp2Steps === 1 && Array.isArray(v.steps) && v.steps.length > 0 && v.steps.every((s) => s && typeof s.id === 'string' && typeof s.type === 'string' && (s.type as string) !== 'start')) {
      return { oftp2Steps: 1, steps: v.steps, connections: Array.isArray(v.connections) ? v.connections : [] };
    }
  } catch {
    // not ours: plain text on the clipboard
  }
  return undefined;
}

export const PASTE_OFFSET: Position = { x: 40, y: 40 };

export function pasteOperation(payload: ClipboardPayload, offset: Position = PASTE_OFFSET): EditOperation {
  return { kind: 'pasteSteps', steps: payload.steps, connections: payload.connections.map(({ from, output, to }) => ({ from, output, to })), offset };
}

// ---------------------------------------------------------------------------------------------------------
// Secrets and ids

/**
 * The SecretStorage name for a password: keep the one the file already names (two processes may
 * deliberately share it, or deliberately not), else derive `<odetteId>-password` in lower case.
 */
export function secretNameFor(existing: string | undefined, odetteId: string | undefined, suffix = 'password'): string {
  if (existing && existing.trim()) return existing;
  const base = (odetteId ?? '').trim().toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '');
  return base ? `${base}-${suffix}` : suffix;
}

/** A step id is referred to by connections: letters, digits, `-`, `_`, `.`; unique in the process. */
export function validateStepId(process: ProcessFile, current: string, next: string): string | undefined {
  if (!next) return 'A step id cannot be empty.';
  if (!/^[A-Za-z0-9_.-]+$/.test(next)) return 'Use letters, digits, "-", "_" or "." only.';
  if (next !== current && allSteps(process).some((s) => s.id === next)) return `Another step already has the id "${next}".`;
  return undefined;
}

/** Where a new step goes: the centre of the visible canvas, minus half a node so it lands centred. */
export function centredPosition(centre: Position): Position {
  return { x: Math.round(centre.x - NODE_WIDTH / 2), y: Math.round(centre.y - NODE_MIN_HEIGHT / 2) };
}

/** To the right of a step (quick add after the selected step). */
export function positionAfter(p: Position): Position {
  return { x: p.x + NODE_WIDTH + 40, y: p.y };
}
