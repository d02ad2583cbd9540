// The bundled page with authentication on, in headless Chromium: confab runs
// with auth.mode = keys, a keys file and a users file written here (the
// password hashed with PBKDF2 as Django does), and serves the page (through a
// TCP proxy the test can cut). (a) A wrong password shows the error and opens
// no WebSocket; (b) the right one signs in, the page connects offering the
// client secret as a subprotocol (`ws.protocol` is `realtime` in the page) and
// a typed turn gets the fake LLM's reply; (c) a plain WebSocket without a
// credential, or with a forged one, is refused before any message; (d) once
// the secret has expired (the page's clock moved past it) a dropped
// connection brings the login back with its reason and no handshake, and
// signing in again resumes the conversation; (e) with the login's key revoked
// (SIGHUP) the next reconnection is refused once and the page says so; (f) a
// page whose operator configured a client secret URL gets its secret from
// that backend (which mints it with its own API key) and shows no login.
// Neither the password, nor a key, nor a secret appears in confab's log or
// audit log.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { createHash, pbkdf2Sync, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync, existsSync, cpSync } from 'node:fs';
import path from 'node:path';
import {
  startFakeLlm, startConfab, makeMicWav, launchBrowser, waitForPage, saveScreenshotPath, TcpProxy, tempDir,
  cleanup, sourceDir,
} from './harness.mjs';

const REPLY = 'The lighthouse keeper signs in before the lamp is lit.';
const PASSWORD = 'correct horse battery staple';
const BACKEND_INSTRUCTIONS = 'You are the concierge of the operator backend test.';

function sha256Hex(text) {
  return createHash('sha256').update(text).digest('hex');
}

// Django's pbkdf2_sha256$<iterations>$<salt>$<base64 hash>; 20 000
// iterations (the server's minimum is 10 000) keep the test quick.
function djangoHash(password, iterations = 20000) {
  const salt = randomBytes(9).toString('base64url');
  const hash = pbkdf2Sync(password, salt, iterations, 32, 'sha256').toString('base64');
  return `pbkdf2_sha256$${iterations}$${salt}$${hash}`;
}

function writeAuthFiles(dir) {
  const webKey = `ck_${randomBytes(24).toString('base64url')}`; // the login's key: nobody holds it
  const backendKey = `ck_${randomBytes(24).toString('base64url')}`; // the operator's backend's
  const files = {
    keys: path.join(dir, 'keys.toml'), users: path.join(dir, 'users.toml'),
    signing: path.join(dir, 'signing.key'), audit: path.join(dir, 'audit.log'),
  };
  // revoked: the login's key revoked (for a SIGHUP).
  const writeKeys = ({ revoked = false } = {}) => writeFileSync(files.keys, [
    `[[key]]\nid = "web-login"\nuser = "web"\nsha256 = "${sha256Hex(webKey)}"\n${revoked ? 'revoked = true\n' : ''}`,
    `[[key]]\nid = "backend"\nuser = "operator"\nsha256 = "${sha256Hex(backendKey)}"\n`,
  ].join('\n'));
  writeKeys();
  writeFileSync(files.users, `[[user]]\nname = "ada"\npassword = "${djangoHash(PASSWORD)}"\nkey = "web-login"\n`);
  writeFileSync(files.signing, randomBytes(32).toString('hex'));
  return { files, backendKey, secrets: [webKey, backendKey, PASSWORD], revokeLoginKey: () => writeKeys({ revoked: true }) };
}

