#include "session/session_observer.hpp"

#include "pipeline/response.hpp"

namespace confab::session {

namespace {
double seconds_between(const pipeline::ResponseTimings::Point& from,
                       const pipeline::ResponseTimings::Point& to) {
    return std::chrono::duration<double>(*to - *from).count();
}
}  // namespace

void SessionObserver::observe(metrics::Stage stage, double seconds) {
    stats_->last_latency_s[static_cast<std::size_t>(stage)].store(seconds,
                                                                  std::memory_order_relaxed);
    if (metrics_ != nullptr) metrics_->observe(stage, seconds);
}

void SessionObserver::turn_committed() {
    stats_->turns.fetch_add(1, std::memory_order_relaxed);
    if (metrics_ != nullptr) metrics_->turns.inc();
}

void SessionObserver::speech_started(int onset_delay_ms,
                                     std::optional<Clock::time_point> cancel_began) {
    stats_->state = SessionStats::State::user_speaking;
    if (!cancel_began) return;
    stats_->barge_ins.fetch_add(1, std::memory_order_relaxed);
    if (metrics_ != nullptr) metrics_->barge_ins.inc();
    // From the user's first sound to the reply stopped: the VAD's onset wait
    // (stream time) plus the cancellation itself (wall time).
    const double cancel_s = std::chrono::duration<double>(Clock::now() - *cancel_began).count();
    observe(metrics::Stage::barge_in_stop, onset_delay_ms / 1000.0 + cancel_s);
}

void SessionObserver::speech_stopped(int wait_ms) {
    stats_->state = SessionStats::State::transcribing;
    last_speech_stopped_ = Clock::now();
    observe(metrics::Stage::end_of_turn, wait_ms / 1000.0);
}

void SessionObserver::transcript_final() {
    if (stats_->state == SessionStats::State::transcribing)
        stats_->state = SessionStats::State::idle;
    if (!last_speech_stopped_) return;  // a manual commit: no end-of-turn decision to count from
    const Clock::time_point now = Clock::now();
    observe(metrics::Stage::stt_final, seconds_between(last_speech_stopped_, now));
    last_speech_stopped_.reset();
}

void SessionObserver::response_done(const pipeline::Response& response) {
    using metrics::Stage;
    const auto& t = response.timings();
    stats_->responses.fetch_add(1, std::memory_order_relaxed);
    stats_->state = SessionStats::State::idle;
    const auto& item = response.item();
    if (!item.content.empty()) {
        stats_->audio_out_samples.fetch_add(
            static_cast<std::uint64_t>(item.content.front().audio_ms) * 24,
            std::memory_order_relaxed);
    }
    if (metrics_ != nullptr) metrics_->responses(response.status()).inc();
    if (t.created && t.llm_first_token)
        observe(Stage::llm_first_token, seconds_between(t.created, t.llm_first_token));
    if (t.first_piece_queued && t.first_audio_synthesized)
        observe(Stage::tts_first_audio,
                seconds_between(t.first_piece_queued, t.first_audio_synthesized));
    if (t.speech_stopped && t.first_audio_sent)
        observe(Stage::speech_stopped_to_first_audio,
                seconds_between(t.speech_stopped, t.first_audio_sent));
    if (t.speech_ended && t.first_audio_sent)
        observe(Stage::end_of_speech_to_first_audio,
                seconds_between(t.speech_ended, t.first_audio_sent));
}

}  // namespace confab::session
