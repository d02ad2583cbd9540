// Who the page is to the server when authentication is on (docs/web_auth.md).
// It asks `GET /v1/auth` what the server wants, holds the client secret (in
// memory only: never localStorage, never the URL) and decides before every
// (re)connection whether the secret it holds can still open a session, must be
// replaced (from the operator's backend, or by a login), or is not needed at
// all (mode none, where the page connects exactly as it always did).
//
// A browser cannot read why a handshake was refused (the WebSocket API only
// reports 1006), so the page tells the cases apart this way:
// - expired: the secret's `expires_at` has passed (by the browser's clock)
//   before a reconnection: no handshake is tried, the login comes back;
// - refused: a handshake failed while the secret was still valid, and
//   `GET /v1/auth` answers (so the server is up) and still says `keys`: the
//   secret was revoked, the server restarted with another signing key, or the
//   key has too many sessions open;
// - unreachable: `GET /v1/auth` fails too: the server or the network is down;
//   the secret is kept and the client's backoff goes on.
// Pure apart from the injected fetch and clock; unit-tested in
// tests/web/auth_flow.test.mjs.

// A secret this close to its expiry is not worth a handshake.
export const EXPIRY_MARGIN_MS = 5000;
// The server's longest lifetime (expires_after.seconds ≤ 7200), plus slack:
// a secret that seems to live longer, or to be dead on arrival, means the
// browser's clock disagrees with the server's, and the clock cannot judge it.
const MAX_LIFETIME_MS = (7200 + 300) * 1000;

const SUBPROTOCOL_PREFIX = 'openai-insecure-api-key.';

const REASON_WORDS = {
  signin: '',
  expired: 'Your sign-in has expired. Sign in again to go on.',
  refused:
    'The server did not accept your sign-in: it may have been revoked, the server may have restarted, ' +
    'or your account has too many conversations open. Sign in again.',
  backend_refused: 'The server did not accept the session this site gave you. Reload the page to try again.',
  backend_failed: 'This site could not get a session for you',
  no_login:
    'This server needs a key, and this page has no way to get one (no login, no client secret URL). ' +
    'Ask the operator.',
};

// The words the page shows for why it stopped connecting (`reason` from
// beforeConnect); `detail` is the backend's own explanation, if any.
export function signInMessage(reason, detail = '') {
  const words = REASON_WORDS[reason] ?? '';
  if (reason === 'backend_failed') return `${words}${detail ? ` (${detail})` : ''}.`;
  return words;
}

function errorCode(body) {
  return body && body.error && typeof body.error.code === 'string' ? body.error.code : '';
}

async function jsonOf(response) {
  try {
    return await response.json();
  } catch {
    return null;
  }
}

export class AuthFlow {
  // `base`: where the server is (the page's own origin by default);
  // `secretUrl`: the operator's backend that hands out client secrets (the
  // page's <meta name="confab-client-secret-url">), empty if none.
  constructor({ fetch = (...a) => globalThis.fetch(...a), base = '', secretUrl = '', now = () => Date.now(), marginMs = EXPIRY_MARGIN_MS } = {}) {
    Object.assign(this, { fetch, base, secretUrl, now, marginMs });
    this.mode = null; // null (not known yet) | 'none' | 'keys'
    this.login = false; // the server has a login (auth.users_file)
    this.secret = null; // { value, expiresAtMs, connected, from: 'login' | 'backend' }
    this.user = '';
    this.lastDetail = '';
  }

  // GET /v1/auth. False when the server cannot be reached (mode stays as it
  // was). A server that predates authentication (404) is an open one.
  async load() {
    let response;
    try {
      response = await this.fetch(`${this.base}/v1/auth`, { cache: 'no-store' });
    } catch {
      return false;
    }
    if (response.status === 404) {
      this.mode = 'none';
      this.login = false;
      return true;
    }
    if (!response.ok) return false;
    const body = await jsonOf(response);
    if (!body) return false;
    this.mode = body.mode === 'keys' ? 'keys' : 'none';
    this.login = body.login === true;
    return true;
  }

  get required() {
    return this.mode === 'keys';
  }

  // What the page must do before it can connect at all: nothing ('none'),
  // show its login ('signin'), or say that it cannot ('no_login'). With a
  // client secret URL the secret is fetched when connecting.
  get need() {
    if (this.mode !== 'keys' || this.secret || this.secretUrl) return 'none';
    return this.login ? 'signin' : 'no_login';
  }

