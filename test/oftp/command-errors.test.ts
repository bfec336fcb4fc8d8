// Decode errors of every command: truncated, over-long, wrong type, out of range, unknown command. Each case
// asserts the error kind, the command, the RFC field, the exact offset and the ESID reason a session answers
// with. Expected fields and offsets come from the RFC field tables (test/fixtures/commands.ts) and from the
// fixtures counted by hand, never from the decoder.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeCommand } from '../../src/oftp/codec/commands';
import { OftpDecodeError, type DecodeErrorKind } from '../../src/oftp/codec/errors';
import { ALL_FIXTURES, fixture, hex, layout, tableFor, wire } from '../fixtures/commands';

/**
 * RFC 5024 §5.3.11: '07' Exchange Buffer size error (the length implied by the command differs from the
 * buffer), '06' Command contained invalid data, '01' Command not recognised.
 */
const ESID_FOR: Record<Exclude<DecodeErrorKind, 'framing'>, number> = {
  truncated: 7,
  overlong: 7,
  type: 6,
  range: 6,
  'unknown-command': 1,
};

interface Expected {
  kind: Exclude<DecodeErrorKind, 'framing'>;
  command: string | undefined;
  field: string | undefined;
  offset: number;
}

function expectDecodeError(bytes: Buffer, level: number, exp: Expected, label: string): void {
  let error: unknown;
  try {
    const ok = decodeCommand(bytes, { level });
    assert.fail(`${label}: decoded without error to ${JSON.stringify(ok.command)}`);
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof OftpDecodeError, `${label}: expected OftpDecodeError, got ${String(error)}`);
  assert.deepEqual(
    { kind: error.kind, command: error.command, field: error.field, offset: error.offset, esidReason: error.esidReason },
    { ...exp, esidReason: ESID_FOR[exp.kind] },
    `${label}: ${error.message}`,
  );
  if (exp.field) assert.ok(error.message.includes(`${exp.command} field ${exp.field} at offset ${exp.offset}: `), error.message);
}

/** A copy of a fixture's wire with `replacement` written over the octets at `offset`. */
function patch(name: string, offset: number, replacement: string | Buffer): Buffer {
  const buf = Buffer.from(fixture(name).wire);
  const bytes = typeof replacement === 'string' ? Buffer.from(replacement, 'latin1') : replacement;
  assert.ok(offset + bytes.length <= buf.length, `patch inside ${name}`);
  assert.ok(!buf.subarray(offset, offset + bytes.length).equals(bytes), `patch of ${name} at ${offset} changes something`);
  bytes.copy(buf, offset);
  return buf;
}

interface Case extends Expected {
  what: string;
  bytes: Buffer;
  level: number;
}

function runTable(cases: Case[]): void {
  for (const c of cases) {
    test(`${c.what} → ${c.kind} ${c.command ?? '(none)'} ${c.field ?? '(no field)'} @ ${c.offset}`, () => {
      expectDecodeError(c.bytes, c.level, { kind: c.kind, command: c.command, field: c.field, offset: c.offset }, c.what);
    });
  }
}

// The fixtures with a fixed or self-describing length. DATA has no length of its own (any prefix or extension is
// another DATA payload; its subrecords are checked by data.ts), so it has no truncated or over-long case here.
// SECD, CD and RTR are one octet: their only shorter prefix is the empty buffer (an unknown command, below).
const sized = ALL_FIXTURES.filter((f) => f.command.type !== 'DATA');

describe('truncated: every prefix shorter than the command, at every level of the fixture', () => {
  for (const f of sized) {
    for (const level of f.levels) {
      if (f.wire.length === 1) continue;
      test(`${f.name} @ level ${level}: prefixes 1..${f.wire.length - 1}`, () => {
        const fields = layout(tableFor(f.command.type, level), f.wire);
        for (let n = 1; n < f.wire.length; n++) {
          // The field the decoder runs out in: the first whose end lies beyond the prefix.
          const at = fields.find((x) => x.offset + x.length > n)!;
          expectDecodeError(f.wire.subarray(0, n), level, { kind: 'truncated', command: f.command.type, field: at.name, offset: at.offset }, `${f.name} cut to ${n}`);
        }
      });
    }
  }
});

