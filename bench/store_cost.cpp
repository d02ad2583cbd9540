// confab-store-cost: what writing conversations through to Redis costs
// (issue 16), measured on real sessions (RealtimeSession with the fake
// language model, text turns) against a real redis-server.
//
// The same conversations run once per store, alternating in one run (memory,
// redis, memory, redis, ...), so the ratio holds whatever the machine is
// doing. Measured:
//   - on the session's strand: the CPU time of the thread that runs every
//     session (its own io_context), per turn, with each store. The Redis
//     client runs on another thread, so what the strand pays is the journal
//     (encoding, posting the command, handling the reply), not Redis's I/O;
//   - on Redis: commands, bytes in and out, and Redis's own CPU time per
//     turn (INFO), and the memory a conversation takes there, live and parked.
// From those, on paper: users per Redis core and per GiB, against nodes x
// per-node capacity. Writes bench/results/store_cost.md (and .json).
//
// Usage: confab-store-cost [--sessions N] [--turns T] [--reps R] [--out DIR]
#include <time.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "fakes/fake_engines.hpp"
#include "fakes/recording_sink.hpp"
#include "session/realtime_session.hpp"
#include "session/session_resumption.hpp"
#include "store/memory_session_store.hpp"
#include "store/redis_client.hpp"
#include "store/redis_session_store.hpp"
#include "support/redis_process.hpp"
#include "util/log.hpp"

namespace {

using namespace confab;
using namespace std::chrono_literals;
namespace asio = boost::asio;
namespace json = boost::json;

double thread_cpu_us() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e6 + static_cast<double>(ts.tv_nsec) / 1e3;
}

// A user's turn as the benchmark's simulated users speak it (a sentence of
// ~12 words) and a reply of ~40 words in 20 deltas, as a language model
// streams it.
const std::string kUserText =
    "Could you tell me how long the train takes from the airport to the city centre";
std::vector<std::string> reply_deltas() {
    std::vector<std::string> deltas;
    for (int i = 0; i < 20; ++i) deltas.push_back(i % 2 ? "about forty minutes, " : "it takes ");
    return deltas;
}

struct Options {
    int sessions = 20;
    int turns = 10;
    int reps = 5;
    std::string out = std::string(CONFAB_SOURCE_DIR) + "/bench/results";
};

// One store's run: `sessions` sessions of `turns` turns each, driven on
// `ioc` by this thread; the CPU time this thread spent.
struct Run {
    double cpu_us = 0;
    int turns = 0;
};

class Bench {
public:
    explicit Bench(Options options) : options_(std::move(options)) {
        constraints_.voices = {config_.tts.voice};
        engines_.llm = &llm_;
        store::RedisClient::Options redis_options;
        redis_options.port = redis_.port();
        client_ = store::RedisClient::create(redis_ioc_.get_executor(), redis_options);
        client_->start();
        redis_thread_ = std::thread([this] { redis_ioc_.run(); });
        for (int i = 0; i < 500 && !client_->connected(); ++i) std::this_thread::sleep_for(10ms);
        memory_ = std::make_unique<store::MemorySessionStore>(120s, 1000);
        redis_store_ = std::make_unique<store::RedisSessionStore>(client_, 120s, constraints_,
                                                                  protocol::SessionConfig{});
    }
    ~Bench() {
        client_->stop();
        guard_.reset();
        redis_thread_.join();
    }

    bool connected() const { return client_->connected(); }
    double sent() const { return static_cast<double>(client_->counters().sent.load()); }

