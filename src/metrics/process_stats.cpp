#include "metrics/process_stats.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "metrics/registry.hpp"

namespace confab::metrics {

namespace {

// Boot time, for turning the start time in ticks since boot into epoch seconds.
std::optional<double> boot_time_seconds() {
    std::ifstream in("/proc/stat");
    std::string key;
    while (in >> key) {
        if (key == "btime") {
            double t = 0;
            in >> t;
            return t;
        }
        std::getline(in, key);
    }
    return std::nullopt;
}

}  // namespace

std::optional<ProcessStats> ProcessStats::read() {
    std::ifstream stat_file("/proc/self/stat");
    std::string stat;
    if (!std::getline(stat_file, stat)) return std::nullopt;
    // The command name (field 2) is in parentheses and may hold spaces: parse after the last ')'.
    const auto close = stat.rfind(')');
    if (close == std::string::npos) return std::nullopt;
    std::istringstream fields(stat.substr(close + 2));
    // Fields from 3 (state) on; we need 14 utime, 15 stime, 20 num_threads, 22 starttime, 23 vsize,
    // 24 rss.
    std::string f;
    ProcessStats s;
    double utime = 0, stime = 0, start_ticks = 0;
    std::uint64_t vsize = 0, rss_pages = 0;
    for (int index = 3; index <= 24 && fields >> f; ++index) {
        switch (index) {
            case 14:
                utime = std::stod(f);
                break;
            case 15:
                stime = std::stod(f);
                break;
            case 20:
                s.threads = std::stoi(f);
                break;
            case 22:
                start_ticks = std::stod(f);
                break;
            case 23:
                vsize = std::stoull(f);
                break;
            case 24:
                rss_pages = std::stoull(f);
                break;
            default:
                break;
        }
    }
    const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
    s.cpu_seconds = (utime + stime) / ticks;
    s.virtual_bytes = vsize;
    s.resident_bytes = rss_pages * static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE));
    if (auto boot = boot_time_seconds()) s.start_time_seconds = *boot + start_ticks / ticks;

    std::error_code ec;
    for (std::filesystem::directory_iterator it("/proc/self/fd", ec), end; !ec && it != end;
         it.increment(ec))
        ++s.open_fds;
    // The iterator's own descriptor is counted; it is closed again at once.
    if (s.open_fds > 0) --s.open_fds;
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY)
        s.max_fds = limit.rlim_cur;
    return s;
}

void register_process_metrics(Registry& registry) {
    // One read per family is wasteful but simple: a scrape reads /proc seven times (~0.2 ms).
    auto with = [](auto pick) {
        return [pick](TextWriter& out, const std::string& name) {
            if (auto s = ProcessStats::read()) out.sample(name, {}, pick(*s));
        };
    };
    registry.callback("process_cpu_seconds_total", "counter",
                      "Total user and system CPU time spent in seconds.",
                      with([](const ProcessStats& s) { return s.cpu_seconds; }));
    registry.callback(
        "process_resident_memory_bytes", "gauge", "Resident memory size in bytes.",
        with([](const ProcessStats& s) { return static_cast<double>(s.resident_bytes); }));
    registry.callback(
        "process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.",
        with([](const ProcessStats& s) { return static_cast<double>(s.virtual_bytes); }));
    registry.callback("process_threads", "gauge", "Number of OS threads in the process.",
                      with([](const ProcessStats& s) { return static_cast<double>(s.threads); }));
    registry.callback("process_open_fds", "gauge", "Number of open file descriptors.",
                      with([](const ProcessStats& s) { return static_cast<double>(s.open_fds); }));
    registry.callback("process_max_fds", "gauge", "Maximum number of open file descriptors.",
                      with([](const ProcessStats& s) { return static_cast<double>(s.max_fds); }));
    registry.callback("process_start_time_seconds", "gauge",
                      "Start time of the process since unix epoch in seconds.",
                      with([](const ProcessStats& s) { return s.start_time_seconds; }));
}

}  // namespace confab::metrics
