#include "pool/remote_engines.hpp"

#include "config/backend_list.hpp"
#include "engines/stt/openai_transcription_client.hpp"
#include "engines/tts/openai_speech_client.hpp"
#include "util/log.hpp"

namespace confab::pool {

namespace {

std::vector<engines::BackendRouter::Backend> router_backends(
    const std::vector<BackendConfig>& backends) {
    std::vector<engines::BackendRouter::Backend> out;
    for (const BackendConfig& b : backends) {
        out.push_back({b.name, b.base_url, b.weight, b.max_concurrent_requests});
    }
    return out;
}

void log_backend(const char* engine, const BackendConfig& b) {
    log::info("remote engine backend",
              {{"engine", engine},
               {"name", b.name},
               {"url", b.base_url},
               {"model", b.model},
               {"max_concurrent_requests", std::to_string(b.max_concurrent_requests)},
               {"weight", std::to_string(b.weight)}});
}

std::unique_ptr<engines::BackendRouter> make_router(const char* engine,
                                                    const std::vector<BackendConfig>& backends,
                                                    int breaker_failures, int breaker_cooldown_ms) {
    engines::CircuitBreaker::Options breaker;
    breaker.failure_threshold = breaker_failures;
    breaker.cooldown = std::chrono::milliseconds(breaker_cooldown_ms);
    for (const BackendConfig& b : backends) log_backend(engine, b);
    return std::make_unique<engines::BackendRouter>(engine, router_backends(backends), breaker);
}

}  // namespace

std::vector<std::string> split_list(const std::string& text) {
    std::vector<std::string> out;
    std::size_t at = 0;
    while (at <= text.size()) {
        std::size_t comma = text.find(',', at);
        if (comma == std::string::npos) comma = text.size();
        std::string item = text.substr(at, comma - at);
        const auto first = item.find_first_not_of(" \t");
        const auto last = item.find_last_not_of(" \t");
        if (first != std::string::npos) out.push_back(item.substr(first, last - first + 1));
        at = comma + 1;
    }
    return out;
}

std::unique_ptr<RemoteStt> make_remote_stt(const SttConfig& config, SttService* embedded) {
    const std::vector<BackendConfig> backends = resolved_stt_backends(config);
    if (backends.empty()) return nullptr;
    std::vector<std::unique_ptr<engines::OpenAiTranscriptionClient>> clients;
    for (const BackendConfig& b : backends) {
        engines::OpenAiTranscriptionClient::Options o;
        o.base_url = b.base_url;
        o.model = b.model;
        o.api_key = b.api_key;
        o.stream = config.stream;
        o.language = config.language;
        o.first_byte_timeout_ms = config.timeout_ms;
        o.total_timeout_ms = std::max(config.timeout_ms, 30000);
        o.max_concurrent_requests = b.max_concurrent_requests;
        clients.push_back(std::make_unique<engines::OpenAiTranscriptionClient>(o));
    }
    auto router = make_router("stt", backends, config.breaker_failures, config.breaker_cooldown_ms);
    RemoteStt::Partials partials = RemoteStt::Partials::none;
    if (config.stream) {
        partials = RemoteStt::Partials::server;
    } else if (config.local_partials && config.fallback) {
        partials = RemoteStt::Partials::local;
    }
    return std::make_unique<RemoteStt>(std::move(clients), std::move(router),
                                       config.fallback ? embedded : nullptr, partials);
}

std::unique_ptr<RemoteTts> make_remote_tts(const TtsConfig& config, TtsService* embedded,
                                           std::vector<std::string> embedded_voices) {
    const std::vector<BackendConfig> backends = resolved_tts_backends(config);
    if (backends.empty()) return nullptr;
    std::vector<std::unique_ptr<engines::OpenAiSpeechClient>> clients;
    for (const BackendConfig& b : backends) {
        engines::OpenAiSpeechClient::Options o;
        o.base_url = b.base_url;
        o.model = b.model;
        o.api_key = b.api_key;
        o.response_format = config.response_format;
        o.first_byte_timeout_ms = config.first_byte_timeout_ms;
        o.max_concurrent_requests = b.max_concurrent_requests;
        clients.push_back(std::make_unique<engines::OpenAiSpeechClient>(o));
    }
    auto router = make_router("tts", backends, config.breaker_failures, config.breaker_cooldown_ms);
    RemoteTts::Voices voices{split_list(config.remote_voices), std::move(embedded_voices)};
    return std::make_unique<RemoteTts>(std::move(clients), std::move(router),
                                       config.fallback ? embedded : nullptr, std::move(voices));
}

}  // namespace confab::pool
