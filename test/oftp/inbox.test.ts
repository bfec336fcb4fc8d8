// Untrusted dataset names become one safe path component, and the inbox's decisions on an SFID.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Sfid } from '../../src/oftp/codec/commands';
import { Inbox, safeName } from '../../src/oftp/inbox';
import type { SessionInfo } from '../../src/oftp/session/session';
import { tempDir } from '../helpers/files';

test('safeName keeps ordinary names and defuses paths, dots, devices and odd characters', () => {
  const cases: Array<[string, string]> = [
    ['INVOIC.2026-11', 'INVOIC.2026-11'],
    ['ORDERS(1)&X', 'ORDERS(1)&X'],
    ['../../x', '____x'],
    ['/etc/x', '_etc_x'],
    ['..\\x', '__x'],
    ['.HIDDEN', '_HIDDEN'],
    ['CON', '_CON'],
    ['lpt1.txt', '_lpt1.txt'],
    ['A B', 'A_B'],
    ['Grüße', 'Gr__e'],
    ['', ''],
  ];
  for (const [input, expected] of cases) assert.equal(safeName(input), expected, JSON.stringify(input));
  assert.equal(safeName('X'.repeat(300)).length, 100);
  for (const [input] of cases) assert.doesNotMatch(safeName(input), /[/\\]|^\.|\.\./);
});

const sfid = (over: Partial<Sfid> = {}): Sfid => ({ type: 'SFID', datasetName: 'ORDERS', date: '20261128', time: '1200000001', userData: '', destination: 'O0013US', originator: 'O0013THEM', format: 'U', maxRecordLength: 0, fileSize: 1, originalFileSize: 1, restartPosition: 0, securityLevel: 0, cipherSuite: 0, compression: 0, envelope: 0, signedEerp: false, description: '', ...over });
const session: SessionInfo = { id: 'S1', role: 'responder', partner: 'O0013THEM', params: { level: 5, bufferSize: 4096, mode: 'R', compression: false, restart: true, credit: 10, secureAuthentication: false } };

test('the inbox refuses a wrong destination (02), an empty name (01), a file over the limit (06), a duplicate (13)', async () => {
  const inbox = new Inbox({ dir: tempDir('inbox'), localCode: 'O0013US', maxFileSize: 10 * 1024 });
  assert.deepEqual(await inbox.startFile(sfid({ destination: 'O0013OTHER' }), session), { accept: false, reason: 2, retry: false, text: 'destination O0013OTHER is not O0013US' });
  assert.equal(((await inbox.startFile(sfid({ datasetName: '' }), session)) as { reason: number }).reason, 1);
  assert.equal(((await inbox.startFile(sfid({ fileSize: 11 }), session)) as { reason: number }).reason, 6);
  const d = await inbox.startFile(sfid(), session);
  assert.ok(d.accept);
  // While the first copy is still arriving, a second session is told to retry later.
  const busy = await inbox.startFile(sfid(), session);
  assert.deepEqual(busy.accept ? 'accepted' : [busy.reason, busy.retry], [13, true]);
  await d.sink.write(Buffer.from('hello'));
  assert.deepEqual(await d.sink.commit({ recordCount: 0, unitCount: 5, tolerances: [] }), { ok: true });
  const dup = await inbox.startFile(sfid(), session);
  assert.deepEqual(dup.accept ? 'accepted' : [dup.reason, dup.retry], [13, false]);
  const [meta] = await inbox.list();
  assert.equal(meta!.file, 'O0013THEM/ORDERS_20261128_1200000001');
  assert.equal(meta!.sha256, '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824');
  assert.equal(meta!.eerp.status, 'pending');
  assert.equal((await inbox.pendingReceipts('O0013THEM')).length, 1);
  // A new Inbox on the same folder remembers the file and the receipt still owed.
  const again = new Inbox({ dir: inbox.dir, localCode: 'O0013US' });
  assert.equal(((await again.startFile(sfid(), session)) as { reason: number }).reason, 13);
  assert.equal((await again.pendingReceipts('O0013THEM'))[0]!.receipt.datasetName, 'ORDERS');
});
