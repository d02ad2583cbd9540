// How long a pause ends the user's turn, given what they have said so far.
//
// A fixed silence timer either cuts people off mid-thought or makes every
// answer slow. Like the prototype's punctuation rule, Confab adapts the base
// `silence_duration_ms` from the partial transcript:
//   - a trailing conjunction, filler, article or possessive ("and", "so",
//     "um", "the", "my", ...) or a trailing comma/dash: the thought is
//     unfinished, wait longer (x1.8, at most +1200 ms);
//   - sentence-final punctuation (engines that produce it), or a closing word
//     ("thanks", "thank you", "bye", "okay", "yes", "no", ...) or a complete
//     question of three or more words: the sentence sounds finished, end
//     sooner (x0.6 with punctuation, x0.7 otherwise; never under 200 ms);
//   - anything else, or no transcript yet: the base.
// Pure function of its inputs; thread-agnostic.
#pragma once
#include <string_view>

namespace confab::pipeline {

enum class TurnCue { unfinished, neutral, finished };

TurnCue classify_turn_end(std::string_view transcript);
int adapted_silence_ms(int base_silence_ms, std::string_view transcript);

}  // namespace confab::pipeline
