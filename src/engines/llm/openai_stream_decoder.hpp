// Interprets the events of an OpenAI-compatible chat-completions stream:
// `data: {json chunk}` events carry choices[0].delta.content and, at the end,
// choices[0].finish_reason; `data: [DONE]` closes the stream; an `error`
// object inside the stream is the backend giving up mid-reply.
//
// Kept apart from the transport so that the wire format can be tested without
// sockets. Ownership and threads: a plain value owned by one stream() call;
// not thread-safe.
#pragma once
#include <string>
#include <string_view>
#include <system_error>

#include "engines/llm/sse_parser.hpp"

namespace confab::engines {

class OpenAiStreamDecoder {
public:
    // Decodes one event. On success `delta` holds the text to pass on (often
    // empty: role announcements, usage chunks, the final chunk). Returns
    // errc::bad_response for data that is not a chunk and errc::backend_error
    // for an error object; error_message() then says what happened.
    std::error_code decode(const SseEvent& event, std::string& delta);

    bool done() const { return done_; }
    const std::string& finish_reason() const { return finish_reason_; }
    const std::string& error_message() const { return error_message_; }

    // The `error.message` of an OpenAI-style error body, or a short excerpt of
    // the body when it is not one (non-2xx responses).
    static std::string describe_error_body(std::string_view body);

private:
    bool done_ = false;
    std::string finish_reason_;
    std::string error_message_;
};

}  // namespace confab::engines
