#include "engines/stt/transcript_decoder.hpp"

#include <boost/json.hpp>

#include "engines/llm/openai_stream_decoder.hpp"
#include "util/errors.hpp"

namespace confab::engines {
namespace json = boost::json;

namespace {

constexpr std::size_t kExcerptChars = 120;

std::string excerpt(std::string_view text) {
    std::string out(text.substr(0, kExcerptChars));
    if (text.size() > kExcerptChars) out += "...";
    return out;
}

const json::string* string_field(const json::object& object, std::string_view name) {
    const json::value* value = object.if_contains(name);
    return value == nullptr ? nullptr : value->if_string();
}

}  // namespace

std::error_code TranscriptDecoder::fail(std::error_code error, std::string message) {
    failed_ = true;
    message_ = std::move(message);
    return error;
}

std::error_code TranscriptDecoder::decode_json(std::string_view body) {
    if (body.empty()) return fail(errc::bad_response, "empty body");
    std::error_code parse_error;
    const json::value root = json::parse(body, parse_error);
    if (parse_error || !root.is_object()) {
        return fail(errc::bad_response, "malformed JSON: " + excerpt(body));
    }
    const json::object& object = root.get_object();
    if (object.contains("error")) {
        return fail(errc::backend_error, OpenAiStreamDecoder::describe_error_body(body));
    }
    const json::string* text = string_field(object, "text");
    if (text == nullptr) return fail(errc::bad_response, "no \"text\" in " + excerpt(body));
    text_ = std::string(*text);
    return {};
}

std::error_code TranscriptDecoder::decode_event(const SseEvent& event,
                                                const PartialSink& on_partial) {
    if (failed_) return errc::bad_response;
    if (done_ || event.data == "[DONE]") return {};
    std::error_code parse_error;
    const json::value root = json::parse(event.data, parse_error);
    if (parse_error || !root.is_object()) {
        return fail(errc::bad_response, "malformed event in stream: " + excerpt(event.data));
    }
    const json::object& object = root.get_object();
    if (object.contains("error")) {
        return fail(errc::backend_error, OpenAiStreamDecoder::describe_error_body(event.data));
    }
    // The type is the object's; a server may also name the SSE event.
    const json::string* type = string_field(object, "type");
    const std::string_view kind = type != nullptr ? std::string_view(*type) : event.event;
    if (kind == "transcript.text.delta") {
        const json::string* delta = string_field(object, "delta");
        if (delta == nullptr) return fail(errc::bad_response, "a delta without \"delta\"");
        if (delta->empty()) return {};
        text_.append(delta->data(), delta->size());
        if (on_partial) on_partial(text_);
    } else if (kind == "transcript.text.done") {
        const json::string* text = string_field(object, "text");
        if (text == nullptr)
            return fail(errc::bad_response, "transcript.text.done without \"text\"");
        text_ = std::string(*text);
        done_ = true;
    }
    return {};
}

}  // namespace confab::engines
