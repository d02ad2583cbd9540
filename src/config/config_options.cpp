// The table of every configuration option. Adding a field to Config means
// adding one row here; flags, environment variables, --help, --print-config and
// docs/configuration.md follow from it (a unit test fails if the doc is stale).
#include <cctype>

#include "config/config_option.hpp"

namespace confab {
namespace {

// Names the TOML section and key once and derives the field accessor from
// them, so a row cannot point at a field other than the one it names.
// clang-format off
#define CONFAB_OPTION(sect, k) \
    .section = #sect, .key = #k, .field = +[](Config& c) -> auto& { return c.sect.k; }
// clang-format on

constexpr double kMinute = 60'000;
constexpr double kHour = 60 * kMinute;

std::vector<ConfigOption> build_table() {
    std::vector<ConfigOption> table = {
        // [server]
        {CONFAB_OPTION(server, host), .non_empty = true,
         .help = "Address to listen on (IP address or host name)."},
        {CONFAB_OPTION(server, port), .min = 0, .max = 65535,
         .help = "TCP port to listen on; 0 picks an ephemeral port."},
        {CONFAB_OPTION(server, io_threads), .min = 1, .max = 64,
         .help = "Threads running the network event loop."},
        {CONFAB_OPTION(server, web_root), .constraint = "an existing directory",
         .help = "Directory of the static web client served at /; must exist."},
        {CONFAB_OPTION(server, tls_cert), .constraint = "empty, or a readable file",
         .help = "PEM certificate chain; with tls_key, serves https/wss. Empty: plain http."},
        {CONFAB_OPTION(server, tls_key), .constraint = "empty, or a readable file",
         .help = "PEM private key for tls_cert."},
        {CONFAB_OPTION(server, drain_timeout_ms), .min = 1, .max = 5 * kMinute,
         .help = "On shutdown, how long sessions may finish before they are cut."},
        {CONFAB_OPTION(server, port_file),
         .constraint = "empty, or a file name in an existing directory",
         .help = "If set, the bound port is written to this file (for tests with port 0)."},
        {CONFAB_OPTION(server, metrics), .help = "Collect metrics and serve /metrics and "
                                                 "/dashboard; false turns every metrics hook off."},
        {CONFAB_OPTION(server, admin_token), .secret = true,
         .help = "Bearer token for /v1/admin/sessions; empty: the admin endpoint is off (404)."},
        {CONFAB_OPTION(server, header_timeout_ms), .min = 1, .max = kMinute,
         .help = "Time a connection has to deliver a whole request head (also the TLS handshake "
                 "and the PROXY header); an idle keep-alive connection closes after it too."},
        {CONFAB_OPTION(server, body_timeout_ms), .min = 1, .max = 10 * kMinute,
         .help = "Time a request has to deliver its body once its head is in."},
        {CONFAB_OPTION(server, max_header_bytes), .min = 1024, .max = 1 << 20,
         .help = "Largest request head (request line and headers); larger: 431."},
        {CONFAB_OPTION(server, max_target_bytes), .min = 64, .max = 1 << 20,
         .help = "Longest request target (path and query); longer: 414 (max_header_bytes bounds it "
                 "too)."},
        {CONFAB_OPTION(server, max_body_bytes), .min = 0, .max = 64 << 20,
         .help = "Largest request body; larger: 413."},
        {CONFAB_OPTION(server, trusted_proxies), .constraint = "comma-separated IPs or CIDRs",
         .help = "Proxies whose X-Forwarded-For (or PROXY header) names the client, e.g. "
                 "\"10.0.0.0/8, ::1\"; empty: the TCP peer is the client."},
        {CONFAB_OPTION(server, proxy_protocol),
         .help = "Trusted proxies open each connection with a PROXY protocol v1/v2 header "
                 "(HAProxy send-proxy); from other peers such a header is refused."},

        // [limits]
        {CONFAB_OPTION(limits, max_sessions), .min = 1, .max = 10'000,
         .help = "Concurrent sessions; further connections are refused."},
        {CONFAB_OPTION(limits, idle_timeout_ms), .min = 100, .max = 24 * kHour,
         .help = "A session with no client event for this long is closed."},
        {CONFAB_OPTION(limits, ping_interval_ms), .min = 100, .max = 10 * kMinute,
         .help = "WebSocket ping interval; a ping unanswered for twice this closes."},
        {CONFAB_OPTION(limits, max_message_bytes), .min = 1024, .max = 64 << 20,
         .help = "Largest WebSocket message accepted; larger ones close with 1009."},
        {CONFAB_OPTION(limits, max_input_audio_ms), .min = 1000, .max = 10 * kMinute,
         .help = "Most audio held in a session's input buffer."},
        {CONFAB_OPTION(limits, max_conversation_items), .min = 1, .max = 10'000,
         .help = "Most items a conversation keeps; the oldest are dropped."},
        {CONFAB_OPTION(limits, max_conversation_chars), .min = 1000, .max = 10'000'000,
         .help = "Most text a conversation keeps, in characters."},
        {CONFAB_OPTION(limits, max_instructions_chars), .min = 1, .max = 1'000'000,
         .help = "Longest session instructions accepted, in characters."},
        {CONFAB_OPTION(limits, max_item_text_chars), .min = 1, .max = 1'000'000,
         .help = "Longest text of one conversation item, in characters."},
        {CONFAB_OPTION(limits, max_tools), .min = 0, .max = 1024,
         .help = "Most function tools a session or response may declare."},
        {CONFAB_OPTION(limits, max_tool_description_chars), .min = 1, .max = 100'000,
         .help = "Longest description of one tool, in characters."},
        {CONFAB_OPTION(limits, max_tool_parameters_bytes), .min = 2, .max = 1'000'000,
         .help = "Largest JSON Schema of one tool's parameters, in bytes (serialised)."},
        {CONFAB_OPTION(limits, max_outgoing_bytes), .min = 64 << 10, .max = 1 << 30,
         .help = "Most bytes queued for one client; beyond it reply audio is shed, stale replies "
                 "first."},
        {CONFAB_OPTION(limits, max_outgoing_lag_ms), .min = 100, .max = 10 * kMinute,
         .help = "A client whose oldest unsent event waited this long is closed with 1008."},
        {CONFAB_OPTION(limits, socket_send_buffer_bytes), .min = 0, .max = 64 << 20,
         .help =
             "Kernel send buffer of client sockets (SO_SNDBUF); 0 leaves the kernel's autotuning."},
        {CONFAB_OPTION(limits, input_audio_lead_ms), .min = 100, .max = 10 * kMinute,
         .help = "How far ahead of real time a client may send audio; the excess is refused."},
        {CONFAB_OPTION(limits, max_events_per_second), .min = 1, .max = 100'000,
         .help = "Client events per second per session (burst: one second's worth)."},
        {CONFAB_OPTION(limits, max_audio_seconds_per_minute), .min = 1, .max = 6000,
         .help = "Seconds of input audio per minute per session."},
        {CONFAB_OPTION(limits, max_responses_per_minute), .min = 1, .max = 10'000,
         .help = "Responses per minute per session."},
        {CONFAB_OPTION(limits, admission_max_queue_wait_ms), .min = 0, .max = kMinute,
         .help = "New sessions are refused while engine queue waits of the last 10 s exceed this; "
                 "0: off."},
        {CONFAB_OPTION(limits, resume_window_ms), .min = 0, .max = 24 * kHour,
         .help = "How long a dropped session's conversation can be resumed; 0 disables resuming."},
        {CONFAB_OPTION(limits, max_connections_per_address), .min = 0, .max = 1'000'000,
         .help = "Open connections per client address; more are answered 429. 0: no limit."},
        {CONFAB_OPTION(limits, max_unauthenticated_per_address), .min = 0, .max = 1'000'000,
         .help = "Connections per client address that are not an admitted session (HTTP "
                 "requests, upgrades in progress); more are answered 429. 0: no limit."},
        {CONFAB_OPTION(limits, handshakes_per_second_per_address), .min = 0, .max = 100'000,
         .help = "WebSocket upgrades per second per client address (a token bucket); more are "
                 "answered 429. 0: no limit."},
        {CONFAB_OPTION(limits, handshake_burst_per_address), .min = 1, .max = 100'000,
         .help = "Upgrades one address may make at once before handshakes_per_second applies."},
        {CONFAB_OPTION(limits, max_tracked_addresses), .min = 1, .max = 10'000'000,
         .help = "Client addresses the per-address limits keep state for; when full, addresses "
                 "with no open connection are forgotten first, then new ones are answered 429."},

        // [llm]
        {CONFAB_OPTION(llm, base_url), .constraint = "empty, or an http:// or https:// URL",
         .help = "OpenAI-compatible API root (http:// or https://). Empty: offline replies."},
        {CONFAB_OPTION(llm, model), .non_empty = true, .help = "Model name sent to the API."},
        {CONFAB_OPTION(llm, api_key), .secret = true,
         .help = "Bearer token for the API; prefer the environment variable. Never printed."},
        {CONFAB_OPTION(llm, connect_timeout_ms), .min = 1, .max = kMinute,
         .help = "Deadline to connect to the API."},
        {CONFAB_OPTION(llm, first_token_timeout_ms), .min = 1, .max = 5 * kMinute,
         .help = "Deadline for the first streamed token; at most total_timeout_ms."},
        {CONFAB_OPTION(llm, total_timeout_ms), .min = 1, .max = 10 * kMinute,
         .help = "Deadline for a whole reply."},
        {CONFAB_OPTION(llm, max_history_turns), .min = 0, .max = 1000,
         .help = "User+assistant pairs sent as history."},
        {CONFAB_OPTION(llm, max_history_chars), .min = 0, .max = 1'000'000,
         .help = "Most history text sent, in characters."},
        {CONFAB_OPTION(llm, max_tokens), .min = 1, .max = 100'000,
         .help = "Most tokens asked for per reply."},
        {CONFAB_OPTION(llm, max_concurrent_requests), .min = 1, .max = 10'000,
         .help = "Requests in flight to the API at once; the rest wait in a fair queue."},
        {CONFAB_OPTION(llm, max_queued_requests), .min = 0, .max = 100'000,
         .help = "Requests that may wait for a slot; beyond, llm_backend_saturated at once."},
        {CONFAB_OPTION(llm, queue_timeout_ms), .min = 1, .max = 10 * kMinute,
         .help = "Longest wait for a request slot before llm_backend_saturated."},
        {CONFAB_OPTION(llm, max_idle_connections), .min = 0, .max = 10'000,
         .help = "Idle keep-alive connections kept for reuse; 0 turns reuse off."},
        {CONFAB_OPTION(llm, idle_timeout_ms), .min = 1, .max = kHour,
         .help = "An idle keep-alive connection older than this is closed, not reused."},
        {CONFAB_OPTION(llm, prefetch),
         .help = "Ask for a voice turn's reply as the user pauses; used if the final transcript "
                 "matches (a pause the user talks on from costs a cancelled request)."},
        {CONFAB_OPTION(llm, failover_after_ms), .min = 1, .max = 5 * kMinute,
         .help = "With several [[llm.backends]]: no first token within this long sends the request "
                 "to the next backend (first_token_timeout_ms bounds all attempts)."},
        {CONFAB_OPTION(llm, breaker_failures), .min = 1, .max = 1000,
         .help = "Consecutive failures of a backend that open its circuit breaker (no requests)."},
        {CONFAB_OPTION(llm, breaker_cooldown_ms), .min = 1, .max = kHour,
         .help = "How long an open breaker waits before one request probes the backend again."},
        {CONFAB_OPTION(llm, unavailable_message),
         .help = "Spoken when no language-model backend can answer (with the error event); empty: "
                 "the error event only."},

        // [stt]
        {CONFAB_OPTION(stt, engine), .choices = {"pocketsphinx"}, .help = "Speech-to-text engine."},
        {CONFAB_OPTION(stt, model_dir), .constraint = "an existing directory",
         .help = "Pocketsphinx acoustic model directory."},
        {CONFAB_OPTION(stt, dictionary), .constraint = "a readable file",
         .help = "Pocketsphinx pronunciation dictionary file."},
        {CONFAB_OPTION(stt, language_model), .constraint = "a readable file",
         .help = "Pocketsphinx language model file."},
        {CONFAB_OPTION(stt, fast),
         .help = "Pruned decoding (about half the CPU, slightly more errors)."},
        {CONFAB_OPTION(stt, workers), .min = 0, .max = 256,
         .help = "Decoders, one per STT worker (~100 MB each); 0: 3 per core, at least 2."},
        {CONFAB_OPTION(stt, noise_gate_db), .min = 0, .max = 40,
         .help = "Turn detection hears speech only this many dB above the session's noise "
                 "floor (ends turns in steady hiss or hum); 0: the VAD alone."},
        {CONFAB_OPTION(stt, urgent_first),
         .help =
             "STT workers on live speech yield (up to 200 ms a batch) to those finishing a turn."},
        {CONFAB_OPTION(stt, base_url), .constraint = "empty, or an http:// or https:// URL",
         .help = "Remote transcription server root (OpenAI-compatible /audio/transcriptions); "
                 "several: [[stt.backends]]. Empty: pocketsphinx only."},
        {CONFAB_OPTION(stt, model), .non_empty = true, .help = "Model name sent to the server."},
        {CONFAB_OPTION(stt, api_key), .secret = true,
         .help = "Bearer token for the transcription server. Never printed."},
        {CONFAB_OPTION(stt, language),
         .help = "Language sent to the server (ISO-639-1); empty lets it detect."},
        {CONFAB_OPTION(stt, stream),
         .help = "Ask the server for streamed partials (stream=true; speaches, OpenAI)."},
        {CONFAB_OPTION(stt, local_partials),
         .help = "With a remote server and no streamed partials: pocketsphinx decodes alongside "
                 "for partials only (a decoder per speaking user); the server makes the final "
                 "transcript."},
        {CONFAB_OPTION(stt, max_concurrent_requests), .min = 1, .max = 10'000,
         .help = "Transcriptions in flight to each server at once; the rest wait in a fair queue."},
        {CONFAB_OPTION(stt, timeout_ms), .min = 1, .max = 5 * kMinute,
         .help = "No transcript within this long: the next backend (or pocketsphinx)."},
        {CONFAB_OPTION(stt, fallback),
         .help = "Pocketsphinx transcribes when no remote server can; false: the transcription "
                 "fails (and no decoders are loaded)."},
        {CONFAB_OPTION(stt, breaker_failures), .min = 1, .max = 1000,
         .help = "Consecutive failures of a server that open its circuit breaker."},
        {CONFAB_OPTION(stt, breaker_cooldown_ms), .min = 1, .max = kHour,
         .help = "How long an open breaker waits before one request probes the server again."},

        // [tts]
        {CONFAB_OPTION(tts, engine), .choices = {"flite", "espeak-ng"},
         .help = "Text-to-speech engine."},
        {CONFAB_OPTION(tts, voice), .help = "Voice of the engine; empty: the engine's default."},
        {CONFAB_OPTION(tts, speed), .min = 0.25, .max = 4.0,
         .help = "Speaking rate; 1 is natural."},
        {CONFAB_OPTION(tts, workers), .min = 0, .max = 64,
         .help = "Speech synthesis threads; 0: one per core."},
        {CONFAB_OPTION(tts, base_url), .constraint = "empty, or an http:// or https:// URL",
         .help = "Remote speech server root (OpenAI-compatible /audio/speech); several: "
                 "[[tts.backends]]. Empty: the embedded engine only."},
        {CONFAB_OPTION(tts, model), .non_empty = true, .help = "Model name sent to the server."},
        {CONFAB_OPTION(tts, api_key), .secret = true,
         .help = "Bearer token for the speech server. Never printed."},
        {CONFAB_OPTION(tts, remote_voices), .non_empty = true,
         .help = "The remote server's voices, comma-separated; the first is the default."},
        {CONFAB_OPTION(tts, response_format), .choices = {"pcm", "wav"},
         .help = "Audio asked of the server: pcm (24 kHz 16-bit mono) or wav."},
        {CONFAB_OPTION(tts, max_concurrent_requests), .min = 1, .max = 10'000,
         .help = "Syntheses in flight to each server at once; the rest wait in a fair queue."},
        {CONFAB_OPTION(tts, first_byte_timeout_ms), .min = 1, .max = kMinute,
         .help = "No audio within this long: the next backend (or the embedded engine)."},
        {CONFAB_OPTION(tts, fallback),
         .help = "The embedded engine speaks when no remote server can; false: the reply fails."},
        {CONFAB_OPTION(tts, breaker_failures), .min = 1, .max = 1000,
         .help = "Consecutive failures of a server that open its circuit breaker."},
        {CONFAB_OPTION(tts, breaker_cooldown_ms), .min = 1, .max = kHour,
         .help = "How long an open breaker waits before one request probes the server again."},

        // [auth]
        {CONFAB_OPTION(auth, mode), .choices = {"none", "keys"},
         .help = "none: anyone who reaches the port may talk (loopback only, unless "
                 "allow_unauthenticated); keys: API keys and client secrets."},
        {CONFAB_OPTION(auth, allow_unauthenticated),
         .help = "Let mode none listen on a non-loopback address (logged loudly at start)."},
        {CONFAB_OPTION(auth, keys_file), .constraint = "empty, or a readable file",
         .help =
             "API keys (TOML [[key]]: id, user, sha256 of the key, scopes, limits); reloaded on "
             "SIGHUP. Required by mode keys."},
        {CONFAB_OPTION(auth, signing_key_file), .constraint = "empty, or a readable file",
         .help = "Secret (at least 32 bytes) signing client secrets; every node of a cluster needs "
                 "the same. Empty: a random key, valid on this process only."},
        {CONFAB_OPTION(auth, users_file), .constraint = "empty, or a readable file",
         .help = "Users of the web page's login (TOML [[user]]: name, PBKDF2 password hash, key); "
                 "empty: no login page."},
        {CONFAB_OPTION(auth, allowed_origins),
         .help = "Comma-separated origins browsers may connect from; empty: this server's own "
                 "origin and localhost."},
        {CONFAB_OPTION(auth, audit_log),
         .help = "Audit log of security events (JSON lines): a file, reopened on SIGHUP; \"-\": "
                 "stdout; empty: off."},
        {CONFAB_OPTION(auth, max_sessions_per_key), .min = 0, .max = 100'000,
         .help = "Concurrent sessions per API key unless its entry says otherwise; 0: no limit."},
        {CONFAB_OPTION(auth, max_responses_per_minute_per_key), .min = 0, .max = 1'000'000,
         .help = "Responses per minute per API key, over all its sessions; 0: no limit."},
        {CONFAB_OPTION(auth, max_audio_minutes_per_hour_per_key), .min = 0, .max = 1'000'000,
         .help =
             "Minutes of input audio per hour per API key, over all its sessions; 0: no limit."},

        // [log]
        {CONFAB_OPTION(log, level), .choices = {"trace", "debug", "info", "warn", "error"},
         .help = "Least severe level logged."},
        {CONFAB_OPTION(log, json), .help = "Log JSON lines instead of text."},

        // [store]
        {CONFAB_OPTION(store, redis_url), .constraint = "empty, or redis://host:port",
         .help = "The Redis every node of a cluster writes conversations through to, so a "
                 "resume token works on any node and a node's death loses at most its replies "
                 "in flight; empty: kept in this process's memory."},
        {CONFAB_OPTION(store, redis_password), .secret = true,
         .help = "Password sent with AUTH to store.redis_url's Redis; empty: none."},
    };
#undef CONFAB_OPTION

    for (ConfigOption& option : table) {
        // [server] and [limits] are the server's own settings and get bare
        // flags; the other sections prefix theirs so names stay unambiguous.
        const bool bare = option.section == "server" || option.section == "limits";
        option.flag = bare ? option.key : option.section + "_" + option.key;
        option.env = "CONFAB_";
        for (char& ch : option.flag) {
            if (ch == '_') ch = '-';
            option.env += ch == '-' ? '_' : static_cast<char>(std::toupper(ch));
        }
    }
    return table;
}

}  // namespace

const std::vector<ConfigOption>& config_options() {
    static const std::vector<ConfigOption> table = build_table();
    return table;
}

}  // namespace confab
