// Telephone audio end to end: the same recordings sent to the real binary as
// 24 kHz PCM16 and as 8 kHz G.711 mu-law (audio/pcmu, what Twilio and SIP
// gateways carry) are transcribed by real pocketsphinx.
//
// What is asserted: a telephone recording (the audio a phone line carries,
// band-limited to 8 kHz) sent as mu-law is transcribed within 3 WER points
// of the same recording sent as PCM: Confab's G.711 path (companding, the
// 8 -> 24 kHz resampling, the appends) must cost next to nothing. What is
// only reported: the full-band recordings as PCM against mu-law, where the
// gap is the 4-8 kHz band a telephone line never carries and which the only
// packaged acoustic model (16 kHz) misses (docs/protocol.md, Audio formats).
//
// Each format gets its own server with one STT worker and the recordings in
// the same order: pocketsphinx adapts its cepstral mean from one utterance to
// the next, so the two runs see the same history.
#include <gtest/gtest.h>

#include "audio/g711.hpp"
#include "support/realtime_helpers.hpp"
#include "support/server_process.hpp"
#include "support/test_audio.hpp"
#include "util/speech_corpus.hpp"
#include "util/wer.hpp"

namespace confab::test {
namespace {
namespace json = boost::json;
using namespace std::chrono_literals;

// Sends 8 kHz PCM16 as mu-law appends of 20 ms (160 bytes) each.
void send_ulaw(WsClient& client, const std::vector<std::int16_t>& pcm8k) {
    constexpr std::size_t kChunk = 160;
    for (std::size_t i = 0; i < pcm8k.size(); i += kChunk) {
        std::vector<std::byte> codes;
        audio::g711::encode(audio::g711::Law::mu,
                            std::span(pcm8k).subspan(i, std::min(kChunk, pcm8k.size() - i)), codes);
        const std::span raw(reinterpret_cast<const std::uint8_t*>(codes.data()), codes.size());
        client.send({{"type", "input_audio_buffer.append"}, {"audio", base64::encode(raw)}});
    }
}

struct Score {
    std::vector<double> wer;  // per recording
    double errors = 0;
    double words = 0;
    double total() const { return words > 0 ? errors / words : 1.0; }
};

enum class Send { pcm_full_band, pcm_telephone, ulaw };

// Transcribes every recording through a fresh server, sent as `how` says.
Score transcribe_all(const std::vector<TranscribedRecording>& recordings, Send how) {
    const char* format = how == Send::ulaw ? "audio/pcmu" : "audio/pcm";
    Score score;
    ServerProcess server(with_fast_upload({"--stt-workers", "1"}));
    WsClient client(server.port());
    EXPECT_TRUE(client.connect() && client.receive());
    client.send({{"type", "session.update"},
                 {"session",
                  {{"type", "realtime"},
                   {"audio",
                    {{"input", {{"turn_detection", nullptr}, {"format", {{"type", format}}}}}}}}}});
    EXPECT_TRUE(client.receive_type("session.updated"));
    for (const auto& rec : recordings) {
        audio::WavAudio wav;
        EXPECT_FALSE(audio::read_wav(rec.path, wav)) << rec.path;
        const auto telephone = resample(wav.samples, wav.sample_rate, 8000);
        switch (how) {
            case Send::ulaw:
                send_ulaw(client, telephone);
                break;
            case Send::pcm_telephone:
                send_audio(client, resample(telephone, 8000, 24000));
                break;
            case Send::pcm_full_band:
                send_audio(client, resample(wav.samples, wav.sample_rate, 24000));
                break;
        }
        client.send({{"type", "input_audio_buffer.commit"}});
        const auto done =
            client.receive_type("conversation.item.input_audio_transcription.completed", 30s);
        EXPECT_TRUE(done) << rec.name << ": " << client.error();
        const std::string text = done ? std::string(done->at("transcript").as_string()) : "";
        const double wer = word_error_rate(rec.transcript, text);
        const double n = static_cast<double>(normalize_words(rec.transcript).size());
        score.wer.push_back(wer);
        score.errors += wer * n;
        score.words += n;
        std::printf("%-12s %-14s %-10s WER %.3f  %s\n", format,
                    how == Send::pcm_full_band ? "full band" : "telephone band", rec.name.c_str(),
                    wer, text.c_str());
    }
    return score;
}

TEST(G711Wer, UlawIsTranscribedWithinThreePointsOfPcm) {
    const auto recordings = transcribed_recordings(kSharedDir);
    ASSERT_GE(recordings.size(), 6u) << "the shared recordings and pocketsphinx-testdata";
    const auto telephone = transcribe_all(recordings, Send::pcm_telephone);
    const auto ulaw = transcribe_all(recordings, Send::ulaw);
    const auto full_band = transcribe_all(recordings, Send::pcm_full_band);
    std::printf(
        "word-weighted WER over %zu recordings (%.0f words): telephone band as audio/pcm %.3f, "
        "as audio/pcmu %.3f (gap %+.1f points); full band as audio/pcm %.3f (mu-law's gap to it "
        "%+.1f points)\n",
        recordings.size(), telephone.words, telephone.total(), ulaw.total(),
        100 * (ulaw.total() - telephone.total()), full_band.total(),
        100 * (ulaw.total() - full_band.total()));
    EXPECT_LE(ulaw.total(), telephone.total() + 0.03);
}

}  // namespace
}  // namespace confab::test
