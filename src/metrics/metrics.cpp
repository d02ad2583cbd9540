#include "metrics/metrics.hpp"

namespace confab::metrics {

namespace {
// Queue waits are often sub-millisecond: finer buckets at the low end.
constexpr std::array<double, 16> kQueueWait{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                            0.25,   0.5,   1.0,    2.5,   5.0,  10.0,  30.0, 60.0};
}  // namespace

std::string_view stage_name(Stage stage) {
    switch (stage) {
        case Stage::end_of_turn:
            return "end_of_turn";
        case Stage::stt_final:
            return "stt_final";
        case Stage::llm_first_token:
            return "llm_first_token";
        case Stage::tts_first_audio:
            return "tts_first_audio";
        case Stage::speech_stopped_to_first_audio:
            return "speech_stopped_to_first_audio";
        case Stage::end_of_speech_to_first_audio:
            return "end_of_speech_to_first_audio";
        case Stage::barge_in_stop:
            return "barge_in_stop";
    }
    return "unknown";
}

Metrics::Metrics()
    : audio_frames_(registry_.counter("confab_audio_frames_total",
                                      "Audio events: input_audio_buffer.append received (in), "
                                      "response.output_audio.delta sent (out).",
                                      {"direction"})),
      audio_bytes_(registry_.counter("confab_audio_bytes_total",
                                     "Audio received (in) and sent (out), as 24 kHz PCM16 bytes.",
                                     {"direction"})),
      sessions_admitted(
          registry_
              .counter("confab_sessions_admitted_total", "Realtime sessions admitted since start.")
              .labels({})),
      turns(registry_
                .counter("confab_turns_total",
                         "User turns committed (by the VAD or input_audio_buffer.commit).")
                .labels({})),
      barge_ins(registry_
                    .counter("confab_barge_ins_total",
                             "Replies cancelled because the user started speaking.")
                    .labels({})),
      audio_in_frames(audio_frames_.labels({"in"})),
      audio_in_bytes(audio_bytes_.labels({"in"})),
      audio_out_frames(audio_frames_.labels({"out"})),
      audio_out_bytes(audio_bytes_.labels({"out"})),
      sessions_refused_(registry_.counter(
          "confab_sessions_refused_total",
          "WebSocket connections refused before a session began, by reason.", {"reason"})),
      sessions_closed_(registry_.counter("confab_sessions_closed_total",
                                         "Sessions ended, by reason.", {"reason"})),
      http_refused_(registry_.counter(
          "confab_http_refused_total",
          "Connections and requests refused at the HTTP edge (before any session), by reason.",
          {"reason"})),
      responses_(registry_.counter("confab_responses_total", "Responses finished, by status.",
                                   {"status"})),
      stages_family_(registry_.histogram("confab_stage_latency_seconds",
                                         "Latency of each stage of a voice turn, in seconds.",
                                         {"stage"}, Histogram::latency_buckets())),
      queue_wait_(registry_.histogram(
          "confab_engine_queue_wait_seconds",
          "Time a job waited in an engine pool's queue for a free worker.", {"pool"}, kQueueWait)),
      llm_requests_(registry_.counter("confab_llm_requests_total",
                                      "Language model requests, by backend and outcome.",
                                      {"backend", "outcome"})),
      llm_prefetches_(registry_.counter("confab_llm_prefetches_total",
                                        "Replies requested while the user paused, by outcome "
                                        "(adopted, mismatched, discarded).",
                                        {"outcome"})),
      backend_requests_(registry_.counter(
          "confab_backend_requests_total",
          "Requests to each engine backend (language model, speech-to-text, text-to-speech), by "
          "outcome; a request failed over to another backend counts once on each.",
          {"engine", "backend", "outcome"})),
      backend_latency_(registry_.histogram(
          "confab_backend_latency_seconds",
          "Time from a request to its first output (token, transcript, audio), per backend, of "
          "requests that succeeded.",
          {"engine", "backend"}, Histogram::latency_buckets())),
      backend_in_flight_(registry_.gauge("confab_backend_in_flight",
                                         "Requests in flight to each engine backend.",
                                         {"engine", "backend"})),
      backend_breaker_state_(
          registry_.gauge("confab_backend_breaker_state",
                          "Each engine backend's circuit breaker: 0 closed, 1 half-open, 2 open.",
                          {"engine", "backend"})),
      backend_breaker_transitions_(registry_.counter(
          "confab_backend_breaker_transitions_total",
          "Circuit breaker changes of each engine backend, by the state moved to.",
          {"engine", "backend", "to"})),
      drops_(registry_.counter("confab_drops_total", "Things deliberately dropped, by kind.",
                               {"kind"})),
      rate_limit_hits_(registry_.counter("confab_rate_limit_hits_total",
                                         "Client events refused by a rate limit, by limit.",
                                         {"limit"})),
      errors_sent_(registry_.counter("confab_errors_sent_total",
                                     "Realtime error events sent to clients, by code.", {"code"})) {
    for (std::size_t i = 0; i < kStageCount; ++i) {
        stages_[i] = &stages_family_.labels({stage_name(static_cast<Stage>(i))});
    }
    // Series that should read 0 before the first event, so that rate() and
    // before/after comparisons see them from the first scrape.
    for (const auto* reason : {"at_capacity", "draining"}) sessions_refused(reason);
    for (const auto* status : {"completed", "cancelled", "failed"}) responses(status);
    for (const auto* pool : {"stt", "tts"}) queue_wait(pool);
    for (const auto* outcome : {"adopted", "mismatched", "discarded"}) llm_prefetches(outcome);
}

}  // namespace confab::metrics
