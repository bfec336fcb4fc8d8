// Editor operations become minimal text edits: checked on the real example file byte for byte (the text
// after the edit, the undo, the file's indentation and line ends) and on a generated 250-step process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { applyEdits, parse, type ParseError } from 'jsonc-parser';
import type { EditOperation } from '../../src/process/editor-protocol';
import { applyOperation, EditError, inverseEdits, type ApplyOptions } from '../../src/process/edits';
import { layoutProcess } from '../../src/process/layout';
import { outputsOf, type ProcessFile, type ProcessingStep } from '../../src/process/model';
import { generateProcess } from '../helpers/big-process';
import { Random } from '../helpers/random';

const ROOT = resolve(__dirname, '../../..');
// A frozen copy of an early examples/forecasts-and-invoices.oftp2.json: the expectations below name its exact text.
const ORIGINAL = readFileSync(join(ROOT, 'test/fixtures/processes/forecasts-and-invoices.oftp2.json'), 'utf8');
const MODEL = JSON.parse(ORIGINAL) as ProcessFile;

/**
 * Applies an operation and checks what every edit must satisfy: edits in order and not overlapping, the
 * result parses, and the inverse edits restore the original text byte for byte.
 */
function run(text: string, op: EditOperation, options?: ApplyOptions) {
  const result = applyOperation(text, op, options);
  const { edits } = result;
  for (let i = 1; i < edits.length; i++) assert.ok(edits[i]!.offset >= edits[i - 1]!.offset + edits[i - 1]!.length, 'edits overlap or are out of order');
  for (const e of edits) assert.ok(e.length > 0 || e.content.length > 0, 'empty edit');
  const out = applyEdits(text, edits);
  // jsonc-parser's parse, as the editor reads the file: comments are allowed.
  const errors: ParseError[] = [];
  const model = parse(out, errors) as ProcessFile;
  assert.deepEqual(errors, [], 'the result does not parse');
  assert.equal(applyEdits(out, inverseEdits(text, edits)), text, 'undo does not restore the original');
  return { out, model, edits, selection: result.selection };
}

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
const stepOf = (p: ProcessFile, id: string) => p.steps.find((s) => s.id === id);

/** The original with each [from, to] replaced exactly once (the expected text of an edit). */
function replaced(text: string, ...pairs: Array<[string, string]>): string {
  for (const [from, to] of pairs) {
    const at = text.indexOf(from);
    assert.ok(at >= 0 && text.indexOf(from, at + 1) < 0, `fixture: ${JSON.stringify(from)} must occur once`);
    text = text.slice(0, at) + to + text.slice(at + from.length);
  }
  return text;
}

function refused(op: EditOperation, message: RegExp, text = ORIGINAL) {
  assert.throws(() => applyOperation(text, op), (e: unknown) => e instanceof EditError && message.test(e.message));
}

// ---------------------------------------------------------------------------------------------------------
// moveSteps

test('moving a step changes only the digits of its position', () => {
  const { out, edits } = run(ORIGINAL, { kind: 'moveSteps', moves: [{ id: 'done', position: { x: 1300.4, y: 90 } }] });
  assert.equal(out, replaced(ORIGINAL, ['"position": { "x": 1260, "y": 100 }', '"position": { "x": 1300, "y": 90 }']));
  for (const e of edits) {
    assert.match(ORIGINAL.slice(e.offset, e.offset + e.length), /^\d*$/);
    assert.match(e.content, /^\d*$/);
  }
});

test('moving the Start step writes start.position; unchanged coordinates produce no edit', () => {
  const { out, model } = run(ORIGINAL, { kind: 'moveSteps', moves: [{ id: 'start', position: { x: 40, y: 200 } }] });
  assert.equal(out, replaced(ORIGINAL, ['"position": { "x": 40, "y": 160 }', '"position": { "x": 40, "y": 200 }']));
  assert.deepEqual(model.start.position, { x: 40, y: 200 });
  assert.deepEqual(run(ORIGINAL, { kind: 'moveSteps', moves: [{ id: 'done', position: { x: 1260, y: 100.2 } }] }).edits, []);
});

