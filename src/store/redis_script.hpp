// A Lua script run in Redis by its SHA-1 (EVALSHA: the text crosses the
// wire once per server), loaded again with EVAL when the server does not
// have it (NOSCRIPT: a restarted or flushed Redis).
//
// Immutable once made: shared by every session of a store, from any thread.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "store/redis_client.hpp"

namespace confab::store {

class RedisScript {
public:
    explicit RedisScript(std::string text);

    const std::string& sha() const { return sha_; }
    // Runs the script on `keys` and `args`; `done` as RedisClient::command's.
    void run(const std::shared_ptr<RedisClient>& client, const std::vector<std::string>& keys,
             std::vector<std::string> args, RedisClient::Callback done) const;

private:
    std::vector<std::string> command(const char* verb, const std::string& script_or_sha,
                                     const std::vector<std::string>& keys,
                                     const std::vector<std::string>& args) const;

    const std::string text_;
    const std::string sha_;  // hex
};

}  // namespace confab::store
