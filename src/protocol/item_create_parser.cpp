#include "protocol/item_create_parser.hpp"

namespace confab::protocol {
namespace json = boost::json;
namespace {

// A call id is echoed to the model backend and back: bounded, never empty.
constexpr std::size_t kMaxCallIdChars = 128;

ParseResult parse_function_item(JsonFields& it, ItemCreate ev, ConversationItem::Type type,
                                const ParseLimits& limits) {
    const bool call = type == ConversationItem::Type::function_call;
    if (call) {
        it.reject_unknown({"id", "type", "object", "status", "call_id", "name", "arguments"});
    } else {
        it.reject_unknown({"id", "type", "object", "status", "call_id", "output"});
    }
    ev.item.type = type;
    ev.item.role.clear();
    if (const auto id = it.string("call_id", true)) ev.item.call_id = *id;
    if (call) {
        if (const auto name = it.string("name", true)) ev.item.name = *name;
        if (const auto arguments = it.string("arguments", true)) ev.item.arguments = *arguments;
    } else if (const auto output = it.string("output", true)) {
        ev.item.output = *output;
    }
    if (!it.ok()) return *it.error();
    if (ev.item.call_id.empty() || ev.item.call_id.size() > kMaxCallIdChars)
        return request_error(
            "invalid_value",
            "item.call_id must be 1 to " + std::to_string(kMaxCallIdChars) + " characters.",
            "item.call_id", ev.event_id);
    const std::size_t total =
        ev.item.name.size() + ev.item.arguments.size() + ev.item.output.size();
    if (total > limits.max_item_text_chars)
        return request_error("invalid_value",
                             "item text is " + std::to_string(total) +
                                 " characters; the limit is " +
                                 std::to_string(limits.max_item_text_chars) + ".",
                             call ? "item.arguments" : "item.output", ev.event_id);
    return ClientEvent{std::move(ev)};
}

}  // namespace

ParseResult parse_item_create(JsonFields& f, std::string event_id, const ParseLimits& limits) {
    f.reject_unknown({"type", "event_id", "previous_item_id", "item"});
    ItemCreate ev{event_id, f.string("previous_item_id"), {}};
    const auto* item = f.child_object("item", true);
    if (item == nullptr) return *f.error();
    JsonFields it(*item, "item", event_id);
    const auto type = it.string("type", true);
    ev.item.id = it.string("id").value_or("");
    if (ev.item.id.size() > 64)
        it.fail("invalid_value", "item.id is longer than 64 characters.", "id");
    if (it.ok() && *type == "function_call")
        return parse_function_item(it, std::move(ev), ConversationItem::Type::function_call,
                                   limits);
    if (it.ok() && *type == "function_call_output")
        return parse_function_item(it, std::move(ev), ConversationItem::Type::function_call_output,
                                   limits);
    it.reject_unknown({"id", "type", "object", "role", "content", "status"});
    if (type && *type != "message")
        it.fail("invalid_value",
                "Unsupported item type '" + *type +
                    "': use 'message', 'function_call' or 'function_call_output'.",
                "type");
    const auto role = it.string("role", true);
    if (role && *role != "user" && *role != "system" && *role != "assistant")
        it.fail("invalid_value", "item.role must be 'user', 'assistant' or 'system'.", "role");
    const auto* content = it.child_array("content", true);
    if (!it.ok()) return *it.error();
    ev.item.role = *role;
    // A user or system message carries input_text; an assistant message
    // (history seeded by the client) carries output_text.
    const std::string want = *role == "assistant" ? "output_text" : "input_text";
    std::size_t total = 0;
    for (std::size_t i = 0; i < content->size(); ++i) {
        const std::string param = "item.content[" + std::to_string(i) + "]";
        if (!(*content)[i].is_object())
            return request_error("invalid_type",
                                 "Invalid type for '" + param + "': expected an object.", param,
                                 event_id);
        JsonFields part((*content)[i].get_object(), param, event_id);
        part.reject_unknown({"type", "text"});
        const auto ptype = part.string("type", true);
        if (ptype && *ptype != want)
            part.fail("invalid_value",
                      "Unsupported content type '" + *ptype + "' for a " + *role +
                          " message: use '" + want + "'.",
                      "type");
        const auto text = part.string("text", true);
        if (!part.ok()) return *part.error();
        total += text->size();
        ev.item.content.push_back(ContentPart{*ptype, *text, std::nullopt, 0});
    }
    if (ev.item.content.empty())
        return request_error("invalid_value", "item.content must hold at least one part.",
                             "item.content", event_id);
    if (total > limits.max_item_text_chars)
        return request_error("invalid_value",
                             "item text is " + std::to_string(total) +
                                 " characters; the limit is " +
                                 std::to_string(limits.max_item_text_chars) + ".",
                             "item.content", event_id);
    if (!f.ok()) return *f.error();
    return ClientEvent{std::move(ev)};
}

}  // namespace confab::protocol
