// confab-bench's configuration: one plain struct with defaults, parsed and
// validated once from the command line, then passed by const&.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace confab::bench {

struct BenchOptions {
    // Load generation
    std::string url = "ws://127.0.0.1:8080/v1/realtime";
    int users = 1;
    double duration_s = 60;
    double ramp_s = 5;  // users connect evenly spread over this span
    std::uint64_t seed = 1;
    double interrupt_share = 0.2;  // share of users who barge in on replies
    int silence_ms = 800;          // silence after each utterance before the turn end is expected
    int jitter_buffer_ms = 100;    // simulated browser prebuffer
    int pause_min_ms = 1000;       // pause after a reply has played, before speaking again
    int pause_max_ms = 2000;
    int interrupt_min_ms = 300;    // barge in after this much of the reply has played...
    int interrupt_max_ms = 1500;   // ...at most this much (and at most half of it)
    int reply_timeout_ms = 20000;  // no reply audio this long after the silence: the turn failed
    std::string audio_dir;  // jfk/platforms/expression.wav; default ../shared/audio of the repo
    std::string librivox_dir = "/usr/share/pocketsphinx/test/data/librivox";  // "" to skip
    int server_pid = 0;     // 0: no CPU/RSS sampling
    std::string json_path;  // "" : no JSON file

    // SLO verdict of the run (slo_check.hpp)
    double slo_silence_ms = 500;  // the server's silence_duration_ms (confab's default)
    double slo_reply_margin_ms = 600;
    double slo_barge_in_ms = 150;

    // Soak (soak_runner.hpp): instead of a timed run, `soak` sessions of one
    // turn each, `concurrency` at a time; --users and --duration do not apply.
    int soak = 0;  // 0: no soak
    int concurrency = 20;
    int soak_warmup = 20;       // sessions before the baseline snapshot
    double hangup_share = 0.3;  // share of sessions that hang up mid-reply...
    double drop_share = 0.5;    // ...and of those, the share without a close frame
    double settle_s = 3;        // idle time before each snapshot
    double soak_tolerance_percent = 5;

    std::vector<std::string> argv;  // the command line, for the report
};

enum class ParseOutcome { run, help, error };

// Parses `--flag VALUE` and `--flag=VALUE`. On error, `message` says why.
ParseOutcome parse_bench_options(int argc, char** argv, BenchOptions& out, std::string& message);
std::string bench_usage();

}  // namespace confab::bench