function auditLines(file) {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

// The audit writer is asynchronous: wait (bounded) for a line matching `want`.
async function audited(file, want) {
  for (let i = 0; i < 200; i++) {
    const line = auditLines(file).find((l) => Object.entries(want).every(([k, v]) => l[k] === v));
    if (line) return line;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`no audit line ${JSON.stringify(want)} in:\n${auditLines(file).map((l) => JSON.stringify(l)).join('\n')}`);
}

// The web root confab serves: the bundled page as it is (index.html), and
// the operator's copy of it (backend.html) naming its backend's URL, as an
// operator would put it in their own web root (docs/web_auth.md).
function webRootWithBackendPage(dir, backendUrl) {
  const root = path.join(dir, 'web');
  cpSync(path.join(sourceDir, 'web'), root, { recursive: true });
  const index = readFileSync(path.join(root, 'index.html'), 'utf8');
  const empty = '<meta name="confab-client-secret-url" content="">';
  assert.ok(index.includes(empty));
  writeFileSync(path.join(root, 'backend.html'),
    index.replace(empty, `<meta name="confab-client-secret-url" content="${backendUrl}">`));
  return root;
}

// The operator's own backend, as docs/web_auth.md shows it: it mints a
// client secret with its API key and hands {value, expires_at} to the page
// (another origin: CORS for the page's origin only).
function startBackend(site, apiKey) {
  const minted = [];
  const server = http.createServer(async (req, res) => {
    const cors = { 'access-control-allow-origin': site.pageOrigin, 'access-control-allow-credentials': 'true', vary: 'Origin' };
    if (req.method !== 'POST' || req.url !== '/realtime-secret') {
      res.writeHead(404, cors).end();
      return;
    }
    const answer = await fetch(`http://127.0.0.1:${site.confabPort}/v1/realtime/client_secrets`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        expires_after: { anchor: 'created_at', seconds: 120 },
        session: { type: 'realtime', instructions: BACKEND_INSTRUCTIONS },
      }),
    });
    const body = await answer.json();
    minted.push(answer.status);
    res.writeHead(answer.status, { ...cors, 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify({ value: body.value, expires_at: body.expires_at }));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    url: `http://127.0.0.1:${server.address().port}/realtime-secret`, minted, close: () => server.close(),
  })));
}

async function typeAndWaitForReply(page, text, n) {
  await page.fill('#text', text);
  await page.click('#composer button[type=submit]');
  return waitForPage(page, (k) => {
    const done = window.confab.log.filter((l) => l.type === 'response.done' && l.status === 'completed');
    const said = window.confab.log.filter((l) => l.type === 'assistant_transcript');
    return done.length >= k && said.length >= k ? said[k - 1].text : null;
  }, n, { what: `reply ${n}` });
}

async function connected(page) {
  return waitForPage(page, () => {
    const s = window.confab.stats();
    return s.connection === 'connected' ? s : null;
  }, undefined, { what: 'connected' });
}

// A WebSocket from the page with `protocols`: what happened, in order.
function plainSocket(page, url, protocols) {
  return page.evaluate(([u, p]) => new Promise((resolve) => {
    const events = [];
    const ws = p ? new WebSocket(u, p) : new WebSocket(u);
    ws.onopen = () => events.push('open');
    ws.onmessage = () => events.push('message');
    ws.onclose = (e) => resolve({ events: [...events, 'close'], code: e.code });
  }), [url, protocols]);
}

