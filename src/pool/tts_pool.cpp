#include "pool/tts_pool.hpp"

#include "metrics/histogram.hpp"
#include "util/errors.hpp"

namespace confab::pool {

TtsPool::TtsPool(std::shared_ptr<engines::SpeechSynthesizer> synthesizer, Options options)
    : synthesizer_(std::move(synthesizer)),
      queue_(options.max_queued, options.max_queued_per_session) {
    for (int i = 0; i < options.workers; ++i) threads_.emplace_back([this] { run_worker(); });
}

TtsPool::~TtsPool() {
    stop();
}

void TtsPool::stop() {
    queue_.close();
    for (auto& t : threads_) {
        if (t.joinable()) t.join();
    }
}

bool TtsPool::submit(const std::string& session_key, TtsJob job) {
    job.queued_at = std::chrono::steady_clock::now();
    return queue_.push(session_key, std::move(job)) == util::FairQueue<TtsJob>::PushResult::ok;
}

std::size_t TtsPool::cancel(const std::string& session_key, const std::string& tag) {
    return queue_.erase_if(session_key, [&](const TtsJob& j) { return j.tag == tag; });
}

void TtsPool::run_worker() {
    while (auto job = queue_.pop()) {
        if (queue_wait_ != nullptr)
            queue_wait_->observe(
                std::chrono::duration<double>(std::chrono::steady_clock::now() - job->queued_at)
                    .count());
        if (job->cancelled && job->cancelled->load()) {
            if (job->on_done) job->on_done(make_error_code(errc::cancelled));
            continue;
        }
        ++busy_;
        const int rate = synthesizer_->sample_rate(job->options);
        const auto ec = synthesizer_->synthesize(job->text, job->options,
                                                 [&](std::span<const std::int16_t> pcm) {
                                                     if (job->cancelled && job->cancelled->load())
                                                         return false;
                                                     job->on_audio(pcm, rate);
                                                     return true;
                                                 });
        --busy_;
        if (job->on_done) job->on_done(ec);
    }
}

}  // namespace confab::pool
