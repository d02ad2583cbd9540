// RealtimeSession's starting configuration from a client secret.
#include "protocol/session_config_codec.hpp"
#include "session/realtime_session.hpp"

namespace confab::session {

std::optional<protocol::ProtocolError> RealtimeSession::preset(const boost::json::object& session) {
    auto next = config_;
    if (auto err = protocol::apply_session_update(session, constraints_, "", next)) return err;
    config_ = std::move(next);
    std::vector<std::int16_t> none;  // nothing was appended yet: nothing held back
    input_decoder_.set_format(config_.input_format, none);
    apply_turn_detection();
    return std::nullopt;
}

}  // namespace confab::session
