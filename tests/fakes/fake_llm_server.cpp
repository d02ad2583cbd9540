#include "fakes/fake_llm_server.hpp"

#include "fakes/fake_llm_wire.hpp"

#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <stdexcept>
#include <thread>
#include <variant>

// g++ 12 false positive on Asio coroutine frames (see src/engines/llm/openai_chat_model.cpp).
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

namespace confab::test {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
using asio::ip::tcp;
using namespace fake_llm_wire;

struct FakeLlmServer::Impl {
    explicit Impl(Options opts)
        : options(std::move(opts)),
          ledger(options.default_script, options.reply_generator, options.script_adapter),
          acceptor(io) {
        const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), options.port);
        acceptor.open(endpoint.protocol());
        acceptor.set_option(tcp::acceptor::reuse_address(true));
        acceptor.bind(endpoint);
        acceptor.listen();
        port = acceptor.local_endpoint().port();
        asio::co_spawn(io, accept_loop(), asio::detached);
        thread = std::thread([this] { io.run(); });
    }

    ~Impl() {
        io.stop();
        thread.join();
    }

    asio::awaitable<void> accept_loop() {
        for (;;) {
            auto [ec, socket] = co_await acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
            if (ec) co_return;
            const std::size_t connection = ledger.connection_opened();
            // Like real streaming servers: each event leaves at once instead
            // of waiting behind Nagle for the client's delayed ACK.
            socket.set_option(tcp::no_delay(true), ec);
            asio::co_spawn(io, serve(std::move(socket), connection), asio::detached);
        }
    }

    // Counts a connection closed on every way out of serve(), the server
    // shutting down included.
    struct ConnectionRecord {
        FakeLlmLedger& ledger;
        ~ConnectionRecord() { ledger.connection_closed(); }
    };
    // Counts a response in progress from its request until just before its
    // last bytes are written: a client cannot have seen the end (and sent
    // another request elsewhere) before the count went down.
    struct ResponseRecord {
        explicit ResponseRecord(FakeLlmLedger& l) : ledger(l) { ledger.response_started(); }
        ResponseRecord(const ResponseRecord&) = delete;
        ResponseRecord& operator=(const ResponseRecord&) = delete;
        ~ResponseRecord() { end(); }
        void end() {
            if (!ended) ledger.response_ended();
            ended = true;
        }
        FakeLlmLedger& ledger;
        bool ended = false;
    };

    asio::awaitable<void> serve(tcp::socket socket, std::size_t connection) {
        using namespace asio::experimental::awaitable_operators;
        const ConnectionRecord connection_record{ledger};
        beast::flat_buffer buffer;
        for (;;) {
            http::request_parser<http::string_body> parser;
            parser.body_limit(1 << 20);
            auto [ec, bytes] = co_await http::async_read(socket, buffer, parser,
                                                         asio::as_tuple(asio::use_awaitable));
            if (ec) break;
            const bool keep_alive = parser.get().keep_alive();
            auto [index, script] = record(parser.get(), connection);
            ResponseRecord response_record(ledger);
            if (script.mode == FakeLlmScript::Mode::close_without_reply) break;
            if (script.error_status != 0) {
                const char* type =
                    script.error_status == 404 ? "invalid_request_error" : "server_error";
                const std::string body = error_json(script.error_message, type);
                const std::string response = plain_response(script.error_status, body, keep_alive);
                response_record.end();
                auto [write_ec, written] = co_await asio::async_write(
                    socket, asio::buffer(response), asio::as_tuple(asio::use_awaitable));
                if (write_ec) {
                    mark_disconnected(index);
                    break;
                }
                mark_completed(index);
                if (!keep_alive || script.close_after_reply) break;
                continue;
            }
            // Streaming and watching the socket race: whichever ends first
            // cancels the other, so a client that leaves is seen at once.
            bool keep = false;
            try {
                auto winner = co_await (stream_reply(socket, script, index, response_record) ||
                                        watch_disconnect(socket, index));
                keep = winner.index() == 0 && std::get<0>(winner) && keep_alive;
            } catch (const std::exception&) {
                mark_disconnected(index);  // a write failed: the client is gone
            }
            if (!keep || script.close_after_reply) break;
        }
        beast::error_code ignored;
        socket.shutdown(tcp::socket::shutdown_both, ignored);
        socket.close(ignored);
    }

    // Returns whether the connection can carry another request.
    asio::awaitable<bool> stream_reply(tcp::socket& socket, FakeLlmScript script, std::size_t index,
                                       ResponseRecord& response_record) {
        const auto executor = co_await asio::this_coro::executor;
        asio::steady_timer timer(executor);
        // Held: nothing of the reply leaves until release_replies(). A client
        // leaving meanwhile cancels this wait (the next co_await then throws).
        while (holding.load()) {
            beast::error_code ignored;
            co_await gate.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
        }
        std::string head =
            "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n";
        head += script.chunked ? "Transfer-Encoding: chunked\r\n\r\n" : "Connection: close\r\n\r\n";
        co_await asio::async_write(socket, asio::buffer(head), asio::use_awaitable);

        if (script.mode == FakeLlmScript::Mode::hang_before_first_token) {
            timer.expires_at(asio::steady_timer::time_point::max());
            co_await timer.async_wait(asio::use_awaitable);  // ended by watch_disconnect
        }
        timer.expires_after(script.time_to_first_token);
        co_await timer.async_wait(asio::use_awaitable);

        const std::string model = model_of(ledger.at(index).json);
        const auto send = [&](const std::string& data) {
            return write_body(socket, script.chunked, data);
        };
        // Every event is built in a named local before its co_await: g++ 12
        // miscompiles temporaries inside co_await expressions (docs/engines.md).
        // A reply that is only calls opens with `content: null`, as OpenAI's does.
        const bool calls_only = script.reply.empty() && !script.tool_calls.empty();
        json::object opening{{"role", "assistant"}, {"content", ""}};
        if (calls_only) opening["content"] = nullptr;
        std::string event = chunk_event(model, std::move(opening), "");
        co_await send(event);

        const std::vector<std::string> tokens = word_tokens(script.reply);
        const auto gap = script.tokens_per_second > 0
                             ? std::chrono::duration_cast<std::chrono::nanoseconds>(
                                   std::chrono::duration<double>(1.0 / script.tokens_per_second))
                             : std::chrono::nanoseconds(0);
        // The text's tokens, then the calls' deltas, one chunk each.
        std::vector<json::object> deltas;
        for (const std::string& token : tokens) deltas.push_back({{"content", token}});
        const std::size_t text_chunks = deltas.size();
        for (auto& delta : tool_call_deltas(script.tool_calls, script.interleave_tool_calls))
            deltas.push_back(std::move(delta));
        for (std::size_t i = 0; i < deltas.size(); ++i) {
            if (i > 0 && gap.count() > 0) {
                timer.expires_after(gap);
                co_await timer.async_wait(asio::use_awaitable);
            }
            event = chunk_event(model, std::move(deltas[i]), "");
            co_await send(event);
            if (i >= text_chunks) continue;
            if (script.mode == FakeLlmScript::Mode::malformed) {
                event = sse("{\"choices\": [{\"delta\": {\"content\": \"oops");
                co_await send(event);
                break;
            }
            if (script.mode == FakeLlmScript::Mode::error_in_stream) {
                event = sse(error_json(script.error_message, "server_error"));
                co_await send(event);
                break;
            }
        }
        if (script.mode == FakeLlmScript::Mode::normal) {
            response_record.end();
            const std::string finish =
                script.tool_calls.empty() ? script.finish_reason : std::string("tool_calls");
            event = chunk_event(model, json::object{}, finish);
            co_await send(event);
            event = sse("[DONE]");
            co_await send(event);
        }
        // Complete once every event is out: a client may close right after
        // [DONE] without waiting for the chunked terminator, and that is not
        // leaving mid-stream. (The write's completion is queued before any
        // later EOF, so the watcher cannot record the client's close first.)
        mark_completed(index);
        if (script.chunked) {
            const std::string_view last_chunk = "0\r\n\r\n";
            co_await asio::async_write(socket, asio::buffer(last_chunk), asio::use_awaitable);
        }
        co_return script.chunked;
    }

    asio::awaitable<void> write_body(tcp::socket& socket, bool chunked, std::string data) {
        if (chunked) {
            char size[32];
            std::snprintf(size, sizeof size, "%zx\r\n", data.size());
            data = size + data + "\r\n";
        }
        co_await asio::async_write(socket, asio::buffer(data), asio::use_awaitable);
    }

    // Completes when the client closes or resets the connection. Waiting for
    // readability (not reading) leaves a pipelined next request in place.
    asio::awaitable<void> watch_disconnect(tcp::socket& socket, std::size_t index) {
        beast::error_code ec;
        co_await socket.async_wait(tcp::socket::wait_read,
                                   asio::redirect_error(asio::use_awaitable, ec));
        const auto woke = Clock::now();
        beast::error_code available_ec;
        if (ec || socket.available(available_ec) == 0 || available_ec) {
            if (ec == asio::error::operation_aborted) co_return;
            mark_disconnected(index, woke);
            co_return;
        }
        // The client sent more: not a disconnect. Wait until the stream ends.
        asio::steady_timer forever(socket.get_executor(), asio::steady_timer::time_point::max());
        co_await forever.async_wait(asio::use_awaitable);
    }

    std::pair<std::size_t, FakeLlmScript> record(const http::request<http::string_body>& message,
                                                 std::size_t connection) {
        FakeLlmRequest request;
        request.method = std::string(message.method_string());
        request.target = std::string(message.target());
        for (const auto& field : message) {
            request.headers.emplace_back(std::string(field.name_string()),
                                         std::string(field.value()));
        }
        request.body = message.body();
        std::error_code parse_ec;
        request.json = json::parse(request.body, parse_ec);
        if (parse_ec) request.json = nullptr;
        request.connection = connection;
        request.received_at = Clock::now();
        const FakeLlmRequest copy = options.on_request ? request : FakeLlmRequest{};
        auto recorded = ledger.record(std::move(request));
        if (options.on_request) options.on_request(recorded.first, copy);
        return recorded;
    }

    void mark_completed(std::size_t index) { ledger.mark_completed(index); }

    void mark_disconnected(std::size_t index, Clock::time_point at = Clock::now()) {
        const auto updated = ledger.mark_disconnected(index, at);
        if (updated && options.on_disconnect) options.on_disconnect(index, *updated);
    }

    Options options;
    FakeLlmLedger ledger;
    std::atomic<bool> holding{false};  // replies wait at `gate` while set
    // Server-thread objects. The io_context is declared before the objects
    // bound to it so that they are destroyed first.
    asio::io_context io;
    tcp::acceptor acceptor;
    asio::steady_timer gate{io, asio::steady_timer::time_point::max()};
    unsigned short port = 0;
    std::thread thread;
};

