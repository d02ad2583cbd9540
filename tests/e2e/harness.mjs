// What the browser tests share: the fake LLM and confab as child processes,
// fake-microphone WAVs made from the real recordings in ../shared/audio,
// headless Chromium through playwright-core (Debian's /usr/bin/chromium, see
// /work/shared/docs/browser-testing.md), a TCP proxy the reconnect test can
// cut, and small bounded waits on what the page records in window.confab.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { StreamingResampler } from '../../web/js/pcm.js';

export const sourceDir = process.env.CONFAB_SOURCE_DIR || path.resolve(new URL('../..', import.meta.url).pathname);
const buildDir = path.join(sourceDir, 'build');
export const confabBinary = process.env.CONFAB_BINARY || path.join(buildDir, 'confab');
export const fakeLlmBinary = process.env.CONFAB_FAKE_LLM || path.join(buildDir, 'confab-fake-llm');
export const artifactsDir = process.env.CONFAB_ARTIFACTS_DIR || path.join(buildDir, 'artifacts');
export const audioDir = path.join(sourceDir, '..', 'shared', 'audio');

export function tempDir(name) {
  return mkdtempSync(path.join(tmpdir(), `confab-${name}-`));
}

// ---- processes ----

function readLine(stream, prefix, timeoutMs) {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`no "${prefix}" line within ${timeoutMs} ms: ${text}`)), timeoutMs);
    stream.on('data', (chunk) => {
      text += chunk;
      const line = text.split('\n').find((l) => l.startsWith(prefix));
      if (line) {
        clearTimeout(timer);
        resolve(line);
      }
    });
  });
}

// confab-fake-llm with a request ledger (JSON lines) in `dir`; `args` are
// further flags (e.g. ['--tools-script', 'weather']).
export async function startFakeLlm(dir, { reply, ttftMs = 100, tokensPerSecond = 40, seed = 1, args: extra = [] } = {}) {
  const ledger = path.join(dir, 'llm-requests.jsonl');
  const args = ['--port', '0', '--ttft-ms', String(ttftMs), '--tokens-per-second', String(tokensPerSecond),
    '--log-requests', ledger, ...extra];
  if (reply) args.push('--reply', reply);
  else args.push('--seed', String(seed));
  const child = spawn(fakeLlmBinary, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await readLine(child.stdout, 'listening on 127.0.0.1:', 10000);
  const port = Number(line.split(':').pop());
  return {
    child,
    url: `http://127.0.0.1:${port}/v1`,
    // Every chat request the fake LLM received, oldest first.
    requests() {
      if (!existsSync(ledger)) return [];
      return readFileSync(ledger, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)).filter((r) => !r.event);
    },
    stop() {
      child.kill('SIGTERM');
    },
  };
}

export async function startConfab(dir, { llmUrl, args = [] } = {}) {
  const portFile = path.join(dir, 'port');
  const logFile = path.join(dir, 'confab.log');
  const all = ['--host', '127.0.0.1', '--port', '0', '--port-file', portFile, '--web-root', path.join(sourceDir, 'web'),
    '--stt-workers', '1', '--tts-workers', '1', ...args];
  if (llmUrl) all.push('--llm-base-url', llmUrl, '--llm-model', 'fixture-model');
  const { openSync } = await import('node:fs');
  const out = openSync(logFile, 'w');
  const child = spawn(confabBinary, all, { stdio: ['ignore', out, out] });
  for (let i = 0; i < 600; i++) {
    if (existsSync(portFile)) {
      const port = Number(readFileSync(portFile, 'utf8').trim());
      if (port > 0) {
        return { child, port, log: () => readFileSync(logFile, 'utf8'), stop: () => child.kill('SIGTERM') };
      }
    }
    if (child.exitCode !== null) break;
    await sleep(50);
  }
  child.kill('SIGKILL');
  throw new Error(`confab did not start:\n${readFileSync(logFile, 'utf8')}`);
}

export function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

// ---- the fake microphone ----

// Reads a 16-bit PCM mono WAV (the shared recordings are 16 kHz).
export function readWav(file) {
  const buf = readFileSync(file);
  let offset = 12;
  let rate = 0;
  while (offset < buf.length) {
    const id = buf.toString('ascii', offset, offset + 4);
    const size = buf.readUInt32LE(offset + 4);
    if (id === 'fmt ') {
      const format = buf.readUInt16LE(offset + 8);
      const channels = buf.readUInt16LE(offset + 10);
      rate = buf.readUInt32LE(offset + 12);
      const bits = buf.readUInt16LE(offset + 22);
      if (format !== 1 || channels !== 1 || bits !== 16) throw new Error(`${file}: need 16-bit PCM mono`);
    } else if (id === 'data') {
      const samples = new Int16Array(size / 2);
      for (let i = 0; i < samples.length; i++) samples[i] = buf.readInt16LE(offset + 8 + 2 * i);
      return { rate, samples };
    }
    offset += 8 + size + (size & 1);
  }
  throw new Error(`${file}: no data chunk`);
}

// A recording of ../shared/audio (16 kHz) as 24 kHz PCM16, the Realtime
// API's input, through the web client's own resampler.
export function recording24k(name) {
  const { rate, samples } = readWav(path.join(audioDir, name));
  const resampler = new StreamingResampler(rate, 24000, { maxBlock: samples.length });
  const input = Float32Array.from(samples, (s) => s / 32768);
  const out = new Float32Array(resampler.maxOutput(input.length) + resampler.maxOutput(resampler.halfTaps * 2));
  let n = resampler.process(input, out);
  n += resampler.flush(out.subarray(n));
  const pcm = Buffer.alloc(2 * n);
  for (let i = 0; i < n; i++) pcm.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(out[i] * 32768))), 2 * i);
  return pcm;
}

