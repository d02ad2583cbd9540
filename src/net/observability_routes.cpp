#include "net/observability_routes.hpp"

#include <algorithm>
#include <boost/beast/http.hpp>
#include <boost/json/serialize.hpp>
#include <cmath>

#include "metrics/history.hpp"
#include "metrics/metrics.hpp"
#include "metrics/text_writer.hpp"
#include "net/admin_auth.hpp"
#include "net/http_response.hpp"
#include "net/static_files.hpp"
#include "pool/shared_engines.hpp"

namespace confab::net {
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;

namespace {

using Request = http::request<http::string_body>;

http::message_generator not_found(const Request& req) {
    return respond(req, http::status::not_found, "not found\n", "text/plain; charset=utf-8");
}

json::object session_json(const session::SessionStats::Snapshot& s) {
    json::object latency;
    for (std::size_t i = 0; i < metrics::kStageCount; ++i) {
        const double v = s.last_latency_s[i];
        latency[metrics::stage_name(static_cast<metrics::Stage>(i))] =
            std::isnan(v) ? json::value(nullptr) : json::value(std::round(v * 10000.0) / 10.0);
    }
    return json::object{{"id", s.id},
                        {"model", s.model},
                        {"age_s", std::round(s.age_s * 10.0) / 10.0},
                        {"state", s.state},
                        {"turns", s.turns},
                        {"responses", s.responses},
                        {"barge_ins", s.barge_ins},
                        {"audio_in_s", std::round(s.audio_in_s * 100.0) / 100.0},
                        {"audio_out_s", std::round(s.audio_out_s * 100.0) / 100.0},
                        {"memory_bytes", s.memory_bytes},
                        {"last_latency_ms", std::move(latency)}};
}

// The admin token, or an API key with the admin scope; the answer is
// audited either way (authz_admin, authz_fail).
std::optional<std::string> admin_identity(const Request& req, ServerContext& context) {
    const std::string& token = context.config.server.admin_token;
    const std::string_view header = req[http::field::authorization];
    if (!token.empty() && admin_authorized(header, token)) return std::string("admin_token");
    if (!context.authenticator->enabled() || header.substr(0, 7) != "Bearer ") return std::nullopt;
    const auto decision = context.authenticator->authenticate(
        std::string(header.substr(7)), "admin", std::chrono::system_clock::now());
    if (!decision.identity) return std::nullopt;
    return decision.identity->key_id;
}

// The admin endpoints' door: nullopt lets the request in, otherwise the
// refusal to send. Every attempt is audited.
std::optional<http::message_generator> admin_refusal(const Request& req, ServerContext& context,
                                                     const std::string& source) {
    // Neither a token nor keys: the endpoint does not exist (nothing to probe).
    if (context.config.server.admin_token.empty() && !context.authenticator->enabled())
        return not_found(req);
    const auto who = admin_identity(req, context);
    if (context.audit != nullptr) {
        AuditEntry entry;
        entry.event = who ? "authz_admin" : "authz_fail";
        entry.level = who ? "INFO" : "WARN";
        entry.key_id = who.value_or("");
        entry.source_address = source;
        entry.user_agent = std::string(req[http::field::user_agent]);
        entry.reason = std::string(req.target().substr(0, 200));
        context.audit->record(std::move(entry));
    }
    if (!who) {
        http::response<http::string_body> res{http::status::unauthorized, req.version()};
        res.set(http::field::server, "confab");
        res.set(http::field::www_authenticate, "Bearer realm=\"confab-admin\"");
        res.set(http::field::content_type, "application/json");
        res.set(http::field::cache_control, "no-store");
        res.keep_alive(req.keep_alive());
        res.body() =
            R"({"error":"unauthorized","message":"send Authorization: Bearer <server.admin_token, or an API key with the admin scope>"})";
        res.prepare_payload();
        return http::message_generator(std::move(res));
    }
    return std::nullopt;
}

http::message_generator admin_sessions(const Request& req, ServerContext& context,
                                       const std::string& source) {
    if (auto refused = admin_refusal(req, context, source)) return std::move(*refused);
    std::vector<session::SessionStats::Snapshot> live;
    context.registry.for_each_control([&](session::SessionControl& c) {
        if (auto s = c.snapshot()) live.push_back(std::move(*s));
    });
    // Oldest first: the order sessions were admitted.
    std::sort(live.begin(), live.end(),
              [](const auto& a, const auto& b) { return a.age_s > b.age_s; });
    json::array sessions;
    for (const auto& s : live) sessions.push_back(session_json(s));
    json::object body{{"count", sessions.size()},
                      {"max_sessions", context.registry.max_sessions()},
                      {"sessions", std::move(sessions)}};
    return respond(req, http::status::ok, json::serialize(body), "application/json");
}

json::object backend_json(const engines::BackendStatus& b) {
    return json::object{{"engine", b.engine},
                        {"name", b.name},
                        {"url", b.url},
                        {"breaker", b.breaker},
                        {"in_flight", b.in_flight},
                        {"max_concurrent", b.max_concurrent},
                        {"weight", b.weight},
                        {"consecutive_failures", b.consecutive_failures},
                        {"latency_ms", std::round(b.latency_ms * 10.0) / 10.0},
                        {"retry_in_s", std::round(b.retry_in_s * 10.0) / 10.0},
                        {"succeeded", b.succeeded},
                        {"failed", b.failed},
                        {"last_error", b.last_error}};
}

// Every remote engine backend, its breaker and load (docs/engines.md).
http::message_generator admin_backends(const Request& req, ServerContext& context,
                                       const std::string& source) {
    if (auto refused = admin_refusal(req, context, source)) return std::move(*refused);
    json::array backends;
    std::string unusable;
    if (context.shared_engines != nullptr) {
        for (const auto& b : context.shared_engines->backend_status())
            backends.push_back(backend_json(b));
        unusable = context.shared_engines->unusable_engine_reason();
    }
    json::object body{
        {"backends", std::move(backends)}, {"ready", unusable.empty()}, {"unusable", unusable}};
    return respond(req, http::status::ok, json::serialize(body), "application/json");
}

http::message_generator dashboard_page(const Request& req, ServerContext& context) {
    const auto file = resolve_static_path(context.config.server.web_root, "/dashboard.html");
    http::file_body::value_type body;
    beast::error_code ec;
    if (file) body.open(file->c_str(), beast::file_mode::scan, ec);
    if (!file || ec) return not_found(req);
    return respond_file(req, std::move(body), "text/html; charset=utf-8");
}

}  // namespace

std::optional<http::message_generator> route_observability(const Request& req,
                                                           ServerContext& context,
                                                           const std::string& source_address) {
    const std::string_view target = req.target();
    const std::string_view path = target.substr(0, target.find('?'));
    if (path == "/v1/admin/sessions") return admin_sessions(req, context, source_address);
    if (path == "/v1/admin/backends") return admin_backends(req, context, source_address);
    const bool dashboard =
        path == "/dashboard" || path == "/dashboard/" || path == "/dashboard/data";
    if (path != "/metrics" && !dashboard) return std::nullopt;
    if (context.metrics == nullptr || context.history == nullptr) return not_found(req);
    if (path == "/metrics") {
        return respond(req, http::status::ok, context.metrics->render(),
                       metrics::TextWriter::kContentType);
    }
    if (path == "/dashboard/data") {
        json::object data = context.history->to_json();
        // The engine backends as they are now (breakers, load, latency).
        json::array backends;
        if (context.shared_engines != nullptr) {
            for (const auto& b : context.shared_engines->backend_status())
                backends.push_back(backend_json(b));
        }
        data["backends"] = std::move(backends);
        return respond(req, http::status::ok, json::serialize(data), "application/json");
    }
    return dashboard_page(req, context);
}

}  // namespace confab::net
