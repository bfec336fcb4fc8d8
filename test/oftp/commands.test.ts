// Command-level tests in the style of pg-protocol / mqtt-packet: every command, in every layout, as named wire
// fixtures written by hand (test/fixtures/commands.ts), checked four ways: decode, encode, round trip, and
// framed in a Stream Transmission Buffer split at every byte offset. Then the field positions against the RFC
// tables, the tolerances, and the strictness of the encoder. Error cases are in command-errors.test.ts.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeCommand, encodeCommand, type OftpCommand } from '../../src/oftp/codec/commands';
import { OftpEncodeError } from '../../src/oftp/codec/errors';
import { StbParser } from '../../src/oftp/codec/stb';
import { TOLERANCES, type Tolerance } from '../../src/oftp/codec/tolerances';
import {
  ALL_FIXTURES,
  COMMAND_FIXTURES,
  WIRE_CAPTURE_FIXTURES,
  fixture,
  hex,
  layout,
  tableFor,
  wire,
  type CommandFixture,
} from '../fixtures/commands';

/** Stream Transmission Header by hand (RFC 5024 §8.2): 0x10, then the 24-bit big-endian total length. */
function framed(body: Buffer): Buffer {
  const total = body.length + 4;
  return Buffer.concat([Buffer.from([0x10, (total >> 16) & 0xff, (total >> 8) & 0xff, total & 0xff]), body]);
}

const cases = ALL_FIXTURES.flatMap((f) => f.levels.map((level) => ({ f, level, label: `${f.name} @ level ${level}` })));

describe('fixture inventory', () => {
  test('every command has a fixture in the 2.0 layout and in each 1.x layout that exists for it', () => {
    const have = new Set(COMMAND_FIXTURES.flatMap((f) => f.levels.map((l) => `${f.command.type}@${l}`)));
    const all = ['SSRM', 'SSID', 'SECD', 'AUCH', 'AURP', 'SFID', 'SFPA', 'SFNA', 'DATA', 'CDT', 'EFID', 'EFPA', 'EFNA', 'ESID', 'CD', 'EERP', 'NERP', 'RTR'];
    for (const c of all) assert.ok(have.has(`${c}@5`), `${c} at level 5`);
    // SSID's layout follows its own SSIDLEV: levels 1 and 2 share the RFC 2204 layout.
    for (const c of ['SSID', 'SFID', 'SFPA', 'SFNA', 'EFID', 'EFNA', 'ESID', 'EERP']) {
      assert.ok(have.has(`${c}@1`) || have.has(`${c}@2`), `${c} in the RFC 2204 layout`);
      assert.ok(have.has(`${c}@4`), `${c} in the 1.4 layout`);
    }
    for (const c of ['SFID', 'SFPA', 'SFNA', 'EFID', 'EFNA', 'ESID', 'EERP']) {
      assert.ok(have.has(`${c}@1`) && have.has(`${c}@2`), `${c} at levels 1 and 2`);
    }
    assert.ok(have.has('NERP@4'), 'NERP in the 1.4 layout');
    for (const c of ['SECD', 'AUCH', 'AURP']) assert.ok(![1, 2, 4].some((l) => have.has(`${c}@${l}`)), `${c} is 2.0 only`);
    assert.ok(![1, 2].some((l) => have.has(`NERP@${l}`)), 'NERP does not exist below 1.4');
    const names = COMMAND_FIXTURES.map((f) => f.name);
    for (const n of ['SFID 2.0 without description', 'SFID 2.0 with description', 'SFID 2.0 with UTF-8 description', 'SFNA 2.0 without text',
      'SFNA 2.0 with text', 'EFPA Y', 'EFPA N', 'ESID 2.0 without text', 'ESID 2.0 with text', 'EERP 2.0 unsigned', 'EERP 2.0 signed']) {
      assert.ok(names.includes(n), n);
    }
    assert.equal(new Set(ALL_FIXTURES.map((f) => f.name)).size, ALL_FIXTURES.length, 'fixture names are unique');
  });

  test('exchange buffer sizes are the ones of digest §3 / §12', () => {
    const sizes: Array<[string, number]> = [
      ['SSRM', 19], ['SSID 2.0', 61], ['SECD', 1], ['AUCH', 3 + 24], ['AURP', 21], ['SFID 2.0 without description', 165],
      ['SFID 2.0 with description', 165 + 23], ['SFID 2.0 with UTF-8 description', 165 + 21], ['SFPA 2.0', 18],
      ['SFNA 2.0 without text', 7], ['SFNA 2.0 with text', 7 + 19], ['CDT', 3], ['EFID 2.0', 35], ['EFPA Y', 2], ['EFNA 2.0 without text', 6],
      ['EFNA 2.0 with text', 6 + 18], ['ESID 2.0 without text', 7], ['ESID 2.0 with text', 7 + 16], ['CD', 1], ['EERP 2.0 unsigned', 110],
      ['EERP 2.0 signed', 110 + 20 + 32], ['NERP 2.0 minimal', 135], ['NERP 2.0 with text, hash and signature', 135 + 14 + 20 + 32], ['RTR', 1],
      ['SSID level 1', 61], ['SSID level 2', 61], ['SFID 1.3', 128], ['SFPA 1.3', 10], ['SFNA 1.3', 4], ['EFID 1.3', 22], ['EFNA 1.3', 3],
      ['ESID 1.3', 4], ['EERP 1.3', 106], ['SSID level 4 (Accord CommandExchangeBufferTest)', 61], ['SFID 1.4', 128], ['SFPA 1.4', 10],
      ['SFNA 1.4', 4], ['EFID 1.4', 22], ['EFNA 1.4', 3], ['ESID 1.4', 4], ['EERP 1.4', 106], ['NERP 1.4', 128],
    ];
    for (const [name, size] of sizes) assert.equal(fixture(name).wire.length, size, name);
  });

  test('each wire lies exactly over its RFC field table (the fixtures are counted right)', () => {
    for (const { f, level, label } of cases) {
      const fields = layout(tableFor(f.command.type, level), f.wire);
      const last = fields[fields.length - 1]!;
      assert.equal(last.offset + last.length, f.wire.length, `${label}: the table ends where the wire ends`);
    }
  });
});

