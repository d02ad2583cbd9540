// Where one conversation lives in Redis, and the scripts that write and take
// it (docs/deployment.md describes the layout):
//   confab:s:{token}      HASH  owner, config (session JSON), reply ("1": a
//                               reply in flight)
//   confab:s:{token}:log  LIST  the conversation as operations
//                               (store/session_codec.hpp)
// The braces are a Redis Cluster hash tag: both keys of a conversation land
// in one slot, which a script touching both needs.
#pragma once
#include <string>
#include <vector>

#include "store/redis_script.hpp"

namespace confab::store {

inline std::vector<std::string> redis_session_keys(const std::string& token) {
    const std::string hash = "confab:s:{" + token + "}";
    return {hash, hash + ":log"};
}

// The scripts a store's sessions share.
struct RedisSessionScripts {
    // ARGV: ttl_ms, owner, config, reply, op... -> the log's length.
    RedisScript snapshot{R"lua(
redis.call('DEL', KEYS[1], KEYS[2])
redis.call('HSET', KEYS[1], 'owner', ARGV[2], 'config', ARGV[3], 'reply', ARGV[4])
for i = 5, #ARGV do redis.call('RPUSH', KEYS[2], ARGV[i]) end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
redis.call('PEXPIRE', KEYS[2], ARGV[1])
return #ARGV - 4
)lua"};
    // ARGV: ttl_ms, field pair count n, n (field, value) pairs, op... ->
    // the log's length, or -1 when the conversation is not there (expired,
    // or its snapshot was lost in an outage): the writer sends it whole.
    RedisScript append{R"lua(
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
local n = tonumber(ARGV[2])
for i = 0, n - 1 do redis.call('HSET', KEYS[1], ARGV[3 + 2 * i], ARGV[4 + 2 * i]) end
for i = 3 + 2 * n, #ARGV do redis.call('RPUSH', KEYS[2], ARGV[i]) end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
redis.call('PEXPIRE', KEYS[2], ARGV[1])
return redis.call('LLEN', KEYS[2])
)lua"};
    // ARGV: owner -> {config, reply, {op...}}, or nil (unknown, expired, or
    // another owner's: left in place). Deleted as it is taken: single use.
    RedisScript take{R"lua(
local owner = redis.call('HGET', KEYS[1], 'owner')
if owner == false or owner ~= ARGV[1] then return false end
local fields = redis.call('HMGET', KEYS[1], 'config', 'reply')
local log = redis.call('LRANGE', KEYS[2], 0, -1)
redis.call('DEL', KEYS[1], KEYS[2])
return {fields[1] or '', fields[2] or '0', log}
)lua"};
    // ARGV: ttl_ms: keeps a quiet conversation alive while its session is
    // (-1: it is gone, so the writer sends it whole).
    RedisScript touch{R"lua(
local kept = redis.call('PEXPIRE', KEYS[1], ARGV[1])
redis.call('PEXPIRE', KEYS[2], ARGV[1])
if kept == 0 then return -1 end
return 1
)lua"};
};

}  // namespace confab::store
