// IdleConnectionCache: most recent first, bounded, expiring, per owner, and
// emptied when its io_context goes. (Unconnected connections suffice: the
// cache never looks inside them.)
#include "engines/llm/idle_connection_cache.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

namespace confab::engines {
namespace {
namespace asio = boost::asio;
using namespace std::chrono_literals;

std::unique_ptr<HttpConnection> connection(asio::io_context& io) {
    return std::make_unique<HttpConnection>(io.get_executor(), nullptr);
}

IdleConnectionCache::IdleCount counter() {
    return std::make_shared<std::atomic<std::size_t>>(0);
}

TEST(IdleConnectionCache, GivesTheMostRecentBackAndKeepsAtMostMaxIdle) {
    asio::io_context io;
    auto& cache = asio::use_service<IdleConnectionCache>(io);
    const IdleConnectionCache::Limits limits{2, 60s};
    const auto count = counter();
    auto first = connection(io);
    auto second = connection(io);
    auto third = connection(io);
    HttpConnection* const second_ptr = second.get();
    HttpConnection* const third_ptr = third.get();
    cache.put(1, std::move(first), limits, count);
    cache.put(1, std::move(second), limits, count);
    cache.put(1, std::move(third), limits, count);  // the oldest goes
    EXPECT_EQ(count->load(), 2u);

    EXPECT_EQ(cache.take(2, limits), nullptr);  // another owner has none
    EXPECT_EQ(cache.take(1, limits).get(), third_ptr);
    EXPECT_EQ(cache.take(1, limits).get(), second_ptr);
    EXPECT_EQ(cache.take(1, limits), nullptr);
    EXPECT_EQ(count->load(), 0u);
}

// One io_context with its cache, and a counter of the connections it holds.
class IdleConnectionCacheTest : public ::testing::Test {
protected:
    void put(std::uint64_t owner, std::chrono::steady_clock::duration idle_timeout) {
        cache.put(owner, connection(io), IdleConnectionCache::Limits{4, idle_timeout}, count);
    }
    asio::io_context io;
    IdleConnectionCache& cache = asio::use_service<IdleConnectionCache>(io);
    const IdleConnectionCache::IdleCount count = counter();
};

TEST_F(IdleConnectionCacheTest, ExpiredConnectionsAreDropped) {
    put(1, 60s);
    EXPECT_EQ(count->load(), 1u);
    // Every connection is older than a zero timeout.
    EXPECT_EQ(cache.take(1, IdleConnectionCache::Limits{4, 0s}), nullptr);
    EXPECT_EQ(count->load(), 0u);
}

// Expired connections close on a timer, without waiting for the next request
// to that backend: io.run() returns only once nothing is left to expire.
TEST_F(IdleConnectionCacheTest, ExpiredConnectionsCloseWithoutAnotherRequest) {
    put(1, 20ms);
    put(2, 40ms);
    EXPECT_EQ(count->load(), 2u);
    io.run();
    EXPECT_EQ(count->load(), 0u);
}

TEST_F(IdleConnectionCacheTest, TheSweepTakesOnlyWhatHasExpired) {
    put(1, 1h);
    put(2, 10ms);  // due sooner
    // Run handlers (the aborted wait for 1 h first) until the 10 ms sweep.
    while (count->load() == 2u && io.run_one() > 0) {
    }
    EXPECT_EQ(count->load(), 1u);
    EXPECT_NE(cache.take(1, IdleConnectionCache::Limits{4, 1h}), nullptr);
}

TEST(IdleConnectionCache, ZeroMaxIdleKeepsNothing) {
    asio::io_context io;
    auto& cache = asio::use_service<IdleConnectionCache>(io);
    const auto count = counter();
    cache.put(1, connection(io), IdleConnectionCache::Limits{0, 60s}, count);
    EXPECT_EQ(count->load(), 0u);
    EXPECT_EQ(cache.take(1, IdleConnectionCache::Limits{0, 60s}), nullptr);
}

TEST(IdleConnectionCache, GoesWithItsIoContext) {
    const auto count = counter();
    {
        asio::io_context io;
        asio::use_service<IdleConnectionCache>(io).put(7, connection(io),
                                                       IdleConnectionCache::Limits{4, 60s}, count);
        EXPECT_EQ(count->load(), 1u);
    }
    EXPECT_EQ(count->load(), 0u);
}

}  // namespace
}  // namespace confab::engines
