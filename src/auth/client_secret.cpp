#include "auth/client_secret.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "auth/crypto.hpp"

namespace confab::auth {
namespace {

constexpr std::string_view kPrefix = "ek_";

std::string signature(std::string_view signed_part, std::string_view signing_key) {
    return base64url_encode(hmac_sha256(signing_key, signed_part));
}

std::optional<ClientSecretClaims> read_claims(const std::string& json) {
    boost::system::error_code ec;
    // Only what we signed reaches here. Boost.JSON serialises a string's
    // bytes as they are, so claims minted from a name that is not UTF-8
    // (fuzzing found one) must read back too, or the secret could never be
    // used: the parser is told to take them.
    boost::json::parse_options options;
    options.allow_invalid_utf8 = true;
    const auto value = boost::json::parse(json, ec, {}, options);
    if (ec || !value.is_object()) return std::nullopt;
    const auto& obj = value.as_object();
    ClientSecretClaims claims;
    const auto* kid = obj.if_contains("kid");
    const auto* sub = obj.if_contains("sub");
    const auto* iat = obj.if_contains("iat");
    const auto* exp = obj.if_contains("exp");
    const auto* jti = obj.if_contains("jti");
    const auto* session = obj.if_contains("session");
    if (kid == nullptr || !kid->is_string() || sub == nullptr || !sub->is_string() ||
        iat == nullptr || !iat->is_int64() || exp == nullptr || !exp->is_int64() ||
        jti == nullptr || !jti->is_string() || session == nullptr || !session->is_object())
        return std::nullopt;
    claims.key_id = kid->as_string();
    claims.user = sub->as_string();
    claims.issued_at = iat->as_int64();
    claims.expires_at = exp->as_int64();
    claims.secret_id = jti->as_string();
    claims.session = session->as_object();
    return claims;
}

}  // namespace

std::string mint_client_secret(const ClientSecretClaims& claims, std::string_view signing_key) {
    boost::json::object body;
    body["v"] = 1;
    body["kid"] = claims.key_id;
    body["sub"] = claims.user;
    body["iat"] = claims.issued_at;
    body["exp"] = claims.expires_at;
    body["jti"] = claims.secret_id;
    body["session"] = claims.session;
    const std::string signed_part =
        std::string(kPrefix) + base64url_encode(boost::json::serialize(body));
    return signed_part + "." + signature(signed_part, signing_key);
}

VerifiedSecret verify_client_secret(std::string_view value, std::string_view signing_key,
                                    std::int64_t now) {
    VerifiedSecret result;
    if (value.size() > kMaxSecretBytes || value.substr(0, kPrefix.size()) != kPrefix) return result;
    const auto dot = value.rfind('.');
    if (dot == std::string_view::npos || dot < kPrefix.size()) return result;
    const std::string_view signed_part = value.substr(0, dot);
    // The signature is checked before the claims are even decoded: nothing
    // an attacker wrote is parsed unless the server signed it.
    if (!constant_time_equal(value.substr(dot + 1), signature(signed_part, signing_key))) {
        result.problem = SecretProblem::bad_signature;
        return result;
    }
    const auto json = base64url_decode(signed_part.substr(kPrefix.size()));
    auto claims = json ? read_claims(*json) : std::nullopt;
    if (!claims) return result;
    result.claims = std::move(*claims);
    result.problem = result.claims.expires_at <= now ? SecretProblem::expired : SecretProblem::none;
    return result;
}

}  // namespace confab::auth