describe('four-way check of every fixture', () => {
  for (const { f, level, label } of cases) {
    test(label, () => {
      // (a) decode: the typed command, the tolerances, and the field positions of the RFC table.
      const decoded = decodeCommand(f.wire, { level });
      assert.deepEqual(decoded.command, f.command, 'decoded command');
      assert.deepEqual(decoded.tolerances, f.tolerances, 'reported tolerances');
      const expectedFields = layout(tableFor(f.command.type, level), f.wire);
      assert.deepEqual(
        decoded.fields.map(({ name, offset, length }) => ({ name, offset, length })),
        expectedFields,
        'field names, offsets and lengths',
      );
      // (b) encode: exactly the wire bytes (or the strict form the fixture names).
      const encoded = encodeCommand(f.command, { level });
      assert.equal(encoded.toString('hex'), (f.encoded ?? f.wire).toString('hex'), 'encoded bytes');
      // (c) round trip.
      const again = decodeCommand(encoded, { level });
      assert.deepEqual(again.command, f.command, 'decode(encode(x))');
      assert.deepEqual(again.tolerances, [], 'what we send needs no tolerance');
    });
  }
});

describe('(d) framed in STBs, two commands split into two chunks at every byte offset', () => {
  cases.forEach(({ f, level, label }, i) => {
    const next = cases[(i + 1) % cases.length]!;
    test(`${label} + ${next.label}`, () => {
      const stream = Buffer.concat([framed(f.wire), framed(next.f.wire)]);
      const expected = [f.command, next.f.command];
      const levels = [level, next.level];
      for (let cut = 0; cut <= stream.length; cut++) {
        const parser = new StbParser();
        const got: OftpCommand[] = [];
        const onBuffer = (buf: Buffer): void => {
          got.push(decodeCommand(Buffer.from(buf), { level: levels[got.length]! }).command);
        };
        parser.push(stream.subarray(0, cut), onBuffer);
        parser.push(stream.subarray(cut), onBuffer);
        parser.end();
        assert.deepEqual(got, expected, `split at ${cut}`);
      }
    });
  });
});

