// EDI detection on realistic interchanges: EDIFACT with and without UNA (custom separators, release
// characters), ODETTE messages, X12 with different separators, VDA flat files, and garbage.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectDocument } from '../../src/process/edi';
import { Random } from '../helpers/random';

const b = (s: string): Buffer => Buffer.from(s, 'latin1');

test('EDIFACT DELFOR D:96A without UNA, CRLF between segments', () => {
  const delfor = [
    "UNB+UNOA:3+O0013000093SUPPLIER:OD+O0013000001VW:OD+260115:0830+00000000000778'",
    "UNH+1+DELFOR:D:96A:UN:A01051'",
    "BGM+241+4711+5'",
    "DTM+137:20260115:102'",
    "NAD+BY+0001::92'",
    "UNT+5+1'",
    "UNZ+1+00000000000778'",
  ].join('\r\n');
  assert.deepEqual(detectDocument(b(delfor)), {
    standard: 'EDIFACT',
    type: 'DELFOR',
    version: 'D:96A',
    sender: 'O0013000093SUPPLIER',
    recipient: 'O0013000001VW',
    controlReference: '00000000000778',
  });
});

test('EDIFACT INVOIC D:96A with the default UNA and release characters in UNB', () => {
  const invoic =
    "UNA:+.? 'UNB+UNOC:3+ACME?+CO?:GMBH:14+BUYER?'S AG:14+260115:0830+REF?+1'UNH+MSG1+INVOIC:D:96A:UN:EAN008'BGM+380+INV-1?+2+9'MOA+77:1234.56'UNT+4+MSG1'UNZ+1+REF?+1'";
  assert.deepEqual(detectDocument(b(invoic)), {
    standard: 'EDIFACT',
    type: 'INVOIC',
    version: 'D:96A',
    sender: 'ACME+CO:GMBH',
    recipient: "BUYER'S AG",
    controlReference: 'REF+1',
  });
});

test('EDIFACT with a UNA that changes every separator and the release character', () => {
  // component >, element |, decimal ',', release !, reserved blank, terminator ~
  const text = [
    'UNA>|,! ~',
    'UNB|UNOC>3|SUP!|PLIER!~1>ZZ|CUST!>OMER>ZZ|260115>0830|CTRL!!7~',
    'UNH|0001|INVOIC>D>96A>UN~',
    "BGM|380|it's:fine+here~",
    'UNT|3|0001~',
  ].join('\n');
  assert.deepEqual(detectDocument(b(text)), {
    standard: 'EDIFACT',
    type: 'INVOIC',
    version: 'D:96A',
    sender: 'SUP|PLIER~1',
    recipient: 'CUST>OMER',
    controlReference: 'CTRL!7',
  });
});

test('EDIFACT whose UNA makes the line break the segment terminator (CRLF file, blank line)', () => {
  const text = "UNA:+.? \nUNB+UNOA:2+SENDER+RECEIVER+260115:0830+42\r\n\r\nUNH+1+DESADV:D:97A:UN\r\nBGM+351+1\r\n";
  assert.deepEqual(detectDocument(b(text)), {
    standard: 'EDIFACT',
    type: 'DESADV',
    version: 'D:97A',
    sender: 'SENDER',
    recipient: 'RECEIVER',
    controlReference: '42',
  });
});

test('UNA with a blank release character: ? is data', () => {
  const text = "UNA:+.  'UNB+UNOA:3+WHO?+ME+260115:0830+9'UNH+1+ORDERS:D:96A:UN'";
  assert.deepEqual(detectDocument(b(text)), { standard: 'EDIFACT', type: 'ORDERS', version: 'D:96A', sender: 'WHO?', recipient: 'ME', controlReference: '9' });
  // With the default release character the same '?' escapes the '+' and shifts every element.
  const d = detectDocument(b("UNB+UNOA:3+WHO?+ME+260115:0830+9'"));
  assert.equal(d.sender, 'WHO+ME');
  assert.equal(d.controlReference, undefined);
});

test('indented segments (pretty-printed interchanges) are read', () => {
  const text = "UNB+UNOC:3+A+B+260115:0830+1'\n    UNH+1+ORDERS:D:96A:UN'\n\tBGM+220+1'";
  assert.equal(detectDocument(b(text)).type, 'ORDERS');
});

test('BOM and leading whitespace are skipped', () => {
  const text = "\ufeff \r\n\tUNB+UNOC:3+A+B+260115:0830+1'UNH+1+ORDERS:D:01B:UN'";
  const d = detectDocument(Buffer.from(text, 'utf8'));
  assert.equal(d.standard, 'EDIFACT');
  assert.equal(d.type, 'ORDERS');
  assert.equal(d.version, 'D:01B');
});

test('ODETTE: agency OD, or an ODETTE message type', () => {
  const od = "UNB+UNOA:2+O0013000093+O0013000001+260115:0830+77'UNH+1+DELINS:3::OD'";
  assert.deepEqual(detectDocument(b(od)), { standard: 'ODETTE', type: 'DELINS', version: '3', sender: 'O0013000093', recipient: 'O0013000001', controlReference: '77' });
  const desadvOd = "UNB+UNOA:3+A+B+260115:0830+1'UNH+1+DESADV:D:96A:OD'";
  assert.equal(detectDocument(b(desadvOd)).standard, 'ODETTE');
  const aviexp = "UNB+UNOA:1+A+B+260115:0830+1'UNH+1+AVIEXP:3'";
  assert.equal(detectDocument(b(aviexp)).standard, 'ODETTE');
  // UN is EDIFACT even for a message ODETTE also uses.
  assert.equal(detectDocument(b("UNB+UNOA:3+A+B+260115:0830+1'UNH+1+DESADV:D:96A:UN'")).standard, 'EDIFACT');
});

