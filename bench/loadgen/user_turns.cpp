#include "loadgen/user_turns.hpp"

#include <algorithm>
#include <boost/json.hpp>

#include "loadgen/json_access.hpp"

namespace confab::bench {
namespace json = boost::json;

namespace {

// Length of the PCM16 24 kHz audio in a base64 delta, without decoding it.
UserTurns::Ms base64_audio_length(std::string_view b64) {
    std::size_t bytes = b64.size() / 4 * 3;
    if (b64.ends_with("=="))
        bytes -= 2;
    else if (b64.ends_with("="))
        bytes -= 1;
    return UserTurns::Ms(static_cast<double>(bytes / 2) / (AudioLibrary::kRate / 1000.0));
}

double ms_between(UserTurns::TimePoint from, UserTurns::TimePoint to) {
    return UserTurns::Ms(to - from).count();
}

}  // namespace

UserTurns::UserTurns(const AudioLibrary& audio, BenchResults& results, Settings settings)
    : audio_(audio), results_(results), settings_(settings), rng_(settings.seed) {}

const std::string& UserTurns::next_frame(TimePoint now) {
    check_deadlines(now);
    sending_speech_ = false;
    if (phase_ == Phase::pause && now >= next_speech_at_) start_turn(now, false);
    // A turn's whole recording is sent: after its last voiced frame the user
    // waits for the reply, but the recording's quiet tail is still what its
    // microphone sends. (A turn exists only from start_turn() to settle().)
    if (!turn_ || turn_->next_frame >= turn_->utterance->frames.size())
        return audio_.silence_frame();
    sending_speech_ = true;
    sending_index_ = turn_->next_frame++;
    return turn_->utterance->frames[sending_index_];
}

void UserTurns::frame_sent(TimePoint now) {
    if (!sending_speech_ || !turn_) return;
    const Utterance& utt = *turn_->utterance;
    constexpr double kFrameS = 0.020;
    results_.speech_audio_s += kFrameS;
    if (sending_index_ >= utt.first_voiced && sending_index_ <= utt.last_voiced)
        results_.voiced_audio_s += kFrameS;
    if (sending_index_ == utt.first_voiced && barge_in_) barge_in_->voiced_frame_sent(now);
    // The reply may start before the recording's quiet tail has been sent:
    // from the end of speech on, the user is waiting for it.
    if (sending_index_ == utt.last_voiced) {
        turn_->end_of_speech = now;
        phase_ = Phase::waiting;
    }
}

std::vector<std::string> UserTurns::take_control_events() {
    return std::exchange(control_, {});
}

void UserTurns::finish(Ending ending) {
    if (!turn_) return;
    switch (ending) {
        case Ending::run_over:
            ++results_.turns_unfinished;
            log_turn("unfinished");
            break;
        case Ending::connection_lost:
            ++results_.turns_failed;
            ++results_.failures["connection_lost"];
            log_turn("connection_lost");
            break;
        case Ending::user_left:
            ++results_.turns_abandoned;
            log_turn("abandoned");
            break;
    }
    turn_.reset();
}

std::optional<UserTurns::Ms> UserTurns::reply_heard(TimePoint now) const {
    if (phase_ != Phase::playing || !turn_ || !turn_->playback.started()) return std::nullopt;
    return turn_->playback.played(now);
}

void UserTurns::start_turn(TimePoint now, bool interrupting) {
    const auto& utts = audio_.utterances();
    std::uniform_int_distribution<std::size_t> pick(0, utts.size() - 1);
    std::uniform_real_distribution<double> at(settings_.interrupt_min.count(),
                                              settings_.interrupt_max.count());
    turn_.emplace(settings_.jitter_buffer);
    turn_->utterance = &utts[pick(rng_)];
    turn_->interrupt_at = Ms(at(rng_));
    turn_->last_reply_event = now;
    turn_->record.user = settings_.user;
    turn_->record.utterance = turn_->utterance->name;
    turn_->record.start_s = std::chrono::duration<double>(now - settings_.run_start).count();
    if (!interrupting) barge_in_.reset();
    ++results_.turns_started;
    phase_ = Phase::speaking;
}

// Ends the current turn (completed when `failure` is empty) and pauses.
void UserTurns::settle(TimePoint now, const std::string& failure) {
    if (!turn_) return;
    ++settled_turns_;
    if (failure.empty()) {
        ++results_.turns_completed;
        ++results_.replies_played;
        measure("reply_audio_ms", turn_->playback.received().count());
    } else {
        ++results_.turns_failed;
        ++results_.failures[failure];
    }
    log_turn(failure.empty() ? "completed" : failure);
    last_reply_id_ = turn_->reply_id;
    turn_.reset();
    std::uniform_real_distribution<double> pause(settings_.pause_min.count(),
                                                 settings_.pause_max.count());
    next_speech_at_ = now + std::chrono::duration_cast<Clock::duration>(Ms(pause(rng_)));
    phase_ = Phase::pause;
}

// The user starts its next recording over the reply that is playing.
void UserTurns::interrupt(TimePoint now) {
    ++settled_turns_;
    ++results_.interrupts;
    ++results_.turns_completed;
    ++results_.turns_interrupted;
    if (turn_->reply_done) ++results_.interrupts_after_done;  // nothing left to cancel
    log_turn("interrupted");
    barge_in_.emplace(turn_->reply_id, items_[turn_->reply_id], turn_->playback, now,
                      turn_->reply_done);
    last_reply_id_ = turn_->reply_id;
    start_turn(now, true);
}

void UserTurns::log_turn(const std::string& outcome) {
    turn_->record.outcome = outcome;
    results_.turn_log.push_back(std::move(turn_->record));
}

void UserTurns::measure(const char* name, double ms) {
    results_.latency[name].add(ms);
    if (turn_) turn_->record.latency_ms[name] = ms;
}

void UserTurns::check_deadlines(TimePoint now) {
    if (!turn_) return;
    // An owed reply's response follows the transcript within milliseconds.
    constexpr Ms kEmptyTranscriptGrace{2000};
    if (phase_ == Phase::waiting && turn_->empty_transcript && turn_->pending_response.empty() &&
        Ms(now - *turn_->empty_transcript) > kEmptyTranscriptGrace) {
        settle(now, "empty_transcript");
    } else if (phase_ == Phase::waiting && turn_->end_of_speech &&
               Ms(now - *turn_->end_of_speech) > settings_.silence + settings_.reply_timeout) {
        settle(now, "no_reply");
    } else if (phase_ == Phase::playing) {
        if (turn_->reply_done && now >= turn_->playback.end()) {
            settle(now, "");
        } else if (!turn_->reply_done &&
                   Ms(now - turn_->last_reply_event) > settings_.reply_timeout) {
            settle(now, "reply_stalled");
        } else if (settings_.interrupter) {
            // Barge in at the chosen point, or half-way through a shorter reply.
            Ms point = turn_->interrupt_at;
            if (turn_->reply_done) point = std::min(point, turn_->playback.received() / 2);
            if (turn_->playback.played(now) >= point) interrupt(now);
        }
    }
}

void UserTurns::on_event(const json::object& ev, TimePoint now) {
    const std::string_view type = string_field(ev, "type");
    if (type == "response.output_audio.delta") {
        on_audio_delta(ev, now);
    } else if (type == "input_audio_buffer.speech_started") {
        on_speech_started(ev, now);
    } else if (type == "input_audio_buffer.speech_stopped") {
        on_speech_stopped(now);
    } else if (type == "conversation.item.input_audio_transcription.completed") {
        on_transcript(ev, false, now);
    } else if (type == "conversation.item.input_audio_transcription.failed") {
        on_transcript(ev, true, now);
    } else if (type == "response.created") {
        on_response_created(ev);
    } else if (type == "response.output_item.added") {
        items_[std::string(string_field(ev, "response_id"))] =
            std::string(string_field(object_field(ev, "item"), "id"));
    } else if (type == "response.done") {
        on_response_done(ev, now);
    } else if (type == "confab.response.timings") {
        on_timings(ev);
    } else if (type == "error") {
        ++results_.errors[std::string(string_field(object_field(ev, "error"), "code"))];
    }
}

void UserTurns::on_speech_started(const json::object& ev, TimePoint now) {
    if (turn_ && turn_->reply_id.empty()) turn_->item_id = std::string(string_field(ev, "item_id"));
    if (!barge_in_) return;
    if (auto truncate = barge_in_->on_speech_started(now, results_); !truncate.empty()) {
        control_.push_back(std::move(truncate));
    }
    if (barge_in_->finished()) barge_in_.reset();  // nothing more to wait for
}

void UserTurns::on_speech_stopped(TimePoint now) {
    if (!turn_) return;
    if (!turn_->end_of_speech) {
        ++results_.split_turns;  // the server ended the turn while the user was still speaking
        return;
    }
    if (turn_->speech_stopped) return;
    turn_->speech_stopped = now;
    const double ms = ms_between(*turn_->end_of_speech, now);
    measure("end_of_speech_to_speech_stopped_ms", ms);
    if (ms > settings_.silence.count()) ++results_.late_turn_ends;
}

void UserTurns::on_transcript(const json::object& ev, bool failed, TimePoint now) {
    if (!turn_ || !turn_->end_of_speech || turn_->stt_seen) return;
    if (string_field(ev, "item_id") != turn_->item_id) return;
    turn_->stt_seen = true;
    if (failed) {
        settle(now, "transcription_failed");
        return;
    }
    measure("stt_final_ms", ms_between(*turn_->end_of_speech, now));
    turn_->record.transcript = std::string(string_field(ev, "transcript"));
    // The server answers an empty transcript (a cough) only when a reply is
    // still owed (one it cancelled unheard): it then creates the response at
    // once. Without one soon, the turn gets no reply.
    if (string_field(ev, "transcript").find_first_not_of(' ') == std::string_view::npos &&
        turn_->reply_id.empty()) {
        turn_->empty_transcript = now;
    }
}

void UserTurns::on_response_created(const json::object& ev) {
    if (!turn_) return;
    const std::string id(string_field(object_field(ev, "response"), "id"));
    if (!turn_->end_of_speech) {
        ++results_.premature_responses;  // a reply to part of what the user is saying
        premature_.insert(id);
    } else if (turn_->reply_id.empty()) {
        turn_->pending_response = id;
    }
}

void UserTurns::on_audio_delta(const json::object& ev, TimePoint now) {
    const std::string_view id = string_field(ev, "response_id");
    if (barge_in_ && id == barge_in_->response_id()) {
        barge_in_->on_audio(now);
        return;
    }
    if (turn_ && phase_ == Phase::waiting && turn_->reply_id.empty() && id != last_reply_id_) {
        turn_->reply_id = std::string(id);
        timings_wanted_.insert(turn_->reply_id);
        measure("end_of_speech_to_first_audio_ms", ms_between(*turn_->end_of_speech, now));
        if (turn_->speech_stopped)
            measure("speech_stopped_to_first_audio_ms", ms_between(*turn_->speech_stopped, now));
        phase_ = Phase::playing;
    }
    if (!turn_ || id != turn_->reply_id) {
        ++results_.stray_audio_deltas;
        return;
    }
    turn_->last_reply_event = now;
    if (auto late = turn_->playback.on_audio(now, base64_audio_length(string_field(ev, "delta")))) {
        ++results_.underruns;
        ++turn_->record.underruns;
        results_.latency["underrun_lateness_ms"].add(late->count());
    }
}

void UserTurns::on_response_done(const json::object& ev, TimePoint now) {
    const json::object& response = object_field(ev, "response");
    const std::string id(string_field(response, "id"));
    const std::string status(string_field(response, "status"));
    items_.erase(id);
    if (premature_.erase(id) != 0 && status == "completed")
        ++results_.premature_responses_completed;
    if (barge_in_ && id == barge_in_->response_id()) {
        barge_in_->on_done(status, now, results_);
        if (barge_in_->finished()) barge_in_.reset();
        return;
    }
    if (!turn_) return;
    if (id == turn_->reply_id) {
        turn_->reply_done = true;
        turn_->last_reply_event = now;
        if (status != "completed") settle(now, "reply_" + status);
    } else if (phase_ == Phase::waiting && id == turn_->pending_response) {
        settle(now, "response_" + status + "_without_audio");
    }
}

void UserTurns::on_timings(const json::object& ev) {
    const std::string id(string_field(ev, "response_id"));
    if (timings_wanted_.erase(id) == 0) return;
    const bool completed = string_field(ev, "status") == "completed";
    TurnRecord* record = turn_ && turn_->reply_id == id ? &turn_->record : nullptr;
    for (const auto& [key, value] : object_field(ev, "timings")) {
        if (!value.is_number()) continue;              // null: the stage did not happen
        if (key == "done_ms" && !completed) continue;  // a cancel time is not a reply length
        results_.server_timings[std::string(key)].add(value.to_number<double>());
        if (record != nullptr) record->server_ms[std::string(key)] = value.to_number<double>();
    }
}

}  // namespace confab::bench
