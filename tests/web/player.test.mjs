// The page's side of the player (web/js/player.js) against a stand-in for
// the worklet: its public methods, and one answer per clear.
import { test } from 'node:test';
import assert from 'node:assert/strict';

class FakePort {
  constructor() {
    this.sent = [];
    this.onmessage = null;
  }
  postMessage(msg) {
    this.sent.push(msg);
  }
  answer(data) {
    this.onmessage({ data });
  }
}
globalThis.AudioWorkletNode = class {
  constructor() {
    this.port = new FakePort();
  }
  connect() {}
};
const { Player } = await import('../../web/js/player.js');

async function makePlayer() {
  const context = { sampleRate: 24000, destination: {}, audioWorklet: { addModule: async () => {} } };
  const player = new Player(context);
  await player.init();
  return { player, port: player.node.port };
}

test('the player keeps its state private', async () => {
  const { player } = await makePlayer();
  assert.equal('current' in player, false);
  assert.equal('playingItem' in player, false);
  assert.equal(player.busy, false);
  assert.equal(player.stats.played, 0);
});

test('a reply being received makes it busy; reset() clears it', async () => {
  const { player, port } = await makePlayer();
  player.enqueue('item_1', Buffer.from(new Uint8Array(480)).toString('base64'));
  assert.equal(player.busy, true);
  assert.equal(port.sent[0].type, 'chunk');
  const done = player.reset();
  assert.equal(player.busy, false); // the reply being received is forgotten at once
  assert.equal(port.sent.at(-1).type, 'clear');
  port.answer({ type: 'cleared', item: null, played: 0, dropped: 0, stats: player.stats });
  assert.equal((await done).item, null);
  // Nothing playing or received: reset() sends nothing.
  const before = port.sent.length;
  assert.equal(await player.reset(), null);
  assert.equal(port.sent.length, before);
});

test('what is being cleared does not make it busy; a reply received since does', async () => {
  const { player, port } = await makePlayer();
  port.answer({ type: 'started', item: 'item_1' });
  const done = player.clear();
  assert.equal(player.busy, false); // a second barge-in has nothing to stop
  port.answer({ type: 'started', item: 'item_1' }); // posted before the worklet saw the clear
  assert.equal(player.busy, false);
  player.enqueue('item_2', Buffer.from(new Uint8Array(480)).toString('base64'));
  assert.equal(player.busy, true);
  port.answer({ type: 'cleared', item: 'item_1', played: 2400, dropped: 0, stats: player.stats });
  assert.equal((await done).playedMs, 100);
  assert.equal(player.busy, true);
});

test('each clear gets its own answer', async () => {
  const { player, port } = await makePlayer();
  port.answer({ type: 'started', item: 'item_1' });
  assert.equal(player.busy, true);
  const first = player.clear();
  const second = player.clear(); // before the first was answered
  port.answer({ type: 'cleared', item: 'item_1', played: 24000, dropped: 480, stats: player.stats });
  port.answer({ type: 'cleared', item: null, played: 0, dropped: 0, stats: player.stats });
  const [a, b] = await Promise.all([first, second]);
  assert.equal(a.item, 'item_1');
  assert.equal(a.playedMs, 1000);
  assert.equal(a.droppedMs, 20);
  assert.equal(b.item, null);
  assert.equal(player.busy, false);
});
