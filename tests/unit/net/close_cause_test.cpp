// How a session ended, named once: the metric label and close code follow
// from the cause, and a read error maps to the client-side causes.
#include "net/close_cause.hpp"

#include <gtest/gtest.h>

#include <boost/asio/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/websocket/error.hpp>

namespace confab::net {
namespace {
namespace websocket = boost::beast::websocket;

TEST(CloseCause, EachCauseHasItsDocumentedLabel) {
    EXPECT_EQ(close_label(CloseCause::client_closed), "client_closed");
    EXPECT_EQ(close_label(CloseCause::message_too_big), "message_too_big");
    EXPECT_EQ(close_label(CloseCause::ping_timeout), "ping_timeout");
    EXPECT_EQ(close_label(CloseCause::network_error), "network_error");
    EXPECT_EQ(close_label(CloseCause::idle_timeout), "idle_timeout");
    EXPECT_EQ(close_label(CloseCause::shutdown), "shutdown");
    EXPECT_EQ(close_label(CloseCause::slow_client), "slow_client");
    EXPECT_EQ(close_label(CloseCause::drain_deadline), "drain_deadline");
}

TEST(CloseCause, EachCauseIsDescribedInWords) {
    EXPECT_EQ(close_description(CloseCause::ping_timeout), "peer unresponsive (ping timeout)");
    EXPECT_EQ(close_description(CloseCause::message_too_big), "message too big (1009)");
    EXPECT_EQ(close_description(CloseCause::client_closed), "client closed");
}

TEST(CloseCause, TheServersClosesUseTheDocumentedCodes) {
    EXPECT_EQ(close_code_of(CloseCause::shutdown), websocket::close_code::going_away);
    EXPECT_EQ(close_code_of(CloseCause::slow_client), websocket::close_code::policy_error);
    EXPECT_EQ(close_code_of(CloseCause::idle_timeout), websocket::close_code::normal);
}

TEST(CloseCause, ReadErrorsNameTheClientSideCause) {
    EXPECT_EQ(close_cause_of_read_error({}), CloseCause::client_closed);
    EXPECT_EQ(close_cause_of_read_error(websocket::error::closed), CloseCause::client_closed);
    EXPECT_EQ(close_cause_of_read_error(websocket::error::message_too_big),
              CloseCause::message_too_big);
    EXPECT_EQ(close_cause_of_read_error(boost::beast::error::timeout), CloseCause::ping_timeout);
    EXPECT_EQ(close_cause_of_read_error(boost::asio::error::connection_reset),
              CloseCause::network_error);
}

}  // namespace
}  // namespace confab::net
