// The automatic layout: exact positions for the example processes (a change to them is a visible change
// to every "Arrange"), and the invariants any layout must keep: flow along the ranks, no overlaps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEFAULT_NODE_SIZE, layoutProcess } from '../../src/process/layout';
import type { Position, ProcessFile } from '../../src/process/model';
import { generateProcess } from '../helpers/big-process';

const ROOT = resolve(__dirname, '../../..');
// Frozen copies of early examples: the expected positions below are theirs.
const example = (name: string) => JSON.parse(readFileSync(join(ROOT, `test/fixtures/processes/${name}.oftp2.json`), 'utf8')) as ProcessFile;
const FORECASTS = example('forecasts-and-invoices');
const ENGINEERING = example('secure-engineering-data');
const BIG = generateProcess(250);

/** Every connection points forwards along the ranks, and no two boxes overlap. */
function assertInvariants(process: ProcessFile, positions: Record<string, Position>, direction: 'LR' | 'TB' = 'LR') {
  const ids = [process.start.id, ...process.steps.map((s) => s.id)];
  assert.deepEqual(Object.keys(positions).sort(), [...ids].sort(), 'a position for every step');
  for (const p of Object.values(positions)) assert.ok(Number.isInteger(p.x) && Number.isInteger(p.y), 'integer positions');
  for (const c of process.connections) {
    const [a, b] = [positions[c.from]!, positions[c.to]!];
    if (direction === 'LR') assert.ok(b.x > a.x, `${c.from} -> ${c.to} goes left to right`);
    else assert.ok(b.y > a.y, `${c.from} -> ${c.to} goes top to bottom`);
  }
  const { width, height } = DEFAULT_NODE_SIZE;
  for (let i = 0; i < ids.length; i++) {
    for (let j = i + 1; j < ids.length; j++) {
      const [a, b] = [positions[ids[i]!]!, positions[ids[j]!]!];
      assert.ok(Math.abs(a.x - b.x) >= width || Math.abs(a.y - b.y) >= height, `${ids[i]} and ${ids[j]} overlap`);
    }
  }
}

test('the forecasts process lays out in ranks from the Start step, outputs in their order', () => {
  const positions = layoutProcess(FORECASTS);
  assert.deepEqual(positions, {
    start: { x: 40, y: 315 },
    'by-type': { x: 280, y: 195 },
    quarantine: { x: 280, y: 400 },
    'store-forecast': { x: 520, y: 40 },
    'tag-invoice': { x: 520, y: 160 },
    unsupported: { x: 520, y: 280 },
    'reject-invalid': { x: 520, y: 400 },
    'store-invoice': { x: 760, y: 100 },
    'log-invoice': { x: 1000, y: 100 },
    done: { x: 1240, y: 100 },
  });
  assertInvariants(FORECASTS, positions);
  // documents above errors; the route's outputs DELFOR, INVOIC, default from top to bottom.
  assert.ok(positions['by-type']!.y < positions.quarantine!.y);
  assert.ok(positions['store-forecast']!.y < positions['tag-invoice']!.y && positions['tag-invoice']!.y < positions.unsupported!.y);
});

test('the engineering process lays out as a line with the large-file branch', () => {
  const positions = layoutProcess(ENGINEERING);
  assert.deepEqual(positions, {
    start: { x: 40, y: 40 },
    'is-large': { x: 280, y: 40 },
    'warn-large': { x: 520, y: 75 },
    store: { x: 760, y: 40 },
    done: { x: 1000, y: 40 },
  });
  assertInvariants(ENGINEERING, positions);
});

test('top-to-bottom layouts keep the invariants too', () => {
  for (const p of [FORECASTS, ENGINEERING, BIG]) assertInvariants(p, layoutProcess(p, { direction: 'TB' }), 'TB');
});

test('a 250-step process lays out without overlaps, every connection forwards', () => {
  assertInvariants(BIG, layoutProcess(BIG));
});

test('the layout is deterministic and does not depend on the order connections are listed in', () => {
  assert.deepEqual(layoutProcess(BIG), layoutProcess(JSON.parse(JSON.stringify(BIG)) as ProcessFile));
  const reversed = { ...FORECASTS, connections: [...FORECASTS.connections].reverse() };
  assert.deepEqual(layoutProcess(reversed), layoutProcess(FORECASTS));
});

test('steps nothing reaches are laid out after the reachable ones, in ranks of their own', () => {
  const process: ProcessFile = JSON.parse(JSON.stringify(FORECASTS)) as ProcessFile;
  process.steps.push(
    { id: 'lonely', type: 'stop' },
    { id: 'a', type: 'notify', level: 'info', message: '' },
    { id: 'b', type: 'stop' },
  );
  process.connections.push({ from: 'a', output: 'next', to: 'b' });
  const positions = layoutProcess(process);
  const bottom = Math.max(...Object.values(layoutProcess(FORECASTS)).map((p) => p.y)) + DEFAULT_NODE_SIZE.height;
  for (const id of ['lonely', 'a', 'b']) assert.ok(positions[id]!.y >= bottom, `${id} below the reachable steps`);
  assert.ok(positions.b!.x > positions.a!.x);
  assertInvariants(process, positions);
  // The reachable part is laid out as before.
  for (const [id, p] of Object.entries(layoutProcess(FORECASTS))) assert.deepEqual(positions[id], p);
});

test('broken input does not break the layout: dangling connections, self-loops, cycles, no steps', () => {
  const process = JSON.parse(JSON.stringify(ENGINEERING)) as ProcessFile;
  process.connections.push({ from: 'store', output: 'next', to: 'ghost' }, { from: 'store', output: 'next', to: 'store' }, { from: 'done', output: 'x', to: 'is-large' });
  const positions = layoutProcess(process);
  assert.deepEqual(Object.keys(positions).sort(), ['done', 'is-large', 'start', 'store', 'warn-large']);
  assert.deepEqual(layoutProcess({ ...ENGINEERING, steps: [], connections: [] }), { start: { x: 40, y: 40 } });
});

test('node size options space the ranks', () => {
  const wide = layoutProcess(ENGINEERING, { nodeWidth: 300, nodeHeight: 100 });
  assert.equal(wide['is-large']!.x - wide.start!.x, 360);
});
