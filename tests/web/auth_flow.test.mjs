// The page's authentication logic (web/js/auth_flow.js) against a fake
// server (an injected fetch) and a hand-moved clock: mode none connects as
// it always did, the login's secret is offered as the subprotocol and kept
// across reconnections while valid, an expired secret brings the login back
// without a handshake, a refused one is told apart from a server that is
// down, and a secret from the operator's backend is fetched and renewed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AuthFlow, EXPIRY_MARGIN_MS, signInMessage } from '../../web/js/auth_flow.js';

const T0 = 1_800_000_000_000; // ms

// A fake server: `routes` maps "METHOD path" to a function returning
// [status, body] (or throwing, as fetch does when the server is down).
function fakeServer(routes) {
  const calls = [];
  const fetch = async (url, options = {}) => {
    const method = options.method || 'GET';
    const key = `${method} ${url}`;
    calls.push({ key, options });
    const route = routes[key];
    if (!route) return new Response('not found', { status: 404 });
    const [status, body] = route(options);
    return new Response(typeof body === 'string' ? body : JSON.stringify(body), { status });
  };
  return { fetch, calls, count: (key) => calls.filter((c) => c.key === key).length };
}

function clock(start = T0) {
  const c = { t: start, now: () => c.t };
  return c;
}

const KEYS_WITH_LOGIN = () => [200, { mode: 'keys', login: true }];
// POST /v1/login: the password "right" gets mint() = [secret, expires_at].
const loginRoute = (mint) => (options) => {
  const { password } = JSON.parse(options.body);
  if (password !== 'right') return [401, { error: { code: 'invalid_login', message: 'The username or password is wrong.' } }];
  const [value, expiresAt] = mint();
  return [200, { value, expires_at: expiresAt, session: {} }];
};

test('mode none: no login, no subprotocols, no more questions after a failed handshake', async () => {
  const server = fakeServer({ 'GET /v1/auth': () => [200, { mode: 'none', login: false }] });
  const auth = new AuthFlow({ fetch: server.fetch });
  assert.equal(await auth.load(), true);
  assert.equal(auth.mode, 'none');
  assert.equal(auth.required, false);
  assert.equal(auth.need, 'none');
  assert.deepEqual(await auth.beforeConnect(), { go: true, protocols: null });
  assert.deepEqual(await auth.beforeConnect({ handshakeFailed: true }), { go: true, protocols: null });
  assert.equal(server.count('GET /v1/auth'), 1);
});

test('a server without /v1/auth is an open one; an unreachable one is asked again', async () => {
  const old = new AuthFlow({ fetch: fakeServer({}).fetch });
  assert.equal(await old.load(), true);
  assert.equal(old.mode, 'none');

  let up = false;
  const server = fakeServer({
    'GET /v1/auth': () => {
      if (!up) throw new TypeError('Failed to fetch');
      return [200, { mode: 'keys', login: true }];
    },
  });
  const auth = new AuthFlow({ fetch: server.fetch });
  assert.equal(await auth.load(), false);
  assert.equal(auth.mode, null);
  // Not known yet: let the WebSocket try (and fail) rather than guess.
  assert.deepEqual(await auth.beforeConnect(), { go: true, protocols: null });
  up = true;
  assert.deepEqual(await auth.beforeConnect({ handshakeFailed: true }), { go: false, reason: 'signin', canSignIn: true });
});

