// Start-session negotiation rules (RFC 5024 §5.3.2, §9.8), one by one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Ssid } from '../../src/oftp/codec/commands';
import { acceptResponder, agreedLevel, answerInitiator, DEFAULT_CAPABILITIES, type Capabilities } from '../../src/oftp/session/negotiate';

const offer = (over: Partial<Ssid> = {}): Ssid => ({ type: 'SSID', level: 5, code: 'O0013A', password: 'P', bufferSize: 4096, mode: 'B', compression: true, restart: true, specialLogic: false, credit: 64, secureAuthentication: false, userData: '', ...over });
const caps = (over: Partial<Capabilities> = {}): Capabilities => ({ ...DEFAULT_CAPABILITIES, ...over });

test('the lowest level, buffer and credit win; compression and restart need both', () => {
  const n = answerInitiator(offer({ level: 4, bufferSize: 2048, credit: 999, compression: true, restart: false }), caps({ bufferSize: 99999, credit: 100, compression: true, restart: true }));
  assert.deepEqual(n, { ok: true, params: { level: 4, bufferSize: 2048, mode: 'B', compression: true, restart: false, credit: 100, secureAuthentication: false } });
  assert.equal(agreedLevel(7, 9), 5, 'levels above 2.0 are spoken as 2.0');
  assert.equal(agreedLevel(1, 5), 1);
});

test('modes: the responder answers the complement and refuses S+S and R+R with ESID 10', () => {
  assert.equal((answerInitiator(offer({ mode: 'S' }), caps()) as { params: { mode: string } }).params.mode, 'R');
  assert.equal((answerInitiator(offer({ mode: 'R' }), caps()) as { params: { mode: string } }).params.mode, 'S');
  assert.equal((answerInitiator(offer({ mode: 'B' }), caps({ mode: 'R' })) as { params: { mode: string } }).params.mode, 'R');
  assert.deepEqual(answerInitiator(offer({ mode: 'S' }), caps({ mode: 'S' })), { ok: false, esidReason: 10, text: 'initiator mode S is incompatible with our mode S' });
  const rr = answerInitiator(offer({ mode: 'R' }), caps({ mode: 'R' }));
  assert.equal(rr.ok, false);
  assert.equal((rr as { esidReason: number }).esidReason, 10);
});

test('secure authentication is not negotiable: a mismatch either way is ESID 12', () => {
  for (const [theirs, ours] of [[true, false], [false, true]] as const) {
    const n = answerInitiator(offer({ secureAuthentication: theirs }), caps({ secureAuthentication: ours }));
    assert.equal(n.ok, false);
    assert.equal((n as { esidReason: number }).esidReason, 12);
    const a = acceptResponder(caps({ secureAuthentication: ours }), offer({ secureAuthentication: theirs }));
    assert.equal((a as { esidReason: number }).esidReason, 12);
  }
});

test('the initiator refuses an answer with more credit than offered, or a capability it did not offer', () => {
  const mine = caps({ credit: 10, compression: false, restart: true, mode: 'S' });
  assert.deepEqual(acceptResponder(mine, offer({ credit: 11, mode: 'R', compression: false })), { ok: false, esidReason: 10, text: 'responder answered credit 11, more than the 10 offered' });
  assert.equal((acceptResponder(mine, offer({ credit: 10, mode: 'R', compression: true })) as { esidReason: number }).esidReason, 10);
  assert.equal((acceptResponder(mine, offer({ credit: 10, mode: 'S', compression: false })) as { esidReason: number }).esidReason, 10, 'S and S');
  const ok = acceptResponder(mine, offer({ credit: 5, mode: 'R', compression: false, restart: false, bufferSize: 1024, level: 4 }));
  assert.deepEqual(ok, { ok: true, params: { level: 4, bufferSize: 1024, mode: 'S', compression: false, restart: false, credit: 5, secureAuthentication: false } });
  const both = acceptResponder(caps({ mode: 'B' }), offer({ mode: 'S' }));
  assert.equal((both as { params: { mode: string } }).params.mode, 'R', 'a B initiator answered S is the receiver');
});
