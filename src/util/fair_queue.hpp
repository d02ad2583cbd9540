// A bounded, thread-safe job queue that is fair across sessions.
//
// Jobs are kept per key (a session id) and taken round-robin across keys, so
// one talkative session cannot starve the others: with sessions A (10 jobs)
// and B (1 job) queued, B's job is taken second, not eleventh. Bounded twice:
// in total and per key; push() refuses beyond either bound and the caller
// reports what was refused.
//
// Producers are session strands; consumers are engine worker threads, which
// block in pop() on a condition variable (never on an I/O thread).
//
// It also measures how long jobs wait: the longest wait of the last few
// seconds (recorded as jobs are taken) and the age of the oldest job still
// waiting. Admission control reads both to refuse new sessions before the
// admitted ones feel the queue.
#pragma once
#include <array>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <list>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace confab::util {

template <class Job>
class FairQueue {
public:
    enum class PushResult { ok, full, key_full, closed };
    using Clock = std::chrono::steady_clock;

    FairQueue(std::size_t max_total, std::size_t max_per_key)
        : max_total_(max_total), max_per_key_(max_per_key) {}

    PushResult push(const std::string& key, Job job) {
        {
            const std::lock_guard lock(mutex_);
            if (closed_) return PushResult::closed;
            if (size_ >= max_total_) return PushResult::full;
            auto& q = queues_[key];
            if (q.size() >= max_per_key_) return PushResult::key_full;
            if (q.empty()) order_.push_back(key);
            q.push_back(Entry{std::move(job), Clock::now()});
            ++size_;
        }
        cv_.notify_one();
        return PushResult::ok;
    }

    // Blocks until a job is available (taken round-robin) or the queue is
    // closed and empty (nullopt).
    std::optional<Job> pop() {
        std::unique_lock lock(mutex_);
        cv_.wait(lock, [&] { return size_ > 0 || closed_; });
        if (size_ == 0) return std::nullopt;
        return take_locked();
    }

    // Non-blocking variant for tests and opportunistic consumers.
    std::optional<Job> try_pop() {
        const std::lock_guard lock(mutex_);
        if (size_ == 0) return std::nullopt;
        return take_locked();
    }

    // Removes the queued jobs of `key` that match `pred`; returns how many.
    template <class Pred>
    std::size_t erase_if(const std::string& key, Pred pred) {
        const std::lock_guard lock(mutex_);
        auto it = queues_.find(key);
        if (it == queues_.end()) return 0;
        const std::size_t removed =
            std::erase_if(it->second, [&](const Entry& e) { return pred(e.job); });
        size_ -= removed;
        if (it->second.empty()) {
            queues_.erase(it);
            order_.remove(key);
        }
        return removed;
    }

    void close() {
        {
            const std::lock_guard lock(mutex_);
            closed_ = true;
        }
        cv_.notify_all();
    }

    std::size_t size() const {
        const std::lock_guard lock(mutex_);
        return size_;
    }

    // The longest wait among jobs taken in the last kWaitWindow seconds, or
    // the age of the oldest job still waiting, whichever is longer.
    Clock::duration recent_wait(Clock::time_point now = Clock::now()) const {
        const std::lock_guard lock(mutex_);
        Clock::duration longest{};
        const auto second = seconds_of(now);
        for (const auto& slot : waits_) {
            if (slot.second + kWaitWindow > second && slot.longest > longest)
                longest = slot.longest;
        }
        for (const auto& [key, q] : queues_) {
            if (!q.empty() && now - q.front().queued_at > longest)
                longest = now - q.front().queued_at;
        }
        return longest;
    }
    // Jobs taken and their total wait since start (for metrics).
    std::uint64_t taken() const {
        const std::lock_guard lock(mutex_);
        return taken_;
    }
    Clock::duration total_wait() const {
        const std::lock_guard lock(mutex_);
        return total_wait_;
    }

private:
    struct Entry {
        Job job;
        Clock::time_point queued_at;
    };
    struct WaitSlot {
        std::int64_t second = -1;  // which second this slot holds
        Clock::duration longest{};
    };
    static constexpr std::int64_t kWaitWindow = 10;
    static std::int64_t seconds_of(Clock::time_point t) {
        return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
    }

    void record_wait_locked(Clock::duration waited, Clock::time_point now) {
        ++taken_;
        total_wait_ += waited;
        const auto second = seconds_of(now);
        auto& slot = waits_[static_cast<std::size_t>(second % kWaitWindow)];
        if (slot.second != second) slot = WaitSlot{second, {}};
        if (waited > slot.longest) slot.longest = waited;
    }

    Job take_locked() {
        // The key at the front of the rotation gives one job, then goes to
        // the back if it has more.
        const std::string key = order_.front();
        order_.pop_front();
        auto it = queues_.find(key);
        Entry entry = std::move(it->second.front());
        it->second.pop_front();
        const auto now = Clock::now();
        record_wait_locked(now - entry.queued_at, now);
        --size_;
        if (it->second.empty()) {
            queues_.erase(it);
        } else {
            order_.push_back(key);
        }
        return std::move(entry.job);
    }

    const std::size_t max_total_;
    const std::size_t max_per_key_;
    mutable std::mutex mutex_;
    std::condition_variable cv_;
    std::map<std::string, std::deque<Entry>> queues_;
    std::array<WaitSlot, kWaitWindow> waits_{};
    std::uint64_t taken_ = 0;
    Clock::duration total_wait_{};
    std::list<std::string> order_;
    std::size_t size_ = 0;
    bool closed_ = false;
};

}  // namespace confab::util
