// One item of a conversation, as the Realtime API shows it: a message, a
// function call the model made, or the output the client gave for a call.
#pragma once
#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <vector>

namespace confab::protocol {

// A piece of spoken text and where its audio lies in the part's audio.
struct TimedText {
    int start_ms = 0;
    int end_ms = 0;
    std::string text;
};

struct ContentPart {
    std::string type;                       // input_text | input_audio | output_text | output_audio
    std::string text;                       // for *_text parts
    std::optional<std::string> transcript;  // for *_audio parts; nullopt until known
    int audio_ms = 0;                 // output_audio: milliseconds of audio sent (truncate bounds)
    std::vector<TimedText> timeline;  // output_audio: which text each stretch of audio speaks
};

// Cuts an output_audio part to its first `audio_end_ms`: the transcript keeps
// the text fully heard plus the heard share of the words being spoken then.
void truncate_audio_part(ContentPart& part, int audio_end_ms);

struct ConversationItem {
    enum class Type { message, function_call, function_call_output };

    std::string id;
    std::string role;                  // messages: user | assistant | system
    std::string status = "completed";  // in_progress | completed | incomplete
    std::vector<ContentPart> content;  // messages only
    Type type = Type::message;
    // Function calls and their outputs.
    std::string call_id;
    std::string name;       // function_call: the tool called
    std::string arguments;  // function_call: JSON text, as the model wrote it
    std::string output;     // function_call_output: what the client's tool returned

    bool is_message() const { return type == Type::message; }
    // Text the language model should see for a message item ("" otherwise).
    std::string text() const;
    // What the item costs in the history bounds: text, arguments and output.
    std::size_t char_count() const;
};

const char* item_type_name(ConversationItem::Type type);

boost::json::object item_to_json(const ConversationItem& item);

}  // namespace confab::protocol
