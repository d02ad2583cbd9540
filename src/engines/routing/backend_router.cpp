#include "engines/routing/backend_router.hpp"

#include <algorithm>

#include "metrics/metrics.hpp"
#include "util/errors.hpp"
#include "util/log.hpp"

namespace confab::engines {

namespace {

// The weight of the newest latency in the moving average: a backend that
// slows down loses its ties within a few requests.
constexpr double kLatencyAlpha = 0.3;

double breaker_gauge(CircuitBreaker::State state) {
    switch (state) {
        case CircuitBreaker::State::closed:
            return 0;
        case CircuitBreaker::State::half_open:
            return 1;
        case CircuitBreaker::State::open:
            return 2;
    }
    return 0;
}

std::string_view outcome_name(BackendRouter::Failure failure) {
    switch (failure) {
        case BackendRouter::Failure::error:
            return "error";
        case BackendRouter::Failure::timeout:
            return "timeout";
        case BackendRouter::Failure::unreachable:
            return "unreachable";
        case BackendRouter::Failure::saturated:
            return "saturated";
    }
    return "error";
}

}  // namespace

BackendRouter::Failure BackendRouter::failure_of(std::error_code error) {
    if (error == errc::timeout) return Failure::timeout;
    if (error == errc::backend_unreachable) return Failure::unreachable;
    if (error == errc::backend_saturated) return Failure::saturated;
    return Failure::error;
}

struct BackendRouter::Slot {
    Slot(Backend b, CircuitBreaker::Options options) : backend(std::move(b)), breaker(options) {}

    const Backend backend;
    CircuitBreaker breaker;
    std::atomic<int> in_flight{0};
    std::atomic<std::uint64_t> succeeded{0}, failed{0};

    mutable std::mutex mutex;  // the two below
    double latency_ms = 0;
    std::string last_error;

    metrics::Gauge* in_flight_gauge = nullptr;
    metrics::Gauge* breaker_gauge = nullptr;
    metrics::Histogram* latency = nullptr;
};

BackendRouter::Attempt::Attempt(Attempt&& other) noexcept
    : router_(other.router_), index_(other.index_) {
    other.router_ = nullptr;
}

BackendRouter::Attempt::~Attempt() {
    abandoned();
}

void BackendRouter::Attempt::release() {
    Slot& slot = *router_->slots_[index_];
    slot.in_flight.fetch_sub(1);
    if (slot.in_flight_gauge != nullptr) slot.in_flight_gauge->dec();
    router_ = nullptr;
}

void BackendRouter::Attempt::succeeded(Clock::duration first_output) {
    if (router_ == nullptr) return;
    BackendRouter& router = *router_;
    Slot& slot = *router.slots_[index_];
    const double ms = std::chrono::duration<double, std::milli>(first_output).count();
    {
        const std::lock_guard lock(slot.mutex);
        slot.latency_ms =
            slot.latency_ms == 0 ? ms : slot.latency_ms + kLatencyAlpha * (ms - slot.latency_ms);
    }
    slot.succeeded.fetch_add(1);
    if (slot.latency != nullptr) slot.latency->observe(ms / 1000.0);
    router.count(slot, "ok");
    router.record(slot, slot.breaker.on_success(), "a request succeeded");
    release();
}

void BackendRouter::Attempt::failed(Failure failure, std::string message, Clock::time_point now) {
    if (router_ == nullptr) return;
    BackendRouter& router = *router_;
    Slot& slot = *router.slots_[index_];
    {
        const std::lock_guard lock(slot.mutex);
        slot.last_error = message;
    }
    slot.failed.fetch_add(1);
    router.count(slot, outcome_name(failure));
    if (failure == Failure::saturated) {
        slot.breaker.on_abandoned();
    } else {
        router.record(slot, slot.breaker.on_failure(now), message);
    }
    release();
}

void BackendRouter::Attempt::abandoned() {
    if (router_ == nullptr) return;
    Slot& slot = *router_->slots_[index_];
    slot.breaker.on_abandoned();
    router_->count(slot, "cancelled");
    release();
}

BackendRouter::BackendRouter(std::string engine, std::vector<Backend> backends,
                             CircuitBreaker::Options breaker)
    : engine_(std::move(engine)) {
    slots_.reserve(backends.size());
    for (Backend& backend : backends) {
        slots_.push_back(std::make_unique<Slot>(std::move(backend), breaker));
    }
}

BackendRouter::~BackendRouter() = default;

const BackendRouter::Backend& BackendRouter::backend(std::size_t index) const {
    return slots_[index]->backend;
}

std::optional<BackendRouter::Attempt> BackendRouter::pick(const std::vector<bool>& tried,
                                                          Clock::time_point now) {
    struct Candidate {
        std::size_t index;
        bool room;
        double load;
        double latency_ms;
        int weight;
    };
    std::vector<Candidate> candidates;
    for (std::size_t i = 0; i < slots_.size(); ++i) {
        if (i < tried.size() && tried[i]) continue;
        const Slot& slot = *slots_[i];
        if (!slot.breaker.available(now)) continue;
        const int in_flight = slot.in_flight.load();
        const int weight = std::max(1, slot.backend.weight);
        double latency_ms = 0;
        {
            const std::lock_guard lock(slot.mutex);
            latency_ms = slot.latency_ms;
        }
        candidates.push_back({i, in_flight < slot.backend.max_concurrent,
                              static_cast<double>(in_flight) / weight, latency_ms, weight});
    }
    std::sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
        if (a.room != b.room) return a.room;
        if (a.load != b.load) return a.load < b.load;
        if (a.latency_ms != b.latency_ms) return a.latency_ms < b.latency_ms;
        if (a.weight != b.weight) return a.weight > b.weight;
        return a.index < b.index;
    });
    for (const Candidate& candidate : candidates) {
        Slot& slot = *slots_[candidate.index];
        std::optional<CircuitBreaker::Transition> transition;
        // Another request may have taken the probe since available() said yes.
        if (!slot.breaker.try_acquire(now, transition)) continue;
        record(slot, transition, "its cool-down ended: one request probes it");
        slot.in_flight.fetch_add(1);
        if (slot.in_flight_gauge != nullptr) slot.in_flight_gauge->inc();
        return Attempt(this, candidate.index);
    }
    return std::nullopt;
}

