// A chat completion started before anyone asked for it: the reply to what
// the user said before they paused, requested while the turn detector is
// still waiting to be sure the turn has ended.
//
// Why: a voice turn ends silence_duration_ms (500 ms) after the last word,
// and only then used to start the language model, whose first token takes
// 200 ms or more. Asked at the start of the pause, the model answers during
// the silence we wait through anyway. The reply that the turn's response
// then needs is the same request if the final transcript says what the
// pause's hypothesis said; the response adopts this completion (stream()),
// receiving the text streamed so far at once and the rest as it comes. If
// the transcript differs, or the user goes on speaking, the completion is
// cancelled unused (ReplyPrefetch decides; this class only runs one).
//
// Ownership: shared by the session that started it and the response that
// adopts it; holds its backend by reference (the server's model, which
// outlives every session). Threads: runs only on the session's strand.
#pragma once
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engines/llm/language_model.hpp"

namespace confab::pipeline {

class PrefetchedCompletion final : public engines::LanguageModel,
                                   public std::enable_shared_from_this<PrefetchedCompletion> {
public:
    PrefetchedCompletion(boost::asio::any_io_executor strand, engines::LanguageModel& backend,
                         engines::ChatRequest request);
    ~PrefetchedCompletion() override;

    // Sends the request to the backend; its deltas are kept until adopted.
    void begin();
    // Closes the backend request (if still running); an adopter, if any,
    // completes with errc::cancelled. Idempotent.
    void cancel();

    // The same conversation, tools and limits (the session key is not compared).
    bool answers(const engines::ChatRequest& request) const;
    // Ended with an error before being adopted: not worth adopting.
    bool failed() const { return outcome_ && outcome_->error; }
    bool adopted() const { return adopted_; }

    // LanguageModel: adopts the completion (once): replays what was streamed
    // so far, in order, then streams the rest. `request` is the adopter's; it
    // must answer(). The tool calls are only passed on: a prefetch never runs
    // a tool (the client does, once the reply is adopted and sent).
    std::string name() const override { return backend_name_; }
    boost::asio::awaitable<engines::ChatOutcome> stream(engines::ChatRequest request,
                                                        StreamSinks sinks) override;
    using LanguageModel::stream;

private:
    static boost::asio::awaitable<void> run(std::shared_ptr<PrefetchedCompletion> self,
                                            engines::ChatRequest request);
    void on_backend_delta(std::string_view text);
    void on_backend_tool_call(const engines::ToolCallDelta& delta);
    void on_backend_end(engines::ChatOutcome outcome);

    boost::asio::any_io_executor strand_;
    engines::LanguageModel& backend_;
    const std::string backend_name_;
    const engines::ChatRequest request_;

    boost::asio::cancellation_signal backend_cancel_;
    boost::asio::steady_timer ended_;  // never expires: cancelled when the backend request ends
    // Everything streamed so far, in order: text, or a tool-call delta.
    struct Piece {
        std::string text;
        std::optional<engines::ToolCallDelta> tool_call;
    };
    std::vector<Piece> pieces_;
    std::optional<engines::ChatOutcome> outcome_;
    StreamSinks adopter_;  // set while a response streams from us
    bool adopted_ = false;
    bool cancelled_ = false;
};

}  // namespace confab::pipeline
