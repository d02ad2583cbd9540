// One HTTP/1.1 client connection to a language-model backend, over plain TCP
// or TLS, whose response body is read incrementally as bytes arrive.
//
// Ownership: owned by one request at a time (an LlmBackend::Lease); between
// requests an IdleConnectionCache keeps it for reuse (HTTP/1.1 keep-alive).
// Threads: not thread-safe; one coroutine at a time uses it. A reused
// connection may be awaited from another strand of the same io_context than
// the one that opened it: the hand-over goes through the cache's mutex, and
// every completion runs on the awaiting coroutine's executor.
//
// Cancellation and time: each operation follows the awaiting coroutine's
// cancellation slot. A terminal cancellation aborts the operation in flight,
// the socket is closed at once and errc::cancelled is returned. set_deadline()
// bounds every later operation, name resolution included; when it passes the
// socket is closed and errc::timeout is returned. Other failures come back as
// the system/TLS/HTTP error code that caused them, and close the connection.
//
// Beast stays behind Impl: including it costs ~40 s per translation unit.
#pragma once
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

namespace boost::asio::ssl {
class context;
}

namespace confab::engines {

struct HttpEndpoint {
    std::string host;  // name or IP literal, without IPv6 brackets
    std::string port;  // "80", "443", "11434", ...
    bool tls = false;
};

struct HttpRequest {
    std::string method = "POST";
    std::string target;  // path and query, e.g. "/v1/chat/completions"
    std::vector<std::pair<std::string, std::string>> headers;  // Host is added
    std::string body;
};

struct HttpResponseHead {
    int status = 0;
    std::string reason;
    std::string content_type;
};

struct HttpBodyRead {
    std::error_code error;
    std::size_t bytes = 0;  // bytes written to the caller's buffer
};

class HttpConnection {
public:
    using Clock = std::chrono::steady_clock;

    // `tls_context` is needed for https endpoints only and must outlive us.
    HttpConnection(boost::asio::any_io_executor executor, boost::asio::ssl::context* tls_context);
    ~HttpConnection();
    HttpConnection(const HttpConnection&) = delete;
    HttpConnection& operator=(const HttpConnection&) = delete;

    // Applies to the operation in flight, if any, and all later ones.
    void set_deadline(Clock::time_point deadline);

    // Resolves, connects and, for TLS, handshakes with SNI and verification
    // of the peer's certificate against the host name.
    boost::asio::awaitable<std::error_code> connect(HttpEndpoint endpoint);
    boost::asio::awaitable<std::error_code> write(const HttpRequest& request);
    // Reads the status line and headers; the body is left for read_body_some.
    boost::asio::awaitable<std::error_code> read_head(HttpResponseHead& head);
    // Returns as soon as some body bytes arrive (chunked, sized or ended by
    // EOF: all decoded); 0 bytes and body_done() once the body is over.
    boost::asio::awaitable<HttpBodyRead> read_body_some(std::span<char> out);
    bool body_done() const;

    // Whether any byte of the current response has arrived. A request whose
    // response has not started may be retried elsewhere: nothing of it was
    // answered.
    bool response_started() const;
    // The response was read to its end, the server did not ask to close, and
    // nothing unread follows it: the connection can carry another request.
    bool reusable() const;
    // For a connection sitting idle: false if the server has closed it (or
    // sent something unasked, for plain HTTP). Does not block or consume.
    bool idle_and_alive() const;

    // Closes the socket now; idempotent. Operations in flight are aborted.
    void close();
    bool is_open() const;
    // The executor it was created with (its io_context's).
    boost::asio::any_io_executor executor() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace confab::engines
