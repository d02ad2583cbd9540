// confab-bench: a load generator for confab. N simulated users speak real
// recordings over the Realtime WebSocket protocol in real time, listen to the
// replies through a simulated jitter buffer, sometimes barge in, and the
// latencies, errors and the server's CPU/RSS are reported as a table and JSON.
//
// Everything runs on one io_context on this thread: two coroutines per user
// (reader, paced sender) and a sampler. See bench/README.md.
#include <boost/asio.hpp>
#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <memory>

#include "loadgen/audio_library.hpp"
#include "loadgen/bench_options.hpp"
#include "loadgen/bench_report.hpp"
#include "loadgen/recording_files.hpp"
#include "loadgen/server_sampler.hpp"
#include "loadgen/simulated_user.hpp"
#include "loadgen/soak_runner.hpp"

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;
using namespace confab::bench;

namespace {

bool load_audio(const BenchOptions& o, AudioLibrary& audio) {
    const RecordingFiles files = recording_files(o.audio_dir, o.librivox_dir);
    for (const auto& path : files.required) {
        if (auto ec = audio.add_file(path)) {
            std::fprintf(stderr, "confab-bench: %s: %s\n", path.c_str(), ec.message().c_str());
            return false;
        }
    }
    for (const auto& path : files.extra) (void)audio.add_file(path);  // unreadable ones are skipped
    return true;
}

bool resolve(const std::string& url, ServerEndpoint& out) {
    auto parsed = boost::urls::parse_uri(url);
    if (!parsed || parsed->host().empty()) return false;
    const std::string host = parsed->host();
    const std::string port = parsed->has_port() ? std::string(parsed->port()) : "80";
    asio::io_context io;
    asio::ip::tcp::resolver resolver(io);
    boost::system::error_code ec;
    const auto results = resolver.resolve(host, port, ec);
    if (ec || results.empty()) return false;
    out.address = results.begin()->endpoint();
    out.host = host + ":" + port;
    out.target = std::string(parsed->encoded_target());
    if (out.target.empty()) out.target = "/";
    return true;
}

UserTurns::Settings settings_for(const BenchOptions& o, int user, Clock::time_point run_start) {
    using Ms = UserTurns::Ms;
    UserTurns::Settings s;
    s.silence = Ms(o.silence_ms);
    s.jitter_buffer = Ms(o.jitter_buffer_ms);
    s.pause_min = Ms(o.pause_min_ms);
    s.pause_max = Ms(o.pause_max_ms);
    s.interrupt_min = Ms(o.interrupt_min_ms);
    s.interrupt_max = Ms(o.interrupt_max_ms);
    s.reply_timeout = Ms(o.reply_timeout_ms);
    // Exactly floor(users × share) interrupters, spread evenly over the users.
    s.interrupter =
        std::floor((user + 1) * o.interrupt_share) > std::floor(user * o.interrupt_share);
    s.seed = o.seed * 1000003 + static_cast<std::uint64_t>(user);
    s.user = user;
    s.run_start = run_start;
    return s;
}

}  // namespace

int main(int argc, char** argv) {
    BenchOptions options;
    std::string message;
    switch (parse_bench_options(argc, argv, options, message)) {
        case ParseOutcome::help:
            std::fputs(bench_usage().c_str(), stdout);
            return 0;
        case ParseOutcome::error:
            std::fprintf(stderr, "confab-bench: %s\n", message.c_str());
            return 2;
        case ParseOutcome::run:
            break;
    }

    AudioLibrary audio;
    if (!load_audio(options, audio)) return 1;
    ServerEndpoint server;
    if (!resolve(options.url, server)) {
        std::fprintf(stderr, "confab-bench: cannot resolve %s\n", options.url.c_str());
        return 1;
    }
    const bool soak = options.soak > 0;
    if (!soak) {
        std::fprintf(stderr, "confab-bench: %d users for %.0f s against %s, %zu recordings\n",
                     options.users, options.duration_s, options.url.c_str(),
                     audio.utterances().size());
    }

    asio::io_context io(1);
    BenchResults results;
    const auto t0 = Clock::now();
    // A soak ends when its last session has; until then the window stays open.
    RunWindow window{soak ? Clock::time_point::max()
                          : t0 + std::chrono::duration_cast<Clock::duration>(
                                     std::chrono::duration<double>(options.duration_s))};

    // Ctrl-C ends the run early but still reports.
    asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](boost::system::error_code ec, int) {
        if (!ec) window.end = std::min(window.end, Clock::now());
    });

    std::vector<std::unique_ptr<SimulatedUser>> users;
    int interrupters = 0;
    const int timed_users = soak ? 0 : options.users;  // a soak opens its own sessions
    int running = timed_users;
    const auto report_failure = [](std::exception_ptr e) {
        if (!e) return;
        try {
            std::rethrow_exception(e);
        } catch (const std::exception& ex) {
            std::fprintf(stderr, "confab-bench: a user failed: %s\n", ex.what());
        }
    };
    const auto on_user_done = [&](std::exception_ptr e) {
        report_failure(e);
        if (--running == 0) signals.cancel();
    };
    std::unique_ptr<SoakRunner> soak_runner;
    if (soak) {
        soak_runner = std::make_unique<SoakRunner>(
            io.get_executor(), options, server, audio, results, window,
            [&](int index) { return settings_for(options, index, t0); });
        asio::co_spawn(io, soak_runner->run(), [&](std::exception_ptr e) {
            report_failure(e);
            window.end = std::min(window.end, Clock::now());  // stops the sampler
            signals.cancel();
        });
    }
    for (int i = 0; i < timed_users; ++i) {
        const auto settings = settings_for(options, i, t0);
        interrupters += settings.interrupter ? 1 : 0;
        users.push_back(std::make_unique<SimulatedUser>(io.get_executor(), server, audio, results,
                                                        settings, window));
        const auto offset = std::chrono::duration<double>(options.ramp_s * i / options.users);
        const auto start = t0 + std::chrono::duration_cast<Clock::duration>(offset);
        asio::co_spawn(io, users.back()->run(start), on_user_done);
    }
    std::unique_ptr<ServerSampler> sampler;
    if (options.server_pid > 0) {
        sampler = std::make_unique<ServerSampler>(options.server_pid, results, window);
        asio::co_spawn(io, sampler->run(), asio::detached);
    }
    io.run();

    const double elapsed =
        std::chrono::duration<double>(std::min(Clock::now(), window.end) - t0).count();
    BenchReport report(options, results, elapsed, interrupters);
    std::fputs(report.table().c_str(), stdout);
    if (soak_runner) {
        report.add_section("soak", soak_runner->json());
        std::fputs(soak_runner->table().c_str(), stdout);
    }
    if (!options.json_path.empty()) {
        std::ofstream out(options.json_path);
        out << boost::json::serialize(report.json()) << "\n";
        if (!out) {
            std::fprintf(stderr, "confab-bench: cannot write %s\n", options.json_path.c_str());
            return 1;
        }
    }
    return 0;
}
