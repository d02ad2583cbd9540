// The WebSocket client (web/js/realtime_client.js) with AuthFlow as its
// `authorize`, over a fake WebSocket: the secret is offered as a subprotocol
// on the first connection and on every reconnection (with the resume token)
// while it is valid; an expired secret ends the attempts in `signed_out`
// before any handshake, and a new sign-in reconnects and resumes; a refused
// handshake with the server up signs out too; without `authorize`, or in
// mode none, the socket is opened with the URL alone, as before.
import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { RealtimeClient } from '../../web/js/realtime_client.js';
import { Backoff } from '../../web/js/backoff.js';
import { AuthFlow } from '../../web/js/auth_flow.js';

class FakeWebSocket {
  static OPEN = 1;
  static made = [];
  static waiting = [];
  constructor(...args) {
    this.args = args;
    this.url = args[0];
    this.readyState = 0;
    this.protocol = '';
    this.sent = [];
    FakeWebSocket.made.push(this);
    const waiter = FakeWebSocket.waiting.shift();
    if (waiter) waiter(this);
  }
  static next() {
    return new Promise((resolve) => FakeWebSocket.waiting.push(resolve));
  }
  send(text) {
    this.sent.push(JSON.parse(text));
  }
  close() {}
  // The server accepts: 101 with `realtime`, then session.created and a resume token.
  accept(token = 'tok') {
    this.readyState = 1;
    this.protocol = this.args[1] ? 'realtime' : '';
    this.onopen();
    this.onmessage({ data: JSON.stringify({ type: 'session.created', session: { id: 'sess_1' } }) });
    this.onmessage({ data: JSON.stringify({ type: 'confab.session.resume_token', token, expires_in_ms: 120000 }) });
  }
  // A connection lost after it opened.
  drop() {
    this.readyState = 3;
    this.onclose({ code: 1006, reason: '' });
  }
  // Refused before the upgrade (or the server is unreachable): the browser
  // reports only a close, with no open before it.
  refuse() {
    this.drop();
  }
}

function nextState(client, wanted) {
  return new Promise((resolve) => {
    const on = (e) => {
      if (e.detail.state !== wanted) return;
      client.removeEventListener('state', on);
      resolve(e.detail);
    };
    client.addEventListener('state', on);
  });
}

const fastBackoff = () => new Backoff({ baseMs: 1, maxMs: 1, minMs: 0, random: () => 0 });
const T0 = 1_800_000_000_000;

function keysServer({ up = () => true } = {}) {
  let issued = 0;
  const clock = { t: T0 };
  const fetch = async (url, options = {}) => {
    if (!up()) throw new TypeError('Failed to fetch');
    if (url === '/v1/auth') return new Response(JSON.stringify({ mode: 'keys', login: true }));
    if (url === '/v1/login' && options.method === 'POST') {
      return new Response(JSON.stringify({ value: `ek_${++issued}`, expires_at: clock.t / 1000 + 600 }));
    }
    return new Response('', { status: 404 });
  };
  return { fetch, clock };
}

beforeEach(() => {
  globalThis.WebSocket = FakeWebSocket;
  FakeWebSocket.made = [];
  FakeWebSocket.waiting = [];
});
afterEach(() => {
  delete globalThis.WebSocket;
});

test('the secret is offered on every reconnection while valid; after its expiry the client signs out', async () => {
  const server = keysServer();
  const auth = new AuthFlow({ fetch: server.fetch, now: () => server.clock.t });
  await auth.load();
  await auth.signIn('ada', 'right');
  const client = new RealtimeClient('ws://h/v1/realtime', { backoff: fastBackoff(), authorize: (i) => auth.beforeConnect(i) });
  client.addEventListener('session.created', () => auth.connected());

  let ws = FakeWebSocket.next();
  client.connect();
  let socket = await ws;
  assert.deepEqual(socket.args, ['ws://h/v1/realtime', ['realtime', 'openai-insecure-api-key.ek_1']]);
  socket.accept('tok1');
  assert.equal(client.state, 'connected');
  assert.equal(client.protocol, 'realtime');

  // A drop five minutes in: the same secret, and the conversation's token.
  server.clock.t += 5 * 60_000;
  ws = FakeWebSocket.next();
  socket.drop();
  socket = await ws;
  assert.deepEqual(socket.args, ['ws://h/v1/realtime?confab_resume=tok1', ['realtime', 'openai-insecure-api-key.ek_1']]);
  socket.accept('tok2');

  // A drop after the secret's expiry: no handshake, signed out, told why.
  server.clock.t += 6 * 60_000;
  const out = nextState(client, 'signed_out');
  socket.drop();
  assert.deepEqual(await out, { state: 'signed_out', reason: 'expired', canSignIn: true });
  assert.equal(FakeWebSocket.made.length, 2);
  assert.equal(client.wantOpen, false);

  // Signing in again reconnects with the new secret and still resumes.
  await auth.signIn('ada', 'right');
  ws = FakeWebSocket.next();
  client.connect();
  socket = await ws;
  assert.deepEqual(socket.args, ['ws://h/v1/realtime?confab_resume=tok2', ['realtime', 'openai-insecure-api-key.ek_2']]);
  socket.accept('tok3');
  assert.equal(client.state, 'connected');
  client.close();
});

