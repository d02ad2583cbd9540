#include <gtest/gtest.h>

#include "session/session_registry.hpp"

namespace confab::session {
namespace {

class CountingControl final : public SessionControl {
public:
    void request_shutdown() override { ++shutdowns; }
    void force_close() override { ++force_closes; }
    int shutdowns = 0;
    int force_closes = 0;
};

TEST(SessionRegistry, AdmitsUpToTheLimitThenRefuses) {
    SessionRegistry registry(2);
    SessionRegistry::Refusal why{};
    auto a = registry.try_admit("a", "m", {}, why);
    auto b = registry.try_admit("b", "m", {}, why);
    ASSERT_TRUE(a && b);
    EXPECT_FALSE(registry.accepting());
    auto c = registry.try_admit("c", "m", {}, why);
    EXPECT_FALSE(c);
    EXPECT_EQ(why, SessionRegistry::Refusal::at_capacity);
    a.reset();  // membership is RAII: leaving frees the place
    EXPECT_TRUE(registry.accepting());
    EXPECT_TRUE(registry.try_admit("c", "m", {}, why));
}

TEST(SessionRegistry, DrainingRefusesAndReportsEmpty) {
    SessionRegistry registry(5);
    SessionRegistry::Refusal why{};
    auto control = std::make_shared<CountingControl>();
    auto a = registry.try_admit("a", "m", control, why);
    bool empty = false;
    registry.begin_drain([&] { empty = true; });
    EXPECT_FALSE(registry.accepting());
    EXPECT_FALSE(registry.try_admit("b", "m", {}, why));
    EXPECT_EQ(why, SessionRegistry::Refusal::draining);
    registry.for_each_control([](SessionControl& c) { c.request_shutdown(); });
    EXPECT_EQ(control->shutdowns, 1);
    EXPECT_FALSE(empty);
    a.reset();
    EXPECT_TRUE(empty);
}

TEST(SessionRegistry, SnapshotListsSessions) {
    SessionRegistry registry(5);
    SessionRegistry::Refusal why{};
    auto a = registry.try_admit("a", "model-a", {}, why);
    const auto snap = registry.snapshot();
    ASSERT_EQ(snap.size(), 1u);
    EXPECT_EQ(snap[0].id, "a");
    EXPECT_EQ(snap[0].model, "model-a");
}

TEST(SessionRegistry, RefusesNewSessionsWhileTheEnginesAreOverloadedButKeepsAdmittedOnes) {
    SessionRegistry registry(10);
    std::string load;  // what the engines report
    registry.set_load_check([&] { return load; });
    SessionRegistry::Refusal why{};
    auto a = registry.try_admit("a", "m", {}, why);
    ASSERT_TRUE(a);
    load = "speech-to-text queue wait 1500 ms > 1000 ms";
    EXPECT_FALSE(registry.accepting());
    EXPECT_EQ(registry.overload_reason(), load);
    EXPECT_FALSE(registry.try_admit("b", "m", {}, why));
    EXPECT_EQ(why, SessionRegistry::Refusal::overloaded);
    EXPECT_EQ(registry.size(), 1u);  // the admitted session stays
    load.clear();
    EXPECT_TRUE(registry.accepting());
    EXPECT_TRUE(registry.try_admit("b", "m", {}, why));
}

}  // namespace
}  // namespace confab::session
