// Browser clients authenticate with WebSocket subprotocols (a browser cannot
// set headers): headless Chromium holds a text session with an ek_-style key,
// (1) with a plain WebSocket offering ['realtime',
// 'openai-insecure-api-key.ek_…', 'openai-beta.realtime-v1'] over ws://, and
// (2) with the official `openai` SDK's browser client (OpenAIRealtimeWebSocket,
// loaded as plain ES modules, no bundler) over wss://, which is the scheme the
// SDK always uses. Each sees `realtime` as the negotiated protocol, a
// session.update, and the fake LLM's reply in a completed response.done. The
// key must not appear in confab's log.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { execFileSync } from 'node:child_process';
import { X509Certificate, createHash, randomBytes } from 'node:crypto';
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import {
  startFakeLlm, startConfab, makeMicWav, launchBrowser, waitForPage, sourceDir, tempDir, cleanup,
} from './harness.mjs';

const REPLY = 'Lighthouses keep ships off the rocks at night.';
const QUESTION = 'What do lighthouses do?';
const pageFile = path.join(sourceDir, 'tests', 'e2e', 'subprotocol_page.html');
const sdkDir = path.join(sourceDir, 'node_modules', 'openai');

// Serves the test page at / and the SDK's ES modules under /openai/.
function startPageServer() {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://localhost');
    let file = null;
    let type = 'text/html; charset=utf-8';
    if (url.pathname === '/') {
      file = pageFile;
    } else if (url.pathname.startsWith('/openai/') && url.pathname.endsWith('.mjs')) {
      const candidate = path.join(sdkDir, path.normalize(url.pathname.slice('/openai/'.length)));
      if (candidate.startsWith(sdkDir + path.sep)) file = candidate;
      type = 'text/javascript';
    }
    if (!file || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': type }).end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    url: `http://127.0.0.1:${server.address().port}/`,
    close: () => server.close(),
  })));
}

// A self-signed certificate for 127.0.0.1 and the SPKI hash Chromium is told
// to trust (only this certificate, not every one).
function makeCertificate(dir) {
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
    '-keyout', key, '-out', cert], { stdio: 'ignore' });
  const spki = new X509Certificate(readFileSync(cert)).publicKey.export({ type: 'spki', format: 'der' });
  return { key, cert, spkiHash: createHash('sha256').update(spki).digest('base64') };
}

function replyText(done) {
  return (done.response.output || [])
    .flatMap((item) => item.content || [])
    .map((part) => part.text ?? part.transcript ?? '')
    .join('');
}

// Starts the fake LLM, confab, the page server and Chromium; runs `body`
// with them and always tears everything down.
async function withSession(name, { tls = false } = {}, body) {
  const dir = tempDir(name);
  const llm = await startFakeLlm(dir, { reply: REPLY, ttftMs: 50, tokensPerSecond: 200 });
  const cert = tls ? makeCertificate(dir) : null;
  const args = cert ? ['--tls-cert', cert.cert, '--tls-key', cert.key] : [];
  const server = await startConfab(dir, { llmUrl: llm.url, args });
  const pages = await startPageServer();
  const mic = makeMicWav(path.join(dir, 'mic.wav'), [{ silence: 0.5 }]);
  const extraArgs = cert ? [`--ignore-certificate-errors-spki-list=${cert.spkiHash}`] : [];
  const { context, page, consoleLines } = await launchBrowser(dir, mic.file, { extraArgs });
  const key = `ek_${randomBytes(12).toString('hex')}`;
  try {
    await page.goto(pages.url);
    await waitForPage(page, () => window.pageReady === true, undefined, { what: 'the test page' });
    await body({ page, server, llm, key });
    // The key was accepted as the client's credential and never written down.
    server.stop();
    await new Promise((resolve) => (server.child.exitCode !== null ? resolve() : server.child.once('exit', resolve)));
    const log = server.log();
    assert.match(log, /session started .*auth=subprotocol subprotocol=realtime/);
    assert.equal(log.includes(key), false, 'the key appears in confab\'s log');
    assert.equal(log.includes(key.slice(3)), false, 'part of the key appears in confab\'s log');
  } catch (e) {
    console.log(consoleLines.join('\n'));
    console.log(server.log().split('\n').slice(-40).join('\n'));
    throw e;
  } finally {
    await context.close();
    server.stop();
    llm.stop();
    pages.close();
    cleanup(dir);
  }
}

function checkSession(result, llm) {
  assert.equal(result.protocol, 'realtime');
  assert.equal(result.created.session.model, 'gpt-realtime');
  assert.deepEqual(result.updated.session.output_modalities, ['text']);
  assert.deepEqual(result.errors, []);
  assert.equal(result.done.response.status, 'completed');
  assert.equal(replyText(result.done), REPLY);
  // The typed turn reached the language model.
  const requests = llm.requests();
  assert.equal(requests.length, 1);
  assert.ok(requests[0].messages.some((m) => m.role === 'user' && String(m.content).includes(QUESTION)));
}

test('a plain browser WebSocket with the SDK subprotocols holds a session', { timeout: 90000 }, async () => {
  await withSession('browser-subprotocol-plain', {}, async ({ page, server, llm, key }) => {
    const url = `ws://127.0.0.1:${server.port}/v1/realtime?model=gpt-realtime`;
    const protocols = ['realtime', `openai-insecure-api-key.${key}`, 'openai-beta.realtime-v1'];
    const result = await page.evaluate(([u, p, q]) => window.plainSession(u, p, q), [url, protocols, QUESTION]);
    console.log(`plain WebSocket: protocol "${result.protocol}", events ${result.types.join(' ')}`);
    checkSession(result, llm);
  });
});

test('the official SDK\'s browser client (OpenAIRealtimeWebSocket) holds a session', { timeout: 90000 }, async () => {
  await withSession('browser-subprotocol-sdk', { tls: true }, async ({ page, server, llm, key }) => {
    const baseURL = `https://127.0.0.1:${server.port}/v1`;
    const result = await page.evaluate(([b, k, q]) => window.sdkSession(b, k, q), [baseURL, key, QUESTION]);
    console.log(`SDK: ${result.url} protocol "${result.protocol}", events ${result.types.join(' ')}`);
    assert.equal(new URL(result.url).protocol, 'wss:');
    assert.deepEqual(result.sdkErrors, []);
    checkSession(result, llm);
  });
});
