// The whole configuration: one plain struct with defaults.
//
// Loaded once at start (file → CONFAB_* environment → flags, see
// config_loader.hpp), validated once, then passed by const& and never mutated.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace confab {

struct ServerConfig {
    std::string host = "127.0.0.1";
    int port = 8080;               // 0 picks an ephemeral port (tests)
    int io_threads = 2;            // threads running the io_context
    std::string web_root = "web";  // static files served at /
    std::string tls_cert;          // PEM; with tls_key, serves https/wss
    std::string tls_key;
    int drain_timeout_ms = 5000;  // graceful shutdown deadline
    std::string port_file;        // if set, the bound port is written here (tests)
    bool metrics = true;          // /metrics, the dashboard and every metrics hook
    std::string admin_token;      // Bearer token of /v1/admin/*; empty: admin endpoints off (404)
    // The HTTP edge (net/http_connection.cpp, docs/security.md). A request
    // head must arrive whole within header_timeout_ms (so must the TLS
    // handshake and the PROXY header); an idle keep-alive connection closes
    // after it too. The body has its own deadline.
    int header_timeout_ms = 5000;
    int body_timeout_ms = 10000;
    std::size_t max_header_bytes = 16384;  // larger heads: 431
    std::size_t max_target_bytes = 8192;   // longer request targets: 414
    std::size_t max_body_bytes = 65536;    // larger bodies: 413
    // Comma-separated IPs/CIDRs whose X-Forwarded-For (or PROXY header) names
    // the client; empty: the TCP peer is the client.
    std::string trusted_proxies;
    bool proxy_protocol = false;  // trusted peers send a PROXY v1/v2 header first

    bool operator==(const ServerConfig&) const = default;
};

struct SessionLimits {
    int max_sessions = 32;
    int idle_timeout_ms = 120000;              // no client event for this long: closed
    int ping_interval_ms = 15000;              // WebSocket ping; unanswered for 2x: closed
    std::size_t max_message_bytes = 1u << 20;  // larger frames close with 1009
    int max_input_audio_ms = 60000;            // input_audio_buffer bound
    int max_conversation_items = 200;          // conversation bound (items)
    std::size_t max_conversation_chars = 200000;
    std::size_t max_instructions_chars = 20000;
    std::size_t max_item_text_chars = 20000;
    // Function tools a session or response may declare (sent with every model request).
    std::size_t max_tools = 128;
    std::size_t max_tool_description_chars = 1024;
    std::size_t max_tool_parameters_bytes = 16384;
    // Backpressure towards a client that does not read (see net/outgoing_queue.hpp).
    std::size_t max_outgoing_bytes = 2u << 20;  // queued for one client; audio shed beyond
    int max_outgoing_lag_ms = 10000;            // oldest unsent event older: closed with 1008
    int socket_send_buffer_bytes = 0;           // SO_SNDBUF of client sockets; 0: the kernel's
    // Inbound audio may run ahead of real time by this much; the excess is refused.
    int input_audio_lead_ms = 15000;
    // Per-session rate limits; exceeding one yields rate_limit_exceeded.
    int max_events_per_second = 200;
    int max_audio_seconds_per_minute = 90;
    int max_responses_per_minute = 30;
    // Load-based admission: new sessions are refused while the engines'
    // recent queue wait exceeds this (0: only max_sessions counts).
    int admission_max_queue_wait_ms = 1000;
    int resume_window_ms = 120000;  // a dropped session's conversation is kept this long; 0: off
    // Per client address (net/address_limits.hpp); 0: no limit.
    int max_connections_per_address = 32;       // open connections
    int max_unauthenticated_per_address = 16;   // connections not (yet) an admitted session
    int handshakes_per_second_per_address = 5;  // WebSocket upgrades, a token bucket...
    int handshake_burst_per_address = 10;       // ...of this many
    int max_tracked_addresses = 65536;          // addresses with state; full: see the .hpp

    bool operator==(const SessionLimits&) const = default;
};

// One backend of an engine kind, as a `[[llm.backends]]` entry of the TOML
// file lists it. Fields left empty or 0 take the engine section's value
// (llm.model, llm.api_key, llm.max_concurrent_requests).
struct BackendConfig {
    std::string name;  // unique per engine kind; "": host:port of base_url
    std::string base_url;
    std::string model;
    std::string api_key;
    int max_concurrent_requests = 0;
    int weight = 1;  // share of the load relative to the others (1..100)

    bool operator==(const BackendConfig&) const = default;
};

struct LlmConfig {
    std::string base_url;  // empty (and no backends): offline mode
    std::string model = "gpt-4o-mini";
    std::string api_key;
    int connect_timeout_ms = 3000;
    int first_token_timeout_ms = 15000;
    int total_timeout_ms = 60000;
    int max_history_turns = 20;  // user+assistant pairs sent as history
    std::size_t max_history_chars = 12000;
    int max_tokens = 300;
    // The connection pool and request limit of the backend (LlmBackend).
    int max_concurrent_requests = 16;  // requests in flight to the backend at once
    int max_queued_requests = 256;     // more wait for a slot; beyond: llm_backend_saturated
    int queue_timeout_ms = 5000;       // longest wait for a slot; then llm_backend_saturated
    int max_idle_connections = 16;     // keep-alive connections kept for reuse; 0: none
    int idle_timeout_ms = 30000;       // an idle connection older than this is closed
    // Ask for a voice turn's reply when the user pauses, before the turn is
    // sure to have ended (PrefetchedCompletion); used if the transcript holds.
    bool prefetch = true;
    // Several backends (TOML `[[llm.backends]]` only; instead of base_url).
    std::vector<BackendConfig> backends;
    // With more than one backend: a request without a first token after this
    // long is abandoned and sent to the next backend (within
    // first_token_timeout_ms for the whole).
    int failover_after_ms = 4000;
    int breaker_failures = 3;         // consecutive failures that open a backend's breaker
    int breaker_cooldown_ms = 10000;  // open breaker: wait before one request probes it
    // Spoken (and sent as the reply's text) when no backend could answer,
    // together with the `error` event; "" sends only the error.
    std::string unavailable_message =
        "Sorry, I can't reach my language model right now. Please try again in a moment.";

