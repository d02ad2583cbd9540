// The HTTP endpoints that show what the server is doing:
//   GET /metrics              Prometheus text format (404 when server.metrics is off)
//   GET /dashboard            the live dashboard page (web_root/dashboard.html)
//   GET /dashboard/data       its data: the last minutes of samples, JSON
//   GET /v1/admin/sessions    live sessions, JSON; needs `Authorization: Bearer <t>` where t
//                             is server.admin_token or an API key with the "admin" scope
//                             (404 when neither can exist, 401 without either; audited)
// Runs on the connection's strand; every source it reads is thread-safe.
#pragma once
#include <boost/beast/http/message_generator.hpp>
#include <boost/beast/http/string_body.hpp>
#include <optional>
#include <string>

#include "net/server_context.hpp"

namespace confab::net {

// The response if `request` is for one of these paths, else nullopt.
std::optional<boost::beast::http::message_generator> route_observability(
    const boost::beast::http::request<boost::beast::http::string_body>& request,
    ServerContext& context, const std::string& source_address);

}  // namespace confab::net
