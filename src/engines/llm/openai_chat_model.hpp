// The language model behind any OpenAI-compatible chat-completions endpoint
// (OpenAI, Ollama, llama.cpp server, vLLM, ...): POST {base_url}/chat/completions
// with stream:true, read as Server-Sent Events while the bytes arrive.
//
// Ownership: one instance serves every session; after construction it holds
// only immutable settings and the TLS context, so stream() calls may run
// concurrently on different strands. Threads: stream() runs on the executor
// of the coroutine that awaits it and does network I/O only.
//
// Connections and load: requests go through an LlmBackend (llm_backend.hpp):
// keep-alive connections reused across sessions, at most
// llm.max_concurrent_requests in flight, the rest queued fairly for at most
// llm.queue_timeout_ms. A full queue or a queue timeout ends the call with
// errc::backend_saturated; no connection (refused, unreachable, connect
// timeout) with errc::backend_unreachable.
//
// Time and cancellation: first-token and total timeouts from LlmConfig end the
// call with errc::timeout and a message naming which one; a terminal
// cancellation of the awaiting coroutine leaves the queue or closes the socket
// at once and ends the call with errc::cancelled. See http_connection.hpp.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <memory>
#include <string>

#include "config/config.hpp"
#include "engines/llm/http_connection.hpp"
#include "engines/llm/language_model.hpp"
#include "engines/llm/llm_backend.hpp"
#include "engines/llm/llm_pool_stats.hpp"

namespace confab::engines {

class OpenAiChatModel final : public LanguageModel {
public:
    struct TlsOptions {
        std::string ca_file;  // PEM bundle to trust instead of the system CAs
    };

    explicit OpenAiChatModel(LlmConfig config) : OpenAiChatModel(std::move(config), TlsOptions{}) {}
    OpenAiChatModel(LlmConfig config, TlsOptions tls);
    ~OpenAiChatModel() override;

    // "openai:<base_url> <model>"
    std::string name() const override;
    boost::asio::awaitable<ChatOutcome> stream(ChatRequest request, StreamSinks sinks) override;
    using LanguageModel::stream;

    // Why the configuration cannot be used (bad base_url, unreadable CA file),
    // or empty. stream() then fails at once with errc::invalid_argument.
    const std::string& config_error() const { return config_error_; }

    // The backend's connection pool and request counters (thread-safe).
    LlmPoolStats pool_stats() const;

private:
    // stream() without the cancellation-exception guard (see cancellation_as_error.hpp).
    boost::asio::awaitable<ChatOutcome> run(ChatRequest request, StreamSinks sinks);
    std::string request_body(const ChatRequest& request) const;
    HttpRequest http_request(const ChatRequest& request) const;

    LlmConfig config_;
    HttpEndpoint endpoint_;
    std::string target_;  // e.g. "/v1/chat/completions"
    std::string config_error_;
    std::unique_ptr<boost::asio::ssl::context> tls_context_;  // https only
    std::unique_ptr<LlmBackend> backend_;                     // null when config_error_ is set
};

}  // namespace confab::engines
