#include "config/config_validator.hpp"

#include "config/redis_url.hpp"

#include <unistd.h>

#include <algorithm>
#include <boost/asio/ip/address.hpp>
#include <boost/url/parse.hpp>
#include <filesystem>
#include <stdexcept>
#include <type_traits>

#include "config/backend_list.hpp"
#include "config/config_option.hpp"
#include "util/ip_network_list.hpp"

namespace confab {
namespace {

namespace fs = std::filesystem;

const ConfigOption& option(std::string_view section, std::string_view key) {
    // The rules below name options of the table; a typo there is a bug.
    const ConfigOption* found = find_option(section, key);
    if (!found) {
        throw std::logic_error("no config option " + std::string(section) + "." + std::string(key));
    }
    return *found;
}

bool is_readable_file(const std::string& path) {
    std::error_code ec;
    return fs::is_regular_file(path, ec) && ::access(path.c_str(), R_OK) == 0;
}

bool is_directory(const std::string& path) {
    std::error_code ec;
    return fs::is_directory(path, ec);
}

// The range, choice and non-empty rules every row of the table declares.
void check_table(const Config& config, std::vector<std::string>& errors) {
    for (const ConfigOption& opt : config_options()) {
        std::visit(
            [&](auto ref) {
                const auto& value = read_field(ref, config);
                using T = std::decay_t<decltype(value)>;
                if constexpr (std::is_same_v<T, std::string>) {
                    if (opt.non_empty && value.empty()) {
                        errors.push_back(opt.label() + ": must not be empty");
                    } else if (!opt.choices.empty() &&
                               std::find(opt.choices.begin(), opt.choices.end(), value) ==
                                   opt.choices.end()) {
                        errors.push_back(opt.label() + ": " + toml_quote(value) +
                                         " is not one of " + opt.allowed());
                    }
                } else if constexpr (!std::is_same_v<T, bool>) {
                    const auto number = static_cast<double>(value);
                    if (!(number >= opt.min && number <= opt.max)) {
                        errors.push_back(opt.label() + ": " + format_value(opt, config) +
                                         " is out of range " + opt.allowed());
                    }
                }
            },
            opt.field);
    }
}

void check_tls(const ServerConfig& server, std::vector<std::string>& errors) {
    const ConfigOption& cert = option("server", "tls_cert");
    const ConfigOption& key = option("server", "tls_key");
    if (server.tls_cert.empty() != server.tls_key.empty()) {
        const ConfigOption& missing = server.tls_cert.empty() ? cert : key;
        const ConfigOption& given = server.tls_cert.empty() ? key : cert;
        errors.push_back(missing.label() + ": must be set because " + given.name() +
                         " is (set both for TLS, or neither)");
    }
    for (const auto& [opt, path] : {std::pair{&cert, &server.tls_cert}, {&key, &server.tls_key}}) {
        if (!path->empty() && !is_readable_file(*path)) {
            errors.push_back(opt->label() + ": " + toml_quote(*path) + " is not a readable file");
        }
    }
}

void check_paths(const Config& config, std::vector<std::string>& errors) {
    if (!is_directory(config.server.web_root)) {
        errors.push_back(option("server", "web_root").label() + ": " +
                         toml_quote(config.server.web_root) + " is not a directory");
    }
    if (!config.server.port_file.empty()) {
        const fs::path parent = fs::path(config.server.port_file).parent_path();
        if (!parent.empty() && !is_directory(parent.string())) {
            errors.push_back(option("server", "port_file").label() + ": directory " +
                             toml_quote(parent.string()) + " does not exist");
        }
    }
    // The model files only matter to the engine that reads them.
    if (config.stt.engine == "pocketsphinx") {
        if (!is_directory(config.stt.model_dir)) {
            errors.push_back(option("stt", "model_dir").label() + ": " +
                             toml_quote(config.stt.model_dir) + " is not a directory");
        }
        for (const auto& [key, path] : {std::pair{"dictionary", &config.stt.dictionary},
                                        {"language_model", &config.stt.language_model}}) {
            if (!is_readable_file(*path)) {
                errors.push_back(option("stt", key).label() + ": " + toml_quote(*path) +
                                 " is not a readable file");
            }
        }
    }
}

void check_admin_token(const ServerConfig& server, std::vector<std::string>& errors) {
    if (server.admin_token == kRedacted) {
        errors.push_back(option("server", "admin_token").label() + ": \"" + std::string(kRedacted) +
                         "\" is the placeholder --print-config writes; give the real token");
    }
}

void check_llm(const LlmConfig& llm, std::vector<std::string>& errors) {
    check_llm_backends(llm, errors);
    if (!llm.base_url.empty()) {
        const auto url = boost::urls::parse_absolute_uri(llm.base_url);
        const bool ok = url &&
                        (url->scheme_id() == boost::urls::scheme::http ||
                         url->scheme_id() == boost::urls::scheme::https) &&
                        url->has_authority() && !url->host().empty();
        if (!ok) {
            errors.push_back(option("llm", "base_url").label() + ": " + toml_quote(llm.base_url) +
                             " is not an http:// or https:// URL (leave empty for offline)");
        }
    }
    if (llm.api_key == kRedacted) {
        errors.push_back(option("llm", "api_key").label() + ": \"" + std::string(kRedacted) +
                         "\" is the placeholder --print-config writes; give the real key, "
                         "preferably in the environment variable");
    }
    // A phase deadline beyond the whole reply's deadline could never fire.
    const ConfigOption& total = option("llm", "total_timeout_ms");
    for (const auto& [key, value] : {std::pair{"connect_timeout_ms", llm.connect_timeout_ms},
                                     {"first_token_timeout_ms", llm.first_token_timeout_ms}}) {
        if (value > llm.total_timeout_ms) {
            errors.push_back(option("llm", key).label() + ": " + std::to_string(value) +
                             " exceeds " + total.name() + " (" +
                             std::to_string(llm.total_timeout_ms) + "); allowed 1.." +
                             std::to_string(llm.total_timeout_ms));
        }
    }
}

// An IP address other than loopback (127.0.0.0/8, ::1) is reachable from
// other machines. Names are not resolved here: the server binds only IP
// addresses and refuses anything else when it starts.
bool is_reachable_address(const std::string& host) {
    boost::system::error_code ec;
    const auto address = boost::asio::ip::make_address(host, ec);
    return !ec && !address.is_loopback();
}

void check_auth(const Config& config, std::vector<std::string>& errors) {
    const AuthConfig& auth = config.auth;
    for (const char* key : {"keys_file", "signing_key_file", "users_file"}) {
        const ConfigOption& opt = option("auth", key);
        const std::string& path = read_field(std::get<FieldRef<std::string>>(opt.field), config);
        if (!path.empty() && !is_readable_file(path))
            errors.push_back(opt.label() + ": " + toml_quote(path) + " is not a readable file");
    }
    if (auth.mode == "keys" && auth.keys_file.empty()) {
        errors.push_back(option("auth", "keys_file").label() +
                         ": must be set because auth.mode is \"keys\"");
    }
    if (auth.mode == "none" && !auth.users_file.empty()) {
        errors.push_back(option("auth", "users_file").label() +
                         ": the login needs auth.mode \"keys\" (its users sign in to a key)");
    }
    // An open server on a reachable address spends the operator's tokens for
    // anyone: it takes an explicit yes.
    if (auth.mode == "none" && !auth.allow_unauthenticated &&
        is_reachable_address(config.server.host)) {
        errors.push_back(option("server", "host").label() + ": " + toml_quote(config.server.host) +
                         " is reachable from other machines and auth.mode is \"none\": set "
                         "auth.mode = \"keys\", or auth.allow_unauthenticated = true to run open");
    }
}

// The HTTP edge's settings that depend on each other.
void check_edge(const ServerConfig& server, std::vector<std::string>& errors) {
    std::string bad;
    if (!IpNetworkList::parse(server.trusted_proxies, bad)) {
        errors.push_back(option("server", "trusted_proxies").label() + ": " + toml_quote(bad) +
                         " is not an IP address or CIDR network (e.g. 10.0.0.0/8)");
    }
    // The PROXY header is only ever accepted from a trusted proxy: without
    // one, every connection would be refused.
    if (server.proxy_protocol && server.trusted_proxies.empty()) {
        errors.push_back(option("server", "proxy_protocol").label() +
                         ": needs server.trusted_proxies (the peers that send the header)");
    }
}

}  // namespace

std::vector<std::string> validate_config(const Config& config) {
    std::vector<std::string> errors;
    check_table(config, errors);
    check_tls(config.server, errors);
    check_admin_token(config.server, errors);
    check_edge(config.server, errors);
    if (const auto& url = config.store.redis_url; !url.empty() && !parse_redis_url(url)) {
        errors.push_back(option("store", "redis_url").label() + ": " + toml_quote(url) +
                         " is not of the form redis://host:port");
    }
    check_paths(config, errors);
    check_llm(config.llm, errors);
    check_remote_speech_backends(config, errors);
    check_auth(config, errors);
    return errors;
}

}  // namespace confab
