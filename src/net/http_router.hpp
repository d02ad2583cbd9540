// Answers plain HTTP requests: /healthz, /readyz and static files from
// web_root. Stateless apart from the shared context; runs on the
// connection's strand (file reads are small and local).
#pragma once
#include <boost/beast/http/message_generator.hpp>
#include <boost/beast/http/string_body.hpp>
#include <string>

#include "net/server_context.hpp"

namespace confab::net {

// `source_address`: the client's, for the audit log of the auth endpoints.
boost::beast::http::message_generator route_http(
    const boost::beast::http::request<boost::beast::http::string_body>& request,
    ServerContext& context, const std::string& source_address);

}  // namespace confab::net
