#include "pipeline/response.hpp"

#include <boost/asio.hpp>

#include "audio/resampler.hpp"
#include "metrics/metrics.hpp"
#include "pool/tts_service.hpp"
#include "protocol/server_events.hpp"
#include "util/base64.hpp"
#include "util/errors.hpp"
#include "util/log.hpp"
#include "util/log_exception.hpp"

namespace confab::pipeline {
namespace asio = boost::asio;
namespace events = protocol::events;
using Clock = std::chrono::steady_clock;

namespace {
constexpr int kOutputRate = 24000;
// Audio deltas are sent in ~100 ms pieces (the first one at once): small
// enough to start playback early, large enough to keep events few.
constexpr std::size_t kDeltaSamples = kOutputRate / 10;

// The Realtime error code of a failed LLM request (docs/protocol.md).
std::string llm_error_code(std::error_code error) {
    if (error == errc::timeout) return "llm_timeout";
    if (error == errc::backend_saturated) return "llm_backend_saturated";
    if (error == errc::backend_unreachable) return "llm_backend_unavailable";
    return "llm_backend_error";
}
}  // namespace

Response::Response(asio::any_io_executor strand, pipeline::EventSink& sink,
                   engines::LanguageModel& llm, pool::TtsService* tts, Listener* listener,
                   Setup setup)
    : strand_(std::move(strand)),
      sink_(sink),
      llm_(llm),
      tts_(tts),
      listener_(listener),
      info_(std::move(setup.info)),
      voice_(std::move(setup.voice)),
      session_key_(std::move(setup.session_key)),
      timings_(setup.timings),
      audio_(tts != nullptr && info_.output_modalities == std::vector<std::string>{"audio"}),
      request_(std::move(setup.request)),
      prefetched_(std::move(setup.prefetched)),
      metrics_(setup.metrics),
      unavailable_message_(std::move(setup.unavailable_message)),
      calls_(sink, info_.id),
      encoder_(info_.output_format) {
    item_.id = std::move(setup.item_id);
    item_.role = "assistant";
    item_.status = "in_progress";
    item_.content.push_back(
        protocol::ContentPart{audio_ ? "output_audio" : "output_text", "", std::nullopt, 0, {}});
    if (audio_) part().transcript = "";
}

Response::~Response() = default;

events::PartRef Response::ref() const {
    return events::PartRef{info_.id, item_.id, message_index_, 0};
}

std::vector<protocol::ConversationItem> Response::output() const {
    // Calls open in output order; the message stands among them at its index.
    std::vector<protocol::ConversationItem> out;
    for (const auto& call : calls_.calls()) out.push_back(call.item);
    if (message_open()) out.insert(out.begin() + message_index_, item_);
    return out;
}

int Response::open_item(const protocol::ConversationItem& item) {
    const int index = next_output_index_++;
    sink_.send_event(events::output_item_added(info_.id, index, item));
    if (!info_.out_of_band) {
        std::optional<std::string> previous;
        if (listener_ != nullptr) previous = listener_->on_output_item(item);
        sink_.send_event(events::conversation_item_added(item, previous));
    }
    return index;
}

void Response::close_item(int output_index, const protocol::ConversationItem& item) {
    sink_.send_event(events::output_item_done(info_.id, output_index, item));
    if (!info_.out_of_band) sink_.send_event(events::conversation_item_done(item, std::nullopt));
}

void Response::open_message() {
    if (message_open()) return;
    message_index_ = open_item(item_);
    sink_.send_event(events::content_part_added(ref(), part()));
}

void Response::start(const std::function<void()>& created) {
    timings_.created = Clock::now();
    sink_.send_event(events::response_created(info_));
    if (created) created();
    log::debug("response started", {{"session", session_key_},
                                    {"response", info_.id},
                                    {"llm", llm_.name()},
                                    {"prefetched", prefetched_ ? "true" : "false"}});
    // The coroutine holds the response alive; the signal's slot lets
    // cancel() reach into whatever network operation it is waiting on.
    asio::co_spawn(
        strand_, run_llm(request_),
        asio::bind_cancellation_slot(
            llm_cancel_.slot(), on_exception([self = shared_from_this()](const std::exception& ex) {
                self->fail("llm_failed",
                           std::string("the language model client failed: ") + ex.what());
            })));
}

asio::awaitable<void> Response::run_llm(engines::ChatRequest request) {
    auto self = shared_from_this();
    // A busy backend serves waiting sessions in turn.
    request.session_key = session_key_;
    engines::LanguageModel& model = prefetched_ ? *prefetched_ : llm_;
    engines::LanguageModel::StreamSinks sinks{
        [this](std::string_view text) { on_delta(text); },
        [this](const engines::ToolCallDelta& delta) { on_tool_call(delta); }};
    auto outcome = co_await model.stream(std::move(request), std::move(sinks));
    on_llm_end(outcome);
}

void Response::on_delta(std::string_view text) {
    if (finished_ || text.empty()) return;
    if (!timings_.llm_first_token) timings_.llm_first_token = Clock::now();
    open_message();
    text_ += text;
    if (!audio_) {
        part().text += text;
        sink_.send_event(events::output_text_delta(ref(), std::string(text)));
        return;
    }
    for (auto& piece : segmenter_.push(text)) queue_piece(std::move(piece));
}

void Response::on_tool_call(const engines::ToolCallDelta& delta) {
    if (finished_) return;
    if (!timings_.llm_first_token) timings_.llm_first_token = Clock::now();
    calls_.on_delta(delta,
                    [this](const protocol::ConversationItem& item) { return open_item(item); });
}

void Response::on_llm_end(const engines::ChatOutcome& outcome) {
    if (finished_) return;  // cancelled: the cancel already said everything
    llm_done_ = true;
    const bool timed_out = outcome.error == make_error_code(errc::timeout);
    note_llm_outcome(!outcome.error ? "ok" : timed_out ? "timeout" : "error");
    if (outcome.error) {
        const std::string code = llm_error_code(outcome.error);
        const std::string message =
            "The language model request failed: " +
            (outcome.message.empty() ? outcome.error.message() : outcome.message);
        // No silence: a reply that never began says why aloud (docs/engines.md).
        if (unavailable_message_.empty() || !text_.empty() || !calls_.empty()) {
            fail(code, message);
        } else {
            apologise(code, message);
        }
        return;
    }
    if (!audio_) {
        finish("completed", std::nullopt);
        return;
    }
    if (auto rest = segmenter_.flush()) queue_piece(std::move(*rest));
    if (!tts_busy_ && pieces_.empty()) finish("completed", std::nullopt);
}

void Response::queue_piece(std::string text) {
    pieces_.push_back(std::move(text));
    pump_tts();
}

// Pieces are synthesised one at a time, in order: that keeps the audio in
// order without reassembly, and leaves the pool's other workers to other
// sessions.
void Response::pump_tts() {
    if (finished_ || tts_busy_ || pieces_.empty()) return;
    speaking_ = std::move(pieces_.front());
    pieces_.pop_front();
    tts_busy_ = true;
    piece_started_ = false;
    pool::TtsJob job;
    job.text = speaking_;
    job.options = voice_;
    job.tag = info_.id;
    job.cancelled = tts_cancelled_;
    job.executor = strand_;
    if (!timings_.first_piece_queued) timings_.first_piece_queued = Clock::now();
    std::weak_ptr<Response> weak = weak_from_this();
    auto strand = strand_;
    job.on_audio = [weak, strand](std::span<const std::int16_t> pcm, int rate) {
        asio::post(strand, [weak, copy = std::vector<std::int16_t>(pcm.begin(), pcm.end()),
                            rate]() mutable {
            if (auto self = weak.lock()) self->on_tts_audio(std::move(copy), rate);
        });
    };
    job.on_done = [weak, strand](std::error_code ec) {
        asio::post(strand, [weak, ec] {
            if (auto self = weak.lock()) self->on_tts_done(ec);
        });
    };
    if (!tts_->submit(session_key_, std::move(job))) {
        if (metrics_ != nullptr) metrics_->drops("tts_queue_full").inc();
        fail("tts_queue_full", "The speech synthesis queue is full; this response was stopped.");
    }
}

void Response::on_tts_audio(std::vector<std::int16_t> pcm, int rate) {
    if (finished_) return;
    if (!timings_.first_audio_synthesized) timings_.first_audio_synthesized = Clock::now();
    if (!resampler_ || resampler_rate_ != rate) {
        resampler_ = std::make_unique<audio::Resampler>(rate, kOutputRate);
        resampler_rate_ = rate;
    }
    resampler_->process(pcm, out_pcm_);
    if (!piece_started_) {
        // The transcript follows the audio: this piece's text goes out with its first sound.
        piece_started_ = true;
        piece_start_ms_ = static_cast<int>(samples_sent_ * 1000 / kOutputRate);
        const std::string delta = (part().transcript->empty() ? "" : " ") + speaking_;
        *part().transcript += delta;
        sink_.send_event(events::output_audio_transcript_delta(ref(), delta));
    }
    if (!timings_.first_audio_sent || out_pcm_.size() >= kDeltaSamples) send_audio();
}

void Response::send_audio(bool piece_end) {
    if (out_pcm_.empty() && !piece_end) return;
    std::vector<std::byte> bytes;
    encoder_.encode(out_pcm_, piece_end, bytes);  // in the session's output format
    samples_sent_ += out_pcm_.size();
    part().audio_ms = static_cast<int>(samples_sent_ * 1000 / kOutputRate);
    const std::size_t pcm_bytes = out_pcm_.size() * 2;
    out_pcm_.clear();
    if (bytes.empty()) return;  // G.711: the resampler holds the first few ms back
    if (metrics_ != nullptr) {
        metrics_->audio_out_frames.inc();
        metrics_->audio_out_bytes.inc(pcm_bytes);  // counted as PCM16, like the input
    }
    sink_.send_event(
        events::output_audio_delta(
            ref(), base64::encode(std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()),
                                            bytes.size()))),
        info_.id);
    if (!timings_.first_audio_sent) timings_.first_audio_sent = Clock::now();
}

