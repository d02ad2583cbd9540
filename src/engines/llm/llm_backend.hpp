// One language-model backend (one base_url) as every session shares it:
// a pool of keep-alive HTTP/1.1 connections, a limit on requests in flight
// with a fair, bounded, timed queue for the rest, and counters (stats()).
//
// A request goes: open() waits for a slot (RequestLimiter), takes an idle
// connection that is still alive or connects a new one, sends the request and
// reads the response head; the caller reads the body through its Lease and
// calls Lease::finish() once the body is read to its end, which keeps the
// connection for the next request if the server allows. A lease destroyed
// unfinished (cancelled, failed, abandoned mid-stream) closes its connection
// at once: half-read responses are never reused. If a reused connection
// fails before any byte of the response arrived (the backend closed it while
// it sat idle), the request is sent again, once, on a fresh connection.
//
// Ownership: owned by the model that talks to the backend (OpenAiChatModel);
// must outlive every open() and Lease. Several backends may coexist, each
// with its own limit and connections. Threads: thread-safe; open() and the
// lease run on the awaiting coroutine's strand.
#pragma once
#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <system_error>

#include "config/config.hpp"
#include "engines/llm/http_connection.hpp"
#include "engines/llm/idle_connection_cache.hpp"
#include "engines/llm/llm_pool_stats.hpp"
#include "engines/llm/request_limiter.hpp"

namespace confab::engines {

class LlmBackend {
public:
    using Clock = std::chrono::steady_clock;

    struct Options {
        RequestLimiter::Options limits;
        IdleConnectionCache::Limits idle;
    };
    static Options options_from(const LlmConfig& config);

    // Where open() stopped when it failed.
    enum class Stage { queue, connect, send, head };

    struct Opened {
        std::error_code error;  // errc::backend_saturated / cancelled / timeout, or the transport's
        Stage stage = Stage::queue;
        std::string message;  // for Stage::queue: why the wait failed, for the user
        Clock::time_point connect_deadline = Clock::time_point::max();
    };

    // One request's hold on the backend: its slot and, after a successful
    // open(), its connection. Move-only; owned by the request's coroutine.
    class Lease {
    public:
        // Destroying an unfinished lease closes its connection, then frees
        // its slot (members are destroyed in reverse order).
        Lease() = default;
        Lease(Lease&&) noexcept = default;
        Lease& operator=(Lease&&) noexcept = default;

        HttpConnection& connection() { return *connection_; }
        // Keeps the connection for reuse if its response was read to the end
        // and may be followed by another; otherwise closes it. Idempotent.
        void finish();

    private:
        friend class LlmBackend;
        RequestLimiter::Permit permit_;
        LlmBackend* backend_ = nullptr;
        IdleConnectionCache* cache_ = nullptr;
        std::unique_ptr<HttpConnection> connection_;
    };

    // `tls_context` is needed for https endpoints only and must outlive us.
    LlmBackend(HttpEndpoint endpoint, boost::asio::ssl::context* tls_context, Options options);
    LlmBackend(const LlmBackend&) = delete;
    LlmBackend& operator=(const LlmBackend&) = delete;

    // Waits for a slot (the queue of `key`, a session id), then connects
    // within `connect_timeout` of getting it (and before `response_deadline`)
    // and sends `request`; on success `head` holds the response head and the
    // lease the connection, whose deadline is `response_deadline`.
    boost::asio::awaitable<Opened> open(Lease& lease, std::string key, const HttpRequest& request,
                                        HttpResponseHead& head, Clock::duration connect_timeout,
                                        Clock::time_point response_deadline);

    // Counts how a request ended (the model's final error code, or none).
    void record_outcome(std::error_code error);
    LlmPoolStats stats() const;
    const HttpEndpoint& endpoint() const { return endpoint_; }

private:
    boost::asio::awaitable<Opened> connect_and_send(Lease& lease, const HttpRequest& request,
                                                    HttpResponseHead& head,
                                                    Clock::time_point connect_deadline,
                                                    Clock::time_point response_deadline);
    std::unique_ptr<HttpConnection> take_alive_idle(IdleConnectionCache& cache);
    void give_back(IdleConnectionCache& cache, std::unique_ptr<HttpConnection> connection);
    std::string refusal_message(RequestLimiter::Refusal refusal) const;

    const HttpEndpoint endpoint_;
    boost::asio::ssl::context* const tls_context_;
    const Options options_;
    const std::uint64_t id_;  // this backend's key in every IdleConnectionCache
    RequestLimiter limiter_;
    const IdleConnectionCache::IdleCount idle_count_;

    struct Counters {
        std::atomic<std::uint64_t> opened{0}, reused{0}, stale_dropped{0}, retries{0};
        std::atomic<std::uint64_t> ok{0}, cancelled{0}, saturated{0}, unavailable{0}, failed{0};
    };
    Counters counters_;
};

}  // namespace confab::engines
