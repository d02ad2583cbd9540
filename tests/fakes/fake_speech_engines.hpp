// The real engines behind FakeSpeechServer: flite speaks and pocketsphinx
// transcribes, on worker threads of their own so that the server's I/O thread
// keeps serving (and sees a client leave) while they work.
//
// Transcription makes a fresh decoder per request (0.5-0.8 s): pocketsphinx
// adapts to what it heard before, and a fresh decoder fed the same audio in
// the same 20 ms chunks (test::feed_in_chunks) gives a test the same words.
//
// Ownership: owned by the server. shutdown() (or the destructor) stops the
// speaking jobs at their next chunk and joins the workers; the server calls
// it before destroying its io_context. Threads: speak() and transcribe() may
// be called from any thread.
#pragma once
#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "audio/pcm.hpp"
#include "engines/stt/pocketsphinx_factory.hpp"
#include "engines/tts/flite_synthesizer.hpp"
#include "fakes/fake_audio_pipe.hpp"

namespace confab::test {

class FakeSpeechEngines {
public:
    struct Transcribed {
        std::string error;  // empty on success
        std::string text;
    };

    FakeSpeechEngines();
    ~FakeSpeechEngines();
    FakeSpeechEngines(const FakeSpeechEngines&) = delete;
    FakeSpeechEngines& operator=(const FakeSpeechEngines&) = delete;

    // The rate flite speaks `voice` at (an unknown voice: the default's).
    int voice_rate(const std::string& voice) const;
    // Speaks `text` on a worker; the audio, resampled to `out_rate`, goes to
    // the returned pipe (consumed on `consumer`) as flite makes it. The
    // pipe's error is errc::invalid_argument or engine_failed on failure.
    std::shared_ptr<FakeAudioPipe> speak(std::string text, std::string voice, double speed,
                                         int out_rate, boost::asio::any_io_executor consumer);
    // Transcribes on a worker (resampled to 16 kHz first if needed); the
    // awaiting coroutine resumes on its own executor.
    boost::asio::awaitable<Transcribed> transcribe(audio::WavAudio wav);

    void shutdown();

private:
    static boost::asio::awaitable<Transcribed> decode(engines::PocketsphinxFactory& factory,
                                                      audio::WavAudio wav);
    static std::string flite_voice(const std::string& voice);

    engines::FliteSynthesizer flite_;
    engines::PocketsphinxFactory pocketsphinx_;
    std::atomic<bool> stopping_{false};
    boost::asio::thread_pool workers_{2};
};

}  // namespace confab::test
