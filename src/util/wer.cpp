#include "util/wer.hpp"

#include <algorithm>
#include <cctype>

namespace confab {

std::vector<std::string> normalize_words(std::string_view text) {
    std::vector<std::string> words;
    std::string current;
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (std::isalnum(u) != 0) {
            current += static_cast<char>(std::tolower(u));
        } else if (c == '\'') {
            // Contractions must compare equal however the engine spells them.
            continue;
        } else if (!current.empty()) {
            words.push_back(std::move(current));
            current.clear();
        }
    }
    if (!current.empty()) words.push_back(std::move(current));
    return words;
}

double word_error_rate(std::string_view reference, std::string_view hypothesis) {
    const auto ref = normalize_words(reference);
    const auto hyp = normalize_words(hypothesis);
    if (ref.empty()) return hyp.empty() ? 0.0 : 1.0;

    // Levenshtein distance over words, one row at a time.
    std::vector<std::size_t> prev(hyp.size() + 1);
    std::vector<std::size_t> row(hyp.size() + 1);
    for (std::size_t j = 0; j <= hyp.size(); ++j) prev[j] = j;
    for (std::size_t i = 1; i <= ref.size(); ++i) {
        row[0] = i;
        for (std::size_t j = 1; j <= hyp.size(); ++j) {
            const std::size_t substitute = prev[j - 1] + (ref[i - 1] == hyp[j - 1] ? 0 : 1);
            row[j] = std::min({substitute, prev[j] + 1, row[j - 1] + 1});
        }
        std::swap(prev, row);
    }
    return static_cast<double>(prev[hyp.size()]) / static_cast<double>(ref.size());
}

}  // namespace confab