    bool operator==(const LlmConfig&) const = default;
};

struct SttConfig {
    std::string engine = "pocketsphinx";
    std::string model_dir = "/usr/share/pocketsphinx/model/en-us/en-us";
    std::string dictionary = "/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict";
    std::string language_model = "/usr/share/pocketsphinx/model/en-us/en-us.lm.bin";
    bool fast = true;  // -fwdflat no -bestpath no -maxhmmpf 3000 -pl_window 10
    int workers = 0;   // decoders (~100 MB each); 0: 3 per core, at least 2
    // Turn detection: a frame is speech only when the VAD says so and it is
    // this much louder than the session's learned noise floor; 0: the VAD alone.
    double noise_gate_db = 10;
    // Decode the turns that are ending (paused or finished) before the live
    // ones: their result is awaited now.
    bool urgent_first = true;
    // A remote transcription server (OpenAI's POST /audio/transcriptions:
    // whisper.cpp's server, speaches, vLLM, ...) instead of pocketsphinx;
    // several as TOML `[[stt.backends]]`. Empty and none: pocketsphinx only.
    std::string base_url;
    std::string model = "whisper-1";
    std::string api_key;
    std::string language = "en";  // sent to the server; "" lets it detect
    bool stream = false;          // ask for streamed partials (stream=true)
    // Without streamed partials: pocketsphinx decodes alongside for partials
    // only (a decoder per speaking user), the server makes the transcript.
    bool local_partials = false;
    int max_concurrent_requests = 16;
    int timeout_ms = 10000;  // no transcript within this long: the next backend
    // When no remote backend can transcribe: pocketsphinx does (true), or
    // the turn's transcription fails (false; no decoders are loaded).
    bool fallback = true;
    int breaker_failures = 3;
    int breaker_cooldown_ms = 10000;
    std::vector<BackendConfig> backends;

    bool operator==(const SttConfig&) const = default;
};

struct TtsConfig {
    std::string engine = "flite";  // flite | espeak-ng
    std::string voice = "slt";
    double speed = 1.0;
    int workers = 0;  // synthesis threads; 0: one per core
    // A remote speech server (OpenAI's POST /audio/speech: speaches,
    // Kokoro-FastAPI, LocalAI, ...) instead of flite; several as TOML
    // `[[tts.backends]]`. Empty and none: the embedded engine only.
    std::string base_url;
    std::string model = "tts-1";
    std::string api_key;
    // The remote voices (comma-separated; the first is the default).
    std::string remote_voices = "alloy,ash,ballad,coral,echo,fable,nova,onyx,sage,shimmer";
    std::string response_format = "pcm";  // pcm (24 kHz) | wav
    int max_concurrent_requests = 16;
    int first_byte_timeout_ms = 5000;  // no audio by then: the next backend
    // When no remote backend can speak: the embedded engine does (true), or
    // the reply fails with tts_failed (false).
    bool fallback = true;
    int breaker_failures = 3;
    int breaker_cooldown_ms = 10000;
    std::vector<BackendConfig> backends;

    bool operator==(const TtsConfig&) const = default;
};

// Who may open sessions (docs/security.md).
struct AuthConfig {
    std::string mode = "none";  // none | keys
    // `none` on an address other than loopback refuses to start unless this is set.
    bool allow_unauthenticated = false;
    std::string keys_file;         // TOML [[key]] entries: id, user, sha256 hash, scopes, limits
    std::string signing_key_file;  // secret that signs client secrets; empty: random per process
    std::string users_file;        // the web page's login: users and PBKDF2 password hashes
    // Comma-separated origins a browser may connect from; empty: the server's
    // own origin and localhost.
    std::string allowed_origins;
    std::string audit_log = "-";  // JSON lines: a file (reopened on SIGHUP), "-" stdout, "" off
    // Limits per API key (a key's entry may set its own); client secrets count
    // against the key that minted them. 0: no limit.
    int max_sessions_per_key = 8;
    int max_responses_per_minute_per_key = 60;
    int max_audio_minutes_per_hour_per_key = 120;

    bool operator==(const AuthConfig&) const = default;
};

struct LogConfig {
    std::string level = "info";  // trace|debug|info|warn|error
    bool json = false;           // JSON lines instead of text

    bool operator==(const LogConfig&) const = default;
};

// Where conversations are kept for resuming: this process's memory unless a
// Redis is named (docs/deployment.md).
struct StoreConfig {
    std::string redis_url;       // redis://host:port; empty: in memory
    std::string redis_password;  // AUTH, when set

    bool operator==(const StoreConfig&) const = default;
};

struct Config {
    ServerConfig server;
    SessionLimits limits;
    LlmConfig llm;
    SttConfig stt;
    TtsConfig tts;
    AuthConfig auth;
    LogConfig log;
    StoreConfig store;

    bool operator==(const Config&) const = default;
};

}  // namespace confab