describe('real wire bytes of digest §14 and the Accord vectors', () => {
  test('the captured STBs have version 1, flags 0 and the right 24-bit length', () => {
    const withStb = WIRE_CAPTURE_FIXTURES.filter((f) => f.stb);
    assert.equal(withStb.length, 10); // 9 non-DATA frames of the capture + Accord's CDT STB
    for (const f of withStb) {
      const stb = f.stb!;
      assert.equal(stb[0], 0x10, f.name);
      assert.equal((stb[1]! << 16) | (stb[2]! << 8) | stb[3]!, stb.length, f.name);
    }
  });

  test('the capture decodes to the session the digest describes', () => {
    const names = WIRE_CAPTURE_FIXTURES.filter((f) => f.name.startsWith('digest §14')).map((f) => f.command.type);
    assert.deepEqual(names, ['SSRM', 'SSID', 'SSID', 'SFID', 'SFPA', 'CDT', 'EFID', 'EFPA', 'ESID']);
    // Each frame through StbParser in one stream, decoded at level 5.
    const stream = Buffer.concat(WIRE_CAPTURE_FIXTURES.filter((f) => f.name.startsWith('digest §14')).map((f) => f.stb!));
    const parser = new StbParser();
    const decoded: Array<{ command: OftpCommand; tolerances: Tolerance[] }> = [];
    parser.push(stream, (buf) => decoded.push(decodeCommand(Buffer.from(buf))));
    parser.end();
    assert.equal(decoded.length, 9);
    const [, ssidI, ssidR, sfid, , , efid, , esid] = decoded;
    assert.deepEqual(ssidI!.tolerances, ['lf-terminator']);
    assert.equal((ssidI!.command as { password: string }).password, '', '8 spaces: no password');
    assert.equal((ssidR!.command as { credit: number }).credit, 2, 'responder answers a smaller window');
    assert.equal((sfid!.command as { fileSize: number }).fileSize, 4, '4130 octets rounded down to 4 blocks (digest §14 note 5)');
    assert.equal((efid!.command as { unitCount: number }).unitCount, 4130);
    assert.deepEqual(esid!.command, { type: 'ESID', reason: 0, text: 'OK' });
    assert.deepEqual(esid!.tolerances, ['lf-terminator']);
  });

  test('the quirky frames re-encode in the strict form: CR instead of LF', () => {
    const ssid = fixture('digest §14 I->R SSID (LF terminator, no password)');
    assert.equal(ssid.wire[60], 0x0a);
    assert.equal(encodeCommand(ssid.command)[60], 0x0d);
    assert.deepEqual(encodeCommand(ssid.command).subarray(0, 60), ssid.wire.subarray(0, 60));
    const esid = fixture('digest §14 I->R ESID (LF terminator)');
    assert.equal(esid.wire.toString('latin1'), 'F00002OK\n');
    assert.equal(encodeCommand(esid.command).toString('latin1'), 'F00002OK\r');
  });

  test('Accord: 1.4 SSID, 2.0 EFID and the CDT STB', () => {
    const ssid = decodeCommand(Buffer.from('X4O0055LOCALUSER           MYPASSWD02048BYYN064             \r', 'latin1'), { level: 4 });
    assert.deepEqual(ssid.command, fixture('SSID level 4 (Accord CommandExchangeBufferTest)').command);
    assert.deepEqual(ssid.tolerances, []);
    assert.deepEqual(decodeCommand(Buffer.from('T0000000000000000000000000000017860', 'latin1')).command, { type: 'EFID', recordCount: 0, unitCount: 17860 });
    assert.equal(framed(encodeCommand({ type: 'CDT' })).toString('hex'), '10000007432020');
  });
});

