// Measures TTS first-chunk latency and real-time factor per engine and voice.
//
//   ninja -C build confab-tts-eval && build/bench/confab-tts-eval [--out FILE] [--repeat N]
//
// First chunk = wall time from the synthesize() call to the first sink call:
// the delay before a reply can start playing. RTF = thread CPU time of the
// whole synthesis / audio duration. Medians over N runs.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "bench_util.hpp"
#include "engines/tts/espeak_synthesizer.hpp"
#include "engines/tts/flite_synthesizer.hpp"

namespace {

using confab::engines::SpeechSynthesizer;
using Clock = std::chrono::steady_clock;

constexpr const char* kShort = "Sure, I can help with that.";
constexpr const char* kLong =
    "The library opens at nine in the morning, and the reading room on the second floor stays "
    "quiet until noon.";

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

struct Result {
    double first_ms;
    double rtf;
    double audio_s;
};

Result measure(SpeechSynthesizer& tts, const std::string& voice, const char* text, int repeat) {
    std::vector<double> first, rtf;
    double audio_s = 0;
    for (int k = 0; k < repeat; ++k) {
        std::size_t samples = 0;
        Clock::time_point first_at{};
        const auto t0 = Clock::now();
        const double cpu0 = confab::bench::thread_cpu_seconds();
        const auto ec = tts.synthesize(text, {voice}, [&](std::span<const std::int16_t> pcm) {
            if (samples == 0) first_at = Clock::now();
            samples += pcm.size();
            return true;
        });
        const double cpu = confab::bench::thread_cpu_seconds() - cpu0;
        if (ec || samples == 0) {
            std::cerr << tts.name() << "/" << voice << ": " << ec.message() << "\n";
            std::exit(1);
        }
        audio_s = static_cast<double>(samples) / tts.sample_rate({voice});
        first.push_back(std::chrono::duration<double, std::milli>(first_at - t0).count());
        rtf.push_back(cpu / audio_s);
    }
    return {median(first), median(rtf), audio_s};
}

}  // namespace

int main(int argc, char** argv) {
    std::string out_path = CONFAB_SOURCE_DIR "/bench/results/tts.md";
    int repeat = 5;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string flag = argv[i];
        if (flag == "--out") out_path = argv[i + 1];
        if (flag == "--repeat") repeat = std::max(1, std::atoi(argv[i + 1]));
    }
    std::vector<std::unique_ptr<SpeechSynthesizer>> engines;
    engines.push_back(std::make_unique<confab::engines::FliteSynthesizer>());
    engines.push_back(std::make_unique<confab::engines::EspeakSynthesizer>());

    std::ostringstream md;
    md << "# Text-to-speech latency and cost\n\nCommand: `ninja -C build confab-tts-eval && "
          "build/bench/confab-tts-eval`\n\nFirst chunk: wall time from synthesize() to the first "
          "audio handed to the sink. RTF: thread CPU of the whole synthesis / audio duration. "
          "Medians of "
       << repeat << " runs, one thread.\n\n- short: \"" << kShort << "\"\n- long (20 words): \""
       << kLong
       << "\"\n\n| engine | voice | rate (Hz) | short: first chunk (ms) | short: RTF | long: first "
          "chunk (ms) | long: RTF | long: audio (s) |\n|---|---|---|---|---|---|---|---|\n";
    char buf[256];
    for (auto& tts : engines) {
        for (const auto& voice : tts->voices()) {
            (void)measure(*tts, voice, kShort, 1);  // warm-up: voice load, caches
            const auto s = measure(*tts, voice, kShort, repeat);
            const auto l = measure(*tts, voice, kLong, repeat);
            std::snprintf(buf, sizeof buf, "| %s | %s | %d | %.2f | %.4f | %.2f | %.4f | %.1f |\n",
                          tts->name().c_str(), voice.c_str(), tts->sample_rate({voice}), s.first_ms,
                          s.rtf, l.first_ms, l.rtf, l.audio_s);
            md << buf;
        }
    }
    std::cout << md.str();
    confab::bench::write_results(out_path, md.str());
    return 0;
}
