#include "net/http_router.hpp"

#include <boost/beast/http.hpp>
#include <filesystem>

#include "net/auth_routes.hpp"
#include "net/http_response.hpp"
#include "net/observability_routes.hpp"
#include "net/static_files.hpp"
#include "pool/shared_engines.hpp"

namespace confab::net {
namespace beast = boost::beast;
namespace http = beast::http;

http::message_generator route_http(const http::request<http::string_body>& req,
                                   ServerContext& context, const std::string& source_address) {
    const std::string_view target = req.target();
    const std::string_view path = target.substr(0, target.find('?'));
    if (auto res = route_auth(req, context, source_address)) return std::move(*res);
    if (req.method() != http::verb::get && req.method() != http::verb::head)
        return respond(req, http::status::method_not_allowed, "method not allowed\n");

    if (auto res = route_observability(req, context, source_address)) return std::move(*res);
    if (path == "/healthz") return respond(req, http::status::ok, "ok\n");
    if (path == "/readyz") {
        if (context.registry.draining())
            return respond(req, http::status::service_unavailable, "draining\n");
        if (const auto why = context.registry.overload_reason(); !why.empty())
            return respond(req, http::status::service_unavailable, "overloaded: " + why + "\n");
        if (!context.registry.accepting())
            return respond(req, http::status::service_unavailable, "at capacity\n");
        if (context.shared_engines != nullptr) {
            if (const auto why = context.shared_engines->unusable_engine_reason(); !why.empty())
                return respond(req, http::status::service_unavailable, why + "\n");
        }
        return respond(req, http::status::ok, "ready\n");
    }
    if (path == "/v1/realtime")
        return respond(req, http::status::upgrade_required, "this endpoint speaks WebSocket\n");

    const auto file = resolve_static_path(context.config.server.web_root, path);
    if (!file) return respond(req, http::status::bad_request, "bad path\n");
    // A directory opens, but reading it fails once the 200 is on its way
    // (`/js`, `/.`: the client got an empty reply); only files are served.
    std::error_code kind_error;
    if (!std::filesystem::is_regular_file(*file, kind_error))
        return respond(req, http::status::not_found, "not found\n");
    http::file_body::value_type body;
    beast::error_code ec;
    body.open(file->c_str(), beast::file_mode::scan, ec);
    if (ec) return respond(req, http::status::not_found, "not found\n");
    const auto size = body.size();
    if (req.method() == http::verb::head) {
        http::response<http::empty_body> res{http::status::ok, req.version()};
        res.set(http::field::server, "confab");
        res.set(http::field::content_type, mime_type(*file));
        res.content_length(size);
        res.keep_alive(req.keep_alive());
        return res;
    }
    return respond_file(req, std::move(body), mime_type(*file));
}

}  // namespace confab::net
