// X-Forwarded-For behind trusted proxies: the right-most address that is not
// a trusted proxy is the client; what the client wrote to its left is not
// believed.
#include "net/forwarded_for.hpp"

#include <gtest/gtest.h>

namespace confab::net {
namespace {
namespace ip = boost::asio::ip;

ip::address addr(const char* text) {
    return ip::make_address(text);
}

IpNetworkList trusted(const char* text) {
    std::string bad;
    return *IpNetworkList::parse(text, bad);
}

TEST(ForwardedFor, OneProxyNamesItsClient) {
    EXPECT_EQ(client_from_forwarded_for(addr("10.0.0.5"), {"198.51.100.7"}, trusted("10.0.0.0/8")),
              addr("198.51.100.7"));
}

TEST(ForwardedFor, AddressesAClientWroteItselfAreNotBelieved) {
    // The client sent "X-Forwarded-For: 1.1.1.1"; our proxy appended what it saw.
    EXPECT_EQ(client_from_forwarded_for(addr("10.0.0.5"), {"1.1.1.1, 198.51.100.7"},
                                        trusted("10.0.0.0/8")),
              addr("198.51.100.7"));
}

TEST(ForwardedFor, AChainOfTrustedProxiesIsWalkedThrough) {
    EXPECT_EQ(client_from_forwarded_for(addr("10.0.0.5"),
                                        {"203.0.113.1, 198.51.100.7, 10.0.0.9, 10.0.0.8"},
                                        trusted("10.0.0.0/8")),
              addr("198.51.100.7"));
}

TEST(ForwardedFor, SeveralHeaderLinesAreOneList) {
    EXPECT_EQ(client_from_forwarded_for(addr("10.0.0.5"), {"203.0.113.1", "198.51.100.7, 10.0.0.9"},
                                        trusted("10.0.0.0/8")),
              addr("198.51.100.7"));
}

TEST(ForwardedFor, PortsBracketsAndIPv6) {
    EXPECT_EQ(client_from_forwarded_for(addr("::1"), {"198.51.100.7:4711"}, trusted("::1")),
              addr("198.51.100.7"));
    EXPECT_EQ(client_from_forwarded_for(addr("::1"), {"[2001:db8::7]:443"}, trusted("::1")),
              addr("2001:db8::7"));
    EXPECT_EQ(client_from_forwarded_for(addr("::1"), {" 2001:db8::8 "}, trusted("::1")),
              addr("2001:db8::8"));
    EXPECT_EQ(client_from_forwarded_for(addr("::1"), {"::ffff:198.51.100.9"}, trusted("::1")),
              addr("198.51.100.9"));
}

TEST(ForwardedFor, AnEntryThatIsNoAddressStopsAtTheLastTrustedHop) {
    EXPECT_EQ(client_from_forwarded_for(addr("10.0.0.5"), {"198.51.100.7, unknown, 10.0.0.9"},
                                        trusted("10.0.0.0/8")),
              addr("10.0.0.9"));
    EXPECT_EQ(client_from_forwarded_for(addr("10.0.0.5"), {"garbage"}, trusted("10.0.0.0/8")),
              addr("10.0.0.5"));
}

TEST(ForwardedFor, AllTrustedGivesTheLeftMost) {
    EXPECT_EQ(
        client_from_forwarded_for(addr("10.0.0.5"), {"10.0.0.7, 10.0.0.6"}, trusted("10.0.0.0/8")),
        addr("10.0.0.7"));
    EXPECT_EQ(client_from_forwarded_for(addr("10.0.0.5"), {}, trusted("10.0.0.0/8")),
              addr("10.0.0.5"));
}

TEST(ForwardedFor, EmptyEntriesAreSkipped) {
    EXPECT_EQ(client_from_forwarded_for(addr("10.0.0.5"), {"198.51.100.7, , ", ""},
                                        trusted("10.0.0.0/8")),
              addr("198.51.100.7"));
}

TEST(ForwardedFor, EntryParsing) {
    EXPECT_EQ(parse_forwarded_entry("192.0.2.1"), addr("192.0.2.1"));
    EXPECT_EQ(parse_forwarded_entry("[::1]"), addr("::1"));
    for (const char* bad : {"", "unknown", "_hidden", "[::1", "[::1]x", "[192.0.2.1]",
                            "2001:db8::1:80x", "192.0.2.1:80:81", "host:80"}) {
        EXPECT_EQ(parse_forwarded_entry(bad), std::nullopt) << bad;
    }
}

}  // namespace
}  // namespace confab::net
