#include "store/redis_session_store.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "store/redis_session_journal.hpp"
#include "store/session_codec.hpp"
#include "util/log.hpp"

namespace confab::store {
namespace asio = boost::asio;

RedisSessionStore::RedisSessionStore(std::shared_ptr<RedisClient> client,
                                     std::chrono::milliseconds window,
                                     protocol::SessionConstraints constraints,
                                     protocol::SessionConfig base)
    : client_(std::move(client)),
      window_(window),
      constraints_(std::move(constraints)),
      base_(std::move(base)) {}

void RedisSessionStore::take(const std::string& token, const std::string& owner,
                             asio::any_io_executor executor, Taken done) {
    scripts_->take.run(
        client_, redis_session_keys(token), {owner},
        [this, owner, executor, done = std::move(done)](std::optional<RedisReply> reply) mutable {
            std::optional<ResumableSession> state;
            if (reply && !reply->is_nil()) state = decode(*reply, owner);
            if (!reply) log::warn("session store unreachable: a resume finds nothing", {});
            asio::post(executor, [state = std::move(state), done = std::move(done)]() mutable {
                done(std::move(state));
            });
        });
}

std::optional<ResumableSession> RedisSessionStore::decode(const RedisReply& reply,
                                                          const std::string& owner) const {
    if (reply.type != RedisReply::Type::array || reply.elements.size() != 3) {
        log::warn("session store: unexpected reply to take", {{"reply", reply.text}});
        return std::nullopt;
    }
    ResumableSession state;
    state.owner = owner;
    auto config = decode_config(reply.elements[0].text, constraints_, base_);
    if (!config)
        log::warn(
            "session store: the stored configuration does not apply on this node; the "
            "conversation resumes with the defaults",
            {});
    state.config = config ? std::move(*config) : base_;
    state.reply_interrupted = reply.elements[1].text == "1";
    std::vector<std::string> log_entries;
    for (const auto& e : reply.elements[2].elements) log_entries.push_back(e.text);
    if (const auto malformed = replay(log_entries, state.items); malformed > 0)
        log::warn("session store: malformed log entries skipped",
                  {{"count", std::to_string(malformed)}});
    return state;
}

std::unique_ptr<SessionJournal> RedisSessionStore::open(const std::string& token,
                                                        const std::string& owner,
                                                        asio::any_io_executor strand,
                                                        Snapshot snapshot) {
    return std::make_unique<RedisSessionJournal>(RedisSessionJournal::Setup{
        client_, scripts_, token, owner, std::move(strand), std::move(snapshot), window_});
}

void RedisSessionStore::close(std::chrono::milliseconds deadline, std::function<void()> done) {
    // Redis answers in order: the PING's reply means every write before it
    // (the sessions parked by the drain) is in. Bounded by `deadline`.
    struct Once {
        std::function<void()> done;
        std::shared_ptr<RedisClient> client;
        void fire() {
            if (!done) return;
            client->stop();
            auto d = std::move(done);
            done = nullptr;
            d();
        }
    };
    auto once = std::make_shared<Once>(Once{std::move(done), client_});
    auto timer = std::make_shared<asio::steady_timer>(client_->executor(), deadline);
    // Both callbacks run on the client's strand, so `once` needs no lock.
    timer->async_wait([once, timer](const boost::system::error_code&) { once->fire(); });
    client_->command({"PING"}, [once, timer](std::optional<RedisReply>) {
        timer->cancel();
        once->fire();
    });
}

}  // namespace confab::store
