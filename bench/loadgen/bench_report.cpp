#include "loadgen/bench_report.hpp"

#include <boost/json.hpp>
#include <cstdio>
#include <optional>
#include <utility>
#include <vector>

#include "loadgen/slo_check.hpp"

namespace confab::bench {
namespace json = boost::json;

namespace {

json::object summary(const LatencySeries& s) {
    return {{"count", s.count()},      {"p50", s.percentile(50)}, {"p95", s.percentile(95)},
            {"p99", s.percentile(99)}, {"mean", s.mean()},        {"max", s.max()}};
}

json::object summaries(const std::map<std::string, LatencySeries>& series) {
    json::object out;
    for (const auto& [name, s] : series) out[name] = summary(s);
    return out;
}

template <class Map>
json::object counts(const Map& map) {
    json::object out;
    for (const auto& [key, n] : map) out[key] = n;
    return out;
}

std::string format(const char* fmt, auto... args) {
    char line[256];
    std::snprintf(line, sizeof line, fmt, args...);
    return line;
}

double number(const json::object& obj, std::string_view key) {
    const auto* v = obj.if_contains(key);
    return v != nullptr && v->is_number() ? v->to_number<double>() : 0;
}

// The rows of a latency section, in reading order, with their labels.
void latency_rows(std::string& out, const json::object& section,
                  const std::vector<std::pair<std::string, std::string>>& rows) {
    for (const auto& [key, label] : rows) {
        const auto* v = section.if_contains(key);
        if (v == nullptr) {
            out += format("  %-44s %6s\n", label.c_str(), "-");
            continue;
        }
        const auto& s = v->get_object();
        out += format("  %-44s %6.0f %8.1f %8.1f %8.1f %8.1f\n", label.c_str(), number(s, "count"),
                      number(s, "p50"), number(s, "p95"), number(s, "p99"), number(s, "max"));
    }
}

std::string count_list(const json::object& map) {
    if (map.empty()) return "none";
    std::string out;
    for (const auto& [key, n] : map)
        out += (out.empty() ? "" : ", ") + std::string(key) + " " + json::serialize(n);
    return out;
}

double ratio(double a, double b) {
    return b > 0 ? a / b : 0;
}

// Speech seconds per connected second: how many of the bare engine's
// continuous real-time streams one user occupies (README: capacity).
json::object duty_cycle(const BenchResults& r) {
    return {{"speech_audio_s", r.speech_audio_s},
            {"voiced_audio_s", r.voiced_audio_s},
            {"user_connected_s", r.user_connected_s},
            {"speech", ratio(r.speech_audio_s, r.user_connected_s)},
            {"voiced", ratio(r.voiced_audio_s, r.user_connected_s)}};
}

std::optional<double> p95_of(const std::map<std::string, LatencySeries>& series, const char* name) {
    const auto it = series.find(name);
    if (it == series.end() || it->second.empty()) return std::nullopt;
    return it->second.percentile(95);
}

json::object slo(const BenchOptions& o, const BenchResults& r) {
    const SloLimits limits{o.slo_silence_ms, o.slo_reply_margin_ms, o.slo_barge_in_ms};
    SloInputs in;
    in.end_of_speech_to_first_audio_p95 = p95_of(r.latency, "end_of_speech_to_first_audio_ms");
    in.underruns = r.underruns;
    in.failed_turns = r.turns_failed;
    in.barge_in_stop_p95 = p95_of(r.latency, "barge_in_to_last_audio_ms");
    const SloVerdict verdict = check_slo(in, limits);
    json::object checks;
    for (const auto& c : verdict.checks) {
        checks[c.name] = {{"pass", c.pass}, {"measured", c.measured}, {"detail", c.detail}};
    }
    return {{"pass", verdict.pass},
            {"limits",
             {{"reply_p95_ms", limits.silence_ms + limits.reply_margin_ms},
              {"silence_ms", limits.silence_ms},
              {"barge_in_stop_p95_ms", limits.barge_in_stop_ms}}},
            {"checks", std::move(checks)}};
}

}  // namespace

void BenchReport::add_section(std::string_view key, boost::json::value value) {
    json_[key] = std::move(value);
}

BenchReport::BenchReport(const BenchOptions& o, const BenchResults& r, double elapsed_s,
                         int interrupters) {
    std::string command;
    for (const auto& a : o.argv) command += (command.empty() ? "" : " ") + a;
    json_["tool"] = "confab-bench";
    json_["command"] = command;
    json_["options"] = {{"url", o.url},
                        {"users", o.users},
                        {"duration_s", o.duration_s},
                        {"ramp_s", o.ramp_s},
                        {"seed", o.seed},
                        {"interrupt_share", o.interrupt_share},
                        {"silence_ms", o.silence_ms},
                        {"jitter_buffer_ms", o.jitter_buffer_ms},
                        {"pause_ms", json::array{o.pause_min_ms, o.pause_max_ms}},
                        {"interrupt_after_ms", json::array{o.interrupt_min_ms, o.interrupt_max_ms}},
                        {"reply_timeout_ms", o.reply_timeout_ms}};
    json_["elapsed_s"] = elapsed_s;
    json_["users"] = {{"requested", o.users},
                      {"interrupters", interrupters},
                      {"connected", r.users_connected},
                      {"rejections", r.rejections},
                      {"connect_failures", r.connect_failures},
                      {"disconnects", r.disconnects}};
    json_["turns"] = {{"started", r.turns_started},         {"completed", r.turns_completed},
                      {"interrupted", r.turns_interrupted}, {"failed", r.turns_failed},
                      {"unfinished", r.turns_unfinished},   {"abandoned", r.turns_abandoned},
                      {"failures", counts(r.failures)}};
    json_["duty_cycle"] = duty_cycle(r);
    json_["slo"] = slo(o, r);
    json_["latency_ms"] = summaries(r.latency);
    json_["server_timings_ms"] = summaries(r.server_timings);
    json_["playback"] = {{"replies_played", r.replies_played}, {"underruns", r.underruns}};
    json_["barge_in"] = {{"interrupts", r.interrupts},
                         {"interrupts_after_done", r.interrupts_after_done}};
    json_["server_behaviour"] = {{"split_turns", r.split_turns},
                                 {"premature_responses", r.premature_responses},
                                 {"premature_responses_completed", r.premature_responses_completed},
                                 {"late_turn_ends", r.late_turn_ends},
                                 {"stray_audio_deltas", r.stray_audio_deltas}};
    json_["errors"] = counts(r.errors);
    json_["server_process"] = {{"pid", o.server_pid},
                               {"samples", r.server_cpu_percent.count()},
                               {"cpu_percent_avg", r.server_cpu_percent.mean()},
                               {"cpu_percent_max", r.server_cpu_percent.max()},
                               {"rss_max_mb", r.server_rss_max_mb},
                               {"machine_cpu_percent_avg", r.machine_cpu_percent.mean()}};
    json_["client"] = {{"frame_clock_lateness_ms", summary(r.tick_lateness_ms)}};
    json::array turn_log;
    for (const auto& t : r.turn_log) {
        turn_log.push_back({{"user", t.user},
                            {"utterance", t.utterance},
                            {"start_s", t.start_s},
                            {"outcome", t.outcome},
                            {"transcript", t.transcript},
                            {"underruns", t.underruns},
                            {"latency_ms", counts(t.latency_ms)},
                            {"server_ms", counts(t.server_ms)}});
    }
    json_["turn_log"] = std::move(turn_log);
}

std::string BenchReport::table() const {
    const auto& j = json_;
    const auto& users = j.at("users").get_object();
    const auto& turns = j.at("turns").get_object();
    const auto& opts = j.at("options").get_object();
    std::string out;
    out += format("confab-bench: %.0f users (%.0f interrupting), %.1f s, %s\n",
                  number(users, "requested"), number(users, "interrupters"), number(j, "elapsed_s"),
                  opts.at("url").get_string().c_str());
    out += format(
        "Users: connected %.0f, rejected %.0f, connect failures %.0f, disconnected early %.0f\n",
        number(users, "connected"), number(users, "rejections"), number(users, "connect_failures"),
        number(users, "disconnects"));
    out += format(
        "Turns: started %.0f, completed %.0f (interrupted by the user %.0f), failed %.0f, "
        "unfinished %.0f\n",
        number(turns, "started"), number(turns, "completed"), number(turns, "interrupted"),
        number(turns, "failed"), number(turns, "unfinished"));
    out += "  failures: " + count_list(turns.at("failures").get_object()) + "\n\n";
    out += format("%-46s %6s %8s %8s %8s %8s\n", "Latency (ms, client clock)", "n", "p50", "p95",
                  "p99", "max");
    latency_rows(out, j.at("latency_ms").get_object(),
                 {{"end_of_speech_to_first_audio_ms", "end of speech -> first reply audio delta"},
                  {"end_of_speech_to_speech_stopped_ms", "end of speech -> speech_stopped"},
                  {"speech_stopped_to_first_audio_ms", "speech_stopped -> first reply audio delta"},
                  {"stt_final_ms", "end of speech -> transcript final (STT)"},
                  {"barge_in_to_speech_started_ms", "barge-in speech -> speech_started"},
                  {"barge_in_to_last_audio_ms", "barge-in speech -> last cancelled audio"},
                  {"barge_in_to_response_done_ms", "barge-in speech -> cancelled response.done"},
                  {"underrun_lateness_ms", "underrun lateness"},
                  {"reply_audio_ms", "reply audio length (played replies)"}});
    out += format("\n%-46s %6s %8s %8s %8s %8s\n", "Server timings (ms after speech_stopped)", "n",
                  "p50", "p95", "p99", "max");
    latency_rows(out, j.at("server_timings_ms").get_object(),
                 {{"transcript_final_ms", "transcript final"},
                  {"response_created_ms", "response created"},
                  {"llm_first_token_ms", "LLM first token"},
                  {"first_audio_synthesized_ms", "first audio synthesized"},
                  {"first_audio_sent_ms", "first audio sent"},
                  {"done_ms", "response done (completed replies)"}});
    const auto& playback = j.at("playback").get_object();
    const auto& barge = j.at("barge_in").get_object();
    const auto& behaviour = j.at("server_behaviour").get_object();
    const auto& proc = j.at("server_process").get_object();
    const auto& tick = j.at("client").get_object().at("frame_clock_lateness_ms").get_object();
    out += format("\nPlayback: %.0f replies played, %.0f underruns\n",
                  number(playback, "replies_played"), number(playback, "underruns"));
    out += format("Barge-in: %.0f interrupts, %.0f of them after the reply had been sent in full\n",
                  number(barge, "interrupts"), number(barge, "interrupts_after_done"));
    out += format(
        "Server behaviour: %.0f split turns, %.0f premature responses (%.0f completed over the "
        "user), "
        "%.0f late turn ends, %.0f stray audio deltas\n",
        number(behaviour, "split_turns"), number(behaviour, "premature_responses"),
        number(behaviour, "premature_responses_completed"), number(behaviour, "late_turn_ends"),
        number(behaviour, "stray_audio_deltas"));
    out += "Errors by code: " + count_list(j.at("errors").get_object()) + "\n";
    if (number(proc, "samples") > 0) {
        out += format(
            "Server process %.0f: CPU avg %.1f%% (max %.1f%%, 100%% = one core), RSS max %.1f MB\n",
            number(proc, "pid"), number(proc, "cpu_percent_avg"), number(proc, "cpu_percent_max"),
            number(proc, "rss_max_mb"));
        out += format(
            "Machine (all processes, incl. this load generator): %.1f%% of all cores busy on "
            "average\n",
            number(proc, "machine_cpu_percent_avg"));
    }
    out += format("Load generator: frame clock lateness p99 %.1f ms, max %.1f ms\n",
                  number(tick, "p99"), number(tick, "max"));
    const auto& duty = j.at("duty_cycle").get_object();
    out += format(
        "Speech duty cycle: %.3f (recordings %.0f s / connected %.0f user-s), voiced only %.3f\n",
        number(duty, "speech"), number(duty, "speech_audio_s"), number(duty, "user_connected_s"),
        number(duty, "voiced"));
    const auto& slo = j.at("slo").get_object();
    out += std::string("SLO: ") + (slo.at("pass").as_bool() ? "PASS" : "FAIL");
    for (const auto& [name, check] : slo.at("checks").get_object()) {
        const auto& c = check.get_object();
        out += std::string("; ") + std::string(name) + " " +
               (c.at("pass").as_bool() ? "ok" : "FAIL") + " (" +
               std::string(c.at("detail").get_string()) + ")";
    }
    out += "\n";
    return out;
}

}  // namespace confab::bench
