#include "fakes/fake_speech_server.hpp"

#include <boost/asio.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <future>
#include <set>
#include <thread>
#include <variant>

#include "fakes/fake_speech_engines.hpp"
#include "fakes/fake_speech_ledger.hpp"
#include "fakes/fake_speech_responder.hpp"
#include "fakes/fake_speech_wire.hpp"
#include "fakes/multipart_parser.hpp"

// g++ 12 false positive on Asio coroutine frames (see src/engines/llm/openai_chat_model.cpp).
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

namespace confab::test {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
using asio::ip::tcp;
using Message = http::request<http::string_body>;

namespace {

// A WAV of 10 minutes at 48 kHz is ~55 MB; anything larger is not a turn.
constexpr std::uint64_t kMaxRequestBody = 64ull << 20;

std::string string_field(const json::object& object, std::string_view name) {
    const json::value* value = object.if_contains(name);
    const json::string* text = value != nullptr ? value->if_string() : nullptr;
    return text != nullptr ? std::string(*text) : std::string();
}

void parse_speech(FakeSpeechRequest& request, FakeSpeechCall& call, const Message& message) {
    std::error_code ec;
    request.json = json::parse(message.body(), ec);
    if (ec || !request.json.is_object()) {
        request.json = nullptr;
        call.invalid = "the body is not a JSON object";
        return;
    }
    const json::object& body = request.json.get_object();
    call.input = string_field(body, "input");
    call.voice = string_field(body, "voice");
    const std::string format = string_field(body, "response_format");
    if (!format.empty()) call.response_format = format;
    if (const json::value* speed = body.if_contains("speed"); speed && speed->is_number()) {
        call.speed = speed->to_number<double>();
    }
    if (call.input.empty()) {
        call.invalid = "input is required";
    } else if (call.response_format != "pcm" && call.response_format != "wav") {
        call.invalid = "response_format '" + call.response_format + "' is not supported";
    } else if (call.speed < 0.25 || call.speed > 4.0) {
        call.invalid = "speed must be within 0.25 and 4.0";
    }
}

void parse_transcription(FakeSpeechRequest& request, FakeSpeechCall& call, const Message& message) {
    std::vector<MultipartPart> parts;
    std::string error;
    const std::string content_type(message[http::field::content_type]);
    if (!parse_multipart(content_type, message.body(), parts, error)) {
        call.invalid = "malformed multipart body: " + error;
        return;
    }
    bool have_file = false;
    for (MultipartPart& part : parts) {
        if (part.name != "file") {
            request.fields[part.name] = part.body;
            continue;
        }
        have_file = true;
        request.file_name = part.filename;
        request.file_content_type = part.content_type;
        const auto* bytes = reinterpret_cast<const std::byte*>(part.body.data());
        if (audio::parse_wav({bytes, part.body.size()}, call.wav)) {
            call.invalid = "the file is not a 16-bit PCM WAV";
        } else {
            request.file_sample_rate = call.wav.sample_rate;
            request.file_samples = call.wav.samples.size();
        }
    }
    if (!have_file) call.invalid = "file is required";
    call.stream = request.fields.count("stream") && request.fields["stream"] == "true";
}

}  // namespace

struct FakeSpeechServer::Impl {
    explicit Impl(Options opts)
        : options(std::move(opts)),
          ledger(options.speech_script, options.transcription_script),
          responder(ledger, engines),
          acceptor(io) {
        listen(options.port);
        port = acceptor.local_endpoint().port();
        thread = std::thread([this] { io.run(); });
    }

    ~Impl() {
        io.stop();
        thread.join();
        // The engines' jobs end (or stop at their next chunk) before the
        // io_context their pipes post to is destroyed.
        engines.shutdown();
    }

