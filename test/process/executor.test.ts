// The executor runs documents through every step type: the Start step's standard check and its errors
// path, decisions, routes, Set Properties, Disk writes that stay in their folder, notifications, ends,
// failures with NERP reasons, the loop guard, the debugger hook, and the events it reports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { documentFromReceived, type ProcessDocument } from '../../src/process/document';
import { compare, MAX_STEPS_PER_DOCUMENT, ProcessExecutor, type DocumentOutcome, type NotifyEvent, type StepExecution } from '../../src/process/executor';
import type { ComparisonOperator, Connection, ProcessFile, ProcessingStep, StartStep, Step } from '../../src/process/model';
import { tempDir } from '../helpers/files';
import { receivedMeta, storeReceived } from './fixtures';

const EDIFACT = Buffer.from("UNB+UNOA:3+SENDER+RECEIVER+260115:0830+1'\nUNH+1+DELFOR:D:96A:UN'\nUNT+2+1'\nUNZ+1+1'\n");
const ODETTE = Buffer.from("UNB+UNOA:2+SENDER+RECEIVER+260115:0830+1'UNH+1+DELINS:3::OD'");
const X12 = Buffer.from(
  'ISA*00*          *00*          *ZZ*BUYER          *ZZ*SELLER         *260115*0830*U*00401*000000001*0*P*>~GS*PO*BUYER*SELLER*20260115*0830*1*X*004010~ST*850*0001~',
);

function processFile(steps: ProcessingStep[], connections: Array<[string, string, string]>, start: Partial<StartStep> = {}): ProcessFile {
  return {
    schemaVersion: 1,
    name: 'Inbound',
    start: {
      id: 'start',
      name: 'Receive',
      type: 'start',
      startType: 'tradingPartner',
      standard: 'custom',
      myCompany: { name: 'Us', odetteId: 'O0013US', password: { secret: 'us' } },
      tradingPartners: [],
      communicationMethod: 'OFTP2',
      operation: { type: 'oftp2ServerListen' },
      ...start,
    },
    steps,
    connections: connections.map(([from, output, to]): Connection => ({ from, output, to })),
  };
}

let counter = 0;
/** A real stored file and its document, as the runtime would hand it over. */
async function received(content: Buffer = EDIFACT, sfid: Partial<ReturnType<typeof receivedMeta>['sfid']> = {}, partner = 'O0013THEM'): Promise<ProcessDocument> {
  const inbox = tempDir('exec-inbox');
  counter++;
  const meta = receivedMeta({ partner, file: `${partner.replace(/[^A-Za-z0-9]/g, '_')}/F${counter}`, size: content.length, sfid: { ...receivedMeta().sfid, ...sfid } }, content);
  await storeReceived(inbox, meta, content);
  return documentFromReceived(meta, inbox, { partnerName: 'Them', myCompany: 'O0013US' });
}

interface Recorded {
  outcome: DocumentOutcome;
  steps: StepExecution[];
  notes: NotifyEvent[];
  order: string[];
}

async function run(process: ProcessFile, doc: ProcessDocument, baseDir = tempDir('exec-base'), executor = new ProcessExecutor(process, { baseDir })): Promise<Recorded> {
  const steps: StepExecution[] = [];
  const notes: NotifyEvent[] = [];
  const order: string[] = [];
  const onStep = (s: StepExecution): void => {
    if (s.document === doc.id) steps.push(s);
  };
  const onNotify = (n: NotifyEvent): void => {
    if (n.document === doc.id) notes.push(n);
  };
  const onStart = (d: ProcessDocument): void => {
    if (d.id === doc.id) order.push('document-start');
  };
  const onEnd = (e: { document: string }): void => {
    if (e.document === doc.id) order.push('document-end');
  };
  executor.on('step', onStep).on('notify', onNotify).on('document-start', onStart).on('document-end', onEnd);
  try {
    const outcome = await executor.run(doc);
    return { outcome, steps, notes, order };
  } finally {
    executor.off('step', onStep).off('notify', onNotify).off('document-start', onStart).off('document-end', onEnd);
  }
}

