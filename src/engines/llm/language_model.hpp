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

    virtual ~LanguageModel() = default;
    // Shown in logs and metrics ("openai:http://host/v1 model", "offline").
    virtual std::string name() const = 0;
    virtual boost::asio::awaitable<ChatOutcome> stream(ChatRequest request, DeltaSink on_delta) = 0;
};

}  // namespace confab::engines
