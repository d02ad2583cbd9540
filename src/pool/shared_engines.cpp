#include "pool/shared_engines.hpp"

#include <algorithm>
#include <stdexcept>
#include <thread>

#include "config/backend_list.hpp"
#include "engines/llm/offline_model.hpp"
#include "engines/llm/routed_language_model.hpp"
#include "engines/stt/pocketsphinx_factory.hpp"
#include "engines/tts/espeak_synthesizer.hpp"
#include "engines/tts/flite_synthesizer.hpp"
#include "engines/vad/noise_gated_vad.hpp"
#include "engines/vad/webrtc_vad.hpp"
#include "metrics/metrics.hpp"
#include "pool/remote_engines.hpp"
#include "pool/stt_pool.hpp"
#include "pool/tts_pool.hpp"
#include "util/log.hpp"

namespace confab::pool {
namespace {

constexpr int kEngineRate = 16000;

// Realtime's threshold (0..1) picks the WebRTC VAD's aggressiveness: mode 2
// at the default 0.5 (99-100% of speech caught, 0.7% false alarms measured
// here), mode 3 for a higher threshold, mode 1 for a lower one.
int vad_mode_for(double threshold) {
    if (threshold >= 0.75) return 3;
    if (threshold >= 0.35) return 2;
    return 1;
}

}  // namespace

SharedEngines::SharedEngines(const Config& config) {
    const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));

    const std::vector<BackendConfig> backends = resolved_llm_backends(config.llm);
    if (backends.empty()) {
        llm_ = std::make_unique<engines::OfflineModel>();
        log::warn(
            "OFFLINE MODE: no language model configured (--llm-base-url); replies repeat what was "
            "heard");
    } else {
        auto routed = std::make_unique<engines::RoutedLanguageModel>(config.llm, backends);
        routed_ = routed.get();
        llm_ = std::move(routed);
        for (const BackendConfig& backend : backends) {
            log::info("language model backend",
                      {{"name", backend.name},
                       {"url", backend.base_url},
                       {"model", backend.model},
                       {"max_concurrent_requests", std::to_string(backend.max_concurrent_requests)},
                       {"weight", std::to_string(backend.weight)}});
        }
    }

    const bool remote_stt = !resolved_stt_backends(config.stt).empty();
    SttPool::Options stt_options;
    stt_options.workers = config.stt.workers > 0 ? config.stt.workers : std::max(2, 3 * cores);
    // Remote transcription without the fallback needs no decoders (~100 MB each).
    if (remote_stt && !config.stt.fallback) stt_options.workers = 0;
    stt_options.urgent_first = config.stt.urgent_first;
    stt_ = std::make_unique<SttPool>(std::make_shared<engines::PocketsphinxFactory>(config.stt),
                                     kEngineRate, stt_options);

    std::shared_ptr<engines::SpeechSynthesizer> synthesizer;
    if (config.tts.engine == "espeak-ng") {
        synthesizer = std::make_shared<engines::EspeakSynthesizer>();
    } else {
        synthesizer = std::make_shared<engines::FliteSynthesizer>();
    }
    TtsPool::Options tts_options;
    tts_options.workers = config.tts.workers > 0 ? config.tts.workers : cores;
    tts_ = std::make_unique<TtsPool>(std::move(synthesizer), tts_options);

    remote_stt_ = make_remote_stt(config.stt, stt_.get());
    remote_tts_ = make_remote_tts(config.tts, tts_.get(), tts_->synthesizer().voices());
    engines_.stt = remote_stt_ ? static_cast<SttService*>(remote_stt_.get()) : stt_.get();
    engines_.tts = remote_tts_ ? static_cast<TtsService*>(remote_tts_.get()) : tts_.get();
    if (remote_tts_) voices_ = split_list(config.tts.remote_voices);
    if (!remote_tts_ || config.tts.fallback) {
        for (const std::string& voice : tts_->synthesizer().voices()) voices_.push_back(voice);
    }
    engines_.llm = llm_.get();
    const double gate_db = config.stt.noise_gate_db;
    engines_.make_vad =
        [gate_db](double threshold) -> std::unique_ptr<engines::VoiceActivityDetector> {
        auto vad = std::make_unique<engines::WebRtcVad>(kEngineRate, 20, vad_mode_for(threshold));
        if (gate_db <= 0) return vad;
        return std::make_unique<engines::NoiseGatedVad>(std::move(vad), gate_db);
    };
    log::info("engines ready", {{"stt", remote_stt_ ? "remote" : "pocketsphinx"},
                                {"stt_workers", std::to_string(stt_options.workers)},
                                {"tts", remote_tts_ ? "remote" : tts_->synthesizer().name()},
                                {"tts_workers", std::to_string(tts_options.workers)}});
}

SharedEngines::~SharedEngines() = default;

void SharedEngines::stop_workers() {
    stt_->stop();
    tts_->stop();
}

std::optional<engines::LlmPoolStats> SharedEngines::llm_pool_stats() const {
    if (routed_ == nullptr) return std::nullopt;
    return routed_->pool_stats();
}

std::vector<engines::BackendStatus> SharedEngines::backend_status() const {
    const auto now = std::chrono::steady_clock::now();
    std::vector<engines::BackendStatus> out;
    const auto add = [&](const engines::BackendRouter& router) {
        for (auto& s : router.status(now)) out.push_back(std::move(s));
    };
    if (routed_ != nullptr) add(routed_->router());
    if (remote_stt_) add(remote_stt_->router());
    if (remote_tts_) add(remote_tts_->router());
    return out;
}

std::string SharedEngines::unusable_engine_reason() const {
    const auto now = std::chrono::steady_clock::now();
    // Speech with the embedded fallback always has an engine; the language
    // model has none.
    if (routed_ != nullptr) {
        if (auto why = routed_->router().unavailable_reason(now); !why.empty()) return why;
    }
    if (remote_stt_ && !remote_stt_->has_fallback()) {
        if (auto why = remote_stt_->router().unavailable_reason(now); !why.empty()) return why;
    }
    if (remote_tts_ && !remote_tts_->has_fallback()) {
        if (auto why = remote_tts_->router().unavailable_reason(now); !why.empty()) return why;
    }
    return {};
}

void SharedEngines::attach_metrics(metrics::Metrics* metrics) {
    engines_.metrics = metrics;
    if (routed_ != nullptr) routed_->router().attach_metrics(metrics);
    if (remote_stt_) remote_stt_->router().attach_metrics(metrics);
    if (remote_tts_) remote_tts_->router().attach_metrics(metrics);
    stt_->observe_queue_wait(metrics != nullptr ? &metrics->queue_wait("stt") : nullptr);
    tts_->observe_queue_wait(metrics != nullptr ? &metrics->queue_wait("tts") : nullptr);
}

std::vector<std::string> SharedEngines::voices() const {
    return voices_;
}

std::string SharedEngines::overload_reason(int max_wait_ms) const {
    using std::chrono::duration_cast;
    using std::chrono::milliseconds;
    const auto limit = milliseconds(max_wait_ms);
    const auto stt_wait = duration_cast<milliseconds>(stt_->recent_wait());
    if (stt_wait > limit) {
        return "speech-to-text queue wait " + std::to_string(stt_wait.count()) + " ms > " +
               std::to_string(max_wait_ms) + " ms";
    }
    const auto tts_wait = duration_cast<milliseconds>(tts_->recent_wait());
    if (tts_wait > limit) {
        return "text-to-speech queue wait " + std::to_string(tts_wait.count()) + " ms > " +
               std::to_string(max_wait_ms) + " ms";
    }
    return {};
}

}  // namespace confab::pool