test('moving several steps at once edits each position, and only those', () => {
  const moves = [
    { id: 'by-type', position: { x: 300, y: 170 } },
    { id: 'unsupported', position: { x: 541, y: 280 } },
    { id: 'start', position: { x: 0, y: 0 } },
  ];
  const { model } = run(ORIGINAL, { kind: 'moveSteps', moves });
  const expected = clone(MODEL);
  expected.start.position = { x: 0, y: 0 };
  stepOf(expected, 'by-type')!.position = { x: 300, y: 170 };
  stepOf(expected, 'unsupported')!.position = { x: 541, y: 280 };
  assert.deepEqual(model, expected);
});

test('moving a step without a position adds one in the file\'s style', () => {
  const text = replaced(ORIGINAL, [',\n      "position": { "x": 1260, "y": 100 }', '']);
  const { out } = run(text, { kind: 'moveSteps', moves: [{ id: 'done', position: { x: 7, y: 8 } }] });
  assert.equal(out, replaced(text, ['"name": "Done"', '"name": "Done",\n      "position": { "x": 7, "y": 8 }']));
});

test('moving an unknown step or to a non-finite position is refused', () => {
  refused({ kind: 'moveSteps', moves: [{ id: 'nope', position: { x: 1, y: 1 } }] }, /no step "nope"/);
  refused({ kind: 'moveSteps', moves: [{ id: 'done', position: { x: NaN, y: 1 } }] }, /finite/);
});

// ---------------------------------------------------------------------------------------------------------
// addStep

test('adding a step appends it with a fresh id, default settings and a rounded position', () => {
  const { out, model, selection } = run(ORIGINAL, { kind: 'addStep', stepType: 'decision', position: { x: 100.4, y: 200.6 } });
  const block = [
    ',',
    '    {',
    '      "id": "decision-1",',
    '      "type": "decision",',
    '      "name": "Decision",',
    '      "condition": { "property": "virtualFileName", "operator": "equals", "value": "" },',
    '      "position": { "x": 100, "y": 201 }',
    '    }',
  ].join('\n');
  const lastStepEnd = ORIGINAL.indexOf('"position": { "x": 1260, "y": 100 }\n    }') + '"position": { "x": 1260, "y": 100 }\n    }'.length;
  assert.equal(out, ORIGINAL.slice(0, lastStepEnd) + block + ORIGINAL.slice(lastStepEnd));
  assert.deepEqual(selection, ['decision-1']);
  assert.deepEqual(model.connections, MODEL.connections);
  // The next one of the same type takes the next number.
  assert.deepEqual(run(out, { kind: 'addStep', stepType: 'decision', position: { x: 0, y: 0 } }).selection, ['decision-2']);
});

test('every step type gets valid default settings', () => {
  const expected: Record<ProcessingStep['type'], Record<string, unknown>> = {
    decision: { id: 'decision-1', type: 'decision', name: 'Decision', condition: { property: 'virtualFileName', operator: 'equals', value: '' } },
    route: { id: 'route-1', type: 'route', name: 'Route', routeBy: 'documentType', routes: [] },
    setProperties: { id: 'set-properties-1', type: 'setProperties', name: 'Set Properties', properties: [] },
    disk: { id: 'disk-1', type: 'disk', name: 'Disk', folder: 'received', fileName: '${virtualFileName}' },
    notify: { id: 'notify-1', type: 'notify', name: 'Notify', level: 'info', message: '' },
    exception: { id: 'exception-1', type: 'exception', name: 'Exception', message: '', nerpReason: 34 },
    stop: { id: 'stop-1', type: 'stop', name: 'Stop' },
    returnDocuments: { id: 'return-documents-1', type: 'returnDocuments', name: 'Return Documents' },
  };
  for (const [type, step] of Object.entries(expected)) {
    const { model } = run(ORIGINAL, { kind: 'addStep', stepType: type as ProcessingStep['type'], position: { x: 1, y: 2 } });
    assert.deepEqual(model.steps.at(-1), { ...step, position: { x: 1, y: 2 } });
    assert.deepEqual(model.steps.slice(0, -1), MODEL.steps);
  }
  refused({ kind: 'addStep', stepType: 'start' as never, position: { x: 0, y: 0 } }, /unknown step type/);
});

