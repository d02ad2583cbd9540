// One item of a conversation (a message), as the Realtime API shows it.
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
    std::string id;
    std::string role;                  // user | assistant | system
    std::string status = "completed";  // in_progress | completed | incomplete
    std::vector<ContentPart> content;

    // Text the language model should see for this item.
    std::string text() const;
    std::size_t char_count() const;
};

boost::json::object item_to_json(const ConversationItem& item);

}  // namespace confab::protocol
