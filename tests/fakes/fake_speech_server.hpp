// An in-process fake of an OpenAI-compatible speech server, for tests,
// benchmarks (tests/fixtures/fake_speech_main.cpp) and the lead's failover
// tests. One server, both routes, on 127.0.0.1:
//   POST .../audio/speech          JSON {model, input, voice, response_format
//                                  (pcm: 24 kHz s16le mono | wav), speed}: flite
//                                  speaks `input` (resampled to 24 kHz for pcm; a
//                                  WAV at flite's own rate), streamed chunked as
//                                  flite makes it;
//   POST .../audio/transcriptions  multipart/form-data (file: a WAV, model,
//                                  language, prompt, response_format, stream): the
//                                  WAV decoded, resampled to 16 kHz if needed and
//                                  transcribed by pocketsphinx; {"text": ...}, or
//                                  with stream=true SSE: a transcript.text.delta per
//                                  word, then transcript.text.done.
// Other paths get a 404 and leave the scripts alone; a bad request body a 400.
//
// Each request follows a script (fake_speech_script.hpp): a queue per route
// and a default per route, like FakeLlmServer's. Scripts give a delay before
// the first byte, an HTTP error status, a malformed or empty body, a body cut
// after N bytes, a hang, pacing, and a `canned` mode that costs no CPU (a tone
// for speech, fixed text for transcription). stop() closes the listener and
// every connection (new connections are refused) until restart() listens on
// the same port again. The server records every request and counts the
// clients that left mid-response (disconnects()).
//
// Ownership and threads: the owner constructs and destroys it on its own
// thread. The server runs its own io_context on its own thread, with two
// engine worker threads; every public method is thread-safe. The hook runs on
// the server thread. The destructor stops the server and joins its threads.
#pragma once
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "fakes/fake_speech_script.hpp"

namespace confab::test {

class FakeSpeechServer {
public:
    using Clock = std::chrono::steady_clock;
    using Hook = std::function<void(std::size_t index, const FakeSpeechRequest& request)>;

    struct Options {
        unsigned short port = 0;                // 0: an ephemeral port
        FakeSpeechScript speech_script;         // default for /audio/speech
        FakeSpeechScript transcription_script;  // default for /audio/transcriptions
        Hook on_request;                        // after a request is recorded
    };

    FakeSpeechServer() : FakeSpeechServer(Options{}) {}
    // Throws if the port cannot be bound (start-up failure).
    explicit FakeSpeechServer(Options options);
    ~FakeSpeechServer();
    FakeSpeechServer(const FakeSpeechServer&) = delete;
    FakeSpeechServer& operator=(const FakeSpeechServer&) = delete;

    unsigned short port() const;
    std::string url() const;  // "http://127.0.0.1:PORT/v1"

    // Scripts are used by a route's requests in arrival order; when none is
    // queued the route's default applies.
    void push_script(FakeSpeechRoute route, FakeSpeechScript script);
    void set_default_script(FakeSpeechRoute route, FakeSpeechScript script);

    // Closes the listening socket and every open connection; returns once
    // done. Connecting is refused from then on.
    void stop();
    // Listens on the same port again (after stop()). Throws if it cannot bind.
    void restart();

    std::size_t connections_accepted() const;
    std::size_t connections_open() const;
    // Responses abandoned by their client before they were sent in full.
    std::size_t disconnects() const;

    std::size_t request_count() const;
    std::vector<FakeSpeechRequest> requests() const;
    FakeSpeechRequest request(std::size_t index) const;  // index < request_count()

    // Each returns as soon as its condition holds, or false/nullopt at timeout.
    bool wait_for_requests(std::size_t count, std::chrono::milliseconds timeout) const;
    std::optional<Clock::time_point> wait_for_disconnect(std::size_t index,
                                                         std::chrono::milliseconds timeout) const;
    // The response to request `index` is over: sent in full, cut or abandoned.
    bool wait_for_end(std::size_t index, std::chrono::milliseconds timeout) const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace confab::test
