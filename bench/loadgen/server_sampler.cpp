#include "loadgen/server_sampler.hpp"

#include <unistd.h>

#include <algorithm>
#include <boost/asio.hpp>
#include <fstream>
#include <sstream>
#include <string>

namespace confab::bench {
namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

ServerSampler::ServerSampler(int pid, BenchResults& results, const RunWindow& window)
    : pid_(pid), results_(results), window_(window) {}

std::optional<double> ServerSampler::cpu_seconds(int pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    if (!std::getline(in, line)) return std::nullopt;
    // The command name in field 2 may hold spaces: count fields after its ')'.
    const auto close = line.rfind(')');
    if (close == std::string::npos) return std::nullopt;
    std::istringstream fields(line.substr(close + 2));
    std::string skip;
    // Fields 3..13 come before utime (14) and stime (15).
    for (int i = 3; i <= 13; ++i) fields >> skip;
    unsigned long long utime = 0, stime = 0;
    if (!(fields >> utime >> stime)) return std::nullopt;
    return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

std::optional<double> ServerSampler::rss_mb(int pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(in, line)) {
        if (line.starts_with("VmRSS:")) {
            std::istringstream value(line.substr(6));
            double kb = 0;
            if (value >> kb) return kb / 1024.0;
        }
    }
    return std::nullopt;
}

std::optional<ServerSampler::MachineTicks> ServerSampler::machine_ticks() {
    std::ifstream in("/proc/stat");
    std::string cpu;
    // cpu user nice system idle iowait irq softirq steal ...
    double user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0;
    if (!(in >> cpu >> user >> nice >> system >> idle >> iowait >> irq >> softirq >> steal) ||
        cpu != "cpu") {
        return std::nullopt;
    }
    const double busy = user + nice + system + irq + softirq + steal;
    return MachineTicks{busy, busy + idle + iowait};
}

asio::awaitable<void> ServerSampler::run() {
    asio::steady_timer timer(co_await asio::this_coro::executor);
    auto last_cpu = cpu_seconds(pid_);
    auto last_machine = machine_ticks();
    auto last_time = Clock::now();
    auto deadline = last_time;
    if (auto rss = rss_mb(pid_)) results_.server_rss_max_mb = *rss;
    while (last_cpu) {
        deadline += std::chrono::seconds(1);
        timer.expires_at(deadline);
        co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
        const auto now = Clock::now();
        if (now > window_.end) break;
        const auto cpu = cpu_seconds(pid_);
        if (!cpu) break;
        const double wall = std::chrono::duration<double>(now - last_time).count();
        results_.server_cpu_percent.add(100.0 * (*cpu - *last_cpu) / wall);
        if (auto rss = rss_mb(pid_))
            results_.server_rss_max_mb = std::max(results_.server_rss_max_mb, *rss);
        const auto machine = machine_ticks();
        if (machine && last_machine && machine->total > last_machine->total) {
            results_.machine_cpu_percent.add(100.0 * (machine->busy - last_machine->busy) /
                                             (machine->total - last_machine->total));
        }
        last_machine = machine;
        last_cpu = cpu;
        last_time = now;
    }
}

}  // namespace confab::bench
