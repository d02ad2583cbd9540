// One simulated user's side of the conversation: what its microphone sends in
// each 20 ms frame slot, and what it makes of the server's events.
//
// A turn: the user speaks a recording (paced by the caller's frame clock),
// stays silent while the server detects the end of the turn, transcribes and
// replies; the reply is played through a simulated browser jitter buffer;
// after a short pause the user speaks again. An interrupting user instead
// starts its next recording while the reply is playing (barge-in).
//
// Owned by its SimulatedUser; called only from that user's two coroutines on
// the load generator's single I/O thread. Pure logic, no I/O: times are given.
#pragma once
#include <boost/json/object.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "loadgen/audio_library.hpp"
#include "loadgen/barge_in.hpp"
#include "loadgen/bench_results.hpp"
#include "loadgen/playback_buffer.hpp"

namespace confab::bench {

class UserTurns {
public:
    using Clock = std::chrono::steady_clock;
    using TimePoint = Clock::time_point;
    using Ms = std::chrono::duration<double, std::milli>;

    struct Settings {
        Ms silence{800};
        Ms jitter_buffer{100};
        Ms pause_min{1000};
        Ms pause_max{2000};
        Ms interrupt_min{300};
        Ms interrupt_max{1500};
        Ms reply_timeout{20000};
        bool interrupter = false;
        std::uint64_t seed = 1;
        int user = 0;           // for the turn log
        TimePoint run_start{};  // for the turn log
    };

    UserTurns(const AudioLibrary& audio, BenchResults& results, Settings settings);

    // The event for the frame slot at `now`: a frame of speech, or silence.
    const std::string& next_frame(TimePoint now);
    // The frame returned by the last next_frame() has been written at `now`.
    void frame_sent(TimePoint now);
    // A server event, received at `now`.
    void on_event(const boost::json::object& event, TimePoint now);
    // Events to send before the next frame (conversation.item.truncate).
    std::vector<std::string> take_control_events();
    // Why the connection ended, for the turn in flight.
    enum class Ending {
        run_over,         // the run ended: unfinished
        connection_lost,  // the server or network ended it: failed
        user_left,        // the user hung up on purpose (soak): abandoned
    };
    void finish(Ending ending);

    // Turns settled so far (completed, interrupted or failed).
    int settled_turns() const { return settled_turns_; }
    // How much of the current turn's reply has been heard; nullopt while no reply plays.
    std::optional<Ms> reply_heard(TimePoint now) const;

private:
    enum class Phase { pause, speaking, waiting, playing };

    struct Turn {
        explicit Turn(Ms jitter) : playback(jitter) {}
        const Utterance* utterance = nullptr;
        std::size_t next_frame = 0;
        std::optional<TimePoint> end_of_speech;  // the last voiced frame was written
        std::string item_id;                     // input item of the latest speech_started
        bool stt_seen = false;
        std::optional<TimePoint> speech_stopped;    // the server's end of turn arrived
        std::optional<TimePoint> empty_transcript;  // its transcript came back empty
        std::string pending_response;               // created after the end of speech, no audio yet
        std::string reply_id;                       // the response whose audio answered this turn
        PlaybackBuffer playback;
        TimePoint last_reply_event{};
        bool reply_done = false;
        Ms interrupt_at{0};
        TurnRecord record;
    };

    void start_turn(TimePoint now, bool interrupting);
    void interrupt(TimePoint now);
    void settle(TimePoint now, const std::string& failure);
    // Ends the turn's record with `outcome` and files it in the turn log.
    void log_turn(const std::string& outcome);
    // Adds a client-side latency to the results and to the current turn's record.
    void measure(const char* name, double ms);
    void check_deadlines(TimePoint now);

    void on_speech_started(const boost::json::object& ev, TimePoint now);
    void on_speech_stopped(TimePoint now);
    void on_transcript(const boost::json::object& ev, bool failed, TimePoint now);
    void on_response_created(const boost::json::object& ev);
    void on_audio_delta(const boost::json::object& ev, TimePoint now);
    void on_response_done(const boost::json::object& ev, TimePoint now);
    void on_timings(const boost::json::object& ev);

    const AudioLibrary& audio_;
    BenchResults& results_;
    Settings settings_;
    std::mt19937_64 rng_;

    Phase phase_ = Phase::pause;
    TimePoint next_speech_at_{};  // in the pause phase; the epoch means "at once"
    std::optional<Turn> turn_;
    std::optional<BargeIn> barge_in_;
    bool sending_speech_ = false;  // the last next_frame() was a speech frame
    int settled_turns_ = 0;
    std::size_t sending_index_ = 0;

    std::string last_reply_id_;                 // the previous turn's reply: its audio is stray
    std::map<std::string, std::string> items_;  // response id → its assistant item id
    std::set<std::string> timings_wanted_;      // replies whose server timings we record
    std::set<std::string> premature_;           // responses created while the user was speaking
    std::vector<std::string> control_;
};

}  // namespace confab::bench
