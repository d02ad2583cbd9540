#include "fakes/fake_speech_ledger.hpp"

#include <strings.h>

namespace confab::test {

namespace {

std::size_t slot(FakeSpeechRoute route) {
    return route == FakeSpeechRoute::speech ? 0 : 1;
}

}  // namespace

std::string FakeSpeechRequest::header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
        if (key.size() == name.size() && strncasecmp(key.data(), name.data(), name.size()) == 0) {
            return value;
        }
    }
    return {};
}

FakeSpeechLedger::FakeSpeechLedger(FakeSpeechScript speech_default,
                                   FakeSpeechScript transcription_default)
    : defaults_{std::move(speech_default), std::move(transcription_default)} {}

void FakeSpeechLedger::push_script(FakeSpeechRoute route, FakeSpeechScript script) {
    const std::lock_guard lock(mutex_);
    scripts_[slot(route)].push_back(std::move(script));
}

void FakeSpeechLedger::set_default_script(FakeSpeechRoute route, FakeSpeechScript script) {
    const std::lock_guard lock(mutex_);
    defaults_[slot(route)] = std::move(script);
}

std::pair<std::size_t, FakeSpeechScript> FakeSpeechLedger::record(FakeSpeechRequest request) {
    std::pair<std::size_t, FakeSpeechScript> recorded;
    {
        const std::lock_guard lock(mutex_);
        auto& queue = scripts_[slot(request.route)];
        recorded.first = requests_.size();
        if (queue.empty()) {
            recorded.second = defaults_[slot(request.route)];
        } else {
            recorded.second = std::move(queue.front());
            queue.pop_front();
        }
        requests_.push_back(std::move(request));
        ended_.push_back(false);
    }
    changed_.notify_all();
    return recorded;
}

void FakeSpeechLedger::update(std::size_t index,
                              const std::function<void(FakeSpeechRequest&)>& change) {
    {
        const std::lock_guard lock(mutex_);
        change(requests_.at(index));
    }
    changed_.notify_all();
}

void FakeSpeechLedger::mark_first_byte(std::size_t index) {
    update(index, [](FakeSpeechRequest& request) {
        if (!request.first_byte_at) request.first_byte_at = Clock::now();
    });
}

void FakeSpeechLedger::mark_completed(std::size_t index) {
    {
        const std::lock_guard lock(mutex_);
        requests_.at(index).completed_at = Clock::now();
        ended_.at(index) = true;
    }
    changed_.notify_all();
}

bool FakeSpeechLedger::mark_disconnected(std::size_t index, Clock::time_point at) {
    {
        const std::lock_guard lock(mutex_);
        FakeSpeechRequest& request = requests_.at(index);
        if (ended_.at(index) || request.disconnected_at) return false;
        request.disconnected_at = at;
        ended_.at(index) = true;
        ++disconnects_;
    }
    changed_.notify_all();
    return true;
}

void FakeSpeechLedger::mark_ended(std::size_t index) {
    {
        const std::lock_guard lock(mutex_);
        ended_.at(index) = true;
    }
    changed_.notify_all();
}

std::size_t FakeSpeechLedger::connection_opened() {
    const std::lock_guard lock(mutex_);
    ++connections_open_;
    return connections_accepted_++;
}

void FakeSpeechLedger::connection_closed() {
    {
        const std::lock_guard lock(mutex_);
        --connections_open_;
    }
    changed_.notify_all();
}

std::size_t FakeSpeechLedger::connections_accepted() const {
    const std::lock_guard lock(mutex_);
    return connections_accepted_;
}

std::size_t FakeSpeechLedger::connections_open() const {
    const std::lock_guard lock(mutex_);
    return connections_open_;
}

std::size_t FakeSpeechLedger::disconnects() const {
    const std::lock_guard lock(mutex_);
    return disconnects_;
}

std::size_t FakeSpeechLedger::count() const {
    const std::lock_guard lock(mutex_);
    return requests_.size();
}

std::vector<FakeSpeechRequest> FakeSpeechLedger::all() const {
    const std::lock_guard lock(mutex_);
    return requests_;
}

FakeSpeechRequest FakeSpeechLedger::at(std::size_t index) const {
    const std::lock_guard lock(mutex_);
    return requests_.at(index);
}

bool FakeSpeechLedger::wait_for_requests(std::size_t count,
                                         std::chrono::milliseconds timeout) const {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return requests_.size() >= count; });
}

std::optional<FakeSpeechLedger::Clock::time_point> FakeSpeechLedger::wait_for_disconnect(
    std::size_t index, std::chrono::milliseconds timeout) const {
    std::unique_lock lock(mutex_);
    const bool seen = changed_.wait_for(lock, timeout, [&] {
        return index < requests_.size() && requests_[index].disconnected_at.has_value();
    });
    if (!seen) return std::nullopt;
    return requests_[index].disconnected_at;
}

bool FakeSpeechLedger::wait_for_end(std::size_t index, std::chrono::milliseconds timeout) const {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return index < ended_.size() && ended_[index]; });
}

}  // namespace confab::test