const stop = (id: string): ProcessingStep => ({ id, type: 'stop' });

test('the Start step checks the standard: EDIFACT takes EDIFACT and ODETTE, others only their own, custom anything', async () => {
  const cases: Array<[StartStep['standard'], Buffer, boolean]> = [
    ['EDIFACT', EDIFACT, true],
    ['EDIFACT', ODETTE, true],
    ['EDIFACT', X12, false],
    ['ODETTE', ODETTE, true],
    ['ODETTE', EDIFACT, false],
    ['X12', X12, true],
    ['X12', EDIFACT, false],
    ['custom', Buffer.from('\u0000\u0001 binary'), true],
  ];
  for (const [standard, content, valid] of cases) {
    const p = processFile([stop('ok')], [['start', 'documents', 'ok']], { standard });
    const r = await run(p, await received(content));
    if (valid) assert.deepEqual(r.outcome, { status: 'stopped', step: 'ok' }, `${standard} ${content.subarray(0, 20).toString()}`);
    else {
      assert.equal(r.outcome.status, 'failed');
      const f = r.outcome as Extract<DocumentOutcome, { status: 'failed' }>;
      // RFC 5024 §5.3.14 reason 34: file processing failed.
      assert.equal(f.reason, 34);
      assert.equal(f.step, 'start');
      assert.match(f.text, new RegExp(`not ${standard}`));
      assert.equal(r.steps.length, 1);
      assert.equal(r.steps[0]!.error, f.text);
      assert.equal(r.steps[0]!.output, undefined);
    }
  }
});

test('an invalid document leaves through "errors" with continueProcessOnError; failureNerpReason replaces 34', async () => {
  const p = processFile(
    [stop('ok'), { id: 'bad', type: 'notify', level: 'warning', message: 'not X12: ${document.standard} ${document.type}' }],
    [
      ['start', 'documents', 'ok'],
      ['start', 'errors', 'bad'],
    ],
    { standard: 'X12', errorHandling: 'continueProcessOnError' },
  );
  const r = await run(p, await received(EDIFACT));
  assert.deepEqual(r.outcome, { status: 'completed', endedAt: 'bad' });
  assert.deepEqual(r.steps.map((s) => [s.step, s.output]), [['start', 'errors'], ['bad', 'next']]);
  assert.equal(r.notes[0]!.message, 'not X12: EDIFACT DELFOR');
  assert.equal(r.notes[0]!.level, 'warning');
  // A valid one still takes "documents".
  assert.deepEqual((await run(p, await received(X12))).outcome, { status: 'stopped', step: 'ok' });

  const strict = processFile([], [], { standard: 'ODETTE', operation: { type: 'oftp2ServerListen', failureNerpReason: 35 } });
  const f = (await run(strict, await received(X12))).outcome;
  assert.deepEqual(f, { status: 'failed', step: 'start', reason: 35, text: 'the document is not ODETTE (detected: X12)' });
});

test('compare: every operator, numeric and string ordering', () => {
  const cases: Array<[ComparisonOperator, string | undefined, string, boolean]> = [
    ['equals', 'O0013THEM', 'O0013THEM', true],
    ['equals', 'O0013THEM', 'o0013them', false],
    ['equals', undefined, '', true],
    ['notEquals', 'A', 'B', true],
    ['notEquals', 'A', 'A', false],
    ['contains', 'DELFOR.0001', 'FOR.0', true],
    ['contains', 'DELFOR', 'X', false],
    ['startsWith', 'DELFOR.0001', 'DELFOR', true],
    ['startsWith', 'DELFOR.0001', '0001', false],
    ['endsWith', 'DELFOR.0001', '.0001', true],
    ['endsWith', 'DELFOR.0001', 'DELFOR', false],
    ['matches', 'DELFOR.0001', '^DEL[A-Z]+\\.\\d{4}$', true],
    ['matches', 'INVOIC.0001', '^DEL', false],
    ['matches', 'xDELx', 'DEL', true],
    ['greaterThan', '10', '9', true], // numbers: 10 > 9
    ['greaterThan', '10', '9a', false], // strings: '10' < '9a'
    ['greaterThan', '2.5', '-3', true],
    ['greaterThan', '5', '5', false],
    ['lessThan', '9', '10', true],
    ['lessThan', 'abc', 'abd', true],
    ['lessThan', '1e3', '999', false],
    ['exists', 'x', '', true],
    ['exists', '', '', false],
    ['exists', undefined, '', false],
    ['notExists', undefined, '', true],
    ['notExists', 'x', '', false],
  ];
  for (const [op, actual, expected, result] of cases) assert.equal(compare(op, actual, expected), result, `${actual} ${op} ${expected}`);
});

