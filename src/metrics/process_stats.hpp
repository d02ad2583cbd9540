// This process's resource use, read from /proc/self: CPU seconds, resident
// and virtual memory, threads, open file descriptors. Each read costs a few
// small file reads (~tens of µs): done per scrape, never on a hot path.
#pragma once
#include <cstdint>
#include <optional>

namespace confab::metrics {

class Registry;

struct ProcessStats {
    double cpu_seconds = 0;  // user + system
    std::uint64_t resident_bytes = 0;
    std::uint64_t virtual_bytes = 0;
    int threads = 0;
    int open_fds = 0;
    std::uint64_t max_fds = 0;      // soft limit; 0 if unknown
    double start_time_seconds = 0;  // since the Unix epoch

    // nullopt if /proc/self cannot be read (not Linux, or a sandbox).
    static std::optional<ProcessStats> read();
};

// Adds the standard process_* families, read at each scrape.
void register_process_metrics(Registry& registry);

}  // namespace confab::metrics
