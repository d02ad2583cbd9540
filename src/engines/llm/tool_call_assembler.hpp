// Assembles the tool calls of a streamed chat completion from the fragments
// backends send: `tool_calls: [{index, id, type, function: {name,
// arguments}}]`, where the id and name come only with a call's first
// fragment, the arguments are split anywhere (mid-token, mid-escape), and
// several calls may interleave by index. Some backends (older Ollama) send
// each call whole and without an index: such a call takes the next index.
//
// It turns fragments into ToolCallDeltas that are safe to show at once (a
// call is announced only when its name is known; arguments that came before
// the name are held until then) and keeps every call whole for the outcome.
// A plain value owned by one stream decoder; not thread-safe.
#pragma once
#include <boost/json/array.hpp>
#include <string>
#include <vector>

#include "engines/llm/chat_request.hpp"

namespace confab::engines {

class ToolCallAssembler {
public:
    // Takes one chunk's `delta.tool_calls` array; appends what may be passed
    // on to `out`. Returns false (and says why in `error`) for a fragment
    // that is not a tool call.
    bool add(const boost::json::array& fragments, std::vector<ToolCallDelta>& out,
             std::string& error);

    // The calls so far, in index order. At the end of a stream, a call that
    // never got a name makes the reply malformed (unnamed() says which).
    std::vector<ToolCall> calls() const;
    bool empty() const { return calls_.empty(); }
    const std::string* unnamed() const;

private:
    struct Call {
        std::size_t index = 0;
        ToolCall call;
        bool announced = false;
    };
    Call& call_at(std::size_t index);

    std::vector<Call> calls_;  // in order of first appearance
    std::size_t next_implicit_index_ = 0;
};

}  // namespace confab::engines
