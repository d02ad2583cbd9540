// Compatibility: the OpenAI Agents SDK (@openai/agents-realtime, pinned in
// package.json) drives a real confab over plain ws://, with the real speech
// engines and confab-fake-llm in its weather tool mode (--tools-script
// weather: the model calls the first tool offered when the user speaks, then
// repeats the tool's output). A RealtimeAgent with one function tool:
//   - without the tool, a typed turn gets a spoken reply (connect, the SDK's
//     session.update, history, audio);
//   - (a) a typed turn makes the model call the tool, the SDK runs it and
//     sends the result, and the spoken reply, decoded by confab's own
//     recognizer in a second session, says the tool's word;
//   - (b) the same from a real recording sent with session.sendAudio in
//     real-time chunks, the turn ended by server VAD.
// The SDK's history ends with the user message, the function call (the SDK
// keeps the call's output on that entry) and the assistant message.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { z } from 'zod';
import { RealtimeAgent, RealtimeSession, tool } from '@openai/agents-realtime';
import { startFakeLlm, startConfab, tempDir, cleanup, recording24k, sleep } from '../e2e/harness.mjs';

// The tool's answer: a word pocketsphinx reliably hears in flite's voice.
const WEATHER = 'sunny';
const PLAIN_REPLY = 'It is sunny in Paris today.';
const QUESTION = 'What is the weather in Paris?';
// The recordings hold no question; the fake model calls the tool whatever
// the user said.
const RECORDING = 'platforms.wav';
const WAIT_MS = 45000;

let dir;
let llm;
let confab;

before(async () => {
  dir = tempDir('agents-sdk');
  llm = await startFakeLlm(dir, { reply: PLAIN_REPLY, ttftMs: 50, tokensPerSecond: 40, args: ['--tools-script', 'weather'] });
  confab = await startConfab(dir, { llmUrl: llm.url });
});

after(() => {
  confab?.stop();
  llm?.stop();
  if (dir) cleanup(dir);
});

// ---- an SDK session and what it saw ----

function weatherTool(calls) {
  return tool({
    name: 'get_weather',
    description: 'The current weather in a city.',
    parameters: z.object({ city: z.string() }),
    execute: async ({ city }) => {
      calls.push({ city });
      return WEATHER;
    },
  });
}

// A RealtimeSession over the WebSocket transport, with every server event
// and every error recorded, the output audio kept per response, and
// waitFor(): resolves once a condition over what was seen holds, rejects at
// the first error event or after WAIT_MS, with the events seen.
async function openSession({ tools }) {
  const agent = new RealtimeAgent({ name: 'weather', instructions: 'You answer questions about the weather.', tools });
  const session = new RealtimeSession(agent, {
    transport: 'websocket',
    model: 'gpt-realtime',
    // The SDK's default turn detection is semantic_vad, which confab refuses.
    config: { audio: { input: { turnDetection: { type: 'server_vad' } } } },
  });
  const seen = { events: [], errors: [], audio: new Map() };
  const waiters = new Set();
  const check = () => {
    for (const w of waiters) {
      if (seen.errors.length) w.fail(new Error(`error event: ${JSON.stringify(seen.errors[0])}`));
      else if (w.condition()) w.done();
    }
  };
  session.on('transport_event', (event) => {
    seen.events.push(event);
    check();
  });
  session.on('error', (e) => {
    seen.errors.push(e.error?.error ?? e.error?.message ?? String(e.error));
    check();
  });
  session.on('audio', (event) => {
    const parts = seen.audio.get(event.responseId) ?? [];
    parts.push(Buffer.from(event.data));
    seen.audio.set(event.responseId, parts);
  });
  session.on('history_updated', check);
  session.on('agent_tool_end', () => {
    seen.toolEndedAt ??= seen.events.length;
    check();
  });
  seen.waitFor = (condition, what) => new Promise((resolve, reject) => {
    const w = {
      condition,
      done: () => { clearTimeout(w.timer); waiters.delete(w); resolve(); },
      fail: (error) => { clearTimeout(w.timer); waiters.delete(w); reject(new Error(`${what}: ${error.message}\n${describe(seen)}`)); },
    };
    w.timer = setTimeout(() => w.fail(new Error(`not within ${WAIT_MS} ms`)), WAIT_MS);
    waiters.add(w);
    check();
  });
  await session.connect({ apiKey: 'sk-test', url: `ws://127.0.0.1:${confab.port}/v1/realtime?model=gpt-realtime` });
  return { session, seen };
}

function describe(seen) {
  const lines = seen.events.filter((e) => !e.type.endsWith('audio.delta')).map((e) => {
    const extra = e.item ? ` ${e.item.type}${e.item.role ? '/' + e.item.role : ''}${e.item.name ? ' ' + e.item.name : ''}`
      : e.error ? ` ${JSON.stringify(e.error)}` : e.transcript !== undefined ? ` "${e.transcript}"` : '';
    return `  ${e.type}${extra}`;
  });
  return `events seen:\n${lines.join('\n')}\nerrors: ${JSON.stringify(seen.errors)}`;
}

