// Function tools, as a Realtime session or response declares them, and the
// client's choice of whether the model may call them. The same values are
// passed on to the language model (chat-completions `tools`/`tool_choice`).
#pragma once
#include <boost/json/object.hpp>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "protocol/protocol_error.hpp"

namespace confab::protocol {

struct FunctionTool {
    std::string name;  // ^[A-Za-z0-9_-]{1,64}$, unique within a list
    std::string description;
    boost::json::object parameters;  // a JSON Schema; empty: none given
    bool operator==(const FunctionTool&) const = default;
};

struct ToolChoice {
    enum class Mode { automatic, none, required, function };
    Mode mode = Mode::automatic;
    std::string function_name;  // Mode::function only
    bool operator==(const ToolChoice&) const = default;
};

// Bounds on what a client may declare (config `limits.*`): a session's tools
// are sent with every model request, so they are bounded like its history.
struct ToolLimits {
    std::size_t max_tools = 128;
    std::size_t max_description_chars = 1024;
    std::size_t max_parameters_bytes = 16384;  // one tool's schema, serialised
};

// Parses a `tools` array ("session.tools" or "response.tools" is `param`).
// On error nothing is written to `out`.
std::optional<ProtocolError> parse_function_tools(const boost::json::value& value,
                                                  const std::string& param,
                                                  const ToolLimits& limits,
                                                  const std::string& event_id,
                                                  std::vector<FunctionTool>& out);
// Parses `tool_choice`: "auto" | "none" | "required" | {type:"function", name}.
// A named function must be one of `tools` (when `check_name`).
std::optional<ProtocolError> parse_tool_choice(const boost::json::value& value,
                                               const std::string& param,
                                               const std::vector<FunctionTool>& tools,
                                               const std::string& event_id, ToolChoice& out,
                                               bool check_name = true);
// Whether a choice can be honoured with `tools`; the error names `param`.
std::optional<ProtocolError> check_tool_choice(const ToolChoice& choice,
                                               const std::vector<FunctionTool>& tools,
                                               const std::string& param,
                                               const std::string& event_id);

boost::json::array tools_to_json(const std::vector<FunctionTool>& tools);
boost::json::value tool_choice_to_json(const ToolChoice& choice);

}  // namespace confab::protocol
