// SessionResumption with a real RealtimeSession (no engines), on each store
// (in memory, and Redis: a real redis-server): a fresh token at start, the
// conversation and config parked at the end and restored by the next
// connection that presents the token, and an invalid token reported while the
// new session goes on. On Redis, also what only a store that outlives its
// node shows: a session whose node died (never parked) resumes with what was
// written through, and its unanswered turn is answered again.
#include "session/session_resumption.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>

#include "fakes/fake_engines.hpp"
#include "fakes/recording_sink.hpp"
#include "store/memory_session_store.hpp"
#include "store/redis_session_store.hpp"
#include "store/session_codec.hpp"
#include "support/redis_process.hpp"

namespace confab::session {
namespace {
namespace json = boost::json;
using namespace std::chrono_literals;

class SessionResumptionTest : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        constraints.voices = {config.tts.voice};  // what this node could speak with
        if (GetParam() == "memory") {
            store = std::make_unique<store::MemorySessionStore>(60s, 8);
            return;
        }
        redis = std::make_unique<test::RedisProcess>();
        store::RedisClient::Options options;
        options.port = redis->port();
        client = store::RedisClient::create(ioc.get_executor(), options);
        client->start();
        store = std::make_unique<store::RedisSessionStore>(client, 60s, constraints,
                                                           protocol::SessionConfig{});
        run_until([&] { return client->connected(); });
    }
    void TearDown() override {
        if (client) client->stop();
        ioc.restart();
        ioc.poll();
    }

    // Runs the loop until `done` (each Redis round trip is a few turns).
    template <class Done>
    void run_until(Done done) {
        for (int i = 0; i < 2000 && !done(); ++i) {
            ioc.restart();
            ioc.run_for(5ms);
        }
        ASSERT_TRUE(done());
    }
    // What is written is in once Redis has answered a later command.
    void settle() {
        ioc.restart();
        ioc.poll();
        if (!client) return;
        bool answered = false;
        client->command({"PING"}, [&](std::optional<store::RedisReply>) { answered = true; });
        run_until([&] { return answered; });
    }

    struct Connection {
        test::RecordingSink sink;
        std::unique_ptr<RealtimeSession> session;
        std::unique_ptr<SessionResumption> resumption;
    };

    std::unique_ptr<Connection> connect(const std::string& token, const std::string& owner = "") {
        auto c = std::make_unique<Connection>();
        c->session = std::make_unique<RealtimeSession>(ioc.get_executor(), config, constraints,
                                                       engines, c->sink, "sess_x", "test-model");
        c->resumption = std::make_unique<SessionResumption>(*store, c->sink);
        c->resumption->set_owner(owner);
        bool started = false;
        boost::asio::co_spawn(
            ioc,
            [&]() -> boost::asio::awaitable<void> {
                auto resumed = co_await c->resumption->take(token);
                c->resumption->start(*c->session, token, std::move(resumed));
                started = true;
            },
            boost::asio::detached);
        run_until([&] { return started; });
        settle();
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
    test::FakeLanguageModel llm;
    std::unique_ptr<test::RedisProcess> redis;
    std::shared_ptr<store::RedisClient> client;
    std::unique_ptr<store::SessionStore> store;
};

TEST_P(SessionResumptionTest, ANewSessionGetsAToken) {
    auto c = connect("");
    EXPECT_EQ(c->sink.types(),
              (std::vector<std::string>{"session.created", "confab.session.resume_token"}));
    EXPECT_EQ(token_of(*c).size(), 32u);
    EXPECT_EQ(c->sink.last().at("expires_in_ms").as_int64(), 60000);
}

TEST_P(SessionResumptionTest, TheNextConnectionGetsTheConversationAndConfigBack) {
    auto first = connect("");
    const auto token = token_of(*first);
    say(*first, "hello there");
    say(*first, "second line");
    first->session->handle_text(
        R"({"type":"session.update","session":{"type":"realtime","instructions":"Answer like a pirate."}})");
    first->resumption->park(*first->session);
    first.reset();
    settle();

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
TEST_P(SessionResumptionTest, OnlyTheKeyThatParkedAConversationResumesIt) {
    auto first = connect("", "alice-laptop");
    const auto token = token_of(*first);
    say(*first, "my secret plans");
    first->resumption->park(*first->session);
    first.reset();
    settle();

    auto thief = connect(token, "mallory");
    EXPECT_EQ(thief->sink.sent[1].event.at("error").at("code").as_string(), "resume_token_invalid");
    EXPECT_TRUE(thief->session->conversation().items().empty());
    auto anonymous = connect(token, "");
    EXPECT_TRUE(anonymous->session->conversation().items().empty());

    auto owner = connect(token, "alice-laptop");
    ASSERT_EQ(owner->session->conversation().items().size(), 1u);
    EXPECT_EQ(owner->session->conversation().items()[0].content.front().text, "my secret plans");
}

TEST_P(SessionResumptionTest, ADisabledStoreSendsNoToken) {
    store::MemorySessionStore off{0ms, 8};
    test::RecordingSink sink;
    RealtimeSession session(ioc.get_executor(), config, constraints, engines, sink, "sess_y", "m");
    SessionResumption resumption(off, sink);
    resumption.start(session, "", std::nullopt);
    EXPECT_EQ(sink.types(), std::vector<std::string>{"session.created"});
}

// The node dies (the connection is never parked; its journal is simply
// gone): what was written through as it happened is what resumes. Then the
// journal of the resumed session goes on from there, deletions included.
// What only a shared store can do: a conversation outlives its node.
class WrittenThroughTest : public SessionResumptionTest {};

TEST_P(WrittenThroughTest, ADeadNodesConversationResumesAsWrittenThrough) {
    auto first = connect("");
    const auto token = token_of(*first);
    say(*first, "one");
    say(*first, "two");
    say(*first, "three");
    first->session->handle_text(
        R"({"type":"session.update","session":{"type":"realtime","instructions":"Be brief."}})");
    const auto second_id = first->session->conversation().items()[1].id;
    first->session->handle_text(R"({"type":"conversation.item.delete","item_id":")" + second_id +
                                R"("})");
    settle();
    first.reset();  // no park: as SIGKILL would leave it (the journal's last writes are in)
    settle();