test('a handshake refused while the server is up signs out; while it is down, the client keeps trying', async () => {
  let up = true;
  const server = keysServer({ up: () => up });
  const auth = new AuthFlow({ fetch: server.fetch, now: () => server.clock.t });
  await auth.load();
  await auth.signIn('ada', 'right');
  const client = new RealtimeClient('ws://h/v1/realtime', { backoff: fastBackoff(), authorize: (i) => auth.beforeConnect(i) });
  client.addEventListener('session.created', () => auth.connected());
  let ws = FakeWebSocket.next();
  client.connect();
  let socket = await ws;
  socket.accept();

  // The server goes away: every handshake fails, /v1/auth too; the client retries with its secret.
  up = false;
  for (let i = 0; i < 3; i++) {
    ws = FakeWebSocket.next();
    if (i === 0) socket.drop();
    else socket.refuse();
    socket = await ws;
    assert.equal(socket.args[1][1], 'openai-insecure-api-key.ek_1');
  }
  // It is back, and refuses the secret (restarted with another signing key).
  up = true;
  const out = nextState(client, 'signed_out');
  socket.refuse();
  assert.deepEqual(await out, { state: 'signed_out', reason: 'refused', canSignIn: true });
  assert.equal(auth.secret, null);
  assert.equal(FakeWebSocket.made.length, 4);
  // A new sign-in is not judged by the refusal before it.
  await auth.signIn('ada', 'right');
  ws = FakeWebSocket.next();
  client.connect();
  socket = await ws;
  assert.equal(socket.args[1][1], 'openai-insecure-api-key.ek_2');
  socket.accept();
  assert.equal(client.state, 'connected');
  client.close();
});

test('without authorize, and in mode none, the socket gets the URL alone', async () => {
  const plain = new RealtimeClient('ws://h/v1/realtime', { backoff: fastBackoff() });
  let ws = FakeWebSocket.next();
  plain.connect();
  assert.deepEqual((await ws).args, ['ws://h/v1/realtime']);
  plain.close();

  const none = new AuthFlow({ fetch: async () => new Response(JSON.stringify({ mode: 'none', login: false })) });
  const client = new RealtimeClient('ws://h/v1/realtime', { backoff: fastBackoff(), authorize: (i) => none.beforeConnect(i) });
  ws = FakeWebSocket.next();
  client.connect();
  const socket = await ws;
  assert.deepEqual(socket.args, ['ws://h/v1/realtime']);
  socket.accept('t');
  // A refused reconnection in mode none is retried as before, never signed out.
  ws = FakeWebSocket.next();
  socket.drop();
  const again = await ws;
  ws = FakeWebSocket.next();
  again.refuse();
  assert.deepEqual((await ws).args, ['ws://h/v1/realtime?confab_resume=t']);
  assert.notEqual(client.state, 'signed_out');
  client.close();
});

test('close() while authorize is still answering opens nothing', async () => {
  let release;
  const client = new RealtimeClient('ws://h/v1/realtime', {
    backoff: fastBackoff(),
    authorize: () => new Promise((resolve) => (release = resolve)),
  });
  client.connect();
  client.close();
  release({ go: true, protocols: null });
  await new Promise((r) => setImmediate(r));
  assert.equal(FakeWebSocket.made.length, 0);
  assert.equal(client.state, 'closed');
});
