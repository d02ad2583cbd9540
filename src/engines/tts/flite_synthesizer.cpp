#include "engines/tts/flite_synthesizer.hpp"

#include <flite/flite.h>

#include <array>
#include <exception>
#include <memory>

#include "util/errors.hpp"

// The voice libraries export their registration functions without a header.
extern "C" {
cst_voice* register_cmu_us_slt(const char* voxdir);
cst_voice* register_cmu_us_kal16(const char* voxdir);
cst_voice* register_cmu_us_rms(const char* voxdir);
cst_voice* register_cmu_us_awb(const char* voxdir);
}

namespace confab::engines {
namespace {

struct Voice {
    const char* name;
    cst_voice* voice;
    int sample_rate;
};

using Voices = std::array<Voice, 4>;

Voice make_voice(const char* name, cst_voice* voice) {
    return {name, voice, voice ? flite_get_param_int(voice->features, "sample_rate", 0) : 0};
}

// Registered once per process (a function-local static is initialised
// thread-safely) and never unregistered: the voices are static data that
// every synthesis shares, so they must outlive every worker thread.
const Voices& registered_voices() {
    static const Voices voices = [] {
        flite_init();
        return Voices{make_voice("slt", register_cmu_us_slt(nullptr)),
                      make_voice("kal16", register_cmu_us_kal16(nullptr)),
                      make_voice("rms", register_cmu_us_rms(nullptr)),
                      make_voice("awb", register_cmu_us_awb(nullptr))};
    }();
    return voices;
}

const Voice* find_voice(const std::string& name) {
    const auto& voices = registered_voices();
    if (name.empty()) return &voices[0];
    for (const auto& v : voices) {
        if (name == v.name) return v.voice ? &v : nullptr;
    }
    return nullptr;
}

struct UtteranceDeleter {
    void operator()(cst_utterance* u) const noexcept { delete_utterance(u); }
};
struct StreamingInfoDeleter {
    void operator()(cst_audio_streaming_info* asi) const noexcept {
        delete_audio_streaming_info(asi);
    }
};

// What the streaming callback needs; lives on synthesize()'s stack.
struct Stream {
    const SpeechSynthesizer::AudioSink* sink;
    int expected_rate;
    bool cancelled = false;
    bool wrong_rate = false;
    std::exception_ptr error;
};

int on_audio(const cst_wave* w, int start, int size, int /*last*/, cst_audio_streaming_info* asi) {
    auto& stream = *static_cast<Stream*>(asi->userdata);
    if (size <= 0) return CST_AUDIO_STREAM_CONT;  // the final call may carry nothing
    if (w->sample_rate != stream.expected_rate) {
        stream.wrong_rate = true;
        return CST_AUDIO_STREAM_STOP;
    }
    // An exception must not unwind through flite's C frames.
    try {
        if (!(*stream.sink)(std::span<const std::int16_t>(w->samples + start,
                                                          static_cast<std::size_t>(size)))) {
            stream.cancelled = true;
            return CST_AUDIO_STREAM_STOP;
        }
    } catch (...) {
        stream.error = std::current_exception();
        return CST_AUDIO_STREAM_STOP;
    }
    return CST_AUDIO_STREAM_CONT;
}

}  // namespace

FliteSynthesizer::FliteSynthesizer() {
    registered_voices();
}

int FliteSynthesizer::sample_rate(const SynthesisOptions& options) const {
    const Voice* v = find_voice(options.voice);
    return v ? v->sample_rate : 0;
}

std::vector<std::string> FliteSynthesizer::voices() const {
    std::vector<std::string> names;
    for (const auto& v : registered_voices()) {
        if (v.voice) names.emplace_back(v.name);
    }
    return names;
}

std::error_code FliteSynthesizer::synthesize(std::string_view text, const SynthesisOptions& options,
                                             const AudioSink& sink) {
    const Voice* voice = find_voice(options.voice);
    if (voice == nullptr || !(options.speed >= 0.25 && options.speed <= 4.0)) {
        return errc::invalid_argument;
    }
    const std::string input(text);  // flite wants a NUL-terminated string

    std::unique_ptr<cst_utterance, UtteranceDeleter> utt(new_utterance());
    utt_set_input_text(utt.get(), input.c_str());
    utt_init(utt.get(), voice->voice);

    // Per-utterance settings: the voice is shared by every thread, so setting
    // these on voice->features would race (engines.md). utt_init linked the
    // voice's features behind the utterance's, which these shadow.
    Stream stream{&sink, voice->sample_rate};
    std::unique_ptr<cst_audio_streaming_info, StreamingInfoDeleter> asi(new_audio_streaming_info());
    asi->asc = &on_audio;
    asi->userdata = &stream;
    // The feature value takes ownership of the streaming info.
    feat_set(utt->features, "streaming_info", audio_streaming_info_val(asi.release()));
    feat_set_float(utt->features, "duration_stretch", static_cast<float>(1.0 / options.speed));

    const cst_utterance* done = utt_synth(utt.get());
    if (stream.error) std::rethrow_exception(stream.error);
    if (stream.cancelled) return errc::cancelled;
    if (done == nullptr || stream.wrong_rate) return errc::engine_failed;
    return {};
}

}  // namespace confab::engines