  // Keeps a {value, expires_at} answer (the login's, client_secrets', or the
  // operator's backend's). False if it is not one.
  accept(body, from) {
    if (!body || typeof body.value !== 'string' || !body.value || typeof body.expires_at !== 'number') return false;
    const expiresAtMs = body.expires_at * 1000;
    const remaining = expiresAtMs - this.now();
    const judgeable = remaining > 0 && remaining <= MAX_LIFETIME_MS;
    this.secret = { value: body.value, expiresAtMs: judgeable ? expiresAtMs : Infinity, connected: false, from };
    return true;
  }

  valid() {
    return Boolean(this.secret) && this.now() + this.marginMs < this.secret.expiresAtMs;
  }

  // The subprotocols to offer: null (connect without any, as the page always
  // did) unless there is a secret to present.
  protocols() {
    return this.secret ? ['realtime', SUBPROTOCOL_PREFIX + this.secret.value] : null;
  }

  // A session opened with the secret (session.created): a later refusal of
  // it means it was revoked, not that it never worked.
  connected() {
    if (this.secret) this.secret.connected = true;
  }

  forget() {
    this.secret = null;
  }

  // POST /v1/login → {ok: true} or {ok: false, message}.
  async signIn(username, password) {
    let response;
    try {
      response = await this.fetch(`${this.base}/v1/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password }),
        cache: 'no-store',
      });
    } catch {
      return { ok: false, message: 'The server cannot be reached. Try again in a moment.' };
    }
    const body = await jsonOf(response);
    if (response.ok && this.accept(body, 'login')) {
      this.user = username;
      return { ok: true };
    }
    const code = errorCode(body);
    if (code === 'invalid_login') return { ok: false, message: 'The username or password is wrong.' };
    if (response.status === 429) return { ok: false, message: 'Too many sign-ins at once. Try again in a moment.' };
    if (response.status === 404) return { ok: false, message: 'This server has no login.' };
    if (code === 'revoked_credential' || code === 'expired_credential' || code === 'invalid_credential')
      return { ok: false, message: 'Your account cannot be used right now (its key is revoked or expired). Ask the operator.' };
    return { ok: false, message: `Sign-in failed (HTTP ${response.status}).` };
  }

  // The operator's backend: POST secretUrl (with the site's cookies) →
  // {value, expires_at}, the very answer of POST /v1/realtime/client_secrets.
  async fetchSecret() {
    let response;
    try {
      response = await this.fetch(this.secretUrl, { method: 'POST', credentials: 'include', cache: 'no-store' });
    } catch {
      return { ok: false, message: 'it cannot be reached' };
    }
    const body = await jsonOf(response);
    if (response.ok && this.accept(body, 'backend')) return { ok: true };
    return { ok: false, message: response.ok ? 'its answer has no client secret' : `HTTP ${response.status}` };
  }

  // Before each (re)connection. `handshakeFailed`: the previous attempt's
  // WebSocket closed before it opened. → {go: true, protocols} or
  // {go: false, reason, canSignIn} (reason: signin | expired | refused |
  // backend_refused | backend_failed | no_login; signInMessage() has its
  // words; canSignIn: the page may show its login).
  async beforeConnect({ handshakeFailed = false } = {}) {
    let reason = '';
    let refetch = true; // a backend's secret may be replaced by a new one
    if (this.mode === null || (handshakeFailed && this.mode === 'keys')) {
      // Down (or never seen): try with what we have; the WebSocket's own
      // failure keeps the client's backoff going and brings us back here.
      if (!(await this.load())) return this.go();
      if (handshakeFailed && this.mode === 'keys' && this.valid()) {
        // Up, and refused a secret that had not expired. A backend's secret
        // that never opened a session would only be refused again.
        refetch = this.secret.connected;
        reason = this.secret.from === 'backend' && !refetch ? 'backend_refused' : 'refused';
        this.forget();
      }
    }
    if (this.mode !== 'keys') return this.go();
    if (this.secret && !this.valid()) {
      this.forget();
      reason = 'expired';
    }
    if (this.secret) return this.go();
    if (this.secretUrl && refetch) {
      const got = await this.fetchSecret();
      if (got.ok) return this.go();
      reason = 'backend_failed';
      this.lastDetail = got.message;
    }
    if (!reason) reason = this.login ? 'signin' : 'no_login';
    return { go: false, reason, canSignIn: this.login };
  }

  go() {
    return { go: true, protocols: this.protocols() };
  }
}
