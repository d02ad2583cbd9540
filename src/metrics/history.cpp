#include "metrics/history.hpp"

#include <boost/json/array.hpp>

#include "metrics/process_stats.hpp"

namespace confab::metrics {
namespace json = boost::json;

History::History(Metrics& metrics, std::function<Gauges()> gauges, Options options)
    : metrics_(metrics), gauges_(std::move(gauges)), options_(options) {}

void History::sample() {
    Point p;
    p.at = std::chrono::steady_clock::now();
    p.unix_ms = static_cast<double>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
    p.gauges = gauges_();
    if (const auto stats = ProcessStats::read()) {
        p.cpu_seconds = stats->cpu_seconds;
        p.rss_bytes = static_cast<double>(stats->resident_bytes);
        p.threads = stats->threads;
    }
    p.turns = metrics_.turns.value();
    p.stages.reserve(kStageCount);
    for (std::size_t i = 0; i < kStageCount; ++i)
        p.stages.push_back(metrics_.stage(static_cast<Stage>(i)).snapshot());

    const std::lock_guard lock(mutex_);
    if (!points_.empty()) {
        const Point& prev = points_.back();
        const double wall = std::chrono::duration<double>(p.at - prev.at).count();
        if (wall > 0) p.cpu_percent = 100.0 * (p.cpu_seconds - prev.cpu_seconds) / wall;
    }
    // The window's start: the oldest point not older than the window (or
    // nothing, i.e. all observations since start, while the ring is young).
    const Point* base = nullptr;
    for (const auto& old : points_) {
        if (p.at - old.at <= options_.window) {
            base = &old;
            break;
        }
    }
    static const Histogram::Snapshot empty;
    p.latency.resize(kStageCount);
    for (std::size_t i = 0; i < kStageCount; ++i) {
        const auto& before = base ? base->stages[i] : empty;
        auto& q = p.latency[i];
        q.n = p.stages[i].count() - (base ? before.count() : 0);
        q.p50 = quantile_between(before, p.stages[i], 0.50);
        q.p95 = quantile_between(before, p.stages[i], 0.95);
        q.p99 = quantile_between(before, p.stages[i], 0.99);
    }
    points_.push_back(std::move(p));
    while (points_.size() > options_.capacity) points_.pop_front();
}

json::object History::to_json() const {
    auto opt = [](const std::optional<double>& v) -> json::value {
        if (!v) return nullptr;
        return *v;
    };
    auto pool = [](const Pool& p) {
        return json::object{{"workers", p.workers}, {"busy", p.busy}, {"queue", p.queue}};
    };
    json::array stages;
    for (std::size_t i = 0; i < kStageCount; ++i)
        stages.emplace_back(stage_name(static_cast<Stage>(i)));
    json::array points;
    {
        const std::lock_guard lock(mutex_);
        for (const auto& p : points_) {
            json::object latency;
            for (std::size_t i = 0; i < kStageCount; ++i) {
                const auto& q = p.latency[i];
                latency[stage_name(static_cast<Stage>(i))] = json::object{
                    {"n", q.n}, {"p50", opt(q.p50)}, {"p95", opt(q.p95)}, {"p99", opt(q.p99)}};
            }
            points.push_back(json::object{{"t", p.unix_ms},
                                          {"sessions", p.gauges.sessions},
                                          {"sessions_max", p.gauges.sessions_max},
                                          {"stt", pool(p.gauges.stt)},
                                          {"tts", pool(p.gauges.tts)},
                                          {"cpu_percent", opt(p.cpu_percent)},
                                          {"rss_bytes", p.rss_bytes},
                                          {"threads", p.threads},
                                          {"turns", p.turns},
                                          {"latency_s", std::move(latency)}});
        }
    }
    return json::object{{"interval_ms", options_.interval.count()},
                        {"window_s", options_.window.count()},
                        {"stages", std::move(stages)},
                        {"points", std::move(points)}};
}

}  // namespace confab::metrics
