// The credential parsers (auth/): the keys file, the users file, client
// secrets and the Origin policy, all fed from one input. Its first byte picks
// the parser; the rest is the text.
// Oracle: an accepted keys file has valid, unique ids and 32-byte hashes, and
// parsing it again gives the same keys; an accepted users file checks no
// password of the fuzzer's; a fuzzed client secret never verifies (it cannot
// carry a valid signature), while one minted from fuzzed claims verifies to
// exactly those claims; an origin normalises to a fixed point, and an
// allowed list allows what it lists.
#include <boost/json/parse.hpp>
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "auth/client_secret.hpp"
#include "auth/key_file.hpp"
#include "auth/origin_policy.hpp"
#include "auth/user_file.hpp"
#include "fuzz/fuzz_check.hpp"

namespace {
using namespace confab::auth;

const std::string kSigningKey = "a-signing-key-for-the-fuzzer-0123456789";

void check_keys_file(const std::string& text) {
    const auto parsed = parse_key_file(text, "keys.toml");
    if (!parsed.errors.empty()) {
        FUZZ_CHECK(parsed.keys.empty());
        return;
    }
    std::set<std::string> ids;
    for (const auto& key : parsed.keys) {
        FUZZ_CHECK(!key.id.empty() && key.id.size() <= 64);
        FUZZ_CHECK(ids.insert(key.id).second);
        FUZZ_CHECK(key.sha256.size() == 32);
        FUZZ_CHECK(!key.user.empty());
    }
    const auto again = parse_key_file(text, "keys.toml");
    FUZZ_CHECK(again.keys == parsed.keys);
}

void check_users_file(const std::string& text) {
    std::vector<std::string> errors;
    const auto users = UserFile::parse(text, "users.toml", errors);
    if (!errors.empty()) FUZZ_CHECK(users.size() == 0);
    // Hashing is slow by design: only a small file's first user is tried, and
    // only when its iterations are few (the fuzzer must stay fast).
    if (users.size() > 0 && text.find("$10000$") != std::string::npos)
        FUZZ_CHECK(users.check("no-such-user-of-the-fuzzer", text).empty());
}

void check_secret(const std::string& text) {
    const auto verified = verify_client_secret(text, kSigningKey, 1'800'000'000);
    FUZZ_CHECK(verified.problem != SecretProblem::none);
    FUZZ_CHECK(verified.problem != SecretProblem::expired);  // expiry is read only once signed

    // Claims made of the input round-trip through a real secret.
    ClientSecretClaims claims;
    claims.key_id = text.substr(0, 16);
    claims.user = text.size() > 16 ? text.substr(16, 16) : "";
    claims.issued_at = static_cast<std::int64_t>(text.size());
    claims.expires_at = claims.issued_at + 600;
    claims.secret_id = "cs_fuzz";
    boost::system::error_code ec;
    auto session = boost::json::parse(text, ec);
    if (!ec && session.is_object()) claims.session = session.as_object();
    const std::string secret = mint_client_secret(claims, kSigningKey);
    const auto back = verify_client_secret(secret, kSigningKey, claims.issued_at);
    if (secret.size() > kMaxSecretBytes) {
        FUZZ_CHECK(back.problem == SecretProblem::malformed);
        return;
    }
    FUZZ_CHECK(back.problem == SecretProblem::none);
    FUZZ_CHECK(back.claims.key_id == claims.key_id && back.claims.user == claims.user);
    FUZZ_CHECK(back.claims.expires_at == claims.expires_at);
    FUZZ_CHECK(back.claims.session == claims.session);
    FUZZ_CHECK(verify_client_secret(secret, "another-key-of-at-least-32-bytes!!", 0).problem ==
               SecretProblem::bad_signature);
}

void check_origin(const std::string& text) {
    const std::string normal = OriginPolicy::normalise(text);
    // (A comma would split the one-entry list in two.)
    if (!normal.empty() && normal.find(',') == std::string::npos) {
        FUZZ_CHECK(OriginPolicy::normalise(normal) == normal);
        FUZZ_CHECK(OriginPolicy(normal).allows(text, "confab.invalid"));
    }
    const OriginPolicy policy(text);  // a fuzzed list: must not crash
    (void)policy.allows("https://example.com", "confab.invalid");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0 || size > 64 * 1024) return 0;
    const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
    switch (data[0] % 4) {
        case 0:
            check_keys_file(text);
            break;
        case 1:
            check_users_file(text);
            break;
        case 2:
            check_secret(text);
            break;
        default:
            check_origin(text);
            break;
    }
    return 0;
}
