// The PROXY protocol header, v1 (text) and v2 (binary), as HAProxy's
// send-proxy / send-proxy-v2 write it: complete, incomplete (read more) and
// invalid inputs.
#include "net/proxy_header.hpp"

#include <gtest/gtest.h>

#include <string>

namespace confab::net {
namespace {
namespace ip = boost::asio::ip;
using Status = ProxyHeader::Status;

const std::string kSignature("\r\n\r\n\0\r\nQUIT\n", 12);

std::string v2(unsigned char ver_cmd, unsigned char family, const std::string& payload) {
    std::string out = kSignature;
    out += static_cast<char>(ver_cmd);
    out += static_cast<char>(family);
    out += static_cast<char>(payload.size() >> 8);
    out += static_cast<char>(payload.size() & 0xFF);
    return out + payload;
}

std::string v2_tcp4(const std::string& extra = "") {
    // 192.0.2.10:56324 -> 198.51.100.1:443
    const std::string addresses("\xC0\x00\x02\x0A\xC6\x33\x64\x01\xDC\x04\x01\xBB", 12);
    return v2(0x21, 0x11, addresses + extra);
}

TEST(ProxyHeader, Version1Tcp4) {
    const std::string line = "PROXY TCP4 192.0.2.10 198.51.100.1 56324 443\r\n";
    const auto header = parse_proxy_header(line + "GET / HTTP/1.1\r\n");
    ASSERT_EQ(header.status, Status::complete);
    EXPECT_EQ(header.size, line.size());
    EXPECT_EQ(header.source, ip::make_address("192.0.2.10"));
}

TEST(ProxyHeader, Version1Tcp6) {
    const auto header = parse_proxy_header("PROXY TCP6 2001:db8::7 2001:db8::1 4000 443\r\n");
    ASSERT_EQ(header.status, Status::complete);
    EXPECT_EQ(header.source, ip::make_address("2001:db8::7"));
}

TEST(ProxyHeader, Version1UnknownNamesNobody) {
    const auto header = parse_proxy_header("PROXY UNKNOWN ffff::1 ffff::2 1 2\r\n");
    ASSERT_EQ(header.status, Status::complete);
    EXPECT_EQ(header.source, std::nullopt);
    EXPECT_EQ(parse_proxy_header("PROXY UNKNOWN\r\n").status, Status::complete);
}

TEST(ProxyHeader, Version1ReadInPiecesIsIncompleteUntilItsLineEnds) {
    const std::string line = "PROXY TCP4 192.0.2.10 198.51.100.1 56324 443\r\n";
    for (std::size_t n = 0; n < line.size(); ++n)
        EXPECT_EQ(parse_proxy_header(line.substr(0, n)).status, Status::incomplete) << n;
    EXPECT_EQ(parse_proxy_header(line).status, Status::complete);
}

TEST(ProxyHeader, BrokenVersion1LinesAreInvalid) {
    for (const char* bad : {
             "PROXY TCP4 192.0.2.10 198.51.100.1 56324\r\n",      // a field missing
             "PROXY TCP4 2001:db8::7 198.51.100.1 1 2\r\n",       // family mismatch
             "PROXY TCP6 192.0.2.10 198.51.100.1 1 2\r\n",        // family mismatch
             "PROXY TCP4 192.0.2.10 198.51.100.1 65536 443\r\n",  // port out of range
             "PROXY TCP4 192.0.2.10 198.51.100.1 -1 443\r\n",     // not a port
             "PROXY UDP4 192.0.2.10 198.51.100.1 1 2\r\n",        // not TCP
             "PROXY TCP4  192.0.2.10 198.51.100.1 1 2\r\n",       // double space
             "PROXY TCP4 host.example 198.51.100.1 1 2\r\n",      // not an address
             "GET / HTTP/1.1\r\n",                                // not a PROXY header
         }) {
        EXPECT_EQ(parse_proxy_header(bad).status, Status::invalid) << bad;
    }
    // No line end within the 107 bytes a v1 header may have.
    EXPECT_EQ(parse_proxy_header("PROXY TCP4 " + std::string(120, '1')).status, Status::invalid);
}

TEST(ProxyHeader, Version2Tcp4WithTlvsSkipped) {
    const std::string tlv(
        "\x04\x00\x03"
        "abc",
        6);  // PP2_TYPE_NOOP, 3 bytes
    const auto bytes = v2_tcp4(tlv);
    const auto header = parse_proxy_header(bytes + "GET /");
    ASSERT_EQ(header.status, Status::complete);
    EXPECT_EQ(header.size, bytes.size());
    EXPECT_EQ(header.source, ip::make_address("192.0.2.10"));
}

TEST(ProxyHeader, Version2Tcp6) {
    std::string addresses(36, '\0');
    const auto src = ip::make_address_v6("2001:db8::7").to_bytes();
    std::copy(src.begin(), src.end(), addresses.begin());
    const auto header = parse_proxy_header(v2(0x21, 0x21, addresses));
    ASSERT_EQ(header.status, Status::complete);
    EXPECT_EQ(header.source, ip::make_address("2001:db8::7"));
}

TEST(ProxyHeader, Version2LocalAndUnspecifiedNameNobody) {
    const auto local = parse_proxy_header(v2(0x20, 0x00, ""));
    ASSERT_EQ(local.status, Status::complete);
    EXPECT_EQ(local.size, 16u);
    EXPECT_EQ(local.source, std::nullopt);
    // LOCAL ignores any addresses it carries.
    EXPECT_EQ(parse_proxy_header(v2(0x20, 0x11, std::string(12, '\x01'))).source, std::nullopt);
    EXPECT_EQ(parse_proxy_header(v2(0x21, 0x00, "")).source, std::nullopt);
}

TEST(ProxyHeader, Version2ReadInPiecesIsIncompleteUntilItsLengthIsIn) {
    const auto bytes = v2_tcp4();
    for (std::size_t n = 0; n < bytes.size(); ++n)
        EXPECT_EQ(parse_proxy_header(bytes.substr(0, n)).status, Status::incomplete) << n;
    EXPECT_EQ(parse_proxy_header(bytes).status, Status::complete);
}

TEST(ProxyHeader, BrokenVersion2HeadersAreInvalid) {
    EXPECT_EQ(parse_proxy_header(v2(0x11, 0x11, std::string(12, '\0'))).status, Status::invalid)
        << "version 1 in a v2 header";
    EXPECT_EQ(parse_proxy_header(v2(0x22, 0x11, std::string(12, '\0'))).status, Status::invalid)
        << "unknown command";
    EXPECT_EQ(parse_proxy_header(v2(0x21, 0x41, std::string(12, '\0'))).status, Status::invalid)
        << "unknown family";
    EXPECT_EQ(parse_proxy_header(v2(0x21, 0x11, std::string(8, '\0'))).status, Status::invalid)
        << "shorter than its addresses";
    EXPECT_EQ(parse_proxy_header(v2(0x21, 0x21, std::string(12, '\0'))).status, Status::invalid)
        << "IPv6 with IPv4's length";
    std::string broken_signature = v2_tcp4();
    broken_signature[5] = 'X';
    EXPECT_EQ(parse_proxy_header(broken_signature).status, Status::invalid);
}

TEST(ProxyHeader, Version2LongerThanAllowedIsInvalidBeforeItIsRead) {
    const auto bytes = v2(0x21, 0x11, std::string(kMaxProxyHeaderBytes, '\0'));
    EXPECT_EQ(parse_proxy_header(bytes.substr(0, 16)).status, Status::invalid);
}

TEST(ProxyHeader, WhatAnUntrustedPeerSendsIsRecognised) {
    EXPECT_TRUE(starts_like_proxy_header("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r\n"));
    EXPECT_TRUE(starts_like_proxy_header(v2_tcp4()));
    EXPECT_FALSE(starts_like_proxy_header("GET / HTTP/1.1\r\n"));
    EXPECT_FALSE(starts_like_proxy_header("PROXYX"));
}

}  // namespace
}  // namespace confab::net