describe('field positions', () => {
  const field = (f: CommandFixture, name: string, level = f.levels[0]!) => {
    const info = decodeCommand(f.wire, { level }).fields.find((x) => x.name === name);
    assert.ok(info, `${f.name} has field ${name}`);
    return info;
  };

  test('SSID: SSIDSDEB at 35, SSIDCRED at 44, SSIDAUTH at 47 in 2.0, SSIDRSV1 X(5) at 47 in 1.x; the password is secret', () => {
    const ssid = fixture('SSID 2.0');
    assert.deepEqual(field(ssid, 'SSIDSDEB'), { name: 'SSIDSDEB', offset: 35, length: 5, value: 1024 });
    assert.deepEqual(field(ssid, 'SSIDCRED'), { name: 'SSIDCRED', offset: 44, length: 3, value: 64 });
    assert.deepEqual(field(ssid, 'SSIDAUTH'), { name: 'SSIDAUTH', offset: 47, length: 1, value: 'Y' });
    assert.deepEqual(field(ssid, 'SSIDPSWD'), { name: 'SSIDPSWD', offset: 27, length: 8, value: 'SECRET', secret: true });
    assert.deepEqual(field(ssid, 'SSIDCR'), { name: 'SSIDCR', offset: 60, length: 1, value: '0x0D' });
    const ssid1 = fixture('SSID level 1');
    assert.deepEqual(field(ssid1, 'SSIDRSV1'), { name: 'SSIDRSV1', offset: 47, length: 5, value: '     ' });
    assert.equal(decodeCommand(ssid1.wire).fields.some((x) => x.name === 'SSIDAUTH'), false);
  });

  test('SFID: SFIDDESCL at 162, SFIDDESC at 165 with its octet length; 1.3 date at 36, 1.4 date at 30', () => {
    const sfid = fixture('SFID 2.0 with UTF-8 description');
    assert.deepEqual(field(sfid, 'SFIDDESCL'), { name: 'SFIDDESCL', offset: 162, length: 3, value: 21 });
    assert.deepEqual(field(sfid, 'SFIDDESC'), { name: 'SFIDDESC', offset: 165, length: 21, value: 'Rechnungen für März' });
    assert.deepEqual(field(sfid, 'SFIDFMT'), { name: 'SFIDFMT', offset: 106, length: 1, value: 'U' });
    assert.deepEqual(field(fixture('SFID 1.3'), 'SFIDDATE'), { name: 'SFIDDATE', offset: 36, length: 6, value: '261128' });
    assert.deepEqual(field(fixture('SFID 1.3'), 'SFIDREST'), { name: 'SFIDREST', offset: 119, length: 9, value: 0 });
    assert.deepEqual(field(fixture('SFID 1.4'), 'SFIDDATE'), { name: 'SFIDDATE', offset: 30, length: 8, value: '20261128' });
    assert.deepEqual(field(fixture('SFID 1.4'), 'SFIDFSIZ'), { name: 'SFIDFSIZ', offset: 112, length: 7, value: 5 });
  });

  test('EERP/NERP/ESID: the fields after a variable-length one', () => {
    const eerp = fixture('EERP 2.0 signed');
    assert.deepEqual(field(eerp, 'EERPHSHL'), { name: 'EERPHSHL', offset: 106, length: 2, value: 20 });
    assert.deepEqual(field(eerp, 'EERPSIGL'), { name: 'EERPSIGL', offset: 128, length: 2, value: 32 });
    assert.deepEqual(field(eerp, 'EERPSIG'), { name: 'EERPSIG', offset: 130, length: 32, value: eerp.wire.subarray(130).toString('hex') });
    const nerp = fixture('NERP 2.0 with text, hash and signature');
    assert.deepEqual(field(nerp, 'NERPCREA'), { name: 'NERPCREA', offset: 101, length: 25, value: 'O0013ROUTER' });
    assert.deepEqual(field(nerp, 'NERPHSHL'), { name: 'NERPHSHL', offset: 145, length: 2, value: 20 });
    assert.deepEqual(field(nerp, 'NERPSIGL'), { name: 'NERPSIGL', offset: 167, length: 2, value: 32 });
    assert.deepEqual(field(fixture('ESID 2.0 with text'), 'ESIDCR'), { name: 'ESIDCR', offset: 22, length: 1, value: '0x0D' });
    assert.deepEqual(field(fixture('ESID 1.3'), 'ESIDCR'), { name: 'ESIDCR', offset: 3, length: 1, value: '0x0D' });
  });
});

