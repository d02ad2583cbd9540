// The session-config codec (protocol/session_config_codec): the `session`
// object of a session.update, applied to a session's configuration.
// Oracle: a refused update is a ProtocolError and changes nothing; an
// accepted one keeps every configured limit (instructions, tools, their
// descriptions and schemas, voices, speed, max_output_tokens, tool_choice);
// the resulting config, echoed as session.updated shows it
// (session_to_json), sent back as an update to a fresh session gives the
// same config again.
#include <algorithm>
#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string_view>

#include "fuzz/fuzz_check.hpp"
#include "protocol/session_config_codec.hpp"

namespace {
using namespace confab::protocol;
namespace json = boost::json;

// Small bounds, so that inputs of a few hundred bytes reach them.
SessionConstraints constraints() {
    SessionConstraints c;
    c.voices = {"slt", "kal16"};
    c.max_instructions_chars = 48;
    c.tools.max_tools = 3;
    c.tools.max_description_chars = 32;
    c.tools.max_parameters_bytes = 128;
    return c;
}

// A session as the server starts one: its voice is one of the engine's.
SessionConfig fresh_session(const SessionConstraints& c) {
    SessionConfig config;
    config.voice = c.voices.front();
    config.instructions = "Be brief.";  // the default, like the server's, is within the limit
    return config;
}

void check_limits(const SessionConfig& config, const SessionConstraints& c) {
    FUZZ_CHECK(config.instructions.size() <= c.max_instructions_chars);
    FUZZ_CHECK(config.tools.size() <= c.tools.max_tools);
    for (const auto& tool : config.tools) {
        FUZZ_CHECK(!tool.name.empty() && tool.name.size() <= 64);
        FUZZ_CHECK(tool.description.size() <= c.tools.max_description_chars);
        FUZZ_CHECK(json::serialize(tool.parameters).size() <= c.tools.max_parameters_bytes);
    }
    FUZZ_CHECK(std::find(c.voices.begin(), c.voices.end(), config.voice) != c.voices.end());
    FUZZ_CHECK(config.speed >= 0.25 && config.speed <= 1.5);
    FUZZ_CHECK(!config.max_output_tokens ||
               (*config.max_output_tokens >= 1 && *config.max_output_tokens <= 4096));
    FUZZ_CHECK(config.output_modalities.size() == 1);
    FUZZ_CHECK(!check_tool_choice(config.tool_choice, config.tools, "tool_choice", ""));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    json::error_code ec;
    const json::value root = json::parse(text, ec);
    if (ec || !root.is_object()) return 0;

    const SessionConstraints c = constraints();
    SessionConfig config = fresh_session(c);
    const json::object before = session_to_json(config, "sess_fuzz");
    if (const auto error = apply_session_update(root.get_object(), c, "evt_fuzz", config)) {
        FUZZ_CHECK(!error->code.empty() && !error->message.empty());
        FUZZ_CHECK(error->event_id == "evt_fuzz");
        FUZZ_CHECK(session_to_json(config, "sess_fuzz") == before);
        return 0;
    }
    check_limits(config, c);

    const json::object echo = session_to_json(config, "sess_fuzz");
    const std::string echo_text = json::serialize(echo);
    SessionConfig again = fresh_session(c);
    const auto error = apply_session_update(json::parse(echo_text).get_object(), c, "", again);
    if (error)
        std::fprintf(stderr, "the echo %s was refused: %s\n", echo_text.c_str(),
                     error->message.c_str());
    FUZZ_CHECK(!error);
    FUZZ_CHECK(session_to_json(again, "sess_fuzz") == echo);
    return 0;
}
