#include "vad/scoring.hpp"

#include <cstdio>
#include <span>

#include "loadgen/audio_library.hpp"
#include "pipeline/turn_detector.hpp"
#include "vad/frames.hpp"

namespace confab::bench::vad {

namespace {

// manifest.tsv: speech at 1.70-3.90 s, 6.20-11.10 s and 12.80-18.00 s.
const std::vector<Segment> kSegments = {{1.70, 3.90}, {6.20, 11.10}, {12.80, 18.00}};

void append_ms(std::string& list, double ms) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%s%+.0f", list.empty() ? "" : ", ", ms);
    list += buf;
}

}  // namespace

double speech_fraction(const std::vector<bool>& s, double a, double b) {
    int n = 0;
    int hits = 0;
    for (std::size_t f = 0; f < s.size(); ++f) {
        if (frame_start(f) >= a && frame_start(f) + kFrameS <= b) {
            ++n;
            hits += s[f] ? 1 : 0;
        }
    }
    return n ? static_cast<double>(hits) / n : 0;
}

SegmentScores score(const std::vector<bool>& s, double duration) {
    SegmentScores out;
    // Silence for false alarms: 0.1 s before each onset and 0.6 s after each
    // end are left out (annotation slack, and the hangover is measured below).
    std::vector<Segment> silence;
    double from = 0;
    for (const auto& seg : kSegments) {
        silence.push_back({from, seg.start - 0.1});
        from = seg.end + 0.6;
    }
    silence.push_back({from, duration});
    double silent_frames = 0, alarms = 0;
    for (const auto& q : silence) {
        const double n = (q.end - q.start) / kFrameS;
        silent_frames += n;
        alarms += speech_fraction(s, q.start, q.end) * n;
    }
    out.false_alarm = alarms / silent_frames;

    double speech_frames = 0, hits = 0;
    for (const auto& seg : kSegments) {
        const std::size_t first = static_cast<std::size_t>((seg.start - 0.1) / kFrameS);
        const std::size_t end_frame = static_cast<std::size_t>(seg.end / kFrameS);
        // Onset: end of the first speech frame from 0.1 s before the segment.
        std::size_t f = first;
        while (f < end_frame && !s[f]) ++f;
        const double onset = (frame_start(f) + kFrameS - seg.start) * 1000;
        // Offset: end of the speech run that covers, or last precedes, the end.
        std::size_t g = end_frame;
        while (g > f && !s[g]) --g;
        while (g + 1 < s.size() && s[g + 1]) ++g;
        const double offset = (frame_start(g) + kFrameS - seg.end) * 1000;
        append_ms(out.onsets_ms, onset);
        append_ms(out.offsets_ms, offset);
        const double n = (seg.end - seg.start - 0.2) / kFrameS;
        speech_frames += n;
        hits += speech_fraction(s, seg.start + 0.1, seg.end - 0.1) * n;
    }
    out.hit = hits / speech_frames;
    return out;
}

std::size_t last_voiced_frame(const std::vector<std::int16_t>& pcm) {
    std::vector<double> levels;
    for (std::size_t i = 0; i + kFrame <= pcm.size(); i += kFrame) {
        levels.push_back(confab::bench::frame_dbfs(std::span(pcm).subspan(i, kFrame)));
    }
    const double threshold = confab::bench::voiced_threshold(levels);
    std::size_t last = levels.size() - 1;
    while (last > 0 && levels[last] <= threshold) --last;
    return last;
}

std::vector<TurnEnd> turn_ends(const std::vector<bool>& s, const std::vector<std::size_t>& starts,
                               const std::vector<std::size_t>& ends, int hangover_ms) {
    confab::pipeline::TurnDetector::Params params;
    params.vad_hangover_ms = hangover_ms;
    confab::pipeline::TurnDetector detector(params);
    std::vector<TurnEnd> out(ends.size());
    std::size_t current = 0;
    for (std::size_t f = 0; f < s.size(); ++f) {
        while (current + 1 < starts.size() && f >= starts[current + 1]) ++current;
        const int ms = static_cast<int>(f) * 20;
        if (detector.on_frame(s[f], ms) != confab::pipeline::TurnDetector::Event::speech_stopped) {
            continue;
        }
        auto& turn = out[current];
        const int after_pause_ms = ms + 20 - params.silence_duration_ms;
        const int speech_end_ms = static_cast<int>(ends[current] + 1) * 20;
        if (after_pause_ms < speech_end_ms) {
            ++turn.early_ends;
        } else if (!turn.overshoot_ms) {
            turn.overshoot_ms = after_pause_ms - speech_end_ms;
        }
    }
    return out;
}

}  // namespace confab::bench::vad
