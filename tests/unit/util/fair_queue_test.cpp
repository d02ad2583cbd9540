#include <gtest/gtest.h>

#include <thread>

#include "util/fair_queue.hpp"

namespace confab::util {
namespace {

TEST(FairQueue, TakesRoundRobinAcrossSessions) {
    FairQueue<std::string> q(100, 100);
    for (int i = 0; i < 5; ++i)
        ASSERT_EQ(q.push("talkative", "t" + std::to_string(i)),
                  FairQueue<std::string>::PushResult::ok);
    q.push("quiet", "q0");
    q.push("other", "o0");
    std::vector<std::string> order;
    while (auto j = q.try_pop()) order.push_back(*j);
    EXPECT_EQ(order, (std::vector<std::string>{"t0", "q0", "o0", "t1", "t2", "t3", "t4"}));
}

TEST(FairQueue, BoundsTotalAndPerSession) {
    FairQueue<int> q(3, 2);
    EXPECT_EQ(q.push("a", 1), FairQueue<int>::PushResult::ok);
    EXPECT_EQ(q.push("a", 2), FairQueue<int>::PushResult::ok);
    EXPECT_EQ(q.push("a", 3), FairQueue<int>::PushResult::key_full);
    EXPECT_EQ(q.push("b", 4), FairQueue<int>::PushResult::ok);
    EXPECT_EQ(q.push("c", 5), FairQueue<int>::PushResult::full);
    EXPECT_EQ(q.size(), 3u);
}

TEST(FairQueue, EraseRemovesOnlyMatchingJobsOfThatSession) {
    FairQueue<int> q(10, 10);
    q.push("a", 1);
    q.push("a", 2);
    q.push("b", 2);
    EXPECT_EQ(q.erase_if("a", [](int v) { return v == 2; }), 1u);
    EXPECT_EQ(q.size(), 2u);
    EXPECT_EQ(*q.try_pop(), 1);
    EXPECT_EQ(*q.try_pop(), 2);
    EXPECT_FALSE(q.try_pop());
}

TEST(FairQueue, CloseWakesBlockedConsumers) {
    FairQueue<int> q(10, 10);
    std::optional<int> got = 42;
    std::thread consumer([&] { got = q.pop(); });
    q.close();
    consumer.join();
    EXPECT_FALSE(got);
    EXPECT_EQ(q.push("a", 1), FairQueue<int>::PushResult::closed);
}

TEST(FairQueue, ReportsTheOldestWaitingJobAndRecentWaits) {
    using namespace std::chrono_literals;
    FairQueue<int> q(10, 10);
    EXPECT_EQ(q.recent_wait(), FairQueue<int>::Clock::duration{});
    q.push("a", 1);
    // Seen from 5 s in the future, the queued job has waited at least 5 s.
    EXPECT_GE(q.recent_wait(FairQueue<int>::Clock::now() + 5s), 5s);
    ASSERT_TRUE(q.try_pop());
    EXPECT_EQ(q.taken(), 1u);
    // Nothing waits now; the recorded wait (tiny) is forgotten after the window.
    EXPECT_LT(q.recent_wait(), 5s);
    EXPECT_EQ(q.recent_wait(FairQueue<int>::Clock::now() + 20s), FairQueue<int>::Clock::duration{});
}

}  // namespace
}  // namespace confab::util