test('adding a step from a connected output replaces that output\'s connection in place', () => {
  const { out, model } = run(ORIGINAL, { kind: 'addStep', stepType: 'notify', position: { x: 800, y: 40 }, connectFrom: { step: 'store-forecast', output: 'next' } });
  const expected = clone(MODEL);
  expected.steps.push({ id: 'notify-1', type: 'notify', name: 'Notify', level: 'info', message: '', position: { x: 800, y: 40 } });
  expected.connections[5]!.to = 'notify-1';
  assert.deepEqual(model, expected);
  assert.ok(out.includes('    { "from": "store-forecast", "output": "next", "to": "notify-1" },\n'));
});

test('adding a step from a free output appends the connection', () => {
  const text = run(ORIGINAL, { kind: 'disconnect', from: 'log-invoice', output: 'next' }).out;
  const { out, model } = run(text, { kind: 'addStep', stepType: 'stop', position: { x: 1, y: 1 }, connectFrom: { step: 'log-invoice', output: 'next' } });
  assert.deepEqual(model.connections.at(-1), { from: 'log-invoice', output: 'next', to: 'stop-1' });
  assert.ok(out.endsWith('    { "from": "quarantine", "output": "next", "to": "reject-invalid" },\n    { "from": "log-invoice", "output": "next", "to": "stop-1" }\n  ]\n}\n'));
});

test('adding a step from an output that does not exist is refused and changes nothing', () => {
  refused({ kind: 'addStep', stepType: 'stop', position: { x: 1, y: 1 }, connectFrom: { step: 'by-type', output: 'ORDERS' } }, /no output "ORDERS".*DELFOR, INVOIC, default/);
  refused({ kind: 'addStep', stepType: 'stop', position: { x: 1, y: 1 }, connectFrom: { step: 'unsupported', output: 'next' } }, /ends the document's path/);
  refused({ kind: 'addStep', stepType: 'stop', position: { x: 1, y: 1 }, connectFrom: { step: 'ghost', output: 'next' } }, /no step "ghost"/);
});

// ---------------------------------------------------------------------------------------------------------
// deleteSteps

test('deleting a step removes its lines and every connection to or from it', () => {
  const { out, model } = run(ORIGINAL, { kind: 'deleteSteps', ids: ['tag-invoice'] });
  const stepBlock = ORIGINAL.slice(ORIGINAL.indexOf('    {\n      "id": "tag-invoice"'), ORIGINAL.indexOf('    {\n      "id": "store-invoice"'));
  assert.equal(
    out,
    replaced(
      ORIGINAL,
      [stepBlock, ''],
      ['    { "from": "by-type", "output": "INVOIC", "to": "tag-invoice" },\n', ''],
      ['    { "from": "tag-invoice", "output": "next", "to": "store-invoice" },\n', ''],
    ),
  );
  const expected = clone(MODEL);
  expected.steps = expected.steps.filter((s) => s.id !== 'tag-invoice');
  expected.connections = expected.connections.filter((c) => c.from !== 'tag-invoice' && c.to !== 'tag-invoice');
  assert.deepEqual(model, expected);
});

test('deleting the first, the last, adjacent and all steps keeps the JSON and the other lines intact', () => {
  const ids = MODEL.steps.map((s) => s.id);
  for (const gone of [[ids[0]!], [ids.at(-1)!], [ids[2]!, ids[3]!, ids[4]!], [ids[0]!, ids[1]!, ids.at(-1)!], ids]) {
    const { model } = run(ORIGINAL, { kind: 'deleteSteps', ids: gone });
    assert.deepEqual(model.steps, MODEL.steps.filter((s) => !gone.includes(s.id)));
    assert.deepEqual(model.connections, MODEL.connections.filter((c) => !gone.includes(c.from) && !gone.includes(c.to)));
  }
  const { out } = run(ORIGINAL, { kind: 'deleteSteps', ids });
  assert.match(out, /"steps": \[\],\n  "connections": \[\]\n\}\n$/);
});

