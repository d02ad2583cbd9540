#include "net/auth_routes.hpp"

#include <boost/beast/http.hpp>
#include <boost/json.hpp>

#include "net/auth_gate.hpp"
#include "net/http_response.hpp"
#include "protocol/session_config_codec.hpp"

namespace confab::net {
namespace http = boost::beast::http;
namespace json = boost::json;

namespace {

http::message_generator error(const HttpRequest& req, http::status status, std::string_view code,
                              std::string_view message, int retry_after = 0) {
    return respond_refused_upgrade(req, status, code, message, retry_after);
}

void audit(ServerContext& context, const HttpRequest& req, const std::string& source,
           std::string event, std::string level, std::string reason, std::string key_id = {},
           std::string user = {}) {
    if (context.audit == nullptr) return;
    AuditEntry entry = audit_entry_for(req, source, std::move(event));
    entry.level = std::move(level);
    entry.reason = std::move(reason);
    entry.key_id = std::move(key_id);
    entry.user = std::move(user);
    context.audit->record(std::move(entry));
}

std::string bearer(const HttpRequest& req) {
    const std::string_view header = req[http::field::authorization];
    if (header.substr(0, 7) != "Bearer ") return {};
    return std::string(header.substr(7));
}

// Mints a secret for `who` and answers as OpenAI's API does:
// {value, expires_at, session}.
http::message_generator mint(const HttpRequest& req, ServerContext& context,
                             const std::string& source, const auth::Identity& who, int seconds,
                             json::object session) {
    // OpenAI's client_secrets takes a session without its type (realtime is
    // the only kind here); session.update insists on it.
    if (!session.contains("type")) session["type"] = "realtime";
    protocol::SessionConfig config;
    if (auto err = protocol::apply_session_update(session, context.constraints, "", config)) {
        const std::string message =
            err->param.empty() ? err->message : err->message + " (" + err->param + ")";
        return error(req, http::status::bad_request, err->code, message);
    }
    auth::ClientSecretClaims claims;
    const std::string value = context.authenticator->mint(who, seconds, session,
                                                          std::chrono::system_clock::now(), claims);
    if (value.size() > auth::kMaxSecretBytes) {
        return error(req, http::status::bad_request, "session_too_large",
                     "The session configuration makes the client secret " +
                         std::to_string(value.size()) + " bytes, over the " +
                         std::to_string(auth::kMaxSecretBytes) +
                         " a header can carry; send long instructions with session.update.");
    }
    audit(context, req, source, "authn_token_created", "INFO",
          claims.secret_id + " expires in " + std::to_string(seconds) + " s", who.key_id, who.user);
    json::object session_out = protocol::session_to_json(config, "");
    session_out.erase("id");
    const json::object body{
        {"value", value}, {"expires_at", claims.expires_at}, {"session", std::move(session_out)}};
    return respond(req, http::status::ok, json::serialize(body), "application/json");
}

std::optional<json::object> parse_body(const HttpRequest& req) {
    boost::system::error_code ec;
    auto value = json::parse(req.body().empty() ? std::string_view("{}") : req.body(), ec);
    if (ec || !value.is_object()) return std::nullopt;
    return std::move(value.as_object());
}

http::message_generator client_secrets(const HttpRequest& req, ServerContext& context,
                                       const std::string& source) {
    const auto decision = context.authenticator->authenticate(bearer(req), "client_secrets",
                                                              std::chrono::system_clock::now());
    if (!decision.identity) {
        const auto& r = decision.refusal;
        audit(context, req, source, r.status == 403 ? "authz_fail" : "authn_login_fail", "WARN",
              r.code, r.key_id, r.user);
        return error(req, static_cast<http::status>(r.status), r.code, r.message);
    }
    const auto body = parse_body(req);
    if (!body)
        return error(req, http::status::bad_request, "invalid_json",
                     "The body must be a JSON object.");
    int seconds = auth::kDefaultSecretSeconds;
    if (const auto* after = body->if_contains("expires_after")) {
        const auto* obj = after->if_object();
        const auto* anchor = obj ? obj->if_contains("anchor") : nullptr;
        const auto* secs = obj ? obj->if_contains("seconds") : nullptr;
        if (obj == nullptr ||
            (anchor && (!anchor->is_string() || anchor->as_string() != "created_at")))
            return error(req, http::status::bad_request, "invalid_value",
                         "expires_after must be {\"anchor\": \"created_at\", \"seconds\": n}.");
        if (secs != nullptr) {
            if (!secs->is_int64() || secs->as_int64() < auth::kMinSecretSeconds ||
                secs->as_int64() > auth::kMaxSecretSeconds)
                return error(req, http::status::bad_request, "invalid_value",
                             "expires_after.seconds must be an integer in 10..7200.");
            seconds = static_cast<int>(secs->as_int64());
        }
    }
    json::object session;
    if (const auto* s = body->if_contains("session")) {
        if (!s->is_object())
            return error(req, http::status::bad_request, "invalid_type",
                         "session must be an object.");
        session = s->as_object();
    }
    return mint(req, context, source, *decision.identity, seconds, std::move(session));
}

}  // namespace

std::optional<http::message_generator> route_auth(const HttpRequest& req, ServerContext& context,
                                                  const std::string& source_address) {
    const std::string_view target = req.target();
    const std::string_view path = target.substr(0, target.find('?'));
    if (path == "/v1/auth") {
        if (req.method() != http::verb::get && req.method() != http::verb::head)
            return respond(req, http::status::method_not_allowed, "method not allowed\n");
        const json::object body{{"mode", context.authenticator->enabled() ? "keys" : "none"},
                                {"login", context.login->enabled()}};
        return respond(req, http::status::ok, json::serialize(body), "application/json");
    }
    if (path == "/v1/realtime/client_secrets") {
        if (req.method() != http::verb::post)
            return respond(req, http::status::method_not_allowed, "method not allowed\n");
        return client_secrets(req, context, source_address);
    }
    return std::nullopt;
}

bool is_login(const HttpRequest& req) {
    const std::string_view target = req.target();
    return target.substr(0, target.find('?')) == "/v1/login";
}

boost::asio::awaitable<http::message_generator> serve_login(const HttpRequest& req,
                                                            ServerContext& context,
                                                            const std::string& source) {
    if (!context.login->enabled())
        co_return error(req, http::status::not_found, "not_found",
                        "This server has no login (auth.users_file).");
    if (req.method() != http::verb::post)
        co_return respond(req, http::status::method_not_allowed, "method not allowed\n");
    const auto body = parse_body(req);
    const auto* name = body ? body->if_contains("username") : nullptr;
    const auto* password = body ? body->if_contains("password") : nullptr;
    if (name == nullptr || !name->is_string() || password == nullptr || !password->is_string())
        co_return error(req, http::status::bad_request, "invalid_request",
                        "Send {\"username\": \"…\", \"password\": \"…\"}.");
    const std::string user(name->as_string());
    const auto result = co_await context.login->check(user, std::string(password->as_string()));
    if (result.outcome == auth::LoginService::Outcome::busy) {
        audit(context, req, source, "excess_rate_limit_exceeded", "WARN", "logins_in_flight", "",
              user);
        co_return error(req, http::status::too_many_requests, "rate_limit_exceeded",
                        "Too many logins at once; try again in a moment.", 1);
    }
    if (result.outcome == auth::LoginService::Outcome::wrong) {
        audit(context, req, source, "authn_login_fail", "WARN", "wrong_username_or_password", "",
              user);
        co_return error(req, http::status::unauthorized, "invalid_login",
                        "The username or password is wrong.");
    }
    const auto decision =
        context.authenticator->identity_of_key(result.key_id, std::chrono::system_clock::now());
    if (!decision.identity) {
        audit(context, req, source, "authn_login_fail", "WARN", decision.refusal.code,
              result.key_id, user);
        co_return error(req, http::status::unauthorized, decision.refusal.code,
                        decision.refusal.message);
    }
    audit(context, req, source, "authn_login_success", "INFO", "login", decision.identity->key_id,
          user);
    co_return mint(req, context, source, *decision.identity, auth::kDefaultSecretSeconds, {});
}

}  // namespace confab::net
