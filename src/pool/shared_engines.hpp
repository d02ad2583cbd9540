// The process's engines: loaded once at start from the config, shared by
// every session through pool::EngineRefs. Owns the STT and TTS worker pools
// and the language model client. Thread-safe; owned by the Server and
// destroyed after every session (joining the worker threads).
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "engines/llm/llm_pool_stats.hpp"
#include "engines/routing/backend_status.hpp"
#include "pool/engine_refs.hpp"

namespace confab::engines {
class RoutedLanguageModel;
}

namespace confab::metrics {
class Metrics;
}

namespace confab::pool {

class SttPool;
class TtsPool;
class RemoteStt;
class RemoteTts;

class SharedEngines {
public:
    // Throws std::runtime_error naming the engine that cannot be loaded.
    explicit SharedEngines(const Config& config);
    ~SharedEngines();

    const pool::EngineRefs& engines() const { return engines_; }
    std::vector<std::string> voices() const;
    // Why new sessions should be refused now: an engine queue whose recent
    // wait exceeds `max_wait_ms` ("" if none does).
    std::string overload_reason(int max_wait_ms) const;
    // The LLM backend's connection pool and request counters; none offline.
    // Thread-safe, for a metrics endpoint.
    std::optional<engines::LlmPoolStats> llm_pool_stats() const;
    // Every remote engine backend and its state (the admin endpoint).
    std::vector<engines::BackendStatus> backend_status() const;
    // Why an engine the configuration requires cannot serve now (every
    // backend's breaker open, and no fallback), for /readyz; "" if none.
    std::string unusable_engine_reason() const;
    // Joins the STT and TTS workers. The server calls it once its I/O
    // threads have stopped but before its io_context is destroyed: a worker
    // finishing a cancelled job posts to a session's strand, and posting to
    // a destroyed io_context corrupted the heap at exit under load.
    void stop_workers();
    SttPool& stt() { return *stt_; }
    TtsPool& tts() { return *tts_; }
    // Hands the server's metrics to every engine user (null: metrics off).
    // Called once at start-up, before the first session.
    void attach_metrics(metrics::Metrics* metrics);

private:
    std::unique_ptr<engines::LanguageModel> llm_;
    engines::RoutedLanguageModel* routed_ = nullptr;  // llm_, unless offline
    std::unique_ptr<SttPool> stt_;  // pocketsphinx: the engine, or the remote one's fallback
    std::unique_ptr<TtsPool> tts_;  // flite/espeak-ng: likewise
    // Remote servers, when configured (declared after the pools they fall back to).
    std::unique_ptr<RemoteStt> remote_stt_;
    std::unique_ptr<RemoteTts> remote_tts_;
    std::vector<std::string> voices_;  // what sessions may ask for
    pool::EngineRefs engines_;
};

}  // namespace confab::pool
