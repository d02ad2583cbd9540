#include "session/reply_scheduler.hpp"

#include <boost/asio/post.hpp>

#include "metrics/metrics.hpp"
#include "pipeline/evictions.hpp"
#include "pipeline/history_builder.hpp"
#include "pipeline/prefetched_completion.hpp"
#include "protocol/server_events.hpp"
#include "util/ids.hpp"
#include "util/log.hpp"

namespace confab::session {
namespace events = protocol::events;

ReplyScheduler::~ReplyScheduler() {
    // A reply outliving its session must not call back into it.
    if (response_) {
        response_->detach();
        response_->cancel("session_closed");
    }
}

void ReplyScheduler::send_error(std::string code, std::string message, std::string event_id) {
    log::info("error sent", {{"session", ctx_.session_id}, {"code", code}});
    ctx_.sink.send_event(events::error(
        protocol::ProtocolError{std::move(code), std::move(message), "", std::move(event_id)}));
}

void ReplyScheduler::request(protocol::ResponseCreate params) {
    if (params.tool_choice) {
        const auto& tools = params.tools ? *params.tools : ctx_.session_config.tools;
        if (auto err = protocol::check_tool_choice(*params.tool_choice, tools,
                                                   "response.tool_choice", params.event_id)) {
            send_error(err->code, err->message, params.event_id);
            return;
        }
    }
    defer_or_start(Deferred{std::move(params), {}, nullptr});
}

void ReplyScheduler::turn_committed(const std::shared_ptr<pipeline::UserTurn>& turn, Reply reply) {
    if (turn->awaiting_transcript()) ++awaiting_transcripts_;
    if (reply == Reply::create)
        defer_or_start(Deferred{protocol::ResponseCreate{}, turn->timings, turn});
}

void ReplyScheduler::defer_or_start(Deferred reply) {
    if (response_) {
        send_error("conversation_already_has_active_response",
                   "Conversation already has an active response in progress: " + response_->id() +
                       ". Wait until the response is finished before creating a new one.",
                   reply.params.event_id);
        return;
    }
    if (awaiting_transcripts_ > 0) {
        // The reply must see what the user said: wait for the transcript.
        deferred_.emplace(std::move(reply));
        return;
    }
    start(std::move(reply));
}

void ReplyScheduler::turn_transcribed(pipeline::UserTurn& turn) {
    if (awaiting_transcripts_ > 0) --awaiting_transcripts_;
    if (awaiting_transcripts_ > 0 || !deferred_) return;
    auto reply = std::move(*deferred_);
    deferred_.reset();
    const bool voice_turn = reply.turn != nullptr;
    if (turn.transcript() == pipeline::UserTurn::Transcript::failed) {
        // A voice turn whose words are unknown gets no reply of its own; an
        // explicit request, or the turn before it still owed one, does.
        if (!voice_turn || reply_owed_) {
            start(std::move(reply));
        } else {
            discard_prefetch(*reply.turn, "transcription_failed");
        }
        return;
    }
    reply.timings.transcript_final = std::chrono::steady_clock::now();
    // Nothing was heard: no reply to a cough (a typed or explicit request still gets one),
    // unless the cough cut off the reply to what the user said before it.
    if (turn.text().empty() && voice_turn) {
        if (!reply_owed_) {
            log::info("empty transcript: no response", {{"session", ctx_.session_id}});
            discard_prefetch(*reply.turn, "empty_transcript");
            return;
        }
        log::info("empty transcript after an unheard cancelled reply: answering the turn before it",
                  {{"session", ctx_.session_id}});
    }
    start(std::move(reply));
}

// The one place a prefetch is decided; the budget is charged last, so it is
// spent only on a prefetch that starts.
void ReplyScheduler::turn_paused(pipeline::UserTurn& turn, const std::string& hypothesis,
                                 Reply reply) {
    if (reply != Reply::create) return;  // the turn will not ask for a reply
    if (!ctx_.server_config.llm.prefetch || ctx_.engines.llm == nullptr || hypothesis.empty())
        return;
    if (response_ || deferred_) return;  // no reply could start at the end of this turn
    if (!ctx_.rate_limits.admit_prefetch(ctx_.now())) return;
    discard_prefetch(turn, "replaced");
    auto request = chat_request(protocol::ResponseCreate{}, hypothesis);
    request.session_key = ctx_.session_id;  // the backend's queue is fair across sessions
    auto prefetch = std::make_shared<pipeline::PrefetchedCompletion>(ctx_.strand, *ctx_.engines.llm,
                                                                     std::move(request));
    prefetch->begin();
    turn.set_prefetch(std::move(prefetch));
    log::debug("reply prefetched during a pause", {{"session", ctx_.session_id}});
}

void ReplyScheduler::turn_resumed(pipeline::UserTurn& turn, const char* reason) {
    discard_prefetch(turn, reason);
}

void ReplyScheduler::turn_started(BargeIn barge_in) {
    // Asked for during a pause that was not the end of the turn after all.
    if (deferred_ && deferred_->turn) discard_prefetch(*deferred_->turn, "speech_started");
    if (barge_in == BargeIn::no) return;
    if (response_) {
        const auto& t = response_->timings();
        // The client got nothing of it: no audio (or, for text, no text).
        const bool unheard = response_->audio() ? !t.first_audio_sent : !t.llm_first_token;
        if (!response_->finished() && t.speech_stopped && unheard) reply_owed_ = true;
        response_->cancel("turn_detected");
    }
    // A reply still waiting for the last turn's transcript would start over
    // the user: they resumed, so the turn goes on and the reply is asked for
    // again when it ends (with both parts in the history).
    if (deferred_ && deferred_->turn) {
        log::info("user resumed before the reply started: reply deferred to the end of the turn",
                  {{"session", ctx_.session_id}});
        deferred_.reset();
        reply_owed_ = true;
    }
}

bool ReplyScheduler::cancel(const std::optional<std::string>& response_id) {
    if (!response_ || (response_id && *response_id != response_->id())) return false;
    response_->cancel("client_cancelled");
    return true;
}

namespace {
// The request's own limit, else the session's (nullopt: the server's default).
std::optional<int> max_output_tokens(const protocol::ResponseCreate& params,
                                     const protocol::SessionConfig& config) {
    return params.max_output_tokens ? params.max_output_tokens : config.max_output_tokens;
}
}  // namespace

engines::ChatRequest ReplyScheduler::chat_request(const protocol::ResponseCreate& params,
                                                  const std::string& unsaid_user_text) const {
    const auto& config = ctx_.session_config;
    const auto& server = ctx_.server_config;
    const pipeline::HistoryLimits limits{server.llm.max_history_turns,
                                         server.llm.max_history_chars};
    auto request = pipeline::build_chat_request(
        ctx_.conversation, params.instructions.value_or(config.instructions), limits,
        max_output_tokens(params, config).value_or(server.llm.max_tokens), unsaid_user_text);
    request.tools = params.tools.value_or(config.tools);
    request.tool_choice = params.tool_choice.value_or(config.tool_choice);
    request.parallel_tool_calls = config.parallel_tool_calls;
    return request;
}

void ReplyScheduler::discard_prefetch(pipeline::UserTurn& turn, const char* reason) {
    if (!turn.discard_prefetch()) return;
    count_prefetch("discarded");
    log::debug("prefetched reply discarded", {{"session", ctx_.session_id}, {"reason", reason}});
}

std::shared_ptr<pipeline::PrefetchedCompletion> ReplyScheduler::adopt_prefetch(
    pipeline::UserTurn* turn, const engines::ChatRequest& request) {
    if (turn == nullptr || !turn->prefetch()) return nullptr;
    auto taken = turn->take_prefetch();
    if (taken->answers(request) && !taken->failed()) {
        count_prefetch("adopted");
        return taken;
    }
    taken->cancel();
    count_prefetch("mismatched");
    log::info("prefetched reply not used: the request changed after the pause",
              {{"session", ctx_.session_id}});
    return nullptr;
}

void ReplyScheduler::count_prefetch(const char* outcome) {
    if (ctx_.engines.metrics != nullptr) ctx_.engines.metrics->llm_prefetches(outcome).inc();
}

void ReplyScheduler::start(Deferred reply) {
    auto& params = reply.params;
    if (ctx_.engines.llm == nullptr) {
        send_error("response_unavailable", "This server has no language model engine.",
                   params.event_id);
        return;
    }
    if (auto refused = ctx_.rate_limits.admit_response(ctx_.now())) {
        ctx_.listener.reply_refused(*refused, params.event_id);
        if (reply.turn) discard_prefetch(*reply.turn, "response_refused");
        return;
    }
    reply_owed_ = false;
    const auto& config = ctx_.session_config;
    pipeline::Response::Setup setup;
    setup.info.id = make_id("resp");
    setup.info.output_modalities = params.output_modalities.value_or(config.output_modalities);
    setup.info.voice = config.voice;
    setup.info.output_format = config.output_format;
    setup.info.max_output_tokens = max_output_tokens(params, config);
    setup.info.metadata = params.metadata;
    setup.info.out_of_band = params.out_of_band;
    setup.item_id = make_id("item");
    setup.request = chat_request(params, {});
    setup.prefetched = adopt_prefetch(reply.turn.get(), setup.request);
    setup.voice = engines::SynthesisOptions{config.voice, config.speed};
    setup.session_key = ctx_.session_id;
    setup.timings = reply.timings;
    setup.metrics = ctx_.engines.metrics;
    setup.unavailable_message = ctx_.server_config.llm.unavailable_message;

    response_ = std::make_shared<pipeline::Response>(ctx_.strand, ctx_.sink, *ctx_.engines.llm,
                                                     ctx_.engines.tts, this, std::move(setup));
    // The limits follow response.created, before any of the reply's items.
    response_->start([this] { ctx_.listener.reply_started(); });
}

std::optional<std::string> ReplyScheduler::on_output_item(const protocol::ConversationItem& item) {
    auto inserted = ctx_.conversation.insert(item, std::nullopt);
    pipeline::announce_evictions(ctx_.sink, inserted.evicted, ctx_.session_id);
    return inserted.previous_item_id;
}

void ReplyScheduler::on_response_done(pipeline::Response& response) {
    // The items as they ended (text, transcript, arguments, status).
    for (auto& done : response.output()) {
        if (auto* item = ctx_.conversation.find(done.id)) {
            *item = std::move(done);
            ctx_.conversation.changed(item->id);
            pipeline::announce_evictions(ctx_.sink, ctx_.conversation.enforce_bounds(item->id),
                                         ctx_.session_id);
        }
    }
    if (response_.get() == &response) {
        // Released after this handler returns: the response may still be on the stack.
        boost::asio::post(ctx_.strand, [keep = std::move(response_)] {});
    }
    ctx_.listener.reply_done(response);
}

}  // namespace confab::session
