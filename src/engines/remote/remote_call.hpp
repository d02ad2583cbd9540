// One request to a RemoteBackend, from the wait for a slot to the end of the
// response body, with the deadlines and the error mapping every speech client
// shares:
//   - no slot (queue full or queue timeout)        → errc::backend_saturated
//   - no connection (refused, unreachable, connect timeout), request not sent
//                                                  → errc::backend_unreachable
//   - HTTP non-2xx                                 → errc::backend_error,
//     "HTTP 500 Internal Server Error from host:port: <the error body's message>"
//   - no body byte within the first-byte timeout   → errc::timeout ("first byte timeout ...")
//   - the body not over within the total timeout   → errc::timeout ("total timeout ...")
//   - the body broken off (EOF before its sized or chunked end), an unreadable
//     head                                         → errc::bad_response
//   - a terminal cancellation of the awaiting coroutine → errc::cancelled; the
//     socket is closed at once (HttpConnection) and the slot freed.
// Every message names the backend's host:port.
//
// First-byte and total timeouts count from construction (a wait for a slot
// included: they bound what the user waits for); the connect timeout from the
// moment a slot is free. 0 or less disables one.
//
// Ownership: a local of the request's coroutine; it holds the LlmBackend
// lease, whose destruction closes an unfinished connection (finish() keeps a
// connection read to its end). Threads: one coroutine, its strand.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstddef>
#include <span>
#include <string>
#include <system_error>

#include "engines/llm/http_connection.hpp"
#include "engines/llm/llm_backend.hpp"
#include "engines/remote/remote_backend.hpp"
#include "util/errors.hpp"

namespace confab::engines {

struct RemoteFailure {
    std::error_code error;  // empty: no failure
    std::string message;
};

class RemoteCall {
public:
    using Clock = std::chrono::steady_clock;

    struct Timeouts {
        int connect_ms = 2000;
        int first_byte_ms = 5000;
        int total_ms = 30000;
    };

    struct Read {
        RemoteFailure failure;
        std::size_t bytes = 0;  // body bytes written to the caller's buffer
    };

    RemoteCall(RemoteBackend& backend, Timeouts timeouts);
    RemoteCall(const RemoteCall&) = delete;
    RemoteCall& operator=(const RemoteCall&) = delete;

    // Waits for a slot in the queue of `key` (a session id), connects, sends
    // `request` and reads the response head. A non-2xx status is a failure:
    // its error body is read (bounded) for the message.
    boost::asio::awaitable<RemoteFailure> open(std::string key, const HttpRequest& request);
    const HttpResponseHead& head() const { return head_; }

    // Returns once some body bytes arrived; 0 bytes and done() at the end.
    // The first byte switches the deadline from first-byte to total.
    boost::asio::awaitable<Read> read_some(std::span<char> out);
    bool done() const;
    // Whether any byte of the body has arrived.
    bool body_started() const { return body_started_; }

    // After the caller saw all it needs (a stream's last event), reads on to
    // the body's end (at most 1 s and 64 KiB) so that the connection can be
    // reused, then finish(). Its failure costs the connection, not the call.
    boost::asio::awaitable<void> drain();
    // Keeps the connection for reuse if its response was read to the end
    // (else closes it); the call is over: done() is true from now on.
    void finish() {
        connection_ = nullptr;
        lease_.finish();
    }

    const std::string& peer() const { return backend_.peer(); }
    RemoteFailure failure(std::error_code error, std::string message) const;
    static RemoteFailure cancelled() { return {make_error_code(errc::cancelled), "cancelled"}; }

private:
    Clock::time_point first_byte_deadline() const;
    std::string timeout_message() const;
    RemoteFailure open_failure(const LlmBackend::Opened& opened) const;
    boost::asio::awaitable<RemoteFailure> error_status();

    RemoteBackend& backend_;
    const Timeouts timeouts_;
    const Clock::time_point first_byte_, total_;
    LlmBackend::Lease lease_;
    HttpResponseHead head_;
    HttpConnection* connection_ = nullptr;  // the lease's, once open() succeeded
    bool body_started_ = false;
};

}  // namespace confab::engines
