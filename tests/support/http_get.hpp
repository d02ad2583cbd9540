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
    std::string retry_after;
    std::string www_authenticate;
};

HttpReply http_get(unsigned short port, const std::string& target);
// The same with extra request headers (e.g. Authorization).
HttpReply http_get(unsigned short port, const std::string& target,
                   const std::vector<std::pair<std::string, std::string>>& headers);

// A POST of `body` (JSON unless `content_type` says otherwise).
HttpReply http_post(unsigned short port, const std::string& target, const std::string& body,
                    const std::vector<std::pair<std::string, std::string>>& headers = {},
                    const std::string& content_type = "application/json");

}  // namespace confab::test