    // On the constructor's thread before the io thread starts, else on the io thread.
    void listen(unsigned short on_port) {
        const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), on_port);
        acceptor.open(endpoint.protocol());
        acceptor.set_option(tcp::acceptor::reuse_address(true));
        acceptor.bind(endpoint);
        acceptor.listen();
        asio::co_spawn(io, accept_loop(), asio::detached);
    }

    // Runs `work` on the io thread and waits for it; rethrows its exception.
    void on_io_thread(std::function<void()> work) {
        std::promise<void> done;
        asio::post(io, [&] {
            try {
                work();
                done.set_value();
            } catch (...) {
                done.set_exception(std::current_exception());
            }
        });
        done.get_future().get();
    }

    asio::awaitable<void> accept_loop() {
        for (;;) {
            auto [ec, socket] = co_await acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
            if (ec) co_return;  // stop() closed the acceptor
            const std::size_t connection = ledger.connection_opened();
            socket.set_option(tcp::no_delay(true), ec);
            asio::co_spawn(io, serve(std::move(socket), connection), asio::detached);
        }
    }

    // Counts the connection closed and forgets it on every way out of serve().
    struct ConnectionRecord {
        Impl& impl;
        tcp::socket* socket;
        ~ConnectionRecord() {
            impl.open_sockets.erase(socket);
            impl.ledger.connection_closed();
        }
    };

    asio::awaitable<void> serve(tcp::socket socket, std::size_t connection) {
        using namespace asio::experimental::awaitable_operators;
        open_sockets.insert(&socket);
        const ConnectionRecord record{*this, &socket};
        beast::flat_buffer buffer;
        for (;;) {
            http::request_parser<http::string_body> parser;
            parser.body_limit(kMaxRequestBody);
            auto [ec, bytes] = co_await http::async_read(socket, buffer, parser,
                                                         asio::as_tuple(asio::use_awaitable));
            if (ec) break;
            const Message& message = parser.get();
            const bool keep_alive = message.keep_alive();
            FakeSpeechRequest request;
            FakeSpeechCall call;
            if (!describe(message, connection, request, call)) {
                const std::string body = fake_speech_wire::error_json(
                    "no such endpoint: " + std::string(message.target()), 404);
                const std::string response =
                    "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: " +
                    std::to_string(body.size()) + "\r\n\r\n" + body;
                auto [write_ec, written] = co_await asio::async_write(
                    socket, asio::buffer(response), asio::as_tuple(asio::use_awaitable));
                if (write_ec || !keep_alive) break;
                continue;
            }
            auto [index, script] = ledger.record(request);
            if (options.on_request) options.on_request(index, ledger.at(index));
            // Answering and watching the socket race: whichever ends first
            // cancels the other, so a client that leaves is seen at once.
            bool keep = false;
            try {
                auto winner = co_await (
                    responder.respond(socket, index, std::move(script), std::move(call)) ||
                    watch_disconnect(socket, index));
                keep = winner.index() == 0 && std::get<0>(winner) && keep_alive;
            } catch (const std::exception&) {
                mark_disconnected(index);  // a write failed: the client is gone
            }
            ledger.mark_ended(index);
            if (!keep) break;
        }
        beast::error_code ignored;
        socket.shutdown(tcp::socket::shutdown_both, ignored);
        socket.close(ignored);
    }

    // Returns false for a path that is not one of ours.
    bool describe(const Message& message, std::size_t connection, FakeSpeechRequest& request,
                  FakeSpeechCall& call) {
        const std::string_view target = message.target();
        const std::string_view path = target.substr(0, target.find('?'));
        if (message.method() != http::verb::post) return false;
        if (path.ends_with("/audio/speech")) {
            request.route = FakeSpeechRoute::speech;
        } else if (path.ends_with("/audio/transcriptions")) {
            request.route = FakeSpeechRoute::transcription;
        } else {
            return false;
        }
        call.route = request.route;
        request.method = std::string(message.method_string());
        request.target = std::string(target);
        for (const auto& field : message) {
            request.headers.emplace_back(std::string(field.name_string()),
                                         std::string(field.value()));
        }
        request.connection = connection;
        request.received_at = Clock::now();
        if (request.route == FakeSpeechRoute::speech) {
            parse_speech(request, call, message);
        } else {
            parse_transcription(request, call, message);
        }
        return true;
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
        // The client sent more: not a disconnect. Wait until the response ends.
        asio::steady_timer forever(socket.get_executor(), asio::steady_timer::time_point::max());
        co_await forever.async_wait(asio::use_awaitable);
    }

    void mark_disconnected(std::size_t index, Clock::time_point at = Clock::now()) {
        ledger.mark_disconnected(index, at);
    }

    void stop() {
        on_io_thread([this] {
            beast::error_code ignored;
            acceptor.close(ignored);
            for (tcp::socket* socket : open_sockets) {
                socket->shutdown(tcp::socket::shutdown_both, ignored);
                socket->close(ignored);
            }
        });
    }

    void restart() {
        on_io_thread([this] {
            if (!acceptor.is_open()) listen(port);
        });
    }

    Options options;
    FakeSpeechLedger ledger;
    // Declared before the io_context: its workers are joined (shutdown())
    // before the io_context goes, and it is destroyed after it.
    FakeSpeechEngines engines;
    FakeSpeechResponder responder;
    // Before the io_context too: the coroutine frames it destroys last
    // (connections still open) unregister their socket here.
    std::set<tcp::socket*> open_sockets;  // the io thread's only
    asio::io_context io;
    // Keeps the io thread running while stopped (no acceptor, no connections).
    asio::executor_work_guard<asio::io_context::executor_type> keep_running{io.get_executor()};
    tcp::acceptor acceptor;
    unsigned short port = 0;
    std::thread thread;
};

