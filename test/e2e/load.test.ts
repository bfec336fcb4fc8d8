// Load: one `oftp2 serve` process with 50 partners, each with its own password, and 50 clients at once
// (in this process, through runClient) each sending its own 10 MiB file and waiting for its EERP. Every file
// must arrive byte-identical, every sidecar must record the EERP as sent, and every client must hold it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCipheriv, createHash } from 'node:crypto';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runClient, type ClientResult } from '../../src/oftp/client';
import { startServer } from '../helpers/cli';
import { received, sha256File, tempDir } from '../helpers/files';

const CLIENTS = 50;
const MiB = 1024 * 1024;
const SIZE = 10 * MiB;
const ids = Array.from({ length: CLIENTS }, (_, i) => `O0013CLIENT${String(i + 1).padStart(2, '0')}`);
const password = (i: number): string => `PW${i + 1}X${(i * 7919) % 1000}`;

/**
 * 10 MiB that no other client sends: an AES-256-CTR keystream keyed by the client number. Every other
 * client's file is turned into 80-column records (text, then space padding) so that buffer compression,
 * which a third of the clients offer, has runs to find.
 */
function content(i: number): Buffer {
  const key = createHash('sha256').update(`load-test-client-${i}`).digest();
  const b = createCipheriv('aes-256-ctr', key, Buffer.alloc(16)).update(Buffer.alloc(SIZE));
  if (i % 2 === 1) {
    for (let r = 0; r < SIZE; r += 80) {
      const text = Math.min(SIZE - r, b[r]! % 48);
      for (let k = r; k < r + text; k++) b[k] = 0x41 + (b[k]! % 26);
      b.fill(0x20, r + text, Math.min(SIZE, r + 79));
      if (r + 79 < SIZE) b[r + 79] = 0x0a;
    }
  }
  return b;
}

test(`${CLIENTS} concurrent clients, one partner each, send 10 MiB each to one server: all arrive intact with their EERPs`, { timeout: 180_000 }, async () => {
  const dir = tempDir('load');
  const inbox = join(dir, 'inbox');
  const server = await startServer(['--local', 'O0013LOADHUB:HUBPW', ...ids.flatMap((id, i) => ['--partner', `${id}:${password(i)}`]), '--inbox', inbox, '--timeout', '60']);
  let stopped: number | null = null;
  try {
    const digests = ids.map((id, i) => {
      const b = content(i);
      writeFileSync(join(dir, `${id}.dat`), b);
      return createHash('sha256').update(b).digest('hex');
    });
    assert.equal(new Set(digests).size, CLIENTS, 'every client sends different content');

    const started = process.hrtime.bigint();
    const results: ClientResult[] = await Promise.all(
      ids.map((id, i) =>
        runClient({
          host: server.host,
          port: server.port,
          localCode: id,
          localPassword: password(i),
          partnerCode: 'O0013LOADHUB',
          partnerPassword: 'HUBPW',
          files: [{ path: join(dir, `${id}.dat`), datasetName: `LOAD.${id}` }],
          capabilities: { bufferSize: 99999, credit: 999, compression: i % 3 === 0 },
          timeoutMs: 60_000,
          waitEerpMs: 60_000,
        }),
      ),
    );
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;

    for (const [i, r] of results.entries()) {
      assert.equal(r.ok, true, `${ids[i]}: ${r.error}`);
      assert.equal(r.files.length, 1);
      assert.equal(r.files[0]!.status, 'sent', `${ids[i]} file status`);
      assert.equal(r.files[0]!.receipt?.type, 'EERP', `${ids[i]} got no EERP`);
    }

    const metas = await received(inbox);
    assert.equal(metas.length, CLIENTS, 'one stored file per client');
    for (const [i, id] of ids.entries()) {
      const mine = metas.filter((m) => m.partner === id);
      assert.equal(mine.length, 1, `${id}: exactly one file stored`);
      const m = mine[0]!;
      assert.equal(m.sfid.datasetName, `LOAD.${id}`);
      assert.equal(m.size, SIZE, `${id} size`);
      assert.equal(await sha256File(m.path), digests[i], `${id}: stored file differs from what was sent`);
      assert.equal(m.sha256, digests[i], `${id}: sidecar SHA-256`);
      assert.equal(m.eerp.status, 'sent', `${id}: sidecar EERP status`);
    }
    // Nothing half-received left behind; every partner folder holds its file and sidecar only.
    assert.deepEqual(readdirSync(join(inbox, '.oftp2-partial')), []);
    for (const id of ids) assert.equal(readdirSync(join(inbox, id)).length, 2, `${id} folder`);
    const out = server.output();
    assert.equal(out.match(/ file-received: /g)?.length, CLIENTS, 'server logged every file');
    assert.doesNotMatch(out, / (aborted|session failed|data-error)/, 'no session failed on the server');

    const mb = (CLIENTS * SIZE) / 1e6;
    process.stdout.write(`# load: ${CLIENTS} clients x 10 MiB (${mb.toFixed(0)} MB) in ${seconds.toFixed(2)} s, ${(mb / seconds).toFixed(0)} MB/s aggregate, incl. EERPs\n`);
  } finally {
    stopped = await server.stop();
  }
  assert.equal(stopped, 0, 'server exits 0 on SIGTERM');
});
