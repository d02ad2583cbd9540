// RedisClient against a real redis-server on loopback: every kind of reply,
// many threads at once, and the outages the cluster must live through —
// Redis down at start, killed with commands in flight, hanging (SIGSTOP)
// with more commands than the bound — each ending in a reconnection.
#include "store/redis_client.hpp"

#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <future>
#include <thread>

#include "support/redis_process.hpp"

namespace confab::store {
namespace {
using namespace std::chrono_literals;
using Reply = std::optional<RedisReply>;

class RedisClientTest : public ::testing::Test {
protected:
    void SetUp() override {
        for (int i = 0; i < 2; ++i) threads.emplace_back([this] { ioc.run(); });
    }
    void TearDown() override {
        if (client) {
            client->stop();
            client.reset();
        }
        work.reset();
        for (auto& t : threads) t.join();
    }
    void connect(RedisClient::Options options = {}) {
        options.port = redis.port();
        client = RedisClient::create(ioc.get_executor(), options);
        client->start();
    }
    // Waits (bounded) for `pred`.
    template <class Pred>
    static bool eventually(Pred pred, std::chrono::milliseconds limit = 10s) {
        const auto end = std::chrono::steady_clock::now() + limit;
        while (!pred()) {
            if (std::chrono::steady_clock::now() > end) return false;
            std::this_thread::sleep_for(5ms);
        }
        return true;
    }
    std::future<Reply> send(std::vector<std::string> args) {
        auto promise = std::make_shared<std::promise<Reply>>();
        auto future = promise->get_future();
        client->command(std::move(args), [promise](Reply r) { promise->set_value(std::move(r)); });
        return future;
    }
    Reply call(std::vector<std::string> args) {
        auto f = send(std::move(args));
        if (f.wait_for(10s) != std::future_status::ready) ADD_FAILURE() << "no answer in 10 s";
        return f.get();
    }

