// The shared engines a session may use. Every pointer outlives every
// session (the server owns them); all of them are thread-safe.
#pragma once
#include <functional>
#include <memory>

#include "engines/llm/language_model.hpp"
#include "engines/vad/voice_activity_detector.hpp"

namespace confab::metrics {
class Metrics;
}
namespace confab::pool {
class SttPool;
class TtsPool;
}  // namespace confab::pool

namespace confab::pipeline {

struct Engines {
    pool::SttPool* stt = nullptr;               // null: no transcription
    pool::TtsPool* tts = nullptr;               // null: text-only replies
    engines::LanguageModel* llm = nullptr;      // never null when responses are used
    // Creates one session's voice activity detector (cheap, per session).
    std::function<std::unique_ptr<engines::VoiceActivityDetector>(double threshold)> make_vad;
    metrics::Metrics* metrics = nullptr;        // null: metrics off (server.metrics = false)
};

}  // namespace confab::pipeline
