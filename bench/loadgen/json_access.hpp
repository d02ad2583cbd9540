// Lenient reads of server events: a missing or mistyped field reads as empty,
// so one odd event is counted, not fatal to the load generator.
#pragma once
#include <boost/json/object.hpp>
#include <string_view>

namespace confab::bench {

inline std::string_view string_field(const boost::json::object& obj, std::string_view key) {
    const auto* v = obj.if_contains(key);
    return v != nullptr && v->is_string() ? std::string_view(v->get_string()) : std::string_view();
}

inline const boost::json::object& object_field(const boost::json::object& obj,
                                               std::string_view key) {
    static const boost::json::object empty;
    const auto* v = obj.if_contains(key);
    return v != nullptr && v->is_object() ? v->get_object() : empty;
}

}  // namespace confab::bench
