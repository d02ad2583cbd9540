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

std::vector<BackendConfig> resolved_llm_backends(const LlmConfig& llm) {
    std::vector<BackendConfig> out = llm.backends;
    if (out.empty() && !llm.base_url.empty()) {
        BackendConfig single;
        single.base_url = llm.base_url;
        out.push_back(single);
    }
    for (BackendConfig& backend : out) {
        if (backend.name.empty()) backend.name = url_host_port(backend.base_url);
        if (backend.model.empty()) backend.model = llm.model;
        if (backend.api_key.empty()) backend.api_key = llm.api_key;
        if (backend.max_concurrent_requests <= 0)
            backend.max_concurrent_requests = llm.max_concurrent_requests;
    }
    return out;
}

void check_llm_backends(const LlmConfig& llm, std::vector<std::string>& errors) {
    if (llm.backends.empty()) return;
    if (!llm.base_url.empty()) {
        errors.push_back(
            "[[llm.backends]] and llm.base_url (--llm-base-url, CONFAB_LLM_BASE_URL) "
            "are both set: give one backend as base_url or several as "
            "[[llm.backends]], not both");
    }
    std::set<std::string> names;
    const std::vector<BackendConfig> resolved = resolved_llm_backends(llm);
    for (std::size_t i = 0; i < resolved.size(); ++i) {
        const BackendConfig& b = resolved[i];
        std::string entry = "[[llm.backends]] entry " + std::to_string(i + 1);
        if (!llm.backends[i].name.empty()) entry += " (name " + toml_quote(b.name) + ")";
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
