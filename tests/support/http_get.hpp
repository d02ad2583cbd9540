// One blocking HTTP/1.1 GET against 127.0.0.1 for integration tests.
#pragma once
#include <string>
#include <utility>
#include <vector>

namespace confab::test {

struct HttpReply {
    int status = 0;  // 0: could not connect
    std::string body;
    std::string content_type;
};

HttpReply http_get(unsigned short port, const std::string& target);
// The same with extra request headers (e.g. Authorization).
HttpReply http_get(unsigned short port, const std::string& target,
                   const std::vector<std::pair<std::string, std::string>>& headers);

}  // namespace confab::test
