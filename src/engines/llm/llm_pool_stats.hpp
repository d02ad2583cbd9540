// A snapshot of one language-model backend's connection pool and request
// limit, for logs and metrics. A plain value: copy it freely.
#pragma once
#include <cstddef>
#include <cstdint>

namespace confab::engines {

struct LlmPoolStats {
    // Connections: since start, and the idle ones kept right now.
    std::uint64_t connections_opened = 0;  // connected (and TLS-handshaken) to the backend
    std::uint64_t connections_reused = 0;  // requests sent on a kept-alive connection
    std::uint64_t stale_dropped = 0;       // idle connections the backend had closed meanwhile
    std::uint64_t retries = 0;             // requests resent on a fresh connection (once at most)
    std::size_t idle = 0;

    // Requests right now: holding one of the max_concurrent_requests slots, or queued for one.
    std::size_t in_flight = 0;
    std::size_t waiting = 0;

    // Requests since start, by how they ended.
    std::uint64_t ok = 0;
    std::uint64_t cancelled = 0;
    std::uint64_t saturated = 0;    // queue full or queue timeout (llm_backend_saturated)
    std::uint64_t unavailable = 0;  // could not connect (llm_backend_unavailable)
    std::uint64_t failed = 0;       // any other error (HTTP status, timeouts, bad stream)
};

}  // namespace confab::engines
