// A metric family: one name, one help text, fixed label names, and one child
// instrument (Counter, Gauge or Histogram) per set of label values.
//
// labels() takes a short lock to find or create the child; the reference it
// returns stays valid for the family's life, so callers on hot paths resolve
// their labels once and keep the reference. Thread-safe.
#pragma once
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "metrics/counter.hpp"
#include "metrics/histogram.hpp"
#include "metrics/text_writer.hpp"

namespace confab::metrics {

// Anything the registry can write out.
class Collectable {
public:
    virtual ~Collectable() = default;
    virtual void write(TextWriter& out) const = 0;
};

template <class T>
class Family final : public Collectable {
public:
    using Factory = std::function<std::unique_ptr<T>()>;

    Family(std::string name, std::string help, std::vector<std::string> label_names,
           Factory factory)
        : name_(std::move(name)),
          help_(std::move(help)),
          label_names_(std::move(label_names)),
          factory_(std::move(factory)) {}

    // The child for these label values (as many as label names; missing
    // values are empty, extra ones ignored).
    T& labels(std::initializer_list<std::string_view> values) {
        std::vector<std::string> key;
        key.reserve(label_names_.size());
        auto it = values.begin();
        for (std::size_t i = 0; i < label_names_.size(); ++i, it = it == values.end() ? it : it + 1)
            key.emplace_back(it == values.end() ? std::string_view{} : *it);
        const std::lock_guard lock(mutex_);
        auto& child = children_[key];
        if (!child) child = factory_();
        return *child;
    }

    const std::string& name() const { return name_; }

    // Calls fn(label values, child) for every child, under the lock.
    template <class Fn>
    void for_each(Fn&& fn) const {
        const std::lock_guard lock(mutex_);
        for (const auto& [key, child] : children_) fn(key, *child);
    }

    void write(TextWriter& out) const override;

private:
    Labels labelled(const std::vector<std::string>& values) const {
        Labels l;
        for (std::size_t i = 0; i < label_names_.size(); ++i)
            l.emplace_back(label_names_[i], values[i]);
        return l;
    }

    const std::string name_;
    const std::string help_;
    const std::vector<std::string> label_names_;
    const Factory factory_;
    mutable std::mutex mutex_;
    std::map<std::vector<std::string>, std::unique_ptr<T>> children_;
};

template <>
inline void Family<Counter>::write(TextWriter& out) const {
    out.family(name_, "counter", help_);
    for_each(
        [&](const auto& key, const Counter& c) { out.sample(name_, labelled(key), c.value()); });
}

template <>
inline void Family<Gauge>::write(TextWriter& out) const {
    out.family(name_, "gauge", help_);
    for_each([&](const auto& key, const Gauge& g) { out.sample(name_, labelled(key), g.value()); });
}

template <>
inline void Family<Histogram>::write(TextWriter& out) const {
    out.family(name_, "histogram", help_);
    for_each([&](const auto& key, const Histogram& h) {
        out.histogram(name_, labelled(key), h.snapshot());
    });
}

// A family whose samples are computed when written (process statistics,
// engine pool gauges): `fn` writes the samples, the family its header.
class CallbackFamily final : public Collectable {
public:
    using Fn = std::function<void(TextWriter& out, const std::string& name)>;
    CallbackFamily(std::string name, std::string type, std::string help, Fn fn)
        : name_(std::move(name)),
          type_(std::move(type)),
          help_(std::move(help)),
          fn_(std::move(fn)) {}
    void write(TextWriter& out) const override {
        out.family(name_, type_, help_);
        fn_(out, name_);
    }

private:
    const std::string name_, type_, help_;
    const Fn fn_;
};

}  // namespace confab::metrics
