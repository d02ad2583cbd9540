// The WebSocket to /v1/realtime: sends client events, dispatches server
// events by type, reconnects with backoff and jitter when the connection
// drops, and resumes the same conversation with the token the server gave
// (`confab.session.resume_token`, docs/protocol.md). It also probes the
// round trip every few seconds to show the connection's quality, with a
// `confab.ping` answered by a `confab.pong` that names it (RttProbe).
// With `authorize` (AuthFlow.beforeConnect, web/js/auth_flow.js) every
// attempt first asks whether to connect and with which subprotocols (the
// client secret); a "no" ends the attempts in state `signed_out` until
// connect() is called again (after a new sign-in), resume token kept.
import { Backoff } from './backoff.js';
import { RttProbe } from './rtt_probe.js';

const PROBE_EVERY_MS = 5000;

export class RealtimeClient extends EventTarget {
  constructor(url, { backoff = new Backoff(), authorize = null } = {}) {
    super();
    this.url = url;
    this.backoff = backoff;
    this.authorize = authorize; // async ({handshakeFailed}) => {go, protocols, reason}
    this.ws = null;
    this.state = 'idle'; // idle | connecting | connected | reconnecting | signed_out | closed
    this.handshakeFailed = false; // the last WebSocket closed before it opened
    this.attempts = 0; // counts open() calls: a late answer of authorize is dropped
    this.resume = null; // {token, deadline}
    this.wantOpen = false;
    this.everConnected = false;
    this.rttMs = null;
    this.probe = new RttProbe();
    this.sent = 0;
  }

  connect() {
    this.wantOpen = true;
    clearTimeout(this.retryTimer);
    // A refusal before now was judged already (it is why we were signed out).
    this.handshakeFailed = false;
    this.open();
  }

  close() {
    this.wantOpen = false;
    this.attempts++;
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

  async open() {
    const ticket = ++this.attempts;
    this.setState(this.everConnected ? 'reconnecting' : 'connecting', { attempt: this.backoff.attempt });
    let protocols = null;
    if (this.authorize) {
      const answer = await this.authorize({ handshakeFailed: this.handshakeFailed });
      if (ticket !== this.attempts || !this.wantOpen) return; // closed or restarted meanwhile
      if (!answer.go) {
        this.wantOpen = false;
        this.setState('signed_out', { reason: answer.reason, canSignIn: answer.canSignIn });
        return;
      }
      protocols = answer.protocols;
    }
    let url = this.url;
    // A token is worth presenting only while the server still keeps it.
    if (this.resume && performance.now() < this.resume.deadline) {
      url += (url.includes('?') ? '&' : '?') + 'confab_resume=' + encodeURIComponent(this.resume.token);
    }
    this.openedAt = performance.now();
    const ws = protocols ? new WebSocket(url, protocols) : new WebSocket(url);
    this.ws = ws;
    let opened = false;
    ws.onopen = () => (opened = true);
    ws.onmessage = (e) => this.onMessage(e.data);
    ws.onclose = (e) => this.onClose(ws, e, opened);
  }

  // The subprotocol the server chose ('realtime' when one was offered).
  get protocol() {
    return this.ws ? this.ws.protocol : null;
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

  onClose(ws, e, opened) {
    if (ws !== this.ws) return;
    this.handshakeFailed = !opened;
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
