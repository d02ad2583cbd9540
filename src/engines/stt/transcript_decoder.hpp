// Reads what an /audio/transcriptions backend answers: a JSON object
// {"text": "..."} (response_format=json), or with stream=true a stream of
// Server-Sent Events, each a JSON object whose `type` says what it is:
// `transcript.text.delta` (`delta`: the next piece of text) and
// `transcript.text.done` (`text`: the final transcript). Events of other
// types are ignored; an `error` object in any event fails the stream.
//
// Ownership and threads: a plain value, one per response; not thread-safe.
#pragma once
#include <functional>
#include <string>
#include <string_view>
#include <system_error>

#include "engines/llm/sse_parser.hpp"

namespace confab::engines {

class TranscriptDecoder {
public:
    using PartialSink = std::function<void(const std::string& text_so_far)>;

    // The `text` of a JSON body. errc::bad_response (message() says why) for
    // an empty body, malformed JSON or no string `text`; errc::backend_error
    // for an OpenAI-style {"error": ...} body.
    std::error_code decode_json(std::string_view body);

    // One event of a stream; calls `on_partial` (if set) with the text so far
    // after each non-empty delta. Errors as decode_json's; the decoder then
    // ignores further events.
    std::error_code decode_event(const SseEvent& event, const PartialSink& on_partial);
    // Whether transcript.text.done has arrived.
    bool done() const { return done_; }

    // The final transcript (after decode_json or done()), else the deltas so far.
    const std::string& text() const { return text_; }
    const std::string& message() const { return message_; }

private:
    std::error_code fail(std::error_code error, std::string message);

    std::string text_;
    std::string message_;
    bool done_ = false;
    bool failed_ = false;
};

}  // namespace confab::engines
