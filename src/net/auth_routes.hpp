// The HTTP endpoints of authentication (docs/security.md):
//   GET  /v1/auth                         what the web page needs to know: is auth on, is there a
//   login POST /v1/realtime/client_secrets      mint a client secret (OpenAI's API), with an API
//   key POST /v1/login                        the web page's login: name + password → a client
//   secret
// Refusals are JSON errors in the Realtime shape; every mint, login and
// refusal is audited. Runs on the connection's strand; the login's password
// check runs on the LoginService's thread.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/message_generator.hpp>
#include <boost/beast/http/string_body.hpp>
#include <optional>
#include <string>

#include "net/server_context.hpp"

namespace confab::net {

using HttpRequest = boost::beast::http::request<boost::beast::http::string_body>;

// The response if `request` is GET /v1/auth or POST /v1/realtime/client_secrets.
std::optional<boost::beast::http::message_generator> route_auth(const HttpRequest& request,
                                                                ServerContext& context,
                                                                const std::string& source_address);

bool is_login(const HttpRequest& request);
boost::asio::awaitable<boost::beast::http::message_generator> serve_login(
    const HttpRequest& request, ServerContext& context, const std::string& source_address);

}  // namespace confab::net
