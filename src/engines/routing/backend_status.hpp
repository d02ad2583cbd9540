// One engine backend as the admin endpoint, /readyz and the logs see it.
// A plain value.
#pragma once
#include <cstdint>
#include <string>

namespace confab::engines {

struct BackendStatus {
    std::string engine;   // llm, stt, tts
    std::string name;     // as configured (or host:port)
    std::string url;      // base URL
    std::string breaker;  // closed, open, half_open
    int in_flight = 0;
    int max_concurrent = 0;
    int weight = 1;
    int consecutive_failures = 0;
    double latency_ms = 0;  // recent time to first output (moving average), 0: none yet
    double retry_in_s = 0;  // open: when the next probe may go
    std::uint64_t succeeded = 0;
    std::uint64_t failed = 0;
    std::string last_error;  // the last failure's message, "" if none
};

}  // namespace confab::engines
