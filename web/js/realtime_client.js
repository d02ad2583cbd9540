// The WebSocket to /v1/realtime: sends client events, dispatches server
// events by type, reconnects with backoff and jitter when the connection
// drops, and resumes the same conversation with the token the server gave
// (`confab.session.resume_token`, docs/protocol.md). It also probes the
// round trip every few seconds to show the connection's quality, with a
// `confab.ping` answered by a `confab.pong` that names it (RttProbe).
import { Backoff } from './backoff.js';
import { RttProbe } from './rtt_probe.js';

const PROBE_EVERY_MS = 5000;

export class RealtimeClient extends EventTarget {
  constructor(url, { backoff = new Backoff() } = {}) {
    super();
    this.url = url;
    this.backoff = backoff;
    this.ws = null;
    this.state = 'idle'; // idle | connecting | connected | reconnecting | closed
    this.resume = null; // {token, deadline}
    this.wantOpen = false;
    this.everConnected = false;
    this.rttMs = null;
    this.probe = new RttProbe();
    this.sent = 0;
  }

  connect() {
    this.wantOpen = true;
    this.open();
  }

  close() {
    this.wantOpen = false;
    clearTimeout(this.retryTimer);
    clearInterval(this.probeTimer);
    if (this.ws) this.ws.close(1000, 'client closed');
    this.setState('closed');
  }

  send(event) {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(event));
    this.sent++;
    return true;
  }

  get connected() {
    return this.state === 'connected';
  }

  setState(state, detail = {}) {
    this.state = state;
    this.emit('state', { state, ...detail });
  }

  emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }

  open() {
    let url = this.url;
    // A token is worth presenting only while the server still keeps it.
    if (this.resume && performance.now() < this.resume.deadline) {
      url += (url.includes('?') ? '&' : '?') + 'confab_resume=' + encodeURIComponent(this.resume.token);
    }
    this.setState(this.everConnected ? 'reconnecting' : 'connecting', { attempt: this.backoff.attempt });
    this.openedAt = performance.now();
    const ws = new WebSocket(url);
    this.ws = ws;
    ws.onmessage = (e) => this.onMessage(e.data);
    ws.onclose = (e) => this.onClose(ws, e);
  }

  onMessage(text) {
    let event;
    try {
      event = JSON.parse(text);
    } catch {
      return;
    }
    switch (event.type) {
      case 'session.created':
        // The first estimate of the round trip: the WebSocket handshake plus
        // the server's first event (pings refine it).
        if (this.openedAt !== undefined) this.rttMs = performance.now() - this.openedAt;
        this.openedAt = undefined;
        // Spent (or refused) by the server now; a refusal before admission
        // (at capacity) leaves it valid for the next attempt.
        this.resume = null;
        this.everConnected = true;
        this.backoff.reset();
        this.setState('connected');
        this.startProbing();
        break;
      case 'confab.session.resume_token':
        this.resumeToken = event.token;
        this.resumeWindowMs = event.expires_in_ms;
        break;
      case 'confab.pong':
      case 'error': {
        const answer = this.probe.answer(event, performance.now());
        if (answer === null) break; // not about our ping
        if (answer.rttMs !== null) this.rttMs = answer.rttMs;
        if (answer.unsupported) {
          // A server without confab.ping: no round trip to show, and no more pings.
          clearInterval(this.probeTimer);
          this.rttMs = null;
        }
        this.emit('rtt', { rttMs: this.rttMs });
        return; // the page never sees our pings' answers
      }
    }
    this.emit('event', event);
    this.emit(event.type, event);
  }

  onClose(ws, e) {
    if (ws !== this.ws) return;
    clearInterval(this.probeTimer);
    this.probe.reset();
    this.ws = null;
    // The server keeps the conversation for the window from now on (a
    // token not yet spent, this.resume, stays as it is).
    if (this.resumeToken) {
      this.resume = { token: this.resumeToken, deadline: performance.now() + this.resumeWindowMs };
      this.resumeToken = null;
    }
    if (!this.wantOpen) return;
    const delay = this.backoff.next();
    this.setState('reconnecting', { code: e.code, reason: e.reason, delayMs: delay, attempt: this.backoff.attempt });
    this.retryTimer = setTimeout(() => this.open(), delay);
  }

  // Round trip: a confab.ping now and every PROBE_EVERY_MS; its pong (and
  // only its pong) answers it.
  startProbing() {
    clearInterval(this.probeTimer);
    this.probe.reset();
    this.probeTimer = setInterval(() => this.sendProbe(), PROBE_EVERY_MS);
    this.sendProbe();
    this.emit('rtt', { rttMs: this.rttMs });
  }

  sendProbe() {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return;
    const ping = this.probe.ping(performance.now()); // null while one is still unanswered
    if (ping) this.send(ping);
  }
}
