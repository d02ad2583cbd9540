// Networks as server.trusted_proxies writes them: single addresses and CIDR
// prefixes, IPv4 and IPv6, IPv4-mapped peers matched as IPv4.
#include "util/ip_network.hpp"

#include <gtest/gtest.h>

#include "util/ip_network_list.hpp"

namespace confab {
namespace {
namespace ip = boost::asio::ip;

ip::address addr(const char* text) {
    return ip::make_address(text);
}

TEST(IpNetwork, APrefixContainsItsAddressesAndNoOthers) {
    const auto net = IpNetwork::parse("10.0.0.0/8");
    ASSERT_TRUE(net);
    EXPECT_TRUE(net->contains(addr("10.0.0.0")));
    EXPECT_TRUE(net->contains(addr("10.255.255.255")));
    EXPECT_FALSE(net->contains(addr("11.0.0.0")));
    EXPECT_FALSE(net->contains(addr("9.255.255.255")));
    EXPECT_EQ(net->to_string(), "10.0.0.0/8");
}

TEST(IpNetwork, PrefixesThatDoNotEndOnAByte) {
    const auto net = IpNetwork::parse("192.168.4.0/22");
    ASSERT_TRUE(net);
    EXPECT_TRUE(net->contains(addr("192.168.4.1")));
    EXPECT_TRUE(net->contains(addr("192.168.7.255")));
    EXPECT_FALSE(net->contains(addr("192.168.8.0")));
    EXPECT_FALSE(net->contains(addr("192.168.3.255")));
    const auto v6 = IpNetwork::parse("2001:db8:abcd:12::/63");
    ASSERT_TRUE(v6);
    EXPECT_TRUE(v6->contains(addr("2001:db8:abcd:13::1")));
    EXPECT_FALSE(v6->contains(addr("2001:db8:abcd:14::1")));
}

TEST(IpNetwork, ASingleAddressIsAFullLengthPrefix) {
    const auto one = IpNetwork::parse("192.0.2.7");
    ASSERT_TRUE(one);
    EXPECT_EQ(one->to_string(), "192.0.2.7/32");
    EXPECT_TRUE(one->contains(addr("192.0.2.7")));
    EXPECT_FALSE(one->contains(addr("192.0.2.8")));
    const auto loop6 = IpNetwork::parse("::1");
    ASSERT_TRUE(loop6);
    EXPECT_EQ(loop6->to_string(), "::1/128");
    EXPECT_TRUE(loop6->contains(addr("::1")));
    EXPECT_FALSE(loop6->contains(addr("127.0.0.1")));
}

TEST(IpNetwork, SlashZeroContainsItsWholeFamily) {
    EXPECT_TRUE(IpNetwork::parse("0.0.0.0/0")->contains(addr("203.0.113.9")));
    EXPECT_FALSE(IpNetwork::parse("0.0.0.0/0")->contains(addr("2001:db8::1")));
    EXPECT_TRUE(IpNetwork::parse("::/0")->contains(addr("2001:db8::1")));
}

TEST(IpNetwork, IPv4MappedPeersMatchIPv4Networks) {
    const auto net = IpNetwork::parse("127.0.0.0/8");
    EXPECT_TRUE(net->contains(addr("::ffff:127.0.0.1")));
    EXPECT_EQ(normalize(addr("::ffff:192.0.2.1")), addr("192.0.2.1"));
    EXPECT_EQ(normalize(addr("2001:db8::1")), addr("2001:db8::1"));
    // Written mapped, it is an IPv4 network.
    EXPECT_EQ(IpNetwork::parse("::ffff:10.0.0.0/104"), std::nullopt);  // /104 > 32 once unmapped
    EXPECT_TRUE(IpNetwork::parse("::ffff:10.1.2.3")->contains(addr("10.1.2.3")));
}

TEST(IpNetwork, MalformedNetworksAreRefused) {
    for (const char* bad :
         {"", "10.0.0.0/", "10.0.0.0/33", "10.0.0.0/8x", "10.0.0.0/-1", "::/129", "10.0.0.1/8",
          "example.com", "10.0.0", "1.2.3.4/ 8", " 10.0.0.1", "10.0.0.0/08/1"}) {
        EXPECT_EQ(IpNetwork::parse(bad), std::nullopt) << bad;
    }
}

TEST(IpNetworkList, CommaSeparatedWithSpaces) {
    std::string bad;
    const auto list = IpNetworkList::parse(" 10.0.0.0/8 ,192.0.2.7,, ::1 ", bad);
    ASSERT_TRUE(list) << bad;
    EXPECT_EQ(list->size(), 3u);
    EXPECT_TRUE(list->contains(addr("10.3.4.5")));
    EXPECT_TRUE(list->contains(addr("192.0.2.7")));
    EXPECT_TRUE(list->contains(addr("::1")));
    EXPECT_FALSE(list->contains(addr("127.0.0.1")));
}

TEST(IpNetworkList, EmptyTrustsNobody) {
    std::string bad;
    const auto list = IpNetworkList::parse("", bad);
    ASSERT_TRUE(list);
    EXPECT_TRUE(list->empty());
    EXPECT_FALSE(list->contains(addr("127.0.0.1")));
}

TEST(IpNetworkList, NamesTheBadEntry) {
    std::string bad;
    EXPECT_FALSE(IpNetworkList::parse("10.0.0.0/8, proxy.internal, ::1", bad));
    EXPECT_EQ(bad, "proxy.internal");
}

}  // namespace
}  // namespace confab