    auto second = connect(token);
    ASSERT_EQ(second->session->conversation().items().size(), 2u);
    EXPECT_EQ(second->session->conversation().items()[0].content.front().text, "one");
    EXPECT_EQ(second->session->conversation().items()[1].content.front().text, "three");
    EXPECT_EQ(second->session->config().instructions, "Be brief.");
    EXPECT_FALSE(second->sink.last_of("confab.session.resumed").contains("response_restarted"));
}

// The store says a reply was in flight: the resumed session drops what it
// left half-made and answers the user's turn again (no LLM here, so the
// language model is asked with the conversation as it was).
TEST_P(WrittenThroughTest, AReplyThatDiedWithItsNodeIsMadeAgain) {
    const std::string token = "0123456789abcdef0123456789abcdef";
    engines.llm = &llm;
    protocol::SessionConfig stored;
    stored.output_modalities = {"text"};
    stored.voice = config.tts.voice;
    const std::string config_json = store::encode_config(stored);
    protocol::ConversationItem user;
    user.id = "item_user";
    user.role = "user";
    user.status = "completed";
    user.content.push_back(protocol::ContentPart{.type = "input_text", .text = "hi"});
    protocol::ConversationItem half = user;
    half.id = "item_half";
    half.role = "assistant";
    half.status = "in_progress";
    half.content.clear();
    const auto keys = store::redis_session_keys(token);
    bool written = false;
    client->command({"HSET", keys[0], "owner", "", "config", config_json, "reply", "1"},
                    [&](auto) {});
    client->command({"RPUSH", keys[1], store::encode_put(user, std::nullopt),
                     store::encode_put(half, std::string("item_user"))},
                    [&](auto) { written = true; });
    run_until([&] { return written; });

    auto resumed = connect(token);
    const auto& items = resumed->session->conversation().items();
    ASSERT_FALSE(items.empty());
    EXPECT_EQ(items[0].id, "item_user");
    EXPECT_TRUE(std::none_of(items.begin(), items.end(),
                             [](const auto& i) { return i.id == "item_half"; }));  // dropped
    const auto said = resumed->sink.last_of("confab.session.resumed");
    EXPECT_TRUE(said.at("response_restarted").as_bool());
    EXPECT_EQ(said.at("item_count").as_int64(), 1);  // what was restored, not what was stored
    run_until([&] { return !llm.requests().empty(); });
    const auto request = llm.requests().front();
    ASSERT_FALSE(request.messages.empty());
    EXPECT_EQ(request.messages.back().content, "hi");
    run_until([&] { return !resumed->session->busy(); });
}

// The tests are named by their store ("…/memory", "…/redis").
std::string store_name(const ::testing::TestParamInfo<std::string>& param_info) {
    return param_info.param;
}
INSTANTIATE_TEST_SUITE_P(Stores, SessionResumptionTest, ::testing::Values("memory", "redis"),
                         store_name);
INSTANTIATE_TEST_SUITE_P(Stores, WrittenThroughTest, ::testing::Values("redis"), store_name);

}  // namespace
}  // namespace confab::session
