// The extension as a user gets it: `npm run package` builds oftp2-studio.vsix (startCodeServer({ vsix }) then
// installs it with code-server's `--install-extension`); what `vsce ls` says goes in, and what the zip holds.
// Used by ui-ship.mjs (part of npm test) and bench/activation.mjs.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './install.mjs';

export const VSIX = join(ROOT, 'oftp2-studio.vsix');
/** The Marketplace takes far more; ours stays small because the webviews and the engine are bundled and minified. */
export const VSIX_MAX_BYTES = 3 * 1024 * 1024;

/** Runs `npm run package` (production build + vsce); returns the VSIX's path and size. Throws with npm's output on failure. */
export function packageVsix({ log = () => {} } = {}) {
  const t0 = Date.now();
  const r = spawnSync('npm', ['run', 'package'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`npm run package failed (exit ${r.status}):\n${`${r.stdout}\n${r.stderr}`.trim().split('\n').slice(-30).join('\n')}`);
  if (!existsSync(VSIX)) throw new Error(`npm run package succeeded but ${VSIX} is missing`);
  const bytes = statSync(VSIX).size;
  log(`npm run package: ${VSIX} (${(bytes / 1024).toFixed(0)} KB) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return { path: VSIX, bytes };
}

/** What `vsce ls` says goes into the package (the files .vscodeignore lets through), sorted. */
export function vsceList() {
  const r = spawnSync('npx', ['vsce', 'ls', '--no-dependencies'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`vsce ls failed (exit ${r.status}): ${r.stderr}`);
  return r.stdout.split('\n').map((l) => l.trim()).filter(Boolean).sort();
}

/** The file names inside a VSIX (a zip), read from its central directory. */
export function vsixEntries(file = VSIX) {
  const buf = readFileSync(file);
  // End of central directory: signature 0x06054b50 in the last 64 KiB + 22 bytes.
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 65_557); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error(`${file} is not a zip file (no end of central directory)`);
  const count = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  const names = [];
  for (let n = 0; n < count; n++) {
    if (buf.readUInt32LE(at) !== 0x02014b50) throw new Error(`${file}: bad central directory entry ${n}`);
    const nameLength = buf.readUInt16LE(at + 28);
    const extraLength = buf.readUInt16LE(at + 30);
    const commentLength = buf.readUInt16LE(at + 32);
    names.push(buf.toString('utf8', at + 46, at + 46 + nameLength));
    at += 46 + nameLength + extraLength + commentLength;
  }
  return names.sort();
}
