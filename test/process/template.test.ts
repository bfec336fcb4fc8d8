// "OFTP2: New Process" writes newProcessText(): a process that validates without a single diagnostic once its
// two secrets have values, so the walkthrough's first step does not start with a problem.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDiagnostic } from '../../src/process/diagnostics';
import { newProcessText, slug } from '../../src/process/template';
import { validateProcess } from '../../src/process/validate';

test('the New Process template validates cleanly, passwords as secret references', async () => {
  const text = newProcessText('Receive files from partner');
  const asked: string[] = [];
  const diagnostics = await validateProcess(text, '/workspace/receive-files-from-partner.oftp2.json', { resolveSecret: async (name) => (asked.push(name), 'PW') });
  assert.deepEqual(diagnostics.map(formatDiagnostic), []);
  assert.deepEqual(asked.sort(), ['my-company-password', 'partner-password']);
  assert.doesNotMatch(text, /"password": "/, 'no password in clear');
  assert.equal(slug('Receive files from partner'), 'receive-files-from-partner');
});
