#include "net/admission_refusal.hpp"

#include <gtest/gtest.h>

namespace confab::net {
namespace {
using Refusal = session::SessionRegistry::Refusal;

TEST(AdmissionRefusal, DrainingClosesGoingAwayAsDocumented) {
    session::SessionRegistry registry(8);
    const auto r = admission_refusal(Refusal::draining, registry);
    EXPECT_EQ(r.code, "server_shutting_down");
    EXPECT_EQ(r.close_code, 1001);
    EXPECT_EQ(r.close_text, "server shutting down");
    EXPECT_EQ(r.label, "draining");
}

TEST(AdmissionRefusal, FullOrOverloadedClosesTryAgainLater) {
    session::SessionRegistry registry(8);
    int asked = 0;
    registry.set_load_check([&asked] {
        ++asked;
        return std::string("stt queue wait 900 ms");
    });
    const auto full = admission_refusal(Refusal::at_capacity, registry);
    EXPECT_EQ(full.code, "server_at_capacity");
    EXPECT_EQ(full.close_code, 1013);
    EXPECT_EQ(full.label, "at_capacity");
    EXPECT_EQ(full.close_text, "server at capacity");
    EXPECT_NE(full.message.find("8 sessions"), std::string::npos) << full.message;
    EXPECT_EQ(asked, 0);  // the engines are asked only when they are the reason
    const auto overloaded = admission_refusal(Refusal::overloaded, registry);
    EXPECT_EQ(overloaded.code, "server_at_capacity");
    EXPECT_EQ(overloaded.close_code, 1013);
    EXPECT_EQ(overloaded.label, "overloaded");
    EXPECT_NE(overloaded.message.find("stt queue wait 900 ms"), std::string::npos)
        << overloaded.message;
}

}  // namespace
}  // namespace confab::net
