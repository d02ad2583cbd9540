#include "session/realtime_session.hpp"

#include "session/call_item_error.hpp"

#include <boost/asio/post.hpp>

#include "metrics/metrics.hpp"
#include "pipeline/evictions.hpp"
#include "protocol/client_event_parser.hpp"
#include "protocol/server_events.hpp"
#include "protocol/session_config_codec.hpp"
#include "session/call_item_error.hpp"
#include "util/ids.hpp"
#include "util/log.hpp"

namespace confab::session {
namespace events = protocol::events;

RealtimeSession::RealtimeSession(boost::asio::any_io_executor strand, const Config& config,
                                 const protocol::SessionConstraints& constraints,
                                 const pool::EngineRefs& engines, pipeline::EventSink& sink,
                                 std::string id, std::string model)
    : strand_(std::move(strand)),
      server_config_(config),
      constraints_(constraints),
      engines_(engines),
      sink_(sink),
      id_(std::move(id)),
      conversation_(static_cast<std::size_t>(config.limits.max_conversation_items),
                    config.limits.max_conversation_chars),
      input_audio_(config.limits.max_input_audio_ms),
      rate_limits_(config.limits, std::chrono::steady_clock::now()),
      observer_(engines.metrics),
      replies_(
          {strand_, config, engines, sink, id_, config_, conversation_, rate_limits_, now_, *this}),
      idle_(
          strand_, [this] { return speech_ ? speech_->stream_ms() : 0; },
          [this](int audio_start_ms) { on_idle_timeout(audio_start_ms); }) {
    config_.model = std::move(model);
    config_.voice = config.tts.voice;
    config_.speed = config.tts.speed;
    config_.transcription_model = constraints.transcription_models.front();
    if (engines_.make_vad) {
        speech_ = std::make_unique<pipeline::SpeechInput>(strand_, engines_, *this, id_,
                                                          config.limits.max_input_audio_ms);
        apply_turn_detection();
    }
}

RealtimeSession::~RealtimeSession() = default;

void RealtimeSession::apply_turn_detection() {
    if (!speech_) return;
    if (!config_.turn_detection) {
        speech_->configure(std::nullopt);
        input_audio_.keep(InputAudioBuffer::Keeps::samples);
        return;
    }
    const auto& td = *config_.turn_detection;
    pipeline::TurnDetector::Params p;
    p.threshold = td.threshold;
    p.prefix_padding_ms = td.prefix_padding_ms;
    p.silence_duration_ms = td.silence_duration_ms;
    if (td.type == protocol::TurnDetection::Type::semantic_vad) {
        using E = protocol::TurnDetection::Eagerness;
        p.eagerness = td.eagerness == E::low    ? pipeline::Eagerness::low
                      : td.eagerness == E::high ? pipeline::Eagerness::high
                                                : pipeline::Eagerness::medium;  // and auto
    }
    // Applied by speech input once no turn is in progress, switching
    // between server_vad and semantic_vad included.
    speech_->configure(p);
    // Speech input streams every turn to the recognizer: the buffer needs
    // only the audio's length (InputAudioBuffer says why).
    if (speech_->detecting()) input_audio_.keep(InputAudioBuffer::Keeps::duration);
}

void RealtimeSession::start() {
    sink_.send_event(events::session_created(config_, id_));
}

namespace {
// A confab.ping is charged to a budget of its own. Telling one apart needs a
// parse, so only a frame this small that names the type is parsed before it
// is charged; every other frame is charged first (a flood is refused at the
// least cost).
constexpr std::size_t kMaxPingFrameBytes = 256;
bool may_be_ping(std::string_view frame) {
    return frame.size() <= kMaxPingFrameBytes &&
           frame.find("\"confab.ping\"") != std::string_view::npos;
}
}  // namespace

void RealtimeSession::handle_text(std::string_view frame) {
    const bool maybe_ping = may_be_ping(frame);
    if (!maybe_ping && !admit_event()) return;
    const protocol::ParseLimits limits{server_config_.limits.max_item_text_chars,
                                       constraints_.tools};
    auto parsed = protocol::parse_client_event(frame, limits);
    auto* event = std::get_if<protocol::ClientEvent>(&parsed);
    const bool ping = event != nullptr && std::holds_alternative<protocol::ConfabPing>(*event);
    if (maybe_ping && !ping && !admit_event()) return;
    if (auto* err = std::get_if<protocol::ProtocolError>(&parsed)) {
        log::info("client event refused",
                  {{"session", id_}, {"code", err->code}, {"param", err->param}});
        sink_.send_event(events::error(*err));
        return;
    }
    handle(std::move(*event));
}

bool RealtimeSession::admit_event() {
    if (auto refused = rate_limits_.admit_event(now_())) {
        refuse(*refused, "", "");
        return false;
    }
    return true;
}

void RealtimeSession::on(protocol::ConfabPing& ev) {
    if (auto refused = rate_limits_.admit_ping(now_())) {
        refuse(*refused, "", ev.event_id);
        return;
    }
    sink_.send_event(events::confab_pong(ev.event_id, ev.sent_at_ms));
}

void RealtimeSession::handle(protocol::ClientEvent event) {
    std::visit([this](auto& ev) { on(ev); }, event);
}

void RealtimeSession::notify_shutdown() {
    send_error("server_shutting_down", "The server is shutting down; reconnect to continue.", "",
               "");
}

std::size_t RealtimeSession::memory_bytes() const {
    constexpr std::size_t kPerItem = 256;  // ids, roles, part headers
    std::size_t bytes = conversation_.chars() + conversation_.items().size() * kPerItem;
    bytes += input_audio_.held_bytes();
    for (const auto& turn : transcribing_) bytes += turn->partial().size();
    if (speech_ && speech_->turn_in_progress() != nullptr)
        bytes += speech_->turn_in_progress()->partial().size();
    return bytes;
}

void RealtimeSession::refuse(const SessionRateLimits::Refusal& refusal, const std::string& param,
                             const std::string& event_id) {
    if (engines_.metrics != nullptr) engines_.metrics->rate_limit_hits(refusal.limit).inc();
    if (!refusal.report) return;  // coalesced: counted into the next report
    log::info("rate limit", {{"session", id_}, {"code", refusal.code}, {"limit", refusal.limit}});
    sink_.send_event(
        events::error(protocol::ProtocolError{refusal.code, refusal.message, param, event_id}));
    send_rate_limits();
}

void RealtimeSession::send_rate_limits() {
    sink_.send_event(events::rate_limits_updated(rate_limits_.snapshot(now_())));
}

void RealtimeSession::send_error(std::string code, std::string message, std::string param,
                                 std::string event_id) {
    log::info("error sent", {{"session", id_}, {"code", code}});
    sink_.send_event(events::error(protocol::ProtocolError{std::move(code), std::move(message),
                                                           std::move(param), std::move(event_id)}));
}

void RealtimeSession::on(protocol::SessionUpdate& ev) {
    const auto turn_detection = config_.turn_detection;
    auto next = config_;
    if (auto err = protocol::apply_session_update(ev.session, constraints_, ev.event_id, next)) {
        sink_.send_event(events::error(*err));
        return;
    }
    if (!change_audio_formats(next, ev.event_id)) return;
    config_ = std::move(next);
    // The silence being counted was asked for by the old settings.
    if (config_.turn_detection != turn_detection) idle_.stop();
    apply_turn_detection();
    if (journal_) journal_->config_changed(config_);
    sink_.send_event(events::session_updated(config_, id_));
}

void RealtimeSession::on(protocol::InputAudioAppend& ev) {
    const auto bytes = std::as_bytes(std::span(ev.audio));
    if (!input_decoder_.whole_samples(bytes.size())) {
        send_error("invalid_audio",
                   "'audio' decodes to " + std::to_string(bytes.size()) +
                       " bytes, an odd count: PCM16 needs two bytes per sample.",
                   "audio", ev.event_id);
        return;
    }
    // Charged by the wire's duration, before decoding: a refused chunk leaves
    // the decoder's state as it was.
    const int chunk_ms = input_decoder_.duration_ms(bytes.size());
    if (auto refused = rate_limits_.admit_audio(chunk_ms, now_())) {
        refuse(*refused, "audio", ev.event_id);
        return;
    }
    std::vector<std::int16_t> samples;
    input_decoder_.decode(bytes, samples);
    if (take_input(samples, chunk_ms, ev.event_id)) observer_.audio_in(samples.size());
}

void RealtimeSession::on(protocol::InputAudioCommit& ev) {
    flush_input(ev.event_id);  // the audio appended is committed whole
    if (input_audio_.duration_ms() < 100) {
        send_error("input_audio_buffer_commit_empty",
                   "Error committing input audio buffer: buffer too small. Expected at least 100ms "
                   "of audio, but "
                   "buffer only has " +
                       std::to_string(input_audio_.duration_ms()) + "ms of audio.",
                   "", ev.event_id);
        return;
    }
    // Server VAD: a turn in progress ends here (on_speech_stopped commits it,
    // from its stream); with none, the audio before any turn is in speech
    // input's history, the buffer holding only its length.
    const bool server_vad = input_audio_.keeps() == InputAudioBuffer::Keeps::duration;
    if (server_vad && speech_->end_turn_now()) return;
    auto turn = std::make_shared<pipeline::UserTurn>(make_id("item"));
    const int audio_ms = input_audio_.duration_ms();
    const auto audio = input_audio_.take();  // no samples with server VAD
    if (!commit_turn(turn, audio_ms, ev.event_id, ReplyScheduler::Reply::none)) return;
    if (server_vad) {
        speech_->transcribe_history(turn, audio_ms);
    } else {
        speech_->transcribe(turn, audio);
    }
}

bool RealtimeSession::commit_turn(const std::shared_ptr<pipeline::UserTurn>& turn, int audio_ms,
                                  const std::string& event_id, ReplyScheduler::Reply reply) {
    protocol::ConversationItem item{turn->item_id(), "user", "completed", {}};
    item.content.push_back(protocol::ContentPart{"input_audio", "", std::nullopt, audio_ms, {}});
    observer_.turn_committed();
    sink_.send_event(events::input_audio_buffer_committed(item.id, conversation_.last_id()));
    const bool transcribing =
        speech_ && engines_.stt != nullptr && config_.transcription_model.has_value();
    if (!transcribing) {
        turn->commit_untranscribed();
        add_item(std::move(item), std::nullopt, event_id);
        replies_.turn_committed(turn, reply);
        return false;
    }
    // The item is done once its transcript is in; until then it is only added.
    auto inserted = conversation_.insert(item, std::nullopt);
    pipeline::announce_evictions(sink_, inserted.evicted, id_);
    sink_.send_event(events::conversation_item_added(item, inserted.previous_item_id));
    turn->commit();
    transcribing_.push_back(turn);
    replies_.turn_committed(turn, reply);
    return true;
}

void RealtimeSession::on(protocol::InputAudioClear&) {
    input_audio_.clear();
    input_decoder_.reset();
    if (speech_) {
        if (auto* turn = speech_->turn_in_progress())
            replies_.turn_resumed(*turn, "buffer_cleared");
        speech_->clear();
    }
    sink_.send_event(events::input_audio_buffer_cleared());
}

void RealtimeSession::add_item(protocol::ConversationItem item,
                               const std::optional<std::string>& previous_item_id,
                               const std::string& event_id) {
    auto inserted = conversation_.insert(item, previous_item_id);
    using Status = pipeline::Conversation::InsertStatus;
    if (inserted.status == Status::unknown_previous) {
        send_error("item_not_found",
                   "previous_item_id '" + previous_item_id.value_or("") + "' does not exist.",
                   "previous_item_id", event_id);
        return;
    }
    if (inserted.status == Status::duplicate_id) {
        send_error("duplicate_item_id", "An item with id '" + item.id + "' already exists.",
                   "item.id", event_id);
        return;
    }
    pipeline::announce_evictions(sink_, inserted.evicted, id_);
    sink_.send_event(events::conversation_item_added(item, inserted.previous_item_id));
    sink_.send_event(events::conversation_item_done(item, inserted.previous_item_id));
}

void RealtimeSession::on(protocol::ItemCreate& ev) {
    if (ev.item.id.empty()) ev.item.id = make_id("item");
    if (auto err = call_item_error(conversation_.check_call(ev.item), ev.item, ev.event_id)) {
        send_error(err->code, err->message, err->param, ev.event_id);
        return;
    }
    add_item(std::move(ev.item), ev.previous_item_id, ev.event_id);
}

void RealtimeSession::on(protocol::ItemDelete& ev) {
    if (!conversation_.remove(ev.item_id)) {
        send_error("item_not_found", "Item '" + ev.item_id + "' does not exist.", "item_id",
                   ev.event_id);
        return;
    }
    sink_.send_event(events::conversation_item_deleted(ev.item_id));
}

void RealtimeSession::on(protocol::ItemRetrieve& ev) {
    const auto* item = conversation_.find(ev.item_id);
    if (item == nullptr) {
        send_error("item_not_found", "Item '" + ev.item_id + "' does not exist.", "item_id",
                   ev.event_id);
        return;
    }
    sink_.send_event(events::conversation_item_retrieved(*item));
}

void RealtimeSession::on(protocol::ItemTruncate& ev) {
    auto* item = conversation_.find(ev.item_id);
    if (item == nullptr) {
        send_error("item_not_found", "Item '" + ev.item_id + "' does not exist.", "item_id",
                   ev.event_id);
        return;
    }
    if (item->role != "assistant") {
        send_error("invalid_value", "Only assistant messages can be truncated.", "item_id",
                   ev.event_id);
        return;
    }
    if (ev.content_index < 0 ||
        static_cast<std::size_t>(ev.content_index) >= item->content.size()) {
        send_error("invalid_value",
                   "content_index " + std::to_string(ev.content_index) + " does not exist.",
                   "content_index", ev.event_id);
        return;
    }
    auto& part = item->content[static_cast<std::size_t>(ev.content_index)];
    if (part.type != "output_audio") {
        send_error("invalid_value", "Only audio content can be truncated.", "content_index",
                   ev.event_id);
        return;
    }
    if (ev.audio_end_ms > part.audio_ms) {
        send_error("invalid_value",
                   "audio_end_ms " + std::to_string(ev.audio_end_ms) +
                       " is past the audio's end (" + std::to_string(part.audio_ms) + " ms).",
                   "audio_end_ms", ev.event_id);
        return;
    }
    protocol::truncate_audio_part(part, ev.audio_end_ms);
    conversation_.changed(ev.item_id);
    sink_.send_event(
        events::conversation_item_truncated(ev.item_id, ev.content_index, ev.audio_end_ms));
}

void RealtimeSession::on(protocol::ResponseCreate& ev) {
    replies_.request(std::move(ev));
}

void RealtimeSession::on(protocol::ResponseCancel& ev) {
    if (!replies_.cancel(ev.response_id)) {
        send_error("response_cancel_not_active", "There is no active response to cancel.",
                   "response_id", ev.event_id);
    }
}

// ---- replies (ReplyScheduler::Listener) ----

void RealtimeSession::reply_refused(const SessionRateLimits::Refusal& refusal,
                                    const std::string& event_id) {
    refuse(refusal, "", event_id);
}

void RealtimeSession::reply_started() {
    idle_.stop();        // the user is answered; the silence counts from this reply's end
    send_rate_limits();  // as the Realtime API does: the limits follow response.created
    observer_.response_started();
    if (journal_) journal_->reply_started();
}

void RealtimeSession::reply_done(const pipeline::Response& response) {
    start_idle_timeout(response);
    observer_.response_done(response);
    observer_.memory(memory_bytes());
    if (journal_) journal_->reply_ended();
    if (on_idle_) on_idle_();
}

}  // namespace confab::session
