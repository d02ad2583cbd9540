// The function calls of one response, as Realtime output items.
//
// The language model streams a call as fragments (ToolCallDelta); each call
// becomes a `function_call` item: response.output_item.added when its name is
// known, response.function_call_arguments.delta as its arguments arrive, and
// at the response's end .done, output_item.done and conversation.item.done.
// Confab never runs a tool: the client does, and answers with a
// function_call_output item and a new response.create.
//
// Owned by its Response; runs on the session's strand.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "engines/llm/chat_request.hpp"
#include "pipeline/event_sink.hpp"
#include "protocol/conversation_item.hpp"

namespace confab::pipeline {

class FunctionCalls {
public:
    struct Call {
        std::size_t index = 0;  // the model's index of the call
        int output_index = 0;   // the item's place in the response's output
        protocol::ConversationItem item;
    };
    // Announces a new output item of the response (output_item.added and,
    // in the conversation, conversation.item.added); returns its output_index.
    using OpenItem = std::function<int(const protocol::ConversationItem& item)>;
    // Announces an item's end (output_item.done, conversation.item.done).
    using CloseItem = std::function<void(int output_index, const protocol::ConversationItem& item)>;

    FunctionCalls(EventSink& sink, std::string response_id)
        : sink_(sink), response_id_(std::move(response_id)) {}

    void on_delta(const engines::ToolCallDelta& delta, const OpenItem& open);
    // Closes every call: `completed` calls get their arguments' .done;
    // the others (the response was cancelled or failed) end "incomplete".
    void finish(bool completed, const CloseItem& close);

    const std::vector<Call>& calls() const { return calls_; }
    bool empty() const { return calls_.empty(); }

private:
    EventSink& sink_;
    const std::string response_id_;
    std::vector<Call> calls_;
};

}  // namespace confab::pipeline
