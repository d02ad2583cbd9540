#include "session/response_slot.hpp"

#include <boost/asio/post.hpp>

#include "metrics/metrics.hpp"
#include "pipeline/history_builder.hpp"
#include "protocol/server_events.hpp"
#include "util/ids.hpp"
#include "util/log.hpp"

namespace confab::session {
namespace events = protocol::events;

ResponseSlot::~ResponseSlot() {
    if (prefetch_) prefetch_->cancel();
    // A reply outliving its session must not call back into it.
    if (response_) {
        response_->detach();
        response_->cancel("session_closed");
    }
}

void ResponseSlot::send_error(std::string code, std::string message, std::string event_id) {
    log::info("error sent", {{"session", ctx_.session_id}, {"code", code}});
    ctx_.sink.send_event(events::error(
        protocol::ProtocolError{std::move(code), std::move(message), "", std::move(event_id)}));
}

void ResponseSlot::request(protocol::ResponseCreate params, pipeline::ResponseTimings timings,
                           bool transcripts_pending) {
    if (response_) {
        send_error("conversation_already_has_active_response",
                   "Conversation already has an active response in progress: " + response_->id() +
                       ". Wait until the response is finished before creating a new one.",
                   params.event_id);
        return;
    }
    if (transcripts_pending) {
        // The reply must see what the user said: wait for the transcript.
        deferred_.emplace(std::move(params), timings);
        return;
    }
    start(std::move(params), timings);
}

void ResponseSlot::transcripts_ready(const std::string& text, bool failed) {
    if (!deferred_) return;
    auto [params, timings] = std::move(*deferred_);
    deferred_.reset();
    const bool voice_turn = timings.speech_stopped.has_value();
    if (failed) {
        // A voice turn whose words are unknown gets no reply of its own; an
        // explicit request, or the turn before it still owed one, does.
        if (!voice_turn || reply_owed_) start(std::move(params), timings);
        discard_prefetch("transcription_failed");
        return;
    }
    timings.transcript_final = std::chrono::steady_clock::now();
    // Nothing was heard: no reply to a cough (a typed or explicit request still gets one),
    // unless the cough cut off the reply to what the user said before it.
    if (text.empty() && voice_turn) {
        if (!reply_owed_) {
            log::info("empty transcript: no response", {{"session", ctx_.session_id}});
            discard_prefetch("empty_transcript");
            return;
        }
        log::info("empty transcript after an unheard cancelled reply: answering the turn before it",
                  {{"session", ctx_.session_id}});
    }
    start(std::move(params), timings);
}

void ResponseSlot::interrupt() {
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
    if (deferred_ && deferred_->second.speech_stopped) {
        log::info("user resumed before the reply started: reply deferred to the end of the turn",
                  {{"session", ctx_.session_id}});
        deferred_.reset();
        reply_owed_ = true;
    }
}

bool ResponseSlot::cancel(const std::optional<std::string>& response_id) {
    if (!response_ || (response_id && *response_id != response_->id())) return false;
    response_->cancel("client_cancelled");
    return true;
}

engines::ChatRequest ResponseSlot::chat_request(const protocol::ResponseCreate& params,
                                                const std::string& unsaid_user_text) const {
    const auto& config = ctx_.session_config;
    const auto& server = ctx_.server_config;
    const pipeline::HistoryLimits limits{server.llm.max_history_turns,
                                         server.llm.max_history_chars};
    const auto max_output =
        params.max_output_tokens ? params.max_output_tokens : config.max_output_tokens;
    return pipeline::build_chat_request(
        ctx_.conversation, params.instructions.value_or(config.instructions), limits,
        max_output.value_or(server.llm.max_tokens), unsaid_user_text);
}

void ResponseSlot::prefetch(const std::string& user_text) {
    if (!ctx_.server_config.llm.prefetch || ctx_.engines.llm == nullptr || user_text.empty())
        return;
    if (response_ || deferred_) return;  // no reply could start at the end of this turn
    discard_prefetch("replaced");
    auto request = chat_request(protocol::ResponseCreate{}, user_text);
    request.session_key = ctx_.session_id;  // the backend's queue is fair across sessions
    prefetch_ = std::make_shared<pipeline::PrefetchedCompletion>(ctx_.strand, *ctx_.engines.llm,
                                                                 std::move(request));
    prefetch_->begin();
    log::debug("reply prefetched during a pause", {{"session", ctx_.session_id}});
}

void ResponseSlot::discard_prefetch(const char* reason) {
    if (!prefetch_) return;
    prefetch_->cancel();
    prefetch_.reset();
    count_prefetch("discarded");
    log::debug("prefetched reply discarded", {{"session", ctx_.session_id}, {"reason", reason}});
}

std::shared_ptr<pipeline::PrefetchedCompletion> ResponseSlot::take_prefetch(
    const engines::ChatRequest& request) {
    if (!prefetch_) return nullptr;
    auto taken = std::move(prefetch_);
    prefetch_.reset();
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

void ResponseSlot::count_prefetch(const char* outcome) {
    if (ctx_.engines.metrics != nullptr) ctx_.engines.metrics->llm_prefetches(outcome).inc();
}

void ResponseSlot::start(protocol::ResponseCreate params, pipeline::ResponseTimings timings) {
    if (ctx_.engines.llm == nullptr) {
        send_error("response_unavailable", "This server has no language model engine.",
                   params.event_id);
        return;
    }
    if (gate_ && !gate_(params.event_id)) {
        discard_prefetch("response_refused");
        return;
    }
    reply_owed_ = false;
    const auto& config = ctx_.session_config;
    pipeline::Response::Setup setup;
    setup.info.id = make_id("resp");
    setup.info.output_modalities = params.output_modalities.value_or(config.output_modalities);
    setup.info.voice = config.voice;
    setup.info.max_output_tokens =
        params.max_output_tokens ? params.max_output_tokens : config.max_output_tokens;
    setup.info.metadata = params.metadata;
    setup.info.out_of_band = params.out_of_band;
    setup.item_id = make_id("item");
    setup.request = chat_request(params, {});
    setup.prefetched = take_prefetch(setup.request);
    setup.voice = engines::SynthesisOptions{config.voice, config.speed};
    setup.session_key = ctx_.session_id;
    setup.timings = timings;
    setup.metrics = ctx_.engines.metrics;

    std::optional<std::string> previous;
    if (!params.out_of_band) {
        protocol::ConversationItem placeholder{setup.item_id, "assistant", "in_progress", {}};
        auto inserted = ctx_.conversation.insert(placeholder, std::nullopt);
        for (const auto& evicted : inserted.evicted)
            ctx_.sink.send_event(events::conversation_item_deleted(evicted));
        previous = inserted.previous_item_id;
    }
    response_ = std::make_shared<pipeline::Response>(ctx_.strand, ctx_.sink, *ctx_.engines.llm,
                                                     ctx_.engines.tts, this, std::move(setup));
    response_->start(previous);
    if (on_started_) on_started_();
}

void ResponseSlot::on_response_done(pipeline::Response& response) {
    if (auto* item = ctx_.conversation.find(response.item().id)) {
        *item = response.item();
        for (const auto& evicted : ctx_.conversation.enforce_bounds(item->id))
            ctx_.sink.send_event(events::conversation_item_deleted(evicted));
    }
    if (on_done_) on_done_(response);
    if (response_.get() == &response) {
        // Released after this handler returns: the response may still be on the stack.
        boost::asio::post(ctx_.strand, [keep = std::move(response_)] {});
    }
    if (on_idle_) on_idle_();
}

}  // namespace confab::session
