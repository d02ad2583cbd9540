// Word error rate, for tests and benchmarks that score speech recognition.
//
// Pure functions; safe from any thread.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace confab {

// Lower-cases, drops apostrophes ("don't" -> "dont") and treats every other
// non-alphanumeric byte as a word break, so "cold-hearted," -> {"cold", "hearted"}.
std::vector<std::string> normalize_words(std::string_view text);

// (substitutions + deletions + insertions) / reference words, on normalised
// words. An empty reference gives 0 for an empty hypothesis and 1 otherwise,
// so the result is always finite.
double word_error_rate(std::string_view reference, std::string_view hypothesis);

}  // namespace confab
