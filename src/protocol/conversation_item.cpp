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
    std::size_t n = 0;
    for (const auto& part : content) n += part.text.size() + (part.transcript ? part.transcript->size() : 0);
    return n;
}

json::object item_to_json(const ConversationItem& item) {
    json::array content;
    for (const auto& part : item.content) {
        json::object p{{"type", part.type}};
        if (part.type == "input_text" || part.type == "output_text") {
            p["text"] = part.text;
        } else {
            p["transcript"] = part.transcript ? json::value(*part.transcript) : json::value(nullptr);
        }
        content.push_back(std::move(p));
    }
    return {{"id", item.id},
            {"object", "realtime.item"},
            {"type", "message"},
            {"status", item.status},
            {"role", item.role},
            {"content", std::move(content)}};
}

}  // namespace confab::protocol
