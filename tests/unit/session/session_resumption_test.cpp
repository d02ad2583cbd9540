// SessionResumption with a real RealtimeSession (no engines): a fresh token
// at start, the conversation and config parked at the end and restored by the
// next connection that presents the token, and an invalid token reported
// while the new session goes on.
#include "session/session_resumption.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>

#include "fakes/recording_sink.hpp"

namespace confab::session {
namespace {
namespace json = boost::json;
using namespace std::chrono_literals;

class SessionResumptionTest : public ::testing::Test {
protected:
    struct Connection {
        test::RecordingSink sink;
        std::unique_ptr<RealtimeSession> session;
        std::unique_ptr<SessionResumption> resumption;
    };

    std::unique_ptr<Connection> connect(const std::string& token, const std::string& owner = "") {
        auto c = std::make_unique<Connection>();
        c->session = std::make_unique<RealtimeSession>(ioc.get_executor(), config, constraints,
                                                       engines, c->sink, "sess_x", "test-model");
        c->resumption = std::make_unique<SessionResumption>(store, c->sink);
        c->resumption->set_owner(owner);
        c->resumption->start(*c->session, token);
        return c;
    }

    static std::string token_of(const Connection& c) {
        return std::string(c.sink.last_of("confab.session.resume_token").at("token").as_string());
    }

    static void say(Connection& c, const std::string& text) {
        const json::object event{
            {"type", "conversation.item.create"},
            {"item",
             {{"type", "message"},
              {"role", "user"},
              {"content", json::array{json::object{{"type", "input_text"}, {"text", text}}}}}}};
        c.session->handle_text(json::serialize(event));
    }

    boost::asio::io_context ioc;
    Config config;
    protocol::SessionConstraints constraints;
    pool::EngineRefs engines;
    ResumeStore store{60s, 8};
};

TEST_F(SessionResumptionTest, ANewSessionGetsAToken) {
    auto c = connect("");
    EXPECT_EQ(c->sink.types(),
              (std::vector<std::string>{"session.created", "confab.session.resume_token"}));
    EXPECT_EQ(token_of(*c).size(), 32u);
    EXPECT_EQ(c->sink.last().at("expires_in_ms").as_int64(), 60000);
}

TEST_F(SessionResumptionTest, TheNextConnectionGetsTheConversationAndConfigBack) {
    auto first = connect("");
    const auto token = token_of(*first);
    say(*first, "hello there");
    say(*first, "second line");
    first->session->handle_text(
        R"({"type":"session.update","session":{"type":"realtime","instructions":"Answer like a pirate."}})");
    first->resumption->park(*first->session);
    first.reset();

    auto second = connect(token);
    EXPECT_EQ(second->sink.types(),
              (std::vector<std::string>{"session.created", "confab.session.resumed",
                                        "confab.session.resume_token"}));
    EXPECT_EQ(second->sink.sent[0].event.at("session").at("instructions").as_string(),
              "Answer like a pirate.");
    EXPECT_EQ(second->sink.sent[1].event.at("item_count").as_int64(), 2);
    ASSERT_EQ(second->session->conversation().items().size(), 2u);
    EXPECT_EQ(second->session->conversation().items()[1].content.front().text, "second line");
    EXPECT_NE(token_of(*second), token);  // a fresh token each time

    // Single use: presenting the old token again starts from nothing.
    auto third = connect(token);
    EXPECT_EQ(third->sink.types(), (std::vector<std::string>{"session.created", "error",
                                                             "confab.session.resume_token"}));
    EXPECT_EQ(third->sink.sent[1].event.at("error").at("code").as_string(), "resume_token_invalid");
    EXPECT_TRUE(third->session->conversation().items().empty());
}

// A token is worth nothing to another key: its request finds no
// conversation, and the owner still gets it back afterwards.
TEST_F(SessionResumptionTest, OnlyTheKeyThatParkedAConversationResumesIt) {
    auto first = connect("", "alice-laptop");
    const auto token = token_of(*first);
    say(*first, "my secret plans");
    first->resumption->park(*first->session);
    first.reset();

    auto thief = connect(token, "mallory");
    EXPECT_EQ(thief->sink.sent[1].event.at("error").at("code").as_string(), "resume_token_invalid");
    EXPECT_TRUE(thief->session->conversation().items().empty());
    auto anonymous = connect(token, "");
    EXPECT_TRUE(anonymous->session->conversation().items().empty());

    auto owner = connect(token, "alice-laptop");
    ASSERT_EQ(owner->session->conversation().items().size(), 1u);
    EXPECT_EQ(owner->session->conversation().items()[0].content.front().text, "my secret plans");
}

TEST_F(SessionResumptionTest, ADisabledStoreSendsNoToken) {
    ResumeStore off{0ms, 8};
    test::RecordingSink sink;
    RealtimeSession session(ioc.get_executor(), config, constraints, engines, sink, "sess_y", "m");
    SessionResumption resumption(off, sink);
    resumption.start(session, "");
    EXPECT_EQ(sink.types(), std::vector<std::string>{"session.created"});
}

}  // namespace
}  // namespace confab::session
