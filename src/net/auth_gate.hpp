// The checks a WebSocket upgrade passes before it is accepted
// (docs/security.md): the page's Origin, the credential, and the API key's
// concurrent sessions. Each refusal is answered with an HTTP status and a
// Realtime error body (403, 401, 429 with Retry-After) and audited; a pass
// is audited as a login success. Runs on the connection's strand.
#pragma once
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/json/object.hpp>
#include <memory>
#include <optional>
#include <string>

#include "auth/authenticator.hpp"
#include "auth/key_usage.hpp"
#include "net/client_credential.hpp"
#include "net/server_context.hpp"
#include "util/audit_log.hpp"

namespace confab::net {

using Request = boost::beast::http::request<boost::beast::http::string_body>;

struct GateRefusal {
    int status = 401;
    std::string code;
    std::string message;
    int retry_after_seconds = 0;  // 429: when to try again
};

struct GatePass {
    auth::Identity identity;
    std::unique_ptr<auth::KeyUsage::Slot> slot;  // the key's session slot, held by the session
    std::shared_ptr<session::KeyQuota> quota;
    std::string origin;  // of the handshake, for the session's audit lines
    std::string user_agent;
};

struct GateResult {
    std::optional<GatePass> pass;
    GateRefusal refusal;  // when pass is empty
};

// What the audit log says of a request: its address, origin and user agent.
AuditEntry audit_entry_for(const Request& request, const std::string& source_address,
                           std::string event);

// An audit line about an admitted session.
AuditEntry session_audit_entry(const GatePass& pass, const std::string& source_address,
                               const std::string& session_id, std::string event,
                               std::string reason);
// The limit a rate_limit_exceeded error event names ("Rate limit X (n)"), if
// `event` is one.
std::optional<std::string> refused_limit(const boost::json::object& event);

GateResult check_upgrade(const Request& request, const ClientCredential& credential,
                         ServerContext& context, const std::string& source_address,
                         const std::string& session_id);

}  // namespace confab::net
