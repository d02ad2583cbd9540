// Every error code the server can send (docs/protocol.md), in plain words
// for the page. The server's own message is kept as the detail.
const PLAIN = {
  server_at_capacity: 'The server is full right now. Retrying shortly…',
  server_shutting_down: 'The server is restarting. Reconnecting…',
  rate_limit_exceeded: 'Too many requests too quickly. Slow down for a moment.',
  input_audio_too_fast: 'Audio is arriving faster than real time; some of it was refused.',
  session_idle_timeout: 'The conversation was closed after a long silence.',
  response_unavailable: 'No language model is configured on this server, so it cannot answer.',
  llm_backend_error: 'The language model failed to answer. Try again.',
  llm_backend_saturated: 'The language model is busy with other people right now. Try again in a moment.',
  llm_backend_unavailable: 'The language model server cannot be reached. Try again later.',
  llm_timeout: 'The language model took too long to answer. Try again.',
  tts_failed: 'The voice could not be synthesised for this reply.',
  tts_queue_full: 'The server is too busy to speak right now. Try again in a moment.',
  transcription_failed: 'Your speech could not be transcribed.',
  input_audio_dropped: 'The server fell behind: part of what you just said was not heard.',
  input_audio_buffer_full: 'You spoke for too long in one go; the rest was not heard.',
  input_audio_buffer_commit_empty: 'Nothing was recorded: hold the button while you speak.',
  conversation_already_has_active_response: 'Wait for the current reply to finish.',
  response_cancel_not_active: 'There was no reply to stop.',
  resume_token_invalid: 'The earlier conversation could not be restored; this is a new one.',
  item_not_found: 'That part of the conversation no longer exists.',
  duplicate_item_id: 'That message was already sent.',
  invalid_json: 'The page sent something the server could not read (a bug in this page).',
  missing_required_parameter: 'The page left out something the server needs (a bug in this page).',
  invalid_type: 'A setting has the wrong kind of value.',
  invalid_value: 'A setting has a value the server does not accept.',
  unknown_parameter: 'The page sent a setting the server does not know.',
  unsupported_parameter: 'The server does not support that setting.',
  unknown_event: 'The page sent a request the server does not know (a bug in this page).',
  invalid_base64: 'Audio was garbled on the way to the server.',
  invalid_audio: 'Audio was garbled on the way to the server.',
  invalid_frame: 'The page sent binary data the server does not accept.',
  microphone_denied: 'Microphone access was denied. Allow it in the browser to talk (you can still type).',
  microphone_unavailable: 'No microphone could be opened. You can still type.',
};

// {code, message, param} -> one sentence for the page.
export function plainError(error) {
  const code = error && error.code;
  const words = PLAIN[code] || 'Something went wrong.';
  const detail = error && error.message ? ` (${error.message})` : '';
  if (code === 'invalid_value' && error.param) return `${words} ${error.param}${detail}`;
  return words + (PLAIN[code] ? '' : detail);
}

export const knownErrorCodes = Object.keys(PLAIN);