describe('truncated: one explicit case per command and layout', () => {
  const cut = (name: string, n: number): Buffer => fixture(name).wire.subarray(0, n);
  runTable([
    { what: 'SSRM cut inside SSRMMSG', bytes: cut('SSRM', 10), level: 5, kind: 'truncated', command: 'SSRM', field: 'SSRMMSG', offset: 1 },
    { what: "SSRM 'IODETTE FTP READY ' without CR", bytes: cut('SSRM', 18), level: 5, kind: 'truncated', command: 'SSRM', field: 'SSRMCR', offset: 18 },
    { what: 'SSID cut after SSIDLEV', bytes: cut('SSID 2.0', 2), level: 5, kind: 'truncated', command: 'SSID', field: 'SSIDCODE', offset: 2 },
    { what: 'SSID cut inside SSIDSDEB', bytes: cut('SSID 2.0', 37), level: 5, kind: 'truncated', command: 'SSID', field: 'SSIDSDEB', offset: 35 },
    { what: 'SSID 2.0 cut inside SSIDRSV1', bytes: cut('SSID 2.0', 50), level: 5, kind: 'truncated', command: 'SSID', field: 'SSIDRSV1', offset: 48 },
    { what: 'SSID 1.3 cut inside SSIDRSV1 X(5)', bytes: cut('SSID level 1', 50), level: 1, kind: 'truncated', command: 'SSID', field: 'SSIDRSV1', offset: 47 },
    { what: 'SSID without SSIDCR', bytes: cut('SSID 2.0', 60), level: 5, kind: 'truncated', command: 'SSID', field: 'SSIDCR', offset: 60 },
    { what: 'AUCH cut inside AUCHCHLL', bytes: cut('AUCH', 2), level: 5, kind: 'truncated', command: 'AUCH', field: 'AUCHCHLL', offset: 1 },
    { what: 'AUCH challenge one octet short', bytes: cut('AUCH', 26), level: 5, kind: 'truncated', command: 'AUCH', field: 'AUCHCHAL', offset: 3 },
    { what: 'AURP response of 19 octets', bytes: cut('AURP', 20), level: 5, kind: 'truncated', command: 'AURP', field: 'AURPRSP', offset: 1 },
    { what: 'SFID 2.0 cut inside SFIDOSIZ', bytes: cut('SFID 2.0 without description', 130), level: 5, kind: 'truncated', command: 'SFID', field: 'SFIDOSIZ', offset: 125 },
    { what: 'SFID 2.0 without SFIDDESCL', bytes: cut('SFID 2.0 without description', 162), level: 5, kind: 'truncated', command: 'SFID', field: 'SFIDDESCL', offset: 162 },
    { what: 'SFID 2.0 description one octet short', bytes: cut('SFID 2.0 with UTF-8 description', 185), level: 5, kind: 'truncated', command: 'SFID', field: 'SFIDDESC', offset: 165 },
    { what: 'SFID 1.3 cut inside SFIDDATE', bytes: cut('SFID 1.3', 40), level: 1, kind: 'truncated', command: 'SFID', field: 'SFIDDATE', offset: 36 },
    { what: 'SFID 1.3 cut inside SFIDREST', bytes: cut('SFID 1.3', 127), level: 2, kind: 'truncated', command: 'SFID', field: 'SFIDREST', offset: 119 },
    { what: 'SFID 1.4 cut inside SFIDTIME', bytes: cut('SFID 1.4', 40), level: 4, kind: 'truncated', command: 'SFID', field: 'SFIDTIME', offset: 38 },
    { what: 'SFPA 2.0 with 16 digits', bytes: cut('SFPA 2.0', 17), level: 5, kind: 'truncated', command: 'SFPA', field: 'SFPAACNT', offset: 1 },
    { what: 'SFPA 1.3 with 8 digits', bytes: cut('SFPA 1.3', 9), level: 1, kind: 'truncated', command: 'SFPA', field: 'SFPAACNT', offset: 1 },
    { what: 'SFNA 2.0 without SFNAREASL', bytes: cut('SFNA 2.0 with text', 4), level: 5, kind: 'truncated', command: 'SFNA', field: 'SFNAREASL', offset: 4 },
    { what: 'SFNA 2.0 text cut', bytes: cut('SFNA 2.0 with text', 20), level: 5, kind: 'truncated', command: 'SFNA', field: 'SFNAREAST', offset: 7 },
    { what: 'SFNA 1.3 without SFNARRTR', bytes: cut('SFNA 1.3', 3), level: 2, kind: 'truncated', command: 'SFNA', field: 'SFNARRTR', offset: 3 },
    { what: 'CDT with one reserved octet', bytes: cut('CDT', 2), level: 5, kind: 'truncated', command: 'CDT', field: 'CDTRSV1', offset: 1 },
    { what: 'EFID 2.0 cut inside EFIDUCNT', bytes: cut('EFID 2.0', 34), level: 5, kind: 'truncated', command: 'EFID', field: 'EFIDUCNT', offset: 18 },
    { what: 'EFID 1.3 cut inside EFIDUCNT 9(12)', bytes: cut('EFID 1.3', 21), level: 1, kind: 'truncated', command: 'EFID', field: 'EFIDUCNT', offset: 10 },
    { what: 'EFPA without EFPACD', bytes: cut('EFPA Y', 1), level: 5, kind: 'truncated', command: 'EFPA', field: 'EFPACD', offset: 1 },
    { what: 'EFNA 2.0 text cut', bytes: cut('EFNA 2.0 with text', 10), level: 5, kind: 'truncated', command: 'EFNA', field: 'EFNAREAST', offset: 6 },
    { what: 'EFNA 1.4 with one reason digit', bytes: cut('EFNA 1.4', 2), level: 4, kind: 'truncated', command: 'EFNA', field: 'EFNAREAS', offset: 1 },
    // 'F000' at level 5 is not the 4-octet short form (octet 3 is no CR): the 2.0 ESID ran out in ESIDREASL.
    { what: "ESID 2.0 'F000'", bytes: cut('ESID 2.0 without text', 4), level: 5, kind: 'truncated', command: 'ESID', field: 'ESIDREASL', offset: 3 },
    { what: 'ESID 2.0 without ESIDCR', bytes: cut('ESID 2.0 with text', 22), level: 5, kind: 'truncated', command: 'ESID', field: 'ESIDCR', offset: 22 },
    { what: 'ESID 1.3 without ESIDCR', bytes: cut('ESID 1.3', 3), level: 1, kind: 'truncated', command: 'ESID', field: 'ESIDCR', offset: 3 },
    { what: 'EERP 2.0 without EERPSIGL', bytes: cut('EERP 2.0 unsigned', 108), level: 5, kind: 'truncated', command: 'EERP', field: 'EERPSIGL', offset: 108 },
    { what: 'EERP 2.0 signature cut', bytes: cut('EERP 2.0 signed', 140), level: 5, kind: 'truncated', command: 'EERP', field: 'EERPSIG', offset: 130 },
    { what: 'EERP 1.3 cut inside EERPORIG', bytes: cut('EERP 1.3', 100), level: 2, kind: 'truncated', command: 'EERP', field: 'EERPORIG', offset: 81 },
    { what: 'EERP 1.4 cut inside EERPTIME', bytes: cut('EERP 1.4', 45), level: 4, kind: 'truncated', command: 'EERP', field: 'EERPTIME', offset: 38 },
    { what: 'NERP 2.0 hash cut', bytes: cut('NERP 2.0 with text, hash and signature', 150), level: 5, kind: 'truncated', command: 'NERP', field: 'NERPHSH', offset: 147 },
    { what: 'NERP 1.4 with one reason digit', bytes: cut('NERP 1.4', 127), level: 4, kind: 'truncated', command: 'NERP', field: 'NERPREAS', offset: 126 },
    // SECD, CD, RTR: no fields after the command octet, nothing to cut. DATA: see above.
  ]);
});

