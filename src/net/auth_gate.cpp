#include "net/auth_gate.hpp"

#include <boost/beast/http/field.hpp>

#include "protocol/server_events.hpp"

namespace confab::net {
namespace http = boost::beast::http;

AuditEntry audit_entry_for(const Request& request, const std::string& source_address,
                           std::string event) {
    AuditEntry entry;
    entry.event = std::move(event);
    entry.source_address = source_address;
    entry.origin = std::string(request[http::field::origin]);
    entry.user_agent = std::string(request[http::field::user_agent]);
    return entry;
}

AuditEntry session_audit_entry(const GatePass& pass, const std::string& source_address,
                               const std::string& session_id, std::string event,
                               std::string reason) {
    AuditEntry entry;
    entry.event = std::move(event);
    entry.key_id = pass.identity.key_id;
    entry.user = pass.identity.user;
    entry.source_address = source_address;
    entry.origin = pass.origin;
    entry.user_agent = pass.user_agent;
    entry.session_id = session_id;
    entry.reason = std::move(reason);
    return entry;
}

std::optional<std::string> refused_limit(const boost::json::object& event) {
    const auto code = protocol::events::error_code_of(event);
    if (!code || *code != "rate_limit_exceeded") return std::nullopt;
    const auto* message = event.at("error").as_object().if_contains("message");
    if (message == nullptr || !message->is_string()) return "rate_limit_exceeded";
    // "Rate limit <name> (<n>) ..." → "<name> (<n>)", as the door's refusals say it.
    std::string_view text = message->as_string();
    constexpr std::string_view kPrefix = "Rate limit ";
    if (text.substr(0, kPrefix.size()) != kPrefix) return "rate_limit_exceeded";
    text.remove_prefix(kPrefix.size());
    const auto close = text.find(')');
    if (close == std::string_view::npos || close > 80) return "rate_limit_exceeded";
    return std::string(text.substr(0, close + 1));
}

GateResult check_upgrade(const Request& request, const ClientCredential& credential,
                         ServerContext& context, const std::string& source_address,
                         const std::string& session_id) {
    GateResult result;
    // A refused handshake never became a session: only a pass names one.
    const auto audit = [&](std::string event, std::string level, std::string reason,
                           const std::string& key_id, const std::string& user) {
        if (context.audit == nullptr) return;
        const bool pass = level == "INFO";
        AuditEntry entry = audit_entry_for(request, source_address, std::move(event));
        entry.level = std::move(level);
        entry.key_id = key_id;
        entry.user = user;
        if (pass) entry.session_id = session_id;
        entry.reason = std::move(reason);
        context.audit->record(std::move(entry));
    };

    const std::string_view origin = request[http::field::origin];
    if (!context.origins->allows(origin, request[http::field::host])) {
        audit("malicious_cors", "WARN", "origin_not_allowed", "", "");
        result.refusal =
            GateRefusal{403, "origin_not_allowed",
                        "Connections from the origin " + std::string(origin.substr(0, 200)) +
                            " are not allowed (auth.allowed_origins).",
                        0};
        return result;
    }

    const auto decision = context.authenticator->authenticate(credential.secret(), "realtime",
                                                              std::chrono::system_clock::now());
    if (!decision.identity) {
        const auto& r = decision.refusal;
        audit(r.status == 403 ? "authz_fail" : "authn_login_fail", "WARN", r.code, r.key_id,
              r.user);
        result.refusal = GateRefusal{r.status, r.code, r.message, 0};
        return result;
    }
    const auth::Identity& who = *decision.identity;

    auto admission = context.key_usage->admit(who, std::chrono::steady_clock::now());
    if (admission.refused) {
        audit("excess_rate_limit_exceeded", "WARN",
              "sessions_per_key (" + std::to_string(admission.max_sessions) + ")", who.key_id,
              who.user);
        // A session slot frees when a session ends; a few seconds is an honest guess.
        result.refusal = GateRefusal{
            429, "rate_limit_exceeded",
            "API key " + who.key_id + " already has " + std::to_string(admission.max_sessions) +
                " sessions open, its limit (max_sessions); close one first.",
            5};
        return result;
    }
    if (!who.anonymous())
        audit("authn_login_success", "INFO",
              who.via + " from " + std::string(credential.source_name()), who.key_id, who.user);
    result.pass = GatePass{who, std::move(admission.slot), std::move(admission.quota),
                           std::string(origin.substr(0, 256)),
                           std::string(request[http::field::user_agent].substr(0, 256))};
    return result;
}

}  // namespace confab::net
