// The server's named instruments: what Confab counts and times, and the one
// place their Prometheus names, help texts, labels and buckets are decided.
//
// Owned by the Server (no global instance) and reached through the
// ServerContext and pool::EngineRefs; a null Metrics* means metrics are off
// (`server.metrics = false`) and every hook is skipped. Thread-safe: every
// instrument is atomic. Instruments without labels, and the per-stage
// histograms, are plain members or array lookups (no lock): use them on hot
// paths. The functions taking a label value (drops("kind")...) take a short
// lock to find the child: call them on rare events, or keep the reference.
//
// Usage:  if (auto* m = engines.metrics) m->drops("stale_response_audio").inc(n);
#pragma once
#include <array>
#include <string>
#include <string_view>

#include "metrics/registry.hpp"

namespace confab::metrics {

// The timed stages of a voice turn (label `stage` of
// confab_stage_latency_seconds).
enum class Stage {
    end_of_turn,      // end of speech (stream time) → the end-of-turn decision (speech_stopped)
    stt_final,        // speech_stopped → final transcript
    llm_first_token,  // response created → first text from the language model
    tts_first_audio,  // first piece sent to synthesis → its first audio
    speech_stopped_to_first_audio,  // speech_stopped → first output_audio.delta queued
    end_of_speech_to_first_audio,   // end of speech → first output_audio.delta queued
    barge_in_stop,  // onset of the user's speech → the reply stopped (VAD onset + cancel)
};
inline constexpr std::size_t kStageCount = 7;
std::string_view stage_name(Stage stage);

class Metrics {
    // First: every reference member below points into these.
    Registry registry_;
    Family<Counter>& audio_frames_;
    Family<Counter>& audio_bytes_;

public:
    Metrics();
    Metrics(const Metrics&) = delete;
    Metrics& operator=(const Metrics&) = delete;

    // ---- sessions ----
    // (confab_sessions_active is read from the session registry at each scrape.)
    Counter& sessions_admitted;
    // reason: at_capacity, draining, overloaded (issue 4), ...
    Counter& sessions_refused(std::string_view reason) {
        return sessions_refused_.labels({reason});
    }
    // reason: client_closed, idle_timeout, ping_timeout, message_too_big, shutdown, slow_reader,
    // error, ...
    Counter& sessions_closed(std::string_view reason) { return sessions_closed_.labels({reason}); }
    // Connections and requests refused at the HTTP edge, before any session
    // (net/edge_refusal.hpp): max_header_bytes, connections_per_address, ...
    Counter& http_refused(std::string_view reason) { return http_refused_.labels({reason}); }
    Counter& turns;      // user turns committed (VAD or input_audio_buffer.commit)
    Counter& barge_ins;  // replies cancelled because the user spoke
    // status: completed, cancelled, failed
    Counter& responses(std::string_view status) { return responses_.labels({status}); }

    // ---- latency ----
    Histogram& stage(Stage s) { return *stages_[static_cast<std::size_t>(s)]; }
    void observe(Stage s, double seconds) { stage(s).observe(seconds); }

    // ---- engines ----
    // pool: stt, tts. Time a job waited in the fair queue for a worker.
    Histogram& queue_wait(std::string_view pool) { return queue_wait_.labels({pool}); }
    // backend: the model's name(); outcome: ok, error, timeout, cancelled
    Counter& llm_requests(std::string_view backend, std::string_view outcome) {
        return llm_requests_.labels({backend, outcome});
    }
    // Replies started while the user paused (PrefetchedCompletion), by what
    // became of them: adopted, mismatched (the final transcript differed),
    // discarded (the user went on speaking, or the turn got no reply).
    Counter& llm_prefetches(std::string_view outcome) { return llm_prefetches_.labels({outcome}); }

    // ---- engine backends (engines/routing/backend_router.hpp) ----
    // engine: llm, stt, tts; backend: its configured name; outcome: ok, error, timeout,
    // unreachable, saturated, cancelled. Resolved once per backend at start-up.
    Counter& backend_requests(std::string_view engine, std::string_view backend,
                              std::string_view outcome) {
        return backend_requests_.labels({engine, backend, outcome});
    }
    // Time to the first output (token, audio, transcript) of requests that succeeded.
    Histogram& backend_latency(std::string_view engine, std::string_view backend) {
        return backend_latency_.labels({engine, backend});
    }
    Gauge& backend_in_flight(std::string_view engine, std::string_view backend) {
        return backend_in_flight_.labels({engine, backend});
    }
    // 0 closed, 1 half-open, 2 open.
    Gauge& backend_breaker_state(std::string_view engine, std::string_view backend) {
        return backend_breaker_state_.labels({engine, backend});
    }
    // to: the state the breaker moved to.
    Counter& backend_breaker_transitions(std::string_view engine, std::string_view backend,
                                         std::string_view to) {
        return backend_breaker_transitions_.labels({engine, backend, to});
    }

    // ---- traffic ----
    Counter& audio_in_frames;   // input_audio_buffer.append events accepted
    Counter& audio_in_bytes;    // PCM16 bytes they carried
    Counter& audio_out_frames;  // response.output_audio.delta events sent
    Counter& audio_out_bytes;   // PCM16 bytes they carried
    // kind: stale_response_audio (cancelled reply's queued deltas), slow_reader (issue 4),
    // tts_queue_full, ...
    Counter& drops(std::string_view kind) { return drops_.labels({kind}); }
    // limit: the name of the limit that was hit (issue 4: events_per_second, audio_per_second, ...)
    Counter& rate_limit_hits(std::string_view limit) { return rate_limit_hits_.labels({limit}); }
    // code: the Realtime error code of every `error` event sent
    Counter& errors_sent(std::string_view code) { return errors_sent_.labels({code}); }

    // For computed families (engine pools, process statistics), registered
    // once at start-up by their owner.
    Registry& registry() { return registry_; }
    // The whole exposition, Prometheus text format.
    std::string render() const { return registry_.render(); }

private:
    Family<Counter>& sessions_refused_;
    Family<Counter>& sessions_closed_;
    Family<Counter>& http_refused_;
    Family<Counter>& responses_;
    Family<Histogram>& stages_family_;
    std::array<Histogram*, kStageCount> stages_{};
    Family<Histogram>& queue_wait_;
    Family<Counter>& llm_requests_;
    Family<Counter>& llm_prefetches_;
    Family<Counter>& backend_requests_;
    Family<Histogram>& backend_latency_;
    Family<Gauge>& backend_in_flight_;
    Family<Gauge>& backend_breaker_state_;
    Family<Counter>& backend_breaker_transitions_;
    Family<Counter>& drops_;
    Family<Counter>& rate_limit_hits_;
    Family<Counter>& errors_sent_;

public:
    // Read by the dashboard sampler.
    const Family<Histogram>& stages_family() const { return stages_family_; }
};

}  // namespace confab::metrics
