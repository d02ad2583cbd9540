// The client events Confab understands, parsed and validated. Each carries
// the client's event_id (possibly empty) so errors can point back at it.
#pragma once
#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "protocol/conversation_item.hpp"
#include "protocol/function_tools.hpp"

namespace confab::protocol {

struct SessionUpdate {
    std::string event_id;
    boost::json::object session;  // validated against the session by apply_session_update
};
struct InputAudioAppend {
    std::string event_id;
    // The base64-decoded bytes, in the session's input format: the session
    // decodes them (audio::InputAudioDecoder), as only it knows the format.
    std::vector<std::uint8_t> audio;
};
struct InputAudioCommit {
    std::string event_id;
};
struct InputAudioClear {
    std::string event_id;
};
struct ItemCreate {
    std::string event_id;
    std::optional<std::string> previous_item_id;  // "root" = first
    ConversationItem item;                        // id may be empty: server assigns
};
struct ItemDelete {
    std::string event_id;
    std::string item_id;
};
struct ItemTruncate {
    std::string event_id;
    std::string item_id;
    int content_index = 0;
    int audio_end_ms = 0;
};
struct ItemRetrieve {
    std::string event_id;
    std::string item_id;
};
struct ResponseCreate {
    std::string event_id;
    std::optional<std::string> instructions;
    std::optional<std::vector<std::string>> output_modalities;
    std::optional<int> max_output_tokens;
    bool out_of_band = false;  // conversation: "none"
    boost::json::object metadata;
    // This response's tools and choice, instead of the session's.
    std::optional<std::vector<FunctionTool>> tools;
    std::optional<ToolChoice> tool_choice;
};
struct ResponseCancel {
    std::string event_id;
    std::optional<std::string> response_id;
};

// confab.ping (our extension, docs/protocol.md): a round-trip probe,
// answered at once by confab.pong.
struct ConfabPing {
    std::string event_id;
    std::optional<long long> sent_at_ms;  // the client's clock, echoed back
};

using ClientEvent = std::variant<SessionUpdate, InputAudioAppend, InputAudioCommit, InputAudioClear,
                                 ItemCreate, ItemDelete, ItemTruncate, ItemRetrieve, ResponseCreate,
                                 ResponseCancel, ConfabPing>;

}  // namespace confab::protocol
