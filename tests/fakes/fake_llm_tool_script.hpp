// Scripted function calling for the fake LLM (confab-fake-llm --tools-script
// weather), as the OpenAI Agents SDK test needs it: a model that calls the
// first tool it is offered when the user speaks, and answers with what the
// tool returned once the tool's output comes back.
#pragma once
#include <boost/json/value.hpp>
#include <string>
#include <vector>

#include "fakes/fake_llm_ledger.hpp"

namespace confab::test {

// The fixed arguments of the scripted call, split mid-token as real servers
// split them; they join to {"city": "Paris"}.
std::vector<std::string> weather_argument_fragments();

// A FakeLlmServer script adapter. For a chat-completions request body:
// - with a non-empty `tools` and a last message from the `user`: no text,
//   one call of the first tool (id "call_weather_N", N the number of
//   messages) with weather_argument_fragments();
// - whose last message is a `tool` message: the text "The weather in Paris
//   is OUTPUT." (OUTPUT: the tool message's content, trimmed of a final
//   period), no calls;
// - anything else: the script as it was.
void weather_tool_script(const boost::json::value& body, FakeLlmScript& script);

}  // namespace confab::test
