#include "metrics/process_stats.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "metrics/metrics.hpp"

namespace confab::metrics {
namespace {

TEST(ProcessStats, ReadsThisProcess) {
    const auto s = ProcessStats::read();
    ASSERT_TRUE(s.has_value());
    EXPECT_GT(s->resident_bytes, 1u << 20);  // a gtest binary holds more than 1 MB
    EXPECT_GE(s->virtual_bytes, s->resident_bytes);
    EXPECT_GE(s->threads, 1);
    EXPECT_GE(s->open_fds, 3);  // stdin, stdout, stderr
    EXPECT_GT(s->start_time_seconds, 1.6e9);
    EXPECT_GE(s->cpu_seconds, 0.0);
}

TEST(ProcessStats, SeesNewThreadsAndDescriptors) {
    // ThreadSanitizer starts a helper thread of its own with the process's
    // first thread: one started and joined here first is counted in both.
    std::thread([] {}).join();
    const auto before = ProcessStats::read();
    const int fd = ::open("/dev/null", O_RDONLY);
    ASSERT_GE(fd, 0);
    bool stop = false;
    std::thread t([&] {
        while (!__atomic_load_n(&stop, __ATOMIC_RELAXED))
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
    });
    const auto during = ProcessStats::read();
    __atomic_store_n(&stop, true, __ATOMIC_RELAXED);
    t.join();
    ::close(fd);
    ASSERT_TRUE(before && during);
    EXPECT_EQ(during->open_fds, before->open_fds + 1);
    EXPECT_EQ(during->threads, before->threads + 1);
}

TEST(ProcessStats, CpuSecondsGrowWithWork) {
    const auto before = ProcessStats::read();
    // Burn ~50 ms of CPU; clock ticks are 10 ms.
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(60);
    volatile double x = 0;
    while (std::chrono::steady_clock::now() < until) x = x + 1;
    const auto after = ProcessStats::read();
    ASSERT_TRUE(before && after);
    EXPECT_GT(after->cpu_seconds, before->cpu_seconds);
}

TEST(ProcessStats, RegisteredFamiliesRender) {
    Metrics m;
    register_process_metrics(m.registry());
    const auto text = m.render();
    for (const char* name :
         {"process_cpu_seconds_total ", "process_resident_memory_bytes ", "process_threads ",
          "process_open_fds ", "process_start_time_seconds "}) {
        EXPECT_NE(text.find(std::string("\n") + name), std::string::npos) << name;
    }
}

}  // namespace
}  // namespace confab::metrics