FakeSpeechServer::FakeSpeechServer(Options options)
    : impl_(std::make_unique<Impl>(std::move(options))) {}

FakeSpeechServer::~FakeSpeechServer() = default;

unsigned short FakeSpeechServer::port() const {
    return impl_->port;
}

std::string FakeSpeechServer::url() const {
    return "http://127.0.0.1:" + std::to_string(port()) + "/v1";
}

void FakeSpeechServer::push_script(FakeSpeechRoute route, FakeSpeechScript script) {
    impl_->ledger.push_script(route, std::move(script));
}

void FakeSpeechServer::set_default_script(FakeSpeechRoute route, FakeSpeechScript script) {
    impl_->ledger.set_default_script(route, std::move(script));
}

void FakeSpeechServer::stop() {
    impl_->stop();
}

void FakeSpeechServer::restart() {
    impl_->restart();
}

std::size_t FakeSpeechServer::connections_accepted() const {
    return impl_->ledger.connections_accepted();
}

std::size_t FakeSpeechServer::connections_open() const {
    return impl_->ledger.connections_open();
}

std::size_t FakeSpeechServer::disconnects() const {
    return impl_->ledger.disconnects();
}

std::size_t FakeSpeechServer::request_count() const {
    return impl_->ledger.count();
}

std::vector<FakeSpeechRequest> FakeSpeechServer::requests() const {
    return impl_->ledger.all();
}

FakeSpeechRequest FakeSpeechServer::request(std::size_t index) const {
    return impl_->ledger.at(index);
}

bool FakeSpeechServer::wait_for_requests(std::size_t count,
                                         std::chrono::milliseconds timeout) const {
    return impl_->ledger.wait_for_requests(count, timeout);
}

std::optional<FakeSpeechServer::Clock::time_point> FakeSpeechServer::wait_for_disconnect(
    std::size_t index, std::chrono::milliseconds timeout) const {
    return impl_->ledger.wait_for_disconnect(index, timeout);
}

bool FakeSpeechServer::wait_for_end(std::size_t index, std::chrono::milliseconds timeout) const {
    return impl_->ledger.wait_for_end(index, timeout);
}

}  // namespace confab::test
