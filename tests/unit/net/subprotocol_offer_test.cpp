#include "net/subprotocol_offer.hpp"

#include <gtest/gtest.h>

#include <boost/beast/http/fields.hpp>

namespace confab::net {
namespace {
namespace http = boost::beast::http;

SubprotocolOffer offer_of(std::initializer_list<std::string_view> lines) {
    http::fields headers;
    for (auto line : lines) headers.insert(http::field::sec_websocket_protocol, line);
    return SubprotocolOffer::parse(headers);
}

TEST(SubprotocolOffer, NoHeaderIsAnEmptyOfferThatNeedsNoEcho) {
    const auto offer = offer_of({});
    EXPECT_TRUE(offer.empty());
    EXPECT_TRUE(offer.acceptable());
    EXPECT_EQ(offer.selected(), std::nullopt);
    EXPECT_EQ(offer.api_key(), std::nullopt);
}

TEST(SubprotocolOffer, TheBrowserSdkOfferSelectsRealtimeAndKeepsTheKey) {
    const auto offer =
        offer_of({"realtime, openai-insecure-api-key.ek_test_123, openai-beta.realtime-v1"});
    EXPECT_TRUE(offer.acceptable());
    ASSERT_TRUE(offer.selected());
    EXPECT_EQ(*offer.selected(), "realtime");
    ASSERT_TRUE(offer.api_key());
    EXPECT_EQ(*offer.api_key(), "ek_test_123");
    EXPECT_TRUE(offer.beta_realtime_v1());
    EXPECT_EQ(offer.unknown(), 0);
}

TEST(SubprotocolOffer, RealtimeIsSelectedWhereverItStandsNeverTheKey) {
    const auto offer =
        offer_of({"openai-insecure-api-key.sk-abc,openai-agents-sdk.0.1.9,realtime"});
    ASSERT_TRUE(offer.selected());
    EXPECT_EQ(*offer.selected(), "realtime");
    EXPECT_EQ(*offer.api_key(), "sk-abc");
    ASSERT_TRUE(offer.agents_sdk_version());
    EXPECT_EQ(*offer.agents_sdk_version(), "0.1.9");
}

TEST(SubprotocolOffer, SeveralHeaderLinesAreOneList) {
    const auto offer = offer_of({"openai-insecure-api-key.ek_1", "x-custom", "realtime"});
    EXPECT_EQ(*offer.selected(), "realtime");
    EXPECT_EQ(*offer.api_key(), "ek_1");
    EXPECT_EQ(offer.unknown(), 1);
}

TEST(SubprotocolOffer, SpacesAndEmptyElementsAreIgnored) {
    const auto offer = offer_of({" ,\t realtime ,, openai-insecure-api-key.k1 ,"});
    EXPECT_FALSE(offer.empty());
    EXPECT_EQ(*offer.selected(), "realtime");
    EXPECT_EQ(*offer.api_key(), "k1");
    EXPECT_EQ(offer.unknown(), 0);
    EXPECT_TRUE(offer_of({" , "}).empty());
}

TEST(SubprotocolOffer, OnlyUnknownProtocolsAreRefused) {
    const auto offer = offer_of({"chat, superchat"});
    EXPECT_FALSE(offer.empty());
    EXPECT_FALSE(offer.acceptable());
    EXPECT_EQ(offer.selected(), std::nullopt);
    EXPECT_EQ(offer.unknown(), 2);
}

TEST(SubprotocolOffer, KnownProtocolsWithoutRealtimeAreRefusedToo) {
    // A key or the beta marker alone names no protocol Confab could echo.
    EXPECT_FALSE(offer_of({"openai-insecure-api-key.ek_1"}).acceptable());
    EXPECT_FALSE(offer_of({"openai-beta.realtime-v1"}).acceptable());
}

TEST(SubprotocolOffer, NamesAreCaseSensitiveExactTokens) {
    EXPECT_FALSE(offer_of({"Realtime"}).acceptable());
    EXPECT_FALSE(offer_of({"realtime2"}).acceptable());
    EXPECT_FALSE(offer_of({"\"realtime\""}).acceptable());
    // Not a token: cannot be a key either.
    const auto offer = offer_of({"realtime, openai-insecure-api-key.a b"});
    EXPECT_EQ(offer.api_key(), std::nullopt);
    EXPECT_EQ(offer.unknown(), 1);
}

TEST(SubprotocolOffer, AnEmptyKeyIsNoKeyAndTheFirstKeyWins) {
    EXPECT_EQ(offer_of({"realtime, openai-insecure-api-key."}).api_key(), std::nullopt);
    const auto offer =
        offer_of({"realtime, openai-insecure-api-key.first, openai-insecure-api-key.second"});
    EXPECT_EQ(*offer.api_key(), "first");
}

}  // namespace
}  // namespace confab::net
