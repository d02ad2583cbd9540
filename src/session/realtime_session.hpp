// One client's Realtime session: all of its state and the handling of every
// client event.
//
// Owned by the WebSocket connection that created it; lives and runs only on
// that connection's strand, so it needs no locks. It never touches the socket:
// everything it says goes through its EventSink.
#pragma once
#include <boost/asio/any_io_executor.hpp>
#include <boost/json/object.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "audio/input_audio_decoder.hpp"
#include "config/config.hpp"
#include "pipeline/conversation.hpp"
#include "pipeline/event_sink.hpp"
#include "pipeline/response.hpp"
#include "pipeline/speech_input.hpp"
#include "pool/engine_refs.hpp"
#include "protocol/client_event.hpp"
#include "protocol/protocol_error.hpp"
#include "protocol/session_config.hpp"
#include "session/idle_timeout.hpp"
#include "session/input_audio_buffer.hpp"
#include "session/key_quota.hpp"
#include "session/reply_scheduler.hpp"
#include "session/session_observer.hpp"
#include "session/session_rate_limits.hpp"
#include "store/resumable_session.hpp"
#include "store/session_journal.hpp"

namespace confab::session {

using ResumableSession = store::ResumableSession;

class RealtimeSession final : public pipeline::SpeechInput::Listener,
                              private ReplyScheduler::Listener,
                              private pipeline::ConversationObserver {
public:
    RealtimeSession(boost::asio::any_io_executor strand, const Config& config,
                    const protocol::SessionConstraints& constraints,
                    const pool::EngineRefs& engines, pipeline::EventSink& sink, std::string id,
                    std::string model);
    ~RealtimeSession();
    RealtimeSession(const RealtimeSession&) = delete;
    RealtimeSession& operator=(const RealtimeSession&) = delete;

    const std::string& id() const { return id_; }
    const protocol::SessionConfig& config() const { return config_; }
    const pipeline::Conversation& conversation() const { return conversation_; }
    const InputAudioBuffer& input_audio() const { return input_audio_; }
    // What this session holds, in bytes (conversation text, audio buffers),
    // for the logs and metrics. An estimate: container overhead is approximated.
    std::size_t memory_bytes() const;

    // Before start(): the starting configuration a client secret carries
    // (realtime_session_preset.cpp). Applied as a session.update would be,
    // without events; on an error nothing is applied.
    std::optional<protocol::ProtocolError> preset(const boost::json::object& session);
    // The API key's limits over all its sessions (auth); null: none.
    void set_key_quota(std::shared_ptr<KeyQuota> quota) {
        rate_limits_.set_key_quota(std::move(quota));
    }
    // Sends session.created. Called once, right after the connection is admitted.
    void start();
    // Parses one text frame and handles it; malformed input yields an error event.
    void handle_text(std::string_view frame);
    void handle(protocol::ClientEvent event);
    // Tells the client the server is stopping (error server_shutting_down).
    void notify_shutdown();
    // Reports whether a reply is still in flight (shutdown waits for it).
    bool busy() const { return replies_.busy(); }
    // Called once nothing is in flight any more (set by the connection).
    void on_idle(std::function<void()> callback) { on_idle_ = std::move(callback); }
    const pipeline::Response* active_response() const { return replies_.active(); }
    // Whether server_vad's idle_timeout_ms is counting the user's silence.
    bool idle_timeout_running() const { return idle_.running(); }
    // The clock the rate limits read; tests freeze it to make limits deterministic.
    using Clock = std::function<std::chrono::steady_clock::time_point()>;
    void set_clock(Clock clock) { now_ = std::move(clock); }
    // Resuming (SessionResumption; realtime_session_resume.cpp): restore()
    // before start(), dropping what a reply that died with its node left
    // half-made; then every change is written through `journal`, and park()
    // once the client is gone cancels the reply in flight (keeping what was
    // sent) and hands the journal the state to keep.
    void restore(ResumableSession state);
    void attach_journal(std::unique_ptr<store::SessionJournal> journal);
    void park();
    // The state as it is now, for the journal (its config and items).
    ResumableSession snapshot() const;
    // Whether the conversation ends waiting for an answer (a user message or
    // a function call's output last): a resumed session whose reply died
    // with its node answers it.
    bool owes_reply() const;
    boost::asio::any_io_executor strand() const { return strand_; }
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
    void on(protocol::ConfabPing& ev);
    // Charges one client event; false (the client told why) if refused.
    bool admit_event();

    // SpeechInput::Listener (realtime_session_voice.cpp)
    void on_speech_started(pipeline::UserTurn& turn) override;
    void on_speech_stopped(std::shared_ptr<pipeline::UserTurn> turn) override;
    void on_transcript_partial(pipeline::UserTurn& turn, const std::string& text) override;
    void on_transcript_final(pipeline::UserTurn& turn, const std::string& text) override;
    void on_transcript_failed(pipeline::UserTurn& turn, const std::string& message) override;
    void on_pause_transcript(pipeline::UserTurn& turn, const std::string& text) override;
    void on_speech_resumed(pipeline::UserTurn& turn) override;
    void on_audio_dropped(pipeline::UserTurn& turn, int dropped_ms) override;

    // ReplyScheduler::Listener
    void reply_refused(const SessionRateLimits::Refusal& refusal,
                       const std::string& event_id) override;
    void reply_started() override;
    void reply_done(const pipeline::Response& response) override;

    // ConversationObserver: every change goes to the journal.
    void item_put(const protocol::ConversationItem& item,
                  const std::optional<std::string>& previous_id) override;
    void item_removed(const std::string& id) override;

    void apply_turn_detection();
    // server_vad's idle_timeout_ms (realtime_session_idle.cpp): counting
    // starts when a response is done, and on expiry the silence is
    // committed and the user prompted.
    void start_idle_timeout(const pipeline::Response& response);
    void on_idle_timeout(int audio_start_ms);
    // Input audio (realtime_session_audio.cpp). take_input: decoded 24 kHz
    // audio (chunk_ms long on the wire) into the buffer and speech input;
    // false (the client told why) if the buffer has no room.
    bool take_input(std::span<const std::int16_t> samples, int chunk_ms,
                    const std::string& event_id);
    // Takes in what the decoder holds back: the audio appended is then all in.
    void flush_input(const std::string& event_id);
    // Whether `next` may replace the session's formats now (false: the client
    // was told why); switches the input decoder if it may.
    bool change_audio_formats(const protocol::SessionConfig& next, const std::string& event_id);
    // Adds the committed buffer (audio_ms long) to the conversation as the
    // turn's item; the turn is kept until its transcript is in. Returns
    // whether a transcript is on its way.
    bool commit_turn(const std::shared_ptr<pipeline::UserTurn>& turn, int audio_ms,
                     const std::string& event_id, ReplyScheduler::Reply reply);
    // Whether a voice turn asks for a reply when it ends (create_response).
    ReplyScheduler::Reply voice_reply() const;
    // The committed turn's transcript is in (or failed): the session lets go of it.
    void transcribed(pipeline::UserTurn& turn);
    // Reports a rate-limit refusal (error, then rate_limits.updated).
    void refuse(const SessionRateLimits::Refusal& refusal, const std::string& param,
                const std::string& event_id);
    void send_rate_limits();

    void send_error(std::string code, std::string message, std::string param, std::string event_id);
    // Adds an item and tells the client (added, then done), reporting evictions.
    void add_item(protocol::ConversationItem item,
                  const std::optional<std::string>& previous_item_id, const std::string& event_id);

    boost::asio::any_io_executor strand_;
    const Config& server_config_;
    const protocol::SessionConstraints& constraints_;
    const pool::EngineRefs& engines_;
    pipeline::EventSink& sink_;
    const std::string id_;

    protocol::SessionConfig config_;
    pipeline::Conversation conversation_;
    audio::InputAudioDecoder input_decoder_;  // the wire's input format -> 24 kHz PCM16
    InputAudioBuffer input_audio_;

    std::unique_ptr<pipeline::SpeechInput> speech_;  // null without a VAD engine
    // Committed turns whose transcript is not in yet (the turn being spoken
    // belongs to speech_ until it ends).
    std::vector<std::shared_ptr<pipeline::UserTurn>> transcribing_;
    Clock now_ = [] { return std::chrono::steady_clock::now(); };
    SessionRateLimits rate_limits_;
    SessionObserver observer_;  // metrics and admin stats
    std::function<void()> on_idle_;
    std::unique_ptr<store::SessionJournal> journal_;  // null until resuming is set up
    ReplyScheduler replies_;
    // Last: destroyed first, so no expiry reaches a half-destroyed session.
    IdleTimeout idle_;
};

}  // namespace confab::session
