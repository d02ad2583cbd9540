#include "protocol/turn_detection_codec.hpp"

#include <boost/json/object.hpp>
#include <string>

namespace confab::protocol {
namespace json = boost::json;

json::value turn_detection_to_json(const std::optional<TurnDetection>& td) {
    if (!td) return nullptr;
    json::object o{{"type", "server_vad"},
                   {"threshold", td->threshold},
                   {"prefix_padding_ms", td->prefix_padding_ms},
                   {"silence_duration_ms", td->silence_duration_ms},
                   {"create_response", td->create_response},
                   {"interrupt_response", td->interrupt_response}};
    o["idle_timeout_ms"] =
        td->idle_timeout_ms ? json::value(*td->idle_timeout_ms) : json::value(nullptr);
    return o;
}

void parse_turn_detection(JsonFields& f, std::optional<TurnDetection>& turn_detection) {
    if (!f.has("turn_detection")) return;
    if (f.is_null("turn_detection")) {
        turn_detection.reset();
        return;
    }
    const auto* o = f.child_object("turn_detection");
    if (o == nullptr) return;
    JsonFields t(*o, f.param("turn_detection"), "");
    t.reject_unknown({"type", "threshold", "prefix_padding_ms", "silence_duration_ms",
                      "create_response", "interrupt_response", "idle_timeout_ms"});
    TurnDetection td = turn_detection.value_or(TurnDetection{});
    if (const auto type = t.string("type"); type && *type != "server_vad")
        t.fail("invalid_value",
               "Unsupported turn_detection type '" + *type + "': only 'server_vad' (or null).",
               "type");
    if (const auto v = t.number("threshold", 0.0, 1.0)) td.threshold = *v;
    if (const auto v = t.integer("prefix_padding_ms", 0, 5000))
        td.prefix_padding_ms = static_cast<int>(*v);
    if (const auto v = t.integer("silence_duration_ms", 100, 10000))
        td.silence_duration_ms = static_cast<int>(*v);
    if (const auto v = t.boolean("create_response")) td.create_response = *v;
    if (const auto v = t.boolean("interrupt_response")) td.interrupt_response = *v;
    if (t.is_null("idle_timeout_ms")) {
        td.idle_timeout_ms.reset();
    } else if (const auto v = t.integer("idle_timeout_ms", 5000, 30000)) {
        td.idle_timeout_ms = static_cast<int>(*v);
    }
    if (!t.ok()) f.fail_with(*t.error());
    turn_detection = td;
}

}  // namespace confab::protocol
