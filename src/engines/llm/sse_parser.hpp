// Incremental parser for a Server-Sent Events stream (the WHATWG
// "text/event-stream" format that OpenAI-compatible backends stream).
//
// Bytes may be fed in chunks split anywhere, even between the CR and LF of one
// line ending. Each blank line dispatches the event gathered so far. Memory is
// bounded: a line or an event longer than its limit is an error, so a
// misbehaving backend cannot grow our memory by never ending a line.
//
// Ownership and threads: a plain value owned by whoever reads the stream (one
// per response); not thread-safe, call it from one executor at a time.
#pragma once
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <system_error>

namespace confab::engines {

struct SseEvent {
    std::string event = "message";  // the `event:` field; "message" when absent
    std::string data;               // `data:` lines joined with '\n'

    bool operator==(const SseEvent&) const = default;
};

class SseParser {
public:
    struct Limits {
        std::size_t max_line_bytes = 64 * 1024;
        std::size_t max_event_bytes = 256 * 1024;
    };
    using EventSink = std::function<void(const SseEvent& event)>;

    SseParser() : SseParser(Limits{}) {}
    explicit SseParser(Limits limits) : limits_(limits) {}

    // Parses `bytes`, calling `sink` once per complete event, in order.
    // Returns errc::bad_response once a limit is exceeded; the parser then
    // stays failed and ignores further input.
    std::error_code feed(std::string_view bytes, const EventSink& sink);

    bool failed() const { return failed_; }

private:
    std::error_code end_line(const EventSink& sink);
    std::error_code process_field(std::string_view line);

    Limits limits_;
    std::string line_;             // the current, unterminated line
    SseEvent pending_;             // the event being gathered
    bool has_data_ = false;        // a `data:` field was seen for pending_
    bool after_cr_ = false;        // last byte was CR: a following LF ends nothing
    bool at_stream_start_ = true;  // a leading UTF-8 BOM is skipped once
    bool failed_ = false;
};

}  // namespace confab::engines