test('Decision steps take true or false, with templated values and a detail for people', async () => {
  const p = (operator: ComparisonOperator, property: string, value?: string): ProcessFile =>
    processFile(
      [{ id: 'd', name: 'Is it ours?', type: 'decision', condition: { property, operator, ...(value !== undefined ? { value } : {}) } }, stop('yes'), { id: 'no', type: 'returnDocuments' }],
      [
        ['start', 'documents', 'd'],
        ['d', 'true', 'yes'],
        ['d', 'false', 'no'],
      ],
    );
  const doc = await received(EDIFACT, { originator: 'O0013THEM', destination: 'O0013US', fileSize: 12 });
  const yes = { status: 'stopped', step: 'yes' };
  const no = { status: 'returned', step: 'no' };
  assert.deepEqual((await run(p('equals', 'sfid.originator', '${partner}'), doc)).outcome, yes);
  assert.deepEqual((await run(p('equals', 'sfid.destination', '${partner}'), doc)).outcome, no);
  assert.deepEqual((await run(p('notEquals', 'sfid.destination', '${partner}'), doc)).outcome, yes);
  assert.deepEqual((await run(p('contains', 'virtualFileName', 'FOR'), doc)).outcome, yes);
  assert.deepEqual((await run(p('startsWith', 'virtualFileName', 'INV'), doc)).outcome, no);
  assert.deepEqual((await run(p('endsWith', 'virtualFileName', '.0001'), doc)).outcome, yes);
  assert.deepEqual((await run(p('matches', 'document.type', '^DEL(FOR|JIT)$'), doc)).outcome, yes);
  assert.deepEqual((await run(p('greaterThan', 'sfid.fileSize', '9'), doc)).outcome, yes);
  assert.deepEqual((await run(p('lessThan', 'sfid.fileSize', '9'), doc)).outcome, no);
  assert.deepEqual((await run(p('exists', 'signer'), doc)).outcome, yes);
  assert.deepEqual((await run(p('notExists', 'custom.flag'), doc)).outcome, yes);
  const r = await run(p('equals', 'sfid.originator', '${partner}'), doc);
  const d = r.steps.find((s) => s.step === 'd')!;
  assert.equal(d.output, 'true');
  assert.equal(d.stepName, 'Is it ours?');
  assert.equal(d.detail, 'condition sfid.originator ("O0013THEM") equals "O0013THEM" → true');
  // A broken regular expression fails the document with the step named.
  const bad = await run(p('matches', 'virtualFileName', '(unclosed'), doc);
  assert.equal(bad.outcome.status, 'failed');
  assert.match((bad.outcome as { text: string }).text, /^Is it ours\? \(d\): invalid regular expression/);
});

