// JSON form of the session object, and validation of session.update.
#pragma once
#include <boost/json/object.hpp>
#include <optional>
#include <string>

#include "protocol/protocol_error.hpp"
#include "protocol/session_config.hpp"

namespace confab::protocol {

boost::json::object session_to_json(const SessionConfig& config, const std::string& session_id);

// Applies the `session` object of a session.update to `config`. All fields
// are validated before any is applied, so a rejected update changes nothing.
std::optional<ProtocolError> apply_session_update(const boost::json::object& session,
                                                  const SessionConstraints& constraints,
                                                  const std::string& event_id,
                                                  SessionConfig& config);

}  // namespace confab::protocol
