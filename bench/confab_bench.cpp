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
#include <filesystem>
#include <fstream>
#include <memory>

#include "loadgen/audio_library.hpp"
#include "loadgen/bench_options.hpp"
#include "loadgen/bench_report.hpp"
#include "loadgen/server_sampler.hpp"
#include "loadgen/simulated_user.hpp"

namespace asio = boost::asio;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using namespace confab::bench;

namespace {

std::string default_audio_dir() {
    // The shared recordings live next to the repository (../shared/audio).
    return (fs::path(CONFAB_SOURCE_DIR) / ".." / "shared" / "audio").lexically_normal().string();
}

bool load_audio(const BenchOptions& o, AudioLibrary& audio) {
    const fs::path dir = o.audio_dir.empty() ? default_audio_dir() : o.audio_dir;
    for (const char* name : {"jfk.wav", "platforms.wav", "expression.wav"}) {
        if (auto ec = audio.add_file(dir / name)) {
            std::fprintf(stderr, "confab-bench: %s: %s\n", (dir / name).c_str(),
                         ec.message().c_str());
            return false;
        }
    }
    if (!o.librivox_dir.empty() && fs::is_directory(o.librivox_dir))
        audio.add_folder(o.librivox_dir);
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
    std::fprintf(stderr, "confab-bench: %d users for %.0f s against %s, %zu recordings\n",
                 options.users, options.duration_s, options.url.c_str(), audio.utterances().size());

    asio::io_context io(1);
    BenchResults results;
    const auto t0 = Clock::now();
    RunWindow window{t0 + std::chrono::duration_cast<Clock::duration>(
                              std::chrono::duration<double>(options.duration_s))};

    // Ctrl-C ends the run early but still reports.
    asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](boost::system::error_code ec, int) {
        if (!ec) window.end = std::min(window.end, Clock::now());
    });

    std::vector<std::unique_ptr<SimulatedUser>> users;
    int interrupters = 0;
    int running = options.users;
    const auto on_user_done = [&](std::exception_ptr e) {
        if (e) {
            try {
                std::rethrow_exception(e);
            } catch (const std::exception& ex) {
                std::fprintf(stderr, "confab-bench: a user failed: %s\n", ex.what());
            }
        }
        if (--running == 0) signals.cancel();
    };
    for (int i = 0; i < options.users; ++i) {
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
    const BenchReport report(options, results, elapsed, interrupters);
    std::fputs(report.table().c_str(), stdout);
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
