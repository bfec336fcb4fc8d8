// `npm run serve`: scripts/serve.mjs runs `oftp2 serve` on the sample process from (a copy of) examples/, with
// the example passwords when the environment has none; a partner's file lands where the process puts it, the
// EERP goes back, and Ctrl-C (SIGINT) ends it with exit 0.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { cpSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, runCli } from '../helpers/cli';
import { tempDir } from '../helpers/files';

test('npm run serve: the sample process on the embedded server, a file in and its EERP out, SIGINT exits 0', async () => {
  const scripts = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts as Record<string, string>;
  assert.equal(scripts.serve, 'npm run build && node scripts/serve.mjs');
  const workspace = join(tempDir('serve-script'), 'examples');
  cpSync(join(ROOT, 'examples'), workspace, { recursive: true, filter: (src) => !/[\\/]examples[\\/](received|inbox)([\\/]|$)/.test(src) });
  // No secrets from the caller: the script brings the examples' own.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('OFTP2_SECRET_')));
  const child = spawn(process.execPath, [join(ROOT, 'scripts', 'serve.mjs'), '--workspace', workspace, '--port', '0'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  try {
    const deadline = Date.now() + 30_000;
    let port = 0;
    while (!port) {
      port = Number(/listening on 127\.0\.0\.1:(\d+) for "Forecasts and self-billing invoices from OEMs"/.exec(out)?.[1] ?? 0);
      if (child.exitCode !== null) assert.fail(`serve.mjs exited (${child.exitCode}):\n${out}`);
      if (!port && Date.now() > deadline) assert.fail(`no "listening on" after 30 s:\n${out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const sent = await runCli(['send', join(workspace, 'files', 'DELFOR_OEMAUTO.edi'), '--to', `127.0.0.1:${port}`, '--local', 'O0013OEMAUTO:AUTOPW', '--partner', 'O0013SUPPLIER:SUPPW', '--dsn', 'DELFOR.SERVE.1', '--wait-eerp', '30']);
    assert.equal(sent.code, 0, sent.stdout + sent.stderr);
    assert.match(sent.stdout, /EERP received/);
    const stored = readdirSync(join(workspace, 'received', 'forecasts', 'O0013OEMAUTO'));
    assert.equal(stored.length, 1, stored.join(', '));
    assert.equal(readFileSync(join(workspace, 'received', 'forecasts', 'O0013OEMAUTO', stored[0]!)).toString(), readFileSync(join(workspace, 'files', 'DELFOR_OEMAUTO.edi')).toString());
  } finally {
    if (child.exitCode === null) child.kill('SIGINT');
  }
  const [code] = (await once(child, 'exit')) as [number | null];
  assert.equal(code, 0, out);
  assert.match(out, /stopped/);
});
