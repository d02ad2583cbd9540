// Shared by the remote speech client tests: options pointing at a
// FakeSpeechServer, a closed port, and decoding audio back to words.
#pragma once
#include <boost/asio.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "audio/resampler.hpp"
#include "engines/stt/pocketsphinx_factory.hpp"
#include "support/test_audio.hpp"

namespace confab::engines::remote_test {
namespace asio = boost::asio;

inline unsigned short closed_port() {
    asio::io_context io;
    asio::ip::tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), 0});
    return acceptor.local_endpoint().port();  // closed again on return
}

inline std::string closed_url() {
    return "http://127.0.0.1:" + std::to_string(closed_port()) + "/v1";
}

// What a fresh pocketsphinx decoder hears in `pcm` at `rate` (resampled to
// its 16 kHz), fed in 20 ms chunks like the fixture feeds it.
inline std::string recognise(std::vector<std::int16_t> pcm, int rate) {
    PocketsphinxFactory factory{SttConfig{}};
    const auto stt = factory.create();
    if (!stt) return "<no decoder>";
    if (rate != stt->sample_rate()) {
        audio::Resampler resampler(rate, stt->sample_rate());
        std::vector<std::int16_t> out;
        resampler.process(pcm, out);
        resampler.flush(out);
        pcm = std::move(out);
    }
    std::string text;
    EXPECT_FALSE(stt->start_utterance());
    EXPECT_FALSE(test::feed_in_chunks(*stt, pcm));
    EXPECT_FALSE(stt->finish(text));
    return text;
}

}  // namespace confab::engines::remote_test
