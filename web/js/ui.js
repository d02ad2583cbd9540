// The page's DOM: connection pill, conversation state, transcripts (partial,
// then final), level meter, latency, connection quality, notices and errors.
// Knows nothing about the protocol; app.js tells it what happened.
const CONNECTION_WORDS = {
  idle: 'Not connected',
  connecting: 'Connecting…',
  connected: 'Connected',
  reconnecting: 'Reconnecting…',
  signed_out: 'Signed out',
  closed: 'Disconnected',
};
const STATE_WORDS = {
  idle: 'Press start to talk',
  signin: 'Sign in to talk',
  listening: 'Listening',
  user: 'You are speaking',
  thinking: 'Thinking…',
  speaking: 'Speaking',
  interrupted: 'Interrupted',
  typing: 'Type a message (microphone off)',
};

export class Ui {
  constructor(doc) {
    this.doc = doc;
    const $ = (id) => doc.getElementById(id);
    this.el = {
      connection: $('connection'), state: $('conv-state'), level: $('level-bar'), latency: $('latency'),
      quality: $('quality'), notice: $('notice'), error: $('error'), transcript: $('transcript'),
    };
    this.messages = new Map(); // item id -> element
  }

  connection(state, detail = {}) {
    const el = this.el.connection;
    el.dataset.state = state;
    let words = CONNECTION_WORDS[state] || state;
    if (state === 'reconnecting' && detail.delayMs !== undefined) words = `Reconnecting in ${(detail.delayMs / 1000).toFixed(1)} s…`;
    el.textContent = words;
  }

  convState(state) {
    this.el.state.dataset.state = state;
    this.el.state.textContent = STATE_WORDS[state] || state;
  }

  level(value) {
    // dBFS -60..0 mapped onto the bar: speech sits in the middle.
    const db = 20 * Math.log10(Math.max(value, 1e-6));
    this.el.level.style.width = `${Math.max(0, Math.min(100, ((db + 60) / 60) * 100))}%`;
  }

  latency(ms) {
    this.el.latency.textContent = ms == null ? 'latency –' : `latency ${Math.round(ms)} ms`;
  }

  quality({ rttMs, warning }) {
    const el = this.el.quality;
    el.textContent = rttMs == null ? 'rtt –' : `rtt ${Math.round(rttMs)} ms`;
    el.classList.toggle('warn', Boolean(warning));
    el.title = warning || 'Round trip to the server';
  }

  notice(text, { timeoutMs = 6000 } = {}) {
    this.show(this.el.notice, text, timeoutMs);
  }

  error(text, { timeoutMs = 10000 } = {}) {
    this.show(this.el.error, text, timeoutMs);
  }

  show(el, text, timeoutMs) {
    el.textContent = text;
    el.hidden = !text;
    clearTimeout(el.timer);
    if (text && timeoutMs) el.timer = setTimeout(() => (el.hidden = true), timeoutMs);
  }

  message(id, role) {
    let el = this.messages.get(id);
    if (!el) {
      el = this.doc.createElement('div');
      el.className = `msg ${role}`;
      el.dataset.item = id;
      el.dataset.role = role;
      this.el.transcript.append(el);
      this.messages.set(id, el);
    }
    return el;
  }

  partial(id, role, delta) {
    const el = this.message(id, role);
    if (el.dataset.final) return;
    el.classList.add('partial');
    el.textContent += delta;
    this.scroll();
  }

  final(id, role, text) {
    const el = this.message(id, role);
    el.classList.remove('partial');
    el.dataset.final = '1';
    el.textContent = text || (role === 'user' ? '(nothing heard)' : '');
    this.scroll();
  }

  interrupted(id) {
    const el = this.messages.get(id);
    if (el) el.classList.add('interrupted');
  }

  system(text) {
    const el = this.doc.createElement('div');
    el.className = 'msg system';
    el.textContent = text;
    this.el.transcript.append(el);
    this.scroll();
  }

  scroll() {
    this.el.transcript.scrollTop = this.el.transcript.scrollHeight;
  }
}
