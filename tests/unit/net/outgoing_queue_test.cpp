#include "net/outgoing_queue.hpp"

#include <gtest/gtest.h>

namespace confab::net {
namespace {

OutgoingQueue::Message msg(std::size_t bytes, std::string response_id = {}) {
    return OutgoingQueue::Message{std::string(bytes, 'x'), std::move(response_id), {}};
}

TEST(OutgoingQueue, KeepsEverythingWithinTheBound) {
    OutgoingQueue q(100);
    EXPECT_TRUE(q.push(msg(40)).empty());
    EXPECT_TRUE(q.push(msg(60, "r1")).empty());
    EXPECT_EQ(q.bytes(), 100u);
    EXPECT_EQ(q.size(), 2u);
    EXPECT_FALSE(q.over_limit());
    EXPECT_EQ(q.pop()->text.size(), 40u);
    EXPECT_EQ(q.bytes(), 60u);
}

TEST(OutgoingQueue, ShedsStaleResponseAudioFirst) {
    OutgoingQueue q(100);
    q.push(msg(30, "old"));
    q.push(msg(30, "old"));
    q.push(msg(10));  // e.g. response.done of "old": never shed
    q.push(msg(30, "new"));
    const auto dropped = q.push(msg(30, "new"));  // 130 > 100
    ASSERT_EQ(dropped.size(), 1u);
    EXPECT_EQ(dropped[0].response_id, "old");
    EXPECT_EQ(dropped[0].messages, 1u);  // one chunk was enough
    EXPECT_EQ(dropped[0].bytes, 30u);
    EXPECT_EQ(q.bytes(), 100u);
    // The newest response's audio and the other event are intact.
    EXPECT_EQ(q.pop()->response_id, "old");
    EXPECT_TRUE(q.pop()->response_id.empty());
    EXPECT_EQ(q.pop()->response_id, "new");
    EXPECT_EQ(q.pop()->response_id, "new");
    EXPECT_FALSE(q.pop());
}

TEST(OutgoingQueue, ShedsTheNewestResponseOldestChunkFirstWhenNothingIsStale) {
    OutgoingQueue q(100);
    q.push(msg(10));
    q.push(msg(45, "r"));
    q.push(msg(45, "r"));
    const auto dropped = q.push(msg(45, "r"));
    ASSERT_EQ(dropped.size(), 1u);
    EXPECT_EQ(dropped[0].response_id, "r");
    EXPECT_EQ(dropped[0].messages, 1u);
    EXPECT_EQ(q.bytes(), 100u);
    EXPECT_EQ(q.shed_messages(), 1u);
    EXPECT_EQ(q.shed_bytes(), 45u);
    EXPECT_EQ(q.peak_bytes(), 145u);
}

TEST(OutgoingQueue, NeverShedsNonAudioEventsAndReportsOverLimit) {
    OutgoingQueue q(100);
    q.push(msg(30, "r"));
    const auto dropped = q.push(msg(120));
    ASSERT_EQ(dropped.size(), 1u);  // the audio went first...
    EXPECT_EQ(q.size(), 1u);        // ...the event stayed
    EXPECT_TRUE(q.over_limit());    // and alone exceeds the bound: the caller closes
}

TEST(OutgoingQueue, DropResponseRemovesOnlyThatResponsesAudio) {
    OutgoingQueue q(1000);
    q.push(msg(10, "a"));
    q.push(msg(10));
    q.push(msg(10, "b"));
    q.push(msg(10, "a"));
    EXPECT_EQ(q.drop_response("a"), 2u);
    EXPECT_EQ(q.drop_response(""), 0u);
    EXPECT_EQ(q.size(), 2u);
    EXPECT_EQ(q.bytes(), 20u);
}

TEST(OutgoingQueue, ReportsTheOldestQueuedTime) {
    OutgoingQueue q(1000);
    EXPECT_FALSE(q.oldest_queued_at());
    const auto t0 = OutgoingQueue::Clock::time_point{} + std::chrono::seconds(5);
    q.push(OutgoingQueue::Message{"a", "", t0});
    q.push(OutgoingQueue::Message{"b", "", t0 + std::chrono::seconds(1)});
    EXPECT_EQ(*q.oldest_queued_at(), t0);
    q.pop();
    EXPECT_EQ(*q.oldest_queued_at(), t0 + std::chrono::seconds(1));
    EXPECT_EQ(q.clear(), 1u);
    EXPECT_EQ(q.bytes(), 0u);
}

}  // namespace
}  // namespace confab::net
