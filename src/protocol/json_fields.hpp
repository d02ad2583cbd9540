// Typed access to the fields of a client event, producing the ProtocolError
// that names the field when a type or value is wrong. Used only by the
// parsers in protocol/; keeps each parser a straight list of fields.
#pragma once
#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "protocol/protocol_error.hpp"

namespace confab::protocol {

class JsonFields {
public:
    // `path` prefixes parameter names in errors ("session.audio.input").
    JsonFields(const boost::json::object& object, std::string path, std::string event_id);

    const boost::json::object& object() const { return object_; }
    const std::optional<ProtocolError>& error() const { return error_; }
    bool ok() const { return !error_.has_value(); }
    bool has(std::string_view key) const;
    bool is_null(std::string_view key) const;
    std::string param(std::string_view key) const;

    // Each returns nullopt when absent (recording an error if `required`) or
    // when of the wrong type or out of range (always recording an error).
    std::optional<std::string> string(std::string_view key, bool required = false);
    std::optional<double> number(std::string_view key, double min, double max,
                                 bool required = false);
    std::optional<long long> integer(std::string_view key, long long min, long long max,
                                     bool required = false);
    std::optional<bool> boolean(std::string_view key, bool required = false);
    const boost::json::object* child_object(std::string_view key, bool required = false);
    const boost::json::array* child_array(std::string_view key, bool required = false);

    // Records an error for any key outside `known` (null-terminated list).
    void reject_unknown(std::initializer_list<std::string_view> known);
    void fail(std::string code, std::string message, std::string_view key);
    void fail_with(ProtocolError error);

private:
    const boost::json::value* find(std::string_view key, bool required);

    const boost::json::object& object_;
    std::string path_;
    std::string event_id_;
    std::optional<ProtocolError> error_;
};

}  // namespace confab::protocol
