// One connection to a Redis server, through hiredis's asynchronous API
// driven by Asio: hiredis never touches the socket by itself; it asks, through
// its event hooks, to be told when the socket is readable or writable, and a
// posix::stream_descriptor on the client's own strand waits for that. Nothing
// blocks: not the caller, not an I/O thread, not a session's strand.
//
// Why hiredis (Debian's libhiredis 0.14): it is the maintained C client of
// the Redis project itself, and its async API leaves the event loop to us;
// Boost.Redis needs Boost 1.84, newer than Debian 12's 1.81.
//
// Outages are part of the contract (docs/deployment.md): commands are sent
// only while connected; otherwise, or when `max_pending` are already
// waiting for replies, a command fails at once (its callback gets nullopt)
// and is counted as dropped, never queued without bound. A lost connection
// fails the commands in flight the same way and is retried with backoff; the
// loss is logged once per outage, and the return with what was dropped.
//
// Thread-safe: command() may be called from any thread; callbacks run on the
// client's strand and must not block. Shared ownership: Asio handlers keep
// the client alive until stop() has run and they have finished.
#pragma once
#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "store/redis_reply.hpp"

struct redisAsyncContext;

namespace confab::store {

class RedisClient : public std::enable_shared_from_this<RedisClient> {
public:
    struct Options {
        std::string host = "127.0.0.1";
        int port = 6379;
        std::string password;  // AUTH before anything else, when set
        std::chrono::milliseconds connect_timeout{1000};
        std::chrono::milliseconds reconnect_min{100};   // doubled after each failure...
        std::chrono::milliseconds reconnect_max{2000};  // ...up to this
        std::size_t max_pending = 10000;                // commands awaiting a reply
    };
    // nullopt: the command was not sent (not connected, too many pending) or
    // its connection was lost before the reply.
    using Callback = std::function<void(std::optional<RedisReply>)>;

    struct Counters {
        std::atomic<std::uint64_t> sent{0};     // commands handed to Redis
        std::atomic<std::uint64_t> dropped{0};  // refused: not connected or too many pending
        std::atomic<std::uint64_t> lost{0};     // sent, but the connection went before the reply
        std::atomic<std::uint64_t> connects{0};
        std::atomic<std::uint64_t> outages{0};
    };

    static std::shared_ptr<RedisClient> create(boost::asio::any_io_executor executor,
                                               Options options);
    ~RedisClient();
    RedisClient(const RedisClient&) = delete;
    RedisClient& operator=(const RedisClient&) = delete;

    // Connects, and keeps reconnecting after any loss until stop().
    void start();
    // Disconnects; commands in flight fail. Thread-safe; returns at once.
    void stop();
    // Sends `args` (the command and its arguments, binary-safe).
    void command(std::vector<std::string> args, Callback done);

    bool connected() const { return connected_.load(); }
    std::size_t pending() const { return pending_.load(); }
    const Counters& counters() const { return counters_; }
    std::string address() const;
    // The client's strand, where its callbacks run.
    boost::asio::strand<boost::asio::any_io_executor> executor() const { return strand_; }

private:
    struct Pending;
    RedisClient(boost::asio::any_io_executor executor, Options options);

    // All on the strand.
    void connect();
    void retry_later();
    void send(std::vector<std::string> args, Callback done);
    void on_connect(int status);
    void on_disconnect();
    void watch(bool write);
    void released();
    static void reply_trampoline(redisAsyncContext* ac, void* reply, void* privdata);

    boost::asio::strand<boost::asio::any_io_executor> strand_;
    const Options options_;
    boost::asio::posix::stream_descriptor socket_;
    boost::asio::steady_timer retry_timer_;
    boost::asio::steady_timer connect_timer_;
    redisAsyncContext* ctx_ = nullptr;  // the connection being made or in use
    std::uint64_t generation_ = 0;      // of ctx_: stale socket waits are ignored
    bool want_read_ = false, want_write_ = false;
    bool reading_ = false, writing_ = false;
    bool stopped_ = false;
    bool in_outage_ = false;  // lost (or never had) the connection; warned once
    std::chrono::milliseconds backoff_;
    std::chrono::steady_clock::time_point outage_since_{};
    std::uint64_t dropped_at_outage_ = 0;
    std::atomic<bool> connected_{false};
    std::atomic<std::size_t> pending_{0};
    Counters counters_;
};

}  // namespace confab::store
