// The live dashboard in a real browser: Debian's Chromium (headless, driven by
// playwright-core) opens /dashboard on a confab under load — confab-bench when
// it is built, else a few scripted voice sessions — and the charts must
// receive data. A screenshot is saved to build/artifacts/dashboard.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import WebSocket from 'ws';

const binary = process.env.CONFAB_BINARY;
const fakeLlm = process.env.CONFAB_FAKE_LLM;
const bench = process.env.CONFAB_BENCH;
const sourceDir = process.env.CONFAB_SOURCE_DIR;
const artifacts = process.env.CONFAB_ARTIFACTS_DIR || path.join(sourceDir || '.', 'build', 'artifacts');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const children = [];
function start(cmd, args) {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.output = '';
  child.stdout.on('data', (d) => { child.output += d; });
  child.stderr.on('data', (d) => { child.output += d; });
  children.push(child);
  return child;
}

async function until(what, fn, ms = 30000) {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(50)) {
    const v = fn();
    if (v) return v;
  }
  throw new Error(`timed out waiting for ${what}`);
}

// PCM16 mono from a 16-bit WAV, resampled (linear) to 24 kHz.
function wav24k(file) {
  const buf = readFileSync(file);
  let off = 12, rate = 16000, data = null;
  while (off + 8 <= buf.length) {
    const id = buf.toString('ascii', off, off + 4), size = buf.readUInt32LE(off + 4);
    if (id === 'fmt ') rate = buf.readUInt32LE(off + 12);
    if (id === 'data') data = buf.subarray(off + 8, off + 8 + size);
    off += 8 + size + (size & 1);
  }
  const n = data.length / 2, out = new Int16Array(Math.floor((n * 24000) / rate));
  for (let i = 0; i < out.length; i++) {
    const x = (i * rate) / 24000, k = Math.floor(x), f = x - k;
    const a = data.readInt16LE(2 * Math.min(k, n - 1)), b = data.readInt16LE(2 * Math.min(k + 1, n - 1));
    out[i] = Math.round(a + (b - a) * f);
  }
  return out;
}