function responsesDone(seen, from = 0) {
  return seen.events.slice(from).filter((e) => e.type === 'response.done');
}

// A completed response.done with an assistant message; with `afterTool`,
// one that came after the SDK had run the tool (and so sent its output).
function spokenReply(seen, { afterTool }) {
  return () => {
    if (afterTool && seen.toolEndedAt === undefined) return false;
    return responsesDone(seen, afterTool ? seen.toolEndedAt : 0).some((e) => e.response.status === 'completed' &&
      e.response.output.some((item) => item.type === 'message' && item.role === 'assistant'));
  };
}

function lastSpokenResponse(seen) {
  const done = responsesDone(seen).filter((e) => e.response.output.some((item) => item.type === 'message'));
  return done[done.length - 1].response;
}

function transcriptOf(message) {
  return message.content.map((c) => c.transcript ?? c.text ?? '').join(' ');
}

// ---- decoding the reply with confab's own recognizer ----

function collectPcm(seen, responseId) {
  return Buffer.concat(seen.audio.get(responseId) ?? []);
}

// Transcribes 24 kHz PCM16 in a second plain WebSocket session: turn
// detection off, the audio (between silences) appended, committed, and the
// item's transcription awaited.
async function transcribe(pcm) {
  const ws = new WebSocket(`ws://127.0.0.1:${confab.port}/v1/realtime`);
  const events = [];
  const next = (type) => new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`transcriber: no ${type} within ${WAIT_MS} ms; saw ${events.join(' ')}`)), WAIT_MS);
    const onMessage = (data) => {
      const event = JSON.parse(String(data));
      if (event.type === type || event.type === 'error' || event.type.endsWith('transcription.failed')) {
        clearTimeout(timer);
        ws.off('message', onMessage);
        if (event.type === type) resolve(event);
        else reject(new Error(`transcriber: ${JSON.stringify(event)}`));
      }
    };
    ws.on('message', onMessage);
  });
  ws.on('message', (data) => events.push(JSON.parse(String(data)).type));
  try {
    await next('session.created');
    ws.send(JSON.stringify({ type: 'session.update', session: { type: 'realtime',
      audio: { input: { transcription: { model: 'pocketsphinx' }, turn_detection: null } } } }));
    await next('session.updated');
    const silence = Buffer.alloc(2 * 24000 * 0.4);
    const all = Buffer.concat([silence, pcm, silence]);
    const chunk = 2 * 24000 * 0.5;
    for (let o = 0; o < all.length; o += chunk) {
      ws.send(JSON.stringify({ type: 'input_audio_buffer.append', audio: all.subarray(o, o + chunk).toString('base64') }));
    }
    const completed = next('conversation.item.input_audio_transcription.completed');
    ws.send(JSON.stringify({ type: 'input_audio_buffer.commit' }));
    return (await completed).transcript;
  } finally {
    ws.close();
  }
}

// ---- the recording ----

// Sends audio as a microphone would: 40 ms chunks at real-time pace.
async function sendRealTime(session, pcm) {
  const chunk = 2 * 24000 * 0.04;
  const start = Date.now();
  for (let o = 0, i = 0; o < pcm.length; o += chunk, i++) {
    const part = pcm.subarray(o, o + chunk);
    session.sendAudio(part.buffer.slice(part.byteOffset, part.byteOffset + part.byteLength));
    const due = start + (i + 1) * 40;
    await sleep(Math.max(0, due - Date.now())); // pacing the sender, not waiting for the server
  }
}

// ---- what the fake model was asked ----

function requestsSince(count) {
  return llm.requests().slice(count);
}

function assertToolRoundTrip(requests, userText) {
  const first = requests.find((r) => r.messages.at(-1).role === 'user');
  assert.ok(first, `no model request ended with the user's message: ${JSON.stringify(requests)}`);
  assert.equal(first.messages.at(-1).content, userText);
  const offered = (first.tools ?? []).map((t) => t.function?.name);
  assert.deepEqual(offered, ['get_weather'], `tools offered to the model: ${JSON.stringify(first.tools)}`);
  assert.deepEqual(first.tools[0].function.parameters.properties, { city: { type: 'string' } });

  const second = requests.find((r) => r.messages.at(-1).role === 'tool');
  assert.ok(second, `no model request carried the tool's output: ${JSON.stringify(requests.map((r) => r.messages))}`);
  const tail = second.messages.slice(-3);
  assert.equal(tail[0].role, 'user');
  assert.equal(tail[0].content, userText);
  assert.equal(tail[1].role, 'assistant');
  assert.equal(tail[1].tool_calls.length, 1);
  const call = tail[1].tool_calls[0];
  assert.equal(call.type, 'function');
  assert.equal(call.function.name, 'get_weather');
  assert.deepEqual(JSON.parse(call.function.arguments), { city: 'Paris' });
  assert.equal(tail[2].tool_call_id, call.id);
  assert.equal(tail[2].content, WEATHER);
}

