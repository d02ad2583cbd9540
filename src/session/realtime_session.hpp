// One client's Realtime session: all of its state and the handling of every
// client event.
//
// Owned by the WebSocket connection that created it; lives and runs only on
// that connection's strand, so it needs no locks. It never touches the socket:
// everything it says goes through its EventSink.
#pragma once
#include <boost/asio/any_io_executor.hpp>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>

#include "config/config.hpp"
#include "pipeline/engines.hpp"
#include "pipeline/response.hpp"
#include "pipeline/speech_input.hpp"
#include "protocol/client_event.hpp"
#include "protocol/session_config.hpp"
#include "session/conversation.hpp"
#include "session/event_sink.hpp"
#include "session/input_audio_buffer.hpp"
#include "session/session_observer.hpp"

namespace confab::session {

class RealtimeSession final : public pipeline::SpeechInput::Listener, public pipeline::Response::Listener {
public:
    RealtimeSession(boost::asio::any_io_executor strand, const Config& config,
                    const protocol::SessionConstraints& constraints, const pipeline::Engines& engines,
                    EventSink& sink, std::string id, std::string model);
    ~RealtimeSession();
    RealtimeSession(const RealtimeSession&) = delete;
    RealtimeSession& operator=(const RealtimeSession&) = delete;

    const std::string& id() const { return id_; }
    const protocol::SessionConfig& config() const { return config_; }
    const Conversation& conversation() const { return conversation_; }
    const InputAudioBuffer& input_audio() const { return input_audio_; }

    // Sends session.created. Called once, right after the connection is admitted.
    void start();
    // Parses one text frame and handles it; malformed input yields an error event.
    void handle_text(std::string_view frame);
    void handle(protocol::ClientEvent event);
    // Tells the client the server is stopping (error server_shutting_down).
    void notify_shutdown();
    // Reports whether a reply is still in flight (shutdown waits for it).
    bool busy() const;
    // Called once nothing is in flight any more (set by the connection).
    void on_idle(std::function<void()> callback) { on_idle_ = std::move(callback); }
    const pipeline::Response* active_response() const { return response_.get(); }
    // State, counts and latencies for the admin endpoint; readable from any thread.
    std::shared_ptr<const SessionStats> stats() const { return observer_.stats(); }

private:
    void on(protocol::SessionUpdate& ev);
    void on(protocol::InputAudioAppend& ev);
    void on(protocol::InputAudioCommit& ev);
    void on(protocol::InputAudioClear& ev);
    void on(protocol::ItemCreate& ev);
    void on(protocol::ItemDelete& ev);
    void on(protocol::ItemTruncate& ev);
    void on(protocol::ItemRetrieve& ev);
    void on(protocol::ResponseCreate& ev);
    void on(protocol::ResponseCancel& ev);

    // SpeechInput::Listener
    std::string on_speech_started(int audio_start_ms) override;
    void on_speech_stopped(const std::string& item_id, int audio_end_ms) override;
    void on_transcript_partial(const std::string& item_id, const std::string& text) override;
    void on_transcript_final(const std::string& item_id, const std::string& text) override;
    void on_transcript_failed(const std::string& item_id, const std::string& message) override;
    // Response::Listener
    void on_response_done(pipeline::Response& response) override;

    void apply_turn_detection();
    void commit_audio(const std::string& item_id, const std::string& event_id, bool transcribe_now);
    // Starts a response now, or once the transcripts it depends on are in.
    void request_response(protocol::ResponseCreate params, pipeline::ResponseTimings timings);
    void start_response(protocol::ResponseCreate params, pipeline::ResponseTimings timings);

    void send_error(std::string code, std::string message, std::string param, std::string event_id);
    // Adds an item and tells the client (added, then done), reporting evictions.
    void add_item(protocol::ConversationItem item, const std::optional<std::string>& previous_item_id,
                  const std::string& event_id);

    boost::asio::any_io_executor strand_;
    const Config& server_config_;
    const protocol::SessionConstraints& constraints_;
    const pipeline::Engines& engines_;
    EventSink& sink_;
    const std::string id_;

    protocol::SessionConfig config_;
    Conversation conversation_;
    InputAudioBuffer input_audio_;
    int input_audio_total_ms_ = 0;  // audio received since the session began

    std::unique_ptr<pipeline::SpeechInput> speech_;  // null without a VAD engine
    std::string speaking_item_;                      // the user's turn in progress, if any
    std::map<std::string, std::string> partials_;    // item id → latest partial transcript
    std::set<std::string> pending_transcripts_;      // committed items awaiting their transcript
    std::optional<std::pair<protocol::ResponseCreate, pipeline::ResponseTimings>> deferred_response_;
    pipeline::ResponseTimings turn_timings_;         // of the turn being transcribed
    std::shared_ptr<pipeline::Response> response_;   // the one active response, if any
    std::function<void()> on_idle_;
    SessionObserver observer_;  // metrics and admin stats
};

}  // namespace confab::session
