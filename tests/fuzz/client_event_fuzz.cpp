// The client-event parser (protocol/client_event_parser): any text a client
// can send in one WebSocket frame.
// Oracle: an error is a ProtocolError with a code, a message and a type; an
// accepted event written back as the JSON a client would send (to_wire
// below, built from the server's own item and tool serialisers) parses again
// to the same event.
#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string_view>
#include <type_traits>
#include <variant>

#include "fuzz/fuzz_check.hpp"
#include "protocol/client_event_parser.hpp"
#include "util/base64.hpp"

namespace {
using namespace confab::protocol;
namespace json = boost::json;

// Small bounds, so that inputs of a few hundred bytes reach them.
ParseLimits limits() {
    ParseLimits l;
    l.max_item_text_chars = 64;
    l.tools.max_tools = 3;
    l.tools.max_description_chars = 32;
    l.tools.max_parameters_bytes = 128;
    return l;
}

json::object with_type(std::string_view type, const std::string& event_id) {
    return json::object{{"type", type}, {"event_id", event_id}};
}

json::object response_wire(const ResponseCreate& ev) {
    json::object r;
    if (ev.instructions) r["instructions"] = *ev.instructions;
    if (ev.output_modalities) {
        json::array mods;
        for (const auto& m : *ev.output_modalities) mods.emplace_back(m);
        r["output_modalities"] = std::move(mods);
    }
    if (ev.max_output_tokens) r["max_output_tokens"] = *ev.max_output_tokens;
    if (ev.out_of_band) r["conversation"] = "none";
    if (!ev.metadata.empty()) r["metadata"] = ev.metadata;
    if (ev.tools) r["tools"] = tools_to_json(*ev.tools);
    if (ev.tool_choice) r["tool_choice"] = tool_choice_to_json(*ev.tool_choice);
    return r;
}

json::object to_wire(const ClientEvent& event) {
    return std::visit(
        [](const auto& ev) -> json::object {
            using T = std::decay_t<decltype(ev)>;
            if constexpr (std::is_same_v<T, SessionUpdate>) {
                auto o = with_type("session.update", ev.event_id);
                o["session"] = ev.session;
                return o;
            } else if constexpr (std::is_same_v<T, InputAudioAppend>) {
                auto o = with_type("input_audio_buffer.append", ev.event_id);
                o["audio"] = confab::base64::encode(ev.audio);
                return o;
            } else if constexpr (std::is_same_v<T, InputAudioCommit>) {
                return with_type("input_audio_buffer.commit", ev.event_id);
            } else if constexpr (std::is_same_v<T, InputAudioClear>) {
                return with_type("input_audio_buffer.clear", ev.event_id);
            } else if constexpr (std::is_same_v<T, ItemCreate>) {
                auto o = with_type("conversation.item.create", ev.event_id);
                if (ev.previous_item_id) o["previous_item_id"] = *ev.previous_item_id;
                o["item"] = item_to_json(ev.item);
                return o;
            } else if constexpr (std::is_same_v<T, ItemDelete>) {
                auto o = with_type("conversation.item.delete", ev.event_id);
                o["item_id"] = ev.item_id;
                return o;
            } else if constexpr (std::is_same_v<T, ItemRetrieve>) {
                auto o = with_type("conversation.item.retrieve", ev.event_id);
                o["item_id"] = ev.item_id;
                return o;
            } else if constexpr (std::is_same_v<T, ItemTruncate>) {
                auto o = with_type("conversation.item.truncate", ev.event_id);
                o["item_id"] = ev.item_id;
                o["content_index"] = ev.content_index;
                o["audio_end_ms"] = ev.audio_end_ms;
                return o;
            } else if constexpr (std::is_same_v<T, ResponseCreate>) {
                auto o = with_type("response.create", ev.event_id);
                o["response"] = response_wire(ev);
                return o;
            } else if constexpr (std::is_same_v<T, ResponseCancel>) {
                auto o = with_type("response.cancel", ev.event_id);
                if (ev.response_id) o["response_id"] = *ev.response_id;
                return o;
            } else {
                static_assert(std::is_same_v<T, ConfabPing>);
                auto o = with_type("confab.ping", ev.event_id);
                if (ev.sent_at_ms) o["sent_at_ms"] = *ev.sent_at_ms;
                return o;
            }
        },
        event);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const ParseResult result = parse_client_event(text, limits());
    if (const auto* error = std::get_if<ProtocolError>(&result)) {
        FUZZ_CHECK(!error->code.empty());
        FUZZ_CHECK(!error->message.empty());
        FUZZ_CHECK(!error->type.empty());
        return 0;
    }
    const json::object wire = to_wire(std::get<ClientEvent>(result));
    const std::string again_text = json::serialize(wire);
    const ParseResult again = parse_client_event(again_text, limits());
    const auto* event = std::get_if<ClientEvent>(&again);
    if (event == nullptr) {
        const auto& e = std::get<ProtocolError>(again);
        std::fprintf(stderr, "re-parse of %s failed: %s %s\n", again_text.c_str(), e.code.c_str(),
                     e.message.c_str());
    }
    FUZZ_CHECK(event != nullptr);
    FUZZ_CHECK(event->index() == std::get<ClientEvent>(result).index());
    FUZZ_CHECK(to_wire(*event) == wire);
    return 0;
}
