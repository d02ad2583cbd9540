// The round-trip probe's bookkeeping, apart from the socket: a
// `confab.ping` carries an id of its own, and only the `confab.pong` that
// names that id (`ping_event_id`) answers it, so no other server event can
// be mistaken for the answer. A server that does not know the event answers
// `error` with code `unknown_event` and that ping's `event_id`: the probe
// reports it as unsupported. One ping is outstanding at a time; a late
// answer still counts from its own ping, one lost for `staleAfterMs` is
// given up (its answer, should it come, matches nothing). Pure; unit-tested
// in tests/web/rtt_probe.test.mjs.
//
// Wire format (docs/protocol.md; the server charges pings to a budget of
// their own, not the per-session client-event limit):
//   client: {"type":"confab.ping","event_id":"confab_ping_7","sent_at_ms":123456}
//   server: {"type":"confab.pong","event_id":"event_…","ping_event_id":"confab_ping_7","sent_at_ms":123456}
// `sent_at_ms` is the client's monotonic clock (an integer), echoed as is;
// the round trip is measured against the client's own record of the ping.
export const PING_ID_PREFIX = 'confab_ping_';

export class RttProbe {
  constructor({ staleAfterMs = 30000 } = {}) {
    this.staleAfterMs = staleAfterMs;
    this.seq = 0; // never restarts, so ids stay unique across connections
    this.pending = null; // {id, started}
  }

  // The ping to send at `now` (ms, a monotonic clock), or null while the
  // last one is still awaited.
  ping(now) {
    if (this.pending && now - this.pending.started < this.staleAfterMs) return null;
    const id = PING_ID_PREFIX + ++this.seq;
    this.pending = { id, started: now };
    return { type: 'confab.ping', event_id: id, sent_at_ms: Math.floor(now) };
  }

  // A server event received at `now`: null unless it answers the pending
  // ping; else {rttMs, unsupported} (rttMs null when the answer was an error).
  answer(event, now) {
    if (!this.pending || !event) return null;
    if (event.type === 'confab.pong') {
      if (event.ping_event_id !== this.pending.id) return null;
      const rttMs = now - this.pending.started;
      this.pending = null;
      return { rttMs, unsupported: false };
    }
    if (event.type === 'error') {
      const err = event.error || {};
      if (err.event_id !== this.pending.id) return null;
      this.pending = null;
      return { rttMs: null, unsupported: err.code === 'unknown_event' };
    }
    return null;
  }

  // A new connection: the old one's ping will never be answered.
  reset() {
    this.pending = null;
  }
}