// Writes a WAV of `parts`: recording names from ../shared/audio and
// silences ({silence: seconds}), all at the recordings' rate. Chromium's
// fake microphone plays it in real time and loses the first 0.1-0.3 s, so
// tests start with silence.
export function makeMicWav(file, parts) {
  const rate = 16000;
  const chunks = [];
  for (const part of parts) {
    if (typeof part === 'string') {
      const wav = readWav(path.join(audioDir, part));
      if (wav.rate !== rate) throw new Error(`${part}: expected ${rate} Hz`);
      chunks.push(wav.samples);
    } else {
      chunks.push(new Int16Array(Math.round(part.silence * rate)));
    }
  }
  const total = chunks.reduce((n, c) => n + c.length, 0);
  const out = Buffer.alloc(44 + 2 * total);
  out.write('RIFF', 0);
  out.writeUInt32LE(36 + 2 * total, 4);
  out.write('WAVEfmt ', 8);
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(1, 20);
  out.writeUInt16LE(1, 22);
  out.writeUInt32LE(rate, 24);
  out.writeUInt32LE(rate * 2, 28);
  out.writeUInt16LE(2, 32);
  out.writeUInt16LE(16, 34);
  out.write('data', 36);
  out.writeUInt32LE(2 * total, 40);
  let o = 44;
  for (const c of chunks) for (const s of c) o = out.writeInt16LE(s, o);
  writeFileSync(file, out);
  return { file, seconds: total / rate };
}

// ---- the browser ----

// `extraArgs`: more Chromium switches (e.g. a certificate to trust).
export async function launchBrowser(dir, micWav, { extraArgs = [] } = {}) {
  const args = [
    '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
    '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1 , EXCLUDE localhost',
    '--autoplay-policy=no-user-gesture-required',
    '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
    `--use-file-for-fake-audio-capture=${micWav}%noloop`,
    ...extraArgs,
  ];
  const context = await chromium.launchPersistentContext(path.join(dir, 'profile'), {
    executablePath: process.env.CONFAB_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args,
    viewport: { width: 390, height: 844 }, // a phone-sized screen
  });
  const page = context.pages()[0] || (await context.newPage());
  const consoleLines = [];
  page.on('console', (m) => consoleLines.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => consoleLines.push(`pageerror: ${e.message}`));
  // Tests compare the recording with what the server hears: the browser's
  // own processing (echo cancellation, noise suppression, gain) is off.
  await page.addInitScript(() => {
    localStorage.setItem('confab.settings', JSON.stringify({
      echoCancellation: false, noiseSuppression: false, autoGainControl: false,
    }));
  });
  return { context, page, consoleLines };
}

// Waits (bounded) until fn(window.confab) returns something truthy in the page.
export async function waitForPage(page, fn, arg, { timeoutMs = 30000, what = 'condition' } = {}) {
  try {
    const handle = await page.waitForFunction(fn, arg, { timeout: timeoutMs, polling: 50 });
    return await handle.jsonValue();
  } catch (e) {
    const log = await page.evaluate(() => window.confab && window.confab.log.map((l) => l.type + (l.state ? ':' + l.state : '') + (l.code ? ':' + l.code : '')).join(' '));
    throw new Error(`timed out waiting for ${what}; page log: ${log}\n${e.message}`);
  }
}

export function saveScreenshotPath(name) {
  mkdirSync(artifactsDir, { recursive: true });
  return path.join(artifactsDir, name);
}

// Word error rate: word-level edit distance over the reference's length.
export function wordErrorRate(reference, hypothesis) {
  const norm = (s) => s.toLowerCase().replace(/[^a-z' ]/g, ' ').split(/\s+/).filter(Boolean);
  const r = norm(reference);
  const h = norm(hypothesis);
  const d = Array.from({ length: r.length + 1 }, (_, i) => [i, ...new Array(h.length).fill(0)]);
  for (let j = 1; j <= h.length; j++) d[0][j] = j;
  for (let i = 1; i <= r.length; i++)
    for (let j = 1; j <= h.length; j++)
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (r[i - 1] === h[j - 1] ? 0 : 1));
  return d[r.length][h.length] / r.length;
}

// A TCP proxy between the page and confab: cut() drops every connection
// through it at once (both sides), as a network failure would, and keeps
// listening so the page can reconnect.
export class TcpProxy {
  constructor(targetPort) {
    this.targetPort = targetPort;
    this.pairs = new Set();
    this.server = net.createServer((client) => {
      const upstream = net.connect(targetPort, '127.0.0.1');
      const pair = { client, upstream };
      this.pairs.add(pair);
      client.pipe(upstream);
      upstream.pipe(client);
      const drop = () => {
        client.destroy();
        upstream.destroy();
        this.pairs.delete(pair);
      };
      client.on('error', drop);
      upstream.on('error', drop);
      client.on('close', drop);
      upstream.on('close', drop);
    });
  }
  listen() {
    return new Promise((resolve) => this.server.listen(0, '127.0.0.1', () => resolve(this.server.address().port)));
  }
  cut() {
    const n = this.pairs.size;
    for (const { client, upstream } of this.pairs) {
      client.destroy();
      upstream.destroy();
    }
    this.pairs.clear();
    return n;
  }
  close() {
    this.cut();
    this.server.close();
  }
}

export function cleanup(dir) {
  rmSync(dir, { recursive: true, force: true });
}
