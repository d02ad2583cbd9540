#include "session/realtime_session.hpp"

#include <boost/asio/post.hpp>

#include "pipeline/history_builder.hpp"
#include "protocol/client_event_parser.hpp"
#include "protocol/server_events.hpp"
#include "protocol/session_config_codec.hpp"
#include "util/ids.hpp"
#include "util/log.hpp"

namespace confab::session {
namespace events = protocol::events;

RealtimeSession::RealtimeSession(boost::asio::any_io_executor strand, const Config& config,
                                 const protocol::SessionConstraints& constraints, const pipeline::Engines& engines,
                                 EventSink& sink, std::string id, std::string model)
    : strand_(std::move(strand)),
      server_config_(config),
      constraints_(constraints),
      engines_(engines),
      sink_(sink),
      id_(std::move(id)),
      conversation_(static_cast<std::size_t>(config.limits.max_conversation_items),
                    config.limits.max_conversation_chars),
      input_audio_(config.limits.max_input_audio_ms),
      observer_(engines.metrics) {
    config_.model = std::move(model);
    config_.voice = config.tts.voice;
    config_.speed = config.tts.speed;
    config_.transcription_model = constraints.transcription_models.front();
    if (engines_.make_vad) {
        speech_ = std::make_unique<pipeline::SpeechInput>(strand_, engines_, *this, id_, config.limits.max_input_audio_ms);
        apply_turn_detection();
    }
}

RealtimeSession::~RealtimeSession() {
    // A reply outliving its session must not call back into it.
    if (response_) {
        response_->detach();
        response_->cancel("session_closed");
    }
}

void RealtimeSession::apply_turn_detection() {
    if (!speech_) return;
    if (!config_.turn_detection) {
        speech_->configure(std::nullopt);
        return;
    }
    pipeline::TurnDetector::Params p;
    p.threshold = config_.turn_detection->threshold;
    p.prefix_padding_ms = config_.turn_detection->prefix_padding_ms;
    p.silence_duration_ms = config_.turn_detection->silence_duration_ms;
    speech_->configure(p);
}

void RealtimeSession::start() { sink_.send_event(events::session_created(config_, id_)); }

void RealtimeSession::handle_text(std::string_view frame) {
    const protocol::ParseLimits limits{server_config_.limits.max_item_text_chars};
    auto parsed = protocol::parse_client_event(frame, limits);
    if (auto* err = std::get_if<protocol::ProtocolError>(&parsed)) {
        log::info("client event refused", {{"session", id_}, {"code", err->code}, {"param", err->param}});
        sink_.send_event(events::error(*err));
        return;
    }
    handle(std::move(std::get<protocol::ClientEvent>(parsed)));
}

void RealtimeSession::handle(protocol::ClientEvent event) {
    std::visit([this](auto& ev) { on(ev); }, event);
}

void RealtimeSession::notify_shutdown() {
    send_error("server_shutting_down", "The server is shutting down; reconnect to continue.", "", "");
}

bool RealtimeSession::busy() const { return response_ != nullptr; }

void RealtimeSession::send_error(std::string code, std::string message, std::string param, std::string event_id) {
    log::info("error sent", {{"session", id_}, {"code", code}});
    sink_.send_event(events::error(protocol::ProtocolError{std::move(code), std::move(message), std::move(param),
                                                           std::move(event_id)}));
}

void RealtimeSession::on(protocol::SessionUpdate& ev) {
    if (auto err = protocol::apply_session_update(ev.session, constraints_, ev.event_id, config_)) {
        sink_.send_event(events::error(*err));
        return;
    }
    apply_turn_detection();
    sink_.send_event(events::session_updated(config_, id_));
}

void RealtimeSession::on(protocol::InputAudioAppend& ev) {
    if (!input_audio_.append(ev.samples)) {
        const int chunk_ms = static_cast<int>(ev.samples.size() * 1000 / InputAudioBuffer::kSampleRate);
        send_error("input_audio_buffer_full",
                   "The input audio buffer holds " + std::to_string(input_audio_.duration_ms()) +
                       " ms; appending " + std::to_string(chunk_ms) + " ms would exceed its limit of " +
                       std::to_string(input_audio_.max_ms()) +
                       " ms, so this chunk was refused. Commit or clear the buffer.",
                   "audio", ev.event_id);
        return;
    }
    input_audio_total_ms_ += static_cast<int>(ev.samples.size() * 1000 / InputAudioBuffer::kSampleRate);
    observer_.audio_in(ev.samples.size());
    if (speech_ && speech_->detecting()) {
        speech_->push(ev.samples);
        // Between turns only the prefix padding is worth keeping.
        const bool in_turn = !speaking_item_.empty();
        if (!in_turn) input_audio_.keep_tail(config_.turn_detection->prefix_padding_ms + 200);
    }
}

void RealtimeSession::on(protocol::InputAudioCommit& ev) {
    if (input_audio_.duration_ms() < 100) {
        send_error("input_audio_buffer_commit_empty",
                   "Error committing input audio buffer: buffer too small. Expected at least 100ms of audio, but "
                   "buffer only has " +
                       std::to_string(input_audio_.duration_ms()) + "ms of audio.",
                   "", ev.event_id);
        return;
    }
    commit_audio(make_id("item"), ev.event_id, true);
}

void RealtimeSession::commit_audio(const std::string& item_id, const std::string& event_id, bool transcribe_now) {
    protocol::ConversationItem item{item_id, "user", "completed", {}};
    item.content.push_back(protocol::ContentPart{"input_audio", "", std::nullopt, input_audio_.duration_ms(), {}});
    const auto audio = input_audio_.take();
    observer_.turn_committed();
    const auto previous = conversation_.last_id();
    sink_.send_event(events::input_audio_buffer_committed(item.id, previous));
    const bool transcribing = speech_ && engines_.stt != nullptr && config_.transcription_model.has_value();
    if (!transcribing) {
        add_item(std::move(item), std::nullopt, event_id);
        return;
    }
    // The item is done once its transcript is in; until then it is only added.
    auto inserted = conversation_.insert(item, std::nullopt);
    for (const auto& evicted : inserted.evicted) sink_.send_event(events::conversation_item_deleted(evicted));
    sink_.send_event(events::conversation_item_added(item, inserted.previous_item_id));
    pending_transcripts_.insert(item_id);
    if (transcribe_now) speech_->transcribe(item_id, audio);
}

void RealtimeSession::on(protocol::InputAudioClear&) {
    input_audio_.clear();
    if (speech_) speech_->clear();
    speaking_item_.clear();
    sink_.send_event(events::input_audio_buffer_cleared());
}

void RealtimeSession::add_item(protocol::ConversationItem item, const std::optional<std::string>& previous_item_id,
                               const std::string& event_id) {
    auto inserted = conversation_.insert(item, previous_item_id);
    using Status = Conversation::InsertStatus;
    if (inserted.status == Status::unknown_previous) {
        send_error("item_not_found", "previous_item_id '" + previous_item_id.value_or("") + "' does not exist.",
                   "previous_item_id", event_id);
        return;
    }
    if (inserted.status == Status::duplicate_id) {
        send_error("duplicate_item_id", "An item with id '" + item.id + "' already exists.", "item.id", event_id);
        return;
    }
    for (const auto& evicted : inserted.evicted) {
        log::info("conversation bound reached: oldest item evicted", {{"session", id_}, {"item", evicted}});
        sink_.send_event(events::conversation_item_deleted(evicted));
    }
    sink_.send_event(events::conversation_item_added(item, inserted.previous_item_id));
    sink_.send_event(events::conversation_item_done(item, inserted.previous_item_id));
}

void RealtimeSession::on(protocol::ItemCreate& ev) {
    if (ev.item.id.empty()) ev.item.id = make_id("item");
    add_item(std::move(ev.item), ev.previous_item_id, ev.event_id);
}

void RealtimeSession::on(protocol::ItemDelete& ev) {
    if (!conversation_.remove(ev.item_id)) {
        send_error("item_not_found", "Item '" + ev.item_id + "' does not exist.", "item_id", ev.event_id);
        return;
    }
    sink_.send_event(events::conversation_item_deleted(ev.item_id));
}

void RealtimeSession::on(protocol::ItemRetrieve& ev) {
    const auto* item = conversation_.find(ev.item_id);
    if (item == nullptr) {
        send_error("item_not_found", "Item '" + ev.item_id + "' does not exist.", "item_id", ev.event_id);
        return;
    }
    sink_.send_event(events::conversation_item_retrieved(*item));
}

void RealtimeSession::on(protocol::ItemTruncate& ev) {
    auto* item = conversation_.find(ev.item_id);
    if (item == nullptr) {
        send_error("item_not_found", "Item '" + ev.item_id + "' does not exist.", "item_id", ev.event_id);
        return;
    }
    if (item->role != "assistant") {
        send_error("invalid_value", "Only assistant messages can be truncated.", "item_id", ev.event_id);
        return;
    }
    if (ev.content_index < 0 || static_cast<std::size_t>(ev.content_index) >= item->content.size()) {
        send_error("invalid_value", "content_index " + std::to_string(ev.content_index) + " does not exist.",
                   "content_index", ev.event_id);
        return;
    }
    auto& part = item->content[static_cast<std::size_t>(ev.content_index)];
    if (part.type != "output_audio") {
        send_error("invalid_value", "Only audio content can be truncated.", "content_index", ev.event_id);
        return;
    }
    if (ev.audio_end_ms > part.audio_ms) {
        send_error("invalid_value",
                   "audio_end_ms " + std::to_string(ev.audio_end_ms) + " is past the audio's end (" +
                       std::to_string(part.audio_ms) + " ms).",
                   "audio_end_ms", ev.event_id);
        return;
    }
    protocol::truncate_audio_part(part, ev.audio_end_ms);
    sink_.send_event(events::conversation_item_truncated(ev.item_id, ev.content_index, ev.audio_end_ms));
}

void RealtimeSession::on(protocol::ResponseCreate& ev) {
    pipeline::ResponseTimings timings;
    request_response(std::move(ev), timings);
}

void RealtimeSession::on(protocol::ResponseCancel& ev) {
    if (!response_ || (ev.response_id && *ev.response_id != response_->id())) {
        send_error("response_cancel_not_active", "There is no active response to cancel.", "response_id",
                   ev.event_id);
        return;
    }
    response_->cancel("client_cancelled");
}

// ---- voice turns (SpeechInput::Listener) ----

std::string RealtimeSession::on_speech_started(int audio_start_ms) {
    speaking_item_ = make_id("item");
    input_audio_.keep_tail(config_.turn_detection ? config_.turn_detection->prefix_padding_ms + 200 : 0);
    sink_.send_event(events::input_audio_buffer_speech_started(audio_start_ms, speaking_item_));
    // Barge-in: the user's voice stops the reply within this very frame.
    const auto cancel_began = std::chrono::steady_clock::now();
    std::optional<std::chrono::steady_clock::time_point> barge_in;
    if (config_.turn_detection && config_.turn_detection->interrupt_response) {
        if (response_ && !response_->finished()) barge_in = cancel_began;
        if (response_) response_->cancel("turn_detected");
        // A reply still waiting for the last turn's transcript would start
        // over the user: they resumed, so the turn goes on and the reply is
        // asked for again when it ends (with both parts in the history).
        if (deferred_response_ && deferred_response_->second.speech_stopped) {
            log::info("user resumed before the reply started: reply deferred to the end of the turn",
                      {{"session", id_}});
            deferred_response_.reset();
        }
    }
    observer_.speech_started(speech_->last_onset_delay_ms(), barge_in);
    return speaking_item_;
}

void RealtimeSession::on_speech_stopped(const std::string& item_id, int audio_end_ms) {
    sink_.send_event(events::input_audio_buffer_speech_stopped(audio_end_ms, item_id));
    turn_timings_ = pipeline::ResponseTimings{};
    turn_timings_.speech_stopped = std::chrono::steady_clock::now();
    turn_timings_.speech_ended = *turn_timings_.speech_stopped - std::chrono::milliseconds(speech_->last_end_of_turn_ms());
    observer_.speech_stopped(speech_->last_end_of_turn_ms());
    speaking_item_.clear();
    // The audio is already on its way to the recognizer: commit without a second pass.
    commit_audio(item_id, "", false);
    if (config_.turn_detection && config_.turn_detection->create_response) {
        request_response(protocol::ResponseCreate{}, turn_timings_);
    }
}

void RealtimeSession::on_transcript_partial(const std::string& item_id, const std::string& text) {
    std::string& previous = partials_[item_id];
    // Deltas extend what was said; a partial that rewrites earlier words is
    // not sent as a delta (the completed transcript will correct it).
    if (text.size() > previous.size() && text.compare(0, previous.size(), previous) == 0) {
        sink_.send_event(events::transcription_delta(item_id, text.substr(previous.size())));
        previous = text;
    }
}

void RealtimeSession::on_transcript_final(const std::string& item_id, const std::string& text) {
    partials_.erase(item_id);
    if (pending_transcripts_.erase(item_id) == 0) return;
    observer_.transcript_final();
    if (auto* item = conversation_.find(item_id)) {
        item->content.front().transcript = text;
        sink_.send_event(events::transcription_completed(item_id, text));
        sink_.send_event(events::conversation_item_done(*item, std::nullopt));
    }
    if (deferred_response_ && pending_transcripts_.empty()) {
        auto [params, timings] = std::move(*deferred_response_);
        deferred_response_.reset();
        timings.transcript_final = std::chrono::steady_clock::now();
        // Nothing was heard: no reply to a cough (a typed or explicit request still gets one).
        if (text.empty() && timings.speech_stopped) {
            log::info("empty transcript: no response", {{"session", id_}, {"item", item_id}});
            return;
        }
        start_response(std::move(params), timings);
    }
}

void RealtimeSession::on_transcript_failed(const std::string& item_id, const std::string& message) {
    partials_.erase(item_id);
    if (pending_transcripts_.erase(item_id) == 0) return;
    protocol::ProtocolError err{"transcription_failed", message, "", ""};
    err.type = "server_error";
    sink_.send_event(events::transcription_failed(item_id, err));
    if (auto* item = conversation_.find(item_id)) sink_.send_event(events::conversation_item_done(*item, std::nullopt));
    if (deferred_response_ && pending_transcripts_.empty()) {
        auto [params, timings] = std::move(*deferred_response_);
        deferred_response_.reset();
        if (!timings.speech_stopped) start_response(std::move(params), timings);
    }
}

// ---- responses ----

void RealtimeSession::request_response(protocol::ResponseCreate params, pipeline::ResponseTimings timings) {
    if (response_) {
        send_error("conversation_already_has_active_response",
                   "Conversation already has an active response in progress: " + response_->id() +
                       ". Wait until the response is finished before creating a new one.",
                   "", params.event_id);
        return;
    }
    if (!pending_transcripts_.empty()) {
        // The reply must see what the user said: wait for the transcript.
        deferred_response_.emplace(std::move(params), timings);
        return;
    }
    start_response(std::move(params), timings);
}

void RealtimeSession::start_response(protocol::ResponseCreate params, pipeline::ResponseTimings timings) {
    if (engines_.llm == nullptr) {
        send_error("response_unavailable", "This server has no language model engine.", "", params.event_id);
        return;
    }
    pipeline::Response::Setup setup;
    setup.info.id = make_id("resp");
    setup.info.output_modalities = params.output_modalities.value_or(config_.output_modalities);
    setup.info.voice = config_.voice;
    setup.info.max_output_tokens = params.max_output_tokens ? params.max_output_tokens : config_.max_output_tokens;
    setup.info.metadata = params.metadata;
    setup.info.out_of_band = params.out_of_band;
    setup.item_id = make_id("item");
    const pipeline::HistoryLimits limits{server_config_.llm.max_history_turns, server_config_.llm.max_history_chars};
    const auto max_tokens = setup.info.max_output_tokens.value_or(server_config_.llm.max_tokens);
    setup.request = pipeline::build_chat_request(conversation_, params.instructions.value_or(config_.instructions),
                                                 limits, max_tokens);
    setup.voice = engines::SynthesisOptions{config_.voice, config_.speed};
    setup.session_key = id_;
    setup.timings = timings;
    setup.metrics = engines_.metrics;
    observer_.response_started();

    std::optional<std::string> previous;
    if (!params.out_of_band) {
        protocol::ConversationItem placeholder{setup.item_id, "assistant", "in_progress", {}};
        auto inserted = conversation_.insert(placeholder, std::nullopt);
        for (const auto& evicted : inserted.evicted) sink_.send_event(events::conversation_item_deleted(evicted));
        previous = inserted.previous_item_id;
    }
    response_ = std::make_shared<pipeline::Response>(strand_, sink_, *engines_.llm, engines_.tts, this, std::move(setup));
    response_->start(previous);
}

void RealtimeSession::on_response_done(pipeline::Response& response) {
    observer_.response_done(response);
    observer_.memory(conversation_.chars() + input_audio_.size() * sizeof(std::int16_t));
    if (auto* item = conversation_.find(response.item().id)) {
        *item = response.item();
        for (const auto& evicted : conversation_.enforce_bounds(item->id))
            sink_.send_event(events::conversation_item_deleted(evicted));
    }
    if (response_.get() == &response) {
        // Released after this handler returns: the response may still be on the stack.
        boost::asio::post(strand_, [keep = std::move(response_)] {});
    }
    if (on_idle_) on_idle_();
}

}  // namespace confab::session
