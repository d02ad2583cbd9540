// RealtimeSession's voice turns: what it says and does as speech input
// reports each turn (SpeechInput::Listener). Split from realtime_session.cpp,
// which handles the client's events.
#include "metrics/metrics.hpp"
#include "protocol/server_events.hpp"
#include "session/realtime_session.hpp"
#include "util/log.hpp"

namespace confab::session {
namespace events = protocol::events;

ReplyScheduler::Reply RealtimeSession::voice_reply() const {
    const bool create = config_.turn_detection && config_.turn_detection->create_response;
    return create ? ReplyScheduler::Reply::create : ReplyScheduler::Reply::none;
}

void RealtimeSession::on_speech_started(pipeline::UserTurn& turn) {
    if (config_.turn_detection)
        input_audio_.keep_tail(
            pipeline::TurnDetector::history_ms(config_.turn_detection->prefix_padding_ms));
    sink_.send_event(
        events::input_audio_buffer_speech_started(turn.audio_start_ms, turn.item_id()));
    // Barge-in: the user's voice stops the reply within this very frame.
    const bool interrupt = config_.turn_detection && config_.turn_detection->interrupt_response;
    std::optional<std::chrono::steady_clock::time_point> barge_in;
    const auto* active = replies_.active();
    if (interrupt && active != nullptr && !active->finished())
        barge_in = std::chrono::steady_clock::now();
    replies_.turn_started(interrupt ? ReplyScheduler::BargeIn::yes : ReplyScheduler::BargeIn::no);
    idle_.stop();  // the user is not idle
    observer_.speech_started(turn.onset_delay_ms, barge_in);
}

void RealtimeSession::on_speech_stopped(std::shared_ptr<pipeline::UserTurn> turn) {
    sink_.send_event(
        events::input_audio_buffer_speech_stopped(turn->audio_end_ms, turn->item_id()));
    observer_.speech_stopped(turn->end_of_turn_ms);
    // The audio is already on its way to the recognizer: commit without a second pass.
    const int audio_ms = input_audio_.duration_ms();
    input_audio_.clear();
    commit_turn(turn, audio_ms, "", voice_reply());
    // After the commit: a failed turn is then handled like any other (no
    // reply of its own, unless one is owed).
    if (turn->early_failure()) on_transcript_failed(*turn, *turn->early_failure());
}

// The reply may be asked for while the turn detector still waits out the
// silence; the scheduler decides.
void RealtimeSession::on_pause_transcript(pipeline::UserTurn& turn, const std::string& text) {
    replies_.turn_paused(turn, text, voice_reply());
}

void RealtimeSession::on_speech_resumed(pipeline::UserTurn& turn) {
    replies_.turn_resumed(turn, "speech_resumed");
}

void RealtimeSession::on_audio_dropped(pipeline::UserTurn& turn, int dropped_ms) {
    protocol::ProtocolError err{"input_audio_dropped",
                                "The speech recognizer is behind: " + std::to_string(dropped_ms) +
                                    " ms of this turn's audio (and any more refused in the turn) "
                                    "will not be transcribed.",
                                "", ""};
    err.type = "server_error";
    log::info("error sent", {{"session", id_}, {"code", err.code}, {"item", turn.item_id()}});
    sink_.send_event(events::error(err));
}

void RealtimeSession::on_transcript_partial(pipeline::UserTurn& turn, const std::string& text) {
    const std::string& previous = turn.partial();
    // Deltas extend what was said; a partial that rewrites earlier words is
    // not sent as a delta (the completed transcript will correct it).
    if (text.size() > previous.size() && text.compare(0, previous.size(), previous) == 0) {
        sink_.send_event(events::transcription_delta(turn.item_id(), text.substr(previous.size())));
        turn.set_partial(text);
    }
}

void RealtimeSession::on_transcript_final(pipeline::UserTurn& turn, const std::string& text) {
    if (!turn.awaiting_transcript()) return;
    turn.finish(text);
    observer_.transcript_final();
    if (auto* item = conversation_.find(turn.item_id())) {
        item->content.front().transcript = text;
        conversation_.changed(turn.item_id());
        sink_.send_event(events::transcription_completed(turn.item_id(), text));
        sink_.send_event(events::conversation_item_done(*item, std::nullopt));
    }
    transcribed(turn);
}

void RealtimeSession::on_transcript_failed(pipeline::UserTurn& turn, const std::string& message) {
    if (turn.transcript() == pipeline::UserTurn::Transcript::streaming) {
        turn.fail_early(message);  // reported when the turn is committed
        return;
    }
    if (!turn.awaiting_transcript()) return;
    turn.fail(message);
    protocol::ProtocolError err{"transcription_failed", message, "", ""};
    err.type = "server_error";
    sink_.send_event(events::transcription_failed(turn.item_id(), err));
    if (auto* item = conversation_.find(turn.item_id()))
        sink_.send_event(events::conversation_item_done(*item, std::nullopt));
    transcribed(turn);
}

void RealtimeSession::transcribed(pipeline::UserTurn& turn) {
    // The caller holds the turn (speech input's callback, or on_speech_stopped).
    std::erase_if(transcribing_, [&](const auto& t) { return t.get() == &turn; });
    replies_.turn_transcribed(turn);
}

}  // namespace confab::session
