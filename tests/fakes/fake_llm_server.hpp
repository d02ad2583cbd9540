// An in-process fake of an OpenAI-compatible chat-completions server, for
// tests, benchmarks and browser tests (tests/fixtures/fake_llm_main.cpp).
//
// It serves POST .../chat/completions on 127.0.0.1 with scripted behaviour:
// reply text streamed as word tokens at a given pace, then optionally
// function calls streamed as `tool_calls` deltas, an HTTP error status,
// a malformed stream, a stream that stops without [DONE], an error inside the
// stream, or a hang before the first token; other paths get a 404 and leave
// the scripts alone. Connections are kept alive between requests (unless a
// script closes one); the server counts the TCP connections it accepted and
// those still open, and the most responses it had in progress at once.
// Replies can be held (nothing sent) until released. It records every
// request and, for each, when the client disconnected mid-stream (seen as
// EOF/reset on the socket while streaming, the moment it happens) and whether
// the scripted stream was sent in full.
//
// Ownership and threads: the owner (a test) constructs and destroys it on its
// own thread. The server runs its own io_context on its own thread; every
// public method is thread-safe. Hooks in Options run on the server thread.
// The destructor stops the server and joins its thread.
#pragma once
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fakes/fake_llm_ledger.hpp"

namespace confab::test {

class FakeLlmServer {
public:
    using Clock = std::chrono::steady_clock;
    using Hook = std::function<void(std::size_t index, const FakeLlmRequest& request)>;

    struct Options {
        unsigned short port = 0;  // 0: an ephemeral port
        FakeLlmScript default_script;
        // If set, the reply text of requests served by the default script.
        std::function<std::string(std::size_t index)> reply_generator;
        // If set, rewrites the default script for each request from its body
        // (after reply_generator); see fake_llm_tool_script.hpp.
        FakeLlmLedger::ScriptAdapter script_adapter;
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

    // While held, every reply (those already waiting and new ones) waits
    // before its first byte; release lets them all go.
    void hold_replies();
    void release_replies();

    std::size_t connections_accepted() const;
    std::size_t connections_open() const;
    // The most requests that were being answered at the same moment.
    std::size_t max_concurrent_responses() const;

    std::size_t request_count() const;
    std::vector<FakeLlmRequest> requests() const;
    FakeLlmRequest request(std::size_t index) const;  // index < request_count()

    // Each returns as soon as its condition holds, or false/nullopt at timeout.
    bool wait_for_requests(std::size_t count, std::chrono::milliseconds timeout) const;
    std::optional<Clock::time_point> wait_for_disconnect(std::size_t index,
                                                         std::chrono::milliseconds timeout) const;
    // The response to request `index` is over: sent in full or abandoned.
    bool wait_for_end(std::size_t index, std::chrono::milliseconds timeout) const;
    // Exactly `count` connections are open (every other one was closed).
    bool wait_for_open_connections(std::size_t count, std::chrono::milliseconds timeout) const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace confab::test
