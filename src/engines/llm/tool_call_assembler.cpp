#include "engines/llm/tool_call_assembler.hpp"

#include <algorithm>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace confab::engines {
namespace json = boost::json;
namespace {

std::string string_field(const json::object& object, std::string_view key) {
    if (const json::value* value = object.if_contains(key))
        if (const json::string* text = value->if_string()) return std::string(*text);
    return {};
}

}  // namespace

ToolCallAssembler::Call& ToolCallAssembler::call_at(std::size_t index) {
    for (auto& call : calls_)
        if (call.index == index) return call;
    calls_.push_back(Call{index, {}, false});
    next_implicit_index_ = std::max(next_implicit_index_, index + 1);
    return calls_.back();
}

bool ToolCallAssembler::add(const json::array& fragments, std::vector<ToolCallDelta>& out,
                            std::string& error) {
    for (const json::value& value : fragments) {
        const json::object* fragment = value.if_object();
        if (fragment == nullptr) {
            error = "a tool_calls entry is not an object";
            return false;
        }
        std::size_t index = next_implicit_index_;
        if (const json::value* i = fragment->if_contains("index")) {
            if (!i->is_int64() || i->get_int64() < 0 || i->get_int64() > 1000) {
                error = "a tool call has an invalid index";
                return false;
            }
            index = static_cast<std::size_t>(i->get_int64());
        }
        Call& call = call_at(index);
        if (std::string id = string_field(*fragment, "id"); !id.empty() && call.call.id.empty())
            call.call.id = std::move(id);
        std::string arguments;
        if (const json::value* f = fragment->if_contains("function")) {
            if (const json::object* function = f->if_object()) {
                std::string name = string_field(*function, "name");
                if (!name.empty() && call.call.name.empty()) call.call.name = std::move(name);
                // Some backends send the arguments as an object, not as text.
                if (const json::value* a = function->if_contains("arguments")) {
                    if (const json::string* text = a->if_string()) {
                        arguments = std::string(*text);
                    } else if (a->is_object()) {
                        arguments = json::serialize(*a);
                    }
                }
            }
        }
        call.call.arguments += arguments;
        if (call.call.name.empty()) continue;  // held until the call has a name
        if (!call.announced) {
            call.announced = true;
            // Backends that omit the id still need one: the client answers by it.
            if (call.call.id.empty()) call.call.id = "call_" + std::to_string(index);
            out.push_back(ToolCallDelta{index, call.call.id, call.call.name, call.call.arguments});
        } else if (!arguments.empty()) {
            out.push_back(ToolCallDelta{index, "", "", std::move(arguments)});
        }
    }
    return true;
}

std::vector<ToolCall> ToolCallAssembler::calls() const {
    std::vector<const Call*> sorted;
    for (const auto& call : calls_) sorted.push_back(&call);
    std::sort(sorted.begin(), sorted.end(),
              [](const Call* a, const Call* b) { return a->index < b->index; });
    std::vector<ToolCall> out;
    for (const Call* call : sorted) out.push_back(call->call);
    return out;
}

const std::string* ToolCallAssembler::unnamed() const {
    for (const auto& call : calls_)
        if (call.call.name.empty()) return &call.call.arguments;
    return nullptr;
}

}  // namespace confab::engines
