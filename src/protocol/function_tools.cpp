#include "protocol/function_tools.hpp"

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <set>

#include "protocol/json_fields.hpp"

namespace confab::protocol {
namespace json = boost::json;
namespace {

// The name rule of the OpenAI APIs: model backends refuse anything else.
bool valid_name(const std::string& name) {
    if (name.empty() || name.size() > 64) return false;
    for (const char c : name) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '_' || c == '-';
        if (!ok) return false;
    }
    return true;
}

ProtocolError invalid(std::string message, std::string param, const std::string& event_id) {
    return ProtocolError{"invalid_value", std::move(message), std::move(param), event_id};
}

}  // namespace

std::optional<ProtocolError> parse_function_tools(const json::value& value,
                                                  const std::string& param,
                                                  const ToolLimits& limits,
                                                  const std::string& event_id,
                                                  std::vector<FunctionTool>& out) {
    const json::array* array = value.if_array();
    if (array == nullptr)
        return ProtocolError{"invalid_type", "Invalid type for '" + param + "': expected an array.",
                             param, event_id};
    if (array->size() > limits.max_tools)
        return invalid(param + " lists " + std::to_string(array->size()) + " tools; the limit is " +
                           std::to_string(limits.max_tools) + ".",
                       param, event_id);
    std::vector<FunctionTool> tools;
    std::set<std::string> names;
    for (std::size_t i = 0; i < array->size(); ++i) {
        const std::string at = param + "[" + std::to_string(i) + "]";
        const json::object* object = (*array)[i].if_object();
        if (object == nullptr)
            return ProtocolError{
                "invalid_type", "Invalid type for '" + at + "': expected an object.", at, event_id};
        JsonFields f(*object, at, event_id);
        f.reject_unknown({"type", "name", "description", "parameters", "strict"});
        const auto type = f.string("type", true);
        if (type && *type != "function")
            f.fail("invalid_value",
                   "Unsupported tool type '" + *type + "': Confab supports 'function' tools only.",
                   "type");
        FunctionTool tool;
        if (const auto name = f.string("name", true)) tool.name = *name;
        if (const auto description = f.string("description")) tool.description = *description;
        if (const auto* parameters = f.child_object("parameters")) tool.parameters = *parameters;
        f.boolean("strict");  // a hint for OpenAI's own models; nothing to enforce here
        if (!f.ok()) return f.error();
        if (!valid_name(tool.name))
            return invalid("Tool name '" + tool.name.substr(0, 80) +
                               "' is invalid: use 1 to 64 letters, digits, '_' or '-'.",
                           at + ".name", event_id);
        if (!names.insert(tool.name).second)
            return invalid("Tool name '" + tool.name + "' appears twice in " + param + ".",
                           at + ".name", event_id);
        if (tool.description.size() > limits.max_description_chars)
            return invalid("The description of tool '" + tool.name + "' is " +
                               std::to_string(tool.description.size()) +
                               " characters; the limit is " +
                               std::to_string(limits.max_description_chars) + ".",
                           at + ".description", event_id);
        const std::size_t schema_bytes = json::serialize(tool.parameters).size();
        if (schema_bytes > limits.max_parameters_bytes)
            return invalid("The parameters schema of tool '" + tool.name + "' is " +
                               std::to_string(schema_bytes) + " bytes; the limit is " +
                               std::to_string(limits.max_parameters_bytes) + ".",
                           at + ".parameters", event_id);
        tools.push_back(std::move(tool));
    }
    out = std::move(tools);
    return std::nullopt;
}

std::optional<ProtocolError> parse_tool_choice(const json::value& value, const std::string& param,
                                               const std::vector<FunctionTool>& tools,
                                               const std::string& event_id, ToolChoice& out,
                                               bool check_name) {
    ToolChoice choice;
    if (const json::string* text = value.if_string()) {
        if (*text == "none") {
            choice.mode = ToolChoice::Mode::none;
        } else if (*text == "required") {
            choice.mode = ToolChoice::Mode::required;
        } else if (*text != "auto") {
            return invalid(param +
                               " must be 'auto', 'none', 'required' or {\"type\": "
                               "\"function\", \"name\": ...}.",
                           param, event_id);
        }
    } else if (const json::object* object = value.if_object()) {
        JsonFields f(*object, param, event_id);
        f.reject_unknown({"type", "name"});
        const auto type = f.string("type", true);
        const auto name = f.string("name", true);
        if (type && *type != "function")
            f.fail("invalid_value", "Only function tools can be chosen: type must be 'function'.",
                   "type");
        if (!f.ok()) return f.error();
        choice = ToolChoice{ToolChoice::Mode::function, *name};
    } else {
        return ProtocolError{"invalid_type",
                             "Invalid type for '" + param + "': expected a string or an object.",
                             param, event_id};
    }
    if (check_name)
        if (auto err = check_tool_choice(choice, tools, param, event_id)) return err;
    out = std::move(choice);
    return std::nullopt;
}

std::optional<ProtocolError> check_tool_choice(const ToolChoice& choice,
                                               const std::vector<FunctionTool>& tools,
                                               const std::string& param,
                                               const std::string& event_id) {
    if (choice.mode == ToolChoice::Mode::required && tools.empty())
        return invalid(param + " is 'required' but there are no tools to call.", param, event_id);
    if (choice.mode != ToolChoice::Mode::function) return std::nullopt;
    const bool known = std::any_of(tools.begin(), tools.end(), [&](const FunctionTool& tool) {
        return tool.name == choice.function_name;
    });
    if (!known)
        return invalid(
            param + " names '" + choice.function_name + "', which is not one of the tools.",
            param + ".name", event_id);
    return std::nullopt;
}

json::array tools_to_json(const std::vector<FunctionTool>& tools) {
    json::array out;
    for (const auto& tool : tools) {
        json::object o{
            {"type", "function"}, {"name", tool.name}, {"description", tool.description}};
        o["parameters"] = tool.parameters;
        out.push_back(std::move(o));
    }
    return out;
}

json::value tool_choice_to_json(const ToolChoice& choice) {
    switch (choice.mode) {
        case ToolChoice::Mode::none:
            return "none";
        case ToolChoice::Mode::required:
            return "required";
        case ToolChoice::Mode::function:
            return json::object{{"type", "function"}, {"name", choice.function_name}};
        case ToolChoice::Mode::automatic:
            break;
    }
    return "auto";
}

}  // namespace confab::protocol
