#include "engines/remote/remote_backend.hpp"

#include <boost/url/parse.hpp>

namespace confab::engines {
namespace ssl = boost::asio::ssl;

RemoteBackend::RemoteBackend(Settings settings) : settings_(std::move(settings)) {
    config_error_ = parse_url();
    if (!config_error_.empty()) return;
    peer_ = endpoint_.host + ":" + endpoint_.port;
    if (endpoint_.tls) {
        tls_context_ = std::make_unique<ssl::context>(ssl::context::tls_client);
        boost::system::error_code ec;
        if (settings_.ca_file.empty()) {
            tls_context_->set_default_verify_paths(ec);
        } else {
            tls_context_->load_verify_file(settings_.ca_file, ec);
        }
        tls_context_->set_verify_mode(ssl::verify_peer);
        if (ec) {
            config_error_ =
                settings_.what + " TLS trust store could not be loaded: " + ec.message();
            return;
        }
    }
    pool_ = std::make_unique<LlmBackend>(endpoint_, tls_context_.get(), settings_.pool);
}

RemoteBackend::~RemoteBackend() = default;

// The same reading of a base URL as OpenAiChatModel's: http or https, the
// port defaulting to the scheme's, the path kept (trailing slashes dropped)
// and the query appended after our path (gateways put API versions there).
std::string RemoteBackend::parse_url() {
    const std::string& base_url = settings_.base_url;
    const std::string setting = settings_.what + " base_url '" + base_url + "'";
    const auto url = boost::urls::parse_uri(base_url);
    if (!url) return setting + " is not a URL: " + url.error().message();
    const bool https = url->scheme_id() == boost::urls::scheme::https;
    if (!https && url->scheme_id() != boost::urls::scheme::http) {
        return setting + " must be http:// or https://";
    }
    endpoint_.tls = https;
    endpoint_.host = url->host_address();
    if (endpoint_.host.empty()) return setting + " has no host";
    endpoint_.port = url->has_port() ? std::string(url->port()) : (https ? "443" : "80");
    std::string path(url->encoded_path());
    while (!path.empty() && path.back() == '/') path.pop_back();
    target_ = path + settings_.path;
    if (url->has_query()) target_ += "?" + std::string(url->encoded_query());
    return {};
}

LlmPoolStats RemoteBackend::stats() const {
    return pool_ ? pool_->stats() : LlmPoolStats{};
}

}  // namespace confab::engines