describe('over-long: one extra octet after the last field', () => {
  for (const f of sized) {
    for (const level of f.levels) {
      test(`${f.name} @ level ${level} + 1 octet`, () => {
        for (const extra of ['X', ' ', '\r', '0']) {
          expectDecodeError(Buffer.concat([f.wire, Buffer.from(extra, 'latin1')]), level, { kind: 'overlong', command: f.command.type, field: undefined, offset: f.wire.length }, `${f.name} + ${JSON.stringify(extra)}`);
        }
      });
    }
  }

  runTable([
    // The one-octet commands have only this error class.
    { what: 'SECD + 1', bytes: wire('J', ' '), level: 5, kind: 'overlong', command: 'SECD', field: undefined, offset: 1 },
    { what: 'CD + 1', bytes: wire('R', 'R'), level: 5, kind: 'overlong', command: 'CD', field: undefined, offset: 1 },
    { what: 'RTR + 1', bytes: wire('P', hex('00')), level: 1, kind: 'overlong', command: 'RTR', field: undefined, offset: 1 },
    { what: 'SSRM + 1', bytes: wire('IODETTE FTP READY \r', '\n'), level: 5, kind: 'overlong', command: 'SSRM', field: undefined, offset: 19 },
    { what: 'AUCH with one octet more than AUCHCHLL', bytes: wire(fixture('AUCH').wire, hex('00')), level: 5, kind: 'overlong', command: 'AUCH', field: undefined, offset: 27 },
    { what: 'AURP of 21 response octets', bytes: wire('S', Buffer.alloc(21)), level: 5, kind: 'overlong', command: 'AURP', field: undefined, offset: 21 },
    { what: 'SFID 2.0 with an octet after the description', bytes: wire(fixture('SFID 2.0 with description').wire, '.'), level: 5, kind: 'overlong', command: 'SFID', field: undefined, offset: 188 },
    { what: 'SFID 2.0 sent in a 1.4 session', bytes: fixture('SFID 2.0 without description').wire, level: 4, kind: 'overlong', command: 'SFID', field: undefined, offset: 128 },
    { what: 'SFPA 2.0 sent in a 1.3 session', bytes: fixture('SFPA 2.0').wire, level: 1, kind: 'overlong', command: 'SFPA', field: undefined, offset: 10 },
    { what: 'ESID 1.4 + 1 (5 octets: still the short form)', bytes: wire('F00\r', 'X'), level: 4, kind: 'overlong', command: 'ESID', field: undefined, offset: 4 },
    { what: 'ESID 1.3 + 3 octets with CR at 3', bytes: wire('F00\r', '000'), level: 2, kind: 'overlong', command: 'ESID', field: undefined, offset: 4 },
    { what: 'EERP 2.0 sent in a 1.4 session', bytes: fixture('EERP 2.0 unsigned').wire, level: 4, kind: 'overlong', command: 'EERP', field: undefined, offset: 106 },
    { what: 'NERP 2.0 sent in a 1.4 session', bytes: fixture('NERP 2.0 minimal').wire, level: 4, kind: 'overlong', command: 'NERP', field: undefined, offset: 128 },
  ]);
});

