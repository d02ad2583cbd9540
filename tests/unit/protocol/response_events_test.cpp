#include "protocol/response_events.hpp"

#include <gtest/gtest.h>

namespace confab::protocol::events {
namespace {

TEST(ResponseEvents, ResponseTimingsCarriesTheResponseItsStatusAndTheTimings) {
    const auto ev = response_timings("resp_1", "cancelled", boost::json::object{{"llm_ms", 12}});
    EXPECT_EQ(ev.at("type").as_string(), "confab.response.timings");
    EXPECT_FALSE(ev.at("event_id").as_string().empty());
    EXPECT_EQ(ev.at("response_id").as_string(), "resp_1");
    EXPECT_EQ(ev.at("status").as_string(), "cancelled");
    EXPECT_EQ(ev.at("timings").as_object().at("llm_ms").as_int64(), 12);
}

}  // namespace
}  // namespace confab::protocol::events
