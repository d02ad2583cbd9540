#include "loadgen/slo_check.hpp"

#include <cstdio>

namespace confab::bench {
namespace {

std::string ms_compare(double value, const char* op, double limit) {
    char text[96];
    std::snprintf(text, sizeof text, "%.0f ms %s %.0f ms", value, op, limit);
    return text;
}

std::string count_is_zero(int n) {
    return std::to_string(n) + (n == 0 ? " == 0" : " > 0");
}

}  // namespace

SloVerdict check_slo(const SloInputs& in, const SloLimits& limits) {
    SloVerdict v;
    const double reply_limit = limits.silence_ms + limits.reply_margin_ms;
    if (in.end_of_speech_to_first_audio_p95) {
        const double p95 = *in.end_of_speech_to_first_audio_p95;
        const bool ok = p95 <= reply_limit;
        v.checks.push_back({"reply_p95", ok, true, ms_compare(p95, ok ? "<=" : ">", reply_limit)});
    } else {
        v.checks.push_back({"reply_p95", false, false, "no turn was replied"});
    }
    v.checks.push_back({"underruns", in.underruns == 0, true, count_is_zero(in.underruns)});
    v.checks.push_back(
        {"failed_turns", in.failed_turns == 0, true, count_is_zero(in.failed_turns)});
    if (in.barge_in_stop_p95) {
        const double p95 = *in.barge_in_stop_p95;
        const bool ok = p95 <= limits.barge_in_stop_ms;
        v.checks.push_back({"barge_in_stop_p95", ok, true,
                            ms_compare(p95, ok ? "<=" : ">", limits.barge_in_stop_ms)});
    } else {
        // No user barged in on a cancellable reply (e.g. 1 user at share 0.2):
        // nothing to hold against the bound.
        v.checks.push_back({"barge_in_stop_p95", true, false, "no cancelled reply measured"});
    }
    v.pass = true;
    for (const auto& c : v.checks) v.pass = v.pass && c.pass;
    return v;
}

}  // namespace confab::bench