FakeLlmServer::FakeLlmServer(Options options) : impl_(std::make_unique<Impl>(std::move(options))) {}

FakeLlmServer::~FakeLlmServer() = default;

unsigned short FakeLlmServer::port() const {
    return impl_->port;
}

std::string FakeLlmServer::url() const {
    return "http://127.0.0.1:" + std::to_string(port()) + "/v1";
}

void FakeLlmServer::push_script(FakeLlmScript script) {
    impl_->ledger.push_script(std::move(script));
}

void FakeLlmServer::set_default_script(FakeLlmScript script) {
    impl_->ledger.set_default_script(std::move(script));
}

void FakeLlmServer::hold_replies() {
    impl_->holding.store(true);
}

void FakeLlmServer::release_replies() {
    impl_->holding.store(false);
    // The gate is the server thread's: cancel it there, waking every held reply.
    asio::post(impl_->io, [impl = impl_.get()] { impl->gate.cancel(); });
}

std::size_t FakeLlmServer::connections_accepted() const {
    return impl_->ledger.connections_accepted();
}

std::size_t FakeLlmServer::connections_open() const {
    return impl_->ledger.connections_open();
}

std::size_t FakeLlmServer::max_concurrent_responses() const {
    return impl_->ledger.max_concurrent_responses();
}

bool FakeLlmServer::wait_for_open_connections(std::size_t count,
                                              std::chrono::milliseconds timeout) const {
    return impl_->ledger.wait_for_open_connections(count, timeout);
}

std::size_t FakeLlmServer::request_count() const {
    return impl_->ledger.count();
}

std::vector<FakeLlmRequest> FakeLlmServer::requests() const {
    return impl_->ledger.all();
}

FakeLlmRequest FakeLlmServer::request(std::size_t index) const {
    return impl_->ledger.at(index);
}

bool FakeLlmServer::wait_for_requests(std::size_t count, std::chrono::milliseconds timeout) const {
    return impl_->ledger.wait_for_requests(count, timeout);
}

std::optional<FakeLlmServer::Clock::time_point> FakeLlmServer::wait_for_disconnect(
    std::size_t index, std::chrono::milliseconds timeout) const {
    return impl_->ledger.wait_for_disconnect(index, timeout);
}

bool FakeLlmServer::wait_for_end(std::size_t index, std::chrono::milliseconds timeout) const {
    return impl_->ledger.wait_for_end(index, timeout);
}

}  // namespace confab::test
