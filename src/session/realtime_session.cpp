#include "session/realtime_session.hpp"

#include "protocol/client_event_parser.hpp"
#include "protocol/server_events.hpp"
#include "protocol/session_config_codec.hpp"
#include "util/ids.hpp"
#include "util/log.hpp"

namespace confab::session {
namespace events = protocol::events;

RealtimeSession::RealtimeSession(boost::asio::any_io_executor strand, const Config& config,
                                 const protocol::SessionConstraints& constraints, EventSink& sink, std::string id,
                                 std::string model)
    : strand_(std::move(strand)),
      server_config_(config),
      constraints_(constraints),
      sink_(sink),
      id_(std::move(id)),
      conversation_(static_cast<std::size_t>(config.limits.max_conversation_items),
                    config.limits.max_conversation_chars),
      input_audio_(config.limits.max_input_audio_ms) {
    config_.model = std::move(model);
    config_.voice = config.tts.voice;
    config_.speed = config.tts.speed;
    config_.transcription_model = constraints.transcription_models.front();
}

RealtimeSession::~RealtimeSession() = default;

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

bool RealtimeSession::busy() const { return false; }

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
    protocol::ConversationItem item{make_id("item"), "user", "completed", {}};
    item.content.push_back(protocol::ContentPart{"input_audio", "", std::nullopt, input_audio_.duration_ms()});
    input_audio_.clear();
    const auto previous = conversation_.last_id();
    sink_.send_event(events::input_audio_buffer_committed(item.id, previous));
    add_item(std::move(item), std::nullopt, ev.event_id);
}

void RealtimeSession::on(protocol::InputAudioClear&) {
    input_audio_.clear();
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
    part.audio_ms = ev.audio_end_ms;
    sink_.send_event(events::conversation_item_truncated(ev.item_id, ev.content_index, ev.audio_end_ms));
}

void RealtimeSession::on(protocol::ResponseCreate& ev) {
    send_error("response_unavailable", "Responses are not available yet.", "", ev.event_id);
}

void RealtimeSession::on(protocol::ResponseCancel& ev) {
    send_error("response_cancel_not_active", "There is no active response to cancel.", "", ev.event_id);
}

}  // namespace confab::session
