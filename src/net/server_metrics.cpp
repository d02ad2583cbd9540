#include "net/server_metrics.hpp"

#include "metrics/process_stats.hpp"
#include "pool/shared_engines.hpp"
#include "pool/stt_pool.hpp"
#include "pool/tts_pool.hpp"
#include "session/session_registry.hpp"

namespace confab::net {

namespace {

metrics::History::Pool stt_load(const pool::SttPool& p) {
    return {static_cast<double>(p.workers()), static_cast<double>(p.busy()),
            static_cast<double>(p.waiting())};
}
metrics::History::Pool tts_load(const pool::TtsPool& p) {
    return {static_cast<double>(p.workers()), static_cast<double>(p.busy()),
            static_cast<double>(p.waiting())};
}

}  // namespace

std::unique_ptr<metrics::History> install_server_metrics(metrics::Metrics& metrics,
                                                         const session::SessionRegistry& registry,
                                                         pool::SharedEngines& pools) {
    auto& r = metrics.registry();
    r.callback("confab_sessions_active", "gauge", "Realtime sessions currently open.",
               [&registry](metrics::TextWriter& out, const std::string& name) {
                   out.sample(name, {}, static_cast<double>(registry.size()));
               });
    r.callback("confab_sessions_max", "gauge", "The session limit (limits.max_sessions).",
               [&registry](metrics::TextWriter& out, const std::string& name) {
                   out.sample(name, {}, static_cast<double>(registry.max_sessions()));
               });
    // The three pool gauges read the same counters; each family writes one sample per pool.
    auto per_pool = [&pools](auto pick) {
        return [&pools, pick](metrics::TextWriter& out, const std::string& name) {
            out.sample(name, {{"pool", "stt"}}, pick(stt_load(pools.stt())));
            out.sample(name, {{"pool", "tts"}}, pick(tts_load(pools.tts())));
        };
    };
    r.callback("confab_engine_pool_workers", "gauge", "Workers in each engine pool.",
               per_pool([](const metrics::History::Pool& p) { return p.workers; }));
    r.callback("confab_engine_pool_busy_workers", "gauge",
               "Workers of each engine pool running a job now.",
               per_pool([](const metrics::History::Pool& p) { return p.busy; }));
    r.callback("confab_engine_pool_queue_depth", "gauge",
               "Jobs waiting in each engine pool's queue.",
               per_pool([](const metrics::History::Pool& p) { return p.queue; }));
    metrics::register_process_metrics(r);

    auto gauges = [&registry, &pools] {
        metrics::History::Gauges g;
        g.sessions = static_cast<double>(registry.size());
        g.sessions_max = static_cast<double>(registry.max_sessions());
        g.stt = stt_load(pools.stt());
        g.tts = tts_load(pools.tts());
        return g;
    };
    return std::make_unique<metrics::History>(metrics, std::move(gauges),
                                              metrics::History::Options{});
}

}  // namespace confab::net
