// What every connection handler shares: the config, the session registry and
// (from the voice loop on) the engine pools. Owned by Server, outlives every
// connection; its members are thread-safe or immutable.
#pragma once
#include <boost/asio/ssl/context.hpp>
#include <string>

#include "auth/authenticator.hpp"
#include "auth/key_usage.hpp"
#include "auth/login_service.hpp"
#include "auth/origin_policy.hpp"
#include "config/config.hpp"
#include "pool/engine_refs.hpp"
#include "protocol/session_config.hpp"
#include "session/session_registry.hpp"
#include "store/session_store.hpp"
#include "util/audit_log.hpp"
#include "util/ip_network_list.hpp"

namespace confab::metrics {
class Metrics;
class History;
}  // namespace confab::metrics

namespace confab::pool {
class SharedEngines;
}

namespace confab::net {

class AddressLimits;

struct ServerContext {
    const Config& config;
    session::SessionRegistry& registry;
    store::SessionStore& resume_store;
    protocol::SessionConstraints constraints;
    const pool::EngineRefs& engines;
    boost::asio::ssl::context* tls = nullptr;  // null: plain HTTP/WS
    metrics::Metrics* metrics = nullptr;       // null: metrics off; same object as engines.metrics
    // The dashboard's recent samples; null when metrics are off.
    metrics::History* history = nullptr;
    // Security events (docs/security.md); null when auth.audit_log is "".
    AuditLog* audit = nullptr;
    // Who may talk (docs/security.md); never null once the server runs.
    const auth::Authenticator* authenticator = nullptr;
    auth::KeyUsage* key_usage = nullptr;
    const auth::OriginPolicy* origins = nullptr;
    auth::LoginService* login = nullptr;
    // Per client address, before any session (net/address_limits.hpp); null: none (tests).
    AddressLimits* address_limits = nullptr;
    const IpNetworkList* trusted_proxies = nullptr;  // server.trusted_proxies; null: none
    // The engines' backends and their health (/readyz, /v1/admin/backends); null: none (tests).
    const pool::SharedEngines* shared_engines = nullptr;
};

}  // namespace confab::net
