// An in-process fake of an OpenAI-compatible chat-completions server, for
// tests, benchmarks and browser tests (tests/fixtures/fake_llm_main.cpp).
//
// It serves POST .../chat/completions on 127.0.0.1 with scripted behaviour:
// reply text streamed as word tokens at a given pace, an HTTP error status,
// a malformed stream, a stream that stops without [DONE], an error inside the
// stream, or a hang before the first token; other paths get a 404 and leave
// the scripts alone. Connections are kept alive between requests. It records
// every request and, for each, when the client disconnected mid-stream (seen
// as EOF/reset on the socket while streaming, the moment it happens) and
// whether the scripted stream was sent in full.
//
// Ownership and threads: the owner (a test) constructs and destroys it on its
// own thread. The server runs its own io_context on its own thread; every
// public method is thread-safe. Hooks in Options run on the server thread.
// The destructor stops the server and joins its thread.
#pragma once
#include <boost/json/value.hpp>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace confab::test {

struct FakeLlmScript {
    enum class Mode {
        normal,                   // tokens, a finish_reason chunk, then [DONE]
        malformed,                // one token, then a chunk that is not JSON
        stop_without_done,        // all tokens, then the body ends: no finish_reason, no [DONE]
        error_in_stream,          // one token, then {"error": {...}} as a stream event
        hang_before_first_token,  // headers, then nothing until the client leaves
    };
    std::string reply = "Hello from the fake model.";
    std::chrono::milliseconds time_to_first_token{0};
    double tokens_per_second = 0;  // 0: every token at once
    int error_status = 0;          // non-zero: this status with an OpenAI-style error body
    std::string error_message = "the fake model failed";
    Mode mode = Mode::normal;
    bool chunked = true;  // false: no framing, "Connection: close", the body ends at EOF
    std::string finish_reason = "stop";
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

class FakeLlmServer {
  public:
    using Clock = std::chrono::steady_clock;
    using Hook = std::function<void(std::size_t index, const FakeLlmRequest& request)>;

    struct Options {
        unsigned short port = 0;  // 0: an ephemeral port
        FakeLlmScript default_script;
        // If set, the reply text of requests served by the default script.
        std::function<std::string(std::size_t index)> reply_generator;
        Hook on_request;     // after a request is recorded
        Hook on_disconnect;  // after a mid-stream disconnect is recorded
    };

    FakeLlmServer() : FakeLlmServer(Options{}) {}
    // Throws if the port cannot be bound (start-up failure).
    explicit FakeLlmServer(Options options);
    ~FakeLlmServer();
    FakeLlmServer(const FakeLlmServer&) = delete;
    FakeLlmServer& operator=(const FakeLlmServer&) = delete;

    unsigned short port() const;
    std::string url() const;  // "http://127.0.0.1:PORT/v1"

    // Scripts are used by requests in arrival order; when none is queued the
    // default script applies.
    void push_script(FakeLlmScript script);
    void set_default_script(FakeLlmScript script);

    std::size_t request_count() const;
    std::vector<FakeLlmRequest> requests() const;
    FakeLlmRequest request(std::size_t index) const;  // index < request_count()

    // Each returns as soon as its condition holds, or false/nullopt at timeout.
    bool wait_for_requests(std::size_t count, std::chrono::milliseconds timeout) const;
    std::optional<Clock::time_point> wait_for_disconnect(std::size_t index,
                                                         std::chrono::milliseconds timeout) const;
    // The response to request `index` is over: sent in full or abandoned.
    bool wait_for_end(std::size_t index, std::chrono::milliseconds timeout) const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace confab::test
