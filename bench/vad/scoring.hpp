// How confab-vad-eval scores a detector's decisions: against
// three_speakers.wav's annotated speech (onsets, offsets, false alarms,
// hits), and by where the server's turn detector, fed with them, ends turns.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace confab::bench::vad {

struct Segment {
    double start;
    double end;
};

// Fraction of frames flagged as speech among frames lying entirely in [a, b).
double speech_fraction(const std::vector<bool>& s, double a, double b);

struct SegmentScores {
    std::string onsets_ms, offsets_ms;  // one value per segment
    double false_alarm = 0, hit = 0;
};

// Scores against three_speakers.wav's speech segments (manifest.tsv).
SegmentScores score(const std::vector<bool>& s, double duration);

// The load generator's end of speech (bench/loadgen/audio_library.hpp): the
// last frame above its voiced threshold.
std::size_t last_voiced_frame(const std::vector<std::int16_t>& pcm);

// Turn ends as the server's turn detector finds them: every decision goes
// through a TurnDetector with the server's defaults (500 ms pause, the VAD's
// hangover counted as silence, no transcript). Per recording: when its turn
// ended after confab-bench's end of speech, less the 500 ms pause, i.e. what
// the detector adds to silence_duration_ms; and how many turns ended before
// that end of speech (a pause inside the speech, or a false start).
struct TurnEnd {
    std::optional<double> overshoot_ms;  // none: every turn ended before the end of speech
    int early_ends = 0;
};

// `starts[i]`/`ends[i]`: recording i's first frame and the load generator's
// end of speech (frame index); a turn end belongs to the recording it
// follows.
std::vector<TurnEnd> turn_ends(const std::vector<bool>& s, const std::vector<std::size_t>& starts,
                               const std::vector<std::size_t>& ends, int hangover_ms);

}  // namespace confab::bench::vad
