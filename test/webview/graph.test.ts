// The editor webview's pure logic, outside VS Code and any browser: the model drawn as nodes and edges,
// diagnostics placed on steps and fields, keyboard moves and copy/paste payloads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EditorDiagnostic } from '../../src/process/editor-protocol';
import type { ProcessFile } from '../../src/process/model';
import { copyPayload, diagnosticCountsByStep, diagnosticsAt, keyboardMove, parseClipboard, pasteOperation, propertyChoices, toFlowEdges, toFlowNodes } from '../../webview/src/graph';
import { ROOT } from '../helpers/cli';

const process = JSON.parse(readFileSync(join(ROOT, 'examples/forecasts-and-invoices.oftp2.json'), 'utf8')) as ProcessFile;
const diag = (path: Array<string | number>, severity: 'error' | 'warning' = 'error', stepId?: string): EditorDiagnostic => ({ file: 'f', range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, severity, code: 'odette-id', message: 'm', path, ...(stepId ? { stepId } : {}) });

test('every step is a node with one handle per output; every connection an edge from its output', () => {
  const nodes = toFlowNodes(process, { selected: new Set(['by-type']), diagnostics: [], breakpoints: new Set(['done']), counts: { start: 3 }, paused: new Set(), readOnly: false });
  assert.equal(nodes.length, process.steps.length + 1);
  const route = nodes.find((n) => n.id === 'by-type')!;
  assert.deepEqual(route.data.outputs, ['DELFOR', 'INVOIC', 'default']);
  // The handles React Flow is given: the input on the left, the outputs top to bottom on the right.
  assert.deepEqual(route.handles.map((h) => `${h.type}:${h.id}:${h.position}`), ['target:in:left', 'source:DELFOR:right', 'source:INVOIC:right', 'source:default:right']);
  assert.deepEqual(route.handles.slice(1).map((h) => h.y + h.height / 2), [18, 38, 58]);
  assert.equal(route.handles[0]!.y + route.handles[0]!.height / 2, route.height / 2);
  assert.deepEqual(nodes.find((n) => n.id === 'start')!.handles.map((h) => h.type), ['source', 'source'], 'the start step has no input');
  assert.equal(route.selected, true);
  assert.equal(nodes.find((n) => n.id === 'start')!.deletable, false);
  assert.equal(nodes.find((n) => n.id === 'done')!.data.breakpoint, true);
  assert.equal(nodes.find((n) => n.id === 'start')!.data.runCount, 3);
  const edges = toFlowEdges(process);
  assert.equal(edges.length, process.connections.length);
  const e = edges.find((x) => x.source === 'by-type' && x.sourceHandle === 'INVOIC')!;
  assert.equal(e.target, 'tag-invoice');
  assert.equal(e.label, 'INVOIC');
});

test('diagnostics count on their step (by stepId or path) and show beside the field their path names', () => {
  const ds = [diag(['steps', 0, 'routes', 1, 'equals']), diag(['start', 'myCompany', 'odetteId'], 'warning'), diag([], 'error', 'done')];
  const counts = diagnosticCountsByStep(process, ds);
  assert.deepEqual(counts.get('by-type'), { errors: 1, warnings: 0, infos: 0 });
  assert.deepEqual(counts.get('start'), { errors: 0, warnings: 1, infos: 0 });
  assert.deepEqual(counts.get('done'), { errors: 1, warnings: 0, infos: 0 });
  assert.equal(diagnosticsAt(ds, ['start', 'myCompany', 'odetteId']).length, 1);
  assert.equal(diagnosticsAt(ds, ['start', 'myCompany', 'name']).length, 0);
});

test('arrow keys move the selected steps by 10 px (50 with Shift); other keys do nothing', () => {
  const positions = new Map([['a', { x: 10, y: 20 }], ['b', { x: 100, y: 100 }]]);
  assert.deepEqual(keyboardMove('ArrowRight', ['a'], positions), { kind: 'moveSteps', moves: [{ id: 'a', position: { x: 20, y: 20 } }] });
  assert.deepEqual(keyboardMove('ArrowUp', ['a', 'b'], positions, true)?.moves.map((m) => m.position), [{ x: 10, y: -30 }, { x: 100, y: 50 }]);
  assert.equal(keyboardMove('x', ['a'], positions), undefined);
});

test('copy takes the selected processing steps and the connections among them, never the start step; paste offsets', () => {
  const payload = copyPayload(process, ['start', 'tag-invoice', 'for-us', 'store-invoice'])!;
  assert.deepEqual(payload.steps.map((s) => s.id), ['for-us', 'store-invoice', 'tag-invoice'].sort((a, b) => process.steps.findIndex((s) => s.id === a) - process.steps.findIndex((s) => s.id === b)));
  assert.ok(payload.connections.every((c) => c.from !== 'start'));
  assert.ok(payload.connections.some((c) => c.from === 'tag-invoice' && c.to === 'for-us'));
  const again = parseClipboard(JSON.stringify(payload))!;
  const op = pasteOperation(again);
  assert.equal(op.kind, 'pasteSteps');
  assert.equal(parseClipboard('plain text'), undefined);
});

test('the property picker offers the runtime properties and those Set Properties steps set', () => {
  const names = propertyChoices(process).map((p) => p.name);
  assert.ok(names.includes('sfid.originator'));
  assert.ok(names.includes('invoice.archiveName'));
});
