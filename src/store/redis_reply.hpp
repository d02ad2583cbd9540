// One Redis reply as a plain value (hiredis's redisReply, copied out of the
// library's memory before its callback returns).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace confab::store {

struct RedisReply {
    enum class Type { nil, status, error, integer, string, array };
    Type type = Type::nil;
    std::string text;          // string, status and error replies
    std::int64_t integer = 0;  // integer replies
    std::vector<RedisReply> elements;

    bool is_error() const { return type == Type::error; }
    bool is_nil() const { return type == Type::nil; }
};

}  // namespace confab::store
