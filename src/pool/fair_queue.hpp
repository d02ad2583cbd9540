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
#pragma once
#include <condition_variable>
#include <deque>
#include <list>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace confab::pool {

template <class Job>
class FairQueue {
public:
    enum class PushResult { ok, full, key_full, closed };

    FairQueue(std::size_t max_total, std::size_t max_per_key) : max_total_(max_total), max_per_key_(max_per_key) {}

    PushResult push(const std::string& key, Job job) {
        {
            const std::lock_guard lock(mutex_);
            if (closed_) return PushResult::closed;
            if (size_ >= max_total_) return PushResult::full;
            auto& q = queues_[key];
            if (q.size() >= max_per_key_) return PushResult::key_full;
            if (q.empty()) order_.push_back(key);
            q.push_back(std::move(job));
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
        const std::size_t removed = std::erase_if(it->second, pred);
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

private:
    Job take_locked() {
        // The key at the front of the rotation gives one job, then goes to
        // the back if it has more.
        const std::string key = order_.front();
        order_.pop_front();
        auto it = queues_.find(key);
        Job job = std::move(it->second.front());
        it->second.pop_front();
        --size_;
        if (it->second.empty()) {
            queues_.erase(it);
        } else {
            order_.push_back(key);
        }
        return job;
    }

    const std::size_t max_total_;
    const std::size_t max_per_key_;
    mutable std::mutex mutex_;
    std::condition_variable cv_;
    std::map<std::string, std::deque<Job>> queues_;
    std::list<std::string> order_;
    std::size_t size_ = 0;
    bool closed_ = false;
};

}  // namespace confab::pool
