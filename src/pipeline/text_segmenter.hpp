// Cuts a streamed reply into speakable pieces.
//
// The first piece is a short clause, cut at the first clause boundary
// (, ; : . ! ?) once it has `first_min_words` words, so the first audio does
// not wait for a whole sentence (the prototype's "quick answer"); or, sooner,
// at a phrase break: before a preposition or conjunction that follows at
// least `first_min_words` words ("I would start | with the simplest
// explanation."), where a speaker would pause anyway, so the cut does not
// sound like one. If neither comes, it is cut after `first_max_words`. After that, pieces are
// whole sentences, and an over-long sentence is cut at a comma or space near
// `max_chars`. Boundaries need the following whitespace (so "3.5" and
// "e.g." do not split) and skip common abbreviations.
// Owned by one response; used on the session's strand.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace confab::pipeline {

class TextSegmenter {
public:
    struct Options {
        int first_min_words = 3;
        int first_max_words = 8;
        std::size_t max_chars = 220;
        bool first_phrase_break = true;
    };

    TextSegmenter() : TextSegmenter(Options{}) {}
    explicit TextSegmenter(Options options) : options_(options) {}

    // Adds streamed text; returns the pieces it completed, in order.
    std::vector<std::string> push(std::string_view delta);
    // The remaining text at the end of the stream, if any.
    std::optional<std::string> flush();

private:
    std::optional<std::size_t> find_cut() const;
    bool is_boundary(std::size_t i, bool clause) const;

    Options options_;
    std::string pending_;
    bool first_done_ = false;
};

}  // namespace confab::pipeline
