// What the admin endpoint may know about one live session: its state,
// counts and latest stage latencies — never what was said.
//
// Written only by the session's strand (through SessionObserver), read from
// any thread (the admin handler): every field is an atomic, so neither side
// takes a lock. Shared (shared_ptr) so that a reader never outlives it.
#pragma once
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <limits>
#include <string>

#include "metrics/metrics.hpp"

namespace confab::session {

class SessionStats {
public:
    enum class State : std::uint8_t { idle, user_speaking, transcribing, responding };

    // A copy for one reader.
    struct Snapshot {
        std::string id;
        std::string model;
        double age_s = 0;
        std::string state;
        std::uint64_t turns = 0;
        std::uint64_t responses = 0;
        std::uint64_t barge_ins = 0;
        double audio_in_s = 0;
        double audio_out_s = 0;
        std::uint64_t memory_bytes = 0;
        // Latest latency per stage, seconds; NaN: not measured yet.
        std::array<double, metrics::kStageCount> last_latency_s{};
    };

    SessionStats() {
        for (auto& l : last_latency_s) l.store(std::numeric_limits<double>::quiet_NaN());
    }

    Snapshot read(std::string id, std::string model) const;
    static std::string_view state_name(State s);

    const std::chrono::steady_clock::time_point created = std::chrono::steady_clock::now();
    std::atomic<State> state{State::idle};
    std::atomic<std::uint64_t> turns{0};
    std::atomic<std::uint64_t> responses{0};
    std::atomic<std::uint64_t> barge_ins{0};
    std::atomic<std::uint64_t> audio_in_samples{0};   // 24 kHz input
    std::atomic<std::uint64_t> audio_out_samples{0};  // 24 kHz output
    std::atomic<std::uint64_t> memory_bytes{0};
    std::array<std::atomic<double>, metrics::kStageCount> last_latency_s;
};

}  // namespace confab::session
