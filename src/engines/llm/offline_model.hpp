// The language model used when no LLM base_url is configured. It says so
// plainly and repeats the user's last message, streamed a few words per delta
// with a short pause, so the rest of the pipeline (segmenting, synthesis,
// interruption) behaves exactly as with a real backend.
//
// Ownership: one instance serves every session; it holds only its pacing, so
// stream() calls may run concurrently. Threads: stream() runs on the executor
// of the coroutine that awaits it. A terminal cancellation of that coroutine
// ends the reply at once with errc::cancelled.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstddef>
#include <string>

#include "engines/llm/language_model.hpp"

namespace confab::engines {

class OfflineModel final : public LanguageModel {
public:
    struct Pacing {
        std::size_t words_per_delta = 3;
        std::chrono::milliseconds delta_interval{40};  // 0: only yield between deltas
    };

    OfflineModel() : OfflineModel(Pacing{}) {}
    explicit OfflineModel(Pacing pacing);

    std::string name() const override { return "offline"; }
    // Tools are accepted and never called: the reply is text only.
    boost::asio::awaitable<ChatOutcome> stream(ChatRequest request, StreamSinks sinks) override;
    using LanguageModel::stream;

    // The whole reply to `request`, as stream() delivers it.
    static std::string reply_for(const ChatRequest& request);

private:
    boost::asio::awaitable<ChatOutcome> run(ChatRequest request, DeltaSink on_delta);

    Pacing pacing_;
};

}  // namespace confab::engines
