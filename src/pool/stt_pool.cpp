#include "pool/stt_pool.hpp"

#include <latch>
#include <memory>

#include "metrics/histogram.hpp"
#include "util/errors.hpp"
#include "util/log.hpp"

namespace confab::pool {

SttPool::SttPool(std::shared_ptr<engines::SpeechRecognizerFactory> factory, int sample_rate,
                 Options options)
    : factory_(std::move(factory)),
      sample_rate_(sample_rate),
      options_(options),
      queue_(options.max_waiting, options.max_waiting_per_session) {
    std::latch loaded(options_.workers);
    for (int i = 0; i < options_.workers; ++i) {
        threads_.emplace_back([this, &loaded] {
            auto decoder = factory_->create();  // null if it failed: retried per utterance
            loaded.count_down();                // `loaded` is not touched after this
            run_worker(std::move(decoder));
        });
    }
    loaded.wait();
}

SttPool::~SttPool() {
    stop();
}

void SttPool::stop() {
    {
        const std::lock_guard lock(urgent_mutex_);
        stopping_ = true;
    }
    urgent_cv_.notify_all();
    queue_.close();
    for (auto& t : threads_) {
        if (t.joinable()) t.join();
    }
}

bool SttPool::submit(const std::string& session_key, std::shared_ptr<SttStream> stream) {
    return queue_.push(session_key, Waiting{std::move(stream), std::chrono::steady_clock::now()}) ==
           util::FairQueue<Waiting>::PushResult::ok;
}

void SttPool::run_worker(std::unique_ptr<engines::SpeechRecognizer> decoder) {
    while (auto waiting = queue_.pop()) {
        auto& stream = waiting->stream;
        if (queue_wait_ != nullptr)
            queue_wait_->observe(
                std::chrono::duration<double>(std::chrono::steady_clock::now() - waiting->since)
                    .count());
        if (stream->cancelled()) continue;
        if (!decoder) decoder = factory_->create();
        if (!decoder) {
            stream->deliver_error(make_error_code(errc::engine_unavailable),
                                  "speech recognizer failed to load");
            continue;
        }
        ++busy_;
        decode(*decoder, *stream);
        --busy_;
    }
}

void SttPool::begin_urgent() {
    const std::lock_guard lock(urgent_mutex_);
    ++urgent_;
}

void SttPool::end_urgent() {
    {
        const std::lock_guard lock(urgent_mutex_);
        --urgent_;
    }
    urgent_cv_.notify_all();
}

SttPool::UrgentScope::UrgentScope(SttPool& pool, bool urgent) : pool_(urgent ? &pool : nullptr) {
    if (pool_ != nullptr) pool_->begin_urgent();
}

SttPool::UrgentScope::~UrgentScope() {
    if (pool_ != nullptr) pool_->end_urgent();
}

void SttPool::defer_to_urgent() {
    std::unique_lock lock(urgent_mutex_);
    urgent_cv_.wait_for(lock, std::chrono::milliseconds(options_.max_deferral_ms),
                        [&] { return urgent_ == 0 || stopping_; });
}

void SttPool::decode(engines::SpeechRecognizer& decoder, SttStream& stream) {
    if (auto ec = decoder.start_utterance()) {
        stream.deliver_error(ec, "could not start an utterance");
        return;
    }
    const std::size_t partial_every =
        static_cast<std::size_t>(sample_rate_) * options_.partial_interval_ms / 1000;
    std::size_t since_partial = 0;
    std::string last_partial;
    SttStream::Batch batch;
    for (;;) {
        if (!stream.wait_audio(batch)) {
            decoder.cancel();
            return;
        }
        const bool urgent = options_.urgent_first && (batch.finished || batch.partial_requested);
        const UrgentScope urgent_scope(*this, urgent);
        if (!urgent && options_.urgent_first && !batch.audio.empty()) defer_to_urgent();
        if (!batch.audio.empty()) {
            if (auto ec = decoder.feed(batch.audio)) {
                decoder.cancel();
                stream.deliver_error(ec, "speech recognizer failed while decoding");
                return;
            }
            since_partial += batch.audio.size();
        }
        if (batch.finished) {
            std::string text;
            if (auto ec = decoder.finish(text)) {
                stream.deliver_error(ec, "speech recognizer failed to finish");
                return;
            }
            stream.deliver_final(std::move(text));
            return;
        }
        if (since_partial >= partial_every || (batch.partial_requested && since_partial > 0)) {
            since_partial = 0;
            std::string partial = decoder.partial();
            if (partial != last_partial) {
                last_partial = partial;
                stream.deliver_partial(partial);
            }
        }
        // With no audio since the last hypothesis, that one still covers it all.
        if (batch.partial_requested) stream.deliver_requested_partial(last_partial);
    }
}

}  // namespace confab::pool
