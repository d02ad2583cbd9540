// What every connection handler shares: the config, the session registry and
// (from the voice loop on) the engine pools. Owned by Server, outlives every
// connection; its members are thread-safe or immutable.
#pragma once
#include <boost/asio/ssl/context.hpp>
#include <string>

#include "config/config.hpp"
#include "pipeline/engines.hpp"
#include "protocol/session_config.hpp"
#include "session/resume_store.hpp"
#include "session/session_registry.hpp"

namespace confab::net {

struct ServerContext {
    const Config& config;
    session::SessionRegistry& registry;
    session::ResumeStore& resume_store;
    protocol::SessionConstraints constraints;
    const pipeline::Engines& engines;
    boost::asio::ssl::context* tls = nullptr;  // null: plain HTTP/WS
};

}  // namespace confab::net
