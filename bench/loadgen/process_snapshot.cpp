#include "loadgen/process_snapshot.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace confab::bench {

std::optional<ProcessSnapshot> ProcessSnapshot::take(int pid) {
    const std::string proc = "/proc/" + std::to_string(pid);
    std::ifstream status(proc + "/status");
    if (!status) return std::nullopt;
    ProcessSnapshot s;
    bool rss = false, threads = false;
    for (std::string line; std::getline(status, line);) {
        if (line.starts_with("VmRSS:")) {
            std::istringstream value(line.substr(6));
            double kb = 0;
            rss = static_cast<bool>(value >> kb);
            s.rss_mb = kb / 1024.0;
        } else if (line.starts_with("Threads:")) {
            std::istringstream value(line.substr(8));
            threads = static_cast<bool>(value >> s.threads);
        }
    }
    std::error_code ec;
    for (auto it = std::filesystem::directory_iterator(proc + "/fd", ec);
         !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
        ++s.fds;
    }
    if (!rss || !threads || ec) return std::nullopt;
    return s;
}

SoakVerdict compare_snapshots(const ProcessSnapshot& start, const ProcessSnapshot& end,
                              double tolerance_percent) {
    SoakVerdict v;
    const auto add = [&](const char* name, double a, double b) {
        SnapshotDelta d{name, a, b, 0, false};
        if (a != 0) {
            d.percent = (b - a) / a * 100.0;
        } else if (b != 0) {
            d.percent = INFINITY;  // grew from nothing: no tolerance covers it
        }
        d.pass = std::fabs(d.percent) <= tolerance_percent;
        v.deltas.push_back(d);
    };
    add("rss_mb", start.rss_mb, end.rss_mb);
    add("threads", start.threads, end.threads);
    add("fds", start.fds, end.fds);
    v.pass = true;
    for (const auto& d : v.deltas) v.pass = v.pass && d.pass;
    return v;
}

}  // namespace confab::bench
