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
// After [DONE] the body's end (the chunked terminator) normally comes in the
// same packet; reading it lets the connection serve the next request. A
// backend that sends more, or is slow to end, costs its connection, not the
// reply.
constexpr std::size_t kMaxDrainBytes = 64 * 1024;
constexpr auto kDrainTimeout = std::chrono::seconds(1);

enum class Phase { awaiting_first_token, streaming };

// The deadlines of one call. First-token and total count from its start, so
// that each bounds what the user actually waits for (a wait for a free slot
// included); the connect timeout counts from the moment a slot is free (the
// queue has its own timeout). 0 or less disables one.
struct Deadlines {
    Deadlines(Clock::time_point start, const LlmConfig& config)
        : first_token(after(start, config.first_token_timeout_ms)),
          total(after(start, config.total_timeout_ms)),
          config_(config) {}

    Clock::time_point for_phase(Phase phase) const {
        return phase == Phase::streaming ? total : std::min(first_token, total);
    }

    Clock::duration connect_timeout() const {
        return std::chrono::milliseconds(std::max(0, config_.connect_timeout_ms));
    }

    // Names the deadline that ended `phase` (the earliest one that applied).
    std::string timeout_message(Phase phase) const {
        if (phase != Phase::streaming && for_phase(phase) == first_token) {
            return "first token timeout: no reply text within " +
                   ms(config_.first_token_timeout_ms);
        }
        return "total timeout: reply not finished within " + ms(config_.total_timeout_ms);
    }

    std::string connect_timeout_message(const std::string& peer) const {
        return "connect timeout: no connection to " + peer + " within " +
               ms(config_.connect_timeout_ms);
    }