test('EDIFACT interchange without messages yet (head cut after UNB): standard only from UNB', () => {
  const d = detectDocument(b("UNB+UNOC:3+A+B+260115:0830+55'UNH+1+DELF"));
  assert.deepEqual(d, { standard: 'EDIFACT', sender: 'A', recipient: 'B', controlReference: '55' });
});

function isa(element: string, component: string, terminator: string, sender: string, receiver: string, control: string): string {
  const fields = ['ISA', '00', ' '.repeat(10), '00', ' '.repeat(10), 'ZZ', sender.padEnd(15), 'ZZ', receiver.padEnd(15), '260115', '0830', 'U', '00401', control.padStart(9, '0'), '0', 'P', component];
  const s = fields.join(element) + terminator;
  assert.equal(s.length, 106);
  return s;
}

test('X12 850 with * ~ > separators', () => {
  const text =
    isa('*', '>', '~', 'BUYERCO', 'SELLERCO', '905') +
    'GS*PO*BUYERCO*SELLERCO*20260115*0830*905*X*004010~ST*850*0001~BEG*00*SA*PO-1**20260115~SE*3*0001~GE*1*905~IEA*1*000000905~';
  assert.deepEqual(detectDocument(b(text)), { standard: 'X12', type: '850', version: '004010', sender: 'BUYERCO', recipient: 'SELLERCO', controlReference: '000000905' });
});

test('X12 810 with | elements, ^ components, line-break segment terminator and CRLF', () => {
  const text =
    isa('|', '^', '\n', 'SUPPLIER 1', 'RETAILER', '17') +
    'GS|IN|SUPPLIER 1|RETAILER|20260115|0830|17|X|005010\r\nST|810|0001\r\nBIG|20260115|INV1\r\nSE|3|0001\r\n';
  assert.deepEqual(detectDocument(b(text)), { standard: 'X12', type: '810', version: '005010', sender: 'SUPPLIER 1', recipient: 'RETAILER', controlReference: '000000017' });
});

test('X12 856 with ~ and a line break after every segment', () => {
  const text = `${isa('*', ':', '~', 'S', 'R', '3')}\nGS*SH*S*R*20260115*0830*3*X*004010~\nST*856*0001~\n`;
  const d = detectDocument(b(text));
  assert.equal(d.type, '856');
  assert.equal(d.version, '004010');
});

const vda = (s: string): string => {
  assert.ok(s.length <= 128, s);
  return s.padEnd(128, ' ');
};

test('VDA 4905 delivery schedule, with line breaks and as a stream of 128-character records', () => {
  const records = [
    vda('511011234567899876543210001200013260115'),
    vda('51201H1   0001  A12345678901      XY'),
    vda('51301260115'),
    vda('519010000001000000010000000000000000'),
  ];
  const expected = { standard: 'VDA', type: 'VDA4905', version: '01', sender: '123456789', recipient: '987654321', controlReference: '00013' };
  assert.deepEqual(detectDocument(b(records.join('\r\n') + '\r\n')), expected);
  assert.deepEqual(detectDocument(b(records.join('\n'))), expected);
  assert.deepEqual(detectDocument(b(records.join(''))), expected);
});

test('VDA 4913 delivery note: the supplier sends it', () => {
  const records = [vda('71103CUST00001SUPP0000100041000422601150830'), vda('71203')];
  assert.deepEqual(detectDocument(b(records.join('\n'))), { standard: 'VDA', type: 'VDA4913', version: '03', sender: 'SUPP00001', recipient: 'CUST00001', controlReference: '00042' });
});

test('VDA with trailing blanks stripped is still VDA when the following records belong to it', () => {
  const text = '51101123456789987654321000120001326011\n512011\n513012601\n519\n';
  assert.equal(detectDocument(b(text)).type, 'VDA4905');
  // A short line followed by other content is not.
  assert.equal(detectDocument(b('51101 hello\nworld\nfoo\n')).standard, 'unknown');
});

test('garbage, binary, empty and look-alikes are unknown, never an exception', () => {
  const samples: Buffer[] = [
    Buffer.alloc(0),
    b('   \r\n'),
    b('UN'),
    b('UNB'),
    b('UNA:+'),
    b('UNBELIEVABLE things happen'),
    b("UNB+1234+A+B'"),
    b('ISA'),
    b('ISA*00*short~'),
    b('ISA00 no separators here at all'),
    b('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj'),
    b('<?xml version="1.0"?><Invoice/>'),
    b('511 but not a VDA record'),
    b('51101'),
    b('hello world\n'.repeat(20)),
    Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0xff, 0xfe]),
  ];
  for (const s of samples) assert.equal(detectDocument(s).standard, 'unknown', JSON.stringify(s.toString('latin1')));
  const r = new Random(5);
  for (let n = 0; n < 300; n++) {
    const size = r.int(0, 2000);
    const buf = Buffer.alloc(size);
    for (let i = 0; i < size; i++) buf[i] = r.int(0, 255);
    // Random prefixes that look like the start of each syntax, then noise.
    const prefix = b(['', 'UNA', 'UNB+', "UNA:+.? '", 'ISA*', 'ISA|', '51101', '711'][n % 8]!);
    const d = detectDocument(Buffer.concat([prefix, buf]));
    assert.ok(['EDIFACT', 'ODETTE', 'X12', 'VDA', 'unknown'].includes(d.standard));
  }
});

test('only the first 64 KiB are looked at', () => {
  const head = Buffer.alloc(64 * 1024, 0x20);
  const text = Buffer.concat([head, b("UNB+UNOA:3+A+B+260115:0830+1'")]);
  assert.equal(detectDocument(text).standard, 'unknown');
});
