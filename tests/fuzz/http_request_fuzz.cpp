// The HTTP request path up to routing (net/): Beast's request parser with the
// server's header and body limits (net/http_connection.cpp), then
// net::route_http with a server context like the real one (config, registry,
// resume store, metrics, the repository's web/ as web root, an admin token);
// and the upgrade's credential parsing, SubprotocolOffer::parse and
// ClientCredential::from, on the same headers.
// Oracle: the answer's status is one the router gives; the admin endpoint
// answers 200 only to its exact token; a static path never leaves the web
// root; a credential is never longer than the header it came from and is a
// part of it.
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "config/config.hpp"
#include "fuzz/fuzz_check.hpp"
#include "metrics/history.hpp"
#include "metrics/metrics.hpp"
#include "net/client_credential.hpp"
#include "net/http_router.hpp"
#include "net/server_context.hpp"
#include "net/static_files.hpp"
#include "net/subprotocol_offer.hpp"
#include "store/memory_session_store.hpp"

namespace {
namespace beast = boost::beast;
namespace http = beast::http;
using namespace confab;

// The limits net/http_connection.cpp gives its parser.
constexpr std::size_t kHeaderLimit = 16 * 1024;
constexpr std::size_t kBodyLimit = 64 * 1024;
constexpr std::string_view kAdminToken = "fuzz-admin-token";

// What a running server would hold; built once, reused by every input.
struct Server {
    Config config = [] {
        Config c;
        c.server.web_root = CONFAB_FUZZ_WEB_ROOT;
        c.server.admin_token = std::string(kAdminToken);
        return c;
    }();
    session::SessionRegistry registry{4};
    store::MemorySessionStore resume_store{std::chrono::seconds(60), 4};
    pool::EngineRefs engines;
    metrics::Metrics metrics;
    metrics::History history{metrics, [] { return metrics::History::Gauges{}; }, {}};
    auth::Authenticator authenticator{config.auth};
    auth::KeyUsage key_usage{config.auth};
    auth::OriginPolicy origins{""};
    auth::LoginService login{config.auth};
    net::ServerContext context = [this] {
        net::ServerContext c{config,  registry, resume_store, {},
                             engines, nullptr,  &metrics,     &history};
        c.authenticator = &authenticator;
        c.key_usage = &key_usage;
        c.origins = &origins;
        c.login = &login;
        return c;
    }();
};

// Feeds `bytes` to the parser as a connection would, then the end of stream.
bool parse(std::string_view bytes, http::request_parser<http::string_body>& parser) {
    beast::error_code ec;
    while (!parser.is_done()) {
        const std::size_t used = parser.put(boost::asio::buffer(bytes.data(), bytes.size()), ec);
        bytes.remove_prefix(used);
        if (ec == http::error::need_more && used > 0) {
            ec = {};  // it stopped at a boundary: let it look at the rest
            continue;
        }
        if (ec == http::error::need_more || (!ec && used == 0)) {
            // Every byte was offered: the connection ends here (a read that
            // got nothing at all is a plain close, never parsed).
            if (!parser.got_some()) return false;
            parser.put_eof(ec);
            break;
        }
        if (ec) return false;
    }
    return !ec && parser.is_done();
}

unsigned status_of(http::message_generator& answer) {
    beast::error_code ec;
    std::string head;
    while (head.size() < 12 && !ec) {
        const auto buffers = answer.prepare(ec);
        if (ec || buffers.empty()) break;
        for (const auto& b : buffers) head.append(static_cast<const char*>(b.data()), b.size());
        answer.consume(beast::buffer_bytes(buffers));
    }
    FUZZ_CHECK(head.starts_with("HTTP/1."));
    return static_cast<unsigned>(std::stoul(head.substr(9, 3)));
}

void check_credential(const http::request<http::string_body>& req) {
    const auto offer = net::SubprotocolOffer::parse(req);
    const auto credential = net::ClientCredential::from(req, offer);
    if (!credential.present()) return;
    FUZZ_CHECK(!credential.secret().empty());
    bool inside = false;
    const auto field = credential.source() == net::ClientCredential::Source::bearer
                           ? http::field::authorization
                           : http::field::sec_websocket_protocol;
    const auto [first, last] = req.equal_range(field);
    for (auto it = first; it != last; ++it) {
        const std::string_view header = it->value();
        if (credential.secret().size() <= header.size() &&
            header.find(credential.secret()) != std::string_view::npos)
            inside = true;
    }
    FUZZ_CHECK(inside);
    if (offer.api_key()) FUZZ_CHECK(offer.api_key()->find(',') == std::string::npos);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static Server server;
    http::request_parser<http::string_body> parser;
    parser.header_limit(kHeaderLimit);
    parser.body_limit(kBodyLimit);
    if (!parse({reinterpret_cast<const char*>(data), size}, parser)) return 0;
    const auto req = parser.release();
    check_credential(req);

    const std::string_view target = req.target();
    const std::string_view path = target.substr(0, target.find('?'));
    if (const auto file = net::resolve_static_path(server.config.server.web_root, path)) {
        FUZZ_CHECK(file->starts_with(server.config.server.web_root + "/"));
        FUZZ_CHECK(file->find("/../") == std::string::npos && !file->ends_with("/.."));
    }

    auto answer = net::route_http(req, server.context, "127.0.0.1");
    const unsigned status = status_of(answer);
    static const std::set<unsigned> kKnown{200, 400, 401, 404, 405, 426, 503};
    FUZZ_CHECK(kKnown.count(status) == 1);
    if (path == "/v1/admin/sessions" && status == 200)
        FUZZ_CHECK(req[http::field::authorization] == "Bearer " + std::string(kAdminToken));
    return 0;
}