test('Route by partner, virtual file name, document type and property; first match wins; else default', async () => {
  const routeProcess = (routeBy: 'partner' | 'virtualFileName' | 'documentType' | 'property', routes: Array<{ output: string; equals?: string; pattern?: string }>, property?: string): ProcessFile =>
    processFile(
      [
        { id: 'tag', type: 'setProperties', properties: [{ name: 'flow', value: '${sfid.userData}-${document.type}' }] },
        { id: 'r', type: 'route', routeBy, routes, ...(property ? { property } : {}) },
        stop('a'),
        stop('b'),
        stop('other'),
      ],
      [
        ['start', 'documents', 'tag'],
        ['tag', 'next', 'r'],
        ['r', 'A', 'a'],
        ['r', 'B', 'b'],
        ['r', 'default', 'other'],
      ],
    );
  const doc = await received(EDIFACT, { datasetName: 'DELFOR.PLANT7', userData: 'P7' }, 'O0013VW');
  const ended = async (p: ProcessFile): Promise<string> => ((await run(p, doc)).outcome as { step: string }).step;
  assert.equal(await ended(routeProcess('partner', [{ output: 'A', equals: 'O0013BMW' }, { output: 'B', equals: 'O0013VW' }])), 'b');
  assert.equal(await ended(routeProcess('partner', [{ output: 'A', equals: 'O0013vw' }])), 'other');
  assert.equal(await ended(routeProcess('virtualFileName', [{ output: 'A', pattern: '^INVOIC' }, { output: 'B', pattern: '^DELFOR\\.PLANT\\d$' }])), 'b');
  assert.equal(await ended(routeProcess('virtualFileName', [{ output: 'A', pattern: 'PLANT' }, { output: 'B', pattern: 'PLANT7' }])), 'a');
  assert.equal(await ended(routeProcess('documentType', [{ output: 'A', equals: 'DELFOR' }])), 'a');
  assert.equal(await ended(routeProcess('documentType', [{ output: 'A', equals: 'INVOIC' }])), 'other');
  assert.equal(await ended(routeProcess('property', [{ output: 'B', equals: 'P7-DELFOR' }], 'flow')), 'b');
  assert.equal(await ended(routeProcess('property', [{ output: 'B', pattern: '^P8' }], 'flow')), 'other');
  const r = await run(routeProcess('virtualFileName', [{ output: 'B', pattern: 'PLANT' }]), doc);
  assert.equal(r.steps.find((s) => s.step === 'r')!.detail, 'virtualFileName "DELFOR.PLANT7" matches /PLANT/ → B');
  assert.equal(r.steps.find((s) => s.step === 'r')!.output, 'B');
});

test('Set Properties: in order, templated, reported, and never over a built-in property', async () => {
  const p = processFile(
    [
      { id: 'set', type: 'setProperties', properties: [{ name: 'target', value: '${sfid.originator}/${document.type}' }, { name: 'label', value: '[${target}] ${missing.one}' }] },
      { id: 'n', type: 'notify', level: 'info', message: '${label} from ${partner.name}' },
    ],
    [
      ['start', 'documents', 'set'],
      ['set', 'next', 'n'],
    ],
  );
  const doc = await received();
  const r = await run(p, doc);
  assert.deepEqual(r.outcome, { status: 'completed', endedAt: 'n' });
  const set = r.steps.find((s) => s.step === 'set')!;
  assert.deepEqual(set.propertiesSet, { target: 'O0013THEM/DELFOR', label: '[O0013THEM/DELFOR] ' });
  assert.match(set.detail!, /missing\.one/);
  assert.equal(doc.properties.label, '[O0013THEM/DELFOR] ');
  assert.deepEqual(r.notes, [{ process: 'Inbound', document: doc.id, step: 'n', level: 'info', message: '[O0013THEM/DELFOR]  from Them' }]);

  for (const name of ['sfid.originator', 'partner', 'document.type', 'disk.path']) {
    const bad = processFile([{ id: 'set', name: 'Spoof', type: 'setProperties', properties: [{ name: 'ok', value: '1' }, { name, value: 'X' }] }], [['start', 'documents', 'set']]);
    const d = await received();
    const before = d.properties[name];
    const out = await run(bad, d);
    assert.equal(out.outcome.status, 'failed', name);
    const f = out.outcome as Extract<DocumentOutcome, { status: 'failed' }>;
    assert.equal(f.step, 'set');
    assert.equal(f.reason, 34);
    assert.equal(f.text, `Spoof (set): "${name}" is a built-in document property and cannot be set`);
    assert.equal(d.properties[name], before);
    assert.equal(out.steps.at(-1)!.error, f.text);
  }
});

