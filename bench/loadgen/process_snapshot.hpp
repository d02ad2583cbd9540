// A server process's footprint at one moment (resident memory, threads, open
// file descriptors, from /proc), and the soak verdict that compares two of
// them: a server that leaks per session ends a soak bigger than it started.
//
// take() reads /proc (tiny, non-blocking reads); compare_snapshots() is pure.
#pragma once
#include <optional>
#include <string>
#include <vector>

namespace confab::bench {

struct ProcessSnapshot {
    double rss_mb = 0;  // VmRSS of /proc/PID/status
    int threads = 0;    // Threads of /proc/PID/status
    int fds = 0;        // entries of /proc/PID/fd

    // nullopt if the process is gone or /proc cannot be read.
    static std::optional<ProcessSnapshot> take(int pid);
};

struct SnapshotDelta {
    std::string name;  // rss_mb, threads, fds
    double start = 0;
    double end = 0;
    double percent = 0;  // (end - start) / start × 100; 0 when both are 0
    bool pass = false;   // |percent| <= tolerance
};

struct SoakVerdict {
    bool pass = false;
    std::vector<SnapshotDelta> deltas;
};

// Each of RSS, threads and fds must end within `tolerance_percent` of where it
// started, in either direction (a shrink that large means the baseline was
// taken at the wrong moment, which is worth a look too).
SoakVerdict compare_snapshots(const ProcessSnapshot& start, const ProcessSnapshot& end,
                              double tolerance_percent);

}  // namespace confab::bench
