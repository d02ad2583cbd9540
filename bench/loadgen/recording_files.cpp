#include "loadgen/recording_files.hpp"

#include <algorithm>

namespace confab::bench {
namespace fs = std::filesystem;

RecordingFiles recording_files(const std::string& audio_dir, const std::string& librivox_dir) {
    // The shared recordings live next to the repository (../shared/audio).
    const fs::path dir =
        audio_dir.empty()
            ? (fs::path(CONFAB_SOURCE_DIR) / ".." / "shared" / "audio").lexically_normal()
            : fs::path(audio_dir);
    RecordingFiles files;
    for (const char* name : {"jfk.wav", "platforms.wav", "expression.wav"})
        files.required.push_back(dir / name);
    std::error_code ec;
    if (!librivox_dir.empty() && fs::is_directory(librivox_dir, ec)) {
        for (const auto& entry : fs::directory_iterator(librivox_dir, ec)) {
            if (entry.path().extension() == ".wav") files.extra.push_back(entry.path());
        }
        std::sort(files.extra.begin(), files.extra.end());
    }
    return files;
}

}  // namespace confab::bench
