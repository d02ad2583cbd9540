// What a session may use of the shared engines: plain pointers into the
// process's SharedEngines. Every pointer outlives every session (the server
// owns them); all of them are thread-safe.
#pragma once
#include <functional>
#include <memory>

#include "engines/llm/language_model.hpp"
#include "engines/vad/voice_activity_detector.hpp"

namespace confab::metrics {
class Metrics;
}

namespace confab::pool {

class SttService;
class TtsService;

struct EngineRefs {
    SttService* stt = nullptr;              // null: no transcription
    TtsService* tts = nullptr;              // null: text-only replies
    engines::LanguageModel* llm = nullptr;  // never null when responses are used
    // Creates one session's voice activity detector (cheap, per session).
    std::function<std::unique_ptr<engines::VoiceActivityDetector>(double threshold)> make_vad;
    metrics::Metrics* metrics = nullptr;  // null: metrics off (server.metrics = false)
};

}  // namespace confab::pool
