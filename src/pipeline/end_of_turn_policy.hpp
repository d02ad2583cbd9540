// How long a pause ends the user's turn, given what they have said so far.
//
// A fixed silence timer either cuts people off mid-thought or makes every
// answer slow. Like the prototype's punctuation rule, Confab adapts the base
// `silence_duration_ms` from the partial transcript (server_vad):
//   - a trailing conjunction, filler, article or possessive ("and", "so",
//     "um", "the", "my", ...) or a trailing comma/dash: the thought is
//     unfinished, wait longer (x1.8, at most +1200 ms);
//   - sentence-final punctuation (engines that produce it), or a closing word
//     ("thanks", "thank you", "bye", "okay", "yes", "no", ...) or a complete
//     question of three or more words: the sentence sounds finished, end
//     sooner (x0.6 with punctuation, x0.7 otherwise; never under 200 ms);
//   - anything else, or no transcript yet: the base.
//
// semantic_vad reads the same cue but takes the pause from its eagerness
// instead of a base (SemanticWaits): an unfinished thought waits as long as
// the Realtime API's maximum for that eagerness (low 8 s, medium 4 s,
// high 2 s), a finished or plain one about as long as server_vad would.
// Pure functions of their inputs; thread-agnostic.
#pragma once
#include <string_view>

namespace confab::pipeline {

enum class TurnCue { unfinished, neutral, finished };

TurnCue classify_turn_end(std::string_view transcript);
int adapted_silence_ms(int base_silence_ms, std::string_view transcript);

// semantic_vad's eagerness ("auto" is medium).
enum class Eagerness { low, medium, high };

// The pause that ends a turn under semantic_vad, per cue. `unfinished_ms`
// is also the longest pause any turn waits for at this eagerness.
struct SemanticWaits {
    int finished_ms;
    int neutral_ms;
    int unfinished_ms;
};
SemanticWaits semantic_waits(Eagerness eagerness);
int semantic_silence_ms(Eagerness eagerness, std::string_view transcript);

}  // namespace confab::pipeline
