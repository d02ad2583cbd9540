// What FakeSpeechServer is told to do and what it saw: a script queue and a
// default script per route, the record of every request, and the waits tests
// block on.
//
// Ownership and threads: owned by FakeSpeechServer. The server thread records;
// test threads read and wait. Every method is thread-safe (one mutex), and the
// waits wake on a condition variable as soon as a record changes.
#pragma once
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

#include "fakes/fake_speech_script.hpp"

namespace confab::test {

class FakeSpeechLedger {
public:
    using Clock = std::chrono::steady_clock;

    FakeSpeechLedger(FakeSpeechScript speech_default, FakeSpeechScript transcription_default);

    void push_script(FakeSpeechRoute route, FakeSpeechScript script);
    void set_default_script(FakeSpeechRoute route, FakeSpeechScript script);

    // Records a request; returns its index and the script that answers it
    // (the route's next queued one, else its default).
    std::pair<std::size_t, FakeSpeechScript> record(FakeSpeechRequest request);
    // Changes request `index`'s record under the lock.
    void update(std::size_t index, const std::function<void(FakeSpeechRequest&)>& change);
    void mark_first_byte(std::size_t index);
    void mark_completed(std::size_t index);
    // Returns whether this was news (the response had not ended yet).
    bool mark_disconnected(std::size_t index, Clock::time_point at);
    // The server is done with the request, however it went.
    void mark_ended(std::size_t index);

    std::size_t connection_opened();  // returns the new connection's number
    void connection_closed();
    std::size_t connections_accepted() const;
    std::size_t connections_open() const;
    std::size_t disconnects() const;

    std::size_t count() const;
    std::vector<FakeSpeechRequest> all() const;
    FakeSpeechRequest at(std::size_t index) const;

    bool wait_for_requests(std::size_t count, std::chrono::milliseconds timeout) const;
    std::optional<Clock::time_point> wait_for_disconnect(std::size_t index,
                                                         std::chrono::milliseconds timeout) const;
    // The response to request `index` is over: sent in full or abandoned.
    bool wait_for_end(std::size_t index, std::chrono::milliseconds timeout) const;

private:
    mutable std::mutex mutex_;
    mutable std::condition_variable changed_;
    FakeSpeechScript defaults_[2];             // guarded by mutex_
    std::deque<FakeSpeechScript> scripts_[2];  // guarded by mutex_
    std::vector<FakeSpeechRequest> requests_;  // guarded by mutex_
    std::vector<bool> ended_;                  // guarded by mutex_
    std::size_t connections_accepted_ = 0;     // guarded by mutex_
    std::size_t connections_open_ = 0;         // guarded by mutex_
    std::size_t disconnects_ = 0;              // guarded by mutex_
};

}  // namespace confab::test
