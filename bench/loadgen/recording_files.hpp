// Which recordings the benchmark users speak: the same list for confab-bench
// and for the bare-engine ceiling (confab-stt-ceiling), so that the two
// measure the engine on the same audio.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

namespace confab::bench {

struct RecordingFiles {
    std::vector<std::filesystem::path> required;  // jfk, platforms, expression
    std::vector<std::filesystem::path> extra;     // every *.wav of the LibriVox folder, by name
};

// `audio_dir` "" means <repo>/../shared/audio; `librivox_dir` "" (or missing) adds none.
RecordingFiles recording_files(const std::string& audio_dir, const std::string& librivox_dir);

}  // namespace confab::bench
