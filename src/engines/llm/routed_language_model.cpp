#include "engines/llm/routed_language_model.hpp"

#include <algorithm>
#include <boost/asio/this_coro.hpp>

#include "engines/llm/openai_chat_model.hpp"
#include "util/errors.hpp"
#include "util/log.hpp"

// g++ 12 false positive on Asio coroutine frames (see openai_chat_model.cpp).
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

namespace confab::engines {
namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

namespace {

std::vector<BackendRouter::Backend> router_backends(const std::vector<BackendConfig>& backends) {
    std::vector<BackendRouter::Backend> out;
    for (const BackendConfig& b : backends) {
        out.push_back({b.name, b.base_url, b.weight, b.max_concurrent_requests});
    }
    return out;
}

CircuitBreaker::Options breaker_options(const LlmConfig& config) {
    CircuitBreaker::Options options;
    options.failure_threshold = config.breaker_failures;
    options.cooldown = std::chrono::milliseconds(config.breaker_cooldown_ms);
    return options;
}

std::string ms(std::chrono::milliseconds value) {
    return std::to_string(value.count()) + " ms";
}

}  // namespace

RoutedLanguageModel::RoutedLanguageModel(const LlmConfig& config,
                                         const std::vector<BackendConfig>& backends)
    : router_("llm", router_backends(backends), breaker_options(config)),
      first_token_timeout_(config.first_token_timeout_ms),
      failover_after_(config.failover_after_ms) {
    for (const BackendConfig& backend : backends) {
        LlmConfig one = config;
        one.backends.clear();
        one.base_url = backend.base_url;
        one.model = backend.model;
        one.api_key = backend.api_key;
        one.max_concurrent_requests = backend.max_concurrent_requests;
        models_.push_back(std::make_unique<OpenAiChatModel>(std::move(one)));
    }
}

RoutedLanguageModel::~RoutedLanguageModel() = default;

std::string RoutedLanguageModel::name() const {
    if (models_.size() == 1) return models_.front()->name();
    return "openai:" + std::to_string(models_.size()) + " backends";
}

LlmPoolStats RoutedLanguageModel::pool_stats() const {
    LlmPoolStats sum;
    for (const auto& model : models_) {
        const LlmPoolStats s = model->pool_stats();
        sum.connections_opened += s.connections_opened;
        sum.connections_reused += s.connections_reused;
        sum.stale_dropped += s.stale_dropped;
        sum.retries += s.retries;
        sum.idle += s.idle;
        sum.in_flight += s.in_flight;
        sum.waiting += s.waiting;
        sum.ok += s.ok;
        sum.cancelled += s.cancelled;
        sum.saturated += s.saturated;
        sum.unavailable += s.unavailable;
        sum.failed += s.failed;
    }
    return sum;
}

asio::awaitable<ChatOutcome> RoutedLanguageModel::stream(ChatRequest request, StreamSinks sinks) {
    if (!sinks.on_text) sinks.on_text = [](std::string_view) {};
    if (!sinks.on_tool_call) sinks.on_tool_call = [](const ToolCallDelta&) {};
    const Clock::time_point start = Clock::now();
    // All attempts together wait at most the configured first-token timeout.
    const Clock::time_point first_token_by =
        std::min(request.first_token_by, start + first_token_timeout_);
    const asio::cancellation_state state = co_await asio::this_coro::cancellation_state;

    std::vector<bool> tried(models_.size(), false);
    std::string failures;  // "name: why; ..." of every failed attempt
    ChatOutcome last;
    bool attempted = false;
    for (;;) {
        std::optional<BackendRouter::Attempt> attempt = router_.pick(tried, Clock::now());
        if (!attempt) break;
        const std::size_t index = attempt->index();
        tried[index] = true;
        attempted = true;
        const std::string& backend = router_.backend(index).name;
        const bool others_left = std::find(tried.begin(), tried.end(), false) != tried.end();

        // The caller's sinks, noting when the first output passed through:
        // after it, a failure is not retried.
        const Clock::time_point attempt_start = Clock::now();
        std::optional<Clock::time_point> first_output;
        StreamSinks watched{[&](std::string_view text) {
                                if (!first_output) first_output = Clock::now();
                                sinks.on_text(text);
                            },
                            [&](const ToolCallDelta& delta) {
                                if (!first_output) first_output = Clock::now();
                                sinks.on_tool_call(delta);
                            }};
        ChatRequest this_try = request;
        this_try.first_token_by = others_left
                                      ? std::min(first_token_by, attempt_start + failover_after_)
                                      : first_token_by;
        ChatOutcome outcome =
            co_await models_[index]->stream(std::move(this_try), std::move(watched));

        if (!outcome.error) {
            attempt->succeeded(first_output.value_or(Clock::now()) - attempt_start);
            co_return outcome;
        }
        if (outcome.error == errc::cancelled ||
            state.cancelled() != asio::cancellation_type::none) {
            attempt->abandoned();
            co_return outcome;
        }
        const Clock::time_point now = Clock::now();
        if (outcome.error == errc::timeout && !first_output && now < first_token_by) {
            outcome.message =
                "no first token within llm.failover_after_ms (" + ms(failover_after_) + ")";
        }
        attempt->failed(BackendRouter::failure_of(outcome.error), outcome.message, now);
        if (first_output) {
            // Midway: what was said stays said; the reply ends as it would
            // with one backend.
            co_return outcome;
        }
        log::warn("language model backend failed before any output",
                  {{"backend", backend},
                   {"session", request.session_key},
                   {"error", outcome.message},
                   {"others_left", others_left ? "true" : "false"}});
        if (!failures.empty()) failures += "; ";
        failures += backend + ": " + outcome.message;
        last = std::move(outcome);
        if (now >= first_token_by) break;
    }
    if (!attempted) {
        co_return ChatOutcome{
            errc::backend_unreachable, router_.unavailable_reason(Clock::now()), {}, {}};
    }
    if (models_.size() > 1) last.message = "no language model backend could answer: " + failures;
    co_return last;
}

}  // namespace confab::engines
