// RequestLimiter on one io_context driven by the test thread: slots, the
// fair queue, the queue bound and timeout, cancellation and abandonment.
#include "engines/llm/request_limiter.hpp"

#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <optional>
#include <string>
#include <vector>

// g++ 12 false positive on Asio coroutine frames (see openai_chat_model.cpp).
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

namespace confab::engines {
namespace {
namespace asio = boost::asio;
using namespace std::chrono_literals;
using Refusal = RequestLimiter::Refusal;

RequestLimiter::Options limits(std::size_t in_flight, std::size_t waiting,
                               std::chrono::milliseconds timeout = 60s) {
    RequestLimiter::Options options;
    options.max_in_flight = in_flight;
    options.max_waiting = waiting;
    options.queue_timeout = timeout;
    return options;
}

// Acquires a slot for `key`, writes down who got one (or why not), and keeps
// the permit in `held` (or drops it at once when `held` is null).
asio::awaitable<void> take(RequestLimiter& limiter, std::string key, std::vector<std::string>& log,
                           std::optional<RequestLimiter::Permit>* held) {
    RequestLimiter::Acquired acquired = co_await limiter.acquire(key);
    if (acquired.refusal == Refusal::none) {
        log.push_back(key);
    } else if (acquired.refusal == Refusal::queue_full) {
        log.push_back(key + ":full");
    } else if (acquired.refusal == Refusal::queue_timeout) {
        log.push_back(key + ":timeout");
    } else {
        log.push_back(key + ":cancelled");
    }
    if (held != nullptr) *held = std::move(acquired.permit);
}

TEST(RequestLimiter, SlotsAreFreeUpToTheLimit) {
    asio::io_context io;
    RequestLimiter limiter(limits(2, 0));
    std::vector<std::string> log;
    std::optional<RequestLimiter::Permit> a, b, c;
    asio::co_spawn(io, take(limiter, "a", log, &a), asio::detached);
    asio::co_spawn(io, take(limiter, "b", log, &b), asio::detached);
    asio::co_spawn(io, take(limiter, "c", log, &c), asio::detached);
    io.run();
    EXPECT_EQ(log, (std::vector<std::string>{"a", "b", "c:full"}));
    EXPECT_EQ(limiter.in_flight(), 2u);
    a.reset();
    b->reset();
    EXPECT_EQ(limiter.in_flight(), 0u);
}

TEST(RequestLimiter, WaitersAreServedRoundRobinAcrossSessions) {
    asio::io_context io;
    RequestLimiter limiter(limits(1, 10));
    std::vector<std::string> log;
    std::optional<RequestLimiter::Permit> first;
    asio::co_spawn(io, take(limiter, "s1-first", log, &first), asio::detached);
    // s1 asks three more times before s2 and s3 ask once each: s2 and s3
    // are not served after all of s1's.
    for (const char* key : {"s1", "s1", "s1", "s2", "s3"}) {
        asio::co_spawn(io, take(limiter, key, log, nullptr), asio::detached);
    }
    io.poll();
    EXPECT_EQ(limiter.waiting(), 5u);
    asio::post(io, [&] { first.reset(); });
    io.run();
    EXPECT_EQ(log, (std::vector<std::string>{"s1-first", "s1", "s2", "s3", "s1", "s1"}));
    EXPECT_EQ(limiter.in_flight(), 0u);
    EXPECT_EQ(limiter.waiting(), 0u);
}

TEST(RequestLimiter, QueueTimeoutRefusesTheWaiter) {
    asio::io_context io;
    RequestLimiter limiter(limits(1, 10, 10ms));
    std::vector<std::string> log;
    std::optional<RequestLimiter::Permit> held;
    asio::co_spawn(io, take(limiter, "a", log, &held), asio::detached);
    asio::co_spawn(io, take(limiter, "b", log, nullptr), asio::detached);
    io.run();  // ends when b's queue timeout fired: a still holds its slot
    EXPECT_EQ(log, (std::vector<std::string>{"a", "b:timeout"}));
    EXPECT_EQ(limiter.waiting(), 0u);
    EXPECT_EQ(limiter.in_flight(), 1u);
}

TEST(RequestLimiter, CancellingAWaiterTakesItOutOfTheQueue) {
    asio::io_context io;
    RequestLimiter limiter(limits(1, 10));
    std::vector<std::string> log;
    std::optional<RequestLimiter::Permit> held;
    asio::cancellation_signal cancel;
    asio::co_spawn(io, take(limiter, "a", log, &held), asio::detached);
    asio::co_spawn(io, take(limiter, "b", log, nullptr),
                   asio::bind_cancellation_slot(cancel.slot(), asio::detached));
    asio::co_spawn(io, take(limiter, "c", log, nullptr), asio::detached);
    io.poll();
    EXPECT_EQ(limiter.waiting(), 2u);
    cancel.emit(asio::cancellation_type::terminal);
    io.poll();
    EXPECT_EQ(log, (std::vector<std::string>{"a", "b:cancelled"}));
    EXPECT_EQ(limiter.waiting(), 1u);
    // The slot skips the cancelled waiter.
    held.reset();
    io.run();
    EXPECT_EQ(log, (std::vector<std::string>{"a", "b:cancelled", "c"}));
    EXPECT_EQ(limiter.in_flight(), 0u);
}

TEST(RequestLimiter, AWaiterDestroyedWithItsIoContextLeavesTheQueue) {
    RequestLimiter limiter(limits(1, 10));
    std::vector<std::string> log;
    std::optional<RequestLimiter::Permit> held;
    {
        asio::io_context io;
        asio::co_spawn(io, take(limiter, "a", log, &held), asio::detached);
        asio::co_spawn(io, take(limiter, "b", log, nullptr), asio::detached);
        io.poll();
        EXPECT_EQ(limiter.waiting(), 1u);
    }
    EXPECT_EQ(limiter.waiting(), 0u);
    held.reset();  // nobody to hand the slot to: it is simply free
    EXPECT_EQ(limiter.in_flight(), 0u);
    EXPECT_EQ(log, (std::vector<std::string>{"a"}));
}

}  // namespace
}  // namespace confab::engines
