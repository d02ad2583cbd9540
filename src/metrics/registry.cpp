#include "metrics/registry.hpp"

namespace confab::metrics {

template <class F>
F& Registry::add(std::unique_ptr<F> family) {
    F& ref = *family;
    const std::lock_guard lock(mutex_);
    families_.push_back(std::move(family));
    return ref;
}

Family<Counter>& Registry::counter(std::string name, std::string help,
                                   std::vector<std::string> label_names) {
    return add(std::make_unique<Family<Counter>>(std::move(name), std::move(help),
                                                 std::move(label_names),
                                                 [] { return std::make_unique<Counter>(); }));
}

Family<Gauge>& Registry::gauge(std::string name, std::string help,
                               std::vector<std::string> label_names) {
    return add(std::make_unique<Family<Gauge>>(std::move(name), std::move(help),
                                               std::move(label_names),
                                               [] { return std::make_unique<Gauge>(); }));
}

Family<Histogram>& Registry::histogram(std::string name, std::string help,
                                       std::vector<std::string> label_names,
                                       std::span<const double> bounds) {
    std::vector<double> b(bounds.begin(), bounds.end());
    return add(std::make_unique<Family<Histogram>>(std::move(name), std::move(help),
                                                   std::move(label_names),
                                                   [b] { return std::make_unique<Histogram>(b); }));
}

void Registry::callback(std::string name, std::string type, std::string help,
                        CallbackFamily::Fn fn) {
    add(std::make_unique<CallbackFamily>(std::move(name), std::move(type), std::move(help),
                                         std::move(fn)));
}

std::string Registry::render() const {
    TextWriter out;
    const std::lock_guard lock(mutex_);
    for (const auto& f : families_) f->write(out);
    return out.take();
}

}  // namespace confab::metrics
