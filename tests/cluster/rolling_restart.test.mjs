// deploy/rolling-restart over three supervised nodes (restarted on exit, as
// systemd's Restart= would) behind a real haproxy with deploy/haproxy.cfg:
// the nodes go down one at a time, each only after the previous one is ready
// again; each drains (its sessions told server_shutting_down, closed with
// 1001, the process exits 0); and new clients through the proxy are admitted
// all along; and ten conversations, written through to a real redis-server,
// each resume with their token on another node every time theirs goes down,
// without losing an item: their last language-model request (confab-fake-llm's
// ledger) carries every turn.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import OpenAI from 'openai';
import { OpenAIRealtimeWS } from 'openai/realtime/ws';
import { tempDir, sourceDir, sleep, startFakeLlm } from '../e2e/harness.mjs';
import { startSupervisedNode, startHaproxy, startRedis, SdkClient, stopCluster } from './cluster.mjs';

const WAIT_MS = 15000;
let dir;
let nodes = [];
let lb;
let redis;
let llm;
const sockets = [];

after(async () => {
  for (const s of sockets) s.close();
  await stopCluster({ lb, nodes, llm, redis, dir });
});

// An SDK session through the proxy; resolves once admitted with what it
// will see: the errors sent to it and how its socket closed.
function sdkSession() {
  const client = new OpenAI({ apiKey: 'sk-cluster-test', baseURL: lb.url });
  const rt = new OpenAIRealtimeWS({ model: 'gpt-realtime', options: { ca: lb.tls.ca } }, client);
  const seen = { errors: [], closed: null };
  rt.on('error', (e) => seen.errors.push(e.error?.code ?? e.message));
  rt.socket.on('close', (code) => { seen.closed = code; });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not admitted: ${JSON.stringify(seen)}`)), WAIT_MS);
    rt.socket.on('unexpected-response', (_req, res) => { clearTimeout(timer); reject(new Error(`refused: HTTP ${res.statusCode}`)); });
    rt.on('session.created', () => {
      clearTimeout(timer);
      sockets.push({ close: () => rt.close() });
      resolve({ rt, seen });
    });
  });
}

// One conversation through the proxy, followed across the rollout: each
// time its node drains it is told server_shutting_down and closed with
// 1001, and it comes back at once with its latest token.
class Conversation {
  constructor(n) {
    this.n = n;
    this.asked = [];
    this.resumes = [];  // item_count of each resume
    this.shutdowns = 0;
    this.failures = [];
  }

  async start() {
    this.client = new SdkClient(lb);
    await this.client.next('session.created');
    this.token = (await this.client.next('confab.session.resume_token')).token;
    this.client.send({ type: 'session.update', session: { type: 'realtime', output_modalities: ['text'] } });
    await this.client.next('session.updated');
  }

  async ask() {
    const text = `conversation ${this.n} says thing number ${this.asked.length + 1}`;
    await this.client.ask(text);
    this.asked.push(text);
  }

  // Until `stop()` is true: wait for the close, then resume.
  async follow(stop) {
    while (!stop()) {
      if (!this.client.closed) { await sleep(50); continue; }
      const told = this.client.events.some((e) => e.type === 'error' && e.error.code === 'server_shutting_down');
      if (!told) this.failures.push(`closed without server_shutting_down: ${this.client.events.map((e) => e.type)}`);
      this.shutdowns++;
      await this.resume();
    }
  }

  async resume() {
    try {
      const next = await SdkClient.resume(lb, this.token, { attempts: 4, timeoutMs: 10000, pauseMs: 300 });
      this.token = next.token;
      this.resumes.push(next.resumed.item_count);
      this.client = next.client;
    } catch (e) {
      this.failures.push(`resume failed: ${e.message}`);
      throw e;
    }
  }
}

test('rolling-restart restarts one node at a time; every new client is admitted and every conversation resumes', async () => {
  dir = tempDir('cluster-roll');
  redis = await startRedis(path.join(dir, 'redis'));
  llm = await startFakeLlm(dir, { reply: 'Understood.', ttftMs: 20, tokensPerSecond: 200 });
  for (const name of ['node1', 'node2', 'node3']) {
    nodes.push(await startSupervisedNode(dir, name, ['--drain-timeout-ms', '3000', '--llm-base-url', llm.url,
      '--llm-model', 'fixture-model', '--store-redis-url', redis.url]));
  }
  lb = await startHaproxy(path.join(dir, 'lb'), nodes, { checkMs: 200 });

  // Ten conversations already talking when the rollout starts, spread by
  // leastconn, one turn each.
  const conversations = [];
  for (let n = 1; n <= 10; n++) {
    const c = new Conversation(n);
    await c.start();
    await c.ask();
    conversations.push(c);
  }
  let rolling = true;
  const followers = conversations.map((c) => c.follow(() => !rolling).catch(() => {}));

  // New clients every 300 ms while the nodes restart; every one admitted.
  const probes = { admitted: 0, refused: [] };
  const prober = (async () => {
    while (rolling) {
      try {
        const s = await sdkSession();
        probes.admitted++;
        s.rt.close();
      } catch (e) {
        probes.refused.push(e.message);
      }
      await sleep(300);
    }
  })();

  // The restart command: SIGTERM to the node's process, then wait for it to
  // exit (as systemctl restart does); the supervisor starts it again.
  const restart = `pid=$(cat ${dir}/{name}/pid); kill -TERM $pid; while kill -0 $pid 2>/dev/null; do sleep 0.1; done`;
  const started = Date.now();
  const out = await new Promise((resolve, reject) => {
    execFile(path.join(sourceDir, 'deploy', 'rolling-restart'),
      ['--restart', restart, '--settle', '1', '--ready-timeout', '60', ...nodes.map((n) => `${n.name}=127.0.0.1:${n.port}`)],
      { timeout: 120000 }, (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stdout}${stderr}`)) : resolve(stdout)));
  });
  // The last node's conversations resume after its drain.
  await sleep(1500);
  rolling = false;
  await prober;
  await Promise.all(followers);

  assert.match(out, /all 3 nodes restarted/);
  // One at a time: each node exited 0 (a drain, not a crash) after the
  // previous one was ready again.
  const events = nodes.flatMap((n) => n.events).filter((e) => e.at >= started).sort((a, b) => a.at - b.at);
  assert.deepEqual(events.map((e) => `${e.name}:${e.what}`),
    ['node1:exit', 'node1:ready', 'node2:exit', 'node2:ready', 'node3:exit', 'node3:ready'],
    JSON.stringify(events));
  for (const e of events.filter((x) => x.what === 'exit')) assert.equal(e.code, 0, `${e.name} exited ${e.code}/${e.signal}`);

  assert.deepEqual(probes.refused, [], 'no new client was refused during the rollout');
  assert.ok(probes.admitted >= 5, `clients admitted during the rollout: ${probes.admitted}`);

  // Every conversation was told, closed, resumed (each time with its two
  // items), and its next turn's request carries everything it said.
  for (const c of conversations) {
    assert.deepEqual(c.failures, [], `conversation ${c.n}`);
    assert.ok(c.shutdowns >= 1 && c.resumes.length === c.shutdowns, `conversation ${c.n}: ${c.shutdowns} shutdowns, resumes ${c.resumes}`);
    assert.ok(c.resumes.every((count) => count === 2), `conversation ${c.n} resumed with ${c.resumes} items`);
    assert.equal(c.client.closed, undefined, `conversation ${c.n} is connected after the rollout`);
    await c.ask();
    const mine = llm.requests().filter((r) => r.messages.some((m) => m.content === c.asked[0])).at(-1);
    assert.deepEqual(mine.messages.filter((m) => m.role === 'user').map((m) => m.content), c.asked, `conversation ${c.n}`);
    assert.equal(mine.messages.filter((m) => m.role === 'assistant').length, 1);
  }
});
