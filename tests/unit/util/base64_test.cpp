#include <gtest/gtest.h>

#include "util/base64.hpp"

namespace confab {
namespace {

std::vector<std::uint8_t> bytes(std::string_view s) {
    return {s.begin(), s.end()};
}

TEST(Base64, EncodesRfc4648Vectors) {
    EXPECT_EQ(base64::encode(bytes("")), "");
    EXPECT_EQ(base64::encode(bytes("f")), "Zg==");
    EXPECT_EQ(base64::encode(bytes("fo")), "Zm8=");
    EXPECT_EQ(base64::encode(bytes("foo")), "Zm9v");
    EXPECT_EQ(base64::encode(bytes("foobar")), "Zm9vYmFy");
}

TEST(Base64, DecodesWhatItEncodes) {
    std::vector<std::uint8_t> all(256);
    for (int i = 0; i < 256; ++i) all[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(i);
    for (std::size_t n = 0; n < all.size(); n += 7) {
        std::span<const std::uint8_t> part(all.data(), n);
        const auto decoded = base64::decode(base64::encode(part));
        ASSERT_TRUE(decoded);
        EXPECT_EQ(*decoded, std::vector<std::uint8_t>(part.begin(), part.end()));
    }
}

TEST(Base64, RejectsMalformedInput) {
    EXPECT_FALSE(base64::decode("Zm9v!"));
    EXPECT_FALSE(base64::decode("Zm9 v"));
    EXPECT_FALSE(base64::decode("Z"));      // a lone sextet
    EXPECT_FALSE(base64::decode("Zg="));    // padding that does not complete a quad
    EXPECT_FALSE(base64::decode("Zg==="));  // too much padding
    EXPECT_TRUE(base64::decode("Zg"));      // unpadded is accepted
}

}  // namespace
}  // namespace confab
