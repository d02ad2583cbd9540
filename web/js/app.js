// The page's controller: wires the microphone, the player, the Realtime
// client and the DOM together and keeps the conversation's state. Barge-in
// lives here: the user's speech (or a cancelled reply) clears the player at
// once and tells the server how much of the reply was actually heard.
// With authentication on, AuthFlow (auth_flow.js) decides before every
// connection whether the page has a client secret to present, and the login
// form (sign_in.js) gets one when it has not (docs/web_auth.md).
import { Capture } from './capture.js';
import { Player } from './player.js';
import { RealtimeClient } from './realtime_client.js';
import { Ui } from './ui.js';
import { plainError } from './errors.js';
import { pcm16ToBase64 } from './pcm.js';
import { loadSettings, saveSettings, sessionUpdate } from './settings.js';
import { ControllerState } from './controller_state.js';
import { AuthFlow, signInMessage } from './auth_flow.js';
import { SignInForm } from './sign_in.js';

const RTT_WARN_MS = 400;

const ui = new Ui(document);
const state = new ControllerState(loadSettings());
const wsUrl = `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/v1/realtime`;
const secretUrl = document.querySelector('meta[name="confab-client-secret-url"]')?.content.trim() || '';
const auth = new AuthFlow({ secretUrl });
const client = new RealtimeClient(wsUrl, { authorize: (info) => auth.beforeConnect(info) });
const signIn = new SignInForm(document);

// What the browser tests read (and a curious user can, in the console).
const testHooks = {
  log: [],
  bargeIns: [],
  truncates: [],
  latencies: [],
  settings: () => state.settings,
  stats: () => ({
    player: state.player ? { ...state.player.stats } : null,
    capture: state.capture ? { frames: state.capture.frames, peak: state.capture.peak, rate: state.context.sampleRate } : null,
    rttMs: client.rttMs,
    connection: client.state,
    protocol: client.protocol,
    framesSent: client.sent,
  }),
  // Never the secret itself.
  auth: () => ({ mode: auth.mode, login: auth.login, signedIn: Boolean(auth.secret), user: auth.user, loginShown: signIn.visible }),
};
window.confab = testHooks;

function record(type, extra = {}) {
  testHooks.log.push({ type, t: performance.now(), ...extra });
  if (testHooks.log.length > 2000) testHooks.log.splice(0, 500);
}

// ---- conversation state ----

function setState(convState) {
  ui.convState(convState);
  record('state', { state: convState });
}

function idleState() {
  return state.micOn ? 'listening' : 'typing';
}

// Stops the reply now and tells the server what was heard.
async function interrupt(why) {
  state.cancelActive();
  const { player } = state;
  if (!player || !player.busy) return;
  const started = performance.now();
  const info = await player.clear();
  testHooks.bargeIns.push({ why, requestedAt: started, clearedAt: info.at, item: info.item, playedMs: info.playedMs });
  record('playback_cleared', { why, item: info.item, playedMs: info.playedMs });
  if (info.item) {
    ui.interrupted(info.item);
    const truncate = { type: 'conversation.item.truncate', item_id: info.item, content_index: 0, audio_end_ms: info.playedMs };
    if (client.send(truncate)) testHooks.truncates.push(truncate);
  }
  setState('interrupted');
}

