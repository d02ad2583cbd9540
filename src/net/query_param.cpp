#include "net/query_param.hpp"

#include <boost/url/parse.hpp>

namespace confab::net {

std::string query_param(std::string_view target, std::string_view key) {
    auto url = boost::urls::parse_origin_form(target);
    if (!url) return {};
    for (const auto& param : url->params()) {
        if (param.key == key) return param.value;
    }
    return {};
}

std::string resume_token_of(
    const boost::beast::http::request<boost::beast::http::string_body>& request) {
    std::string token = query_param(request.target(), "confab_resume");
    if (!token.empty()) return token;
    const auto header = request.find("Confab-Resume");
    if (header == request.end()) return {};
    return std::string(header->value());
}

}  // namespace confab::net