test('properties set on one document never reach another, even when they run at once', async () => {
  const p = processFile(
    [
      { id: 'r', type: 'route', routeBy: 'partner', routes: [{ output: 'A', equals: 'O0013A' }] },
      { id: 'set', type: 'setProperties', properties: [{ name: 'secret', value: 'only-A' }] },
      { id: 'd', type: 'decision', condition: { property: 'secret', operator: 'exists' } },
      stop('has'),
      stop('hasNot'),
    ],
    [
      ['start', 'documents', 'r'],
      ['r', 'A', 'set'],
      ['set', 'next', 'd'],
      ['r', 'default', 'd'],
      ['d', 'true', 'has'],
      ['d', 'false', 'hasNot'],
    ],
  );
  const executor = new ProcessExecutor(p, { baseDir: tempDir('exec-base') });
  const docs = await Promise.all(['O0013A', 'O0013B', 'O0013A', 'O0013B'].map((partner) => received(EDIFACT, {}, partner)));
  const outcomes = await Promise.all(docs.map((d) => executor.run(d)));
  assert.deepEqual(outcomes.map((o) => (o as { step: string }).step), ['has', 'hasNot', 'has', 'hasNot']);
  assert.equal(docs[1]!.properties.secret, undefined);
  assert.equal(docs[0]!.properties.secret, 'only-A');
});

test('Disk: hostile names stay inside the folder, the copy is exact, disk.path is set', async () => {
  const base = tempDir('exec-base');
  const p = processFile(
    [{ id: 'disk', type: 'disk', folder: 'out/${partner}', fileName: '${virtualFileName}' }],
    [['start', 'documents', 'disk']],
  );
  const hostile = ['../../x', '/etc/passwd', '..\\x', '', '..', 'a/../../../b', 'C:\\Windows\\win.ini', '\u0000nul'];
  for (const name of hostile) {
    const doc = await received(EDIFACT, { datasetName: name }, '../../evil');
    const r = await run(p, doc, base);
    assert.deepEqual(r.outcome, { status: 'completed', endedAt: 'disk' }, JSON.stringify(name));
    const written = doc.properties['disk.path']!;
    const folder = join(base, 'out', '____evil');
    assert.equal(resolve(written, '..'), folder, JSON.stringify(name));
    assert.ok(written.startsWith(folder + sep));
    assert.deepEqual(await readFile(written), EDIFACT);
    assert.deepEqual(r.steps.at(-1)!.propertiesSet, { 'disk.path': written });
    assert.equal(r.steps.at(-1)!.detail, `wrote ${written}`);
  }
  // Nothing was written anywhere else under the base folder.
  assert.deepEqual(await readdir(base), ['out']);
  assert.deepEqual(await readdir(join(base, 'out')), ['____evil']);
  const names = await readdir(join(base, 'out', '____evil'));
  assert.equal(names.length, hostile.length);
  for (const n of names) assert.doesNotMatch(n, /[/\\]|^\.|\.\./);
});

