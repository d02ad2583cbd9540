#include "pipeline/text_segmenter.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace confab::pipeline {
namespace {

constexpr std::array<std::string_view, 12> kAbbreviations = {
    "mr", "mrs", "ms", "dr", "prof", "st", "vs", "etc", "e.g", "i.e", "jr", "sr"};

// Words that open a phrase: a first piece may end before one. "of", "to"
// and determiners are left out: they bind to what precedes ("a cup of",
// "want to", "this week").
constexpr std::array<std::string_view, 23> kPhraseStarts = {
    "for",     "with",   "in",    "on",  "at",   "from",   "about",   "into",
    "through", "during", "and",   "but", "or",   "so",     "because", "which",
    "who",     "when",   "while", "if",  "than", "before", "after"};

bool opens_phrase(std::string_view word) {
    std::string lower;
    for (const char c : word)
        lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return std::find(kPhraseStarts.begin(), kPhraseStarts.end(), lower) != kPhraseStarts.end();
}

std::string trim(std::string_view s) {
    const auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string_view::npos) return {};
    const auto e = s.find_last_not_of(" \t\r\n");
    return std::string(s.substr(b, e - b + 1));
}

int count_words(std::string_view s) {
    int n = 0;
    bool in_word = false;
    for (const char c : s) {
        const bool space = std::isspace(static_cast<unsigned char>(c)) != 0;
        if (!space && !in_word) ++n;
        in_word = !space;
    }
    return n;
}

bool is_space(char c) {
    return std::isspace(static_cast<unsigned char>(c)) != 0;
}

}  // namespace

bool TextSegmenter::is_boundary(std::size_t i, bool clause) const {
    const char c = pending_[i];
    const bool sentence_end = c == '.' || c == '!' || c == '?';
    const bool clause_end = c == ',' || c == ';' || c == ':';
    if (!sentence_end && !(clause && clause_end)) return false;
    // Only a boundary once the whitespace after it has arrived: "3.5" is not.
    if (i + 1 >= pending_.size() || !is_space(pending_[i + 1])) return false;
    if (c == '.') {
        // "Dr. Smith" is not two sentences.
        std::size_t start = i;
        while (start > 0 && !is_space(pending_[start - 1])) --start;
        std::string word;
        for (std::size_t k = start; k < i; ++k)
            word += static_cast<char>(std::tolower(static_cast<unsigned char>(pending_[k])));
        if (std::find(kAbbreviations.begin(), kAbbreviations.end(), word) != kAbbreviations.end())
            return false;
        if (word.size() == 1 && std::isalpha(static_cast<unsigned char>(word[0])))
            return false;  // initials
    }
    return true;
}

// Where the next piece ends (index one past its last character), if it has.
std::optional<std::size_t> TextSegmenter::find_cut() const {
    if (!first_done_) {
        for (std::size_t i = 0; i < pending_.size(); ++i) {
            if (is_boundary(i, true) && count_words(std::string_view(pending_).substr(0, i + 1)) >=
                                            options_.first_min_words)
                return i + 1;
            // A phrase break: a whole word (whitespace after it has arrived)
            // that opens a phrase, after enough words. Checked at each word's
            // start, so whichever of the two comes first in the text wins.
            const bool word_start = !is_space(pending_[i]) && (i == 0 || is_space(pending_[i - 1]));
            if (options_.first_phrase_break && word_start) {
                std::size_t end = i;
                while (end < pending_.size() && !is_space(pending_[end])) ++end;
                const bool complete = end < pending_.size();
                if (complete && opens_phrase(std::string_view(pending_).substr(i, end - i)) &&
                    count_words(std::string_view(pending_).substr(0, i)) >=
                        options_.first_min_words)
                    return i;
            }
        }
        // No boundary yet: a long opening is cut after first_max_words words.
        int words = 0;
        bool in_word = false;
        for (std::size_t i = 0; i < pending_.size(); ++i) {
            const bool space = is_space(pending_[i]);
            if (!space && !in_word) ++words;
            if (space && in_word && words >= options_.first_max_words) return i;
            in_word = !space;
        }
        return std::nullopt;
    }
    for (std::size_t i = 0; i < pending_.size(); ++i) {
        if (is_boundary(i, false)) return i + 1;
        if (i + 1 >= options_.max_chars) {
            // Over-long: cut at the last comma, else the last space, before here.
            const std::string_view head = std::string_view(pending_).substr(0, i + 1);
            const auto comma = head.rfind(", ");
            if (comma != std::string_view::npos && comma > options_.max_chars / 2) return comma + 1;
            const auto space = head.rfind(' ');
            if (space != std::string_view::npos && space > 0) return space;
            return i + 1;
        }
    }
    return std::nullopt;
}

std::vector<std::string> TextSegmenter::push(std::string_view delta) {
    pending_ += delta;
    std::vector<std::string> pieces;
    while (auto cut = find_cut()) {
        std::string piece = trim(std::string_view(pending_).substr(0, *cut));
        pending_.erase(0, *cut);
        if (piece.empty()) continue;
        first_done_ = true;
        pieces.push_back(std::move(piece));
    }
    return pieces;
}

std::optional<std::string> TextSegmenter::flush() {
    std::string rest = trim(pending_);
    pending_.clear();
    if (rest.empty()) return std::nullopt;
    first_done_ = true;
    return rest;
}

}  // namespace confab::pipeline
