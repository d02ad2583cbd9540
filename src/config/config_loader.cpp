#include "config/config_loader.hpp"

#include <algorithm>
#include <cstdlib>
#include <string_view>

#include "config/config_option.hpp"
#include "config/config_printer.hpp"
#include "config/config_toml.hpp"
#include "config/config_validator.hpp"
#include "util/version.hpp"

namespace confab {
namespace {

constexpr int kExitConfigError = 2;

// One option given on the command line, applied after the file and the
// environment whatever its position.
struct FlagSetting {
    const ConfigOption* option;
    std::string value;
};

// What the command line asked for, before anything is applied.
struct CommandLine {
    std::vector<ConfigAction> actions;
    std::optional<std::string> config_path;
    std::vector<FlagSetting> settings;
    std::vector<std::string> errors;
};

std::optional<ConfigAction> action_flag(std::string_view name) {
    if (name == "help") return ConfigAction::help;
    if (name == "version") return ConfigAction::version;
    if (name == "print-config") return ConfigAction::print_config;
    if (name == "check-config") return ConfigAction::check_config;
    return std::nullopt;
}

CommandLine parse_command_line(int argc, char** argv) {
    CommandLine cl;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "-h") {
            cl.actions.push_back(ConfigAction::help);
            continue;
        }
        if (!arg.starts_with("--") || arg.size() == 2) {
            cl.errors.push_back("unexpected argument \"" + std::string(arg) +
                                "\" (options start with --; see --help)");
            continue;
        }
        const std::size_t eq = arg.find('=');
        const std::string_view name = arg.substr(2, eq == arg.npos ? arg.npos : eq - 2);
        std::optional<std::string> inline_value;
        if (eq != arg.npos) inline_value = std::string(arg.substr(eq + 1));

        if (const auto action = action_flag(name)) {
            if (inline_value) {
                cl.errors.push_back("--" + std::string(name) + " takes no value");
            }
            cl.actions.push_back(*action);
            continue;
        }
        const ConfigOption* option = name == "config" ? nullptr : find_option_by_flag(name);
        if (name != "config" && !option) {
            cl.errors.push_back("unknown option --" + std::string(name) + " (see --help)");
            continue;
        }
        std::string value;
        if (inline_value) {
            value = *inline_value;
        } else if (option && option->type() == OptionType::boolean) {
            // A bare boolean flag means true and never takes the next argument.
            value = "true";
        } else if (i + 1 < argc) {
            value = argv[++i];
        } else {
            cl.errors.push_back((option ? option->label() : std::string("--config")) +
                                ": missing value");
            continue;
        }
        if (option) {
            cl.settings.push_back({option, std::move(value)});
        } else {
            cl.config_path = std::move(value);
        }
    }
    return cl;
}

void apply_environment(const EnvLookup& env, Config& config, std::vector<std::string>& errors) {
    for (const ConfigOption& option : config_options()) {
        const std::optional<std::string> value = env(option.env);
        if (!value) continue;
        if (std::string problem = set_from_text(option, config, *value); !problem.empty()) {
            errors.push_back(option.label() + " from " + option.env + ": " + problem);
        }
    }
}

void apply_flags(const std::vector<FlagSetting>& settings, Config& config,
                 std::vector<std::string>& errors) {
    for (const FlagSetting& setting : settings) {
        const ConfigOption& option = *setting.option;
        if (std::string problem = set_from_text(option, config, setting.value); !problem.empty()) {
            errors.push_back(option.label() + " from --" + option.flag + ": " + problem);
        }
    }
}

// --help wins over everything, then --version; the two other actions exclude
// each other.
ConfigAction choose_action(const std::vector<ConfigAction>& actions,
                           std::vector<std::string>& errors) {
    for (const ConfigAction action : {ConfigAction::help, ConfigAction::version}) {
        if (std::find(actions.begin(), actions.end(), action) != actions.end()) return action;
    }
    if (actions.empty()) return ConfigAction::run;
    if (std::any_of(actions.begin(), actions.end(),
                    [&](ConfigAction a) { return a != actions.front(); })) {
        errors.push_back("--print-config and --check-config cannot be combined");
    }
    return actions.back();
}

}  // namespace

std::optional<std::string> process_env(const std::string& name) {
    const char* value = std::getenv(name.c_str());
    if (!value) return std::nullopt;
    return std::string(value);
}

LoadResult load_config(int argc, char** argv, const EnvLookup& env) {
    LoadResult result;
    CommandLine cl = parse_command_line(argc, argv);
    result.action = choose_action(cl.actions, cl.errors);

    // Help and version answer whatever else is wrong, as most tools do.
    if (result.action == ConfigAction::help) {
        result.output_text = usage_text();
        return result;
    }
    if (result.action == ConfigAction::version) {
        result.output_text = "confab " + std::string(kVersion) + "\n";
        return result;
    }

    std::vector<std::string>& errors = result.errors;
    errors = std::move(cl.errors);
    std::optional<std::string> config_path = cl.config_path;
    if (!config_path) {
        if (auto from_env = env("CONFAB_CONFIG"); from_env && !from_env->empty()) {
            config_path = std::move(from_env);
        }
    }
    bool file_applied = true;
    if (config_path) file_applied = apply_toml_file(*config_path, result.config, errors);
    apply_environment(env, result.config, errors);
    apply_flags(cl.settings, result.config, errors);

    // Report every problem in one run, except when the file could not be read
    // at all: checking the defaults it meant to replace would only add noise.
    if (file_applied) {
        for (std::string& problem : validate_config(result.config)) {
            errors.push_back(std::move(problem));
        }
    }

    if (!errors.empty()) {
        result.exit_code = kExitConfigError;
    } else if (result.action == ConfigAction::print_config) {
        result.output_text = config_toml(result.config);
    } else if (result.action == ConfigAction::check_config) {
        result.output_text = "config ok\n";
    }
    return result;
}

}  // namespace confab
