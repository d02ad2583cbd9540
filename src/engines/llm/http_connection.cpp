#include "engines/llm/http_connection.hpp"

#include <openssl/ssl.h>
#include <sys/socket.h>

#include <cerrno>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <optional>

#include "util/errors.hpp"

namespace confab::engines {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using asio::ip::tcp;

namespace {

// Response headers of chat backends are small; anything larger is hostile.
constexpr std::uint32_t kMaxHeaderBytes = 16 * 1024;
// Bytes read from the socket ahead of the parser.
constexpr std::size_t kMaxReadBuffer = 64 * 1024;

std::error_code not_connected() {
    return beast::error_code(asio::error::not_connected);
}

bool cancelled(const asio::cancellation_state& state) {
    return state.cancelled() != asio::cancellation_type::none;
}

// Getaddrinfo cannot be interrupted, so the lookup runs detached: we wait on a
// timer that the lookup's completion, the deadline or our cancellation ends,
// whichever comes first. A lookup we stopped waiting for finishes on its own
// and frees this state.
struct PendingResolve {
    explicit PendingResolve(const asio::any_io_executor& executor)
        : resolver(executor), wake(executor) {}
    tcp::resolver resolver;
    asio::steady_timer wake;
    beast::error_code error;
    tcp::resolver::results_type results;
    bool done = false;
};

}  // namespace

struct HttpConnection::Impl {
    Impl(asio::any_io_executor ex, ssl::context* context)
        : executor(std::move(ex)), tls_context(context) {}

    beast::tcp_stream& tcp() { return tls ? tls->next_layer() : *plain; }

    // Every failure leaves the connection closed: a half-read HTTP/1.1
    // response cannot be resumed.
    std::error_code fail(beast::error_code ec, const asio::cancellation_state& state) {
        close();
        if (cancelled(state)) return errc::cancelled;
        if (ec == beast::error::timeout) return errc::timeout;
        return ec;
    }

    void arm_deadline() {
        if (deadline == Clock::time_point::max()) {
            tcp().expires_never();
        } else {
            tcp().expires_at(deadline);
        }
    }

    // No TLS close_notify: a cancelled reply must free the backend at once,
    // and nothing is gained by a polite goodbye on a response we abandon.
    void close() {
        if (tls || plain) {
            beast::error_code ignored;
            tcp().socket().shutdown(tcp::socket::shutdown_both, ignored);
            tcp().close();
        }
    }

