#include "store/session_codec.hpp"

#include <algorithm>
#include <boost/json.hpp>

#include "protocol/session_config_codec.hpp"
#include "util/log.hpp"

namespace confab::store {
namespace json = boost::json;
using protocol::ConversationItem;

namespace {

void put_if(json::object& o, std::string_view key, const std::string& value) {
    if (!value.empty()) o[key] = value;
}

std::string text_of(const json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

int int_of(const json::value& v) {
    return v.is_int64() ? static_cast<int>(v.get_int64()) : 0;
}

json::object item_json(const ConversationItem& item) {
    json::object o{{"i", item.id}, {"s", item.status}};
    if (item.type != ConversationItem::Type::message) o["t"] = protocol::item_type_name(item.type);
    put_if(o, "r", item.role);
    put_if(o, "ci", item.call_id);
    put_if(o, "n", item.name);
    put_if(o, "a", item.arguments);
    put_if(o, "o", item.output);
    if (!item.content.empty()) {
        json::array parts;
        for (const auto& part : item.content) {
            json::object p{{"y", part.type}};
            put_if(p, "x", part.text);
            if (part.transcript) p["tr"] = *part.transcript;
            if (part.audio_ms != 0) p["ms"] = part.audio_ms;
            if (!part.timeline.empty()) {
                json::array timeline;
                for (const auto& seg : part.timeline)
                    timeline.push_back(json::array{seg.start_ms, seg.end_ms, seg.text});
                p["tl"] = std::move(timeline);
            }
            parts.push_back(std::move(p));
        }
        o["c"] = std::move(parts);
    }
    return o;
}

std::optional<ConversationItem> item_of(const json::value& v) {
    const auto* o = v.if_object();
    if (o == nullptr || text_of(*o, "i").empty()) return std::nullopt;
    ConversationItem item;
    item.id = text_of(*o, "i");
    item.status = text_of(*o, "s");
    const auto type = text_of(*o, "t");
    if (type == "function_call") item.type = ConversationItem::Type::function_call;
    if (type == "function_call_output") item.type = ConversationItem::Type::function_call_output;
    item.role = text_of(*o, "r");
    item.call_id = text_of(*o, "ci");
    item.name = text_of(*o, "n");
    item.arguments = text_of(*o, "a");
    item.output = text_of(*o, "o");
    if (const auto* parts = o->if_contains("c"); parts != nullptr && parts->is_array()) {
        for (const auto& pv : parts->get_array()) {
            const auto* p = pv.if_object();
            if (p == nullptr) return std::nullopt;
            protocol::ContentPart part;
            part.type = text_of(*p, "y");
            part.text = text_of(*p, "x");
            if (const auto* tr = p->if_contains("tr"); tr != nullptr && tr->is_string())
                part.transcript = std::string(tr->get_string());
            if (const auto* ms = p->if_contains("ms")) part.audio_ms = int_of(*ms);
            if (const auto* tl = p->if_contains("tl"); tl != nullptr && tl->is_array()) {
                for (const auto& sv : tl->get_array()) {
                    const auto* seg = sv.if_array();
                    if (seg == nullptr || seg->size() != 3 || !(*seg)[2].is_string())
                        return std::nullopt;
                    part.timeline.push_back(protocol::TimedText{
                        int_of((*seg)[0]), int_of((*seg)[1]), std::string((*seg)[2].get_string())});
                }
            }
            item.content.push_back(std::move(part));
        }
    }
    return item;
}

}  // namespace

std::string encode_config(const protocol::SessionConfig& config) {
    return json::serialize(protocol::session_to_json(config, ""));
}

std::optional<protocol::SessionConfig> decode_config(
    std::string_view text, const protocol::SessionConstraints& constraints,
    protocol::SessionConfig base) {
    boost::system::error_code ec;
    auto value = json::parse(text, ec);
    if (ec || !value.is_object()) return std::nullopt;
    auto& session = value.get_object();
    std::string model = text_of(session, "model");
    session.erase("model");
    if (const auto error = protocol::apply_session_update(session, constraints, "", base)) {
        log::warn("session store: the stored configuration does not apply on this node",
                  {{"code", error->code}, {"message", error->message}});
        return std::nullopt;
    }
    if (!model.empty()) base.model = std::move(model);
    return base;
}

std::string encode_put(const ConversationItem& item,
                       const std::optional<std::string>& previous_id) {
    return json::serialize(
        json::object{{"put", item_json(item)},
                     {"after", previous_id ? json::value(*previous_id) : json::value(nullptr)}});
}

std::string encode_remove(const std::string& id) {
    return json::serialize(json::object{{"del", id}});
}

std::size_t replay(const std::vector<std::string>& log, std::vector<ConversationItem>& items) {
    std::size_t malformed = 0;
    const auto by_id = [&](const std::string& id) {
        return std::find_if(items.begin(), items.end(), [&](const auto& i) { return i.id == id; });
    };
    for (const auto& entry : log) {
        boost::system::error_code ec;
        const auto value = json::parse(entry, ec);
        const auto* op = ec ? nullptr : value.if_object();
        if (op == nullptr) {
            ++malformed;
            continue;
        }
        if (const auto* del = op->if_contains("del"); del != nullptr && del->is_string()) {
            if (const auto it = by_id(std::string(del->get_string())); it != items.end())
                items.erase(it);
            continue;
        }
        const auto* put = op->if_contains("put");
        auto item = put != nullptr ? item_of(*put) : std::nullopt;
        if (!item) {
            ++malformed;
            continue;
        }
        if (const auto it = by_id(item->id); it != items.end()) {
            *it = std::move(*item);
            continue;
        }
        const auto after = text_of(*op, "after");
        auto pos = items.begin();
        if (!after.empty()) {
            // Not found cannot happen in a log written in order; appending
            // keeps the item rather than dropping it.
            pos = by_id(after);
            if (pos != items.end()) ++pos;
        }
        items.insert(pos, std::move(*item));
    }
    return malformed;
}

}  // namespace confab::store
