// deploy/rolling-restart over three supervised nodes (restarted on exit, as
// systemd's Restart= would) behind a real haproxy with deploy/haproxy.cfg:
// the nodes go down one at a time, each only after the previous one is ready
// again; each drains (its sessions told server_shutting_down, closed with
// 1001, the process exits 0); and new clients through the proxy are admitted
// all along. (Conversations surviving the restart need the shared session
// store, which is not built yet: docs/deployment.md.)
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import OpenAI from 'openai';
import { OpenAIRealtimeWS } from 'openai/realtime/ws';
import { tempDir, cleanup, sourceDir, sleep } from '../e2e/harness.mjs';
import { startSupervisedNode, startHaproxy } from './cluster.mjs';

const WAIT_MS = 15000;
let dir;
let nodes = [];
let lb;
const sockets = [];

after(() => {
  for (const s of sockets) s.close();
  lb?.stop();
  for (const n of nodes) n.stop();
  if (!process.env.CONFAB_KEEP_TEST_DIR) cleanup(dir);
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

test('rolling-restart restarts one node at a time; every new client is admitted throughout', async () => {
  dir = tempDir('cluster-roll');
  for (const name of ['node1', 'node2', 'node3']) {
    nodes.push(await startSupervisedNode(dir, name, ['--drain-timeout-ms', '3000']));
  }
  lb = await startHaproxy(path.join(dir, 'lb'), nodes, { checkMs: 200 });

  // Sessions already talking when the rollout starts: spread by leastconn.
  const early = [];
  for (let i = 0; i < 3; i++) early.push(await sdkSession());

  // New clients every 300 ms while the nodes restart; every one admitted.
  let probing = true;
  const probes = { admitted: 0, refused: [] };
  const prober = (async () => {
    while (probing) {
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
  probing = false;
  await prober;

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

  // The sessions of each restarted node were told and closed as "going away".
  for (const { seen } of early) {
    for (let i = 0; i < 50 && seen.closed === null; i++) await sleep(100);
    assert.ok(seen.errors.includes('server_shutting_down'), JSON.stringify(seen));
    assert.equal(seen.closed, 1001, JSON.stringify(seen));
  }
});
