#include "engines/llm/llm_backend.hpp"

#include <algorithm>
#include <boost/asio/execution/context.hpp>
#include <boost/asio/query.hpp>
#include <boost/asio/this_coro.hpp>

#include "util/errors.hpp"

// g++ 12 false positive on Asio coroutine frames (see openai_chat_model.cpp).
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

namespace confab::engines {
namespace asio = boost::asio;

namespace {

// Distinct per backend, never reused: a backend created where a destroyed
// one lived must not pick up that one's idle connections.
std::atomic<std::uint64_t> next_backend_id{1};

// A cancelled or timed-out attempt is not the idle-close race a retry is for.
bool retryable(std::error_code ec) {
    return ec != errc::cancelled && ec != errc::timeout;
}

}  // namespace

LlmBackend::Options LlmBackend::options_from(const LlmConfig& config) {
    Options options;
    options.limits.max_in_flight =
        static_cast<std::size_t>(std::max(1, config.max_concurrent_requests));
    options.limits.max_waiting = static_cast<std::size_t>(std::max(0, config.max_queued_requests));
    options.limits.queue_timeout = std::chrono::milliseconds(config.queue_timeout_ms);
    options.idle.max_idle = static_cast<std::size_t>(std::max(0, config.max_idle_connections));
    options.idle.idle_timeout = std::chrono::milliseconds(config.idle_timeout_ms);
    return options;
}

void LlmBackend::Lease::finish() {
    if (!connection_) return;
    if (backend_ != nullptr && cache_ != nullptr && connection_->reusable()) {
        backend_->give_back(*cache_, std::move(connection_));
    }
    connection_.reset();
}

LlmBackend::LlmBackend(HttpEndpoint endpoint, asio::ssl::context* tls_context, Options options)
    : endpoint_(std::move(endpoint)),
      tls_context_(tls_context),
      options_(options),
      id_(next_backend_id.fetch_add(1)),
      limiter_(options.limits),
      idle_count_(std::make_shared<std::atomic<std::size_t>>(0)) {}

asio::awaitable<LlmBackend::Opened> LlmBackend::open(Lease& lease, std::string key,
                                                     const HttpRequest& request,
                                                     HttpResponseHead& head,
                                                     Clock::duration connect_timeout,
                                                     Clock::time_point response_deadline) {
    RequestLimiter::Acquired acquired = co_await limiter_.acquire(std::move(key));
    if (acquired.refusal != RequestLimiter::Refusal::none) {
        Opened refused;
        refused.stage = Stage::queue;
        if (acquired.refusal == RequestLimiter::Refusal::cancelled) {
            refused.error = errc::cancelled;
            refused.message = "cancelled";
        } else {
            refused.error = errc::backend_saturated;
            refused.message = refusal_message(acquired.refusal);
        }
        co_return refused;
    }
    lease.permit_ = std::move(acquired.permit);
    lease.backend_ = this;
    // The connect timeout runs from the slot, not from the call: time spent
    // queued is bounded by the queue timeout, not by the network.
    Clock::time_point connect_deadline = response_deadline;
    if (connect_timeout > Clock::duration::zero()) {
        connect_deadline = std::min(Clock::now() + connect_timeout, response_deadline);
    }
    co_return co_await connect_and_send(lease, request, head, connect_deadline, response_deadline);
}

asio::awaitable<LlmBackend::Opened> LlmBackend::connect_and_send(
    Lease& lease, const HttpRequest& request, HttpResponseHead& head,
    Clock::time_point connect_deadline, Clock::time_point response_deadline) {
    const asio::any_io_executor executor = co_await asio::this_coro::executor;
    // Idle connections live with the io_context they were opened on.
    auto& context = asio::query(executor, asio::execution::context);
    IdleConnectionCache& cache = asio::use_service<IdleConnectionCache>(context);
    lease.cache_ = &cache;

    Opened opened;
    opened.connect_deadline = connect_deadline;
    bool may_reuse = true;
    for (;;) {
        std::unique_ptr<HttpConnection> connection;
        if (may_reuse) connection = take_alive_idle(cache);
        const bool reused = connection != nullptr;
        if (reused) {
            counters_.reused.fetch_add(1);
        } else {
            connection = std::make_unique<HttpConnection>(executor, tls_context_);
            connection->set_deadline(connect_deadline);
            opened.stage = Stage::connect;
            if (const auto ec = co_await connection->connect(endpoint_)) {
                opened.error = ec;
                co_return opened;
            }
            counters_.opened.fetch_add(1);
        }
        connection->set_deadline(response_deadline);
        lease.connection_ = std::move(connection);
        HttpConnection& current = *lease.connection_;

        opened.stage = Stage::send;
        std::error_code ec = co_await current.write(request);
        if (!ec) {
            opened.stage = Stage::head;
            ec = co_await current.read_head(head);
        }
        if (!ec) co_return opened;
        // The backend closed this kept-alive connection as we sent on it:
        // nothing was answered, so the request goes again, once, on a fresh one.
        if (reused && retryable(ec) && !current.response_started()) {
            lease.connection_.reset();
            counters_.retries.fetch_add(1);
            may_reuse = false;
            continue;
        }
        opened.error = ec;
        co_return opened;
    }
}

std::unique_ptr<HttpConnection> LlmBackend::take_alive_idle(IdleConnectionCache& cache) {
    for (;;) {
        std::unique_ptr<HttpConnection> connection = cache.take(id_, options_.idle);
        if (!connection || connection->idle_and_alive()) return connection;
        counters_.stale_dropped.fetch_add(1);
    }
}

void LlmBackend::give_back(IdleConnectionCache& cache, std::unique_ptr<HttpConnection> connection) {
    cache.put(id_, std::move(connection), options_.idle, idle_count_);
}

void LlmBackend::record_outcome(std::error_code error) {
    if (!error) {
        counters_.ok.fetch_add(1);
    } else if (error == errc::cancelled) {
        counters_.cancelled.fetch_add(1);
    } else if (error == errc::backend_saturated) {
        counters_.saturated.fetch_add(1);
    } else if (error == errc::backend_unreachable) {
        counters_.unavailable.fetch_add(1);
    } else {
        counters_.failed.fetch_add(1);
    }
}

LlmPoolStats LlmBackend::stats() const {
    LlmPoolStats stats;
    stats.connections_opened = counters_.opened.load();
    stats.connections_reused = counters_.reused.load();
    stats.stale_dropped = counters_.stale_dropped.load();
    stats.retries = counters_.retries.load();
    stats.idle = idle_count_->load();
    stats.in_flight = limiter_.in_flight();
    stats.waiting = limiter_.waiting();
    stats.ok = counters_.ok.load();
    stats.cancelled = counters_.cancelled.load();
    stats.saturated = counters_.saturated.load();
    stats.unavailable = counters_.unavailable.load();
    stats.failed = counters_.failed.load();
    return stats;
}

std::string LlmBackend::refusal_message(RequestLimiter::Refusal refusal) const {
    const RequestLimiter::Options& limits = limiter_.options();
    const std::string backend =
        "the language model backend " + endpoint_.host + ":" + endpoint_.port;
    if (refusal == RequestLimiter::Refusal::queue_full) {
        return backend + " is saturated: all " + std::to_string(limits.max_in_flight) +
               " request slots are busy and the queue of " + std::to_string(limits.max_waiting) +
               " is full";
    }
    return backend + " is saturated: no request slot (of " + std::to_string(limits.max_in_flight) +
           ") came free within the queue timeout of " +
           std::to_string(limits.queue_timeout.count()) + " ms";
}

}  // namespace confab::engines