test('the Start step and unknown steps cannot be deleted', () => {
  refused({ kind: 'deleteSteps', ids: ['start'] }, /Start step cannot be deleted/);
  refused({ kind: 'deleteSteps', ids: ['done', 'start'] }, /Start step cannot be deleted/);
  refused({ kind: 'deleteSteps', ids: ['nope'] }, /no step "nope"/);
});

// ---------------------------------------------------------------------------------------------------------
// connect / disconnect

test('reconnecting an output changes only the target of its connection', () => {
  const { out, edits } = run(ORIGINAL, { kind: 'connect', from: 'by-type', output: 'DELFOR', to: 'done' });
  assert.equal(out, replaced(ORIGINAL, ['{ "from": "by-type", "output": "DELFOR", "to": "store-forecast" }', '{ "from": "by-type", "output": "DELFOR", "to": "done" }']));
  assert.equal(edits.length, 1);
  assert.deepEqual(run(ORIGINAL, { kind: 'connect', from: 'by-type', output: 'DELFOR', to: 'store-forecast' }).edits, []);
});

test('connecting a free output appends a connection line', () => {
  const text = run(ORIGINAL, { kind: 'disconnect', from: 'start', output: 'errors' }).out;
  const { out } = run(text, { kind: 'connect', from: 'start', output: 'errors', to: 'reject-invalid' });
  assert.equal(out, replaced(text, ['"to": "reject-invalid" }\n  ]', '"to": "reject-invalid" },\n    { "from": "start", "output": "errors", "to": "reject-invalid" }\n  ]']));
});

test('duplicate connections of one output (a hand-edited file) collapse into one', () => {
  const text = replaced(ORIGINAL, ['    { "from": "store-forecast", "output": "next", "to": "done" },\n', '    { "from": "store-forecast", "output": "next", "to": "done" },\n    { "from": "store-forecast", "output": "next", "to": "unsupported" },\n']);
  const { model } = run(text, { kind: 'connect', from: 'store-forecast', output: 'next', to: 'log-invoice' });
  assert.deepEqual(model.connections.filter((c) => c.from === 'store-forecast'), [{ from: 'store-forecast', output: 'next', to: 'log-invoice' }]);
});

test('invalid connections are refused with a reason', () => {
  refused({ kind: 'connect', from: 'by-type', output: 'DELFOR', to: 'start' }, /Start step "start" cannot be the target/);
  refused({ kind: 'connect', from: 'by-type', output: 'DELFOR', to: 'ghost' }, /no step "ghost"/);
  refused({ kind: 'connect', from: 'ghost', output: 'next', to: 'done' }, /no step "ghost"/);
  refused({ kind: 'connect', from: 'by-type', output: 'DELFOR', to: 'by-type' }, /connected to itself/);
  refused({ kind: 'connect', from: 'by-type', output: 'next', to: 'done' }, /no output "next"/);
  refused({ kind: 'connect', from: 'done', output: 'next', to: 'by-type' }, /no output "next"/);
});

test('disconnecting removes exactly the connection line', () => {
  const { out } = run(ORIGINAL, { kind: 'disconnect', from: 'by-type', output: 'default' });
  assert.equal(out, replaced(ORIGINAL, ['    { "from": "by-type", "output": "default", "to": "unsupported" },\n', '']));
  refused({ kind: 'disconnect', from: 'by-type', output: 'ORDERS' }, /no connection leaves output "ORDERS"/);
});

