#include "protocol/conversation_item.hpp"

namespace confab::protocol {
namespace json = boost::json;

std::string ConversationItem::text() const {
    std::string out;
    for (const auto& part : content) {
        const std::string& piece = part.transcript ? *part.transcript : part.text;
        if (piece.empty()) continue;
        if (!out.empty()) out += ' ';
        out += piece;
    }
    return out;
}

std::size_t ConversationItem::char_count() const {
    std::size_t n = call_id.size() + name.size() + arguments.size() + output.size();
    for (const auto& part : content)
        n += part.text.size() + (part.transcript ? part.transcript->size() : 0);
    return n;
}

void truncate_audio_part(ContentPart& part, int audio_end_ms) {
    std::string heard;
    std::vector<TimedText> kept;
    for (const auto& seg : part.timeline) {
        if (seg.start_ms >= audio_end_ms) break;
        TimedText cut = seg;
        if (seg.end_ms > audio_end_ms && seg.end_ms > seg.start_ms) {
            // Keep the share of words whose time has come, by proportion.
            std::vector<std::string> words;
            std::string w;
            for (const char c : seg.text) {
                if (c == ' ') {
                    if (!w.empty()) words.push_back(std::move(w));
                    w.clear();
                } else {
                    w += c;
                }
            }
            if (!w.empty()) words.push_back(std::move(w));
            const double share =
                static_cast<double>(audio_end_ms - seg.start_ms) / (seg.end_ms - seg.start_ms);
            const auto keep = static_cast<std::size_t>(share * static_cast<double>(words.size()));
            cut.text.clear();
            for (std::size_t i = 0; i < keep; ++i) cut.text += (i ? " " : "") + words[i];
            cut.end_ms = audio_end_ms;
        }
        if (!cut.text.empty()) heard += (heard.empty() ? "" : " ") + cut.text;
        kept.push_back(std::move(cut));
    }
    part.timeline = std::move(kept);
    part.transcript = heard;
    part.audio_ms = audio_end_ms;
}

const char* item_type_name(ConversationItem::Type type) {
    switch (type) {
        case ConversationItem::Type::function_call:
            return "function_call";
        case ConversationItem::Type::function_call_output:
            return "function_call_output";
        case ConversationItem::Type::message:
            break;
    }
    return "message";
}

json::object item_to_json(const ConversationItem& item) {
    if (item.type == ConversationItem::Type::function_call)
        return {{"id", item.id},
                {"object", "realtime.item"},
                {"type", "function_call"},
                {"status", item.status},
                {"call_id", item.call_id},
                {"name", item.name},
                {"arguments", item.arguments}};
    if (item.type == ConversationItem::Type::function_call_output)
        return {
            {"id", item.id},         {"object", "realtime.item"}, {"type", "function_call_output"},
            {"status", item.status}, {"call_id", item.call_id},   {"output", item.output}};
    json::array content;
    for (const auto& part : item.content) {
        json::object p{{"type", part.type}};
        if (part.type == "input_text" || part.type == "output_text") {
            p["text"] = part.text;
        } else {
            p["transcript"] =
                part.transcript ? json::value(*part.transcript) : json::value(nullptr);
        }
        content.push_back(std::move(p));
    }
    return {{"id", item.id},         {"object", "realtime.item"}, {"type", "message"},
            {"status", item.status}, {"role", item.role},         {"content", std::move(content)}};
}

}  // namespace confab::protocol
