// Answers one recorded FakeSpeechServer request as its script says: the
// delay, then an error status, a hang, a malformed or empty body, or the real
// (or canned) audio / transcript, optionally paced and cut midway.
//
// Ownership and threads: owned by the server's Impl; respond() runs on the
// server's I/O thread, one coroutine per request.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "audio/pcm.hpp"
#include "fakes/fake_http_body_writer.hpp"
#include "fakes/fake_speech_engines.hpp"
#include "fakes/fake_speech_ledger.hpp"

namespace confab::test {

// What a request asks for, parsed from its body by the server.
struct FakeSpeechCall {
    FakeSpeechRoute route = FakeSpeechRoute::speech;
    std::string invalid;  // non-empty: answered 400 with this message
    // speech
    std::string input, voice, response_format = "pcm";
    double speed = 1.0;
    // transcription
    audio::WavAudio wav;
    bool stream = false;
};

class FakeSpeechResponder {
public:
    FakeSpeechResponder(FakeSpeechLedger& ledger, FakeSpeechEngines& engines)
        : ledger_(ledger), engines_(engines), tone_(fake_tone()) {}

    // Returns whether the connection can carry another request. Throws when
    // the client is gone (a write failed) or the coroutine was cancelled.
    boost::asio::awaitable<bool> respond(boost::asio::ip::tcp::socket& socket, std::size_t index,
                                         FakeSpeechScript script, FakeSpeechCall call);

private:
    static std::vector<std::int16_t> fake_tone();
    boost::asio::awaitable<bool> error(FakeHttpBodyWriter& writer, int status,
                                       const std::string& message);
    boost::asio::awaitable<bool> speech(boost::asio::ip::tcp::socket& socket, std::size_t index,
                                        const FakeSpeechScript& script, const FakeSpeechCall& call);
    boost::asio::awaitable<bool> transcription(boost::asio::ip::tcp::socket& socket,
                                               std::size_t index, const FakeSpeechScript& script,
                                               FakeSpeechCall call);

    FakeSpeechLedger& ledger_;
    FakeSpeechEngines& engines_;
    const std::vector<std::int16_t> tone_;  // one second at 24 kHz, looped for canned audio
};

}  // namespace confab::test