test('the login: a wrong password keeps the page signed out, the right one gives the subprotocol', async () => {
  const c = clock();
  const server = fakeServer({ 'GET /v1/auth': KEYS_WITH_LOGIN, 'POST /v1/login': loginRoute(() => ['ek_abc.sig', T0 / 1000 + 600]) });
  const auth = new AuthFlow({ fetch: server.fetch, now: c.now });
  await auth.load();
  assert.equal(auth.need, 'signin');
  assert.deepEqual(await auth.beforeConnect(), { go: false, reason: 'signin', canSignIn: true });

  assert.deepEqual(await auth.signIn('ada', 'wrong'), { ok: false, message: 'The username or password is wrong.' });
  assert.equal(auth.secret, null);
  assert.equal(auth.protocols(), null);

  assert.deepEqual(await auth.signIn('ada', 'right'), { ok: true });
  const sent = server.calls.filter((x) => x.key === 'POST /v1/login').pop().options;
  assert.equal(sent.headers['content-type'], 'application/json');
  assert.deepEqual(JSON.parse(sent.body), { username: 'ada', password: 'right' });
  assert.equal(auth.user, 'ada');
  assert.equal(auth.need, 'none');
  assert.deepEqual(auth.protocols(), ['realtime', 'openai-insecure-api-key.ek_abc.sig']);
  assert.deepEqual(await auth.beforeConnect(), { go: true, protocols: ['realtime', 'openai-insecure-api-key.ek_abc.sig'] });
});

test('reconnections keep the secret while it is valid, then the login comes back without a handshake', async () => {
  const c = clock();
  let issued = 0;
  const server = fakeServer({ 'GET /v1/auth': KEYS_WITH_LOGIN, 'POST /v1/login': loginRoute(() => [`ek_${++issued}`, c.t / 1000 + 600]) });
  const auth = new AuthFlow({ fetch: server.fetch, now: c.now });
  await auth.load();
  await auth.signIn('ada', 'right');
  auth.connected();
  // Dropped connections (the socket had opened): the same secret, no questions.
  for (const minutes of [1, 5, 9]) {
    c.t = T0 + minutes * 60_000;
    assert.deepEqual(await auth.beforeConnect(), { go: true, protocols: ['realtime', 'openai-insecure-api-key.ek_1'] });
  }
  assert.equal(server.count('GET /v1/auth'), 1);
  // Too close to its expiry to be worth a handshake.
  c.t = T0 + 600_000 - EXPIRY_MARGIN_MS;
  assert.deepEqual(await auth.beforeConnect(), { go: false, reason: 'expired', canSignIn: true });
  assert.equal(auth.secret, null);
  assert.equal(server.count('GET /v1/auth'), 1);
  assert.match(signInMessage('expired'), /expired/);
  // Signing in again gives a fresh one, good for another 600 s.
  assert.deepEqual(await auth.signIn('ada', 'right'), { ok: true });
  assert.deepEqual(await auth.beforeConnect(), { go: true, protocols: ['realtime', 'openai-insecure-api-key.ek_2'] });
  assert.equal(auth.secret.connected, false);
});

test('a refused handshake with the server up means the secret is no good; with the server down it is kept', async () => {
  const c = clock();
  let down = false;
  const server = fakeServer({
    'GET /v1/auth': () => {
      if (down) throw new TypeError('Failed to fetch');
      return [200, { mode: 'keys', login: true }];
    },
    'POST /v1/login': loginRoute(() => ['ek_1', T0 / 1000 + 600]),
  });
  const auth = new AuthFlow({ fetch: server.fetch, now: c.now });
  await auth.load();
  await auth.signIn('ada', 'right');
  auth.connected();
  down = true;
  assert.deepEqual(await auth.beforeConnect({ handshakeFailed: true }), { go: true, protocols: ['realtime', 'openai-insecure-api-key.ek_1'] });
  down = false;
  assert.deepEqual(await auth.beforeConnect({ handshakeFailed: true }), { go: false, reason: 'refused', canSignIn: true });
  assert.equal(auth.secret, null);
  assert.match(signInMessage('refused'), /did not accept/);
});

test('a browser clock that disagrees with the server cannot judge the expiry: the server does', async () => {
  const c = clock();
  // The browser runs 20 minutes ahead: the fresh secret looks dead already.
  const server = fakeServer({ 'GET /v1/auth': KEYS_WITH_LOGIN, 'POST /v1/login': loginRoute(() => ['ek_1', (T0 - 20 * 60_000) / 1000 + 600]) });
  const auth = new AuthFlow({ fetch: server.fetch, now: c.now });
  await auth.load();
  await auth.signIn('ada', 'right');
  assert.equal(auth.secret.expiresAtMs, Infinity);
  assert.equal((await auth.beforeConnect()).go, true);
  // Nor can it judge a lifetime over the server's longest (7200 s).
  auth.accept({ value: 'ek_2', expires_at: T0 / 1000 + 3 * 3600 }, 'login');
  assert.equal(auth.secret.expiresAtMs, Infinity);
  auth.accept({ value: 'ek_3', expires_at: T0 / 1000 + 7200 }, 'login');
  assert.equal(auth.secret.expiresAtMs, T0 + 7200_000);
  assert.equal(auth.accept({ value: 'ek_4' }, 'login'), false);
  assert.equal(auth.accept({ expires_at: 1 }, 'login'), false);
});

