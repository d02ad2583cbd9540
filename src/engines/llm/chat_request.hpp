// What a language model is asked: the system message, the history, the
// tools it may call, the limits; and what a streamed reply consists of.
#pragma once
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "protocol/function_tools.hpp"

namespace confab::engines {

// A function call as the model made it: chat-completions `tool_calls[i]`.
struct ToolCall {
    std::string id;
    std::string name;
    std::string arguments;  // JSON text as the model wrote it
    bool operator==(const ToolCall&) const = default;
};

struct ChatMessage {
    std::string role;  // "system", "user", "assistant" or "tool"
    std::string content;
    std::vector<ToolCall> tool_calls;  // assistant: the calls it made
    std::string tool_call_id;          // tool: the call this is the output of
    bool operator==(const ChatMessage&) const = default;
};

struct ChatRequest {
    std::vector<ChatMessage> messages;
    std::optional<int> max_tokens;
    std::optional<double> temperature;
    std::vector<protocol::FunctionTool> tools;  // empty: no `tools` sent
    protocol::ToolChoice tool_choice;           // sent only with tools
    std::optional<bool> parallel_tool_calls;    // sent only with tools, when set
    // Who asks (the session id): requests waiting for a busy backend are
    // served fairly across keys. Not sent to the backend.
    std::string session_key;
    // The caller's own limit on the wait for the first token, sooner than
    // llm.first_token_timeout_ms (RoutedLanguageModel fails over at it);
    // max: none. Not sent to the backend.
    std::chrono::steady_clock::time_point first_token_by =
        std::chrono::steady_clock::time_point::max();

    // The same question: everything the backend sees (not the session key).
    bool asks_same_as(const ChatRequest& other) const {
        return messages == other.messages && max_tokens == other.max_tokens &&
               temperature == other.temperature && tools == other.tools &&
               tool_choice == other.tool_choice && parallel_tool_calls == other.parallel_tool_calls;
    }
};

// A piece of a tool call being streamed. The first delta of a call carries
// its id and name (and perhaps arguments); the following ones only a
// fragment of the arguments. `index` is the call's place among the reply's
// calls (0, 1, ...), so parallel calls interleave safely.
struct ToolCallDelta {
    std::size_t index = 0;
    std::string call_id;    // first delta only
    std::string name;       // first delta only
    std::string arguments;  // a fragment of the JSON arguments, may be empty
    bool first() const { return !name.empty(); }
};

// How a streamed completion ended.
struct ChatOutcome {
    std::error_code error;             // empty on success; errc::cancelled when cancelled
    std::string message;               // human-readable detail of the error
    std::string finish_reason;         // "stop", "length", "tool_calls", ... as the backend said
    std::vector<ToolCall> tool_calls;  // every call of the reply, assembled, in index order
};

}  // namespace confab::engines
