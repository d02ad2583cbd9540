// A client-visible error: becomes the Realtime `error` event.
#pragma once
#include <string>

namespace confab::protocol {

struct ProtocolError {
    std::string code;      // e.g. "invalid_json", "unknown_event", "invalid_type"
    std::string message;   // plain words, naming what was wrong
    std::string param;     // the offending field path, "" when none
    std::string event_id;  // the client's event_id, when it sent one
    std::string type = "invalid_request_error";
};

// The parsers' shorthand for an invalid_request_error.
inline ProtocolError request_error(std::string code, std::string message, std::string param,
                                   std::string event_id) {
    return ProtocolError{std::move(code), std::move(message), std::move(param),
                         std::move(event_id)};
}

}  // namespace confab::protocol
