// One live session's write-through to Redis (RedisSessionStore). Changes are
// coalesced: everything one handler of the session's strand changes goes out
// as one script call, posted to run right after it. Nothing waits for a
// reply: the replies only tell the journal whether Redis has it all.
//
// Owned by its session; called only on the session's strand. What Redis
// replies is written to `State` (atomics) from the client's strand.
#pragma once
#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "store/redis_client.hpp"
#include "store/redis_session_keys.hpp"
#include "store/session_journal.hpp"
#include "store/session_store.hpp"

namespace confab::store {

class RedisSessionJournal final : public SessionJournal {
public:
    struct Setup {
        std::shared_ptr<RedisClient> client;
        std::shared_ptr<const RedisSessionScripts> scripts;
        std::string token;
        std::string owner;
        boost::asio::any_io_executor strand;
        SessionStore::Snapshot snapshot;
        std::chrono::milliseconds window;
    };
    explicit RedisSessionJournal(Setup setup);
    ~RedisSessionJournal() override;

    void config_changed(const protocol::SessionConfig& config) override;
    void item_put(const protocol::ConversationItem& item,
                  const std::optional<std::string>& previous_id) override;
    void item_removed(const std::string& id) override;
    void reply_started() override;
    void reply_ended() override;
    void park(ResumableSession state) override;

private:
    struct State {
        std::atomic<bool> dirty{true};  // Redis may lack something: write it whole
        std::atomic<std::int64_t> log_length{0};
        bool closed = false;  // the journal is gone (read and written on the strand only)
    };
    void schedule();
    void flush();
    void write_whole(const ResumableSession& state, std::chrono::milliseconds ttl);
    void arm_refresh();
    RedisClient::Callback on_written() const;

    Setup setup_;
    std::vector<std::string> keys_;
    std::shared_ptr<State> state_ = std::make_shared<State>();
    std::map<std::string, std::string> fields_;  // hash fields changed since the last write
    std::vector<std::string> ops_;               // log operations since the last write
    bool reply_in_flight_ = false;
    bool scheduled_ = false;
    std::size_t items_at_snapshot_ = 0;
    boost::asio::steady_timer refresh_;
};

}  // namespace confab::store