const handlers = {
  'session.created'(ev) {
    record('session.created', { id: ev.session.id });
    auth.connected();
    if (authErrorShown) ui.error('');
    authErrorShown = false;
    ensureVoiceOption(ev.session.audio.output.voice);
    client.send(sessionUpdate(state.settings));
    setState(idleState());
  },
  'confab.session.resumed'(ev) {
    ui.notice(`Reconnected: the conversation was restored (${ev.item_count} items).`);
    ui.system('Reconnected — conversation restored');
    record('resumed', { items: ev.item_count });
  },
  error(ev) {
    const err = ev.error || {};
    record('error', { code: err.code });
    if (err.code === 'resume_token_invalid') {
      ui.notice(plainError(err));
      ui.system('Reconnected — a new conversation');
      return;
    }
    ui.error(plainError(err));
  },
  'input_audio_buffer.speech_started'(ev) {
    record('speech_started', { item: ev.item_id });
    setState('user');
    interrupt('speech_started');
  },
  'input_audio_buffer.speech_stopped'() {
    record('speech_stopped');
    state.turnEnded(performance.now());
    setState('thinking');
  },
  'conversation.item.input_audio_transcription.delta'(ev) {
    ui.partial(ev.item_id, 'user', ev.delta);
  },
  'conversation.item.input_audio_transcription.completed'(ev) {
    ui.final(ev.item_id, 'user', ev.transcript);
    record('user_transcript', { item: ev.item_id, text: ev.transcript });
  },
  'conversation.item.added'(ev) {
    const item = ev.item;
    if (item.role === 'user' && item.content && item.content[0] && item.content[0].type === 'input_text') {
      ui.final(item.id, 'user', item.content[0].text);
    }
  },
  'response.created'(ev) {
    state.responseCreated(ev.response.id, performance.now());
    setState('thinking');
  },
  'response.output_audio_transcript.delta'(ev) {
    if (!state.isCancelled(ev.response_id)) ui.partial(ev.item_id, 'assistant', ev.delta);
  },
  'response.output_text.delta'(ev) {
    ui.partial(ev.item_id, 'assistant', ev.delta);
  },
  'response.output_audio.delta'(ev) {
    if (state.isCancelled(ev.response_id) || !state.player) return;
    const sinceTurnEndMs = state.takeFirstAudio(performance.now());
    if (sinceTurnEndMs !== null) record('first_audio', { sinceTurnEndMs });
    state.player.enqueue(ev.item_id, ev.delta);
  },
  'response.output_audio.done'(ev) {
    if (state.player) state.player.end(ev.item_id);
  },
  'response.output_audio_transcript.done'(ev) {
    ui.final(ev.item_id, 'assistant', ev.transcript);
    record('assistant_transcript', { item: ev.item_id, text: ev.transcript });
  },
  'response.output_text.done'(ev) {
    ui.final(ev.item_id, 'assistant', ev.text);
  },
  'response.done'(ev) {
    const r = ev.response;
    record('response.done', { id: r.id, status: r.status });
    if (r.status === 'cancelled') {
      interrupt('response_cancelled');
      for (const item of r.output || []) ui.interrupted(item.id);
    }
    state.responseDone(r.id);
    if (!state.player || !state.player.busy) setState(idleState());
  },
  'confab.response.timings'(ev) {
    record('timings', { timings: ev.timings });
    const ms = ev.timings && ev.timings.first_audio_sent_ms;
    if (ms != null) {
      ui.latency(ms);
      testHooks.latencies.push(ms);
    }
  },
  'conversation.item.truncated'(ev) {
    record('truncated', { item: ev.item_id, audioEndMs: ev.audio_end_ms });
  },
};

for (const [type, fn] of Object.entries(handlers)) client.addEventListener(type, (e) => fn(e.detail));
client.addEventListener('state', (e) => {
  const connection = e.detail.state;
  ui.connection(connection, e.detail);
  record('connection', { state: connection });
  if (connection === 'reconnecting') {
    state.connectionLost();
    if (state.player) state.player.reset();
  }
  if (connection === 'signed_out') signedOut(e.detail);
});
client.addEventListener('rtt', (e) => updateQuality(e.detail.rttMs));

function updateQuality(rttMs) {
  let warning = '';
  if (rttMs > RTT_WARN_MS) warning = `Slow connection: ${Math.round(rttMs)} ms round trip.`;
  const fresh = state.newUnderruns(state.player ? state.player.stats.underruns : 0);
  if (fresh > 0) warning = `Reply audio stuttered ${fresh}× recently: the connection may be slow.`;
  ui.quality({ rttMs, warning });
}

// ---- signing in ----

// Before the Start button: the login, if the server wants one and the page
// has no other way to a client secret.
async function showSignInIfNeeded() {
  await auth.load();
  const need = auth.need;
  record('auth', { mode: auth.mode, login: auth.login, need });
  if (need === 'signin' && client.state === 'idle') {
    document.getElementById('start').hidden = true;
    ui.convState('signin');
    signIn.show();
  } else if (need === 'no_login') {
    ui.error(signInMessage('no_login'), { timeoutMs: 0 });
  }
}

let authErrorShown = false; // cleared by the next session, unlike other lasting errors

// The client stopped connecting: the secret expired or was refused, or
// there is none to be had.
function signedOut({ reason, canSignIn }) {
  record('signed_out', { reason });
  const message = signInMessage(reason, auth.lastDetail);
  if (canSignIn) {
    ui.convState('signin');
    signIn.show(message);
  } else {
    ui.error(message, { timeoutMs: 0 });
    authErrorShown = true;
    document.getElementById('start').hidden = false; // to try again
  }
}

signIn.onSubmit = async (username, password) => {
  const result = await auth.signIn(username, password);
  if (!result.ok) {
    record('login_failed', { message: result.message });
    signIn.error(result.message);
    return;
  }
  record('signed_in', { user: username });
  signIn.hide();
  ui.notice(`Signed in as ${username}.`);
  // Signed in again after an expiry: reconnect (the conversation resumes
  // while the server still keeps it). The first time: the user starts.
  if (state.context) {
    client.connect();
  } else {
    ui.convState('idle');
    document.getElementById('start').hidden = false;
  }
};

// ---- microphone and push-to-talk ----

function onFrame(pcm, level) {
  ui.level(level);
  if (!client.connected) return;
  if (state.settings.pushToTalk && !state.pttHeld) return;
  client.send({ type: 'input_audio_buffer.append', audio: pcm16ToBase64(pcm) });
}

