// The bare-engine ceiling: what "a stream keeps up with real time" means,
// and which stream counts to try to find the largest K that does.
//
// Pure logic, no I/O; used by confab-stt-ceiling on its main thread.
#pragma once
#include <climits>
#include <optional>

namespace confab::bench {

// A trial of K streams keeps up when every stream's final results come
// promptly and no stream falls steadily behind real time.
struct CeilingCriteria {
    // p95 of end of an utterance's audio → its final hypothesis. The reply SLO
    // leaves 600 ms after the silence for STT + LLM first token + TTS first
    // audio; with a 200 ms LLM and ~100 ms of TTS, 300 ms is STT's share.
    double max_final_p95_ms = 300;
    // Largest lateness of a frame's feed in the last fifth of the trial, or
    // of a stream still behind at its end: a stream that cannot keep up
    // builds a backlog that only grows.
    double max_backlog_ms = 300;
};

struct TrialStats {
    int utterances = 0;  // finished in the trial
    int errors = 0;      // feed/finish failures
    double final_p95_ms = 0;
    double backlog_end_ms = 0;
};

// Why a trial fails ("" when it keeps up).
const char* trial_failure(const TrialStats& stats, const CeilingCriteria& criteria);

// Doubling from `start` until a trial fails (or `max_streams` passes), then
// bisecting between the largest pass and the smallest failure.
class CeilingSearch {
public:
    CeilingSearch(int start, int max_streams);

    // The next stream count to try; nullopt when the ceiling is known.
    std::optional<int> next() const;
    void record(int streams, bool kept_up);
    // The largest stream count that kept up (0 if none did).
    int ceiling() const { return best_pass_; }

private:
    int max_;
    int next_;
    int best_pass_ = 0;
    int first_fail_ = INT_MAX;
};

}  // namespace confab::bench
