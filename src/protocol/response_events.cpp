#include "protocol/response_events.hpp"

#include "protocol/audio_format_codec.hpp"
#include "protocol/server_events.hpp"

namespace confab::protocol::events {
namespace json = boost::json;

namespace {
json::object part_json(const ContentPart& part) {
    json::object p{{"type", part.type == "output_audio" ? "audio" : "text"}};
    if (part.type == "output_audio") {
        p["transcript"] = part.transcript.value_or("");
    } else {
        p["text"] = part.text;
    }
    return p;
}

json::object with_ref(std::string_view type, const PartRef& ref) {
    auto ev = make_event(type);
    ev["response_id"] = ref.response_id;
    ev["item_id"] = ref.item_id;
    ev["output_index"] = ref.output_index;
    ev["content_index"] = ref.content_index;
    return ev;
}
}  // namespace

json::object response_json(const ResponseInfo& r) {
    json::array output;
    for (const auto& item : r.output) output.push_back(item_to_json(item));
    json::array modalities;
    for (const auto& m : r.output_modalities) modalities.emplace_back(m);
    json::object o{
        {"object", "realtime.response"},
        {"id", r.id},
        {"status", r.status},
        {"status_details",
         r.status_details ? json::value(*r.status_details) : json::value(nullptr)},
        {"output", std::move(output)},
        {"conversation_id", r.out_of_band ? json::value(nullptr) : json::value("conv_default")},
        {"output_modalities", std::move(modalities)},
        {"audio",
         json::object{{"output", json::object{{"format", audio_format_json(r.output_format)},
                                              {"voice", r.voice}}}}},
        {"usage", nullptr},
        {"metadata", r.metadata.empty() ? json::value(nullptr) : json::value(r.metadata)}};
    o["max_output_tokens"] =
        r.max_output_tokens ? json::value(*r.max_output_tokens) : json::value("inf");
    return o;
}

json::object response_created(const ResponseInfo& r) {
    auto ev = make_event("response.created");
    ev["response"] = response_json(r);
    return ev;
}

json::object response_done(const ResponseInfo& r) {
    auto ev = make_event("response.done");
    ev["response"] = response_json(r);
    return ev;
}

json::object output_item_added(const std::string& response_id, int output_index,
                               const ConversationItem& item) {
    auto ev = make_event("response.output_item.added");
    ev["response_id"] = response_id;
    ev["output_index"] = output_index;
    ev["item"] = item_to_json(item);
    return ev;
}

json::object output_item_done(const std::string& response_id, int output_index,
                              const ConversationItem& item) {
    auto ev = make_event("response.output_item.done");
    ev["response_id"] = response_id;
    ev["output_index"] = output_index;
    ev["item"] = item_to_json(item);
    return ev;
}

json::object content_part_added(const PartRef& ref, const ContentPart& part) {
    auto ev = with_ref("response.content_part.added", ref);
    ev["part"] = part_json(part);
    return ev;
}

json::object content_part_done(const PartRef& ref, const ContentPart& part) {
    auto ev = with_ref("response.content_part.done", ref);
    ev["part"] = part_json(part);
    return ev;
}

json::object output_audio_delta(const PartRef& ref, std::string base64_audio) {
    auto ev = with_ref("response.output_audio.delta", ref);
    ev["delta"] = std::move(base64_audio);
    return ev;
}

json::object output_audio_done(const PartRef& ref) {
    return with_ref("response.output_audio.done", ref);
}

json::object output_audio_transcript_delta(const PartRef& ref, const std::string& delta) {
    auto ev = with_ref("response.output_audio_transcript.delta", ref);
    ev["delta"] = delta;
    return ev;
}

json::object output_audio_transcript_done(const PartRef& ref, const std::string& transcript) {
    auto ev = with_ref("response.output_audio_transcript.done", ref);
    ev["transcript"] = transcript;
    return ev;
}

json::object output_text_delta(const PartRef& ref, const std::string& delta) {
    auto ev = with_ref("response.output_text.delta", ref);
    ev["delta"] = delta;
    return ev;
}

json::object output_text_done(const PartRef& ref, const std::string& text) {
    auto ev = with_ref("response.output_text.done", ref);
    ev["text"] = text;
    return ev;
}

namespace {
json::object function_call_event(std::string_view type, const std::string& response_id,
                                 int output_index, const ConversationItem& item) {
    auto ev = make_event(type);
    ev["response_id"] = response_id;
    ev["item_id"] = item.id;
    ev["output_index"] = output_index;
    ev["call_id"] = item.call_id;
    return ev;
}
}  // namespace

json::object function_call_arguments_delta(const std::string& response_id, int output_index,
                                           const ConversationItem& item, const std::string& delta) {
    auto ev = function_call_event("response.function_call_arguments.delta", response_id,
                                  output_index, item);
    ev["delta"] = delta;
    return ev;
}

json::object function_call_arguments_done(const std::string& response_id, int output_index,
                                          const ConversationItem& item) {
    auto ev = function_call_event("response.function_call_arguments.done", response_id,
                                  output_index, item);
    ev["name"] = item.name;
    ev["arguments"] = item.arguments;
    return ev;
}

json::object response_timings(const std::string& response_id, const std::string& status,
                              json::object timings) {
    auto ev = make_event("confab.response.timings");
    ev["response_id"] = response_id;
    ev["status"] = status;
    ev["timings"] = std::move(timings);
    return ev;
}

json::object status_details(const std::string& type, const std::string& reason,
                            const std::optional<ProtocolError>& error) {
    json::object d{{"type", type}, {"reason", reason}};
    if (error)
        d["error"] =
            json::object{{"type", error->type}, {"code", error->code}, {"message", error->message}};
    return d;
}

}  // namespace confab::protocol::events