    Run run(store::SessionStore& store, bool park) {
        struct Connection {
            test::RecordingSink sink;
            std::unique_ptr<session::RealtimeSession> session;
            std::unique_ptr<session::SessionResumption> resumption;
        };
        std::vector<std::unique_ptr<Connection>> all;
        Run result;
        const double start = thread_cpu_us();
        for (int s = 0; s < options_.sessions; ++s) {
            auto c = std::make_unique<Connection>();
            c->session = std::make_unique<session::RealtimeSession>(
                session_ioc_.get_executor(), config_, constraints_, engines_, c->sink,
                "sess_" + std::to_string(s), "bench");
            c->resumption = std::make_unique<session::SessionResumption>(store, c->sink);
            bool started = false;
            asio::co_spawn(
                session_ioc_,
                [&]() -> asio::awaitable<void> {
                    auto none = co_await c->resumption->take("");
                    c->resumption->start(*c->session, "", std::move(none));
                    started = true;
                },
                asio::detached);
            run_until([&] { return started; });
            c->session->handle_text(
                R"({"type":"session.update","session":{"type":"realtime","output_modalities":["text"]}})");
            all.push_back(std::move(c));
        }
        // The turns, every session taking one in turn (sessions interleave
        // on the thread as they would on a node's I/O threads).
        for (int t = 0; t < options_.turns; ++t) {
            for (auto& c : all) {
                test::FakeLanguageModel::Script script;
                script.deltas = reply_deltas();
                script.first_delay = 0ms;
                script.between = 0ms;
                llm_.script(script);
                const json::object item{
                    {"type", "conversation.item.create"},
                    {"item",
                     {{"type", "message"},
                      {"role", "user"},
                      {"content",
                       json::array{json::object{{"type", "input_text"}, {"text", kUserText}}}}}}};
                c->session->handle_text(json::serialize(item));
                c->session->handle_text(R"({"type":"response.create"})");
                run_until([&] { return !c->session->busy(); });
                ++result.turns;
            }
        }
        settle();
        if (park) {
            live_memory_ = used_memory();
            for (auto& c : all) c->resumption->park(*c->session);
            settle();
        }
        all.clear();
        run_until([] { return true; });
        result.cpu_us = thread_cpu_us() - start;
        return result;
    }

    // INFO's fields (stats, cpu, memory) as numbers.
    std::map<std::string, double> info() {
        std::map<std::string, double> fields;
        bool done = false;
        client_->command({"INFO"}, [&](std::optional<store::RedisReply> reply) {
            if (reply) {
                std::istringstream in(reply->text);
                std::string line;
                while (std::getline(in, line)) {
                    const auto colon = line.find(':');
                    if (colon == std::string::npos || line[0] == '#') continue;
                    try {
                        fields[line.substr(0, colon)] = std::stod(line.substr(colon + 1));
                    } catch (...) {  // a text field (versions, modes): not a number
                    }
                }
            }
            done = true;
        });
        for (int i = 0; i < 500 && !done; ++i) std::this_thread::sleep_for(2ms);
        return fields;
    }
    double used_memory() { return info()["used_memory"]; }
    double live_memory() const { return live_memory_; }
    void flush() {
        bool done = false;
        client_->command({"FLUSHALL"}, [&](auto) { done = true; });
        for (int i = 0; i < 500 && !done; ++i) std::this_thread::sleep_for(2ms);
    }

    store::SessionStore& memory() { return *memory_; }
    store::SessionStore& redis() { return *redis_store_; }

private:
    template <class Done>
    void run_until(Done done) {
        for (int i = 0; i < 100000 && !done(); ++i) {
            session_ioc_.restart();
            session_ioc_.run_for(1ms);
        }
        session_ioc_.restart();
        session_ioc_.poll();
    }
    // Everything written is answered once a later PING is.
    void settle() {
        bool answered = false;
        client_->command({"PING"}, [&](auto) { answered = true; });
        run_until([&] { return answered; });
    }