describe('wrong type: letter in a numeric field, control or non-ASCII octet in an X field, bad UTF-8 in a T field', () => {
  // AUCH, AURP and DATA carry only binary U(n) fields (any octet is valid); SECD, CD and RTR have no fields.
  /** The bad octet is the patched one, unless `at` says where the ill-formed sequence starts. */
  const T = (what: string, name: string, level: number, offset: number, replacement: string | Buffer, field: string, at = offset): Case => ({
    what: `${name}: ${what}`, bytes: patch(name, offset, replacement), level, kind: 'type', command: fixture(name).command.type, field, offset: at,
  });
  const sfid = 'SFID 2.0 without description';
  const utf = 'SFID 2.0 with UTF-8 description'; // SFIDDESC at 165: 52 65 63 68 6e 75 6e 67 65 6e 20 66 c3 bc 72 20 4d c3 a4 72 7a
  runTable([
    T('NUL in SSRMMSG', 'SSRM', 5, 7, hex('00'), 'SSRMMSG'),
    T("'A' in SSIDLEV", 'SSID 2.0', 5, 1, 'A', 'SSIDLEV'),
    T('TAB in SSIDCODE', 'SSID 2.0', 5, 5, hex('09'), 'SSIDCODE'),
    T('é (latin1) in SSIDPSWD', 'SSID 2.0', 5, 30, hex('e9'), 'SSIDPSWD'),
    T("letter O for zero in SSIDSDEB", 'SSID 2.0', 5, 37, 'O', 'SSIDSDEB'),
    T('CR in SSIDSR', 'SSID 2.0', 5, 40, '\r', 'SSIDSR'),
    T('NUL in SSIDCMPR', 'SSID 2.0', 5, 41, hex('00'), 'SSIDCMPR'),
    T("'A' in SSIDCRED", 'SSID 2.0', 5, 46, 'A', 'SSIDCRED'),
    T('NUL in SSIDRSV1', 'SSID 2.0', 5, 50, hex('00'), 'SSIDRSV1'),
    T('DEL in SSIDUSER', 'SSID 2.0', 5, 55, hex('7f'), 'SSIDUSER'),
    T('ESC in the 1.3 SSIDRSV1 X(5)', 'SSID level 1', 1, 49, hex('1b'), 'SSIDRSV1'),
    T('0x80 in SFIDDSN', sfid, 5, 3, hex('80'), 'SFIDDSN'),
    T('NUL in SFIDRSV1', sfid, 5, 28, hex('00'), 'SFIDRSV1'),
    T("'X' in SFIDDATE", sfid, 5, 33, 'X', 'SFIDDATE'),
    T('space in SFIDTIME', sfid, 5, 47, ' ', 'SFIDTIME'),
    T('LF in SFIDUSER', sfid, 5, 50, '\n', 'SFIDUSER'),
    T('Ä (latin1) in SFIDDEST', sfid, 5, 60, hex('c4'), 'SFIDDEST'),
    T('0x1F in SFIDORIG', sfid, 5, 90, hex('1f'), 'SFIDORIG'),
    T("'O' in SFIDLRECL", sfid, 5, 110, 'O', 'SFIDLRECL'),
    T("'K' in SFIDFSIZ", sfid, 5, 120, 'K', 'SFIDFSIZ'),
    T("'.' in SFIDOSIZ", sfid, 5, 130, '.', 'SFIDOSIZ'),
    T("'-' in SFIDREST", sfid, 5, 150, '-', 'SFIDREST'),
    T("'x' in SFIDSEC", sfid, 5, 156, 'x', 'SFIDSEC'),
    T('trailing space in SFIDCIPH', sfid, 5, 158, ' ', 'SFIDCIPH'),
    T("'Y' in SFIDCOMP", sfid, 5, 159, 'Y', 'SFIDCOMP'),
    T("'N' in SFIDENV", sfid, 5, 160, 'N', 'SFIDENV'),
    T('NUL in SFIDSIGN', sfid, 5, 161, hex('00'), 'SFIDSIGN'),
    T("'A' in SFIDDESCL", sfid, 5, 164, 'A', 'SFIDDESCL'),
    // UTF-8: the offset is the first octet of the ill-formed sequence (its lead octet, or a stray octet).
    T('C3 followed by a non-continuation octet: reported at C3', utf, 5, 178, 'A', 'SFIDDESC', 177),
    T('0xFF (never UTF-8)', utf, 5, 177, hex('ff'), 'SFIDDESC'),
    T('stray continuation octet 0x80', utf, 5, 179, hex('80'), 'SFIDDESC'),
    T('second sequence C3 A4 broken by C0: reported at its C3', utf, 5, 183, hex('c0'), 'SFIDDESC', 182),
    T('overlong lead octet C0', utf, 5, 165, hex('c0'), 'SFIDDESC'),
    T('overlong three-octet form E0 80 80', utf, 5, 165, hex('e08080'), 'SFIDDESC'),
    T('UTF-16 surrogate ED A0 80', utf, 5, 165, hex('eda080'), 'SFIDDESC'),
    T('beyond U+10FFFF: F4 90 80 80', utf, 5, 165, hex('f4908080'), 'SFIDDESC'),
    T('three-octet lead cut by the end of the field', utf, 5, 185, hex('e2'), 'SFIDDESC'),
    T("'A' in the 1.3 SFIDDATE", 'SFID 1.3', 1, 38, 'A', 'SFIDDATE'),
    T("'B' in the 1.3 SFIDTIME", 'SFID 1.3', 2, 44, 'B', 'SFIDTIME'),
    T('NUL in the 1.3 SFIDRSV1 X(9)', 'SFID 1.3', 1, 30, hex('00'), 'SFIDRSV1'),
    T("'Z' in the 1.3 SFIDREST 9(9)", 'SFID 1.3', 2, 125, 'Z', 'SFIDREST'),
    T("'T' in the 1.4 SFIDTIME", 'SFID 1.4', 4, 40, 'T', 'SFIDTIME'),
    T('space inside the 1.4 SFIDFSIZ 9(7)', 'SFID 1.4', 4, 115, ' ', 'SFIDFSIZ'),
    T("'O' in SFPAACNT", 'SFPA 2.0', 5, 10, 'O', 'SFPAACNT'),
    T("'O' in the 1.3 SFPAACNT", 'SFPA 1.3', 1, 5, 'O', 'SFPAACNT'),
    T("'x' in SFNAREAS", 'SFNA 2.0 with text', 5, 2, 'x', 'SFNAREAS'),
    T('NUL in SFNARRTR', 'SFNA 2.0 with text', 5, 3, hex('00'), 'SFNARRTR'),
    T("'a' in SFNAREASL", 'SFNA 2.0 with text', 5, 6, 'a', 'SFNAREASL'),
    T('C0 in SFNAREAST', 'SFNA 2.0 with text', 5, 9, hex('c0'), 'SFNAREAST'),
    T('trailing space in the 1.3 SFNAREAS', 'SFNA 1.3', 2, 2, ' ', 'SFNAREAS'),
    T('NUL in CDTRSV1', 'CDT', 5, 2, hex('00'), 'CDTRSV1'),
    T('no-break space 0xA0 in CDTRSV1', 'CDT', 1, 1, hex('a0'), 'CDTRSV1'),
    T("'+' in EFIDRCNT", 'EFID 2.0', 5, 1, '+', 'EFIDRCNT'),
    T("'Z' in EFIDUCNT", 'EFID 2.0', 5, 30, 'Z', 'EFIDUCNT'),
    T("'Z' in the 1.3 EFIDUCNT 9(12)", 'EFID 1.3', 1, 21, 'Z', 'EFIDUCNT'),
    T('LF in EFPACD', 'EFPA Y', 5, 1, '\n', 'EFPACD'),
    T("'O' in EFNAREAS", 'EFNA 2.0 with text', 5, 1, 'O', 'EFNAREAS'),
    T("':' in EFNAREASL", 'EFNA 2.0 with text', 5, 5, ':', 'EFNAREASL'),
    T('FE in EFNAREAST', 'EFNA 2.0 with text', 5, 10, hex('fe'), 'EFNAREAST'),
    T("'X' in the 1.3 EFNAREAS", 'EFNA 1.3', 2, 2, 'X', 'EFNAREAS'),
    T("'O' in ESIDREAS", 'ESID 2.0 with text', 5, 2, 'O', 'ESIDREAS'),
    T("'l' in ESIDREASL", 'ESID 2.0 with text', 5, 4, 'l', 'ESIDREASL'),
    T('ED before an ASCII octet in ESIDREAST', 'ESID 2.0 with text', 5, 8, hex('ed'), 'ESIDREAST'),
    T("'A' in the 1.3 ESIDREAS", 'ESID 1.3', 1, 1, 'A', 'ESIDREAS'),
    T('TAB in EERPRSV1', 'EERP 2.0 unsigned', 5, 29, hex('09'), 'EERPRSV1'),
    T("'X' in EERPDATE", 'EERP 2.0 unsigned', 5, 30, 'X', 'EERPDATE'),
    T('Ä (latin1) in EERPDEST', 'EERP 2.0 unsigned', 5, 60, hex('c4'), 'EERPDEST'),
    T('NUL in EERPORIG', 'EERP 2.0 unsigned', 5, 100, hex('00'), 'EERPORIG'),
    T("'T' in the 1.3 EERPTIME", 'EERP 1.3', 2, 47, 'T', 'EERPTIME'),
    T("'A' in the 1.4 EERPDATE", 'EERP 1.4', 4, 31, 'A', 'EERPDATE'),
    T('NUL in NERPRSV1', 'NERP 2.0 with text, hash and signature', 5, 30, hex('00'), 'NERPRSV1'),
    T('SOH in NERPCREA', 'NERP 2.0 with text, hash and signature', 5, 110, hex('01'), 'NERPCREA'),
    T("'X' in NERPREAS", 'NERP 2.0 with text, hash and signature', 5, 127, 'X', 'NERPREAS'),
    T("'x' in NERPREASL", 'NERP 2.0 with text, hash and signature', 5, 129, 'x', 'NERPREASL'),
    T('FF in NERPREAST', 'NERP 2.0 with text, hash and signature', 5, 131, hex('ff'), 'NERPREAST'),
    T("'A' in the 1.4 NERPDATE", 'NERP 1.4', 4, 33, 'A', 'NERPDATE'),
  ]);
});

