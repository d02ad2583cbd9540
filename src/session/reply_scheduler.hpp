// When the session's one reply starts. It reacts to the client's
// response.create and to voice turns (committed, transcribed, paused,
// resumed), starts a response at once or once the transcripts it depends
// on are in, decides in one place whether a pause is worth a prefetched
// reply, charges the response and prefetch budgets, and holds the active
// response until it is done.
//
// Owned by RealtimeSession; lives on the session's strand. It tells the
// session only what the session must act on, through its Listener.
#pragma once
#include <boost/asio/any_io_executor.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "config/config.hpp"
#include "pipeline/conversation.hpp"
#include "pipeline/event_sink.hpp"
#include "pipeline/response.hpp"
#include "pipeline/response_timings.hpp"
#include "pipeline/user_turn.hpp"
#include "pool/engine_refs.hpp"
#include "protocol/client_event.hpp"
#include "protocol/session_config.hpp"
#include "session/session_rate_limits.hpp"

namespace confab::session {

class ReplyScheduler final : public pipeline::Response::Listener {
public:
    class Listener {
    public:
        virtual ~Listener() = default;
        // A response was refused by a rate limit (report it to the client).
        virtual void reply_refused(const SessionRateLimits::Refusal& refusal,
                                   const std::string& event_id) = 0;
        // Right after response.created.
        virtual void reply_started() = 0;
        // The response finished; nothing is in flight any more.
        virtual void reply_done(const pipeline::Response& response) = 0;
    };
    struct Context {
        boost::asio::any_io_executor strand;
        const Config& server_config;
        const pool::EngineRefs& engines;
        pipeline::EventSink& sink;
        const std::string& session_id;
        const protocol::SessionConfig& session_config;
        pipeline::Conversation& conversation;
        SessionRateLimits& rate_limits;
        const std::function<std::chrono::steady_clock::time_point()>& now;
        Listener& listener;
    };
    // Whether a committed voice turn asks for a reply (turn_detection's
    // create_response).
    enum class Reply { none, create };

    explicit ReplyScheduler(Context context) : ctx_(context) {}
    ~ReplyScheduler() override;  // cancels the active response, which must not call back

    // response.create: starts a response now, or once the transcripts of
    // committed turns are in.
    void request(protocol::ResponseCreate params);
    // A turn was committed to the conversation.
    void turn_committed(const std::shared_ptr<pipeline::UserTurn>& turn, Reply reply);
    // A committed turn's transcript arrived (or failed): the last one starts
    // the reply that waited for it.
    void turn_transcribed(pipeline::UserTurn& turn);
    // The speaker paused after saying `hypothesis`, and the turn may be
    // ending: asks the language model for the reply now, which the turn's
    // response adopts if its final transcript says the same
    // (PrefetchedCompletion says why). Decides whether it is worth it.
    void turn_paused(pipeline::UserTurn& turn, const std::string& hypothesis, Reply reply);
    // The speaker went on after a pause, or the turn was abandoned: its
    // prefetched reply will not be used.
    void turn_resumed(pipeline::UserTurn& turn, const char* reason);
    // A new turn began. With `barge_in`, the active reply is cancelled, and
    // a voice turn's reply still waiting for its transcript is dropped (the
    // user resumed speaking). A voice turn's reply cancelled before the
    // client got any of it is still owed: the next voice turn is answered
    // even if nothing was heard in it (a breath or a click after the
    // question must not swallow the answer).
    enum class BargeIn { no, yes };
    void turn_started(BargeIn barge_in);
    // response.cancel: false if there is no such active response.
    bool cancel(const std::optional<std::string>& response_id);
    // Cancels the active response, if any, for `reason` (e.g. the client left).
    void cancel_active(const std::string& reason) {
        if (response_) response_->cancel(reason);
    }

    bool busy() const { return response_ != nullptr; }
    // A reply was asked for and waits for transcripts to start.
    bool waiting() const { return deferred_.has_value(); }
    const pipeline::Response* active() const { return response_.get(); }

private:
    // A reply asked for before the transcripts it must see were in.
    struct Deferred {
        protocol::ResponseCreate params;
        pipeline::ResponseTimings timings;
        std::shared_ptr<pipeline::UserTurn> turn;  // the voice turn it answers, if any
    };
    void defer_or_start(Deferred reply);
    void start(Deferred reply);
    // What the language model is asked for a response with `params`.
    engines::ChatRequest chat_request(const protocol::ResponseCreate& params,
                                      const std::string& unsaid_user_text) const;
    // The turn's prefetched completion if it answers `request` (and is then
    // the caller's), else null; a prefetch that does not is cancelled.
    std::shared_ptr<pipeline::PrefetchedCompletion> adopt_prefetch(
        pipeline::UserTurn* turn, const engines::ChatRequest& request);
    void discard_prefetch(pipeline::UserTurn& turn, const char* reason);
    void count_prefetch(const char* outcome);
    std::optional<std::string> on_output_item(const protocol::ConversationItem& item) override;
    void on_response_done(pipeline::Response& response) override;
    void send_error(std::string code, std::string message, std::string event_id);

    Context ctx_;
    int awaiting_transcripts_ = 0;  // committed turns whose transcript is not in
    std::optional<Deferred> deferred_;
    std::shared_ptr<pipeline::Response> response_;  // the one active response, if any
    bool reply_owed_ = false;  // a voice turn's reply was dropped unheard (see turn_started)
};

}  // namespace confab::session
