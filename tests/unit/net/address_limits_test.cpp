// The per-address limits: open connections, unauthenticated connections and
// handshakes per second, each per address; bounded state (idle addresses
// dropped, a cap on tracked addresses). Time is passed in.
#include "net/address_limits.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "net/address_ticket.hpp"

namespace confab::net {
namespace {
namespace ip = boost::asio::ip;
using namespace std::chrono_literals;
using Refusal = AddressLimits::Refusal;

const auto kA = ip::make_address("192.0.2.1");
const auto kB = ip::make_address("192.0.2.2");

AddressLimits::Options options(int connections, int unauthenticated, int per_second = 0,
                               int burst = 1, std::size_t addresses = 100) {
    return {connections, unauthenticated, per_second, burst, addresses};
}

struct Clocked {
    AddressLimits::Clock::time_point now = AddressLimits::Clock::now();
    AddressLimits::Decision last;
    AddressTicket admit(AddressLimits& limits, const ip::address& address) {
        return limits.admit(address, now, last);
    }
};

TEST(AddressLimits, OpenConnectionsAreLimitedPerAddress) {
    AddressLimits limits(options(2, 0));
    Clocked t;
    auto first = t.admit(limits, kA);
    auto second = t.admit(limits, kA);
    EXPECT_TRUE(first.holds() && second.holds());
    auto third = t.admit(limits, kA);
    EXPECT_FALSE(third.holds());
    EXPECT_EQ(t.last.refusal, Refusal::connections);
    EXPECT_EQ(t.last.retry_after, 1s);
    // Another address goes on.
    auto other = t.admit(limits, kB);
    EXPECT_TRUE(other.holds());
    EXPECT_TRUE(t.last);
    // A place frees when a connection ends.
    first.release();
    EXPECT_TRUE(t.admit(limits, kA).holds());
}

TEST(AddressLimits, AuthenticatedConnectionsLeaveTheUnauthenticatedCount) {
    AddressLimits limits(options(10, 2));
    Clocked t;
    auto a1 = t.admit(limits, kA);
    auto a2 = t.admit(limits, kA);
    EXPECT_FALSE(t.admit(limits, kA).holds());
    EXPECT_EQ(t.last.refusal, Refusal::unauthenticated);
    a1.authenticated();
    a1.authenticated();  // once only
    EXPECT_EQ(limits.counts(kA).connections, 2);
    EXPECT_EQ(limits.counts(kA).unauthenticated, 1);
    auto a3 = t.admit(limits, kA);
    EXPECT_TRUE(a3.holds());
    // An authenticated ticket gives back only its connection.
    a1.release();
    EXPECT_EQ(limits.counts(kA).connections, 2);
    EXPECT_EQ(limits.counts(kA).unauthenticated, 2);
}

TEST(AddressLimits, TicketsGiveTheirPlaceBackWhenDestroyedOrMovedOver) {
    AddressLimits limits(options(1, 1));
    Clocked t;
    {
        auto ticket = t.admit(limits, kA);
        AddressTicket moved = std::move(ticket);
        EXPECT_FALSE(ticket.holds());  // NOLINT(bugprone-use-after-move): the moved-from state
        EXPECT_TRUE(moved.holds());
        EXPECT_EQ(limits.counts(kA).connections, 1);
        moved = t.admit(limits, kB);  // the old place is given back first
        EXPECT_EQ(limits.counts(kA).connections, 0);
        EXPECT_EQ(limits.counts(kB).connections, 1);
    }
    EXPECT_EQ(limits.counts(kB).connections, 0);
    EXPECT_EQ(limits.counts(kB).unauthenticated, 0);
}

TEST(AddressLimits, HandshakesAreATokenBucketPerAddress) {
    AddressLimits limits(options(0, 0, 2, 3));  // 2 per second, burst 3
    Clocked t;
    auto a = t.admit(limits, kA);
    auto b = t.admit(limits, kB);
    for (int i = 0; i < 3; ++i) EXPECT_TRUE(a.take_handshake(t.now)) << i;
    const auto refused = a.take_handshake(t.now);
    EXPECT_EQ(refused.refusal, Refusal::handshakes);
    EXPECT_EQ(refused.retry_after, 1s);    // half a second, rounded up
    EXPECT_TRUE(b.take_handshake(t.now));  // another address has its own bucket
    t.now += 500ms;
    EXPECT_TRUE(a.take_handshake(t.now));
    EXPECT_FALSE(a.take_handshake(t.now));
}

TEST(AddressLimits, RetryAfterCoversTheWaitForAToken) {
    AddressLimits limits(options(0, 0, 1, 1));
    Clocked t;
    auto a = t.admit(limits, kA);
    EXPECT_TRUE(a.take_handshake(t.now));
    t.now += 100ms;
    EXPECT_EQ(a.take_handshake(t.now).retry_after, 1s);  // 0.9 s, rounded up
}

TEST(AddressLimits, ZeroMeansNoLimit) {
    AddressLimits limits(options(0, 5, 0, 1));  // connections and handshakes unlimited
    Clocked t;
    std::vector<AddressTicket> tickets;
    for (int i = 0; i < 100; ++i) {
        tickets.push_back(t.admit(limits, kA));
        ASSERT_TRUE(tickets.back().holds()) << i;
        ASSERT_TRUE(tickets.back().take_handshake(t.now));
        tickets.back().authenticated();
    }
    EXPECT_EQ(limits.counts(kA).connections, 100);
}

TEST(AddressLimits, WithEveryLimitOffNothingIsTracked) {
    AddressLimits limits(options(0, 0, 0, 1, 1));  // one address at most, were any tracked
    Clocked t;
    auto a = t.admit(limits, kA);
    auto b = t.admit(limits, kB);
    EXPECT_TRUE(t.last);
    EXPECT_FALSE(b.holds());
    EXPECT_TRUE(b.take_handshake(t.now));
    EXPECT_EQ(limits.tracked(t.now), 0u);
}

TEST(AddressLimits, IdleAddressesAreDroppedOnceTheirBucketIsFull) {
    AddressLimits limits(options(5, 5, 1, 2));
    Clocked t;
    {
        auto http_only = t.admit(limits, kB);  // never upgrades: nothing to remember
        auto a = t.admit(limits, kA);
        EXPECT_TRUE(a.take_handshake(t.now));
        EXPECT_TRUE(a.take_handshake(t.now));
        EXPECT_EQ(limits.tracked(t.now), 2u);
    }
    // kA's bucket is empty: it is remembered, so reconnecting does not reset the rate.
    EXPECT_EQ(limits.tracked(t.now), 1u);
    {
        auto again = t.admit(limits, kA);
        EXPECT_FALSE(again.take_handshake(t.now));
    }
    t.now += 2s;  // refilled
    EXPECT_EQ(limits.tracked(t.now), 0u);
    EXPECT_EQ(limits.counts(kA).connections, 0);
}

TEST(AddressLimits, AFullTableForgetsIdleAddressesFirst) {
    AddressLimits limits(options(5, 5, 1, 1, 2));  // two addresses at most
    Clocked t;
    const auto kC = ip::make_address("192.0.2.3");
    {
        auto a = t.admit(limits, kA);
        EXPECT_TRUE(a.take_handshake(t.now));  // kA stays, idle, with an empty bucket
    }
    auto b = t.admit(limits, kB);
    EXPECT_EQ(limits.tracked(t.now), 2u);
    auto c = t.admit(limits, kC);  // evicts idle kA
    EXPECT_TRUE(c.holds());
    EXPECT_EQ(limits.tracked(t.now), 2u);
    // Both tracked addresses hold connections: a new one is refused.
    auto d = t.admit(limits, ip::make_address("192.0.2.4"));
    EXPECT_FALSE(d.holds());
    EXPECT_EQ(t.last.refusal, Refusal::tracked_addresses);
    // A known address still gets in.
    EXPECT_TRUE(t.admit(limits, kB).holds());
}

TEST(AddressTicket, AnEmptyTicketCountsNothingAndAllowsEverything) {
    AddressTicket empty;
    EXPECT_FALSE(empty.holds());
    EXPECT_TRUE(empty.take_handshake(AddressLimits::Clock::now()));
    empty.authenticated();
    empty.release();
}

}  // namespace
}  // namespace confab::net
