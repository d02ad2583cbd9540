// The session store of a cluster: every conversation written through to
// Redis as it changes (RedisSessionJournal), so that any node takes a token
// and a node's death loses at most the reply it was making.
//
// During a Redis outage sessions go on from memory: writes are dropped and
// counted (RedisClient), warned about once, and each journal writes its
// conversation whole once Redis answers again; a resume meanwhile finds
// nothing (resume_token_invalid). docs/deployment.md lists what each
// failure loses.
#pragma once
#include <boost/asio/any_io_executor.hpp>
#include <functional>
#include <memory>

#include "protocol/session_config.hpp"
#include "store/redis_client.hpp"
#include "store/redis_session_keys.hpp"
#include "store/session_store.hpp"

namespace confab::store {

class RedisSessionStore final : public SessionStore {
public:
    // `base`: a new session's configuration on this node, onto which a
    // stored one is applied (validated against `constraints`).
    RedisSessionStore(std::shared_ptr<RedisClient> client, std::chrono::milliseconds window,
                      protocol::SessionConstraints constraints, protocol::SessionConfig base);

    bool enabled() const override { return window_.count() > 0; }
    std::chrono::milliseconds window() const override { return window_; }
    void take(const std::string& token, const std::string& owner,
              boost::asio::any_io_executor executor, Taken done) override;
    std::unique_ptr<SessionJournal> open(const std::string& token, const std::string& owner,
                                         boost::asio::any_io_executor strand,
                                         Snapshot snapshot) override;
    void close(std::chrono::milliseconds deadline, std::function<void()> done) override;

    const RedisClient& client() const { return *client_; }

private:
    std::optional<ResumableSession> decode(const RedisReply& reply, const std::string& owner) const;

    const std::shared_ptr<RedisClient> client_;
    const std::chrono::milliseconds window_;
    const protocol::SessionConstraints constraints_;
    const protocol::SessionConfig base_;
    const std::shared_ptr<const RedisSessionScripts> scripts_ =
        std::make_shared<RedisSessionScripts>();
};

}  // namespace confab::store
