#include "pipeline/speech_input.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>

#include "audio/resampler.hpp"
#include "metrics/metrics.hpp"
#include "pool/stt_pool.hpp"
#include "pool/stt_stream.hpp"
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

SpeechInput::~SpeechInput() {
    // After this no stream calls back: posted results check cancelled().
    if (utterance_) utterance_->cancel();
    for (auto& s : finishing_) s->cancel();
}

void SpeechInput::configure(const std::optional<TurnDetector::Params>& params) {
    if (!params) {
        clear();
        detector_.reset();
        vad_.reset();
        return;
    }
    auto p = *params;
    p.frame_ms = kFrameMs;
    p.max_turn_ms = std::min(p.max_turn_ms, max_utterance_ms_);
    const bool same_threshold = detector_ && detector_->params().threshold == p.threshold;
    if (!vad_ || !same_threshold)
        vad_ = engines_.make_vad ? engines_.make_vad(p.threshold) : nullptr;
    if (vad_) p.vad_hangover_ms = vad_->hangover_ms();
    // A change of parameters applies from the next turn; the state in
    // progress is kept so an update never cuts the user off.
    auto next = std::make_unique<TurnDetector>(p);
    if (detector_ && detector_->state() != TurnDetector::State::quiet) return;
    detector_ = std::move(next);
    recent_max_ = static_cast<std::size_t>(p.prefix_padding_ms + 200) *
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
    recent_.insert(recent_.end(), frame.begin(), frame.end());
    while (recent_.size() > recent_max_) recent_.pop_front();
    // The utterance (if any) that this frame continues, whatever it decides.
    const bool continues_utterance = utterance_ != nullptr;
    const auto event = detector_->on_frame(vad_->is_speech(frame), start_ms);
    if (continues_utterance) feed_utterance(frame, start_ms);
    if (event == TurnDetector::Event::speech_started) {
        const int start = detector_->speech_start_ms();
        onset_delay_ms_ = start_ms + kFrameMs - start;
        utterance_item_ = listener_.on_speech_started(start);
        utterance_ = open_stream(utterance_item_);
        // Feed the prefix padding and the onset frames the VAD needed to be sure.
        const int from_ms = std::max(0, start - detector_->params().prefix_padding_ms);
        const auto want = static_cast<std::size_t>(start_ms + kFrameMs - from_ms) *
                          static_cast<std::size_t>(rate_) / 1000;
        const std::size_t n = std::min(want, recent_.size());
        std::vector<std::int16_t> prefix(recent_.end() - static_cast<std::ptrdiff_t>(n),
                                         recent_.end());
        if (utterance_) utterance_->feed(prefix);
    } else if (event == TurnDetector::Event::speech_stopped) {
        const std::string item = utterance_item_;
        end_of_turn_ms_ = start_ms + kFrameMs - detector_->speech_end_ms();
        end_utterance();
        listener_.on_speech_stopped(item, detector_->speech_end_ms());
    }
}

// How much of a pause the decoder hears. It needs a little silence after the
// last word to settle it; the rest of the pause (silence_duration_ms is 500
// ms, more after "and") would only cost decoding time, and when the STT
// workers run behind, that silence is what the final result waits for. The
// VAD's decision lags the voice by its hangover, so 150 ms here is ~250 ms
// after the last word. Held frames are fed if the speaker goes on.
constexpr int kPauseFedMs = 150;

void SpeechInput::feed_utterance(std::span<const std::int16_t> frame, int frame_start_ms) {
    const bool deep_in_pause = detector_->state() != TurnDetector::State::speaking &&
                               frame_start_ms - detector_->speech_end_ms() >= kPauseFedMs;
    if (deep_in_pause) {
        // The decoder has heard the last words and a little silence: the
        // turn detector's pause now rests on a hypothesis of all of them.
        if (held_.empty()) utterance_->request_partial();
        held_.insert(held_.end(), frame.begin(), frame.end());
        return;
    }
    bool fed = true;
    if (!held_.empty()) {
        fed = utterance_->feed(held_);
        held_.clear();
        listener_.on_speech_resumed(utterance_item_);
    }
    if (!utterance_->feed(frame) || !fed) {
        log::warn("utterance audio over its bound: ending the turn", {{"session", session_key_}});
    }
}

void SpeechInput::end_utterance() {
    held_.clear();
    if (!utterance_) return;
    utterance_->finish();
    finishing_.push_back(std::move(utterance_));
    utterance_.reset();
}

void SpeechInput::clear() {
    if (utterance_) {
        utterance_->cancel();
        utterance_.reset();
    }
    held_.clear();
    if (detector_) detector_->reset();
    recent_.clear();
}

std::shared_ptr<pool::SttStream> SpeechInput::open_stream(const std::string& item_id) {
    pool::SttStream::Callbacks callbacks;
    callbacks.on_partial = [this, item_id](const std::string& text) {
        if (item_id == utterance_item_ && detector_) detector_->set_transcript(text);
        listener_.on_transcript_partial(item_id, text);
    };
    // A finished stream leaves finishing_ when its result arrives; it cannot
    // hold a shared_ptr to itself, so it is found by address.
    auto self_ptr = std::make_shared<const pool::SttStream*>(nullptr);
    auto forget = [this, self_ptr] {
        std::erase_if(finishing_, [&](const auto& s) { return s.get() == *self_ptr; });
    };
    // Only a pause still in progress is worth an answer: the speaker may
    // have resumed while the decoder caught up.
    callbacks.on_requested_partial = [this, item_id](const std::string& text) {
        if (item_id == utterance_item_ && utterance_ && !held_.empty())
            listener_.on_pause_transcript(item_id, text);
    };
    callbacks.on_final = [this, item_id, forget](const std::string& text) {
        forget();
        listener_.on_transcript_final(item_id, text);
    };
    callbacks.on_error = [this, item_id, forget](std::error_code, const std::string& message) {
        forget();
        listener_.on_transcript_failed(item_id, message);
    };
    const auto max_pending =
        static_cast<std::size_t>(max_utterance_ms_ + 2000) * static_cast<std::size_t>(rate_) / 1000;
    // The decoder is handed audio a batch (100 ms) at a time, not frame by
    // frame (SttStream's constructor says why); the pause's partial request
    // and finish() hand over whatever is pending.
    const std::size_t batch = engines_.stt != nullptr ? engines_.stt->batch_samples() : 0;
    auto stream =
        std::make_shared<pool::SttStream>(strand_, std::move(callbacks), max_pending, batch);
    *self_ptr = stream.get();
    if (engines_.stt == nullptr || !engines_.stt->submit(session_key_, stream)) {
        const std::string why = engines_.stt == nullptr ? "no speech recognizer is configured"
                                                        : "the speech recognizer queue is full";
        log::warn("utterance not transcribed",
                  {{"session", session_key_}, {"item", item_id}, {"why", why}});
        if (engines_.stt != nullptr && engines_.metrics != nullptr)
            engines_.metrics->drops("stt_queue_full").inc();
        stream->deliver_error(std::make_error_code(std::errc::resource_unavailable_try_again), why);
        stream->finish();
    }
    return stream;
}

void SpeechInput::transcribe(const std::string& item_id, std::span<const std::int16_t> pcm24k) {
    audio::Resampler resampler(kInputRate, rate_);
    std::vector<std::int16_t> converted;
    resampler.process(pcm24k, converted);
    resampler.flush(converted);
    auto stream = open_stream(item_id);
    stream->feed(converted);
    stream->finish();
    finishing_.push_back(std::move(stream));
}

}  // namespace confab::pipeline
