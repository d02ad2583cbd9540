// What a language model is asked: the system message, the history, the limits.
#pragma once
#include <optional>
#include <string>
#include <system_error>
#include <vector>

namespace confab::engines {

struct ChatMessage {
    std::string role;  // "system", "user" or "assistant"
    std::string content;
};

struct ChatRequest {
    std::vector<ChatMessage> messages;
    std::optional<int> max_tokens;
    std::optional<double> temperature;
    // Who asks (the session id): requests waiting for a busy backend are
    // served fairly across keys. Not sent to the backend.
    std::string session_key;
};

// How a streamed completion ended.
struct ChatOutcome {
    std::error_code error;      // empty on success; errc::cancelled when cancelled
    std::string message;        // human-readable detail of the error
    std::string finish_reason;  // "stop", "length", ... as the backend said
};

}  // namespace confab::engines
