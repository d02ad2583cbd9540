#include "session/realtime_session.hpp"

#include <boost/asio/post.hpp>

#include "metrics/metrics.hpp"
#include "protocol/client_event_parser.hpp"
#include "protocol/server_events.hpp"
#include "protocol/session_config_codec.hpp"
#include "util/ids.hpp"
#include "util/log.hpp"

namespace confab::session {
namespace events = protocol::events;

RealtimeSession::RealtimeSession(boost::asio::any_io_executor strand, const Config& config,
                                 const protocol::SessionConstraints& constraints,
                                 const pool::EngineRefs& engines, pipeline::EventSink& sink,
                                 std::string id, std::string model)
    : strand_(std::move(strand)),
      server_config_(config),
      constraints_(constraints),
      engines_(engines),
      sink_(sink),
      id_(std::move(id)),
      conversation_(static_cast<std::size_t>(config.limits.max_conversation_items),
                    config.limits.max_conversation_chars),
      input_audio_(config.limits.max_input_audio_ms),
      rate_limits_(config.limits, std::chrono::steady_clock::now()),
      observer_(engines.metrics),
      responses_({strand_, config, engines, sink, id_, config_, conversation_}) {
    responses_.set_gate([this](const std::string& event_id) {
        if (auto refused = rate_limits_.admit_response(now_())) {
            refuse(*refused, "", event_id);
            return false;
        }
        return true;
    });
    responses_.on_started([this] {
        send_rate_limits();  // as the Realtime API does: the limits follow response.created
        observer_.response_started();
    });
    responses_.on_done([this](const pipeline::Response& response) {
        observer_.response_done(response);
        observer_.memory(memory_bytes());
    });
    config_.model = std::move(model);
    config_.voice = config.tts.voice;
    config_.speed = config.tts.speed;
    config_.transcription_model = constraints.transcription_models.front();
    if (engines_.make_vad) {
        speech_ = std::make_unique<pipeline::SpeechInput>(strand_, engines_, *this, id_,
                                                          config.limits.max_input_audio_ms);
        apply_turn_detection();
    }
}

RealtimeSession::~RealtimeSession() = default;

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

void RealtimeSession::start() {
    sink_.send_event(events::session_created(config_, id_));
}

void RealtimeSession::restore(ResumableSession state) {
    config_ = std::move(state.config);
    apply_turn_detection();
    for (auto& item : state.items) conversation_.insert(std::move(item), std::nullopt);
}

ResumableSession RealtimeSession::suspend() {
    responses_.cancel_active("session_closed");  // on_response_done stores what was sent
    return {config_, {conversation_.items().begin(), conversation_.items().end()}};
}

void RealtimeSession::handle_text(std::string_view frame) {
    // Charged before parsing: a flood is refused at the least cost.
    if (auto refused = rate_limits_.admit_event(now_())) {
        refuse(*refused, "", "");
        return;
    }
    const protocol::ParseLimits limits{server_config_.limits.max_item_text_chars};
    auto parsed = protocol::parse_client_event(frame, limits);
    if (auto* err = std::get_if<protocol::ProtocolError>(&parsed)) {
        log::info("client event refused",
                  {{"session", id_}, {"code", err->code}, {"param", err->param}});
        sink_.send_event(events::error(*err));
        return;
    }
    handle(std::move(std::get<protocol::ClientEvent>(parsed)));
}

void RealtimeSession::handle(protocol::ClientEvent event) {
    std::visit([this](auto& ev) { on(ev); }, event);
}

void RealtimeSession::notify_shutdown() {
    send_error("server_shutting_down", "The server is shutting down; reconnect to continue.", "",
               "");
}

std::size_t RealtimeSession::memory_bytes() const {
    constexpr std::size_t kPerItem = 256;  // ids, roles, part headers
    std::size_t bytes = conversation_.chars() + conversation_.items().size() * kPerItem;
    bytes += input_audio_.size() * sizeof(std::int16_t);
    for (const auto& [id, text] : partials_) bytes += id.size() + text.size();
    return bytes;
}

void RealtimeSession::refuse(const SessionRateLimits::Refusal& refusal, const std::string& param,
                             const std::string& event_id) {
    if (engines_.metrics != nullptr) engines_.metrics->rate_limit_hits(refusal.limit).inc();
    if (!refusal.report) return;  // coalesced: counted into the next report
    log::info("rate limit", {{"session", id_}, {"code", refusal.code}, {"limit", refusal.limit}});
    sink_.send_event(
        events::error(protocol::ProtocolError{refusal.code, refusal.message, param, event_id}));
    send_rate_limits();
}

void RealtimeSession::send_rate_limits() {
    sink_.send_event(events::rate_limits_updated(rate_limits_.snapshot(now_())));
}

void RealtimeSession::send_error(std::string code, std::string message, std::string param,
                                 std::string event_id) {
    log::info("error sent", {{"session", id_}, {"code", code}});
    sink_.send_event(events::error(protocol::ProtocolError{std::move(code), std::move(message),
                                                           std::move(param), std::move(event_id)}));
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
    const int chunk_ms = static_cast<int>(ev.samples.size() * 1000 / InputAudioBuffer::kSampleRate);
    if (auto refused = rate_limits_.admit_audio(chunk_ms, now_())) {
        refuse(*refused, "audio", ev.event_id);
        return;
    }
    if (!input_audio_.append(ev.samples)) {
        send_error("input_audio_buffer_full",
                   "The input audio buffer holds " + std::to_string(input_audio_.duration_ms()) +
                       " ms; appending " + std::to_string(chunk_ms) +
                       " ms would exceed its limit of " + std::to_string(input_audio_.max_ms()) +
                       " ms, so this chunk was refused. Commit or clear the buffer.",
                   "audio", ev.event_id);
        return;
    }
    input_audio_total_ms_ += chunk_ms;
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
                   "Error committing input audio buffer: buffer too small. Expected at least 100ms "
                   "of audio, but "
                   "buffer only has " +
                       std::to_string(input_audio_.duration_ms()) + "ms of audio.",
                   "", ev.event_id);
        return;
    }
    commit_audio(make_id("item"), ev.event_id, true);
}

