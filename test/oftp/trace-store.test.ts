// The trace panel's store on records of real loopback sessions: pairing of requests and answers, the
// virtual file each command belongs to, statuses, Δ times and every filter.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runClient } from '../../src/oftp/client';
import { OftpServer } from '../../src/oftp/server';
import type { TraceRecord } from '../../src/oftp/trace';
import { TraceStore, statusOf } from '../../src/oftp/trace-store';
import { tempDir } from '../helpers/files';

const records: TraceRecord[] = [];

before(async () => {
  const dir = tempDir('trace-store');
  const server = new OftpServer({ port: 0, localCode: 'O0013SERVER', localPassword: 'SRVPW', partners: [{ code: 'O0013CLIENT', password: 'CLIPW' }], inbox: join(dir, 'inbox'), trace: (r) => records.push(r) });
  const { port } = await server.listen();
  try {
    writeFileSync(join(dir, 'a.txt'), 'first file\n'.repeat(500));
    writeFileSync(join(dir, 'b.txt'), 'second file\n');
    const ok = await runClient({ host: '127.0.0.1', port, localCode: 'O0013CLIENT', localPassword: 'CLIPW', partnerCode: 'O0013SERVER', files: [{ path: join(dir, 'a.txt'), datasetName: 'FILE.A' }, { path: join(dir, 'b.txt'), datasetName: 'FILE.B' }], waitEerpMs: 5000 });
    assert.equal(ok.ok, true, ok.error);
    const bad = await runClient({ host: '127.0.0.1', port, localCode: 'O0013CLIENT', localPassword: 'WRONG', partnerCode: 'O0013SERVER', files: [{ path: join(dir, 'a.txt') }] });
    assert.equal(bad.ok, false);
  } finally {
    await server.close();
  }
});

const fill = (): TraceStore => {
  const store = new TraceStore();
  for (const r of records) store.append(r);
  return store;
};

test('requests and answers are paired both ways: SSID↔SSID, SFID↔SFPA, EFID↔EFPA, EERP↔RTR', () => {
  const store = fill();
  const rows = records.map((_, i) => store.row(i)!);
  assert.equal(rows.filter((r) => r.record.command === 'ESID' && r.pair !== undefined).length, 1, 'only the refusal answers a request');
  const of = (command: string, direction: string) => rows.filter((r) => r.record.command === command && r.record.direction === direction);
  // The refused session's SSID is answered by ESID 04 instead of the responder's SSID.
  for (const [request, dir, answer] of [['SSID', 'in', ['SSID', 'ESID']], ['SFID', 'in', ['SFPA']], ['EFID', 'in', ['EFPA']], ['EERP', 'out', ['RTR']]] as const) {
    const requests = of(request, dir);
    assert.ok(requests.length >= 1, `${request} ${dir} present`);
    for (const req of requests) {
      assert.notEqual(req.pair, undefined, `${request} #${req.index} has a pair`);
      const ans = store.row(req.pair!)!;
      assert.ok((answer as readonly string[]).includes(ans.record.command), `${request} answered by ${ans.record.command}`);
      assert.equal(ans.record.session, req.record.session);
      assert.equal(ans.pair, req.index);
    }
  }
});

test('DATA and EFID rows carry the virtual file of their SFID; events carry none', () => {
  const store = fill();
  const data = store.query({ commands: ['DATA'] }).map((i) => store.row(i)!);
  assert.ok(data.length >= 2);
  assert.deepEqual([...new Set(data.map((r) => r.file))].sort(), ['FILE.A', 'FILE.B']);
  assert.deepEqual(store.query({ file: 'file.b' }).map((i) => store.row(i)!.record.command).filter((c) => c !== 'DATA'), ['SFID', 'SFPA', 'EFID', 'EFPA']);
});

test('the wrong password is an error row (ESID 04) and errors-only finds exactly the failures', () => {
  const store = fill();
  const errors = store.query({ errorsOnly: true }).map((i) => store.row(i)!.record);
  assert.ok(errors.some((r) => r.command === 'ESID' && r.reason?.code === 4));
  for (const r of errors) assert.equal(statusOf(r), 'error');
  // A normal end (ESID 00) is not an error.
  const normal = records.filter((r) => r.command === 'ESID' && r.reason?.code === 0);
  assert.ok(normal.length >= 1);
  for (const r of normal) assert.equal(statusOf(r), 'ok');
});

test('filters combine: session, command and free text over summaries and field values', () => {
  const store = fill();
  const sessions = store.facets().sessions;
  assert.ok(sessions.length >= 2);
  const first = store.query({ sessions: [sessions[0]!] });
  assert.ok(first.length > 0 && first.every((i) => store.row(i)!.record.session === sessions[0]));
  const byField = store.query({ text: 'O0013CLIENT', commands: ['SSID'] });
  assert.ok(byField.length >= 2 && byField.every((i) => store.row(i)!.record.command === 'SSID'));
  assert.deepEqual(store.query({ text: 'no such text anywhere' }), []);
  for (const i of store.query({ text: 'invalid password' })) assert.ok(store.matches(i, { text: 'invalid password' }));
});

test('Δ times are per session and never negative', () => {
  const store = fill();
  for (let i = 0; i < store.size; i++) assert.ok(store.row(i)!.deltaMs >= 0);
  const firstOfEach = new Set<string>();
  for (let i = 0; i < store.size; i++) {
    const r = store.row(i)!;
    if (!firstOfEach.has(r.record.session)) {
      firstOfEach.add(r.record.session);
      assert.equal(r.deltaMs, 0);
    }
  }
});
