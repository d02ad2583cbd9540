// MemorySessionStore (the resume store of one node): single-use tokens, expiry after the window
// (checked on access, with explicit clock values, so no test waits), the bound with oldest-first
// eviction, and the disabled store.
#include "store/memory_session_store.hpp"

#include <gtest/gtest.h>

#include <set>

namespace confab::store {
namespace {
using namespace std::chrono_literals;
using Clock = MemorySessionStore::Clock;

ResumableSession state_with(const std::string& instructions, std::size_t items) {
    ResumableSession state;
    state.config.instructions = instructions;
    for (std::size_t i = 0; i < items; ++i)
        state.items.push_back(
            protocol::ConversationItem{"item_" + std::to_string(i), "user", "completed", {}});
    return state;
}

TEST(MemorySessionStore, TokensAre128BitHexAndDiffer) {
    std::set<std::string> seen;
    for (int i = 0; i < 100; ++i) {
        const auto token = SessionStore::new_token();
        EXPECT_EQ(token.size(), 32u);
        EXPECT_EQ(token.find_first_not_of("0123456789abcdef"), std::string::npos) << token;
        seen.insert(token);
    }
    EXPECT_EQ(seen.size(), 100u);
}

TEST(MemorySessionStore, TakeReturnsTheParkedStateOnce) {
    MemorySessionStore store(1000ms, 4);
    const auto t0 = Clock::now();
    store.park("abc", state_with("be brief", 3), t0);
    EXPECT_EQ(store.size(), 1u);
    EXPECT_FALSE(store.take("other", "", t0));
    auto state = store.take("abc", "", t0 + 10ms);
    ASSERT_TRUE(state);
    EXPECT_EQ(state->config.instructions, "be brief");
    EXPECT_EQ(state->items.size(), 3u);
    EXPECT_FALSE(store.take("abc", "", t0 + 20ms));  // single use
    EXPECT_EQ(store.size(), 0u);
}

TEST(MemorySessionStore, EntriesExpireAfterTheWindow) {
    MemorySessionStore store(1000ms, 4);
    const auto t0 = Clock::now();
    store.park("old", state_with("a", 1), t0);
    store.park("new", state_with("b", 1), t0 + 600ms);
    EXPECT_FALSE(store.take("old", "", t0 + 1000ms));
    // Expired entries leave on access, not only when asked for by name.
    EXPECT_EQ(store.size(), 1u);
    EXPECT_TRUE(store.take("new", "", t0 + 1599ms));
}

TEST(MemorySessionStore, BoundEvictsTheOldestFirst) {
    MemorySessionStore store(60s, 2);
    const auto t0 = Clock::now();
    store.park("one", state_with("1", 1), t0);
    store.park("two", state_with("2", 1), t0 + 1ms);
    store.park("three", state_with("3", 1), t0 + 2ms);
    EXPECT_EQ(store.size(), 2u);
    EXPECT_FALSE(store.take("one", "", t0 + 3ms));
    EXPECT_TRUE(store.take("two", "", t0 + 3ms));
    EXPECT_TRUE(store.take("three", "", t0 + 3ms));
}

TEST(MemorySessionStore, ZeroWindowDisablesIt) {
    MemorySessionStore store(0ms, 8);
    EXPECT_FALSE(store.enabled());
    store.park("abc", state_with("a", 1));
    EXPECT_EQ(store.size(), 0u);
    EXPECT_FALSE(store.take("abc"));
}

}  // namespace
}  // namespace confab::store