    asio::any_io_executor executor;
    ssl::context* tls_context;
    Clock::time_point deadline = Clock::time_point::max();
    // Exactly one of the two streams exists once connect() has started.
    std::optional<beast::tcp_stream> plain;
    std::optional<ssl::stream<beast::tcp_stream>> tls;
    std::string host_header;
    beast::flat_buffer buffer{kMaxReadBuffer};
    std::optional<http::response_parser<http::buffer_body>> parser;
};

HttpConnection::HttpConnection(asio::any_io_executor executor, ssl::context* tls_context)
    : impl_(std::make_unique<Impl>(std::move(executor), tls_context)) {}

HttpConnection::~HttpConnection() = default;

void HttpConnection::set_deadline(Clock::time_point deadline) {
    impl_->deadline = deadline;
    if (is_open()) impl_->arm_deadline();
}

asio::awaitable<std::error_code> HttpConnection::connect(HttpEndpoint endpoint) {
    Impl& impl = *impl_;
    if (endpoint.tls && impl.tls_context == nullptr) co_return errc::invalid_argument;
    if (endpoint.tls) {
        impl.tls.emplace(impl.executor, *impl.tls_context);
    } else {
        impl.plain.emplace(impl.executor);
    }
    const bool ipv6_literal = endpoint.host.find(':') != std::string::npos;
    impl.host_header = ipv6_literal ? "[" + endpoint.host + "]" : endpoint.host;
    const bool default_port = endpoint.port == (endpoint.tls ? "443" : "80");
    if (!default_port) impl.host_header += ":" + endpoint.port;

    auto state = co_await asio::this_coro::cancellation_state;
    if (cancelled(state)) co_return impl.fail(asio::error::operation_aborted, state);
    auto pending = std::make_shared<PendingResolve>(impl.executor);
    pending->wake.expires_at(impl.deadline);
    pending->resolver.async_resolve(
        endpoint.host, endpoint.port,
        [pending](const beast::error_code& ec, tcp::resolver::results_type results) {
            pending->error = ec;
            pending->results = std::move(results);
            pending->done = true;
            pending->wake.cancel();
        });
    beast::error_code ec;
    co_await pending->wake.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (!pending->done) {
        pending->resolver.cancel();
        co_return impl.fail(beast::error::timeout, state);
    }
    if (pending->error) co_return impl.fail(pending->error, state);
    if (cancelled(state)) co_return impl.fail(asio::error::operation_aborted, state);

    impl.arm_deadline();
    co_await impl.tcp().async_connect(pending->results,
                                      asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return impl.fail(ec, state);
    // A reused connection (issue 4) must not hold a request back behind
    // Nagle's wait for the previous segment's ACK.
    beast::error_code ignored;
    impl.tcp().socket().set_option(tcp::no_delay(true), ignored);

    if (impl.tls) {
        // SNI is for names only (RFC 6066); IP literals are verified as such.
        beast::error_code not_an_ip;
        asio::ip::make_address(endpoint.host, not_an_ip);
        if (not_an_ip &&
            !SSL_set_tlsext_host_name(impl.tls->native_handle(), endpoint.host.c_str())) {
            co_return impl.fail(asio::error::invalid_argument, state);
        }
        impl.tls->set_verify_mode(ssl::verify_peer);
        impl.tls->set_verify_callback(ssl::host_name_verification(endpoint.host));
        if (cancelled(state)) co_return impl.fail(asio::error::operation_aborted, state);
        co_await impl.tls->async_handshake(ssl::stream_base::client,
                                           asio::redirect_error(asio::use_awaitable, ec));
        if (ec) co_return impl.fail(ec, state);
    }
    co_return std::error_code{};
}

asio::awaitable<std::error_code> HttpConnection::write(const HttpRequest& request) {
    Impl& impl = *impl_;
    auto state = co_await asio::this_coro::cancellation_state;
    if (cancelled(state)) co_return impl.fail(asio::error::operation_aborted, state);
    if (!is_open()) co_return not_connected();
    // The parser of the previous response on a kept-alive connection says
    // nothing about this one (response_started()).
    impl.parser.reset();

    http::request<http::string_body> message{http::string_to_verb(request.method), request.target,
                                             11};
    message.set(http::field::host, impl.host_header);
    for (const auto& [name, value] : request.headers) message.set(name, value);
    message.body() = request.body;
    message.prepare_payload();

    beast::error_code ec;
    impl.arm_deadline();
    if (impl.tls) {
        co_await http::async_write(*impl.tls, message,
                                   asio::redirect_error(asio::use_awaitable, ec));
    } else {
        co_await http::async_write(*impl.plain, message,
                                   asio::redirect_error(asio::use_awaitable, ec));
    }
    if (ec) co_return impl.fail(ec, state);
    co_return std::error_code{};
}

asio::awaitable<std::error_code> HttpConnection::read_head(HttpResponseHead& head) {
    Impl& impl = *impl_;
    auto state = co_await asio::this_coro::cancellation_state;
    if (cancelled(state)) co_return impl.fail(asio::error::operation_aborted, state);
    if (!is_open()) co_return not_connected();

    impl.parser.emplace();
    impl.parser->header_limit(kMaxHeaderBytes);
    // Nothing accumulates the body (it is handed on as it arrives) and the
    // caller's total deadline bounds its length in time.
    impl.parser->body_limit(boost::none);

    beast::error_code ec;
    impl.arm_deadline();
    if (impl.tls) {
        co_await http::async_read_header(*impl.tls, impl.buffer, *impl.parser,
                                         asio::redirect_error(asio::use_awaitable, ec));
    } else {
        co_await http::async_read_header(*impl.plain, impl.buffer, *impl.parser,
                                         asio::redirect_error(asio::use_awaitable, ec));
    }
    if (ec) co_return impl.fail(ec, state);
    const auto& response = impl.parser->get();
    head.status = static_cast<int>(response.result_int());
    head.reason = std::string(response.reason());
    head.content_type = std::string(response[http::field::content_type]);
    co_return std::error_code{};
}

asio::awaitable<HttpBodyRead> HttpConnection::read_body_some(std::span<char> out) {
    Impl& impl = *impl_;
    auto state = co_await asio::this_coro::cancellation_state;
    if (cancelled(state))
        co_return HttpBodyRead{impl.fail(asio::error::operation_aborted, state), 0};
    if (!impl.parser || !is_open()) co_return HttpBodyRead{not_connected(), 0};
    if (impl.parser->is_done()) co_return HttpBodyRead{};

    auto& body = impl.parser->get().body();
    body.data = out.data();
    body.size = out.size();
    beast::error_code ec;
    impl.arm_deadline();
    if (impl.tls) {
        co_await http::async_read_some(*impl.tls, impl.buffer, *impl.parser,
                                       asio::redirect_error(asio::use_awaitable, ec));
    } else {
        co_await http::async_read_some(*impl.plain, impl.buffer, *impl.parser,
                                       asio::redirect_error(asio::use_awaitable, ec));
    }
    const std::size_t bytes = out.size() - body.size;
    body.data = nullptr;
    // need_buffer only says our buffer is full: the bytes are there.
    if (ec == http::error::need_buffer) ec = {};
    // TLS peers often close without close_notify; for a body that ends at
    // EOF that is the end, not an attack (our parser knows the length
    // otherwise and would report a short body).
    if (ec == ssl::error::stream_truncated && impl.parser->need_eof()) {
        ec = {};
        impl.parser->put_eof(ec);
    }
    if (ec) co_return HttpBodyRead{impl.fail(ec, state), bytes};
    co_return HttpBodyRead{{}, bytes};
}

bool HttpConnection::body_done() const {
    return impl_->parser && impl_->parser->is_done();
}

bool HttpConnection::response_started() const {
    return impl_->buffer.size() > 0 || (impl_->parser && impl_->parser->got_some());
}

bool HttpConnection::reusable() const {
    const Impl& impl = *impl_;
    return is_open() && impl.parser && impl.parser->is_done() && impl.parser->keep_alive() &&
           impl.buffer.size() == 0;
}

bool HttpConnection::idle_and_alive() const {
    if (!is_open()) return false;
    Impl& impl = *impl_;
    char byte = 0;
    const ssize_t peeked =
        ::recv(impl.tcp().socket().native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    if (peeked == 0) return false;  // the server closed it (FIN)
    if (peeked < 0) return errno == EAGAIN || errno == EWOULDBLOCK;
    // Bytes on an idle plain connection are not a response to anything. On
    // TLS they may be a late session ticket, or a close_notify before a FIN
    // we cannot see without reading: keep it, the retry covers the latter.
    return impl.tls.has_value();
}

void HttpConnection::close() {
    impl_->close();
}

asio::any_io_executor HttpConnection::executor() const {
    return impl_->executor;
}

bool HttpConnection::is_open() const {
    Impl& impl = *impl_;
    return (impl.tls || impl.plain) && impl.tcp().socket().is_open();
}

}  // namespace confab::engines
