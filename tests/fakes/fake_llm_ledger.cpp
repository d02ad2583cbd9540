#include "fakes/fake_llm_ledger.hpp"

#include <strings.h>

#include <algorithm>

namespace confab::test {

std::string FakeLlmRequest::header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
        if (key.size() == name.size() && strncasecmp(key.data(), name.data(), name.size()) == 0) {
            return value;
        }
    }
    return {};
}

FakeLlmLedger::FakeLlmLedger(FakeLlmScript default_script, ReplyGenerator reply_generator,
                             ScriptAdapter script_adapter)
    : reply_generator_(std::move(reply_generator)),
      script_adapter_(std::move(script_adapter)),
      default_script_(std::move(default_script)) {}

void FakeLlmLedger::push_script(FakeLlmScript script) {
    const std::lock_guard lock(mutex_);
    scripts_.push_back(std::move(script));
}

void FakeLlmLedger::set_default_script(FakeLlmScript script) {
    const std::lock_guard lock(mutex_);
    default_script_ = std::move(script);
}

std::pair<std::size_t, FakeLlmScript> FakeLlmLedger::record(FakeLlmRequest request) {
    std::size_t index = 0;
    FakeLlmScript script;
    bool generate = false;
    bool adapt = false;
    // The adapter runs outside the lock, on a copy of the body.
    const boost::json::value body = script_adapter_ ? request.json : boost::json::value();
    {
        const std::lock_guard lock(mutex_);
        index = requests_.size();
        const bool chat = request.target.ends_with("/chat/completions");
        if (!chat) {
            // Not ours to script: a stray request must not eat a test's script.
            script.error_status = 404;
            script.error_message = "no such endpoint: " + request.target;
        } else if (scripts_.empty()) {
            script = default_script_;
            generate = static_cast<bool>(reply_generator_);
            adapt = static_cast<bool>(script_adapter_);
        } else {
            script = std::move(scripts_.front());
            scripts_.pop_front();
        }
        requests_.push_back(std::move(request));
    }
    changed_.notify_all();
    if (generate) script.reply = reply_generator_(index);
    if (adapt) script_adapter_(body, script);
    return {index, std::move(script)};
}

void FakeLlmLedger::mark_completed(std::size_t index) {
    {
        const std::lock_guard lock(mutex_);
        requests_.at(index).completed = true;
    }
    changed_.notify_all();
}

std::optional<FakeLlmRequest> FakeLlmLedger::mark_disconnected(std::size_t index,
                                                               Clock::time_point at) {
    FakeLlmRequest updated;
    {
        const std::lock_guard lock(mutex_);
        FakeLlmRequest& request = requests_.at(index);
        if (request.completed || request.disconnected_at) return std::nullopt;
        request.disconnected_at = at;
        updated = request;
    }
    changed_.notify_all();
    return updated;
}

std::size_t FakeLlmLedger::connection_opened() {
    std::size_t number = 0;
    {
        const std::lock_guard lock(mutex_);
        number = connections_accepted_++;
        ++connections_open_;
    }
    changed_.notify_all();
    return number;
}

void FakeLlmLedger::connection_closed() {
    {
        const std::lock_guard lock(mutex_);
        --connections_open_;
    }
    changed_.notify_all();
}

void FakeLlmLedger::response_started() {
    const std::lock_guard lock(mutex_);
    ++responses_now_;
    responses_peak_ = std::max(responses_peak_, responses_now_);
}

void FakeLlmLedger::response_ended() {
    const std::lock_guard lock(mutex_);
    --responses_now_;
}

std::size_t FakeLlmLedger::connections_accepted() const {
    const std::lock_guard lock(mutex_);
    return connections_accepted_;
}

std::size_t FakeLlmLedger::connections_open() const {
    const std::lock_guard lock(mutex_);
    return connections_open_;
}

std::size_t FakeLlmLedger::max_concurrent_responses() const {
    const std::lock_guard lock(mutex_);
    return responses_peak_;
}

bool FakeLlmLedger::wait_for_open_connections(std::size_t count,
                                              std::chrono::milliseconds timeout) const {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return connections_open_ == count; });
}

std::size_t FakeLlmLedger::count() const {
    const std::lock_guard lock(mutex_);
    return requests_.size();
}

std::vector<FakeLlmRequest> FakeLlmLedger::all() const {
    const std::lock_guard lock(mutex_);
    return requests_;
}

FakeLlmRequest FakeLlmLedger::at(std::size_t index) const {
    const std::lock_guard lock(mutex_);
    return requests_.at(index);
}

bool FakeLlmLedger::wait_for_requests(std::size_t count, std::chrono::milliseconds timeout) const {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return requests_.size() >= count; });
}

std::optional<FakeLlmLedger::Clock::time_point> FakeLlmLedger::wait_for_disconnect(
    std::size_t index, std::chrono::milliseconds timeout) const {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, timeout, [&] {
        return index < requests_.size() && requests_[index].disconnected_at.has_value();
    });
    if (index >= requests_.size()) return std::nullopt;
    return requests_[index].disconnected_at;
}

bool FakeLlmLedger::wait_for_end(std::size_t index, std::chrono::milliseconds timeout) const {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] {
        return index < requests_.size() &&
               (requests_[index].completed || requests_[index].disconnected_at.has_value());
    });
}

}  // namespace confab::test
