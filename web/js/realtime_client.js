// The WebSocket to /v1/realtime: sends client events, dispatches server
// events by type, reconnects with backoff and jitter when the connection
// drops, and resumes the same conversation with the token the server gave
// (`confab.session.resume_token`, docs/protocol.md). It also probes the
// round trip every few seconds to show the connection's quality.
import { Backoff } from './backoff.js';

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
    this.lastItemId = null;
    this.probe = null;
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
        // the server's first event (probes refine it once there is an item).
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
      case 'conversation.item.added':
        if (event.item && event.item.id) this.lastItemId = event.item.id;
        break;
      case 'conversation.item.retrieved':
        if (this.onProbeAnswer()) return;
        break;
      case 'conversation.item.deleted':
        if (event.item_id === this.lastItemId) this.lastItemId = null;
        break;
      case 'error':
        if (event.error && String(event.error.event_id || '').startsWith('confab_probe_')) {
          this.lastItemId = null; // gone (a new session after a failed resume)
          if (this.onProbeAnswer()) return;
        }
        break;
    }
    this.emit('event', event);
    this.emit(event.type, event);
  }

  onClose(ws, e) {
    if (ws !== this.ws) return;
    clearInterval(this.probeTimer);
    this.probe = null;
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

  // Round trip: a read-only request whose answer comes straight back
  // (retrieving the latest item; none is sent before there is one).
  startProbing() {
    clearInterval(this.probeTimer);
    this.probeTimer = setInterval(() => this.sendProbe(), PROBE_EVERY_MS);
    this.sendProbe();
    this.emit('rtt', { rttMs: this.rttMs });
  }

  sendProbe() {
    if (this.probe) return; // still waiting: the answer is late, keep the first start time
    if (!this.lastItemId) return;
    const id = 'confab_probe_' + Date.now();
    if (this.send({ type: 'conversation.item.retrieve', event_id: id, item_id: this.lastItemId })) {
      this.probe = { started: performance.now() };
    }
  }

  onProbeAnswer() {
    if (!this.probe) return false;
    this.rttMs = performance.now() - this.probe.started;
    this.probe = null;
    this.emit('rtt', { rttMs: this.rttMs });
    return true;
  }
}
