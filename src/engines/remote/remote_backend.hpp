// One remote engine server (a speech-to-text or text-to-speech backend
// speaking the OpenAI audio API) as its client sees it: the base URL parsed
// into an endpoint and a request target, the TLS context for https, and the
// LlmBackend every request goes through (despite its name a generic
// keep-alive pool and fair request limiter over HttpConnection).
//
// Ownership: owned by the client of that backend (OpenAiSpeechClient,
// OpenAiTranscriptionClient); must outlive every RemoteCall on it.
// Threads: immutable after construction except the pool, which is
// thread-safe, so calls may run concurrently on different strands.
#pragma once
#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <string>

#include "engines/llm/http_connection.hpp"
#include "engines/llm/llm_backend.hpp"
#include "engines/llm/llm_pool_stats.hpp"

namespace confab::engines {

class RemoteBackend {
public:
    struct Settings {
        std::string what;      // "tts", "stt": names the setting in messages
        std::string base_url;  // "http://host:port/v1"
        std::string path;      // appended to the base URL's path: "/audio/speech"
        std::string ca_file;   // PEM bundle to trust instead of the system CAs
        LlmBackend::Options pool;
    };

    explicit RemoteBackend(Settings settings);
    ~RemoteBackend();
    RemoteBackend(const RemoteBackend&) = delete;
    RemoteBackend& operator=(const RemoteBackend&) = delete;

    // Why the settings cannot be used (bad base_url, unreadable CA file), or
    // empty. pool() is null then.
    const std::string& config_error() const { return config_error_; }
    const std::string& what() const { return settings_.what; }
    const std::string& base_url() const { return settings_.base_url; }
    const HttpEndpoint& endpoint() const { return endpoint_; }
    // "host:port", for every message about this backend.
    const std::string& peer() const { return peer_; }
    // Path and query of the request, e.g. "/v1/audio/speech".
    const std::string& target() const { return target_; }
    LlmBackend* pool() const { return pool_.get(); }
    const LlmBackend::Options& pool_options() const { return settings_.pool; }
    LlmPoolStats stats() const;

private:
    std::string parse_url();

    const Settings settings_;
    HttpEndpoint endpoint_;
    std::string peer_;
    std::string target_;
    std::string config_error_;
    std::unique_ptr<boost::asio::ssl::context> tls_context_;  // https only
    std::unique_ptr<LlmBackend> pool_;                        // null when config_error_ is set
};

}  // namespace confab::engines