test('sign-in failures say what happened', async () => {
  const cases = [
    [() => [429, { error: { code: 'rate_limit_exceeded' } }], /Too many sign-ins/],
    [() => [404, { error: { code: 'not_found' } }], /no login/],
    [() => [401, { error: { code: 'revoked_credential' } }], /revoked or expired/],
    [() => [500, 'oops'], /HTTP 500/],
    [() => [200, { nothing: true }], /HTTP 200/],
    [() => {
      throw new TypeError('Failed to fetch');
    }, /cannot be reached/],
  ];
  for (const [route, words] of cases) {
    const auth = new AuthFlow({ fetch: fakeServer({ 'POST /v1/login': route }).fetch });
    const result = await auth.signIn('ada', 'x');
    assert.equal(result.ok, false);
    assert.match(result.message, words);
    assert.equal(auth.secret, null);
  }
});

test('the operator\'s backend: fetched when connecting, renewed on expiry, not refetched when refused at once', async () => {
  const c = clock();
  let n = 0;
  let backendStatus = 200;
  const server = fakeServer({
    'GET /v1/auth': () => [200, { mode: 'keys', login: false }],
    'POST https://app.example/token': () => [backendStatus, { value: `ek_${++n}`, expires_at: c.t / 1000 + 60 }],
  });
  const auth = new AuthFlow({ fetch: server.fetch, now: c.now, secretUrl: 'https://app.example/token' });
  await auth.load();
  assert.equal(auth.need, 'none'); // no login form: the secret comes when connecting
  assert.deepEqual(await auth.beforeConnect(), { go: true, protocols: ['realtime', 'openai-insecure-api-key.ek_1'] });
  const sent = server.calls.find((x) => x.key === 'POST https://app.example/token').options;
  assert.equal(sent.credentials, 'include'); // the site's own session cookie identifies the user
  auth.connected();
  // Still valid: kept.
  c.t += 30_000;
  assert.equal((await auth.beforeConnect()).protocols[1], 'openai-insecure-api-key.ek_1');
  // Expired: a new one, silently.
  c.t += 30_000;
  assert.equal((await auth.beforeConnect()).protocols[1], 'openai-insecure-api-key.ek_2');
  // Refused while valid after it had worked (revoked, server restarted): a new one.
  auth.connected();
  assert.equal((await auth.beforeConnect({ handshakeFailed: true })).protocols[1], 'openai-insecure-api-key.ek_3');
  // Refused before it ever opened a session: asking again would loop.
  assert.deepEqual(await auth.beforeConnect({ handshakeFailed: true }), { go: false, reason: 'backend_refused', canSignIn: false });
  assert.equal(n, 3);
  // The backend says no.
  backendStatus = 401;
  assert.deepEqual(await auth.beforeConnect(), { go: false, reason: 'backend_failed', canSignIn: false });
  assert.equal(signInMessage('backend_failed', auth.lastDetail), 'This site could not get a session for you (HTTP 401).');
});

test('keys without a login or a backend: the page says it cannot connect', async () => {
  const auth = new AuthFlow({ fetch: fakeServer({ 'GET /v1/auth': () => [200, { mode: 'keys', login: false }] }).fetch });
  await auth.load();
  assert.equal(auth.need, 'no_login');
  assert.deepEqual(await auth.beforeConnect(), { go: false, reason: 'no_login', canSignIn: false });
  assert.match(signInMessage('no_login'), /Ask the operator/);
  assert.equal(signInMessage('signin'), '');
});
