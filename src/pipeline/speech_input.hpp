// A session's ears: resamples the client's 24 kHz audio to the engine rate,
// runs voice activity detection and the turn detector frame by frame, and
// streams each detected turn (with its prefix padding) to an STT worker
// while the user is still speaking. Also transcribes a buffer the client
// committed by hand (turn_detection: null).
//
// Owned by one RealtimeSession; runs only on its strand. Engine work happens
// on the STT pool's threads; results come back through the Listener, on the
// strand. Each turn is a UserTurn, which speech input owns while the user
// speaks and hands to the listener when the turn ends; every event carries
// the turn it is about. Destroying speech input (or a turn) cancels its
// stream, after which no callback fires.
#pragma once
#include <boost/asio/any_io_executor.hpp>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "engines/vad/voice_activity_detector.hpp"
#include "pipeline/turn_detector.hpp"
#include "pipeline/user_turn.hpp"
#include "pool/engine_refs.hpp"

namespace confab::audio {
class Resampler;
}
namespace confab::pool {
class SttStream;
}

namespace confab::pipeline {

class SpeechInput {
public:
    class Listener {
    public:
        virtual ~Listener() = default;
        // A turn began; speech input owns it until on_speech_stopped.
        virtual void on_speech_started(UserTurn& turn) = 0;
        // The turn ended and is the listener's from now on; its stream keeps
        // running until the final transcript (or failure) arrives.
        virtual void on_speech_stopped(std::shared_ptr<UserTurn> turn) = 0;
        virtual void on_transcript_partial(UserTurn& turn, const std::string& text) = 0;
        virtual void on_transcript_final(UserTurn& turn, const std::string& text) = 0;
        virtual void on_transcript_failed(UserTurn& turn, const std::string& message) = 0;
        // The speaker paused (kPauseFedMs into the silence) and this is the
        // hypothesis of everything said before the pause: the turn may end
        // with these words. on_speech_resumed follows if it does not.
        virtual void on_pause_transcript(UserTurn& /*turn*/, const std::string& /*text*/) {}
        virtual void on_speech_resumed(UserTurn& /*turn*/) {}
        // The recognizer refused this turn's audio (its stream is over its
        // bound): `dropped_ms` of it will not be transcribed.
        virtual void on_audio_dropped(UserTurn& /*turn*/, int /*dropped_ms*/) {}
    };

    SpeechInput(boost::asio::any_io_executor strand, const pool::EngineRefs& engines,
                Listener& listener, std::string session_key, int max_utterance_ms);
    ~SpeechInput();

    // Turns detection on (with these parameters) or off (nullopt). A change
    // while the user speaks applies once the turn has ended, so an update
    // never cuts the user off; the VAD (and its noise floor) is rebuilt only
    // when its threshold changes.
    void configure(const std::optional<TurnDetector::Params>& params);
    bool detecting() const { return detector_ != nullptr; }
    // The turn being spoken, if any.
    UserTurn* turn_in_progress() const { return turn_.get(); }
    // Where the stream is: the audio analysed so far, in ms (the timeline
    // of audio_start_ms and audio_end_ms).
    int stream_ms() const;

    // Client audio, PCM16 mono 24 kHz. May call the listener synchronously.
    void push(std::span<const std::int16_t> pcm24k);
    // Transcribes a committed buffer as one turn (manual turns); the turn's
    // events come through the listener as for a spoken one.
    void transcribe(const std::shared_ptr<UserTurn>& turn, std::span<const std::int16_t> pcm24k);
    // The client committed the buffer while server VAD detects turns. A
    // turn in progress ends here (its stream is the one copy of its audio;
    // the usual on_speech_stopped follows) and true is returned; with none,
    // false: the caller transcribes the history (transcribe_history).
    bool end_turn_now();
    // Transcribes the last `ms` of the audio kept before any turn (at most
    // TurnDetector::history_ms of the prefix padding) as `turn`.
    void transcribe_history(const std::shared_ptr<UserTurn>& turn, int ms);
    // Abandons the turn in progress (input_audio_buffer.clear).
    void clear();

private:
    void on_frame(std::span<const std::int16_t> frame);
    void start_turn(int frame_start_ms);
    void end_turn(int frame_start_ms);
    // Hands the turn to the listener (its stream finishes).
    void finish_turn(int audio_end_ms, int end_of_turn_ms);
    // Applies parameters stored by configure() during a turn.
    void apply(TurnDetector::Params params);
    std::shared_ptr<pool::SttStream> open_stream(const std::shared_ptr<UserTurn>& turn);
    // Feeds a frame of the current turn to its decoder, or holds it back
    // while it lies deep in a pause (see kPauseFedMs).
    void feed_turn(std::span<const std::int16_t> frame, int frame_start_ms);
    // The last `ms` of the history kept before a turn (engine rate).
    std::vector<std::int16_t> recent_tail(int ms) const;
    // Transcribes engine-rate audio as one finished stream of `turn`.
    void transcribe_engine_rate(const std::shared_ptr<UserTurn>& turn,
                                std::span<const std::int16_t> pcm);
    // Feeds the turn's stream; audio it refuses is reported as dropped.
    void feed(std::span<const std::int16_t> pcm);

    boost::asio::any_io_executor strand_;
    const pool::EngineRefs& engines_;
    Listener& listener_;
    const std::string session_key_;
    const int max_utterance_ms_;
    const int rate_;  // the engine's rate (the STT pool's, else 16 kHz)
    const int frame_samples_;

    std::unique_ptr<audio::Resampler> resampler_;
    std::unique_ptr<engines::VoiceActivityDetector> vad_;
    double vad_threshold_ = 0;
    std::unique_ptr<TurnDetector> detector_;
    std::optional<TurnDetector::Params> next_params_;  // from an update during a turn
    std::vector<std::int16_t> frame_buffer_;           // engine-rate audio not yet a whole frame
    std::deque<std::int16_t> recent_;                  // the last moments, for prefix padding
    std::size_t recent_max_ = 0;
    long long frames_ = 0;  // frames processed (stream time)

    std::shared_ptr<UserTurn> turn_;  // the one being spoken, if any
};

}  // namespace confab::pipeline