    test::RedisProcess redis;
    boost::asio::io_context ioc;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work{
        ioc.get_executor()};
    std::vector<std::thread> threads;
    std::shared_ptr<RedisClient> client;
};

TEST_F(RedisClientTest, SendsCommandsAndReadsEveryKindOfReply) {
    connect();
    ASSERT_TRUE(eventually([&] { return client->connected(); }));
    const std::string binary("a\0b\r\nc", 6);
    auto set = call({"SET", "k", binary});
    ASSERT_TRUE(set);
    EXPECT_EQ(set->type, RedisReply::Type::status);
    EXPECT_EQ(set->text, "OK");
    auto get = call({"GET", "k"});
    ASSERT_TRUE(get);
    EXPECT_EQ(get->type, RedisReply::Type::string);
    EXPECT_EQ(get->text, binary);
    auto missing = call({"GET", "nothing-here"});
    ASSERT_TRUE(missing);
    EXPECT_TRUE(missing->is_nil());
    auto pushed = call({"RPUSH", "list", "one", "two", "three"});
    ASSERT_TRUE(pushed);
    EXPECT_EQ(pushed->type, RedisReply::Type::integer);
    EXPECT_EQ(pushed->integer, 3);
    auto range = call({"LRANGE", "list", "0", "-1"});
    ASSERT_TRUE(range);
    ASSERT_EQ(range->type, RedisReply::Type::array);
    ASSERT_EQ(range->elements.size(), 3u);
    EXPECT_EQ(range->elements[2].text, "three");
    auto wrong = call({"INCR", "list"});
    ASSERT_TRUE(wrong);
    EXPECT_TRUE(wrong->is_error());
    EXPECT_NE(wrong->text.find("WRONGTYPE"), std::string::npos) << wrong->text;
    EXPECT_EQ(client->counters().dropped, 0u);
    EXPECT_EQ(client->pending(), 0u);
}

TEST_F(RedisClientTest, ManyThreadsAtOnceEachGetTheirRepliesInOrder) {
    connect();
    ASSERT_TRUE(eventually([&] { return client->connected(); }));
    constexpr int kThreads = 4, kEach = 200;
    std::vector<std::thread> senders;
    std::vector<std::future<Reply>> last(kThreads);
    for (int t = 0; t < kThreads; ++t) {
        senders.emplace_back([&, t] {
            for (int i = 0; i < kEach; ++i) {
                auto f = send({"RPUSH", "seq" + std::to_string(t), std::to_string(i)});
                if (i == kEach - 1) last[t] = std::move(f);
            }
        });
    }
    for (auto& s : senders) s.join();
    for (int t = 0; t < kThreads; ++t) {
        ASSERT_EQ(last[t].wait_for(10s), std::future_status::ready);
        auto r = last[t].get();
        ASSERT_TRUE(r);
        EXPECT_EQ(r->integer, kEach);
        auto all = call({"LRANGE", "seq" + std::to_string(t), "0", "-1"});
        ASSERT_TRUE(all);
        ASSERT_EQ(all->elements.size(), static_cast<std::size_t>(kEach));
        for (int i = 0; i < kEach; ++i) EXPECT_EQ(all->elements[i].text, std::to_string(i));
    }
}

TEST_F(RedisClientTest, WithRedisDownCommandsFailAtOnceAndItConnectsWhenRedisComes) {
    redis.kill();
    connect({.reconnect_min = 20ms, .reconnect_max = 100ms});
    EXPECT_FALSE(call({"SET", "k", "v"}));  // not queued: refused at once
    EXPECT_GE(client->counters().dropped, 1u);
    EXPECT_FALSE(client->connected());
    redis.start();
    ASSERT_TRUE(eventually([&] { return client->connected(); }));
    auto set = call({"SET", "k", "v"});
    ASSERT_TRUE(set);
    EXPECT_EQ(set->text, "OK");
    EXPECT_EQ(client->counters().outages, 1u);
}

TEST_F(RedisClientTest, AKilledRedisFailsWhatWasInFlightAndTheClientReconnects) {
    connect({.reconnect_min = 20ms, .reconnect_max = 100ms});
    ASSERT_TRUE(eventually([&] { return client->connected(); }));
    ASSERT_TRUE(call({"SET", "before", "1"}));
    redis.pause();  // the command below is sent and never answered...
    auto in_flight = send({"SET", "during", "1"});
    ASSERT_TRUE(eventually([&] { return client->pending() == 1; }));
    redis.kill();  // ...until the server is gone
    ASSERT_EQ(in_flight.wait_for(10s), std::future_status::ready);
    EXPECT_FALSE(in_flight.get());
    EXPECT_EQ(client->counters().lost, 1u);
    ASSERT_TRUE(eventually([&] { return !client->connected(); }));
    redis.start();  // empty: it kept nothing
    ASSERT_TRUE(eventually([&] { return client->connected(); }));
    auto after = call({"GET", "before"});
    ASSERT_TRUE(after);
    EXPECT_TRUE(after->is_nil());
    EXPECT_EQ(client->counters().connects, 2u);
}

TEST_F(RedisClientTest, AHangingRedisCannotGrowThePendingCommandsBeyondTheBound) {
    connect({.max_pending = 10});
    ASSERT_TRUE(eventually([&] { return client->connected(); }));
    redis.pause();
    std::vector<std::future<Reply>> futures;
    for (int i = 0; i < 15; ++i) futures.push_back(send({"INCR", "n"}));
    // The five beyond the bound fail at once; the ten wait.
    int refused = 0;
    for (int i = 10; i < 15; ++i) {
        ASSERT_EQ(futures[i].wait_for(10s), std::future_status::ready);
        if (!futures[i].get()) ++refused;
    }
    EXPECT_EQ(refused, 5);
    EXPECT_EQ(client->pending(), 10u);
    EXPECT_EQ(client->counters().dropped, 5u);
    redis.resume();
    for (int i = 0; i < 10; ++i) {
        ASSERT_EQ(futures[i].wait_for(10s), std::future_status::ready);
        auto r = futures[i].get();
        ASSERT_TRUE(r);
        EXPECT_EQ(r->integer, i + 1);
    }
}

TEST_F(RedisClientTest, StopFailsWhatIsInFlight) {
    connect();
    ASSERT_TRUE(eventually([&] { return client->connected(); }));
    redis.pause();
    auto a = send({"SET", "a", "1"});
    auto b = send({"SET", "b", "1"});
    ASSERT_TRUE(eventually([&] { return client->pending() == 2; }));
    client->stop();
    ASSERT_EQ(a.wait_for(10s), std::future_status::ready);
    ASSERT_EQ(b.wait_for(10s), std::future_status::ready);
    EXPECT_FALSE(a.get());
    EXPECT_FALSE(b.get());
    EXPECT_FALSE(call({"GET", "a"}));  // stopped: nothing is sent any more
    redis.resume();
}

}  // namespace
}  // namespace confab::store
