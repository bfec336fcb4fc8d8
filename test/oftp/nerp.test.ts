// A file refused after it was received gets a NERP with the reason instead of its EERP, and the sending
// client reports the NERP and fails: the in-process server and client, over real loopback sockets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runClient } from '../../src/oftp/client';
import { Inbox } from '../../src/oftp/inbox';
import { OftpServer } from '../../src/oftp/server';
import { tempDir } from '../helpers/files';

test('a file refused after receipt: NERP 34 with its text reaches the sender, which fails', async () => {
  const dir = tempDir('nerp');
  const server = new OftpServer({ port: 0, localCode: 'O0013SERVER', localPassword: 'SRVPW', partners: [{ code: 'O0013CLIENT', password: 'CLIPW' }], inbox: join(dir, 'inbox') });
  // Stands in for the process runtime: the file arrives, processing fails, the partner must be told.
  server.on('trace', (r) => {
    if (r.command === 'file-received') {
      const d = r.detail as { originator: string; datasetName: string; date: string; time: string };
      assert.ok(server.inbox.refuseAfterReceipt(Inbox.keyOf(d.originator, d), 34, 'mapping failed at line 3'));
    }
  });
  const { port } = await server.listen();
  try {
    writeFileSync(join(dir, 'orders.edi'), 'UNA:+.? \'UNB+UNOC:3\'');
    const result = await runClient({ host: '127.0.0.1', port, localCode: 'O0013CLIENT', localPassword: 'CLIPW', partnerCode: 'O0013SERVER', files: [{ path: join(dir, 'orders.edi') }], waitEerpMs: 5000 });
    assert.equal(result.ok, false);
    assert.deepEqual(result.files[0]!.receipt, { type: 'NERP', reason: 34, text: 'mapping failed at line 3' });
    assert.match(result.error!, /NERP 34 File processing failed \(mapping failed at line 3\)/);
    const [meta] = await server.inbox.list();
    assert.equal(meta!.eerp.status, 'sent');
    assert.deepEqual(meta!.eerp.nerp, { reason: 34, text: 'mapping failed at line 3' });
  } finally {
    await server.close();
  }
});
