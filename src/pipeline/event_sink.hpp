// Where a RealtimeSession sends what it has to say to its client.
//
// Implemented by the WebSocket connection (one writer, one bounded queue) and
// by test fakes. Called only on the session's strand.
#pragma once
#include <boost/json/object.hpp>
#include <string>

namespace confab::pipeline {

class EventSink {
public:
    virtual ~EventSink() = default;
    // Queues one server event. `response_id` tags audio of a response so the
    // writer can drop it when that response is cancelled ("" for other events).
    virtual void send_event(boost::json::object event, const std::string& response_id = {}) = 0;
    // Drops every queued event tagged with `response_id` that was not yet written.
    virtual std::size_t drop_response(const std::string& response_id) = 0;
};

}  // namespace confab::pipeline
