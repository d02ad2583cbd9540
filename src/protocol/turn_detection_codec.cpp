#include "protocol/turn_detection_codec.hpp"

#include <array>
#include <boost/json/object.hpp>
#include <string>
#include <string_view>

namespace confab::protocol {
namespace json = boost::json;
namespace {

using Type = TurnDetection::Type;
using Eagerness = TurnDetection::Eagerness;

// The fields that belong to one type only. A field of the other type is
// refused rather than ignored: a client that sends `silence_duration_ms`
// with semantic_vad expects it to do something, and it would not.
constexpr std::array<std::string_view, 4> kServerVadOnly = {
    "threshold", "prefix_padding_ms", "silence_duration_ms", "idle_timeout_ms"};
constexpr std::array<std::string_view, 1> kSemanticVadOnly = {"eagerness"};

const char* type_name(Type type) {
    return type == Type::semantic_vad ? "semantic_vad" : "server_vad";
}

const char* eagerness_name(Eagerness eagerness) {
    switch (eagerness) {
        case Eagerness::low:
            return "low";
        case Eagerness::medium:
            return "medium";
        case Eagerness::high:
            return "high";
        case Eagerness::automatic:
            break;
    }
    return "auto";
}

std::optional<Eagerness> parse_eagerness(std::string_view name) {
    if (name == "low") return Eagerness::low;
    if (name == "medium") return Eagerness::medium;
    if (name == "high") return Eagerness::high;
    if (name == "auto") return Eagerness::automatic;
    return std::nullopt;
}

// Refuses the fields of the type not chosen, naming the type they belong to.
template <std::size_t N>
void reject_fields_of(JsonFields& t, const std::array<std::string_view, N>& fields, Type owner,
                      Type chosen) {
    for (const auto key : fields) {
        if (!t.has(key)) continue;
        t.fail("unknown_parameter",
               "Unknown parameter: '" + t.param(key) + "': it is a " + type_name(owner) +
                   " setting, and turn_detection.type is '" + type_name(chosen) + "'.",
               key);
        return;
    }
}

void parse_server_vad(JsonFields& t, TurnDetection& td) {
    if (const auto v = t.number("threshold", 0.0, 1.0)) td.threshold = *v;
    if (const auto v = t.integer("prefix_padding_ms", 0, 5000))
        td.prefix_padding_ms = static_cast<int>(*v);
    if (const auto v = t.integer("silence_duration_ms", 100, 10000))
        td.silence_duration_ms = static_cast<int>(*v);
    if (t.is_null("idle_timeout_ms")) {
        td.idle_timeout_ms.reset();
    } else if (const auto v = t.integer("idle_timeout_ms", 5000, 30000)) {
        td.idle_timeout_ms = static_cast<int>(*v);
    }
}

void parse_semantic_vad(JsonFields& t, TurnDetection& td) {
    const auto name = t.string("eagerness");
    if (!name) return;
    if (const auto e = parse_eagerness(*name)) {
        td.eagerness = *e;
    } else {
        t.fail("invalid_value",
               "Unsupported eagerness '" + *name + "': 'low', 'medium', 'high' or 'auto'.",
               "eagerness");
    }
}

}  // namespace

json::value turn_detection_to_json(const std::optional<TurnDetection>& td) {
    if (!td) return nullptr;
    if (td->type == Type::semantic_vad) {
        return json::object{{"type", "semantic_vad"},
                            {"eagerness", eagerness_name(td->eagerness)},
                            {"create_response", td->create_response},
                            {"interrupt_response", td->interrupt_response}};
    }
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
    Type type = turn_detection ? turn_detection->type : Type::server_vad;
    if (const auto name = t.string("type")) {
        if (*name == "server_vad") {
            type = Type::server_vad;
        } else if (*name == "semantic_vad") {
            type = Type::semantic_vad;
        } else {
            t.fail("invalid_value",
                   "Unsupported turn_detection type '" + *name +
                       "': 'server_vad' or 'semantic_vad' (or null).",
                   "type");
        }
    }
    if (type == Type::server_vad) {
        reject_fields_of(t, kSemanticVadOnly, Type::semantic_vad, type);
    } else {
        reject_fields_of(t, kServerVadOnly, Type::server_vad, type);
    }
    t.reject_unknown({"type", "threshold", "prefix_padding_ms", "silence_duration_ms",
                      "create_response", "interrupt_response", "idle_timeout_ms", "eagerness"});
    // Another type starts from its defaults: settings of the old one mean
    // nothing to it (and switching back must not revive them).
    TurnDetection td =
        turn_detection && turn_detection->type == type ? *turn_detection : TurnDetection{};
    td.type = type;
    if (type == Type::server_vad) {
        parse_server_vad(t, td);
    } else {
        parse_semantic_vad(t, td);
    }
    if (const auto v = t.boolean("create_response")) td.create_response = *v;
    if (const auto v = t.boolean("interrupt_response")) td.interrupt_response = *v;
    if (!t.ok()) {
        f.fail_with(*t.error());
        return;
    }
    turn_detection = td;
}

}  // namespace confab::protocol
