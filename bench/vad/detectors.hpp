// The detectors confab-vad-eval compares (WebRtcVad modes 1-3, WebRtcVad
// behind noise gates, pocketsphinx's VAD), the signals it makes for them,
// and running one over a signal.
#pragma once
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

namespace confab::engines {
class PocketsphinxFactory;
}

namespace confab::bench::vad {

// A detector under test: fresh state per signal, one decision per frame.
struct Detector {
    std::string name;
    std::function<std::function<bool(std::span<const std::int16_t>)>()> make;
};

// A detector's decisions on one signal, and their CPU cost.
struct Run {
    std::vector<bool> speech;
    double cpu_us_per_frame = 0;
};

// Every detector compared; the pocketsphinx ones decode with the given
// factories, which must outlive them.
std::vector<Detector> detectors(confab::engines::PocketsphinxFactory& ps_default,
                                confab::engines::PocketsphinxFactory& ps_short);

// `pcm` plus uniform white noise up to `peak`, the same noise every run.
std::vector<std::int16_t> with_noise(const std::vector<std::int16_t>& pcm, int peak);

// Runs a fresh instance of `d` over every whole frame of `pcm`.
Run run(const Detector& d, const std::vector<std::int16_t>& pcm);

}  // namespace confab::bench::vad
