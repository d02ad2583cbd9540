#include "pipeline/end_of_turn_policy.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>
#include <vector>

namespace confab::pipeline {
namespace {

// Words that almost never end a complete spoken sentence. Prepositions,
// pronouns, "to" and auxiliaries are left out on purpose: "what are you
// looking for", "I'd love to", "thank you", "here you are" are whole turns,
// and pocketsphinx often ends a hypothesis on such a short word while the
// last real word is still settling, so each one made finished turns wait
// longer (measured on the benchmark recordings, all complete sentences).
constexpr std::array<std::string_view, 19> kContinuations = {
    "and", "so",  "but", "or", "because", "although", "if",   "um",  "uh",   "er",
    "ah",  "hmm", "the", "a",  "an",      "my",       "your", "our", "their"};

constexpr std::array<std::string_view, 20> kClosings = {
    "thanks", "thank",   "please", "bye",     "goodbye", "okay",   "ok",
    "yes",    "no",      "yeah",   "nope",    "right",   "done",   "sure",
    "great",  "perfect", "fine",   "alright", "cheers",  "correct"};

constexpr std::array<std::string_view, 16> kQuestionStarts = {
    "what", "who",   "where", "when", "why",  "how", "is",   "are",
    "can",  "could", "would", "do",   "does", "did", "will", "should"};

template <std::size_t N>
bool contains(const std::array<std::string_view, N>& set, std::string_view word) {
    return std::find(set.begin(), set.end(), word) != set.end();
}

std::vector<std::string> words_of(std::string_view text) {
    std::vector<std::string> words;
    std::string current;
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (std::isalnum(u) || c == '\'') {
            current += static_cast<char>(std::tolower(u));
        } else if (!current.empty()) {
            words.push_back(std::move(current));
            current.clear();
        }
    }
    if (!current.empty()) words.push_back(std::move(current));
    return words;
}

}  // namespace

TurnCue classify_turn_end(std::string_view transcript) {
    auto end = transcript.find_last_not_of(" \t\r\n");
    if (end == std::string_view::npos) return TurnCue::neutral;
    const char last = transcript[end];
    if (last == ',' || last == '-' || transcript.substr(0, end + 1).ends_with("..."))
        return TurnCue::unfinished;
    if (last == '.' || last == '?' || last == '!') return TurnCue::finished;
    const auto words = words_of(transcript);
    if (words.empty()) return TurnCue::neutral;
    const std::string& tail = words.back();
    if (contains(kContinuations, tail)) return TurnCue::unfinished;
    if (contains(kClosings, tail)) return TurnCue::finished;
    if (tail == "you" && words.size() >= 2 && words[words.size() - 2] == "thank")
        return TurnCue::finished;
    if (words.size() >= 3 && contains(kQuestionStarts, words.front())) return TurnCue::finished;
    return TurnCue::neutral;
}

int adapted_silence_ms(int base_silence_ms, std::string_view transcript) {
    constexpr int kFloorMs = 200;
    const auto end = transcript.find_last_not_of(" \t\r\n");
    const bool punctuated =
        end != std::string_view::npos &&
        (transcript[end] == '.' || transcript[end] == '?' || transcript[end] == '!');
    switch (classify_turn_end(transcript)) {
        case TurnCue::unfinished:
            return std::min(base_silence_ms * 18 / 10, base_silence_ms + 1200);
        case TurnCue::finished:
            return std::max(kFloorMs, base_silence_ms * (punctuated ? 6 : 7) / 10);
        case TurnCue::neutral:
            break;
    }
    return base_silence_ms;
}

SemanticWaits semantic_waits(Eagerness eagerness) {
    // medium (and auto) ends finished and plain turns as server_vad's
    // defaults do (500 ms x0.7, 500 ms), so choosing semantic_vad does not
    // slow the ordinary turn; what it adds is patience with an unfinished
    // thought, up to the Realtime API's maximum. high ends sooner (the
    // 200 ms floor, 300 ms), low waits twice as long.
    switch (eagerness) {
        case Eagerness::high:
            return {200, 300, 2000};
        case Eagerness::low:
            return {700, 1000, 8000};
        case Eagerness::medium:
            break;
    }
    return {350, 500, 4000};
}

int semantic_silence_ms(Eagerness eagerness, std::string_view transcript) {
    const auto waits = semantic_waits(eagerness);
    switch (classify_turn_end(transcript)) {
        case TurnCue::unfinished:
            return waits.unfinished_ms;
        case TurnCue::finished:
            return waits.finished_ms;
        case TurnCue::neutral:
            break;
    }
    return waits.neutral_ms;
}

}  // namespace confab::pipeline
