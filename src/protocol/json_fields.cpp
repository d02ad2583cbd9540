#include "protocol/json_fields.hpp"

#include <algorithm>
#include <cmath>

namespace confab::protocol {
namespace json = boost::json;

JsonFields::JsonFields(const json::object& object, std::string path, std::string event_id)
    : object_(object), path_(std::move(path)), event_id_(std::move(event_id)) {}

bool JsonFields::has(std::string_view key) const {
    return object_.contains(key);
}

bool JsonFields::is_null(std::string_view key) const {
    const auto* v = object_.if_contains(key);
    return v != nullptr && v->is_null();
}

std::string JsonFields::param(std::string_view key) const {
    return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

void JsonFields::fail(std::string code, std::string message, std::string_view key) {
    // The first error wins: it is the one the client should fix first.
    if (error_) return;
    error_ = ProtocolError{std::move(code), std::move(message), param(key), event_id_};
}

void JsonFields::fail_with(ProtocolError error) {
    if (!error_) error_ = std::move(error);
}

const json::value* JsonFields::find(std::string_view key, bool required) {
    const auto* v = object_.if_contains(key);
    if (v == nullptr) {
        if (required)
            fail("missing_required_parameter", "Missing required parameter: '" + param(key) + "'.",
                 key);
        return nullptr;
    }
    return v;
}

std::optional<std::string> JsonFields::string(std::string_view key, bool required) {
    const auto* v = find(key, required);
    if (v == nullptr) return std::nullopt;
    if (!v->is_string()) {
        fail("invalid_type", "Invalid type for '" + param(key) + "': expected a string.", key);
        return std::nullopt;
    }
    return std::string(v->get_string());
}

std::optional<double> JsonFields::number(std::string_view key, double min, double max,
                                         bool required) {
    const auto* v = find(key, required);
    if (v == nullptr) return std::nullopt;
    if (!v->is_number()) {
        fail("invalid_type", "Invalid type for '" + param(key) + "': expected a number.", key);
        return std::nullopt;
    }
    const double d = v->to_number<double>();
    if (!std::isfinite(d) || d < min || d > max) {
        fail("invalid_value",
             "Invalid value for '" + param(key) + "': " + json::serialize(*v) + " is outside " +
                 json::serialize(json::value(min)) + ".." + json::serialize(json::value(max)) + ".",
             key);
        return std::nullopt;
    }
    return d;
}

std::optional<long long> JsonFields::integer(std::string_view key, long long min, long long max,
                                             bool required) {
    const auto* v = find(key, required);
    if (v == nullptr) return std::nullopt;
    long long n = 0;
    if (v->is_int64()) {
        n = v->get_int64();
    } else if (v->is_uint64() && v->get_uint64() <= static_cast<std::uint64_t>(max)) {
        n = static_cast<long long>(v->get_uint64());
    } else if (v->is_double() && std::trunc(v->get_double()) == v->get_double() &&
               std::abs(v->get_double()) < 9e15) {
        n = static_cast<long long>(v->get_double());
    } else {
        fail("invalid_type", "Invalid type for '" + param(key) + "': expected an integer.", key);
        return std::nullopt;
    }
    if (n < min || n > max) {
        fail("invalid_value",
             "Invalid value for '" + param(key) + "': " + std::to_string(n) + " is outside " +
                 std::to_string(min) + ".." + std::to_string(max) + ".",
             key);
        return std::nullopt;
    }
    return n;
}

std::optional<bool> JsonFields::boolean(std::string_view key, bool required) {
    const auto* v = find(key, required);
    if (v == nullptr) return std::nullopt;
    if (!v->is_bool()) {
        fail("invalid_type", "Invalid type for '" + param(key) + "': expected a boolean.", key);
        return std::nullopt;
    }
    return v->get_bool();
}

const json::object* JsonFields::child_object(std::string_view key, bool required) {
    const auto* v = find(key, required);
    if (v == nullptr) return nullptr;
    if (!v->is_object()) {
        fail("invalid_type", "Invalid type for '" + param(key) + "': expected an object.", key);
        return nullptr;
    }
    return &v->get_object();
}

const json::array* JsonFields::child_array(std::string_view key, bool required) {
    const auto* v = find(key, required);
    if (v == nullptr) return nullptr;
    if (!v->is_array()) {
        fail("invalid_type", "Invalid type for '" + param(key) + "': expected an array.", key);
        return nullptr;
    }
    return &v->get_array();
}

void JsonFields::reject_unknown(std::initializer_list<std::string_view> known) {
    for (const auto& kv : object_) {
        const std::string_view k = kv.key();
        if (std::find(known.begin(), known.end(), k) == known.end()) {
            fail("unknown_parameter", "Unknown parameter: '" + param(k) + "'.", k);
            return;
        }
    }
}

}  // namespace confab::protocol
