// Compatibility: the official `openai` npm package's Realtime WebSocket client
// (OpenAIRealtimeWS) talks to a real confab over wss:// with a certificate
// generated here and trusted through NODE_EXTRA_CA_CERTS.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { makeCertificate, startConfab } from './tls_confab.mjs';

const binary = process.env.CONFAB_BINARY;
const sourceDir = process.env.CONFAB_SOURCE_DIR;


// Runs this file again in a child node with the certificate trusted, since
// NODE_EXTRA_CA_CERTS is read only at start-up.
if (!process.env.CONFAB_COMPAT_CHILD) {
  test('the OpenAI SDK realtime client works against confab over wss', async () => {
    assert.ok(binary && existsSync(binary), 'CONFAB_BINARY must name the confab binary');
    const dir = mkdtempSync(path.join(tmpdir(), 'confab-compat-'));
    const tls = makeCertificate(dir);
    const { child, port } = await startConfab(binary, sourceDir, dir, tls);
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
