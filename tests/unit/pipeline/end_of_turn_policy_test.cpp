#include <gtest/gtest.h>

#include "pipeline/end_of_turn_policy.hpp"

namespace confab::pipeline {
namespace {

TEST(EndOfTurnPolicy, TrailingConjunctionsAndFillersWaitLonger) {
    EXPECT_EQ(classify_turn_end("i went to the shop and"), TurnCue::unfinished);
    EXPECT_EQ(classify_turn_end("so um"), TurnCue::unfinished);
    EXPECT_EQ(classify_turn_end("I think,"), TurnCue::unfinished);
    EXPECT_EQ(adapted_silence_ms(500, "tell me about the"), 900);
    EXPECT_EQ(adapted_silence_ms(1000, "and so"), 1800);
    EXPECT_EQ(adapted_silence_ms(2000, "because"), 3200);  // capped at base + 1200
}

TEST(EndOfTurnPolicy, FinishedSentencesEndSooner) {
    EXPECT_EQ(classify_turn_end("What time is it?"), TurnCue::finished);
    EXPECT_EQ(adapted_silence_ms(500, "It is done."), 300);      // punctuation: x0.6
    EXPECT_EQ(adapted_silence_ms(500, "okay thanks"), 350);      // closing word: x0.7
    EXPECT_EQ(adapted_silence_ms(500, "what time is it"), 350);  // a whole question
    EXPECT_EQ(adapted_silence_ms(250, "thanks."), 200);          // never under 200 ms
}

TEST(EndOfTurnPolicy, ThankYouIsAClosing) {
    EXPECT_EQ(classify_turn_end("that is all thank you"), TurnCue::finished);
    EXPECT_EQ(classify_turn_end("i will call you"), TurnCue::neutral);
}

// Whole spoken sentences can end on a preposition, pronoun or "to"; the
// recogniser also tends to end a hypothesis on such a short word while the
// last real word settles. None of them stretches the pause.
TEST(EndOfTurnPolicy, SentenceFinalShortWordsDoNotWaitLonger) {
    for (const char* turn : {"i would love to", "that is what it is", "the one i was looking for",
                             "see you", "here we are", "tell me more about it", "come in"})
        EXPECT_EQ(adapted_silence_ms(500, turn), 500) << turn;
    EXPECT_EQ(classify_turn_end("what are you afraid of"), TurnCue::finished);  // a whole question
}

TEST(EndOfTurnPolicy, OtherwiseTheBase) {
    EXPECT_EQ(adapted_silence_ms(500, ""), 500);
    EXPECT_EQ(adapted_silence_ms(500, "the weather in paris"), 500);
    EXPECT_EQ(classify_turn_end("what"), TurnCue::neutral);  // too short to be a question
}

// semantic_vad: the cue picks one of three waits per eagerness; an
// unfinished thought waits the Realtime API's maximum (8 s, 4 s, 2 s).
TEST(EndOfTurnPolicy, SemanticWaitsPerEagerness) {
    struct Row {
        Eagerness eagerness;
        int finished, neutral, unfinished;
    };
    for (const auto& row :
         {Row{Eagerness::low, 700, 1000, 8000}, Row{Eagerness::medium, 350, 500, 4000},
          Row{Eagerness::high, 200, 300, 2000}}) {
        EXPECT_EQ(semantic_silence_ms(row.eagerness, "okay thanks"), row.finished);
        EXPECT_EQ(semantic_silence_ms(row.eagerness, "What time is it?"), row.finished);
        EXPECT_EQ(semantic_silence_ms(row.eagerness, "the weather in paris"), row.neutral);
        EXPECT_EQ(semantic_silence_ms(row.eagerness, ""), row.neutral);  // no words yet
        EXPECT_EQ(semantic_silence_ms(row.eagerness, "i went to the shop and"), row.unfinished);
        EXPECT_EQ(semantic_silence_ms(row.eagerness, "so um"), row.unfinished);
        const auto w = semantic_waits(row.eagerness);
        EXPECT_EQ(w.unfinished_ms, row.unfinished) << "the maximum wait";
    }
}

// The default semantic_vad (medium) ends finished and plain turns as the
// default server_vad does: what it changes is the unfinished thought.
TEST(EndOfTurnPolicy, SemanticMediumMatchesTheDefaultServerVadButForUnfinishedThoughts) {
    for (const char* turn : {"okay thanks", "the weather in paris", "what time is it", ""})
        EXPECT_EQ(semantic_silence_ms(Eagerness::medium, turn), adapted_silence_ms(500, turn))
            << turn;
    EXPECT_EQ(adapted_silence_ms(500, "and"), 900);
    EXPECT_EQ(semantic_silence_ms(Eagerness::medium, "and"), 4000);
}

}  // namespace
}  // namespace confab::pipeline
