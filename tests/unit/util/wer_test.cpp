#include "util/wer.hpp"

#include <gtest/gtest.h>

namespace confab {
namespace {

TEST(WordErrorRate, IdenticalTextsScoreZeroWhateverTheCaseAndPunctuation) {
    EXPECT_DOUBLE_EQ(
        word_error_rate("Ask not what your country can do!", "ask NOT, what your country can do"),
        0.0);
}

TEST(WordErrorRate, CountsSubstitutionsDeletionsAndInsertions) {
    // 4 reference words: one substituted, one deleted, one inserted.
    EXPECT_DOUBLE_EQ(word_error_rate("one two three four", "one too four five"), 3.0 / 4.0);
    EXPECT_DOUBLE_EQ(word_error_rate("a b c d", "a b c"), 0.25);
    EXPECT_DOUBLE_EQ(word_error_rate("a b", "a x b y"), 1.0);
}

TEST(WordErrorRate, EmptyReferenceStaysFinite) {
    EXPECT_DOUBLE_EQ(word_error_rate("", ""), 0.0);
    EXPECT_DOUBLE_EQ(word_error_rate("  .. ", "hello"), 1.0);
}

TEST(NormalizeWords, DropsApostrophesAndSplitsOnOtherPunctuation) {
    EXPECT_EQ(normalize_words("Don't be cold-hearted,  Mr. Dashwood"),
              (std::vector<std::string>{"dont", "be", "cold", "hearted", "mr", "dashwood"}));
}

}  // namespace
}  // namespace confab