describe('tolerances: named deviations, decoded and reported', () => {
  const cases: Array<{ name: Tolerance; what: string; bytes: Buffer; level: number; command: OftpCommand; strict?: Buffer }> = [
    {
      name: 'lf-terminator',
      what: 'SSRM ending in LF',
      bytes: wire('I', 'ODETTE FTP READY ', '\n'),
      level: 5,
      command: { type: 'SSRM' },
      strict: wire('IODETTE FTP READY \r'),
    },
    {
      name: 'lf-terminator',
      what: 'SSID ending in LF (Go oftp2-client)',
      bytes: fixture('digest §14 I->R SSID (LF terminator, no password)').wire,
      level: 5,
      command: fixture('digest §14 I->R SSID (LF terminator, no password)').command,
      strict: wire('X5', 'O0013INITIATOR           ', '        ', '01024', 'SNNN', '999', 'N', '    ', '        ', '\r'),
    },
    {
      name: 'lf-terminator',
      what: 'ESID ending in LF (Go oftp2-client)',
      bytes: wire('F', '00', '002', 'OK', '\n'),
      level: 5,
      command: { type: 'ESID', reason: 0, text: 'OK' },
      strict: wire('F00002OK\r'),
    },
    {
      name: 'lf-terminator',
      what: '1.x ESID ending in LF',
      bytes: wire('F', '00', '\n'),
      level: 1,
      command: { type: 'ESID', reason: 0, text: '' },
      strict: wire('F00\r'),
    },
    {
      name: 'ssrm-without-trailing-space',
      what: "'ODETTE FTP READY' + CR, 18 octets",
      bytes: wire('I', 'ODETTE FTP READY', '\r'),
      level: 5,
      command: { type: 'SSRM' },
      strict: wire('IODETTE FTP READY \r'),
    },
    {
      name: 'esid-short-form',
      what: '4-octet 1.x ESID in a 2.0 session (Accord)',
      bytes: wire('F', '10', '\r'),
      level: 5,
      command: { type: 'ESID', reason: 10, text: '' },
      strict: wire('F10000\r'),
    },
    {
      name: 'esid-long-form',
      what: '2.0 ESID with text in a 1.4 session',
      bytes: wire('F', '04', '016', 'Invalid password', '\r'),
      level: 4,
      command: { type: 'ESID', reason: 4, text: 'Invalid password' },
      // The 1.4 ESID has no room for the text: the encoder refuses rather than dropping it (see below).
    },
    {
      name: 'esid-long-form',
      what: '7-octet 2.0 ESID without text in a level 1 session',
      bytes: wire('F', '00', '000', '\r'),
      level: 1,
      command: { type: 'ESID', reason: 0, text: '' },
      strict: wire('F00\r'),
    },
    {
      name: 'lenient-x-field',
      what: 'lower case and underscore in SFIDDSN',
      bytes: wire('H', 'invoic_2026               ', fixture('SFID 2.0 without description').wire.subarray(27)),
      level: 5,
      command: { ...(fixture('SFID 2.0 without description').command as Extract<OftpCommand, { type: 'SFID' }>), datasetName: 'invoic_2026' },
    },
    {
      name: 'lenient-x-field',
      what: 'embedded space in SSIDCODE',
      bytes: wire('X5', 'O0013 INITIATOR          ', fixture('SSID 2.0').wire.subarray(27)),
      level: 5,
      command: { ...(fixture('SSID 2.0').command as Extract<OftpCommand, { type: 'SSID' }>), code: 'O0013 INITIATOR' },
    },
    {
      name: 'space-padded-numeric',
      what: "SSIDSDEB ' 1024'",
      bytes: wire('X5', 'O0013INITIATOR           ', 'SECRET  ', ' 1024', 'BYYN064Y    USERDATA\r'),
      level: 5,
      command: fixture('SSID 2.0').command,
      strict: fixture('SSID 2.0').wire,
    },
    {
      name: 'space-padded-numeric',
      what: "SFIDDESCL '   ' for zero",
      bytes: wire(fixture('SFID 2.0 without description').wire.subarray(0, 162), '   '),
      level: 5,
      command: fixture('SFID 2.0 without description').command,
      strict: fixture('SFID 2.0 without description').wire,
    },
  ];

  for (const c of cases) {
    test(`${c.name}: ${c.what}`, () => {
      const decoded = decodeCommand(c.bytes, { level: c.level });
      assert.deepEqual(decoded.command, c.command);
      assert.deepEqual(decoded.tolerances, [c.name]);
      if (c.strict) {
        assert.equal(encodeCommand(decoded.command, { level: c.level }).toString('hex'), c.strict.toString('hex'), 'we send the strict form');
      } else {
        assert.throws(() => encodeCommand(decoded.command, { level: c.level }), OftpEncodeError, 'the strict encoder refuses the value');
      }
    });
  }

  test('two deviations in one command are both reported, in field order', () => {
    const decoded = decodeCommand(wire('IODETTE FTP READY\n'));
    assert.deepEqual(decoded.command, { type: 'SSRM' });
    assert.deepEqual(decoded.tolerances, ['ssrm-without-trailing-space', 'lf-terminator']);
    const ssid = decodeCommand(wire('X5', 'o0013initiator           ', 'SECRET  ', '  128', 'SNNN001N            \n'));
    assert.deepEqual(ssid.tolerances, ['lenient-x-field', 'space-padded-numeric', 'lf-terminator']);
    assert.equal((ssid.command as { code: string }).code, 'o0013initiator');
    assert.equal((ssid.command as { bufferSize: number }).bufferSize, 128);
  });

  test('every command-level tolerance has a case here, and each is a documented tolerance', () => {
    const commandLevel: Tolerance[] = ['lf-terminator', 'ssrm-without-trailing-space', 'esid-short-form', 'esid-long-form', 'lenient-x-field', 'space-padded-numeric'];
    assert.deepEqual([...new Set(cases.map((c) => c.name))].sort(), [...commandLevel].sort());
    for (const t of commandLevel) assert.equal(typeof TOLERANCES[t], 'string', t);
  });

  test('strictly correct commands report no tolerance', () => {
    for (const f of COMMAND_FIXTURES) {
      for (const level of f.levels) assert.deepEqual(decodeCommand(f.wire, { level }).tolerances, [], `${f.name} @ ${level}`);
    }
    // 0x8D is an RFC carriage return, not a deviation; neither are the short ESID at level 4 and the long one at 5.
    assert.deepEqual(decodeCommand(wire('F', '00', '000', hex('8d'))).tolerances, []);
    assert.deepEqual(decodeCommand(wire('IODETTE FTP READY ', hex('8d'))).tolerances, []);
    assert.deepEqual(decodeCommand(wire('F00\r'), { level: 4 }).tolerances, []);
    assert.deepEqual(decodeCommand(wire('F00000\r'), { level: 5 }).tolerances, []);
    // Non-space printable characters in a reserved field are shown, not reported (RFC: "should be" spaces).
    assert.deepEqual(decodeCommand(wire('CAB')).tolerances, []);
  });
});

