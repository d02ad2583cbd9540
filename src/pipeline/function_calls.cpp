#include "pipeline/function_calls.hpp"

#include "protocol/response_events.hpp"
#include "util/ids.hpp"

namespace confab::pipeline {
namespace events = protocol::events;

void FunctionCalls::on_delta(const engines::ToolCallDelta& delta, const OpenItem& open) {
    if (delta.first()) {
        Call call;
        call.index = delta.index;
        call.item.id = make_id("item");
        call.item.type = protocol::ConversationItem::Type::function_call;
        call.item.status = "in_progress";
        call.item.call_id = delta.call_id;
        call.item.name = delta.name;
        call.output_index = open(call.item);
        calls_.push_back(std::move(call));
    }
    for (auto& call : calls_) {
        if (call.index != delta.index) continue;
        if (delta.arguments.empty()) return;
        call.item.arguments += delta.arguments;
        sink_.send_event(events::function_call_arguments_delta(response_id_, call.output_index,
                                                               call.item, delta.arguments));
        return;
    }
}

void FunctionCalls::finish(bool completed, const CloseItem& close) {
    for (auto& call : calls_) {
        call.item.status = completed ? "completed" : "incomplete";
        if (completed)
            sink_.send_event(
                events::function_call_arguments_done(response_id_, call.output_index, call.item));
        close(call.output_index, call.item);
    }
}

}  // namespace confab::pipeline
