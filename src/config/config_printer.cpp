#include "config/config_printer.hpp"

#include "config/backend_list.hpp"
#include "config/config_option.hpp"

namespace confab {
namespace {

// Flags that are not options of Config; load_config() handles them.
struct ActionFlag {
    std::string_view flag;
    std::string_view help;
};

constexpr ActionFlag kActionFlags[] = {
    {"--help, -h", "Print this text and exit."},
    {"--version", "Print the version and exit."},
    {"--print-config", "Print the effective configuration as TOML (reusable with --config); exit."},
    {"--check-config", "Validate; print \"config ok\" and exit 0, or the errors and exit 2."},
    {"--config FILE", "Read this TOML file before the environment and flags (env CONFAB_CONFIG)."},
};

std::string flag_synopsis(const ConfigOption& option) {
    if (option.type() == OptionType::boolean) return "--" + option.flag + "[=BOOL]";
    return "--" + option.flag + " " + std::string(option.value_name());
}

std::string markdown_cell(std::string text) {
    for (std::size_t at = 0; (at = text.find('|', at)) != std::string::npos; at += 2) {
        text.insert(at, "\\");
    }
    return text;
}

}  // namespace

std::string usage_text() {
    const Config defaults;
    std::string out =
        "Usage: confab [--config FILE] [OPTIONS]\n"
        "       confab --help | --version | --print-config | --check-config\n"
        "\n"
        "Confab, a self-hosted real-time voice chat server.\n"
        "\n"
        "Each option is taken from, later ones winning: its default, the TOML file given\n"
        "by --config (or CONFAB_CONFIG), its CONFAB_* environment variable, its flag.\n"
        "Flags take \"--flag VALUE\" or \"--flag=VALUE\". A boolean flag alone means true\n"
        "(\"--log-json\"); \"--log-json=false\" turns it off. Booleans in the environment\n"
        "accept true/false/1/0/yes/no.\n"
        "\n"
        "Actions:\n";
    for (const ActionFlag& action : kActionFlags) {
        std::string line = "  " + std::string(action.flag);
        line.resize(20, ' ');
        out += line + std::string(action.help) + "\n";
    }
    std::string section;
    for (const ConfigOption& option : config_options()) {
        if (option.section != section) {
            section = option.section;
            out += "\n[" + section + "]\n";
        }
        out += "  " + flag_synopsis(option) + "\n";
        out += "      " + option.help + "\n";
        out += "      env " + option.env + ", toml " + option.name() + ", default " +
               format_value(option, defaults) + ", allowed " + option.allowed() + "\n";
    }
    return out;
}

std::string config_toml(const Config& config) {
    std::string out =
        "# Confab configuration, as printed by confab --print-config.\n"
        "# Read it back with: confab --config FILE\n";
    std::string section;
    for (const ConfigOption& option : config_options()) {
        if (option.section != section) {
            // Array-of-tables entries follow their section's keys.
            if (section == "llm") out += backends_toml("llm", config.llm.backends);
            if (section == "stt") out += backends_toml("stt", config.stt.backends);
            if (section == "tts") out += backends_toml("tts", config.tts.backends);
            section = option.section;
            out += "\n[" + section + "]\n";
        }
        out += "# " + option.help + " Allowed: " + option.allowed() + ".\n";
        out += option.key + " = " + format_value(option, config) + "\n";
    }
    return out;
}

std::string options_markdown() {
    const Config defaults;
    std::string out;
    std::string section;
    for (const ConfigOption& option : config_options()) {
        if (option.section != section) {
            section = option.section;
            out += (out.empty() ? "" : "\n") + std::string("### `[") + section + "]`\n\n";
            out += "| Flag | Environment | TOML key | Default | Allowed | Description |\n";
            out += "|---|---|---|---|---|---|\n";
        }
        out += "| `--" + option.flag + "` | `" + option.env + "` | `" + option.name() + "` | `" +
               format_value(option, defaults) + "` | " + markdown_cell(option.allowed(", ")) +
               " | " + markdown_cell(option.help) + " |\n";
    }
    return out;
}

}  // namespace confab
