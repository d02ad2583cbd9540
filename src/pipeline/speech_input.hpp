// A session's ears: resamples the client's 24 kHz audio to the engine rate,
// runs voice activity detection and the turn detector frame by frame, and
// streams each detected utterance (with its prefix padding) to an STT
// worker while the user is still speaking. Also transcribes a buffer the
// client committed by hand (turn_detection: null).
//
// Owned by one RealtimeSession; runs only on its strand. Engine work happens
// on the STT pool's threads; results come back through the Listener, on the
// strand. Destroying it cancels its streams, after which no callback fires.
#pragma once
#include <boost/asio/any_io_executor.hpp>
#include <cstdint>
#include <deque>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "engines/vad/voice_activity_detector.hpp"
#include "pipeline/turn_detector.hpp"
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
        // Returns the id of the user item this utterance will become.
        virtual std::string on_speech_started(int audio_start_ms) = 0;
        virtual void on_speech_stopped(const std::string& item_id, int audio_end_ms) = 0;
        virtual void on_transcript_partial(const std::string& item_id, const std::string& text) = 0;
        virtual void on_transcript_final(const std::string& item_id, const std::string& text) = 0;
        virtual void on_transcript_failed(const std::string& item_id,
                                          const std::string& message) = 0;
        // The speaker paused (kPauseFedMs into the silence) and this is the
        // hypothesis of everything said before the pause: the turn may end
        // with these words. on_speech_resumed follows if it does not.
        virtual void on_pause_transcript(const std::string& /*item_id*/,
                                         const std::string& /*text*/) {}
        virtual void on_speech_resumed(const std::string& /*item_id*/) {}
    };

    SpeechInput(boost::asio::any_io_executor strand, const pool::EngineRefs& engines,
                Listener& listener, std::string session_key, int max_utterance_ms);
    ~SpeechInput();

    // Turns detection on (with these parameters) or off (nullopt).
    void configure(const std::optional<TurnDetector::Params>& params);
    bool detecting() const { return detector_ != nullptr; }

    // Client audio, PCM16 mono 24 kHz. May call the listener synchronously.
    void push(std::span<const std::int16_t> pcm24k);
    // Transcribes a committed buffer as one utterance (manual turns).
    void transcribe(const std::string& item_id, std::span<const std::int16_t> pcm24k);
    // Abandons the utterance in progress (input_audio_buffer.clear).
    void clear();
    // Audio received so far, in ms of stream time.
    int stream_ms() const;
    // Stream time from the speech's onset to the frame that confirmed it (the
    // last speech_started), and from its end to the end-of-turn decision (the
    // last speech_stopped): the waits the VAD and the end-of-turn policy add.
    int last_onset_delay_ms() const { return onset_delay_ms_; }
    int last_end_of_turn_ms() const { return end_of_turn_ms_; }

private:
    void on_frame(std::span<const std::int16_t> frame);
    std::shared_ptr<pool::SttStream> open_stream(const std::string& item_id);
    void end_utterance();
    // Feeds a frame of the current utterance to its decoder, or holds it back
    // while it lies deep in a pause (see kPauseFedMs).
    void feed_utterance(std::span<const std::int16_t> frame, int frame_start_ms);

    boost::asio::any_io_executor strand_;
    const pool::EngineRefs& engines_;
    Listener& listener_;
    const std::string session_key_;
    const int max_utterance_ms_;
    const int rate_;  // the engine's rate (the STT pool's, else 16 kHz)
    const int frame_samples_;

    std::unique_ptr<audio::Resampler> resampler_;
    std::unique_ptr<engines::VoiceActivityDetector> vad_;
    std::unique_ptr<TurnDetector> detector_;
    std::vector<std::int16_t> frame_buffer_;  // engine-rate audio not yet a whole frame
    std::deque<std::int16_t> recent_;         // the last moments, for prefix padding
    std::size_t recent_max_ = 0;
    long long frames_ = 0;  // frames processed (stream time)

    std::shared_ptr<pool::SttStream> utterance_;  // the one being spoken, if any
    std::string utterance_item_;
    std::vector<std::int16_t> held_;  // the pause past kPauseFedMs, fed only if speech resumes
    std::vector<std::shared_ptr<pool::SttStream>> finishing_;  // awaiting their finals
    int onset_delay_ms_ = 0;
    int end_of_turn_ms_ = 0;
};

}  // namespace confab::pipeline