void Response::on_tts_done(std::error_code ec) {
    if (finished_) return;
    tts_busy_ = false;
    if (ec && ec != make_error_code(errc::cancelled)) {
        fail("tts_failed", "Speech synthesis failed: " + ec.message());
        return;
    }
    if (resampler_) {
        resampler_->flush(out_pcm_);
        resampler_->reset();
    }
    send_audio(true);
    if (piece_started_) {
        part().timeline.push_back(protocol::TimedText{piece_start_ms_, part().audio_ms, speaking_});
    }
    if (!pieces_.empty()) {
        pump_tts();
    } else if (llm_done_) {
        finish_spoken();
    }
}

// Counted once per request, when its outcome is first known.
void Response::note_llm_outcome(const char* outcome) {
    if (llm_outcome_noted_) return;
    llm_outcome_noted_ = true;
    // The backend's kind ("openai", "offline"), not its URL: labels must stay few.
    if (metrics_ != nullptr) {
        const std::string name = llm_.name();
        metrics_->llm_requests(name.substr(0, name.find(':')), outcome).inc();
    }
}

// The signal is emitted from a fresh handler, never from inside the LLM
// coroutine's own call stack (cancel() can be reached from on_delta): Asio
// turns a cancellation seen by a running coroutine into an exception at its
// next co_await, which would escape co_spawn's completion path. Posted, it
// reaches the coroutine while it waits on the socket, aborts that wait and
// the client closes the connection; after the coroutine ended it is a no-op.
void Response::cancel_llm() {
    if (llm_done_) return;
    note_llm_outcome("cancelled");
    // Also directly: the coroutine may not have adopted it yet.
    if (prefetched_) prefetched_->cancel();
    asio::post(strand_, [self = shared_from_this()] {
        self->llm_cancel_.emit(asio::cancellation_type::terminal);
    });
}

// Cancelling and failing both stop every producer first, then say so:
// nothing of this response can reach the client after its response.done.
void Response::stop_producers() {
    tts_cancelled_->store(true);
    if (tts_ != nullptr) tts_->cancel(session_key_, info_.id);
    cancel_llm();
}

}  // namespace confab::pipeline
