// The page's pure logic: reconnection delays (web/js/backoff.js), the plain
// words for every error code (errors.js) and settings -> session.update.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Backoff } from '../../web/js/backoff.js';
import { plainError, knownErrorCodes } from '../../web/js/errors.js';
import { sessionUpdate, DEFAULTS } from '../../web/js/settings.js';

test('delays grow exponentially up to the cap, jittered below it', () => {
  const top = new Backoff({ baseMs: 500, maxMs: 8000, minMs: 100, random: () => 1 });
  assert.deepEqual([1, 2, 3, 4, 5, 6].map(() => top.next()), [500, 1000, 2000, 4000, 8000, 8000]);
  const bottom = new Backoff({ baseMs: 500, maxMs: 8000, minMs: 100, random: () => 0 });
  assert.deepEqual([1, 2, 3].map(() => bottom.next()), [100, 100, 100]);
  top.reset();
  assert.equal(top.next(), 500);
});

test('jitter spreads clients out', () => {
  const delays = new Set();
  for (let i = 0; i < 50; i++) delays.add(new Backoff({ baseMs: 1000 }).next());
  assert.ok(delays.size > 40);
});

test('every error code of docs/protocol.md has plain words', async () => {
  const { readFileSync } = await import('node:fs');
  const doc = readFileSync(new URL('../../docs/protocol.md', import.meta.url), 'utf8');
  const errors = doc.slice(doc.indexOf('## Errors'), doc.indexOf('## Confab extensions'));
  // The first column of the table: `code` (or several, separated by / and ,).
  const codes = new Set();
  for (const line of errors.split('\n').filter((l) => l.startsWith('| `'))) {
    for (const m of line.split('|')[1].matchAll(/`([a-z_]+)`/g)) codes.add(m[1]);
  }
  assert.ok(codes.size > 15, `only ${codes.size} codes found`);
  for (const code of ['rate_limit_exceeded', 'server_at_capacity', 'resume_token_invalid', 'response_unavailable'])
    codes.add(code);
  for (const code of codes) {
    assert.ok(knownErrorCodes.includes(code), `no plain words for ${code}`);
  }
  assert.match(plainError({ code: 'server_at_capacity', message: 'x' }), /full/);
  assert.match(plainError({ code: 'something_new', message: 'details here' }), /details here/);
});

test('settings become a session.update the server accepts', () => {
  const ev = sessionUpdate({ ...DEFAULTS, voice: 'kal16', speed: 1.2, silenceMs: 700, instructions: ' Be brief. ' });
  assert.equal(ev.session.type, 'realtime');
  assert.equal(ev.session.instructions, 'Be brief.');
  assert.deepEqual(ev.session.audio.output, { voice: 'kal16', speed: 1.2 });
  assert.equal(ev.session.audio.input.turn_detection.silence_duration_ms, 700);
  assert.equal(sessionUpdate({ ...DEFAULTS, pushToTalk: true }).session.audio.input.turn_detection, null);
});
