// Reason code tables against the RFC: the code lists below are copied line for line from rfc5024.txt
// (§5.3.5 SFNAREAS, §5.3.10 EFNAREAS, §5.3.11 ESIDREAS, §5.3.14 NERPREAS; the descriptive paragraphs between
// the ESID codes left out). When the RFC text is available next to the project, a test checks that every
// copied line is in it verbatim.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import {
  ANSWER_REASONS,
  ESID_REASONS,
  NERP_REASONS,
  describeReason,
  nerpReasonForAnswer,
  reasonOf,
} from '../../src/oftp/codec/reasons';

const RFC_ESIDREAS = String.raw`
      Value: '00'  Normal session termination
             '01'  Command not recognised
             '02'  Protocol violation
             '03'  User code not known
             '04'  Invalid password
             '05'  Local site emergency close down
             '06'  Command contained invalid data
             '07'  Exchange Buffer size error
             '08'  Resources not available
             '09'  Time out
             '10'  Mode or capabilities incompatible
             '11'  Invalid challenge response
             '12'  Secure authentication requirements incompatible
             '99'  Unspecified Abort code
`;

const RFC_SFNAREAS = String.raw`
      Value: '01'  Invalid filename.
             '02'  Invalid destination.
             '03'  Invalid origin.
             '04'  Storage record format not supported.
             '05'  Maximum record length not supported.
             '06'  File size is too big.
             '10'  Invalid record count.
             '11'  Invalid byte count.
             '12'  Access method failure.
             '13'  Duplicate file.
             '14'  File direction refused.
             '15'  Cipher suite not supported.
             '16'  Encrypted file not allowed.
             '17'  Unencrypted file not allowed.
             '18'  Compression not allowed.
             '19'  Signed file not allowed.
             '20'  Unsigned file not allowed.
             '99'  Unspecified reason.
`;

const RFC_EFNAREAS = String.raw`
      Value: '01'  Invalid filename.
             '02'  Invalid destination.
             '03'  Invalid origin.
             '04'  Storage record format not supported.
             '05'  Maximum record length not supported.
             '06'  File size is too big.
             '10'  Invalid record count.
             '11'  Invalid byte count.
             '12'  Access method failure.
             '13'  Duplicate file.
             '14'  File direction refused.
             '15'  Cipher suite not supported.
             '16'  Encrypted file not allowed.
             '17'  Unencrypted file not allowed.
             '18'  Compression not allowed.
             '19'  Signed file not allowed.
             '20'  Unsigned file not allowed.
             '21'  Invalid file signature.
             '22'  File decryption failure.
             '23'  File decompression failure.
             '99'  Unspecified reason.
`;

const RFC_NERPREAS = String.raw`
      Value  '03'  ESID received with reason code '03'
                    (user code not known)
             '04'  ESID received with reason code '04'
                    (invalid password)
             '09'  ESID received with reason code '99'
                    (unspecified reason)
             '11'  SFNA(RETRY=N) received with reason code '01'
                    (invalid file name)
             '12'  SFNA(RETRY=N) received with reason code '02'
                    (invalid destination)
             '13'  SFNA(RETRY=N) received with reason code '03'
                    (invalid origin)
             '14'  SFNA(RETRY=N) received with reason code '04'
                    (invalid storage record format)
             '15'  SFNA(RETRY=N) received with reason code '05'
                    (maximum record length not supported)
             '16'  SFNA(RETRY=N) received with reason code '06'
                    (file size too big)
             '20'  SFNA(RETRY=N) received with reason code '10'
                    (invalid record count)
             '21'  SFNA(RETRY=N) received with reason code '11'
                    (invalid byte count)
             '22'  SFNA(RETRY=N) received with reason code '12'
                    (access method failure)
             '23'  SFNA(RETRY=N) received with reason code '13'
                    (duplicate file)
             '24'  SFNA(RETRY=N) received with reason code '14'
                    (file direction refused)
             '25'  SFNA(RETRY=N) received with reason code '15'
                    (cipher suite not supported)
             '26'  SFNA(RETRY=N) received with reason code '16'
                    (encrypted file not allowed)
             '27'  SFNA(RETRY=N) received with reason code '17'
                    (unencrypted file not allowed)
             '28'  SFNA(RETRY=N) received with reason code '18'
                    (compression not allowed)
             '29'  SFNA(RETRY=N) received with reason code '19'
                    (signed file not allowed)
             '30'  SFNA(RETRY=N) received with reason code '20'
                    (unsigned file not allowed)
             '31'  File signature not valid.
             '32'  File decompression failed.
             '33'  File decryption failed.
             '34'  File processing failed.
             '35'  Not delivered to recipient.
             '36'  Not acknowledged by recipient.
             '50'  Transmission stopped by the operator.
             '90'  File size incompatible with recipient's
                    protocol version.
             '99'  Unspecified reason.
`;

