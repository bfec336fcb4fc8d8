// Several sessions of one partner at once: each file's EERP goes out in the session that received it, not
// in whichever session of the partner happens to be speaker first (another connection may be another
// process of the partner's system that never learns of it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runClient } from '../../src/oftp/client';
import { OftpServer } from '../../src/oftp/server';
import { tempDir } from '../helpers/files';

test('30 concurrent sessions of one partner each get their own EERP in their own session', async () => {
  const dir = tempDir('receipts-per-session');
  const server = new OftpServer({ port: 0, localCode: 'O0013SERVER', localPassword: 'SRVPW', partners: [{ code: 'O0013CLIENT', password: 'CLIPW' }], inbox: join(dir, 'inbox') });
  const { port } = await server.listen();
  try {
    writeFileSync(join(dir, 'f.txt'), 'one of many\n');
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        runClient({ host: '127.0.0.1', port, localCode: 'O0013CLIENT', localPassword: 'CLIPW', partnerCode: 'O0013SERVER', files: [{ path: join(dir, 'f.txt'), datasetName: `FILE.${i}` }], waitEerpMs: 20_000 }),
      ),
    );
    for (const [i, r] of results.entries()) {
      assert.equal(r.ok, true, `client ${i}: ${r.error}`);
      assert.equal(r.files[0]!.receipt?.type, 'EERP');
      assert.equal(r.sessions.length, 1, `client ${i} needed ${r.sessions.length} sessions for its EERP`);
    }
  } finally {
    await server.close();
  }
});
