#include "pipeline/prefetched_completion.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "util/errors.hpp"
#include "util/log_exception.hpp"

namespace confab::pipeline {
namespace asio = boost::asio;

namespace {
engines::ChatOutcome cancelled_outcome() {
    return engines::ChatOutcome{make_error_code(errc::cancelled), "cancelled", ""};
}
}  // namespace

PrefetchedCompletion::PrefetchedCompletion(asio::any_io_executor strand,
                                           engines::LanguageModel& backend,
                                           engines::ChatRequest request)
    : strand_(std::move(strand)),
      backend_(backend),
      backend_name_(backend.name()),
      request_(std::move(request)),
      ended_(strand_, asio::steady_timer::time_point::max()) {}

PrefetchedCompletion::~PrefetchedCompletion() = default;

bool PrefetchedCompletion::answers(const engines::ChatRequest& request) const {
    return request.asks_same_as(request_);
}

void PrefetchedCompletion::begin() {
    asio::co_spawn(strand_, run(shared_from_this(), request_),
                   asio::bind_cancellation_slot(
                       backend_cancel_.slot(),
                       on_exception([self = shared_from_this()](const std::exception& ex) {
                           self->on_backend_end(engines::ChatOutcome{
                               make_error_code(errc::backend_error),
                               std::string("the language model client failed: ") + ex.what(), ""});
                       })));
}

asio::awaitable<void> PrefetchedCompletion::run(std::shared_ptr<PrefetchedCompletion> self,
                                                engines::ChatRequest request) {
    auto* raw = self.get();
    StreamSinks sinks{
        [raw](std::string_view text) { raw->on_backend_delta(text); },
        [raw](const engines::ToolCallDelta& delta) { raw->on_backend_tool_call(delta); }};
    auto outcome = co_await self->backend_.stream(std::move(request), std::move(sinks));
    self->on_backend_end(std::move(outcome));
}

void PrefetchedCompletion::on_backend_delta(std::string_view text) {
    if (cancelled_ || text.empty()) return;
    // Consecutive text is kept as one piece: the adopter gets it in one delta.
    if (pieces_.empty() || pieces_.back().tool_call) pieces_.push_back(Piece{});
    pieces_.back().text += text;
    if (adopter_.on_text) adopter_.on_text(text);
}

void PrefetchedCompletion::on_backend_tool_call(const engines::ToolCallDelta& delta) {
    if (cancelled_) return;
    pieces_.push_back(Piece{"", delta});
    if (adopter_.on_tool_call) adopter_.on_tool_call(delta);
}

void PrefetchedCompletion::on_backend_end(engines::ChatOutcome outcome) {
    if (outcome_) return;
    outcome_ = std::move(outcome);
    ended_.cancel();  // wakes the adopter, if one waits
}

// As in Response::cancel_llm, the signal is emitted from a fresh handler:
// cancel() may be reached from inside the backend coroutine's own delta
// callback, where Asio would turn the cancellation into an exception.
void PrefetchedCompletion::cancel() {
    if (cancelled_) return;
    cancelled_ = true;
    adopter_ = StreamSinks{};
    if (outcome_) return;
    ended_.cancel();  // an adopter waiting for more completes now, cancelled
    asio::post(strand_, [self = shared_from_this()] {
        self->backend_cancel_.emit(asio::cancellation_type::terminal);
    });
}

asio::awaitable<engines::ChatOutcome> PrefetchedCompletion::stream(engines::ChatRequest,
                                                                   StreamSinks sinks) {
    auto self = shared_from_this();
    if (adopted_ || cancelled_) co_return cancelled_outcome();
    adopted_ = true;
    if (!sinks.on_text) sinks.on_text = [](std::string_view) {};
    if (!sinks.on_tool_call) sinks.on_tool_call = [](const engines::ToolCallDelta&) {};
    for (const Piece& piece : pieces_) {
        if (piece.tool_call) {
            sinks.on_tool_call(*piece.tool_call);
        } else {
            sinks.on_text(piece.text);
        }
        if (cancelled_) co_return cancelled_outcome();  // the adopter cancelled while replayed to
    }
    if (!outcome_) {
        adopter_ = std::move(sinks);
        // Ends when the backend request does (on_backend_end cancels the
        // timer) or when our own awaiter is cancelled (the response was).
        boost::system::error_code ec;
        try {
            co_await ended_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        } catch (const boost::system::system_error&) {
            // Cancelled before the wait began: handled below like a cancelled wait.
        }
        adopter_ = StreamSinks{};
        if (!outcome_) {
            cancel();
            co_return cancelled_outcome();
        }
    }
    co_return *outcome_;
}

}  // namespace confab::pipeline
