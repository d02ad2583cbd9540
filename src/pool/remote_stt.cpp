#include "pool/remote_stt.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <optional>

#include "engines/stt/openai_transcription_client.hpp"
#include "util/errors.hpp"
#include "util/log.hpp"

// g++ 12 false positive on Asio coroutine frames (see openai_chat_model.cpp).
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

namespace confab::pool {
namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;
using engines::BackendRouter;

struct RemoteStt::Result {
    std::error_code error;
    std::string message;
    std::string text;
};

// One utterance's state, on its session's strand only.
struct RemoteStt::Utterance {
    Utterance(std::string k, std::shared_ptr<SttStream> s)
        : key(std::move(k)), stream(std::move(s)), timer(stream->executor()) {
        timer.expires_at(asio::steady_timer::time_point::max());
    }

    std::string key;
    std::shared_ptr<SttStream> stream;
    // The main loop sleeps on the timer; the stream's waker cancels it.
    // `woken` keeps a wake that came while the loop was busy.
    asio::steady_timer timer;
    bool woken = false;
    std::vector<std::int16_t> audio;  // all of the utterance so far
    bool overflowed = false;
    // Partials::local: the same audio decoded by pocketsphinx, for its
    // partials only (its final is ignored; cancelled once ours is in).
    std::shared_ptr<SttStream> shadow;
    // Terminal cancellation of the requests in flight when the stream is
    // cancelled (the user's turn was dropped, the session closed).
    asio::cancellation_signal cancel_final;
    asio::cancellation_signal cancel_speculation;

    // The pause's speculative transcription: of the first spec_samples.
    bool spec_running = false;
    bool spec_again = false;  // another pause came while it ran
    std::size_t spec_samples = 0;
    std::optional<Result> spec_result;

