#include "pipeline/turn_detector.hpp"

#include <algorithm>
#include <cmath>

#include "pipeline/end_of_turn_policy.hpp"

namespace confab::pipeline {

TurnDetector::TurnDetector(Params params)
    : params_(params),
      onset_needed_(std::clamp(static_cast<int>(std::ceil(params.threshold * kOnsetFrames)), 1,
                               kOnsetFrames)) {}

void TurnDetector::reset() {
    state_ = State::quiet;
    onset_window_.clear();
    silence_ms_ = 0;
    transcript_.clear();
}

TurnDetector::Event TurnDetector::end_turn() {
    state_ = State::quiet;
    silence_ms_ = 0;
    transcript_.clear();
    return Event::speech_stopped;
}

int TurnDetector::silence_target_ms() const {
    if (params_.eagerness) return semantic_silence_ms(*params_.eagerness, transcript_);
    return adapted_silence_ms(params_.silence_duration_ms, transcript_);
}

int TurnDetector::required_silence_ms() const {
    return std::max(params_.frame_ms, silence_target_ms() - params_.vad_hangover_ms);
}

TurnDetector::Event TurnDetector::on_frame(bool is_speech, int frame_start_ms) {
    switch (state_) {
        case State::quiet:
            if (!is_speech) return Event::none;
            state_ = State::starting;
            onset_window_.assign(1, true);
            candidate_start_ms_ = frame_start_ms;
            if (onset_needed_ > 1) return Event::none;
            break;  // a threshold this low starts on one frame
        case State::starting: {
            onset_window_.push_back(is_speech);
            if (static_cast<int>(onset_window_.size()) > kOnsetFrames) onset_window_.pop_front();
            const int speech =
                static_cast<int>(std::count(onset_window_.begin(), onset_window_.end(), true));
            if (speech >= onset_needed_) break;
            // The window filled without enough speech: a click or a breath.
            if (static_cast<int>(onset_window_.size()) == kOnsetFrames && !onset_window_.front()) {
                while (!onset_window_.empty() && !onset_window_.front()) onset_window_.pop_front();
                if (onset_window_.empty()) {
                    state_ = State::quiet;
                } else {
                    candidate_start_ms_ =
                        frame_start_ms -
                        (static_cast<int>(onset_window_.size()) - 1) * params_.frame_ms;
                }
            }
            return Event::none;
        }
        case State::speaking:
            if (frame_start_ms + params_.frame_ms - speech_start_ms_ >= params_.max_turn_ms) {
                speech_end_ms_ = frame_start_ms + params_.frame_ms;
                return end_turn();
            }
            if (is_speech) return Event::none;
            state_ = State::stopping;
            speech_end_ms_ = frame_start_ms;
            silence_ms_ = params_.frame_ms;
            return silence_ms_ >= required_silence_ms() ? end_turn() : Event::none;
        case State::stopping:
            if (is_speech) {
                state_ = State::speaking;
                silence_ms_ = 0;
                return Event::none;
            }
            silence_ms_ += params_.frame_ms;
            return silence_ms_ >= required_silence_ms() ? end_turn() : Event::none;
    }
    // Onset confirmed.
    state_ = State::speaking;
    speech_start_ms_ = candidate_start_ms_;
    onset_window_.clear();
    return Event::speech_started;
}

}  // namespace confab::pipeline