/** Code → text of an RFC value list; continuation lines are joined with one space, the final period dropped. */
function parseRfcList(list: string): Map<number, string> {
  const out = new Map<number, string>();
  let current: number | undefined;
  for (const line of list.split('\n')) {
    const m = /^\s+(?:Value:?\s+)?'(\d\d)'\s+(.*)$/.exec(line);
    if (m) {
      current = Number(m[1]);
      out.set(current, m[2]!.trim());
    } else if (line.trim() && current !== undefined) {
      out.set(current, `${out.get(current)!} ${line.trim()}`);
    }
  }
  for (const [k, v] of out) out.set(k, v.replace(/\.$/, ''));
  return out;
}

const sorted = (keys: Iterable<number>): number[] => [...keys].sort((a, b) => a - b);
const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

test('the copied RFC lines are verbatim lines of rfc5024.txt (when the reference text is present)', (t) => {
  const candidates = [process.env.OFTP_RFC5024_TXT, '/work/shared/reference/rfc5024.txt'].filter((p): p is string => !!p);
  const path = candidates.find((p) => existsSync(p));
  if (!path) {
    t.skip('rfc5024.txt not found (set OFTP_RFC5024_TXT)');
    return;
  }
  const rfcLines = new Set(readFileSync(path, 'latin1').split(/\r?\n/));
  let checked = 0;
  for (const list of [RFC_ESIDREAS, RFC_SFNAREAS, RFC_EFNAREAS, RFC_NERPREAS]) {
    for (const line of list.split('\n').filter((l) => l.trim())) {
      assert.ok(rfcLines.has(line), `not a line of RFC 5024: ${JSON.stringify(line)}`);
      checked++;
    }
  }
  assert.equal(checked, 14 + 18 + 21 + 50);
});

test('ESID_REASONS: 00-12 and 99, with the RFC 5024 §5.3.11 texts', () => {
  assert.deepEqual(sorted(ESID_REASONS.keys()), [...range(0, 12), 99]);
  const rfc = parseRfcList(RFC_ESIDREAS);
  assert.equal(rfc.size, 14);
  for (const [code, row] of ESID_REASONS) {
    assert.equal(row.code, code);
    assert.equal(row.text, rfc.get(code), `ESID ${code}`);
    assert.ok(row.hint.length > 10, `ESID ${code} has a hint`);
  }
  // A few spelled out, exactly as printed in the RFC.
  assert.equal(ESID_REASONS.get(0)!.text, 'Normal session termination');
  assert.equal(ESID_REASONS.get(1)!.text, 'Command not recognised');
  assert.equal(ESID_REASONS.get(7)!.text, 'Exchange Buffer size error');
  assert.equal(ESID_REASONS.get(12)!.text, 'Secure authentication requirements incompatible');
  assert.equal(ESID_REASONS.get(99)!.text, 'Unspecified Abort code');
  // 11 and 12 are new in 2.0; RFC 2204 §5.3.11 lists 00-10 and 99.
  assert.deepEqual(sorted([...ESID_REASONS.values()].filter((r) => r.since === 5).map((r) => r.code)), [11, 12]);
});

