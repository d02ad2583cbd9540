// The language model behind several OpenAI-compatible backends
// (`[[llm.backends]]`, or one llm.base_url), with routing, circuit breakers
// and failover (engines/routing/backend_router.hpp).
//
// A request goes to the backend the router picks. If it fails before any of
// its output reached the caller (refused or dropped connection, HTTP error,
// malformed stream, saturated, or no first token within
// llm.failover_after_ms while another backend is left), it is sent to the
// next backend, at most once per backend and within
// llm.first_token_timeout_ms of the call for all attempts. A request that
// fails after output reached the caller ends as with one backend: the words
// already spoken cannot be taken back, and a second model would start the
// reply over. When no backend could answer, the outcome names each
// backend's failure.
//
// Ownership: owned by SharedEngines; owns one OpenAiChatModel per backend.
// Threads: stream() runs on the awaiting coroutine's strand, concurrently
// from any number of sessions; cancellation as LanguageModel says.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "engines/llm/language_model.hpp"
#include "engines/llm/llm_pool_stats.hpp"
#include "engines/routing/backend_router.hpp"

namespace confab::engines {

class OpenAiChatModel;

class RoutedLanguageModel final : public LanguageModel {
public:
    // `backends`: resolved (config/backend_list.hpp), at least one.
    RoutedLanguageModel(const LlmConfig& config, const std::vector<BackendConfig>& backends);
    ~RoutedLanguageModel() override;

    // "openai:<url> <model>" with one backend, "openai:N backends" with several.
    std::string name() const override;
    boost::asio::awaitable<ChatOutcome> stream(ChatRequest request, StreamSinks sinks) override;
    using LanguageModel::stream;

    BackendRouter& router() { return router_; }
    const BackendRouter& router() const { return router_; }
    // The connection pools' counters, summed over the backends.
    LlmPoolStats pool_stats() const;

private:
    std::vector<std::unique_ptr<OpenAiChatModel>> models_;
    BackendRouter router_;
    const std::chrono::milliseconds first_token_timeout_;
    const std::chrono::milliseconds failover_after_;
};

}  // namespace confab::engines
