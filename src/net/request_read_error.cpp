#include "net/request_read_error.hpp"

#include <boost/beast/http/error.hpp>

#include "net/proxy_header.hpp"

namespace confab::net {
namespace http = boost::beast::http;

std::size_t request_target_length(std::string_view head) {
    const auto start = head.find(' ');
    if (start == std::string_view::npos) return 0;
    const auto target = head.substr(start + 1);
    const auto end = target.find_first_of(" \r\n");
    return end == std::string_view::npos ? target.size() : end;
}

std::optional<EdgeRefusal> refusal_for_read_error(const boost::system::error_code& ec,
                                                  std::string_view parsed_target,
                                                  std::string_view buffered,
                                                  std::size_t max_target_bytes) {
    if (ec.category() != http::make_error_code(http::error::end_of_stream).category())
        return std::nullopt;  // the socket's own errors: timeout, reset, eof
    switch (static_cast<http::error>(ec.value())) {
        case http::error::end_of_stream:
        case http::error::partial_message:
        case http::error::short_read:
        case http::error::stale_parser:
            return std::nullopt;  // the peer went away mid-request
        case http::error::header_limit:
        case http::error::buffer_overflow: {
            const std::size_t target =
                parsed_target.empty() ? request_target_length(buffered) : parsed_target.size();
            if (target > max_target_bytes) return EdgeRefusal::target_too_long;
            return EdgeRefusal::header_fields_too_large;
        }
        case http::error::body_limit:
            return EdgeRefusal::body_too_large;
        default:
            break;
    }
    if (starts_like_proxy_header(buffered)) return EdgeRefusal::proxy_header;
    return EdgeRefusal::malformed_request;
}

}  // namespace confab::net
