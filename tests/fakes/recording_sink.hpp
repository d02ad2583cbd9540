// An EventSink that records what a session says, for unit and pipeline tests.
#pragma once
#include <boost/json.hpp>
#include <string>
#include <vector>

#include "pipeline/event_sink.hpp"

namespace confab::test {

class RecordingSink final : public pipeline::EventSink {
public:
    struct Sent {
        boost::json::object event;
        std::string response_id;
    };

    void send_event(boost::json::object event, const std::string& response_id = {}) override {
        sent.push_back(Sent{std::move(event), response_id});
    }
    std::size_t drop_response(const std::string& response_id) override {
        dropped_responses.push_back(response_id);
        return 0;
    }

    std::vector<std::string> types() const {
        std::vector<std::string> out;
        for (const auto& s : sent) out.emplace_back(s.event.at("type").as_string());
        return out;
    }
    const boost::json::object& last() const { return sent.back().event; }
    // The last event of `type`; fails the test (throws) when there is none.
    const boost::json::object& last_of(std::string_view type) const {
        for (auto it = sent.rbegin(); it != sent.rend(); ++it)
            if (it->event.at("type").as_string() == type) return it->event;
        throw std::runtime_error("no event of type " + std::string(type));
    }
    std::size_t count(std::string_view type) const {
        std::size_t n = 0;
        for (const auto& s : sent) n += s.event.at("type").as_string() == type ? 1 : 0;
        return n;
    }
    void clear() { sent.clear(); }

    std::vector<Sent> sent;
    std::vector<std::string> dropped_responses;
};

}  // namespace confab::test
