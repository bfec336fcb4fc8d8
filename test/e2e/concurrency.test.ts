// Load: 50 clients at once, each its own partner with its own password, each sending 10 MiB to one
// `oftp2 serve` process; every file must arrive intact and every client must get its EERP.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runClient } from '../../src/oftp/client';
import { startServer } from '../helpers/cli';
import { makeContent, received, sha256, sha256File, tempDir } from '../helpers/files';

const CLIENTS = 50;
const SIZE = 10 * 1024 * 1024;

test(`${CLIENTS} concurrent clients each send 10 MiB: all succeed, files intact, EERPs received`, async () => {
  const dir = tempDir('load');
  const ids = Array.from({ length: CLIENTS }, (_, i) => `O0013CLIENT${String(i + 1).padStart(2, '0')}`);
  const partnerArgs = ids.flatMap((id, i) => ['--partner', `${id}:PW${i + 1}`]);
  const server = await startServer(['--local', 'O0013HUB:HUBPW', ...partnerArgs, '--inbox', join(dir, 'inbox')]);
  try {
    const digests = ids.map((id, i) => {
      const content = makeContent(SIZE, i % 2 ? 'random' : 'runs', i + 100);
      writeFileSync(join(dir, `${id}.dat`), content);
      return sha256(content);
    });
    const started = Date.now();
    const results = await Promise.all(ids.map((id, i) =>
      runClient({ host: server.host, port: server.port, localCode: id, localPassword: `PW${i + 1}`, partnerCode: 'O0013HUB', partnerPassword: 'HUBPW', files: [{ path: join(dir, `${id}.dat`), datasetName: `LOAD${i + 1}` }], capabilities: { compression: i % 3 === 0 }, waitEerpMs: 60_000 })));
    const seconds = (Date.now() - started) / 1000;
    for (const [i, r] of results.entries()) {
      assert.equal(r.ok, true, `${ids[i]}: ${r.error}`);
      assert.deepEqual(r.files[0]!.receipt, { type: 'EERP' }, `${ids[i]} EERP`);
    }
    const metas = await received(join(dir, 'inbox'));
    assert.equal(metas.length, CLIENTS);
    for (const [i, id] of ids.entries()) {
      const m = metas.find((x) => x.partner === id);
      assert.ok(m, `${id} stored`);
      assert.equal(m.sfid.datasetName, `LOAD${i + 1}`);
      assert.equal(m.sha256, digests[i]);
      assert.equal(await sha256File(m.path), digests[i], `${id} content`);
      assert.equal(m.eerp.status, 'sent');
    }
    process.stdout.write(`# load: ${CLIENTS} x 10 MiB in ${seconds.toFixed(1)} s, ${((CLIENTS * SIZE) / 1e6 / seconds).toFixed(0)} MB/s aggregate\n`);
  } finally {
    await server.stop();
  }
});
