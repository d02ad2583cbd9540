// One configurable setting of Config, described once: its TOML section and key,
// the flag and environment variable derived from them, the field it sets, the
// values it allows and its help text. The table (config_options()) drives the
// TOML reader, the environment and flag parsers, validation, --help,
// --print-config and docs/configuration.md, so an option is defined in one row.
//
// Threads: the table is built on first use (thread-safe static) and immutable.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "config/config.hpp"

namespace confab {

// Reaches one field of a Config. Plain function pointers (from captureless
// lambdas) because the fields are nested one level, which a single
// pointer-to-member cannot express.
template <class T>
using FieldRef = T& (*)(Config&);
// Reads through a FieldRef. The accessors take Config& so that one table
// serves reading and writing; this cast only ever reads.
template <class T>
const T& read_field(FieldRef<T> ref, const Config& config) {
    return ref(const_cast<Config&>(config));
}

using ConfigField = std::variant<FieldRef<std::string>, FieldRef<int>, FieldRef<std::size_t>,
                                 FieldRef<double>, FieldRef<bool>>;

enum class OptionType { string, integer, number, boolean };

struct ConfigOption {
    std::string section;  // TOML table: "server"
    std::string key;      // TOML key: "tls_cert"
    std::string flag;     // without the dashes: "tls-cert", "llm-base-url"
    std::string env;      // "CONFAB_TLS_CERT"
    ConfigField field;
    double min = 0;  // integer and number options: inclusive range
    double max = 0;
    std::vector<std::string> choices;  // string options: allowed values (empty: any)
    bool non_empty = false;            // string options: "" is refused
    bool secret = false;               // never printed in clear
    // String options checked by config_validator.cpp beyond the table's rules:
    // what that check requires, as --help shows it ("an existing directory").
    std::string constraint;
    std::string help;

    OptionType type() const;
    std::string name() const { return section + "." + key; }
    // "server.port (--port, CONFAB_PORT)": how every message names the option.
    std::string label() const;
    // What the option allows: "0..65535", "trace|debug|info|warn|error",
    // "true|false", "any string"; `separator` joins choices.
    std::string allowed(std::string_view separator = "|") const;
    // Placeholder for usage text: "INT", "NUMBER", "BOOL", "STRING".
    std::string_view value_name() const;
};

// Every option, grouped by section in the order they are documented.
const std::vector<ConfigOption>& config_options();
const ConfigOption* find_option_by_flag(std::string_view flag);
const ConfigOption* find_option(std::string_view section, std::string_view key);
// The TOML sections, in table order: "server", "limits", ...
std::vector<std::string> config_sections();
bool is_config_section(std::string_view section);

// The current value as a TOML literal ("8080", "\"127.0.0.1\"", "1.0", "true");
// a set secret prints as "\"<redacted>\"".
std::string format_value(const ConfigOption& option, const Config& config);

// Setters. Each returns "" on success, else the problem (without the label),
// and leaves the field alone. Ranges are NOT checked here, only whether the
// value fits the field's type: validation checks ranges once, on the final
// values, so a later source may correct an earlier one.
std::string set_from_text(const ConfigOption& option, Config& config, std::string_view text);
std::string set_string(const ConfigOption& option, Config& config, std::string value);
std::string set_integer(const ConfigOption& option, Config& config, std::int64_t value);
std::string set_number(const ConfigOption& option, Config& config, double value);
std::string set_boolean(const ConfigOption& option, Config& config, bool value);

// "expected INT, got a string (allowed 0..65535)".
std::string type_mismatch(const ConfigOption& option, std::string_view got);

// A double as the shortest text that reads back exactly, always with a "." or
// exponent so TOML reads it as a float ("1.0", "0.25", "1e+20").
std::string format_number(double value);
// A TOML basic string literal, quoted and escaped.
std::string toml_quote(std::string_view text);

inline constexpr std::string_view kRedacted = "<redacted>";

}  // namespace confab
