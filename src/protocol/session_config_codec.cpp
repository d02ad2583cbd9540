#include "protocol/session_config_codec.hpp"

#include <algorithm>

#include "protocol/audio_format_codec.hpp"
#include "protocol/json_fields.hpp"
#include "protocol/turn_detection_codec.hpp"

namespace confab::protocol {
namespace json = boost::json;

bool is_audio_output(const SessionConfig& config) {
    return std::find(config.output_modalities.begin(), config.output_modalities.end(), "audio") !=
           config.output_modalities.end();
}

namespace {

void parse_input(JsonFields& f, SessionConfig& next, const SessionConstraints& c) {
    const auto* o = f.child_object("input");
    if (o == nullptr) return;
    JsonFields in(*o, f.param("input"), "");
    in.reject_unknown({"format", "transcription", "noise_reduction", "turn_detection"});
    if (const auto format = parse_audio_format(in, "format", next.input_format))
        next.input_format = *format;
    if (in.is_null("transcription")) {
        next.transcription_model.reset();
    } else if (const auto* t = in.child_object("transcription")) {
        JsonFields tf(*t, in.param("transcription"), "");
        tf.reject_unknown({"model", "language", "prompt"});
        const auto model = tf.string("model");
        if (model && std::find(c.transcription_models.begin(), c.transcription_models.end(),
                               *model) == c.transcription_models.end()) {
            // Clients written for OpenAI name its models; Confab transcribes
            // with its own engine whatever they ask, and says so in the echo.
            next.transcription_model = c.transcription_models.front();
        } else {
            next.transcription_model = model.value_or(c.transcription_models.front());
        }
        if (const auto lang = tf.string("language"); lang && *lang != "en")
            tf.fail("invalid_value",
                    "Unsupported transcription language '" + *lang + "': only 'en'.", "language");
        tf.string("prompt");
        if (!tf.ok()) in.fail_with(*tf.error());
    }
    if (in.is_null("noise_reduction")) {
        next.noise_reduction.reset();
    } else if (const auto* nr = in.child_object("noise_reduction")) {
        JsonFields nf(*nr, in.param("noise_reduction"), "");
        nf.reject_unknown({"type"});
        const auto type = nf.string("type", true);
        if (type && *type != "near_field" && *type != "far_field")
            nf.fail("invalid_value", "noise_reduction.type must be 'near_field' or 'far_field'.",
                    "type");
        if (type && nf.ok()) next.noise_reduction = *type;
        if (!nf.ok()) in.fail_with(*nf.error());
    }
    parse_turn_detection(in, next.turn_detection);
    if (!in.ok()) f.fail_with(*in.error());
}

void parse_output(JsonFields& f, SessionConfig& next, const SessionConstraints& c) {
    const auto* o = f.child_object("output");
    if (o == nullptr) return;
    JsonFields out(*o, f.param("output"), "");
    out.reject_unknown({"format", "voice", "speed"});
    if (const auto format = parse_audio_format(out, "format", next.output_format))
        next.output_format = *format;
    if (const auto voice = out.string("voice")) {
        if (std::find(c.voices.begin(), c.voices.end(), *voice) == c.voices.end()) {
            std::string list;
            for (const auto& v : c.voices) list += (list.empty() ? "" : ", ") + v;
            out.fail("invalid_value",
                     "Unknown voice '" + *voice + "'. Available voices: " + list + ".", "voice");
        } else {
            next.voice = *voice;
        }
    }
    if (const auto v = out.number("speed", 0.25, 1.5)) next.speed = *v;
    if (!out.ok()) f.fail_with(*out.error());
}

}  // namespace

json::object session_to_json(const SessionConfig& config, const std::string& session_id) {
    json::array modalities;
    for (const auto& m : config.output_modalities) modalities.emplace_back(m);
    json::object input{{"format", audio_format_json(config.input_format)},
                       {"transcription", nullptr},
                       {"noise_reduction", nullptr},
                       {"turn_detection", turn_detection_to_json(config.turn_detection)}};
    if (config.transcription_model)
        input["transcription"] = json::object{{"model", *config.transcription_model}};
    if (config.noise_reduction)
        input["noise_reduction"] = json::object{{"type", *config.noise_reduction}};
    json::object output{{"format", audio_format_json(config.output_format)},
                        {"voice", config.voice},
                        {"speed", config.speed}};
    json::object s{
        {"type", "realtime"},
        {"object", "realtime.session"},
        {"id", session_id},
        {"model", config.model},
        {"output_modalities", std::move(modalities)},
        {"instructions", config.instructions},
        {"tools", tools_to_json(config.tools)},
        {"tool_choice", tool_choice_to_json(config.tool_choice)},
        {"tracing", nullptr},
        {"include", nullptr},
        {"audio", json::object{{"input", std::move(input)}, {"output", std::move(output)}}}};
    if (config.parallel_tool_calls) s["parallel_tool_calls"] = *config.parallel_tool_calls;
    s["max_output_tokens"] =
        config.max_output_tokens ? json::value(*config.max_output_tokens) : json::value("inf");
    return s;
}

std::optional<ProtocolError> apply_session_update(const json::object& session,
                                                  const SessionConstraints& constraints,
                                                  const std::string& event_id,
                                                  SessionConfig& config) {
    JsonFields f(session, "session", event_id);
    // tracing/include/prompt/truncation are accepted so that existing clients
    // work, and ignored (docs/protocol.md, compatibility).
    f.reject_unknown({"type", "model", "instructions", "output_modalities", "audio",
                      "max_output_tokens", "tools", "tool_choice", "parallel_tool_calls", "tracing",
                      "include", "prompt", "truncation", "id", "object", "expires_at"});
    SessionConfig next = config;
    if (const auto type = f.string("type", true); type && *type != "realtime")
        f.fail("invalid_value",
               "session.type must be 'realtime' (transcription sessions are not supported).",
               "type");
    f.string("model");  // a session's model is fixed at connect time (query parameter)
    if (const auto instr = f.string("instructions")) {
        if (instr->size() > constraints.max_instructions_chars) {
            f.fail("invalid_value",
                   "instructions are " + std::to_string(instr->size()) +
                       " characters; the limit is " +
                       std::to_string(constraints.max_instructions_chars) + ".",
                   "instructions");
        } else {
            next.instructions = *instr;
        }
    }
    if (const auto* mods = f.child_array("output_modalities")) {
        if (mods->size() != 1 || !(*mods)[0].is_string() ||
            ((*mods)[0].get_string() != "audio" && (*mods)[0].get_string() != "text")) {
            f.fail("invalid_value", "output_modalities must be [\"audio\"] or [\"text\"].",
                   "output_modalities");
        } else {
            next.output_modalities = {std::string((*mods)[0].get_string())};
        }
    }
    if (const auto* audio = f.child_object("audio")) {
        JsonFields a(*audio, "session.audio", event_id);
        a.reject_unknown({"input", "output"});
        parse_input(a, next, constraints);
        parse_output(a, next, constraints);
        if (!a.ok()) f.fail_with(*a.error());
    }
    if (f.has("max_output_tokens")) {
        const auto& v = session.at("max_output_tokens");
        if (v.is_string() && v.get_string() == "inf") {
            next.max_output_tokens.reset();
        } else if (const auto n = f.integer("max_output_tokens", 1, 4096)) {
            next.max_output_tokens = static_cast<int>(*n);
        }
    }
    if (const auto parallel = f.boolean("parallel_tool_calls")) next.parallel_tool_calls = parallel;
    if (f.ok() && session.contains("tools")) {
        if (auto err = parse_function_tools(session.at("tools"), "session.tools", constraints.tools,
                                            event_id, next.tools))
            return err;
    }
    if (f.ok() && session.contains("tool_choice")) {
        if (auto err = parse_tool_choice(session.at("tool_choice"), "session.tool_choice",
                                         next.tools, event_id, next.tool_choice))
            return err;
    } else if (f.ok()) {
        // The tools changed under the choice made before.
        if (auto err =
                check_tool_choice(next.tool_choice, next.tools, "session.tool_choice", event_id))
            return err;
    }
    if (!f.ok()) {
        auto err = *f.error();
        err.event_id = event_id;
        return err;
    }
    config = std::move(next);
    return std::nullopt;
}

}  // namespace confab::protocol