// ---------------------------------------------------------------------------------------------------------
// setValue

test('setting a value replaces just that value', () => {
  const { out } = run(ORIGINAL, { kind: 'setValue', path: ['steps', 1, 'folder'], value: 'received/delfor' });
  assert.equal(out, replaced(ORIGINAL, ['"folder": "received/forecasts/${partner}"', '"folder": "received/delfor"']));
  const n = run(ORIGINAL, { kind: 'setValue', path: ['start', 'operation', 'maxFileSize'], value: 1024 });
  assert.equal(n.out, replaced(ORIGINAL, ['"maxFileSize": 104857600', '"maxFileSize": 1024']));
});

test('setting a new value adds a member line; undefined removes it', () => {
  const { out } = run(ORIGINAL, { kind: 'setValue', path: ['start', 'operation', 'cipherSuites'], value: [2, 4, 6] });
  assert.equal(out, replaced(ORIGINAL, ['"acknowledge": "afterProcessing"\n', '"acknowledge": "afterProcessing",\n      "cipherSuites": [2, 4, 6]\n']));
  const removed = run(ORIGINAL, { kind: 'setValue', path: ['start', 'operation', 'duplicateCheck'], value: undefined });
  assert.equal(removed.out, replaced(ORIGINAL, ['\n      "duplicateCheck": true,', '']));
  assert.deepEqual(run(ORIGINAL, { kind: 'setValue', path: ['start', 'operation', 'nothing'], value: undefined }).edits, []);
});

test('setting values in arrays and below missing objects', () => {
  const route = run(ORIGINAL, { kind: 'setValue', path: ['steps', 0, 'routes', -1], value: { output: 'ORDERS', equals: 'ORDERS' } });
  assert.equal(route.out, replaced(ORIGINAL, ['{ "output": "INVOIC", "equals": "INVOIC" }\n', '{ "output": "INVOIC", "equals": "INVOIC" },\n        { "output": "ORDERS", "equals": "ORDERS" }\n']));
  const cert = run(ORIGINAL, { kind: 'setValue', path: ['start', 'myCompany', 'decryptionCertificate', 'pkcs12'], value: 'certs/us.p12' });
  assert.equal(
    cert.out,
    replaced(ORIGINAL, ['"password": { "secret": "supplier-password" }\n', '"password": { "secret": "supplier-password" },\n      "decryptionCertificate": { "pkcs12": "certs/us.p12" }\n']),
  );
  // An empty array opens onto lines of its own.
  const text = run(ORIGINAL, { kind: 'addStep', stepType: 'setProperties', position: { x: 0, y: 0 } }).out;
  const props = run(text, { kind: 'setValue', path: ['steps', 9, 'properties', 0], value: { name: 'a', value: 'b' } });
  assert.ok(props.out.includes('"properties": [\n        { "name": "a", "value": "b" }\n      ],'));
  refused({ kind: 'setValue', path: ['steps', 0, 'routes', 5], value: {} }, /routes is an array of 2/);
  refused({ kind: 'setValue', path: ['name', 'x'], value: 1 }, /name is a string/);
});

test('secrets are written only as {"secret": name} references', () => {
  refused({ kind: 'setValue', path: ['start', 'myCompany', 'password'], value: 'hunter2' }, /clear text/);
  refused({ kind: 'setValue', path: ['start', 'tradingPartners', 0, 'password', 'secret', 'x'], value: 'hunter2' }, /clear text/);
  refused({ kind: 'setValue', path: ['start', 'myCompany', 'password'], value: { secret: 'a', value: 'hunter2' } }, /clear text/);
  refused({ kind: 'setValue', path: ['start', 'myCompany'], value: { name: 'x', odetteId: 'O1', password: 'hunter2' } }, /clear text/);
  refused({ kind: 'setValue', path: ['start', 'myCompany', 'decryptionCertificate'], value: { pkcs12: 'a.p12', passphrase: 'hunter2' } }, /clear text/);
  refused({ kind: 'setValue', path: ['start', 'myCompany', 'decryptionCertificate', 'passphrase'], value: 'hunter2' }, /clear text/);
  const ok = run(ORIGINAL, { kind: 'setValue', path: ['start', 'myCompany', 'password'], value: { secret: 'new-name' } });
  assert.equal(ok.out, replaced(ORIGINAL, ['{ "secret": "supplier-password" }', '{ "secret": "new-name" }']));
  const renamed = run(ORIGINAL, { kind: 'setValue', path: ['start', 'tradingPartners', 1, 'password', 'secret'], value: 'trucks' });
  assert.equal(renamed.out, replaced(ORIGINAL, ['"oem-trucks-password"', '"trucks"']));
});

