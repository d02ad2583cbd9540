// Builders for the server events about the session, the input audio buffer
// and the conversation. Each returns the whole event object, event_id
// included; response events live in response_events.hpp.
#pragma once
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

#include "protocol/conversation_item.hpp"
#include "protocol/protocol_error.hpp"
#include "protocol/session_config.hpp"

namespace confab::protocol::events {

boost::json::object make_event(std::string_view type);

boost::json::object error(const ProtocolError& e);
boost::json::object session_created(const SessionConfig& config, const std::string& session_id);
boost::json::object session_updated(const SessionConfig& config, const std::string& session_id);
// Confab extensions of session resumption (docs/protocol.md): the parked
// conversation was restored, with `item_count` items; the token to resume
// this session with, valid `expires_in` after the connection drops.
// response_restarted: the reply that died with the session's node is made again.
boost::json::object session_resumed(std::size_t item_count, bool response_restarted = false);
// confab.pong: answers the confab.ping `ping_event_id`, echoing its sent_at_ms.
boost::json::object confab_pong(const std::string& ping_event_id,
                                std::optional<long long> sent_at_ms);
boost::json::object session_resume_token(const std::string& token,
                                         std::chrono::milliseconds expires_in);

boost::json::object input_audio_buffer_committed(
    const std::string& item_id, const std::optional<std::string>& previous_item_id);
boost::json::object input_audio_buffer_cleared();
boost::json::object input_audio_buffer_speech_started(int audio_start_ms,
                                                      const std::string& item_id);
boost::json::object input_audio_buffer_speech_stopped(int audio_end_ms, const std::string& item_id);
// server_vad's idle_timeout_ms ran out: the silence from audio_start_ms
// (where the last response's audio ended playing) to audio_end_ms is
// committed as item_id.
boost::json::object input_audio_buffer_timeout_triggered(int audio_start_ms, int audio_end_ms,
                                                         const std::string& item_id);

boost::json::object conversation_item_added(const ConversationItem& item,
                                            const std::optional<std::string>& previous_item_id);
boost::json::object conversation_item_done(const ConversationItem& item,
                                           const std::optional<std::string>& previous_item_id);
boost::json::object conversation_item_retrieved(const ConversationItem& item);
boost::json::object conversation_item_deleted(const std::string& item_id);
boost::json::object conversation_item_truncated(const std::string& item_id, int content_index,
                                                int audio_end_ms);

boost::json::object transcription_delta(const std::string& item_id, const std::string& delta);
boost::json::object transcription_completed(const std::string& item_id,
                                            const std::string& transcript);
boost::json::object transcription_failed(const std::string& item_id, const ProtocolError& e);
// Confab extension: reply audio shed for a client too slow to read it.
boost::json::object output_audio_dropped(const std::string& response_id, std::size_t chunks,
                                         std::size_t bytes);
// The `error.code` of an `error` event ("unknown" if it has none); nullopt for other events.
std::optional<std::string_view> error_code_of(const boost::json::object& event);
// `limits` is an array of {name, limit, remaining, reset_seconds}.
boost::json::object rate_limits_updated(boost::json::array limits);

}  // namespace confab::protocol::events
