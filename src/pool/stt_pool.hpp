// A fixed pool of speech-to-text workers, each with its own decoder.
//
// Sessions open an SttStream per utterance; the stream waits in a fair queue
// (round-robin across sessions) until a worker is free, which then decodes
// its audio as it arrives. Decoders are independent (pocketsphinx cannot
// safely share its language model between concurrently running decoders);
// each worker creates its decoder on its own thread at start-up, and the
// constructor returns once all have loaded (0.5-0.8 s each, in parallel): a
// decoder loaded on demand made each of the first utterances after start
// wait that long for its transcript (the first turn of every user in the
// capacity runs was the slowest). Owned by the server; thread-safe.
#pragma once
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "engines/stt/speech_recognizer.hpp"
#include "pool/stt_service.hpp"
#include "pool/stt_stream.hpp"
#include "util/fair_queue.hpp"

namespace confab::metrics {
class Histogram;
}

namespace confab::pool {

class SttPool final : public SttService {
public:
    struct Options {
        int workers = 4;
        std::size_t max_waiting = 256;  // utterances waiting for a worker, in total
        std::size_t max_waiting_per_session = 2;
        int partial_interval_ms = 300;  // how often a partial hypothesis is taken
        // A worker is handed a stream's audio this much at a time (see
        // SttStream's min_batch_samples); 0 or 20: frame by frame.
        int batch_ms = 100;
        // While a stream whose speaker paused or whose turn ended is decoded,
        // workers on streams still being spoken hold their next batch back
        // (at most max_deferral_ms a batch, so they are never starved; they
        // then decode all that piled up as one batch): its result is awaited
        // now, theirs can wait.
        bool urgent_first = true;
        int max_deferral_ms = 200;
    };

    SttPool(std::shared_ptr<engines::SpeechRecognizerFactory> factory, int sample_rate,
            Options options);
    ~SttPool() override;  // stop()
    // Closes the queue and joins the workers (idempotent). Their last
    // callbacks post to session strands, so this must run while the
    // io_context still exists.
    void stop();

    int sample_rate() const override { return sample_rate_; }
    std::size_t batch_samples() const override {
        return static_cast<std::size_t>(sample_rate_) *
               static_cast<std::size_t>(options_.batch_ms) / 1000;
    }
    // Queues the stream for the next free worker; false if the queue is full.
    bool submit(const std::string& session_key, std::shared_ptr<SttStream> stream) override;

    int workers() const { return static_cast<int>(threads_.size()); }
    int busy() const { return busy_.load(); }
    std::size_t waiting() const { return queue_.size(); }
    // Longest queue wait of the last seconds, or of a stream waiting now.
    std::chrono::steady_clock::duration recent_wait() const { return queue_.recent_wait(); }
    // Where to record how long each utterance waited for a worker (null: nowhere).
    // Set once at start-up, before the first submit().
    void observe_queue_wait(metrics::Histogram* histogram) { queue_wait_ = histogram; }

private:
    void run_worker(std::unique_ptr<engines::SpeechRecognizer> decoder);
    void decode(engines::SpeechRecognizer& decoder, SttStream& stream);
    // Urgent work (Options::urgent_first): without it the cores are shared
    // equally between the turn that is ending and every live stream, and
    // under load the final result waits for all of them.
    void begin_urgent();
    void end_urgent();
    void defer_to_urgent();
    // One batch's urgent work, begun when made and ended when destroyed.
    // Why a scope: decode() leaves a batch by several returns (errors, the
    // final result); an urgent count left raised would make every other
    // worker wait max_deferral_ms before each of its batches from then on.
    class UrgentScope {
    public:
        UrgentScope(SttPool& pool, bool urgent);
        ~UrgentScope();
        UrgentScope(const UrgentScope&) = delete;
        UrgentScope& operator=(const UrgentScope&) = delete;

    private:
        SttPool* pool_;  // null: the batch is not urgent
    };

    std::mutex urgent_mutex_;
    std::condition_variable urgent_cv_;
    int urgent_ = 0;
    bool stopping_ = false;

    std::shared_ptr<engines::SpeechRecognizerFactory> factory_;
    const int sample_rate_;
    const Options options_;
    struct Waiting {
        std::shared_ptr<SttStream> stream;
        std::chrono::steady_clock::time_point since;
    };
    util::FairQueue<Waiting> queue_;
    metrics::Histogram* queue_wait_ = nullptr;
    std::atomic<int> busy_{0};
    std::vector<std::thread> threads_;
};

}  // namespace confab::pool
