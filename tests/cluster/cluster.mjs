// What the cluster tests share (docs/deployment.md): Confab nodes as child
// processes, a real haproxy (Debian's) started with deploy/haproxy.cfg itself
// on loopback, TLS at the proxy with a certificate made here (the official
// SDK always speaks wss:), its runtime API read for the nodes' states, and
// each node's admin view of its sessions.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync, openSync, rmSync, mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { OpenAIRealtimeWS } from 'openai/realtime/ws';
import { startConfab, sourceDir, sleep, recording24k } from '../e2e/harness.mjs';
import { makeCertificate } from '../compat/tls_confab.mjs';

// A loopback port free right now (the proxy needs one named up front).
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// The compat tests' self-signed certificate for 127.0.0.1: `cert` for
// clients to trust, `pem` (certificate and key) for haproxy's `crt`.
export function makeProxyCertificate(dir) {
  const { key, cert } = makeCertificate(dir);
  const pem = path.join(dir, 'lb.pem');
  writeFileSync(pem, readFileSync(cert, 'utf8') + readFileSync(key, 'utf8'));
  return { cert, pem, ca: readFileSync(cert) };
}

// The nodes' admin token (their /v1/admin/sessions exists only with one).
const ADMIN_TOKEN = 'cluster-test-admin-token';
// What every node is started with: the proxy on 127.0.0.1 is trusted.
const NODE_FLAGS = ['--trusted-proxies', '127.0.0.1', '--admin-token', ADMIN_TOKEN];

// `count` nodes, each in its own directory under `dir`, trusting the proxy
// on 127.0.0.1; `args`: further flags for every node.
export async function startNodes(dir, count, args = []) {
  const nodes = [];
  for (let i = 1; i <= count; i++) {
    const nodeDir = path.join(dir, `node${i}`);
    mkdirSync(nodeDir, { recursive: true });
    const node = await startConfab(nodeDir, { args: [...NODE_FLAGS, ...args] });
    nodes.push({ ...node, name: `node${i}`, dir: nodeDir });
  }
  return nodes;
}

// haproxy in the foreground with deploy/haproxy.cfg, the nodes' addresses
// and its own port, certificate and check interval from the environment;
// returns once every node has the state `expect` gives it.
export async function startHaproxy(dir, nodes, { checkMs = 1000, expect = () => 'UP' } = {}) {
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const tls = makeProxyCertificate(dir);
  const stats = path.join(dir, 'haproxy.sock');
  const env = {
    ...process.env,
    CONFAB_LB_BIND: `127.0.0.1:${port}`,
    CONFAB_LB_CERT: tls.pem,
    CONFAB_LB_STATS: stats,
    CONFAB_LB_METRICS: `127.0.0.1:${await freePort()}`,
    CONFAB_LB_CHECK_MS: String(checkMs),
    // The file limit here (20000) is below what 20000 connections need.
    CONFAB_LB_MAXCONN: '2000',
  };
  nodes.forEach((node, i) => { env[`CONFAB_NODE${i + 1}`] = `127.0.0.1:${node.port}`; });
  const logFile = path.join(dir, 'haproxy.log');
  const out = openSync(logFile, 'w');
  const child = spawn('haproxy', ['-db', '-f', path.join(sourceDir, 'deploy', 'haproxy.cfg')],
    { env, stdio: ['ignore', out, out] });
  const lb = {
    child, port, tls, stats,
    log: () => readFileSync(logFile, 'utf8'),
    url: `https://127.0.0.1:${port}/v1`,
    stop: () => child.kill('SIGTERM'),
    // Each node's state as haproxy sees it: {node1: 'UP', node2: 'DOWN', ...}.
    async states() {
      const csv = await runtimeApi(stats, 'show stat');
      const lines = csv.split('\n');
      const header = lines[0].replace(/^# /, '').split(',');
      const name = header.indexOf('svname');
      const status = header.indexOf('status');
      const result = {};
      for (const line of lines.slice(1)) {
        const cells = line.split(',');
        if (cells[0] === 'confab_nodes' && cells[name].startsWith('node')) result[cells[name]] = cells[status];
      }
      return result;
    },
    // Waits until every node has the state `want` gives it (a function of the name).
    async waitStates(want, timeoutMs = 15000) {
      const end = Date.now() + timeoutMs;
      let seen = {};
      while (Date.now() < end) {
        try {
          seen = await lb.states();
          if (Object.keys(seen).length === nodes.length && Object.entries(seen).every(([n, s]) => s.startsWith(want(n)))) return seen;
        } catch { /* not listening yet */ }
        await sleep(100);
      }
      throw new Error(`haproxy's nodes did not reach the expected states: ${JSON.stringify(seen)}\n${lb.log()}`);
    },
  };
  await lb.waitStates(expect);
  return lb;
}

// One command on haproxy's runtime API (the stats socket); its whole answer.
export function runtimeApi(socket, command) {
  return new Promise((resolve, reject) => {
    const conn = net.connect(socket);
    let text = '';
    conn.on('connect', () => conn.write(`${command}\n`));
    conn.on('data', (d) => { text += d; });
    conn.on('end', () => resolve(text));
    conn.on('error', reject);
  });
}

// Whether a node's process is still running (a signal leaves exitCode null).
export function alive(node) {
  return node.child.exitCode === null && node.child.signalCode === null;
}

// The sessions a node holds now (its admin endpoint).
export async function sessionCount(node) {
  const res = await fetch(`http://127.0.0.1:${node.port}/v1/admin/sessions`,
    { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } });
  const body = await res.json();
  return body.sessions.length;
}

