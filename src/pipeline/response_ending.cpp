// How a Response ends: cancelled, failed, failed but said aloud (the
// apology when the language model could not answer), or completed; and the
// closing events every ending sends (response.cpp has the reply's life).
#include <boost/json.hpp>

#include "metrics/metrics.hpp"
#include "pipeline/response.hpp"
#include "pool/tts_service.hpp"
#include "protocol/server_events.hpp"
#include "util/log.hpp"

namespace confab::pipeline {
namespace events = protocol::events;
using Clock = std::chrono::steady_clock;

// The error event now, then the configured sentence as the reply's own text
// and audio; response.done says "failed" with the error once it is spoken.
void Response::apologise(const std::string& code, const std::string& message) {
    protocol::ProtocolError err{code, message, "", ""};
    err.type = "server_error";
    log::warn(
        "response failed; saying so",
        {{"session", session_key_}, {"response", info_.id}, {"code", code}, {"message", message}});
    sink_.send_event(events::error(err));
    spoken_failure_ = events::status_details("failed", code, err);
    apologised_ = true;
    on_delta(unavailable_message_);
    if (audio_) {
        if (auto rest = segmenter_.flush()) queue_piece(std::move(*rest));
        if (tts_busy_ || !pieces_.empty()) return;
    }
    finish_spoken();
}

// The natural end: everything said (or, after apologise(), the apology).
void Response::finish_spoken() {
    if (!spoken_failure_) {
        finish("completed", std::nullopt);
        return;
    }
    auto details = std::move(spoken_failure_);
    spoken_failure_.reset();
    finish("failed", std::move(details));
}

void Response::cancel(const std::string& reason) {
    if (finished_) return;
    stop_producers();
    const auto dropped = sink_.drop_response(info_.id);
    if (metrics_ != nullptr && dropped > 0) metrics_->drops("stale_response_audio").inc(dropped);
    if (piece_started_ && audio_) {
        part().timeline.push_back(protocol::TimedText{piece_start_ms_, part().audio_ms, speaking_});
    }
    log::info("response cancelled", {{"session", session_key_},
                                     {"response", info_.id},
                                     {"reason", reason},
                                     {"audio_deltas_dropped", std::to_string(dropped)}});
    finish("cancelled", events::status_details("cancelled", reason));
}

void Response::fail(const std::string& code, const std::string& message) {
    if (finished_) return;
    stop_producers();
    protocol::ProtocolError err{code, message, "", ""};
    err.type = "server_error";
    log::warn(
        "response failed",
        {{"session", session_key_}, {"response", info_.id}, {"code", code}, {"message", message}});
    sink_.send_event(events::error(err));
    finish("failed", events::status_details("failed", code, err));
}

void Response::finish(const std::string& status, std::optional<boost::json::object> details) {
    if (finished_) return;
    finished_ = true;
    timings_.done = Clock::now();
    info_.status = status;
    info_.status_details = std::move(details);
    // An apology spoken to its end is a whole message of a failed response.
    const bool spoken = status == "completed" || (apologised_ && status == "failed");
    item_.status = spoken ? "completed" : "incomplete";
    // A completed reply always says something: one that had neither text nor
    // calls still gets its (empty) message, as before items opened lazily.
    if (status == "completed" && calls_.empty()) open_message();
    if (message_open()) {
        if (audio_) {
            if (spoken) {
                sink_.send_event(events::output_audio_done(ref()));
            }
            sink_.send_event(
                events::output_audio_transcript_done(ref(), part().transcript.value_or("")));
        } else {
            sink_.send_event(events::output_text_done(ref(), part().text));
        }
        sink_.send_event(events::content_part_done(ref(), part()));
        close_item(message_index_, item_);
    }
    calls_.finish(status == "completed", [this](int index, const protocol::ConversationItem& item) {
        close_item(index, item);
    });
    info_.output = output();
    sink_.send_event(events::response_done(info_));

    sink_.send_event(events::response_timings(info_.id, status, timings_.to_json()));
    const auto e2a = timings_.speech_stopped_to_first_audio_ms();
    log::info("turn summary", {{"session", session_key_},
                               {"response", info_.id},
                               {"status", status},
                               {"speech_stopped_to_first_audio_ms",
                                e2a ? std::to_string(static_cast<int>(*e2a)) : "-"},
                               {"timings", boost::json::serialize(timings_.to_json())}});
    if (listener_ != nullptr) listener_->on_response_done(*this);
}

}  // namespace confab::pipeline
