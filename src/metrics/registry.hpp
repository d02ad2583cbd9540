// The set of metric families one server exposes, in registration order, and
// their rendering as Prometheus text. Families are registered at start-up;
// rendering may run on any thread at any time (each family locks itself).
// Owned by Metrics; there is no process-wide registry.
#pragma once
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "metrics/family.hpp"

namespace confab::metrics {

class Registry {
public:
    Family<Counter>& counter(std::string name, std::string help,
                             std::vector<std::string> label_names = {});
    Family<Gauge>& gauge(std::string name, std::string help,
                         std::vector<std::string> label_names = {});
    Family<Histogram>& histogram(std::string name, std::string help,
                                 std::vector<std::string> label_names,
                                 std::span<const double> bounds);
    void callback(std::string name, std::string type, std::string help, CallbackFamily::Fn fn);

    std::string render() const;

private:
    template <class F>
    F& add(std::unique_ptr<F> family);

    mutable std::mutex mutex_;
    std::vector<std::unique_ptr<Collectable>> families_;
};

}  // namespace confab::metrics
