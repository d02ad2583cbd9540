#include "config/config_toml.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include "config/toml_library.hpp"

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

// `[[llm.backends]]`: an array of tables, each one backend (backend_list.hpp).
void apply_backends(const std::string& section, const toml::node& node,
                    const std::string& source_name, std::vector<BackendConfig>& out,
                    std::vector<std::string>& errors) {
    const toml::array* array = node.as_array();
    const std::string what = "[[" + section + ".backends]]";
    if (array == nullptr) {
        errors.push_back(where(source_name, node) + ": " + section +
                         ".backends must be an array of tables (" + what + "), got " +
                         type_name(node));
        return;
    }
    out.clear();
    std::size_t number = 0;
    for (const toml::node& element : *array) {
        ++number;
        const std::string entry = what + " entry " + std::to_string(number);
        const toml::table* table = element.as_table();
        if (table == nullptr) {
            errors.push_back(where(source_name, element) + ": " + entry + " must be a table, got " +
                             type_name(element));
            continue;
        }
        BackendConfig backend;
        for (const auto& [key, value] : *table) {
            const std::string name(key.str());
            std::string* text = name == "name"       ? &backend.name
                                : name == "base_url" ? &backend.base_url
                                : name == "model"    ? &backend.model
                                : name == "api_key"  ? &backend.api_key
                                                     : nullptr;
            int* number_field = name == "max_concurrent_requests" ? &backend.max_concurrent_requests
                                : name == "weight"                ? &backend.weight
                                                                  : nullptr;
            if (text != nullptr && value.as_string() != nullptr) {
                *text = value.as_string()->get();
            } else if (number_field != nullptr && value.as_integer() != nullptr) {
                const std::int64_t v = value.as_integer()->get();
                if (v < 0 || v > 1'000'000) {
                    errors.push_back(where(source_name, value) + ": " + entry + ": " + name +
                                     " = " + std::to_string(v) + " is out of range");
                } else {
                    *number_field = static_cast<int>(v);
                }
            } else if (text == nullptr && number_field == nullptr) {
                errors.push_back(where(source_name, value) + ": " + entry + ": unknown key " +
                                 name +
                                 " (keys: name, base_url, model, api_key, "
                                 "max_concurrent_requests, weight)");
            } else {
                errors.push_back(where(source_name, value) + ": " + entry + ": " + name +
                                 " must be " + (text != nullptr ? "a string" : "an integer") +
                                 ", got " + type_name(value));
            }
        }
        out.push_back(std::move(backend));
    }
}

void apply_section(const std::string& section, const toml::table& table,
                   const std::string& source_name, Config& config,
                   std::vector<std::string>& errors) {
    for (const auto& [key, node] : table) {
        if (key.str() == "backends" && (section == "llm" || section == "stt" || section == "tts")) {
            std::vector<BackendConfig>& list = section == "llm"   ? config.llm.backends
                                               : section == "stt" ? config.stt.backends
                                                                  : config.tts.backends;
            apply_backends(section, node, source_name, list, errors);
            continue;
        }
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
