// Connects the server's own state to its metrics: the families computed at
// each scrape (sessions, engine pools, process statistics) and the
// dashboard's history sampler. Called once by the Server at start-up.
#pragma once
#include <memory>

#include "metrics/history.hpp"
#include "metrics/metrics.hpp"

namespace confab::pool {
class SharedEngines;
}
namespace confab::session {
class SessionRegistry;
}

namespace confab::net {

// Registers the computed families; `registry` and `pools` must outlive `metrics`' last render.
std::unique_ptr<metrics::History> install_server_metrics(metrics::Metrics& metrics,
                                                         const session::SessionRegistry& registry,
                                                         pool::SharedEngines& pools);

}  // namespace confab::net
