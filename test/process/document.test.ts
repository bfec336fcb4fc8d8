// A received file and its sidecar become a process document with every built-in property; templates
// fill `${property}` placeholders; untrusted names become one safe path component.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { documentFromReceived, renderTemplate, safePathComponent } from '../../src/process/document';
import { DOCUMENT_PROPERTIES } from '../../src/process/model';
import { sha256, tempDir } from '../helpers/files';
import { DELFOR, receivedMeta, storeReceived } from './fixtures';

test('documentFromReceived fills every built-in property from the sidecar and the file', async () => {
  const inbox = tempDir('doc');
  const meta = receivedMeta();
  await storeReceived(inbox, meta, DELFOR);
  const doc = await documentFromReceived(meta, inbox, { partnerName: 'Them Inc', myCompany: 'O0013US' });
  assert.equal(doc.path, join(inbox, 'O0013THEM', 'DELFOR.0001_20261128_1200000001'));
  assert.deepEqual(Object.keys(doc.properties).sort(), Object.keys(DOCUMENT_PROPERTIES).sort());
  assert.deepEqual(doc.properties, {
    partner: 'O0013THEM',
    'partner.name': 'Them Inc',
    myCompany: 'O0013US',
    session: 'S7',
    virtualFileName: 'DELFOR.0001',
    'sfid.datasetName': 'DELFOR.0001',
    'sfid.date': '20261128',
    'sfid.time': '1200000001',
    'sfid.originator': 'O0013THEM',
    'sfid.destination': 'O0013US',
    'sfid.userData': 'U1',
    'sfid.format': 'U',
    'sfid.maxRecordLength': '0',
    'sfid.fileSize': '1',
    'sfid.originalSize': '2',
    'sfid.security': '03',
    'sfid.cipherSuite': '02',
    'sfid.compression': '1',
    'sfid.envelope': '1',
    'sfid.signedEerp': 'Y',
    'sfid.description': 'delivery schedule',
    size: String(DELFOR.length),
    sha256: sha256(DELFOR),
    receivedAt: '2026-11-28T12:00:01.000Z',
    fileName: 'DELFOR.0001_20261128_1200000001',
    signed: 'true',
    encrypted: 'true',
    compressed: 'true',
    signer: 'CN=Partner Ltd',
    'document.standard': 'EDIFACT',
    'document.type': 'DELFOR',
    'document.version': 'D:96A',
    'document.sender': 'O0013000093',
    'document.recipient': 'O0013000001VW',
    'document.controlReference': '778',
  });
});

test('a plain unknown file: services false, document fields empty; ids are stable and unique', async () => {
  const inbox = tempDir('doc');
  const content = Buffer.from('just some text\n');
  const meta = receivedMeta({ services: undefined, sha256: sha256(content), size: content.length, sfid: { ...receivedMeta().sfid, securityLevel: 0, cipherSuite: 0, compression: 0, envelope: 0, signedEerp: false } }, content);
  await storeReceived(inbox, meta, content);
  const doc = await documentFromReceived(meta, inbox, { myCompany: 'O0013US' });
  assert.equal(doc.properties.signed, 'false');
  assert.equal(doc.properties.encrypted, 'false');
  assert.equal(doc.properties.compressed, 'false');
  assert.equal(doc.properties.signer, '');
  assert.equal(doc.properties['partner.name'], '');
  assert.equal(doc.properties['sfid.security'], '00');
  assert.equal(doc.properties['sfid.signedEerp'], 'N');
  assert.equal(doc.properties['document.standard'], 'unknown');
  for (const k of ['document.type', 'document.version', 'document.sender', 'document.recipient', 'document.controlReference']) assert.equal(doc.properties[k], '', k);

  const again = await documentFromReceived(meta, inbox, { myCompany: 'O0013US' });
  assert.equal(again.id, doc.id);
  assert.match(doc.id, /^S7-[0-9a-f]{16}$/);
  // Same content, same session, another file: another id.
  const other = receivedMeta({ ...meta, file: 'O0013THEM/OTHER_20261128_1200000002', receivedAt: '2026-11-28T12:00:02.000Z' }, content);
  await storeReceived(inbox, other, content);
  assert.notEqual((await documentFromReceived(other, inbox, { myCompany: 'O0013US' })).id, doc.id);
  // The properties object is the document's own.
  doc.properties.x = '1';
  assert.equal(again.properties.x, undefined);
});

test('documentFromReceived detects from the head of a large file only', async () => {
  const inbox = tempDir('doc');
  const content = Buffer.concat([Buffer.from("UNB+UNOA:3+A+B+260115:0830+1'UNH+1+INVOIC:D:96A:UN'"), Buffer.alloc(3 * 1024 * 1024, 0x41)]);
  const meta = receivedMeta({ size: content.length, sha256: sha256(content) }, content);
  await storeReceived(inbox, meta, content);
  const doc = await documentFromReceived(meta, inbox, { myCompany: 'O0013US' });
  assert.equal(doc.properties['document.type'], 'INVOIC');
  assert.equal(doc.properties.size, String(content.length));
});

test('renderTemplate: placeholders, missing names, escapes, dates, unclosed braces', () => {
  const props = { 'sfid.originator': 'O0013THEM', 'document.type': 'DELFOR', empty: '' };
  assert.deepEqual(renderTemplate('${sfid.originator}_${document.type}.edi', props), { text: 'O0013THEM_DELFOR.edi', missing: [] });
  assert.deepEqual(renderTemplate('a${nope}b${ nope }c${empty}d${other}', props), { text: 'abcd', missing: ['nope', 'other'] });
  assert.deepEqual(renderTemplate('cost $5, literal $${document.type}, ${document.type}', props), { text: 'cost $5, literal ${document.type}, DELFOR', missing: [] });
  assert.deepEqual(renderTemplate('open ${document.type and $ and {x}', props), { text: 'open ${document.type and $ and {x}', missing: [] });
  const now = new Date(2026, 10, 28, 9, 5, 7, 42);
  assert.equal(renderTemplate('${now:yyyyMMdd}-${now:HHmmss.SSS}-${now:yy}', {}, { now }).text, '20261128-090507.042-26');
  assert.equal(renderTemplate('${now}', {}, { now }).text, now.toISOString());
  assert.equal(renderTemplate('${a}/${b}', { a: '../x', b: 'y' }, { escape: (v) => v.replace(/[./]/g, '_') }).text, '___x/y');
  // A property named like the prototype's members is not a property.
  assert.deepEqual(renderTemplate('${constructor}${__proto__}', {}), { text: '', missing: ['constructor', '__proto__'] });
});

test('safePathComponent keeps one harmless component', () => {
  const cases: Array<[string, string]> = [
    ['DELFOR.0001.edi', 'DELFOR.0001.edi'],
    ['../../x', '____x'],
    ['/etc/passwd', '_etc_passwd'],
    ['..\\x', '__x'],
    ['.hidden', '_hidden'],
    ['a/b\\c:d*e?f"g<h>i|j', 'a_b_c_d_e_f_g_h_i_j'],
    ['nul\u0000byte', 'nul_byte'],
    ['CON', '_CON'],
    ['com1.txt', '_com1.txt'],
    ['name. . ', 'name'],
    ['Grüße Datei.txt', 'Grüße Datei.txt'],
    ['', ''],
    ['..', '_'],
    ['   ', ''],
  ];
  for (const [input, expected] of cases) assert.equal(safePathComponent(input), expected, JSON.stringify(input));
  const long = safePathComponent(`${'x'.repeat(300)}.edi`);
  assert.equal(long.length, 200);
  assert.ok(long.endsWith('.edi'));
});
