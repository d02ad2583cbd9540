#include "fakes/fake_speech_engines.hpp"

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "audio/resampler.hpp"
#include "util/errors.hpp"

// g++ 12 false positive on Asio coroutine frames (see src/engines/llm/openai_chat_model.cpp).
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

namespace confab::test {
namespace asio = boost::asio;

namespace {

constexpr int kRecognizerRate = 16000;
constexpr std::size_t kFeedSamples = kRecognizerRate / 50;  // 20 ms

}  // namespace

FakeSpeechEngines::FakeSpeechEngines() : pocketsphinx_(SttConfig{}) {}

FakeSpeechEngines::~FakeSpeechEngines() {
    shutdown();
}

void FakeSpeechEngines::shutdown() {
    if (stopping_.exchange(true)) return;
    workers_.join();
}

// OpenAI's voice names (alloy, nova, ...) mean nothing to flite: they get
// its default voice, as a server maps unknown names to its own.
std::string FakeSpeechEngines::flite_voice(const std::string& voice) {
    static const engines::FliteSynthesizer names;
    const auto voices = names.voices();
    return std::find(voices.begin(), voices.end(), voice) != voices.end() ? voice : std::string();
}

int FakeSpeechEngines::voice_rate(const std::string& voice) const {
    return flite_.sample_rate({flite_voice(voice)});
}

std::shared_ptr<FakeAudioPipe> FakeSpeechEngines::speak(std::string text, std::string voice,
                                                        double speed, int out_rate,
                                                        asio::any_io_executor consumer) {
    auto pipe = std::make_shared<FakeAudioPipe>(std::move(consumer));
    asio::post(workers_, [this, pipe, text = std::move(text), voice = flite_voice(voice), speed,
                          out_rate] {
        const engines::SynthesisOptions options{voice, speed};
        audio::Resampler resampler(flite_.sample_rate(options), out_rate);
        std::vector<std::int16_t> out;
        const auto ec = flite_.synthesize(text, options, [&](std::span<const std::int16_t> pcm) {
            if (stopping_.load() || pipe->cancelled()) return false;
            out.clear();
            resampler.process(pcm, out);
            if (!out.empty()) pipe->push(out);
            return true;
        });
        if (!ec) {
            out.clear();
            resampler.flush(out);
            if (!out.empty()) pipe->push(out);
        }
        pipe->close(ec);
    });
    return pipe;
}

asio::awaitable<FakeSpeechEngines::Transcribed> FakeSpeechEngines::transcribe(audio::WavAudio wav) {
    co_return co_await asio::co_spawn(workers_, decode(pocketsphinx_, std::move(wav)),
                                      asio::use_awaitable);
}

asio::awaitable<FakeSpeechEngines::Transcribed> FakeSpeechEngines::decode(
    engines::PocketsphinxFactory& factory, audio::WavAudio wav) {
    Transcribed result;
    std::vector<std::int16_t> pcm;
    if (wav.sample_rate == kRecognizerRate) {
        pcm = std::move(wav.samples);
    } else {
        audio::Resampler resampler(wav.sample_rate, kRecognizerRate);
        resampler.process(wav.samples, pcm);
        resampler.flush(pcm);
    }
    const auto decoder = factory.create();
    if (!decoder) {
        result.error = "pocketsphinx could not be loaded";
        co_return result;
    }
    std::error_code ec = decoder->start_utterance();
    for (std::size_t i = 0; !ec && i < pcm.size(); i += kFeedSamples) {
        const std::size_t n = std::min(kFeedSamples, pcm.size() - i);
        ec = decoder->feed(std::span<const std::int16_t>(pcm).subspan(i, n));
    }
    if (!ec) ec = decoder->finish(result.text);
    if (ec) result.error = "pocketsphinx failed: " + ec.message();
    co_return result;
}

}  // namespace confab::test