void RealtimeSession::commit_audio(const std::string& item_id, const std::string& event_id,
                                   bool transcribe_now) {
    protocol::ConversationItem item{item_id, "user", "completed", {}};
    item.content.push_back(
        protocol::ContentPart{"input_audio", "", std::nullopt, input_audio_.duration_ms(), {}});
    const auto audio = input_audio_.take();
    observer_.turn_committed();
    const auto previous = conversation_.last_id();
    sink_.send_event(events::input_audio_buffer_committed(item.id, previous));
    const bool transcribing =
        speech_ && engines_.stt != nullptr && config_.transcription_model.has_value();
    if (!transcribing) {
        add_item(std::move(item), std::nullopt, event_id);
        return;
    }
    // The item is done once its transcript is in; until then it is only added.
    auto inserted = conversation_.insert(item, std::nullopt);
    for (const auto& evicted : inserted.evicted)
        sink_.send_event(events::conversation_item_deleted(evicted));
    sink_.send_event(events::conversation_item_added(item, inserted.previous_item_id));
    pending_transcripts_.insert(item_id);
    if (transcribe_now) speech_->transcribe(item_id, audio);
}

void RealtimeSession::on(protocol::InputAudioClear&) {
    input_audio_.clear();
    if (speech_) speech_->clear();
    speaking_item_.clear();
    failed_before_commit_.clear();
    responses_.discard_prefetch("buffer_cleared");
    sink_.send_event(events::input_audio_buffer_cleared());
}

void RealtimeSession::add_item(protocol::ConversationItem item,
                               const std::optional<std::string>& previous_item_id,
                               const std::string& event_id) {
    auto inserted = conversation_.insert(item, previous_item_id);
    using Status = pipeline::Conversation::InsertStatus;
    if (inserted.status == Status::unknown_previous) {
        send_error("item_not_found",
                   "previous_item_id '" + previous_item_id.value_or("") + "' does not exist.",
                   "previous_item_id", event_id);
        return;
    }
    if (inserted.status == Status::duplicate_id) {
        send_error("duplicate_item_id", "An item with id '" + item.id + "' already exists.",
                   "item.id", event_id);
        return;
    }
    for (const auto& evicted : inserted.evicted) {
        log::info("conversation bound reached: oldest item evicted",
                  {{"session", id_}, {"item", evicted}});
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
        send_error("item_not_found", "Item '" + ev.item_id + "' does not exist.", "item_id",
                   ev.event_id);
        return;
    }
    sink_.send_event(events::conversation_item_deleted(ev.item_id));
}

void RealtimeSession::on(protocol::ItemRetrieve& ev) {
    const auto* item = conversation_.find(ev.item_id);
    if (item == nullptr) {
        send_error("item_not_found", "Item '" + ev.item_id + "' does not exist.", "item_id",
                   ev.event_id);
        return;
    }
    sink_.send_event(events::conversation_item_retrieved(*item));
}