// A node kept running as systemd's Restart=always would: when its process
// exits it is started again on the same port. `events` records, in order,
// {name, what: 'exit' | 'ready', code, at}. `pidFile` always holds the
// running process's pid, for a restart command to signal.
export async function startSupervisedNode(dir, name, args = []) {
  const port = await freePort();
  const nodeDir = path.join(dir, name);
  mkdirSync(nodeDir, { recursive: true });
  const pidFile = path.join(nodeDir, 'pid');
  const node = { name, port, dir: nodeDir, pidFile, events: [], stopping: false, child: null };
  const all = ['--port', String(port), ...NODE_FLAGS, ...args];
  const launch = async () => {
    rmSync(path.join(nodeDir, 'port'), { force: true });  // the new process writes it again
    const started = await startConfab(nodeDir, { args: all });
    node.child = started.child;
    writeFileSync(pidFile, String(started.child.pid));
    node.events.push({ name, what: 'ready', at: Date.now() });
    started.child.on('exit', (code, signal) => {
      node.events.push({ name, what: 'exit', code, signal, at: Date.now() });
      if (!node.stopping) launch().catch((e) => node.events.push({ name, what: 'failed', error: String(e), at: Date.now() }));
    });
  };
  await launch();
  node.stop = () => { node.stopping = true; node.child.kill('SIGTERM'); };
  return node;
}

// A real redis-server (Debian's) on a loopback port, without persistence:
// kill() is the outage (SIGKILL, everything it held is gone), start() brings
// an empty one back on the same port, as a restarted Redis without an
// append-only file would be (docs/deployment.md, "Failures").
export async function startRedis(dir) {
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const logFile = path.join(dir, 'redis.log');
  const redis = { port, url: `redis://127.0.0.1:${port}`, child: null, log: () => readFileSync(logFile, 'utf8') };
  redis.start = async () => {
    const out = openSync(logFile, 'a');
    redis.child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '',
      '--appendonly', 'no', '--dir', dir], { stdio: ['ignore', out, out] });
    for (let i = 0; i < 100; i++) {
      if (await answersPing(port)) return;
      await sleep(50);
    }
    throw new Error(`redis-server did not start:\n${redis.log()}`);
  };
  redis.kill = async () => {
    const { child } = redis;
    // A killed process has a signalCode and no exitCode: it is gone either way.
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise((resolve) => { child.once('exit', resolve); child.kill('SIGKILL'); });
  };
  redis.command = (line) => redisLine(port, line);
  await redis.start();
  return redis;
}

// One inline command (words without spaces) to the Redis on `port`; the
// first line of its reply.
function redisLine(port, line) {
  return new Promise((resolve, reject) => {
    const conn = net.connect(port, '127.0.0.1');
    let text = '';
    conn.on('connect', () => conn.write(`${line}\r\n`));
    conn.on('data', (d) => { text += d; if (text.includes('\r\n')) { conn.destroy(); resolve(text.split('\r\n')[0]); } });
    conn.on('error', reject);
  });
}

// True when something on the port answers PING with +PONG.
function answersPing(port) {
  return redisLine(port, 'PING').then((reply) => reply === '+PONG', () => false);
}

// One SDK client through the proxy, every event it receives kept in order;
// `resume`: a token to present (the Confab-Resume header, sent through the
// SDK's `headers` option: docs/protocol.md).
export class SdkClient {
  static all = [];

  static closeAll() {
    for (const c of SdkClient.all) c.close();
  }

