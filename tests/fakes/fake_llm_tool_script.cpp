#include "fakes/fake_llm_tool_script.hpp"

#include <boost/json.hpp>

namespace confab::test {
namespace json = boost::json;

namespace {

// A message's content: a string, or the text of its parts (the array form).
std::string content_text(const json::value& content) {
    if (const json::string* text = content.if_string()) return std::string(*text);
    std::string joined;
    if (const json::array* parts = content.if_array()) {
        for (const json::value& part : *parts) {
            const json::object* object = part.if_object();
            const json::value* text = object ? object->if_contains("text") : nullptr;
            if (text && text->is_string()) joined += text->get_string();
        }
    }
    return joined;
}

// The name of the first function tool of the request, or "" if none.
std::string first_tool_name(const json::object& request) {
    const json::value* tools = request.if_contains("tools");
    if (tools == nullptr || !tools->is_array() || tools->get_array().empty()) return {};
    const json::object* tool = tools->get_array().front().if_object();
    const json::value* function = tool ? tool->if_contains("function") : nullptr;
    const json::value* name =
        function && function->is_object() ? function->get_object().if_contains("name") : nullptr;
    return name && name->is_string() ? std::string(name->get_string()) : std::string();
}

}  // namespace

std::vector<std::string> weather_argument_fragments() {
    return {"{\"ci", "ty\": \"Par", "is\"}"};
}

void weather_tool_script(const json::value& body, FakeLlmScript& script) {
    const json::object* request = body.if_object();
    const json::value* messages = request ? request->if_contains("messages") : nullptr;
    if (messages == nullptr || !messages->is_array() || messages->get_array().empty()) return;
    const json::array& list = messages->get_array();
    const json::object* last = list.back().if_object();
    const json::value* role = last ? last->if_contains("role") : nullptr;
    if (role == nullptr || !role->is_string()) return;

    if (role->get_string() == "tool") {
        const json::value* content = last->if_contains("content");
        std::string output = content ? content_text(*content) : std::string();
        if (output.ends_with('.')) output.pop_back();
        script.reply = "The weather in Paris is " + output + ".";
        script.tool_calls.clear();
        return;
    }
    const std::string tool = first_tool_name(*request);
    if (role->get_string() == "user" && !tool.empty()) {
        script.reply.clear();
        script.tool_calls = {
            {"call_weather_" + std::to_string(list.size()), tool, weather_argument_fragments()}};
    }
}

}  // namespace confab::test
