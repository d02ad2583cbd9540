// Small helpers shared by the measurement programs.
#pragma once
#include <time.h>

#include <fstream>
#include <sstream>
#include <string>

namespace confab::bench {

// CPU time of the calling thread: unlike wall time, barely moved by other
// processes on this 2-core machine.
inline double thread_cpu_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// Writes `generated` to `path`, keeping the hand-written "## Conclusion"
// section of the file it replaces, so re-running a bench refreshes the numbers
// without losing the decision drawn from them (which then needs re-reading).
inline void write_results(const std::string& path, const std::string& generated) {
    std::string kept;
    {
        std::ifstream old(path);
        std::stringstream ss;
        ss << old.rdbuf();
        const std::string text = ss.str();
        if (const auto at = text.find("\n## Conclusion"); at != std::string::npos) {
            kept = text.substr(at);
        }
    }
    std::ofstream(path) << generated << kept;
}

}  // namespace confab::bench