test('invalid setValue paths and step ids are refused', () => {
  refused({ kind: 'setValue', path: [], value: 1 }, /invalid path/);
  refused({ kind: 'setValue', path: ['steps', 1.5], value: 1 }, /invalid path/);
  refused({ kind: 'setValue', path: ['steps', 0, 'id'], value: 'x' }, /renameStep/);
  refused({ kind: 'setValue', path: ['start', 'id'], value: 'x' }, /renameStep/);
  refused({ kind: 'setValue', path: ['steps', 0, 'x'], value: Infinity }, /cannot be written in JSON/);
});

// ---------------------------------------------------------------------------------------------------------
// pasteSteps / renameStep / arrange

test('pasting keeps free ids, numbers taken ones, remaps connections among the pasted steps and offsets them', () => {
  const copied = [clone(stepOf(MODEL, 'store-invoice')!), clone(stepOf(MODEL, 'log-invoice')!), { id: 'archive', type: 'disk', folder: 'a', fileName: 'b' } as ProcessingStep];
  const connections = [
    { from: 'store-invoice', output: 'next', to: 'log-invoice' },
    { from: 'log-invoice', output: 'next', to: 'done' },
    { from: 'tag-invoice', output: 'next', to: 'store-invoice' },
  ];
  const { model, selection } = run(ORIGINAL, { kind: 'pasteSteps', steps: copied, connections, offset: { x: 20, y: 30 } });
  assert.deepEqual(selection, ['store-invoice-2', 'log-invoice-2', 'archive']);
  assert.deepEqual(model.steps.slice(MODEL.steps.length), [
    { ...copied[0]!, id: 'store-invoice-2', position: { x: 800, y: 190 } },
    { ...copied[1]!, id: 'log-invoice-2', position: { x: 1040, y: 190 } },
    { ...copied[2]!, position: { x: 20, y: 30 } },
  ]);
  // Only the connection among pasted steps comes along.
  assert.deepEqual(model.connections.slice(MODEL.connections.length), [{ from: 'store-invoice-2', output: 'next', to: 'log-invoice-2' }]);
  assert.deepEqual(model.connections.slice(0, MODEL.connections.length), MODEL.connections);
  // Pasting the same again continues the numbering.
  const again = run(run(ORIGINAL, { kind: 'pasteSteps', steps: copied, connections, offset: { x: 0, y: 0 } }).out, { kind: 'pasteSteps', steps: copied, connections, offset: { x: 0, y: 0 } });
  assert.deepEqual(again.selection, ['store-invoice-3', 'log-invoice-3', 'archive-2']);
  const odd = run(ORIGINAL, { kind: 'pasteSteps', steps: [{ id: 'not valid!', type: 'stop' }], connections: [], offset: { x: 0, y: 0 } });
  assert.deepEqual(odd.selection, ['stop-1']);
  refused({ kind: 'pasteSteps', steps: [clone(MODEL.start) as unknown as ProcessingStep], connections: [], offset: { x: 0, y: 0 } }, /only processing steps/);
});

