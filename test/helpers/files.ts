// Test files of every shape (random, runs of equal octets, text lines, fixed records) and lookups of what
// arrived in an inbox.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Random } from './random';

export type Shape = 'random' | 'runs' | 'lines' | 'crlf-text';

/** Deterministic content of `size` octets: incompressible, with long runs, LF lines or CR-LF text. */
export function makeContent(size: number, shape: Shape, seed = 1): Buffer {
  const r = new Random(seed);
  const b = Buffer.alloc(size);
  let i = 0;
  while (i < size) {
    if (shape === 'random') {
      b[i++] = r.int(0, 255);
    } else if (shape === 'runs') {
      const n = Math.min(size - i, r.int(1, 300));
      b.fill(r.next() < 0.5 ? 0x20 : r.int(0, 255), i, i + n);
      i += n;
    } else {
      const n = r.int(0, 120);
      const line = Buffer.from(Array.from({ length: n }, () => r.pick([0x20, ...Array.from({ length: 26 }, (_, k) => 0x41 + k), 0x30, 0x39])));
      const end = shape === 'lines' ? Buffer.from('\n') : Buffer.from('\r\n');
      const chunk = Buffer.concat([line, end]);
      chunk.copy(b, i, 0, Math.min(chunk.length, size - i));
      i += chunk.length;
    }
  }
  // Line files end on a line end so records map back exactly.
  if ((shape === 'lines' || shape === 'crlf-text') && size > 1) {
    if (shape === 'lines') b[size - 1] = 0x0a;
    else {
      b[size - 2] = 0x0d;
      b[size - 1] = 0x0a;
    }
  }
  return b;
}

export async function writeContent(path: string, size: number, shape: Shape, seed = 1): Promise<string> {
  const content = makeContent(size, shape, seed);
  await writeFile(path, content);
  return sha256(content);
}

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

export async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) h.update(chunk);
  return h.digest('hex');
}

export interface ReceivedMeta {
  file: string;
  partner: string;
  size: number;
  sha256: string;
  records: number;
  units: number;
  restartedAt?: number;
  sfid: { datasetName: string; format: string; date: string; time: string };
  eerp: { status: string };
  tolerances: string[];
}

/** Sidecars of the files an inbox holds, optionally only those with a dataset name. */
export async function received(inbox: string, datasetName?: string): Promise<Array<ReceivedMeta & { path: string }>> {
  const out: Array<ReceivedMeta & { path: string }> = [];
  for (const d of await readdir(inbox, { withFileTypes: true }).catch(() => [])) {
    if (!d.isDirectory() || d.name.startsWith('.')) continue;
    for (const name of await readdir(join(inbox, d.name))) {
      if (!name.endsWith('.oftp2.json')) continue;
      const meta = JSON.parse(await readFile(join(inbox, d.name, name), 'utf8')) as ReceivedMeta;
      if (datasetName === undefined || meta.sfid.datasetName === datasetName) out.push({ ...meta, path: join(inbox, meta.file) });
    }
  }
  return out;
}

const temps: string[] = [];
process.on('exit', () => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

/** A fresh folder under the OS temp dir, removed when the test process exits (test files hold GiBs). */
export function tempDir(name: string): string {
  const d = mkdtempSync(join(tmpdir(), `oftp2-${name}-`));
  temps.push(d);
  return d;
}
