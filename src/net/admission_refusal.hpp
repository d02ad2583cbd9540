// What a client is told when the registry refuses its session: one row per
// refusal (the error code and message of the `error` event, the close code,
// the metrics label), so the wording and the close code are decided in one
// place (docs/protocol.md, "Admission").
#pragma once
#include <cstddef>
#include <string>

#include "session/session_registry.hpp"

namespace confab::net {

struct AdmissionRefusal {
    std::string code;        // error.code of the event sent before the close
    std::string message;     // error.message
    int close_code = 0;      // 1013 (try again later) or 1001 (going away)
    std::string close_text;  // the close frame's reason
    std::string label;       // confab_sessions_refused_total{reason}
};

// `registry` fills in the message; its engines are asked why they are
// saturated only when that is the refusal.
AdmissionRefusal admission_refusal(session::SessionRegistry::Refusal why,
                                   const session::SessionRegistry& registry);

}  // namespace confab::net
