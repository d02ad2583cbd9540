// The process's server: io_context and its threads, the listener, the
// session registry, TLS, signals and the graceful shutdown sequence.
//
// Constructed and run by main on the main thread; run() blocks until the
// server has stopped and every thread it started has been joined.
#pragma once
#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <memory>

#include "config/config.hpp"
#include "metrics/history.hpp"
#include "metrics/metrics.hpp"
#include "net/address_limits.hpp"
#include "net/server_context.hpp"
#include "pool/shared_engines.hpp"
#include "session/session_registry.hpp"
#include "store/session_store.hpp"

namespace confab::net {

class Server {
public:
    // Binds the listening socket; throws std::runtime_error on failure.
    explicit Server(const Config& config);
    ~Server();

    unsigned short port() const { return port_; }
    // Runs until shut down; returns the process exit code.
    int run();
    // Starts the graceful shutdown, as SIGTERM does. Thread-safe.
    void stop();

private:
    boost::asio::awaitable<void> accept_loop();
    void begin_shutdown(const char* why);  // on strand_
    void await_reload();                   // on strand_: handles each SIGHUP
    void audit(std::string event, std::string reason, std::string key_id = {});
    void finish();          // on strand_
    void sample_metrics();  // on strand_: one dashboard sample, then re-arms

    const Config& config_;
    // Declared before the io_context so they outlive it: destroying the
    // io_context destroys pending session coroutines, which still use them.
    session::SessionRegistry registry_;
    // Conversations for resuming: in memory, or written through to Redis.
    std::unique_ptr<store::SessionStore> session_store_;
    std::unique_ptr<metrics::Metrics> metrics_;  // null when server.metrics is off
    std::unique_ptr<metrics::History> history_;
    std::unique_ptr<AuditLog> audit_;  // null when auth.audit_log is empty
    AddressLimits address_limits_;     // per client address, before sessions exist
    IpNetworkList trusted_proxies_;    // server.trusted_proxies, parsed
    std::unique_ptr<auth::Authenticator> authenticator_;
    std::unique_ptr<auth::KeyUsage> key_usage_;
    std::unique_ptr<auth::OriginPolicy> origins_;
    std::unique_ptr<auth::LoginService> login_;
    std::unique_ptr<pool::SharedEngines> pools_;
    std::unique_ptr<boost::asio::ssl::context> tls_;
    std::unique_ptr<ServerContext> context_;
    boost::asio::io_context ioc_;
    boost::asio::strand<boost::asio::io_context::executor_type> strand_;
    boost::asio::ip::tcp::acceptor acceptor_;
    boost::asio::signal_set signals_;
    boost::asio::signal_set reload_signal_;  // SIGHUP: keys file reloaded, audit log reopened
    boost::asio::steady_timer drain_timer_;
    boost::asio::steady_timer sample_timer_;
    unsigned short port_ = 0;
    bool shutting_down_ = false;
    bool finished_ = false;
};

}  // namespace confab::net