// A scripted user: speaks a recording in real time (20 ms appends), then keeps
// the line open with silence until the reply is over, and speaks again.
async function scriptedUser(port, speech, stopAt) {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/v1/realtime?model=dashboard-test`);
  await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
  let replies = 0;
  ws.on('message', (m) => { if (JSON.parse(m).type === 'response.done') replies++; });
  const frame = (pcm) => ws.send(JSON.stringify({ type: 'input_audio_buffer.append',
    audio: Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength).toString('base64') }));
  const silence = new Int16Array(480);
  while (Date.now() < stopAt) {
    for (let i = 0; i < speech.length && Date.now() < stopAt; i += 480) {
      frame(speech.subarray(i, i + 480));
      await sleep(20);
    }
    const before = replies, giveUp = Date.now() + 25000;
    while (replies === before && Date.now() < Math.min(giveUp, stopAt)) {
      frame(silence);
      await sleep(20);
    }
  }
  ws.close();
}

test('the dashboard shows live data while confab is under load', { timeout: 240000 }, async () => {
  assert.ok(binary && existsSync(binary), 'CONFAB_BINARY must name the confab binary');
  assert.ok(fakeLlm && existsSync(fakeLlm), 'CONFAB_FAKE_LLM must name confab-fake-llm');
  const dir = mkdtempSync(path.join(tmpdir(), 'confab-dashboard-'));
  let context;
  try {
    const llm = start(fakeLlm, ['--port', '0', '--ttft-ms', '200', '--tokens-per-second', '40', '--seed', '1']);
    const llmPort = Number(await until('the fake LLM', () => /listening on 127\.0\.0\.1:(\d+)/.exec(llm.output)?.[1]));
    const portFile = path.join(dir, 'port');
    const confab = start(binary, ['--host', '127.0.0.1', '--port', '0', '--port-file', portFile,
      '--web-root', path.join(sourceDir, 'web'), '--llm-base-url', `http://127.0.0.1:${llmPort}/v1`,
      '--stt-workers', '3', '--tts-workers', '1']);
    const port = Number(await until('confab', () => existsSync(portFile) && readFileSync(portFile, 'utf8').trim()));

    // Load for up to 90 s: confab-bench if built, else three scripted users.
    const loadSeconds = 90;
    let load;
    if (bench && existsSync(bench)) {
      load = start(bench, ['--url', `ws://127.0.0.1:${port}/v1/realtime`, '--users', '3', '--duration',
        String(loadSeconds), '--ramp-seconds', '2', '--audio-dir', path.join(sourceDir, '..', 'shared', 'audio')]);
      console.log('load: confab-bench, 3 users');
    } else {
      const speech = wav24k(path.join(sourceDir, '..', 'shared', 'audio', 'platforms.wav'));
      const stopAt = Date.now() + loadSeconds * 1000;
      load = Promise.all([0, 1, 2].map((i) => sleep(700 * i).then(() => scriptedUser(port, speech, stopAt))));
      console.log('load: 3 scripted users (build confab-bench to use it instead)');
    }

    context = await chromium.launchPersistentContext(path.join(dir, 'profile'), {
      executablePath: '/usr/bin/chromium', headless: true, viewport: { width: 1280, height: 1100 },
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
        '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1 , EXCLUDE localhost'],
    });
    const page = await context.newPage();
    const pageErrors = [];
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    await page.goto(`http://127.0.0.1:${port}/dashboard`);

    // Replies have to happen for the latency charts: wait for them (bounded).
    try {
      await page.waitForFunction(() => {
        const d = window.dashboard;
        return d.updates >= 8 && d.drawn['c-reply'] > 0 && d.drawn['c-stages'] > 0;
      }, null, { timeout: 120000, polling: 500 });
    } catch (e) {
      console.log('dashboard state:', JSON.stringify(await page.evaluate(() => window.dashboard)));
      console.log('confab output (tail):', confab.output.slice(-3000));
      throw e;
    }
    mkdirSync(artifacts, { recursive: true });
    const shot = path.join(artifacts, 'dashboard.png');
    await page.screenshot({ path: shot, fullPage: true });
    console.log(`screenshot: ${shot}`);

    const state = await page.evaluate(() => ({
      dashboard: window.dashboard,
      sessions: document.getElementById('t-sessions').textContent,
      p50: document.getElementById('t-p50').textContent,
      cpu: document.getElementById('t-cpu').textContent,
      mem: document.getElementById('t-mem').textContent,
      backendRows: [...document.querySelectorAll('#backends tbody tr')].map((r) => r.textContent),
    }));
    console.log(JSON.stringify(state));
    assert.deepEqual(pageErrors, []);
    assert.equal(state.dashboard.errors, 0);
    for (const chart of ['c-reply', 'c-stages', 'c-sessions', 'c-pools', 'c-cpu', 'c-mem']) {
      assert.ok(state.dashboard.drawn[chart] > 0, `${chart} drew no points`);
    }
    assert.match(state.sessions, /^[1-9]\d* \/ \d+$/, 'sessions tile shows connected users');
    assert.match(state.p50, /\d+ (ms|s)$/, 'reply latency tile has a value');
    assert.match(state.mem, /^\d+ MB$/);
    // The language model's one backend (the fake LLM), closed, with requests answered.
    assert.equal(state.dashboard.backends, 1);
    assert.match(state.backendRows[0], /^llm127\.0\.0\.1:\d+closed/, state.backendRows[0]);

    // The data behind the charts: sessions were seen and replies were timed.
    const data = await (await fetch(`http://127.0.0.1:${port}/dashboard/data`)).json();
    assert.ok(data.points.some((p) => p.sessions > 0));
    assert.ok(data.points.some((p) => p.latency_s.end_of_speech_to_first_audio.n > 0));
    assert.equal(data.backends.length, 1);
    assert.ok(data.backends[0].succeeded > 0, JSON.stringify(data.backends));
    if (load instanceof Promise) await load;
  } finally {
    if (context) await context.close();
    for (const c of children.reverse()) c.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
});