// The SDK's history ends with the user message, the function call (with
// its output) and the assistant's reply, which repeats the output.
function assertHistoryTail(history, isUserMessage) {
  const tail = history.slice(-3);
  assert.equal(tail.length, 3, JSON.stringify(history));
  assert.equal(tail[0].type, 'message');
  assert.equal(tail[0].role, 'user');
  assert.ok(isUserMessage(tail[0]), JSON.stringify(tail[0]));
  assert.equal(tail[1].type, 'function_call');
  assert.equal(tail[1].name, 'get_weather');
  assert.deepEqual(JSON.parse(tail[1].arguments), { city: 'Paris' });
  assert.equal(tail[1].output, WEATHER);
  assert.equal(tail[1].status, 'completed');
  assert.equal(tail[2].type, 'message');
  assert.equal(tail[2].role, 'assistant');
  assert.equal(transcriptOf(tail[2]), `The weather in Paris is ${WEATHER}.`);
}

async function assertSpoken(seen, word) {
  const response = lastSpokenResponse(seen);
  const pcm = collectPcm(seen, response.id);
  assert.ok(pcm.length > 2 * 24000 * 0.5, `reply audio: ${pcm.length} bytes`);
  const heard = await transcribe(pcm);
  assert.match(heard, new RegExp(`\\b${word}\\b`), `the reply's audio decodes to "${heard}"`);
  return heard;
}

// ---- the tests ----

test('without tools, the SDK connects, its session.update is accepted and a typed turn gets a spoken reply', async (t) => {
  const { session, seen } = await openSession({ tools: [] });
  try {
    await seen.waitFor(() => seen.events.some((e) => e.type === 'session.updated' &&
      e.session.instructions === 'You answer questions about the weather.'), 'the agent\'s session.update');
    session.sendMessage(QUESTION);
    await seen.waitFor(spokenReply(seen, { afterTool: false }), 'a spoken reply');
    const tail = session.history.slice(-2);
    assert.equal(tail[0].role, 'user');
    assert.deepEqual(tail[0].content, [{ type: 'input_text', text: QUESTION }]);
    assert.equal(tail[1].role, 'assistant');
    assert.equal(transcriptOf(tail[1]), PLAIN_REPLY);
    assert.deepEqual(seen.errors, []);
    t.diagnostic(`the reply's audio decodes to "${await assertSpoken(seen, WEATHER)}"`);
  } finally {
    session.close();
  }
});

test('(a) a typed turn: the model calls the tool, the SDK runs it and the spoken reply uses its output', async (t) => {
  const before = llm.requests().length;
  const calls = [];
  const { session, seen } = await openSession({ tools: [weatherTool(calls)] });
  try {
    session.sendMessage(QUESTION);
    await seen.waitFor(spokenReply(seen, { afterTool: true }), 'the reply after the tool call');
    assert.deepEqual(calls, [{ city: 'Paris' }]);
    assertToolRoundTrip(requestsSince(before), QUESTION);
    assertHistoryTail(session.history, (m) => m.content[0]?.text === QUESTION);
    assert.deepEqual(seen.errors, []);
    t.diagnostic(`the reply's audio decodes to "${await assertSpoken(seen, WEATHER)}"`);
  } finally {
    session.close();
  }
});

test('(b) a spoken turn: the same from a recording sent with sendAudio and ended by server VAD', async (t) => {
  const before = llm.requests().length;
  const calls = [];
  const { session, seen } = await openSession({ tools: [weatherTool(calls)] });
  try {
    const silence = Buffer.alloc(2 * 24000 * 0.5);
    await sendRealTime(session, Buffer.concat([silence, recording24k(RECORDING), silence, silence, silence]));
    await seen.waitFor(spokenReply(seen, { afterTool: true }), 'the reply after the tool call');
    const transcribed = seen.events.find((e) => e.type === 'conversation.item.input_audio_transcription.completed');
    assert.ok(transcribed?.transcript, 'the recording was transcribed');
    t.diagnostic(`${RECORDING} was transcribed as "${transcribed.transcript}"`);
    assert.deepEqual(calls, [{ city: 'Paris' }]);
    assertToolRoundTrip(requestsSince(before), transcribed.transcript);
    assertHistoryTail(session.history, (m) => m.content[0]?.type === 'input_audio' &&
      m.content[0].transcript === transcribed.transcript);
    assert.deepEqual(seen.errors, []);
    t.diagnostic(`the reply's audio decodes to "${await assertSpoken(seen, WEATHER)}"`);
  } finally {
    session.close();
  }
});
