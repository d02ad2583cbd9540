// A streamed chat completion with cancellation.
//
// Threads: stream() is a coroutine run on the calling session's strand (it does
// network I/O, not inference). It is cancelled through the cancellation slot of
// the coroutine awaiting it (co_spawn with bind_cancellation_slot); a
// cancellation must close the backend connection at once and complete with
// errc::cancelled.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <functional>
#include <string>
#include <string_view>

#include "engines/llm/chat_request.hpp"

namespace confab::engines {

class LanguageModel {
public:
    using DeltaSink = std::function<void(std::string_view text)>;
    using ToolCallSink = std::function<void(const ToolCallDelta& delta)>;
    // What a reply streams, in the order the backend sent it: text and tool
    // calls may alternate ("let me check" before a call). Either may be empty.
    struct StreamSinks {
        DeltaSink on_text;
        ToolCallSink on_tool_call;
    };

    virtual ~LanguageModel() = default;
    // Shown in logs and metrics ("openai:http://host/v1 model", "offline").
    virtual std::string name() const = 0;
    virtual boost::asio::awaitable<ChatOutcome> stream(ChatRequest request, StreamSinks sinks) = 0;
    // For callers that want only the text (a reply without tools).
    boost::asio::awaitable<ChatOutcome> stream(ChatRequest request, DeltaSink on_text) {
        return stream(std::move(request), StreamSinks{std::move(on_text), {}});
    }
};

}  // namespace confab::engines
