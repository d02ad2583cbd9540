// Issue 16 (a) and (d): three Confab nodes writing their conversations
// through to a real redis-server, behind a real haproxy with
// deploy/haproxy.cfg; clients on the official SDK (OpenAIRealtimeWS) speak
// the held recordings, transcribed by the real recognizer on the nodes, and
// get their replies from confab-fake-llm, whose request ledger shows what
// each language-model request carried.
//   (a) a node killed with SIGKILL mid-reply: the client reconnects through
//       the proxy with its token (the Confab-Resume header, which the SDK
//       sends through its `headers` option), lands on another node, the
//       reply that died is made again, and that request carries the whole
//       history.
//   (d) Redis killed mid-conversation (typed turns): the session keeps talking and every
//       node stays ready; Redis back (empty: no persistence), the next
//       refresh writes each conversation whole again, and a later node kill
//       still resumes with all of it. What the outage lost is what
//       docs/deployment.md says: nothing, once the journals have rewritten;
//       a conversation whose node died during the outage could not be
//       resumed (shown here by a token presented during the outage).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { tempDir, startFakeLlm, sleep } from '../e2e/harness.mjs';
import { startNodes, startHaproxy, startRedis, sessionCount, SdkClient, alive, stopCluster } from './cluster.mjs';

const REPLY = 'Noted, that is an interesting thing to say and I will remember it for the rest of our talk.';
// The resume window (4 s): a parked conversation's TTL in Redis, and a live
// one's refresh every 2 s (window / 2), which after an outage writes it whole.
const WINDOW_MS = 4000;
// Three short turns, then a long one (its reply dies with its node).
const RECORDINGS = ['platforms.wav', 'expression.wav', 'platforms.wav', 'jfk.wav'];
// (d) talks in text: the recordings' part is (a)'s.
const TYPED = ['first thing', 'second thing', 'said during the outage', 'also during the outage'];

let dir;
let redis;
let llm;
let nodes = [];
let lb;

before(async () => {
  dir = tempDir('cluster-failover');
  redis = await startRedis(path.join(dir, 'redis'));
  llm = await startFakeLlm(dir, { reply: REPLY, tokensPerSecond: 12 });
  nodes = await startNodes(dir, 3, ['--llm-base-url', llm.url, '--llm-model', 'fixture-model',
    '--store-redis-url', redis.url, '--resume-window-ms', String(WINDOW_MS)]);
  lb = await startHaproxy(path.join(dir, 'lb'), nodes, { checkMs: 200 });
});

after(() => stopCluster({ lb, nodes, llm, redis, dir }));

// The node holding the only session there is (each test's conversation is
// alone when its node is killed; a client just closed may take a moment to
// leave its node).
async function nodeOf() {
  let counts = [];
  for (let i = 0; i < 50; i++) {
    counts = await Promise.all(nodes.map((n) => (alive(n) ? sessionCount(n) : 0)));
    const held = counts.map((c, k) => (c > 0 ? k : -1)).filter((k) => k >= 0);
    if (held.length === 1 && counts[held[0]] === 1) return nodes[held[0]];
    await sleep(100);
  }
  throw new Error(`no single node holds the one conversation: ${counts}`);
}

function kill(node) {
  return new Promise((resolve) => { node.child.once('exit', resolve); node.child.kill('SIGKILL'); });
}

// The messages of the language model's last request: [{role, content}].
function lastRequest() {
  const all = llm.requests();
  return all[all.length - 1].messages;
}

// Resumes `token` through the proxy, on a node other than the dead one.
function resume(token) {
  return SdkClient.resume(lb, token, { attempts: 6, timeoutMs: 5000, pauseMs: 500 });
}

test('(a) a node killed mid-reply: the conversation resumes on another node with its whole history', async () => {
  const a = new SdkClient(lb);
  const token = (await a.next('confab.session.resume_token')).token;
  await a.configure();
  const heard = [];
  for (const name of RECORDINGS.slice(0, 3)) heard.push(await a.turn(name));

  // The fourth turn; its reply is streaming when its node dies.
  heard.push(await a.say(RECORDINGS[3]));
  const victim = await nodeOf();
  a.send({ type: 'response.create' });
  await a.next('response.output_text.delta');
  const requestsBefore = llm.requests().length;
  await kill(victim);

  const { client: b, resumed } = await resume(token);
  assert.equal(resumed.item_count, 7, 'four user turns and three whole replies (the one that died is not kept)');
  assert.equal(resumed.response_restarted, true, JSON.stringify(resumed));
  const done = await b.next('response.done');
  assert.equal(done.response.status, 'completed');
  assert.notEqual((await nodeOf()).name, victim.name);

  // The remade reply's request: every turn, in order.
  assert.equal(llm.requests().length, requestsBefore + 1);
  const messages = lastRequest().filter((m) => m.role !== 'system');
  const want = heard.flatMap((h, i) => (i < 3 ? [{ role: 'user', content: h }, { role: 'assistant', content: REPLY }]
    : [{ role: 'user', content: h }]));
  assert.deepEqual(messages.map((m) => ({ role: m.role, content: m.content })), want);
  b.close();
});

test('(d) Redis killed mid-conversation: sessions keep talking; once it is back a node kill still resumes everything', async () => {
  const c = new SdkClient(lb);
  const token = (await c.next('confab.session.resume_token')).token;
  await c.configure();
  const heard = [];
  for (const text of TYPED.slice(0, 2)) { await c.ask(text); heard.push(text); }

  await redis.kill();
  // The outage: the conversation goes on from memory, and every living node
  // stays ready (a store outage does not take the cluster out of rotation).
  await c.ask(TYPED[2]);
  heard.push(TYPED[2]);
  for (const n of nodes.filter(alive)) {
    const res = await fetch(`http://127.0.0.1:${n.port}/readyz`);
    assert.equal(res.status, 200, `${n.name} /readyz during the outage`);
  }
  // A token presented now names nothing the cluster can find.
  const during = new SdkClient(lb, token);
  await during.next('session.created');
  const invalid = await during.next('error');
  assert.equal(invalid.error.code, 'resume_token_invalid');
  during.close();
  await c.ask(TYPED[3]);
  heard.push(TYPED[3]);
  const holder = await nodeOf();
  assert.match(holder.log(), /redis unavailable: writes are dropped until it is back/);
  assert.equal(holder.log().match(/redis unavailable/g).length, 1, 'warned once for the outage');

  // Redis back, empty. Once the node has reconnected (backoff up to 2 s),
  // within one refresh (window / 2 = 2 s) the journal writes the whole
  // conversation again; then the node dies.
  await redis.start();
  const key = `confab:s:{${token}}:log`;  // the braces are literal: a hash tag
  let length = 0;
  for (let i = 0; i < 100 && length < 8; i++) {
    await sleep(100);
    length = Number((await redis.command(`LLEN ${key}`)).slice(1));
  }
  assert.ok(length >= 8, `the conversation was written whole again after the outage (log: ${length} entries)`);
  assert.match(holder.log(), /redis available again/);
  await kill(holder);

  const { client: d, resumed } = await resume(token);
  assert.equal(resumed.item_count, 8, 'four turns and four replies, those of the outage included');
  assert.ok(!resumed.response_restarted, 'no reply was in flight');
  await d.ask('and one more thing');
  const messages = lastRequest().filter((m) => m.role !== 'system');
  const want = heard.flatMap((h) => [{ role: 'user', content: h }, { role: 'assistant', content: REPLY }]);
  want.push({ role: 'user', content: 'and one more thing' });
  assert.deepEqual(messages.map((m) => ({ role: m.role, content: m.content })), want);
  d.close();
});