test('ANSWER_REASONS: 01-06, 10-23, 99; SFNA takes all but 21-23, EFNA all; texts of §5.3.5 / §5.3.10', () => {
  assert.deepEqual(sorted(ANSWER_REASONS.keys()), [...range(1, 6), ...range(10, 23), 99]);
  const sfna = parseRfcList(RFC_SFNAREAS);
  const efna = parseRfcList(RFC_EFNAREAS);
  for (const [code, row] of ANSWER_REASONS) {
    assert.equal(row.text, efna.get(code), `answer ${code}`);
    assert.equal(row.efna, true, `EFNA ${code}`);
    assert.equal(row.sfna, sfna.has(code), `SFNA ${code} allowed iff listed in §5.3.5`);
    if (row.sfna) assert.equal(row.text, sfna.get(code));
  }
  assert.deepEqual(sorted([...ANSWER_REASONS.values()].filter((r) => !r.sfna).map((r) => r.code)), [21, 22, 23]);
  assert.equal(ANSWER_REASONS.get(13)!.text, 'Duplicate file');
  assert.equal(ANSWER_REASONS.get(21)!.text, 'Invalid file signature');
  // RFC 2204 knows 01-13 and 99; 14 came with 1.4, 15-23 with 2.0.
  assert.equal(ANSWER_REASONS.get(13)!.since, 1);
  assert.equal(ANSWER_REASONS.get(14)!.since, 4);
  assert.deepEqual(sorted([...ANSWER_REASONS.values()].filter((r) => r.since === 5).map((r) => r.code)), range(15, 23));
});

test('NERP_REASONS: the codes and texts of RFC 5024 §5.3.14', () => {
  assert.deepEqual(sorted(NERP_REASONS.keys()), [3, 4, 9, ...range(11, 16), ...range(20, 36), 50, 90, 99]);
  const rfc = parseRfcList(RFC_NERPREAS);
  assert.equal(rfc.size, NERP_REASONS.size);
  for (const [code, row] of NERP_REASONS) {
    assert.equal(row.text, rfc.get(code), `NERP ${code}`);
    assert.ok(row.hint.length > 10, `NERP ${code} has a hint`);
  }
  assert.equal(NERP_REASONS.get(9)!.text, "ESID received with reason code '99' (unspecified reason)");
  assert.equal(NERP_REASONS.get(14)!.text, "SFNA(RETRY=N) received with reason code '04' (invalid storage record format)");
  assert.equal(NERP_REASONS.get(90)!.text, "File size incompatible with recipient's protocol version");
});

test('nerpReasonForAnswer: SFNA(RETRY=N)/EFNA 01-20 map to NERP + 10, anything else to 99', () => {
  assert.equal(nerpReasonForAnswer(13), 23);
  const mapped: Array<[number, number]> = [[1, 11], [2, 12], [6, 16], [10, 20], [11, 21], [14, 24], [15, 25], [20, 30]];
  for (const [answer, nerp] of mapped) assert.equal(nerpReasonForAnswer(answer), nerp, `answer ${answer}`);
  // No NERP code is defined for these (07-09 are no answer reasons; 21-23 have no "+10" counterpart).
  for (const answer of [0, 7, 8, 9, 21, 22, 23, 99, 100, -1]) assert.equal(nerpReasonForAnswer(answer), 99, `answer ${answer}`);
  // Whatever it maps to is a defined NERP reason.
  for (const answer of ANSWER_REASONS.keys()) assert.ok(NERP_REASONS.has(nerpReasonForAnswer(answer)));
});

test('describeReason and reasonOf', () => {
  assert.equal(describeReason('ESID', 0), '00 Normal session termination');
  assert.equal(describeReason('ESID', 4), '04 Invalid password');
  assert.equal(describeReason('ESID', 11), '11 Invalid challenge response');
  assert.equal(describeReason('ESID', 42), '42 (reason code not defined for ESID)');
  assert.equal(describeReason('SFNA', 13), '13 Duplicate file');
  assert.equal(describeReason('SFNA', 21), '21 (reason code not defined for SFNA)');
  assert.equal(describeReason('EFNA', 21), '21 Invalid file signature');
  assert.equal(describeReason('EFNA', 7), '07 (reason code not defined for EFNA)');
  assert.equal(describeReason('NERP', 23), "23 SFNA(RETRY=N) received with reason code '13' (duplicate file)");
  assert.equal(describeReason('NERP', 50), '50 Transmission stopped by the operator');
  assert.equal(describeReason('NERP', 1), '01 (reason code not defined for NERP)');
  assert.equal(reasonOf('SFNA', 22), undefined);
  assert.equal(reasonOf('EFNA', 22)!.text, 'File decryption failure');
  assert.equal(reasonOf('ESID', 99)!.code, 99);
  assert.equal(reasonOf('NERP', 31)!.text, 'File signature not valid');
});
