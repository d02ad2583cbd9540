#include "session/session_stats.hpp"

namespace confab::session {

std::string_view SessionStats::state_name(State s) {
    switch (s) {
        case State::idle:
            return "idle";
        case State::user_speaking:
            return "user_speaking";
        case State::transcribing:
            return "transcribing";
        case State::responding:
            return "responding";
    }
    return "unknown";
}

SessionStats::Snapshot SessionStats::read(std::string id, std::string model) const {
    constexpr double kRate = 24000.0;
    Snapshot s;
    s.id = std::move(id);
    s.model = std::move(model);
    s.age_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - created).count();
    s.state = std::string(state_name(state.load()));
    s.turns = turns.load();
    s.responses = responses.load();
    s.barge_ins = barge_ins.load();
    s.audio_in_s = static_cast<double>(audio_in_samples.load()) / kRate;
    s.audio_out_s = static_cast<double>(audio_out_samples.load()) / kRate;
    s.memory_bytes = memory_bytes.load();
    for (std::size_t i = 0; i < metrics::kStageCount; ++i)
        s.last_latency_s[i] = last_latency_s[i].load();
    return s;
}

}  // namespace confab::session