describe('out of range: well-formed fields with a value the RFC does not allow', () => {
  // No range case exists for: SECD, CD, RTR (no fields); DATA (payload checked by data.ts); AURP (any 20
  // octets); CDT (a reserved field takes any printable octet); EFNA, EERP, NERP (reason codes are not
  // restricted to the RFC lists, so that a newer peer's code is passed up, and dates are digit strings).
  const R = (what: string, name: string, level: number, offset: number, replacement: string | Buffer, field: string): Case => ({
    what: `${name}: ${what}`, bytes: patch(name, offset, replacement), level, kind: 'range', command: fixture(name).command.type, field, offset,
  });
  const sfid = 'SFID 2.0 without description';
  runTable([
    // A wrong SSRMMSG is reported at the start of the constant, whichever octet differs.
    { what: "SSRM: 'ODETTE FTP READX '", bytes: patch('SSRM', 16, 'X'), level: 5, kind: 'range', command: 'SSRM', field: 'SSRMMSG', offset: 1 },
    R('lower case ready message', 'SSRM', 5, 1, 'odette ftp ready ', 'SSRMMSG'),
    R('space as SSRMCR', 'SSRM', 5, 18, ' ', 'SSRMCR'),
    R('form feed as SSRMCR', 'SSRM', 5, 18, hex('0c'), 'SSRMCR'),
    R('NUL as SSRMCR', 'SSRM', 1, 18, hex('00'), 'SSRMCR'),
    R('SSIDLEV 3', 'SSID 2.0', 5, 1, '3', 'SSIDLEV'),
    R('SSIDLEV 0', 'SSID 2.0', 5, 1, '0', 'SSIDLEV'),
    R('SSIDSDEB 00127', 'SSID 2.0', 5, 35, '00127', 'SSIDSDEB'),
    R('SSIDSDEB 00000', 'SSID 2.0', 5, 35, '00000', 'SSIDSDEB'),
    R('SSIDSDEB all spaces', 'SSID 2.0', 5, 35, '     ', 'SSIDSDEB'),
    R("SSIDSR 'Q'", 'SSID 2.0', 5, 40, 'Q', 'SSIDSR'),
    R("SSIDCMPR 'X'", 'SSID 2.0', 5, 41, 'X', 'SSIDCMPR'),
    R("SSIDREST 'y'", 'SSID 2.0', 5, 42, 'y', 'SSIDREST'),
    R("SSIDSPEC '1'", 'SSID 2.0', 5, 43, '1', 'SSIDSPEC'),
    R('SSIDCRED 000', 'SSID 2.0', 5, 44, '000', 'SSIDCRED'),
    R("SSIDAUTH 'X'", 'SSID 2.0', 5, 47, 'X', 'SSIDAUTH'),
    R('form feed as SSIDCR', 'SSID 2.0', 5, 60, hex('0c'), 'SSIDCR'),
    R('space as SSIDCR', 'SSID level 1', 1, 60, ' ', 'SSIDCR'),
    R('0x0E as SSIDCR', 'SSID level 4 (Accord CommandExchangeBufferTest)', 4, 60, hex('0e'), 'SSIDCR'),
    R('AUCHCHLL 0', 'AUCH', 5, 1, hex('0000'), 'AUCHCHLL'),
    R("SFIDFMT 'Z'", sfid, 5, 106, 'Z', 'SFIDFMT'),
    R('SFIDSEC 04', sfid, 5, 155, '04', 'SFIDSEC'),
    R('SFIDCOMP 2', sfid, 5, 159, '2', 'SFIDCOMP'),
    R('SFIDENV 2', sfid, 5, 160, '2', 'SFIDENV'),
    R("SFIDSIGN 'X'", sfid, 5, 161, 'X', 'SFIDSIGN'),
    R('SFIDREST 99999999999999999 (over MAX_SAFE_INTEGER)', sfid, 5, 138, '99999999999999999', 'SFIDREST'),
    R('SFIDREST 09007199254740992 (MAX_SAFE_INTEGER + 1)', sfid, 5, 138, '09007199254740992', 'SFIDREST'),
    R("the 1.3 SFIDFMT 'Z'", 'SFID 1.3', 1, 106, 'Z', 'SFIDFMT'),
    R("the 1.4 SFIDFMT 'u'", 'SFID 1.4', 4, 106, 'u', 'SFIDFMT'),
    R('SFPAACNT 99999999999999999', 'SFPA 2.0', 5, 1, '99999999999999999', 'SFPAACNT'),
    R('SFPAACNT 09007199254740992', 'SFPA 2.0', 5, 1, '09007199254740992', 'SFPAACNT'),
    R("SFNARRTR 'Z'", 'SFNA 2.0 without text', 5, 3, 'Z', 'SFNARRTR'),
    R("the 1.3 SFNARRTR 'Z'", 'SFNA 1.3', 1, 3, 'Z', 'SFNARRTR'),
    R('EFIDRCNT 99999999999999999', 'EFID 2.0', 5, 1, '99999999999999999', 'EFIDRCNT'),
    R('EFIDUCNT 10000000000000000', 'EFID 2.0', 5, 18, '10000000000000000', 'EFIDUCNT'),
    R("EFPACD 'X'", 'EFPA Y', 5, 1, 'X', 'EFPACD'),
    R("EFPACD 'y'", 'EFPA N', 1, 1, 'y', 'EFPACD'),
    R('space as ESIDCR', 'ESID 2.0 with text', 5, 22, ' ', 'ESIDCR'),
    R('form feed as ESIDCR', 'ESID 2.0 without text', 5, 6, hex('0c'), 'ESIDCR'),
    R("'X' as the 1.3 ESIDCR", 'ESID 1.3', 1, 3, 'X', 'ESIDCR'),
    R("'0' as the 1.4 ESIDCR", 'ESID 1.4', 4, 3, '0', 'ESIDCR'),
  ]);

  test('MAX_SAFE_INTEGER itself is in range', () => {
    assert.equal((decodeCommand(wire('2', '09007199254740991')).command as { restartCount: number }).restartCount, Number.MAX_SAFE_INTEGER);
  });
});