async function startAudio() {
  const context = new AudioContext();
  state.context = context;
  await context.resume();
  const player = new Player(context);
  state.player = player;
  await player.init();
  player.on('started', (m) => {
    record('playback_started', { item: m.item });
    setState('speaking');
  });
  player.on('finished', (m) => {
    record('playback_finished', { item: m.item, playedMs: m.playedMs });
    if (!state.activeResponse) setState(idleState());
  });
  state.capture = new Capture(context);
  state.capture.onFrame = onFrame;
  await startMic();
}

async function startMic() {
  try {
    const { settings } = state;
    await state.capture.start({
      echoCancellation: settings.echoCancellation,
      noiseSuppression: settings.noiseSuppression,
      autoGainControl: settings.autoGainControl,
    });
    state.micOn = true;
  } catch (e) {
    state.micOn = false;
    const code = e && (e.name === 'NotAllowedError' || e.name === 'SecurityError') ? 'microphone_denied' : 'microphone_unavailable';
    ui.error(plainError({ code }), { timeoutMs: 0 });
    record('error', { code });
  }
  document.getElementById('ptt').hidden = !(state.micOn && state.settings.pushToTalk);
}

async function pttDown() {
  if (state.pttHeld || !state.micOn) return;
  state.pttHeld = true;
  document.getElementById('ptt').classList.add('held');
  if (state.activeResponse) client.send({ type: 'response.cancel' });
  await interrupt('push_to_talk');
  client.send({ type: 'input_audio_buffer.clear' });
  setState('user');
}

function pttUp() {
  if (!state.pttHeld) return;
  state.pttHeld = false;
  document.getElementById('ptt').classList.remove('held');
  client.send({ type: 'input_audio_buffer.commit' });
  client.send({ type: 'response.create' });
  state.turnEnded(performance.now());
  setState('thinking');
}

// ---- page wiring ----

function ensureVoiceOption(voice) {
  const select = document.getElementById('voice');
  if (voice && ![...select.options].some((o) => o.value === voice)) select.add(new Option(voice, voice));
}

function fillSettingsForm() {
  const $ = (id) => document.getElementById(id);
  const { settings } = state;
  ensureVoiceOption(settings.voice);
  $('voice').value = settings.voice;
  $('speed').value = settings.speed;
  $('speed-out').textContent = `${Number(settings.speed).toFixed(2)}×`;
  $('silence').value = settings.silenceMs;
  $('instructions').value = settings.instructions;
  $('ptt-mode').checked = settings.pushToTalk;
  $('echo').checked = settings.echoCancellation;
  $('noise').checked = settings.noiseSuppression;
  $('agc').checked = settings.autoGainControl;
}

function wire() {
  const $ = (id) => document.getElementById(id);
  fillSettingsForm();
  $('start').addEventListener('click', async () => {
    $('start').hidden = true;
    ui.connection('connecting');
    if (!state.context) await startAudio();
    client.connect();
  });
  $('composer').addEventListener('submit', (e) => {
    e.preventDefault();
    const text = $('text').value.trim();
    if (!text || !client.connected) return;
    if (state.activeResponse) client.send({ type: 'response.cancel' });
    interrupt('typed');
    client.send({
      type: 'conversation.item.create',
      item: { type: 'message', role: 'user', content: [{ type: 'input_text', text }] },
    });
    client.send({ type: 'response.create' });
    record('typed', { text });
    state.turnEnded(performance.now());
    $('text').value = '';
  });
  $('speed').addEventListener('input', () => ($('speed-out').textContent = `${Number($('speed').value).toFixed(2)}×`));
  $('settings-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const before = state.settings;
    const settings = {
      voice: $('voice').value,
      speed: Number($('speed').value),
      silenceMs: Number($('silence').value),
      instructions: $('instructions').value,
      pushToTalk: $('ptt-mode').checked,
      echoCancellation: $('echo').checked,
      noiseSuppression: $('noise').checked,
      autoGainControl: $('agc').checked,
    };
    state.settings = settings;
    saveSettings(settings);
    client.send(sessionUpdate(settings));
    const micChanged = ['echoCancellation', 'noiseSuppression', 'autoGainControl'].some((k) => before[k] !== settings[k]);
    if (state.capture && micChanged) await startMic();
    $('ptt').hidden = !(state.micOn && settings.pushToTalk);
    ui.notice('Settings applied.');
  });
  const ptt = $('ptt');
  ptt.addEventListener('pointerdown', (e) => {
    e.preventDefault();
    pttDown();
  });
  for (const ev of ['pointerup', 'pointercancel', 'pointerleave']) ptt.addEventListener(ev, pttUp);
  document.addEventListener('keydown', (e) => {
    if (e.code === 'Space' && state.settings.pushToTalk && document.activeElement.tagName !== 'INPUT' && !e.repeat) {
      e.preventDefault();
      pttDown();
    }
  });
  document.addEventListener('keyup', (e) => {
    if (e.code === 'Space' && state.settings.pushToTalk) pttUp();
  });
  setInterval(() => updateQuality(client.rttMs), 2000);
}

wire();
showSignInIfNeeded();
