// One reply: an object that owns its whole life and its cancellation.
//
// It streams a chat completion, cuts the text into speakable pieces, has
// them synthesised one after another on the TTS pool, and sends the audio
// and transcript as Realtime events. Its output items open as the model
// produces them: the message when the first text arrives, a function_call
// item per tool call (FunctionCalls); a reply that is only a tool call has
// no message. cancel() is the one way to stop it: it
// emits the LLM request's cancellation signal (closing the HTTP stream),
// flags its synthesis (queued jobs are erased, the running one stops at its
// next chunk), drops its audio still queued for the socket, and sends
// response.done "cancelled" — all synchronously, in the caller's handler.
//
// Owned by the session (shared, because the LLM coroutine and posted TTS
// results hold it too); runs only on the session's strand. After it
// finished, late results are ignored and it never touches the sink again.
#pragma once
#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <deque>
#include <functional>
#include <memory>
#include <string>

#include "audio/output_audio_encoder.hpp"
#include "engines/llm/language_model.hpp"
#include "engines/tts/speech_synthesizer.hpp"
#include "pipeline/event_sink.hpp"
#include "pipeline/function_calls.hpp"
#include "pipeline/prefetched_completion.hpp"
#include "pipeline/response_timings.hpp"
#include "pipeline/text_segmenter.hpp"
#include "protocol/response_events.hpp"

namespace confab::audio {
class Resampler;
}
namespace confab::metrics {
class Metrics;
}
namespace confab::pool {
class TtsService;
}

namespace confab::pipeline {

class Response : public std::enable_shared_from_this<Response> {
public:
    class Listener {
    public:
        virtual ~Listener() = default;
        // A new output item, to be added to the conversation (not asked of
        // out-of-band responses); returns the id of the item it follows.
        virtual std::optional<std::string> on_output_item(
            const protocol::ConversationItem& item) = 0;
        // Told once, when the response has finished in any way.
        virtual void on_response_done(Response& response) = 0;
    };

    struct Setup {
        protocol::events::ResponseInfo info;  // id, modalities, voice, metadata...
        std::string item_id;
        engines::ChatRequest request;
        // A completion of exactly `request` already under way (asked for
        // during the user's pause): streamed from instead of a new request.
        std::shared_ptr<PrefetchedCompletion> prefetched;
        engines::SynthesisOptions voice;
        std::string session_key;              // fairness key in the TTS pool
        ResponseTimings timings;              // speech_stopped / transcript_final when spoken
        metrics::Metrics* metrics = nullptr;  // null: metrics off
        // Said instead of silence when the language model fails before any
        // output (llm.unavailable_message); "": the error event only.
        std::string unavailable_message;
    };

    Response(boost::asio::any_io_executor strand, pipeline::EventSink& sink,
             engines::LanguageModel& llm, pool::TtsService* tts, Listener* listener, Setup setup);
    ~Response();

    // Sends response.created, calls `created`, then starts the LLM. The LLM's
    // coroutine is dispatched on the strand, so it can run at once and send
    // a prefetched reply's items from inside start(): whatever must come
    // between response.created and those (the session's
    // rate_limits.updated) goes in `created`.
    void start(const std::function<void()>& created = {});
    // Cancels everything in flight; `reason` is "turn_detected" or "client_cancelled".
    void cancel(const std::string& reason);
    // Stops telling the listener (the session is being destroyed).
    void detach() { listener_ = nullptr; }

    const std::string& id() const { return info_.id; }
    bool finished() const { return finished_; }
    bool audio() const { return audio_; }
    const std::string& status() const { return info_.status; }
    // The message item (never opened if the model said nothing).
    const protocol::ConversationItem& item() const { return item_; }
    // Every item the response produced, in output order.
    std::vector<protocol::ConversationItem> output() const;
    const ResponseTimings& timings() const { return timings_; }

private:
    boost::asio::awaitable<void> run_llm(engines::ChatRequest request);
    void on_delta(std::string_view text);
    void on_tool_call(const engines::ToolCallDelta& delta);
    int open_item(const protocol::ConversationItem& item);
    void close_item(int output_index, const protocol::ConversationItem& item);
    void open_message();
    void on_llm_end(const engines::ChatOutcome& outcome);
    void queue_piece(std::string text);
    void pump_tts();
    void on_tts_audio(std::vector<std::int16_t> pcm, int rate);
    void on_tts_done(std::error_code ec);
    // Sends the 24 kHz audio gathered so far as one delta; `piece_end` also
    // sends what the output encoder holds back.
    void send_audio(bool piece_end = false);
    void fail(const std::string& code, const std::string& message);
    void apologise(const std::string& code, const std::string& message);
    void finish_spoken();
    void stop_producers();  // synthesis (queued and running) and the LLM request
    void cancel_llm();
    void note_llm_outcome(const char* outcome);
    void finish(const std::string& status, std::optional<boost::json::object> details);
    protocol::events::PartRef ref() const;
    bool message_open() const { return message_index_ >= 0; }
    protocol::ContentPart& part() { return item_.content.front(); }

    boost::asio::any_io_executor strand_;
    pipeline::EventSink& sink_;
    engines::LanguageModel& llm_;
    pool::TtsService* tts_;
    Listener* listener_;

    protocol::events::ResponseInfo info_;
    protocol::ConversationItem item_;
    engines::SynthesisOptions voice_;
    std::string session_key_;
    ResponseTimings timings_;
    const bool audio_;
    engines::ChatRequest request_;
    std::shared_ptr<PrefetchedCompletion> prefetched_;
    metrics::Metrics* metrics_;
    // Set once the request's outcome was counted: the first outcome known is the one counted
    // (a cancel can come before the stream's own end).
    bool llm_outcome_noted_ = false;

    // Cancellation: one signal for the LLM coroutine, one flag for synthesis.
    boost::asio::cancellation_signal llm_cancel_;
    std::shared_ptr<std::atomic<bool>> tts_cancelled_ = std::make_shared<std::atomic<bool>>(false);
    bool finished_ = false;
    const std::string unavailable_message_;
    // Set while the apology is spoken: how response.done will say it failed.
    std::optional<boost::json::object> spoken_failure_;
    bool apologised_ = false;

    int next_output_index_ = 0;
    int message_index_ = -1;  // the message's output_index once opened
    FunctionCalls calls_;

    TextSegmenter segmenter_;
    std::string text_;  // everything the model said
    bool llm_done_ = false;
    std::deque<std::string> pieces_;  // waiting for synthesis, in order
    bool tts_busy_ = false;
    std::string speaking_;        // the piece being synthesised
    bool piece_started_ = false;  // its first audio was sent
    int piece_start_ms_ = 0;
    std::unique_ptr<audio::Resampler> resampler_;
    int resampler_rate_ = 0;
    std::vector<std::int16_t> out_pcm_;  // 24 kHz audio not yet sent
    audio::OutputAudioEncoder encoder_;  // 24 kHz -> the session's output format
    std::size_t samples_sent_ = 0;
};

}  // namespace confab::pipeline
