// A partner that bends the rules the way a real one does: the Go oftp2-client session of the digest §14
// (LF terminators, 1025-octet buffers with 1024 negotiated, padding after end of file, ESID without CD)
// replayed byte for byte against `oftp2 serve`; its file must be stored byte-correct.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { StbParser } from '../../src/oftp/codec/stb';
import { ROOT, startServer } from '../helpers/cli';
import { received, tempDir } from '../helpers/files';
import { ScriptedPeer } from '../helpers/peer';

/** SHA-256 of the 4130-octet file in the example capture (computed when the example was generated). */
const PAYLOAD_SHA256 = '698eb715721e4a8e1b7232301cbe7a0a7d71a509d36ed6c6ed5a4cc59f2cb792';

function captureFrames(): Buffer[] {
  const text = readFileSync(join(ROOT, 'examples/captures/go-client-initiator.hex'), 'utf8');
  const bytes = Buffer.from(text.split('\n').filter((l) => !l.startsWith('#')).join('').replace(/\s+/g, ''), 'hex');
  const frames: Buffer[] = [];
  const p = new StbParser();
  p.push(bytes, (b) => frames.push(Buffer.from(b)));
  p.end();
  return frames;
}

test('the Go client session of the digest is accepted and its file stored byte-correct', async () => {
  const dir = tempDir('lenient');
  const inbox = join(dir, 'inbox');
  // The Go client sends a blank password; this partner is configured with one.
  const server = await startServer(['--local', 'O0013RESPONDER:SECRET', '--partner', 'O0013INITIATOR:', '--inbox', inbox]);
  try {
    const [ssidFrame, sfid, d1, d2, d3, d4, d5, efid, esid] = captureFrames();
    assert.equal(esid!.toString('latin1'), 'F00002OK\n');
    const peer = await ScriptedPeer.connect(server.host, server.port);
    await peer.expect('SSRM');
    peer.sendRaw(ssidFrame!);
    const answer = await peer.expect('SSID');
    assert.equal(answer.bufferSize, 1024, 'buffer negotiated down to the client offer');
    assert.equal(answer.code, 'O0013RESPONDER');
    peer.sendRaw(sfid!);
    assert.equal((await peer.expect('SFPA')).restartCount, 0);
    for (const d of [d1, d2, d3, d4, d5]) {
      assert.equal(d!.length, 1025);
      peer.sendRaw(d!);
    }
    peer.sendRaw(efid!);
    assert.equal((await peer.expect('EFPA')).changeDirection, false);
    peer.sendRaw(esid!);
    await peer.closed();

    await server.waitFor(/S1 ended: session ended normally/);
    const out = server.output();
    for (const t of ['lf-terminator', 'data-buffer-one-over', 'padding-after-eof', 'esid-without-cd']) {
      assert.match(out, new RegExp(`S1 tolerated: ${t}`), `tolerance ${t} logged`);
    }
    const [meta] = await received(inbox, 'TESTDSN');
    assert.ok(meta, 'file stored');
    assert.equal(meta.size, 4130);
    assert.equal(meta.sha256, PAYLOAD_SHA256);
    assert.equal((await import('node:crypto')).createHash('sha256').update(readFileSync(meta.path)).digest('hex'), PAYLOAD_SHA256);
    // The session ended without CD, so the EERP is still owed: it goes out in the partner's next session.
    assert.equal(meta.eerp.status, 'pending');

    const next = await ScriptedPeer.connect(server.host, server.port);
    await next.expect('SSRM');
    next.sendRaw(ssidFrame!);
    await next.expect('SSID');
    next.send({ type: 'CD' });
    const eerp = await next.expect('EERP');
    assert.deepEqual([eerp.datasetName, eerp.date, eerp.time, eerp.destination, eerp.originator], ['TESTDSN', '20261128', '0404444406', 'O0013INITIATOR', 'O0013RESPONDER']);
    next.send({ type: 'RTR' });
    await next.expect('CD');
    next.send({ type: 'ESID', reason: 0, text: '' });
    await next.closed();
    await server.waitFor(/S2 ended: session ended normally/);
    assert.equal((await received(inbox, 'TESTDSN'))[0]!.eerp.status, 'sent');
  } finally {
    await server.stop();
  }
});
