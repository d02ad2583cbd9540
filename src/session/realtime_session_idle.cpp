// RealtimeSession's idle timeout (server_vad's idle_timeout_ms): after a
// response, a user who says nothing for that long is prompted, as the
// Realtime API does it (input_audio_buffer.timeout_triggered, the silent
// buffer committed as a user item, a response). Split from
// realtime_session.cpp, which handles the client's events.
#include <string>

#include "protocol/server_events.hpp"
#include "session/realtime_session.hpp"
#include "util/ids.hpp"
#include "util/log.hpp"

namespace confab::session {
namespace events = protocol::events;

namespace {

// How long the response's audio takes to play: all of it that was sent.
std::chrono::milliseconds playback_of(const pipeline::Response& response) {
    int ms = 0;
    for (const auto& part : response.item().content)
        if (part.type == "output_audio") ms += part.audio_ms;
    return std::chrono::milliseconds(ms);
}

// A language model hears no silence: the prompt's instructions say what
// the Realtime model would have heard, so that it asks after the user
// rather than repeating itself.
std::string prompt_instructions(const std::string& instructions, int idle_timeout_ms) {
    return instructions + "\n\nThe user has said nothing for " +
           std::to_string(idle_timeout_ms / 1000) +
           " seconds since your last reply. In one short sentence, ask whether they are still "
           "there or invite them to go on.";
}

}  // namespace

void RealtimeSession::start_idle_timeout(const pipeline::Response& response) {
    const auto& td = config_.turn_detection;
    if (!td || td->type != protocol::TurnDetection::Type::server_vad || !td->idle_timeout_ms)
        return;
    // Without a VAD nothing would tell speech from silence; a user already
    // speaking (interrupt_response off) is not idle.
    if (!speech_ || !speech_->detecting() || speech_->turn_in_progress() != nullptr) return;
    idle_.start(playback_of(response), std::chrono::milliseconds(*td->idle_timeout_ms));
}

void RealtimeSession::on_idle_timeout(int audio_start_ms) {
    // Speech, a response starting and a turn_detection change stop the
    // count; a reply asked for and waiting for a transcript does not, and
    // it answers the user already.
    if (replies_.busy() || replies_.waiting() || speech_->turn_in_progress() != nullptr) return;
    const int idle_timeout_ms = config_.turn_detection->idle_timeout_ms.value_or(0);
    auto turn = std::make_shared<pipeline::UserTurn>(make_id("item"));
    log::info("idle timeout: prompting the user",
              {{"session", id_}, {"idle_timeout_ms", std::to_string(idle_timeout_ms)}});
    sink_.send_event(events::input_audio_buffer_timeout_triggered(
        audio_start_ms, speech_->stream_ms(), turn->item_id()));
    // The buffer (with server VAD, the audio kept before any turn) becomes
    // the user's item, as a commit between turns does.
    const int audio_ms = input_audio_.duration_ms();
    input_audio_.take();
    if (commit_turn(turn, audio_ms, "", ReplyScheduler::Reply::none))
        speech_->transcribe_history(turn, audio_ms);
    // create_response off: the client decides the replies, this one too.
    if (!config_.turn_detection->create_response) return;
    protocol::ResponseCreate prompt;
    prompt.instructions = prompt_instructions(config_.instructions, idle_timeout_ms);
    // An explicit request: it waits for the item's transcript, and an empty
    // one (the silence) does not cancel it as it would a voice turn's reply.
    replies_.request(std::move(prompt));
}

}  // namespace confab::session