describe('encoder strictness: OftpEncodeError naming the field', () => {
  const ssid = fixture('SSID 2.0').command as Extract<OftpCommand, { type: 'SSID' }>;
  const sfid = fixture('SFID 2.0 without description').command as Extract<OftpCommand, { type: 'SFID' }>;
  const sfid1 = fixture('SFID 1.3').command as Extract<OftpCommand, { type: 'SFID' }>;
  const sfid4 = fixture('SFID 1.4').command as Extract<OftpCommand, { type: 'SFID' }>;
  const eerp = fixture('EERP 2.0 signed').command as Extract<OftpCommand, { type: 'EERP' }>;
  const eerp4 = fixture('EERP 1.4').command as Extract<OftpCommand, { type: 'EERP' }>;
  const nerp4 = fixture('NERP 1.4').command as Extract<OftpCommand, { type: 'NERP' }>;
  const thousand = 'x'.repeat(1000);

  const refusals: Array<{ what: string; command: OftpCommand; level?: number; field: string }> = [
    // Lower case identifiers and names.
    { what: 'lower-case SSIDCODE', command: { ...ssid, code: 'o0013initiator' }, field: 'SSIDCODE' },
    { what: 'lower-case SFIDDEST', command: { ...sfid, destination: 'O0013responder' }, field: 'SFIDDEST' },
    { what: 'lower-case SFIDDSN', command: { ...sfid, datasetName: 'invoic.2026' }, field: 'SFIDDSN' },
    // EERP/NERP echo the file identity exactly as the partner sent it (lower case included), but still
    // only what the decoder can accept: printable ASCII.
    { what: 'non-ASCII in EERPORIG', command: { ...eerp, originator: 'O0013RESPÖNDER' }, field: 'EERPORIG' },
    { what: 'control octet in EERPDSN', command: { ...eerp, datasetName: 'INVOIC\n' }, field: 'EERPDSN' },
    { what: 'non-ASCII in NERPDEST', command: { ...nerp4, destination: 'Ö0013' }, level: 4, field: 'NERPDEST' },
    { what: 'non-ASCII in SSIDUSER', command: { ...ssid, userData: 'ÜSER' }, field: 'SSIDUSER' },
    // Too long.
    { what: '26-character SSIDCODE', command: { ...ssid, code: 'O0013INITIATOR123456789012' }, field: 'SSIDCODE' },
    { what: '9-character SSIDPSWD', command: { ...ssid, password: 'PASSWORD1' }, field: 'SSIDPSWD' },
    { what: '9-character SSIDUSER', command: { ...ssid, userData: 'USERDATA1' }, field: 'SSIDUSER' },
    { what: '27-character SFIDDSN', command: { ...sfid, datasetName: 'A'.repeat(27) }, field: 'SFIDDSN' },
    { what: '9-character SFIDUSER', command: { ...sfid, userData: 'A'.repeat(9) }, field: 'SFIDUSER' },
    // Embedded spaces in String fields.
    { what: 'embedded space in SSIDCODE', command: { ...ssid, code: 'O0013 INITIATOR' }, field: 'SSIDCODE' },
    { what: 'embedded space in SSIDPSWD', command: { ...ssid, password: 'MY PW' }, field: 'SSIDPSWD' },
    { what: 'embedded space in SFIDDSN', command: { ...sfid, datasetName: 'INVOIC 2026' }, field: 'SFIDDSN' },
    { what: 'embedded space in SFIDORIG', command: { ...sfid, originator: 'O0013 INITIATOR' }, field: 'SFIDORIG' },
    { what: 'embedded space in NERPCREA', command: { ...nerp4, creator: 'O0013 ROUTER' }, level: 4, field: 'NERPCREA' },
    // Out-of-range numbers.
    { what: 'SSIDSDEB 127', command: { ...ssid, bufferSize: 127 }, field: 'SSIDSDEB' },
    { what: 'SSIDSDEB 100000', command: { ...ssid, bufferSize: 100000 }, field: 'SSIDSDEB' },
    { what: 'SSIDCRED 0', command: { ...ssid, credit: 0 }, field: 'SSIDCRED' },
    { what: 'SSIDCRED 1000', command: { ...ssid, credit: 1000 }, field: 'SSIDCRED' },
    { what: 'SSIDLEV 3', command: { ...ssid, level: 3 }, field: 'SSIDLEV' },
    { what: 'SSIDLEV 0', command: { ...ssid, level: 0 }, field: 'SSIDLEV' },
    { what: 'SSIDLEV 10', command: { ...ssid, level: 10 }, field: 'SSIDLEV' },
    { what: "SSIDSR 'X'", command: { ...ssid, mode: 'X' as 'S' }, field: 'SSIDSR' },
    { what: 'SFIDSEC 4', command: { ...sfid, securityLevel: 4 }, field: 'SFIDSEC' },
    { what: 'SFIDCOMP 2', command: { ...sfid, compression: 2 }, field: 'SFIDCOMP' },
    { what: 'SFIDENV 2', command: { ...sfid, envelope: 2 }, field: 'SFIDENV' },
    { what: 'SFIDCIPH 100', command: { ...sfid, cipherSuite: 100 }, field: 'SFIDCIPH' },
    { what: 'SFIDLRECL 100000', command: { ...sfid, maxRecordLength: 100000 }, field: 'SFIDLRECL' },
    { what: 'SFIDLRECL not 0 for T', command: { ...sfid, format: 'T' }, field: 'SFIDLRECL' },
    { what: "SFIDFMT 'Z'", command: { ...sfid, format: 'Z' as 'F' }, field: 'SFIDFMT' },
    { what: 'SFIDFSIZ 10^7 in 1.x', command: { ...sfid1, fileSize: 10_000_000 }, level: 1, field: 'SFIDFSIZ' },
    { what: 'SFIDREST 10^9 in 1.4', command: { ...sfid4, restartPosition: 1_000_000_000 }, level: 4, field: 'SFIDREST' },
    { what: 'SFIDDATE of 8 digits at level 1', command: { ...sfid1, date: '20261128' }, level: 1, field: 'SFIDDATE' },
    { what: 'SFIDTIME of 6 digits at level 5', command: { ...sfid, time: '120000' }, field: 'SFIDTIME' },
    { what: 'SFPAACNT over MAX_SAFE_INTEGER', command: { type: 'SFPA', restartCount: Number.MAX_SAFE_INTEGER + 2 }, field: 'SFPAACNT' },
    { what: 'SFPAACNT negative', command: { type: 'SFPA', restartCount: -1 }, field: 'SFPAACNT' },
    { what: 'SFPAACNT fractional', command: { type: 'SFPA', restartCount: 1.5 }, field: 'SFPAACNT' },
    { what: 'SFPAACNT 10^9 at level 2', command: { type: 'SFPA', restartCount: 1_000_000_000 }, level: 2, field: 'SFPAACNT' },
    { what: 'EFIDUCNT 10^12 at level 4', command: { type: 'EFID', recordCount: 0, unitCount: 1_000_000_000_000 }, level: 4, field: 'EFIDUCNT' },
    { what: 'ESIDREAS 100', command: { type: 'ESID', reason: 100, text: '' }, field: 'ESIDREAS' },
    { what: 'SFNAREAS -1', command: { type: 'SFNA', reason: -1, retry: false, text: '' }, field: 'SFNAREAS' },
    // File services and descriptions below level 5.
    { what: 'SFIDSEC at level 4', command: { ...sfid4, securityLevel: 1 }, level: 4, field: 'SFIDSEC' },
    { what: 'compression at level 2', command: { ...sfid1, compression: 1 }, level: 2, field: 'SFIDCOMP' },
    { what: 'cipher suite at level 4', command: { ...sfid4, cipherSuite: 1 }, level: 4, field: 'SFIDCIPH' },
    { what: 'envelope at level 1', command: { ...sfid1, envelope: 1 }, level: 1, field: 'SFIDENV' },
    { what: 'signed EERP request at level 1', command: { ...sfid1, signedEerp: true }, level: 1, field: 'SFIDSIGN' },
    { what: 'description at level 4', command: { ...sfid4, description: 'x' }, level: 4, field: 'SFIDDESC' },
    { what: 'SSIDAUTH Y at level 4', command: { ...ssid, level: 4, secureAuthentication: true }, level: 4, field: 'SSIDAUTH' },
    { what: 'signed EERP at level 4', command: { ...eerp4, hash: Buffer.alloc(20), signature: Buffer.alloc(0) }, level: 4, field: 'EERPSIG' },
    { what: 'NERP text at level 4', command: { ...nerp4, text: 'x' }, level: 4, field: 'NERPREAST' },
    { what: 'SFNA text at level 4', command: { type: 'SFNA', reason: 6, retry: true, text: 'full' }, level: 4, field: 'SFNAREAST' },
    { what: 'EFNA text at level 2', command: { type: 'EFNA', reason: 11, text: 'count' }, level: 2, field: 'EFNAREAST' },
    { what: 'ESID text at level 1', command: { type: 'ESID', reason: 4, text: 'Invalid password' }, level: 1, field: 'ESIDREAST' },
    { what: 'SECD at level 4', command: { type: 'SECD' }, level: 4, field: 'SECDCMD' },
    { what: 'AUCH at level 2', command: { type: 'AUCH', challenge: Buffer.alloc(20) }, level: 2, field: 'AUCHCMD' },
    { what: 'NERP at level 2', command: { ...nerp4 }, level: 2, field: 'NERPCMD' },
    // AUCH / AURP sizes.
    { what: 'AURP response of 19 octets', command: { type: 'AURP', response: Buffer.alloc(19) }, field: 'AURPRSP' },
    { what: 'AURP response of 21 octets', command: { type: 'AURP', response: Buffer.alloc(21) }, field: 'AURPRSP' },
    { what: 'empty AUCH challenge', command: { type: 'AUCH', challenge: Buffer.alloc(0) }, field: 'AUCHCHAL' },
    { what: 'AUCH challenge over 65535 octets', command: { type: 'AUCH', challenge: Buffer.alloc(65536) }, field: 'AUCHCHLL' },
    { what: 'EERP hash over 65535 octets', command: { ...eerp, hash: Buffer.alloc(65536) }, field: 'EERPHSHL' },
    // Texts over 999 octets of UTF-8.
    { what: 'SFIDDESC of 1000 octets', command: { ...sfid, description: thousand }, field: 'SFIDDESC' },
    { what: 'SFIDDESC of 500 characters = 1000 octets', command: { ...sfid, description: 'é'.repeat(500) }, field: 'SFIDDESC' },
    { what: 'SFNAREAST of 1000 octets', command: { type: 'SFNA', reason: 99, retry: false, text: thousand }, field: 'SFNAREAST' },
    { what: 'EFNAREAST of 1000 octets', command: { type: 'EFNA', reason: 99, text: thousand }, field: 'EFNAREAST' },
    { what: 'ESIDREAST of 1000 octets', command: { type: 'ESID', reason: 99, text: '€'.repeat(333) + 'x' }, field: 'ESIDREAST' },
    { what: 'NERPREAST of 1000 octets', command: { ...nerp4, text: thousand }, field: 'NERPREAST' },
  ];

  for (const r of refusals) {
    test(r.what, () => {
      assert.throws(
        () => encodeCommand(r.command, { level: r.level ?? 5 }),
        (e: unknown) => {
          assert.ok(e instanceof OftpEncodeError, `expected OftpEncodeError, got ${String(e)}`);
          assert.equal(e.command, r.command.type);
          assert.equal(e.field, r.field);
          assert.match(e.message, new RegExp(`cannot encode ${r.command.type} field ${r.field}: `));
          return true;
        },
      );
    });
  }

  test('the limits themselves are accepted: 999 octets of text, SSIDSDEB 128 and 99999, MAX_SAFE_INTEGER counts', () => {
    const desc = 'é'.repeat(499) + 'x'; // 999 octets
    const withDesc = { ...sfid, description: desc };
    const bytes = encodeCommand(withDesc);
    assert.equal(bytes.length, 165 + 999);
    assert.equal(bytes.toString('latin1', 162, 165), '999');
    assert.deepEqual(decodeCommand(bytes).command, withDesc);
    for (const bufferSize of [128, 99999]) assert.deepEqual(decodeCommand(encodeCommand({ ...ssid, bufferSize })).command, { ...ssid, bufferSize });
    const sfpa = encodeCommand({ type: 'SFPA', restartCount: Number.MAX_SAFE_INTEGER });
    assert.equal(sfpa.toString('latin1'), '209007199254740991');
    assert.deepEqual(decodeCommand(sfpa).command, { type: 'SFPA', restartCount: Number.MAX_SAFE_INTEGER });
    const efid = encodeCommand({ type: 'EFID', recordCount: 999_999_999, unitCount: 999_999_999_999 }, { level: 1 });
    assert.equal(efid.toString('latin1'), 'T999999999999999999999');
  });

  test('values the RFC allows in unused fields are written as spaces', () => {
    assert.equal(encodeCommand({ ...ssid, userData: '' }).toString('latin1', 48, 60), '            ');
    assert.equal(encodeCommand({ type: 'CDT' }).toString('latin1'), 'C  ');
  });
});

test('EERP and NERP echo a file identity the decoder tolerated (lower case, underscore) exactly', () => {
  const eerp = fixture('EERP 2.0 signed').command as Extract<OftpCommand, { type: 'EERP' }>;
  const echoed = { ...eerp, datasetName: '../../x_y', destination: 'o0013initiator', originator: 'O0013_RESPONDER' };
  const wire = encodeCommand(echoed);
  assert.equal(wire.subarray(1, 27).toString('latin1'), '../../x_y'.padEnd(26, ' '));
  assert.deepEqual(decodeCommand(wire).command, echoed);
});
