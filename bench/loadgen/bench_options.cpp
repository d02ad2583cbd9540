#include "loadgen/bench_options.hpp"

#include <charconv>
#include <functional>
#include <map>

namespace confab::bench {
namespace {

template <class T>
bool parse_number(const std::string& text, T& out) {
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, out);
    return ec == std::errc() && ptr == end;
}

// One entry per value flag: how to store its text, or false if invalid.
using Setter = std::function<bool(BenchOptions&, const std::string&)>;

template <class T, class Field>
Setter number(Field field) {
    return [field](BenchOptions& o, const std::string& v) { return parse_number<T>(v, o.*field); };
}
Setter text(std::string BenchOptions::*field) {
    return [field](BenchOptions& o, const std::string& v) {
        o.*field = v;
        return true;
    };
}

const std::map<std::string, Setter>& setters() {
    static const std::map<std::string, Setter> table = {
        {"--url", text(&BenchOptions::url)},
        {"--users", number<int>(&BenchOptions::users)},
        {"--duration", number<double>(&BenchOptions::duration_s)},
        {"--ramp-seconds", number<double>(&BenchOptions::ramp_s)},
        {"--seed", number<std::uint64_t>(&BenchOptions::seed)},
        {"--interrupt-share", number<double>(&BenchOptions::interrupt_share)},
        {"--silence-ms", number<int>(&BenchOptions::silence_ms)},
        {"--jitter-buffer-ms", number<int>(&BenchOptions::jitter_buffer_ms)},
        {"--pause-min-ms", number<int>(&BenchOptions::pause_min_ms)},
        {"--pause-max-ms", number<int>(&BenchOptions::pause_max_ms)},
        {"--interrupt-min-ms", number<int>(&BenchOptions::interrupt_min_ms)},
        {"--interrupt-max-ms", number<int>(&BenchOptions::interrupt_max_ms)},
        {"--reply-timeout-ms", number<int>(&BenchOptions::reply_timeout_ms)},
        {"--audio-dir", text(&BenchOptions::audio_dir)},
        {"--librivox-dir", text(&BenchOptions::librivox_dir)},
        {"--server-pid", number<int>(&BenchOptions::server_pid)},
        {"--json", text(&BenchOptions::json_path)},
        {"--slo-silence-ms", number<double>(&BenchOptions::slo_silence_ms)},
        {"--slo-reply-margin-ms", number<double>(&BenchOptions::slo_reply_margin_ms)},
        {"--slo-barge-in-ms", number<double>(&BenchOptions::slo_barge_in_ms)},
        {"--soak", number<int>(&BenchOptions::soak)},
        {"--concurrency", number<int>(&BenchOptions::concurrency)},
        {"--soak-warmup", number<int>(&BenchOptions::soak_warmup)},
        {"--hangup-share", number<double>(&BenchOptions::hangup_share)},
        {"--drop-share", number<double>(&BenchOptions::drop_share)},
        {"--settle-seconds", number<double>(&BenchOptions::settle_s)},
        {"--soak-tolerance-percent", number<double>(&BenchOptions::soak_tolerance_percent)},
    };
    return table;
}

std::string validate(const BenchOptions& o) {
    if (!o.url.starts_with("ws://")) return "--url must be ws://HOST:PORT/PATH";
    if (o.users < 1 || o.users > 10000) return "--users must be 1..10000";
    if (o.duration_s <= 0) return "--duration must be > 0";
    if (o.ramp_s < 0 || o.ramp_s >= o.duration_s)
        return "--ramp-seconds must be >= 0 and < --duration";
    if (o.interrupt_share < 0 || o.interrupt_share > 1) return "--interrupt-share must be 0..1";
    if (o.silence_ms < 0 || o.jitter_buffer_ms < 0)
        return "--silence-ms and --jitter-buffer-ms must be >= 0";
    if (o.pause_min_ms < 0 || o.pause_max_ms < o.pause_min_ms)
        return "need 0 <= --pause-min-ms <= --pause-max-ms";
    if (o.interrupt_min_ms < 0 || o.interrupt_max_ms < o.interrupt_min_ms)
        return "need 0 <= --interrupt-min-ms <= --interrupt-max-ms";
    if (o.reply_timeout_ms < 1000) return "--reply-timeout-ms must be >= 1000";
    if (o.slo_silence_ms < 0 || o.slo_reply_margin_ms < 0 || o.slo_barge_in_ms < 0)
        return "--slo-* limits must be >= 0";
    if (o.soak < 0 || o.soak > 1000000) return "--soak must be 0..1000000";
    if (o.concurrency < 1 || o.concurrency > 10000) return "--concurrency must be 1..10000";
    if (o.soak_warmup < 0) return "--soak-warmup must be >= 0";
    if (o.soak > 0 && o.server_pid <= 0) return "--soak needs --server-pid";
    if (o.hangup_share < 0 || o.hangup_share > 1 || o.drop_share < 0 || o.drop_share > 1)
        return "--hangup-share and --drop-share must be 0..1";
    if (o.settle_s < 0) return "--settle-seconds must be >= 0";
    if (o.soak_tolerance_percent < 0) return "--soak-tolerance-percent must be >= 0";
    return {};
}

}  // namespace

