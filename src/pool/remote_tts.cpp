#include "pool/remote_tts.hpp"

#include <algorithm>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <optional>

#include "engines/tts/openai_speech_client.hpp"
#include "util/errors.hpp"
#include "util/log.hpp"

// g++ 12 false positive on Asio coroutine frames (see openai_chat_model.cpp).
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

namespace confab::pool {
namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;
using engines::BackendRouter;

namespace {

bool has(const std::vector<std::string>& list, const std::string& name) {
    return std::find(list.begin(), list.end(), name) != list.end();
}

}  // namespace

// A job in flight: how cancel() reaches into its stream.
struct RemoteTts::Running {
    explicit Running(asio::any_io_executor e) : executor(std::move(e)) {}
    asio::any_io_executor executor;
    asio::cancellation_signal signal;  // used on `executor` only
    std::string tag;
};

RemoteTts::RemoteTts(std::vector<std::unique_ptr<engines::OpenAiSpeechClient>> clients,
                     std::unique_ptr<BackendRouter> router, TtsService* fallback, Voices voices)
    : clients_(std::move(clients)),
      router_(std::move(router)),
      fallback_(fallback),
      voices_(std::move(voices)) {}

RemoteTts::~RemoteTts() = default;

std::string RemoteTts::remote_voice(const std::string& asked) const {
    if (has(voices_.remote, asked)) return asked;
    return voices_.remote.empty() ? asked : voices_.remote.front();
}

bool RemoteTts::submit(const std::string& session_key, TtsJob job) {
    if (fallback_ != nullptr && !router_->any_available(Clock::now())) {
        if (!has(voices_.fallback, job.options.voice)) job.options.voice.clear();
        return fallback_->submit(session_key, std::move(job));
    }
    auto running = std::make_shared<Running>(job.executor);
    running->tag = job.tag;
    {
        const std::lock_guard lock(mutex_);
        running_.emplace(job.tag, running);
    }
    asio::co_spawn(running->executor, run(session_key, std::move(job), running),
                   asio::bind_cancellation_slot(running->signal.slot(), asio::detached));
    return true;
}

std::size_t RemoteTts::cancel(const std::string& session_key, const std::string& tag) {
    {
        const std::lock_guard lock(mutex_);
        const auto [begin, end] = running_.equal_range(tag);
        for (auto it = begin; it != end; ++it) {
            // On the job's strand, from a fresh handler (never from inside
            // the job's own coroutine).
            asio::post(it->second->executor, [running = it->second] {
                running->signal.emit(asio::cancellation_type::terminal);
            });
        }
    }
    return fallback_ != nullptr ? fallback_->cancel(session_key, tag) : 0;
}

void RemoteTts::forget(const std::shared_ptr<Running>& running) {
    const std::lock_guard lock(mutex_);
    const auto [begin, end] = running_.equal_range(running->tag);
    for (auto it = begin; it != end; ++it) {
        if (it->second == running) {
            running_.erase(it);
            return;
        }
    }
}

asio::awaitable<void> RemoteTts::run(std::string session_key, TtsJob job,
                                     std::shared_ptr<Running> running) {
    co_await asio::this_coro::throw_if_cancelled(false);
    const asio::cancellation_state state = co_await asio::this_coro::cancellation_state;
    const auto cancelled = [&] {
        return state.cancelled() != asio::cancellation_type::none ||
               (job.cancelled && job.cancelled->load());
    };
    std::vector<bool> tried(clients_.size(), false);
    std::string failures;
    std::error_code last = make_error_code(errc::backend_unreachable);
    const std::string voice = remote_voice(job.options.voice);
    for (;;) {
        std::optional<BackendRouter::Attempt> attempt = router_->pick(tried, Clock::now());
        if (!attempt) break;
        const std::size_t index = attempt->index();
        tried[index] = true;
        const Clock::time_point start = Clock::now();
        std::optional<Clock::time_point> first_audio;
        engines::SpeechOutcome outcome =
            co_await clients_[index]->synthesize(session_key, job.text, voice, job.options.speed,
                                                 [&](std::span<const std::int16_t> pcm, int rate) {
                                                     if (cancelled()) return;
                                                     if (!first_audio) first_audio = Clock::now();
                                                     job.on_audio(pcm, rate);
                                                 });
        if (!outcome.error && !cancelled()) {
            attempt->succeeded(first_audio.value_or(Clock::now()) - start);
            forget(running);
            job.on_done({});
            co_return;
        }
        if (cancelled() || outcome.error == errc::cancelled) {
            attempt->abandoned();
            forget(running);
            job.on_done(make_error_code(errc::cancelled));
            co_return;
        }
        attempt->failed(BackendRouter::failure_of(outcome.error), outcome.message, Clock::now());
        const std::string& name = router_->backend(index).name;
        log::warn("text-to-speech backend failed",
                  {{"backend", name}, {"session", session_key}, {"error", outcome.message}});
        if (outcome.audio_started || first_audio) {
            forget(running);
            job.on_done(outcome.error);
            co_return;
        }
        if (!failures.empty()) failures += "; ";
        failures += name + ": " + outcome.message;
        last = outcome.error;
    }
    forget(running);
    if (failures.empty()) failures = router_->unavailable_reason(Clock::now());
    if (fallback_ == nullptr) {
        log::warn("no text-to-speech backend could speak",
                  {{"session", session_key}, {"why", failures}});
        job.on_done(last);
        co_return;
    }
    log::warn("remote text-to-speech failed; the embedded engine speaks",
              {{"session", session_key}, {"why", failures}});
    if (!has(voices_.fallback, job.options.voice)) job.options.voice.clear();
    auto on_done = job.on_done;
    if (!fallback_->submit(session_key, std::move(job))) on_done(make_error_code(errc::queue_full));
}

}  // namespace confab::pool