test('the page with authentication on: login, subprotocol, refusals, expiry, revocation, a backend\'s secret', { timeout: 150000 }, async (t) => {
  const dir = tempDir('browser-login');
  const { files, backendKey, secrets, revokeLoginKey } = writeAuthFiles(dir);
  const llm = await startFakeLlm(dir, { reply: REPLY, ttftMs: 50, tokensPerSecond: 200 });
  // The backend needs confab's port and the page's origin, confab the
  // backend's URL (in its web root): the backend learns them once they exist.
  const site = { confabPort: 0, pageOrigin: '' };
  const backend = await startBackend(site, backendKey);
  const server = await startConfab(dir, {
    llmUrl: llm.url,
    args: ['--auth-mode', 'keys', '--auth-keys-file', files.keys, '--auth-users-file', files.users,
      '--auth-signing-key-file', files.signing, '--auth-audit-log', files.audit,
      '--web-root', webRootWithBackendPage(dir, backend.url)], // after the harness's own: this one counts
  });
  const proxy = new TcpProxy(server.port);
  const origin = `http://127.0.0.1:${await proxy.listen()}`;
  Object.assign(site, { confabPort: server.port, pageOrigin: origin });
  const mic = makeMicWav(path.join(dir, 'mic.wav'), [{ silence: 1 }]);
  const { context, page, consoleLines } = await launchBrowser(dir, mic.file);
  const sockets = []; // every WebSocket the page opened
  page.on('websocket', (ws) => sockets.push(ws.url()));
  // The page's clock flows as the real one until (d) moves it.
  await page.clock.install();
  // Each step a subtest; a failed one stops the rest (they build on it).
  const step = async (name, fn) => {
    let failure = null;
    await t.test(name, async () => {
      try {
        await fn();
      } catch (e) {
        failure = e;
        throw e;
      }
    });
    if (failure) throw failure;
  };
  try {
    await page.goto(`${origin}/`);

    await step('(a) a wrong password shows the error and opens no WebSocket', async () => {
      await page.waitForSelector('#login', { state: 'visible' });
      assert.equal(await page.isVisible('#start'), false, 'Start is offered before signing in');
      assert.deepEqual(await page.evaluate(() => window.confab.auth()),
        { mode: 'keys', login: true, signedIn: false, user: '', loginShown: true });
      await page.fill('#login-user', 'ada');
      await page.fill('#login-password', 'not the password');
      await page.click('#login-submit');
      await page.waitForSelector('#login-error', { state: 'visible' });
      assert.equal(await page.textContent('#login-error'), 'The username or password is wrong.');
      assert.equal(await page.inputValue('#login-password'), '');
      await page.screenshot({ path: saveScreenshotPath('browser-login-refused.png'), fullPage: true });
      await audited(files.audit, { event: 'authn_login_fail', user: 'ada', reason: 'wrong_username_or_password' });
      assert.deepEqual(sockets, []);
      assert.equal(await page.evaluate(() => window.confab.auth().signedIn), false);
    });

    await step('(b) the right password signs in; the page connects with the secret and gets a reply', async () => {
      await page.fill('#login-password', PASSWORD);
      await page.click('#login-submit');
      await page.waitForSelector('#start', { state: 'visible' });
      assert.equal(await page.isVisible('#login'), false);
      assert.deepEqual(sockets, [], 'a WebSocket before Start');
      await page.click('#start');
      const stats = await connected(page);
      assert.equal(stats.protocol, 'realtime');
      assert.equal(sockets.length, 1);
      assert.equal(new URL(sockets[0]).search, '', 'something in the URL');
      const reply = await typeAndWaitForReply(page, 'Who may light the lamp?', 1);
      assert.equal(reply, REPLY);
      const shown = await page.$$eval('.msg.assistant', (els) => els.map((e) => e.textContent));
      assert.deepEqual(shown, [REPLY]);
      const shot = saveScreenshotPath('browser-login.png');
      await page.screenshot({ path: shot, fullPage: true });
      console.log(`screenshot: ${shot}`);
      const login = await audited(files.audit, { event: 'authn_login_success', user: 'ada', reason: 'login' });
      assert.equal(login.key_id, 'web-login');
      await audited(files.audit, { event: 'authn_login_success', reason: 'client_secret from subprotocol' });
      assert.match(server.log(), /session started .*auth=subprotocol subprotocol=realtime/);
      // The secret lives in the page's memory only.
      const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + location.href + document.cookie);
      assert.equal(stored.includes('ek_'), false, stored);
    });

    await step('(c) a plain page WebSocket without a credential is refused before any message', async () => {
      const url = `${origin.replace('http', 'ws')}/v1/realtime`;
      assert.deepEqual(await plainSocket(page, url, null), { events: ['close'], code: 1006 });
      await audited(files.audit, { event: 'authn_login_fail', reason: 'missing_credential' });
      const forged = ['realtime', `openai-insecure-api-key.ek_${randomBytes(16).toString('base64url')}.${randomBytes(32).toString('base64url')}`];
      assert.deepEqual(await plainSocket(page, url, forged), { events: ['close'], code: 1006 });
      await audited(files.audit, { event: 'authn_login_fail', reason: 'invalid_credential' });
    });

    await step('(d) after the secret\'s expiry a drop brings the login back; signing in again resumes', async () => {
      const before = sockets.length;
      await page.clock.setSystemTime(Date.now() + 601_000); // the login's secrets live 600 s
      assert.ok(proxy.cut() >= 1);
      await page.waitForSelector('#login', { state: 'visible' });
      assert.match(await page.textContent('#login-message'), /Your sign-in has expired/);
      assert.equal(await page.evaluate(() => window.confab.stats().connection), 'signed_out');
      assert.equal(sockets.length, before, 'a handshake with an expired secret');
      await page.clock.setSystemTime(Date.now());
      await page.fill('#login-password', PASSWORD); // the name is still filled in
      assert.equal(await page.inputValue('#login-user'), 'ada');
      await page.click('#login-submit');
      const resumed = await waitForPage(page, () => window.confab.log.find((l) => l.type === 'resumed'), undefined,
        { what: 'the conversation to resume' });
      assert.equal(resumed.items, 2);
      assert.equal((await connected(page)).protocol, 'realtime');
      assert.equal(await typeAndWaitForReply(page, 'And who may put it out?', 2), REPLY);
      const last = llm.requests().at(-1).messages.map((m) => `${m.role}: ${m.content}`);
      assert.ok(last.includes('user: Who may light the lamp?'), JSON.stringify(last));
    });

    await step('(e) the login\'s key revoked (SIGHUP): the next reconnection is refused and the page says so', async () => {
      const before = sockets.length;
      revokeLoginKey();
      server.child.kill('SIGHUP');
      await audited(files.audit, { event: 'authn_token_revoked', key_id: 'web-login' });
      assert.ok(proxy.cut() >= 1);
      await page.waitForSelector('#login', { state: 'visible' });
      assert.match(await page.textContent('#login-message'), /did not accept your sign-in/);
      assert.equal(sockets.length, before + 1, 'one refused handshake, then no more');
      await audited(files.audit, { event: 'authn_login_fail', key_id: 'web-login', reason: 'revoked_credential' });
      // The login itself now mints nothing for that key.
      await page.fill('#login-password', PASSWORD);
      await page.click('#login-submit');
      await page.waitForSelector('#login-error', { state: 'visible' });
      assert.match(await page.textContent('#login-error'), /cannot be used right now/);
      assert.equal(sockets.length, before + 1);
    });

    await step('(f) a client secret from the operator\'s backend: no login, the backend\'s session', async () => {
      await page.goto(`${origin}/backend.html`);
      await page.waitForSelector('#start', { state: 'visible' });
      await page.click('#start');
      assert.equal((await connected(page)).protocol, 'realtime');
      assert.equal(await page.isVisible('#login'), false);
      assert.deepEqual(backend.minted, [200]);
      assert.equal(await typeAndWaitForReply(page, 'Where is the lamp?', 1), REPLY);
      const system = llm.requests().at(-1).messages.find((m) => m.role === 'system');
      assert.ok(system && String(system.content).includes(BACKEND_INSTRUCTIONS), JSON.stringify(system));
      await audited(files.audit, { event: 'authn_token_created', key_id: 'backend' });
    });

    // Nothing secret was written down.
    server.stop();
    await new Promise((resolve) => (server.child.exitCode !== null ? resolve() : server.child.once('exit', resolve)));
    const written = server.log() + readFileSync(files.audit, 'utf8');
    for (const secret of secrets) assert.equal(written.includes(secret), false, 'a key or the password was logged');
    assert.equal(/ek_[A-Za-z0-9_-]{20}/.test(written), false, 'a client secret was logged');
  } catch (e) {
    console.log(consoleLines.join('\n'));
    console.log(server.log().split('\n').slice(-40).join('\n'));
    throw e;
  } finally {
    await context.close();
    backend.close();
    proxy.close();
    server.stop();
    llm.stop();
    cleanup(dir);
  }
});