test('Disk: absolute folders, dates in names, and the three ifExists modes', async () => {
  const folder = tempDir('exec-out');
  const make = (ifExists?: 'fail' | 'overwrite' | 'unique'): ProcessFile =>
    processFile([{ id: 'save', name: 'Save', type: 'disk', folder, fileName: '${sfid.originator}_${virtualFileName}.edi', ...(ifExists ? { ifExists } : {}) }], [['start', 'documents', 'save']]);
  const one = Buffer.from("UNB+UNOA:3+A+B+260115:0830+1'UNH+1+ORDERS:D:96A:UN'");
  const two = Buffer.from("UNB+UNOA:3+A+B+260115:0830+2'UNH+1+ORDERS:D:96A:UN'");
  const target = join(folder, 'O0013THEM_ORDERS.edi');

  const first = await received(one, { datasetName: 'ORDERS' });
  await run(make(), first);
  assert.equal(first.properties['disk.path'], target);
  // unique (the default): a counter before the extension.
  const second = await received(two, { datasetName: 'ORDERS' });
  await run(make('unique'), second);
  assert.equal(second.properties['disk.path'], join(folder, 'O0013THEM_ORDERS_2.edi'));
  assert.deepEqual(await readFile(target), one);
  assert.deepEqual(await readFile(join(folder, 'O0013THEM_ORDERS_2.edi')), two);
  // fail: the document fails, the existing file is untouched.
  const third = await received(two, { datasetName: 'ORDERS' });
  const failed = await run(make('fail'), third);
  assert.deepEqual(failed.outcome, { status: 'failed', step: 'save', reason: 34, text: `Save (save): ${target} already exists` });
  assert.equal(third.properties['disk.path'], undefined);
  assert.deepEqual(await readFile(target), one);
  assert.equal(failed.steps.at(-1)!.error, `Save (save): ${target} already exists`);
  // overwrite: replaced in place, no temporary files left behind.
  const fourth = await received(two, { datasetName: 'ORDERS' });
  assert.deepEqual((await run(make('overwrite'), fourth)).outcome, { status: 'completed', endedAt: 'save' });
  assert.equal(fourth.properties['disk.path'], target);
  assert.deepEqual(await readFile(target), two);
  assert.deepEqual((await readdir(folder)).sort(), ['O0013THEM_ORDERS.edi', 'O0013THEM_ORDERS_2.edi']);
});

test('Disk: a relative folder resolves against the process folder; a disk error fails the document', async () => {
  const base = tempDir('exec-base');
  const doc = await received();
  const p = processFile([{ id: 'disk', type: 'disk', folder: 'archive/${sfid.date}', fileName: 'f.edi' }], [['start', 'documents', 'disk']]);
  await run(p, doc, base);
  assert.equal(doc.properties['disk.path'], join(base, 'archive', '20261128', 'f.edi'));

  await writeFile(join(base, 'blocker'), 'a file, not a folder');
  const broken = processFile([{ id: 'disk', type: 'disk', folder: 'blocker/sub', fileName: 'f.edi' }], [['start', 'documents', 'disk']]);
  const r = await run(broken, await received(), base);
  assert.equal(r.outcome.status, 'failed');
  const f = r.outcome as Extract<DocumentOutcome, { status: 'failed' }>;
  assert.equal(f.reason, 34);
  assert.match(f.text, /^disk: .*(EEXIST|ENOTDIR)/);
  assert.equal(r.steps.at(-1)!.error, f.text);
});

test('Exception fails with its reason and rendered text (default 34); Stop and Return Documents end the document', async () => {
  const doc = await received();
  const exc = (nerpReason?: number): ProcessFile =>
    processFile([{ id: 'x', type: 'exception', message: 'no contract for ${document.type} from ${partner}', ...(nerpReason !== undefined ? { nerpReason } : {}) }], [['start', 'documents', 'x']]);
  const r = await run(exc(35), doc);
  assert.deepEqual(r.outcome, { status: 'failed', step: 'x', reason: 35, text: 'no contract for DELFOR from O0013THEM' });
  assert.equal(r.steps.at(-1)!.error, 'no contract for DELFOR from O0013THEM');
  assert.deepEqual((await run(exc(), doc)).outcome, { status: 'failed', step: 'x', reason: 34, text: 'no contract for DELFOR from O0013THEM' });
  assert.deepEqual((await run(processFile([stop('s')], [['start', 'documents', 's']]), doc)).outcome, { status: 'stopped', step: 's' });
  assert.deepEqual((await run(processFile([{ id: 'ret', type: 'returnDocuments' }], [['start', 'documents', 'ret']]), doc)).outcome, { status: 'returned', step: 'ret' });
  // An output with no connection completes the document there, including the Start step's.
  assert.deepEqual((await run(processFile([], []), doc)).outcome, { status: 'completed', endedAt: 'start' });
});

