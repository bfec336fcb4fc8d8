// Randomized robustness test: 100,000 random and mutated inputs (fixed seed) through the STB parser, the
// command decoder and the DATA reader. No crash, no hang: every failure is a typed OftpDecodeError.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runFuzz } from '../helpers/codec-fuzz';

const ITERATIONS = 100_000;

test(`${ITERATIONS} random and mutated inputs give a result or a typed decode error`, () => {
  const started = Date.now();
  const tally = runFuzz(ITERATIONS);
  assert.equal(tally.ok + tally.error, ITERATIONS);
  // Both outcomes must really occur, or the generator is not exercising the decoder.
  assert.ok(tally.ok > ITERATIONS / 20, `only ${tally.ok} inputs decoded`);
  assert.ok(tally.error > ITERATIONS / 20, `only ${tally.error} inputs failed`);
  process.stdout.write(`# fuzz: ${tally.ok} decoded, ${tally.error} typed errors, ${Date.now() - started} ms\n`);
});
