// The process file shown in the README ("The process file") stays a valid process: no diagnostic at all,
// its secrets resolved as the examples' passwords.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { formatDiagnostic } from '../../src/process/diagnostics';
import { validateProcess } from '../../src/process/validate';

const ROOT = resolve(__dirname, '../../..');

test('README: the process file example validates without a diagnostic', async () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### The process file'));
  const m = /```json\n([\s\S]*?)```/.exec(section);
  assert.ok(m, 'a json block under "### The process file"');
  const file = join(ROOT, 'examples', 'readme.oftp2.json');
  const diagnostics = await validateProcess(m[1]!, file, { resolveSecret: async () => 'PW' });
  assert.deepEqual(diagnostics.map((d) => formatDiagnostic(d)), []);
});
