#include "engines/llm/openai_stream_decoder.hpp"

#include <boost/json.hpp>

#include "util/errors.hpp"

namespace confab::engines {
namespace json = boost::json;
namespace {

// Enough of a bad payload to recognise it in a log line without flooding it.
constexpr std::size_t kExcerptChars = 200;

std::string excerpt(std::string_view text) {
    std::string out(text.substr(0, kExcerptChars));
    if (text.size() > kExcerptChars) out += "...";
    return out;
}

// The message of {"error": {"message": ...}} or {"error": "..."}; empty if absent.
std::string error_object_message(const json::object& root) {
    const json::value* error = root.if_contains("error");
    if (error == nullptr) return {};
    if (const json::string* text = error->if_string()) return std::string(*text);
    if (const json::object* object = error->if_object()) {
        if (const json::value* message = object->if_contains("message")) {
            if (const json::string* text = message->if_string()) return std::string(*text);
        }
    }
    return json::serialize(*error);
}

}  // namespace

std::error_code OpenAiStreamDecoder::decode(const SseEvent& event, Decoded& out) {
    out.text.clear();
    out.tool_calls.clear();
    if (event.data == "[DONE]") {
        done_ = true;
        return {};
    }
    std::error_code parse_error;
    const json::value root = json::parse(event.data, parse_error);
    const json::object* chunk = root.if_object();
    if (parse_error || chunk == nullptr) {
        error_message_ = "malformed chunk in stream: " + excerpt(event.data);
        return errc::bad_response;
    }
    if (std::string message = error_object_message(*chunk); !message.empty()) {
        error_message_ = "backend error in stream: " + message;
        return errc::backend_error;
    }
    // Usage-only chunks carry an empty `choices`; they say nothing to us.
    const json::value* choices = chunk->if_contains("choices");
    if (choices == nullptr || !choices->is_array() || choices->get_array().empty()) return {};
    const json::object* choice = choices->get_array().front().if_object();
    if (choice == nullptr) {
        error_message_ = "malformed choice in stream: " + excerpt(event.data);
        return errc::bad_response;
    }
    if (const json::value* reason = choice->if_contains("finish_reason")) {
        if (const json::string* text = reason->if_string()) finish_reason_ = std::string(*text);
    }
    if (const json::value* delta_value = choice->if_contains("delta")) {
        if (const json::object* delta_object = delta_value->if_object()) {
            // `content` is null in role and tool-call chunks.
            if (const json::value* content = delta_object->if_contains("content")) {
                if (const json::string* text = content->if_string()) out.text.assign(*text);
            }
            if (const json::value* calls = delta_object->if_contains("tool_calls")) {
                std::string why;
                const json::array* fragments = calls->if_array();
                if (fragments != nullptr && !tool_calls_.add(*fragments, out.tool_calls, why)) {
                    error_message_ =
                        "malformed tool call in stream (" + why + "): " + excerpt(event.data);
                    return errc::bad_response;
                }
            }
        }
    }
    return {};
}

std::error_code OpenAiStreamDecoder::finish() {
    if (const std::string* arguments = tool_calls_.unnamed()) {
        error_message_ = "the stream ended with a tool call that has no name (arguments: " +
                         excerpt(*arguments) + ")";
        return errc::bad_response;
    }
    return {};
}

std::string OpenAiStreamDecoder::describe_error_body(std::string_view body) {
    std::error_code parse_error;
    const json::value root = json::parse(body, parse_error);
    if (!parse_error && root.is_object()) {
        std::string message = error_object_message(root.get_object());
        if (!message.empty()) return message;
    }
    return excerpt(body);
}

}  // namespace confab::engines
