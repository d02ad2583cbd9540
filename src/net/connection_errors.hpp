// The errors a WebSocket connection sends itself, outside any session's
// logic (docs/protocol.md, "Errors"): their wording in one place.
#pragma once
#include <string>

#include "protocol/protocol_error.hpp"

namespace confab::net {

inline protocol::ProtocolError binary_frame_error() {
    return {"invalid_frame", "Binary frames are not supported: send JSON events as text frames.",
            "", ""};
}

inline protocol::ProtocolError idle_timeout_error(int idle_timeout_ms) {
    return {
        "session_idle_timeout",
        "No client event for " + std::to_string(idle_timeout_ms) + " ms; the session is closed.",
        "", ""};
}

}  // namespace confab::net
