// Issue 4's service-level objective for one run, as a verdict with reasons:
//   p95 (end of speech → first reply audio) ≤ silence_duration_ms + 600 ms,
//   zero underruns, zero failed turns, barge-in stop p95 ≤ 150 ms.
// "Barge-in stop" is barge_in_to_last_audio_ms: the interrupting speech's
// first voiced frame sent → the last audio delta of the cancelled response.
//
// Pure functions of their inputs; no I/O, any thread.
#pragma once
#include <optional>
#include <string>
#include <vector>

namespace confab::bench {

struct SloLimits {
    double silence_ms = 500;        // the server's turn_detection.silence_duration_ms
    double reply_margin_ms = 600;   // allowed on top of the silence
    double barge_in_stop_ms = 150;  // p95 bound
};

// What a run measured, reduced to what the SLO reads. A percentile is
// nullopt when the run has no sample of it.
struct SloInputs {
    std::optional<double> end_of_speech_to_first_audio_p95;
    int underruns = 0;
    int failed_turns = 0;
    std::optional<double> barge_in_stop_p95;
};

struct SloCheck {
    std::string name;  // e.g. "reply_p95"
    bool pass = false;
    bool measured = true;  // false: no sample (e.g. no barge-in at 1 user); counts as a pass
    std::string detail;    // "1234 ms <= 1100 ms"
};

struct SloVerdict {
    bool pass = false;
    std::vector<SloCheck> checks;
};

// A run without a single replied turn fails: it shows nothing about latency.
SloVerdict check_slo(const SloInputs& in, const SloLimits& limits);

}  // namespace confab::bench
