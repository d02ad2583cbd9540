#include "config/config_toml.hpp"

// toml++ 3.3.0 (Debian 12) asserts parser preconditions that malformed files
// violate (a table header `[` followed by a line break or `[[[1]]]`:
// marzer/tomlplusplus#301; a value that starts with what ends one), and then
// reports them as the syntax errors they are. Built with NDEBUG its
// TOML_ASSERT_ASSUME is a no-op under g++, which is what Confab ships, but
// an assertion failure in an assert-enabled (sanitizer) build and an
// assumption clang may optimise on (undefined behaviour) in a clang release
// build. It is made a no-op for every build; ASan still watches what the
// parser then does.
#include <toml++/impl/preprocessor.h>
#undef TOML_ASSERT_ASSUME
#define TOML_ASSERT_ASSUME(expr) static_assert(true)
#include <toml++/toml.h>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "config/config_option.hpp"

namespace confab {
namespace {

std::string where(const std::string& source_name, const toml::node& node) {
    return source_name + ":" + std::to_string(node.source().begin.line);
}

std::string type_name(const toml::node& node) {
    switch (node.type()) {
        case toml::node_type::string:
            return "a string";
        case toml::node_type::integer:
            return "an integer";
        case toml::node_type::floating_point:
            return "a float";
        case toml::node_type::boolean:
            return "a boolean";
        case toml::node_type::table:
            return "a table";
        case toml::node_type::array:
            return "an array";
        case toml::node_type::date:
        case toml::node_type::time:
        case toml::node_type::date_time:
            return "a date/time";
        case toml::node_type::none:
            break;
    }
    return "nothing";
}

std::string section_list() {
    std::string out;
    for (const std::string& section : config_sections()) {
        out += (out.empty() ? "[" : ", [") + section + "]";
    }
    return out;
}

// Sets one option from its TOML value; returns the problem or "".
std::string apply_value(const ConfigOption& option, const toml::node& node, Config& config) {
    if (const auto* v = node.as_string()) return set_string(option, config, v->get());
    if (const auto* v = node.as_integer()) return set_integer(option, config, v->get());
    if (const auto* v = node.as_floating_point()) return set_number(option, config, v->get());
    if (const auto* v = node.as_boolean()) return set_boolean(option, config, v->get());
    return type_mismatch(option, type_name(node));
}

void apply_section(const std::string& section, const toml::table& table,
                   const std::string& source_name, Config& config,
                   std::vector<std::string>& errors) {
    for (const auto& [key, node] : table) {
        const ConfigOption* option = find_option(section, key.str());
        if (!option) {
            errors.push_back(where(source_name, node) + ": unknown key " + section + "." +
                             std::string(key.str()) + " (see --help for the keys of [" + section +
                             "])");
            continue;
        }
        if (std::string problem = apply_value(*option, node, config); !problem.empty()) {
            errors.push_back(option->label() + " at " + where(source_name, node) + ": " + problem);
        }
    }
}

}  // namespace

bool apply_toml_file(const std::string& path, Config& config, std::vector<std::string>& errors) {
    // Read the file ourselves so that "cannot read" is told apart from a
    // syntax error, with the system's reason.
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
        errors.push_back("config file " + path + ": is a directory");
        return false;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        errors.push_back("config file " + path + ": cannot read: " + std::strerror(errno));
        return false;
    }
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) {
        errors.push_back("config file " + path + ": read error");
        return false;
    }
    return apply_toml_text(text.str(), path, config, errors);
}

bool apply_toml_text(std::string_view text, const std::string& source_name, Config& config,
                     std::vector<std::string>& errors) {
    toml::table root;
    try {
        root = toml::parse(text, source_name);
    } catch (const toml::parse_error& e) {
        const auto& begin = e.source().begin;
        errors.push_back(source_name + ":" + std::to_string(begin.line) + ":" +
                         std::to_string(begin.column) +
                         ": TOML syntax error: " + std::string(e.description()));
        return false;
    }
    for (const auto& [name, node] : root) {
        const std::string section(name.str());
        if (!is_config_section(section)) {
            errors.push_back(where(source_name, node) + ": unknown " +
                             (node.is_table() ? "section [" + section + "]" : "key " + section) +
                             " (sections are " + section_list() + ")");
            continue;
        }
        const toml::table* table = node.as_table();
        if (!table) {
            errors.push_back(where(source_name, node) + ": " + section + " must be a table ([" +
                             section + "]), got " + type_name(node));
            continue;
        }
        apply_section(section, *table, source_name, config, errors);
    }
    return true;
}

}  // namespace confab
