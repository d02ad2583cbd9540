#include "engines/remote/remote_call.hpp"

#include <algorithm>
#include <array>
#include <boost/asio/this_coro.hpp>

#include "engines/llm/openai_stream_decoder.hpp"

// g++ 12 false positive on Asio coroutine frames (see openai_chat_model.cpp).
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

namespace confab::engines {
namespace asio = boost::asio;

namespace {

// An error body longer than this is cut: only its message is wanted.
constexpr std::size_t kMaxErrorBody = 64 * 1024;
constexpr std::size_t kMaxDrainBytes = 64 * 1024;
constexpr auto kDrainTimeout = std::chrono::seconds(1);

RemoteCall::Clock::time_point after(RemoteCall::Clock::time_point start, int timeout_ms) {
    if (timeout_ms <= 0) return RemoteCall::Clock::time_point::max();
    return start + std::chrono::milliseconds(timeout_ms);
}

std::string ms(int value) {
    return std::to_string(value) + " ms";
}

bool was_cancelled(const asio::cancellation_state& state) {
    return state.cancelled() != asio::cancellation_type::none;
}

}  // namespace

RemoteCall::RemoteCall(RemoteBackend& backend, Timeouts timeouts)
    : backend_(backend),
      timeouts_(timeouts),
      first_byte_(after(Clock::now(), timeouts.first_byte_ms)),
      total_(after(Clock::now(), timeouts.total_ms)) {}

RemoteFailure RemoteCall::failure(std::error_code error, std::string message) const {
    return RemoteFailure{error, std::move(message)};
}

RemoteCall::Clock::time_point RemoteCall::first_byte_deadline() const {
    return std::min(first_byte_, total_);
}

// Names the deadline that passed: the first-byte one while no body byte has
// arrived (unless the total one is earlier), else the total one.
std::string RemoteCall::timeout_message() const {
    if (!body_started_ && first_byte_ <= total_) {
        return "first byte timeout: no response body from the " + backend_.what() + " backend " +
               peer() + " within " + ms(timeouts_.first_byte_ms);
    }
    return "total timeout: the response of the " + backend_.what() + " backend " + peer() +
           " did not end within " + ms(timeouts_.total_ms);
}

RemoteFailure RemoteCall::open_failure(const LlmBackend::Opened& opened) const {
    using Stage = LlmBackend::Stage;
    const std::error_code ec = opened.error;
    const std::string backend = "the " + backend_.what() + " backend " + peer();
    if (ec == errc::cancelled) return cancelled();
    if (ec == errc::timeout && opened.stage != Stage::connect) {
        return failure(errc::timeout, timeout_message());
    }
    switch (opened.stage) {
        case Stage::queue: {
            const auto& limits = backend_.pool_options().limits;
            return failure(errc::backend_saturated,
                           backend + " is saturated: all " + std::to_string(limits.max_in_flight) +
                               " request slots are busy and the wait for one failed (queue of " +
                               std::to_string(limits.max_waiting) + ", timeout " +
                               std::to_string(limits.queue_timeout.count()) + " ms)");
        }
        case Stage::connect:
            // Only the connect's own deadline says the backend is down; the
            // call's deadline passing while connecting is a timeout of the call.
            if (ec == errc::timeout) {
                if (opened.connect_deadline < first_byte_deadline()) {
                    return failure(errc::backend_unreachable, "connect timeout: no connection to " +
                                                                  backend + " within " +
                                                                  ms(timeouts_.connect_ms));
                }
                return failure(errc::timeout, timeout_message());
            }
            return failure(errc::backend_unreachable,
                           "connect to " + backend + " failed: " + ec.message());
        case Stage::send:
            return failure(errc::backend_unreachable,
                           "sending the request to " + backend + " failed: " + ec.message());
        case Stage::head:
            break;
    }
    return failure(errc::bad_response,
                   "reading the response head of " + backend + " failed: " + ec.message());
}

asio::awaitable<RemoteFailure> RemoteCall::open(std::string key, const HttpRequest& request) {
    LlmBackend* pool = backend_.pool();
    if (pool == nullptr) co_return failure(errc::invalid_argument, backend_.config_error());
    const Clock::duration connect_timeout =
        std::chrono::milliseconds(std::max(0, timeouts_.connect_ms));
    const Clock::time_point deadline = first_byte_deadline();
    const LlmBackend::Opened opened =
        co_await pool->open(lease_, std::move(key), request, head_, connect_timeout, deadline);
    if (opened.error) co_return open_failure(opened);
    connection_ = &lease_.connection();
    if (head_.status < 200 || head_.status >= 300) co_return co_await error_status();
    co_return RemoteFailure{};
}

// The body says why; read what fits, but the status alone is enough.
asio::awaitable<RemoteFailure> RemoteCall::error_status() {
    const asio::cancellation_state state = co_await asio::this_coro::cancellation_state;
    HttpConnection& connection = *connection_;
    std::array<char, 4096> chunk{};
    std::string body;
    while (body.size() < kMaxErrorBody && !connection.body_done() && !was_cancelled(state)) {
        const HttpBodyRead read = co_await connection.read_body_some(chunk);
        body.append(chunk.data(), read.bytes);
        if (read.error) break;
    }
    if (was_cancelled(state)) co_return cancelled();
    finish();  // an error body read whole leaves the connection reusable
    std::string message = "HTTP " + std::to_string(head_.status) + " " + head_.reason +
                          " from the " + backend_.what() + " backend " + peer();
    if (!body.empty()) message += ": " + OpenAiStreamDecoder::describe_error_body(body);
    co_return failure(errc::backend_error, std::move(message));
}

bool RemoteCall::done() const {
    return connection_ == nullptr || connection_->body_done();
}

asio::awaitable<RemoteCall::Read> RemoteCall::read_some(std::span<char> out) {
    const asio::cancellation_state state = co_await asio::this_coro::cancellation_state;
    if (was_cancelled(state)) co_return Read{cancelled(), 0};
    if (connection_ == nullptr) co_return Read{failure(errc::invalid_argument, "not open"), 0};
    HttpConnection& connection = *connection_;
    const HttpBodyRead read = co_await connection.read_body_some(out);
    if (read.bytes > 0 && !body_started_) {
        body_started_ = true;
        connection.set_deadline(total_);
    }
    Read result{{}, read.bytes};
    if (!read.error) co_return result;
    if (read.error == errc::cancelled || was_cancelled(state)) {
        result.failure = cancelled();
    } else if (read.error == errc::timeout) {
        result.failure = failure(errc::timeout, timeout_message());
    } else {
        result.failure =
            failure(errc::bad_response, "the response of the " + backend_.what() + " backend " +
                                            peer() + " broke off: " + read.error.message());
    }
    co_return result;
}

asio::awaitable<void> RemoteCall::drain() {
    if (connection_ == nullptr) co_return;
    HttpConnection& connection = *connection_;
    connection.set_deadline(std::min(total_, Clock::now() + kDrainTimeout));
    std::array<char, 4096> chunk{};
    std::size_t drained = 0;
    while (!connection.body_done() && drained <= kMaxDrainBytes) {
        const HttpBodyRead read = co_await connection.read_body_some(chunk);
        drained += read.bytes;
        if (read.error) break;
    }
    finish();
}

}  // namespace confab::engines