describe('unknown command: first octet, or a command the negotiated level does not have', () => {
  const U = (what: string, bytes: Buffer, level: number, command: string | undefined): Case => ({
    what, bytes, level, kind: 'unknown-command', command, field: undefined, offset: 0,
  });
  runTable([
    U("'Z'", wire('Z00'), 5, undefined),
    U('NUL', wire(hex('00')), 5, undefined),
    U("lower-case 'x' (SSID is 'X')", wire('x5'), 5, undefined),
    U('a Stream Transmission Header handed over as a command', hex('10 00 00 05 52'), 5, undefined),
    U('0xC9 (SSRM with the high bit set)', wire(hex('c9'), 'ODETTE FTP READY \r'), 1, undefined),
    U('the empty buffer', Buffer.alloc(0), 5, undefined),
    U('SECD at level 4', fixture('SECD').wire, 4, 'SECD'),
    U('SECD at level 1', fixture('SECD').wire, 1, 'SECD'),
    U('AUCH at level 4', fixture('AUCH').wire, 4, 'AUCH'),
    U('AUCH at level 2', fixture('AUCH').wire, 2, 'AUCH'),
    U('AURP at level 4', fixture('AURP').wire, 4, 'AURP'),
    U('AURP at level 1', fixture('AURP').wire, 1, 'AURP'),
    U('NERP (1.4 layout) at level 2', fixture('NERP 1.4').wire, 2, 'NERP'),
    U('NERP (1.4 layout) at level 1', fixture('NERP 1.4').wire, 1, 'NERP'),
    U('NERP (2.0 layout) at level 2', fixture('NERP 2.0 minimal').wire, 2, 'NERP'),
  ]);

  test('the same commands decode at the levels that have them', () => {
    assert.deepEqual(decodeCommand(fixture('SECD').wire, { level: 5 }).command, { type: 'SECD' });
    assert.equal(decodeCommand(fixture('NERP 1.4').wire, { level: 4 }).command.type, 'NERP');
    assert.equal(decodeCommand(fixture('AURP').wire, { level: 6 }).command.type, 'AURP'); // a future level keeps 2.0's commands
  });
});
