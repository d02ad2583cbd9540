// Runs stream() calls of one OpenAiChatModel on an io_context driven by a
// thread of its own, so that the test thread can watch the fake backend and
// the pool's stats while the calls are in flight, cancel one, and wait for
// outcomes (condition variable: no polling).
#pragma once
#include <boost/asio.hpp>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "engines/llm/openai_chat_model.hpp"
#include "unit/engines/llm/openai_chat_model_test_helpers.hpp"

namespace confab::engines::chat_model_test {

class ConcurrentCalls {
public:
    explicit ConcurrentCalls(OpenAiChatModel& model)
        : model_(model), work_(asio::make_work_guard(io_)), thread_([this] { io_.run(); }) {}

    ~ConcurrentCalls() {
        work_.reset();
        io_.stop();
        thread_.join();
    }

    // Starts one call per key, all from one handler: each reaches the pool
    // (takes a slot or queues) before any network completion runs, so the
    // order of the keys is the order of the queue.
    void start(const std::vector<std::string>& keys) {
        std::vector<Call*> started;
        {
            const std::lock_guard lock(mutex_);
            for (const auto& key : keys) {
                calls_.emplace_back();
                calls_.back().key = key;
                started.push_back(&calls_.back());
            }
        }
        asio::post(io_, [this, started] {
            for (Call* call : started) {
                ChatRequest request = conversation();
                request.session_key = call->key;
                asio::co_spawn(
                    io_,
                    model_.stream(std::move(request),
                                  [this, call](std::string_view delta) {
                                      const std::lock_guard lock(mutex_);
                                      call->text += delta;
                                      changed_.notify_all();
                                  }),
                    asio::bind_cancellation_slot(
                        call->signal.slot(), [this, call](std::exception_ptr, ChatOutcome outcome) {
                            const std::lock_guard lock(mutex_);
                            call->outcome = std::move(outcome);
                            changed_.notify_all();
                        }));
            }
        });
    }

    // A terminal cancellation, emitted on the io thread like a Response does.
    void cancel(std::size_t index) {
        Call* call = nullptr;
        {
            const std::lock_guard lock(mutex_);
            call = &calls_.at(index);
        }
        asio::post(io_, [call] { call->signal.emit(asio::cancellation_type::terminal); });
    }

    std::optional<ChatOutcome> outcome(std::size_t index, std::chrono::milliseconds timeout) {
        std::unique_lock lock(mutex_);
        changed_.wait_for(lock, timeout, [&] { return calls_.at(index).outcome.has_value(); });
        return calls_.at(index).outcome;
    }

    // Waits until the call has streamed some text.
    bool wait_for_text(std::size_t index, std::chrono::milliseconds timeout) {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, timeout, [&] { return !calls_.at(index).text.empty(); });
    }

    std::string text(std::size_t index) {
        const std::lock_guard lock(mutex_);
        return calls_.at(index).text;
    }

private:
    struct Call {
        std::string key;
        asio::cancellation_signal signal;    // used on the io thread only
        std::string text;                    // guarded by mutex_
        std::optional<ChatOutcome> outcome;  // guarded by mutex_
    };

    OpenAiChatModel& model_;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<Call> calls_;  // a deque: calls keep their address
    asio::io_context io_;
    asio::executor_work_guard<asio::io_context::executor_type> work_;
    std::thread thread_;
};

}  // namespace confab::engines::chat_model_test