    Options options_;
    Config config_;
    protocol::SessionConstraints constraints_;
    pool::EngineRefs engines_;
    test::FakeLanguageModel llm_;
    test::RedisProcess redis_;
    asio::io_context session_ioc_;
    asio::io_context redis_ioc_;
    asio::executor_work_guard<asio::io_context::executor_type> guard_{redis_ioc_.get_executor()};
    std::thread redis_thread_;
    std::shared_ptr<store::RedisClient> client_;
    std::unique_ptr<store::SessionStore> memory_;
    std::unique_ptr<store::SessionStore> redis_store_;
    double live_memory_ = 0;
};

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
    Options options;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string name = argv[i];
        const std::string value = argv[i + 1];
        if (name == "--sessions")
            options.sessions = std::stoi(value);
        else if (name == "--turns")
            options.turns = std::stoi(value);
        else if (name == "--reps")
            options.reps = std::stoi(value);
        else if (name == "--out")
            options.out = value;
        else {
            std::cerr
                << "usage: confab-store-cost [--sessions N] [--turns T] [--reps R] [--out DIR]\n";
            return 2;
        }
    }
    log::configure(log::Level::warn, false);
    Bench bench(options);
    if (!bench.connected()) {
        std::cerr << "confab-store-cost: redis-server did not answer\n";
        return 1;
    }
    bench.run(bench.memory(), false);  // warm-up: allocators, the script cache
    bench.run(bench.redis(), false);
    bench.flush();

    std::vector<double> memory_us, redis_us;
    double sent = 0, commands = 0, bytes_in = 0, bytes_out = 0, redis_cpu_us = 0, redis_turns = 0;
    double parked_bytes = 0, live_bytes = 0;
    for (int r = 0; r < options.reps; ++r) {
        const auto m = bench.run(bench.memory(), false);
        memory_us.push_back(m.cpu_us / m.turns);
        const double base_memory = bench.used_memory();
        auto before = bench.info();
        const double sent_before = bench.sent();
        const auto d = bench.run(bench.redis(), true);
        sent += bench.sent() - sent_before;
        auto after = bench.info();
        redis_us.push_back(d.cpu_us / d.turns);
        // INFO's own command and the settling PINGs are a handful among
        // thousands; they are counted as store operations (an overstatement).
        commands += after["total_commands_processed"] - before["total_commands_processed"];
        bytes_in += after["total_net_input_bytes"] - before["total_net_input_bytes"];
        bytes_out += after["total_net_output_bytes"] - before["total_net_output_bytes"];
        redis_cpu_us += ((after["used_cpu_user"] + after["used_cpu_sys"]) -
                         (before["used_cpu_user"] + before["used_cpu_sys"])) *
                        1e6;
        redis_turns += d.turns;
        live_bytes += (bench.live_memory() - base_memory) / options.sessions;
        parked_bytes += (bench.used_memory() - base_memory) / options.sessions;
        bench.flush();
    }
    const double reps = options.reps;
    const double strand_memory = median(memory_us);
    const double strand_redis = median(redis_us);
    const double per_turn_commands = commands / redis_turns;
    const double per_turn_sent = sent / redis_turns;
    const double per_turn_in = bytes_in / redis_turns;
    const double per_turn_out = bytes_out / redis_turns;
    const double per_turn_redis_cpu = redis_cpu_us / redis_turns;
    const double conv_live = live_bytes / reps;
    const double conv_parked = parked_bytes / reps;
    // On paper: a conversing user takes a turn every 10 s (the capacity
    // benchmark's users: ~4.8 s of speech, the reply, a pause).
    const double turn_every_s = 10;
    const double users_per_redis_core = 1e6 / per_turn_redis_cpu * turn_every_s;
    const double users_per_gib = (1024.0 * 1024 * 1024) / conv_live;

    json::object out{
        {"sessions", options.sessions},
        {"turns_per_session", options.turns},
        {"reps", options.reps},
        {"strand_cpu_us_per_turn_memory", strand_memory},
        {"strand_cpu_us_per_turn_redis", strand_redis},
        {"strand_cpu_us_per_turn_added", strand_redis - strand_memory},
        {"strand_ratio_redis_over_memory", strand_redis / strand_memory},
        {"node_commands_per_turn", per_turn_sent},
        {"redis_commands_per_turn", per_turn_commands},
        {"redis_bytes_in_per_turn", per_turn_in},
        {"redis_bytes_out_per_turn", per_turn_out},
        {"redis_cpu_us_per_turn", per_turn_redis_cpu},
        {"conversation_bytes_live", conv_live},
        {"conversation_bytes_parked", conv_parked},
        {"users_per_redis_core", users_per_redis_core},
        {"users_per_gib", users_per_gib},
    };
    const std::string command =
        "build/bench/confab-store-cost --sessions " + std::to_string(options.sessions) +
        " --turns " + std::to_string(options.turns) + " --reps " + std::to_string(options.reps);
    std::ofstream(options.out + "/store_cost.json") << json::serialize(out) << "\n";
    char buf[4096];
    std::ostringstream md;
    md << "# Write-through cost of the session store (issue 16)\n\n"
       << "Command: `ninja -C build confab-store-cost && " << command << "`\n"
       << "(real redis-server 7.0 on loopback; " << options.sessions << " sessions x "
       << options.turns << " text turns, a ~15-word user turn and a 40-word reply in 20 deltas;"
       << " memory and Redis alternated " << options.reps << " times in one run, medians).\n\n"
       << "| measure | value |\n|---|---|\n";
    std::snprintf(buf, sizeof buf,
                  "| session strand CPU per turn, memory store | %.1f us |\n"
                  "| session strand CPU per turn, Redis store | %.1f us |\n"
                  "| added by writing through | %+.1f us (x%.3f) |\n"
                  "| commands the node sends per turn (round trips) | %.2f |\n"
                  "| commands Redis runs per turn (those inside the scripts too) | %.2f |\n"
                  "| bytes to Redis per turn | %.0f |\n"
                  "| bytes from Redis per turn | %.0f |\n"
                  "| Redis CPU per turn | %.1f us |\n"
                  "| one %d-turn conversation in Redis, live | %.0f bytes |\n"
                  "| the same, parked (after the connection ended) | %.0f bytes |\n",
                  strand_memory, strand_redis, strand_redis - strand_memory,
                  strand_redis / strand_memory, per_turn_sent, per_turn_commands, per_turn_in,
                  per_turn_out, per_turn_redis_cpu, options.turns, conv_live, conv_parked);
    md << buf;
    std::snprintf(buf, sizeof buf,
                  "\nOn paper, a user taking a turn every %.0f s: one Redis core carries %.0f "
                  "conversing users (Redis is single-threaded: that is one Redis); its memory "
                  "carries %.0f %d-turn conversations per GiB.\n",
                  turn_every_s, users_per_redis_core, users_per_gib, options.turns);
    md << buf;
    // Per-node capacities measured elsewhere: bench/results/capacity.md (the
    // embedded engines, 8 users on 2 cores) and remote_capacity.md (150).
    std::snprintf(
        buf, sizeof buf,
        "\nScaling on paper: nodes x per-node capacity, until one Redis saturates. With the "
        "embedded engines (8 users per 2-core node) that is %.0f nodes; with remote engines (150 "
        "per node) %.0f nodes. Redis's CPU saturates first: at that many users its memory holds "
        "%.2f GiB of live %d-turn conversations and takes %.1f MB/s from the nodes. On a node, "
        "writing through adds %.0f us of strand CPU per turn: %.4f%% of one core per conversing "
        "user, against the ~25%% of a core a user's recognition takes on the embedded engines.\n",
        users_per_redis_core / 8, users_per_redis_core / 150,
        users_per_redis_core * conv_live / (1024.0 * 1024 * 1024), options.turns,
        users_per_redis_core / turn_every_s * per_turn_in / 1e6, strand_redis - strand_memory,
        (strand_redis - strand_memory) / (turn_every_s * 1e6) * 100);
    md << buf;
    std::ofstream(options.out + "/store_cost.md") << md.str();
    std::cout << md.str();
    return 0;
}
