// What FakeLlmServer is told to do and what it saw: the script queue and
// the record of every request, with the waits tests block on.
//
// Ownership and threads: owned by FakeLlmServer. The server thread records;
// test threads read and wait. Every method is thread-safe (one mutex), and
// the waits wake on a condition variable as soon as a record changes.
#pragma once
#include <boost/json/value.hpp>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace confab::test {

// One function call the model streams as chat-completions `tool_calls`.
struct FakeToolCall {
    std::string id;  // "call_…"
    std::string name;
    // The arguments as the stream splits them (mid-token, as real servers
    // do); joined, they are the call's JSON arguments.
    std::vector<std::string> argument_fragments;
};

struct FakeLlmScript {
    enum class Mode {
        normal,                   // tokens, a finish_reason chunk, then [DONE]
        malformed,                // one token, then a chunk that is not JSON
        stop_without_done,        // all tokens, then the body ends: no finish_reason, no [DONE]
        error_in_stream,          // one token, then {"error": {...}} as a stream event
        hang_before_first_token,  // headers, then nothing until the client leaves
        close_without_reply,      // reads the request, then closes the connection unanswered
    };
    std::string reply = "Hello from the fake model.";
    std::chrono::milliseconds time_to_first_token{0};
    double tokens_per_second = 0;  // 0: every token at once
    int error_status = 0;          // non-zero: this status with an OpenAI-style error body
    std::string error_message = "the fake model failed";
    Mode mode = Mode::normal;
    bool chunked = true;  // false: no framing, "Connection: close", the body ends at EOF
    std::string finish_reason = "stop";
    // Closes the connection after the reply although it announced keep-alive,
    // as a backend whose keep-alive timeout passed does.
    bool close_after_reply = false;
    // Calls streamed after the reply's text (text before a call, like "let
    // me check", is what models say); with any, finish_reason is
    // "tool_calls". Parallel calls get their position as `index`.
    std::vector<FakeToolCall> tool_calls;
    // Sends the calls' fragments in turn (call 0, call 1, call 0, ...)
    // rather than one call after the other, so a client has to assemble
    // them by `index`.
    bool interleave_tool_calls = false;
};

struct FakeLlmRequest {
    using Clock = std::chrono::steady_clock;

    std::string method;
    std::string target;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    boost::json::value json;     // the parsed body; null if it is not JSON
    std::size_t connection = 0;  // which accepted connection carried it (keep-alive)
    Clock::time_point received_at;
    std::optional<Clock::time_point> disconnected_at;  // client left mid-stream
    bool completed = false;                            // the scripted response was sent in full

    // The value of a header (case-insensitive name), or "" if absent.
    std::string header(std::string_view name) const;
};

class FakeLlmLedger {
public:
    using Clock = std::chrono::steady_clock;
    using ReplyGenerator = std::function<std::string(std::size_t index)>;
    // Rewrites the default script for one request from its parsed body
    // (e.g. a scripted tool call when the request offers tools).
    using ScriptAdapter =
        std::function<void(const boost::json::value& body, FakeLlmScript& script)>;

    FakeLlmLedger(FakeLlmScript default_script, ReplyGenerator reply_generator,
                  ScriptAdapter script_adapter = {});

    void push_script(FakeLlmScript script);
    void set_default_script(FakeLlmScript script);

    // Records a request and returns its index and the script that answers
    // it: the next queued one, else the default (with a generated reply if
    // there is a generator, then adapted to the request if there is an
    // adapter); a 404 script for paths other than chat
    // completions, which leave the queue alone.
    std::pair<std::size_t, FakeLlmScript> record(FakeLlmRequest request);
    void mark_completed(std::size_t index);
    // Returns the updated record, or nullopt if the request had already ended.
    std::optional<FakeLlmRequest> mark_disconnected(std::size_t index, Clock::time_point at);

    // The connections and the responses in progress, as the server sees them.
    std::size_t connection_opened();  // returns the new connection's number
    void connection_closed();
    void response_started();
    void response_ended();
    std::size_t connections_accepted() const;
    std::size_t connections_open() const;
    std::size_t max_concurrent_responses() const;
    bool wait_for_open_connections(std::size_t count, std::chrono::milliseconds timeout) const;

    std::size_t count() const;
    std::vector<FakeLlmRequest> all() const;
    FakeLlmRequest at(std::size_t index) const;

    bool wait_for_requests(std::size_t count, std::chrono::milliseconds timeout) const;
    std::optional<Clock::time_point> wait_for_disconnect(std::size_t index,
                                                         std::chrono::milliseconds timeout) const;
    bool wait_for_end(std::size_t index, std::chrono::milliseconds timeout) const;

private:
    const ReplyGenerator reply_generator_;
    const ScriptAdapter script_adapter_;
    mutable std::mutex mutex_;
    mutable std::condition_variable changed_;
    FakeLlmScript default_script_;          // guarded by mutex_
    std::deque<FakeLlmScript> scripts_;     // guarded by mutex_
    std::vector<FakeLlmRequest> requests_;  // guarded by mutex_
    std::size_t connections_accepted_ = 0;  // guarded by mutex_
    std::size_t connections_open_ = 0;      // guarded by mutex_
    std::size_t responses_now_ = 0;         // guarded by mutex_
    std::size_t responses_peak_ = 0;        // guarded by mutex_
};

}  // namespace confab::test
