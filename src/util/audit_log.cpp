#include "util/audit_log.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <stdexcept>

#include "util/log.hpp"

namespace confab {
namespace {

using namespace std::chrono_literals;
constexpr auto kCoalesceWindow = 1s;
// Client-controlled text (user agent, origin) is cut: a line stays a line.
constexpr std::size_t kMaxFieldChars = 256;

// Refusals and abuse are what floods come in; successes are written each.
bool is_failure(const std::string& event) {
    return event.find("_fail") != std::string::npos || event == "excess_rate_limit_exceeded" ||
           event.rfind("malicious_", 0) == 0;
}

boost::json::value field(const std::string& text) {
    if (text.empty()) return nullptr;
    return boost::json::string(text.substr(0, kMaxFieldChars));
}

}  // namespace

AuditLog::AuditLog(std::string path, std::size_t max_queued)
    : path_(std::move(path)), max_queued_(max_queued) {
    open_file();
    writer_ = std::thread([this] { run(); });
}

AuditLog::~AuditLog() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    writer_.join();
    if (file_ != nullptr && file_ != stdout) std::fclose(file_);
}

void AuditLog::open_file() {
    if (path_ == "-") {
        file_ = stdout;
        return;
    }
    std::FILE* file = std::fopen(path_.c_str(), "a");
    if (file == nullptr)
        throw std::runtime_error("cannot open audit log " + path_ + ": " + std::strerror(errno));
    if (file_ != nullptr && file_ != stdout) std::fclose(file_);
    file_ = file;
}

void AuditLog::record(AuditEntry entry) {
    {
        std::lock_guard lock(mutex_);
        if (stopping_) return;
        if (is_failure(entry.event) && coalesces(entry, Clock::now())) return;
        if (queue_.size() >= max_queued_) {
            ++dropped_;
            return;
        }
        queue_.emplace_back(std::move(entry), 0);
    }
    wake_.notify_one();
}

bool AuditLog::coalesces(const AuditEntry& entry, Clock::time_point now) {
    Key key{entry.event, entry.source_address, entry.reason};
    auto it = bursts_.find(key);
    if (it != bursts_.end() && now < it->second.window_end) {
        ++it->second.suppressed;
        return true;
    }
    if (it == bursts_.end() && bursts_.size() >= max_queued_) {
        ++dropped_;  // too many distinct sources at once: the map must stay bounded too
        return true;
    }
    bursts_[std::move(key)] = Burst{entry, now + kCoalesceWindow, 0};
    return false;
}

void AuditLog::flush_bursts(Clock::time_point now,
                            std::deque<std::pair<AuditEntry, std::uint64_t>>& out) {
    for (auto it = bursts_.begin(); it != bursts_.end();) {
        if (it->second.window_end > now && !stopping_) {
            ++it;
            continue;
        }
        if (it->second.suppressed > 0) out.emplace_back(it->second.first, it->second.suppressed);
        it = bursts_.erase(it);
    }
}

void AuditLog::reopen() {
    {
        std::lock_guard lock(mutex_);
        reopen_ = true;
    }
    wake_.notify_one();
}

void AuditLog::flush() {
    std::unique_lock lock(mutex_);
    idle_.wait(lock, [this] { return (queue_.empty() && !writing_) || stopping_; });
}

std::uint64_t AuditLog::written() const {
    std::lock_guard lock(mutex_);
    return written_;
}

std::uint64_t AuditLog::dropped() const {
    std::lock_guard lock(mutex_);
    return dropped_;
}

void AuditLog::run() {
    std::unique_lock lock(mutex_);
    for (;;) {
        // Sleeps until an entry, a reopen, shutdown or the end of the
        // earliest coalescing window: an event, not a poll.
        auto next = Clock::time_point::max();
        for (const auto& [key, burst] : bursts_) next = std::min(next, burst.window_end);
        const auto ready = [this] { return !queue_.empty() || reopen_ || stopping_; };
        if (next == Clock::time_point::max())
            wake_.wait(lock, ready);
        else
            wake_.wait_until(lock, next, ready);

        std::deque<std::pair<AuditEntry, std::uint64_t>> batch;
        batch.swap(queue_);
        flush_bursts(Clock::now(), batch);
        const bool reopen = std::exchange(reopen_, false);
        const bool stopping = stopping_;
        writing_ = true;
        lock.unlock();
        if (reopen) {
            try {
                open_file();
            } catch (const std::exception& e) {
                // Keep writing to the old file rather than losing entries.
                std::fprintf(stderr, "audit log: %s\n", e.what());
            }
        }
        for (const auto& [entry, count] : batch) write_line(entry, count);
        if (!batch.empty()) std::fflush(file_);
        lock.lock();
        written_ += batch.size();
        writing_ = false;
        idle_.notify_all();
        if (stopping && queue_.empty()) return;
    }
}

void AuditLog::write_line(const AuditEntry& entry, std::uint64_t count) {
    boost::json::object line;
    line["time"] = log::utc_timestamp();
    line["appid"] = "confab";
    line["event"] = entry.event;
    line["level"] = entry.level;
    line["key_id"] = field(entry.key_id);
    line["user"] = field(entry.user);
    line["source_ip"] = field(entry.source_address);
    line["origin"] = field(entry.origin);
    line["user_agent"] = field(entry.user_agent);
    line["session"] = field(entry.session_id);
    line["reason"] = field(entry.reason);
    // A coalesced line stands for `count` more of the same failure, from the
    // same address, in the second after the one written before it.
    if (count > 0) {
        line["coalesced"] = true;
        line["count"] = count;
    }
    const std::string text = boost::json::serialize(line) + "\n";
    std::fwrite(text.data(), 1, text.size(), file_);
}

}  // namespace confab
