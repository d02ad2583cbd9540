#include "store/redis_session_journal.hpp"

#include <boost/asio/post.hpp>

#include "store/session_codec.hpp"

namespace confab::store {
namespace asio = boost::asio;
using std::chrono::milliseconds;

namespace {
// While the session lives its keys outlive the window by half of it, and are
// refreshed every half window: a node that dies leaves at least a whole
// window to resume in.
milliseconds live_ttl(milliseconds window) {
    return window + window / 2;
}
milliseconds refresh_interval(milliseconds window) {
    return std::max(milliseconds(1000), window / 2);
}
// The log is written again whole (compacted) when it holds this many more
// operations than twice the items the last whole write had.
constexpr std::int64_t kCompactSlack = 64;
}  // namespace

RedisSessionJournal::RedisSessionJournal(Setup setup)
    : setup_(std::move(setup)), keys_(redis_session_keys(setup_.token)), refresh_(setup_.strand) {
    write_whole(setup_.snapshot(), live_ttl(setup_.window));
    arm_refresh();
}

RedisSessionJournal::~RedisSessionJournal() {
    state_->closed = true;
    refresh_.cancel();
}

void RedisSessionJournal::config_changed(const protocol::SessionConfig& config) {
    fields_["config"] = encode_config(config);
    schedule();
}

void RedisSessionJournal::item_put(const protocol::ConversationItem& item,
                                   const std::optional<std::string>& previous_id) {
    ops_.push_back(encode_put(item, previous_id));
    schedule();
}

void RedisSessionJournal::item_removed(const std::string& id) {
    ops_.push_back(encode_remove(id));
    schedule();
}

void RedisSessionJournal::reply_started() {
    reply_in_flight_ = true;
    fields_["reply"] = "1";
    schedule();
}

void RedisSessionJournal::reply_ended() {
    reply_in_flight_ = false;
    fields_["reply"] = "0";
    schedule();
}

void RedisSessionJournal::park(ResumableSession state) {
    // Whole, whatever was pending: what the token resumes from now on.
    reply_in_flight_ = false;
    write_whole(state, setup_.window);
    fields_.clear();
    ops_.clear();
}

void RedisSessionJournal::schedule() {
    if (scheduled_) return;
    scheduled_ = true;
    asio::post(setup_.strand, [this, state = state_] {
        if (!state->closed) flush();
    });
}

void RedisSessionJournal::flush() {
    scheduled_ = false;
    const auto longest = 2 * static_cast<std::int64_t>(items_at_snapshot_) + kCompactSlack;
    if (state_->dirty.load() || state_->log_length.load() > longest) {
        fields_.clear();
        ops_.clear();
        write_whole(setup_.snapshot(), live_ttl(setup_.window));
        return;
    }
    if (fields_.empty() && ops_.empty()) return;
    std::vector<std::string> args{std::to_string(live_ttl(setup_.window).count()),
                                  std::to_string(fields_.size())};
    for (auto& [field, value] : fields_) {
        args.push_back(field);
        args.push_back(std::move(value));
    }
    for (auto& op : ops_) args.push_back(std::move(op));
    fields_.clear();
    ops_.clear();
    setup_.scripts->append.run(setup_.client, keys_, std::move(args), on_written());
}

void RedisSessionJournal::write_whole(const ResumableSession& state, milliseconds ttl) {
    std::vector<std::string> args{std::to_string(ttl.count()), setup_.owner,
                                  encode_config(state.config), reply_in_flight_ ? "1" : "0"};
    std::optional<std::string> previous;
    for (const auto& item : state.items) {
        args.push_back(encode_put(item, previous));
        previous = item.id;
    }
    items_at_snapshot_ = state.items.size();
    state_->dirty = false;
    setup_.scripts->snapshot.run(setup_.client, keys_, std::move(args), on_written());
}

RedisClient::Callback RedisSessionJournal::on_written() const {
    return [state = state_](std::optional<RedisReply> reply) {
        // Not written (an outage, or the keys gone): the next write is whole.
        if (!reply || reply->type != RedisReply::Type::integer || reply->integer < 0) {
            state->dirty = true;
            return;
        }
        state->log_length = reply->integer;
    };
}

void RedisSessionJournal::arm_refresh() {
    refresh_.expires_after(refresh_interval(setup_.window));
    refresh_.async_wait([this, state = state_](const boost::system::error_code& ec) {
        if (ec || state->closed) return;
        if (state->dirty.load()) {
            flush();  // whole, now that Redis may be back
        } else {
            setup_.scripts->touch.run(setup_.client, keys_,
                                      {std::to_string(live_ttl(setup_.window).count())},
                                      on_written());
        }
        arm_refresh();
    });
}

}  // namespace confab::store
