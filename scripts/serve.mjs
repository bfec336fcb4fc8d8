// `npm run serve` (after `npm run build`): the headless OFTP2 server, `oftp2 serve`, on the sample process
// examples/forecasts-and-invoices.oftp2.json, from examples/ (received files go to examples/received/ and
// examples/inbox/, both gitignored), until Ctrl-C. The example passwords of examples/README.md are set when the
// environment has none (OFTP2_SECRET_*), so it starts without prompts. Arguments after `--` go to `oftp2 serve`
// (`npm run serve -- --port 0 --trace server.jsonl`); `--workspace DIR` serves another copy of the examples.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(import.meta.url), '..', '..');
const SAMPLE = 'forecasts-and-invoices.oftp2.json';
const EXAMPLE_SECRETS = {
  OFTP2_SECRET_SUPPLIER_PASSWORD: 'SUPPW',
  OFTP2_SECRET_OEM_AUTO_PASSWORD: 'AUTOPW',
  OFTP2_SECRET_OEM_TRUCKS_PASSWORD: 'TRUCKPW',
  OFTP2_SECRET_OEM_TRUCKS_ENGINEERING_PASSWORD: 'ENGPW',
};

const args = process.argv.slice(2);
const at = args.indexOf('--workspace');
const workspace = resolve(at >= 0 ? args.splice(at, 2)[1] : join(ROOT, 'examples'));
const cli = join(ROOT, 'dist', 'cli.js');
if (!existsSync(cli)) {
  console.error('[serve] dist/cli.js is missing: run `npm run build` first (`npm run serve` does)');
  process.exit(1);
}
const preset = Object.keys(EXAMPLE_SECRETS).filter((k) => process.env[k] === undefined);
if (preset.length) console.log(`[serve] example passwords from examples/README.md: ${preset.join(' ')}`);
const cmd = ['serve', SAMPLE, '--inbox', 'inbox', ...args];
console.log(`[serve] (cd ${workspace} && oftp2 ${cmd.join(' ')})`);
const child = spawn(process.execPath, [cli, ...cmd], { cwd: workspace, stdio: 'inherit', env: { ...EXAMPLE_SECRETS, ...process.env } });
// Ctrl-C reaches the server too (same process group); it lets sessions finish, then exits 0.
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