    void wake() {
        woken = true;
        timer.cancel();
    }
    // Sleeps until woken (returns at once if a wake came meanwhile).
    asio::awaitable<void> sleep() {
        if (!woken) co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
        woken = false;
        timer.expires_at(asio::steady_timer::time_point::max());
    }
};

RemoteStt::RemoteStt(std::vector<std::unique_ptr<engines::OpenAiTranscriptionClient>> clients,
                     std::unique_ptr<BackendRouter> router, SttService* fallback, Partials partials)
    : clients_(std::move(clients)),
      router_(std::move(router)),
      fallback_(fallback),
      partials_(partials) {}

RemoteStt::~RemoteStt() = default;

bool RemoteStt::submit(const std::string& session_key, std::shared_ptr<SttStream> stream) {
    // Every breaker open: straight to pocketsphinx, partials and all.
    if (fallback_ != nullptr && !router_->any_available(Clock::now())) {
        return fallback_->submit(session_key, std::move(stream));
    }
    auto u = std::make_shared<Utterance>(session_key, std::move(stream));
    std::weak_ptr<Utterance> weak = u;
    u->stream->set_waker([weak] {
        auto self = weak.lock();
        if (!self) return;
        self->wake();
        if (!self->stream->cancelled()) return;
        if (self->shadow) self->shadow->cancel();
        // Posted: never emitted from inside a coroutine's own call stack.
        asio::post(self->stream->executor(), [self] {
            self->cancel_final.emit(asio::cancellation_type::terminal);
            self->cancel_speculation.emit(asio::cancellation_type::terminal);
        });
    });
    if (partials_ == Partials::local && fallback_ != nullptr) {
        std::weak_ptr<SttStream> weak_stream = u->stream;
        SttStream::Callbacks relay;
        relay.on_partial = [weak_stream](const std::string& text) {
            if (auto target = weak_stream.lock()) target->deliver_partial(text);
        };
        auto shadow =
            std::make_shared<SttStream>(u->stream->executor(), std::move(relay),
                                        u->stream->max_pending(), fallback_->batch_samples());
        // A full embedded queue costs the partials, not the transcript.
        if (fallback_->submit(session_key, shadow)) u->shadow = std::move(shadow);
    }
    asio::co_spawn(u->stream->executor(), run(u),
                   asio::bind_cancellation_slot(u->cancel_final.slot(), asio::detached));
    return true;
}

asio::awaitable<void> RemoteStt::run(std::shared_ptr<Utterance> u) {
    // A cancelled utterance ends here quietly, not with an exception.
    co_await asio::this_coro::throw_if_cancelled(false);
    SttStream& stream = *u->stream;
    for (;;) {
        SttStream::Batch batch;
        if (!stream.take(batch)) {  // cancelled
            if (u->shadow) u->shadow->cancel();
            co_return;
        }
        const std::size_t room =
            stream.max_pending() - std::min(stream.max_pending(), u->audio.size());
        if (batch.audio.size() > room && !u->overflowed) {
            u->overflowed = true;
            log::warn("utterance longer than its bound: the rest is not transcribed",
                      {{"session", u->key}});
        }
        u->audio.insert(
            u->audio.end(), batch.audio.begin(),
            batch.audio.begin() + static_cast<std::ptrdiff_t>(std::min(room, batch.audio.size())));
        if (u->shadow) u->shadow->feed(batch.audio);
        if (batch.partial_requested) {
            if (u->spec_running) {
                u->spec_again = true;
            } else {
                asio::co_spawn(
                    stream.executor(), speculate(u),
                    asio::bind_cancellation_slot(u->cancel_speculation.slot(), asio::detached));
            }
        }
        if (batch.finished) break;
        co_await u->sleep();
    }
    // The turn ended: no more partials (the shadow's final is not wanted).
    if (u->shadow) u->shadow->cancel();
    // A speculation of exactly this audio is the answer.
    while (u->spec_running && u->spec_samples == u->audio.size()) {
        co_await u->sleep();
        if (stream.cancelled()) co_return;
    }
    if (u->spec_result && u->spec_samples == u->audio.size() && !u->spec_result->error) {
        stream.deliver_final(std::move(u->spec_result->text));
        co_return;
    }
    // A speculation of less than the whole is of no use any more.
    if (u->spec_running) u->cancel_speculation.emit(asio::cancellation_type::terminal);
    Result result = co_await transcribe(u, u->audio, partials_ == Partials::server);
    if (stream.cancelled() || result.error == errc::cancelled) co_return;
    if (!result.error) {
        stream.deliver_final(std::move(result.text));
    } else if (fallback_ != nullptr) {
        log::warn("remote speech-to-text failed; pocketsphinx transcribes the turn",
                  {{"session", u->key}, {"why", result.message}});
        hand_to_fallback(*u, false);
    } else {
        stream.deliver_error(result.error, result.message);
    }
}

// Runs while the loop goes on gathering audio; answers the pause's partial
// request, then wakes the loop (which may be waiting for this result).
asio::awaitable<void> RemoteStt::speculate(std::shared_ptr<Utterance> u) {
    co_await asio::this_coro::throw_if_cancelled(false);
    for (;;) {
        u->spec_running = true;
        u->spec_again = false;
        u->spec_samples = u->audio.size();
        u->spec_result.reset();
        Result result = co_await transcribe(u, u->audio, false);
        u->spec_running = false;
        if (u->stream->cancelled() || result.error == errc::cancelled) co_return;
        // A failed speculation still answers (with nothing heard), so that
        // the turn detector is never left waiting; the final request retries.
        u->stream->deliver_requested_partial(result.error ? std::string() : result.text);
        u->spec_result = std::move(result);
        u->wake();
        if (!u->spec_again) co_return;
    }
}

asio::awaitable<RemoteStt::Result> RemoteStt::transcribe(std::shared_ptr<Utterance> u,
                                                         std::vector<std::int16_t> audio,
                                                         bool partials) {
    std::vector<bool> tried(clients_.size(), false);
    std::string failures;
    Result last{make_error_code(errc::backend_unreachable), {}, {}};
    bool attempted = false;
    for (;;) {
        std::optional<BackendRouter::Attempt> attempt = router_->pick(tried, Clock::now());
        if (!attempt) break;
        const std::size_t index = attempt->index();
        tried[index] = true;
        attempted = true;
        engines::OpenAiTranscriptionClient::PartialSink on_partial;
        if (partials) {
            std::weak_ptr<SttStream> weak = u->stream;
            on_partial = [weak](const std::string& text) {
                if (auto stream = weak.lock()) stream->deliver_partial(text);
            };
        }
        const Clock::time_point start = Clock::now();
        engines::TranscriptionOutcome outcome = co_await clients_[index]->transcribe(
            u->key, audio, sample_rate(), std::string(), std::move(on_partial));
        if (!outcome.error) {
            attempt->succeeded(Clock::now() - start);
            co_return Result{{}, {}, std::move(outcome.text)};
        }
        if (outcome.error == errc::cancelled || u->stream->cancelled()) {
            attempt->abandoned();
            co_return Result{make_error_code(errc::cancelled), "cancelled", {}};
        }
        attempt->failed(BackendRouter::failure_of(outcome.error), outcome.message, Clock::now());
        const std::string& name = router_->backend(index).name;
        log::warn("speech-to-text backend failed",
                  {{"backend", name}, {"session", u->key}, {"error", outcome.message}});
        if (!failures.empty()) failures += "; ";
        failures += name + ": " + outcome.message;
        last = Result{outcome.error, {}, {}};
    }
    last.message = attempted ? "no speech-to-text backend could transcribe: " + failures
                             : router_->unavailable_reason(Clock::now());
    co_return last;
}

void RemoteStt::hand_to_fallback(Utterance& u, bool partial_requested) {
    u.stream->set_waker({});
    u.stream->put_back(std::move(u.audio), partial_requested);
    if (!fallback_->submit(u.key, u.stream)) {
        u.stream->deliver_error(make_error_code(errc::queue_full),
                                "remote speech-to-text failed and the speech recognizer queue "
                                "is full");
    }
}

}  // namespace confab::pool
