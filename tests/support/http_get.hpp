// One blocking HTTP/1.1 GET against 127.0.0.1 for integration tests.
#pragma once
#include <string>

namespace confab::test {

struct HttpReply {
    int status = 0;  // 0: could not connect
    std::string body;
    std::string content_type;
};

HttpReply http_get(unsigned short port, const std::string& target);

}  // namespace confab::test
