#include "engines/tts/espeak_synthesizer.hpp"

#include <espeak-ng/speak_lib.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <exception>
#include <mutex>
#include <string>

#include "util/errors.hpp"

namespace confab::engines {
namespace {

constexpr std::array<const char*, 5> kVoices = {"en-us", "en", "en-gb-scotland", "en-gb-x-rp",
                                                "en-029"};

// What the synth callback needs during one espeak_Synth call.
struct Stream {
    const SpeechSynthesizer::AudioSink* sink;
    bool cancelled = false;
    std::exception_ptr error;
};

// All of espeak-ng's process-wide state, and the lock that guards it.
struct EspeakEngine {
    std::mutex mutex;  // held for every espeak_* call after initialisation
    int sample_rate = 0;
    std::string current_voice;
    Stream* active = nullptr;  // the synthesis in progress, under `mutex`

    EspeakEngine() {
        // Synchronous mode: espeak_Synth returns once the whole text has gone
        // through the callback, on the calling thread (no espeak thread).
        // DONT_EXIT: report a missing data directory instead of exit()ing.
        const int rate = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, /*buflength_ms=*/50, nullptr,
                                           espeakINITIALIZE_DONT_EXIT);
        if (rate <= 0) return;
        sample_rate = rate;
        espeak_SetSynthCallback(&EspeakEngine::on_audio);
    }

    ~EspeakEngine() {
        if (sample_rate > 0) espeak_Terminate();
    }

    static int on_audio(short* wav, int count, espeak_EVENT* /*events*/);
};

// Initialised thread-safely on first use; lives until exit.
EspeakEngine& engine() {
    static EspeakEngine instance;
    return instance;
}

int EspeakEngine::on_audio(short* wav, int count, espeak_EVENT* /*events*/) {
    // Only ever called inside espeak_Synth, which runs under engine().mutex.
    Stream& stream = *engine().active;
    if (wav == nullptr || count <= 0) return 0;  // end marker or an empty block
    try {
        if (!(*stream.sink)(std::span<const std::int16_t>(wav, static_cast<std::size_t>(count)))) {
            stream.cancelled = true;
            return 1;  // non-zero aborts synthesis
        }
    } catch (...) {
        // An exception must not unwind through espeak's C frames.
        stream.error = std::current_exception();
        return 1;
    }
    return 0;
}

}  // namespace

EspeakSynthesizer::EspeakSynthesizer() {
    engine();
}

int EspeakSynthesizer::sample_rate(const SynthesisOptions& /*options*/) const {
    return engine().sample_rate;
}

std::vector<std::string> EspeakSynthesizer::voices() const {
    return {kVoices.begin(), kVoices.end()};
}

std::error_code EspeakSynthesizer::synthesize(std::string_view text,
                                              const SynthesisOptions& options,
                                              const AudioSink& sink) {
    EspeakEngine& e = engine();
    if (e.sample_rate <= 0) return errc::engine_unavailable;
    const std::string voice = options.voice.empty() ? kVoices[0] : options.voice;
    if (std::find(kVoices.begin(), kVoices.end(), voice) == kVoices.end() ||
        !(options.speed >= 0.25 && options.speed <= 4.0)) {
        return errc::invalid_argument;
    }
    const int wpm = std::clamp(static_cast<int>(std::lround(espeakRATE_NORMAL * options.speed)),
                               espeakRATE_MINIMUM, espeakRATE_MAXIMUM);
    const std::string input(text);  // espeak wants a NUL-terminated string

    std::lock_guard lock(e.mutex);
    // Loading a voice reads its files; skip it when the last call used the same one.
    if (voice != e.current_voice) {
        if (espeak_SetVoiceByName(voice.c_str()) != EE_OK) return errc::engine_failed;
        e.current_voice = voice;
    }
    espeak_SetParameter(espeakRATE, wpm, 0);

    Stream stream{&sink};
    e.active = &stream;
    const espeak_ERROR result = espeak_Synth(input.c_str(), input.size() + 1, 0, POS_CHARACTER, 0,
                                             espeakCHARS_UTF8, nullptr, nullptr);
    e.active = nullptr;
    if (stream.error) std::rethrow_exception(stream.error);
    if (stream.cancelled) return errc::cancelled;
    if (result != EE_OK) return errc::engine_failed;
    return {};
}

}  // namespace confab::engines
