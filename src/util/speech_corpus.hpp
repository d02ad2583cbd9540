// The recordings with reference transcripts that tests and benchmarks score
// speech recognition on: ../shared/audio/manifest.tsv (those it gives a
// transcript) and the LibriVox readings of Debian's pocketsphinx-testdata.
//
// Reads small files; for tests, benchmarks and tools, not for the server.
#pragma once
#include <string>
#include <vector>

namespace confab {

struct TranscribedRecording {
    std::string path;        // a WAV file
    std::string name;        // short, for reports: "jfk.wav", "0870"
    std::string transcript;  // lower case, numbers as words
};

inline constexpr const char* kLibrivoxDir = "/usr/share/pocketsphinx/test/data/librivox/";

// The shared recordings of `shared_dir` (the directory holding audio/), then
// the LibriVox ones of `librivox_dir` ("" for none). A missing manifest or
// directory adds none.
std::vector<TranscribedRecording> transcribed_recordings(
    const std::string& shared_dir, const std::string& librivox_dir = kLibrivoxDir);

}  // namespace confab