void RealtimeSession::on(protocol::ItemTruncate& ev) {
    auto* item = conversation_.find(ev.item_id);
    if (item == nullptr) {
        send_error("item_not_found", "Item '" + ev.item_id + "' does not exist.", "item_id",
                   ev.event_id);
        return;
    }
    if (item->role != "assistant") {
        send_error("invalid_value", "Only assistant messages can be truncated.", "item_id",
                   ev.event_id);
        return;
    }
    if (ev.content_index < 0 ||
        static_cast<std::size_t>(ev.content_index) >= item->content.size()) {
        send_error("invalid_value",
                   "content_index " + std::to_string(ev.content_index) + " does not exist.",
                   "content_index", ev.event_id);
        return;
    }
    auto& part = item->content[static_cast<std::size_t>(ev.content_index)];
    if (part.type != "output_audio") {
        send_error("invalid_value", "Only audio content can be truncated.", "content_index",
                   ev.event_id);
        return;
    }
    if (ev.audio_end_ms > part.audio_ms) {
        send_error("invalid_value",
                   "audio_end_ms " + std::to_string(ev.audio_end_ms) +
                       " is past the audio's end (" + std::to_string(part.audio_ms) + " ms).",
                   "audio_end_ms", ev.event_id);
        return;
    }
    protocol::truncate_audio_part(part, ev.audio_end_ms);
    sink_.send_event(
        events::conversation_item_truncated(ev.item_id, ev.content_index, ev.audio_end_ms));
}

void RealtimeSession::on(protocol::ResponseCreate& ev) {
    responses_.request(std::move(ev), pipeline::ResponseTimings{}, !pending_transcripts_.empty());
}

void RealtimeSession::on(protocol::ResponseCancel& ev) {
    if (!responses_.cancel(ev.response_id)) {
        send_error("response_cancel_not_active", "There is no active response to cancel.",
                   "response_id", ev.event_id);
    }
}

// ---- voice turns (SpeechInput::Listener) ----

std::string RealtimeSession::on_speech_started(int audio_start_ms) {
    speaking_item_ = make_id("item");
    // Asked for during a pause that was not the end of the turn after all.
    responses_.discard_prefetch("speech_started");
    input_audio_.keep_tail(config_.turn_detection ? config_.turn_detection->prefix_padding_ms + 200
                                                  : 0);
    sink_.send_event(events::input_audio_buffer_speech_started(audio_start_ms, speaking_item_));
    // Barge-in: the user's voice stops the reply within this very frame.
    std::optional<std::chrono::steady_clock::time_point> barge_in;
    if (config_.turn_detection && config_.turn_detection->interrupt_response) {
        const auto* active = responses_.active();
        if (active != nullptr && !active->finished()) barge_in = std::chrono::steady_clock::now();
        responses_.interrupt();
    }
    observer_.speech_started(speech_->last_onset_delay_ms(), barge_in);
    return speaking_item_;
}

void RealtimeSession::on_speech_stopped(const std::string& item_id, int audio_end_ms) {
    sink_.send_event(events::input_audio_buffer_speech_stopped(audio_end_ms, item_id));
    turn_timings_ = pipeline::ResponseTimings{};
    turn_timings_.speech_stopped = std::chrono::steady_clock::now();
    turn_timings_.speech_ended =
        *turn_timings_.speech_stopped - std::chrono::milliseconds(speech_->last_end_of_turn_ms());
    observer_.speech_stopped(speech_->last_end_of_turn_ms());
    speaking_item_.clear();
    // The audio is already on its way to the recognizer: commit without a second pass.
    commit_audio(item_id, "", false);
    if (config_.turn_detection && config_.turn_detection->create_response) {
        responses_.request(protocol::ResponseCreate{}, turn_timings_,
                           !pending_transcripts_.empty());
    }
    // After the request: a failed turn is then handled like any other (no
    // reply of its own, unless one is owed).
    if (auto failed = failed_before_commit_.extract(item_id))
        on_transcript_failed(item_id, failed.mapped());
}

// The reply is asked for while the turn detector still waits out the
// silence (ResponseSlot::prefetch); only for turns that will ask for one.
void RealtimeSession::on_pause_transcript(const std::string& item_id, const std::string& text) {
    if (item_id != speaking_item_ || !config_.turn_detection ||
        !config_.turn_detection->create_response)
        return;
    if (!server_config_.llm.prefetch || !rate_limits_.admit_prefetch(now_())) return;
    responses_.prefetch(text);
}

void RealtimeSession::on_speech_resumed(const std::string&) {
    responses_.discard_prefetch("speech_resumed");
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
    if (pending_transcripts_.empty()) responses_.transcripts_ready(text, false);
}

void RealtimeSession::on_transcript_failed(const std::string& item_id, const std::string& message) {
    partials_.erase(item_id);
    if (pending_transcripts_.erase(item_id) == 0) {
        if (item_id == speaking_item_) failed_before_commit_[item_id] = message;
        return;
    }
    protocol::ProtocolError err{"transcription_failed", message, "", ""};
    err.type = "server_error";
    sink_.send_event(events::transcription_failed(item_id, err));
    if (auto* item = conversation_.find(item_id))
        sink_.send_event(events::conversation_item_done(*item, std::nullopt));
    if (pending_transcripts_.empty()) responses_.transcripts_ready("", true);
}

}  // namespace confab::session
