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

}  // namespace confab::net
