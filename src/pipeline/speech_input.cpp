#include "pipeline/speech_input.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>

#include "audio/resampler.hpp"
#include "metrics/metrics.hpp"
#include "pool/stt_service.hpp"
#include "pool/stt_stream.hpp"
#include "util/ids.hpp"
#include "util/log.hpp"

namespace confab::pipeline {
namespace {
constexpr int kInputRate = 24000;
constexpr int kFrameMs = 20;
}  // namespace

SpeechInput::SpeechInput(boost::asio::any_io_executor strand, const pool::EngineRefs& engines,
                         Listener& listener, std::string session_key, int max_utterance_ms)
    : strand_(std::move(strand)),
      engines_(engines),
      listener_(listener),
      session_key_(std::move(session_key)),
      max_utterance_ms_(max_utterance_ms),
      rate_(engines.stt != nullptr ? engines.stt->sample_rate() : 16000),
      frame_samples_(rate_ * kFrameMs / 1000),
      resampler_(std::make_unique<audio::Resampler>(kInputRate, rate_)) {}

// The turn in progress cancels its stream as it goes; turns already handed
// to the listener are the listener's to cancel.
SpeechInput::~SpeechInput() = default;

void SpeechInput::configure(const std::optional<TurnDetector::Params>& params) {
    if (!params) {
        clear();
        detector_.reset();
        vad_.reset();
        next_params_.reset();
        return;
    }
    auto p = *params;
    p.frame_ms = kFrameMs;
    p.max_turn_ms = std::min(p.max_turn_ms, max_utterance_ms_);
    if (turn_ || (detector_ && detector_->state() != TurnDetector::State::quiet)) {
        // Applied once the detector is quiet again (on_frame): the turn in
        // progress, or the onset that may begin one, keeps its settings.
        next_params_ = p;
        return;
    }
    apply(p);
}

void SpeechInput::apply(TurnDetector::Params p) {
    next_params_.reset();
    if (!vad_ || vad_threshold_ != p.threshold) {
        vad_ = engines_.make_vad ? engines_.make_vad(p.threshold) : nullptr;
        vad_threshold_ = p.threshold;
    }
    if (vad_) p.vad_hangover_ms = vad_->hangover_ms();
    detector_ = std::make_unique<TurnDetector>(p);
    recent_max_ = static_cast<std::size_t>(TurnDetector::history_ms(p.prefix_padding_ms)) *
                  static_cast<std::size_t>(rate_) / 1000;
}

int SpeechInput::stream_ms() const {
    return static_cast<int>(frames_ * kFrameMs);
}

void SpeechInput::push(std::span<const std::int16_t> pcm24k) {
    std::vector<std::int16_t> converted;
    resampler_->process(pcm24k, converted);
    frame_buffer_.insert(frame_buffer_.end(), converted.begin(), converted.end());
    std::size_t offset = 0;
    while (frame_buffer_.size() - offset >= static_cast<std::size_t>(frame_samples_)) {
        on_frame(std::span<const std::int16_t>(frame_buffer_.data() + offset,
                                               static_cast<std::size_t>(frame_samples_)));
        offset += static_cast<std::size_t>(frame_samples_);
    }
    frame_buffer_.erase(frame_buffer_.begin(),
                        frame_buffer_.begin() + static_cast<std::ptrdiff_t>(offset));
}

void SpeechInput::on_frame(std::span<const std::int16_t> frame) {
    const int start_ms = static_cast<int>(frames_ * kFrameMs);
    ++frames_;
    if (!detector_ || !vad_) return;
    if (next_params_ && !turn_ && detector_->state() == TurnDetector::State::quiet)
        apply(*next_params_);
    recent_.insert(recent_.end(), frame.begin(), frame.end());
    while (recent_.size() > recent_max_) recent_.pop_front();
    // The turn (if any) that this frame continues, whatever it decides.
    const bool continues_turn = turn_ != nullptr;
    const auto event = detector_->on_frame(vad_->is_speech(frame), start_ms);
    if (continues_turn) feed_turn(frame, start_ms);
    if (event == TurnDetector::Event::speech_started) {
        start_turn(start_ms);
    } else if (event == TurnDetector::Event::speech_stopped) {
        end_turn(start_ms);
    }
}

void SpeechInput::start_turn(int frame_start_ms) {
    const int start = detector_->speech_start_ms();
    turn_ = std::make_shared<UserTurn>(make_id("item"));
    turn_->audio_start_ms = start;
    turn_->onset_delay_ms = frame_start_ms + kFrameMs - start;
    listener_.on_speech_started(*turn_);
    turn_->set_stream(open_stream(turn_));
    // Feed the prefix padding and the onset frames the VAD needed to be sure.
    const int from_ms = std::max(0, start - detector_->params().prefix_padding_ms);
    feed(recent_tail(frame_start_ms + kFrameMs - from_ms));
}

void SpeechInput::end_turn(int frame_start_ms) {
    const int end = detector_->speech_end_ms();
    finish_turn(end, frame_start_ms + kFrameMs - end);
}

bool SpeechInput::end_turn_now() {
    if (!turn_) return false;
    // The voice may go on: it begins a new turn once the onset is confirmed again.
    detector_->reset();
    finish_turn(static_cast<int>(frames_ * kFrameMs), 0);
    return true;
}

void SpeechInput::finish_turn(int audio_end_ms, int end_of_turn_ms) {
    auto turn = std::move(turn_);  // leaves turn_ empty
    turn->audio_end_ms = audio_end_ms;
    turn->end_of_turn_ms = end_of_turn_ms;
    turn->timings.speech_stopped = std::chrono::steady_clock::now();
    turn->timings.speech_ended =
        *turn->timings.speech_stopped - std::chrono::milliseconds(turn->end_of_turn_ms);
    turn->held().clear();
    if (turn->stream() != nullptr) turn->stream()->finish();
    listener_.on_speech_stopped(std::move(turn));
}

// How much of a pause the decoder hears. It needs a little silence after the
// last word to settle it; the rest of the pause (silence_duration_ms is 500
// ms, more after "and") would only cost decoding time, and when the STT
// workers run behind, that silence is what the final result waits for. The
// VAD's decision lags the voice by its hangover, so 150 ms here is ~250 ms
// after the last word. Held frames are fed if the speaker goes on.
constexpr int kPauseFedMs = 150;

void SpeechInput::feed_turn(std::span<const std::int16_t> frame, int frame_start_ms) {
    auto& held = turn_->held();
    const bool deep_in_pause = detector_->state() != TurnDetector::State::speaking &&
                               frame_start_ms - detector_->speech_end_ms() >= kPauseFedMs;
    if (deep_in_pause) {
        // The decoder has heard the last words and a little silence: the
        // turn detector's pause now rests on a hypothesis of all of them.
        if (held.empty() && turn_->stream() != nullptr) turn_->stream()->request_partial();
        held.insert(held.end(), frame.begin(), frame.end());
        return;
    }
    if (!held.empty()) {
        const auto resumed = std::move(held);
        held.clear();
        feed(resumed);
        listener_.on_speech_resumed(*turn_);
    }
    feed(frame);
}

void SpeechInput::feed(std::span<const std::int16_t> pcm) {
    auto* stream = turn_->stream();
    if (stream == nullptr || stream->feed(pcm)) return;
    // The recognizer is so far behind that this turn's stream is full. The
    // turn goes on (its words so far will be transcribed); what is refused
    // is said, once per turn, rather than lost without a trace.
    const int ms = static_cast<int>(pcm.size() * 1000 / static_cast<std::size_t>(rate_));
    const bool first = turn_->dropped_ms == 0;
    turn_->dropped_ms += ms;
    if (engines_.metrics != nullptr) engines_.metrics->drops("stt_stream_full").inc();
    if (first) {
        log::warn("recognizer stream full: turn audio not transcribed",
                  {{"session", session_key_}, {"item", turn_->item_id()}});
        listener_.on_audio_dropped(*turn_, ms);
    }
}

void SpeechInput::clear() {
    turn_.reset();  // cancels its stream
    if (detector_) detector_->reset();
    recent_.clear();
}

std::shared_ptr<pool::SttStream> SpeechInput::open_stream(const std::shared_ptr<UserTurn>& turn) {
    // The callbacks hold the turn weakly: a turn nobody owns any more (the
    // buffer was cleared, the session closed) has cancelled its stream.
    const std::weak_ptr<UserTurn> weak = turn;
    pool::SttStream::Callbacks callbacks;
    callbacks.on_partial = [this, weak](const std::string& text) {
        auto t = weak.lock();
        if (!t) return;
        if (t == turn_ && detector_) detector_->set_transcript(text);
        listener_.on_transcript_partial(*t, text);
    };
    // Only a pause still in progress is worth an answer: the speaker may
    // have resumed while the decoder caught up.
    callbacks.on_requested_partial = [this, weak](const std::string& text) {
        auto t = weak.lock();
        if (t && t == turn_ && !t->held().empty()) listener_.on_pause_transcript(*t, text);
    };
    callbacks.on_final = [this, weak](const std::string& text) {
        if (auto t = weak.lock()) listener_.on_transcript_final(*t, text);
    };
    callbacks.on_error = [this, weak](std::error_code, const std::string& message) {
        if (auto t = weak.lock()) listener_.on_transcript_failed(*t, message);
    };
    const auto max_pending =
        static_cast<std::size_t>(max_utterance_ms_ + 2000) * static_cast<std::size_t>(rate_) / 1000;
    // The decoder is handed audio a batch (100 ms) at a time, not frame by
    // frame (SttStream's constructor says why); the pause's partial request
    // and finish() hand over whatever is pending.
    const std::size_t batch = engines_.stt != nullptr ? engines_.stt->batch_samples() : 0;
    auto stream =
        std::make_shared<pool::SttStream>(strand_, std::move(callbacks), max_pending, batch);
    if (engines_.stt == nullptr || !engines_.stt->submit(session_key_, stream)) {
        const std::string why = engines_.stt == nullptr ? "no speech recognizer is configured"
                                                        : "the speech recognizer queue is full";
        log::warn("utterance not transcribed",
                  {{"session", session_key_}, {"item", turn->item_id()}, {"why", why}});
        if (engines_.stt != nullptr && engines_.metrics != nullptr)
            engines_.metrics->drops("stt_queue_full").inc();
        stream->deliver_error(std::make_error_code(std::errc::resource_unavailable_try_again), why);
        stream->finish();
    }
    return stream;
}

std::vector<std::int16_t> SpeechInput::recent_tail(int ms) const {
    const auto want = static_cast<std::size_t>(ms) * static_cast<std::size_t>(rate_) / 1000;
    const std::size_t n = std::min(want, recent_.size());
    return {recent_.end() - static_cast<std::ptrdiff_t>(n), recent_.end()};
}

void SpeechInput::transcribe_history(const std::shared_ptr<UserTurn>& turn, int ms) {
    transcribe_engine_rate(turn, recent_tail(ms));
}

void SpeechInput::transcribe_engine_rate(const std::shared_ptr<UserTurn>& turn,
                                         std::span<const std::int16_t> pcm) {
    turn->set_stream(open_stream(turn));
    turn->stream()->feed(pcm);
    turn->stream()->finish();
}

void SpeechInput::transcribe(const std::shared_ptr<UserTurn>& turn,
                             std::span<const std::int16_t> pcm24k) {
    audio::Resampler resampler(kInputRate, rate_);
    std::vector<std::int16_t> converted;
    resampler.process(pcm24k, converted);
    resampler.flush(converted);
    transcribe_engine_rate(turn, converted);
}

}  // namespace confab::pipeline