test('renaming a step changes its id and the connections that refer to it, nothing else', () => {
  const { out, selection } = run(ORIGINAL, { kind: 'renameStep', from: 'store-invoice', to: 'archive_invoice' });
  assert.deepEqual(selection, ['archive_invoice']);
  assert.equal(out, ORIGINAL.replaceAll('"store-invoice"', '"archive_invoice"'));
  refused({ kind: 'renameStep', from: 'store-invoice', to: 'with space' }, /not a valid step id/);
  refused({ kind: 'renameStep', from: 'store-invoice', to: '' }, /not a valid step id/);
  refused({ kind: 'renameStep', from: 'store-invoice', to: 'done' }, /already exists/);
  refused({ kind: 'renameStep', from: 'ghost', to: 'x' }, /no step "ghost"/);
  assert.deepEqual(run(ORIGINAL, { kind: 'renameStep', from: 'done', to: 'done' }).edits, []);
});

test('arrange writes the layout positions; onlyUnplaced touches only steps without one', () => {
  const { model, edits } = run(ORIGINAL, { kind: 'arrange' });
  const layout = layoutProcess(MODEL);
  assert.deepEqual(model.start.position, layout.start);
  for (const s of model.steps) assert.deepEqual(s.position, layout[s.id]);
  for (const e of edits) assert.match(e.content, /^\d*$/);

  const text = replaced(ORIGINAL, [',\n      "position": { "x": 1260, "y": 100 }', '']);
  const only = run(text, { kind: 'arrange', onlyUnplaced: true });
  assert.equal(only.edits.length, 1);
  assert.deepEqual(only.model.steps.slice(0, -1), MODEL.steps.slice(0, -1));
  assert.ok(only.model.steps.at(-1)!.position);
  assert.deepEqual(run(ORIGINAL, { kind: 'arrange', onlyUnplaced: true }).edits, []);
});

// ---------------------------------------------------------------------------------------------------------
// The file's style, broken text

test('CRLF files keep CRLF line ends in new content', () => {
  const crlf = ORIGINAL.replace(/\n/g, '\r\n');
  for (const op of [
    { kind: 'addStep', stepType: 'route', position: { x: 1, y: 2 }, connectFrom: { step: 'log-invoice', output: 'next' } },
    { kind: 'deleteSteps', ids: ['tag-invoice', 'done'] },
    { kind: 'setValue', path: ['start', 'operation', 'cipherSuites'], value: [1] },
    { kind: 'pasteSteps', steps: [clone(stepOf(MODEL, 'by-type')!)], connections: [], offset: { x: 1, y: 1 } },
  ] as EditOperation[]) {
    const { out } = run(crlf, op);
    assert.doesNotMatch(out, /[^\r]\n/, `${op.kind}: a bare LF`);
  }
});

test('tab- and 4-space-indented files keep their indentation in new content', () => {
  for (const indent of ['\t', '    ']) {
    const text = JSON.stringify(MODEL, null, indent) + '\n';
    const { out } = run(text, { kind: 'addStep', stepType: 'disk', position: { x: 1, y: 2 } });
    const block = `${indent}${indent}{\n${indent}${indent}${indent}"id": "disk-1",\n${indent}${indent}${indent}"type": "disk",`;
    assert.ok(out.includes(block), JSON.stringify(indent));
    assert.ok(out.includes(`${indent}${indent}${indent}"position": { "x": 1, "y": 2 }\n${indent}${indent}}\n${indent}],`));
  }
});

test('a one-line file stays on one line; editor options apply where the text shows no style', () => {
  const text = JSON.stringify(MODEL);
  const { out } = run(text, { kind: 'addStep', stepType: 'stop', position: { x: 1, y: 2 } }, { formatting: { eol: '\r\n' } });
  assert.ok(!out.includes('\n'));
  assert.ok(out.includes('},{"id":"stop-1","type":"stop","name":"Stop","position":{"x":1,"y":2}}],"connections"'));
});

