#include "pipeline/response_timings.hpp"

namespace confab::pipeline {
namespace json = boost::json;

namespace {
json::value since(const ResponseTimings::Point& base, const ResponseTimings::Point& p) {
    if (!base || !p) return nullptr;
    return std::chrono::duration<double, std::milli>(*p - *base).count();
}
}  // namespace

json::object ResponseTimings::to_json() const {
    const Point& base = speech_stopped ? speech_stopped : created;
    return {{"base", speech_stopped ? "speech_stopped" : "response_created"},
            {"speech_ended_ms", since(base, speech_ended)},
            {"transcript_final_ms", since(base, transcript_final)},
            {"response_created_ms", since(base, created)},
            {"llm_first_token_ms", since(base, llm_first_token)},
            {"first_piece_queued_ms", since(base, first_piece_queued)},
            {"first_audio_synthesized_ms", since(base, first_audio_synthesized)},
            {"first_audio_sent_ms", since(base, first_audio_sent)},
            {"done_ms", since(base, done)}};
}

std::optional<double> ResponseTimings::speech_stopped_to_first_audio_ms() const {
    if (!speech_stopped || !first_audio_sent) return std::nullopt;
    return std::chrono::duration<double, std::milli>(*first_audio_sent - *speech_stopped).count();
}

}  // namespace confab::pipeline
