// Issue 16 (c): three Confab nodes behind a real haproxy with
// deploy/haproxy.cfg, clients on the official SDK (OpenAIRealtimeWS over wss:
// to the proxy). A new client is never refused while some node has room:
// a full node answers the proxy 503 before the upgrade and haproxy retries
// on another; when every node is full the client gets server_at_capacity,
// whether a node or haproxy itself says it; a node with room again is back
// in rotation after its /readyz checks.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import OpenAI from 'openai';
import { OpenAIRealtimeWS } from 'openai/realtime/ws';
import { tempDir, cleanup, recording24k, wordErrorRate, sleep } from '../e2e/harness.mjs';
import { startNodes, startHaproxy, sessionCount } from './cluster.mjs';

const WAIT_MS = 15000;
let dir;
let nodes = [];
const proxies = [];
const open = [];

before(async () => {
  dir = tempDir('cluster-lb');
  nodes = await startNodes(dir, 3, ['--max-sessions', '2']);
});

after(() => {
  for (const s of open) s.close();
  for (const p of proxies) p.stop();
  for (const n of nodes) n.stop();
  if (!process.env.CONFAB_KEEP_TEST_DIR) cleanup(dir);
});

// An SDK client through `lb`: {rt, created} once admitted, or {status,
// server, body} when the upgrade was refused.
function sdkSession(lb) {
  const client = new OpenAI({ apiKey: 'sk-cluster-test', baseURL: lb.url });
  const rt = new OpenAIRealtimeWS({ model: 'gpt-realtime', options: { ca: lb.tls.ca } }, client);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no session.created and no refusal')), WAIT_MS);
    rt.socket.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode, server: res.headers.server, retryAfter: res.headers['retry-after'], body: JSON.parse(body) });
      });
    });
    rt.on('session.created', (created) => {
      clearTimeout(timer);
      open.push({ close: () => rt.close() });
      resolve({ rt, created });
    });
    rt.on('error', () => {});
  });
}

// A plain client straight to a node, bypassing the proxy.
function directSession(node) {
  const ws = new WebSocket(`ws://127.0.0.1:${node.port}/v1/realtime`);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('direct: no session.created')), WAIT_MS);
    ws.on('message', (data) => {
      if (JSON.parse(String(data)).type === 'session.created') {
        clearTimeout(timer);
        const entry = { close: () => ws.close() };
        open.push(entry);
        resolve(entry);
      }
    });
    ws.on('error', reject);
  });
}

async function counts() {
  return Promise.all(nodes.map(sessionCount));
}

async function refusedAtCapacity(node) {
  const text = await (await fetch(`http://127.0.0.1:${node.port}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('confab_sessions_refused_total{reason="at_capacity"}'));
  return Number(line.split(' ').pop());
}

// Transcribes a recording in an admitted SDK session (turn detection off,
// appended, committed): the session behind the proxy does real work.
async function transcribe(rt, name) {
  const updated = new Promise((r) => rt.once('session.updated', r));
  rt.send({ type: 'session.update', session: { type: 'realtime',
    audio: { input: { transcription: { model: 'pocketsphinx' }, turn_detection: null } } } });
  await updated;
  const silence = Buffer.alloc(2 * 24000 * 0.4);
  const all = Buffer.concat([silence, recording24k(name), silence]);
  const chunk = 2 * 24000 * 0.5;
  for (let o = 0; o < all.length; o += chunk) rt.send({ type: 'input_audio_buffer.append', audio: all.subarray(o, o + chunk).toString('base64') });
  const done = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no transcript')), WAIT_MS);
    rt.once('conversation.item.input_audio_transcription.completed', (e) => { clearTimeout(timer); resolve(e.transcript); });
  });
  rt.send({ type: 'input_audio_buffer.commit' });
  return done;
}

test('a full node lets haproxy try another; every node full: server_at_capacity', async () => {
  // Checks an hour apart: only the first one runs (node1's, while it is
  // empty), so it is the node's 503 and the retry, not the health check,
  // that keeps clients off the full node.
  const lb = await startHaproxy(`${dir}/lb1`, nodes, { checkMs: 3600000 });
  proxies.push(lb);
  const [a] = nodes;
  await directSession(a);
  await directSession(a);
  assert.deepEqual(await counts(), [2, 0, 0], 'node1 is full with two direct sessions');

  // leastconn sees node1 with no connection of its own: it is tried first
  // each time, answers 503, and the client lands elsewhere, never refused.
  for (let i = 0; i < 4; i++) {
    const s = await sdkSession(lb);
    assert.ok(s.created, `client ${i + 1} of 4 was refused although a node had room: ${JSON.stringify(s)}`);
    assert.equal(s.created.type, 'session.created');
  }
  assert.deepEqual(await counts(), [2, 2, 2], 'the four clients filled node2 and node3');
  assert.ok(await refusedAtCapacity(a) >= 1, 'node1 refused at least one of them (the proxy then retried)');

  const refused = await sdkSession(lb);
  assert.equal(refused.status, 503);
  assert.equal(refused.body.error.code, 'server_at_capacity');
  assert.equal(refused.server, 'confab', 'the last node tried answered, before the upgrade');
  assert.equal(refused.retryAfter, '1');
  assert.deepEqual(await counts(), [2, 2, 2], 'no session was dropped to make room');
});

test('with every node out of rotation haproxy says server_at_capacity; a node with room comes back', async () => {
  // A second proxy over the same (full) nodes, checking every 200 ms: each
  // node's /readyz is 503, so all three leave rotation.
  const proxy = await startHaproxy(`${dir}/lb2`, nodes, { checkMs: 200, expect: () => 'DOWN' });
  proxies.push(proxy);
  const refused = await sdkSession(proxy);
  assert.equal(refused.status, 503);
  assert.equal(refused.body.error.code, 'server_at_capacity');
  assert.notEqual(refused.server, 'confab', "haproxy's own answer, with the nodes' body");

  // One of the SDK sessions ends: its node has room, its checks pass, and
  // the next client lands there and talks.
  const before = await counts();
  open.splice(2, 1)[0].close();
  let freed = -1;
  for (let i = 0; i < 50 && freed < 0; i++) {
    await sleep(100);
    freed = (await counts()).findIndex((n, k) => n < before[k]);
  }
  assert.ok(freed >= 0, 'a closed session left its node');
  const name = nodes[freed].name;
  await proxy.waitStates((n) => (n === name ? 'UP' : 'DOWN'));
  const s = await sdkSession(proxy);
  assert.ok(s.created, `refused: ${JSON.stringify(s)}`);
  assert.deepEqual(await counts(), [2, 2, 2]);
  const heard = await transcribe(s.rt, 'platforms.wav');
  const wer = wordErrorRate('today only platforms one and three are used', heard);
  assert.ok(wer <= 0.5, `the recording through the proxy transcribed as "${heard}" (WER ${wer.toFixed(2)})`);
});
