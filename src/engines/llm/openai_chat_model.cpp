#include "engines/llm/openai_chat_model.hpp"

#include <array>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/json.hpp>
#include <boost/url/parse.hpp>

#include "engines/llm/openai_stream_decoder.hpp"
#include "engines/llm/sse_parser.hpp"
#include "util/cancellation_as_error.hpp"
#include "util/errors.hpp"

// g++ 12 false positive: Asio allocates coroutine frames with aligned_alloc
// and frees them through a matching class operator delete, which g++ cannot
// see through when it inlines a coroutine's destroy path.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

namespace confab::engines {
namespace asio = boost::asio;
namespace json = boost::json;
using Clock = std::chrono::steady_clock;

namespace {

// An error body longer than this is cut: only its message is wanted.
constexpr std::size_t kMaxErrorBody = 64 * 1024;

enum class Phase { connecting, awaiting_first_token, streaming };

// The three deadlines of one call, all counted from its start so that each
// bounds what the user actually waits for. 0 or less disables one.
struct Deadlines {
    Deadlines(Clock::time_point start, const LlmConfig& config)
        : connect(after(start, config.connect_timeout_ms)),
          first_token(after(start, config.first_token_timeout_ms)),
          total(after(start, config.total_timeout_ms)),
          config_(config) {}

    Clock::time_point for_phase(Phase phase) const {
        switch (phase) {
            case Phase::connecting:
                return std::min({connect, first_token, total});
            case Phase::awaiting_first_token:
                return std::min(first_token, total);
            case Phase::streaming:
                return total;
        }
        return total;
    }

    // Names the deadline that ended `phase` (the earliest one that applied).
    std::string timeout_message(Phase phase) const {
        const Clock::time_point expired = for_phase(phase);
        if (phase == Phase::connecting && expired == connect) {
            return "connect timeout: no connection within " + ms(config_.connect_timeout_ms);
        }
        if (phase != Phase::streaming && expired == first_token) {
            return "first token timeout: no reply text within " +
                   ms(config_.first_token_timeout_ms);
        }
        return "total timeout: reply not finished within " + ms(config_.total_timeout_ms);
    }

    Clock::time_point connect, first_token, total;

  private:
    static Clock::time_point after(Clock::time_point start, int timeout_ms) {
        if (timeout_ms <= 0) return Clock::time_point::max();
        return start + std::chrono::milliseconds(timeout_ms);
    }
    static std::string ms(int value) { return std::to_string(value) + " ms"; }

