#include "config/backend_list.hpp"

#include <boost/url/parse.hpp>
#include <set>

#include "config/config_option.hpp"

namespace confab {

namespace {

bool is_http_url(const std::string& text) {
    const auto url = boost::urls::parse_absolute_uri(text);
    return url &&
           (url->scheme_id() == boost::urls::scheme::http ||
            url->scheme_id() == boost::urls::scheme::https) &&
           url->has_authority() && !url->host().empty();
}

}  // namespace

std::string url_host_port(const std::string& text) {
    const auto url = boost::urls::parse_absolute_uri(text);
    if (!url || !url->has_authority()) return {};
    std::string port(url->port());
    if (port.empty()) port = url->scheme_id() == boost::urls::scheme::https ? "443" : "80";
    return std::string(url->encoded_host()) + ":" + port;
}

std::vector<BackendConfig> resolved_backends(const std::vector<BackendConfig>& entries,
                                             const BackendDefaults& defaults) {
    std::vector<BackendConfig> out = entries;
    if (out.empty() && !defaults.base_url.empty()) {
        BackendConfig single;
        single.base_url = defaults.base_url;
        out.push_back(single);
    }
    for (BackendConfig& backend : out) {
        if (backend.name.empty()) backend.name = url_host_port(backend.base_url);
        if (backend.model.empty()) backend.model = defaults.model;
        if (backend.api_key.empty()) backend.api_key = defaults.api_key;
        if (backend.max_concurrent_requests <= 0)
            backend.max_concurrent_requests = defaults.max_concurrent_requests;
    }
    return out;
}

namespace {
BackendDefaults llm_defaults(const LlmConfig& c) {
    return {c.base_url, c.model, c.api_key, c.max_concurrent_requests};
}
BackendDefaults stt_defaults(const SttConfig& c) {
    return {c.base_url, c.model, c.api_key, c.max_concurrent_requests};
}
BackendDefaults tts_defaults(const TtsConfig& c) {
    return {c.base_url, c.model, c.api_key, c.max_concurrent_requests};
}
}  // namespace

std::vector<BackendConfig> resolved_llm_backends(const LlmConfig& llm) {
    return resolved_backends(llm.backends, llm_defaults(llm));
}
std::vector<BackendConfig> resolved_stt_backends(const SttConfig& stt) {
    return resolved_backends(stt.backends, stt_defaults(stt));
}
std::vector<BackendConfig> resolved_tts_backends(const TtsConfig& tts) {
    return resolved_backends(tts.backends, tts_defaults(tts));
}

void check_backends(std::string_view section, const std::vector<BackendConfig>& entries,
                    const BackendDefaults& defaults, std::vector<std::string>& errors) {
    const std::string list = "[[" + std::string(section) + ".backends]]";
    if (!defaults.base_url.empty() && !is_http_url(defaults.base_url)) {
        errors.push_back(std::string(section) + ".base_url: " + toml_quote(defaults.base_url) +
                         " is not an http:// or https:// URL");
    }
    if (entries.empty()) return;
    if (!defaults.base_url.empty()) {
        errors.push_back(list + " and " + std::string(section) +
                         ".base_url are both set: give one backend as base_url or several as " +
                         list + ", not both");
    }
    std::set<std::string> names;
    BackendDefaults no_shortcut = defaults;
    no_shortcut.base_url.clear();
    const std::vector<BackendConfig> resolved = resolved_backends(entries, no_shortcut);
    for (std::size_t i = 0; i < resolved.size(); ++i) {
        const BackendConfig& b = resolved[i];
        std::string entry = list + " entry " + std::to_string(i + 1);
        if (!entries[i].name.empty()) entry += " (name " + toml_quote(b.name) + ")";
        if (!is_http_url(b.base_url)) {
            errors.push_back(entry + ": base_url " + toml_quote(b.base_url) +
                             " is not an http:// or https:// URL");
        }
        if (b.weight < 1 || b.weight > 100) {
            errors.push_back(entry + ": weight " + std::to_string(b.weight) +
                             " is out of range (1..100)");
        }
        if (b.max_concurrent_requests > 10'000) {
            errors.push_back(entry + ": max_concurrent_requests " +
                             std::to_string(b.max_concurrent_requests) +
                             " is out of range (1..10000)");
        }
        if (b.api_key == kRedacted) {
            errors.push_back(entry + ": api_key \"" + std::string(kRedacted) +
                             "\" is the placeholder --print-config writes; give the real key");
        }
        if (!b.name.empty() && !names.insert(b.name).second) {
            errors.push_back(entry + ": name " + toml_quote(b.name) +
                             " is used by another entry (names label the metrics: give each "
                             "backend its own)");
        }
    }
}

void check_llm_backends(const LlmConfig& llm, std::vector<std::string>& errors) {
    // llm.base_url's own form is checked by check_llm (with the offline hint).
    std::vector<std::string> found;
    check_backends("llm", llm.backends, llm_defaults(llm), found);
    for (std::string& e : found) {
        if (e.rfind("llm.base_url: ", 0) != 0) errors.push_back(std::move(e));
    }
}

void check_remote_speech_backends(const Config& config, std::vector<std::string>& errors) {
    check_backends("stt", config.stt.backends, stt_defaults(config.stt), errors);
    check_backends("tts", config.tts.backends, tts_defaults(config.tts), errors);
}

std::string backends_toml(std::string_view section, const std::vector<BackendConfig>& backends) {
    std::string out;
    for (const BackendConfig& b : backends) {
        out += "\n[[" + std::string(section) + ".backends]]\n";
        if (!b.name.empty()) out += "name = " + toml_quote(b.name) + "\n";
        out += "base_url = " + toml_quote(b.base_url) + "\n";
        if (!b.model.empty()) out += "model = " + toml_quote(b.model) + "\n";
        if (!b.api_key.empty()) out += "api_key = " + toml_quote(kRedacted) + "\n";
        if (b.max_concurrent_requests > 0) {
            out += "max_concurrent_requests = " + std::to_string(b.max_concurrent_requests) + "\n";
        }
        out += "weight = " + std::to_string(b.weight) + "\n";
    }
    return out;
}

}  // namespace confab
