// One user turn: everything the server knows of it, from its first voiced
// frame (or the client's commit) until its transcript is in. Its item id,
// its recognizer stream, the pause audio held back from the decoder, the
// partial text sent so far, the transcript's state, its timings and the
// reply asked for during its pause all live here, so no stage keeps a copy
// keyed by item id.
//
// Owned by whoever holds the turn at its stage: speech input while the user
// speaks, then the session until the transcript is in (and the reply
// scheduler while the turn's reply waits for it). Destroying it cancels its
// stream and its prefetched reply, so nothing of an abandoned turn calls
// back. Used only on the session's strand.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "pipeline/response_timings.hpp"

namespace confab::pool {
class SttStream;
}

namespace confab::pipeline {

class PrefetchedCompletion;

class UserTurn {
public:
    enum class Transcript {
        streaming,      // the recognizer hears it as it is spoken
        untranscribed,  // committed with no recognizer (or none configured)
        pending,        // committed; the transcript is on its way
        final,
        failed,
    };

    explicit UserTurn(std::string item_id);
    ~UserTurn();
    UserTurn(const UserTurn&) = delete;
    UserTurn& operator=(const UserTurn&) = delete;

    const std::string& item_id() const { return item_id_; }

    // ---- the recognizer stream and the audio held back from it ----
    pool::SttStream* stream() const { return stream_.get(); }
    void set_stream(std::shared_ptr<pool::SttStream> stream);
    // The pause past what the decoder needs, fed only if the speaker goes on.
    std::vector<std::int16_t>& held() { return held_; }
    // Audio the stream refused (over its bound), in ms; reported once per turn.
    int dropped_ms = 0;

    // ---- the transcript ----
    Transcript transcript() const { return transcript_; }
    const std::string& text() const { return text_; }        // final text, or why it failed
    const std::string& partial() const { return partial_; }  // what the deltas have said
    void set_partial(std::string text) { partial_ = std::move(text); }
    // Committed while the transcript is on its way (a failure already in
    // stays), or with nothing to transcribe it.
    void commit();
    void commit_untranscribed();
    void finish(std::string text);
    void fail(std::string message);
    // The recognizer failed before the turn was committed (its queue was
    // full when the turn began): reported once it is, or the turn would
    // wait for a transcript forever.
    void fail_early(std::string message) { early_failure_ = std::move(message); }
    const std::optional<std::string>& early_failure() const { return early_failure_; }
    bool awaiting_transcript() const { return transcript_ == Transcript::pending; }

    // ---- timings (stream ms, from speech input) ----
    int audio_start_ms = 0;
    int audio_end_ms = 0;
    int onset_delay_ms = 0;   // speech onset → the frame that confirmed it
    int end_of_turn_ms = 0;   // speech end → the end-of-turn decision
    ResponseTimings timings;  // wall clock, carried into the reply

    // ---- the reply asked for during the turn's pause ----
    const std::shared_ptr<PrefetchedCompletion>& prefetch() const { return prefetch_; }
    void set_prefetch(std::shared_ptr<PrefetchedCompletion> prefetch);
    std::shared_ptr<PrefetchedCompletion> take_prefetch() { return std::move(prefetch_); }
    // Cancels the prefetched reply; false if there was none.
    bool discard_prefetch();

private:
    const std::string item_id_;
    std::shared_ptr<pool::SttStream> stream_;
    std::vector<std::int16_t> held_;
    Transcript transcript_ = Transcript::streaming;
    std::string text_;
    std::string partial_;
    std::optional<std::string> early_failure_;
    std::shared_ptr<PrefetchedCompletion> prefetch_;
};

}  // namespace confab::pipeline
