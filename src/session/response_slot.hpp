// The session's one reply slot: starts a response when asked (at once, or
// once the transcripts it depends on are in), holds the active response, and
// releases it when it is done.
//
// Split out of RealtimeSession so that the client-event handling and the
// response orchestration each stay one idea. Lives on the session's strand.
#pragma once
#include <boost/asio/any_io_executor.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "config/config.hpp"
#include "pipeline/conversation.hpp"
#include "pipeline/event_sink.hpp"
#include "pipeline/prefetched_completion.hpp"
#include "pipeline/response.hpp"
#include "pipeline/response_timings.hpp"
#include "pool/engine_refs.hpp"
#include "protocol/client_event.hpp"
#include "protocol/session_config.hpp"

namespace confab::session {

class ResponseSlot final : public pipeline::Response::Listener {
public:
    struct Context {
        boost::asio::any_io_executor strand;
        const Config& server_config;
        const pool::EngineRefs& engines;
        pipeline::EventSink& sink;
        const std::string& session_id;
        const protocol::SessionConfig& session_config;
        pipeline::Conversation& conversation;
    };
    // Called before a response is created; returning false refuses it (the
    // callee has told the client why, e.g. a rate limit).
    using Gate = std::function<bool(const std::string& event_id)>;

    explicit ResponseSlot(Context context) : ctx_(context) {}
    ~ResponseSlot() override;  // cancels the active response, which must not call back

    void set_gate(Gate gate) { gate_ = std::move(gate); }
    // Called right after a response was created (after response.created).
    void on_started(std::function<void()> callback) { on_started_ = std::move(callback); }
    // Called when a response has finished, before the idle callback.
    void on_done(std::function<void(const pipeline::Response&)> callback) {
        on_done_ = std::move(callback);
    }
    void on_idle(std::function<void()> callback) { on_idle_ = std::move(callback); }

    // Starts a response now, or once the pending transcripts are in.
    void request(protocol::ResponseCreate params, pipeline::ResponseTimings timings,
                 bool transcripts_pending);
    // The last pending transcript arrived (`text` empty if nothing was heard)
    // or failed: starts the deferred response, if any.
    void transcripts_ready(const std::string& text, bool failed);
    // Barge-in: cancels the active reply, and drops a voice turn's reply that
    // was still waiting for its transcript (the user resumed speaking). A
    // voice turn's reply cancelled before the client got any of it is still
    // owed: the next voice turn is answered even if nothing was heard in it
    // (a breath or a click after the question must not swallow the answer).
    void interrupt();
    // response.cancel: false if there is no such active response.
    bool cancel(const std::optional<std::string>& response_id);
    // Cancels the active response, if any, for `reason` (e.g. the client left).
    void cancel_active(const std::string& reason) {
        if (response_) response_->cancel(reason);
    }

    // The user paused after saying `user_text`, and the turn may be ending:
    // asks the language model for the reply now, which the turn's response
    // adopts if its final transcript says the same (PrefetchedCompletion says
    // why). Replaces an earlier prefetch. Does nothing if no reply could
    // start (one is active or waiting) or prefetching is off.
    void prefetch(const std::string& user_text);
    // The prefetched reply will not be used (the user went on speaking, the
    // buffer was cleared, the turn got no reply): cancels it.
    void discard_prefetch(const char* reason);

    bool busy() const { return response_ != nullptr; }
    const pipeline::Response* active() const { return response_.get(); }

private:
    void start(protocol::ResponseCreate params, pipeline::ResponseTimings timings);
    // What the language model is asked for a response with `params`.
    engines::ChatRequest chat_request(const protocol::ResponseCreate& params,
                                      const std::string& unsaid_user_text) const;
    // The prefetched completion if it answers `request` (and is then the
    // caller's), else null; any other prefetch is cancelled.
    std::shared_ptr<pipeline::PrefetchedCompletion> take_prefetch(
        const engines::ChatRequest& request);
    void count_prefetch(const char* outcome);
    void on_response_done(pipeline::Response& response) override;
    void send_error(std::string code, std::string message, std::string event_id);

    Context ctx_;
    Gate gate_;
    std::function<void()> on_started_;
    std::function<void(const pipeline::Response&)> on_done_;
    std::function<void()> on_idle_;
    std::optional<std::pair<protocol::ResponseCreate, pipeline::ResponseTimings>> deferred_;
    std::shared_ptr<pipeline::Response> response_;  // the one active response, if any
    std::shared_ptr<pipeline::PrefetchedCompletion>
        prefetch_;             // the reply asked for during a pause
    bool reply_owed_ = false;  // a voice turn's reply was dropped unheard (see interrupt())
};

}  // namespace confab::session
