// Text-to-speech on remote servers (OpenAI's POST /audio/speech: speaches,
// Kokoro-FastAPI, LocalAI, ...), with routing, breakers and failover across
// them (engines/routing/backend_router.hpp) and the embedded TtsPool as the
// last resort.
//
// A job (one piece of a reply) runs as a coroutine on its session's strand:
// the chosen server's chunked answer is handed on as audio as it arrives.
// A failure before any audio tries the next server; with every server
// failed (or none usable) the job goes to the fallback pool, where flite
// speaks it in its own voice; a failure after audio began ends the job with
// that error (its words cannot be taken back). cancel() closes the job's
// stream at once: an event, not a flag read between chunks.
//
// Voices: the servers' (tts.remote_voices, the first the default) are asked
// for by name; a voice they do not have gets the default. The fallback gets
// the session's voice if it has it, its own default otherwise.
//
// Ownership: owned by SharedEngines; outlives every session. Threads:
// thread-safe (the running jobs' registry has one mutex).
#pragma once
#include <boost/asio/awaitable.hpp>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "engines/routing/backend_router.hpp"
#include "pool/tts_service.hpp"

namespace confab::engines {
class OpenAiSpeechClient;
}

namespace confab::pool {

class RemoteTts final : public TtsService {
public:
    struct Voices {
        std::vector<std::string> remote;    // the first is the default
        std::vector<std::string> fallback;  // the fallback engine's
    };

    // `fallback` (may be null) must outlive this object.
    RemoteTts(std::vector<std::unique_ptr<engines::OpenAiSpeechClient>> clients,
              std::unique_ptr<engines::BackendRouter> router, TtsService* fallback, Voices voices);
    ~RemoteTts() override;

    bool submit(const std::string& session_key, TtsJob job) override;
    std::size_t cancel(const std::string& session_key, const std::string& tag) override;

    engines::BackendRouter& router() { return *router_; }
    const engines::BackendRouter& router() const { return *router_; }
    bool has_fallback() const { return fallback_ != nullptr; }

private:
    struct Running;
    boost::asio::awaitable<void> run(std::string session_key, TtsJob job,
                                     std::shared_ptr<Running> running);
    void forget(const std::shared_ptr<Running>& running);
    std::string remote_voice(const std::string& asked) const;

    std::vector<std::unique_ptr<engines::OpenAiSpeechClient>> clients_;
    std::unique_ptr<engines::BackendRouter> router_;
    TtsService* fallback_;
    const Voices voices_;

    std::mutex mutex_;
    std::multimap<std::string, std::shared_ptr<Running>> running_;  // by tag
};

}  // namespace confab::pool
