// RealtimeSession's input audio after decoding, and its audio formats: what
// a session.update that changes them may do while audio flows. Split from
// realtime_session.cpp, which handles the client's events.
#include "session/realtime_session.hpp"

namespace confab::session {

bool RealtimeSession::take_input(std::span<const std::int16_t> samples, int chunk_ms,
                                 const std::string& event_id) {
    if (!input_audio_.append(samples)) {
        // What the decoder holds back is of the refused chunk.
        input_decoder_.reset();
        send_error("input_audio_buffer_full",
                   "The input audio buffer holds " + std::to_string(input_audio_.duration_ms()) +
                       " ms; appending " + std::to_string(chunk_ms) +
                       " ms would exceed its limit of " + std::to_string(input_audio_.max_ms()) +
                       " ms, so this chunk was refused. Commit or clear the buffer.",
                   "audio", event_id);
        return false;
    }
    if (speech_ && speech_->detecting()) {
        speech_->push(samples);
        // Between turns only the prefix padding is worth keeping.
        if (speech_->turn_in_progress() == nullptr)
            input_audio_.keep_tail(
                pipeline::TurnDetector::history_ms(config_.turn_detection->prefix_padding_ms));
    }
    return true;
}

void RealtimeSession::flush_input(const std::string& event_id) {
    std::vector<std::int16_t> tail;
    input_decoder_.flush(tail);
    if (tail.empty()) return;
    const auto ms = static_cast<int>(tail.size() * 1000 / InputAudioBuffer::kSampleRate);
    take_input(tail, ms, event_id);
}

// Input: any time. Audio appended before the update was decoded as it came,
// in the old format; only the decoder's held-back end of it remains, and it
// goes the usual way before the switch. Output: a response's format is fixed
// when it is created, so a change applies from the next response on; while
// one is producing audio it is refused, as its deltas would no longer be in
// the format the client was just told.
bool RealtimeSession::change_audio_formats(const protocol::SessionConfig& next,
                                           const std::string& event_id) {
    const auto* active = replies_.active();
    if (next.output_format != config_.output_format && active != nullptr && !active->finished() &&
        active->audio()) {
        send_error("invalid_value",
                   "audio.output.format cannot change while response " + active->id() +
                       " is producing audio in the current format. Send the update after its "
                       "response.done (or cancel it first).",
                   "session.audio.output.format", event_id);
        return false;
    }
    if (next.input_format != input_decoder_.format()) {
        flush_input(event_id);
        std::vector<std::int16_t> none;  // flushed just now
        input_decoder_.set_format(next.input_format, none);
    }
    return true;
}

}  // namespace confab::session
