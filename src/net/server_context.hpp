// What every connection handler shares: the config, the session registry and
// (from the voice loop on) the engine pools. Owned by Server, outlives every
// connection; its members are thread-safe or immutable.
#pragma once
#include <boost/asio/ssl/context.hpp>
#include <string>

#include "config/config.hpp"
#include "pool/engine_refs.hpp"
#include "protocol/session_config.hpp"
#include "session/resume_store.hpp"
#include "session/session_registry.hpp"
#include "util/audit_log.hpp"
#include "util/ip_network_list.hpp"

namespace confab::metrics {
class Metrics;
class History;
}  // namespace confab::metrics

namespace confab::net {

class AddressLimits;

struct ServerContext {
    const Config& config;
    session::SessionRegistry& registry;
    session::ResumeStore& resume_store;
    protocol::SessionConstraints constraints;
    const pool::EngineRefs& engines;
    boost::asio::ssl::context* tls = nullptr;  // null: plain HTTP/WS
    metrics::Metrics* metrics = nullptr;       // null: metrics off; same object as engines.metrics
    metrics::History* history =
        nullptr;  // the dashboard's recent samples; null when metrics are off
    AuditLog* audit =
        nullptr;  // security events (docs/security.md); null when auth.audit_log is ""
    AddressLimits* address_limits = nullptr;         // per client address; null: none (tests)
    const IpNetworkList* trusted_proxies = nullptr;  // server.trusted_proxies; null: none
};

}  // namespace confab::net
