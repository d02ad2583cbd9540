// The backends of one engine kind (several language-model servers, say), and
// the choice of which one serves the next request.
//
// Routing: among the backends not yet tried by this request whose circuit
// breaker lets a request through, those with room (in flight below their
// max_concurrent) come first; then the fewest requests in flight per unit of
// weight; ties go to the lower recent latency (a moving average of the time
// to first output), then to the higher weight, then to the order configured.
// A backend whose breaker is open is skipped until its cool-down ends, when
// one request probes it (circuit_breaker.hpp).
//
// A request holds an Attempt from pick() to its verdict: succeeded() (closes
// a half-open breaker, feeds the latency average), failed() (counts toward
// opening it), abandoned() (cancelled, or refused by our own limit: no
// verdict on the backend). Every breaker change is logged (WARN when it
// opens) and counted in metrics.
//
// Ownership: owned by the engine that routes (RoutedLanguageModel, ...);
// must outlive its Attempts. Thread-safe: pick() and the Attempts run on any
// strand; state is atomics and the breakers' own mutexes.
#pragma once
#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "engines/routing/backend_status.hpp"
#include "engines/routing/circuit_breaker.hpp"

namespace confab::metrics {
class Metrics;
class Counter;
class Gauge;
class Histogram;
}  // namespace confab::metrics

namespace confab::engines {

class BackendRouter {
public:
    using Clock = CircuitBreaker::Clock;

    struct Backend {
        std::string name;  // unique within the engine kind
        std::string url;
        int weight = 1;
        int max_concurrent = 16;
    };

    // How a failed request ended, for the metrics' outcome label.
    enum class Failure { error, timeout, unreachable, saturated };
    // The kind of a request's failure from its error code (util/errors.hpp).
    static Failure failure_of(std::error_code error);

    class Attempt {
    public:
        Attempt(Attempt&& other) noexcept;
        Attempt& operator=(Attempt&&) = delete;
        Attempt(const Attempt&) = delete;
        ~Attempt();  // abandoned() if no verdict was given

        std::size_t index() const { return index_; }
        // `first_output`: from the request to its first output.
        void succeeded(Clock::duration first_output);
        // Counts toward opening the breaker, except `saturated`: a backend
        // answering "busy" is alive (it is tried elsewhere, not shunned).
        void failed(Failure failure, std::string message, Clock::time_point now);
        void abandoned();

    private:
        friend class BackendRouter;
        Attempt(BackendRouter* router, std::size_t index) : router_(router), index_(index) {}
        void release();
        BackendRouter* router_;
        std::size_t index_;
    };

    BackendRouter(std::string engine, std::vector<Backend> backends,
                  CircuitBreaker::Options breaker);
    ~BackendRouter();
    BackendRouter(const BackendRouter&) = delete;
    BackendRouter& operator=(const BackendRouter&) = delete;

    // The best backend for a request that has already tried those marked in
    // `tried` (indexed like the backends; shorter means untried); none when
    // every other backend's breaker is open (or its probe is out).
    std::optional<Attempt> pick(const std::vector<bool>& tried, Clock::time_point now);

    std::size_t size() const { return slots_.size(); }
    const Backend& backend(std::size_t index) const;
    const std::string& engine() const { return engine_; }
    // Whether some backend could take a request now.
    bool any_available(Clock::time_point now) const;
    // "" when some backend is available; otherwise why none is, for /readyz.
    std::string unavailable_reason(Clock::time_point now) const;
    std::vector<BackendStatus> status(Clock::time_point now) const;

    // Counts into `metrics` from now on (null: nowhere). Call once at
    // start-up, before the first pick().
    void attach_metrics(metrics::Metrics* metrics);

private:
    struct Slot;
    void record(Slot& slot, std::optional<CircuitBreaker::Transition> transition,
                const std::string& why);
    void count(Slot& slot, std::string_view outcome);

    const std::string engine_;
    std::vector<std::unique_ptr<Slot>> slots_;
    metrics::Metrics* metrics_ = nullptr;
};

}  // namespace confab::engines