  constructor(lb, resume) {
    const client = new OpenAI({ apiKey: 'sk-cluster-test', baseURL: lb.url });
    const headers = resume ? { 'Confab-Resume': resume } : {};
    this.rt = new OpenAIRealtimeWS({ model: 'gpt-realtime', options: { ca: lb.tls.ca, headers } }, client);
    this.events = [];
    this.cursor = 0;
    this.waiters = [];
    this.rt.on('event', (e) => { this.events.push(e); this.wake(); });
    this.rt.on('error', () => {});  // kept in `events` as type "error"
    this.rt.socket.on('close', () => { this.closed = true; this.wake(); });
    SdkClient.all.push(this);
  }

  wake() {
    for (const w of this.waiters.splice(0)) w();
  }

  // The next event (after the last one returned) of `type` matching `pred`.
  async next(type, pred = () => true, timeoutMs = 30000) {
    const end = Date.now() + timeoutMs;
    for (;;) {
      for (let i = this.cursor; i < this.events.length; i++) {
        const e = this.events[i];
        if (e.type === type && pred(e)) { this.cursor = i + 1; return e; }
      }
      const left = end - Date.now();
      if (left <= 0 || this.closed) {
        throw new Error(`no ${type} (closed: ${!!this.closed}); seen: ${this.events.map((e) => e.type).join(' ')}`);
      }
      await new Promise((r) => { this.waiters.push(r); setTimeout(r, left); });
    }
  }

  send(event) { this.rt.send(event); }
  close() { try { this.rt.close(); } catch { /* already closed */ } }

  // Transcription by the recognizer, no turn detection (the test decides
  // when a turn ends), replies in text.
  async configure() {
    this.send({ type: 'session.update', session: { type: 'realtime', output_modalities: ['text'],
      audio: { input: { transcription: { model: 'pocketsphinx' }, turn_detection: null } } } });
    await this.next('session.updated');
  }

  // Speaks a recording and commits it: its transcript. Sent as fast as the
  // server takes it: at most 8 s ahead of real time since the first audio
  // (its limits.input_audio_lead_ms is 15 s).
  async say(name) {
    const silence = Buffer.alloc(2 * 24000 * 0.3);
    const all = Buffer.concat([silence, recording24k(name), silence]);
    const chunk = 2 * 24000 * 0.5;
    this.audioSince ??= Date.now();
    this.audioMs ??= 0;
    for (let o = 0; o < all.length; o += chunk) {
      const part = all.subarray(o, o + chunk);
      const ahead = this.audioMs - (Date.now() - this.audioSince);
      if (ahead > 8000) await sleep(ahead - 8000);
      this.send({ type: 'input_audio_buffer.append', audio: part.toString('base64') });
      this.audioMs += (part.length / 2 / 24000) * 1000;
    }
    this.send({ type: 'input_audio_buffer.commit' });
    const done = await this.next('conversation.item.input_audio_transcription.completed');
    return done.transcript;
  }

  // Asks for a reply and waits for it to complete.
  async reply() {
    this.send({ type: 'response.create' });
    const done = await this.next('response.done');
    assert.equal(done.response.status, 'completed', JSON.stringify(done.response));
  }

  // A typed turn: the text, then its reply to the end.
  async ask(text) {
    this.send({ type: 'conversation.item.create', item: { type: 'message', role: 'user',
      content: [{ type: 'input_text', text }] } });
    await this.reply();
  }

  // A whole turn: the recording, then its reply to the end.
  async turn(name) {
    const heard = await this.say(name);
    await this.reply();
    return heard;
  }

  // Resumes `token` through the proxy: {client, resumed, token} with the
  // confab.session.resumed event and the fresh token. Tried `attempts`
  // times, `pauseMs` apart, while haproxy may still send a try to a node
  // going down (its checks take it out within a few hundred ms).
  static async resume(lb, token, { attempts, timeoutMs, pauseMs }) {
    for (let attempt = 1; ; attempt++) {
      const client = new SdkClient(lb, token);
      try {
        await client.next('session.created', () => true, timeoutMs);
        const resumed = await client.next('confab.session.resumed', () => true, timeoutMs);
        const fresh = (await client.next('confab.session.resume_token', () => true, timeoutMs)).token;
        return { client, resumed, token: fresh };
      } catch (err) {
        client.close();
        if (attempt >= attempts) throw err;
        await sleep(pauseMs);
      }
    }
  }
}

// A cluster test's teardown: clients, proxy, nodes, model server, Redis,
// and its directory unless CONFAB_KEEP_TEST_DIR is set.
export async function stopCluster({ lb, nodes = [], llm, redis, dir }) {
  SdkClient.closeAll();
  lb?.stop();
  for (const n of nodes) n.stop();
  llm?.stop();
  await redis?.kill();
  if (dir && !process.env.CONFAB_KEEP_TEST_DIR) rmSync(dir, { recursive: true, force: true });
}
