#include "util/speech_corpus.hpp"

#include <cstring>
#include <fstream>
#include <sstream>

namespace confab {

std::vector<TranscribedRecording> transcribed_recordings(const std::string& shared_dir,
                                                         const std::string& librivox_dir) {
    std::vector<TranscribedRecording> out;
    std::ifstream manifest(shared_dir + "/audio/manifest.tsv");
    std::string line;
    std::getline(manifest, line);  // header
    while (std::getline(manifest, line)) {
        std::vector<std::string> cols;
        std::stringstream ss(line);
        for (std::string col; std::getline(ss, col, '\t');) cols.push_back(col);
        if (cols.size() < 4 || cols[3].rfind("(", 0) == 0) continue;  // no transcript
        out.push_back({shared_dir + "/audio/" + cols[0], cols[0], cols[3]});
    }
    if (librivox_dir.empty()) return out;
    // Sphinx's transcription format: "<s> words </s> (file id)".
    std::ifstream transcription(librivox_dir + "transcription");
    while (std::getline(transcription, line)) {
        const auto open = line.rfind('(');
        const auto close = line.rfind(')');
        if (open == std::string::npos || close == std::string::npos || close < open) continue;
        const std::string id = line.substr(open + 1, close - open - 1);
        std::string text = line.substr(0, open);
        for (const char* tag : {"<s>", "</s>"}) {
            if (auto p = text.find(tag); p != std::string::npos) text.erase(p, std::strlen(tag));
        }
        const std::string name = id.size() > 4 ? id.substr(id.size() - 4) : id;
        out.push_back({librivox_dir + id + ".wav", name, text});
    }
    return out;
}

}  // namespace confab
