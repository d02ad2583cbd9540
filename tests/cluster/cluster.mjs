// What the cluster tests share (docs/deployment.md): Confab nodes as child
// processes, a real haproxy (Debian's) started with deploy/haproxy.cfg itself
// on loopback, TLS at the proxy with a certificate made here (the official
// SDK always speaks wss:), its runtime API read for the nodes' states, and
// each node's admin view of its sessions.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync, openSync, rmSync, mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { startConfab, sourceDir, sleep } from '../e2e/harness.mjs';
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
