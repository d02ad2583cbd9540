// Interprets the events of an OpenAI-compatible chat-completions stream:
// `data: {json chunk}` events carry choices[0].delta.content, fragments of
// tool calls in choices[0].delta.tool_calls (ToolCallAssembler) and, at the
// end, choices[0].finish_reason; `data: [DONE]` closes the stream; an `error`
// object inside the stream is the backend giving up mid-reply.
//
// Kept apart from the transport so that the wire format can be tested without
// sockets. Ownership and threads: a plain value owned by one stream() call;
// not thread-safe.
#pragma once
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "engines/llm/sse_parser.hpp"
#include "engines/llm/tool_call_assembler.hpp"

namespace confab::engines {

class OpenAiStreamDecoder {
public:
    // What one event gives to pass on, in the order to pass it: its text
    // comes before its tool-call fragments (a chunk seldom has both).
    struct Decoded {
        std::string text;
        std::vector<ToolCallDelta> tool_calls;
        bool empty() const { return text.empty() && tool_calls.empty(); }
    };

    // Decodes one event. On success `out` holds what to pass on (often
    // nothing: role announcements, usage chunks, the final chunk). Returns
    // errc::bad_response for data that is not a chunk and errc::backend_error
    // for an error object; error_message() then says what happened.
    std::error_code decode(const SseEvent& event, Decoded& out);
    // At the stream's end: errc::bad_response when a tool call never got a
    // name (error_message() says so).
    std::error_code finish();

    // Every tool call of the reply, whole, in index order.
    std::vector<ToolCall> tool_calls() const { return tool_calls_.calls(); }
    bool done() const { return done_; }
    const std::string& finish_reason() const { return finish_reason_; }
    const std::string& error_message() const { return error_message_; }

    // The `error.message` of an OpenAI-style error body, or a short excerpt of
    // the body when it is not one (non-2xx responses).
    static std::string describe_error_body(std::string_view body);

private:
    ToolCallAssembler tool_calls_;
    bool done_ = false;
    std::string finish_reason_;
    std::string error_message_;
};

}  // namespace confab::engines
