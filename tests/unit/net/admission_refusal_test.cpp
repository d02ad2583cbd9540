#include "net/admission_refusal.hpp"

#include <gtest/gtest.h>

namespace confab::net {
namespace {
using Refusal = session::SessionRegistry::Refusal;

TEST(AdmissionRefusal, DrainingClosesGoingAwayAsDocumented) {
    const auto r = admission_refusal(Refusal::draining, 8, "");
    EXPECT_EQ(r.code, "server_shutting_down");
    EXPECT_EQ(r.close_code, 1001);
    EXPECT_EQ(r.label, "draining");
}

TEST(AdmissionRefusal, FullOrOverloadedClosesTryAgainLater) {
    const auto full = admission_refusal(Refusal::at_capacity, 8, "");
    EXPECT_EQ(full.code, "server_at_capacity");
    EXPECT_EQ(full.close_code, 1013);
    EXPECT_EQ(full.label, "at_capacity");
    EXPECT_NE(full.message.find("8 sessions"), std::string::npos) << full.message;
    const auto overloaded = admission_refusal(Refusal::overloaded, 8, "stt queue wait 900 ms");
    EXPECT_EQ(overloaded.code, "server_at_capacity");
    EXPECT_EQ(overloaded.close_code, 1013);
    EXPECT_EQ(overloaded.label, "overloaded");
    EXPECT_NE(overloaded.message.find("stt queue wait 900 ms"), std::string::npos) << overloaded.message;
}

}  // namespace
}  // namespace confab::net
