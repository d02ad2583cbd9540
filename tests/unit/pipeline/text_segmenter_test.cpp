#include <gtest/gtest.h>

#include "pipeline/text_segmenter.hpp"

namespace confab::pipeline {
namespace {

std::vector<std::string> segment(const std::vector<std::string>& deltas) {
    TextSegmenter s;
    std::vector<std::string> out;
    for (const auto& d : deltas)
        for (auto& p : s.push(d)) out.push_back(std::move(p));
    if (auto rest = s.flush()) out.push_back(std::move(*rest));
    return out;
}

TEST(TextSegmenter, FirstPieceIsAShortClauseThenSentences) {
    EXPECT_EQ(segment({"Well, the ", "weather today ", "is sunny, warm and ", "dry. It will ",
                       "rain tomorrow."}),
              (std::vector<std::string>{"Well, the weather today is sunny,", "warm and dry.",
                                        "It will rain tomorrow."}));
}

TEST(TextSegmenter, TheFirstClauseIsCutAsSoonAsItIsComplete) {
    TextSegmenter s;
    EXPECT_TRUE(s.push("Sure, here").empty());  // "Sure," alone is too short
    const auto pieces = s.push(" it is, the rest");
    ASSERT_EQ(pieces.size(), 1u);
    EXPECT_EQ(pieces[0], "Sure, here it is,");
}

TEST(TextSegmenter, LongOpeningsWithoutPunctuationAreCut) {
    TextSegmenter s;
    // Eight words take 200 ms at 40 tokens/s: the first audio waits no longer.
    const auto pieces = s.push("one two three four five six seven eight nine ten ");
    ASSERT_EQ(pieces.size(), 1u);
    EXPECT_EQ(pieces[0], "one two three four five six seven eight");
}

TEST(TextSegmenter, TheFirstPieceMayEndAtAPhraseBreakBeforeAPrepositionOrConjunction) {
    EXPECT_EQ(segment({"I would start ", "with the simplest ", "explanation. Then more."}),
              (std::vector<std::string>{"I would start", "with the simplest explanation.",
                                        "Then more."}));
    // Only the first piece: later sentences stay whole.
    EXPECT_EQ(segment({"Let me think about it for a moment. It depends on what you want to do."}),
              (std::vector<std::string>{"Let me think", "about it for a moment.",
                                        "It depends on what you want to do."}));
}

TEST(TextSegmenter, APhraseBreakNeedsEnoughWordsAndAWholeWord) {
    // Two words before "with": too short a piece.
    EXPECT_EQ(segment({"Start with the basics. Fine."}),
              (std::vector<std::string>{"Start with the basics.", "Fine."}));
    // "form" begins like "for": nothing is cut until the word is whole.
    TextSegmenter t;
    EXPECT_TRUE(t.push("It is the for").empty());
    const auto pieces = t.push("m you need. ");
    ASSERT_EQ(pieces.size(), 1u);
    EXPECT_EQ(pieces[0], "It is the form you need.");
    // "of" and "to" bind to what precedes.
    EXPECT_EQ(segment({"A cup of tea usually helps. Yes."}),
              (std::vector<std::string>{"A cup of tea usually helps.", "Yes."}));
}

TEST(TextSegmenter, AnEarlierClauseBoundaryWinsOverALaterPhraseBreak) {
    EXPECT_EQ(segment({"Well, I think so, and that is all."}),
              (std::vector<std::string>{"Well, I think so,", "and that is all."}));
    TextSegmenter::Options no_breaks;
    no_breaks.first_phrase_break = false;
    TextSegmenter s(no_breaks);
    EXPECT_TRUE(s.push("I would start with the simplest ").empty());
}

TEST(TextSegmenter, DoesNotSplitNumbersOrAbbreviations) {
    EXPECT_EQ(
        segment({"It costs 3.5 dollars today. Dr. Smith agrees. ", "Next."}),
        (std::vector<std::string>{"It costs 3.5 dollars today.", "Dr. Smith agrees.", "Next."}));
}

TEST(TextSegmenter, SplitsAcrossArbitraryDeltaBoundaries) {
    const std::string text = "Hello there, my friend. How are you? I am fine.";
    const auto whole = segment({text});
    for (std::size_t cut = 1; cut < text.size(); ++cut)
        EXPECT_EQ(segment({text.substr(0, cut), text.substr(cut)}), whole) << cut;
}

TEST(TextSegmenter, OverLongSentencesAreCutNearTheLimit) {
    TextSegmenter s(TextSegmenter::Options{3, 8, 60});
    s.push("This is short. ");
    std::string longer;
    for (int i = 0; i < 20; ++i) longer += "word" + std::to_string(i) + " ";
    const auto pieces = s.push(longer);
    ASSERT_FALSE(pieces.empty());
    for (const auto& p : pieces) EXPECT_LE(p.size(), 60u);
}

}  // namespace
}  // namespace confab::pipeline
