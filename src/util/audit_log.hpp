// The security audit log: one JSON line per security event, named with the
// OWASP logging vocabulary (docs/security.md lists every event with an
// example). Separate from the diagnostic log because its readers differ: a
// SIEM keys on `event`, an operator greps the other.
//
// What a line may hold is fixed by AuditEntry: who (key id, user), from where
// (address, origin, user agent), which session and why. Never a secret, a
// transcript or audio: there is no field to put one in.
//
// Threads: record() may be called from any thread and never blocks on I/O. It
// appends to a bounded queue under a short lock; one writer thread drains it
// to the file (or stdout). A full queue drops the entry and counts it
// (dropped()), so a flood cannot grow memory or stall a session. Failures of
// the same kind from the same address are coalesced: the first is written at
// once, the rest within the same second become one line with `count`.
// reopen() (SIGHUP) makes the writer close and reopen the file, for rotation.
#pragma once
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <tuple>

namespace confab {

struct AuditEntry {
    std::string event;           // OWASP vocabulary: "authn_login_fail", "malicious_cors", ...
    std::string level = "INFO";  // INFO or WARN, as OWASP's examples
    std::string key_id;          // the API key's id (never its secret)
    std::string user;            // the user the key or secret belongs to
    std::string source_address;  // the client's address (after trusted proxies)
    std::string origin;          // the Origin header, if any
    std::string user_agent;
    std::string session_id;
    std::string reason;  // what happened, in words, e.g. "expired_credential"
};

class AuditLog {
public:
    // `path`: a file appended to, or "-" for stdout. Throws std::runtime_error
    // if the file cannot be opened. `max_queued`: entries waiting for the
    // writer beyond which new ones are dropped.
    explicit AuditLog(std::string path, std::size_t max_queued = 4096);
    ~AuditLog();  // writes what is queued, then joins the writer
    AuditLog(const AuditLog&) = delete;
    AuditLog& operator=(const AuditLog&) = delete;

    void record(AuditEntry entry);
    void reopen();  // SIGHUP: reopen the file (log rotation)
    // Blocks until every entry recorded so far is written (tests, shutdown).
    void flush();

    std::uint64_t written() const;
    std::uint64_t dropped() const;

private:
    using Clock = std::chrono::steady_clock;
    // What coalescing keys on: the same failure from the same address.
    using Key = std::tuple<std::string, std::string, std::string>;
    struct Burst {
        AuditEntry first;
        Clock::time_point window_end;
        std::uint64_t suppressed = 0;
    };

    void run();
    void open_file();
    void write_line(const AuditEntry& entry, std::uint64_t count);
    bool coalesces(const AuditEntry& entry, Clock::time_point now);  // under mutex_
    void flush_bursts(Clock::time_point now, std::deque<std::pair<AuditEntry, std::uint64_t>>& out);

    const std::string path_;
    const std::size_t max_queued_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::condition_variable idle_;
    std::deque<std::pair<AuditEntry, std::uint64_t>> queue_;  // entry, coalesced count (0: none)
    std::map<Key, Burst> bursts_;
    bool reopen_ = false;
    bool stopping_ = false;
    bool writing_ = false;
    std::uint64_t written_ = 0;
    std::uint64_t dropped_ = 0;
    std::FILE* file_ = nullptr;  // the writer's; stdout when path_ is "-"
    std::thread writer_;
};

}  // namespace confab
