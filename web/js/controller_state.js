// The page controller's state in one place (web/js/app.js holds one of
// these): the audio objects, the microphone and push-to-talk, and the
// conversation as the page sees it (the response being generated, the
// cancelled ones whose late audio is dropped, when the user's turn ended).
// Every change of the conversation's part is one method call, so that the
// places that used to reset a handful of variables each cannot drift apart.
// Pure; unit-tested in tests/web/client_state.test.mjs.
import { BoundedSet } from './bounded_set.js';

export const CANCELLED_REMEMBERED = 64; // more than any reply still streaming late audio

export class ControllerState {
  constructor(settings, { cancelledLimit = CANCELLED_REMEMBERED } = {}) {
    this.settings = settings;
    this.context = null; // AudioContext, once the user pressed start
    this.capture = null;
    this.player = null;
    this.micOn = false;
    this.pttHeld = false;
    this.lastUnderruns = 0; // the player's underruns when the quality was last shown
    this.activeResponse = null; // id of the response being generated
    this.cancelledResponses = new BoundedSet(cancelledLimit); // audio of these is ignored if it still arrives
    this.turnEndedAt = null; // when speech_stopped (or a typed send, or push-to-talk's release) was seen
    this.firstAudioSeen = false;
  }

  // The user's turn ended at `now` (ms): the next reply audio is timed from here.
  turnEnded(now) {
    this.turnEndedAt = now;
    this.firstAudioSeen = false;
  }

  responseCreated(id, now) {
    this.activeResponse = id;
    if (!this.turnEndedAt) this.turnEndedAt = now;
  }

  responseDone(id) {
    if (this.activeResponse === id) this.activeResponse = null;
    this.turnEndedAt = null;
  }

  // The response being generated (if any) is being interrupted: its audio
  // is dropped from now on.
  cancelActive() {
    if (this.activeResponse) this.cancelledResponses.add(this.activeResponse);
  }

  isCancelled(responseId) {
    return this.cancelledResponses.has(responseId);
  }

  // Reply audio arrived at `now`: ms since the turn ended if it is the
  // turn's first, else null.
  takeFirstAudio(now) {
    if (this.firstAudioSeen || !this.turnEndedAt) return null;
    this.firstAudioSeen = true;
    return now - this.turnEndedAt;
  }

  // The connection dropped: the server cancels the reply in flight.
  connectionLost() {
    this.activeResponse = null;
  }

  // Underruns new since the last call (the player's counter is cumulative).
  newUnderruns(underruns) {
    const fresh = underruns - this.lastUnderruns;
    this.lastUnderruns = underruns;
    return fresh;
  }
}