test('a loop in the connections is stopped after the step limit; a connection to a missing step fails', async () => {
  const p = processFile(
    [
      { id: 'a', type: 'setProperties', properties: [{ name: 'n', value: '${n}x' }] },
      { id: 'b', type: 'notify', level: 'info', message: 'again' },
    ],
    [
      ['start', 'documents', 'a'],
      ['a', 'next', 'b'],
      ['b', 'next', 'a'],
    ],
  );
  const doc = await received();
  const r = await run(p, doc);
  assert.equal(r.outcome.status, 'failed');
  const f = r.outcome as Extract<DocumentOutcome, { status: 'failed' }>;
  assert.equal(f.reason, 34);
  assert.match(f.text, /1000 steps without ending; the connections form a loop/);
  assert.equal(r.steps.length, MAX_STEPS_PER_DOCUMENT);
  // start, then a and b in turn: 500 times a, 499 times b.
  assert.equal(r.notes.length, 499);

  const dangling = processFile([], [['start', 'documents', 'ghost']]);
  assert.deepEqual((await run(dangling, doc)).outcome, { status: 'failed', step: 'start', reason: 34, text: 'output "documents" of step "Receive (start)" leads to step "ghost", which does not exist' });
});

test('beforeStep is awaited before every step, in order: a paused document waits', async () => {
  const p = processFile(
    [
      { id: 'set', type: 'setProperties', properties: [{ name: 'k', value: 'v' }] },
      { id: 'n', type: 'notify', level: 'info', message: '${k}' },
      stop('end'),
    ],
    [
      ['start', 'documents', 'set'],
      ['set', 'next', 'n'],
      ['n', 'next', 'end'],
    ],
  );
  const seen: string[] = [];
  const executed: string[] = [];
  let release: (() => void) | undefined;
  let paused: ((doc: ProcessDocument) => void) | undefined;
  const pausedAt = new Promise<ProcessDocument>((r) => (paused = r));
  const executor = new ProcessExecutor(p, {
    baseDir: tempDir('exec-base'),
    beforeStep: async (doc: ProcessDocument, step: Step) => {
      seen.push(step.id);
      if (step.id === 'n') {
        // A breakpoint: the debugger holds the document here until the user continues.
        paused!(doc);
        await new Promise<void>((r) => (release = r));
      }
    },
  });
  executor.on('step', (s) => executed.push(s.step));
  const notes: string[] = [];
  executor.on('notify', (n) => notes.push(n.message));
  const running = executor.run(await received());
  const doc = await pausedAt;
  // Give the executor every chance to run on if it did not wait.
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(seen, ['start', 'set', 'n']);
  assert.deepEqual(executed, ['start', 'set']);
  assert.deepEqual(notes, []);
  // While paused, the debugger sees the properties set so far.
  assert.equal(doc.properties.k, 'v');
  release!();
  assert.deepEqual(await running, { status: 'stopped', step: 'end' });
  assert.deepEqual(seen, ['start', 'set', 'n', 'end']);
  assert.deepEqual(executed, ['start', 'set', 'n', 'end']);
  assert.deepEqual(notes, ['v']);
});

