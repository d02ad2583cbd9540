#include "protocol/server_events.hpp"

#include <cstdint>

#include "protocol/session_config_codec.hpp"
#include "util/ids.hpp"

namespace confab::protocol::events {
namespace json = boost::json;

namespace {
json::value optional_id(const std::optional<std::string>& id) {
    return id ? json::value(*id) : json::value(nullptr);
}
}  // namespace

json::object make_event(std::string_view type) {
    return {{"type", type}, {"event_id", make_id("event")}};
}

json::object error(const ProtocolError& e) {
    auto ev = make_event("error");
    ev["error"] = json::object{
        {"type", e.type},
        {"code", e.code},
        {"message", e.message},
        {"param", e.param.empty() ? json::value(nullptr) : json::value(e.param)},
        {"event_id", e.event_id.empty() ? json::value(nullptr) : json::value(e.event_id)}};
    return ev;
}

json::object output_audio_dropped(const std::string& response_id, std::size_t chunks,
                                  std::size_t bytes) {
    auto ev = make_event("confab.output_audio.dropped");
    ev["response_id"] = response_id;
    ev["reason"] = "client_too_slow";
    ev["dropped_chunks"] = chunks;
    ev["dropped_bytes"] = bytes;
    return ev;
}

std::optional<std::string_view> error_code_of(const json::object& event) {
    const auto* type = event.if_contains("type");
    if (type == nullptr || !type->is_string() || type->get_string() != "error") return std::nullopt;
    const auto* error = event.if_contains("error");
    const auto* code =
        error != nullptr && error->is_object() ? error->get_object().if_contains("code") : nullptr;
    if (code != nullptr && code->is_string()) return std::string_view(code->get_string());
    return std::string_view("unknown");
}

json::object rate_limits_updated(json::array limits) {
    auto ev = make_event("rate_limits.updated");
    ev["rate_limits"] = std::move(limits);
    return ev;
}

json::object session_created(const SessionConfig& config, const std::string& session_id) {
    auto ev = make_event("session.created");
    ev["session"] = session_to_json(config, session_id);
    return ev;
}

json::object session_updated(const SessionConfig& config, const std::string& session_id) {
    auto ev = make_event("session.updated");
    ev["session"] = session_to_json(config, session_id);
    return ev;
}

json::object confab_pong(const std::string& ping_event_id, std::optional<long long> sent_at_ms) {
    auto ev = make_event("confab.pong");
    ev["ping_event_id"] = ping_event_id;
    if (sent_at_ms) ev["sent_at_ms"] = *sent_at_ms;
    return ev;
}

json::object session_resumed(std::size_t item_count, bool response_restarted) {
    auto ev = make_event("confab.session.resumed");
    ev["item_count"] = static_cast<std::int64_t>(item_count);  // signed, like every count we send
    if (response_restarted) ev["response_restarted"] = true;
    return ev;
}

json::object session_resume_token(const std::string& token, std::chrono::milliseconds expires_in) {
    auto ev = make_event("confab.session.resume_token");
    ev["token"] = token;
    ev["expires_in_ms"] = expires_in.count();
    return ev;
}

json::object input_audio_buffer_committed(const std::string& item_id,
                                          const std::optional<std::string>& previous_item_id) {
    auto ev = make_event("input_audio_buffer.committed");
    ev["previous_item_id"] = optional_id(previous_item_id);
    ev["item_id"] = item_id;
    return ev;
}

json::object input_audio_buffer_cleared() {
    return make_event("input_audio_buffer.cleared");
}

json::object input_audio_buffer_speech_started(int audio_start_ms, const std::string& item_id) {
    auto ev = make_event("input_audio_buffer.speech_started");
    ev["audio_start_ms"] = audio_start_ms;
    ev["item_id"] = item_id;
    return ev;
}

json::object input_audio_buffer_speech_stopped(int audio_end_ms, const std::string& item_id) {
    auto ev = make_event("input_audio_buffer.speech_stopped");
    ev["audio_end_ms"] = audio_end_ms;
    ev["item_id"] = item_id;
    return ev;
}

json::object input_audio_buffer_timeout_triggered(int audio_start_ms, int audio_end_ms,
                                                  const std::string& item_id) {
    auto ev = make_event("input_audio_buffer.timeout_triggered");
    ev["audio_start_ms"] = audio_start_ms;
    ev["audio_end_ms"] = audio_end_ms;
    ev["item_id"] = item_id;
    return ev;
}

json::object conversation_item_added(const ConversationItem& item,
                                     const std::optional<std::string>& previous_item_id) {
    auto ev = make_event("conversation.item.added");
    ev["previous_item_id"] = optional_id(previous_item_id);
    ev["item"] = item_to_json(item);
    return ev;
}

json::object conversation_item_done(const ConversationItem& item,
                                    const std::optional<std::string>& previous_item_id) {
    auto ev = make_event("conversation.item.done");
    ev["previous_item_id"] = optional_id(previous_item_id);
    ev["item"] = item_to_json(item);
    return ev;
}

json::object conversation_item_retrieved(const ConversationItem& item) {
    auto ev = make_event("conversation.item.retrieved");
    ev["item"] = item_to_json(item);
    return ev;
}

json::object conversation_item_deleted(const std::string& item_id) {
    auto ev = make_event("conversation.item.deleted");
    ev["item_id"] = item_id;
    return ev;
}

json::object conversation_item_truncated(const std::string& item_id, int content_index,
                                         int audio_end_ms) {
    auto ev = make_event("conversation.item.truncated");
    ev["item_id"] = item_id;
    ev["content_index"] = content_index;
    ev["audio_end_ms"] = audio_end_ms;
    return ev;
}

json::object transcription_delta(const std::string& item_id, const std::string& delta) {
    auto ev = make_event("conversation.item.input_audio_transcription.delta");
    ev["item_id"] = item_id;
    ev["content_index"] = 0;
    ev["delta"] = delta;
    return ev;
}

json::object transcription_completed(const std::string& item_id, const std::string& transcript) {
    auto ev = make_event("conversation.item.input_audio_transcription.completed");
    ev["item_id"] = item_id;
    ev["content_index"] = 0;
    ev["transcript"] = transcript;
    return ev;
}

json::object transcription_failed(const std::string& item_id, const ProtocolError& e) {
    auto ev = make_event("conversation.item.input_audio_transcription.failed");
    ev["item_id"] = item_id;
    ev["content_index"] = 0;
    ev["error"] = json::object{
        {"type", e.type}, {"code", e.code}, {"message", e.message}, {"param", nullptr}};
    return ev;
}

}  // namespace confab::protocol::events
