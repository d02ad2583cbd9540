#include "net/http_router.hpp"

#include <gtest/gtest.h>

#include <boost/beast/http.hpp>
#include <string>

#include "config/config.hpp"
#include "net/server_context.hpp"
#include "store/memory_session_store.hpp"
#include "test_paths.hpp"

namespace confab::net {
namespace {
namespace beast = boost::beast;
namespace http = beast::http;

// A context like the server's, serving the repository's web/.
struct Router : ::testing::Test {
    Config config = [] {
        Config c;
        c.server.web_root = std::string(test::kSourceDir) + "/web";
        return c;
    }();
    session::SessionRegistry registry{4};
    store::MemorySessionStore resume_store{std::chrono::seconds(60), 4};
    pool::EngineRefs engines;
    auth::Authenticator authenticator{config.auth};
    auth::KeyUsage key_usage{config.auth};
    auth::OriginPolicy origins{""};
    auth::LoginService login{config.auth};
    ServerContext context = [this] {
        ServerContext c{config, registry, resume_store, {}, engines};
        c.authenticator = &authenticator;
        c.key_usage = &key_usage;
        c.origins = &origins;
        c.login = &login;
        return c;
    }();

    // The status line's code and the whole serialised answer.
    std::pair<unsigned, std::string> get(const std::string& target) {
        http::request<http::string_body> req{http::verb::get, target, 11};
        auto answer = route_http(req, context, "127.0.0.1");
        std::string bytes;
        beast::error_code ec;
        for (;;) {
            const auto buffers = answer.prepare(ec);
            if (ec || buffers.empty()) break;
            for (const auto& b : buffers)
                bytes.append(static_cast<const char*>(b.data()), b.size());
            answer.consume(beast::buffer_bytes(buffers));
            if (answer.is_done()) break;
        }
        EXPECT_FALSE(ec) << target << ": " << ec.message();
        if (bytes.size() < 12) return {0, bytes};
        return {static_cast<unsigned>(std::stoul(bytes.substr(9, 3))), bytes};
    }
};

TEST_F(Router, ServesAFileWhole) {
    const auto [status, bytes] = get("/index.html");
    EXPECT_EQ(status, 200u);
    EXPECT_NE(bytes.find("</html>"), std::string::npos);
}

// Found by the http_request fuzzer: a directory opened fine and failed to
// read once the 200 had been promised, so the client got an empty reply.
TEST_F(Router, AnswersADirectoryNotFound) {
    EXPECT_EQ(get("/js").first, 404u);
    EXPECT_EQ(get("/.").first, 404u);
    EXPECT_EQ(get("/worklets").first, 404u);
}

}  // namespace
}  // namespace confab::net
