#include "vad/detectors.hpp"

#include <algorithm>
#include <cstdio>
#include <memory>
#include <span>

#include "bench_util.hpp"
#include "engines/stt/pocketsphinx_factory.hpp"
#include "engines/vad/noise_gated_vad.hpp"
#include "engines/vad/webrtc_vad.hpp"
#include "vad/frames.hpp"

namespace confab::bench::vad {

Run run(const Detector& d, const std::vector<std::int16_t>& pcm) {
    auto decide = d.make();
    Run r;
    const double cpu0 = confab::bench::thread_cpu_seconds();
    for (std::size_t i = 0; i + kFrame <= pcm.size(); i += kFrame) {
        r.speech.push_back(decide(std::span(pcm).subspan(i, kFrame)));
    }
    r.cpu_us_per_frame =
        (confab::bench::thread_cpu_seconds() - cpu0) * 1e6 / static_cast<double>(r.speech.size());
    return r;
}

std::vector<Detector> detectors(confab::engines::PocketsphinxFactory& ps_default,
                                confab::engines::PocketsphinxFactory& ps_short) {
    std::vector<Detector> out;
    for (int mode = 1; mode <= 3; ++mode) {
        out.push_back({"WebRtcVad mode " + std::to_string(mode), [mode] {
                           auto vad = std::make_shared<confab::engines::WebRtcVad>(kRate, 20, mode);
                           return
                               [vad](std::span<const std::int16_t> f) { return vad->is_speech(f); };
                       }});
    }
    // The server's default is 10 dB over a 5 s window (NoiseFloor::Params).
    struct Gate {
        double margin_db;
        int window_frames;
        double percentile;
    };
    for (const Gate gate :
         {Gate{6, 250, 0.1}, Gate{10, 250, 0.1}, Gate{10, 250, 0.05}, Gate{10, 150, 0.1},
          Gate{10, 150, 0.05}, Gate{10, 200, 0.05}, Gate{8, 150, 0.05}}) {
        char name[96];
        std::snprintf(name, sizeof name, "WebRtcVad mode 2 + noise gate %.0f dB, p%.0f of %.0f s",
                      gate.margin_db, gate.percentile * 100, gate.window_frames * kFrameS);
        out.push_back({name, [gate] {
                           confab::audio::NoiseFloor::Params floor;
                           floor.window_frames = gate.window_frames;
                           floor.percentile = gate.percentile;
                           auto vad = std::make_shared<confab::engines::NoiseGatedVad>(
                               std::make_unique<confab::engines::WebRtcVad>(kRate, 20, 2),
                               gate.margin_db, floor);
                           return
                               [vad](std::span<const std::int16_t> f) { return vad->is_speech(f); };
                       }});
    }
    for (auto* factory : {&ps_default, &ps_short}) {
        const bool is_short = factory == &ps_short;
        out.push_back(
            {is_short ? "pocketsphinx VAD, -vad_postspeech 30" : "pocketsphinx VAD", [factory] {
                 std::shared_ptr<confab::engines::PocketsphinxRecognizer> ps =
                     factory->create_decoder();
                 ps->start_utterance();
                 return [ps](std::span<const std::int16_t> f) {
                     ps->feed(f);
                     return ps->in_speech();
                 };
             }});
    }
    return out;
}

std::vector<std::int16_t> with_noise(const std::vector<std::int16_t>& pcm, int peak) {
    std::vector<std::int16_t> out(pcm.size());
    unsigned state = 12345;
    for (std::size_t i = 0; i < pcm.size(); ++i) {
        state = state * 1664525u + 1013904223u;  // fixed LCG: same noise every run
        const int noise = static_cast<int>((state >> 8) % (2u * peak + 1)) - peak;
        out[i] = static_cast<std::int16_t>(std::clamp(pcm[i] + noise, -32768, 32767));
    }
    return out;
}

}  // namespace confab::bench::vad
