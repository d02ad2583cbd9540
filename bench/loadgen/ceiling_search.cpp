#include "loadgen/ceiling_search.hpp"

#include <algorithm>

namespace confab::bench {

const char* trial_failure(const TrialStats& stats, const CeilingCriteria& criteria) {
    if (stats.errors > 0) return "decoder errors";
    if (stats.utterances == 0) return "no utterance finished";
    if (stats.final_p95_ms > criteria.max_final_p95_ms) return "final results too slow";
    if (stats.backlog_end_ms > criteria.max_backlog_ms) return "fell behind real time";
    return "";
}

CeilingSearch::CeilingSearch(int start, int max_streams)
    : max_(std::max(1, max_streams)), next_(std::clamp(start, 1, max_)) {}

std::optional<int> CeilingSearch::next() const {
    if (next_ < 1) return std::nullopt;
    return next_;
}

void CeilingSearch::record(int streams, bool kept_up) {
    if (kept_up) {
        best_pass_ = std::max(best_pass_, streams);
    } else {
        first_fail_ = std::min(first_fail_, streams);
    }
    if (first_fail_ == INT_MAX) {
        // Still doubling: the ceiling is above every count tried.
        next_ = best_pass_ >= max_ ? 0 : std::min(2 * best_pass_, max_);
        return;
    }
    // Bisect the gap; done once the largest pass and smallest failure are adjacent.
    next_ = first_fail_ - best_pass_ <= 1 ? 0 : best_pass_ + (first_fail_ - best_pass_) / 2;
}

}  // namespace confab::bench