    Clock::time_point first_token, total;

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
// were doing ("sending the request to host:port", "reading the reply").
ChatOutcome transport_failure(std::error_code ec, errc otherwise, const std::string& what,
                              const Deadlines& deadlines, Phase phase) {
    if (ec == errc::cancelled) return failure(errc::cancelled, "cancelled");
    if (ec == errc::timeout) return failure(errc::timeout, deadlines.timeout_message(phase));
    return failure(otherwise, what + " failed: " + ec.message());
}

// Why the backend could not take the request: saturated (queue full or queue
// timeout), down (no connection: refused, unreachable, connect timeout), or
// the request itself failed on the way.
ChatOutcome open_failure(const LlmBackend::Opened& opened, const Deadlines& deadlines,
                         const std::string& peer) {
    using Stage = LlmBackend::Stage;
    const std::error_code ec = opened.error;
    if (ec == errc::cancelled) return failure(errc::cancelled, "cancelled");
    switch (opened.stage) {
        case Stage::queue:
            return failure(ec, opened.message);
        case Stage::connect:
            // Only a deadline of the connect's own counts as the backend
            // being down; the reply's deadline passing while connecting is a
            // timeout of the reply.
            if (ec == errc::timeout) {
                if (opened.connect_deadline < deadlines.for_phase(Phase::awaiting_first_token)) {
                    return failure(errc::backend_unreachable,
                                   deadlines.connect_timeout_message(peer));
                }
                return failure(errc::timeout,
                               deadlines.timeout_message(Phase::awaiting_first_token));
            }
            return failure(errc::backend_unreachable,
                           "connect to " + peer + " failed: " + ec.message());
        case Stage::send:
            return transport_failure(ec, errc::backend_unreachable,
                                     "sending the request to " + peer, deadlines,
                                     Phase::awaiting_first_token);
        case Stage::head:
            break;
    }
    return transport_failure(ec, errc::bad_response, "reading the reply of " + peer, deadlines,
                             Phase::awaiting_first_token);
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
    backend_ = std::make_unique<LlmBackend>(endpoint_, tls_context_.get(),
                                            LlmBackend::options_from(config_));
}

OpenAiChatModel::~OpenAiChatModel() = default;

std::string OpenAiChatModel::name() const {
    return "openai:" + config_.base_url + " " + config_.model;
}

std::string OpenAiChatModel::request_body(const ChatRequest& request) const {
    json::array messages;
    for (const ChatMessage& message : request.messages) {
        json::object m{{"role", message.role}, {"content", message.content}};
        if (!message.tool_calls.empty()) {
            json::array calls;
            for (const ToolCall& call : message.tool_calls) {
                calls.push_back(json::object{
                    {"id", call.id},
                    {"type", "function"},
                    {"function",
                     json::object{{"name", call.name}, {"arguments", call.arguments}}}});
            }
            m["tool_calls"] = std::move(calls);
            // An assistant turn that only calls tools has no text: null, as OpenAI sends it.
            if (message.content.empty()) m["content"] = nullptr;
        }
        if (message.role == "tool") m["tool_call_id"] = message.tool_call_id;
        messages.push_back(std::move(m));
    }
    json::object body{
        {"model", config_.model}, {"messages", std::move(messages)}, {"stream", true}};
    body["max_tokens"] = request.max_tokens.value_or(config_.max_tokens);
    if (request.temperature) body["temperature"] = *request.temperature;
    if (!request.tools.empty()) {
        json::array tools;
        for (const protocol::FunctionTool& tool : request.tools) {
            json::object function{{"name", tool.name}};
            if (!tool.description.empty()) function["description"] = tool.description;
            function["parameters"] =
                tool.parameters.empty()
                    ? json::object{{"type", "object"}, {"properties", json::object{}}}
                    : tool.parameters;
            tools.push_back(json::object{{"type", "function"}, {"function", std::move(function)}});
        }
        body["tools"] = std::move(tools);
        if (request.parallel_tool_calls) body["parallel_tool_calls"] = *request.parallel_tool_calls;
        if (request.tool_choice.mode == protocol::ToolChoice::Mode::function) {
            body["tool_choice"] = json::object{
                {"type", "function"},
                {"function", json::object{{"name", request.tool_choice.function_name}}}};
        } else {
            body["tool_choice"] = protocol::tool_choice_to_json(request.tool_choice);
        }
    }
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

LlmPoolStats OpenAiChatModel::pool_stats() const {
    return backend_ ? backend_->stats() : LlmPoolStats{};
}

asio::awaitable<ChatOutcome> OpenAiChatModel::stream(ChatRequest request, StreamSinks sinks) {
    ChatOutcome outcome = co_await cancellation_as_error(run(std::move(request), std::move(sinks)));
    if (backend_) backend_->record_outcome(outcome.error);
    co_return outcome;
}

asio::awaitable<ChatOutcome> OpenAiChatModel::run(ChatRequest request, StreamSinks sinks) {
    // A caller may want only the outcome, or only the text.
    if (!sinks.on_text) sinks.on_text = [](std::string_view) {};
    if (!sinks.on_tool_call) sinks.on_tool_call = [](const ToolCallDelta&) {};
    if (!config_error_.empty()) co_return failure(errc::invalid_argument, config_error_);
    Deadlines deadlines(Clock::now(), config_);
    deadlines.first_token = std::min(deadlines.first_token, request.first_token_by);
    const std::string peer = endpoint_.host + ":" + endpoint_.port;
    const asio::cancellation_state state = co_await asio::this_coro::cancellation_state;

    // The request's slot and connection. Every way out before finish(),
    // cancellation included, closes the connection at once and frees the
    // slot for the next waiter (RAII).
    LlmBackend::Lease lease;
    Phase phase = Phase::awaiting_first_token;
    const HttpRequest http = http_request(request);
    const Clock::duration connect_timeout = deadlines.connect_timeout();
    const Clock::time_point response_deadline = deadlines.for_phase(phase);
    HttpResponseHead head;
    const LlmBackend::Opened opened = co_await backend_->open(
        lease, request.session_key, http, head, connect_timeout, response_deadline);
    if (opened.error) co_return open_failure(opened, deadlines, peer);
    HttpConnection& connection = lease.connection();

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
        lease.finish();  // an error body read whole leaves the connection reusable
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
    OpenAiStreamDecoder::Decoded decoded;
    const auto on_event = [&](const SseEvent& event) {
        // After the end, an error, or a cancellation raised by a sink itself,
        // the rest of this chunk is not for the caller.
        if (stream_error || decoder.done() || cancelled(state)) return;
        stream_error = decoder.decode(event, decoded);
        if (stream_error || decoded.empty()) return;
        if (phase == Phase::awaiting_first_token) {
            phase = Phase::streaming;
            connection.set_deadline(deadlines.for_phase(phase));
        }
        if (!decoded.text.empty()) sinks.on_text(decoded.text);
        for (const ToolCallDelta& delta : decoded.tool_calls) {
            if (cancelled(state)) return;
            sinks.on_tool_call(delta);
        }
    };
    while (!decoder.done() && !stream_error && !connection.body_done()) {
        if (cancelled(state)) co_return failure(errc::cancelled, "cancelled");
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
    if (decoder.done() && !stream_error) {
        // Read on to the body's end so that the connection can be reused;
        // its failure or slowness only costs the connection (finish() then
        // closes it), never the reply that is already complete.
        connection.set_deadline(std::min(deadlines.total, Clock::now() + kDrainTimeout));
        std::size_t drained = 0;
        while (!connection.body_done() && drained <= kMaxDrainBytes) {
            const HttpBodyRead read = co_await connection.read_body_some(chunk);
            drained += read.bytes;
            if (read.error) break;
        }
        if (cancelled(state)) co_return failure(errc::cancelled, "cancelled");
    }
    // A failed stream leaves the body half-read: the lease then closes it.
    if (!stream_error) lease.finish();

    if (!stream_error) stream_error = decoder.finish();
    ChatOutcome outcome;
    outcome.finish_reason = decoder.finish_reason();
    outcome.tool_calls = decoder.tool_calls();
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