bool BackendRouter::any_available(Clock::time_point now) const {
    return std::any_of(slots_.begin(), slots_.end(),
                       [now](const auto& slot) { return slot->breaker.available(now); });
}

std::string BackendRouter::unavailable_reason(Clock::time_point now) const {
    if (slots_.empty()) return "no " + engine_ + " backend is configured";
    if (any_available(now)) return {};
    std::string why = "no " + engine_ + " backend is usable: ";
    for (std::size_t i = 0; i < slots_.size(); ++i) {
        const Slot& slot = *slots_[i];
        if (i > 0) why += "; ";
        why += slot.backend.name + " " + std::string(CircuitBreaker::name(slot.breaker.state()));
        const std::lock_guard lock(slot.mutex);
        if (!slot.last_error.empty()) why += " (" + slot.last_error + ")";
    }
    return why;
}

std::vector<BackendStatus> BackendRouter::status(Clock::time_point now) const {
    std::vector<BackendStatus> out;
    for (const auto& slot : slots_) {
        BackendStatus s;
        s.engine = engine_;
        s.name = slot->backend.name;
        s.url = slot->backend.url;
        const CircuitBreaker::State state = slot->breaker.state();
        s.breaker = std::string(CircuitBreaker::name(state));
        s.in_flight = slot->in_flight.load();
        s.max_concurrent = slot->backend.max_concurrent;
        s.weight = slot->backend.weight;
        s.consecutive_failures = slot->breaker.consecutive_failures();
        if (state == CircuitBreaker::State::open) {
            s.retry_in_s = std::max(
                0.0, std::chrono::duration<double>(slot->breaker.retry_at() - now).count());
        }
        s.succeeded = slot->succeeded.load();
        s.failed = slot->failed.load();
        {
            const std::lock_guard lock(slot->mutex);
            s.latency_ms = slot->latency_ms;
            s.last_error = slot->last_error;
        }
        out.push_back(std::move(s));
    }
    return out;
}

void BackendRouter::attach_metrics(metrics::Metrics* metrics) {
    metrics_ = metrics;
    for (const auto& slot : slots_) {
        if (metrics == nullptr) {
            slot->in_flight_gauge = slot->breaker_gauge = nullptr;
            slot->latency = nullptr;
            continue;
        }
        const std::string& name = slot->backend.name;
        slot->in_flight_gauge = &metrics->backend_in_flight(engine_, name);
        slot->breaker_gauge = &metrics->backend_breaker_state(engine_, name);
        slot->latency = &metrics->backend_latency(engine_, name);
        slot->breaker_gauge->set(breaker_gauge(slot->breaker.state()));
        // Every outcome and transition reads 0 from the first scrape.
        for (const char* outcome :
             {"ok", "error", "timeout", "unreachable", "saturated", "cancelled"}) {
            metrics->backend_requests(engine_, name, outcome);
        }
        for (const char* to : {"closed", "open", "half_open"}) {
            metrics->backend_breaker_transitions(engine_, name, to);
        }
    }
}

void BackendRouter::count(Slot& slot, std::string_view outcome) {
    if (metrics_ != nullptr) metrics_->backend_requests(engine_, slot.backend.name, outcome).inc();
}

void BackendRouter::record(Slot& slot, std::optional<CircuitBreaker::Transition> transition,
                           const std::string& why) {
    if (!transition) return;
    const std::string to(CircuitBreaker::name(transition->to));
    const std::string from(CircuitBreaker::name(transition->from));
    const bool opened = transition->to == CircuitBreaker::State::open;
    log::write(opened ? log::Level::warn : log::Level::info,
               opened ? "backend circuit breaker opened" : "backend circuit breaker changed",
               {{"engine", engine_},
                {"backend", slot.backend.name},
                {"from", from},
                {"to", to},
                {"why", why}});
    if (metrics_ != nullptr) {
        metrics_->backend_breaker_transitions(engine_, slot.backend.name, to).inc();
        if (slot.breaker_gauge != nullptr) slot.breaker_gauge->set(breaker_gauge(transition->to));
    }
}

}  // namespace confab::engines
