// What a WebSocket request names besides its path: one query parameter
// (`model`, which the OpenAI SDKs put on the URL) and the resume token.
#pragma once
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <string>
#include <string_view>

namespace confab::net {

// "" when absent or when the target is not a valid origin-form.
std::string query_param(std::string_view target, std::string_view key);

// The resume token a connection presents (docs/protocol.md, "Resuming a
// conversation"): the `confab_resume` query parameter, or else the
// `Confab-Resume` header. The header is for clients that build the URL
// themselves and take extra headers only (the OpenAI SDKs' `headers`
// option). "" when neither is there.
std::string resume_token_of(
    const boost::beast::http::request<boost::beast::http::string_body>& request);

}  // namespace confab::net
