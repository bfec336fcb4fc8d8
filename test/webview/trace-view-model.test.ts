// The trace panel's pure helpers: which pages cover the visible rows, clock formatting, hex rows with the
// selected field's octets marked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatClock, hexRows, PAGE, pagesFor } from '../../webview/trace/view-model';
import { tracePageAt } from '../../src/oftp/trace-protocol';

test('pages covering a window of rows', () => {
  assert.deepEqual(pagesFor(0, 10), [0]);
  assert.deepEqual(pagesFor(PAGE - 5, PAGE + 5), [0, 1]);
  assert.deepEqual(pagesFor(99_990, 100_000), [Math.floor(99_990 / PAGE)]);
  assert.deepEqual(pagesFor(5, 5), []);
});

test('the page a reset brings along: the last one while following, else the one holding the first row in view', () => {
  assert.equal(tracePageAt(100_000, 'end'), Math.floor(99_999 / PAGE) * PAGE);
  assert.equal(tracePageAt(33, 'end'), 0);
  assert.equal(tracePageAt(100_000, PAGE * 3 + 7), PAGE * 3);
  // A view shorter than where the list was scrolled: its last page, which the list will clamp to.
  assert.equal(tracePageAt(PAGE + 1, PAGE * 50), PAGE);
  assert.equal(tracePageAt(10, -4), 0);
  assert.equal(tracePageAt(0, 'end'), undefined);
  assert.equal(tracePageAt(0, 12), undefined);
});

test('clock of an ISO time, milliseconds kept', () => {
  assert.equal(formatClock('2026-11-28T16:06:11.5Z'), '16:06:11.500');
  assert.equal(formatClock('2026-11-28T16:06:11.565Z'), '16:06:11.565');
});

test('hex rows: 16 octets a row, printable ASCII, the field range highlighted', () => {
  const raw = Buffer.from('X5O0013PARTNER\u0000\u0001ABCDEFGH').toString('hex');
  const rows = hexRows(raw, { from: 2, to: 5 });
  assert.equal(rows.length, 2);
  assert.equal(rows[0]!.offset, '0000');
  assert.equal(rows[1]!.offset, '0010');
  assert.equal(rows[0]!.bytes.length, 16);
  assert.deepEqual(rows[0]!.bytes.filter((b) => b.highlight).map((b) => b.char).join(''), 'O00');
  assert.equal(rows[0]!.bytes[14]!.char, '.');
  assert.equal(rows[0]!.bytes[0]!.text, '58');
});