    const LlmConfig& config_;
};

bool cancelled(const asio::cancellation_state& state) {
    return state.cancelled() != asio::cancellation_type::none;
}

ChatOutcome failure(std::error_code error, std::string message) {
    return ChatOutcome{error, std::move(message), {}};
}

// Maps a transport error to the outcome the caller sees; `what` says what we
// were doing ("connect to host:port", "reading the reply").
ChatOutcome transport_failure(std::error_code ec, errc otherwise, const std::string& what,
                              const Deadlines& deadlines, Phase phase) {
    if (ec == errc::cancelled) return failure(errc::cancelled, "cancelled");
    if (ec == errc::timeout) return failure(errc::timeout, deadlines.timeout_message(phase));
    return failure(otherwise, what + " failed: " + ec.message());
}

}  // namespace

OpenAiChatModel::OpenAiChatModel(LlmConfig config, TlsOptions tls) : config_(std::move(config)) {
    const auto url = boost::urls::parse_uri(config_.base_url);
    if (!url) {
        config_error_ =
            "llm base_url '" + config_.base_url + "' is not a URL: " + url.error().message();
        return;
    }
    const bool https = url->scheme_id() == boost::urls::scheme::https;
    if (!https && url->scheme_id() != boost::urls::scheme::http) {
        config_error_ = "llm base_url '" + config_.base_url + "' must be http:// or https://";
        return;
    }
    endpoint_.tls = https;
    endpoint_.host = url->host_address();
    if (url->has_port()) {
        endpoint_.port = std::string(url->port());
    } else {
        endpoint_.port = https ? "443" : "80";
    }
    std::string path(url->encoded_path());
    while (!path.empty() && path.back() == '/') path.pop_back();
    target_ = path + "/chat/completions";
    // Some gateways (Azure) put the API version in the query.
    if (url->has_query()) target_ += "?" + std::string(url->encoded_query());

    if (https) {
        namespace ssl = asio::ssl;
        tls_context_ = std::make_unique<ssl::context>(ssl::context::tls_client);
        boost::system::error_code ec;
        if (tls.ca_file.empty()) {
            tls_context_->set_default_verify_paths(ec);
        } else {
            tls_context_->load_verify_file(tls.ca_file, ec);
        }
        if (ec) config_error_ = "llm TLS trust store could not be loaded: " + ec.message();
        tls_context_->set_verify_mode(ssl::verify_peer);
    }
}

OpenAiChatModel::~OpenAiChatModel() = default;

std::string OpenAiChatModel::name() const {
    return "openai:" + config_.base_url + " " + config_.model;
}

std::string OpenAiChatModel::request_body(const ChatRequest& request) const {
    json::array messages;
    for (const ChatMessage& message : request.messages) {
        messages.push_back(json::object{{"role", message.role}, {"content", message.content}});
    }
    json::object body{
        {"model", config_.model}, {"messages", std::move(messages)}, {"stream", true}};
    body["max_tokens"] = request.max_tokens.value_or(config_.max_tokens);
    if (request.temperature) body["temperature"] = *request.temperature;
    return json::serialize(body);
}

HttpRequest OpenAiChatModel::http_request(const ChatRequest& request) const {
    HttpRequest http;
    http.method = "POST";
    http.target = target_;
    http.headers = {{"Content-Type", "application/json"},
                    {"Accept", "text/event-stream"},
                    {"User-Agent", "confab"}};
    if (!config_.api_key.empty())
        http.headers.emplace_back("Authorization", "Bearer " + config_.api_key);
    http.body = request_body(request);
    return http;
}

asio::awaitable<ChatOutcome> OpenAiChatModel::stream(ChatRequest request, DeltaSink on_delta) {
    co_return co_await cancellation_as_error(run(std::move(request), std::move(on_delta)));
}

asio::awaitable<ChatOutcome> OpenAiChatModel::run(ChatRequest request, DeltaSink on_delta) {
    if (!on_delta) on_delta = [](std::string_view) {};  // a caller that only wants the outcome
    if (!config_error_.empty()) co_return failure(errc::invalid_argument, config_error_);
    const Deadlines deadlines(Clock::now(), config_);
    const std::string peer = endpoint_.host + ":" + endpoint_.port;
    const asio::cancellation_state state = co_await asio::this_coro::cancellation_state;
    const asio::any_io_executor executor = co_await asio::this_coro::executor;
    // Closes the socket on every way out, cancellation included (RAII).
    HttpConnection connection(executor, tls_context_.get());

    Phase phase = Phase::connecting;
    connection.set_deadline(deadlines.for_phase(phase));
    if (const auto ec = co_await connection.connect(endpoint_)) {
        co_return transport_failure(ec, errc::backend_unreachable, "connect to " + peer, deadlines,
                                    phase);
    }
    phase = Phase::awaiting_first_token;
    connection.set_deadline(deadlines.for_phase(phase));
    const HttpRequest http = http_request(request);
    if (const auto ec = co_await connection.write(http)) {
        co_return transport_failure(ec, errc::backend_unreachable, "sending the request to " + peer,
                                    deadlines, phase);
    }
    HttpResponseHead head;
    if (const auto ec = co_await connection.read_head(head)) {
        co_return transport_failure(ec, errc::bad_response, "reading the reply of " + peer,
                                    deadlines, phase);
    }

    std::array<char, 4096> chunk{};
    if (head.status < 200 || head.status >= 300) {
        // The body says why; read what fits, but the status alone is enough.
        std::string body;
        while (body.size() < kMaxErrorBody && !connection.body_done() && !cancelled(state)) {
            const HttpBodyRead read = co_await connection.read_body_some(chunk);
            body.append(chunk.data(), read.bytes);
            if (read.error) break;
        }
        if (cancelled(state)) co_return failure(errc::cancelled, "cancelled");
        std::string message =
            "HTTP " + std::to_string(head.status) + " " + head.reason + " from " + peer;
        if (!body.empty()) message += ": " + OpenAiStreamDecoder::describe_error_body(body);
        co_return failure(errc::backend_error, std::move(message));
    }
    if (!head.content_type.empty() && head.content_type.find("event-stream") == std::string::npos) {
        co_return failure(errc::bad_response,
                          "expected text/event-stream from " + peer + ", got " + head.content_type);
    }

    SseParser sse;
    OpenAiStreamDecoder decoder;
    std::error_code stream_error;
    std::string delta;
    const auto on_event = [&](const SseEvent& event) {
        // After the end, an error, or a cancellation raised by on_delta itself,
        // the rest of this chunk is not for the caller.
        if (stream_error || decoder.done() || cancelled(state)) return;
        stream_error = decoder.decode(event, delta);
        if (stream_error || delta.empty()) return;
        if (phase == Phase::awaiting_first_token) {
            phase = Phase::streaming;
            connection.set_deadline(deadlines.for_phase(phase));
        }
        on_delta(delta);
    };
    while (!decoder.done() && !stream_error && !connection.body_done()) {
        if (cancelled(state)) {
            connection.close();
            co_return failure(errc::cancelled, "cancelled");
        }
        const HttpBodyRead read = co_await connection.read_body_some(chunk);
        if (read.bytes > 0 && sse.feed({chunk.data(), read.bytes}, on_event)) {
            co_return failure(errc::bad_response, "event stream from " + peer +
                                                      " exceeds the line or event size limit");
        }
        if (read.error) {
            co_return transport_failure(read.error, errc::bad_response,
                                        "reading the stream of " + peer, deadlines, phase);
        }
    }
    if (cancelled(state)) co_return failure(errc::cancelled, "cancelled");
    // Issue 4 will read to the end of the body here and keep the connection.
    connection.close();

    ChatOutcome outcome;
    outcome.finish_reason = decoder.finish_reason();
    if (stream_error) {
        outcome.error = stream_error;
        outcome.message = decoder.error_message();
    } else if (!decoder.done() && outcome.finish_reason.empty()) {
        outcome.error = errc::bad_response;
        outcome.message = "stream from " + peer + " ended without [DONE] or a finish_reason";
    }
    co_return outcome;
}

}  // namespace confab::engines
