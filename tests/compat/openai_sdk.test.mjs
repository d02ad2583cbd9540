// Compatibility: the official `openai` npm package's Realtime WebSocket client
// (OpenAIRealtimeWS) talks to a real confab over wss:// with a certificate
// generated here and trusted through NODE_EXTRA_CA_CERTS.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const binary = process.env.CONFAB_BINARY;
const sourceDir = process.env.CONFAB_SOURCE_DIR;

function makeCertificate(dir) {
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
    '-keyout', key, '-out', cert], { stdio: 'ignore' });
  return { key, cert };
}

async function startConfab(dir, tls) {
  const portFile = path.join(dir, 'port');
  const child = spawn(binary, ['--host', '127.0.0.1', '--port', '0', '--port-file', portFile,
    '--web-root', path.join(sourceDir, 'web'), '--tls-cert', tls.cert, '--tls-key', tls.key,
    '--stt-workers', '1', '--tts-workers', '1'], { stdio: ['ignore', 'inherit', 'inherit'] });
  for (let i = 0; i < 300; i++) {
    if (existsSync(portFile)) {
      const port = Number(readFileSync(portFile, 'utf8').trim());
      if (port > 0) return { child, port };
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  throw new Error('confab did not start');
}

// Runs this file again in a child node with the certificate trusted, since
// NODE_EXTRA_CA_CERTS is read only at start-up.
if (!process.env.CONFAB_COMPAT_CHILD) {
  test('the OpenAI SDK realtime client works against confab over wss', async () => {
    assert.ok(binary && existsSync(binary), 'CONFAB_BINARY must name the confab binary');
    const dir = mkdtempSync(path.join(tmpdir(), 'confab-compat-'));
    const tls = makeCertificate(dir);
    const { child, port } = await startConfab(dir, tls);
    try {
      const out = execFileSync(process.execPath, [new URL(import.meta.url).pathname], {
        env: { ...process.env, CONFAB_COMPAT_CHILD: '1', CONFAB_PORT: String(port), NODE_EXTRA_CA_CERTS: tls.cert },
        encoding: 'utf8', timeout: 30000,
      });
      const result = JSON.parse(out.trim().split('\n').pop());
      assert.equal(result.created.type, 'session.created');
      assert.equal(result.created.session.model, 'gpt-realtime');
      assert.equal(result.created.session.audio.input.format.rate, 24000);
      assert.equal(result.updated.type, 'session.updated');
      assert.equal(result.updated.session.instructions, 'Answer like a pirate.');
      assert.equal(result.error.code, 'invalid_base64');
      assert.equal(result.error.param, 'audio');
      assert.equal(result.error.event_id, 'bad-append-1');
    } finally {
      child.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    }
  });
} else {
  const { default: OpenAI } = await import('openai');
  const { OpenAIRealtimeWS } = await import('openai/realtime/ws');
  const client = new OpenAI({ apiKey: 'sk-test', baseURL: `https://127.0.0.1:${process.env.CONFAB_PORT}/v1` });
  const rt = new OpenAIRealtimeWS({ model: 'gpt-realtime' }, client);
  const result = {};
  const done = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timeout: ' + JSON.stringify(result))), 15000);
    rt.on('session.created', (ev) => {
      result.created = ev;
      rt.send({ type: 'session.update', session: { type: 'realtime', instructions: 'Answer like a pirate.' } });
    });
    rt.on('session.updated', (ev) => {
      result.updated = ev;
      rt.send({ type: 'input_audio_buffer.append', event_id: 'bad-append-1', audio: '%%% not base64 %%%' });
    });
    rt.on('error', (err) => {
      if (!err.error) { clearTimeout(timer); reject(err); return; }
      result.error = err.error;
      clearTimeout(timer);
      resolve();
    });
  });
  await done;
  rt.close();
  console.log(JSON.stringify(result));
}
