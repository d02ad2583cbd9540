#include "net/client_credential.hpp"

#include <gtest/gtest.h>

#include <boost/beast/http/fields.hpp>

namespace confab::net {
namespace {
namespace http = boost::beast::http;

ClientCredential credential_of(std::string_view authorization, std::string_view protocols) {
    http::fields headers;
    if (!authorization.empty()) headers.set(http::field::authorization, authorization);
    if (!protocols.empty()) headers.set(http::field::sec_websocket_protocol, protocols);
    return ClientCredential::from(headers, SubprotocolOffer::parse(headers));
}

TEST(ClientCredential, NoneWhenNothingIsGiven) {
    const auto c = credential_of("", "realtime");
    EXPECT_FALSE(c.present());
    EXPECT_EQ(c.source(), ClientCredential::Source::none);
    EXPECT_EQ(c.source_name(), "none");
    EXPECT_EQ(c.secret(), "");
}

TEST(ClientCredential, FromTheBearerHeader) {
    const auto c = credential_of("Bearer sk-test-1", "");
    EXPECT_EQ(c.source(), ClientCredential::Source::bearer);
    EXPECT_EQ(c.source_name(), "bearer");
    EXPECT_EQ(c.secret(), "sk-test-1");
}

TEST(ClientCredential, TheSchemeIsCaseInsensitiveAndSpacesAreTrimmed) {
    EXPECT_EQ(credential_of("bearer  k1 ", "").secret(), "k1");
    EXPECT_EQ(credential_of("BEARER k2", "").secret(), "k2");
}

TEST(ClientCredential, OtherSchemesAndEmptyTokensAreNoCredential) {
    EXPECT_FALSE(credential_of("Basic dXNlcjpwdw==", "").present());
    EXPECT_FALSE(credential_of("Bearer", "").present());
    EXPECT_FALSE(credential_of("Bearer   ", "").present());
    EXPECT_FALSE(credential_of("Bearerk1", "").present());
}

TEST(ClientCredential, FromTheSubprotocol) {
    const auto c = credential_of("", "realtime, openai-insecure-api-key.ek_test_123");
    EXPECT_EQ(c.source(), ClientCredential::Source::subprotocol);
    EXPECT_EQ(c.source_name(), "subprotocol");
    EXPECT_EQ(c.secret(), "ek_test_123");
}

TEST(ClientCredential, TheHeaderWinsOverTheSubprotocol) {
    const auto c = credential_of("Bearer from-header", "realtime, openai-insecure-api-key.from-ws");
    EXPECT_EQ(c.source(), ClientCredential::Source::bearer);
    EXPECT_EQ(c.secret(), "from-header");
    // A header that carries no bearer token leaves the subprotocol's key.
    const auto d = credential_of("Basic x", "realtime, openai-insecure-api-key.from-ws");
    EXPECT_EQ(d.source(), ClientCredential::Source::subprotocol);
    EXPECT_EQ(d.secret(), "from-ws");
}

}  // namespace
}  // namespace confab::net
