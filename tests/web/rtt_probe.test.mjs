// The round-trip probe (web/js/rtt_probe.js): a confab.ping is answered
// only by the confab.pong that names it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RttProbe, PING_ID_PREFIX } from '../../web/js/rtt_probe.js';

test('a ping is answered only by the pong that names it', () => {
  const p = new RttProbe();
  const ping = p.ping(1000.7);
  assert.deepEqual(ping, { type: 'confab.ping', event_id: `${PING_ID_PREFIX}1`, sent_at_ms: 1000 });
  assert.equal(p.ping(2000), null); // one at a time
  // Nothing else answers it: not a retrieved item, not another ping's pong, not an unrelated error.
  assert.equal(p.answer({ type: 'conversation.item.retrieved', item: {} }, 1010), null);
  assert.equal(p.answer({ type: 'confab.pong', ping_event_id: 'confab_ping_0', sent_at_ms: 1000 }, 1010), null);
  assert.equal(p.answer({ type: 'confab.pong', sent_at_ms: 1000 }, 1010), null);
  assert.equal(p.answer({ type: 'error', error: { code: 'unknown_event', event_id: 'client-7' } }, 1010), null);
  assert.equal(p.answer({ type: 'error', error: { code: 'unknown_event' } }, 1010), null);
  const a = p.answer({ type: 'confab.pong', event_id: 'event_9', ping_event_id: ping.event_id, sent_at_ms: 1000 }, 1042.7);
  assert.equal(a.unsupported, false);
  assert.ok(Math.abs(a.rttMs - 42) < 1e-9);
  // Answered: the same pong again answers nothing.
  assert.equal(p.answer({ type: 'confab.pong', ping_event_id: ping.event_id }, 1050), null);
  const next = p.ping(6000);
  assert.equal(next.event_id, `${PING_ID_PREFIX}2`);
});

test('a server without confab.ping: unsupported; other refusals are not', () => {
  const p = new RttProbe();
  const ping = p.ping(0);
  assert.deepEqual(p.answer({ type: 'error', error: { code: 'unknown_event', event_id: ping.event_id } }, 5), {
    rttMs: null,
    unsupported: true,
  });
  const again = p.ping(10);
  assert.deepEqual(p.answer({ type: 'error', error: { code: 'rate_limit_exceeded', event_id: again.event_id } }, 15), {
    rttMs: null,
    unsupported: false,
  });
});

test('a lost ping is given up; a new connection forgets the pending one', () => {
  const p = new RttProbe({ staleAfterMs: 1000 });
  const first = p.ping(0);
  assert.equal(p.ping(999), null);
  const second = p.ping(1000);
  assert.notEqual(second.event_id, first.event_id);
  assert.equal(p.answer({ type: 'confab.pong', ping_event_id: first.event_id }, 1100), null); // too late: matches nothing
  p.reset();
  assert.equal(p.answer({ type: 'confab.pong', ping_event_id: second.event_id }, 1200), null);
  assert.equal(p.ping(1300).event_id, `${PING_ID_PREFIX}3`); // ids never repeat
});
