#include "protocol/client_event_parser.hpp"

#include <boost/json/parse.hpp>

#include "protocol/item_create_parser.hpp"
#include "protocol/json_fields.hpp"
#include "util/base64.hpp"

namespace confab::protocol {
namespace json = boost::json;
namespace {

template <typename Event>
ParseResult finish(JsonFields& f, Event event) {
    if (!f.ok()) return *f.error();
    return ClientEvent{std::move(event)};
}

ParseResult parse_append(JsonFields& f, std::string event_id) {
    f.reject_unknown({"type", "event_id", "audio"});
    const auto audio = f.string("audio", true);
    if (!f.ok()) return *f.error();
    auto bytes = base64::decode(*audio);
    if (!bytes)
        return request_error("invalid_base64", "'audio' is not valid base64.", "audio", event_id);
    return ClientEvent{InputAudioAppend{std::move(event_id), std::move(*bytes)}};
}

ParseResult parse_response_create(JsonFields& f, std::string event_id, const ParseLimits& limits) {
    f.reject_unknown({"type", "event_id", "response"});
    ResponseCreate ev{event_id, {}, {}, {}, false, {}};
    if (const auto* r = f.child_object("response")) {
        JsonFields rf(*r, "response", event_id);
        rf.reject_unknown({"instructions", "output_modalities", "max_output_tokens", "conversation",
                           "metadata", "audio", "tools", "tool_choice", "input"});
        ev.instructions = rf.string("instructions");
        if (const auto* mods = rf.child_array("output_modalities")) {
            if (mods->size() != 1 || !(*mods)[0].is_string() ||
                ((*mods)[0].get_string() != "audio" && (*mods)[0].get_string() != "text")) {
                rf.fail("invalid_value", "output_modalities must be [\"audio\"] or [\"text\"].",
                        "output_modalities");
            } else {
                ev.output_modalities =
                    std::vector<std::string>{std::string((*mods)[0].get_string())};
            }
        }
        if (rf.has("max_output_tokens")) {
            const auto& v = r->at("max_output_tokens");
            if (!(v.is_string() && v.get_string() == "inf")) {
                if (const auto n = rf.integer("max_output_tokens", 1, 4096))
                    ev.max_output_tokens = static_cast<int>(*n);
            }
        }
        if (const auto conv = rf.string("conversation")) {
            if (*conv == "none") {
                ev.out_of_band = true;
            } else if (*conv != "auto") {
                rf.fail("invalid_value", "response.conversation must be 'auto' or 'none'.",
                        "conversation");
            }
        }
        if (const auto* md = rf.child_object("metadata")) ev.metadata = *md;
        if (rf.ok() && r->contains("tools")) {
            std::vector<FunctionTool> tools;
            if (auto err = parse_function_tools(r->at("tools"), "response.tools", limits.tools,
                                                event_id, tools))
                return *err;
            ev.tools = std::move(tools);
        }
        if (rf.ok() && r->contains("tool_choice")) {
            // Without its own tools a response chooses among the session's,
            // which the session checks (ReplyScheduler::request).
            ToolChoice choice;
            if (auto err = parse_tool_choice(r->at("tool_choice"), "response.tool_choice",
                                             ev.tools.value_or(std::vector<FunctionTool>{}),
                                             event_id, choice, ev.tools.has_value()))
                return *err;
            ev.tool_choice = choice;
        }
        if (rf.has("input"))
            rf.fail("unsupported_parameter",
                    "response.input is not supported; the conversation is the input.", "input");
        if (!rf.ok()) return *rf.error();
    }
    return finish(f, std::move(ev));
}

}  // namespace

ParseResult parse_client_event(std::string_view text, const ParseLimits& limits) {
    json::error_code ec;
    json::value root = json::parse(text, ec);
    if (ec)
        return request_error("invalid_json", "The message is not valid JSON: " + ec.message() + ".",
                             "", "");
    if (!root.is_object())
        return request_error("invalid_json", "The message must be a JSON object.", "", "");
    const auto& obj = root.get_object();

    // Learn the event_id first so that every later error can carry it.
    std::string event_id;
    if (const auto* id = obj.if_contains("event_id")) {
        if (!id->is_string())
            return request_error("invalid_type", "Invalid type for 'event_id': expected a string.",
                                 "event_id", "");
        event_id = std::string(id->get_string());
    }
    JsonFields f(obj, "", event_id);
    const auto type = f.string("type", true);
    if (!type) return *f.error();
    const std::string_view t = *type;

    if (t == "session.update") {
        f.reject_unknown({"type", "event_id", "session"});
        const auto* session = f.child_object("session", true);
        if (session == nullptr) return *f.error();
        return finish(f, SessionUpdate{event_id, *session});
    }
    if (t == "input_audio_buffer.append") return parse_append(f, event_id);
    if (t == "input_audio_buffer.commit") {
        f.reject_unknown({"type", "event_id"});
        return finish(f, InputAudioCommit{event_id});
    }
    if (t == "input_audio_buffer.clear") {
        f.reject_unknown({"type", "event_id"});
        return finish(f, InputAudioClear{event_id});
    }
    if (t == "confab.ping") {
        f.reject_unknown({"type", "event_id", "sent_at_ms"});
        const auto sent_at = f.integer("sent_at_ms", 0, 1LL << 53);  // a JSON-safe integer
        return finish(f, ConfabPing{event_id, sent_at});
    }
    if (t == "conversation.item.create") return parse_item_create(f, event_id, limits);
    if (t == "conversation.item.delete" || t == "conversation.item.retrieve") {
        f.reject_unknown({"type", "event_id", "item_id"});
        auto id = f.string("item_id", true);
        if (!f.ok()) return *f.error();
        if (t == "conversation.item.delete") return ClientEvent{ItemDelete{event_id, *id}};
        return ClientEvent{ItemRetrieve{event_id, *id}};
    }
    if (t == "conversation.item.truncate") {
        f.reject_unknown({"type", "event_id", "item_id", "content_index", "audio_end_ms"});
        ItemTruncate ev{event_id, f.string("item_id", true).value_or(""), 0, 0};
        ev.content_index = static_cast<int>(f.integer("content_index", 0, 1000, true).value_or(0));
        ev.audio_end_ms =
            static_cast<int>(f.integer("audio_end_ms", 0, 24 * 3600 * 1000, true).value_or(0));
        return finish(f, std::move(ev));
    }
    if (t == "response.create") return parse_response_create(f, event_id, limits);
    if (t == "response.cancel") {
        f.reject_unknown({"type", "event_id", "response_id"});
        ResponseCancel ev{event_id, f.string("response_id")};
        return finish(f, std::move(ev));
    }
    return request_error("unknown_event",
                         "Unknown or unsupported event type '" + std::string(t) + "'.", "type",
                         event_id);
}

}  // namespace confab::protocol
