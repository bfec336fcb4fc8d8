// `--trace FILE.oftptrace` writes the readable trace format as a session runs, and `oftp2 trace` converts the
// JSON lines of `--trace FILE.jsonl` into it; both load back into the same records.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseJsonLines, parseTrace } from '../../src/oftp/trace-file';
import { runCli, startServer } from '../helpers/cli';
import { tempDir } from '../helpers/files';

test('serve --trace x.oftptrace and oftp2 trace x.jsonl give traces that load back, with passwords masked', async () => {
  const dir = tempDir('cli-trace');
  const server = await startServer(['--local', 'O0013SERVER:SRVPW', '--partner', 'O0013CLIENT:CLIPW', '--inbox', join(dir, 'inbox'), '--trace', join(dir, 'server.oftptrace')]);
  try {
    writeFileSync(join(dir, 'f.txt'), 'traced payload\n');
    const r = await runCli(['send', join(dir, 'f.txt'), '--to', `127.0.0.1:${server.port}`, '--local', 'O0013CLIENT:CLIPW', '--partner', 'O0013SERVER:SRVPW', '--trace', join(dir, 'client.jsonl'), '--wait-eerp', '10']);
    assert.equal(r.code, 0, r.stderr);
  } finally {
    await server.stop();
  }
  const serverText = readFileSync(join(dir, 'server.oftptrace'), 'utf8');
  assert.match(serverText, /^oftptrace 1\n/);
  const parsed = parseTrace(serverText);
  assert.deepEqual(parsed.errors, []);
  assert.deepEqual([...new Set(parsed.records.filter((x) => x.direction !== 'event').map((x) => x.command))].sort(), ['CD', 'DATA', 'EERP', 'EFID', 'EFPA', 'ESID', 'RTR', 'SFID', 'SFPA', 'SSID', 'SSRM'].sort());
  assert.ok(!serverText.includes('CLIPW') && !serverText.includes('SRVPW'));

  const converted = await runCli(['trace', join(dir, 'client.jsonl'), '-o', join(dir, 'client.oftptrace')]);
  assert.equal(converted.code, 0, converted.stderr);
  const fromJson = parseJsonLines(readFileSync(join(dir, 'client.jsonl'), 'utf8')).records;
  assert.deepEqual(parseTrace(readFileSync(join(dir, 'client.oftptrace'), 'utf8')).records, fromJson);

  writeFileSync(join(dir, 'bad.jsonl'), '{"time": "x"\n');
  const bad = await runCli(['trace', join(dir, 'bad.jsonl')]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /line 1:/);
});