std::string bench_usage() {
    return R"(confab-bench: load generator for confab (OpenAI Realtime over WebSocket)

Usage: confab-bench [--url ws://127.0.0.1:PORT/v1/realtime] [--users N] [--duration S] [options]

Load:
  --url URL                 confab's Realtime endpoint (default ws://127.0.0.1:8080/v1/realtime)
  --users N                 simulated users (default 1)
  --duration S              seconds of load, ramp included (default 60)
  --ramp-seconds S          users connect spread over this span (default 5)
  --seed N                  seed of every random choice (default 1)
  --interrupt-share F       share of users who barge in on replies (default 0.2)
  --silence-ms MS           silence after each utterance before the turn end is expected (default 800)
  --jitter-buffer-ms MS     playback starts this long after the first audio delta (default 100)
  --pause-min-ms/--pause-max-ms MS   pause after a reply before speaking again (default 1000/2000)
  --interrupt-min-ms/--interrupt-max-ms MS  barge-in point in the reply's playback (default 300/1500)
  --reply-timeout-ms MS     a turn with no reply this long after its silence fails (default 20000)
  --audio-dir DIR           folder of jfk.wav, platforms.wav, expression.wav (default <repo>/../shared/audio)
  --librivox-dir DIR        extra recordings, every *.wav (default the pocketsphinx test data; "" skips)
  --server-pid PID          sample this process's CPU and RSS once a second
  --json FILE               also write the results as JSON

SLO verdict (reported with every run):
  --slo-silence-ms MS       the server's silence_duration_ms (default 500, confab's default)
  --slo-reply-margin-ms MS  p95 end of speech -> first reply audio must be <= silence + this (default 600)
  --slo-barge-in-ms MS      p95 barge-in speech -> last audio of the cancelled reply bound (default 150)

Soak (instead of a timed run; --users, --duration, --ramp-seconds, --interrupt-share do not apply):
  --soak N                  N sessions, each: connect, speak one recording, hear the reply, disconnect
  --concurrency C           sessions at a time (default 20)
  --soak-warmup W           sessions run before the baseline snapshot (default 20)
  --hangup-share F          share of sessions that hang up mid-reply (default 0.3), at a point
                            drawn from --interrupt-min-ms/--interrupt-max-ms into the reply
  --drop-share F            share of those that drop the TCP connection without a close frame (default 0.5)
  --settle-seconds S        idle time before each snapshot (default 3)
  --soak-tolerance-percent P  RSS, threads and fds must end within P% of the baseline (default 5)
  A soak needs --server-pid: it compares the server's RSS, threads and open fds
  after the warm-up with those after the last session.
)";
}

ParseOutcome parse_bench_options(int argc, char** argv, BenchOptions& out, std::string& message) {
    out.argv.assign(argv, argv + argc);
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg == "--help" || arg == "-h") return ParseOutcome::help;
        std::string value;
        bool has_value = false;
        if (const auto eq = arg.find('='); eq != std::string::npos) {
            value = arg.substr(eq + 1);
            arg.resize(eq);
            has_value = true;
        }
        const auto it = setters().find(arg);
        if (it == setters().end()) {
            message = "unknown option " + arg + " (see --help)";
            return ParseOutcome::error;
        }
        if (!has_value) {
            if (i + 1 >= argc) {
                message = arg + " needs a value";
                return ParseOutcome::error;
            }
            value = argv[++i];
        }
        if (!it->second(out, value)) {
            message = arg + ": invalid value \"" + value + "\"";
            return ParseOutcome::error;
        }
    }
    message = validate(out);
    return message.empty() ? ParseOutcome::run : ParseOutcome::error;
}

}  // namespace confab::bench
