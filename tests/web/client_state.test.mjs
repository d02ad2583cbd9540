// The controller's state (web/js/controller_state.js) and the bounded set
// of cancelled responses (bounded_set.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BoundedSet } from '../../web/js/bounded_set.js';
import { ControllerState, CANCELLED_REMEMBERED } from '../../web/js/controller_state.js';

test('a bounded set forgets its oldest values beyond its limit', () => {
  const s = new BoundedSet(3);
  for (const v of ['a', 'b', 'c']) s.add(v);
  assert.equal(s.size, 3);
  s.add('d');
  assert.equal(s.size, 3);
  assert.equal(s.has('a'), false);
  assert.ok(s.has('b') && s.has('c') && s.has('d'));
  s.add('b'); // already there: not made younger, nothing forgotten
  assert.equal(s.size, 3);
  s.add('e');
  assert.equal(s.has('b'), false);
  assert.ok(s.has('c') && s.has('d') && s.has('e'));
  s.clear();
  assert.equal(s.size, 0);
  assert.throws(() => new BoundedSet(0), RangeError);
});

test('a bounded set stays bounded over a long conversation', () => {
  const s = new BoundedSet(64);
  for (let i = 0; i < 10000; i++) s.add(`resp_${i}`);
  assert.equal(s.size, 64);
  assert.ok(s.has('resp_9999') && s.has('resp_9936'));
  assert.equal(s.has('resp_9935'), false);
});

test('the controller state starts empty', () => {
  const settings = { voice: 'v' };
  const st = new ControllerState(settings);
  assert.equal(st.settings, settings);
  assert.equal(st.player, null);
  assert.equal(st.capture, null);
  assert.equal(st.context, null);
  assert.equal(st.micOn, false);
  assert.equal(st.pttHeld, false);
  assert.equal(st.activeResponse, null);
  assert.equal(st.turnEndedAt, null);
  assert.equal(st.firstAudioSeen, false);
  assert.equal(st.cancelledResponses.limit, CANCELLED_REMEMBERED);
  assert.equal(CANCELLED_REMEMBERED, 64);
});

test('a turn: its first reply audio is timed once, from the end of the turn', () => {
  const st = new ControllerState({});
  st.turnEnded(1000);
  st.responseCreated('resp_1', 1100);
  assert.equal(st.turnEndedAt, 1000); // the turn's end, not the response's creation
  assert.equal(st.activeResponse, 'resp_1');
  assert.equal(st.takeFirstAudio(1400), 400);
  assert.equal(st.takeFirstAudio(1500), null);
  st.responseDone('resp_1');
  assert.equal(st.activeResponse, null);
  assert.equal(st.turnEndedAt, null);
  assert.equal(st.takeFirstAudio(1600), null); // no turn to time it from
  // The next turn starts afresh.
  st.turnEnded(2000);
  assert.equal(st.firstAudioSeen, false);
  assert.equal(st.takeFirstAudio(2250), 250);
});

test('a response created with no turn before it is timed from its creation', () => {
  const st = new ControllerState({});
  st.responseCreated('resp_1', 500);
  assert.equal(st.turnEndedAt, 500);
  assert.equal(st.takeFirstAudio(800), 300);
});

test('response.done of another response keeps the active one', () => {
  const st = new ControllerState({});
  st.responseCreated('resp_2', 0);
  st.responseDone('resp_1');
  assert.equal(st.activeResponse, 'resp_2');
  assert.equal(st.turnEndedAt, null);
});

test('interrupting marks the active response cancelled; the set is bounded', () => {
  const st = new ControllerState({}, { cancelledLimit: 2 });
  st.cancelActive(); // nothing active: nothing marked
  assert.equal(st.cancelledResponses.size, 0);
  for (const id of ['r1', 'r2', 'r3']) {
    st.responseCreated(id, 0);
    st.cancelActive();
    assert.ok(st.isCancelled(id));
  }
  assert.equal(st.isCancelled('r1'), false);
  assert.ok(st.isCancelled('r2') && st.isCancelled('r3'));
});

test('a dropped connection forgets the active response only', () => {
  const st = new ControllerState({});
  st.turnEnded(10);
  st.responseCreated('r1', 20);
  st.cancelActive();
  st.responseCreated('r2', 30);
  st.connectionLost();
  assert.equal(st.activeResponse, null);
  assert.ok(st.isCancelled('r1'));
  assert.equal(st.turnEndedAt, 10);
});

test('underruns are reported once each', () => {
  const st = new ControllerState({});
  assert.equal(st.newUnderruns(0), 0);
  assert.equal(st.newUnderruns(3), 3);
  assert.equal(st.newUnderruns(3), 0);
  assert.equal(st.newUnderruns(4), 1);
});
