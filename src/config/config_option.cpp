#include "config/config_option.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <type_traits>
#include <utility>

namespace confab {
namespace {

std::string format_integer(double value) {
    return std::to_string(static_cast<long long>(value));
}

bool iequals(std::string_view a, std::string_view b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
        return std::tolower(static_cast<unsigned char>(x)) ==
               std::tolower(static_cast<unsigned char>(y));
    });
}

}  // namespace

OptionType ConfigOption::type() const {
    switch (field.index()) {
        case 0:
            return OptionType::string;
        case 1:
        case 2:
            return OptionType::integer;
        case 3:
            return OptionType::number;
        default:
            return OptionType::boolean;
    }
}

std::string ConfigOption::label() const {
    return name() + " (--" + flag + ", " + env + ")";
}

std::string ConfigOption::allowed(std::string_view separator) const {
    switch (type()) {
        case OptionType::integer:
            return format_integer(min) + ".." + format_integer(max);
        case OptionType::number:
            return format_number(min) + ".." + format_number(max);
        case OptionType::boolean:
            return "true" + std::string(separator) + "false";
        case OptionType::string:
            break;
    }
    if (!constraint.empty()) return constraint;
    if (choices.empty()) return non_empty ? "any non-empty string" : "any string";
    std::string out;
    for (const std::string& choice : choices) {
        if (!out.empty()) out += separator;
        out += choice;
    }
    return out;
}

std::string_view ConfigOption::value_name() const {
    switch (type()) {
        case OptionType::string:
            return "STRING";
        case OptionType::integer:
            return "INT";
        case OptionType::number:
            return "NUMBER";
        case OptionType::boolean:
            return "BOOL";
    }
    return "VALUE";
}

const ConfigOption* find_option_by_flag(std::string_view flag) {
    for (const ConfigOption& option : config_options()) {
        if (option.flag == flag) return &option;
    }
    return nullptr;
}

const ConfigOption* find_option(std::string_view section, std::string_view key) {
    for (const ConfigOption& option : config_options()) {
        if (option.section == section && option.key == key) return &option;
    }
    return nullptr;
}

std::vector<std::string> config_sections() {
    std::vector<std::string> sections;
    for (const ConfigOption& option : config_options()) {
        if (sections.empty() || sections.back() != option.section) {
            sections.push_back(option.section);
        }
    }
    return sections;
}

bool is_config_section(std::string_view section) {
    const auto& options = config_options();
    return std::any_of(options.begin(), options.end(),
                       [&](const ConfigOption& o) { return o.section == section; });
}

std::string format_value(const ConfigOption& option, const Config& config) {
    return std::visit(
        [&](auto ref) -> std::string {
            const auto& value = read_field(ref, config);
            using T = std::decay_t<decltype(value)>;
            if constexpr (std::is_same_v<T, std::string>) {
                if (option.secret && !value.empty()) return toml_quote(kRedacted);
                return toml_quote(value);
            } else if constexpr (std::is_same_v<T, bool>) {
                return value ? "true" : "false";
            } else if constexpr (std::is_same_v<T, double>) {
                return format_number(value);
            } else {
                return std::to_string(value);
            }
        },
        option.field);
}

std::string type_mismatch(const ConfigOption& option, std::string_view got) {
    return "expected " + std::string(option.value_name()) + ", got " + std::string(got) +
           " (allowed " + option.allowed() + ")";
}

std::string set_from_text(const ConfigOption& option, Config& config, std::string_view text) {
    switch (option.type()) {
        case OptionType::string:
            return set_string(option, config, std::string(text));
        case OptionType::integer: {
            std::int64_t value = 0;
            const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
            if (ec == std::errc::result_out_of_range) {
                return toml_quote(text) + " is out of range " + option.allowed();
            }
            if (ec != std::errc{} || end != text.data() + text.size()) {
                return toml_quote(text) + " is not an integer (allowed " + option.allowed() + ")";
            }
            return set_integer(option, config, value);
        }
        case OptionType::number: {
            double value = 0;
            const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
            if (ec != std::errc{} || end != text.data() + text.size()) {
                return toml_quote(text) + " is not a number (allowed " + option.allowed() + ")";
            }
            return set_number(option, config, value);
        }
        case OptionType::boolean:
            for (std::string_view yes : {"true", "1", "yes"}) {
                if (iequals(text, yes)) return set_boolean(option, config, true);
            }
            for (std::string_view no : {"false", "0", "no"}) {
                if (iequals(text, no)) return set_boolean(option, config, false);
            }
            return toml_quote(text) + " is not a boolean (allowed true|false|1|0|yes|no)";
    }
    return "unsupported option type";
}

std::string set_string(const ConfigOption& option, Config& config, std::string value) {
    auto* ref = std::get_if<FieldRef<std::string>>(&option.field);
    if (!ref) return type_mismatch(option, "a string");
    (*ref)(config) = std::move(value);
    return {};
}

std::string set_integer(const ConfigOption& option, Config& config, std::int64_t value) {
    // The field's own type may be narrower than the int64 TOML and from_chars
    // produce; a value that does not fit is out of any range we allow.
    auto assign = [&](auto ref) -> std::string {
        using T = std::remove_reference_t<decltype(ref(config))>;
        if constexpr (std::is_same_v<T, int> || std::is_same_v<T, std::size_t>) {
            if (std::cmp_less(value, std::numeric_limits<T>::min()) ||
                std::cmp_greater(value, std::numeric_limits<T>::max())) {
                return std::to_string(value) + " is out of range " + option.allowed();
            }
            ref(config) = static_cast<T>(value);
            return {};
        } else if constexpr (std::is_same_v<T, double>) {
            ref(config) = static_cast<double>(value);
            return {};
        } else {
            return type_mismatch(option, "an integer");
        }
    };
    return std::visit(assign, option.field);
}

std::string set_number(const ConfigOption& option, Config& config, double value) {
    auto* ref = std::get_if<FieldRef<double>>(&option.field);
    if (!ref) return type_mismatch(option, "a float");
    // NaN compares false with any bound, so it must be refused here.
    if (!std::isfinite(value)) {
        return format_number(value) + " is out of range " + option.allowed();
    }
    (*ref)(config) = value;
    return {};
}

std::string set_boolean(const ConfigOption& option, Config& config, bool value) {
    auto* ref = std::get_if<FieldRef<bool>>(&option.field);
    if (!ref) return type_mismatch(option, "a boolean");
    (*ref)(config) = value;
    return {};
}

std::string format_number(double value) {
    if (std::isnan(value)) return "nan";
    if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
    char buf[64];
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
    std::string text(buf, ec == std::errc{} ? end : buf);
    if (text.find_first_of(".e") == std::string::npos) text += ".0";
    return text;
}

std::string toml_quote(std::string_view text) {
    std::string out = "\"";
    for (const char ch : text) {
        switch (ch) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\t':
                out += "\\t";
                break;
            case '\r':
                out += "\\r";
                break;
            default:
                // Other control characters are not allowed raw in TOML strings;
                // UTF-8 bytes (>= 0x80) are, and pass through.
                if (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\u%04X", static_cast<unsigned char>(ch));
                    out += buf;
                } else {
                    out += ch;
                }
        }
    }
    out += '"';
    return out;
}

}  // namespace confab
