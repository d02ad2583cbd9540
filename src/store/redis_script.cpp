#include "store/redis_script.hpp"

#include <openssl/evp.h>

#include <stdexcept>

namespace confab::store {

namespace {
std::string sha1_hex(const std::string& text) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_Digest(text.data(), text.size(), digest, &length, EVP_sha1(), nullptr) != 1)
        throw std::runtime_error("EVP_Digest(SHA-1) failed");
    static constexpr char kHex[] = "0123456789abcdef";
    std::string hex;
    for (unsigned int i = 0; i < length; ++i) {
        hex += kHex[digest[i] >> 4];
        hex += kHex[digest[i] & 0xF];
    }
    return hex;
}
}  // namespace

RedisScript::RedisScript(std::string text) : text_(std::move(text)), sha_(sha1_hex(text_)) {}

std::vector<std::string> RedisScript::command(const char* verb, const std::string& script_or_sha,
                                              const std::vector<std::string>& keys,
                                              const std::vector<std::string>& args) const {
    std::vector<std::string> out{verb, script_or_sha, std::to_string(keys.size())};
    out.insert(out.end(), keys.begin(), keys.end());
    out.insert(out.end(), args.begin(), args.end());
    return out;
}

void RedisScript::run(const std::shared_ptr<RedisClient>& client,
                      const std::vector<std::string>& keys, std::vector<std::string> args,
                      RedisClient::Callback done) const {
    auto by_sha = command("EVALSHA", sha_, keys, args);
    auto by_text = std::make_shared<std::vector<std::string>>(command("EVAL", text_, keys, args));
    // The client outlives its callbacks (they run on its strand while it is
    // alive), so a weak reference is enough to send the retry.
    std::weak_ptr<RedisClient> weak = client;
    client->command(std::move(by_sha), [weak, by_text, done = std::move(done)](
                                           std::optional<RedisReply> reply) mutable {
        const bool missing = reply && reply->is_error() && reply->text.rfind("NOSCRIPT", 0) == 0;
        auto again = missing ? weak.lock() : nullptr;
        if (!again) {
            done(std::move(reply));
            return;
        }
        again->command(std::move(*by_text), std::move(done));
    });
}

}  // namespace confab::store
