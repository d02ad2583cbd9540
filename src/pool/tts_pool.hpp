// A fixed pool of text-to-speech workers sharing one synthesizer, fed by a
// queue that is fair across sessions. The synthesizer decides its own
// thread-safety (flite is safe with one shared voice; espeak-ng serialises
// inside). Owned by the server; thread-safe.
#pragma once
#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "engines/tts/speech_synthesizer.hpp"
#include "pool/tts_job.hpp"
#include "pool/tts_service.hpp"
#include "util/fair_queue.hpp"

namespace confab::metrics {
class Histogram;
}

namespace confab::pool {

class TtsPool final : public TtsService {
public:
    struct Options {
        int workers = 2;
        std::size_t max_queued = 256;
        std::size_t max_queued_per_session = 16;
    };

    TtsPool(std::shared_ptr<engines::SpeechSynthesizer> synthesizer, Options options);
    ~TtsPool() override;
    // Closes the queue and joins the workers (idempotent). Their last
    // callbacks post to session strands, so this must run while the
    // io_context still exists.
    void stop();

    engines::SpeechSynthesizer& synthesizer() { return *synthesizer_; }
    // False when the queue refused the job (full).
    bool submit(const std::string& session_key, TtsJob job) override;
    // Removes queued (not yet running) jobs of a response; returns how many.
    std::size_t cancel(const std::string& session_key, const std::string& tag) override;

    int workers() const { return static_cast<int>(threads_.size()); }
    int busy() const { return busy_.load(); }
    std::size_t waiting() const { return queue_.size(); }
    // Longest queue wait of the last seconds, or of a job waiting now.
    std::chrono::steady_clock::duration recent_wait() const { return queue_.recent_wait(); }
    // Where to record how long each job waited for a worker (null: nowhere).
    // Set once at start-up, before the first submit().
    void observe_queue_wait(metrics::Histogram* histogram) { queue_wait_ = histogram; }

private:
    void run_worker();

    std::shared_ptr<engines::SpeechSynthesizer> synthesizer_;
    util::FairQueue<TtsJob> queue_;
    std::atomic<int> busy_{0};
    metrics::Histogram* queue_wait_ = nullptr;
    std::vector<std::thread> threads_;
};

}  // namespace confab::pool