test('events: document-start, one step event per step with its fields, document-end with the outcome', async () => {
  const p = processFile(
    [
      { id: 'set', name: 'Tag', type: 'setProperties', properties: [{ name: 'k', value: '${document.type}' }] },
      { id: 'save', type: 'disk', folder: 'o', fileName: 'x.edi' },
      { id: 'end', type: 'returnDocuments' },
    ],
    [
      ['start', 'documents', 'set'],
      ['set', 'next', 'save'],
      ['save', 'next', 'end'],
    ],
    { standard: 'EDIFACT' },
  );
  const doc = await received();
  const executor = new ProcessExecutor(p, { baseDir: tempDir('exec-base') });
  const all: Array<[string, unknown]> = [];
  executor.on('document-start', (d) => all.push(['document-start', d]));
  executor.on('step', (s) => all.push(['step', s]));
  executor.on('document-end', (e) => all.push(['document-end', e]));
  const before = Date.now();
  const outcome = await executor.run(doc);
  assert.deepEqual(outcome, { status: 'returned', step: 'end' });
  assert.deepEqual(all.map(([k]) => k), ['document-start', 'step', 'step', 'step', 'step', 'document-end']);
  assert.equal(all[0]![1], doc);
  assert.deepEqual(all[5]![1], { document: doc.id, outcome });
  const steps = all.slice(1, 5).map(([, s]) => s as StepExecution);
  for (const s of steps) {
    assert.equal(s.process, 'Inbound');
    assert.equal(s.document, doc.id);
    assert.ok(Date.parse(s.startedAt) >= before - 1000 && s.startedAt.endsWith('Z'));
    assert.ok(typeof s.durationMs === 'number' && s.durationMs >= 0);
    assert.equal(s.error, undefined);
  }
  assert.deepEqual(
    steps.map((s) => [s.step, s.stepType, s.stepName, s.output]),
    [
      ['start', 'start', 'Receive', 'documents'],
      ['set', 'setProperties', 'Tag', 'next'],
      ['save', 'disk', undefined, 'next'],
      ['end', 'returnDocuments', undefined, undefined],
    ],
  );
  assert.equal(steps[0]!.detail, 'standard EDIFACT: document is EDIFACT');
  assert.deepEqual(steps[1]!.propertiesSet, { k: 'DELFOR' });
  assert.equal(steps[2]!.propertiesSet!['disk.path'], doc.properties['disk.path']);
  assert.ok(!('stepName' in steps[2]!));
});

test('a large file is copied by streaming and arrives intact', async () => {
  const base = tempDir('exec-base');
  const big = Buffer.alloc(5 * 1024 * 1024 + 17);
  for (let i = 0; i < big.length; i++) big[i] = (i * 31 + (i >> 10)) & 0xff;
  const doc = await received(big);
  await mkdir(join(base, 'big'), { recursive: true });
  await run(processFile([{ id: 'd', type: 'disk', folder: 'big', fileName: 'copy.bin' }], [['start', 'documents', 'd']]), doc, base);
  assert.ok((await readFile(join(base, 'big', 'copy.bin'))).equals(big));
});

test('documents racing for one file name each get their own file (unique)', async () => {
  const folder = tempDir('exec-race');
  const p = processFile([{ id: 'd', type: 'disk', folder, fileName: 'same.edi' }], [['start', 'documents', 'd']]);
  const executor = new ProcessExecutor(p, { baseDir: folder });
  const contents = [0, 1, 2, 3, 4].map((i) => Buffer.from(`UNB+UNOA:3+A+B+260115:0830+${i}'`));
  const docs = await Promise.all(contents.map((c) => received(c)));
  await Promise.all(docs.map((d) => executor.run(d)));
  assert.deepEqual((await readdir(folder)).sort(), ['same.edi', 'same_2.edi', 'same_3.edi', 'same_4.edi', 'same_5.edi']);
  for (const [i, d] of docs.entries()) assert.deepEqual(await readFile(d.properties['disk.path']!), contents[i]);
});

test('a beforeStep that rejects ends run() with its error and runs no further step', async () => {
  const p = processFile([{ id: 'n', type: 'notify', level: 'info', message: 'x' }], [['start', 'documents', 'n']]);
  const executed: string[] = [];
  const executor = new ProcessExecutor(p, {
    baseDir: tempDir('exec-base'),
    beforeStep: async (_doc, step) => {
      if (step.id === 'n') throw new Error('terminated by the debugger');
    },
  });
  executor.on('step', (s) => executed.push(s.step));
  await assert.rejects(executor.run(await received()), /terminated by the debugger/);
  assert.deepEqual(executed, ['start']);
});
