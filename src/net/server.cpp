#include "net/server.hpp"

#include "config/redis_url.hpp"
#include "store/memory_session_store.hpp"
#include "store/redis_session_store.hpp"

#include <boost/asio.hpp>
#include <fstream>
#include <thread>

#include "net/edge_refusal.hpp"
#include "net/http_connection.hpp"
#include "net/server_metrics.hpp"
#include "net/tls_context.hpp"
#include "net/use_nothrow.hpp"
#include "util/log.hpp"
#include "util/log_exception.hpp"

namespace confab::net {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {
AddressLimits::Options address_limit_options(const SessionLimits& limits) {
    return {limits.max_connections_per_address, limits.max_unauthenticated_per_address,
            limits.handshakes_per_second_per_address, limits.handshake_burst_per_address,
            static_cast<std::size_t>(limits.max_tracked_addresses)};
}

// Validated before (config_validator.cpp): a bad entry here is a bug.
IpNetworkList parse_trusted_proxies(const std::string& text) {
    std::string bad;
    auto list = IpNetworkList::parse(text, bad);
    if (!list) throw std::runtime_error("server.trusted_proxies: bad entry '" + bad + "'");
    return *list;
}
// As many parked conversations in memory as live sessions: enough for all of
// them to drop at once, and a bound that follows the server's size.
std::unique_ptr<store::SessionStore> make_session_store(
    const Config& config, const protocol::SessionConstraints& constraints,
    asio::any_io_executor executor) {
    const std::chrono::milliseconds window(config.limits.resume_window_ms);
    if (config.store.redis_url.empty()) {
        return std::make_unique<store::MemorySessionStore>(
            window, static_cast<std::size_t>(config.limits.max_sessions));
    }
    const auto address = parse_redis_url(config.store.redis_url);  // validated
    if (!address) throw std::runtime_error("store.redis_url: not redis://host:port");
    store::RedisClient::Options options;
    options.host = address->host;
    options.port = address->port;
    options.password = config.store.redis_password;
    auto client = store::RedisClient::create(std::move(executor), options);
    client->start();
    log::info("session store: redis", {{"address", client->address()}});
    protocol::SessionConfig base;  // a new session's defaults, as RealtimeSession sets them
    base.voice = config.tts.voice;
    base.speed = config.tts.speed;
    base.transcription_model = constraints.transcription_models.front();
    return std::make_unique<store::RedisSessionStore>(std::move(client), window, constraints,
                                                      std::move(base));
}
}  // namespace

Server::Server(const Config& config)
    : config_(config),
      registry_(static_cast<std::size_t>(config.limits.max_sessions)),
      address_limits_(address_limit_options(config.limits)),
      trusted_proxies_(parse_trusted_proxies(config.server.trusted_proxies)),
      ioc_(config.server.io_threads),
      strand_(asio::make_strand(ioc_)),
      acceptor_(strand_),
      signals_(strand_, SIGINT, SIGTERM),
      reload_signal_(strand_, SIGHUP),
      drain_timer_(strand_),
      sample_timer_(strand_) {
    if (!config.auth.audit_log.empty()) audit_ = std::make_unique<AuditLog>(config.auth.audit_log);
    // Throws with every problem of the keys file: a server with a broken
    // keys file must not start (it would lock everybody out).
    authenticator_ = std::make_unique<auth::Authenticator>(config.auth);
    key_usage_ = std::make_unique<auth::KeyUsage>(config.auth);
    origins_ = std::make_unique<auth::OriginPolicy>(config.auth.allowed_origins);
    login_ = std::make_unique<auth::LoginService>(config.auth);
    if (!config.server.tls_cert.empty())
        tls_ = make_tls_context(config.server.tls_cert, config.server.tls_key);
    pools_ = std::make_unique<pool::SharedEngines>(config);
    if (const int max_wait = config.limits.admission_max_queue_wait_ms; max_wait > 0) {
        registry_.set_load_check([this, max_wait] { return pools_->overload_reason(max_wait); });
    }
    if (config.server.metrics) {
        metrics_ = std::make_unique<metrics::Metrics>();
        history_ = install_server_metrics(*metrics_, registry_, *pools_);
        pools_->attach_metrics(metrics_.get());
        for (const auto reason : kEdgeRefusalReasons) metrics_->http_refused(reason);
    }
    protocol::SessionConstraints constraints;
    constraints.voices = pools_->voices();
    constraints.max_instructions_chars = config.limits.max_instructions_chars;
    constraints.tools =
        protocol::ToolLimits{config.limits.max_tools, config.limits.max_tool_description_chars,
                             config.limits.max_tool_parameters_bytes};
    session_store_ = make_session_store(config, constraints, ioc_.get_executor());
    context_ = std::make_unique<ServerContext>(ServerContext{
        config_, registry_, *session_store_, constraints, pools_->engines(), tls_.get(),
        metrics_.get(), history_.get(), audit_.get(), authenticator_.get(), key_usage_.get(),
        origins_.get(), login_.get(), &address_limits_, &trusted_proxies_, pools_.get()});

    boost::system::error_code ec;
    const auto address = asio::ip::make_address(config.server.host, ec);
    if (ec)
        throw std::runtime_error("server.host '" + config.server.host + "' is not an IP address");
    const tcp::endpoint endpoint(address, static_cast<unsigned short>(config.server.port));
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(asio::socket_base::reuse_address(true));
    acceptor_.bind(endpoint, ec);
    if (ec)
        throw std::runtime_error("cannot listen on " + config.server.host + ":" +
                                 std::to_string(config.server.port) + ": " + ec.message());
    acceptor_.listen(asio::socket_base::max_listen_connections);
    port_ = acceptor_.local_endpoint().port();
    if (!config.server.port_file.empty()) {
        std::ofstream(config.server.port_file) << port_ << '\n';
    }
}

Server::~Server() = default;

int Server::run() {
    const std::string scheme = tls_ ? "https" : "http";
    log::info("listening",
              {{"url", scheme + "://" + config_.server.host + ":" + std::to_string(port_)},
               {"io_threads", std::to_string(config_.server.io_threads)},
               {"max_sessions", std::to_string(config_.limits.max_sessions)}});
    if (!authenticator_->enabled()) {
        const bool open = config_.auth.allow_unauthenticated;
        (open ? log::warn : log::info)(
            open ? "AUTHENTICATION IS OFF on a reachable address: anyone who can connect may "
                   "talk and spend the language model's tokens (auth.allow_unauthenticated)"
                 : "authentication is off (auth.mode none): loopback only",
            {{"host", config_.server.host}});
    } else {
        log::info("authentication on",
                  {{"keys", std::to_string(authenticator_->key_count())},
                   {"signing_key", authenticator_->ephemeral_signing_key()
                                       ? "random (client secrets die with this process)"
                                       : "from auth.signing_key_file"}});
    }
    audit("sys_startup", "listening on " + config_.server.host + ":" + std::to_string(port_));
    signals_.async_wait([this](const boost::system::error_code& ec, int signo) {
        if (!ec) begin_shutdown(signo == SIGINT ? "SIGINT" : "SIGTERM");
    });
    await_reload();
    if (history_) asio::post(strand_, [this] { sample_metrics(); });
    asio::co_spawn(strand_, accept_loop(), log_if_thrown("accept loop failed"));

    std::vector<std::thread> threads;
    for (int i = 1; i < config_.server.io_threads; ++i)
        threads.emplace_back([this] { ioc_.run(); });
    ioc_.run();
    for (auto& t : threads) t.join();
    pools_->stop_workers();  // before ioc_ dies: their last callbacks post to it
    audit("sys_shutdown", "server stopped");
    log::info("server stopped", {{"threads_joined", std::to_string(threads.size() + 1)}});
    return 0;
}

void Server::stop() {
    asio::post(strand_, [this] { begin_shutdown("stop requested"); });
}

asio::awaitable<void> Server::accept_loop() {
    for (;;) {
        // Each connection gets its own strand: its handlers never run concurrently.
        auto [ec, socket] = co_await acceptor_.async_accept(asio::make_strand(ioc_), use_nothrow);
        if (ec) {
            if (shutting_down_ || ec == asio::error::operation_aborted) co_return;
            log::warn("accept failed", {{"error", ec.message()}});
            continue;
        }
        socket.set_option(tcp::no_delay(true), ec);
        auto executor = socket.get_executor();
        // The one catch boundary per connection: log it; other sessions go on.
        asio::co_spawn(executor, serve_connection(std::move(socket), *context_),
                       log_if_thrown("connection failed"));
    }
}

void Server::begin_shutdown(const char* why) {
    if (shutting_down_) return;
    shutting_down_ = true;
    log::info("shutting down: draining sessions",
              {{"reason", why},
               {"sessions", std::to_string(registry_.size())},
               {"deadline_ms", std::to_string(config_.server.drain_timeout_ms)}});
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    signals_.cancel();
    reload_signal_.cancel();
    sample_timer_.cancel();
    registry_.begin_drain([this] { asio::post(strand_, [this] { finish(); }); });
    registry_.for_each_control([](session::SessionControl& c) { c.request_shutdown(); });
    drain_timer_.expires_after(std::chrono::milliseconds(config_.server.drain_timeout_ms));
    drain_timer_.async_wait([this](const boost::system::error_code& ec) {
        if (ec || finished_) return;
        log::warn("drain deadline passed", {{"sessions_left", std::to_string(registry_.size())}});
        registry_.for_each_control([](session::SessionControl& c) { c.force_close(); });
        // Closing sockets completes the sessions; give their handlers a moment.
        drain_timer_.expires_after(std::chrono::milliseconds(500));
        drain_timer_.async_wait([this](const boost::system::error_code& ec2) {
            if (!ec2) finish();
        });
    });
}

void Server::audit(std::string event, std::string reason, std::string key_id) {
    if (audit_)
        audit_->record(AuditEntry{std::move(event), "INFO", std::move(key_id), "", "", "", "", "",
                                  std::move(reason)});
}

// SIGHUP: the keys file is read again (a bad file leaves the keys in force
// as they were, and says why) and the audit log reopened for rotation.
void Server::await_reload() {
    reload_signal_.async_wait([this](const boost::system::error_code& ec, int) {
        if (ec) return;
        if (audit_) audit_->reopen();
        for (const auto& e : login_->reload())
            log::error("users file not reloaded: the users in force are unchanged",
                       {{"problem", e}});
        const auto reload = authenticator_->reload();
        if (!reload.errors.empty()) {
            std::string all;
            for (const auto& e : reload.errors) all += (all.empty() ? "" : "; ") + e;
            log::error("keys file not reloaded: the keys in force are unchanged",
                       {{"problems", all}});
            audit("sys_config_reload", "keys file refused: " + all);
        } else if (authenticator_->enabled()) {
            log::info("keys file reloaded", {{"keys", std::to_string(reload.keys)},
                                             {"added", std::to_string(reload.added.size())},
                                             {"removed", std::to_string(reload.removed.size())},
                                             {"revoked", std::to_string(reload.revoked.size())}});
            for (const auto& id : reload.added)
                audit("authn_token_created", "keys file reload", id);
            for (const auto& id : reload.removed)
                audit("authn_token_delete", "keys file reload", id);
            for (const auto& id : reload.revoked)
                audit("authn_token_revoked", "keys file reload", id);
            audit("sys_config_reload",
                  "keys file reloaded: " + std::to_string(reload.keys) + " keys");
        }
        await_reload();
    });
}

void Server::sample_metrics() {
    if (shutting_down_) return;
    history_->sample();
    sample_timer_.expires_after(history_->interval());
    sample_timer_.async_wait([this](const boost::system::error_code& ec) {
        if (!ec) sample_metrics();
    });
}

void Server::finish() {
    if (finished_) return;
    finished_ = true;
    drain_timer_.cancel();
    log::info("all sessions closed");
    // What the drain parked is written before the process goes; then idle
    // keep-alive HTTP connections would otherwise hold the loop open.
    session_store_->close(std::chrono::seconds(2),
                          [this] { asio::post(strand_, [this] { ioc_.stop(); }); });
}

}  // namespace confab::net
