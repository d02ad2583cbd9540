// The user's settings: kept in localStorage, turned into a session.update.
const KEY = 'confab.settings';

export const DEFAULTS = {
  voice: 'slt',
  speed: 1.0,
  silenceMs: 500,
  instructions: '',
  pushToTalk: false,
  echoCancellation: true,
  noiseSuppression: true,
  autoGainControl: true,
};

export function loadSettings(storage = globalThis.localStorage) {
  try {
    return { ...DEFAULTS, ...JSON.parse(storage.getItem(KEY) || '{}') };
  } catch {
    return { ...DEFAULTS };
  }
}

export function saveSettings(settings, storage = globalThis.localStorage) {
  storage.setItem(KEY, JSON.stringify(settings));
}

export function sessionUpdate(s) {
  const session = {
    type: 'realtime',
    audio: {
      input: {
        // Push-to-talk commits by hand: no server turn detection.
        turn_detection: s.pushToTalk ? null : { type: 'server_vad', silence_duration_ms: Number(s.silenceMs) },
      },
      output: { voice: s.voice, speed: Number(s.speed) },
    },
  };
  if (s.instructions && s.instructions.trim()) session.instructions = s.instructions.trim();
  return { type: 'session.update', session };
}
