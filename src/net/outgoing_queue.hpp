// The bounded queue between a session and its WebSocket's single writer.
//
// Bounded in bytes so that a client that stops reading (stalled tab, slow
// network) cannot grow the server's memory with its backlog. When a push
// takes the queue over its bound, audio is shed first, in this order:
//   1. audio of stale responses (any response older than the newest one
//      with audio queued): the client would hear it late or never;
//   2. audio of the newest response, oldest chunk first.
// Other events (transcripts, response lifecycle, errors) are small and are
// never shed: if they alone exceed the bound the caller closes the
// connection (over_limit()). Every shed chunk is reported to the caller per
// response so it can tell the client and count it. Not thread-safe: it lives
// on its connection's strand.
#pragma once
#include <chrono>
#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <vector>

namespace confab::net {

class OutgoingQueue {
public:
    using Clock = std::chrono::steady_clock;

    struct Message {
        std::string text;
        std::string response_id;  // non-empty: audio of that response (may be shed)
        Clock::time_point queued_at{};
    };
    struct Dropped {
        std::string response_id;
        std::size_t messages = 0;
        std::size_t bytes = 0;
    };

    explicit OutgoingQueue(std::size_t max_bytes) : max_bytes_(max_bytes) {}

    // Queues `message`, then sheds audio while over the bound (see above).
    // Returns what was shed, one entry per response (empty if nothing).
    std::vector<Dropped> push(Message message);
    // Removes every queued chunk of `response_id` (its response was cancelled).
    std::size_t drop_response(const std::string& response_id);
    std::optional<Message> pop();
    // Removes everything; returns how many messages were removed.
    std::size_t clear();

    bool empty() const { return queue_.empty(); }
    std::size_t size() const { return queue_.size(); }
    std::size_t bytes() const { return bytes_; }
    // True when what is left after shedding audio still exceeds the bound.
    bool over_limit() const { return bytes_ > max_bytes_; }
    std::optional<Clock::time_point> oldest_queued_at() const;

    // Totals over the queue's life, for the session-end log line.
    std::size_t shed_messages() const { return shed_messages_; }
    std::size_t shed_bytes() const { return shed_bytes_; }
    std::size_t peak_bytes() const { return peak_bytes_; }

private:
    // Sheds audio matching `stale` (oldest first) until within the bound.
    template <class Pred>
    void shed(Pred stale, std::vector<Dropped>& out);
    static void note(std::vector<Dropped>& out, const Message& m);

    const std::size_t max_bytes_;
    std::deque<Message> queue_;
    std::size_t bytes_ = 0;
    std::size_t shed_messages_ = 0;
    std::size_t shed_bytes_ = 0;
    std::size_t peak_bytes_ = 0;
};

}  // namespace confab::net