test('text that is not valid JSON or not a process object is refused', () => {
  refused({ kind: 'moveSteps', moves: [{ id: 'done', position: { x: 1, y: 1 } }] }, /not valid JSON/, ORIGINAL.slice(0, 500));
  refused({ kind: 'arrange' }, /not a process file/, '[1, 2]');
  refused({ kind: 'bogus' } as unknown as EditOperation, /unknown edit operation/);
});

test('comments in the file (JSONC) survive edits around them', () => {
  const text = replaced(ORIGINAL, ['"steps": [\n', '"steps": [\n    // routing first\n']);
  const { out } = run(text, { kind: 'deleteSteps', ids: ['done'] });
  assert.ok(out.includes('// routing first'));
});

// ---------------------------------------------------------------------------------------------------------
// A 250-step process (Boomi's maximum)

const BIG = generateProcess(250);
const BIG_TEXT = JSON.stringify(BIG, null, 2) + '\n';

test('on a 250-step process a move is one small edit and deletes/renames stay consistent', () => {
  const target = BIG.steps[137]!;
  const { edits, model } = run(BIG_TEXT, { kind: 'moveSteps', moves: [{ id: target.id, position: { x: 5, y: 6 } }] });
  assert.ok(edits.length <= 2 && edits.every((e) => /^\d*$/.test(e.content)));
  assert.deepEqual(model.steps[137]!.position, { x: 5, y: 6 });

  const gone = BIG.steps.filter((_, i) => i % 5 === 0).map((s) => s.id);
  const deleted = run(BIG_TEXT, { kind: 'deleteSteps', ids: gone }).model;
  assert.equal(deleted.steps.length, BIG.steps.length - gone.length);
  assert.ok(deleted.connections.every((c) => !gone.includes(c.from) && !gone.includes(c.to)));

  const renamed = run(BIG_TEXT, { kind: 'renameStep', from: 'done', to: 'finished' }).model;
  assert.equal(renamed.connections.filter((c) => c.to === 'finished').length, BIG.connections.filter((c) => c.to === 'done').length);
});

test('a random sequence of operations on the 250-step process always parses and undoes byte for byte', () => {
  const random = new Random(7);
  let text = BIG_TEXT;
  for (let i = 0; i < 40; i++) {
    const model = JSON.parse(text) as ProcessFile;
    const ids = model.steps.map((s) => s.id);
    const any = () => random.pick(ids);
    const ops: EditOperation[] = [
      { kind: 'moveSteps', moves: [{ id: any(), position: { x: random.int(0, 5000), y: random.int(0, 5000) } }] },
      { kind: 'addStep', stepType: random.pick(['decision', 'disk', 'notify', 'stop'] as const), position: { x: random.int(0, 900), y: 0 } },
      { kind: 'deleteSteps', ids: [any(), any()] },
      { kind: 'renameStep', from: any(), to: `renamed-${i}` },
      { kind: 'setValue', path: ['steps', random.int(0, ids.length - 1), 'name'], value: `Step ${i}` },
      { kind: 'pasteSteps', steps: model.steps.slice(0, 3), connections: model.connections, offset: { x: 10, y: 10 } },
    ];
    text = run(text, random.pick(ops)).out;
  }
});

test('the generated process is valid: unique ids, every output connected once, no dangling connections', () => {
  const ids = new Set([BIG.start.id, ...BIG.steps.map((s) => s.id)]);
  assert.equal(BIG.steps.length, 250);
  assert.equal(ids.size, 251);
  assert.deepEqual(generateProcess(250), BIG, 'deterministic');
  for (const c of BIG.connections) assert.ok(ids.has(c.from) && ids.has(c.to) && c.to !== 'start');
  for (const step of [BIG.start, ...BIG.steps]) {
    for (const output of outputsOf(step)) assert.equal(BIG.connections.filter((c) => c.from === step.id && c.output === output).length, 1, `${step.id}.${output}`);
  }
  const types = new Set(BIG.steps.map((s) => s.type));
  assert.equal(types.size, 8, 'all step types');
});
