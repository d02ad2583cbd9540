// Compatibility: the official `openai` npm package does the client-secret
// flow against a confab with authentication on: a "backend" client with an
// API key mints a secret through client.realtime.clientSecrets.create(), and
// a second client whose apiKey is that secret opens OpenAIRealtimeWS (the
// SDK sends it as Authorization: Bearer). Over wss:// with a certificate made
// here and trusted through NODE_EXTRA_CA_CERTS.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { makeCertificate, startConfab } from './tls_confab.mjs';

const binary = process.env.CONFAB_BINARY;
const sourceDir = process.env.CONFAB_SOURCE_DIR;
const apiKey = 'ck_compat_backend_key_0123456789';

async function startAuthConfab(dir, tls) {
  const keys = path.join(dir, 'keys.toml');
  writeFileSync(keys, `[[key]]\nid = "backend"\nuser = "compat"\nsha256 = "${
    createHash('sha256').update(apiKey).digest('hex')}"\n`);
  const signing = path.join(dir, 'signing.key');
  writeFileSync(signing, 'a-signing-key-for-the-sdk-compat-test-0123456789');
  return startConfab(binary, sourceDir, dir, tls, ['--auth-mode', 'keys', '--auth-keys-file', keys,
    '--auth-signing-key-file', signing, '--auth-audit-log', path.join(dir, 'audit.log')]);
}

if (!process.env.CONFAB_COMPAT_CHILD) {
  test('the OpenAI SDK mints a client secret and opens a session with it', async () => {
    assert.ok(binary && existsSync(binary), 'CONFAB_BINARY must name the confab binary');
    const dir = mkdtempSync(path.join(tmpdir(), 'confab-secret-'));
    const tls = makeCertificate(dir);
    const { child, port } = await startAuthConfab(dir, tls);
    try {
      const out = execFileSync(process.execPath, [new URL(import.meta.url).pathname], {
        env: { ...process.env, CONFAB_COMPAT_CHILD: '1', CONFAB_PORT: String(port), NODE_EXTRA_CA_CERTS: tls.cert },
        encoding: 'utf8', timeout: 30000,
      });
      const result = JSON.parse(out.trim().split('\n').pop());
      assert.match(result.secret.value, /^ek_/);
      assert.ok(result.secret.expires_at > Date.now() / 1000 + 290);
      assert.equal(result.secret.session.instructions, 'Answer like a pirate.');
      assert.equal(result.refused, 401, 'a client without a credential is refused');
      assert.equal(result.created.type, 'session.created');
      assert.equal(result.created.session.instructions, 'Answer like a pirate.');
      assert.equal(result.done.response.status, 'completed');
      const audit = readFileSync(path.join(dir, 'audit.log'), 'utf8');
      assert.match(audit, /"event":"authn_token_created"/);
      assert.match(audit, /"event":"authn_login_success".*"reason":"client_secret from bearer"/);
      assert.ok(!audit.includes(result.secret.value), 'the audit log never holds a secret');
    } finally {
      child.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    }
  });
} else {
  const { default: OpenAI } = await import('openai');
  const { OpenAIRealtimeWS } = await import('openai/realtime/ws');
  const baseURL = `https://127.0.0.1:${process.env.CONFAB_PORT}/v1`;
  const result = {};
  // The operator's backend: holds the API key, mints for the browser.
  const backend = new OpenAI({ apiKey, baseURL });
  result.secret = await backend.realtime.clientSecrets.create({
    expires_after: { anchor: 'created_at', seconds: 300 },
    session: { type: 'realtime', instructions: 'Answer like a pirate.', output_modalities: ['text'] },
  });
  // Without a credential the upgrade is refused.
  result.refused = await new Promise((resolve) => {
    const anonymous = new OpenAIRealtimeWS({ model: 'gpt-realtime' }, new OpenAI({ apiKey: '', baseURL }));
    anonymous.socket.on('unexpected-response', (_req, res) => resolve(res.statusCode));
    anonymous.socket.on('open', () => resolve(101));
    anonymous.on('error', () => {});
  });
  // The client: knows only the short-lived secret.
  const rt = new OpenAIRealtimeWS({ model: 'gpt-realtime' }, new OpenAI({ apiKey: result.secret.value, baseURL }));
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timeout: ' + JSON.stringify(result))), 20000);
    rt.on('session.created', (ev) => {
      result.created = ev;
      rt.send({ type: 'conversation.item.create',
        item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hello' }] } });
      rt.send({ type: 'response.create' });
    });
    rt.on('response.done', (ev) => {
      result.done = ev;
      clearTimeout(timer);
      resolve();
    });
    rt.on('error', (err) => { clearTimeout(timer); reject(err); });
  });
  rt.close();
  console.log(JSON.stringify(result));
}
